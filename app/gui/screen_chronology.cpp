#include "app/gui/screen_chronology.hpp"

#include <cstdio>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "app/gui/app_model.hpp"
#include "app/gui/fonts.hpp"
#include "app/gui/keys.hpp"
#include "app/gui/labels.hpp"
#include "app/gui/widgets.hpp"
#include "forensics/core/clock.hpp"

namespace shodo::gui {

using chronology::Entry;
using chronology::EntryType;
using chronology::ItemStatus;
using i18n::tr;

namespace {

// "2時間5分" / "2 h 5 min" since `since_ns`, into a caller's buffer (no allocation per row).
void format_age(char* buf, std::size_t n, std::int64_t now_ns, std::int64_t since_ns) {
  const std::int64_t min = std::max<std::int64_t>(0, (now_ns - since_ns) / (60 * k_ns_per_s));
  if (min >= 60)
    std::snprintf(buf, n, "%lld%s%lld%s", static_cast<long long>(min / 60), tr("gui.unit.hours"),
                  static_cast<long long>(min % 60), tr("gui.unit.minutes"));
  else
    std::snprintf(buf, n, "%lld%s", static_cast<long long>(min), tr("gui.unit.minutes"));
}

bool correctable(const Entry& e) {
  return e.source != chronology::SourceKind::system && e.category != chronology::Category::system &&
         (e.type == EntryType::normal || e.type == EntryType::correction);
}

}  // namespace

void ChronologyScreen::sync_list(UiContext& ctx) {
  const std::uint64_t rev = ctx.model.entries_revision();
  if ((rev >> 40) != m_generation) {
    // Another incident (or the synthetic list): the old selection means nothing here.
    m_generation = rev >> 40;
    m_table = TableState{};
  }
  if (m_list.update(ctx.model.entries(), rev, i18n::current_lang())) {
    // Rare kanji in loaded entries are added to the font atlas between frames.
    const auto& entries = ctx.model.entries();
    const std::size_t from = entries.size() > 20000 ? entries.size() - 20000 : 0;
    for (std::size_t i = from; i < entries.size(); ++i) {
      ctx.fonts.want_text(entries[i].content);
      ctx.fonts.want_text(entries[i].from);
      for (const auto& t : entries[i].to) ctx.fonts.want_text(t);
    }
  }
}

void ChronologyScreen::draw(UiContext& ctx) {
  if (!ctx.model.workspace() && !ctx.model.synthetic() && !ctx.model.read_only()) {
    banner(k_col_banner_bg, k_col_warn, tr("gui.blocker.no_incident"));
    if (ImGui::Button(tr("gui.nav.home"))) ctx.screen = Screen::home;
    tag(ctx, "chron.go_home");
    return;
  }
  sync_list(ctx);
  if (ctx.screen_entered) m_form.focus_first();
  handle_keys(ctx);
  // A damaged chronology is shown read-only: no form, no correction actions (nothing to write to).
  read_only_banner(ctx);
  if (!ctx.model.read_only()) {
    m_form.draw(ctx, m_list);
    ImGui::Separator();
  }
  // The form may have appended: refresh before the list touches the entries again.
  sync_list(ctx);
  draw_toolbar(ctx);
  const float detail_h = ImGui::GetTextLineHeightWithSpacing() * 2 + ImGui::GetFrameHeightWithSpacing() + 8;
  const float table_h = std::max(120.0f, ImGui::GetContentRegionAvail().y - detail_h);
  if (m_open_view) {
    draw_open_items(ctx, table_h);
  } else {
    if (m_focus_list) ImGui::SetNextWindowFocus();  // the table's scrolling child
    draw_chronology_table(ctx, m_list, ctx.model.entries(), m_table, table_h);
    m_focus_list = false;
  }
  draw_detail(ctx);
  m_dialogs.draw(ctx);
  m_export.draw(ctx);
  sync_list(ctx);
}

// Keys of the chronology (issue 11; F1 lists them): F6 moves between the entry form and the list
// (the newest row is selected when none is), ↑/↓ move in the list, Ctrl+E corrects the selected
// row, Esc in the list goes back to the form.
void ChronologyScreen::handle_keys(UiContext& ctx) {
  if (ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId)) return;
  const ImGuiIO& io = ImGui::GetIO();
  if (ImGui::IsKeyPressed(k_key_f1 + 5, false)) {  // F6
    if (m_table.focused) {
      m_form.focus_first();
    } else {
      m_open_view = false;
      m_focus_list = true;
      if (m_table.selected_row < 0 && !m_list.visible().empty()) {
        m_table.selected_row = static_cast<long>(m_list.visible().back());
        m_table.scroll_to_selected = true;
      }
    }
  }
  if (m_table.focused && !io.WantTextInput && ImGui::IsKeyPressed(k_key_escape, false)) m_form.focus_first();
  if (io.KeyCtrl && ImGui::IsKeyPressed(key_letter('E'), false) && m_table.selected_row >= 0 && !ctx.model.read_only() &&
      !ctx.model.append_blocker()) {
    const auto row = static_cast<std::uint32_t>(m_table.selected_row);
    if (row < m_list.rows().size()) {
      const Entry* base = m_list.base_entry_of(row);
      const chronology::EntryState* st = base && m_list.view() ? m_list.view()->find(base->entry_id) : nullptr;
      if (base && correctable(*base) && !(st && st->voided)) m_dialogs.open(DialogKind::correction, *base, st);
    }
  }
}

