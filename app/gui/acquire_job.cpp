#include "app/gui/acquire_job.hpp"

#include <exception>
#include <utility>

#include "forensics/case/workspace.hpp"
#include "forensics/i18n/catalogue.hpp"

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

JobState live_job_state(int phase, bool paused, bool cancel_requested) {
  if (cancel_requested) return JobState::cancelling;
  if (paused) return JobState::paused;
  switch (phase) {
    case 1: return JobState::acquiring;
    case 2: return JobState::verifying_image;
    case 3: return JobState::verifying_source;
    case 4: return JobState::writing_records;
    default: return JobState::preparing;
  }
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

AcquireJob::AcquireJob() : m_progress(std::make_unique<Progress>()), m_cancel(std::make_unique<CancelToken>()) {}

AcquireJob::~AcquireJob() {
  // Closing the window mid-job: the worker stops at the next block, records the cancelled
  // outcome (chronology acquisition_ended, partial hashes) and returns; only then may the
  // Workspace go away.
  m_cancel->cancel();
  m_cancel->set_paused(false);
  join();
}

void AcquireJob::join() {
  if (m_thread.joinable()) m_thread.join();
}

bool AcquireJob::start(Workspace& ws, acquire::AcquireRequest req) {
  if (m_busy) return false;
  join();
  m_progress = std::make_unique<Progress>();
  m_cancel = std::make_unique<CancelToken>();
  m_sampler = ProgressSampler{};
  m_sampled_phase = 0;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_events.clear();
  }
  m_worker_done.store(false);
  m_busy = true;
  Progress* progress = m_progress.get();
  const CancelToken* cancel = m_cancel.get();
  m_thread = std::thread([this, &ws, progress, cancel, req = std::move(req)]() {
    acquire::AcquireCallbacks cb;
    cb.on_preflight = [this](const acquire::Preflight& pf) {
      Event e;
      e.kind = Event::Kind::preflight;
      e.preflight = pf;
      push(std::move(e));
    };
    Event done;
    done.kind = Event::Kind::finished;
    try {
      done.result.emplace(acquire::run_acquisition(ws, req, *progress, *cancel, cb));
    } catch (const std::exception& ex) {
      done.result.emplace(make_error(ErrorCode::io_error, std::string(i18n::tr("gui.ev.job.crashed", i18n::Lang::ja)) + ": " + ex.what(),
                                     std::string(i18n::tr("gui.ev.job.crashed", i18n::Lang::en)) + ": " + ex.what()));
    } catch (...) {
      done.result.emplace(make_error(ErrorCode::io_error, i18n::tr("gui.ev.job.crashed", i18n::Lang::ja),
                                     i18n::tr("gui.ev.job.crashed", i18n::Lang::en)));
    }
    progress->finished.store(true);
    push(std::move(done));
    m_worker_done.store(true);
  });
  return true;
}

void AcquireJob::push(Event e) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_events.push_back(std::move(e));
}

std::optional<AcquireJob::Event> AcquireJob::poll() {
  std::optional<Event> e;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_events.empty()) return std::nullopt;
    e = std::move(m_events.front());
    m_events.pop_front();
  }
  if (e->kind == Event::Kind::finished) {
    join();  // the worker pushed its last event; it is returning now
    m_busy = false;
  }
  return e;
}

ProgressSnapshot AcquireJob::sample() {
  const int phase = m_progress->phase.load();
  if (phase != m_sampled_phase) {
    m_sampler = ProgressSampler{};
    m_sampled_phase = phase;
  }
  return m_sampler.sample(*m_progress);
}

}  // namespace shodo::gui
