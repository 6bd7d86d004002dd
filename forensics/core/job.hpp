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
    while (paused()) {
      if (cancelled()) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return !cancelled();
  }

 private:
  std::atomic<bool> m_cancel{false};
  std::atomic<bool> m_paused{false};
};

// Stages of a pipeline job; "bottleneck" names the stage the others wait for.
enum class Stage : int { none = 0, read = 1, hash = 2, write = 3 };
const char* stage_name(Stage s);  // "read" | "hash" | "write" | "none": stable, for records
const char* stage_key(Stage s);  // i18n key "job.stage.read" ...

// Live progress of a job. All fields are atomics: written by the worker, read by anyone.
struct Progress {
  std::atomic<int> phase{0};                 // job-specific phase number
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
};

// A plain copy of Progress plus derived rates, for display.
struct ProgressSnapshot {
  int phase = 0;
  std::uint64_t done = 0, total = 0, errors = 0;
  Stage bottleneck = Stage::none;
  double elapsed_s = 0;
  double average_rate = 0;  // per second over the whole job
  double current_rate = 0;  // per second over the last sampling interval
  double eta_s = -1;        // -1 = unknown
  bool finished = false;
};

// Samples a Progress at intervals and derives rates: one per viewer (CLI bar, GUI).
class ProgressSampler {
 public:
  ProgressSnapshot sample(const Progress& p);

 private:
  int m_last_phase = -1;
  std::uint64_t m_last_done = 0;
  std::int64_t m_last_ns = 0;
  double m_rate = 0;
};

std::int64_t steady_now_ns();

}  // namespace shodo
