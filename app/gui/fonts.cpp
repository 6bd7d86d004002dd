#include "app/gui/fonts.hpp"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "forensics/i18n/catalogue.hpp"

namespace shodo::gui {
namespace {

// Symbols the screens draw that are not in any catalogue string.
constexpr const char* k_ui_symbols =
    "→←↑↓⇒①②③④⑤⑥⑦⑧⑨⑩●○◎◯★☆✓✔✕×△▲▼▽■□◆◇※…―ー〜・「」『』【】（）±≈≒＊";

// Ranges added for every build besides the Japanese ranges: Latin-1 and general punctuation,
// arrows, enclosed numbers, geometric shapes and dingbats. Glyphs the font lacks cost nothing.
constexpr ImWchar k_extra_ranges[] = {0x00A0, 0x00FF, 0x2000, 0x206F, 0x2190, 0x21FF, 0x2200, 0x22FF,
                                      0x2460, 0x24FF, 0x25A0, 0x25FF, 0x2700, 0x27BF, 0};

bool file_exists(const std::string& p) {
  std::error_code ec;
  return !p.empty() && std::filesystem::is_regular_file(p, ec);
}

// Asks fontconfig (fc-match) for the Japanese face; the answer is only used when fontconfig did
// not fall back to an unrelated family.
FontFile ask_fontconfig(const char* pattern) {
  FontFile f;
  const std::string cmd = std::string("fc-match '") + pattern + "' --format '%{family[0]}|%{file}|%{index}' 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return f;
  char buf[1024] = {};
  const std::size_t n = std::fread(buf, 1, sizeof buf - 1, p);
  pclose(p);
  const std::string out(buf, n);
  const auto a = out.find('|');
  const auto b = out.find('|', a == std::string::npos ? a : a + 1);
  if (a == std::string::npos || b == std::string::npos) return f;
  const std::string family = out.substr(0, a);
  if (family.find("CJK JP") == std::string::npos && family.find("IPAex") == std::string::npos) return f;
  f.family = family;
  f.path = out.substr(a + 1, b - a - 1);
  f.index = std::atoi(out.c_str() + b + 1);
  if (!file_exists(f.path)) f = {};
  return f;
}

bool read_file(const std::string& path, std::vector<unsigned char>& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  in.seekg(0, std::ios::end);
  const auto size = in.tellg();
  if (size <= 0) return false;
  out.resize(static_cast<std::size_t>(size));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(out.data()), size);
  return static_cast<bool>(in);
}

}  // namespace

