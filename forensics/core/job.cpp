#include "forensics/core/job.hpp"

namespace shodo {

const char* stage_name(Stage s) {
  switch (s) {
    case Stage::read: return "read";
    case Stage::hash: return "hash";
    case Stage::write: return "write";
    case Stage::none: break;
  }
  return "none";
}

const char* stage_key(Stage s) {
  switch (s) {
    case Stage::read: return "job.stage.read";
    case Stage::hash: return "job.stage.hash";
    case Stage::write: return "job.stage.write";
    case Stage::none: break;
  }
  return "job.stage.none";
}

std::int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

ProgressSnapshot ProgressSampler::sample(const Progress& p) {
  ProgressSnapshot s;
  s.phase = p.phase.load();
  s.done = p.done.load();
  s.total = p.total.load();
  s.errors = p.errors.load();
  s.bottleneck = static_cast<Stage>(p.bottleneck.load());
  s.finished = p.finished.load();
  const std::int64_t now = steady_now_ns();
  const std::int64_t start = p.started_ns.load();
  if (start > 0) s.elapsed_s = static_cast<double>(now - start) / 1e9;
  if (s.elapsed_s > 0) s.average_rate = static_cast<double>(s.done) / s.elapsed_s;
  // A new phase (verification starts again from 0) restarts the current-rate estimate.
  if (s.phase != m_last_phase || s.done < m_last_done) {
    m_last_phase = s.phase;
    m_last_ns = 0;
    m_last_done = 0;
    m_rate = 0;
  }
  if (m_last_ns == 0 || now - m_last_ns >= 250'000'000) {
    if (m_last_ns != 0) {
      const double inst =
          static_cast<double>(s.done - m_last_done) / (static_cast<double>(now - m_last_ns) / 1e9);
      m_rate = m_rate == 0 ? inst : 0.6 * m_rate + 0.4 * inst;  // smoothed
    } else {
      m_rate = s.average_rate;
    }
    m_last_ns = now;
    m_last_done = s.done;
  }
  s.current_rate = m_rate;
  if (s.total > s.done && s.average_rate > 0)
    s.eta_s = static_cast<double>(s.total - s.done) / (s.current_rate > 0 ? s.current_rate : s.average_rate);
  return s;
}

}  // namespace shodo
