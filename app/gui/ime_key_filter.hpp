// Keeps keys that belong to a Japanese conversion away from the widgets.
//
// GLFW 3.3 on X11 reports every key press to the application even when the input method (XIM,
// e.g. fcitx5 + Mozc) consumed it: the Enter that commits 日本 also reaches ImGui as Enter (a
// stray line break in the content, or an early "record" in a one-line field), Backspace in the
// preedit deletes text in the field, Tab (Mozc's "select with Tab") moves the focus. GLFW gives
// no "composing" state, so it is inferred: a printable key press that is not followed at once by
// a character was taken into the preedit; committed characters end the composition.
// While composing, editing and navigation keys are withheld from ImGui; Enter ends the
// composition (it commits, or, if the preedit had been cleared, one Enter is lost).
// Pure logic over GLFW key codes (keys.hpp), so it is tested without a window.
#pragma once

namespace shodo::gui {

class ImeKeyFilter {
 public:
  // GLFW key callback arguments; returns true when ImGui should see the event.
  bool on_key(int key, int action, int mods);
  // A character arrived (typed directly, or committed by the input method).
  void on_char();
  bool composing() const { return m_pending > 0; }

 private:
  int m_pending = 0;  // printable presses not answered by a character: the preedit's length
};

}  // namespace shodo::gui
