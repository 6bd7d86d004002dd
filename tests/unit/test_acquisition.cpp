// The acquisition job end to end with a scripted source (issue 10 §4, §5): run, resume and
// verify_image through injected openers (tests/unit/fake_source.hpp), every failure after the
// image recorded in the result and the reports with the chronology's end entry written, one
// verdict for the CLI's exit status and the GUI's state, a dead source told apart from bad
// sectors, and malformed resume state files refused with a clear error.
#include "tests/unit/test_support.hpp"  // first: it configures catch.hpp

#include <fstream>

#include "forensics/acquire/acquisition.hpp"
#include "forensics/case/workspace.hpp"
#include "forensics/core/atomic_file.hpp"
#include "forensics/evidence/evidence.hpp"
#include "forensics/integrity/hasher.hpp"
#include "tests/unit/fake_source.hpp"
#include "tests/unit/test_evidence_support.hpp"

using namespace shodo;
using namespace shodo::acquire;
using namespace shodo::unit;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::size_t k_kib = 1024;

std::string hash_of(HashAlgo a, const std::vector<unsigned char>& v) {
  Hasher h(a);
  h.update(v.data(), v.size());
  return h.finish_hex();
}

std::vector<unsigned char> file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

const HashValue* find_hash(const std::vector<HashValue>& v, HashAlgo a) {
  for (const auto& h : v)
    if (h.algo == a) return &h;
  return nullptr;
}

// A workspace, a source file of `size` bytes (preflight reads its size) and a destination.
struct AcqFixture : evidence_test::EvFixture {
  std::unique_ptr<Workspace> ws;
  std::vector<unsigned char> data;
  fs::path source, out;
  explicit AcqFixture(std::size_t size = 1024 * k_kib) : ws(create()), data(disk_pattern(size)) {
    source = dir / "suspect.img";
    std::ofstream(source, std::ios::binary).write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    out = dir / "out";
    fs::create_directories(out);
  }
  AcquireRequest request(const std::string& name = "img") const {
    AcquireRequest r;
    r.source = source;
    r.dest_dir = out;
    r.name = name;
    r.algos = {HashAlgo::sha256, HashAlgo::md5};
    r.block_size = 64 * k_kib;
    r.queue_blocks = 4;
    return r;
  }
  // The job reads a FakeSource over `data`, set up by `script`, instead of the file.
  AcquireCallbacks fake(std::function<void(FakeSource&)> script = {}) const {
    AcquireCallbacks cb;
    cb.open.source = [bytes = data, script](const fs::path& p, SourceInfo* info) -> Result<std::unique_ptr<Source>> {
      auto src = std::make_unique<FakeSource>(bytes);
      if (script) script(*src);
      if (info) {
        info->path = p.string();
        info->size = bytes.size();
        info->logical_sector = 512;
        info->physical_sector = 512;
      }
      return std::unique_ptr<Source>(std::move(src));
    };
    return cb;
  }
  std::vector<std::string> events() const {
    std::vector<std::string> v;
    for (const auto& e : ws->log().entries())
      if (!e.system_event.empty()) v.push_back(e.system_event);
    return v;
  }
  std::string last_content(const std::string& event) const {
    std::string c;
    for (const auto& e : ws->log().entries())
      if (e.system_event == event) c = e.content_en;
    return c;
  }
};

Result<AcquireResult> run(AcqFixture& f, const AcquireRequest& req, const AcquireCallbacks& cb, CancelToken* token = nullptr) {
  Progress progress;
  CancelToken own;
  return run_acquisition(*f.ws, req, progress, token ? *token : own, cb);
}

bool has_failure(const AcquireResult& r, const std::string& stage) {
  for (const auto& f : r.record.failures)
    if (f.stage == stage) return true;
  return false;
}

}  // namespace

// ---- the verdict ---------------------------------------------------------------------------