void ChronologyScreen::draw_toolbar(UiContext& ctx) {
  auto tab = [&](const char* label, bool on, const char* tag_name) {
    if (on) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
    const bool pressed = ImGui::Button(label);
    if (on) ImGui::PopStyleColor();
    tag(ctx, tag_name);
    return pressed;
  };
  if (tab(tr("gui.chron.tab_all"), !m_open_view, "chron.tab.all")) m_open_view = false;
  ImGui::SameLine();
  char open_label[96];
  std::snprintf(open_label, sizeof open_label, "%s (%zu)###open_tab", tr("gui.chron.tab_open"),
                m_list.open_items().size());
  if (tab(open_label, m_open_view, "chron.tab.open")) m_open_view = true;

  ImGui::SameLine(0, 20);
  ListFilter f = m_filter;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 11);
  ImGui::InputTextWithHint("##filter", tr("gui.chron.filter_hint"), &f.text);
  tag(ctx, "chron.filter");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
  const char* cat_preview = f.category < 0 ? tr("gui.chron.all_categories")
                                           : category_label(static_cast<chronology::Category>(f.category));
  if (ImGui::BeginCombo("##cat", cat_preview)) {
    if (ImGui::Selectable(tr("gui.chron.all_categories"), f.category < 0)) f.category = -1;
    for (std::size_t i = 0; i < k_category_keys.size(); ++i)
      if (ImGui::Selectable(tr(k_category_keys[i]), f.category == static_cast<int>(i))) f.category = static_cast<int>(i);
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  ImGui::Checkbox(tr("gui.chron.open_only"), &f.open_only);
  tag(ctx, "chron.open_only");
  ImGui::SameLine();
  // The app's own rows (start, stop, export, checkpoint …) are hidden unless asked for; the
  // label says how many there are, so nothing seems lost (issue 11).
  char sys_label[128];
  std::snprintf(sys_label, sizeof sys_label, "%s (%zu)###show_system", tr("gui.chron.show_system"),
                m_list.bookkeeping_rows());
  ImGui::Checkbox(sys_label, &f.show_system);
  tag(ctx, "chron.show_system");
  if (!(f == m_filter)) {
    m_filter = f;
    m_list.set_filter(f);
  }
  ImGui::SameLine();
  ImGui::TextDisabled("%zu / %zu", m_list.visible().size(), m_list.rows().size());
  ImGui::SameLine();
  help_marker(tr("gui.chron.legend"));

  const float export_w = ImGui::CalcTextSize(tr("gui.chron.export")).x + ImGui::GetStyle().FramePadding.x * 2;
  ImGui::SameLine(std::max(ImGui::GetCursorPosX(), ImGui::GetWindowContentRegionMax().x - export_w));
  {
    // A damaged (read-only) chronology can still be exported: its verified part and blank
    // sheets (issue 11); the export is then not recorded, and the dialog says so.
    DisabledScope off((ctx.model.workspace() == nullptr && !ctx.model.read_only()) || ctx.model.synthetic());
    if (ImGui::Button(tr("gui.chron.export"))) m_export.open(ctx);
    tag(ctx, "chron.export");
  }
}

void ChronologyScreen::draw_detail(UiContext& ctx) {
  const auto& rows = m_list.rows();
  const auto& entries = ctx.model.entries();
  if (m_table.selected_row < 0 || static_cast<std::size_t>(m_table.selected_row) >= rows.size()) {
    ImGui::TextDisabled("%s", tr("gui.chron.select_hint"));
    return;
  }
  const auto row = static_cast<std::uint32_t>(m_table.selected_row);
  const ListRow& r = rows[row];
  const Entry& e = entries[r.index];
  const Entry* base = m_list.base_entry_of(row);
  const chronology::EntryState* st = base && m_list.view() ? m_list.view()->find(base->entry_id) : nullptr;
  ImGui::Text("No. %lld  %s  %s JST %s  %s", static_cast<long long>(e.seq), entry_type_label(e.type),
              format_jst_display(e.display_utc_ns()).c_str(), quality_label(e.time_quality), r.from_to.c_str());
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(r.prefix.c_str());
  ImGui::SameLine(0, 0);
  ImGui::TextUnformatted(content_for(e, !i18n::japanese()).c_str());
  ImGui::PopTextWrapPos();
  if (st && !st->addenda.empty()) {
    ImGui::SameLine();
    ImGui::TextDisabled("(%s %zu)", tr("entry_type.addendum"), st->addenda.size());
  }
  if (ctx.model.read_only()) {
    text_colored(k_col_error, tr("gui.blocker.read_only"));
    return;
  }
  const bool can = base && correctable(*base) && !(st && st->voided) && !ctx.model.append_blocker();
  DisabledScope off(!can);
  if (ImGui::Button(tr("entry_type.correction"))) m_dialogs.open(DialogKind::correction, *base, st);
  tag(ctx, "chron.act.correct");
  ImGui::SameLine();
  if (ImGui::Button(tr("entry_type.void"))) m_dialogs.open(DialogKind::void_entry, *base, st);
  tag(ctx, "chron.act.void");
  ImGui::SameLine();
  if (ImGui::Button(tr("entry_type.addendum"))) m_dialogs.open(DialogKind::addendum, *base, st);
  tag(ctx, "chron.act.addendum");
  ImGui::SameLine();
  if (ImGui::Button(tr("entry_type.status_change"))) m_dialogs.open(DialogKind::status_change, *base, st);
  tag(ctx, "chron.act.status");
  if (base && !correctable(*base)) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", tr("gui.chron.not_correctable"));
  }
}

