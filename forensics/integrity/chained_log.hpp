// The one writer of a hash-chained JSON Lines file (issue 10 §2), shared by the chronology and the
// evidence register. Several processes (the GUI and a `shodo` command in a terminal) may hold
// the same file open; every append goes through lock_and_sync() + append():
//
//  * lock: flock(LOCK_EX) on the log file itself (no lock file). Waits up to lock_timeout, then
//    refuses with "in use by another Shodo window or command" (not_saved): never appends blind.
//  * sync: under the lock, the file's true end is read. Lines another process appended since
//    the last sync are verified (and handed to the format's RecordRules) before anything is
//    written, so every append goes on the true head and the chain never forks.
//  * torn tail: an incomplete last line seen under the lock (a writer died mid-write) is moved
//    to a side file "<file>.torn-<UTC time>[-N].bin" (created with O_EXCL, never overwritten),
//    the file is cut back to its last complete line, and sync reports it so that the caller
//    records the recovery. Any other damage: integrity error, and nothing is ever written.
//  * append: ONE write() of the whole line, then fsync (the directory is fsync'ed when the
//    file is created). If the write or the fsync fails, the partial line is cut off again and
//    the failure is latched: every later lock_and_sync() fails until the log is reopened.
//
// Not thread-safe: one owner thread per object (callers serialise). Processes are serialised by
// the lock; a second object on the same file in the same process is a second lock holder and
// waits like another process would.
#pragma once
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "forensics/core/clock.hpp"
#include "forensics/core/result.hpp"
#include "forensics/integrity/chain_verifier.hpp"

namespace shodo::integrity {

struct ChainedLogOptions {
  std::filesystem::path file;
  ChainFormat format;
  std::chrono::milliseconds lock_timeout{10000};  // how long another holder may delay an append
  // true: the file is created by open() (empty); false: an absent file is an empty log, created
  // by the first append.
  bool create_on_open = true;
  // true: every sync re-verifies the whole file (small files whose every line must be re-checked
  // before a write, like the evidence register); false: only what was added since the last
  // sync, plus a check that the last verified line is still in place.
  bool reverify_all = false;
  const Clock* clock = nullptr;  // names side files; default_clock() when null
  // Returned when the lock cannot be taken within lock_timeout; the caller words it from its
  // catalogue ("in use by another Shodo window or command"). Default: a plain not_saved error.
  std::optional<Error> in_use;
  // Start of the "not saved" message after a failed write (the file name and errno follow).
  std::string not_saved_ja = "記録は保存されていません。ケース用ボリュームへの書き込みに失敗しました: ";
  std::string not_saved_en = "the entry was NOT saved: writing to the case volume failed: ";
};

// A torn tail that was moved aside.
struct TornTail {
  std::filesystem::path side_file;
  std::uint64_t bytes = 0;
  std::string sha256;  // of the side file's content
};

struct SyncReport {
  std::int64_t new_records = 0;   // records other processes appended since the last sync
  std::optional<TornTail> torn;   // set when a torn tail was moved aside during this sync
};

class ChainedLog {
 public:
  // Holds the exclusive lock until destroyed. Move-only.
  class Lock {
   public:
    Lock(Lock&& o) noexcept : m_log(o.m_log) { o.m_log = nullptr; }
    Lock& operator=(Lock&&) = delete;
    Lock(const Lock&) = delete;
    ~Lock();

   private:
    friend class ChainedLog;
    explicit Lock(ChainedLog* log) : m_log(log) {}
    ChainedLog* m_log;
  };

  // Opens the file and verifies it through `rules` (which must outlive the log) without taking
  // the lock; damage found is in state().problem (a torn tail is only dealt with under the lock,
  // by the first lock_and_sync()). Errors: io_error / not_saved (cannot read or create).
  static Result<std::unique_ptr<ChainedLog>> open(ChainedLogOptions opt, RecordRules& rules);

  // Takes the lock and brings the verified state to the file's true end (see above).
  // Errors: not_saved ("in use" after lock_timeout; a latched write failure; I/O), integrity
  // (damage: state().problem names the first bad record; nothing was written).
  Result<Lock> lock_and_sync(SyncReport* report = nullptr);
  // The same with a different wait (e.g. a short refresh from the GUI's frame loop).
  Result<Lock> lock_and_sync(std::chrono::milliseconds timeout, SyncReport* report);

  // Appends one record (`line` is its canonical text WITHOUT '\n'; `hash` its hash) at the end,
  // durably. Requires the lock. Errors: not_saved / no_space (nothing stored; failure latched).
  Status append(const Lock& lock, std::string_view line, std::string hash);

  // Bytes [from, to) of the file, e.g. to copy to a mirror. Errors: io_error.
  Result<std::string> read_range(std::uint64_t from, std::uint64_t to) const;

  const ChainState& state() const { return m_verifier.state(); }
  std::int64_t count() const { return state().count; }
  const std::string& head_hash() const { return state().last_hash; }
  std::uint64_t size() const { return state().good_bytes; }
  const std::filesystem::path& file() const { return m_opt.file; }
  // The write error that stopped the log (empty when healthy).
  const std::optional<Error>& failure() const { return m_failure; }

  ~ChainedLog();
  ChainedLog(const ChainedLog&) = delete;
  ChainedLog& operator=(const ChainedLog&) = delete;

 private:
  ChainedLog(ChainedLogOptions opt, RecordRules& rules);
  Status open_for_writing();
  Status take_lock(std::chrono::milliseconds timeout);
  Status sync(SyncReport& rep);
  Result<TornTail> set_aside_torn_tail(std::uint64_t file_size);
  void unlock();

  ChainedLogOptions m_opt;
  RecordRules& m_rules;
  ChainVerifier m_verifier;
  int m_fd = -1;  // O_RDWR | O_APPEND, opened by the first lock (or by open() when creating)
  bool m_locked = false;
  std::optional<Error> m_failure;
};

}  // namespace shodo::integrity
