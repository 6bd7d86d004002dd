// Shared helpers for the chronology-core unit tests (STYLE.md "Tests"):
//  * TempDir: each test works in its own directory under /tmp. The directory is removed when the
//    test passed, and KEPT (path printed on stderr) when an assertion in it failed, when an
//    exception unwinds through it, or when SHODO_KEEP_TEST_DIRS is set. Use SHODO_TEST_DIR(var)
//    so the path is also attached to every failure message (INFO).
//  * file helpers (bytes in/out, lines), clock readings, a log opener, entry drafts;
//  * run_in_child(): runs code in a forked child (for setrlimit / mount experiments) and returns
//    what it wrote, so no Catch assertion ever runs in the child.
//
// Include this header FIRST in a test file (before <catch2/catch.hpp>): the failure-counting
// listener needs Catch's reporter interfaces, which catch.hpp only declares when
// CATCH_CONFIG_EXTERNAL_INTERFACES is defined before its first inclusion.
#pragma once
#if defined(TWOBLUECUBES_SINGLE_INCLUDE_CATCH_HPP_INCLUDED) && !defined(CATCH_CONFIG_EXTERNAL_INTERFACES)
#error "include tests/unit/test_support.hpp before <catch2/catch.hpp>"
#endif
#ifndef CATCH_CONFIG_EXTERNAL_INTERFACES
#define CATCH_CONFIG_EXTERNAL_INTERFACES
#endif
#include <catch2/catch.hpp>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "forensics/chronology/entry.hpp"
#include "forensics/chronology/log.hpp"
#include "forensics/core/clock.hpp"

namespace shodo::unit {

// ---- failure tracking: a Catch listener counts failed assertions -------------------------------

inline std::atomic<long> g_failed_assertions{0};

struct FailureCounter : Catch::TestEventListenerBase {
  using TestEventListenerBase::TestEventListenerBase;
  bool assertionEnded(Catch::AssertionStats const& s) override {
    if (!s.assertionResult.isOk()) ++g_failed_assertions;
    return true;
  }
};

// An inline variable is constructed once per program, so the listener is registered once even
// though every test file includes this header.
inline Catch::ListenerRegistrar<FailureCounter> g_failure_counter_registrar;

// ---- temp dirs ----------------------------------------------------------------------------------

class TempDir {
 public:
  TempDir() : m_failures_at_start(g_failed_assertions.load()) {
    std::string tmpl = "/tmp/shodo-unit-XXXXXX";
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    m_path = tmpl;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    const bool failed = std::uncaught_exceptions() > 0 || g_failed_assertions.load() != m_failures_at_start;
    const char* keep = std::getenv("SHODO_KEEP_TEST_DIRS");
    if (failed || (keep && *keep)) {
      std::fprintf(stderr, "kept test directory %s\n", m_path.c_str());
      return;
    }
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  const std::filesystem::path& path() const { return m_path; }
  std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

 private:
  std::filesystem::path m_path;
  long m_failures_at_start;
};

#define SHODO_TEST_DIR(var)    \
  ::shodo::unit::TempDir var; \
  INFO("test directory: " << var.path().string())

// ---- visible skips ----------------------------------------------------------------------------

// A test that cannot run here (it needs root, a device, a kernel feature) says so and returns:
// SHODO_SKIP("mounting a tmpfs needs root") prints "SHODO-SKIP: <why>" on stdout, which
// tests/CMakeLists.txt gives ctest as SKIP_REGULAR_EXPRESSION, so ctest reports the test as
// skipped ("Not Run"), never as passed. (Catch2 2.13 has no skip of its own.) Use it only at the
// top of a TEST_CASE, before any assertion.
#define SHODO_SKIP(why)                                   \
  do {                                                    \
    std::printf("SHODO-SKIP: %s\n", std::string(why).c_str()); \
    std::fflush(stdout);                                  \
    WARN("skipped: " << (why));                           \
    return;                                               \
  } while (0)

// ---- files --------------------------------------------------------------------------------------

inline std::string read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary | std::ios::ate);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::string s(static_cast<std::size_t>(in.tellg()), '\0');
  in.seekg(0);
  in.read(s.data(), static_cast<std::streamsize>(s.size()));
  if (!in) throw std::runtime_error("cannot read " + p.string());
  return s;
}

inline void write_bytes(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + p.string());
}

// Lines WITH their trailing '\n' (a last line without one is kept as is).
inline std::vector<std::string> split_lines(const std::string& data) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < data.size()) {
    const std::size_t nl = data.find('\n', pos);
    const std::size_t end = nl == std::string::npos ? data.size() : nl + 1;
    out.push_back(data.substr(pos, end - pos));
    pos = end;
  }
  return out;
}

inline std::string join(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l;
  return s;
}

inline std::uintmax_t size_of(const std::filesystem::path& p) { return std::filesystem::file_size(p); }

inline unsigned file_mode(const std::filesystem::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return 0;
  return static_cast<unsigned>(st.st_mode & 07777);
}

// Output of a shell command (stdout), for independent checks with the OpenSSL / coreutils CLI.
inline std::string run_command(const std::string& cmd, int* status = nullptr) {
  std::string out;
  std::FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("popen failed: " + cmd);
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int st = ::pclose(p);
  if (status) *status = st;
  return out;
}

