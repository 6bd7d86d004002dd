#include "forensics/core/job_runner.hpp"

namespace shodo {

JobRunnerBase::JobRunnerBase(JobType type)
    : m_type(std::move(type)), m_progress(std::make_unique<Progress>()), m_cancel(std::make_unique<CancelToken>()) {}

JobRunnerBase::~JobRunnerBase() { stop_and_join(); }

void JobRunnerBase::stop_and_join() {
  // Closing mid-job: the worker stops at its next block, records what it must and returns; only
  // then may what it borrowed go away.
  m_cancel->cancel();
  if (m_thread.joinable()) m_thread.join();
}

const char* JobRunnerBase::phase_name() const {
  return m_type.phase_name ? m_type.phase_name(phase()) : "phase";
}

const char* JobRunnerBase::phase_key() const { return m_type.phase_key ? m_type.phase_key(phase()) : ""; }

ProgressSnapshot JobRunnerBase::sample() { return sample(steady_now_ns()); }

ProgressSnapshot JobRunnerBase::sample(std::int64_t now_ns) {
  const int phase = m_progress->phase.load();
  if (phase != m_sampled_phase) {
    m_sampler = ProgressSampler{};
    m_sampled_phase = phase;
  }
  return m_sampler.sample(*m_progress, now_ns);
}

void JobRunnerBase::set_paused(bool paused) {
  if (paused == m_cancel->paused()) return;
  // Paused time first recorded, then the worker told: the worker can never run unaccounted.
  m_progress->note_pause(paused, steady_now_ns());
  m_cancel->set_paused(paused);
}

std::optional<JobContext> JobRunnerBase::prepare() {
  if (m_busy) return std::nullopt;
  if (m_thread.joinable()) m_thread.join();
  m_progress = std::make_unique<Progress>();
  m_cancel = std::make_unique<CancelToken>();
  m_sampler = ProgressSampler{};
  m_sampled_phase = 0;
  m_worker_done.store(false);
  m_busy = true;
  ++m_id;
  return JobContext{m_id, *m_progress, *m_cancel};
}

void JobRunnerBase::launch(std::function<void()> body) { m_thread = std::thread(std::move(body)); }

void JobRunnerBase::finish() {
  if (m_thread.joinable()) m_thread.join();  // the worker pushed its last event; it is returning now
  m_busy = false;
}

Error JobRunnerBase::crash_error(const char* what) const {
  std::string ja = m_type.crashed_ja.empty() ? std::string("処理が予期せず終了しました") : m_type.crashed_ja;
  std::string en = m_type.crashed_en.empty() ? std::string("the job ended unexpectedly") : m_type.crashed_en;
  if (what && *what) {
    ja += std::string(": ") + what;
    en += std::string(": ") + what;
  }
  Error e = make_error(ErrorCode::io_error, std::move(ja), std::move(en));
  e.context.push_back(std::string("job ") + m_type.name);
  return e;
}

}  // namespace shodo
