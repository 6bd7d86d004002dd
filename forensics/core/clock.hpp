// Clock readings (CHR-10): CLOCK_REALTIME (untrusted), CLOCK_BOOTTIME and the boot ID.
// Shodo only reads clocks; it never sets the host clock.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

namespace shodo {

struct ClockReading {
  std::int64_t sys_utc_ns = 0;   // CLOCK_REALTIME, ns since the Unix epoch (untrusted)
  std::int64_t boottime_ns = 0;  // CLOCK_BOOTTIME, ns since boot (counts suspend)
  std::string boot_id;           // /proc/sys/kernel/random/boot_id
};

// Source of clock readings; tests substitute a fake. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual ClockReading now() const = 0;
  // The boot this clock belongs to, without taking a reading (a fake clock does not advance).
  virtual std::string boot_id() const { return now().boot_id; }
};

// The real host clocks.
class SystemClock final : public Clock {
 public:
  ClockReading now() const override;
  std::string boot_id() const override;
};

// A clock that returns what it is told (tests, golden cases). Not thread-safe.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(ClockReading r) : m_r(std::move(r)) {}
  ClockReading now() const override { return m_r; }
  void set(ClockReading r) { m_r = std::move(r); }
  // Moves both clocks forward by ns (as real time passing would).
  void advance(std::int64_t ns) {
    m_r.sys_utc_ns += ns;
    m_r.boottime_ns += ns;
  }

 private:
  ClockReading m_r;
};

// The process-wide clock: SystemClock, unless SHODO_FAKE_CLOCK="<utc_ns>,<boot_ns>,<boot_id>"
// is set (golden CLI tests), in which case every reading advances by 1 s from that point.
const Clock& default_clock();

// The boot ID of the running kernel ("unknown" if procfs is missing).
std::string read_boot_id();

// Formatting (CHR-15). utc_ns → "2026-11-24T01:02:03.123456789Z".
std::string format_rfc3339_utc_ns(std::int64_t utc_ns);
// utc_ns → "2026-11-24T10:02:03+09:00" (JST, seconds precision).
std::string format_rfc3339_jst(std::int64_t utc_ns);
// utc_ns → "2026-11-24 10:02:03" in JST (for screens and paper).
std::string format_jst_display(std::int64_t utc_ns);
// utc_ns → "10:02" / "10:02:03" in JST.
std::string format_jst_hm(std::int64_t utc_ns);
// Parses RFC 3339 / ISO 8601 with 'Z' or ±hh:mm offset, or "YYYY-MM-DD HH:MM[:SS]" taken as JST.
// Returns false on anything else.
bool parse_time(const std::string& text, std::int64_t& utc_ns_out);

constexpr std::int64_t k_ns_per_s = 1'000'000'000;
constexpr std::int64_t k_jst_offset_s = 9 * 3600;

}  // namespace shodo