void ChronologyScreen::draw_open_items(UiContext& ctx, float height) {
  const auto& items = m_list.open_items();
  const std::int64_t now = ctx.model.display_now_ns();
  const ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter |
                                ImGuiTableFlags_BordersV | ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("open_items", 8, flags, ImVec2(0, height))) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn(tr("gui.col.no"), ImGuiTableColumnFlags_None, 0.4f);
  ImGui::TableSetupColumn(tr("gui.col.time"), ImGuiTableColumnFlags_None, 0.8f);
  ImGui::TableSetupColumn(tr("gui.col.age"), ImGuiTableColumnFlags_None, 0.7f);
  ImGui::TableSetupColumn(tr("gui.col.from_to"), ImGuiTableColumnFlags_None, 1.4f);
  ImGui::TableSetupColumn(tr("gui.col.content"), ImGuiTableColumnFlags_None, 2.6f);
  ImGui::TableSetupColumn(tr("gui.col.action"), ImGuiTableColumnFlags_None, 1.3f);
  ImGui::TableSetupColumn(tr("gui.col.assignee"), ImGuiTableColumnFlags_None, 0.8f);
  ImGui::TableSetupColumn(tr("gui.col.status"), ImGuiTableColumnFlags_None, 2.0f);
  ImGui::TableHeadersRow();
  // Appending moves the entries, so the click is acted on after the loop.
  Entry pending;
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(items.size()));
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const chronology::EntryState& s = *items[static_cast<std::size_t>(i)];
      const Entry& cur = *s.current;
      const long row = m_list.row_of_seq(s.entry->seq);
      ImGui::TableNextRow();
      ImGui::PushID(i);
      ImGui::TableSetColumnIndex(0);
      char no[32];
      std::snprintf(no, sizeof no, "%lld", static_cast<long long>(s.entry->seq));
      if (ImGui::Selectable(no, m_table.selected_row == row && row >= 0,
                            ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap))
        m_table.selected_row = row;
      ImGui::TableSetColumnIndex(1);
      ImGui::TextUnformatted(format_jst_hm(s.entry->display_utc_ns()).c_str());
      ImGui::TableSetColumnIndex(2);
      char age[64];
      format_age(age, sizeof age, now, s.entry->display_utc_ns());
      ImGui::TextUnformatted(age);
      ImGui::TableSetColumnIndex(3);
      if (row >= 0) ImGui::TextUnformatted(m_list.rows()[static_cast<std::size_t>(row)].from_to.c_str());
      ImGui::TableSetColumnIndex(4);
      ImGui::TextUnformatted(content_for(cur, !i18n::japanese()).c_str());
      ImGui::TableSetColumnIndex(5);
      ImGui::TextUnformatted(cur.action.c_str());
      ImGui::TableSetColumnIndex(6);
      ImGui::TextUnformatted(cur.assignee.c_str());
      ImGui::TableSetColumnIndex(7);
      ImGui::PushStyleColor(ImGuiCol_Text, k_col_warn);
      ImGui::Text("● %s", status_label(s.current_status));
      ImGui::PopStyleColor();
      // Quick status changes: one click writes the status_change entry (itself correctable).
      for (ItemStatus next : {ItemStatus::in_progress, ItemStatus::done, ItemStatus::not_needed}) {
        if (next == s.current_status || ctx.model.read_only()) continue;
        ImGui::SameLine();
        DisabledScope off(ctx.model.append_blocker() != nullptr);
        if (ImGui::SmallButton(status_label(next))) {
          pending.type = EntryType::status_change;
          pending.target_entry_id = s.entry->entry_id;
          pending.status = next;
        }
        tag_n(ctx, next == ItemStatus::done ? "open.done." : "open.status.", s.entry->seq);
      }
      ImGui::PopID();
    }
  }
  ImGui::EndTable();
  if (!pending.target_entry_id.empty()) (void)ctx.model.append(std::move(pending));
}

}  // namespace shodo::gui
