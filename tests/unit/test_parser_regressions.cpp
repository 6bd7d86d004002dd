// Regressions found by the libFuzzer harnesses of tests/fuzz (issue 10 §7), each named after what
// it pins; the input that found it is in tests/fuzz/corpus/<harness>/crash-*. Parsers of bytes
// that may be damaged or altered must refuse bad input with an error, never crash, never throw,
// and never let through what the rest of the app cannot load.
#include "tests/unit/test_support.hpp"  // first: it configures catch.hpp

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "forensics/acquire/acquisition.hpp"
#include "forensics/acquire/acquisition_detail.hpp"
#include "forensics/case/incident.hpp"
#include "forensics/core/clock.hpp"
#include "forensics/chronology/entry.hpp"
#include "forensics/chronology/line_scanner.hpp"
#include "forensics/chronology/verify.hpp"
#include "forensics/evidence/evidence.hpp"
#include "forensics/integrity/hash_chain.hpp"
#include "forensics/kit/selfcheck.hpp"

using namespace shodo;
using shodo::unit::write_bytes;
using nlohmann::json;

namespace {

bool scans(const std::string& line) {
  std::vector<chronology::Member> members;
  return chronology::scan_object(line, members);
}

json good_incident() {
  return {{"format", "shodo-incident"}, {"v", 1},
          {"incident_id", "OGMC-20221031-01"}, {"title", "電子カルテ停止"},
          {"facility", "大阪総合医療センター"}, {"profile", "hospital"},
          {"training", false}, {"created_utc", "2022-10-31T08:40:00.000000000Z"}};
}

}  // namespace

TEST_CASE("line scanner refuses ill-formed UTF-8 that the JSON parser refuses (fuzz: crash-ill-formed-utf8-accepted)",
          "[fuzz-regression][chronology]") {
  CHECK(scans("{\"content\":\"サーバ室\"}"));
  CHECK(scans("{\"content\":\"\xF0\x9F\x98\x80\"}"));    // U+1F600, 4 bytes
  CHECK_FALSE(scans("{\"content\":\"\xC5 \"}"));           // lead byte without its continuation
  CHECK_FALSE(scans("{\"content\":\"\xC0\xAF\"}"));        // overlong '/'
  CHECK_FALSE(scans("{\"content\":\"\xED\xA0\x80\"}"));    // a surrogate encoded in UTF-8
  CHECK_FALSE(scans("{\"content\":\"\xF4\x90\x80\x80\"}"));  // above U+10FFFF
  CHECK_FALSE(scans("{\"content\":\"\xE3\x82\"}"));        // cut in the middle of サ
  CHECK_FALSE(scans("{\"content\":\"\xFF\"}"));
}

TEST_CASE("line scanner refuses lone surrogate escapes and non-JSON numbers, as the JSON parser does",
          "[fuzz-regression][chronology]") {
  CHECK(scans(R"({"a":"\ud83d\ude00"})"));
  CHECK_FALSE(scans(R"({"a":"\ud83d"})"));
  CHECK_FALSE(scans(R"({"a":"\ude00"})"));
  CHECK_FALSE(scans(R"({"a":"\ud83dx"})"));
  for (const char* ok : {"0", "-0", "12", "-1.5", "1e5", "1E+5", "2.5e-3", "-0.0"}) {
    INFO(ok);
    CHECK(scans(std::string("{\"n\":") + ok + "}"));
  }
  for (const char* bad : {"01", "1.", ".5", "-", "1e", "1e+", "1.e5", "+1", "--1", "1-2", "1.2.3", "0x10", "1e5e5"}) {
    INFO(bad);
    CHECK_FALSE(scans(std::string("{\"n\":") + bad + "}"));
  }
}

TEST_CASE("incident.json whose format is not a string is damaged, not std::terminate (fuzz: crash-format-not-a-string)",
          "[fuzz-regression][workspace]") {
  json j = good_incident();
  REQUIRE(incident_from_json(j).ok());
  j["format"] = 1;
  auto r = incident_from_json(j);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::integrity);
  // And through the file, as `shodo incident list` and the GUI read it.
  SHODO_TEST_DIR(dir);
  std::filesystem::create_directories(incident_dir(dir.path(), "OGMC-20221031-01"));
  write_bytes(incident_dir(dir.path(), "OGMC-20221031-01") / "incident.json", j.dump());
  auto loaded = load_incident(dir.path(), "OGMC-20221031-01");
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().code == ErrorCode::integrity);
  CHECK(list_incidents(dir.path()).empty());  // damaged folders are skipped
}

