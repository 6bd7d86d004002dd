// The append-only chronology log (CHR-20 … CHR-24): system fields, reopening, torn-tail
// recovery, refusing damaged logs, draft validation, write failures (file-size limit, a full
// tmpfs), the mirror on a second medium, clock-jump detection and signed checkpoints.
#include "tests/unit/test_support.hpp"  // first: it configures catch.hpp

#include <csignal>
#include <sstream>
#include <sys/mount.h>
#include <sys/resource.h>

#include "forensics/chronology/log.hpp"
#include "forensics/chronology/verify.hpp"
#include "forensics/integrity/digest.hpp"
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

std::vector<fs::path> files_matching(const fs::path& dir, const std::string& part) {
  std::vector<fs::path> out;
  for (const auto& f : fs::directory_iterator(dir))
    if (f.path().filename().string().find(part) != std::string::npos) out.push_back(f.path());
  std::sort(out.begin(), out.end());
  return out;
}

// Unmounts a tmpfs mounted by a test, whatever happens in it.
class TmpfsMount {
 public:
  TmpfsMount(const fs::path& dir, const char* size) : m_dir(dir) {
    fs::create_directories(dir);
    const std::string opts = std::string("size=") + size;
    m_mounted = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, opts.c_str()) == 0;
  }
  ~TmpfsMount() {
    if (m_mounted) ::umount2(m_dir.c_str(), MNT_DETACH);
  }
  bool mounted() const { return m_mounted; }

 private:
  fs::path m_dir;
  bool m_mounted = false;
};

std::string error_line(const char* tag, const Error& e) {
  return std::string(tag) + "=" + std::to_string(static_cast<int>(e.code)) + "|" + e.en + "\n";
}

}  // namespace

TEST_CASE("append fills seq, chain and system fields", "[log]") {
  SHODO_TEST_DIR(dir);
  FixedClock clock = t0_clock();
  const auto file = dir / "chronology" / "KIT-0A1B2C3D.jsonl";
  OpenReport rep;
  auto log = open_log(log_options(file, &clock), &rep);
  CHECK(rep.created);
  CHECK(fs::exists(file));
  CHECK(size_of(file) == 0);
  CHECK(log->head_hash() == k_genesis_hash);
  std::vector<Entry> got;
  for (int i = 1; i <= 5; ++i) {
    clock.advance(k_s);
    auto r = log->append(draft("記録 " + std::to_string(i)));
    REQUIRE(r.ok());
    got.push_back(r.value());
  }
  for (std::size_t i = 0; i < got.size(); ++i) {
    const Entry& e = got[i];
    CHECK(e.seq == static_cast<std::int64_t>(i) + 1);
    CHECK(e.prev_hash == (i == 0 ? std::string(k_genesis_hash) : got[i - 1].entry_hash));
    CHECK(e.entry_hash.size() == 64);
    CHECK(e.incident_id == k_incident);
    CHECK(e.device_id == k_device);
    CHECK(e.boot_id == k_boot_a);
    CHECK(e.recorded_sys_utc_ns == (k_t0_s + 1 + static_cast<std::int64_t>(i)) * k_s);
    CHECK(e.recorded_mono_ns == (1000 + 1 + static_cast<std::int64_t>(i)) * k_s);
    CHECK(e.author == "山田 花子");
    CHECK(e.author_roles == std::vector<std::string>{"SCR"});
    CHECK(e.time_quality == TimeQuality::uncorrected);
    CHECK_FALSE(e.recorded_ref_utc_ns.has_value());
    CHECK(e.entry_id.size() == 36);
    CHECK_FALSE(e.training);
  }
  CHECK(log->count() == 5);
  CHECK(log->head_hash() == got.back().entry_hash);
  CHECK(log->entries().back().entry_hash == got.back().entry_hash);
  const VerifyReport v = verify_ok(file);
  CHECK(v.intact());
  CHECK(v.count == 5);
  CHECK(v.last_hash == got.back().entry_hash);
}