unsigned int next_codepoint(std::string_view s, std::size_t& i) {
  const auto c = static_cast<unsigned char>(s[i]);
  int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + static_cast<std::size_t>(len) > s.size()) {
    ++i;
    return 0xFFFD;
  }
  unsigned int cp = len == 1 ? c : len == 2 ? (c & 0x1Fu) : len == 3 ? (c & 0x0Fu) : (c & 0x07u);
  for (int k = 1; k < len; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
    if ((cc & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (cc & 0x3Fu);
  }
  i += static_cast<std::size_t>(len);
  return cp;
}

FontFile find_japanese_font() {
  if (const char* env = std::getenv("SHODO_FONT"); env && *env) {
    FontFile f;
    std::string v = env;
    const auto colon = v.rfind(':');
    if (colon != std::string::npos && colon + 1 < v.size() && std::isdigit(static_cast<unsigned char>(v[colon + 1]))) {
      f.index = std::atoi(v.c_str() + colon + 1);
      v.resize(colon);
    }
    f.path = v;
    f.family = "SHODO_FONT";
    if (file_exists(f.path)) return f;
  }
  for (const char* pattern : {"Noto Sans CJK JP:style=Regular", "IPAexGothic"}) {
    FontFile f = ask_fontconfig(pattern);
    if (!f.path.empty()) return f;
  }
  // Debian's NotoSansCJK-Regular.ttc holds the JP face first.
  const FontFile known[] = {{"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 0, "Noto Sans CJK JP"},
                            {"/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf", 0, "IPAexGothic"}};
  for (const auto& f : known)
    if (file_exists(f.path)) return f;
  return {};
}

bool FontLibrary::build(ImFontAtlas& atlas) {
  m_file = find_japanese_font();
  m_data.clear();
  m_problem.clear();
  if (m_file.path.empty())
    m_problem = "no Japanese font found (install fonts-noto-cjk or fonts-ipaexfont-gothic)";
  else if (!read_file(m_file.path, m_data))
    m_problem = "cannot read font file " + m_file.path;
  if (!m_problem.empty()) m_data.clear();

  // Body: every catalogue string in both languages, the common Japanese ranges, symbols.
  ImFontGlyphRangesBuilder body;
  body.AddRanges(atlas.GetGlyphRangesJapanese());
  body.AddRanges(k_extra_ranges);
  body.AddText(k_ui_symbols);
  ImFontGlyphRangesBuilder large;
  large.AddRanges(atlas.GetGlyphRangesDefault());
  large.AddText(k_ui_symbols);
  for (const auto& m : i18n::all_messages()) {
    body.AddText(m.ja);
    body.AddText(m.en);
    large.AddText(m.ja);
    large.AddText(m.en);
  }
  m_body_base.clear();
  m_large_ranges.clear();
  body.BuildRanges(&m_body_base);
  large.BuildRanges(&m_large_ranges);
  return build_atlas(atlas) && m_problem.empty();
}

bool FontLibrary::build_atlas(ImFontAtlas& atlas) {
  const auto start = std::chrono::steady_clock::now();
  atlas.Clear();
  if (m_data.empty()) {
    ImFontConfig cfg;
    cfg.SizePixels = k_body_font_px;
    m_body = atlas.AddFontDefault(&cfg);
    cfg.SizePixels = k_large_font_px;
    m_large = atlas.AddFontDefault(&cfg);
  } else {
    // The extra glyphs asked for at run time are merged into the body font's ranges.
    m_body_ranges = m_body_base;
    if (!m_extra.empty()) {
      m_body_ranges.pop_back();  // the terminating 0
      for (ImWchar c : m_extra) {
        m_body_ranges.push_back(c);
        m_body_ranges.push_back(c);
      }
      m_body_ranges.push_back(0);
    }
    ImFontConfig cfg;
    cfg.FontDataOwnedByAtlas = false;  // one copy of the 19 MB collection for both sizes
    cfg.FontNo = m_file.index;
    // No horizontal oversampling: CJK glyphs are many and pixel-snapped text stays sharp.
    cfg.OversampleH = 1;
    cfg.OversampleV = 1;
    cfg.PixelSnapH = true;
    const int size = static_cast<int>(m_data.size());
    m_body = atlas.AddFontFromMemoryTTF(m_data.data(), size, k_body_font_px, &cfg, m_body_ranges.Data);
    m_large = atlas.AddFontFromMemoryTTF(m_data.data(), size, k_large_font_px, &cfg, m_large_ranges.Data);
  }
  const bool ok = m_body && m_large && atlas.Build();
  unsigned char* pixels = nullptr;
  atlas.GetTexDataAsRGBA32(&pixels, &m_tex_w, &m_tex_h);
  m_build_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (m_body) ImGui::GetIO().FontDefault = m_body;
  return ok;
}

void FontLibrary::want_codepoint(unsigned int cp) {
  if (!m_body || m_data.empty() || cp < 0x80 || cp > 0xFFFF || cp == 0xFFFD) return;
  if (m_body->FindGlyphNoFallback(static_cast<ImWchar>(cp))) return;
  if (!m_asked.insert(cp).second) return;  // asked before: the font does not have it
  m_pending.insert(cp);
}

void FontLibrary::want_text(std::string_view utf8) {
  for (std::size_t i = 0; i < utf8.size();) {
    if (static_cast<unsigned char>(utf8[i]) < 0x80) {
      ++i;
      continue;
    }
    want_codepoint(next_codepoint(utf8, i));
  }
}

bool FontLibrary::rebuild(ImFontAtlas& atlas) {
  for (unsigned int cp : m_pending) m_extra.push_back(static_cast<ImWchar>(cp));
  m_pending.clear();
  return build_atlas(atlas);
}

std::size_t FontLibrary::glyph_count() const { return m_body ? static_cast<std::size_t>(m_body->Glyphs.Size) : 0; }

}  // namespace shodo::gui
