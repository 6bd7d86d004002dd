// Jobs (DESIGN.md "Jobs"): every long operation takes a cancel token and a progress sink.
// Progress is a set of atomics the GUI polls each frame and the CLI draws as a bar;
// workers never touch UI state.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace shodo {

// Cancel and pause, set from any thread, checked by the worker between blocks.
class CancelToken {
 public:
  void cancel() { m_cancel.store(true, std::memory_order_relaxed); }
  bool cancelled() const { return m_cancel.load(std::memory_order_relaxed); }
  void set_paused(bool p) { m_paused.store(p, std::memory_order_relaxed); }
  bool paused() const { return m_paused.load(std::memory_order_relaxed); }
  // Blocks while paused (polling every 50 ms); returns false if cancelled meanwhile.
  bool wait_while_paused() const {
    if (paused()) {
      m_parked.fetch_add(1);
      while (paused() && !cancelled()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      m_parked.fetch_sub(1);
    }
    return !cancelled();
  }
  // How many threads are held in wait_while_paused() right now: the worker's acknowledgement of
  // a pause (tests and the GUI wait for it instead of sleeping).
  int parked() const { return m_parked.load(); }

 private:
  std::atomic<bool> m_cancel{false};
  std::atomic<bool> m_paused{false};
  mutable std::atomic<int> m_parked{0};
};

// Stages of a pipeline job; "bottleneck" names the stage the others wait for.
enum class Stage : int { none = 0, read = 1, hash = 2, write = 3 };
const char* stage_name(Stage s);  // "read" | "hash" | "write" | "none": stable, for records
const char* stage_key(Stage s);  // i18n key "job.stage.read" ...

// Live progress of a job. All fields are atomics: written by the worker (the pause fields by
// whoever pauses: JobRunner::set_paused on the owner's thread), read by anyone.
struct Progress {
  std::atomic<int> phase{0};                 // job-specific phase (the job type names it: job_runner.hpp)
  std::atomic<std::uint64_t> done{0};        // bytes (or items) done
  std::atomic<std::uint64_t> total{0};       // bytes (or items) in all; 0 = unknown
  std::atomic<std::uint64_t> errors{0};      // e.g. unreadable sectors so far
  std::atomic<int> bottleneck{0};            // Stage
  std::atomic<std::int64_t> started_ns{0};   // steady clock at start
  std::atomic<bool> finished{false};

  // Wait time per stage (ns) while the stage was blocked on a full/empty queue.
  std::atomic<std::uint64_t> read_wait_ns{0};
  std::atomic<std::uint64_t> hash_wait_ns{0};
  std::atomic<std::uint64_t> write_wait_ns{0};

  // Time spent paused (steady clock, ns): pauses that ended, and the start of the current one
  // (0 = not paused). Written by note_pause(), read by the sampler so that paused time counts
  // neither in the average rate nor in the ETA.
  std::atomic<std::int64_t> paused_total_ns{0};
  std::atomic<std::int64_t> paused_since_ns{0};

  // Records a pause starting (paused = true) or ending at `now_ns` (steady clock). Repeating the
  // current state is a no-op. Call from one thread at a time (the one that pauses and resumes).
  void note_pause(bool paused, std::int64_t now_ns);
  // Paused time up to `now_ns`, the current pause included.
  std::int64_t paused_ns(std::int64_t now_ns) const;
};

// A plain copy of Progress plus derived rates, for display.
struct ProgressSnapshot {
  int phase = 0;
  std::uint64_t done = 0, total = 0, errors = 0;
  Stage bottleneck = Stage::none;
  double elapsed_s = 0;     // wall time since started_ns (paused time included)
  double active_s = 0;      // elapsed_s without the time spent paused
  double average_rate = 0;  // per second of active time since started_ns (pauses excluded)
  double current_rate = 0;  // per second over the last sampling intervals (smoothed, pauses excluded)
  double eta_s = -1;        // remaining / rate, -1 = unknown; pauses never lengthen it
  bool paused = false;      // a pause is in progress
  bool finished = false;
};

// Samples a Progress at intervals and derives rates: one per viewer (CLI bar, GUI). Not
// thread-safe: each viewer owns its sampler. `done` restarting from 0 or a new phase restarts the
// current-rate estimate (a verification re-reads from the start).
class ProgressSampler {
 public:
  // Samples at `now_ns` (steady clock): the explicit time makes the rates testable.
  ProgressSnapshot sample(const Progress& p, std::int64_t now_ns);
  ProgressSnapshot sample(const Progress& p);  // at steady_now_ns()

 private:
  int m_last_phase = -1;
  std::uint64_t m_last_done = 0;
  std::int64_t m_last_ns = 0;
  std::int64_t m_last_paused_ns = 0;
  std::int64_t m_start_ns = 0;            // the started_ns the average is measured from
  std::int64_t m_paused_at_start_ns = 0;  // paused time already counted when it began
  double m_rate = 0;
};

std::int64_t steady_now_ns();

}  // namespace shodo