TEST_CASE("system fields in a draft are overwritten by the log", "[log]") {
  SHODO_TEST_DIR(dir);
  FixedClock clock = t0_clock();
  auto o = log_options(dir / "c.jsonl", &clock);
  o.training = true;
  auto log = open_log(o);
  Entry d = draft("forged system fields");
  d.seq = 99;
  d.entry_id = "mine";
  d.incident_id = "OTHER-20220101-01";
  d.device_id = "KIT-EVIL";
  d.prev_hash = std::string(64, 'a');
  d.entry_hash = std::string(64, 'b');
  d.recorded_sys_utc_ns = 1;
  d.author = "someone else";
  auto r = log->append(d);
  REQUIRE(r.ok());
  CHECK(r->seq == 1);
  CHECK(r->entry_id != "mine");
  CHECK(r->incident_id == k_incident);
  CHECK(r->device_id == k_device);
  CHECK(r->prev_hash == k_genesis_hash);
  CHECK(r->recorded_sys_utc_ns == k_t0_s * k_s);
  CHECK(r->author == "山田 花子");
  CHECK(r->training);
  CHECK(verify_ok(dir / "c.jsonl").intact());
}

TEST_CASE("reopening continues the sequence and the chain", "[log]") {
  SHODO_TEST_DIR(dir);
  FixedClock clock = t0_clock();
  const auto o = log_options(dir / "c.jsonl", &clock);
  std::string head;
  {
    auto log = open_log(o);
    append_n(*log, clock, 3);
    head = log->head_hash();
  }
  OpenReport rep;
  auto log = open_log(o, &rep);
  CHECK_FALSE(rep.created);
  CHECK_FALSE(rep.recovered_torn_tail);
  CHECK(log->count() == 3);
  CHECK(log->head_hash() == head);
  clock.advance(k_s);
  auto r = log->append(draft("after reopen"));
  REQUIRE(r.ok());
  CHECK(r->seq == 4);
  CHECK(r->prev_hash == head);
  const VerifyReport v = verify_ok(o.file);
  CHECK(v.intact());
  CHECK(v.count == 4);
}

TEST_CASE("torn tail on open: moved to a side file, log cut back, recovery entry appended", "[log]") {
  SHODO_TEST_DIR(dir);
  FixedClock clock = t0_clock();
  const auto o = log_options(dir / "chronology" / "c.jsonl", &clock);
  {
    auto log = open_log(o);
    append_n(*log, clock, 5);
  }
  const std::string good = read_bytes(o.file);
  const std::string torn = "{\"author\":{\"name\":\"山田";  // an interrupted write
  write_bytes(o.file, good + torn);

  clock.advance(60 * k_s);
  OpenReport rep;
  auto log = open_log(o, &rep);
  CHECK(rep.recovered_torn_tail);
  CHECK(rep.torn_bytes == torn.size());
  REQUIRE_FALSE(rep.torn_side_file.empty());
  REQUIRE(fs::exists(rep.torn_side_file));
  CHECK(rep.torn_side_file.parent_path() == o.file.parent_path());
  CHECK(read_bytes(rep.torn_side_file) == torn);
  // The side file is not a chronology (merges pick up *.jsonl only).
  CHECK(rep.torn_side_file.extension() != ".jsonl");

  REQUIRE(log->count() == 6);
  const Entry& rec = log->entries().back();
  CHECK(rec.seq == 6);
  CHECK(rec.system_event == "recovered_interrupted_write");
  CHECK(rec.category == Category::system);
  CHECK(rec.source == SourceKind::system);
  CHECK(rec.content.find(rep.torn_side_file.filename().string()) != std::string::npos);
  CHECK(rec.content.find(std::to_string(torn.size()) + " bytes") != std::string::npos);
  CHECK(rec.content.find(sha256_hex(torn)) != std::string::npos);

  const std::string now = read_bytes(o.file);
  CHECK(now.compare(0, good.size(), good) == 0);  // the good prefix is untouched
  const auto now_lines = split_lines(now);
  REQUIRE(now_lines.size() == 6);
  CHECK(now.size() == good.size() + now_lines.back().size());  // torn bytes gone, one new line
  const VerifyReport v = verify_ok(o.file);
  CHECK(v.intact());
  CHECK(v.count == 6);
}

