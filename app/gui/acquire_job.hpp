// An acquisition on a worker thread for the GUI (DESIGN.md "Jobs"): the core job runner
// (forensics/core/job_runner.hpp) runs acquire::run_acquisition; the GUI thread reads the Progress
// atomics each frame (sample()), pauses, resumes and cancels, and takes the preflight (a note) and
// the final result with poll(). The worker never touches UI state; no exception crosses the
// thread boundary (it becomes an Error result).
//
// Threading contract for the Workspace (see screen_evidence.hpp and app_model.hpp's shared-state
// rule): run_acquisition writes the chronology and the evidence register through the Workspace
// given to start(), which the wizard borrows with AppModel::lend_workspace(). Workspace and
// ChronologyLog are single-owner, so from start() until poll() has returned the final event
// (busy() false, AppModel::return_workspace() called) the GUI thread must not use that Workspace
// at all; what the window shows of it meanwhile comes from AppModel::workspace_status(). The
// destructor cancels and joins, so the job can never outlive the Workspace owner if it is
// destroyed first.
#pragma once
#include "forensics/acquire/acquisition.hpp"
#include "forensics/core/job_runner.hpp"
#include "forensics/core/result.hpp"

namespace shodo {
class Workspace;
}

namespace shodo::gui {

// What the jobs list shows and what the operator reads (STYLE.md "Explicit states", Guymager's
// queued / acquiring / verifying / paused / finished / aborted + reason): one enum, never a set of
// booleans. The reason of an aborted or refused job travels beside it (JobRecord).
enum class JobState {
  preparing,                  // Phase::preparing: preflight, registering the items
  acquiring,                  // Phase::acquiring
  verifying_image,            // Phase::verifying_image: the image re-read
  verifying_source,           // Phase::verifying_source: the source re-read
  writing_records,            // Phase::writing_records: reports, register, chronology
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
// "Phase n of m" as the operator counts them: the copying and verifying phases only (acquiring 1,
// verifying the image 2, re-reading the source 3, asked for or not); 0 for preparing and writing
// records, which are not counted.
int phase_number(acquire::Phase p);
int phase_count(bool verify_source);
// The state of a running job from its phase and its token.
JobState live_job_state(acquire::Phase phase, bool paused, bool cancel_requested);
// The state of a job from its result.
JobState final_job_state(const Result<acquire::AcquireResult>& r);

// The acquisition on the core job runner (forensics/core/job_runner.hpp, whose contract applies):
// notes are the job's own preflight, the final result is run_acquisition's.
class AcquireJob : public JobRunner<acquire::AcquireResult, acquire::Preflight> {
 public:
  AcquireJob();

  // Starts the job with the GUI's Workspace, lent to the worker until the final event was taken
  // (see the threading contract above). False (and nothing started) while an earlier job is busy.
  bool start(Workspace& ws, acquire::AcquireRequest req);
  // The phase the job is in now.
  acquire::Phase acquire_phase() const { return acquire::phase_of(phase()); }
};

}  // namespace shodo::gui
