// UTF-8 → CP932 (Microsoft's Shift_JIS) for the optional legacy CSV (REQUIREMENTS §3.5.2),
// through glibc iconv "CP932". Conversion goes one character at a time so that a character
// CP932 cannot hold becomes a single '?' and is reported (row, column, character, U+XXXX),
// instead of iconv stopping or silently dropping it.
//
// glibc's CP932 also accepts a few one-way equivalents that Japanese software treats as the same
// character (U+301C 〜 → 0x8160, U+2212 − → 0x817C, U+00A5 ¥ → 0x5C). They are converted, not
// reported: they display as the intended character in every CP932 application.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "forensics/core/result.hpp"

namespace shodo::report {

// One character that could not be written in CP932 and was replaced by '?'.
struct Unmappable {
  int row = 0;             // 1-based data record number in the CSV (0 = the header record)
  std::string column;      // column header, in the export's language
  std::string character;   // the character as UTF-8; empty for an invalid UTF-8 byte
  std::string codepoint;   // "U+1F600"; "0xNN" for an invalid UTF-8 byte
};

// "U+XXXX" (at least four upper-case hex digits) for a Unicode scalar value.
std::string format_codepoint(char32_t cp);

// A UTF-8 → CP932 converter holding one iconv descriptor. Move-only; not thread-safe (use one
// per thread).
class Cp932Encoder {
 public:
  // Errors: unsupported when this system's iconv has no CP932 converter (gconv modules missing).
  static Result<Cp932Encoder> open();

  Cp932Encoder(Cp932Encoder&& other) noexcept;
  Cp932Encoder& operator=(Cp932Encoder&& other) noexcept;
  Cp932Encoder(const Cp932Encoder&) = delete;
  Cp932Encoder& operator=(const Cp932Encoder&) = delete;
  ~Cp932Encoder();

  // `utf8` in CP932. Every character CP932 cannot hold, and every byte that is not valid UTF-8,
  // becomes one '?' and is appended to `unmappable` with `row` and `column`. Never fails.
  std::string encode(std::string_view utf8, int row, std::string_view column,
                     std::vector<Unmappable>& unmappable);

 private:
  explicit Cp932Encoder(void* cd) : m_cd(cd) {}
  void* m_cd = nullptr;  // iconv_t; kept as void* so <iconv.h> stays out of this header
};

}  // namespace shodo::report
