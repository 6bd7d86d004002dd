#include "forensics/chronology/log.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "forensics/core/atomic_file.hpp"
#include "forensics/i18n/catalogue.hpp"
#include "forensics/integrity/digest.hpp"
#include "forensics/integrity/kit_key.hpp"

namespace shodo::chronology {
namespace fs = std::filesystem;

namespace {

// The void of `target_id` that is in force (not itself voided), or null (issue 11: a second void
// of an already-voided entry is refused).
const Entry* void_in_force(const std::vector<Entry>& entries, const std::string& target_id) {
  const Entry* found = nullptr;
  for (const Entry& e : entries)
    if (e.type == EntryType::void_entry && e.target_entry_id == target_id) found = &e;
  if (!found) return nullptr;
  for (const Entry& e : entries)
    if (e.type == EntryType::void_entry && e.target_entry_id == found->entry_id) return nullptr;
  return found;
}


constexpr const char* k_system_author = "Shodo";

Error read_only_error(const Problem& p) {
  // What happened, then in one sentence what to do (issue 11).
  return make_error(ErrorCode::read_only,
                    "このクロノロジーは損傷しているため読み取り専用で開きます（書き換えません）: " + p.ja +
                        "。紙に記録を続けるか、新しい記録ファイルに続け（shodo chrono continue、画面では「新しい記録ファイルで続ける」）、"
                        "インシデント責任者に伝えてください",
                    "this chronology is damaged and opens read-only (it is never rewritten): " + p.en +
                        ". Go on on paper or in a new chronology file (shodo chrono continue, or \"Continue in a new file\" "
                        "on screen), and tell the incident lead");
}

std::string with_file(std::string text, const fs::path& file) {
  const auto at = text.find("{file}");
  if (at != std::string::npos) text.replace(at, 6, file.string());
  return text;
}

}  // namespace

Error in_use_error(const fs::path& file) {
  return make_error(ErrorCode::not_saved, with_file(i18n::tr("chronology.error.in_use", i18n::Lang::ja), file),
                    with_file(i18n::tr("chronology.error.in_use", i18n::Lang::en), file));
}

ChronologyLog::ChronologyLog(LogOptions opt) : m_opt(std::move(opt)), m_rules([&] {
  VerifyOptions vo;
  vo.incident_id = m_opt.incident_id;
  vo.device_id = m_opt.device_id;
  if (m_opt.key) vo.pinned_public_key = m_opt.key->public_key_hex();
  return vo;
}()) {
  if (!m_opt.clock) m_opt.clock = &default_clock();
}

ChronologyLog::~ChronologyLog() {
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
  integrity::ChainedLogOptions co;
  co.file = file;
  co.format = chronology_chain_format();
  co.lock_timeout = log->m_opt.lock_timeout;
  co.create_on_open = true;
  co.clock = log->m_opt.clock;
  co.in_use = in_use_error(file);
  auto chain = integrity::ChainedLog::open(co, log->m_rules);
  if (!chain) return chain.error();
  log->m_chain = std::move(chain.value());
  if (const auto& p = log->m_chain->state().problem; p && !log->m_chain->state().torn_tail) return read_only_error(*p);
  // Under the lock: a torn tail is set aside, entries appended meanwhile are read.
  auto lock = log->lock_and_sync(log->m_opt.lock_timeout);
  if (!lock) return lock.error();

  if (opt.mirror) {
    // The mirror must be a prefix of the log; a LONGER or different mirror means the log lost
    // entries (CHR-24): report it and leave both files as they are.
    const fs::path& m = *opt.mirror;
    auto log_bytes = log->m_chain->read_range(0, log->m_chain->size());
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

  if (log->m_recovered) {
    rep.recovered_torn_tail = true;
    rep.torn_side_file = log->m_recovered->side_file;
    rep.torn_bytes = log->m_recovered->bytes;
  }
  return log;
}

Correction ChronologyLog::correction_now() const { return m_timeref.correct(m_opt.clock->now()); }

namespace {

Entry system_draft(const std::string& event, const SystemText& text, const std::vector<std::string>& refs) {
  Entry d;
  d.type = EntryType::normal;
  d.category = Category::system;
  d.source = SourceKind::system;
  d.system_event = event;
  d.from = k_system_author;
  d.to = {k_system_author};
  d.content = text.ja;
  d.content_en = text.en;
  d.refs = refs;
  return d;
}

}  // namespace

void ChronologyLog::observe_new_entries(std::size_t from) {
  const auto& all = entries();
  for (std::size_t i = std::max(from, m_observed); i < all.size(); ++i) m_timeref.observe(all[i]);
  m_observed = all.size();
}

Result<ChronologyLog::Lock> ChronologyLog::lock_and_sync(std::chrono::milliseconds timeout) {
  integrity::SyncReport sync;
  auto lock = m_chain->lock_and_sync(timeout, &sync);
  if (!lock) {
    if (lock.error().code == ErrorCode::integrity && m_chain->state().problem)
      return read_only_error(*m_chain->state().problem);
    if (lock.error().code == ErrorCode::integrity)
      return make_error(ErrorCode::read_only, "このクロノロジーは読み取り専用です（書き換えません）: " + lock.error().ja,
                        "this chronology is read-only (it is never rewritten): " + lock.error().en);
    return lock.error();
  }
  observe_new_entries(m_observed);
  if (sync.torn) {
    m_recovered = sync.torn;
    const std::string name = sync.torn->side_file.filename().string();
    const std::string what = std::to_string(sync.torn->bytes) + " bytes → " + name + " (sha256 " + sync.torn->sha256 + ")";
    auto r = append_locked(lock.value(), system_draft("recovered_interrupted_write",
                                                      {"書き込み中断から復旧: " + what, "recovered from interrupted write: " + what},
                                                      {}));
    if (!r) return r.error();
  }
  return lock;
}

Result<std::int64_t> ChronologyLog::refresh(std::chrono::milliseconds timeout) {
  // Cheap when nothing changed: one fstat, no lock.
  struct stat sb {};
  if (::stat(m_opt.file.c_str(), &sb) == 0 && static_cast<std::uint64_t>(sb.st_size) == m_chain->size() &&
      !m_chain->state().problem)
    return std::int64_t{0};
  const std::int64_t before = count();
  auto lock = lock_and_sync(timeout);
  if (!lock) return lock.error();
  mirror_to_head();
  return count() - before;
}

Result<Entry> ChronologyLog::append(Entry d) {
  if (failure())
    return make_error(ErrorCode::not_saved,
                      "直前の書き込みに失敗したため記録を停止しています。保存先を確認してから開き直してください: " + failure()->ja,
                      "recording is stopped after a failed write; check the case volume and reopen: " + failure()->en);
  auto lock = lock_and_sync(m_opt.lock_timeout);
  if (!lock) return lock.error();
  return append_locked(lock.value(), std::move(d));
}

Result<Entry> ChronologyLog::append_locked(const Lock& lock, Entry d) {
  if (d.type == EntryType::normal && d.source == SourceKind::system) d.category = Category::system;
  d.author = m_operator.name.empty() && d.source == SourceKind::system ? k_system_author : m_operator.name;
  d.author_roles = m_operator.roles;
  if (auto st = validate_draft(d); !st) return st.error();
  if (d.type == EntryType::void_entry)
    if (const Entry* v = void_in_force(entries(), d.target_entry_id)) {
      std::string seq = "?";
      for (const Entry& e : entries())
        if (e.entry_id == d.target_entry_id) seq = std::to_string(e.seq);
      return make_error(ErrorCode::invalid_input,
                        "No. " + seq + " はすでに取り消されています（No. " + std::to_string(v->seq) + "、理由: " + v->reason +
                            "）。二度取り消すことはできません",
                        "No. " + seq + " is already voided (No. " + std::to_string(v->seq) + ", reason: " + v->reason +
                            "); it cannot be voided twice");
    }

  const ClockReading now = m_opt.clock->now();
  // CHR-12: a jump of the wall clock against CLOCK_BOOTTIME since the last entry of this boot.
  for (auto it = entries().rbegin(); it != entries().rend(); ++it) {
    if (it->boot_id != now.boot_id) continue;
    if (auto jump = detect_clock_jump(it->recorded_sys_utc_ns, it->recorded_mono_ns, now)) {
      const double s = static_cast<double>(*jump) / 1e9;
      char buf[64];
      std::snprintf(buf, sizeof buf, "%+.3f s", s);
      Entry j = system_draft("clock_jump", {std::string("システム時計の飛びを検出: ") + buf, std::string("system clock jump detected: ") + buf}, {});
      j.author = m_operator.name.empty() ? k_system_author : m_operator.name;
      j.author_roles = m_operator.roles;
      auto r = write_entry(lock, std::move(j));
      if (!r) return r.error();
    }
    break;
  }
  return write_entry(lock, std::move(d));
}

Result<Entry> ChronologyLog::write_entry(const Lock& lock, Entry e) {
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
  if (auto st = m_chain->append(lock, canonical_json(j), e.entry_hash); !st) return st.error();
  m_rules.entries.push_back(e);
  observe_new_entries(m_observed);
  mirror_to_head();
  if (m_opt.key && m_opt.checkpoint_every > 0 && e.type != EntryType::checkpoint &&
      entries_since_checkpoint() >= m_opt.checkpoint_every) {
    // Entry `e` is already durable: a failed checkpoint must not report it as "not saved" (the
    // operator would enter it twice). The failure stops the log (failure()), so the NEXT append
    // reports "not saved".
    (void)checkpoint_locked(lock);
  }
  return e;
}

void ChronologyLog::mirror_to_head() {
  if (m_mirror_fd < 0) return;
  // Under the lock the mirror is a prefix of the log: copy what it lacks (lines of other
  // processes too). A longer mirror, or a failed write, turns mirroring off (mirrored() false);
  // the primary copy is durable, so losing the mirror is a warning.
  struct stat sb {};
  bool ok = ::fstat(m_mirror_fd, &sb) == 0 && static_cast<std::uint64_t>(sb.st_size) <= m_chain->size();
  if (ok && static_cast<std::uint64_t>(sb.st_size) < m_chain->size()) {
    auto missing = m_chain->read_range(static_cast<std::uint64_t>(sb.st_size), m_chain->size());
    ok = missing && write_fully(m_mirror_fd, missing.value()) && ::fsync(m_mirror_fd) == 0;
  }
  if (!ok) {
    ::close(m_mirror_fd);
    m_mirror_fd = -1;
  }
}

Result<Entry> ChronologyLog::append_system(const std::string& event, const SystemText& text,
                                           const std::vector<std::string>& refs) {
  return append(system_draft(event, text, refs));
}

std::int64_t ChronologyLog::entries_since_checkpoint() const {
  std::int64_t n = 0;
  for (auto it = entries().rbegin(); it != entries().rend() && it->type != EntryType::checkpoint; ++it) ++n;
  return n;
}

Result<Entry> ChronologyLog::append_checkpoint() {
  if (!m_opt.key) return make_error(ErrorCode::unsupported, "キット鍵がありません", "no kit key to sign with");
  if (failure()) return append(Entry{});  // reports the stored failure
  auto lock = lock_and_sync(m_opt.lock_timeout);
  if (!lock) return lock.error();
  return checkpoint_locked(lock.value());
}

Result<Entry> ChronologyLog::checkpoint_locked(const Lock& lock) {
  Entry d;
  d.type = EntryType::checkpoint;
  d.category = Category::system;
  d.source = SourceKind::system;
  d.system_event = "checkpoint";
  d.from = k_system_author;
  d.to = {k_system_author};
  d.content = "署名チェックポイント No. " + std::to_string(count());
  d.content_en = "signed checkpoint No. " + std::to_string(count());
  d.author = m_operator.name.empty() ? k_system_author : m_operator.name;
  d.author_roles = m_operator.roles;
  Checkpoint c;
  c.signed_seq = count();
  c.signed_hash = head_hash();
  c.public_key = m_opt.key->public_key_hex();
  c.signature = m_opt.key->sign_hex(checkpoint_message(m_opt.incident_id, m_opt.device_id, c.signed_seq, c.signed_hash));
  d.checkpoint = c;
  return write_entry(lock, std::move(d));
}

}  // namespace shodo::chronology
