#include "forensics/integrity/json_line_scanner.hpp"

#include <clocale>
#include <cmath>
#include <cstdlib>
#include <locale.h>

#include <charconv>
#include <string>

namespace shodo::integrity {
namespace {

struct Cursor {
  std::string_view s;
  std::size_t i = 0;
  void ws() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) ++i;
  }
  bool eat(char c) {
    ws();
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  }
};

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Bytes a JSON string cannot hold raw (control characters), that end/escape it, or that start a
// multi-byte UTF-8 sequence (checked where it starts, then the tight loop resumes).
struct StringStops {
  bool stop[256] = {};
  constexpr StringStops() {
    for (int i = 0; i < 0x20; ++i) stop[i] = true;
    for (int i = 0x80; i < 0x100; ++i) stop[i] = true;
    stop[static_cast<unsigned char>('"')] = true;
    stop[static_cast<unsigned char>('\\')] = true;
  }
};
constexpr StringStops k_string_stops;

// Length of the well-formed multi-byte UTF-8 sequence starting at p[i] (a byte >= 0x80), or 0
// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF, no cut sequence). JSON text
// must be UTF-8 and the app's JSON parser refuses anything else: a line it cannot load must not
// pass here (found by fuzz_line_scanner, issue 10 §7).
std::size_t utf8_length(const char* p, std::size_t n, std::size_t i) {
  const auto b = [&](std::size_t k) { return i + k < n ? static_cast<unsigned char>(p[i + k]) : 0u; };
  const auto cont = [&](std::size_t k) { return (b(k) & 0xC0u) == 0x80u; };
  const unsigned c = b(0);
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    const unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    return b(1) >= lo && b(1) <= hi && cont(2) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    const unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    return b(1) >= lo && b(1) <= hi && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

// The value of the 4 hex digits at p[i..i+4), or -1.
long hex4(const char* p, std::size_t n, std::size_t i) {
  if (i + 4 > n) return -1;
  long v = 0;
  for (std::size_t k = i; k < i + 4; ++k) {
    const char ch = p[k];
    if (!is_hex(ch)) return -1;
    v = v * 16 + (ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10);
  }
  return v;
}

bool skip_string(Cursor& c) {
  if (c.i >= c.s.size() || c.s[c.i] != '"') return false;
  ++c.i;
  const char* p = c.s.data();
  const std::size_t n = c.s.size();
  std::size_t i = c.i;
  while (i < n) {
    // Plain text (most of every line, Japanese included) is skipped in a tight loop.
    while (i < n && !k_string_stops.stop[static_cast<unsigned char>(p[i])]) ++i;
    if (i >= n) break;
    const auto ch = static_cast<unsigned char>(p[i]);
    if (ch == '"') {
      c.i = i + 1;
      return true;
    }
    if (ch < 0x20) return false;
    if (ch >= 0x80) {
      const std::size_t len = utf8_length(p, n, i);
      if (len == 0) return false;
      i += len;
      continue;
    }
    // A backslash.
    if (i + 1 >= n) return false;
    const char e = p[i + 1];
    if (e == 'u') {
      // A surrogate must come as a high-low pair (\uD83D\uDE00); a lone one is no character.
      const long u = hex4(p, n, i + 2);
      if (u < 0 || (u >= 0xDC00 && u <= 0xDFFF)) return false;
      i += 6;
      if (u >= 0xD800 && u <= 0xDBFF) {
        if (i + 1 >= n || p[i] != '\\' || p[i + 1] != 'u') return false;
        const long low = hex4(p, n, i + 2);
        if (low < 0xDC00 || low > 0xDFFF) return false;
        i += 6;
      }
      continue;
    }
    if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' && e != 't') return false;
    i += 2;
  }
  c.i = i;
  return false;
}

// A JSON number exactly as RFC 8259 §6 has it: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
// (the old loop took 01, 1.e5 or 1-2, which the app's JSON parser refuses).
// A number the app's JSON parser reads as a double must be finite there: nlohmann refuses 5e9999
// or a 400-digit integer ("number overflow"), so the scanner refuses them too (found by
// fuzz_line_scanner). Shorter numbers without an exponent always fit a double.
bool finite_as_double(std::string_view token) {
  if (token.size() <= 300 && token.find_first_of("eE") == std::string_view::npos) return true;
  static const locale_t c_locale = newlocale(LC_NUMERIC_MASK, "C", static_cast<locale_t>(nullptr));
  const std::string copy(token);
  return std::isfinite(strtod_l(copy.c_str(), nullptr, c_locale));
}

bool skip_number(Cursor& c) {
  const std::size_t start = c.i;
  const auto digit = [&] { return c.i < c.s.size() && c.s[c.i] >= '0' && c.s[c.i] <= '9'; };
  const auto digits = [&] {
    if (!digit()) return false;
    while (digit()) ++c.i;
    return true;
  };
  if (c.i < c.s.size() && c.s[c.i] == '-') ++c.i;
  if (!digit()) return false;
  if (c.s[c.i] == '0')
    ++c.i;
  else
    digits();
  if (c.i < c.s.size() && c.s[c.i] == '.') {
    ++c.i;
    if (!digits()) return false;
  }
  if (c.i < c.s.size() && (c.s[c.i] == 'e' || c.s[c.i] == 'E')) {
    ++c.i;
    if (c.i < c.s.size() && (c.s[c.i] == '+' || c.s[c.i] == '-')) ++c.i;
    if (!digits()) return false;
  }
  return finite_as_double(c.s.substr(start, c.i - start));
}

bool skip_value(Cursor& c, int depth);

bool skip_container(Cursor& c, int depth, char open, char close) {
  if (depth > 32) return false;
  ++c.i;  // open
  (void)open;
  if (c.eat(close)) return true;
  for (;;) {
    c.ws();
    if (close == '}') {
      if (!skip_string(c) || !c.eat(':')) return false;
    }
    c.ws();
    if (!skip_value(c, depth + 1)) return false;
    if (c.eat(',')) continue;
    return c.eat(close);
  }
}

bool skip_value(Cursor& c, int depth) {
  c.ws();
  if (c.i >= c.s.size()) return false;
  const char ch = c.s[c.i];
  if (ch == '"') return skip_string(c);
  if (ch == '{') return skip_container(c, depth, '{', '}');
  if (ch == '[') return skip_container(c, depth, '[', ']');
  for (std::string_view lit : {"true", "false", "null"}) {
    if (c.s.substr(c.i, lit.size()) == lit) {
      c.i += lit.size();
      return true;
    }
  }
  return skip_number(c);
}

}  // namespace

