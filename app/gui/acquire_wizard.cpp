#include "app/gui/acquire_wizard.hpp"

#include <algorithm>
#include <array>
#include <cfloat>
#include <cstdio>
#include <cstring>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "app/gui/app_model.hpp"
#include "app/gui/fonts.hpp"
#include "app/gui/keys.hpp"
#include "app/gui/widgets.hpp"
#include "forensics/case/workspace.hpp"
#include "forensics/core/clock.hpp"
#include "forensics/i18n/catalogue.hpp"
#include "forensics/i18n/format.hpp"

namespace shodo::gui {

using i18n::tr;

namespace {

constexpr std::uint64_t k_mib = 1024ull * 1024;

constexpr std::array<const char*, k_wizard_steps> k_step_keys = {
    "gui.ev.step.source", "gui.ev.step.destination", "gui.ev.step.case_data", "gui.ev.step.preflight",
    "gui.ev.step.run",    "gui.ev.step.verify",      "gui.ev.step.custody"};

constexpr std::array<const char*, 3> k_format_keys = {"gui.ev.dest.format.raw", "gui.ev.dest.format.split",
                                                      "gui.ev.dest.format.e01"};
constexpr std::array<const char*, 3> k_compression_keys = {"gui.ev.dest.compression.none", "gui.ev.dest.compression.fast",
                                                           "gui.ev.dest.compression.best"};

float label_width() { return ImGui::GetFontSize() * 11.0f; }

// "Label ......... [input]" on one row; returns true when edited.
bool field_row(UiContext& ctx, const char* label, const char* tag_name, const char* id, std::string& value,
               const char* hint = "") {
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(label);
  ImGui::SameLine(label_width());
  ImGui::SetNextItemWidth(-1);
  const bool changed = ImGui::InputTextWithHint(id, hint, &value);
  tag(ctx, tag_name);
  if (changed) ctx.fonts.want_text(value);  // pasted text does not pass the input queue
  return changed;
}

std::string device_line(const acquire::BlockDevice& d) {
  std::string s = d.path + "   " + d.transport;
  if (!d.vendor.empty() || !d.model.empty()) s += "   " + d.vendor + (d.vendor.empty() ? "" : " ") + d.model;
  if (!d.serial.empty()) s += "   " + d.serial;
  s += "   " + i18n::format_bytes(d.size_bytes);
  return s;
}

bool mounted_rw(const acquire::BlockDevice& d) {
  for (const auto& m : d.mounts)
    if (m.read_write) return true;
  return false;
}

// A request's identity for "the preflight shown is the preflight of this form".
std::string fingerprint(const acquire::AcquireRequest& r) {
  std::string s = r.source.string() + "\n" + r.dest_dir.string() + "\n" + r.name + "\n" + to_string(r.format) + "\n" +
                  std::to_string(r.segment_bytes) + "\n" + (r.allow_mounted_rw ? "rw:" + r.override_reason : "") + "\n";
  if (r.second_dest_dir) s += r.second_dest_dir->string();
  return s;
}

const char* check_mark(const acquire::PreflightCheck& c, ImU32& col) {
  if (c.ok && c.blocking) {
    col = k_col_ok;
    return tr("gui.ev.pf.mark_ok");
  }
  if (!c.ok && c.blocking) {
    col = k_col_error;
    return tr("gui.ev.pf.mark_ng");
  }
  col = k_col_warn;
  return tr("gui.ev.pf.mark_warn");
}
}  // namespace

acquire::AcquireRequest WizardForm::request() const {
  acquire::AcquireRequest r;
  r.source = source();
  r.dest_dir = dest_dir;
  if (second && !second_dest_dir.empty()) r.second_dest_dir = std::filesystem::path(second_dest_dir);
  r.name = name;
  r.format = format == 1 ? acquire::ImageFormat::split : format == 2 ? acquire::ImageFormat::e01 : acquire::ImageFormat::raw;
  r.segment_bytes = format == 0 ? 0 : static_cast<std::uint64_t>(segment_mib) * k_mib;
  r.compression = compression == 0 ? acquire::EwfCompression::none
                  : compression == 2 ? acquire::EwfCompression::best
                                     : acquire::EwfCompression::fast;
  r.algos = {HashAlgo::sha256};
  if (md5) r.algos.push_back(HashAlgo::md5);
  if (sha1) r.algos.push_back(HashAlgo::sha1);
  if (sha512) r.algos.push_back(HashAlgo::sha512);
  r.verify_source = verify_source;
  r.allow_mounted_rw = override_rw && !override_reason.empty();
  r.override_reason = r.allow_mounted_rw ? override_reason : std::string();
  r.source_evidence_no = source_evidence_no;
  r.description = description;
  r.notes = notes;
  r.witness = witness;
  r.destination_medium_serial = dest_serial;
  r.write_blocker = write_blocker;
  r.found_location = found_location;
  return r;
}

// ---- state ---------------------------------------------------------------------------------

void AcquireWizard::use_device(const std::string& path) {
  if (busy()) return;
  m_form.image_file = false;
  m_form.device_path = path;
  if (m_step != WizardStep::run && m_step != WizardStep::verify && m_step != WizardStep::custody) {
    m_step = WizardStep::source;
    m_preflight.reset();
  }
}

bool AcquireWizard::take_finished() {
  const bool f = m_finished_flag;
  m_finished_flag = false;
  return f;
}

WizardStep AcquireWizard::shown_step() const {
  const acquire::Phase phase = acquire::phase_of(m_snap.phase);
  if (m_step == WizardStep::run && (phase == acquire::Phase::verifying_image || phase == acquire::Phase::verifying_source))
    return WizardStep::verify;
  return m_step;
}

bool AcquireWizard::step_complete(WizardStep s) const {
  switch (s) {
    case WizardStep::source: return !m_form.source().empty();
    case WizardStep::destination: return !m_form.dest_dir.empty() && !m_form.name.empty() &&
                                         (!m_form.second || !m_form.second_dest_dir.empty());
    case WizardStep::case_data: return true;
    default: return false;
  }
}

bool AcquireWizard::start_enabled(const AppModel& model) const {
  if (busy() || !m_preflight || !m_preflight->can_start()) return false;
  if (m_preflight_source != fingerprint(m_form.request())) return false;  // form changed since
  // Only now (no job running) may the model's Workspace be looked at.
  return model.workspace() != nullptr && model.append_blocker() == nullptr;
}

void AcquireWizard::run_preflight(UiContext& ctx) {
  const acquire::AcquireRequest req = m_form.request();
  m_preflight = acquire::preflight(req, ctx.model.case_root());
  m_preflight_source = fingerprint(req);
}

bool AcquireWizard::start(UiContext& ctx) {
  if (!start_enabled(ctx.model)) return false;
  run_preflight(ctx);  // the state of the disks now, not when the step was opened
  if (!start_enabled(ctx.model)) return false;
  m_result.reset();
  m_job_preflight.reset();
  m_outputs.clear();
  m_output_error.clear();
  m_plot.clear();
  m_snap = {};
  m_job_entries.clear();
  m_entries_before = ctx.model.entries().size();
  const acquire::AcquireRequest req = m_form.request();
  JobRecord rec;
  rec.number = static_cast<int>(m_jobs.size()) + 1;
  rec.source = req.source.string();
  rec.destination = (req.dest_dir / req.name).string();
  rec.format = to_string(req.format);
  rec.started_utc_ns = ctx.model.clock().now().sys_utc_ns;
  // The Workspace is the job's until its final event is taken in update().
  Workspace* ws = ctx.model.lend_workspace();
  if (!ws || !m_job.start(*ws, req)) {
    ctx.model.return_workspace();
    return false;
  }
  m_jobs.push_back(std::move(rec));
  m_step = WizardStep::run;
  return true;
}

void AcquireWizard::show_job() {
  if (busy())
    m_step = WizardStep::run;
  else if (m_result)
    m_step = WizardStep::verify;
}

std::optional<CustodyRequest> AcquireWizard::take_custody_request() {
  auto r = std::move(m_custody_request);
  m_custody_request.reset();
  return r;
}

void AcquireWizard::reset() {
  if (busy()) return;
  WizardForm f;
  // The next item usually goes to the same destination in the same way, with the same witness.
  f.dest_dir = m_form.dest_dir;
  f.format = m_form.format;
  f.segment_mib = m_form.segment_mib;
  f.compression = m_form.compression;
  f.md5 = m_form.md5;
  f.sha1 = m_form.sha1;
  f.sha512 = m_form.sha512;
  f.verify_source = m_form.verify_source;
  f.witness = m_form.witness;
  f.dest_serial = m_form.dest_serial;
  f.write_blocker = m_form.write_blocker;
  m_form = std::move(f);
  m_step = WizardStep::source;
  m_preflight.reset();
  m_job_preflight.reset();
  m_result.reset();
  m_outputs.clear();
  m_output_error.clear();
  m_plot.clear();
  m_snap = {};
}

void AcquireWizard::predict_numbers(const evidence::EvidenceRegister* reg) {
  m_next_source_no.clear();
  m_next_image_no.clear();
  if (reg) {
    if (auto p = acquire::plan_evidence_numbers(*reg, m_form.source_evidence_no)) {
      if (p->new_source) m_next_source_no = p->source;
      m_next_image_no = p->image;
    }
  }
  if (!m_form.name_edited) m_form.name = m_next_image_no;
}

void AcquireWizard::go(UiContext& ctx, WizardStep s) {
  m_step = s;
  if (s == WizardStep::preflight) run_preflight(ctx);
}

void AcquireWizard::update(UiContext& ctx) {
  while (auto e = m_job.poll()) {
    if (!e->final()) {
      m_job_preflight = std::move(e->note);
    } else {
      m_result = std::move(e->result);
      m_step = WizardStep::verify;
      m_finished_flag = true;
      m_confirm_cancel = false;
      if (m_result && m_result->ok()) {
        const auto& rec = m_result->value().record;
        for (const std::string* s : {&rec.outcome_ja, &rec.outcome_en, &rec.verify_summary_ja, &rec.verify_summary_en})
          ctx.fonts.want_text(*s);
      } else if (m_result) {
        ctx.fonts.want_text(m_result->error().ja);
      }
      // The worker has returned: the Workspace is the GUI thread's again.
      ctx.model.return_workspace();
      const auto& entries = ctx.model.entries();
      if (m_entries_before < entries.size())
        m_job_entries.assign(entries.begin() + static_cast<std::ptrdiff_t>(m_entries_before), entries.end());
      for (const auto& en : m_job_entries) ctx.fonts.want_text(en.content);
      if (!m_jobs.empty() && m_result) finish_record(m_jobs.back(), *m_result);
    }
  }
  if (m_job.busy()) {
    m_snap = m_job.sample();
    m_plot.add(ImGui::GetTime(), m_snap.current_rate);
    if (!m_jobs.empty()) {
      JobRecord& j = m_jobs.back();
      j.progress = m_snap;
      const acquire::Phase phase = acquire::phase_of(m_snap.phase);
      j.state = live_job_state(phase, m_job.paused(), m_job.cancel_requested());
      if (phase == acquire::Phase::acquiring) j.bad_sectors = m_snap.errors;
    }
  }
}

void AcquireWizard::finish_record(JobRecord& j, const Result<acquire::AcquireResult>& r) {
  j.state = final_job_state(r);
  if (!r) {
    j.reason_ja = r.error().describe(true);
    j.reason_en = r.error().describe(false);
    return;
  }
  const acquire::AcquisitionRecord& rec = r.value().record;
  j.source_no = rec.source_evidence_no;
  j.image_no = rec.image_evidence_no;
  j.bytes_covered = rec.bytes_covered;
  j.source_size = rec.source_size;
  j.bad_sectors = rec.bad_sectors;
  j.acquire_rate = rec.acquire_seconds > 0 ? static_cast<double>(rec.bytes_covered) / rec.acquire_seconds : 0;
  j.progress.done = rec.bytes_covered;
  j.progress.total = rec.source_size;
  j.progress.errors = rec.bad_sectors;
  j.reason_ja = rec.outcome_ja + (rec.verify_summary_ja.empty() ? "" : "\n" + rec.verify_summary_ja);
  j.reason_en = rec.outcome_en + (rec.verify_summary_en.empty() ? "" : "\n" + rec.verify_summary_en);
}

// ---- drawing -------------------------------------------------------------------------------

void AcquireWizard::draw(UiContext& ctx, const std::vector<acquire::BlockDevice>& devices,
                         const evidence::EvidenceRegister* reg) {
  if (!busy() && (m_step == WizardStep::source || m_step == WizardStep::destination ||
                  m_step == WizardStep::case_data || m_step == WizardStep::preflight))
    predict_numbers(reg);
  draw_steps(ctx);
  ImGui::Separator();
  const float footer_h = ImGui::GetFrameHeightWithSpacing() + ImGui::GetStyle().ItemSpacing.y;
  ImGui::BeginChild("wizard_body", ImVec2(0, -footer_h), false);
  switch (m_step) {
    case WizardStep::source: draw_source(ctx, devices); break;
    case WizardStep::destination: draw_destination(ctx); break;
    case WizardStep::case_data: draw_case_data(ctx, reg); break;
    case WizardStep::preflight: draw_preflight(ctx); break;
    case WizardStep::run: draw_run(ctx); break;
    case WizardStep::verify: draw_result(ctx); break;
    case WizardStep::custody: draw_custody(ctx); break;
  }
  ImGui::EndChild();
  ImGui::Separator();
  draw_footer(ctx);
}

void AcquireWizard::draw_steps(UiContext& ctx) {
  const int shown = static_cast<int>(shown_step());
  for (int i = 0; i < k_wizard_steps; ++i) {
    char label[96];
    std::snprintf(label, sizeof label, "%d %s", i + 1, tr(k_step_keys[static_cast<std::size_t>(i)]));
    if (i == 0) ImGui::SetCursorPosX(ImGui::GetCursorPosX() + 4);  // room for the highlight
    if (i > 0) {
      ImGui::SameLine(0, 8);
      ImGui::TextDisabled("%s", tr("gui.ev.step.sep"));
      ImGui::SameLine(0, 8);
    }
    if (i == shown) {
      const ImVec2 p = ImGui::GetCursorScreenPos();
      const ImVec2 sz = ImGui::CalcTextSize(label);
      ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(p.x - 4, p.y - 2), ImVec2(p.x + sz.x + 4, p.y + sz.y + 2),
                                                k_col_system, 3.0f);
      text_colored(IM_COL32(255, 255, 255, 255), label);
    } else if (i < shown) {
      text_colored(k_col_ok, label);
    } else {
      ImGui::TextDisabled("%s", label);
    }
    tag_n(ctx, "acq.step.", i);
  }
}

