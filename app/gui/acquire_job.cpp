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
  const acquire::AcquireResult& a = r.value();
  if (!acquire::is_complete(a.outcome)) return JobState::aborted;
  // A check that did not match (or could not be completed) outweighs everything else.
  if (!a.verified) return JobState::verify_mismatch;
  for (const auto& c : a.record.verification)
    if (c.done && !c.match) return JobState::verify_mismatch;
  return a.outcome == acquire::Outcome::complete ? JobState::complete : JobState::complete_with_bad_sectors;
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
