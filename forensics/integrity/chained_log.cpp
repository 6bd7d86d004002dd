#include "forensics/integrity/chained_log.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#include "forensics/core/atomic_file.hpp"
#include "forensics/integrity/digest.hpp"

namespace shodo::integrity {
namespace fs = std::filesystem;

namespace {

Error write_failed(int err, const fs::path& file, const ChainedLogOptions& o) {
  Error e = make_errno_error(ErrorCode::not_saved, err, o.not_saved_ja + file.string(), o.not_saved_en + file.string());
  if (e.code != ErrorCode::no_space) e.code = ErrorCode::not_saved;
  return e;
}

Error damaged(const fs::path& file, const Problem& p) {
  return make_error(ErrorCode::integrity, file.string() + ": " + p.ja, file.string() + ": " + p.en);
}

std::string stamp_for_file(std::int64_t utc_ns) {
  std::string s = format_rfc3339_utc_ns(utc_ns).substr(0, 19);  // 2026-11-24T01:02:03
  for (auto& c : s)
    if (c == ':') c = '_';
  return s;
}

}  // namespace

ChainedLog::Lock::~Lock() {
  if (m_log) m_log->unlock();
}

ChainedLog::ChainedLog(ChainedLogOptions opt, RecordRules& rules)
    : m_opt(std::move(opt)), m_rules(rules), m_verifier(m_opt.format, rules, [f = m_opt.file] {
        auto all = read_file(f);
        return all ? std::move(all.value()) : std::string();
      }) {
  if (!m_opt.clock) m_opt.clock = &default_clock();
}

ChainedLog::~ChainedLog() {
  if (m_fd >= 0) ::close(m_fd);  // also releases a lock still held
}

Result<std::unique_ptr<ChainedLog>> ChainedLog::open(ChainedLogOptions opt, RecordRules& rules) {
  std::unique_ptr<ChainedLog> log(new ChainedLog(std::move(opt), rules));
  const fs::path& file = log->m_opt.file;
  std::error_code ec;
  if (fs::exists(file, ec)) {
    if (auto st = log->m_verifier.feed_file(file, 0); !st) return st.error();
  } else if (log->m_opt.create_on_open) {
    if (auto st = log->open_for_writing(); !st) return st.error();
  }
  return log;
}

Status ChainedLog::open_for_writing() {
  if (m_fd >= 0) return ok_status();
  const fs::path& file = m_opt.file;
  if (auto st = create_directories_durable(file.parent_path()); !st) return st.error();
  m_fd = ::open(file.c_str(), O_RDWR | O_APPEND | O_CLOEXEC);
  if (m_fd >= 0) return ok_status();
  if (errno != ENOENT) return write_failed(errno, file, m_opt);
  // Created here: make the new name durable before anything is acknowledged in it. O_EXCL tells
  // us whether this process created it (another one may have just done so).
  m_fd = ::open(file.c_str(), O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (m_fd < 0 && errno == EEXIST) m_fd = ::open(file.c_str(), O_RDWR | O_APPEND | O_CLOEXEC);
  else if (m_fd >= 0) {
    if (::fsync(m_fd) != 0) return write_failed(errno, file, m_opt);
    if (auto st = fsync_directory(file.parent_path()); !st) return st.error();
  }
  if (m_fd < 0) return write_failed(errno, file, m_opt);
  return ok_status();
}

Status ChainedLog::take_lock(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    if (::flock(m_fd, LOCK_EX | LOCK_NB) == 0) {
      m_locked = true;
      return ok_status();
    }
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK) return write_failed(errno, m_opt.file, m_opt);
    if (std::chrono::steady_clock::now() >= deadline) {
      if (m_opt.in_use) return *m_opt.in_use;
      return make_error(ErrorCode::not_saved, "他の Shodo のウィンドウまたはコマンドが使用中です: " + m_opt.file.string(),
                        "in use by another Shodo window or command: " + m_opt.file.string());
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(20));
  }
}

void ChainedLog::unlock() {
  if (m_locked && m_fd >= 0) ::flock(m_fd, LOCK_UN);
  m_locked = false;
}

Result<ChainedLog::Lock> ChainedLog::lock_and_sync(SyncReport* report) {
  return lock_and_sync(m_opt.lock_timeout, report);
}

Result<ChainedLog::Lock> ChainedLog::lock_and_sync(std::chrono::milliseconds timeout, SyncReport* report) {
  SyncReport local;
  SyncReport& rep = report ? *report : local;
  rep = SyncReport{};
  if (m_failure) return *m_failure;
  if (auto st = open_for_writing(); !st) return st.error();
  if (auto st = take_lock(timeout); !st) return st.error();
  Lock lock(this);
  if (auto st = sync(rep); !st) return st.error();
  return Result<Lock>(std::move(lock));
}

