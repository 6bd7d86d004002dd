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
  std::string entry_id;  // of the time_check entry
  std::int64_t seq = 0;  // its No. in the kit's log
  std::string boot_id;
  std::int64_t boottime_ns = 0;
  std::int64_t sys_utc_ns = 0;
  std::int64_t offset_ns = 0;
  std::int64_t uncertainty_ns = 0;
  std::string source;
  std::string operator_name;
};

// Drift of the host's clock against the reference between two checks of one boot.
struct Drift {
  double ppm = 0;              // parts per million, + = the host clock runs slow
  double uncertainty_ppm = 0;  // from the two checks' stated ± over the time between them
  std::int64_t interval_ns = 0;
};
// A drift is shown only when it means something: its uncertainty at most this (two 117 checks
// of ±1 s each need about 5.6 h between them; seconds apart the figure is noise).
inline constexpr double k_drift_max_uncertainty_ppm = 100.0;

// What a new check's offset suggests before it is recorded (issue 11): an offset over
// k_large_offset_ns is asked about, because a misread reference would shift every later time.
enum class OffsetConcern {
  none,
  large,           // more than 5 minutes: a misread or mistyped reference?
  rtc_local_time,  // within 30 min of ±9 h: the RTC probably keeps JST (CHR-13)
};
inline constexpr std::int64_t k_large_offset_ns = 5 * 60 * k_ns_per_s;
OffsetConcern offset_concern(std::int64_t offset_ns);

class TimeReference {
 public:
  // Adds the confirmation carried by a time_check entry (other entries are ignored). A check that
  // names an earlier check (target_entry_id) supersedes it: the earlier one no longer corrects.
  void observe(const Entry& e);
  // True when the check with this entry ID was superseded by a later one.
  bool superseded(const std::string& entry_id) const;
  // Corrects a reading using every confirmation known. Same boot → interpolate/extrapolate
  // (ref-confirmed within 1 s of a confirmation, else ref-interpolated); only earlier boots →
  // the newest offset, "estimated"; none → uncorrected.
  Correction correct(const ClockReading& r) const;
  // Drift between the last two confirmations of `boot_id`; nullopt until it is measurable
  // (uncertainty at most k_drift_max_uncertainty_ppm).
  std::optional<Drift> drift(const std::string& boot_id) const;
  const std::vector<Confirmation>& confirmations() const { return m_checks; }
  const Confirmation* latest() const { return m_checks.empty() ? nullptr : &m_checks.back(); }

  // CHR-13: an offset within 30 min of ±9 h means the RTC probably keeps local time (JST).
  static bool looks_like_rtc_local_time(std::int64_t offset_ns);

 private:
  std::vector<Confirmation> m_checks;  // in the order observed, superseded ones removed
  std::vector<std::string> m_superseded;
};

// Builds the time_check draft for "the reference shows `reference_utc_ns` at reading `r`".
Entry make_time_check_draft(const ClockReading& r, std::int64_t reference_utc_ns, std::int64_t uncertainty_ns,
                            const std::string& source, const std::string& witness);

// CHR-12: a jump of CLOCK_REALTIME against CLOCK_BOOTTIME between two readings of one boot
// larger than `tolerance_ns` (default 2 s). Returns the jump (new − old offset) or nullopt.
std::optional<std::int64_t> detect_clock_jump(std::int64_t prev_sys_ns, std::int64_t prev_boot_ns,
                                              const ClockReading& now, std::int64_t tolerance_ns = 2 * k_ns_per_s);

}  // namespace shodo::chronology
