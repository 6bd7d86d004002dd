// The status bar, always visible at the bottom (DESIGN.md "The GUI"): incident, operator,
// reference-time status (補正済/未補正), network state of the kit host (ISOLATED / NOT ISOLATED),
// free space on the case volume, the TRAINING mark and the single-copy warning (CHR-24).
// Thread rule: it reads the open Workspace only through AppModel::workspace_status(), the copy
// taken on the GUI thread while no job holds the Workspace (app_model.hpp), so it never races an
// acquisition worker writing the log's failure or mirror state.
#pragma once
#include "app/gui/ui_context.hpp"

namespace shodo::gui {

// Height the bar needs at the current font size.
float status_bar_height();
// Draws the bar as its own window across the bottom of the viewport.
void draw_status_bar(UiContext& ctx);

}  // namespace shodo::gui
