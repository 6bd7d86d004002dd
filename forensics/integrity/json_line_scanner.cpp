#include "forensics/integrity/json_line_scanner.hpp"

#include <charconv>

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

// Bytes a JSON string cannot hold raw (control characters) or that end/escape it.
struct StringStops {
  bool stop[256] = {};
  constexpr StringStops() {
    for (int i = 0; i < 0x20; ++i) stop[i] = true;
    stop[static_cast<unsigned char>('"')] = true;
    stop[static_cast<unsigned char>('\\')] = true;
  }
};
constexpr StringStops k_string_stops;

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
    // A backslash.
    if (i + 1 >= n) return false;
    const char e = p[i + 1];
    if (e == 'u') {
      if (i + 5 >= n) return false;
      for (std::size_t k = 2; k < 6; ++k)
        if (!is_hex(p[i + k])) return false;
      i += 6;
      continue;
    }
    if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' && e != 't') return false;
    i += 2;
  }
  c.i = i;
  return false;
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
  const std::size_t start = c.i;
  if (c.s[c.i] == '-') ++c.i;
  while (c.i < c.s.size() && ((c.s[c.i] >= '0' && c.s[c.i] <= '9') || c.s[c.i] == '.' || c.s[c.i] == 'e' ||
                              c.s[c.i] == 'E' || c.s[c.i] == '+' || c.s[c.i] == '-'))
    ++c.i;
  return c.i > start && (c.s[c.i - 1] >= '0' && c.s[c.i - 1] <= '9');
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
