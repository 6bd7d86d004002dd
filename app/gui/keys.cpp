#include "app/gui/keys.hpp"

#include <imgui.h>

namespace shodo::gui {

void configure_key_map(ImGuiIO& io) {
  io.KeyMap[ImGuiKey_Tab] = k_key_tab;
  io.KeyMap[ImGuiKey_LeftArrow] = k_key_left;
  io.KeyMap[ImGuiKey_RightArrow] = k_key_right;
  io.KeyMap[ImGuiKey_UpArrow] = k_key_up;
  io.KeyMap[ImGuiKey_DownArrow] = k_key_down;
  io.KeyMap[ImGuiKey_PageUp] = k_key_page_up;
  io.KeyMap[ImGuiKey_PageDown] = k_key_page_down;
  io.KeyMap[ImGuiKey_Home] = k_key_home;
  io.KeyMap[ImGuiKey_End] = k_key_end;
  io.KeyMap[ImGuiKey_Insert] = k_key_insert;
  io.KeyMap[ImGuiKey_Delete] = k_key_delete;
  io.KeyMap[ImGuiKey_Backspace] = k_key_backspace;
  io.KeyMap[ImGuiKey_Space] = k_key_space;
  io.KeyMap[ImGuiKey_Enter] = k_key_enter;
  io.KeyMap[ImGuiKey_Escape] = k_key_escape;
  io.KeyMap[ImGuiKey_KeyPadEnter] = k_key_kp_enter;
  io.KeyMap[ImGuiKey_A] = key_letter('A');
  io.KeyMap[ImGuiKey_C] = key_letter('C');
  io.KeyMap[ImGuiKey_V] = key_letter('V');
  io.KeyMap[ImGuiKey_X] = key_letter('X');
  io.KeyMap[ImGuiKey_Y] = key_letter('Y');
  io.KeyMap[ImGuiKey_Z] = key_letter('Z');
}

}  // namespace shodo::gui
