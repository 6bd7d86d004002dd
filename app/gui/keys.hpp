// Key indices into ImGuiIO::KeysDown (ImGui 1.86 keeps keys in the backend's own numbering).
// The GLFW backend indexes KeysDown by GLFW key codes, so these are the GLFW values; the
// headless harness and the script runner use the same numbering, which is what lets a script
// press exactly the keys a user would. gui_main.cpp static_asserts that they match <GLFW/glfw3.h>.
#pragma once

struct ImGuiIO;

namespace shodo::gui {

inline constexpr int k_key_space = 32;
inline constexpr int k_key_0 = 48;  // '0'..'9' follow
inline constexpr int k_key_a = 65;  // 'A'..'Z' follow
inline constexpr int k_key_escape = 256;
inline constexpr int k_key_enter = 257;
inline constexpr int k_key_tab = 258;
inline constexpr int k_key_backspace = 259;
inline constexpr int k_key_insert = 260;
inline constexpr int k_key_delete = 261;
inline constexpr int k_key_right = 262;
inline constexpr int k_key_left = 263;
inline constexpr int k_key_down = 264;
inline constexpr int k_key_up = 265;
inline constexpr int k_key_page_up = 266;
inline constexpr int k_key_page_down = 267;
inline constexpr int k_key_home = 268;
inline constexpr int k_key_end = 269;
inline constexpr int k_key_f1 = 290;  // F1..F12 follow
inline constexpr int k_key_kp_enter = 335;
inline constexpr int k_key_left_shift = 340;
inline constexpr int k_key_left_control = 341;
inline constexpr int k_key_left_alt = 342;

// Letter key index: key_letter('D') == GLFW_KEY_D.
constexpr int key_letter(char upper) { return k_key_a + (upper - 'A'); }

// Fills io.KeyMap with the same mapping the GLFW backend installs (for the headless harness).
void configure_key_map(ImGuiIO& io);

}  // namespace shodo::gui