void AcquireWizard::draw_source(UiContext& ctx, const std::vector<acquire::BlockDevice>& devices) {
  ImGui::TextUnformatted(tr("gui.ev.src.title"));
  ImGui::Spacing();
  bool any_offered = false;
  for (std::size_t i = 0; i < devices.size(); ++i) {
    const auto& d = devices[i];
    any_offered = any_offered || d.offered();
    ImGui::PushID(static_cast<int>(i));
    const bool selected = !m_form.image_file && m_form.device_path == d.path;
    {
      DisabledScope off(!d.offered());
      if (ImGui::RadioButton(device_line(d).c_str(), selected)) {
        m_form.image_file = false;
        m_form.device_path = d.path;
      }
    }
    tag_n(ctx, "acq.src.dev.", static_cast<long long>(i));
    ImGui::SameLine();
    ro_badge(d.read_only, d.offered());
    tag_n(ctx, "acq.src.ro.", static_cast<long long>(i));
    if (!d.offered()) {
      ImGui::Indent(ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x);
      for (const auto& code : d.excluded_codes) {
        text_wrapped(tr(("devices.excluded." + code).c_str()), ImGui::GetColorU32(ImGuiCol_TextDisabled));
      }
      ImGui::Unindent(ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x);
    } else if (mounted_rw(d)) {
      ImGui::SameLine();
      text_colored(k_col_error, tr("gui.ev.dev.mounted_rw"));
    }
    ImGui::PopID();
  }
  if (!any_offered) ImGui::TextDisabled("%s", tr("gui.ev.src.no_device"));
  ImGui::Spacing();
  if (ImGui::RadioButton(tr("gui.ev.src.image_file"), m_form.image_file)) m_form.image_file = true;
  tag(ctx, "acq.src.image");
  ImGui::SameLine();
  badge_chip(tr("gui.ev.src.image_ro"), IM_COL32(205, 235, 210, 255), k_col_ok);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1);
  if (ImGui::InputTextWithHint("##image_path", tr("gui.ev.src.image_hint"), &m_form.image_path)) {
    m_form.image_file = true;
    ctx.fonts.want_text(m_form.image_path);
  }
  tag(ctx, "acq.src.image_path");
  ImGui::Spacing();
  text_wrapped(tr("gui.ev.src.note"), ImGui::GetColorU32(ImGuiCol_TextDisabled));
  if (!m_form.source().empty()) {
    ImGui::Spacing();
    ImGui::Text("%s %s", tr("gui.ev.src.chosen"), m_form.source().c_str());
  }
}

