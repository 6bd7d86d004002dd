#include "app/gui/ime_key_filter.hpp"

#include "app/gui/keys.hpp"

namespace shodo::gui {
namespace {

constexpr int k_press = 1;   // GLFW_PRESS
constexpr int k_repeat = 2;  // GLFW_REPEAT
constexpr int k_mod_shortcut = 0x2 | 0x4 | 0x8;  // GLFW_MOD_CONTROL | GLFW_MOD_ALT | GLFW_MOD_SUPER
constexpr int k_last_printable = 161;            // GLFW_KEY_WORLD_2

bool printable(int key) { return key >= k_key_space && key <= k_last_printable; }

bool editing_key(int key) {
  return key == k_key_enter || key == k_key_kp_enter || key == k_key_tab || key == k_key_backspace ||
         key == k_key_delete || key == k_key_escape || key == k_key_left || key == k_key_right ||
         key == k_key_up || key == k_key_down || key == k_key_home || key == k_key_end || key == k_key_page_up ||
         key == k_key_page_down;
}

}  // namespace

bool ImeKeyFilter::on_key(int key, int action, int mods) {
  const bool down = action == k_press || action == k_repeat;
  if (!down) return true;  // releases are harmless
  if (printable(key) && !(mods & k_mod_shortcut)) {
    // A direct key is answered by its character in the same event; count it until then.
    ++m_pending;
    return true;
  }
  if (m_pending == 0 || !editing_key(key)) return true;
  // Composing: the key is the input method's.
  if (key == k_key_backspace) --m_pending;
  if (key == k_key_enter || key == k_key_kp_enter) m_pending = 0;
  return false;
}

void ImeKeyFilter::on_char() { m_pending = 0; }

}  // namespace shodo::gui
