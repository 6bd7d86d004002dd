#include "app/gui/export_dialog.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "app/gui/app_model.hpp"
#include "app/gui/fonts.hpp"
#include "app/gui/keys.hpp"
#include "app/gui/widgets.hpp"
#include "forensics/i18n/catalogue.hpp"
#include "forensics/i18n/substitute.hpp"

namespace shodo::gui {

using i18n::tr;

namespace {

struct KindRow {
  ExportKind kind;
  const char* key;
  const char* tag;
};

constexpr std::array<KindRow, 8> k_kinds = {{
    {ExportKind::pdf, "gui.export.kind.pdf", "exp.pdf"},
    {ExportKind::open_items_pdf, "gui.export.kind.open_items_pdf", "exp.open_items_pdf"},
    {ExportKind::blank_sheets_pdf, "gui.export.kind.blank_sheets_pdf", "exp.blank_sheets_pdf"},
    {ExportKind::csv_utf8, "gui.export.kind.csv_utf8", "exp.csv_utf8"},
    {ExportKind::csv_cp932, "gui.export.kind.csv_cp932", "exp.csv_cp932"},
    {ExportKind::timesketch_csv, "gui.export.kind.timesketch_csv", "exp.timesketch_csv"},
    {ExportKind::timesketch_jsonl, "gui.export.kind.timesketch_jsonl", "exp.timesketch_jsonl"},
    {ExportKind::full_set, "gui.export.kind.full_set", "exp.full_set"},
}};

}  // namespace

void ExportDialog::open(UiContext& ctx) {
  const Workspace* ws = ctx.model.workspace();
  const ReadOnlyDocument* ro = ctx.model.read_only_document();
  if (!ws && !ro) return;
  m_active = true;
  m_request_open = true;
  m_japanese = i18n::japanese();
  m_dir = ws ? default_export_dir(*ws).string()
             : default_export_dir(incident_dir(ctx.model.case_root(), ro->doc.incident.incident_id),
                                  ctx.model.display_now_ns())
                   .string();
  m_result.reset();
  m_error.clear();
  m_queues.reset();
  m_print_msg.clear();
}

void ExportDialog::run(UiContext& ctx) {
  Workspace* ws = ctx.model.workspace();
  const ReadOnlyDocument* ro = ctx.model.read_only_document();
  m_result.reset();
  m_error.clear();
  m_print_msg.clear();
  if ((!ws && !ro) || m_job.busy()) return;
  ExportOptions opt;
  opt.japanese = m_japanese;
  opt.merged = m_merged;
  opt.csv_raw = m_csv_raw;
  opt.blank_sheets = m_blank_sheets;
  // GUI thread: the copy the worker will work from (the Workspace is never given to it).
  const ExportKind kind = k_kinds[static_cast<std::size_t>(m_kind)].kind;
  Result<ExportPlan> plan = make_error(ErrorCode::io_error, "", "");
  if (ws) {
    plan = prepare_export(*ws, kind, m_dir, opt);
  } else {
    // Damaged: the verified part, with this kit's identity and the operator on the pages.
    ReadOnlyDocument copy = *ro;
    copy.doc.kit_id = ctx.model.kit_id();
    copy.doc.key_fingerprint = ctx.model.key_fingerprint();
    copy.doc.exported_by = ctx.model.session_operator().name;
    plan = prepare_export(ctx.model.case_root(), copy, kind, m_dir, opt);
  }
  if (!plan) {
    m_error = plan.error().describe(i18n::japanese());
    return;
  }
  m_plan = std::make_shared<const ExportPlan>(std::move(plan.value()));
  m_job.start([plan = m_plan](const JobContext& c, const JobRunner<ExportResult>::Notify&) {
    return write_export(*plan, c.progress, c.cancel);
  });
}

void ExportDialog::take_result(UiContext& ctx) {
  while (auto e = m_job.poll()) {
    if (!e->final()) continue;
    Result<ExportResult> r = std::move(*e->result);
    std::shared_ptr<const ExportPlan> plan = std::move(m_plan);
    if (!r) {
      m_error = r.error().describe(i18n::japanese());
      continue;
    }
    // GUI thread again: the export entry goes into the log it owns (none for a damaged one).
    Workspace* ws = ctx.model.workspace();
    m_not_recorded = !plan->recorded;
    const Status st = !plan->recorded ? ok_status()
                      : ws ? record_export(*ws, *plan, r.value())
                           : Status(make_error(ErrorCode::not_saved, "記録を開いていません", "no incident is open"));
    if (!st) {
      ctx.model.push_error("gui.error.not_saved", st.error());
      m_error = st.error().describe(i18n::japanese());
      continue;
    }
    for (const auto& w : r->warnings_ja) ctx.fonts.want_text(w);
    m_result = std::move(r.value());
  }
}

void ExportDialog::draw_progress() {
  const ProgressSnapshot s = m_job.sample();
  const float frac = s.total ? static_cast<float>(static_cast<double>(s.done) / static_cast<double>(s.total)) : 0.0f;
  char label[160];
  std::snprintf(label, sizeof label, "%s  %llu / %llu  (%.0f s)", tr(m_job.phase_key()),
                static_cast<unsigned long long>(s.done), static_cast<unsigned long long>(s.total), s.elapsed_s);
  ImGui::ProgressBar(frac, ImVec2(-1, 0), label);
}

void ExportDialog::draw(UiContext& ctx) {
  if (!m_active) return;
  const char* title_id = "###export_dialog";
  const std::string title = std::string(tr("gui.export.title")) + title_id;
  if (m_request_open) {
    ImGui::OpenPopup(title.c_str());
    m_request_open = false;
  }
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  // A fixed width and a height that follows the content every frame (the result appears below the
  // form), never taller than the screen.
  const float width = std::min(900.0f, display.x - 40);
  const float top = std::min(40.0f, display.y * 0.05f);
  ImGui::SetNextWindowSizeConstraints(ImVec2(width, 0), ImVec2(width, display.y - 2 * top));
  // Anchored at the top: the dialog grows downwards when the result appears, and all of it must
  // stay on a 1024×768 screen (issue 11).
  ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, top), ImGuiCond_Appearing, ImVec2(0.5f, 0.0f));
  take_result(ctx);
  const bool running = m_job.busy();
  bool open = true;
  // No close box while the export runs: its entry must still be recorded.
  if (!ImGui::BeginPopupModal(title.c_str(), running ? nullptr : &open, ImGuiWindowFlags_AlwaysAutoResize)) {
    if (!open) m_active = false;
    return;
  }
  ImGui::BeginDisabled(running);
  // Two columns of kinds, so that the result below fits 1024×768 without scrolling.
  const float half = ImGui::GetContentRegionAvail().x * 0.5f;
  for (std::size_t i = 0; i < k_kinds.size(); ++i) {
    if (i % 2 == 1) ImGui::SameLine(half);
    ImGui::RadioButton(tr(k_kinds[i].key), &m_kind, static_cast<int>(i));
    tag(ctx, k_kinds[i].tag);
  }
  const ExportKind kind = k_kinds[static_cast<std::size_t>(m_kind)].kind;
  if (kind == ExportKind::blank_sheets_pdf) {
    ImGui::SetNextItemWidth(140);
    ImGui::InputInt(tr("gui.export.sheets"), &m_blank_sheets);
    m_blank_sheets = std::clamp(m_blank_sheets, 1, 999);
  }
  if (kind == ExportKind::csv_utf8 || kind == ExportKind::csv_cp932 || kind == ExportKind::full_set) {
    ImGui::Checkbox(tr("gui.export.csv_raw"), &m_csv_raw);
    tag(ctx, "exp.csv_raw");
    ImGui::SameLine();
    help_marker(tr("gui.export.csv_raw_help"));
  }
  ImGui::Separator();
  ImGui::TextUnformatted(tr("gui.export.language"));
  ImGui::SameLine();
  int lang = m_japanese ? 0 : 1;
  ImGui::RadioButton(tr("gui.lang.ja"), &lang, 0);
  ImGui::SameLine();
  ImGui::RadioButton(tr("gui.lang.en"), &lang, 1);
  m_japanese = lang == 0;
  ImGui::SameLine(0, 24);
  ImGui::Checkbox(tr("gui.export.merged"), &m_merged);
  ImGui::SameLine();
  help_marker(tr("gui.export.merged_help"));
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(tr("gui.export.folder"));
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1);
  ImGui::InputText("##dir", &m_dir);
  tag(ctx, "exp.dir");

  // Ctrl+Enter exports, as every dialog submits (issue 11, keyboard alone).
  const bool ctrl_enter = !ImGui::IsWindowAppearing() && ImGui::GetIO().KeyCtrl &&
                          (ImGui::IsKeyPressed(k_key_enter, false) || ImGui::IsKeyPressed(k_key_kp_enter, false));
  if (ImGui::Button(tr("gui.export.run"), ImVec2(ImGui::GetFontSize() * 10, 0)) || (ctrl_enter && !running)) run(ctx);
  tag(ctx, "exp.run");
  ImGui::SameLine();
  if (ImGui::Button(tr("gui.dialog.close")) ||
      (!running && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false))) {
    m_active = false;
    ImGui::CloseCurrentPopup();
  }
  tag(ctx, "exp.close");
  ImGui::EndDisabled();
  if (m_job.busy()) {
    draw_progress();
    tag(ctx, "exp.progress");
  }

  if (!m_error.empty()) banner(k_col_error_bg, k_col_error, m_error.c_str());
  if (m_result) draw_result(ctx);
  ImGui::EndPopup();
}

