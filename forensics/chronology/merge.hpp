// Merging the chronologies of several kits for one incident (CHR-16): each file is verified on
// its own, then the entries are ordered by reference-corrected time, then device, then seq.
// Entries whose corrected times are closer than their combined uncertainty are marked
// "order uncertain".
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "forensics/chronology/verify.hpp"
#include "forensics/core/result.hpp"

namespace shodo::chronology {

struct ChainStatus {
  std::filesystem::path file;
  std::string device_id;
  std::int64_t count = 0;
  std::string last_hash;
  std::optional<Problem> problem;  // the first problem of this chain (entries up to it are used)
};

struct MergedChronology {
  std::vector<Entry> entries;         // merged order
  std::vector<bool> order_uncertain;  // parallel to entries
  std::vector<ChainStatus> chains;    // one per input file
};

// The time used for ordering: stored corrected time, else system time.
std::int64_t ordering_time(const Entry& e);

// Verifies and merges. Files that cannot be read are an error; damaged chains contribute their
// verified prefix and report their problem in `chains`. Errors: not_found / io_error,
// invalid_input (files of different incidents).
Result<MergedChronology> merge_chronologies(const std::vector<std::filesystem::path>& files);

}  // namespace shodo::chronology
