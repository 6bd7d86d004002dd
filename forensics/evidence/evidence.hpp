// Evidence items and chain of custody (証拠品記録・保管の連続性): REQUIREMENTS §4.1–4.5.
//
// <incident>/evidence/register.jsonl is an append-only JSON Lines event log, format
// "shodo-evidence-event" version 1 (docs/FORMATS.md §evidence register). Each line is one event
// (item_added, item_updated, hash_recorded, verification, transfer, sealed, storage_changed,
// disposition) and is hash-chained like the chronology:
//   event_hash = SHA-256(prev_hash_hex || canonical_json(line without "event_hash"))
// (integrity::canonical_json; the first line's prev_hash is 64 zeros). The file is written through
// the shared hash-chained writer (forensics/integrity/chained_log.hpp): each append holds an
// exclusive flock() on register.jsonl, verifies the whole chain again (events other processes
// added are picked up) and writes its line on the true head with one write(), fsync'ed before
// the call returns. A torn last line (an interrupted write) does not stop the register: it is
// moved to a side file "register.jsonl.torn-<time>.bin" (never overwritten), the chronology
// records "evidence_register_recovered", and the write goes on. Any other damage: the register
// is never written (integrity error naming the first bad line) — it can still be inspected with
// verify_register(). If another Shodo window or command holds the lock for more than 10 s, the
// write is refused with "in use" (not_saved).
//
// The current state of an item is the fold of its events (views are queries). Every custody
// event also writes a chronology system entry ("One spine", DESIGN.md) whose refs contain the
// evidence number(s) and "evidence-event:<event_id>"; the register line is written first, then
// the chronology entry.
//
// Not thread-safe: one thread at a time per EvidenceRegister (copies share the open file).
// Several processes on the same case volume are serialised by the lock.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "forensics/chronology/entry.hpp"
#include "forensics/core/result.hpp"
#include "forensics/integrity/chained_log.hpp"

namespace shodo {
class Workspace;
}

