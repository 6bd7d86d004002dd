#include "app/cli/term_text.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>

namespace shodo::cli {

namespace {

// Decodes the code point at s[i] and advances i; invalid bytes count as one narrow character.
char32_t next_cp(std::string_view s, std::size_t& i) {
  const auto b = static_cast<unsigned char>(s[i]);
  int n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 1;
  if (i + static_cast<std::size_t>(n) > s.size()) n = 1;
  char32_t cp = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
  for (int k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0x3F);
  i += static_cast<std::size_t>(n);
  return cp;
}

int cp_width(char32_t c) {
  if (c == 0) return 0;
  if ((c >= 0x0300 && c <= 0x036F) || c == 0x200B || (c >= 0xFE00 && c <= 0xFE0F)) return 0;  // combining, ZWSP, VS
  const bool wide = (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) || (c >= 0x3041 && c <= 0x33FF) ||
                    (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
                    (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
                    (c >= 0xFF00 && c <= 0xFF60) || (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
                    (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x3FFFD);
  return wide ? 2 : 1;
}

}  // namespace

int display_width(std::string_view s) {
  int w = 0;
  for (std::size_t i = 0; i < s.size();) w += cp_width(next_cp(s, i));
  return w;
}

std::string fit(std::string_view s, int width, bool* cut) {
  if (display_width(s) <= width) return std::string(s);
  if (cut) *cut = true;
  std::string out;
  int w = 0;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t start = i;
    const int cw = cp_width(next_cp(s, i));
    if (w + cw > width - 1) break;  // keep one column for the ellipsis
    out.append(s.substr(start, i - start));
    w += cw;
  }
  return out + "…";
}

std::string cell(std::string_view s, int width, bool right, bool* cut) {
  std::string f = fit(s, width, cut);
  const int pad = width - display_width(f);
  if (pad <= 0) return f;
  return right ? std::string(static_cast<std::size_t>(pad), ' ') + f : f + std::string(static_cast<std::size_t>(pad), ' ');
}

int terminal_columns() {
  winsize ws{};
  if (::isatty(STDOUT_FILENO) == 1 && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) return ws.ws_col;
  if (const char* c = std::getenv("COLUMNS")) {
    const int n = std::atoi(c);
    if (n >= 20 && n <= 1000) return n;
  }
  return 80;
}

}  // namespace shodo::cli