TEST_CASE("damage other than a torn tail: open fails read_only and the file is unchanged", "[log]") {
  SHODO_TEST_DIR(dir);
  FixedClock clock = t0_clock();
  const auto o = log_options(dir / "chronology" / "c.jsonl", &clock);
  {
    auto log = open_log(o);
    append_n(*log, clock, 6);
  }
  auto lines = split_lines(read_bytes(o.file));
  const std::size_t at = lines[3].find("No. 4 ");
  REQUIRE(at != std::string::npos);
  lines[3][at + 4] = '9';
  SECTION("changed entry") { write_bytes(o.file, join(lines)); }
  SECTION("deleted entry plus a torn tail") {
    lines.erase(lines.begin() + 1);
    write_bytes(o.file, join(lines) + "{\"tor");
  }
  const std::string before_sha = openssl_sha256_file(o.file);
  const auto before_size = size_of(o.file);
  const auto before_mtime = fs::last_write_time(o.file);
  const auto before_listing = files_matching(o.file.parent_path(), "");

  auto r = ChronologyLog::open(o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::read_only);
  CHECK(r.error().en.find("read-only") != std::string::npos);
  CHECK((r.error().en.find("line 4") != std::string::npos || r.error().en.find("line 2") != std::string::npos));
  CHECK_FALSE(r.error().ja.empty());
  CHECK(exit_code_for(r.error().code) == 6);

  CHECK(openssl_sha256_file(o.file) == before_sha);
  CHECK(size_of(o.file) == before_size);
  CHECK(fs::last_write_time(o.file) == before_mtime);
  CHECK(files_matching(o.file.parent_path(), "") == before_listing);  // no side file either
}

TEST_CASE("invalid drafts are refused with invalid_input and nothing is written", "[log]") {
  SHODO_TEST_DIR(dir);
  FixedClock clock = t0_clock();
  const auto o = log_options(dir / "c.jsonl", &clock);
  auto log = open_log(o);
  append_n(*log, clock, 2);
  const auto size = size_of(o.file);
  const std::string target = log->entries().front().entry_id;

  struct Case {
    const char* name;
    std::function<void(Entry&)> edit;
    const char* en_part;
  };
  const std::vector<Case> cases = {
      {"missing from", [](Entry& d) { d.from.clear(); }, "sender"},
      {"missing to", [](Entry& d) { d.to.clear(); }, "receiver"},
      {"missing content", [](Entry& d) { d.content.clear(); }, "content"},
      {"correction without reason",
       [&](Entry& d) {
         d.type = EntryType::correction;
         d.target_entry_id = target;
       },
       "reason"},
      {"void without reason",
       [&](Entry& d) {
         d.type = EntryType::void_entry;
         d.target_entry_id = target;
       },
       "reason"},
      {"action without status", [](Entry& d) { d.action = "遮断"; }, "status"},
      {"paper source without sheet/line", [](Entry& d) { d.source = SourceKind::paper; }, "sheet"},
      {"paper source without line",
       [](Entry& d) {
         d.source = SourceKind::paper;
         d.paper_sheet = 2;
       },
       "line"},
      {"non-UTF-8 content", [](Entry& d) { d.content = "\xff\xfe"; }, "UTF-8"},
      {"non-UTF-8 receiver", [](Entry& d) { d.to = {"\xed\xa0\x80"}; }, "UTF-8"},
      {"category system from a user", [](Entry& d) { d.category = Category::system; }, "reserved"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    Entry d = draft("本文");
    c.edit(d);
    auto r = log->append(d);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::invalid_input);
    CHECK(r.error().en.find(c.en_part) != std::string::npos);
    CHECK_FALSE(r.error().ja.empty());
    CHECK(size_of(o.file) == size);
    CHECK(log->count() == 2);
  }
  // The log is still usable afterwards.
  auto ok = log->append(draft("valid"));
  REQUIRE(ok.ok());
  CHECK(ok->seq == 3);
}

