// The one formatter for each kind of value that the CLI, the GUI and the reports show to people:
// byte sizes, durations/ETAs, persons and time quality. Every word comes from the catalogue
// (messages_core.inc, keys "format.*" and "time_quality.*"), so both languages read the same
// everywhere. Pure functions of their arguments and the language: thread-safe.
//
// Unit symbols (KiB, MiB, GiB, …; binary, as the kernel and the imaging tools count) are the
// same in both languages and are not translated.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "forensics/i18n/catalogue.hpp"

namespace shodo::i18n {

// "1,234,567" (thousands separated by commas in both languages).
std::string group_digits(std::uint64_t n);

// A size for a person: below 1 KiB the exact count ("512 バイト" / "512 bytes"), otherwise two
// decimals in the largest binary unit that keeps the value ≥ 1: "1.50 KiB", "465.76 GiB" (up to PiB).
std::string format_bytes(std::uint64_t n, Lang lang);
inline std::string format_bytes(std::uint64_t n) { return format_bytes(n, current_lang()); }

// The exact count next to the human size, for records and reports:
// "1,234,567 バイト（1.18 MiB）" / "1,234,567 bytes (1.18 MiB)".
std::string format_bytes_exact(std::uint64_t n, Lang lang);
inline std::string format_bytes_exact(std::uint64_t n) { return format_bytes_exact(n, current_lang()); }

// A remaining time or duration, rounded to whole seconds: "0:04:05", "12:00:00"; a negative
// value means unknown and gives "—".
std::string format_eta(double seconds);

// A person: the name, then whatever details are given (organisation, role, phone, …) in
// brackets: "鈴木 一郎 (情報システム課, DEFR, 内線 1234)". Empty details are skipped; no name and
// no details gives "—".
std::string format_person(std::string_view name, std::initializer_list<std::string_view> details, Lang lang);
inline std::string format_person(std::string_view name, std::initializer_list<std::string_view> details) {
  return format_person(name, details, current_lang());
}

// The label of a time-quality code ("ref-confirmed" → "補正済" / "Corrected"). An empty code gives
// "", a code the catalogue does not know is shown as it is (never hidden).
std::string format_time_quality(std::string_view code, Lang lang);
inline std::string format_time_quality(std::string_view code) { return format_time_quality(code, current_lang()); }

}  // namespace shodo::i18n