TEST_CASE("verdict: one verdict from the result gives the exit status — the cases the CLI and GUI disagreed on", "[acquire][verdict]") {
  AcquireResult r;
  r.outcome = Outcome::complete;
  r.verified = true;
  CHECK(verdict_of(r).verdict == Verdict::complete);
  CHECK(exit_code(verdict_of(r).verdict) == 0);
  r.outcome = Outcome::complete_with_bad_sectors;
  CHECK(verdict_of(r).verdict == Verdict::complete_with_bad_sectors);
  CHECK(exit_code(verdict_of(r).verdict) == 10);

  SECTION("reports beside the image not written: records incomplete, exit 12 — never plain complete") {
    r.outcome = Outcome::complete;
    r.report_errors.push_back(make_error(ErrorCode::no_space, "満杯", "full"));
    const auto v = verdict_of(r);
    CHECK(v.verdict == Verdict::records_incomplete);
    CHECK(exit_code(v.verdict) == 12);
    CHECK(v.reason_en.find("could not be saved") != std::string::npos);
    CHECK(v.reason_ja.find("保存できませんでした") != std::string::npos);
  }
  SECTION("a register write that failed after the image: records incomplete") {
    r.record.failures.push_back({"register", make_error(ErrorCode::not_saved, "登録簿", "register")});
    CHECK(verdict_of(r).verdict == Verdict::records_incomplete);
    CHECK(std::string(to_string(verdict_of(r).verdict)) == "records_incomplete");
  }
  SECTION("verification cancelled: exit 14 — never a mismatch") {
    r.outcome = Outcome::complete;
    r.verified = false;
    r.verify_cancelled = true;
    CHECK(verdict_of(r).verdict == Verdict::verify_cancelled);
    CHECK(exit_code(verdict_of(r).verdict) == 14);
  }
  SECTION("a check that did not match outweighs failed records") {
    r.verified = false;
    r.report_errors.push_back(make_error(ErrorCode::no_space, "満杯", "full"));
    VerifyCheck c;
    c.done = true;
    c.match = false;
    r.record.verification.push_back(c);
    CHECK(verdict_of(r).verdict == Verdict::verify_mismatch);
    CHECK(exit_code(verdict_of(r).verdict) == 4);
  }
  SECTION("early ends follow the outcome") {
    r.verified = false;
    const std::pair<Outcome, int> cases[] = {{Outcome::aborted_source_gone, 11},   {Outcome::aborted_source_unresponsive, 11},
                                             {Outcome::aborted_destination, 12},   {Outcome::aborted_bad_limit, 13},
                                             {Outcome::cancelled, 14}};
    for (const auto& [o, code] : cases) {
      r.outcome = o;
      r.record.outcome_en = to_string(o);
      INFO(to_string(o));
      CHECK(exit_code(verdict_of(r).verdict) == code);
      CHECK(exit_code_for_outcome(o, false) == code);
      CHECK(verdict_of(r).reason_en == to_string(o));
    }
  }
}

// ---- run -----------------------------------------------------------------------------------

TEST_CASE("run: a clean scripted source — complete, verified, records written, start and end in the chronology", "[acquire][job]") {
  AcqFixture f;
  auto r = run(f, f.request(), f.fake());
  REQUIRE(r.ok());
  CHECK(r->outcome == Outcome::complete);
  CHECK(r->verified);
  CHECK(verdict_of(r.value()).verdict == Verdict::complete);
  CHECK(r->end_entry_saved);
  CHECK(r->record.failures.empty());
  CHECK(r->record.verdict == "complete");
  CHECK(file_bytes(f.out / "img.raw") == f.data);
  CHECK(find_hash(r->record.source_hashes, HashAlgo::sha256)->hex == hash_of(HashAlgo::sha256, f.data));
  const auto ev = f.events();
  CHECK(std::count(ev.begin(), ev.end(), "acquisition_started") == 1);
  CHECK(std::count(ev.begin(), ev.end(), "acquisition_ended") == 1);
  CHECK(f.last_content("acquisition_ended").find("verdict complete") != std::string::npos);
  // The sidecar JSON carries the verdict and the (empty) failures.
  const json j = json::parse(read_file(f.out / "img.json").value());
  CHECK(j["verdict"] == "complete");
  CHECK(j["failures"].empty());
  CHECK_FALSE(fs::exists(f.out / "img.state.json"));
}

TEST_CASE("run: scattered bad sectors — zero-filled, complete with unreadable sectors, exit 10", "[acquire][job]") {
  AcqFixture f;
  auto r = run(f, f.request(), f.fake([](FakeSource& s) { s.bad_sectors = {0, 700, 701, 2047}; }));
  REQUIRE(r.ok());
  CHECK(r->outcome == Outcome::complete_with_bad_sectors);
  CHECK(r->record.bad_sectors == 4);
  CHECK(exit_code(verdict_of(r.value()).verdict) == 10);
  auto expected = f.data;
  for (std::uint64_t lba : {0, 700, 701, 2047}) std::fill_n(expected.begin() + static_cast<std::ptrdiff_t>(lba * 512), 512, 0);
  CHECK(file_bytes(f.out / "img.raw") == expected);
}

