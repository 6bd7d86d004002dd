// A chronology (クロノロジー) entry: REQUIREMENTS §3.2. One JSON object per line in
// <incident>/chronology/<device_id>.jsonl; format "shodo-chronology-entry" version 1
// (docs/FORMATS.md §chronology).
//
// Integrity (CHR-23): entry_hash = SHA-256(prev_hash_hex || canonical_json(entry without
// entry_hash)). The canonical form is the JSON object with keys sorted by byte value, no
// whitespace, UTF-8 unescaped, integers only (no floats anywhere), empty optional fields omitted.
// The verifier hashes the object as parsed from the file (not a re-serialisation of this struct),
// so an added or removed key is detected as a change.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "forensics/core/result.hpp"
#include "forensics/integrity/hash_chain.hpp"

namespace shodo::chronology {

inline constexpr const char* k_entry_format = "shodo-chronology-entry";
inline constexpr int k_entry_version = 1;
// The chain primitives live in forensics/integrity/hash_chain.hpp (shared with the evidence
// register); the chronology's names for them:
inline constexpr const char* k_genesis_hash = integrity::k_genesis_hash;

// 区分. JSON values in parentheses.
enum class Category {
  report,       // 報告 ("report")
  instruction,  // 指示 ("instruction")
  request,      // 依頼 ("request")
  decision,     // 決定 ("decision")
  notice,       // 連絡 ("notice")
  information,  // 情報 ("information")
  action,       // 対応 ("action")
  assessment,   // 所見 ("assessment") — opinion, kept separable from facts
  system,       // システム ("system") — written by the app, cannot be corrected
};

enum class EntryType {
  normal,         // "normal"
  correction,     // 訂正 "correction": replaces fields of target; reason required
  void_entry,     // 取消 "void": target entered in error; reason required
  addendum,       // 追記 "addendum": adds information to target
  status_change,  // 状態変更 "status_change": new status of target
  time_check,     // 時刻合わせ確認 "time_check" (CHR-11)
  checkpoint,     // signed checkpoint over the chain head "checkpoint"
};

// 状態. none = no follow-up action recorded.
enum class ItemStatus { none, open, in_progress, done, not_needed };  // "", "open", "in_progress", "done", "not_needed"

enum class TimeQuality { ref_confirmed, ref_interpolated, uncorrected, estimated };
// "ref-confirmed", "ref-interpolated", "uncorrected", "estimated"

enum class Precision { exact, minute, approx, range };  // "exact", "minute", "approx", "range"

enum class SourceKind { live, paper, system };  // "live", "paper", "system"

struct EventTime {
  std::int64_t utc_ns = 0;
  Precision precision = Precision::exact;
  std::optional<std::int64_t> end_utc_ns;  // for ranges
};

struct Attachment {
  std::string file;    // path relative to the incident folder
  std::string sha256;  // hex
};

// Reference-time confirmation payload (entry_type time_check).
struct TimeCheck {
  std::string source;               // e.g. "117", "radio_clock", "gps", "mobile", "wall_clock"
  std::int64_t reference_utc_ns = 0;  // the reference time the operator confirmed
  std::int64_t offset_ns = 0;       // reference − system at the same CLOCK_BOOTTIME instant
  std::int64_t uncertainty_ns = 0;  // stated uncertainty (±)
};

// Signed checkpoint payload (entry_type checkpoint): signs "<incident>|<device>|<seq>|<hash>"
// of the entry just before it.
struct Checkpoint {
  std::int64_t signed_seq = 0;
  std::string signed_hash;
  std::string public_key;  // raw Ed25519, hex
  std::string signature;   // hex
};

struct Entry {
  // --- system fields (S) ---
  std::string entry_id;  // UUID v4
  std::int64_t seq = 0;  // 1-based, gap-free per device
  std::string incident_id;
  std::string device_id;  // kit ID
  std::string boot_id;
  std::int64_t recorded_sys_utc_ns = 0;  // CLOCK_REALTIME at commit ("recorded_sys_utc", RFC 3339 ns)
  std::int64_t recorded_mono_ns = 0;     // CLOCK_BOOTTIME at commit
  std::optional<std::int64_t> recorded_ref_utc_ns;  // corrected ("recorded_ref_time", +09:00); null if uncorrected
  TimeQuality time_quality = TimeQuality::uncorrected;
  std::int64_t clock_offset_ns = 0;       // offset applied (0 when uncorrected)
  std::int64_t clock_uncertainty_ns = 0;  // ± of the offset
  std::string author;                     // operator name
  std::vector<std::string> author_roles;  // role codes, e.g. {"SCR","CSIRT"}
  bool training = false;
  EntryType type = EntryType::normal;
  std::string system_event;  // for system entries: "incident_opened", "app_start", ...