TEST_CASE("without an operator a user entry is refused — system entries are written by Shodo", "[log]") {
  SHODO_TEST_DIR(dir);
  FixedClock clock = t0_clock();
  auto r = ChronologyLog::open(log_options(dir / "c.jsonl", &clock));
  REQUIRE(r.ok());
  auto& log = *r.value();
  auto u = log.append(draft("x"));
  REQUIRE_FALSE(u.ok());
  CHECK(u.error().code == ErrorCode::invalid_input);
  CHECK(u.error().en.find("operator") != std::string::npos);
  auto s = log.append_system("app_start", {"起動", "started"});
  REQUIRE(s.ok());
  CHECK(s->author == "Shodo");
  CHECK(s->category == Category::system);
  CHECK(s->system_event == "app_start");
  CHECK(s->seq == 1);
  auto cp = log.append_checkpoint();
  REQUIRE_FALSE(cp.ok());
  CHECK(cp.error().code == ErrorCode::unsupported);
}

TEST_CASE("write failure (file size limit): not saved, no partial line, log stops", "[log]") {
  SHODO_TEST_DIR(dir);
  FixedClock clock = t0_clock();
  const auto o = log_options(dir / "chronology" / "c.jsonl", &clock);
  {
    auto log = open_log(o);
    append_n(*log, clock, 3);
  }
  const std::string before = read_bytes(o.file);
  const std::int64_t extra = GENERATE(0, 200);  // fails at once / after a partial write

  const ChildResult child = run_in_child([&]() -> std::string {
    std::signal(SIGXFSZ, SIG_IGN);
    FixedClock c = clock;
    auto log = open_log(log_options(o.file, &c));
    const rlim_t limit = static_cast<rlim_t>(before.size()) + static_cast<rlim_t>(extra);
    rlimit rl{limit, limit};
    if (::setrlimit(RLIMIT_FSIZE, &rl) != 0) return "setrlimit failed";
    std::ostringstream out;
    c.advance(k_s);
    auto r1 = log->append(draft("この記録は保存されない"));
    out << (r1.ok() ? std::string("first=ok\n") : error_line("first", r1.error()));
    out << "failure=" << (log->failure().has_value() ? 1 : 0) << "\n";
    out << "count=" << log->count() << "\n";
    c.advance(k_s);
    auto r2 = log->append(draft("二件目"));
    out << (r2.ok() ? std::string("second=ok\n") : error_line("second", r2.error()));
    return out.str();
  });
  INFO("child output:\n" << child.output);
  REQUIRE(child.exit_code == 0);
  const std::string not_saved = std::to_string(static_cast<int>(ErrorCode::not_saved));
  CHECK(child.output.find("first=" + not_saved + "|the entry was NOT saved") != std::string::npos);
  CHECK(child.output.find("File too large") != std::string::npos);
  CHECK(child.output.find("failure=1") != std::string::npos);
  CHECK(child.output.find("count=3") != std::string::npos);
  CHECK(child.output.find("second=" + not_saved + "|recording is stopped") != std::string::npos);
  // The file ends at the last complete entry: byte-for-byte what it was.
  CHECK(read_bytes(o.file) == before);
  // Reopened without the limit, it verifies and accepts entries again.
  auto log = open_log(o);
  CHECK(log->count() == 3);
  clock.advance(10 * k_s);
  auto r = log->append(draft("再開"));
  REQUIRE(r.ok());
  CHECK(r->seq == 4);
  CHECK(verify_ok(o.file).intact());
}

