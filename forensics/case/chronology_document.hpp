// Everything a chronology export needs, gathered once by the caller: the incident, the entries
// (one device, or merged), who exports, the chain head and the time-reference status.
// A plain value (copyable, no behaviour). Built by the case (Workspace::document,
// read_only_document) and rendered by report/ (PDF, CSV, Timesketch): it lives here, below
// both, so that case/ never includes report/ (DESIGN.md layering, tests/unit/test_layers.cpp).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "forensics/case/incident.hpp"
#include "forensics/chronology/entry.hpp"

namespace shodo {

// The chain head of one device's chronology: printed on every export so that truncation of
// the newest entries can be detected later (CHR-23/24).
struct ChainHead {
  std::string device_id;
  std::int64_t count = 0;       // number of entries (= last seq)
  std::string last_hash;        // entry_hash of the last entry (64 hex)
};

// The time-reference status for page headers (§3.5.1).
struct TimeStatus {
  bool confirmed = false;              // false → print 未補正 / uncorrected
  std::int64_t last_check_utc_ns = 0;  // when the last confirmation was made (corrected time)
  std::int64_t offset_ns = 0;          // reference − system
  std::int64_t uncertainty_ns = 0;
  std::string confirmed_by;            // operator
  std::string source;                  // "117", ...
};

struct ChronologyDocument {
  IncidentInfo incident;
  std::vector<chronology::Entry> entries;  // in display order (seq, or merged order)
  std::vector<ChainHead> heads;            // one per device present
  TimeStatus time;
  std::string kit_id;             // the exporting kit
  std::string key_fingerprint;    // its key fingerprint
  std::string exported_by;        // operator
  std::int64_t export_utc_ns = 0;  // corrected if available
  bool japanese = true;            // language of headers and labels
};

}  // namespace shodo
