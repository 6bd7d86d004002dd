// The job runner (DESIGN.md "Jobs"): one long operation on its own worker thread, with a job id,
// named phases, live progress, pause / resume / cancel, notes from the worker and one final
// Result. Acquisitions (GUI and CLI), exports, and later collections and backup verifications
// run on it; only the work function and its types differ.
//
// Contract
//  * Threads. A runner has one *owner* thread (the GUI thread, or the CLI's main thread): it calls
//    start(), poll(), wait(), sample(), set_paused(), cancel() and destroys the runner. The work
//    function runs on the runner's worker thread. At most one job runs per runner at a time.
//  * Ownership. The runner owns the Progress, the CancelToken and the worker thread of the current
//    job (new ones for every job: a cancelled token stays cancelled). The work function owns what
//    it captured by value. Whatever it captured by reference (a Workspace, a log) belongs to the
//    job from start() until poll()/wait() has returned the job's final event: the owner thread
//    must not touch it meanwhile (single-owner objects are lent, never shared). Objects the owner
//    keeps using while the job runs must not be given to it; give it a copy or a read-only
//    snapshot instead.
//  * Results. The worker never touches the owner's state. Everything it says reaches the owner
//    through a mutex-guarded queue: notes (Note values, e.g. an acquisition's preflight) and, last,
//    the final Result<T>. poll() (non-blocking) and wait() (blocking with a timeout) hand them out
//    in order on the owner thread; taking the final event joins the worker and ends busy().
//  * Progress. The worker writes the Progress atomics; the owner reads them through sample()
//    (rates and ETA without paused time, see ProgressSampler) at any time, without locking.
//  * Exceptions never cross the thread boundary: one escaping the work function becomes an Error
//    result (code io_error, the job type's crash message plus what() of the exception).
//  * Destruction cancels the job (and lifts a pause) and joins the worker, so a job can never
//    outlive what it borrowed if the runner is destroyed before the lender.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <variant>

#include "forensics/core/job.hpp"
#include "forensics/core/result.hpp"

namespace shodo {

// Identifies one job of a runner: 1, 2, 3 … in start order (0 = none). Unique per runner.
using JobId = std::uint64_t;

// What kind of job a runner runs: names for records and the catalogue keys of its phases. The
// core knows no phases of its own (core cannot see acquire/, report/ …): the job type maps its
// Progress::phase values (e.g. acquire::Phase) to names.
struct JobType {
  const char* name = "job";                              // stable, for logs ("acquisition", "export")
  const char* (*phase_name)(int phase) = nullptr;        // stable phase name; null: "phase"
  const char* (*phase_key)(int phase) = nullptr;         // i18n key of the phase's label; null: ""
  // The message of the Error an escaped exception becomes (the catalogue's text, given by the
  // front end); empty: a generic bilingual text.
  std::string crashed_ja, crashed_en;
};

// What the work function gets: its id, the progress to write and the token to obey (pause
// between blocks with wait_while_paused(), stop when cancelled()).
struct JobContext {
  JobId id = 0;
  Progress& progress;
  const CancelToken& cancel;
};

// The untyped half of the runner: thread, token, progress, sampler, id. See the contract above.
class JobRunnerBase {
 public:
  explicit JobRunnerBase(JobType type);
  virtual ~JobRunnerBase();
  JobRunnerBase(const JobRunnerBase&) = delete;
  JobRunnerBase& operator=(const JobRunnerBase&) = delete;

  const JobType& type() const { return m_type; }
  // The current (or last) job's id; 0 before the first start().
  JobId id() const { return m_id; }
  // From start() until the final event was taken (owner thread).
  bool busy() const { return m_busy; }
  // The work function has returned (its result may still wait in the queue). Any thread.
  bool worker_done() const { return m_worker_done.load(); }

  // Live numbers with derived rates (owner thread). A phase change restarts the rate estimate.
  ProgressSnapshot sample();
  ProgressSnapshot sample(std::int64_t now_ns);
  const Progress& progress() const { return *m_progress; }
  // The current phase and its names from the job type.
  int phase() const { return m_progress->phase.load(); }
  const char* phase_name() const;
  const char* phase_key() const;

  // Pause / resume: the worker waits at its next block; paused time is recorded in the Progress
  // so that it counts neither in the average rate nor in the ETA. Owner thread.
  void set_paused(bool paused);
  bool paused() const { return m_cancel->paused(); }
  // The worker has reached a pause point and is held there (it acknowledged the pause).
  bool worker_parked() const { return m_cancel->parked() > 0; }
  // Asks the worker to stop at its next block (a paused worker stops too: wait_while_paused
  // returns on cancel). Any thread while a job is busy; one lock-free atomic store, so a signal
  // handler may call it.
  void cancel() { m_cancel->cancel(); }
  bool cancel_requested() const { return m_cancel->cancelled(); }

