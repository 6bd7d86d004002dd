// Fonts for the GUI: Noto Sans CJK JP (fonts-noto-cjk) or IPAexGothic, with glyph ranges built
// from the message catalogues (both languages) plus the common Japanese ranges for what users
// type, plus symbols the UI draws (→ ① ● ✓ ...). GetGlyphRangesJapanese() alone misses →, ① and
// less common kanji, which would otherwise render as '?'.
//
// Kanji outside the common ranges (names such as 髙 or 﨑) are added on demand: the screens
// report the text they show (want_text), and the frame loop rebuilds the atlas between frames
// when new glyphs are needed. ImGui 1.86 is built with 16-bit ImWchar, so code points above
// U+FFFF (emoji, CJK extension B) cannot be shown; they are stored and exported unchanged.
//
// No GL here: the caller uploads the texture after build()/rebuild(). Not thread-safe.
#pragma once
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <imgui.h>

namespace shodo::gui {

// A font file and the face index inside it (TTC collections hold several faces).
struct FontFile {
  std::string path;
  int index = 0;
  std::string family;
};

// Finds a Japanese font: $SHODO_FONT ("path" or "path:index"), else fc-match "Noto Sans CJK JP",
// else the Debian paths of Noto Sans CJK and IPAexGothic. Empty path when none is installed.
FontFile find_japanese_font();

// Sizes in pixels at scale 1.
inline constexpr float k_body_font_px = 18.0f;
inline constexpr float k_large_font_px = 26.0f;

class FontLibrary {
 public:
  // Loads the font file and builds the atlas (body + large font). Returns false when no
  // Japanese font was found; ImGui's built-in font (ASCII only) is used then and problem()
  // says why. The atlas's old fonts are cleared.
  bool build(ImFontAtlas& atlas);
  // Notes the characters of `utf8` that the body font lacks (cheap when all are present).
  void want_text(std::string_view utf8);
  void want_codepoint(unsigned int cp);
  // True when want_text() found characters that a rebuild would add.
  bool needs_rebuild() const { return !m_pending.empty(); }
  // Rebuilds the atlas with the pending characters. The caller must re-upload the texture.
  bool rebuild(ImFontAtlas& atlas);

  ImFont* body() const { return m_body; }
  ImFont* large() const { return m_large; }
  const FontFile& file() const { return m_file; }
  bool has_japanese() const { return !m_data.empty(); }
  const std::string& problem() const { return m_problem; }
  int texture_width() const { return m_tex_w; }
  int texture_height() const { return m_tex_h; }
  double last_build_ms() const { return m_build_ms; }
  std::size_t glyph_count() const;

 private:
  bool build_atlas(ImFontAtlas& atlas);

  FontFile m_file;
  std::vector<unsigned char> m_data;  // the font file, shared by both sizes (not owned by the atlas)
  ImVector<ImWchar> m_body_base;      // catalogue + Japanese ranges
  ImVector<ImWchar> m_body_ranges;    // base + m_extra; the atlas points into it: keep alive
  ImVector<ImWchar> m_large_ranges;
  std::vector<ImWchar> m_extra;                // characters added on demand
  std::unordered_set<unsigned int> m_pending;  // wanted, not yet in the atlas
  std::unordered_set<unsigned int> m_asked;    // already requested once (present in the font or not)
  ImFont* m_body = nullptr;
  ImFont* m_large = nullptr;
  std::string m_problem;
  int m_tex_w = 0;
  int m_tex_h = 0;
  double m_build_ms = 0;
};

// Decodes one UTF-8 sequence starting at s[i]; advances i. Invalid bytes give U+FFFD.
unsigned int next_codepoint(std::string_view s, std::size_t& i);

}  // namespace shodo::gui