TEST_CASE("run: a source that fails from the first read is not 'complete': exit 11, no whole-source hash", "[acquire][job][dead]") {
  AcqFixture f;
  auto r = run(f, f.request(), f.fake([](FakeSource& s) { s.dead_from = 0; }));
  REQUIRE(r.ok());
  CHECK(r->outcome == Outcome::aborted_source_unresponsive);
  CHECK(verdict_of(r.value()).verdict == Verdict::aborted_source);
  CHECK(exit_code(verdict_of(r.value()).verdict) == 11);
  CHECK(r->record.source_hashes.empty());
  CHECK_FALSE(r->verified);
  CHECK(r->record.outcome_en.find("stopped answering") != std::string::npos);
  CHECK(r->record.outcome_ja.find("応答しなくなりました") != std::string::npos);
  CHECK(r->record.verify_summary_en.find("MATCH") == std::string::npos);
  CHECK(r->end_entry_saved);
  CHECK(f.last_content("acquisition_ended").find("NO whole-source hash") != std::string::npos);
}

TEST_CASE("run + resume: a source that dies half-way stops with exit 11 and a consistent partial image, and resume finishes it",
          "[acquire][job][dead][resume]") {
  AcqFixture f;
  auto r = run(f, f.request(), f.fake([](FakeSource& s) { s.dead_from = 600 * k_kib; }));
  REQUIRE(r.ok());
  CHECK(r->outcome == Outcome::aborted_source_unresponsive);
  CHECK(exit_code(verdict_of(r.value()).verdict) == 11);
  CHECK(r->record.bytes_covered == 576 * k_kib);
  CHECK(r->record.bad.empty());
  const auto partial = file_bytes(f.out / "img.raw");
  REQUIRE(partial.size() == r->record.bytes_covered);
  CHECK(std::equal(partial.begin(), partial.end(), f.data.begin()));
  REQUIRE_FALSE(r->state_file.empty());

  // The device answers again (reconnected): --resume reads only the rest.
  Progress progress;
  CancelToken cancel;
  auto resumed = resume_acquisition(*f.ws, r->state_file, progress, cancel, f.fake());
  REQUIRE(resumed.ok());
  CHECK(resumed->outcome == Outcome::complete);
  CHECK(resumed->record.resumed);
  CHECK(resumed->record.resumed_from == 576 * k_kib);
  CHECK(verdict_of(resumed.value()).verdict == Verdict::complete);
  CHECK(file_bytes(f.out / "img.raw") == f.data);
  CHECK(find_hash(resumed->record.source_hashes, HashAlgo::md5)->hex == hash_of(HashAlgo::md5, f.data));
  const auto ev = f.events();
  CHECK(std::count(ev.begin(), ev.end(), "acquisition_resumed") == 1);
  CHECK(std::count(ev.begin(), ev.end(), "acquisition_ended") == 2);
}

TEST_CASE("run: an image that cannot be re-read is a recorded verification failure, not a lost job", "[acquire][job][records]") {
  AcqFixture f;
  AcquireCallbacks cb = f.fake();
  cb.open.image = [](ImageFormat, const std::vector<fs::path>&) -> Result<std::unique_ptr<Source>> {
    return make_error(ErrorCode::io_error, "保存先の媒体が外れました", "the destination medium was removed");
  };
  auto r = run(f, f.request(), cb);
  REQUIRE(r.ok());
  CHECK(r->outcome == Outcome::complete);
  CHECK_FALSE(r->verified);
  CHECK(verdict_of(r.value()).verdict == Verdict::verify_mismatch);
  CHECK(exit_code(verdict_of(r.value()).verdict) == 4);
  CHECK(has_failure(r.value(), "verification"));
  CHECK(r->end_entry_saved);
  CHECK(f.last_content("acquisition_ended").find("verify MISMATCH") != std::string::npos);
  CHECK(f.last_content("acquisition_ended").find("the destination medium was removed") != std::string::npos);
  const json j = json::parse(read_file(f.out / "img.json").value());
  CHECK(j["verdict"] == "verify_mismatch");
  REQUIRE(j["failures"].size() == 1);
  CHECK(j["failures"][0]["stage"] == "verification");
}