TEST_CASE("an automatic checkpoint that cannot be written does not unsave the entry before it", "[log]") {
  // Regression. The header promises: not_saved / no_space ⇒ the entry is NOT stored. When the
  // checkpoint that follows entry No. 5 fails, entry No. 5 is already durable; reporting "not
  // saved" for it would make the operator enter it again (a duplicate in the chronology).
  SHODO_TEST_DIR(dir);
  auto key = KitKey::load_or_create(dir / "kit");
  REQUIRE(key.ok());
  FixedClock clock = t0_clock();
  auto o = log_options(dir / "chronology" / "c.jsonl", &clock);
  o.key = &key.value();
  o.checkpoint_every = 5;

  const ChildResult child = run_in_child([&]() -> std::string {
    std::signal(SIGXFSZ, SIG_IGN);
    FixedClock c = clock;
    auto lo = o;
    lo.clock = &c;
    auto log = open_log(lo);
    append_n(*log, c, 4);
    const auto lines = split_lines(read_bytes(lo.file));
    // Room for one more ordinary entry, not for the (longer) checkpoint after it.
    const rlim_t limit = static_cast<rlim_t>(size_of(lo.file) + lines.back().size() + 40);
    rlimit rl{limit, limit};
    if (::setrlimit(RLIMIT_FSIZE, &rl) != 0) return "setrlimit failed";
    c.advance(k_s);
    auto r = log->append(draft("記録 No. 5 サーバ室で暗号化を確認"));
    std::ostringstream out;
    out << (r.ok() ? "fifth=ok seq=" + std::to_string(r->seq) + "\n" : error_line("fifth", r.error()));
    c.advance(k_s);
    auto r2 = log->append(draft("六件目"));
    out << (r2.ok() ? std::string("sixth=ok\n") : error_line("sixth", r2.error()));
    return out.str();
  });
  INFO("child output:\n" << child.output);
  REQUIRE(child.exit_code == 0);
  const VerifyReport v = verify_ok(o.file);
  CHECK(v.intact());
  REQUIRE(v.count == 5);  // entry No. 5 IS in the file ...
  CHECK(v.entries.back().content == "記録 No. 5 サーバ室で暗号化を確認");
  CHECK(child.output.find("fifth=ok seq=5") != std::string::npos);  // ... so it must be reported saved
  CHECK(child.output.find("sixth=" + std::to_string(static_cast<int>(ErrorCode::not_saved))) != std::string::npos);
}

TEST_CASE("full case volume (tmpfs): no_space, message says full, the log stays whole", "[log][tmpfs]") {
  SHODO_TEST_DIR(dir);
  TmpfsMount mnt(dir / "vol", "64k");
  if (!mnt.mounted()) SHODO_SKIP("cannot mount a tmpfs here: needs root (CAP_SYS_ADMIN)");
  FixedClock clock = t0_clock();
  const auto o = log_options(dir / "vol" / "chronology" / "c.jsonl", &clock);
  std::int64_t saved = 0;
  std::optional<Error> err;
  {
    auto log = open_log(o);
    for (int i = 1; i <= 2000; ++i) {
      clock.advance(k_s);
      auto r = log->append(draft("記録 No. " + std::to_string(i) + " 空き容量がなくなるまで書く"));
      if (!r) {
        err = r.error();
        break;
      }
      ++saved;
    }
    REQUIRE(err.has_value());
    CHECK(saved > 10);
    CHECK(err->code == ErrorCode::no_space);
    CHECK(err->en.find("full") != std::string::npos);
    CHECK(err->ja.find("空き容量") != std::string::npos);
    CHECK(err->en.find("NOT saved") != std::string::npos);
    CHECK(exit_code_for(err->code) == 5);
    auto again = log->append(draft("まだ書ける？"));
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().code == ErrorCode::not_saved);
    CHECK(log->count() == saved);
  }
  const std::string bytes = read_bytes(o.file);
  REQUIRE_FALSE(bytes.empty());
  CHECK(bytes.back() == '\n');
  const VerifyReport v = verify_ok(o.file);
  CHECK(v.intact());
  CHECK(v.count == saved);
  // Reopening on the still-full volume works (read + verify need no space).
  OpenReport rep;
  auto log = open_log(o, &rep);
  CHECK(log->count() == saved);
  CHECK_FALSE(rep.recovered_torn_tail);
}

