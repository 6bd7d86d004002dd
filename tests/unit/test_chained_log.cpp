// One writer per chronology, across processes (issue 10 §2): the shared hash-chained writer
// (forensics/integrity/chained_log.hpp) under ChronologyLog — appends on the true head after
// another writer appended, the "in use" refusal while another holder keeps the lock, a torn tail
// left by another process set aside under the lock, damage by someone else refused, refresh(),
// real forked processes appending concurrently, and the checkpoint counter derived from the log.
#include "tests/unit/test_support.hpp"  // first: it configures catch.hpp

#include <fcntl.h>
#include <fstream>
#include <set>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "forensics/chronology/log.hpp"
#include "forensics/chronology/verify.hpp"
#include "forensics/integrity/chained_log.hpp"
#include "forensics/integrity/kit_key.hpp"

using namespace shodo;
using namespace shodo::chronology;
using namespace shodo::unit;
namespace fs = std::filesystem;

namespace {

VerifyReport verify_ok(const fs::path& file) {
  auto r = verify_chronology_file(file);
  if (!r) throw std::runtime_error("verify failed: " + r.error().describe(false));
  return std::move(r.value());
}

std::vector<fs::path> torn_files(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& f : fs::directory_iterator(dir))
    if (f.path().filename().string().find(".torn-") != std::string::npos) out.push_back(f.path());
  std::sort(out.begin(), out.end());
  return out;
}

// Holds flock(LOCK_EX) on a file through its own open file description, like another process.
class ForeignLock {
 public:
  explicit ForeignLock(const fs::path& file) : m_fd(::open(file.c_str(), O_RDWR | O_CLOEXEC)) {
    if (m_fd < 0 || ::flock(m_fd, LOCK_EX) != 0) throw std::runtime_error("cannot lock " + file.string());
  }
  ~ForeignLock() { ::close(m_fd); }

 private:
  int m_fd;
};

}  // namespace

TEST_CASE("two writers on one chronology: each appends on the true head, the chain never forks", "[chain_log]") {
  SHODO_TEST_DIR(dir);
  FixedClock clock = t0_clock();
  const auto file = dir / "chronology" / "c.jsonl";
  auto gui = open_log(log_options(file, &clock));
  auto cli = open_log(log_options(file, &clock));  // opened while the GUI has it open
  append_n(*gui, clock, 3, 1);
  append_n(*cli, clock, 2, 4);  // must continue after the GUI's No. 3, not fork at No. 1
  append_n(*gui, clock, 1, 6);
  CHECK(gui->count() == 6);
  CHECK(cli->count() == 5);  // the GUI's No. 6 is not read until the next append/refresh
  auto fresh = cli->refresh();
  REQUIRE(fresh.ok());
  CHECK(fresh.value() == 1);
  CHECK(cli->count() == 6);
  CHECK(cli->head_hash() == gui->head_hash());
  // Unchanged file: refresh is a no-op.
  CHECK(cli->refresh().value() == 0);
  // The other writer's entries are in memory exactly as stored.
  for (std::size_t i = 0; i < 6; ++i) CHECK(cli->entries()[i].entry_hash == gui->entries()[i].entry_hash);
  CHECK(cli->entries()[3].content.find("記録 No. 4") == 0);
  const VerifyReport v = verify_ok(file);
  CHECK(v.intact());
  CHECK(v.count == 6);
  for (std::int64_t i = 0; i < 6; ++i) CHECK(v.entries[static_cast<std::size_t>(i)].seq == i + 1);
}