TEST_CASE("run: a scripted image with a bad sector is a mismatch on re-read", "[acquire][job][records]") {
  AcqFixture f;
  AcquireCallbacks cb = f.fake();
  cb.open.image = [&f](ImageFormat, const std::vector<fs::path>&) -> Result<std::unique_ptr<Source>> {
    auto img = std::make_unique<FakeSource>(file_bytes(f.out / "img.raw"));
    img->bad_sectors = {5};
    return std::unique_ptr<Source>(std::move(img));
  };
  auto r = run(f, f.request(), cb);
  REQUIRE(r.ok());
  CHECK(verdict_of(r.value()).verdict == Verdict::verify_mismatch);
  CHECK(r->record.verify_summary_en.find("MISMATCH") != std::string::npos);
}

TEST_CASE("run: sidecar reports that cannot be written give records_incomplete (exit 12), the register and chronology still get it",
          "[acquire][job][records]") {
  AcqFixture f;
  // A file of the hash-file name makes the sidecar writer refuse (it never overwrites).
  std::ofstream(f.out / "img.sha256") << "taken\n";
  auto r = run(f, f.request(), f.fake());
  REQUIRE(r.ok());
  CHECK(r->outcome == Outcome::complete);
  CHECK(r->verified);
  REQUIRE(r->report_errors.size() == 1);
  CHECK(has_failure(r.value(), "sidecar"));
  CHECK(verdict_of(r.value()).verdict == Verdict::records_incomplete);
  CHECK(exit_code(verdict_of(r.value()).verdict) == 12);
  CHECK(r->end_entry_saved);
  CHECK(f.last_content("acquisition_ended").find("NOT written: sidecar") != std::string::npos);
  auto reg = evidence::EvidenceRegister::open(*f.ws);
  REQUIRE(reg.ok());
  const auto img = reg->find(r->record.image_evidence_no);
  REQUIRE(img.has_value());
  REQUIRE(img->acquisition.has_value());
  CHECK(img->acquisition->outcome == "completed");
}

TEST_CASE("run: a register that fails after the image keeps the result and still writes the end entry", "[acquire][job][records]") {
  AcqFixture f;
  AcquireCallbacks cb = f.fake();
  const fs::path reg_file = f.ws->dir() / "evidence" / evidence::k_register_file;
  // While the image is re-read, the register is damaged (a line that is not a record): every
  // later register write is refused.
  cb.open.image = [reg_file](ImageFormat, const std::vector<fs::path>& files) -> Result<std::unique_ptr<Source>> {
    std::ofstream(reg_file, std::ios::app) << "this is not a register line\n";
    return open_raw_image(files);
  };
  auto r = run(f, f.request(), cb);
  REQUIRE(r.ok());  // never "refused" after a finished image
  CHECK(r->outcome == Outcome::complete);
  CHECK(r->verified);
  CHECK(has_failure(r.value(), "register"));
  CHECK(verdict_of(r.value()).verdict == Verdict::records_incomplete);
  CHECK(r->end_entry_saved);
  CHECK(f.last_content("acquisition_ended").find("NOT written: register") != std::string::npos);
  // The reports beside the image say so too.
  const json j = json::parse(read_file(f.out / "img.json").value());
  CHECK(j["verdict"] == "records_incomplete");
  CHECK(j["failures"][0]["stage"] == "register");
  const std::string info = read_file(f.out / "img.info.txt").value();
  CHECK(info.find("register") != std::string::npos);
}

TEST_CASE("run: cancelled while verifying — verdict verify_cancelled (exit 14), not a mismatch", "[acquire][job][records]") {
  AcqFixture f;
  AcquireCallbacks cb = f.fake();
  CancelToken cancel;
  cb.open.image = [&cancel](ImageFormat, const std::vector<fs::path>& files) -> Result<std::unique_ptr<Source>> {
    cancel.cancel();
    return open_raw_image(files);
  };
  auto r = run(f, f.request(), cb, &cancel);
  REQUIRE(r.ok());
  CHECK(r->outcome == Outcome::complete);
  CHECK(r->verify_cancelled);
  CHECK(verdict_of(r.value()).verdict == Verdict::verify_cancelled);
  CHECK(exit_code(verdict_of(r.value()).verdict) == 14);
  CHECK(f.last_content("acquisition_ended").find("verify CANCELLED") != std::string::npos);
}

