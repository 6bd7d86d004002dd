#include "forensics/core/job.hpp"

#include <algorithm>

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

void Progress::note_pause(bool paused, std::int64_t now_ns) {
  const std::int64_t since = paused_since_ns.load();
  if (paused) {
    if (since == 0) paused_since_ns.store(now_ns > 0 ? now_ns : 1);
    return;
  }
  if (since == 0) return;
  // The total first, then the end of the pause: a reader in between counts this pause twice
  // for one sample at most (the sampler clamps paused time to the elapsed time).
  paused_total_ns.fetch_add(now_ns > since ? now_ns - since : 0);
  paused_since_ns.store(0);
}

std::int64_t Progress::paused_ns(std::int64_t now_ns) const {
  const std::int64_t since = paused_since_ns.load();
  const std::int64_t ended = paused_total_ns.load();
  return ended + (since != 0 && now_ns > since ? now_ns - since : 0);
}

ProgressSnapshot ProgressSampler::sample(const Progress& p) { return sample(p, steady_now_ns()); }

ProgressSnapshot ProgressSampler::sample(const Progress& p, std::int64_t now) {
  ProgressSnapshot s;
  s.phase = p.phase.load();
  s.done = p.done.load();
  s.total = p.total.load();
  s.errors = p.errors.load();
  s.bottleneck = static_cast<Stage>(p.bottleneck.load());
  s.finished = p.finished.load();
  s.paused = p.paused_since_ns.load() != 0;
  const std::int64_t paused = p.paused_ns(now);
  const std::int64_t start = p.started_ns.load();
  if (start > 0 && now > start) {
    s.elapsed_s = static_cast<double>(now - start) / 1e9;
    // Paused time before this start (an earlier phase) does not count against it; paused time is
    // taken as measured since the phase began, never more than the time elapsed.
    if (s.phase != m_last_phase || s.done < m_last_done || m_start_ns != start) {
      m_start_ns = start;
      m_paused_at_start_ns = paused;
    }
    const std::int64_t paused_here = std::clamp<std::int64_t>(paused - m_paused_at_start_ns, 0, now - start);
    s.active_s = static_cast<double>(now - start - paused_here) / 1e9;
  }
  if (s.active_s > 0) s.average_rate = static_cast<double>(s.done) / s.active_s;
  // A new phase (verification starts again from 0) restarts the current-rate estimate.
  if (s.phase != m_last_phase || s.done < m_last_done) {
    m_last_phase = s.phase;
    m_last_ns = 0;
    m_last_done = 0;
    m_rate = 0;
  }
  if (m_last_ns == 0) {
    m_rate = s.average_rate;
    m_last_ns = now;
    m_last_done = s.done;
    m_last_paused_ns = paused;
  } else if (now - m_last_ns >= 250'000'000) {
    // Only the active part of the interval counts: a pause neither drags the rate towards 0
    // nor inflates it after the resume.
    const std::int64_t active = (now - m_last_ns) - (paused - m_last_paused_ns);
    if (active >= 50'000'000) {
      const double inst = static_cast<double>(s.done - m_last_done) / (static_cast<double>(active) / 1e9);
      m_rate = m_rate == 0 ? inst : 0.6 * m_rate + 0.4 * inst;  // smoothed
      m_last_ns = now;
      m_last_done = s.done;
      m_last_paused_ns = paused;
    } else if (s.paused) {
      // Still (almost) wholly paused: move the window on without a new measurement.
      m_last_ns = now;
      m_last_paused_ns = paused;
    }
  }
  s.current_rate = m_rate;
  if (s.total > s.done && s.average_rate > 0)
    s.eta_s = static_cast<double>(s.total - s.done) / (s.current_rate > 0 ? s.current_rate : s.average_rate);
  return s;
}

}  // namespace shodo
