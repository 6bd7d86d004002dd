// The chronology for forensic analysts in Timesketch's import formats (REQUIREMENTS §3.5.3):
// JSONL (preferred: streams) and CSV. Both come from timesketch_rows(), so the two files always
// carry the same rows, fields and values.
//
// Rows: one per entry ("Chronology entry recorded", or "Reference time check" for time_check
// entries), plus one "Event time (reported)" row for each entry that carries an event_time.
// Superseded (corrected) and voided entries are exported too, flagged, so analysts see what was
// believed at the time.
//
// Time: `datetime` is the reference-corrected time when the entry has one, written in JST
// (+09:00), else the host's system time written in UTC (+00:00); event rows carry the reported
// time in JST. `time_basis` ("ref-corrected" / "system-clock" / "reported") says which, and
// `time_quality` is the entry's own quality, so corrected and uncorrected values are never mixed
// silently. `datetime` carries microseconds and `timestamp` is the same instant in µs since the
// epoch. Format described in docs/FORMATS.md "Timesketch (§3.5.3)".
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "forensics/core/result.hpp"
#include "forensics/case/chronology_document.hpp"

namespace shodo::report {

inline constexpr const char* k_ts_desc_recorded = "Chronology entry recorded";
inline constexpr const char* k_ts_desc_event = "Event time (reported)";
inline constexpr const char* k_ts_desc_time_check = "Reference time check";
inline constexpr const char* k_ts_data_type_entry = "shodo:chronology:entry";

struct TimesketchRow {
  std::string message;         // "[区分] 発信元 → 受信先: 内容 / 対応: …" in the document's language
  std::string datetime;        // ISO 8601 with µs and offset, e.g. "2026-11-24T10:02:03.000000+09:00"
  std::string timestamp_desc;  // one of the k_ts_desc_* values
  std::int64_t timestamp = 0;  // µs since the Unix epoch, the same instant as `datetime`
  // The extra attributes of §3.5.3 and a few more (content, voided, reason, refs, time_check_*),
  // in a fixed order with the same keys on every row. Absent values are "" (text) or null.
  nlohmann::ordered_json attributes;
};

// The rows for `doc`, in document order, each entry's event-time row right after it. Pure.
std::vector<TimesketchRow> timesketch_rows(const ChronologyDocument& doc);

// The CSV header: message, datetime, timestamp_desc, timestamp, then the attribute names.
std::vector<std::string> timesketch_csv_header();

// Writes one JSON object per line (UTF-8, LF) to `out` atomically.
// Errors: invalid_input if `out` does not end in ".jsonl" or an entry is not valid UTF-8;
// not_saved / no_space / io_error from the write.
Status write_timesketch_jsonl(const ChronologyDocument& doc, const std::filesystem::path& out);

// Writes an RFC 4180 CSV (UTF-8 without BOM, which would corrupt the first header name; header
// first) to `out` atomically. Every `datetime` here is in UTC (+00:00): Timesketch parses the
// whole CSV column at once with pandas, which rejects a column that mixes offsets. Lists are
// JSON arrays, booleans true/false, null values empty.
// Errors: invalid_input if `out` does not end in ".csv"; not_saved / no_space / io_error.
Status write_timesketch_csv(const ChronologyDocument& doc, const std::filesystem::path& out);

}  // namespace shodo::report
