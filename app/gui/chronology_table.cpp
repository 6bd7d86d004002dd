#include "app/gui/chronology_table.hpp"

#include <algorithm>
#include <cstdio>

#include <imgui_internal.h>

#include "app/gui/keys.hpp"
#include "app/gui/labels.hpp"
#include "app/gui/widgets.hpp"
#include "forensics/core/clock.hpp"

namespace shodo::gui {

using chronology::Entry;
using i18n::tr;

namespace {

enum Column { c_no, c_time, c_cat, c_from_to, c_content, c_action, c_assignee, c_status, c_author, c_count };

// Text clipped to the cell, with an optional strike-through over the part that is visible.
void cell_text(const char* b, const char* e, bool struck, bool double_line) {
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const float avail = ImGui::GetContentRegionAvail().x;
  ImGui::TextUnformatted(b, e);
  if (struck && b != e)
    strike_through(pos, std::min(ImGui::CalcTextSize(b, e).x, avail), ImGui::GetTextLineHeight(), double_line);
}

void cell_text(const std::string& s, bool struck = false, bool double_line = true) {
  cell_text(s.data(), s.data() + s.size(), struck, double_line);
}

void row_tooltip(const Entry& e, const ListRow& r) {
  ImGui::BeginTooltip();
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 36.0f);
  ImGui::Text("No. %lld  %s JST  %s", static_cast<long long>(e.seq), format_jst_display(e.display_utc_ns()).c_str(),
              quality_label(e.time_quality));
  if (e.event_time)
    ImGui::Text("%s: %s JST (%s)", i18n::tr("gui.field.event_time"), format_jst_display(e.event_time->utc_ns).c_str(),
                precision_label(e.event_time->precision));
  ImGui::Separator();
  ImGui::TextUnformatted(r.from_to.c_str());
  ImGui::TextUnformatted(content_for(e, !i18n::japanese()).c_str());
  if (!e.action.empty()) ImGui::Text("%s: %s", i18n::tr("gui.field.action"), e.action.c_str());
  if (!r.note.empty()) text_colored(k_col_warn, r.note.c_str());
  ImGui::TextDisabled("%s: %s", i18n::tr("gui.field.author"), e.author.c_str());
  ImGui::PopTextWrapPos();
  ImGui::EndTooltip();
}

}  // namespace