TEST_CASE("kit manifest with format_version as a string is refused, not std::terminate (fuzz: crash-manifest-version-as-string)",
          "[fuzz-regression][kit]") {
  SHODO_TEST_DIR(dir);
  const auto file = dir / "kit-manifest.json";
  write_bytes(file, R"({"format":"shodo-kit-manifest","format_version":"1","packages":[{"name":"a","version":"1"}]})");
  auto m = kit::load_manifest(file);
  REQUIRE_FALSE(m.ok());
  CHECK(m.error().code == ErrorCode::invalid_input);
  CHECK(m.error().en.find("format_version") != std::string::npos);
}

TEST_CASE("saved medium check with a count that is a string or negative is refused (fuzz: crash-medium-check-count-as-string)",
          "[fuzz-regression][kit]") {
  json j = {{"state", "ok"}, {"system_sha256", std::string(64, 'b')}, {"files_total", 5}, {"files_ok", 5},
            {"bad_files", json::array()}, {"checked_unix_s", 1795478400}, {"reason", ""}};
  auto good = kit::medium_check_from_json(j);
  REQUIRE(good.ok());
  CHECK(good->files_total == 5);
  for (const char* key : {"files_total", "files_ok", "checked_unix_s"}) {
    INFO(key);
    json bad = j;
    bad[key] = "5";
    auto r = kit::medium_check_from_json(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::invalid_input);
  }
  json negative = j;
  negative["files_ok"] = -1;  // once read as 18446744073709551615 files
  CHECK_FALSE(kit::medium_check_from_json(negative).ok());
}

TEST_CASE("acquisition state file: [] / a missing key / a wrong type / no hash is invalid_input, never std::terminate",
          "[fuzz-regression][acquire]") {
  const json request = {{"source", "/dev/sdb"}, {"dest_dir", "/media/out"}, {"name", "E002"}, {"format", "split"},
                        {"segment_bytes", 104857600}, {"hash_algorithms", {"md5", "sha256"}}};
  const json state = {{"format", "shodo-acquire-state"}, {"version", 1}, {"incident_id", "OGMC-20221031-01"},
                      {"request", request}, {"committed_bytes", 268435456},
                      {"bad_ranges", {{{"offset", 1048576}, {"length", 4096}}}}, {"device", json::object()},
                      {"source_evidence_no", "OGMC-20221031-01-E001"}, {"image_evidence_no", "OGMC-20221031-01-E002"},
                      {"source_size", 671088640}};
  auto ok = acquire::read_resume_state(state.dump(), "E002.state.json");
  REQUIRE(ok.ok());
  CHECK(ok->committed_bytes == 268435456);
  CHECK(ok->request.algos.size() == 2);
  REQUIRE(ok->bad_ranges.size() == 1);
  CHECK(ok->bad_ranges[0].offset == 1048576);

  std::vector<std::string> bad = {"[]", "", "{", R"({"format":3})", "null"};
  json no_request = state;
  no_request.erase("request");
  bad.push_back(no_request.dump());
  json no_name = state;
  no_name["request"].erase("name");
  bad.push_back(no_name.dump());
  json committed_string = state;
  committed_string["committed_bytes"] = "268435456";
  bad.push_back(committed_string.dump());
  json bad_range_string = state;
  bad_range_string["bad_ranges"] = json::array({"1048576"});
  bad.push_back(bad_range_string.dump());
  json no_hash = state;
  no_hash["request"]["hash_algorithms"] = json::array();
  bad.push_back(no_hash.dump());
  json device_string = state;
  device_string["device"] = "/dev/sdb";
  bad.push_back(device_string.dump());
  for (const auto& text : bad) {
    INFO(text);
    auto r = acquire::read_resume_state(text, "E002.state.json");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::invalid_input);
    CHECK(r.error().en.find("E002.state.json") != std::string::npos);
    CHECK_FALSE(r.error().ja.empty());
    CHECK_FALSE(r.error().en.empty());
  }
}

