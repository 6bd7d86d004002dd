#include "forensics/chronology/time_reference.hpp"

#include <algorithm>
#include <cstdlib>

namespace shodo::chronology {

void TimeReference::observe(const Entry& e) {
  if (e.type != EntryType::time_check || !e.time_check) return;
  if (!e.target_entry_id.empty()) {
    m_superseded.push_back(e.target_entry_id);
    std::erase_if(m_checks, [&](const Confirmation& k) { return k.entry_id == e.target_entry_id; });
  }
  m_checks.push_back(Confirmation{e.entry_id, e.seq, e.boot_id, e.recorded_mono_ns, e.recorded_sys_utc_ns,
                                  e.time_check->offset_ns, e.time_check->uncertainty_ns, e.time_check->source,
                                  e.author});
}

bool TimeReference::superseded(const std::string& entry_id) const {
  return std::find(m_superseded.begin(), m_superseded.end(), entry_id) != m_superseded.end();
}

OffsetConcern offset_concern(std::int64_t offset_ns) {
  if (TimeReference::looks_like_rtc_local_time(offset_ns)) return OffsetConcern::rtc_local_time;
  return std::llabs(offset_ns) > k_large_offset_ns ? OffsetConcern::large : OffsetConcern::none;
}

Correction TimeReference::correct(const ClockReading& r) const {
  Correction c;
  const Confirmation* before = nullptr;  // newest check of this boot at or before r
  const Confirmation* after = nullptr;   // oldest check of this boot after r
  for (const auto& k : m_checks) {
    if (k.boot_id != r.boot_id) continue;
    if (k.boottime_ns <= r.boottime_ns) {
      if (!before || k.boottime_ns >= before->boottime_ns) before = &k;
    } else if (!after || k.boottime_ns < after->boottime_ns) {
      after = &k;
    }
  }
  if (!before && !after) {
    if (m_checks.empty()) return c;
    const Confirmation& last = m_checks.back();
    c.offset_ns = last.offset_ns;
    c.uncertainty_ns = last.uncertainty_ns;
    c.quality = TimeQuality::estimated;
    c.corrected_utc_ns = r.sys_utc_ns + c.offset_ns;
    return c;
  }
  // The correction runs on CLOCK_BOOTTIME, not on the wall clock: the reference time at a
  // confirmation plus the boottime elapsed since, so a later step of the system clock (someone
  // sets it, NTP) does not shift corrected times. `b_off` = reference − boottime at a check.
  auto b_off = [](const Confirmation& k) { return k.sys_utc_ns + k.offset_ns - k.boottime_ns; };
  std::int64_t boff = 0;
  if (before && after) {
    const double span = static_cast<double>(after->boottime_ns - before->boottime_ns);
    const double f = static_cast<double>(r.boottime_ns - before->boottime_ns) / span;
    boff = b_off(*before) + static_cast<std::int64_t>(f * static_cast<double>(b_off(*after) - b_off(*before)));
    c.uncertainty_ns = std::max(before->uncertainty_ns, after->uncertainty_ns);
  } else {
    const Confirmation* k = before ? before : after;
    boff = b_off(*k);
    c.uncertainty_ns = k->uncertainty_ns;
  }
  const Confirmation* nearest = before;
  if (!nearest || (after && after->boottime_ns - r.boottime_ns < r.boottime_ns - before->boottime_ns)) nearest = after;
  c.quality = std::llabs(r.boottime_ns - nearest->boottime_ns) <= k_ns_per_s ? TimeQuality::ref_confirmed
                                                                             : TimeQuality::ref_interpolated;
  c.corrected_utc_ns = r.boottime_ns + boff;
  c.offset_ns = *c.corrected_utc_ns - r.sys_utc_ns;
  return c;
}

std::optional<Drift> TimeReference::drift(const std::string& boot_id) const {
  const Confirmation* a = nullptr;
  const Confirmation* b = nullptr;
  for (const auto& k : m_checks) {
    if (k.boot_id != boot_id) continue;
    a = b;
    b = &k;
  }
  if (!a || !b || b->boottime_ns == a->boottime_ns) return std::nullopt;
  // Drift of the host's clocks against the reference, measured on CLOCK_BOOTTIME.
  const auto boff = [](const Confirmation* k) { return k->sys_utc_ns + k->offset_ns - k->boottime_ns; };
  Drift d;
  d.interval_ns = b->boottime_ns - a->boottime_ns;
  const double span = static_cast<double>(d.interval_ns);
  d.ppm = static_cast<double>(boff(b) - boff(a)) * 1e6 / span;
  d.uncertainty_ppm = static_cast<double>(a->uncertainty_ns + b->uncertainty_ns) * 1e6 / span;
  if (d.uncertainty_ppm > k_drift_max_uncertainty_ppm) return std::nullopt;
  return d;
}

bool TimeReference::looks_like_rtc_local_time(std::int64_t offset_ns) {
  const std::int64_t nine_h = k_jst_offset_s * k_ns_per_s;
  const std::int64_t tol = 30 * 60 * k_ns_per_s;
  return std::llabs(offset_ns - nine_h) <= tol || std::llabs(offset_ns + nine_h) <= tol;
}

Entry make_time_check_draft(const ClockReading& r, std::int64_t reference_utc_ns, std::int64_t uncertainty_ns,
                            const std::string& source, const std::string& witness) {
  Entry d;
  d.type = EntryType::time_check;
  d.category = Category::system;
  d.source = SourceKind::system;
  d.system_event = "time_check";
  d.witness = witness;
  d.time_check = TimeCheck{source, reference_utc_ns, reference_utc_ns - r.sys_utc_ns, uncertainty_ns};
  return d;
}

std::optional<std::int64_t> detect_clock_jump(std::int64_t prev_sys_ns, std::int64_t prev_boot_ns,
                                              const ClockReading& now, std::int64_t tolerance_ns) {
  const std::int64_t before = prev_sys_ns - prev_boot_ns;
  const std::int64_t after = now.sys_utc_ns - now.boottime_ns;
  if (std::llabs(after - before) > tolerance_ns) return after - before;
  return std::nullopt;
}

}  // namespace shodo::chronology
