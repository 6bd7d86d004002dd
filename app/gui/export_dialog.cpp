#include "app/gui/export_dialog.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "app/gui/app_model.hpp"
#include "app/gui/fonts.hpp"
#include "app/gui/widgets.hpp"
#include "forensics/i18n/catalogue.hpp"

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
  if (!ws) return;
  m_active = true;
  m_request_open = true;
  m_japanese = i18n::japanese();
  m_dir = default_export_dir(*ws).string();
  m_result.reset();
  m_error.clear();
}

void ExportDialog::run(UiContext& ctx) {
  Workspace* ws = ctx.model.workspace();
  m_result.reset();
  m_error.clear();
  if (!ws || m_job.busy()) return;
  ExportOptions opt;
  opt.japanese = m_japanese;
  opt.merged = m_merged;
  opt.blank_sheets = m_blank_sheets;
  // GUI thread: the copy the worker will work from (the Workspace is never given to it).
  auto plan = prepare_export(*ws, k_kinds[static_cast<std::size_t>(m_kind)].kind, m_dir, opt);
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
    // GUI thread again: the export entry goes into the log it owns.
    Workspace* ws = ctx.model.workspace();
    const Status st = ws ? record_export(*ws, *plan, r.value())
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
  ImGui::SetNextWindowSize(ImVec2(std::min(900.0f, display.x - 40), 0), ImGuiCond_Appearing);
  ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, display.y * 0.45f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  take_result(ctx);
  const bool running = m_job.busy();
  bool open = true;
  // No close box while the export runs: its entry must still be recorded.
  if (!ImGui::BeginPopupModal(title.c_str(), running ? nullptr : &open)) {
    if (!open) m_active = false;
    return;
  }
  ImGui::BeginDisabled(running);
  for (std::size_t i = 0; i < k_kinds.size(); ++i) {
    ImGui::RadioButton(tr(k_kinds[i].key), &m_kind, static_cast<int>(i));
    tag(ctx, k_kinds[i].tag);
  }
  if (k_kinds[static_cast<std::size_t>(m_kind)].kind == ExportKind::blank_sheets_pdf) {
    ImGui::SetNextItemWidth(140);
    ImGui::InputInt(tr("gui.export.sheets"), &m_blank_sheets);
    m_blank_sheets = std::clamp(m_blank_sheets, 1, 999);
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

  if (ImGui::Button(tr("gui.export.run"), ImVec2(ImGui::GetFontSize() * 10, 0))) run(ctx);
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
  if (m_result) {
    text_colored(k_col_ok, tr("gui.export.done"));
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
    const auto& warnings = i18n::japanese() ? m_result->warnings_ja : m_result->warnings_en;
    for (const auto& w : warnings) text_colored(k_col_warn, w.c_str());
  }
  ImGui::EndPopup();
}

}  // namespace shodo::gui