TEST_CASE("evidence register: a line not in canonical form is damaged even when its hash was recomputed over its bytes",
          "[fuzz-regression][evidence]") {
  json ev = {{"format", "shodo-evidence-event"}, {"version", 1}, {"seq", 1}, {"event", "item_added"},
             {"event_id", "7fd2fcc1-8701-4975-a3f2-f29f5eddcb01"}, {"evidence_no", "OGMC-20221031-01-E001"},
             {"incident_id", "OGMC-20221031-01"}, {"device_id", "KIT-D747B9A8"}, {"author", "山田 花子"},
             {"recorded", {{"utc_ns", 1667173260000000000}, {"quality", "uncorrected"}}},
             {"payload", {{"item", {{"evidence_no", "OGMC-20221031-01-E001"}, {"item_type", "storage_medium"},
                                    {"description", "電子カルテサーバ 内蔵SSD"}}}}},
             {"prev_hash", chronology::k_genesis_hash}};
  // The hash covers the stored bytes without the event_hash member (FORMATS.md): put the member in
  // its sorted place (before "event_id") with the hash of `body`, as a forger would.
  const auto sealed = [](const std::string& body) {
    const std::string hash = integrity::chain_hash_of_canonical(chronology::k_genesis_hash, body);
    std::string line = body;
    line.insert(line.find("\"event_id\":"), "\"event_hash\":\"" + hash + "\",");
    return line;
  };
  SHODO_TEST_DIR(dir);
  const auto file = dir / "register.jsonl";
  const std::string canonical = chronology::canonical_json(ev);
  write_bytes(file, sealed(canonical) + "\n");
  REQUIRE(evidence::verify_register(file).ok());  // the helper seals as the writer does
  std::string spaced = canonical;
  spaced.insert(spaced.find(':') + 1, " ");
  for (const std::string& altered : {spaced, " " + canonical, canonical + " "}) {
    INFO(altered);
    write_bytes(file, sealed(altered) + "\n");
    // The chain hash matches the stored bytes: only the canonical-form check refuses the line.
    const auto c = evidence::verify_register(file);
    REQUIRE_FALSE(c.ok());
    REQUIRE(c.bad_line);
    CHECK(*c.bad_line == 1);
    CHECK(c.problem_en.find("canonical") != std::string::npos);
  }
  // Bytes after a NUL, where JSON parsers stop: refused too (as the last line, as an interrupted write).
  write_bytes(file, sealed(canonical + std::string(1, '\0') + "hidden") + "\n");
  const auto nul = evidence::verify_register(file);
  REQUIRE_FALSE(nul.ok());
  REQUIRE(nul.bad_line);
  CHECK(*nul.bad_line == 1);
}

TEST_CASE("a time beyond 2262 in incident.json is damage, not a signed overflow (fuzz: crash-created-in-year-4044-overflows)",
          "[fuzz-regression][clock]") {
  std::int64_t ns = 0;
  CHECK(parse_time("1970-01-01T00:00:00Z", ns));
  CHECK(ns == 0);
  CHECK(parse_time("2200-01-01T00:00:00Z", ns));
  CHECK(parse_time("1700-01-01T00:00:00Z", ns));
  CHECK(ns < 0);
  CHECK_FALSE(parse_time("4044-10-31T08:40:00.000000000Z", ns));
  CHECK_FALSE(parse_time("2263-01-01T00:00:00Z", ns));
  CHECK_FALSE(parse_time("1677-01-01T00:00:00Z", ns));
  CHECK_FALSE(parse_time("9999-12-31 23:59", ns));
  json j = good_incident();
  j["created_utc"] = "4044-10-31T08:40:00.000000000Z";
  auto r = incident_from_json(j);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::integrity);
}

TEST_CASE("chronology: a line with a key twice is bad_json, not verified with one value and loaded with the other "
          "(fuzz: crash-entry-hash-key-twice)",
          "[fuzz-regression][chronology]") {
  const std::string log = unit::read_bytes(std::string(SHODO_SOURCE_DIR) +
                                           "/tests/e2e/cases/chrono_verify_stored_v1_log/in/KIT-D747B9A8.jsonl");
  REQUIRE(chronology::verify_chronology(log).intact());
  // Repeat the first line's "content" member right after it: the hash covers both, the app would
  // load the second. No resealing is needed to see the refusal: it comes before the hash check.
  const std::size_t at = log.find("\"content\":");
  REQUIRE(at != std::string::npos);
  const std::size_t end = log.find("\",", at) + 2;
  std::string twice = log;
  twice.insert(end, "\"content\":\"別の内容\",");
  for (const bool keep : {true, false}) {
    chronology::VerifyOptions o;
    o.keep_entries = keep;
    const auto r = chronology::verify_chronology(twice, o);
    REQUIRE(r.problem);
    CHECK(r.problem->kind == chronology::Damage::bad_json);
    CHECK(r.problem->line == 1);
    CHECK(r.problem->en.find("appears twice") != std::string::npos);
  }
}