void AcquireWizard::draw_destination(UiContext& ctx) {
  field_row(ctx, tr("gui.ev.dest.dir"), "acq.dest.dir", "##dest_dir", m_form.dest_dir, tr("gui.ev.dest.dir_hint"));
  if (field_row(ctx, tr("gui.ev.dest.name"), "acq.dest.name", "##name", m_form.name)) m_form.name_edited = true;
  ImGui::SameLine();
  help_marker(tr("gui.ev.dest.name_help"));

  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(tr("gui.ev.dest.format"));
  ImGui::SameLine(label_width());
  for (int i = 0; i < 3; ++i) {
    if (i) ImGui::SameLine();
    ImGui::RadioButton(tr(k_format_keys[static_cast<std::size_t>(i)]), &m_form.format, i);
    tag_n(ctx, "acq.dest.format.", i);
  }
  if (m_form.format != 0) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(tr("gui.ev.dest.segment"));
    ImGui::SameLine(label_width());
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    ImGui::InputInt("##segment", &m_form.segment_mib, 1, 100);
    m_form.segment_mib = std::clamp(m_form.segment_mib, 1, 1024 * 1024);
    tag(ctx, "acq.dest.segment");
    ImGui::SameLine();
    ImGui::TextDisabled("%s", tr("gui.ev.dest.segment_unit"));
  }
  if (m_form.format == 2) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(tr("gui.ev.dest.compression"));
    ImGui::SameLine(label_width());
    for (int i = 0; i < 3; ++i) {
      if (i) ImGui::SameLine();
      ImGui::RadioButton(tr(k_compression_keys[static_cast<std::size_t>(i)]), &m_form.compression, i);
      tag_n(ctx, "acq.dest.compression.", i);
    }
  }

  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(tr("gui.ev.dest.hashes"));
  ImGui::SameLine(label_width());
  {
    bool always = true;
    DisabledScope off(true);
    ImGui::Checkbox("SHA-256", &always);
  }
  ImGui::SameLine();
  ImGui::Checkbox("MD5", &m_form.md5);
  tag(ctx, "acq.hash.md5");
  ImGui::SameLine();
  ImGui::Checkbox("SHA-1", &m_form.sha1);
  tag(ctx, "acq.hash.sha1");
  ImGui::SameLine();
  ImGui::Checkbox("SHA-512", &m_form.sha512);
  tag(ctx, "acq.hash.sha512");
  ImGui::SameLine();
  help_marker(tr("gui.ev.dest.hashes_help"));

  ImGui::Dummy(ImVec2(label_width() - ImGui::GetStyle().ItemSpacing.x, 0));
  ImGui::SameLine();
  ImGui::Checkbox(tr("gui.ev.dest.verify_source"), &m_form.verify_source);
  tag(ctx, "acq.dest.verify_source");

  ImGui::Dummy(ImVec2(label_width() - ImGui::GetStyle().ItemSpacing.x, 0));
  ImGui::SameLine();
  ImGui::Checkbox(tr("gui.ev.dest.second"), &m_form.second);
  tag(ctx, "acq.dest.second");
  if (m_form.second)
    field_row(ctx, tr("gui.ev.dest.second_dir"), "acq.dest.second_dir", "##second_dir", m_form.second_dest_dir,
              tr("gui.ev.dest.dir_hint"));
}