namespace shodo::evidence {
namespace detail {
class RegisterRules;
}

inline constexpr const char* k_event_format = "shodo-evidence-event";
inline constexpr int k_event_version = 1;
inline constexpr const char* k_register_file = "register.jsonl";  // under <incident>/evidence/

struct Person {
  std::string name, role, organisation, phone;
  bool empty() const { return name.empty() && role.empty() && organisation.empty() && phone.empty(); }
};

// A moment as recorded by the kit (three clocks, like chronology entries).
struct RecordedTime {
  std::int64_t utc_ns = 0;        // best UTC: the reference-corrected time when available, else the system clock
  std::string quality;            // "ref-confirmed" | "ref-interpolated" | "uncorrected" | "estimated"
  std::int64_t sys_utc_ns = 0;    // CLOCK_REALTIME reading (0 when the time was entered by hand)
  std::int64_t boottime_ns = 0;   // CLOCK_BOOTTIME reading (0 when entered by hand)
  std::string boot_id;            // empty when entered by hand
};

// The kit's current time for `ws`: its clock, corrected by the chronology's time reference.
RecordedTime now_time(const Workspace& ws);
// A time the operator typed (e.g. found_time told by a nurse): quality "estimated" unless given.
RecordedTime entered_time(std::int64_t utc_ns, std::string quality = "estimated");

// §4.2 item_type. JSON names in quotes.
enum class ItemType {
  physical_device,   // "physical_device"   物理機器
  storage_medium,    // "storage_medium"    記憶媒体
  disk_image,        // "disk_image"        ディスクイメージ
  memory_capture,    // "memory_capture"    メモリダンプ
  logical_file_set,  // "logical_file_set"  論理ファイル群
  log_export,        // "log_export"        ログ出力
  photo,             // "photo"             写真
  document,          // "document"          文書
  backup_medium,     // "backup_medium"     バックアップ媒体
  kit_record_set,    // "kit_record_set"    キット記録一式 (§4.5)
};
std::string_view to_string(ItemType t);
std::optional<ItemType> item_type_from(std::string_view s);
// Display name, e.g. "記憶媒体" / "storage medium".
std::string item_type_label(ItemType t, bool japanese);

struct FileRef {
  std::string file;    // path relative to the incident folder (or as imported)
  std::string sha256;  // hex
};

struct HashRecord {
  std::string algorithm;  // "sha256" (MUST), "sha512", "sha1", "md5"
  std::string value;      // lower-case hex
  std::string scope;      // "whole_device","image_file","segment","logical_file","partial"
  std::string target;     // file name or device
  std::int64_t computed_utc_ns = 0;  // 0 → now when recorded
  std::string computed_by;           // empty → the operator
  std::string tool;                  // e.g. "shodo 0.4.0 (OpenSSL 3.0.11)"
};

struct VerificationEvent {
  std::int64_t utc_ns = 0;  // 0 → now when recorded
  std::string by;           // empty → the operator
  std::string what;         // "image_reread","source_reread","transfer_recheck"
  bool match = false;
  std::string detail;       // e.g. the recomputed value, or what differed
};

struct Acquisition {
  std::string method;         // e.g. "dead-physical", "live-physical", "live-logical", "memory", "log_export", "copy"
  std::string tool_name, tool_version, kit_version, kit_image_sha256;
  std::string write_protection;  // "hardware:<model> <serial>" / "kernel-ro (BLKROSET)" / "none: <reason>"
  std::string source_device_path;
  std::string destination_medium_serial;  // REQUIRED by §4.2 for acquisitions
  std::string destination_path;
  std::string image_format;  // "raw", "split-raw", "e01", ...
  RecordedTime started, ended;
  std::int64_t bytes_read = 0;
  std::int64_t read_errors = 0;  // unreadable sectors / files
  Person operator_;              // JSON "operator"
  Person witness;
  std::string deviations;  // unavoidable changes to the source, with justification (ISO/IEC 27037)
  std::string outcome;     // "completed", "completed_with_errors", "aborted", "failed"
};

struct Disposition {
  std::string action;  // "returned", "destroyed", "retained"
  std::string detail;  // e.g. "retained until 2027-03-31", returned to whom
  Person by;
  std::string approved_by;
  std::int64_t utc_ns = 0;  // 0 → now when recorded
};

struct EvidenceItem {
  // Identity
  std::string case_no;      // incident ID
  std::string evidence_no;  // "<incident>-E001", sub-items "<incident>-E001-01"
  std::string label_id, seal_no, bag_no;
  std::string derived_from;  // parent evidence_no
  // Description
  std::string description;
  ItemType item_type = ItemType::storage_medium;
  std::string make, model, serial_no;
  std::optional<std::int64_t> capacity_bytes;
  std::string interface;  // "SATA", "NVMe", "USB", ...
  std::string asset_id, hostname;
  std::vector<std::string> ip_addresses, mac_addresses;
  std::string owner_org;
  std::string condition;  // power state, screen, damage, cables
  // Discovery & collection
  std::string found_location;
  std::optional<RecordedTime> found_time, collected_time;
  Person collected_by, witness;
  std::string collection_reason;
  std::string source_clock_reading;             // what the device's clock showed, as read
  std::optional<std::int64_t> source_clock_offset_ns;  // source clock − reference time
  std::string source_timezone;                  // the device's time zone setting
  std::vector<FileRef> photos;
  // Acquisition (images, captures, exports)
  std::optional<Acquisition> acquisition;
  // Integrity
  std::vector<HashRecord> hashes;
  std::vector<VerificationEvent> verification_events;
  // Storage
  std::string storage_location, storage_conditions, access_restriction;
  // Disposition
  std::optional<Disposition> disposition;
  // Links: chronology entry IDs, decisions, reports, other evidence numbers
  std::vector<std::string> refs;

  // --- derived by the fold (not stored in item_added) ---
  Person current_custodian;             // last transfer's `to`, else collected_by
  std::int64_t registered_utc_ns = 0;   // time of the item_added event
  std::string registered_by;            // operator of the item_added event

