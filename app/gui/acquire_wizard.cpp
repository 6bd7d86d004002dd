#include "app/gui/acquire_wizard.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "app/gui/app_model.hpp"
#include "app/gui/fonts.hpp"
#include "app/gui/keys.hpp"
#include "app/gui/widgets.hpp"
#include "forensics/case/workspace.hpp"
#include "forensics/i18n/catalogue.hpp"

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

// "<inc>-E007" → "<inc>-E008" (the image follows a newly registered source).
std::string number_after(const std::string& no) {
  const auto pos = no.rfind("-E");
  if (pos == std::string::npos) return {};
  const int n = std::atoi(no.c_str() + pos + 2);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%03d", n + 1);
  return no.substr(0, pos + 2) + buf;
}

std::string device_line(const acquire::BlockDevice& d) {
  std::string s = d.path + "   " + d.transport;
  if (!d.vendor.empty() || !d.model.empty()) s += "   " + d.vendor + (d.vendor.empty() ? "" : " ") + d.model;
  if (!d.serial.empty()) s += "   " + d.serial;
  s += "   " + format_gib(d.size_bytes);
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

const char* verify_what_key(const std::string& what) {
  if (what == "image_reread") return "gui.ev.res.what.image_reread";
  if (what == "second_image_reread") return "gui.ev.res.what.second_image_reread";
  if (what == "source_reread") return "gui.ev.res.what.source_reread";
  if (what == "e01_stored_md5") return "gui.ev.res.what.e01_stored_md5";
  if (what == "e01_stored_sha1") return "gui.ev.res.what.e01_stored_sha1";
  return "gui.ev.res.what.other";
}

// A read-only, selectable field (hashes and paths can be copied).
void copyable(const char* id, const std::string& text) {
  std::string v = text;
  ImGui::SetNextItemWidth(-1);
  ImGui::InputText(id, &v, ImGuiInputTextFlags_ReadOnly);
}

}  // namespace

std::string format_gib(std::uint64_t bytes) {
  char buf[48];
  const double gib = static_cast<double>(bytes) / (1024.0 * 1024 * 1024);
  if (gib >= 1.0)
    std::snprintf(buf, sizeof buf, "%.2f GiB", gib);
  else
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024));
  return buf;
}

std::string format_eta(double seconds) {
  if (seconds < 0) return "—";
  const auto s = static_cast<long long>(seconds + 0.5);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, (s / 60) % 60, s % 60);
  return buf;
}

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
  if (m_step == WizardStep::run && m_snap.phase >= 2 && m_snap.phase <= 3) return WizardStep::verify;
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
  Workspace* ws = ctx.model.workspace();
  m_result.reset();
  m_job_preflight.reset();
  m_outputs.clear();
  m_output_error.clear();
  m_plot.clear();
  m_snap = {};
  if (!m_job.start(*ws, m_form.request())) return false;
  m_step = WizardStep::run;
  return true;
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
    if (auto n = reg->next_evidence_no()) {
      if (m_form.source_evidence_no.empty()) {
        m_next_source_no = n.value();
        m_next_image_no = number_after(n.value());
      } else {
        m_next_image_no = n.value();
      }
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
    if (e->kind == AcquireJob::Event::Kind::preflight) {
      m_job_preflight = std::move(e->preflight);
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
    }
  }
  if (m_job.busy()) {
    m_snap = m_job.sample();
    m_plot.add(ImGui::GetTime(), m_snap.current_rate);
  }
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
  draw_cancel_confirm(ctx);
}