TEST_CASE("mirror on a second medium: byte-identical copy of every entry", "[log][mirror]") {
  SHODO_TEST_DIR(dir);
  FixedClock clock = t0_clock();
  auto o = log_options(dir / "case" / "c.jsonl", &clock);
  o.mirror = dir / "usb2" / "incidents" / "c.jsonl";
  OpenReport rep;
  auto log = open_log(o, &rep);
  CHECK(rep.mirror_ok);
  CHECK(rep.mirror_problem_en.empty());
  CHECK(log->mirrored());
  append_n(*log, clock, 7);
  CHECK(read_bytes(*o.mirror) == read_bytes(o.file));
  CHECK(split_lines(read_bytes(*o.mirror)).size() == 7);
  CHECK(verify_ok(*o.mirror).intact());
}

TEST_CASE("mirror attached later catches up with the log", "[log][mirror]") {
  SHODO_TEST_DIR(dir);
  FixedClock clock = t0_clock();
  auto o = log_options(dir / "case" / "c.jsonl", &clock);
  {
    auto log = open_log(o);
    append_n(*log, clock, 3);
    CHECK_FALSE(log->mirrored());
  }
  o.mirror = dir / "usb2" / "c.jsonl";
  OpenReport rep;
  auto log = open_log(o, &rep);
  CHECK(rep.mirror_ok);
  CHECK(log->mirrored());
  CHECK(read_bytes(*o.mirror) == read_bytes(o.file));
  append_n(*log, clock, 2, 4);
  CHECK(read_bytes(*o.mirror) == read_bytes(o.file));
}

TEST_CASE("mirror longer than the log (newest entries cut from the log) is reported", "[log][mirror]") {
  SHODO_TEST_DIR(dir);
  FixedClock clock = t0_clock();
  auto o = log_options(dir / "case" / "c.jsonl", &clock);
  o.mirror = dir / "usb2" / "c.jsonl";
  {
    auto log = open_log(o);
    append_n(*log, clock, 5);
  }
  auto lines = split_lines(read_bytes(o.file));
  lines.pop_back();  // someone removed the newest entry from the log
  write_bytes(o.file, join(lines));
  const std::string mirror_before = read_bytes(*o.mirror);
  OpenReport rep;
  auto log = open_log(o, &rep);
  CHECK_FALSE(rep.mirror_ok);
  CHECK_FALSE(log->mirrored());
  CHECK(rep.mirror_problem_en.find("does not match") != std::string::npos);
  CHECK(rep.mirror_problem_en.find(o.mirror->string()) != std::string::npos);
  CHECK_FALSE(rep.mirror_problem_ja.empty());
  // The mirror is evidence of the loss: it is left exactly as it was.
  clock.advance(k_s);
  REQUIRE(log->append(draft("after")).ok());
  CHECK(read_bytes(*o.mirror) == mirror_before);
}