// ---- resume state files --------------------------------------------------------------------

TEST_CASE("resume: a malformed state file is a clear invalid_input error, never an exception", "[acquire][resume]") {
  AcqFixture f;
  auto r = run(f, f.request(), f.fake([](FakeSource& s) { s.dead_from = 300 * k_kib; }));
  REQUIRE(r.ok());
  REQUIRE_FALSE(r->state_file.empty());
  const json good = json::parse(read_file(r->state_file).value());
  const fs::path bad = f.dir / "bad.state.json";
  auto try_resume = [&](const std::string& text) {
    REQUIRE(write_file_atomic(bad, text, 0640).ok());
    Progress progress;
    CancelToken cancel;
    return resume_acquisition(*f.ws, bad, progress, cancel, f.fake());
  };
  auto without = [&](const std::string& key) {
    json j = good;
    j.erase(key);
    return j.dump();
  };
  auto with = [&](const std::string& key, json v) {
    json j = good;
    j[key] = std::move(v);
    return j.dump();
  };
  json bad_request = good;
  bad_request["request"]["source"] = 5;
  json bad_range = good;
  bad_range["bad_ranges"] = json::array({json{{"offset", "zero"}, {"length", 512}}});
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"[]", "not a JSON object"},
      {"not json", "not JSON"},
      {"{}", "missing"},
      {without("committed_bytes"), "committed_bytes"},
      {without("request"), "request"},
      {with("committed_bytes", "many"), "wrong type"},
      {with("incident_id", 42), "wrong type"},
      {with("source_size", -1), "wrong type"},
      {with("device", json::array()), "wrong type"},
      {with("format", "something-else"), "format"},
      {bad_request.dump(), "request"},
      {bad_range.dump(), "bad-range"},
  };
  for (const auto& [text, says] : cases) {
    INFO(text.substr(0, 200));
    Result<AcquireResult> res = make_error(ErrorCode::io_error, "", "");
    REQUIRE_NOTHROW(res = try_resume(text));
    REQUIRE_FALSE(res.ok());
    CHECK(res.error().code == ErrorCode::invalid_input);
    CHECK(exit_code_for(res.error().code) == 2);
    CHECK(res.error().en.find("state file") != std::string::npos);
    CHECK(res.error().ja.find("状態ファイル") != std::string::npos);
    CHECK(res.error().en.find(says) != std::string::npos);
  }
  // The real one still resumes.
  Progress progress;
  CancelToken cancel;
  auto ok = resume_acquisition(*f.ws, r->state_file, progress, cancel, f.fake());
  REQUIRE(ok.ok());
  CHECK(ok->outcome == Outcome::complete);
}

// ---- verify_image --------------------------------------------------------------------------

TEST_CASE("verify_image: through the image opener — a readable image matches, a damaged one does not", "[acquire][verify]") {
  AcqFixture f(256 * k_kib);
  const fs::path image = f.dir / "copy.raw";
  std::ofstream(image, std::ios::binary).write(reinterpret_cast<const char*>(f.data.data()), static_cast<std::streamsize>(f.data.size()));
  const std::vector<HashValue> expected{{HashAlgo::sha256, hash_of(HashAlgo::sha256, f.data)}};
  Progress progress;
  CancelToken cancel;
  auto clean = verify_image(image, progress, cancel, expected);
  REQUIRE(clean.ok());
  CHECK(clean->match);
  SourceOpeners open;
  open.image = [&f](ImageFormat fmt, const std::vector<fs::path>& files) -> Result<std::unique_ptr<Source>> {
    CHECK(fmt == ImageFormat::raw);
    CHECK(files.size() == 1);
    auto s = std::make_unique<FakeSource>(f.data);
    s->bad_sectors = {100};
    return std::unique_ptr<Source>(std::move(s));
  };
  auto damaged = verify_image(image, progress, cancel, expected, open);
  REQUIRE(damaged.ok());
  CHECK_FALSE(damaged->match);
  REQUIRE(damaged->checks.size() == 1);
  CHECK_FALSE(damaged->checks[0].match);
  CHECK(damaged->checks[0].note_en.find("could not be read to the end") != std::string::npos);
}