 protected:
  // Resets progress, token and sampler for a new job and returns its id; false when busy.
  std::optional<JobContext> prepare();
  // Starts the worker thread running `body` (after prepare()).
  void launch(std::function<void()> body);
  // The Error an exception escaping the work function becomes (`what` may be null).
  Error crash_error(const char* what) const;
  // Called by the worker after it pushed its final event.
  void mark_worker_done() { m_worker_done.store(true); }
  // Owner thread, after the final event was taken: joins the worker and ends busy().
  void finish();
  // Cancels, lifts the pause and joins; the derived class calls it in its destructor, before its
  // queue goes away.
  void stop_and_join();

 private:
  JobType m_type;
  std::unique_ptr<Progress> m_progress;
  std::unique_ptr<CancelToken> m_cancel;
  ProgressSampler m_sampler;
  int m_sampled_phase = 0;
  std::thread m_thread;
  std::atomic<bool> m_worker_done{false};
  bool m_busy = false;  // owner thread only
  JobId m_id = 0;       // owner thread only
};

// A runner for jobs that return Result<T> and may send notes of type Note on the way.
template <class T, class Note = std::monostate>
class JobRunner : public JobRunnerBase {
 public:
  // One thing the worker said: a note, or (last) the final result. `job` says which job.
  struct Event {
    JobId job = 0;
    std::optional<Note> note;
    std::optional<Result<T>> result;
    bool final() const { return result.has_value(); }
  };
  // Sends a note to the owner (worker thread; never blocks on the owner).
  using Notify = std::function<void(Note)>;
  using Work = std::function<Result<T>(const JobContext&, const Notify&)>;

  explicit JobRunner(JobType type) : JobRunnerBase(std::move(type)) {}
  ~JobRunner() override { stop_and_join(); }

  // Starts `work` on the worker thread. Returns the new job's id, or 0 (nothing started) while an
  // earlier job is still busy. Owner thread.
  JobId start(Work work) {
    auto ctx = prepare();
    if (!ctx) return 0;
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_events.clear();
    }
    launch([this, c = *ctx, work = std::move(work)]() {
      const JobId id = c.id;
      Notify notify = [this, id](Note n) {
        Event e;
        e.job = id;
        e.note.emplace(std::move(n));
        push(std::move(e));
      };
      Event done;
      done.job = id;
      try {
        done.result.emplace(work(c, notify));
      } catch (const std::exception& ex) {
        done.result.emplace(crash_error(ex.what()));
      } catch (...) {
        done.result.emplace(crash_error(nullptr));
      }
      c.progress.finished.store(true);
      push(std::move(done));
      mark_worker_done();
    });
    return ctx->id;
  }

  // The next event, or nullopt when none is waiting. Owner thread. Taking the final event joins
  // the worker (it is returning) and ends busy().
  std::optional<Event> poll() {
    std::optional<Event> e;
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      if (m_events.empty()) return std::nullopt;
      e = std::move(m_events.front());
      m_events.pop_front();
    }
    if (e->final()) finish();
    return e;
  }

  // As poll(), but waits up to `timeout` for an event to arrive. Owner thread.
  std::optional<Event> wait(std::chrono::nanoseconds timeout) {
    {
      std::unique_lock<std::mutex> lock(m_mutex);
      m_arrived.wait_for(lock, timeout, [this] { return !m_events.empty(); });
    }
    return poll();
  }

  // Waits for the final result, handing every note to `on_note` on the way (owner thread). For
  // callers with nothing else to do (tests, batch commands).
  Result<T> wait_result(const std::function<void(Note&)>& on_note = {}) {
    while (true) {
      if (!busy()) return make_error(ErrorCode::invalid_input, "実行中のジョブがありません", "no job is running");
      auto e = wait(std::chrono::seconds(1));
      if (!e) continue;
      if (e->note && on_note) on_note(*e->note);
      if (e->final()) return std::move(*e->result);
    }
  }

 private:
  void push(Event e) {
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_events.push_back(std::move(e));
    }
    m_arrived.notify_all();
  }

  std::mutex m_mutex;
  std::condition_variable m_arrived;
  std::deque<Event> m_events;  // guarded by m_mutex
};

}  // namespace shodo