TEST_CASE("mirror medium full: entries still saved on the case volume, mirrored() turns false", "[log][mirror][tmpfs]") {
  SHODO_TEST_DIR(dir);
  TmpfsMount mnt(dir / "usb2", "16k");
  if (!mnt.mounted()) SHODO_SKIP("cannot mount a tmpfs here: needs root (CAP_SYS_ADMIN)");
  FixedClock clock = t0_clock();
  auto o = log_options(dir / "case" / "c.jsonl", &clock);
  o.mirror = dir / "usb2" / "c.jsonl";
  int lost_at = 0;
  {
    auto log = open_log(o);
    REQUIRE(log->mirrored());
    for (int i = 1; i <= 60; ++i) {
      clock.advance(k_s);
      auto r = log->append(draft("記録 No. " + std::to_string(i) + " 第二の媒体がいっぱいになるまで"));
      REQUIRE(r.ok());  // the primary copy never fails because of the mirror
      if (!log->mirrored() && !lost_at) lost_at = i;
    }
    CHECK(lost_at > 1);
    CHECK(log->count() == 60);
  }
  const std::string log_bytes = read_bytes(o.file);
  const std::string mirror_bytes = read_bytes(*o.mirror);
  CHECK(mirror_bytes.size() < log_bytes.size());
  CHECK(log_bytes.compare(0, mirror_bytes.size(), mirror_bytes) == 0);  // a prefix, never different
  CHECK(verify_ok(o.file).count == 60);
  // Reopening with the medium still full: the log opens, the report says the copy failed.
  OpenReport rep;
  auto log = open_log(o, &rep);
  CHECK_FALSE(rep.mirror_ok);
  CHECK_FALSE(log->mirrored());
  CHECK_FALSE(rep.mirror_problem_en.empty());
}

