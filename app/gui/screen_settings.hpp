// Settings: language (日本語 / English; the fonts cover both), the kit's identity, the case root,
// the second medium for the chronology copy (CHR-24), and diagnostics (fonts, input method).
#pragma once
#include <string>

#include "app/gui/ui_context.hpp"

namespace shodo::gui {

class SettingsScreen {
 public:
  void draw(UiContext& ctx);

 private:
  std::string m_mirror;
  bool m_mirror_loaded = false;
};

}  // namespace shodo::gui
