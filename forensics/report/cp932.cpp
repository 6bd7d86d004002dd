#include "forensics/report/cp932.hpp"

#include <cerrno>
#include <cstdio>
#include <iconv.h>
#include <utility>

#include "forensics/i18n/catalogue.hpp"

namespace shodo::report {
namespace {

iconv_t as_iconv(void* cd) { return static_cast<iconv_t>(cd); }
bool is_open(void* cd) { return cd != nullptr && as_iconv(cd) != reinterpret_cast<iconv_t>(-1); }

// Length of the UTF-8 sequence starting at s[0] and its code point; 0 when the bytes there are
// not a valid (shortest-form, non-surrogate, ≤ U+10FFFF) sequence.
std::size_t decode_utf8(std::string_view s, char32_t& cp) {
  const auto b0 = static_cast<unsigned char>(s[0]);
  std::size_t len = 0;
  char32_t min = 0;
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    cp = b0 & 0x1Fu;
    min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    cp = b0 & 0x0Fu;
    min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    cp = b0 & 0x07u;
    min = 0x10000;
  } else {
    return 0;
  }
  if (s.size() < len) return 0;
  for (std::size_t i = 1; i < len; ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

}  // namespace

std::string format_codepoint(char32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
  return buf;
}

Result<Cp932Encoder> Cp932Encoder::open() {
  iconv_t cd = iconv_open("CP932", "UTF-8");
  if (cd == reinterpret_cast<iconv_t>(-1))
    return make_error(ErrorCode::unsupported, i18n::tr("export.error.cp932_unavailable", i18n::Lang::ja),
                      i18n::tr("export.error.cp932_unavailable", i18n::Lang::en));
  return Cp932Encoder(static_cast<void*>(cd));
}

Cp932Encoder::Cp932Encoder(Cp932Encoder&& other) noexcept : m_cd(std::exchange(other.m_cd, nullptr)) {}

Cp932Encoder& Cp932Encoder::operator=(Cp932Encoder&& other) noexcept {
  if (this != &other) {
    if (is_open(m_cd)) iconv_close(as_iconv(m_cd));
    m_cd = std::exchange(other.m_cd, nullptr);
  }
  return *this;
}

Cp932Encoder::~Cp932Encoder() {
  if (is_open(m_cd)) iconv_close(as_iconv(m_cd));
}

std::string Cp932Encoder::encode(std::string_view utf8, int row, std::string_view column,
                                 std::vector<Unmappable>& unmappable) {
  std::string out;
  out.reserve(utf8.size());
  std::size_t pos = 0;
  while (pos < utf8.size()) {
    const std::string_view rest = utf8.substr(pos);
    char32_t cp = 0;
    const std::size_t len = decode_utf8(rest, cp);
    if (len == 0) {
      // Not UTF-8 at all: still one '?' per bad byte, and reported, so nothing vanishes unseen.
      char hex[16];
      std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned>(static_cast<unsigned char>(rest[0])));
      unmappable.push_back(Unmappable{row, std::string(column), std::string(), hex});
      out.push_back('?');
      pos += 1;
      continue;
    }
    if (cp < 0x80) {
      // CP932's single-byte range is ASCII (glibc maps 0x5C and 0x7E to themselves).
      out.push_back(static_cast<char>(cp));
      pos += 1;
      continue;
    }
    // One character per iconv call: an unmappable character then fails alone (EILSEQ) and the
    // rest of the field is unaffected. CP932 is stateless, so no shift state to carry over.
    char in_buf[4];
    for (std::size_t i = 0; i < len; ++i) in_buf[i] = rest[i];
    char out_buf[8];
    char* in_ptr = in_buf;
    std::size_t in_left = len;
    char* out_ptr = out_buf;
    std::size_t out_left = sizeof out_buf;
    const std::size_t rc = iconv(as_iconv(m_cd), &in_ptr, &in_left, &out_ptr, &out_left);
    if (rc == static_cast<std::size_t>(-1) || in_left != 0) {
      iconv(as_iconv(m_cd), nullptr, nullptr, nullptr, nullptr);  // reset after the failure
      unmappable.push_back(Unmappable{row, std::string(column), std::string(rest.substr(0, len)),
                                      format_codepoint(cp)});
      out.push_back('?');
    } else {
      out.append(out_buf, sizeof out_buf - out_left);
    }
    pos += len;
  }
  return out;
}

}  // namespace shodo::report