void draw_chronology_table(UiContext& ctx, const ChronologyListModel& list, const std::vector<Entry>& entries,
                           TableState& st, float height) {
  const auto& rows = list.rows();
  const auto& visible = list.visible();
  const ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter |
                                ImGuiTableFlags_BordersV | ImGuiTableFlags_Resizable |
                                ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("chronology", c_count, flags, ImVec2(0, height))) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn(i18n::tr("gui.col.no"), ImGuiTableColumnFlags_None, 0.45f);
  ImGui::TableSetupColumn(i18n::tr("gui.col.time"), ImGuiTableColumnFlags_None, 1.35f);
  ImGui::TableSetupColumn(i18n::tr("gui.col.category"), ImGuiTableColumnFlags_None, 0.6f);
  ImGui::TableSetupColumn(i18n::tr("gui.col.from_to"), ImGuiTableColumnFlags_None, 1.6f);
  ImGui::TableSetupColumn(i18n::tr("gui.col.content"), ImGuiTableColumnFlags_None, 3.4f);
  ImGui::TableSetupColumn(i18n::tr("gui.col.action"), ImGuiTableColumnFlags_None, 1.1f);
  ImGui::TableSetupColumn(i18n::tr("gui.col.assignee"), ImGuiTableColumnFlags_None, 0.8f);
  ImGui::TableSetupColumn(i18n::tr("gui.col.status"), ImGuiTableColumnFlags_None, 0.65f);
  ImGui::TableSetupColumn(i18n::tr("gui.col.author"), ImGuiTableColumnFlags_None, 0.8f);
  ImGui::TableHeadersRow();

  // Keyboard: ↑/↓ move the selection while the table has focus and no text field is active.
  const ImGuiIO& io = ImGui::GetIO();
  st.focused = ImGui::IsWindowFocused(ImGuiFocusedFlags_ChildWindows);
  if (!visible.empty() && st.focused && !io.WantTextInput) {
    const long last = static_cast<long>(visible.size()) - 1;
    long pos = -1;
    if (st.selected_row >= 0) {
      auto it = std::lower_bound(visible.begin(), visible.end(), static_cast<std::uint32_t>(st.selected_row));
      if (it != visible.end() && *it == static_cast<std::uint32_t>(st.selected_row)) pos = it - visible.begin();
    }
    long next = pos;
    if (ImGui::IsKeyPressed(k_key_down)) next = pos < 0 ? last : std::min(pos + 1, last);
    if (ImGui::IsKeyPressed(k_key_up)) next = pos < 0 ? last : std::max(pos - 1, 0L);
    if (next != pos && next >= 0) {
      st.selected_row = static_cast<long>(visible[static_cast<std::size_t>(next)]);
      st.scroll_to_selected = true;
    }
  }
  if (st.scroll_to_selected && st.selected_row >= 0 && st.row_height > 0) {
    auto it = std::lower_bound(visible.begin(), visible.end(), static_cast<std::uint32_t>(st.selected_row));
    const float y = static_cast<float>(it - visible.begin()) * st.row_height;
    const float view_h = ImGui::GetWindowHeight() - st.row_height * 2;
    if (y < ImGui::GetScrollY() || y > ImGui::GetScrollY() + view_h) ImGui::SetScrollY(std::max(0.0f, y - view_h * 0.5f));
    st.scroll_to_selected = false;
  }
  const bool at_bottom = ImGui::GetScrollY() >= ImGui::GetScrollMaxY() - 2.0f;
  const bool grew = visible.size() != st.last_row_count;
  st.last_row_count = visible.size();

  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(visible.size()));
  while (clipper.Step()) {
    if (clipper.ItemsHeight > 0) st.row_height = clipper.ItemsHeight;
    for (int v = clipper.DisplayStart; v < clipper.DisplayEnd; ++v) {
      const std::uint32_t ri = visible[static_cast<std::size_t>(v)];
      const ListRow& r = rows[ri];
      const Entry& e = entries[r.index];
      const bool system = r.flags & k_row_system;
      const bool struck = r.flags & (k_row_superseded | k_row_voided);
      ImGui::TableNextRow();
      if (system)
        ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, k_col_system_row_bg);
      else if (r.flags & k_row_open)
        ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, k_col_open_row_bg);
      if (system) ImGui::PushStyleColor(ImGuiCol_Text, k_col_system);

      ImGui::TableSetColumnIndex(c_no);
      char no[32];
      std::snprintf(no, sizeof no, "%lld", static_cast<long long>(e.seq));
      ImGui::PushID(static_cast<int>(ri));
      const bool selected = st.selected_row == static_cast<long>(ri);
      if (ImGui::Selectable(no, selected, ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap))
        st.selected_row = static_cast<long>(ri);
      tag_n(ctx, "chron.row.", e.seq);
      // The full row after the pointer rests a moment (not while sweeping across the table).
      if (ImGui::IsItemHovered() && GImGui->HoveredIdTimer > 0.6f) row_tooltip(e, r);
      ImGui::PopID();

      ImGui::TableSetColumnIndex(c_time);
      cell_text(r.time);
      ImGui::TableSetColumnIndex(c_cat);
      ImGui::TextUnformatted(category_label(r.category));
      if (r.flags & k_row_urgent) {
        ImGui::SameLine(0, 4);
        text_colored(k_col_error, tr("gui.list.urgent_mark"));
      }
      ImGui::TableSetColumnIndex(c_from_to);
      cell_text(r.from_to, struck);
      ImGui::TableSetColumnIndex(c_content);
      if (!r.prefix.empty()) {
        text_colored(k_col_muted, r.prefix.c_str());
        ImGui::SameLine(0, 2);
      }
      cell_text(r.content.empty() ? e.content : r.content, struck);
      if (!r.note.empty()) {
        ImGui::SameLine(0, 8);
        text_colored(k_col_warn, r.note.c_str());
      }
      ImGui::TableSetColumnIndex(c_action);
      cell_text(e.action, struck);
      ImGui::TableSetColumnIndex(c_assignee);
      cell_text(e.assignee, struck);
      ImGui::TableSetColumnIndex(c_status);
      if (r.flags & k_row_open) {
        ImGui::PushStyleColor(ImGuiCol_Text, k_col_warn);
        ImGui::Text("● %s", status_label(r.status));
        ImGui::PopStyleColor();
      } else {
        ImGui::TextUnformatted(status_label(r.status));
      }
      ImGui::TableSetColumnIndex(c_author);
      ImGui::TextUnformatted(e.author.c_str());
      if (system) ImGui::PopStyleColor();
    }
  }
  // New rows keep the view at the bottom when it was there (the whiteboard's latest line).
  if (grew && st.follow_tail) ImGui::SetScrollHereY(1.0f);
  st.follow_tail = at_bottom || (grew && st.follow_tail);
  ImGui::EndTable();
}

}  // namespace shodo::gui