  // The first SHA-256 of the item (image_file scope preferred), or nullptr.
  const HashRecord* primary_sha256() const;
};

struct Transfer {
  std::string transfer_id;  // "<incident>-T001" (assigned when empty)
  std::vector<std::string> evidence_nos;
  Person from, to;  // 引渡者 / 受領者
  RecordedTime time;  // utc_ns 0 → now when recorded
  std::string purpose;  // "analysis", "storage", "police_submission", "return", or free text
  std::string method;   // "hand_carry", "courier", or free text
  std::string courier, tracking_no;
  std::string seal_no_before;
  std::optional<bool> seal_intact;
  std::string seal_no_after;
  std::string condition_on_receipt;
  std::optional<bool> hash_reverified;  // result of an optional re-hash at the transfer
  std::string hash_reverified_detail;
  std::string signed_form_sha256;  // scan of the signed paper custody form (EV-02)
  std::string signed_form_file;
};

// One line of register.jsonl as parsed.
struct RegisterEvent {
  std::int64_t seq = 0;
  std::string event;  // "item_added", "item_updated", ...
  std::string event_id;
  std::string evidence_no;              // empty for transfers (see payload.evidence_nos)
  RecordedTime recorded;
  std::string author, device_id;
  nlohmann::json payload;
  std::string prev_hash, event_hash;
};

// Result of checking a register file without writing anything.
struct RegisterCheck {
  std::int64_t lines = 0;          // complete lines read
  std::int64_t good = 0;           // verified events before the first problem
  std::optional<std::int64_t> bad_line;  // 1-based line number of the first problem
  std::string problem_ja, problem_en;
  bool torn_tail = false;  // the only problem is an incomplete last line (an interrupted write)
  std::string head_hash;   // event_hash of the last verified line (64 zeros for an empty register)
  bool ok() const { return !bad_line.has_value(); }
};
// Checks the hash chain of a register file and that its events fit together (no transfer of an
// item never added …), without writing anything. An absent file is an empty, intact register.
// Lines cut off the end cannot be seen here: the overload with the workspace checks them.
RegisterCheck verify_register(const std::filesystem::path& register_file);
// The same for <ws.dir()>/evidence/register.jsonl, plus: every line belongs to this incident, and
// every register event the chronology names is in the register (else lines were cut off its end).
RegisterCheck verify_register(const Workspace& ws);

// JSON (de)serialisation (nlohmann). Empty optional fields are omitted.
nlohmann::json to_json(const Person& p);
nlohmann::json to_json(const RecordedTime& t);
nlohmann::json to_json(const HashRecord& h);
nlohmann::json to_json(const VerificationEvent& v);
nlohmann::json to_json(const Acquisition& a);
nlohmann::json to_json(const Disposition& d);
nlohmann::json to_json(const EvidenceItem& item);  // without the derived fields
nlohmann::json to_json(const Transfer& t);
Result<Person> person_from_json(const nlohmann::json& j);
Result<HashRecord> hash_from_json(const nlohmann::json& j);
Result<VerificationEvent> verification_from_json(const nlohmann::json& j);
Result<EvidenceItem> item_from_json(const nlohmann::json& j);
Result<Transfer> transfer_from_json(const nlohmann::json& j);

class EvidenceRegister {
 public:
  // Opens <ws.dir()>/evidence/register.jsonl (absent = empty register; created on first write).
  // Errors: integrity (damaged register: the message names the line), io_error.
  static Result<EvidenceRegister> open(const Workspace& ws);
  // The same without a workspace (read-only use: reports, exports, GUI views).
  static Result<EvidenceRegister> open_dir(const std::filesystem::path& incident_dir, const std::string& incident_id);

  const std::filesystem::path& file() const { return m_file; }
  const std::string& incident_id() const { return m_incident_id; }

  // A number as the operator may type it: the short form "E001" / "e001-01" becomes
  // "<incident>-E001" / "<incident>-E001-01"; anything else is returned unchanged.
  std::string full_number(const std::string& typed) const;

  // Next free number: "<incident>-E001", "-E002", …; with parent "<incident>-E001" → "<incident>-E001-01".
  // Errors: not_found (unknown parent), invalid_input (parent is not an evidence number of this incident).
  Result<std::string> next_evidence_no(const std::string& parent = "") const;