TEST_CASE("a held lock: append waits, then refuses with \"in use by another Shodo window or command\"", "[chain_log]") {
  SHODO_TEST_DIR(dir);
  FixedClock clock = t0_clock();
  auto o = log_options(dir / "chronology" / "c.jsonl", &clock);
  o.lock_timeout = std::chrono::milliseconds(150);
  auto log = open_log(o);
  append_n(*log, clock, 2);
  const auto before = read_bytes(o.file);
  {
    ForeignLock other(o.file);
    const auto t0 = std::chrono::steady_clock::now();
    auto r = log->append(draft("ロック中の記録"));
    const auto waited = std::chrono::steady_clock::now() - t0;
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::not_saved);
    CHECK(r.error().en.find("in use by another Shodo window or command") != std::string::npos);
    CHECK(r.error().ja.find("他の Shodo のウィンドウまたはコマンドが使用中です") != std::string::npos);
    CHECK(r.error().en.find(o.file.string()) != std::string::npos);
    CHECK(waited >= std::chrono::milliseconds(150));
    CHECK(read_bytes(o.file) == before);  // nothing written, no fork
    CHECK_FALSE(log->failure().has_value());  // not a write failure: the log goes on
    // A second log cannot even open while the lock is held.
    auto o2 = o;
    auto second = ChronologyLog::open(o2);
    REQUIRE_FALSE(second.ok());
    CHECK(second.error().en.find("in use") != std::string::npos);
  }
  auto r = log->append(draft("ロック解放後の記録"));
  REQUIRE(r.ok());
  CHECK(r->seq == 3);
  CHECK(verify_ok(o.file).count == 3);
}

TEST_CASE("a torn tail left by another process is set aside under the lock and recorded", "[chain_log]") {
  SHODO_TEST_DIR(dir);
  FixedClock clock = t0_clock();
  auto o = log_options(dir / "chronology" / "c.jsonl", &clock);
  auto log = open_log(o);
  append_n(*log, clock, 3);
  // Another writer died in the middle of its write (its line was never acknowledged).
  const std::string torn = "{\"author\":{\"name\":\"other\"},\"boot_id\":\"x";
  {
    std::ofstream f(o.file, std::ios::binary | std::ios::app);
    f << torn;
  }
  auto r = log->append(draft("中断の後の記録"));
  REQUIRE(r.ok());
  CHECK(r->seq == 5);
  REQUIRE(log->count() == 5);
  const Entry& rec = log->entries()[3];
  CHECK(rec.system_event == "recovered_interrupted_write");
  CHECK(rec.content.find(std::to_string(torn.size()) + " bytes") != std::string::npos);
  const auto sides = torn_files(o.file.parent_path());
  REQUIRE(sides.size() == 1);
  CHECK(read_bytes(sides[0]) == torn);
  CHECK(verify_ok(o.file).intact());
  CHECK(verify_ok(o.file).count == 5);

  // A second torn tail in the same second never overwrites the first side file.
  {
    std::ofstream f(o.file, std::ios::binary | std::ios::app);
    f << "{\"second\":";
  }
  REQUIRE(log->append(draft("二度目")).ok());
  const auto sides2 = torn_files(o.file.parent_path());
  REQUIRE(sides2.size() == 2);
  std::set<std::string> contents = {read_bytes(sides2[0]), read_bytes(sides2[1])};
  CHECK(contents == std::set<std::string>{torn, "{\"second\":"});
  CHECK(verify_ok(o.file).intact());
}