void AcquireWizard::draw_case_data(UiContext& ctx, const evidence::EvidenceRegister* reg) {
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(tr("gui.ev.case.source_no"));
  ImGui::SameLine(label_width());
  ImGui::SetNextItemWidth(-1);
  std::string preview = m_form.source_evidence_no.empty()
                            ? std::string(tr("gui.ev.case.new_item")) + (m_next_source_no.empty() ? "" : " — " + m_next_source_no)
                            : m_form.source_evidence_no;
  if (ImGui::BeginCombo("##source_no", preview.c_str())) {
    if (ImGui::Selectable(tr("gui.ev.case.new_item"), m_form.source_evidence_no.empty())) m_form.source_evidence_no.clear();
    if (reg) {
      for (const auto& it : reg->items()) {
        const std::string label = it.evidence_no + "  " + it.description;
        if (ImGui::Selectable(label.c_str(), m_form.source_evidence_no == it.evidence_no))
          m_form.source_evidence_no = it.evidence_no;
      }
    }
    ImGui::EndCombo();
  }
  tag(ctx, "acq.case.source_no");
  field_row(ctx, tr("evidence.field.description"), "acq.case.description", "##description", m_form.description,
            tr("gui.ev.case.description_hint"));
  field_row(ctx, tr("gui.ev.case.notes"), "acq.case.notes", "##notes", m_form.notes);
  field_row(ctx, tr("evidence.field.witness"), "acq.case.witness", "##witness", m_form.witness);
  field_row(ctx, tr("evidence.acq.medium_serial"), "acq.case.dest_serial", "##dest_serial", m_form.dest_serial,
            tr("gui.ev.case.dest_serial_hint"));
  field_row(ctx, tr("gui.ev.case.write_blocker"), "acq.case.write_blocker", "##write_blocker", m_form.write_blocker,
            tr("gui.ev.case.write_blocker_hint"));
  field_row(ctx, tr("evidence.field.found_location"), "acq.case.found_location", "##found_location",
            m_form.found_location, tr("gui.ev.case.found_location_hint"));
  ImGui::Spacing();
  if (!m_next_image_no.empty()) {
    const std::string src = m_form.source_evidence_no.empty() ? m_next_source_no : m_form.source_evidence_no;
    ImGui::Text("%s %s → %s", tr("gui.ev.case.numbers"), src.c_str(), m_next_image_no.c_str());
  }
}

