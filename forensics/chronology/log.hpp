// The append-only chronology log of one kit for one incident (CHR-20 … CHR-24).
//
// Every append validates the draft, fills the system fields (seq, IDs, the three clock
// readings, the corrected time, author, chain hashes), writes ONE line with one write(),
// and fsyncs the file (and, on creation, its directory) before returning. If the write or the
// fsync fails, the line is cut off again, the error says "not saved", and the log refuses
// further appends until it is reopened — an acknowledged entry is always durable.
//
// One writer per chronology, across processes (issue 10 §2): the GUI and a `shodo chrono add` or
// `shodo acquire` in a terminal may have the same incident open. The file is written through the
// shared hash-chained writer (forensics/integrity/chained_log.hpp): every append holds an
// exclusive flock() on the log file, first reads and verifies the entries other processes
// appended (they appear in entries()), and appends on the true head — the chain never forks. If
// the lock cannot be taken within LogOptions::lock_timeout, append() refuses with "in use by
// another Shodo window or command" (not_saved; nothing is written).
//
// Opening for writing verifies the whole chain first. A torn tail (interrupted write) is moved
// to a side file, the log is cut back to the last complete entry and a "recovered from
// interrupted write" entry is appended (the same happens when a torn tail left by another
// process is found under the lock). Any other damage makes open() (or the next append) fail
// with read_only: a damaged log is never rewritten.
//
// Thread-safety: not thread-safe. One thread at a time may use a ChronologyLog (the GUI's model
// or the CLI); callers that append from a worker thread must serialise with the owner. Other
// processes are serialised by the lock.
#pragma once
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "forensics/chronology/entry.hpp"
#include "forensics/chronology/operator.hpp"
#include "forensics/chronology/time_reference.hpp"
#include "forensics/chronology/verify.hpp"
#include "forensics/core/clock.hpp"
#include "forensics/core/result.hpp"
#include "forensics/integrity/chained_log.hpp"

namespace shodo {
class KitKey;
}

namespace shodo::chronology {

struct LogOptions {
  std::filesystem::path file;                  // <incident>/chronology/<device_id>.jsonl
  std::optional<std::filesystem::path> mirror;  // copy on a second medium (CHR-24)
  std::string incident_id;
  std::string device_id;
  bool training = false;
  const Clock* clock = nullptr;  // default_clock() when null
  const KitKey* key = nullptr;   // signs checkpoints; none written when null
  std::int64_t checkpoint_every = 100;  // entries between automatic signed checkpoints (0 = never)
  // How long an append waits for another Shodo window or command that holds the log's lock.
  std::chrono::milliseconds lock_timeout{10000};
};

// What open() found and did.
struct OpenReport {
  bool created = false;                 // the log did not exist
  bool recovered_torn_tail = false;     // a torn tail was moved aside
  std::filesystem::path torn_side_file;  // where its bytes are
  std::uint64_t torn_bytes = 0;
  bool mirror_ok = false;               // a mirror exists and matches
  std::string mirror_problem_ja, mirror_problem_en;  // e.g. mirror longer than the log (truncation!)
};

class ChronologyLog {
 public:
  // Opens (creating if absent) for appending. Errors: read_only (damage other than a torn tail;
  // the message names the first bad record), not_saved (also "in use" when another process
  // holds the lock longer than lock_timeout) / no_space / io_error.
  static Result<std::unique_ptr<ChronologyLog>> open(const LogOptions& opt, OpenReport* report = nullptr);

  // Appends a draft (user fields only; system fields are overwritten). Returns the entry as
  // stored. Errors: invalid_input (draft), not_saved / no_space (NOT stored; also "in use"),
  // read_only (damage found in what other processes appended, or in the verified entries).
  Result<Entry> append(Entry draft);
  // A system entry (CHR-04): category system, source system, the given event code and text.
  // `ja` is stored as content, `en` as content_en; each reader sees its own language (views pick
  // with content_for), and the record keeps both.
  Result<Entry> append_system(const std::string& event, const SystemText& text,
                              const std::vector<std::string>& refs = {});
  // Signs the current head and appends the checkpoint entry. Needs a key.
  Result<Entry> append_checkpoint();

  void set_operator(Operator op) { m_operator = {std::move(op.name), role_set(op.roles)}; }
  const Operator& current_operator() const { return m_operator; }

  // Reads the entries other processes appended since the last append or refresh (verified like
  // every other line; torn tails are recovered). Cheap when nothing changed (one fstat, no lock),
  // so the GUI may call it every few frames. Waits at most `timeout` for the lock. Returns the
  // number of new entries. Errors: as append() (read_only on damage, not_saved when in use).
  Result<std::int64_t> refresh(std::chrono::milliseconds timeout = std::chrono::milliseconds(200));

  // Every entry of the log, in order (those of other processes as of the last append/refresh).
  const std::vector<Entry>& entries() const { return m_rules.entries; }
  const TimeReference& time_reference() const { return m_timeref; }
  // The correction that an entry recorded now would get.
  Correction correction_now() const;
  std::int64_t count() const { return static_cast<std::int64_t>(entries().size()); }
  std::string head_hash() const { return entries().empty() ? k_genesis_hash : entries().back().entry_hash; }
  // Non-checkpoint entries after the last signed checkpoint (derived from the log, so a reopened
  // log signs its next checkpoint on time).
  std::int64_t entries_since_checkpoint() const;
  const std::filesystem::path& file() const { return m_opt.file; }
  const LogOptions& options() const { return m_opt; }
  // True when each entry is also written to a second medium (CHR-24 warns when false).
  bool mirrored() const { return m_mirror_fd >= 0; }
  // The last write error that disabled the log (empty when healthy).
  const std::optional<Error>& failure() const { return m_chain->failure(); }

  ~ChronologyLog();
  ChronologyLog(const ChronologyLog&) = delete;
  ChronologyLog& operator=(const ChronologyLog&) = delete;

 private:
  using Lock = integrity::ChainedLog::Lock;
  explicit ChronologyLog(LogOptions opt);
  // Takes the lock and catches up with the file (observes new entries, records a recovered
  // torn tail). Maps damage to read_only.
  Result<Lock> lock_and_sync(std::chrono::milliseconds timeout);
  Result<Entry> append_locked(const Lock& lock, Entry draft);
  Result<Entry> checkpoint_locked(const Lock& lock);
  Result<Entry> write_entry(const Lock& lock, Entry e);
  void observe_new_entries(std::size_t from);
  void mirror_to_head();

  LogOptions m_opt;
  Operator m_operator;
  EntryRules m_rules;  // verifies every line read; holds the entries
  std::unique_ptr<integrity::ChainedLog> m_chain;
  int m_mirror_fd = -1;
  TimeReference m_timeref;
  std::size_t m_observed = 0;  // entries already fed to m_timeref
  std::optional<integrity::TornTail> m_recovered;  // a torn tail set aside, to be recorded
};

// "in use by another Shodo window or command" (catalogue key chronology.error.in_use), not_saved.
Error in_use_error(const std::filesystem::path& file);

}  // namespace shodo::chronology