TEST_CASE("damage written by someone else after open is refused, and the file is left as it is", "[chain_log]") {
  SHODO_TEST_DIR(dir);
  FixedClock clock = t0_clock();
  auto o = log_options(dir / "chronology" / "c.jsonl", &clock);
  auto log = open_log(o);
  append_n(*log, clock, 3);
  auto lines = split_lines(read_bytes(o.file));

  SECTION("the last verified entry rewritten") {
    const auto pos = lines[2].find("暗号化");
    REQUIRE(pos != std::string::npos);
    lines[2].replace(pos, 9, "復号化");
    write_bytes(o.file, join(lines));
  }
  SECTION("entries removed from the end") {
    lines.pop_back();
    write_bytes(o.file, join(lines));
  }
  SECTION("a hand-made entry appended by another program") {
    lines.push_back(lines[2]);  // a duplicate of No. 3
    write_bytes(o.file, join(lines));
  }
  const auto damaged = read_bytes(o.file);
  auto r = log->append(draft("改ざん後の記録"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::read_only);
  CHECK(read_bytes(o.file) == damaged);
  CHECK(torn_files(o.file.parent_path()).empty());
}

TEST_CASE("forked processes appending concurrently give one chain with every acknowledged entry once", "[chain_log]") {
  SHODO_TEST_DIR(dir);
  const auto file = dir / "chronology" / (std::string(k_device) + ".jsonl");
  {
    auto o = log_options(file, nullptr);
    auto log = open_log(o);  // created before the writers start
  }
  constexpr int k_writers = 3;
  constexpr int k_each = 200;
  std::vector<pid_t> pids;
  std::vector<int> pipes;
  for (int w = 0; w < k_writers; ++w) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::close(fds[0]);
      std::string out;
      auto log = ChronologyLog::open(log_options(file, nullptr));
      if (!log) ::_exit(3);
      (*log)->set_operator({"writer " + std::to_string(w), {"SCR"}});
      for (int i = 0; i < k_each; ++i) {
        auto e = (*log)->append(draft("w" + std::to_string(w) + "-" + std::to_string(i)));
        if (!e) ::_exit(4);
        out += e->entry_hash + " " + e->content + "\n";  // acknowledged
      }
      if (::write(fds[1], out.data(), out.size()) != static_cast<ssize_t>(out.size())) ::_exit(5);
      ::_exit(0);
    }
    ::close(fds[1]);
    pids.push_back(pid);
    pipes.push_back(fds[0]);
  }
  std::vector<std::string> acks;
  for (std::size_t w = 0; w < pids.size(); ++w) {
    std::string out;
    char buf[65536];
    ssize_t n = 0;
    while ((n = ::read(pipes[w], buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
    ::close(pipes[w]);
    int status = 0;
    ::waitpid(pids[w], &status, 0);
    INFO("writer " << w);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    for (const auto& l : split_lines(out)) acks.push_back(l.substr(0, l.size() - 1));
  }
  REQUIRE(acks.size() == static_cast<std::size_t>(k_writers * k_each));
  const VerifyReport v = verify_ok(file);
  INFO((v.problem ? v.problem->en : std::string("intact")));
  REQUIRE(v.intact());
  std::multiset<std::string> stored;
  for (const auto& e : v.entries) stored.insert(e.entry_hash + " " + e.content);
  for (const auto& a : acks) CHECK(stored.count(a) == 1);
  // Nothing but the acknowledged entries (and possibly system entries such as clock jumps).
  std::int64_t user_entries = 0;
  for (const auto& e : v.entries) user_entries += e.source != SourceKind::system;
  CHECK(user_entries == k_writers * k_each);
}

TEST_CASE("the checkpoint counter is derived from the log: reopening does not delay checkpoints", "[chain_log]") {
  SHODO_TEST_DIR(dir);
  auto key = KitKey::load_or_create(dir / "kit");
  REQUIRE(key.ok());
  FixedClock clock = t0_clock();
  auto o = log_options(dir / "chronology" / "c.jsonl", &clock);
  o.key = &key.value();
  o.checkpoint_every = 5;
  {
    auto log = open_log(o);
    append_n(*log, clock, 3);
    CHECK(log->entries_since_checkpoint() == 3);
  }
  auto log = open_log(o);
  CHECK(log->entries_since_checkpoint() == 3);
  append_n(*log, clock, 2, 4);  // No. 5 is the fifth entry since the start: a checkpoint follows
  REQUIRE(log->count() == 6);
  CHECK(log->entries()[5].type == EntryType::checkpoint);
  CHECK(log->entries()[5].checkpoint->signed_seq == 5);
  CHECK(log->entries_since_checkpoint() == 0);
  append_n(*log, clock, 4, 6);
  CHECK(log->count() == 10);
  {
    auto again = open_log(o);
    CHECK(again->entries_since_checkpoint() == 4);
    append_n(*again, clock, 1, 10);
    REQUIRE(again->count() == 12);
    CHECK(again->entries()[11].type == EntryType::checkpoint);
  }
  const VerifyReport v = verify_ok(o.file);
  CHECK(v.intact());
  CHECK(v.checkpoints_verified == 2);
}