void AcquireWizard::draw_steps(UiContext& ctx) {
  const int shown = static_cast<int>(shown_step());
  for (int i = 0; i < k_wizard_steps; ++i) {
    char label[96];
    std::snprintf(label, sizeof label, "%d %s", i + 1, tr(k_step_keys[static_cast<std::size_t>(i)]));
    if (i > 0) {
      ImGui::SameLine(0, 4);
      ImGui::TextDisabled("%s", tr("gui.ev.step.sep"));
      ImGui::SameLine(0, 4);
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
    if (d.read_only) {
      ImGui::SameLine();
      text_colored(k_col_ok, tr("gui.ev.dev.ro_badge"));
    }
    if (!d.offered()) {
      ImGui::SameLine();
      ImGui::TextDisabled("%s", i18n::japanese() ? d.excluded_reason_ja.c_str() : d.excluded_reason_en.c_str());
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
  ImGui::SetNextItemWidth(-1);
  if (ImGui::InputTextWithHint("##image_path", tr("gui.ev.src.image_hint"), &m_form.image_path)) {
    m_form.image_file = true;
    ctx.fonts.want_text(m_form.image_path);
  }
  tag(ctx, "acq.src.image_path");
  ImGui::Spacing();
  ImGui::PushTextWrapPos(0);
  ImGui::TextDisabled("%s", tr("gui.ev.src.note"));
  ImGui::PopTextWrapPos();
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

void AcquireWizard::draw_preflight(UiContext& ctx) {
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
      ImGui::PushTextWrapPos(0);
      ImGui::TextUnformatted(i18n::japanese() ? c.ja.c_str() : c.en.c_str());
      ImGui::PopTextWrapPos();
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

void AcquireWizard::draw_run(UiContext& ctx) {
  const ProgressSnapshot& s = m_snap;
  const int phases = m_form.verify_source ? 3 : 2;
  char line[256];
  if (s.phase >= 1 && s.phase <= 3) {
    const char* key = s.phase == 1 ? "acquire.phase.acquire" : s.phase == 2 ? "acquire.phase.verify_image"
                                                                              : "acquire.phase.verify_source";
    std::snprintf(line, sizeof line, "%s %d/%d: %s", tr("gui.ev.run.phase"), s.phase, phases, tr(key));
  } else {
    std::snprintf(line, sizeof line, "%s", tr(s.phase >= 4 ? "gui.ev.run.records" : "gui.ev.run.preparing"));
  }
  ImGui::PushFont(ctx.fonts.large());
  ImGui::TextUnformatted(line);
  ImGui::PopFont();
  tag(ctx, "acq.run.phase");

  const float frac = s.total ? static_cast<float>(static_cast<double>(s.done) / static_cast<double>(s.total)) : 0.0f;
  char pct[32];
  std::snprintf(pct, sizeof pct, "%.1f %%", static_cast<double>(frac) * 100.0);
  ImGui::ProgressBar(frac, ImVec2(-1, 0), pct);
  tag(ctx, "acq.run.bar");

  ImGui::Text("%s %s / %s", tr("gui.ev.run.bytes"), format_gib(s.done).c_str(), format_gib(s.total).c_str());
  ImGui::Text("%s %.1f MB/s    %s %.1f MB/s    %s %s", tr("gui.ev.run.current"), s.current_rate / 1e6,
              tr("gui.ev.run.average"), s.average_rate / 1e6, tr("gui.ev.run.eta"), format_eta(s.eta_s).c_str());
  std::snprintf(line, sizeof line, "%s %llu", tr("gui.ev.run.bad"), static_cast<unsigned long long>(s.errors));
  if (s.errors)
    text_colored(k_col_error, line);
  else
    ImGui::TextUnformatted(line);
  ImGui::SameLine(0, 30);
  ImGui::Text("%s %s", tr("gui.ev.run.bottleneck"), tr(stage_key(s.bottleneck)));

  char overlay[64];
  std::snprintf(overlay, sizeof overlay, "%.1f MB/s", s.current_rate / 1e6);
  m_plot.draw("##rate", overlay, ImVec2(-1, ImGui::GetFontSize() * 4.5f));
  tag(ctx, "acq.run.plot");

  if (m_job.paused()) banner(k_col_banner_bg, k_col_warn, tr("gui.ev.run.paused"));
  if (m_job.cancel_requested()) banner(k_col_error_bg, k_col_error, tr("gui.ev.run.cancelling"));

  DisabledScope off(!m_job.busy() || m_job.cancel_requested());
  if (ImGui::Button(m_job.paused() ? tr("gui.ev.run.resume") : tr("gui.ev.run.pause"), ImVec2(ImGui::GetFontSize() * 8, 0)))
    m_job.set_paused(!m_job.paused());
  tag(ctx, "acq.pause");
  ImGui::SameLine();
  if (ImGui::Button(tr("gui.ev.run.cancel"), ImVec2(ImGui::GetFontSize() * 8, 0))) m_confirm_cancel = true;
  tag(ctx, "acq.cancel");
  if (m_job_preflight && !m_job_preflight->can_start()) text_colored(k_col_error, tr("gui.ev.pf.blocked"));
}

void AcquireWizard::draw_cancel_confirm(UiContext& ctx) {
  const std::string title = std::string(tr("gui.ev.cancel.title")) + "###acq_cancel";
  if (m_confirm_cancel) {
    ImGui::OpenPopup(title.c_str());
    m_confirm_cancel = false;
  }
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  ImGui::SetNextWindowSize(ImVec2(std::min(640.0f, display.x - 40), 0), ImGuiCond_Appearing);
  ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, display.y * 0.4f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (!ImGui::BeginPopupModal(title.c_str(), nullptr, ImGuiWindowFlags_NoSavedSettings)) return;
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(tr("gui.ev.cancel.text"));
  ImGui::PopTextWrapPos();
  ImGui::Separator();
  if (ImGui::Button(tr("gui.ev.cancel.yes"))) {
    m_job.cancel();
    ImGui::CloseCurrentPopup();
  }
  tag(ctx, "acq.cancel.yes");
  ImGui::SameLine();
  if (ImGui::Button(tr("gui.ev.cancel.no")) ||
      (!ImGui::IsWindowAppearing() && ImGui::IsKeyPressed(k_key_escape, false)) || !m_job.busy())
    ImGui::CloseCurrentPopup();
  tag(ctx, "acq.cancel.no");
  ImGui::EndPopup();
}

void AcquireWizard::draw_result(UiContext& ctx) {
  if (!m_result) {
    // The job is in its verification phases: the same progress panel.
    draw_run(ctx);
    return;
  }
  const bool ja = i18n::japanese();
  if (!m_result->ok()) {
    banner(k_col_error_bg, k_col_error, tr("gui.ev.res.failed"));
    ImGui::PushTextWrapPos(0);
    text_colored(k_col_error, m_result->error().describe(ja).c_str());
    ImGui::PopTextWrapPos();
    tag(ctx, "acq.res.error");
    return;
  }
  const acquire::AcquireResult& r = m_result->value();
  const acquire::AcquisitionRecord& rec = r.record;
  const bool complete = acquire::is_complete(r.outcome);
  const ImU32 col = complete && r.verified ? (r.outcome == acquire::Outcome::complete ? k_col_ok : k_col_warn) : k_col_error;
  ImGui::PushTextWrapPos(0);
  text_colored(col, (ja ? rec.outcome_ja : rec.outcome_en).c_str());
  tag(ctx, "acq.res.outcome");
  text_colored(col, (ja ? rec.verify_summary_ja : rec.verify_summary_en).c_str());
  ImGui::PopTextWrapPos();
  ImGui::Text("%s %s → %s", tr("acquire.evidence"), rec.source_evidence_no.c_str(), rec.image_evidence_no.c_str());
  ImGui::Text("%s %llu / %llu %s", tr("acquire.bytes"), static_cast<unsigned long long>(rec.bytes_covered),
              static_cast<unsigned long long>(rec.source_size), tr("devices.bytes"));

  if (ImGui::CollapsingHeader(tr("gui.ev.res.hashes"), ImGuiTreeNodeFlags_DefaultOpen)) {
    const auto& hashes = complete ? rec.source_hashes : rec.partial_hashes;
    if (!complete) text_colored(k_col_error, tr("acquire.no_whole_hash"));
    if (ImGui::BeginTable("hashes", 2, ImGuiTableFlags_BordersInnerH)) {
      ImGui::TableSetupColumn("algo", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 5);
      ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
      for (std::size_t i = 0; i < hashes.size(); ++i) {
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        ImGui::TextUnformatted(to_string(hashes[i].algo));
        ImGui::TableSetColumnIndex(1);
        ImGui::PushID(static_cast<int>(i));
        copyable("##h", hashes[i].hex);
        tag(ctx, (std::string("acq.res.hash.") + to_string(hashes[i].algo)).c_str());
        ImGui::PopID();
      }
      ImGui::EndTable();
    }
  }
  if (ImGui::CollapsingHeader(tr("gui.ev.res.verification"), ImGuiTreeNodeFlags_DefaultOpen)) {
    if (rec.verification.empty()) ImGui::TextDisabled("%s", tr("gui.ev.res.not_verified"));
    if (!rec.verification.empty() && ImGui::BeginTable("verify", 3, ImGuiTableFlags_BordersInnerH)) {
      ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthStretch, 1.2f);
      ImGui::TableSetupColumn("result", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 5);
      ImGui::TableSetupColumn("note", ImGuiTableColumnFlags_WidthStretch, 2.0f);
      for (std::size_t i = 0; i < rec.verification.size(); ++i) {
        const auto& c = rec.verification[i];
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        ImGui::Text("%s %s", tr(verify_what_key(c.what)), c.algo.c_str());
        ImGui::TableSetColumnIndex(1);
        if (!c.done)
          ImGui::TextDisabled("%s", tr("gui.ev.res.not_run"));
        else
          text_colored(c.match ? k_col_ok : k_col_error, tr(c.match ? "acquire.match" : "acquire.mismatch"));
        tag_n(ctx, "acq.res.verify.", static_cast<long long>(i));
        if (c.done && ImGui::IsItemHovered())
          ImGui::SetTooltip("%s %s\n%s %s", tr("acquire.expected"), c.expected.c_str(), tr("acquire.actual"), c.actual.c_str());
        ImGui::TableSetColumnIndex(2);
        ImGui::PushTextWrapPos(0);
        ImGui::TextDisabled("%s", ja ? c.note_ja.c_str() : c.note_en.c_str());
        ImGui::PopTextWrapPos();
      }
      ImGui::EndTable();
    }
  }
  char head[128];
  std::snprintf(head, sizeof head, "%s: %llu###bad", tr("acquire.bad_sectors"), static_cast<unsigned long long>(rec.bad_sectors));
  if (ImGui::CollapsingHeader(head, rec.bad.empty() ? 0 : ImGuiTreeNodeFlags_DefaultOpen)) {
    if (rec.bad.empty()) ImGui::TextDisabled("%s", tr("gui.ev.res.no_bad"));
    if (!rec.bad.empty() && ImGui::BeginTable("bad", 3, ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY,
                                              ImVec2(0, ImGui::GetTextLineHeightWithSpacing() * 7))) {
      ImGui::TableSetupScrollFreeze(0, 1);
      ImGui::TableSetupColumn(tr("gui.ev.res.first_lba"));
      ImGui::TableSetupColumn(tr("gui.ev.res.sectors"));
      ImGui::TableSetupColumn(tr("acquire.byte_offset"));
      ImGui::TableHeadersRow();
      const std::uint32_t ss = rec.sector_size ? rec.sector_size : 512;
      ImGuiListClipper clip;
      clip.Begin(static_cast<int>(rec.bad.size()));
      while (clip.Step())
        for (int i = clip.DisplayStart; i < clip.DisplayEnd; ++i) {
          const auto& b = rec.bad[static_cast<std::size_t>(i)];
          ImGui::TableNextRow();
          ImGui::TableSetColumnIndex(0);
          ImGui::Text("%llu", static_cast<unsigned long long>(b.offset / ss));
          ImGui::TableSetColumnIndex(1);
          ImGui::Text("%llu", static_cast<unsigned long long>(b.length / ss));
          ImGui::TableSetColumnIndex(2);
          ImGui::Text("%llu", static_cast<unsigned long long>(b.offset));
        }
      ImGui::EndTable();
    }
  }
  if (ImGui::CollapsingHeader(tr("acquire.files"), ImGuiTreeNodeFlags_DefaultOpen)) {
    for (std::size_t i = 0; i < r.written.size(); ++i) {
      ImGui::PushID(static_cast<int>(i));
      copyable("##f", r.written[i].string());
      ImGui::PopID();
    }
  }
  if (r.error) {
    ImGui::PushTextWrapPos(0);
    text_colored(k_col_error, r.error->describe(ja).c_str());
    ImGui::PopTextWrapPos();
  }
}

void AcquireWizard::write_pdf(UiContext& ctx, const std::string& evidence_no, bool label) {
  m_output_error.clear();
  Workspace* ws = ctx.model.workspace();
  if (busy() || !ws) return;
  // GUI thread, no job running: the Workspace is ours again.
  auto r = label ? evidence::export_label(*ws, evidence_no, i18n::japanese())
                 : evidence::export_custody_form(*ws, evidence_no, i18n::japanese());
  if (!r) {
    m_output_error = r.error().describe(i18n::japanese());
    if (r.error().code == ErrorCode::not_saved || r.error().code == ErrorCode::no_space)
      ctx.model.push_error("gui.error.not_saved", r.error());
    return;
  }
  // Printing again replaces the earlier line for the same item and kind.
  const std::string kind = label ? "label" : "custody_form";
  m_outputs.erase(std::remove_if(m_outputs.begin(), m_outputs.end(),
                                 [&](const CustodyOutput& o) { return o.evidence_no == evidence_no && o.kind == kind; }),
                  m_outputs.end());
  m_outputs.push_back({evidence_no, kind, std::move(r.value())});
}

void AcquireWizard::draw_custody(UiContext& ctx) {
  if (!m_result || !m_result->ok()) return;
  const auto& rec = m_result->value().record;
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(tr("gui.ev.cust.intro"));
  ImGui::PopTextWrapPos();
  ImGui::Spacing();
  const bool can_write = !busy() && ctx.model.append_blocker() == nullptr;
  const std::array<const std::string*, 2> numbers = {&rec.source_evidence_no, &rec.image_evidence_no};
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    const std::string& no = *numbers[i];
    if (no.empty()) continue;
    ImGui::PushID(static_cast<int>(i));
    ImGui::AlignTextToFramePadding();
    ImGui::Text("%s  %s", tr(i == 0 ? "gui.ev.cust.source" : "gui.ev.cust.image"), no.c_str());
    ImGui::SameLine(ImGui::GetFontSize() * 18);
    DisabledScope off(!can_write);
    if (ImGui::Button(tr("gui.ev.cust.label"))) write_pdf(ctx, no, true);
    tag_n(ctx, "acq.cust.label.", static_cast<long long>(i));
    ImGui::SameLine();
    if (ImGui::Button(tr("gui.ev.cust.form"))) write_pdf(ctx, no, false);
    tag_n(ctx, "acq.cust.form.", static_cast<long long>(i));
    ImGui::PopID();
  }
  if (!m_output_error.empty()) {
    ImGui::PushTextWrapPos(0);
    text_colored(k_col_error, m_output_error.c_str());
    ImGui::PopTextWrapPos();
  }
  if (!m_outputs.empty()) {
    ImGui::Spacing();
    ImGui::TextUnformatted(tr("gui.ev.cust.written"));
    for (std::size_t i = 0; i < m_outputs.size(); ++i) {
      const auto& o = m_outputs[i];
      ImGui::PushID(static_cast<int>(i));
      ImGui::Text("%s  %s", o.evidence_no.c_str(), tr(o.kind == "label" ? "gui.ev.cust.label" : "gui.ev.cust.form"));
      copyable("##path", o.file.path.string());
      tag_n(ctx, "acq.cust.path.", static_cast<long long>(i));
      ImGui::TextDisabled("SHA-256 %s", o.file.sha256.c_str());
      ImGui::PopID();
    }
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