void AcquireWizard::draw_plan() {
  // What Start will do, in one place, so the operator checks it before the hours begin.
  const acquire::AcquireRequest req = m_form.request();
  if (!ImGui::BeginTable("plan", 2, ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_BordersOuter)) return;
  ImGui::TableSetupColumn("k", ImGuiTableColumnFlags_WidthFixed, label_width() - ImGui::GetStyle().CellPadding.x * 2);
  ImGui::TableSetupColumn("v", ImGuiTableColumnFlags_WidthStretch);
  auto row = [](const char* k, const std::string& v) {
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    ImGui::TextDisabled("%s", k);
    ImGui::TableSetColumnIndex(1);
    text_wrapped(v.c_str());
  };
  std::string src = req.source.string();
  if (m_preflight && m_preflight->source_size) src += "  (" + i18n::format_bytes(m_preflight->source_size) + ")";
  row(tr("evidence.acq.source"), src);
  std::string protection = tr(m_form.image_file ? "gui.ev.plan.protect_file" : "gui.ev.plan.protect_device");
  if (!m_form.write_blocker.empty()) protection += " + " + m_form.write_blocker;
  row(tr("evidence.acq.write_protection"), protection);
  std::string dest = (req.dest_dir / req.name).string() + "  [" + tr(k_format_keys[static_cast<std::size_t>(m_form.format)]) + "]";
  if (req.second_dest_dir) dest += "\n" + (*req.second_dest_dir / req.name).string();
  row(tr("evidence.acq.destination"), dest);
  std::string algos;
  for (HashAlgo a : req.algos) algos += (algos.empty() ? "" : ", ") + std::string(to_string(a));
  row(tr("gui.ev.dest.hashes"), algos);
  row(tr("gui.ev.plan.verify"), tr(req.verify_source ? "gui.ev.plan.verify_both" : "gui.ev.plan.verify_image"));
  if (!m_next_image_no.empty())
    row(tr("acquire.evidence"),
        (m_form.source_evidence_no.empty() ? m_next_source_no : m_form.source_evidence_no) + " → " + m_next_image_no);
  ImGui::EndTable();
}