bool scan_object(std::string_view line, std::vector<Member>& out) {
  out.clear();
  Cursor c{line};
  if (!c.eat('{')) return false;
  if (!c.eat('}')) {
    for (;;) {
      c.ws();
      const std::size_t kb = c.i;
      if (!skip_string(c)) return false;
      const std::string_view key = line.substr(kb + 1, c.i - kb - 2);
      if (!c.eat(':')) return false;
      c.ws();
      const std::size_t vb = c.i;
      if (!skip_value(c, 1)) return false;
      out.push_back(Member{key, line.substr(vb, c.i - vb), kb, c.i});
      if (c.eat(',')) continue;
      if (!c.eat('}')) return false;
      break;
    }
  }
  c.ws();
  return c.i == line.size();
}

bool decode_string(std::string_view raw, std::string& out) {
  out.clear();
  if (raw.size() < 2 || raw.front() != '"' || raw.back() != '"') return false;
  raw = raw.substr(1, raw.size() - 2);
  if (raw.find('\\') == std::string_view::npos) {
    out.assign(raw);
    return true;
  }
  // Rare path (escapes in an ID field): let a real JSON parser decode it.
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\\') {
      out.push_back(raw[i]);
      continue;
    }
    if (++i >= raw.size()) return false;
    switch (raw[i]) {
      case '"': out.push_back('"'); break;
      case '\\': out.push_back('\\'); break;
      case '/': out.push_back('/'); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      default: return false;  // \u in an ID field: not produced by Shodo
    }
  }
  return true;
}

bool parse_int(std::string_view raw, long long& out) {
  auto [p, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), out);
  return ec == std::errc() && p == raw.data() + raw.size();
}

}  // namespace shodo::integrity
