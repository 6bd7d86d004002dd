// Reference-time correction (CHR-10 … CHR-13). The host clock is never changed; instead the
// operator confirms a reference (117 時報, radio clock, GPS, ...) and the app stores
// offset = reference − CLOCK_REALTIME at that CLOCK_BOOTTIME instant. Times are corrected by
// interpolating the offset linearly against CLOCK_BOOTTIME between confirmations of the same
// boot, and extrapolating after the last one.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "forensics/chronology/entry.hpp"
#include "forensics/core/clock.hpp"

namespace shodo::chronology {

struct Correction {
  std::optional<std::int64_t> corrected_utc_ns;  // nullopt when uncorrected
  TimeQuality quality = TimeQuality::uncorrected;
  std::int64_t offset_ns = 0;
  std::int64_t uncertainty_ns = 0;
};

// A confirmation as stored in a time_check entry.
struct Confirmation {
  std::string boot_id;
  std::int64_t boottime_ns = 0;
  std::int64_t sys_utc_ns = 0;
  std::int64_t offset_ns = 0;
  std::int64_t uncertainty_ns = 0;
  std::string source;
  std::string operator_name;
};

class TimeReference {
 public:
  // Adds the confirmation carried by a time_check entry (other entries are ignored).
  void observe(const Entry& e);
  // Corrects a reading using every confirmation known. Same boot → interpolate/extrapolate
  // (ref-confirmed within 1 s of a confirmation, else ref-interpolated); only earlier boots →
  // the newest offset, "estimated"; none → uncorrected.
  Correction correct(const ClockReading& r) const;
  // Observed drift between the last two confirmations of `boot_id`, in parts per million.
  std::optional<double> drift_ppm(const std::string& boot_id) const;
  const std::vector<Confirmation>& confirmations() const { return m_checks; }
  const Confirmation* latest() const { return m_checks.empty() ? nullptr : &m_checks.back(); }

  // CHR-13: an offset within 30 min of ±9 h means the RTC probably keeps local time (JST).
  static bool looks_like_rtc_local_time(std::int64_t offset_ns);

 private:
  std::vector<Confirmation> m_checks;  // in the order observed
};

// Builds the time_check draft for "the reference shows `reference_utc_ns` at reading `r`".
Entry make_time_check_draft(const ClockReading& r, std::int64_t reference_utc_ns, std::int64_t uncertainty_ns,
                            const std::string& source, const std::string& witness);

// CHR-12: a jump of CLOCK_REALTIME against CLOCK_BOOTTIME between two readings of one boot
// larger than `tolerance_ns` (default 2 s). Returns the jump (new − old offset) or nullopt.
std::optional<std::int64_t> detect_clock_jump(std::int64_t prev_sys_ns, std::int64_t prev_boot_ns,
                                              const ClockReading& now, std::int64_t tolerance_ns = 2 * k_ns_per_s);

}  // namespace shodo::chronology