void AcquireWizard::draw_preflight(UiContext& ctx) {
  draw_plan();
  ImGui::Spacing();
  if (ImGui::Button(tr("gui.ev.pf.recheck"))) run_preflight(ctx);
  tag(ctx, "acq.pf.recheck");
  ImGui::SameLine();
  ImGui::TextDisabled("%s", tr("gui.ev.pf.legend"));
  if (!m_preflight) return;
  bool mounted_problem = false;
  if (ImGui::BeginTable("checks", 2, ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_RowBg)) {
    ImGui::TableSetupColumn("mark", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 2.5f);
    ImGui::TableSetupColumn("text", ImGuiTableColumnFlags_WidthStretch);
    for (std::size_t i = 0; i < m_preflight->checks.size(); ++i) {
      const auto& c = m_preflight->checks[i];
      if (c.id == "source_mounted" && (!c.ok || m_form.override_rw)) mounted_problem = true;
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      ImU32 col = 0;
      const char* mark = check_mark(c, col);
      text_colored(col, mark);
      tag_n(ctx, "acq.pf.check.", static_cast<long long>(i));
      ImGui::TableSetColumnIndex(1);
      text_wrapped(i18n::japanese() ? c.ja.c_str() : c.en.c_str());
    }
    ImGui::EndTable();
  }
  if (mounted_problem) {
    ImGui::Spacing();
    if (ImGui::Checkbox(tr("gui.ev.pf.override"), &m_form.override_rw)) run_preflight(ctx);
    tag(ctx, "acq.pf.override");
    if (m_form.override_rw) {
      ImGui::SetNextItemWidth(-1);
      ImGui::InputTextWithHint("##override_reason", tr("gui.ev.pf.override_reason"), &m_form.override_reason);
      tag(ctx, "acq.pf.override_reason");
      if (ImGui::IsItemDeactivatedAfterEdit()) run_preflight(ctx);
    }
  }
  ImGui::Spacing();
  if (m_preflight->can_start())
    text_colored(k_col_ok, tr("gui.ev.pf.can_start"));
  else
    text_colored(k_col_error, tr("gui.ev.pf.blocked"));
  tag(ctx, "acq.pf.summary");
  if (m_preflight_source != fingerprint(m_form.request())) text_colored(k_col_warn, tr("gui.ev.pf.stale"));
  if (!busy()) {
    if (const char* why = ctx.model.append_blocker()) text_colored(k_col_error, tr(why));
  }
}

