// What every screen gets each frame: the model, the fonts, the script tags, and navigation.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <imgui.h>

namespace shodo::gui {

class AppModel;
class FontLibrary;

enum class Screen { home, chronology, settings, evidence };

// Where tagged widgets were drawn in the last frame, so the script runner can click them the way
// a user would (move the mouse there, press, release). Recording is off unless a script or a
// test enabled it, so normal frames do no bookkeeping.
class ScriptTags {
 public:
  struct Rect {
    ImVec2 min, max;
  };
  void set_enabled(bool on) { m_enabled = on; }
  bool enabled() const { return m_enabled; }
  // Called at the start of each frame: the previous frame's tags become the lookup table.
  void begin_frame();
  void add(std::string_view name, ImVec2 min, ImVec2 max);
  // The tag's rectangle in the last completed frame.
  std::optional<Rect> find(std::string_view name) const;

 private:
  bool m_enabled = false;
  std::unordered_map<std::string, Rect> m_current;
  std::unordered_map<std::string, Rect> m_last;
};

struct UiContext {
  AppModel& model;
  FontLibrary& fonts;
  ScriptTags& tags;
  Screen screen = Screen::home;
  bool ime_configured = true;  // an input method is configured (XMODIFIERS etc.)
  // True in the first frame a screen is drawn after another one (or at start): the screen puts
  // the keyboard focus in its first field (issue 11, keyboard alone).
  bool screen_entered = true;
};

}  // namespace shodo::gui
