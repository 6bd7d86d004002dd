// Settings: language (日本語 / English; the fonts cover both), the kit's identity, the case root,
// the second medium for the chronology copy (CHR-24), and diagnostics (fonts, input method).
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/gui/ui_context.hpp"
#include "forensics/kit/selfcheck.hpp"

namespace shodo::gui {

class SettingsScreen {
 public:
  void draw(UiContext& ctx);

 private:
  void draw_kit_check(UiContext& ctx);

  std::string m_mirror;
  bool m_mirror_loaded = false;
  // The second medium is chosen from the media attached now (issue 11), not typed: writable
  // mounts of disks other than the one holding the case root. "label — mount point" and path.
  void refresh_media(UiContext& ctx);
  std::vector<std::pair<std::string, std::string>> m_media;
  bool m_media_loaded = false;
  std::string m_media_error;
  // Kit self-check (P0-04), run once when the screen is first drawn and on "check again".
  std::optional<Result<kit::SelfCheck>> m_kit;
};

}  // namespace shodo::gui