// SHA-256 of a file computed by the `openssl` command-line tool (independent of our digest code).
inline std::string openssl_sha256_file(const std::filesystem::path& p) {
  const std::string out = run_command("openssl dgst -sha256 -r '" + p.string() + "'");
  return out.substr(0, 64);
}

// ---- clocks and entries -------------------------------------------------------------------------

inline constexpr std::int64_t k_s = 1'000'000'000;
// 2022-10-31T08:40:00+09:00 (the Osaka case day), a round instant used as "now" in tests.
inline constexpr std::int64_t k_t0_s = 1667173200;
inline const char* const k_boot_a = "11111111-1111-4111-8111-111111111111";
inline const char* const k_boot_b = "22222222-2222-4222-8222-222222222222";
inline const char* const k_incident = "OGMC-20221031-01";
inline const char* const k_device = "KIT-0A1B2C3D";

inline ClockReading reading(std::int64_t sys_ns, std::int64_t boot_ns, const std::string& boot_id = k_boot_a) {
  return ClockReading{sys_ns, boot_ns, boot_id};
}

// A clock at k_t0 with 1000 s since boot.
inline FixedClock t0_clock() { return FixedClock(reading(k_t0_s * k_s, 1000 * k_s)); }

inline chronology::Entry draft(const std::string& content) {
  chronology::Entry d;
  d.category = chronology::Category::report;
  d.from = "救急外来 看護師長";
  d.to = {"情報システム課"};
  d.content = content;
  return d;
}

inline chronology::LogOptions log_options(const std::filesystem::path& file, const Clock* clock,
                                          const std::string& incident = k_incident,
                                          const std::string& device = k_device) {
  chronology::LogOptions o;
  o.file = file;
  o.incident_id = incident;
  o.device_id = device;
  o.clock = clock;
  return o;
}

// Opens the log and sets an operator; throws (failing the test with the message) on error.
inline std::unique_ptr<chronology::ChronologyLog> open_log(const chronology::LogOptions& o,
                                                           chronology::OpenReport* rep = nullptr) {
  auto r = chronology::ChronologyLog::open(o, rep);
  if (!r) throw std::runtime_error("open failed: " + r.error().describe(false));
  auto log = std::move(r.value());
  log->set_operator({"山田 花子", {"SCR"}});
  return log;
}

// Appends `n` drafts "記録 No. k 暗号化" advancing the clock by 1 s before each. Throws on error.
inline void append_n(chronology::ChronologyLog& log, FixedClock& clock, int n, int first = 1) {
  for (int k = first; k < first + n; ++k) {
    clock.advance(k_s);
    auto r = log.append(draft("記録 No. " + std::to_string(k) + " サーバ室で暗号化を確認"));
    if (!r) throw std::runtime_error("append failed: " + r.error().describe(false));
  }
}

// Writes a 10-entry chronology with ChronologyLog and returns the path of the file.
inline std::filesystem::path write_ten(const TempDir& dir, std::string* head = nullptr) {
  FixedClock clock = t0_clock();
  const auto file = dir / "chronology" / (std::string(k_device) + ".jsonl");
  auto log = open_log(log_options(file, &clock));
  append_n(*log, clock, 10);
  if (head) *head = log->head_hash();
  return file;
}

// ---- forked children ----------------------------------------------------------------------------

struct ChildResult {
  int exit_code = -1;  // -1 when killed by a signal
  std::string output;  // what the child wrote to the pipe
};

// Runs `body` in a forked child; whatever it returns is sent back through a pipe. The child never
// returns into Catch: it leaves with _exit(0) (or 70 if the body threw).
inline ChildResult run_in_child(const std::function<std::string()>& body) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::close(fds[0]);
    std::string out;
    int code = 0;
    try {
      out = body();
    } catch (const std::exception& e) {
      out = std::string("exception: ") + e.what();
      code = 70;
    }
    std::size_t off = 0;
    while (off < out.size()) {
      const ssize_t n = ::write(fds[1], out.data() + off, out.size() - off);
      if (n <= 0) break;
      off += static_cast<std::size_t>(n);
    }
    ::close(fds[1]);
    ::_exit(code);
  }
  ::close(fds[1]);
  ChildResult res;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    res.output.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  res.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return res;
}

// ---- environment ----------------------------------------------------------------------------------

// Sets or unsets environment variables for one test and restores them afterwards.
class EnvGuard {
 public:
  explicit EnvGuard(std::vector<std::string> names) : m_names(std::move(names)) {
    for (const auto& n : m_names) {
      const char* v = std::getenv(n.c_str());
      m_saved.push_back(v ? std::optional<std::string>(v) : std::nullopt);
    }
  }
  ~EnvGuard() {
    for (std::size_t i = 0; i < m_names.size(); ++i) {
      if (m_saved[i])
        ::setenv(m_names[i].c_str(), m_saved[i]->c_str(), 1);
      else
        ::unsetenv(m_names[i].c_str());
    }
  }
  EnvGuard(const EnvGuard&) = delete;
  EnvGuard& operator=(const EnvGuard&) = delete;

 private:
  std::vector<std::string> m_names;
  std::vector<std::optional<std::string>> m_saved;
};

}  // namespace shodo::unit
