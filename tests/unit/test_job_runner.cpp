// The core job runner and the progress sampler (issue 10 §3, §8): ids, notes before the final
// result, exceptions as Error results, pause and cancel obeyed by the worker, paused time kept
// out of the average rate and the ETA. No timed waits: the worker and the test meet at explicit
// gates (condition variables), and the sampler is fed explicit timestamps.
#include "tests/unit/test_support.hpp"

#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include "forensics/core/job_runner.hpp"

using namespace shodo;

namespace {

constexpr std::int64_t k_ms = 1'000'000;
constexpr std::int64_t k_sec = 1'000'000'000;

// A latch both threads can wait on: the test opens it, the worker waits (or the other way round).
class Gate {
 public:
  void open() {
    {
      std::lock_guard<std::mutex> lock(m_mu);
      m_open = true;
    }
    m_cv.notify_all();
  }
  void wait() {
    std::unique_lock<std::mutex> lock(m_mu);
    m_cv.wait(lock, [this] { return m_open; });
  }

 private:
  std::mutex m_mu;
  std::condition_variable m_cv;
  bool m_open = false;
};

// Waits for a condition the other thread will make true (polled; the bound only stops a broken
// build from hanging, it is no claim about speed).
template <class Pred>
bool wait_until(Pred pred) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!pred()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

const char* test_phase_name(int p) { return p == 1 ? "copying" : p == 2 ? "checking" : "preparing"; }
const char* test_phase_key(int p) { return p == 1 ? "test.phase.copying" : p == 2 ? "test.phase.checking" : "test.phase.preparing"; }

JobType test_type() {
  JobType t;
  t.name = "test";
  t.phase_name = test_phase_name;
  t.phase_key = test_phase_key;
  t.crashed_ja = "テスト処理が予期せず終了しました";
  t.crashed_en = "the test job ended unexpectedly";
  return t;
}

}  // namespace

TEST_CASE("sampler: paused time counts neither in the average rate nor in the ETA", "[job]") {
  Progress p;
  ProgressSampler s;
  p.started_ns = 1 * k_sec;
  p.total = 1000;
  p.done = 200;
  // 2 s active, 200 done: 100/s, 800 left → 8 s.
  auto a = s.sample(p, 3 * k_sec);
  CHECK(a.elapsed_s == Approx(2.0));
  CHECK(a.active_s == Approx(2.0));
  CHECK(a.average_rate == Approx(100.0));
  CHECK(a.eta_s == Approx(8.0));
  CHECK_FALSE(a.paused);

  // Paused from 3 s: two seconds later nothing moved, and nothing is taken as slower.
  p.note_pause(true, 3 * k_sec);
  auto b = s.sample(p, 5 * k_sec);
  CHECK(b.paused);
  CHECK(b.elapsed_s == Approx(4.0));
  CHECK(b.active_s == Approx(2.0));
  CHECK(b.average_rate == Approx(100.0));
  CHECK(b.current_rate == Approx(100.0));
  CHECK(b.eta_s == Approx(8.0));

  // Resumed at 7 s (4 s paused), 100 more done by 8 s: still 100/s, 7 s to go.
  p.note_pause(false, 7 * k_sec);
  CHECK(p.paused_ns(8 * k_sec) == 4 * k_sec);
  p.done = 300;
  auto c = s.sample(p, 8 * k_sec);
  CHECK_FALSE(c.paused);
  CHECK(c.elapsed_s == Approx(7.0));
  CHECK(c.active_s == Approx(3.0));
  CHECK(c.average_rate == Approx(100.0));  // counting the pause would say 300 / 7 s = 42.9/s
  CHECK(c.current_rate == Approx(100.0));
  CHECK(c.eta_s == Approx(7.0));

  // Repeating a state changes nothing.
  p.note_pause(false, 9 * k_sec);
  CHECK(p.paused_ns(9 * k_sec) == 4 * k_sec);
  p.note_pause(true, 9 * k_sec);
  p.note_pause(true, 10 * k_sec);
  CHECK(p.paused_ns(11 * k_sec) == 6 * k_sec);
}

TEST_CASE("sampler: a new phase measures its own average, without an earlier phase's pauses", "[job]") {
  Progress p;
  ProgressSampler s;
  p.started_ns = 1 * k_sec;
  p.total = 1000;
  p.phase = 1;
  p.note_pause(true, 2 * k_sec);
  p.note_pause(false, 6 * k_sec);
  p.done = 1000;
  (void)s.sample(p, 7 * k_sec);
  // Phase 2 restarts at 10 s from 0 (a verification re-reads the whole image).
  p.phase = 2;
  p.started_ns = 10 * k_sec;
  p.done = 0;
  auto a = s.sample(p, 10 * k_sec + 500 * k_ms);
  p.done = 500;
  auto b = s.sample(p, 15 * k_sec);
  CHECK(a.phase == 2);
  CHECK(b.active_s == Approx(5.0));
  CHECK(b.average_rate == Approx(100.0));
  CHECK(b.eta_s == Approx(5.0).epsilon(0.2));
}

