// Times typed by the operator, read as JST (CHR-15): "HH:MM", "HH:MM:SS", "MM/DD HH:MM[:SS]",
// "YYYY/MM/DD HH:MM[:SS]", "YYYY-MM-DD HH:MM[:SS]" or anything parse_time() accepts. The GUI and
// the CLI read times with this one parser. When the date is left out it is
// chosen from `now_ns` (the best current time): the nearest day for a reference clock reading,
// the latest day not in the future for an event that already happened.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace shodo {

enum class DayChoice {
  nearest,     // reference time check: the reading is "now", within hours of the host clock
  not_future,  // event time: today, or yesterday when today's would lie ahead of now
};

// Parses `text`; nullopt when it is not a time. `now_ns` is UTC ns.
std::optional<std::int64_t> parse_jst_input(const std::string& text, std::int64_t now_ns, DayChoice choice);

// True when `text` is one of the forms above written without seconds ("07:30", "2022/10/31 08:40"):
// what was typed is known to the minute, not to the second.
bool typed_to_the_minute(const std::string& text);

// "YYYY-MM-DD" of utc_ns in JST.
std::string format_jst_date(std::int64_t utc_ns);
// Signed seconds with sign and 1–3 decimals: "+3.2 s", "-32400.0 s".
std::string format_offset_s(std::int64_t ns);

}  // namespace shodo
