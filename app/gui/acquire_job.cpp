#include "app/gui/acquire_job.hpp"

#include <utility>

#include "forensics/acquire/job_types.hpp"
#include "forensics/case/workspace.hpp"

namespace shodo::gui {

const char* job_state_key(JobState s) {
  switch (s) {
    case JobState::preparing: return "gui.ev.job.state.preparing";
    case JobState::acquiring: return "gui.ev.job.state.acquiring";
    case JobState::verifying_image: return "gui.ev.job.state.verifying_image";
    case JobState::verifying_source: return "gui.ev.job.state.verifying_source";
    case JobState::writing_records: return "gui.ev.job.state.writing_records";
    case JobState::paused: return "gui.ev.job.state.paused";
    case JobState::cancelling: return "gui.ev.job.state.cancelling";
    case JobState::complete: return "gui.ev.job.state.complete";
    case JobState::complete_with_bad_sectors: return "gui.ev.job.state.complete_with_bad_sectors";
    case JobState::records_incomplete: return "gui.ev.job.state.records_incomplete";
    case JobState::verify_mismatch: return "gui.ev.job.state.verify_mismatch";
    case JobState::aborted: return "gui.ev.job.state.aborted";
    case JobState::refused: return "gui.ev.job.state.refused";
  }
  return "gui.ev.job.state.preparing";
}

bool job_state_final(JobState s) {
  switch (s) {
    case JobState::complete:
    case JobState::complete_with_bad_sectors:
    case JobState::records_incomplete:
    case JobState::verify_mismatch:
    case JobState::aborted:
    case JobState::refused: return true;
    default: return false;
  }
}

int phase_number(acquire::Phase p) {
  switch (p) {
    case acquire::Phase::acquiring: return 1;
    case acquire::Phase::verifying_image: return 2;
    case acquire::Phase::verifying_source: return 3;
    case acquire::Phase::preparing:
    case acquire::Phase::writing_records: break;
  }
  return 0;
}

int phase_count(bool verify_source) { return verify_source ? 3 : 2; }

JobState live_job_state(acquire::Phase phase, bool paused, bool cancel_requested) {
  if (cancel_requested) return JobState::cancelling;
  if (paused) return JobState::paused;
  switch (phase) {
    case acquire::Phase::acquiring: return JobState::acquiring;
    case acquire::Phase::verifying_image: return JobState::verifying_image;
    case acquire::Phase::verifying_source: return JobState::verifying_source;
    case acquire::Phase::writing_records: return JobState::writing_records;
    case acquire::Phase::preparing: break;
  }
  return JobState::preparing;
}

JobState final_job_state(const Result<acquire::AcquireResult>& r) {
  if (!r) return JobState::refused;
  // The core's verdict decides, as it decides the CLI's exit status (issue 10 §4).
  switch (acquire::verdict_of(r.value()).verdict) {
    case acquire::Verdict::complete: return JobState::complete;
    case acquire::Verdict::complete_with_bad_sectors: return JobState::complete_with_bad_sectors;
    case acquire::Verdict::records_incomplete: return JobState::records_incomplete;
    case acquire::Verdict::verify_mismatch: return JobState::verify_mismatch;
    case acquire::Verdict::verify_cancelled:
    case acquire::Verdict::aborted_source:
    case acquire::Verdict::aborted_destination:
    case acquire::Verdict::aborted_bad_limit:
    case acquire::Verdict::cancelled: return JobState::aborted;
  }
  return JobState::aborted;
}

AcquireJob::AcquireJob() : JobRunner(acquire::acquisition_job_type()) {}

bool AcquireJob::start(Workspace& ws, acquire::AcquireRequest req) {
  // The Workspace is lent to the job (captured by reference); the request is the job's own copy.
  const JobId id = JobRunner::start([&ws, req = std::move(req)](const JobContext& c, const Notify& notify) {
    acquire::AcquireCallbacks cb;
    cb.on_preflight = [&notify](const acquire::Preflight& pf) { notify(pf); };
    return acquire::run_acquisition(ws, req, c.progress, c.cancel, cb);
  });
  return id != 0;
}

}  // namespace shodo::gui
