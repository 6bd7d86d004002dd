// The chronology table (CHR-22): one row per entry, newest at the bottom, drawn with
// ImGuiListClipper so only the visible rows cost anything. Superseded text keeps a double
// strike-through with "→ 訂正 No. n"; voided rows are struck with "取消 (reason)"; system entries
// have their own background and colour.
#pragma once
#include <cstdint>
#include <vector>

#include "app/gui/chronology_list.hpp"
#include "app/gui/ui_context.hpp"

namespace shodo::gui {

struct TableState {
  long selected_row = -1;  // index into ChronologyListModel::rows(), -1 = none
  bool follow_tail = true;  // keep the newest row in view while it is at the bottom
  bool scroll_to_selected = false;
  float row_height = 0;        // measured by the clipper in the last frame
  std::size_t last_row_count = 0;
  bool focused = false;  // the table had the keyboard focus in the last frame (F6 / Esc)
};

// Draws the table filling `height` pixels. The selection may change (click, ↑/↓ keys).
void draw_chronology_table(UiContext& ctx, const ChronologyListModel& list,
                           const std::vector<chronology::Entry>& entries, TableState& st, float height);

}  // namespace shodo::gui