  // --- user fields ---
  std::optional<EventTime> event_time;
  std::string from;             // 発信元 (R)
  std::vector<std::string> to;  // 受信先 (R)
  Category category = Category::information;
  std::string content;  // 内容 (R); for app-written entries the Japanese text
  std::string content_en;  // app-written entries (system, time check) only: the English text of content
  std::string action;   // 対応
  std::string assignee;  // 担当
  ItemStatus status = ItemStatus::none;
  std::string priority;  // "urgent" / "normal" / ""
  std::string channel;   // "in_person","phone","fax","radio","email","paper","other",""
  std::vector<std::string> refs;
  std::vector<Attachment> attachments;
  SourceKind source = SourceKind::live;
  int paper_sheet = 0;  // source = paper
  int paper_line = 0;
  std::string transcriber;  // source = paper
  std::string witness;

  // --- corrections (§3.4) ---
  std::string target_entry_id;  // corrects / voids / adds to / changes the status of
  std::string reason;           // required for correction and void

  std::optional<TimeCheck> time_check;
  std::optional<Checkpoint> checkpoint;

  // --- chain ---
  std::string prev_hash;
  std::string entry_hash;

  // The time to show: the corrected time if present, else the system time.
  std::int64_t display_utc_ns() const { return recorded_ref_utc_ns.value_or(recorded_sys_utc_ns); }
};

// JSON names of the enums, and back (false/nullopt on unknown names).
std::string_view to_string(Category c);
std::string_view to_string(EntryType t);
std::string_view to_string(ItemStatus s);
std::string_view to_string(TimeQuality q);
std::string_view to_string(Precision p);
std::string_view to_string(SourceKind s);
std::optional<Category> category_from(std::string_view s);
std::optional<EntryType> entry_type_from(std::string_view s);
std::optional<ItemStatus> status_from(std::string_view s);
std::optional<TimeQuality> time_quality_from(std::string_view s);
std::optional<Precision> precision_from(std::string_view s);
std::optional<SourceKind> source_from(std::string_view s);

// Entry → JSON object (with entry_hash if set). Empty optional fields are omitted.
nlohmann::json to_json(const Entry& e);
// JSON object → Entry. Errors: invalid_input naming the field that is missing or wrong.
Result<Entry> from_json(const nlohmann::json& j);
// One member's raw JSON value checked exactly as from_json reads it: the times, seq, and the
// members that are more than a scalar (author, source, to, refs, event_time, attachments,
// time_check, checkpoint); true for any other key. The streaming verifier uses it so that it never
// calls an entry intact that from_json refuses (found by fuzz_chronology_verify).
bool member_valid(std::string_view key, std::string_view raw_value);

// Canonical serialisation of a JSON object (sorted keys, compact, UTF-8 unescaped).
using integrity::canonical_json;
// entry_hash for an object: SHA-256(prev_hash || canonical_json(j without "entry_hash")).
std::string compute_entry_hash(const std::string& prev_hash, nlohmann::json j);

// The content to show a reader of `english` (the UI or report language): content_en when the app
// wrote one (system and time-check entries), else content as typed.
inline const std::string& content_for(const Entry& e, bool english) {
  return english && !e.content_en.empty() ? e.content_en : e.content;
}

// The text of an app-written entry in both languages (content, content_en), built field by field:
//   SystemText t{"封印: " + no, "sealed: " + no};  t.field("袋番号", "bag no.", bag);
struct SystemText {
  std::string ja, en;
  // "; <label>: <value>" in each language (nothing when value is empty).
  SystemText& field(std::string_view ja_label, std::string_view en_label, std::string_view value) {
    if (value.empty()) return *this;
    return add(std::string("; ").append(ja_label).append(": ").append(value),
               std::string("; ").append(en_label).append(": ").append(value));
  }
  SystemText& add(std::string_view ja_text, std::string_view en_text) {
    ja += ja_text;
    en += en_text;
    return *this;
  }
  SystemText& both(std::string_view text) { return add(text, text); }
};

// Checks the user fields of a draft before it is appended (required fields, UTF-8, reason for
// corrections and voids, status only with an action...). Errors: invalid_input (bilingual).
Status validate_draft(const Entry& draft);

// New random UUID v4 string.
std::string new_uuid();

}  // namespace shodo::chronology