TEST_CASE("chronology: the streaming verifier refuses every entry the app cannot load, as the full mode does "
          "(fuzz: crash-streaming-accepts-month-13)",
          "[fuzz-regression][chronology]") {
  const std::string log = unit::read_bytes(std::string(SHODO_SOURCE_DIR) +
                                           "/tests/e2e/cases/chrono_verify_stored_v1_log/in/KIT-D747B9A8.jsonl");
  const json first = json::parse(log.substr(0, log.find('\n')));
  // One changed member, resealed (a valid hash over the changed bytes): only the shape is wrong.
  auto sealed = [](json j) {
    j.erase("entry_hash");
    j["entry_hash"] = chronology::compute_entry_hash(chronology::k_genesis_hash, j);
    return integrity::canonical_json(j) + "\n";
  };
  REQUIRE(chronology::verify_chronology(sealed(first)).intact());
  std::vector<std::pair<std::string, json>> bad = {
      {"month 13", json::object({{"recorded_sys_utc", "2026-13-24T06:00:02.000000000Z"}})},
      {"ref time not a time", json::object({{"recorded_ref_utc", "yesterday"}})},
      {"seq as a float", json::object({{"seq", 1.0}})},
      {"offset as an exponent", json::object({{"clock_offset_ns", 1e3}})},
      {"mono beyond int64", json::object({{"recorded_mono_ns", std::uint64_t{9223372036854775809u}}})},
      {"a role that is a number", json::object({{"author", {{"name", "山田 花子"}, {"roles", {7}}}}})},
      {"author without a name", json::object({{"author", {{"roles", {"SCR"}}}}})},
      {"a receiver that is a number", json::object({{"to", {1}}})},
      {"paper without a sheet", json::object({{"source", {{"kind", "paper"}, {"line", 3}}}})},
      {"unknown source", json::object({{"source", {{"kind", "fax"}}}})},
      {"event time without precision", json::object({{"event_time", {{"time", "2026-11-24T06:00:02Z"}}}})},
      {"attachment without a hash", json::object({{"attachments", {{{"file", "a.jpg"}}}}})},
      {"time check offset as a string", json::object({{"time_check", {{"source", "117"},
                                                                     {"reference_utc", "2026-11-24T06:00:02Z"},
                                                                     {"offset_ns", "0"},
                                                                     {"uncertainty_ns", 0}}}})},
  };
  for (const auto& [what, change] : bad) {
    INFO(what);
    json j = first;
    j.update(change);
    const std::string text = sealed(j);
    for (const bool keep : {true, false}) {
      INFO("keep_entries " << keep);
      chronology::VerifyOptions o;
      o.keep_entries = keep;
      const auto r = chronology::verify_chronology(text, o);
      REQUIRE(r.problem);
      CHECK(r.problem->kind == chronology::Damage::bad_json);
    }
  }
}

TEST_CASE("line scanner refuses a number that overflows a double, as the JSON parser does (fuzz: crash-accepts-5e9999)",
          "[fuzz-regression][chronology]") {
  for (const char* ok : {"1e308", "-1.7e308", "1e-9999", "123456789012345678901234567890"}) {
    INFO(ok);
    const std::string line = std::string("{\"n\":") + ok + "}";
    CHECK(scans(line));
    CHECK_FALSE(json::parse(line, nullptr, false).is_discarded());
  }
  const std::string digits400 = "1" + std::string(400, '0');
  for (const std::string& bad : {std::string("5e9999"), std::string("-1e309"), digits400, digits400 + ".5"}) {
    INFO(bad);
    const std::string line = "{\"n\":" + bad + "}";
    CHECK_FALSE(scans(line));
    CHECK(json::parse(line, nullptr, false).is_discarded());
  }
}

TEST_CASE("acquisition state file: an integer member that is a float, negative or too large is invalid_input "
          "(fuzz: crash-float-1e50-as-integer)",
          "[fuzz-regression][acquire]") {
  const json request = {{"source", "/dev/sdb"}, {"dest_dir", "/media/out"}, {"name", "E002"}, {"format", "split"},
                        {"segment_bytes", 104857600}, {"hash_algorithms", {"md5", "sha256"}}};
  REQUIRE(acquire::detail::request_from_json(request).ok());
  const std::vector<std::pair<const char*, json>> bad = {
      {"retries", 1.1e50}, {"retries", 1e10}, {"segment_bytes", 1.5}, {"segment_bytes", -1},
      {"piece_size", "4096"}, {"max_bad_sectors", -3}, {"block_size", 1e300}, {"queue_blocks", true}};
  for (const auto& [key, value] : bad) {
    INFO(key << " = " << value.dump());
    json r = request;
    r[key] = value;
    const auto got = acquire::detail::request_from_json(r);
    REQUIRE_FALSE(got.ok());
    CHECK(got.error().code == ErrorCode::invalid_input);
    CHECK(got.error().en.find(key) != std::string::npos);
  }
}