void AcquireWizard::draw_footer(UiContext& ctx) {
  const float w = ImGui::GetFontSize() * 8;
  const bool editing = m_step == WizardStep::source || m_step == WizardStep::destination ||
                       m_step == WizardStep::case_data || m_step == WizardStep::preflight;
  {
    DisabledScope off(busy() || m_step == WizardStep::source || m_step == WizardStep::run ||
                      m_step == WizardStep::verify);
    if (ImGui::Button(tr("gui.ev.back"), ImVec2(w, 0)))
      m_step = static_cast<WizardStep>(static_cast<int>(m_step) - 1);
    tag(ctx, "acq.back");
  }
  ImGui::SameLine();
  if (editing && m_step != WizardStep::preflight) {
    DisabledScope off(!step_complete(m_step));
    if (ImGui::Button(tr("gui.ev.next"), ImVec2(w, 0))) go(ctx, static_cast<WizardStep>(static_cast<int>(m_step) + 1));
    tag(ctx, "acq.next");
  } else if (m_step == WizardStep::preflight) {
    const bool enabled = start_enabled(ctx.model);
    {
      DisabledScope off(!enabled);
      ImGui::PushStyleColor(ImGuiCol_Button, enabled ? IM_COL32(190, 225, 200, 255) : ImGui::GetColorU32(ImGuiCol_Button));
      if (ImGui::Button(tr("gui.ev.start"), ImVec2(w * 1.5f, 0))) start(ctx);
      ImGui::PopStyleColor();
    }
    tag(ctx, "acq.start");
  } else if (m_step == WizardStep::verify) {
    DisabledScope off(!m_result || !m_result->ok());
    if (ImGui::Button(tr("gui.ev.next"), ImVec2(w, 0))) m_step = WizardStep::custody;
    tag(ctx, "acq.next");
  }
  if (!busy() && (m_step == WizardStep::verify || m_step == WizardStep::custody)) {
    ImGui::SameLine();
    if (ImGui::Button(tr("gui.ev.new"), ImVec2(w * 1.5f, 0))) reset();
    tag(ctx, "acq.new");
  }
}

}  // namespace shodo::gui
