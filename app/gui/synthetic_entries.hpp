// Entries made in memory, for the headless tests and --bench-frames: a realistic mix of
// categories, open items, corrections, voids, status changes, system entries and Japanese text,
// without the fsync per entry that makes 100,000 real appends slow. They carry no valid hash
// chain and are never written anywhere.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "forensics/chronology/entry.hpp"

namespace shodo::gui {

std::vector<chronology::Entry> make_synthetic_entries(std::size_t count, const std::string& incident_id,
                                                      const std::string& device_id,
                                                      std::int64_t start_utc_ns = 1'700'000'000'000'000'000);

}  // namespace shodo::gui
