#include "forensics/chronology/log.hpp"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

#include "forensics/core/atomic_file.hpp"
#include "forensics/integrity/digest.hpp"
#include "forensics/integrity/kit_key.hpp"

namespace shodo::chronology {
namespace fs = std::filesystem;

namespace {

constexpr const char* k_system_author = "Shodo";

Error not_saved(int err, const fs::path& file) {
  Error e = make_errno_error(ErrorCode::not_saved, err,
                             "記録は保存されていません。ケース用ボリュームへの書き込みに失敗しました: " + file.string(),
                             "the entry was NOT saved: writing to the case volume failed: " + file.string());
  if (e.code != ErrorCode::no_space) e.code = ErrorCode::not_saved;
  return e;
}

std::string stamp_for_file(std::int64_t utc_ns) {
  std::string s = format_rfc3339_utc_ns(utc_ns).substr(0, 19);  // 2026-11-24T01:02:03
  for (auto& c : s)
    if (c == ':' || c == '-') c = c == ':' ? '_' : c;
  return s;
}

}  // namespace

ChronologyLog::ChronologyLog(LogOptions opt) : m_opt(std::move(opt)) {
  if (!m_opt.clock) m_opt.clock = &default_clock();
}

ChronologyLog::~ChronologyLog() {
  if (m_fd >= 0) ::close(m_fd);
  if (m_mirror_fd >= 0) ::close(m_mirror_fd);
}

Result<std::unique_ptr<ChronologyLog>> ChronologyLog::open(const LogOptions& opt, OpenReport* report) {
  OpenReport local;
  OpenReport& rep = report ? *report : local;
  std::unique_ptr<ChronologyLog> log(new ChronologyLog(opt));
  const fs::path& file = log->m_opt.file;
  if (auto st = create_directories_durable(file.parent_path()); !st) return st.error();

  std::error_code ec;
  rep.created = !fs::exists(file, ec);
  if (!rep.created) {
    VerifyOptions vo;
    vo.incident_id = opt.incident_id;
    vo.device_id = opt.device_id;
    if (opt.key) vo.pinned_public_key = opt.key->public_key_hex();
    auto vr = verify_chronology_file(file, vo);
    if (!vr) return vr.error();
    VerifyReport& v = vr.value();
    if (v.problem && !v.torn_tail) {
      return make_error(ErrorCode::read_only,
                        "このクロノロジーは損傷しているため読み取り専用で開きます（書き換えません）: " + v.problem->ja,
                        "this chronology is damaged and opens read-only (it is never rewritten): " + v.problem->en);
    }
    if (v.torn_tail) {
      // Keep the torn bytes aside before cutting the log back: never drop them silently.
      auto all = read_file(file);
      if (!all) return all.error();
      const std::string torn = all->substr(v.good_bytes);
      // Never overwrite an earlier side file (two recoveries can happen within one second).
      const std::string stem = file.filename().string() + ".torn-" + stamp_for_file(log->m_opt.clock->now().sys_utc_ns);
      fs::path side = file.parent_path() / (stem + ".bin");
      for (int n = 2; fs::exists(side, ec); ++n) side = file.parent_path() / (stem + "-" + std::to_string(n) + ".bin");
      if (auto st = write_file_atomic(side, torn); !st) return st.error();
      const int fd = ::open(file.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd < 0 || ::ftruncate(fd, static_cast<off_t>(v.good_bytes)) != 0 || ::fsync(fd) != 0) {
        const int err = errno;
        if (fd >= 0) ::close(fd);
        return not_saved(err, file);
      }
      ::close(fd);
      rep.recovered_torn_tail = true;
      rep.torn_side_file = side;
      rep.torn_bytes = torn.size();
    }
    log->m_entries = std::move(v.entries);
    log->m_size = v.good_bytes;
    for (const auto& e : log->m_entries) log->m_timeref.observe(e);
  }
  log->m_fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (log->m_fd < 0) return not_saved(errno, file);
  if (rep.created) {
    if (::fsync(log->m_fd) != 0) return not_saved(errno, file);
    if (auto st = fsync_directory(file.parent_path()); !st) return st.error();
  }

  if (opt.mirror) {
    // The mirror must be a prefix of the log; a LONGER or different mirror means the log lost
    // entries (CHR-24): report it and leave both files as they are.
    const fs::path& m = *opt.mirror;
    auto log_bytes = read_file(file);
    std::string mirror_bytes;
    if (fs::exists(m, ec)) {
      auto mb = read_file(m);
      if (mb) mirror_bytes = std::move(mb.value());
    }
    if (log_bytes && log_bytes->compare(0, mirror_bytes.size(), mirror_bytes) == 0 &&
        mirror_bytes.size() <= log_bytes->size()) {
      if (create_directories_durable(m.parent_path())) {
        const int mfd = ::open(m.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
        if (mfd >= 0 && write_fully(mfd, std::string_view(*log_bytes).substr(mirror_bytes.size())) &&
            ::fsync(mfd) == 0 && fsync_directory(m.parent_path())) {
          log->m_mirror_fd = mfd;
          rep.mirror_ok = true;
        } else if (mfd >= 0) {
          ::close(mfd);
        }
      }
      if (!rep.mirror_ok) {
        rep.mirror_problem_ja = "第二の媒体に書き込めません: " + m.string();
        rep.mirror_problem_en = "cannot write to the second medium: " + m.string();
      }
    } else {
      rep.mirror_problem_ja = "第二の媒体の写しがクロノロジーと一致しません（最新の記録が失われた可能性）: " + m.string();
      rep.mirror_problem_en = "the copy on the second medium does not match the chronology (newest entries may be lost): " +
                              m.string();
    }
  }

  if (rep.recovered_torn_tail) {
    auto sha = sha256_file_hex(rep.torn_side_file);
    const std::string name = rep.torn_side_file.filename().string();
    auto r = log->append_system(
        "recovered_interrupted_write",
        "書き込み中断から復旧 / recovered from interrupted write: " + std::to_string(rep.torn_bytes) +
            " bytes → " + name + " (sha256 " + (sha ? sha.value() : std::string("?")) + ")");
    if (!r) return r.error();
  }
  return log;
}

Correction ChronologyLog::correction_now() const { return m_timeref.correct(m_opt.clock->now()); }

Result<Entry> ChronologyLog::append(Entry d) {
  if (m_failure)
    return make_error(ErrorCode::not_saved,
                      "直前の書き込みに失敗したため記録を停止しています。保存先を確認してから開き直してください: " + m_failure->ja,
                      "recording is stopped after a failed write; check the case volume and reopen: " + m_failure->en);
  if (d.type == EntryType::normal && d.source == SourceKind::system) d.category = Category::system;
  d.author = m_operator.name.empty() && d.source == SourceKind::system ? k_system_author : m_operator.name;
  d.author_roles = m_operator.roles;
  if (auto st = validate_draft(d); !st) return st.error();

  const ClockReading now = m_opt.clock->now();
  // CHR-12: a jump of the wall clock against CLOCK_BOOTTIME since the last entry of this boot.
  for (auto it = m_entries.rbegin(); it != m_entries.rend(); ++it) {
    if (it->boot_id != now.boot_id) continue;
    if (auto jump = detect_clock_jump(it->recorded_sys_utc_ns, it->recorded_mono_ns, now)) {
      Entry j;
      j.type = EntryType::normal;
      j.category = Category::system;
      j.source = SourceKind::system;
      j.system_event = "clock_jump";
      j.from = k_system_author;
      j.to = {k_system_author};
      const double s = static_cast<double>(*jump) / 1e9;
      char buf[64];
      std::snprintf(buf, sizeof buf, "%+.3f s", s);
      j.content = std::string("システム時計の飛びを検出 / system clock jump detected: ") + buf;
      j.author = m_operator.name.empty() ? k_system_author : m_operator.name;
      j.author_roles = m_operator.roles;
      auto r = write_entry(std::move(j));
      if (!r) return r.error();
    }
    break;
  }
  return write_entry(std::move(d));
}

Result<Entry> ChronologyLog::write_entry(Entry e) {
  const ClockReading now = m_opt.clock->now();
  const Correction c = m_timeref.correct(now);
  e.entry_id = new_uuid();
  e.seq = count() + 1;
  e.incident_id = m_opt.incident_id;
  e.device_id = m_opt.device_id;
  e.boot_id = now.boot_id;
  e.recorded_sys_utc_ns = now.sys_utc_ns;
  e.recorded_mono_ns = now.boottime_ns;
  e.training = m_opt.training;
  if (e.type == EntryType::time_check && e.time_check) {
    // The confirmation itself is the reference at this instant.
    e.recorded_ref_utc_ns = now.sys_utc_ns + e.time_check->offset_ns;
    e.time_quality = TimeQuality::ref_confirmed;
    e.clock_offset_ns = e.time_check->offset_ns;
    e.clock_uncertainty_ns = e.time_check->uncertainty_ns;
  } else {
    e.recorded_ref_utc_ns = c.corrected_utc_ns;
    e.time_quality = c.quality;
    e.clock_offset_ns = c.offset_ns;
    e.clock_uncertainty_ns = c.uncertainty_ns;
  }
  e.prev_hash = head_hash();
  e.entry_hash.clear();
  nlohmann::json j = to_json(e);
  e.entry_hash = compute_entry_hash(e.prev_hash, j);
  j["entry_hash"] = e.entry_hash;
  const std::string line = canonical_json(j) + "\n";
  if (auto st = write_line_durably(line); !st) return st.error();
  mirror_line(line);
  m_entries.push_back(e);
  m_timeref.observe(m_entries.back());
  if (e.type != EntryType::checkpoint) ++m_since_checkpoint;
  if (m_opt.key && m_opt.checkpoint_every > 0 && m_since_checkpoint >= m_opt.checkpoint_every) {
    // Entry `e` is already durable: a failed checkpoint must not report it as "not saved" (the
    // operator would enter it twice). The failure stops the log (m_failure), so the NEXT append
    // reports "not saved".
    (void)append_checkpoint();
  }
  return e;
}

Status ChronologyLog::write_line_durably(const std::string& line) {
  auto fail = [&](int err) -> Status {
    // Cut the partial or unsynced line off again so the log stays a sequence of whole entries,
    // and stop recording: after a failed fsync the kernel's view of the file is not trustworthy.
    if (::ftruncate(m_fd, static_cast<off_t>(m_size)) == 0) ::fsync(m_fd);
    Error e = not_saved(err, m_opt.file);
    m_failure = e;
    return e;
  };
  if (auto st = write_fully(m_fd, line); !st) return fail(errno ? errno : EIO);
  if (::fsync(m_fd) != 0) return fail(errno);
  m_size += line.size();
  return ok_status();
}

void ChronologyLog::mirror_line(const std::string& line) {
  if (m_mirror_fd < 0) return;
  if (!write_fully(m_mirror_fd, line) || ::fsync(m_mirror_fd) != 0) {
    // The primary copy is durable; losing the mirror is a warning (mirrored() turns false).
    ::close(m_mirror_fd);
    m_mirror_fd = -1;
  }
}

Result<Entry> ChronologyLog::append_system(const std::string& event, const std::string& content,
                                           const std::vector<std::string>& refs) {
  Entry d;
  d.type = EntryType::normal;
  d.category = Category::system;
  d.source = SourceKind::system;
  d.system_event = event;
  d.from = k_system_author;
  d.to = {k_system_author};
  d.content = content;
  d.refs = refs;
  return append(std::move(d));
}

Result<Entry> ChronologyLog::append_checkpoint() {
  if (!m_opt.key) return make_error(ErrorCode::unsupported, "キット鍵がありません", "no kit key to sign with");
  if (m_failure) return append(Entry{});  // reports the stored failure
  Entry d;
  d.type = EntryType::checkpoint;
  d.category = Category::system;
  d.source = SourceKind::system;
  d.system_event = "checkpoint";
  d.from = k_system_author;
  d.to = {k_system_author};
  d.content = "署名チェックポイント / signed checkpoint No. " + std::to_string(count());
  d.author = m_operator.name.empty() ? k_system_author : m_operator.name;
  d.author_roles = m_operator.roles;
  Checkpoint c;
  c.signed_seq = count();
  c.signed_hash = head_hash();
  c.public_key = m_opt.key->public_key_hex();
  c.signature = m_opt.key->sign_hex(checkpoint_message(m_opt.incident_id, m_opt.device_id, c.signed_seq, c.signed_hash));
  d.checkpoint = c;
  m_since_checkpoint = 0;
  return write_entry(std::move(d));
}

}  // namespace shodo::chronology