TEST_CASE("job runner: notes in order, then the result, ids counting up, phases named by the job type", "[job]") {
  JobRunner<int, std::string> runner(test_type());
  CHECK(runner.id() == 0);
  CHECK_FALSE(runner.busy());
  Gate go;
  const JobId id = runner.start([&go](const JobContext& c, const JobRunner<int, std::string>::Notify& notify) {
    notify("first");
    c.progress.phase = 1;
    notify("second");
    go.wait();
    c.progress.total = 10;
    c.progress.done = 10;
    return Result<int>(42);
  });
  CHECK(id == 1);
  CHECK(runner.busy());
  // A second job is refused while the first is busy.
  CHECK(runner.start([](const JobContext&, const JobRunner<int, std::string>::Notify&) { return Result<int>(0); }) == 0);
  auto e1 = runner.wait(std::chrono::seconds(60));
  REQUIRE(e1);
  REQUIRE(e1->note);
  CHECK(*e1->note == "first");
  CHECK(e1->job == id);
  auto e2 = runner.wait(std::chrono::seconds(60));
  REQUIRE(e2);
  REQUIRE(e2->note);
  CHECK(*e2->note == "second");
  // "second" was sent after the phase changed: the phase is visible by now.
  CHECK(std::string(runner.phase_name()) == "copying");
  CHECK(std::string(runner.phase_key()) == "test.phase.copying");
  CHECK_FALSE(runner.poll());  // the worker waits at the gate: nothing more yet
  go.open();
  auto e3 = runner.wait(std::chrono::seconds(60));
  REQUIRE(e3);
  REQUIRE(e3->final());
  REQUIRE(e3->result->ok());
  CHECK(e3->result->value() == 42);
  CHECK_FALSE(runner.busy());
  CHECK(runner.worker_done());
  CHECK(runner.progress().finished.load());
  CHECK(runner.sample().done == 10);

  // The next job gets the next id and fresh progress.
  const JobId id2 = runner.start([](const JobContext&, const JobRunner<int, std::string>::Notify&) { return Result<int>(7); });
  CHECK(id2 == 2);
  std::vector<std::string> notes;
  auto r = runner.wait_result([&notes](std::string& n) { notes.push_back(n); });
  REQUIRE(r.ok());
  CHECK(r.value() == 7);
  CHECK(notes.empty());
  CHECK(runner.id() == 2);
}

TEST_CASE("job runner: an exception in the work becomes an Error result with the job type's message", "[job]") {
  JobRunner<int> runner(test_type());
  REQUIRE(runner.start([](const JobContext&, const JobRunner<int>::Notify&) -> Result<int> {
    throw std::runtime_error("disk on fire");
  }) == 1);
  auto r = runner.wait_result();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::io_error);
  CHECK(r.error().ja == "テスト処理が予期せず終了しました: disk on fire");
  CHECK(r.error().en == "the test job ended unexpectedly: disk on fire");
  REQUIRE(r.error().context.size() == 1);
  CHECK(r.error().context[0] == "job test");
  CHECK_FALSE(runner.busy());
  // Not even a non-standard exception crosses the boundary.
  REQUIRE(runner.start([](const JobContext&, const JobRunner<int>::Notify&) -> Result<int> { throw 5; }) == 2);
  auto r2 = runner.wait_result();
  REQUIRE_FALSE(r2.ok());
  CHECK(r2.error().en == "the test job ended unexpectedly");
}

TEST_CASE("job runner: a paused worker does no work until resumed, and the pause time is recorded", "[job]") {
  JobRunner<std::uint64_t, int> runner(test_type());
  Gate reached;  // the worker finished block 3 and asks for the next one
  runner.start([&reached](const JobContext& c, const JobRunner<std::uint64_t, int>::Notify& notify) {
    c.progress.total = 6;
    for (int block = 0; block < 6; ++block) {
      if (block == 3) {
        notify(block);  // "about to wait for the pause check before block 3"
        reached.wait();
      }
      if (!c.cancel.wait_while_paused()) return Result<std::uint64_t>(c.progress.done.load());
      c.progress.done.fetch_add(1);
    }
    return Result<std::uint64_t>(c.progress.done.load());
  });
  auto note = runner.wait(std::chrono::seconds(60));
  REQUIRE(note);
  REQUIRE(note->note);
  CHECK(*note->note == 3);
  runner.set_paused(true);
  CHECK(runner.paused());
  CHECK(runner.progress().paused_since_ns.load() != 0);
  CHECK(runner.sample().paused);
  reached.open();
  // The worker acknowledges the pause by parking in wait_while_paused (a condition, not a sleep);
  // while it is parked it cannot do the next block, so done stays at 3 and no result comes.
  REQUIRE(wait_until([&runner] { return runner.worker_parked(); }));
  CHECK_FALSE(runner.poll());
  CHECK(runner.progress().done.load() == 3);
  runner.set_paused(false);
  CHECK(runner.progress().paused_since_ns.load() == 0);
  CHECK(runner.progress().paused_total_ns.load() > 0);
  auto r = runner.wait_result();
  REQUIRE(r.ok());
  CHECK(r.value() == 6);
}

TEST_CASE("job runner: cancel ends a paused job, and destroying the runner cancels and joins", "[job]") {
  std::atomic<bool> stopped_by_cancel{false};
  {
    JobRunner<int> runner(test_type());
    runner.start([&stopped_by_cancel](const JobContext& c, const JobRunner<int>::Notify&) {
      while (c.cancel.wait_while_paused()) {
      }
      stopped_by_cancel = c.cancel.cancelled();
      return Result<int>(-1);
    });
    runner.set_paused(true);
    runner.cancel();
    CHECK(runner.cancel_requested());
    auto r = runner.wait_result();
    REQUIRE(r.ok());
    CHECK(r.value() == -1);
    CHECK(stopped_by_cancel.load());
  }
  // A runner going away with its job still running stops it first (the destructor joins).
  std::atomic<bool> returned{false};
  {
    JobRunner<int> runner(test_type());
    runner.start([&returned](const JobContext& c, const JobRunner<int>::Notify&) {
      while (c.cancel.wait_while_paused()) {
      }
      returned = true;
      return Result<int>(0);
    });
  }
  CHECK(returned.load());
}
