// An acquisition on a worker thread for the GUI (DESIGN.md "Jobs"): start() runs
// acquire::run_acquisition on a std::thread; the GUI thread reads the Progress atomics each frame
// (sample()), pauses, resumes and cancels through the CancelToken, and takes the preflight and
// the final result from a mutex-guarded queue with poll(). The worker never touches UI state; no
// exception crosses the thread boundary (it becomes an Error result).
//
// Threading contract for the Workspace (see screen_evidence.hpp): run_acquisition writes the
// chronology and the evidence register through the Workspace given to start(). Workspace and
// ChronologyLog are single-owner, so from start() until poll() has returned the `finished` event
// (busy() false) the GUI thread must not use that Workspace at all. The destructor cancels and
// joins, so the job can never outlive the Workspace owner if it is destroyed first.
#pragma once
#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "forensics/acquire/acquisition.hpp"
#include "forensics/core/job.hpp"
#include "forensics/core/result.hpp"

namespace shodo {
class Workspace;
}

namespace shodo::gui {

// What the jobs list shows and what the operator reads (STYLE.md "Explicit states", Guymager's
// queued / acquiring / verifying / paused / finished / aborted + reason): one enum, never a set of
// booleans. The reason of an aborted or refused job travels beside it (JobRecord).
enum class JobState {
  preparing,                  // preflight, registering the items (phase 0)
  acquiring,                  // phase 1
  verifying_image,            // phase 2: the image re-read
  verifying_source,           // phase 3: the source re-read
  writing_records,            // phase 4: reports, register, chronology
  paused,                     // the token is paused (any phase)
  cancelling,                 // cancel asked, the worker is closing the partial image
  complete,                   // every sector read, every verification matched
  complete_with_bad_sectors,  // finished with unreadable sectors (zero-filled, listed), verified
  records_incomplete,         // image complete and verified, but a record (register, report, chronology) was not saved
  verify_mismatch,            // finished, but a verification did not match (or could not finish)
  aborted,                    // source gone, destination failed, bad-sector limit, cancelled (also while verifying)
  refused,                    // never started (preflight refused, register damaged ...)
};
// Catalogue key of the state's label ("gui.ev.job.state.acquiring" ...).
const char* job_state_key(JobState s);
bool job_state_final(JobState s);
// The state of a running job from its progress phase and its token.
JobState live_job_state(int phase, bool paused, bool cancel_requested);
// The state of a job from its result.
JobState final_job_state(const Result<acquire::AcquireResult>& r);

class AcquireJob {
 public:
  struct Event {
    enum class Kind { preflight, finished };
    Kind kind = Kind::finished;
    std::optional<acquire::Preflight> preflight;              // kind preflight
    std::optional<Result<acquire::AcquireResult>> result;     // kind finished
  };

  AcquireJob();
  ~AcquireJob();
  AcquireJob(const AcquireJob&) = delete;
  AcquireJob& operator=(const AcquireJob&) = delete;

  // Starts the job. False (and nothing started) while an earlier job is still busy.
  bool start(Workspace& ws, acquire::AcquireRequest req);
  // From start() until the `finished` event was taken by poll() and the thread joined.
  bool busy() const { return m_busy; }
  // The worker has returned (its result may still be waiting in the queue).
  bool worker_done() const { return m_worker_done.load(); }

  // The next event from the worker (GUI thread). Taking `finished` joins the thread and ends busy().
  std::optional<Event> poll();

  // Live numbers with derived rates. A phase change (acquire → verify) restarts the rate
  // sampling, because `done` starts again from 0.
  ProgressSnapshot sample();
  const Progress& progress() const { return *m_progress; }

  void set_paused(bool paused) { m_cancel->set_paused(paused); }
  bool paused() const { return m_cancel->paused(); }
  void cancel() { m_cancel->cancel(); }
  bool cancel_requested() const { return m_cancel->cancelled(); }

 private:
  void push(Event e);
  void join();

  // New for every job (atomics cannot be reset as a whole; a cancelled token stays cancelled).
  // Replaced only while no worker runs.
  std::unique_ptr<Progress> m_progress;
  std::unique_ptr<CancelToken> m_cancel;
  ProgressSampler m_sampler;
  int m_sampled_phase = 0;
  std::thread m_thread;
  std::mutex m_mutex;
  std::deque<Event> m_events;  // guarded by m_mutex
  std::atomic<bool> m_worker_done{false};
  bool m_busy = false;  // GUI thread only
};

}  // namespace shodo::gui
