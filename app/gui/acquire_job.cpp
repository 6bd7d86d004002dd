#include "app/gui/acquire_job.hpp"

#include <exception>
#include <utility>

#include "forensics/case/workspace.hpp"
#include "forensics/i18n/catalogue.hpp"

namespace shodo::gui {

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