  // Registers an item (assigns the next top-level evidence_no and case_no when empty — an image of
  // E001 is a separate item E002 with derived_from E001; for a sub-item such as a partition or a
  // file, set evidence_no = next_evidence_no(parent) first; collected_time defaults to now).
  // Writes "item_added" and the chronology entry "evidence_added". Returns the folded item.
  // Errors: invalid_input (no description, unknown derived_from, duplicate number, bad hash…),
  // integrity (register damaged), not_saved.
  Result<EvidenceItem> add_item(Workspace& ws, EvidenceItem item);
  // Changes top-level fields (JSON names of to_json(EvidenceItem)) with a reason ("item_updated",
  // chronology "evidence_updated"). evidence_no, case_no, hashes, verification_events and
  // disposition cannot be changed this way.
  Status update_item(Workspace& ws, const std::string& evidence_no, const nlohmann::json& changes,
                     const std::string& reason);
  // "hash_recorded" / chronology "evidence_hashed".
  Status record_hash(Workspace& ws, const std::string& evidence_no, HashRecord h);
  // "verification" / chronology "evidence_verified" (a mismatch is written as such, never hidden).
  Status record_verification(Workspace& ws, const std::string& evidence_no, VerificationEvent v);
  // "transfer" / chronology "evidence_transferred" (refs: every evidence number and the transfer ID).
  // A hash_reverified value also adds a "transfer_recheck" verification to each item.
  Result<Transfer> record_transfer(Workspace& ws, Transfer t);
  // "sealed" / chronology "evidence_sealed": sets seal_no (and bag_no when given).
  Status record_seal(Workspace& ws, const std::string& evidence_no, const std::string& seal_no,
                     const std::string& bag_no = {}, const std::string& note = {});
  // "storage_changed" / chronology "evidence_storage_changed".
  Status update_storage(Workspace& ws, const std::string& evidence_no, const std::string& location,
                        const std::string& conditions, const std::string& access_restriction,
                        const std::string& reason = {});
  // "disposition" / chronology "evidence_disposition".
  Status record_disposition(Workspace& ws, const std::string& evidence_no, Disposition d);

  // Folded current state, in evidence-number order.
  std::vector<EvidenceItem> items() const;
  std::optional<EvidenceItem> find(const std::string& evidence_no) const;
  std::vector<Transfer> transfers_of(const std::string& evidence_no) const;
  std::vector<Transfer> transfers() const;
  const std::vector<RegisterEvent>& events() const { return m_events; }

 private:
  EvidenceRegister() = default;
  // Catches up with the file under the lock (events of other processes; a torn tail is set
  // aside and recorded in the chronology).
  Status reload(Workspace& ws);
  // Takes the lock and re-reads every line under it (append_event and reload): the events of
  // other processes are in m_events afterwards, and a torn tail set aside is in `torn`.
  Result<integrity::ChainedLog::Lock> lock_and_catch_up(std::optional<integrity::TornTail>& torn);
  Error sync_error(const Error& e) const;
  Status record_recovery(Workspace& ws, const integrity::TornTail& torn);
  // `under_lock`, when given, runs after the register was re-read under the lock and before the
  // event is hashed: it may complete the payload from the current state (a transfer number) or
  // refuse (a number taken meanwhile by another process).
  Result<RegisterEvent> append_event(Workspace& ws, const std::string& event, const std::string& evidence_no,
                                     nlohmann::json payload,
                                     const std::function<Status(nlohmann::json& payload)>& under_lock = {});
  Status write_chronology(Workspace& ws, const std::string& system_event, const chronology::SystemText& text,
                          std::vector<std::string> refs, const RegisterEvent& ev);

  std::filesystem::path m_file;
  std::string m_incident_id;
  std::vector<RegisterEvent> m_events;
  std::shared_ptr<detail::RegisterRules> m_rules;  // declared before m_chain, which refers to it
  std::shared_ptr<integrity::ChainedLog> m_chain;
};

}  // namespace shodo::evidence
