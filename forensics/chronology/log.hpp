// The append-only chronology log of one kit for one incident (CHR-20 … CHR-24).
//
// Every append validates the draft, fills the system fields (seq, IDs, the three clock
// readings, the corrected time, author, chain hashes), writes ONE line with one write(),
// and fsyncs the file (and, on creation, its directory) before returning. If the write or the
// fsync fails, the line is cut off again, the error says "not saved", and the log refuses
// further appends until it is reopened — an acknowledged entry is always durable.
//
// Opening for writing verifies the whole chain first. A torn tail (interrupted write) is moved
// to a side file, the log is cut back to the last complete entry and a "recovered from
// interrupted write" entry is appended. Any other damage makes open() fail with read_only:
// a damaged log is never rewritten. Not thread-safe: one owner (the GUI's model or the CLI).
#pragma once
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "forensics/chronology/entry.hpp"
#include "forensics/chronology/time_reference.hpp"
#include "forensics/chronology/verify.hpp"
#include "forensics/core/clock.hpp"
#include "forensics/core/result.hpp"

namespace shodo {
class KitKey;
}

namespace shodo::chronology {

struct Operator {
  std::string name;
  std::vector<std::string> roles;  // role codes (REQUIREMENTS §2.3), e.g. "SCR"
};

struct LogOptions {
  std::filesystem::path file;                  // <incident>/chronology/<device_id>.jsonl
  std::optional<std::filesystem::path> mirror;  // copy on a second medium (CHR-24)
  std::string incident_id;
  std::string device_id;
  bool training = false;
  const Clock* clock = nullptr;  // default_clock() when null
  const KitKey* key = nullptr;   // signs checkpoints; none written when null
  std::int64_t checkpoint_every = 100;  // entries between automatic signed checkpoints (0 = never)
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
  // the message names the first bad record), not_saved / no_space / io_error.
  static Result<std::unique_ptr<ChronologyLog>> open(const LogOptions& opt, OpenReport* report = nullptr);

  // Appends a draft (user fields only; system fields are overwritten). Returns the entry as
  // stored. Errors: invalid_input (draft), not_saved / no_space (NOT stored), read_only.
  Result<Entry> append(Entry draft);
  // A system entry (CHR-04): category system, source system, the given event code and text.
  Result<Entry> append_system(const std::string& event, const std::string& content,
                              const std::vector<std::string>& refs = {});
  // Signs the current head and appends the checkpoint entry. Needs a key.
  Result<Entry> append_checkpoint();

  void set_operator(Operator op) { m_operator = std::move(op); }
  const Operator& current_operator() const { return m_operator; }

  const std::vector<Entry>& entries() const { return m_entries; }
  const TimeReference& time_reference() const { return m_timeref; }
  // The correction that an entry recorded now would get.
  Correction correction_now() const;
  std::int64_t count() const { return static_cast<std::int64_t>(m_entries.size()); }
  std::string head_hash() const { return m_entries.empty() ? k_genesis_hash : m_entries.back().entry_hash; }
  const std::filesystem::path& file() const { return m_opt.file; }
  const LogOptions& options() const { return m_opt; }
  // True when each entry is also written to a second medium (CHR-24 warns when false).
  bool mirrored() const { return m_mirror_fd >= 0; }
  // The last write error that disabled the log (empty when healthy).
  const std::optional<Error>& failure() const { return m_failure; }

  ~ChronologyLog();
  ChronologyLog(const ChronologyLog&) = delete;
  ChronologyLog& operator=(const ChronologyLog&) = delete;

 private:
  explicit ChronologyLog(LogOptions opt);
  Result<Entry> write_entry(Entry e);
  Status write_line_durably(const std::string& line);
  void mirror_line(const std::string& line);

  LogOptions m_opt;
  Operator m_operator;
  int m_fd = -1;
  int m_mirror_fd = -1;
  std::uint64_t m_size = 0;  // bytes of complete, durable lines
  std::vector<Entry> m_entries;
  TimeReference m_timeref;
  std::optional<Error> m_failure;
  std::int64_t m_since_checkpoint = 0;
};

}  // namespace shodo::chronology
