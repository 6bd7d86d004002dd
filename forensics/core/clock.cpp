#include "forensics/core/clock.hpp"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <limits>
#include <type_traits>
#include <mutex>

namespace shodo {
namespace {

std::int64_t read_clock(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * k_ns_per_s + ts.tv_nsec;
}

// Days since 1970-01-01 from a civil date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t y;
  unsigned m, d, hh, mm, ss;
};

Civil civil_from_seconds(std::int64_t s) {
  std::int64_t days = s >= 0 ? s / 86400 : (s - 86399) / 86400;
  std::int64_t rem = s - days * 86400;
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  Civil c{};
  c.d = doy - (153 * mp + 2) / 5 + 1;
  c.m = mp < 10 ? mp + 3 : mp - 9;
  c.y = static_cast<std::int64_t>(yoe) + era * 400 + (c.m <= 2);
  c.hh = static_cast<unsigned>(rem / 3600);
  c.mm = static_cast<unsigned>(rem % 3600 / 60);
  c.ss = static_cast<unsigned>(rem % 60);
  return c;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a >= 0 ? a / b : (a - b + 1) / b; }

class FakeAdvancingClock final : public Clock {
 public:
  explicit FakeAdvancingClock(ClockReading start) : m_r(std::move(start)) {}
  ClockReading now() const override {
    std::lock_guard lock(m_mu);
    ClockReading r = m_r;
    m_r.sys_utc_ns += k_ns_per_s;
    m_r.boottime_ns += k_ns_per_s;
    return r;
  }
  std::string boot_id() const override {
    std::lock_guard lock(m_mu);
    return m_r.boot_id;
  }

 private:
  mutable std::mutex m_mu;
  mutable ClockReading m_r;
};

}  // namespace

std::string SystemClock::boot_id() const {
  static const std::string id = read_boot_id();
  return id;
}

ClockReading SystemClock::now() const {
  static const std::string boot_id = read_boot_id();
  ClockReading r;
  r.boottime_ns = read_clock(CLOCK_BOOTTIME);
  r.sys_utc_ns = read_clock(CLOCK_REALTIME);
  r.boot_id = boot_id;
  return r;
}

const Clock& default_clock() {
  static const std::unique_ptr<Clock> clock = []() -> std::unique_ptr<Clock> {
    if (const char* fake = std::getenv("SHODO_FAKE_CLOCK")) {
      long long utc = 0, boot = 0;
      char id[64] = {0};
      if (std::sscanf(fake, "%lld,%lld,%63s", &utc, &boot, id) == 3)
        return std::make_unique<FakeAdvancingClock>(ClockReading{utc, boot, id});
    }
    return std::make_unique<SystemClock>();
  }();
  return *clock;
}

std::string read_boot_id() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  if (!(in >> id)) return "unknown";
  return id;
}

std::string format_rfc3339_utc_ns(std::int64_t utc_ns) {
  const std::int64_t s = floor_div(utc_ns, k_ns_per_s);
  const std::int64_t ns = utc_ns - s * k_ns_per_s;
  const Civil c = civil_from_seconds(s);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02u.%09lldZ", static_cast<long long>(c.y), c.m, c.d, c.hh,
                c.mm, c.ss, static_cast<long long>(ns));
  return buf;
}

std::string format_rfc3339_jst(std::int64_t utc_ns) {
  const Civil c = civil_from_seconds(floor_div(utc_ns, k_ns_per_s) + k_jst_offset_s);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02u+09:00", static_cast<long long>(c.y), c.m, c.d, c.hh,
                c.mm, c.ss);
  return buf;
}

std::string format_jst_display(std::int64_t utc_ns) {
  const Civil c = civil_from_seconds(floor_div(utc_ns, k_ns_per_s) + k_jst_offset_s);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u %02u:%02u:%02u", static_cast<long long>(c.y), c.m, c.d, c.hh, c.mm,
                c.ss);
  return buf;
}

std::string format_jst_hm(std::int64_t utc_ns) {
  const Civil c = civil_from_seconds(floor_div(utc_ns, k_ns_per_s) + k_jst_offset_s);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02u:%02u:%02u", c.hh, c.mm, c.ss);
  return buf;
}

namespace {

// The stored form "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ" (what format_rfc3339_utc_ns writes; the
// verifier reads a million of them) read without sscanf. Returns false for any other text, which
// parse_time then reads the general way.
bool parse_stored_utc(const std::string& t, int& y, int& mo, int& d, int& h, int& mi, int& s, std::int64_t& frac) {
  if (t.size() != 30 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':' || t[19] != '.' ||
      t[29] != 'Z')
    return false;
  auto num = [&](std::size_t from, std::size_t len, auto& out) {
    std::int64_t v = 0;
    for (std::size_t i = from; i < from + len; ++i) {
      if (t[i] < '0' || t[i] > '9') return false;
      v = v * 10 + (t[i] - '0');
    }
    out = static_cast<std::remove_reference_t<decltype(out)>>(v);
    return true;
  };
  return num(0, 4, y) && num(5, 2, mo) && num(8, 2, d) && num(11, 2, h) && num(14, 2, mi) && num(17, 2, s) &&
         num(20, 9, frac);
}

}  // namespace

bool parse_time(const std::string& text, std::int64_t& utc_ns_out) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  int n = 0;
  const char* p = text.c_str();
  char sep = 0;
  std::int64_t frac_ns = 0;
  std::int64_t offset_s = k_jst_offset_s;  // no zone given: JST, as shown on screen
  if (parse_stored_utc(text, y, mo, d, h, mi, s, frac_ns)) {
    offset_s = 0;
  } else {
    if (std::sscanf(p, "%4d-%2d-%2d%c%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi, &n) != 6) return false;
    if (sep != 'T' && sep != ' ') return false;
    p += n;
    if (*p == ':') {
      int k = 0;
      if (std::sscanf(p, ":%2d%n", &s, &k) != 1) return false;
      p += k;
    }
    if (*p == '.') {
      ++p;
      std::int64_t scale = 100'000'000;
      while (*p >= '0' && *p <= '9') {
        frac_ns += (*p - '0') * scale;
        scale /= 10;
        ++p;
      }
    }
    if (*p == 'Z' || *p == 'z') {
      offset_s = 0;
      ++p;
    } else if (*p == '+' || *p == '-') {
      int oh = 0, om = 0, k = 0;
      if (std::sscanf(p + 1, "%2d:%2d%n", &oh, &om, &k) != 2) return false;
      offset_s = (oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
      p += 1 + k;
    } else if (sep == 'T' && *p == '\0') {
      return false;  // ISO form must carry its zone (CHR-15: explicit offsets)
    }
    if (*p != '\0') return false;
  }
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 60) return false;
  static const int k_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > (mo == 2 ? (leap ? 29 : 28) : k_days[mo - 1])) return false;
  const std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  const std::int64_t secs = days * 86400 + h * 3600 + mi * 60 + s - offset_s;
  // Nanoseconds in 64 bits reach from 1677 to 2262: a time outside (a typo, a damaged or edited
  // file) is refused instead of overflowing.
  constexpr std::int64_t k_max_s = std::numeric_limits<std::int64_t>::max() / k_ns_per_s - 1;
  if (secs > k_max_s || secs < -k_max_s) return false;
  utc_ns_out = secs * k_ns_per_s + frac_ns;
  return true;
}

}  // namespace shodo
