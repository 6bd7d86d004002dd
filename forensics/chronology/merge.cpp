#include "forensics/chronology/merge.hpp"

#include <algorithm>
#include <cstdlib>

namespace shodo::chronology {

std::int64_t ordering_time(const Entry& e) { return e.display_utc_ns(); }

Result<MergedChronology> merge_chronologies(const std::vector<std::filesystem::path>& files) {
  MergedChronology out;
  std::string incident;
  std::vector<std::vector<Entry>> lists;
  for (const auto& f : files) {
    auto r = verify_chronology_file(f);
    if (!r) return r.error();
    VerifyReport& v = r.value();
    ChainStatus cs{f, v.entries.empty() ? "" : v.entries.front().device_id, v.count, v.last_hash, v.problem};
    if (!v.entries.empty()) {
      if (incident.empty()) incident = v.entries.front().incident_id;
      if (v.entries.front().incident_id != incident)
        return make_error(ErrorCode::invalid_input,
                          "別のインシデントのクロノロジーは統合できません: " + f.string(),
                          "cannot merge a chronology of another incident: " + f.string());
    }
    lists.push_back(std::move(v.entries));
    out.chains.push_back(std::move(cs));
  }
  // CHR-16: a k-way merge keeps each device's seq order (authoritative within a device) and
  // interleaves devices by corrected time, then device ID.
  std::vector<std::size_t> pos(lists.size(), 0);
  for (;;) {
    std::size_t best = lists.size();
    for (std::size_t k = 0; k < lists.size(); ++k) {
      if (pos[k] >= lists[k].size()) continue;
      if (best == lists.size()) {
        best = k;
        continue;
      }
      const Entry& a = lists[k][pos[k]];
      const Entry& b = lists[best][pos[best]];
      if (ordering_time(a) < ordering_time(b) || (ordering_time(a) == ordering_time(b) && a.device_id < b.device_id))
        best = k;
    }
    if (best == lists.size()) break;
    out.entries.push_back(std::move(lists[best][pos[best]++]));
  }
  out.order_uncertain.assign(out.entries.size(), false);
  for (std::size_t i = 1; i < out.entries.size(); ++i) {
    const Entry& a = out.entries[i - 1];
    const Entry& b = out.entries[i];
    if (a.device_id == b.device_id) continue;
    // Uncorrected times carry no stated uncertainty: their cross-device order is never certain.
    const bool uncorrected = !a.recorded_ref_utc_ns || !b.recorded_ref_utc_ns;
    const std::int64_t gap = std::llabs(ordering_time(b) - ordering_time(a));
    if (uncorrected || gap < a.clock_uncertainty_ns + b.clock_uncertainty_ns) {
      out.order_uncertain[i - 1] = true;
      out.order_uncertain[i] = true;
    }
  }
  return out;
}

}  // namespace shodo::chronology