void ExportDialog::draw_result(UiContext& ctx) {
  if (m_not_recorded) {
    text_wrapped(tr("gui.export.not_recorded"), k_col_error);
    tag(ctx, "exp.not_recorded");
  } else {
    text_colored(k_col_ok, tr("gui.export.done"));
  }
  // The paper anchor: large, first, with what to do with it (issue 11, CHR-23).
  if (!m_result->heads.empty()) {
    ImGui::Separator();
    text_colored(k_col_warn, tr("export.paper_anchor.ask"));
    const std::string anchor = paper_anchor(m_result->heads, i18n::japanese());
    ctx.fonts.want_text(anchor);
    ImGui::PushFont(ctx.fonts.large());
    ImGui::TextUnformatted(anchor.c_str());
    ImGui::PopFont();
    tag(ctx, "exp.anchor");
    text_wrapped(tr("export.paper_anchor.why"), k_col_muted);
    ImGui::Separator();
  }
  draw_print(ctx);
  // The files scroll in their own box (a full set with attachments can be long).
  const float row = ImGui::GetFrameHeightWithSpacing();
  const std::size_t n_warn = (i18n::japanese() ? m_result->warnings_ja : m_result->warnings_en).size();
  const float rows = static_cast<float>(std::min<std::size_t>(m_result->files.size() + (n_warn > 1 ? n_warn - 1 : 0), 5) + 1);
  ImGui::BeginChild("files_box", ImVec2(-1, row * rows + 8), false);
  if (ImGui::BeginTable("files", 2, ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn(tr("gui.export.file"), ImGuiTableColumnFlags_None, 1.0f);
    ImGui::TableSetupColumn(tr("gui.export.sha256"), ImGuiTableColumnFlags_None, 1.6f);
    ImGui::TableHeadersRow();
    for (std::size_t i = 0; i < m_result->files.size(); ++i) {
      const auto& f = m_result->files[i];
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      ImGui::TextUnformatted(f.path.filename().string().c_str());
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", f.path.string().c_str());
      ImGui::TableSetColumnIndex(1);
      // Read-only field so the hash can be selected and copied.
      ImGui::PushID(static_cast<int>(i));
      ImGui::SetNextItemWidth(-1);
      std::string h = f.sha256;
      ImGui::InputText("##sha", &h, ImGuiInputTextFlags_ReadOnly);
      tag_n(ctx, "exp.sha.", static_cast<long long>(i));
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
  // Warnings after the first (the summary, shown below the box) are many for CP932: they
  // scroll with the files.
  const auto& warnings = i18n::japanese() ? m_result->warnings_ja : m_result->warnings_en;
  for (std::size_t i = 1; i < warnings.size(); ++i) text_colored(k_col_warn, warnings[i].c_str());
  ImGui::EndChild();
  if (!warnings.empty()) text_wrapped(warnings.front().c_str(), k_col_warn);
}

namespace {

// The PDF of an export that a printer should get: the chronology PDF of a full set, else the
// only PDF written. None for CSV and Timesketch exports.
const ExportedFile* printable(const ExportResult& r) {
  const ExportedFile* pdf = nullptr;
  for (const auto& f : r.files) {
    if (f.path.extension() != ".pdf") continue;
    if (!pdf || f.path.filename().string().ends_with("_chronology.pdf")) pdf = &f;
  }
  return pdf;
}

}  // namespace

void ExportDialog::draw_print(UiContext& ctx) {
  const ExportedFile* pdf = printable(*m_result);
  if (!pdf) return;
  if (!m_queues) {
    m_queues = print_queues();
    m_queue = 0;
    if (!*m_queues) ctx.fonts.want_text(m_queues->error().describe(i18n::japanese()));
  }
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(tr("gui.export.print_label"));
  ImGui::SameLine();
  if (!*m_queues) {
    // No printing service or no printer: say so and how to set one up, in place of the button.
    text_wrapped(m_queues->error().describe(i18n::japanese()).c_str(), k_col_warn);
    tag(ctx, "exp.print_unavailable");
    return;
  }
  const auto& queues = m_queues->value();
  m_queue = std::clamp(m_queue, 0, static_cast<int>(queues.size()) - 1);
  const bool ja = i18n::japanese();
  std::string shown = describe_queue(queues[static_cast<std::size_t>(m_queue)], ja);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 22);
  if (ImGui::BeginCombo("##queue", shown.c_str())) {
    for (std::size_t i = 0; i < queues.size(); ++i) {
      const std::string d = describe_queue(queues[i], ja);
      ctx.fonts.want_text(d);
      if (ImGui::Selectable(d.c_str(), static_cast<int>(i) == m_queue)) m_queue = static_cast<int>(i);
    }
    ImGui::EndCombo();
  }
  tag(ctx, "exp.queue");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 5);
  ImGui::InputInt(tr("gui.export.copies"), &m_copies);
  m_copies = std::clamp(m_copies, 1, 99);
  ImGui::SameLine();
  if (ImGui::Button(tr("gui.export.print"))) print(ctx);
  tag(ctx, "exp.print");
  if (!m_print_msg.empty()) {
    text_wrapped(m_print_msg.c_str(), m_print_ok ? k_col_ok : k_col_error);
    tag(ctx, "exp.print_result");
  }
}

void ExportDialog::print(UiContext& ctx) {
  Workspace* ws = ctx.model.workspace();
  const ExportedFile* pdf = m_result ? printable(*m_result) : nullptr;
  if (!pdf || !m_queues || !*m_queues) return;
  PrintRequest req;
  req.file = pdf->path;
  req.queue = m_queues->value()[static_cast<std::size_t>(m_queue)].name;
  req.copies = m_copies;
  // A damaged chronology cannot record the print; the paper still comes out (issue 11).
  auto r = ws ? print_and_record(*ws, req) : print_file(req);
  m_print_ok = static_cast<bool>(r);
  if (r) {
    m_print_msg = i18n::fill(tr("cli.print.sent"), {{"queue", r->queue},
                                                    {"job", std::to_string(r->job_id)},
                                                    {"copies", std::to_string(m_copies)}});
    if (!ws) m_print_msg += std::string("\n") + tr("cli.print.not_recorded");
  } else
    m_print_msg = r.error().describe(i18n::japanese());
  ctx.fonts.want_text(m_print_msg);
}

}  // namespace shodo::gui
