#include "forensics/core/time_input.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "forensics/core/clock.hpp"

namespace shodo {
namespace {

constexpr std::int64_t k_day_s = 86400;

// Days since the epoch of a JST civil date and back (proleptic Gregorian, no time zone rules:
// JST has no daylight saving).
std::int64_t jst_day_of(std::int64_t utc_ns) {
  const std::int64_t s = utc_ns / k_ns_per_s + k_jst_offset_s;
  return s >= 0 ? s / k_day_s : -((-s + k_day_s - 1) / k_day_s);
}

bool parse_hms(const char* p, int& h, int& m, int& s) {
  s = 0;
  int n = 0;
  if (std::sscanf(p, "%d:%d:%d%n", &h, &m, &s, &n) == 3 && p[n] == '\0') return h >= 0 && h < 24 && m >= 0 && m < 60 && s >= 0 && s < 61;
  s = 0;
  n = 0;
  if (std::sscanf(p, "%d:%d%n", &h, &m, &n) == 2 && p[n] == '\0') return h >= 0 && h < 24 && m >= 0 && m < 60;
  return false;
}

std::int64_t at_day(std::int64_t day, int h, int m, int s) {
  return ((day * k_day_s + h * 3600 + m * 60 + s) - k_jst_offset_s) * k_ns_per_s;
}

std::string trim(const std::string& t) {
  const auto b = t.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  const auto e = t.find_last_not_of(" \t");
  return t.substr(b, e - b + 1);
}

}  // namespace

std::optional<std::int64_t> parse_jst_input(const std::string& raw, std::int64_t now_ns, DayChoice choice) {
  const std::string text = trim(raw);
  if (text.empty()) return std::nullopt;
  int h = 0, m = 0, s = 0;
  if (parse_hms(text.c_str(), h, m, s)) {
    const std::int64_t today = jst_day_of(now_ns);
    if (choice == DayChoice::nearest) {
      std::int64_t best = at_day(today, h, m, s);
      for (std::int64_t d : {today - 1, today + 1}) {
        const std::int64_t c = at_day(d, h, m, s);
        if (std::llabs(c - now_ns) < std::llabs(best - now_ns)) best = c;
      }
      return best;
    }
    const std::int64_t t = at_day(today, h, m, s);
    // A few minutes of slack: the host clock may run slightly behind the time on the wall.
    return t <= now_ns + 10 * 60 * k_ns_per_s ? t : at_day(today - 1, h, m, s);
  }
  // "YYYY/MM/DD HH:MM[:SS]", as Japanese users write a date (2022/10/31 08:40).
  int y = 0, mo = 0, d = 0, n = 0;
  if (std::sscanf(text.c_str(), "%4d/%d/%d %n", &y, &mo, &d, &n) == 3 && n > 0 && y >= 1000 &&
      parse_hms(text.c_str() + n, h, m, s)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", y, mo, d, h, m, s);
    std::int64_t out = 0;
    if (mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && parse_time(buf, out)) return out;
    return std::nullopt;
  }
  // "MM/DD HH:MM[:SS]": the year of now.
  n = 0;
  if (std::sscanf(text.c_str(), "%d/%d %n", &mo, &d, &n) == 2 && n > 0 && parse_hms(text.c_str() + n, h, m, s)) {
    const std::string date = format_jst_date(now_ns);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.4s-%02d-%02d %02d:%02d:%02d", date.c_str(), mo, d, h, m, s);
    std::int64_t out = 0;
    if (parse_time(buf, out)) return out;
    return std::nullopt;
  }
  std::int64_t out = 0;
  if (parse_time(text, out)) return out;
  return std::nullopt;
}

bool typed_to_the_minute(const std::string& text) {
  const std::size_t sp = text.find_last_of(' ');
  const std::string clock = sp == std::string::npos ? text : text.substr(sp + 1);
  // RFC 3339 ("2022-10-31T08:40:00+09:00") always has its seconds.
  if (clock.find('T') != std::string::npos) return false;
  return std::count(clock.begin(), clock.end(), ':') == 1;
}

std::string format_jst_date(std::int64_t utc_ns) { return format_jst_display(utc_ns).substr(0, 10); }

std::string format_offset_s(std::int64_t ns) {
  const double s = static_cast<double>(ns) / 1e9;
  char buf[48];
  std::snprintf(buf, sizeof buf, std::fabs(s) >= 100 ? "%+.1f s" : "%+.3f s", s);
  return buf;
}

}  // namespace shodo