TEST_CASE("clock jump between two entries writes a clock_jump system entry first", "[log][time]") {
  SHODO_TEST_DIR(dir);
  FixedClock clock = t0_clock();
  auto log = open_log(log_options(dir / "c.jsonl", &clock));
  REQUIRE(log->append(draft("before")).ok());
  const ClockReading r0 = clock.now();

  SECTION("wall clock set forward 10 minutes") {
    clock.set(reading(r0.sys_utc_ns + 600 * k_s, r0.boottime_ns + 1 * k_s));
    auto r = log->append(draft("after the jump"));
    REQUIRE(r.ok());
    CHECK(r->seq == 3);
    REQUIRE(log->count() == 3);
    const Entry& j = log->entries()[1];
    CHECK(j.seq == 2);
    CHECK(j.system_event == "clock_jump");
    CHECK(j.category == Category::system);
    CHECK(j.source == SourceKind::system);
    CHECK(j.content.find("+599.000 s") != std::string::npos);
    // The jump entry itself is recorded with the new (jumped) readings.
    CHECK(j.recorded_sys_utc_ns == r0.sys_utc_ns + 600 * k_s);
  }
  SECTION("wall clock set back one hour") {
    clock.set(reading(r0.sys_utc_ns - 3600 * k_s, r0.boottime_ns + 5 * k_s));
    REQUIRE(log->append(draft("after")).ok());
    REQUIRE(log->count() == 3);
    CHECK(log->entries()[1].system_event == "clock_jump");
    CHECK(log->entries()[1].content.find("-3605.000 s") != std::string::npos);
  }
  SECTION("drift below the 2 s tolerance is not a jump") {
    clock.set(reading(r0.sys_utc_ns + 301'500'000'000, r0.boottime_ns + 300 * k_s));
    REQUIRE(log->append(draft("after")).ok());
    CHECK(log->count() == 2);
  }
  SECTION("a new boot is not a jump") {
    clock.set(reading(r0.sys_utc_ns + 3600 * k_s, 5 * k_s, k_boot_b));
    REQUIRE(log->append(draft("after reboot")).ok());
    CHECK(log->count() == 2);
  }
  CHECK(verify_ok(dir / "c.jsonl").intact());
}

TEST_CASE("signed checkpoints every N entries", "[log][kitkey]") {
  SHODO_TEST_DIR(dir);
  auto key = KitKey::load_or_create(dir / "kit");
  REQUIRE(key.ok());
  FixedClock clock = t0_clock();
  auto o = log_options(dir / "c.jsonl", &clock);
  o.key = &key.value();
  o.checkpoint_every = 5;
  auto log = open_log(o);
  for (int i = 1; i <= 12; ++i) {
    clock.advance(k_s);
    auto r = log->append(draft("記録 " + std::to_string(i)));
    REQUIRE(r.ok());
    CHECK(r->type == EntryType::normal);
  }
  // 5 entries, checkpoint No. 6, 5 entries (7–11), checkpoint No. 12, 2 entries (13–14).
  REQUIRE(log->count() == 14);
  std::vector<std::int64_t> cps;
  for (const auto& e : log->entries())
    if (e.type == EntryType::checkpoint) cps.push_back(e.seq);
  CHECK(cps == std::vector<std::int64_t>{6, 12});
  const Entry& cp = log->entries()[5];
  REQUIRE(cp.checkpoint);
  CHECK(cp.checkpoint->signed_seq == 5);
  CHECK(cp.checkpoint->signed_hash == log->entries()[4].entry_hash);
  CHECK(cp.checkpoint->public_key == key->public_key_hex());
  CHECK(verify_signature_hex(key->public_key_hex(),
                             checkpoint_message(k_incident, k_device, 5, log->entries()[4].entry_hash),
                             cp.checkpoint->signature));
  CHECK(log->entries()[11].checkpoint->signed_seq == 11);

  VerifyOptions vo;
  vo.pinned_public_key = key->public_key_hex();
  auto v = verify_chronology_file(o.file, vo);
  REQUIRE(v.ok());
  CHECK(v->intact());
  CHECK(v->count == 14);
  CHECK(v->checkpoints_verified == 2);
}

TEST_CASE("a trailing empty line does not make the next append corrupt the chain", "[log]") {
  // Regression: verify_chronology once treated "...\n\n" as intact (the blank line as padding)
  // and open() kept it, so the next entry was appended AFTER the blank line; the blank line was
  // then in the middle of the file and the next open refused the log as damaged (bad_json).
  SHODO_TEST_DIR(dir);
  FixedClock clock = t0_clock();
  const auto o = log_options(dir / "c.jsonl", &clock);
  {
    auto log = open_log(o);
    append_n(*log, clock, 3);
  }
  write_bytes(o.file, read_bytes(o.file) + "\n");
  {
    auto log = open_log(o);
    append_n(*log, clock, 1, 4);
  }
  const VerifyReport v = verify_ok(o.file);
  INFO("problem: " << (v.problem ? v.problem->en : std::string("none")));
  CHECK(v.intact());
  // Either the blank line is tolerated or it is moved aside like a torn tail (with its
  // "recovered_interrupted_write" entry); the appended entry must be the last, intact one.
  REQUIRE_FALSE(v.entries.empty());
  CHECK(v.entries.back().content.find("記録 No. 4 ") == 0);
  CHECK((v.count == 4 || (v.count == 5 && v.entries[3].system_event == "recovered_interrupted_write")));
  auto again = ChronologyLog::open(o);
  CHECK(again.ok());
}

TEST_CASE("two torn-tail recoveries in the same second keep both side files", "[log]") {
  // Regression: a kit with a dead RTC battery boots to the same wall-clock time; the side file
  // name is only stamped to the second, and write_file_atomic replaced the earlier side file.
  SHODO_TEST_DIR(dir);
  FixedClock clock = t0_clock();
  const auto o = log_options(dir / "c.jsonl", &clock);
  {
    auto log = open_log(o);
    append_n(*log, clock, 2);
  }
  const ClockReading same = clock.now();
  write_bytes(o.file, read_bytes(o.file) + "{\"first torn");
  {
    OpenReport rep;
    auto log = open_log(o, &rep);
    CHECK(rep.recovered_torn_tail);
  }
  clock.set(same);
  write_bytes(o.file, read_bytes(o.file) + "{\"second torn");
  {
    OpenReport rep;
    auto log = open_log(o, &rep);
    CHECK(rep.recovered_torn_tail);
  }
  const auto sides = files_matching(dir.path(), ".torn-");
  std::vector<std::string> contents;
  for (const auto& s : sides) contents.push_back(read_bytes(s));
  std::sort(contents.begin(), contents.end());
  CHECK(contents == std::vector<std::string>{"{\"first torn", "{\"second torn"});
  CHECK(verify_ok(o.file).intact());
}
