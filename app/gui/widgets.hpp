// Small widgets shared by the screens: script tags, pick-list inputs, double strike-through,
// colours, press-on-click buttons, the Japanese-aware text wrap and badges. Sizes, durations,
// persons and time quality are formatted by forensics/i18n/format.hpp (shared with the CLI and
// the reports), never here.
#pragma once
#include <string>
#include <vector>

#include <imgui.h>

#include "app/gui/ui_context.hpp"

namespace shodo::gui {

// Colours (light theme). Status colours are also distinguished by text, never by colour alone.
inline constexpr ImU32 k_col_error = IM_COL32(176, 0, 32, 255);
inline constexpr ImU32 k_col_warn = IM_COL32(160, 82, 0, 255);
inline constexpr ImU32 k_col_ok = IM_COL32(0, 110, 50, 255);
inline constexpr ImU32 k_col_system = IM_COL32(40, 70, 140, 255);
inline constexpr ImU32 k_col_muted = IM_COL32(100, 100, 100, 255);
inline constexpr ImU32 k_col_strike = IM_COL32(30, 30, 30, 255);
inline constexpr ImU32 k_col_banner_bg = IM_COL32(255, 232, 200, 255);
inline constexpr ImU32 k_col_error_bg = IM_COL32(255, 215, 215, 255);
inline constexpr ImU32 k_col_training_bg = IM_COL32(255, 240, 120, 255);
inline constexpr ImU32 k_col_system_row_bg = IM_COL32(228, 234, 246, 255);
inline constexpr ImU32 k_col_open_row_bg = IM_COL32(255, 244, 220, 255);

// Sets up the light style with roomy padding for touchpads and gloves.
void apply_style();

// Records the last item under `name` for the script runner (no-op unless enabled).
void tag(UiContext& ctx, const char* name);
// Same with a numeric suffix ("chron.row.12"); formats only when enabled.
void tag_n(UiContext& ctx, const char* prefix, long long n);

// A text input with a drop-down of recent values (most recent first). Returns true when the
// value changed. `enter_pressed` is set when Enter was pressed in the field. The text field (not
// the arrow) is tagged `tag_name` for scripts.
bool input_with_picklist(UiContext& ctx, const char* tag_name, const char* id, const char* hint, std::string& value,
                         const std::vector<std::string>& recent, float width, bool* enter_pressed = nullptr);

// Draws a double (or single) horizontal line through the text that spans [min.x, min.x+width]
// on the row [min.y, max.y]: the 二重線 of a correction that keeps the original legible.
void strike_through(ImVec2 text_min, float text_width, float line_height, bool double_line);

// Text in a colour.
void text_colored(ImU32 col, const char* text);
// A full-width coloured banner with text (wrapped).
void banner(ImU32 bg, ImU32 fg, const char* text);
// The red "damaged, read-only" banner naming each damaged chain's problem in the current
// language; draws nothing unless the open incident is read-only. Tagged "banner.read_only".
void read_only_banner(UiContext& ctx);

// A button that fires on mouse-down (not on release): the moment of the press is what the
// reference-time check measures.
bool button_on_press(const char* label, ImVec2 size = ImVec2(0, 0));

// Disabled look and behaviour for a block (1.86 has BeginDisabled).
struct DisabledScope {
  explicit DisabledScope(bool disabled) { ImGui::BeginDisabled(disabled); }
  ~DisabledScope() { ImGui::EndDisabled(); }
  DisabledScope(const DisabledScope&) = delete;
  DisabledScope& operator=(const DisabledScope&) = delete;
};

// A "(?)" marker with a wrapped tooltip. The text is also collected for the F1 help of the
// screen, so every explanation is reachable without a mouse (issue 11).
void help_marker(const char* text);

// Gives the keyboard focus to the item just drawn, shown with the navigation frame, so Space
// presses it (issue 11: focus lands on the first thing to do when a screen opens). For buttons,
// combos and other items that SetKeyboardFocusHere (text fields only, in ImGui 1.86) cannot reach.
void focus_last_item();
// The help texts the current frame's screen showed so far; GuiApp clears them at frame start.
void help_texts_begin_frame();
const std::vector<std::string>& frame_help_texts();

// The badge every device and partition shows: the kernel read-only flag as it is now (green
// "read-only"), or "writable" with, for a device that may be a source, that Start sets the flag
// (BLKROSET) before the first read. Hovering explains it.
void ro_badge(bool read_only, bool offered);
// Wrapped text that breaks Japanese where it must: ImGui 1.86 wraps only at spaces, so a
// Japanese sentence after "検証: " jumps whole to the next line and then breaks anywhere. This
// breaks at the last character that fits (at the last space inside ASCII words), never starts a
// line with a closing mark (、。）」 …), and honours '\n'. col 0: the current text colour.
void text_wrapped(const char* text, ImU32 col = 0);
// A small filled label (badges, job states).
void badge_chip(const char* text, ImU32 bg, ImU32 fg);

}  // namespace shodo::gui
