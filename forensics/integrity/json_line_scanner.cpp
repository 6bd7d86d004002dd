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

bool skip_string(Cursor& c) {
  if (c.i >= c.s.size() || c.s[c.i] != '"') return false;
  ++c.i;
  while (c.i < c.s.size()) {
    const auto ch = static_cast<unsigned char>(c.s[c.i]);
    if (ch == '"') {
      ++c.i;
      return true;
    }
    if (ch < 0x20) return false;
    if (ch == '\\') {
      if (c.i + 1 >= c.s.size()) return false;
      const char e = c.s[c.i + 1];
      if (e == 'u') {
        if (c.i + 5 >= c.s.size()) return false;
        for (int k = 2; k < 6; ++k)
          if (!is_hex(c.s[c.i + static_cast<std::size_t>(k)])) return false;
        c.i += 6;
        continue;
      }
      if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' && e != 't') return false;
      c.i += 2;
      continue;
    }
    ++c.i;
  }
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