Status ChainedLog::sync(SyncReport& rep) {
  const std::int64_t before = m_verifier.state().count;
  struct stat sb {};
  if (::fstat(m_fd, &sb) != 0) return write_failed(errno, m_opt.file, m_opt);
  const auto size = static_cast<std::uint64_t>(sb.st_size);
  if (m_opt.reverify_all) {
    m_verifier.reset();
    if (auto st = m_verifier.feed_fd(m_fd, 0, m_opt.file); !st) return st;
  } else {
    const ChainState& s = m_verifier.state();
    if (s.problem && !s.torn_tail) return damaged(m_opt.file, *s.problem);
    m_verifier.clear_torn_tail();
    const std::uint64_t good = s.good_bytes;
    // What was verified must still be there: a shorter file, or a last verified line that
    // changed, means someone removed or rewrote records behind the writers' backs.
    bool intact = size >= good;
    if (intact && s.count > 0) {
      const std::uint64_t len = s.last_line.size() + 1;
      auto bytes = read_range(good - len, good);
      if (!bytes) return bytes.error();
      intact = bytes.value() == s.last_line + "\n";
    }
    if (!intact)
      return make_error(ErrorCode::integrity,
                        "確認済みの記録がファイルから消えたか書き換えられています（" + std::to_string(s.count) +
                            " 件目まで確認済み）: " + m_opt.file.string(),
                        "records already verified were removed or rewritten in the file (verified up to No. " +
                            std::to_string(s.count) + "): " + m_opt.file.string());
    if (size > good)
      if (auto st = m_verifier.feed_fd(m_fd, good, m_opt.file); !st) return st;
  }
  const ChainState& s = m_verifier.state();
  if (s.problem && !s.torn_tail) return damaged(m_opt.file, *s.problem);
  if (s.torn_tail) {
    // Under the lock no other write is in flight: the tail is really torn.
    auto torn = set_aside_torn_tail(size);
    if (!torn) return torn.error();
    m_verifier.clear_torn_tail();
    rep.torn = std::move(torn.value());
  }
  rep.new_records = m_verifier.state().count - before;
  if (m_opt.reverify_all) rep.new_records = 0;  // the caller re-reads everything anyway
  return ok_status();
}

Result<TornTail> ChainedLog::set_aside_torn_tail(std::uint64_t file_size) {
  const std::uint64_t good = m_verifier.state().good_bytes;
  auto torn = read_range(good, file_size);
  if (!torn) return torn.error();
  // Keep the torn bytes aside before cutting the log back: never drop them silently, and never
  // overwrite an earlier side file (two recoveries can happen within one second).
  const fs::path dir = m_opt.file.parent_path();
  const std::string stem = m_opt.file.filename().string() + ".torn-" + stamp_for_file(m_opt.clock->now().sys_utc_ns);
  fs::path side = dir / (stem + ".bin");
  int sfd = -1;
  for (int n = 2; n < 10000; ++n) {
    sfd = ::open(side.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (sfd >= 0 || errno != EEXIST) break;
    side = dir / (stem + "-" + std::to_string(n) + ".bin");
  }
  if (sfd < 0) return write_failed(errno, side, m_opt);
  Status st = write_fully(sfd, torn.value());
  if (st && ::fsync(sfd) != 0) st = write_failed(errno, side, m_opt);
  ::close(sfd);
  if (!st) return st.error();
  if (auto d = fsync_directory(dir); !d) return d.error();
  if (::ftruncate(m_fd, static_cast<off_t>(good)) != 0 || ::fsync(m_fd) != 0) return write_failed(errno, m_opt.file, m_opt);
  return TornTail{side, torn->size(), sha256_hex(torn.value())};
}

Status ChainedLog::append(const Lock& lock, std::string_view line, std::string hash) {
  (void)lock;  // proof that the caller holds the lock
  if (m_failure) return *m_failure;
  const std::uint64_t good = m_verifier.state().good_bytes;
  auto fail = [&](int err) -> Status {
    // Cut the partial or unsynced line off again so the file stays a sequence of whole records,
    // and stop: after a failed fsync the kernel's view of the file is not trustworthy.
    if (::ftruncate(m_fd, static_cast<off_t>(good)) == 0) ::fsync(m_fd);
    Error e = write_failed(err, m_opt.file, m_opt);
    m_failure = e;
    return e;
  };
  std::string buf;
  buf.reserve(line.size() + 1);
  buf.append(line);
  buf.push_back('\n');
  if (auto st = write_fully(m_fd, buf); !st) return fail(errno ? errno : EIO);
  if (::fsync(m_fd) != 0) return fail(errno);
  m_verifier.advance(line, std::move(hash));
  return ok_status();
}

Result<std::string> ChainedLog::read_range(std::uint64_t from, std::uint64_t to) const {
  std::string out;
  if (to <= from) return out;
  int fd = m_fd;
  bool own = false;
  if (fd < 0) {
    fd = ::open(m_opt.file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      return make_errno_error(ErrorCode::io_error, errno, "読めません: " + m_opt.file.string(),
                              "cannot read " + m_opt.file.string());
    own = true;
  }
  out.resize(static_cast<std::size_t>(to - from));
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(from + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : EIO;
      if (own) ::close(fd);
      return make_errno_error(ErrorCode::io_error, err, "読み取り中にエラーが発生しました: " + m_opt.file.string(),
                              "read error in " + m_opt.file.string());
    }
    done += static_cast<std::size_t>(n);
  }
  if (own) ::close(fd);
  return out;
}

}  // namespace shodo::integrity
