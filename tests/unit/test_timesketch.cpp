// Timesketch CSV and JSONL (REQUIREMENTS §3.5.3), checked against Timesketch's import rules:
// message/datetime/timestamp_desc on every row, ISO 8601 datetime with offset, timestamp in µs.
#include "tests/unit/test_support.hpp"  // first: it configures Catch

#include <catch2/catch.hpp>

#include <sstream>

#include <nlohmann/json.hpp>

#include "forensics/core/clock.hpp"
#include "forensics/report/timesketch.hpp"
#include "tests/unit/export_test_support.hpp"

using namespace shodo;
using namespace shodo::report;
using shodo::test_support::parse_rfc4180;
using shodo::unit::read_bytes;
using shodo::test_support::sample_document;
using nlohmann::json;

namespace {

// ISO 8601 with an explicit offset: YYYY-MM-DDTHH:MM:SS[.f{1,6}](+|-)HH:MM. (Hand-written
// rather than std::regex, whose GCC 12 headers trip -Wmaybe-uninitialized under sanitizers.)
bool is_iso8601_with_offset(const std::string& s) {
  auto digits = [&](std::size_t from, std::size_t n) {
    if (from + n > s.size()) return false;
    for (std::size_t i = from; i < from + n; ++i)
      if (s[i] < '0' || s[i] > '9') return false;
    return true;
  };
  if (s.size() < 25 || !digits(0, 4) || s[4] != '-' || !digits(5, 2) || s[7] != '-' || !digits(8, 2) ||
      s[10] != 'T' || !digits(11, 2) || s[13] != ':' || !digits(14, 2) || s[16] != ':' || !digits(17, 2))
    return false;
  std::size_t p = 19;
  if (s[p] == '.') {
    std::size_t n = 0;
    while (p + 1 + n < s.size() && s[p + 1 + n] >= '0' && s[p + 1 + n] <= '9') ++n;
    if (n < 1 || n > 6) return false;
    p += 1 + n;
  }
  return s.size() == p + 6 && (s[p] == '+' || s[p] == '-') && digits(p + 1, 2) && s[p + 3] == ':' &&
         digits(p + 4, 2);
}

std::int64_t us_of(const std::string& datetime) {
  std::int64_t ns = 0;
  REQUIRE(parse_time(datetime, ns));
  return ns / 1000;
}

std::vector<json> read_jsonl(const std::filesystem::path& p) {
  std::vector<json> lines;
  std::istringstream in(read_bytes(p));
  std::string line;
  while (std::getline(in, line)) {
    INFO("line " << lines.size() + 1 << ": " << line);
    REQUIRE_NOTHROW(lines.push_back(json::parse(line)));
  }
  return lines;
}

}  // namespace

TEST_CASE("test ISO 8601 checker accepts only datetimes with an offset", "[timesketch]") {
  CHECK(is_iso8601_with_offset("2026-11-24T10:02:03+09:00"));
  CHECK(is_iso8601_with_offset("2026-11-24T01:02:03.123456+00:00"));
  CHECK_FALSE(is_iso8601_with_offset("2026-11-24T10:02:03"));          // no offset
  CHECK_FALSE(is_iso8601_with_offset("2026-11-24T10:02:03Z"));         // we always write ±HH:MM
  CHECK_FALSE(is_iso8601_with_offset("2026-11-24 10:02:03+09:00"));    // space separator
  CHECK_FALSE(is_iso8601_with_offset("2026-11-24T10:02:03.+09:00"));   // empty fraction
  CHECK_FALSE(is_iso8601_with_offset("2026-11-24T10:02:03.1234567+09:00"));
}

TEST_CASE("timesketch_rows: one row per entry plus event-time rows", "[timesketch]") {
  const auto doc = sample_document();
  const auto rows = timesketch_rows(doc);
  // Entries 1 and 3 carry an event_time.
  REQUIRE(rows.size() == doc.entries.size() + 2);
  const std::vector<std::pair<std::int64_t, std::string>> expected = {
      {1, k_ts_desc_recorded}, {1, k_ts_desc_event},      {2, k_ts_desc_time_check}, {3, k_ts_desc_recorded},
      {3, k_ts_desc_event},    {4, k_ts_desc_recorded},   {5, k_ts_desc_recorded},   {6, k_ts_desc_recorded}};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    INFO("row " << i);
    CHECK(rows[i].attributes["seq"].get<std::int64_t>() == expected[i].first);
    CHECK(rows[i].timestamp_desc == expected[i].second);
    CHECK(rows[i].attributes["data_type"] == "shodo:chronology:entry");
  }
}

TEST_CASE("timesketch message and times of an uncorrected entry", "[timesketch]") {
  const auto rows = timesketch_rows(sample_document());
  const auto& r = rows[0];
  CHECK(r.message ==
        "[報告] 救急外来 看護師長 → 情報システム課、事務長: 電子カルテが\"開けない\"、画面に英語の脅迫文。\n"
        "複数端末で同様 / 対応: ネットワーク遮断を検討");
  // No reference correction: the system time, in UTC, and the fields say so.
  CHECK(r.datetime == "2026-11-24T01:02:03.123456+00:00");
  CHECK(r.timestamp == 1795482123123456);
  CHECK(r.attributes["time_quality"] == "uncorrected");
  CHECK(r.attributes["time_basis"] == "system-clock");
  CHECK(r.attributes["recorded_sys_utc"] == "2026-11-24T01:02:03.123456789Z");
  CHECK(r.attributes["recorded_ref_time"] == "");
  CHECK(r.attributes["to"] == json::array({"情報システム課", "事務長"}));
  CHECK(r.attributes["status"] == "open");
  CHECK(r.attributes["incident_id"] == "OGMC-20261124-01");
  CHECK(r.attributes["device_id"] == "KIT-01");
  CHECK(r.attributes["boot_id"] == "6f1c2d3e-0000-4000-8000-000000000001");
  CHECK(r.attributes["recorded_mono_ns"] == 1000000000);
  CHECK(r.attributes["entry_hash"] == std::string(64, '1'));
  CHECK(r.attributes["prev_hash"] == std::string(64, '0'));
  CHECK(r.attributes["author"] == "山田 花子");
  CHECK(r.attributes["training"] == false);

  // Its event-time row: the reported 07:30 JST, flagged as reported.
  const auto& ev = rows[1];
  CHECK(ev.timestamp_desc == "Event time (reported)");
  CHECK(ev.datetime == "2026-11-24T07:30:00.000000+09:00");
  CHECK(ev.timestamp == (1795482123LL - 2 * 3600 - 32 * 60 - 3) * 1'000'000);  // 10:02:03 → 07:30:00
  CHECK(ev.attributes["time_basis"] == "reported");
  CHECK(ev.attributes["event_time_precision"] == "approx");
  CHECK(ev.message == r.message);
  CHECK(ev.attributes["entry_id"] == r.attributes["entry_id"]);
}

TEST_CASE("timesketch corrected times are JST with the offset and quality", "[timesketch]") {
  const auto rows = timesketch_rows(sample_document());
  const auto& tc = rows[2];  // the time check
  CHECK(tc.timestamp_desc == "Reference time check");
  CHECK(tc.datetime == "2026-11-24T10:05:12.500000+09:00");
  CHECK(tc.timestamp == (1795482123LL + 2 * 60 + 57) * 1'000'000 + 12'500'000);
  CHECK(tc.attributes["time_quality"] == "ref-confirmed");
  CHECK(tc.attributes["time_basis"] == "ref-corrected");
  CHECK(tc.attributes["clock_offset_s"].get<double>() == 12.5);
  CHECK(tc.attributes["clock_uncertainty_s"].get<double>() == 1.0);
  CHECK(tc.attributes["time_check_source"] == "117");
  CHECK(tc.attributes["time_check_offset_s"].get<double>() == 12.5);
  CHECK(tc.message == "[システム] 山田 花子: 117 時報で時刻合わせ");
}

TEST_CASE("timesketch flags superseded and voided entries and links corrections", "[timesketch]") {
  const auto doc = sample_document();
  const auto rows = timesketch_rows(doc);
  auto row_of = [&](std::int64_t seq) -> const TimesketchRow& {
    for (const auto& r : rows)
      if (r.attributes["seq"] == seq) return r;
    FAIL("no row for seq " << seq);
    return rows.front();
  };
  CHECK(row_of(1).attributes["superseded"] == true);
  CHECK(row_of(1).attributes["superseded_by_seq"] == 4);
  CHECK(row_of(1).attributes["voided"] == false);
  CHECK(rows[1].attributes["superseded"] == true);  // the event row of entry 1 too
  CHECK(row_of(2).attributes["superseded"] == false);
  CHECK(row_of(2).attributes["superseded_by_seq"].is_null());
  CHECK(row_of(4).attributes["superseded"] == false);
  CHECK(row_of(4).attributes["entry_type"] == "correction");
  CHECK(row_of(4).attributes["corrects_entry_id"] == doc.entries[0].entry_id);
  CHECK(row_of(4).attributes["reason"] == "台数を追記");
  CHECK(row_of(5).attributes["superseded"] == true);
  CHECK(row_of(5).attributes["voided"] == true);
  CHECK(row_of(5).attributes["superseded_by_seq"] == 6);
  CHECK(row_of(6).attributes["entry_type"] == "void");
  CHECK(row_of(6).attributes["corrects_entry_id"] == doc.entries[4].entry_id);
  // Paper transcription and evidence references.
  CHECK(row_of(3).attributes["source"] == "paper");
  CHECK(row_of(3).attributes["paper_ref"] == "3-12");
  CHECK(row_of(3).attributes["evidence_ids"] ==
        json::array({"OGMC-20261124-01-E001", "OGMC-20261124-01-E001-02"}));
  CHECK(row_of(3).attributes["refs"].size() == 4);
}

TEST_CASE("timesketch training incidents mark every row", "[timesketch]") {
  auto doc = sample_document();
  doc.incident.training = true;
  for (const auto& r : timesketch_rows(doc)) CHECK(r.attributes["training"] == true);
}

TEST_CASE("timesketch rows in English", "[timesketch]") {
  auto doc = sample_document();
  doc.japanese = false;
  const auto rows = timesketch_rows(doc);
  CHECK(rows[0].message.rfind("[Report] 救急外来 看護師長 → 情報システム課, 事務長: ", 0) == 0);
  CHECK(rows[0].message.find(" / Action: ネットワーク遮断を検討") != std::string::npos);
}

TEST_CASE("timesketch JSONL: every line passes Timesketch's rules", "[timesketch]") {
  const auto doc = sample_document();
  SHODO_TEST_DIR(dir);
  const auto out = dir.path() / "chronology.jsonl";
  REQUIRE(write_timesketch_jsonl(doc, out).ok());
  const std::string bytes = read_bytes(out);
  REQUIRE(!bytes.empty());
  CHECK(bytes.back() == '\n');
  const auto lines = read_jsonl(out);
  REQUIRE(lines.size() == doc.entries.size() + 2);
  int event_rows = 0;
  for (const auto& j : lines) {
    INFO(j.dump());
    REQUIRE(j.is_object());
    REQUIRE(j.contains("message"));
    REQUIRE(j["message"].is_string());
    CHECK_FALSE(j["message"].get<std::string>().empty());
    REQUIRE(j["datetime"].is_string());
    const std::string dt = j["datetime"];
    CHECK(is_iso8601_with_offset(dt));
    REQUIRE(j["timestamp_desc"].is_string());
    REQUIRE(j["timestamp"].is_number_integer());
    CHECK(j["timestamp"].get<std::int64_t>() == us_of(dt));
    CHECK(j["superseded"].is_boolean());
    CHECK(j["training"].is_boolean());
    CHECK(j["seq"].is_number_integer());
    CHECK(j["data_type"] == "shodo:chronology:entry");
    for (const char* key : {"incident_id", "entry_id", "device_id", "boot_id", "entry_type", "category", "from",
                            "to", "action", "assignee", "status", "time_quality", "clock_offset_s",
                            "clock_uncertainty_s", "recorded_sys_utc", "recorded_mono_ns", "corrects_entry_id",
                            "source", "author", "evidence_ids", "entry_hash", "prev_hash"})
      CHECK(j.contains(key));
    if (j["timestamp_desc"] == "Event time (reported)") ++event_rows;
    // Corrected values carry +09:00, uncorrected system times +00:00: never mixed silently.
    if (j["time_basis"] == "system-clock") CHECK(dt.substr(dt.size() - 6) == "+00:00");
    if (j["time_basis"] == "ref-corrected") CHECK(dt.substr(dt.size() - 6) == "+09:00");
  }
  CHECK(event_rows == 2);
  // The first keys are Timesketch's own, in order.
  CHECK(bytes.rfind("{\"message\":\"[報告] 救急外来 看護師長 → 情報システム課、事務長: 電子カルテが\\\"開けない\\\"", 0) == 0);
  CHECK(lines[0].dump().find("\"datetime\"") != std::string::npos);
  CHECK(lines[4]["superseded"] == false);
  CHECK(lines[0]["superseded"] == true);
}

TEST_CASE("timesketch CSV: header first, Timesketch columns first, same rows", "[timesketch][csv]") {
  const auto doc = sample_document();
  SHODO_TEST_DIR(dir);
  const auto out = dir.path() / "chronology.csv";
  REQUIRE(write_timesketch_csv(doc, out).ok());
  const std::string bytes = read_bytes(out);
  // No BOM: it would become part of the first column name and hide "message".
  REQUIRE(bytes.rfind("message,datetime,timestamp_desc,timestamp,incident_id,entry_id,seq,", 0) == 0);
  auto table = parse_rfc4180(bytes);
  REQUIRE(table.has_value());
  const auto& header = (*table)[0];
  CHECK(header == timesketch_csv_header());
  const auto rows = timesketch_rows(doc);
  REQUIRE(table->size() == rows.size() + 1);
  auto col = [&](const char* name) {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return i;
    FAIL("no column " << name);
    return std::size_t{0};
  };
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& rec = (*table)[i + 1];
    INFO("row " << i + 1);
    REQUIRE(rec.size() == header.size());
    CHECK(rec[0] == rows[i].message);  // quotes and the newline survive
    // One offset for the whole column (pandas rejects mixed offsets): UTC, same instant.
    CHECK(is_iso8601_with_offset(rec[1]));
    CHECK(rec[1].substr(rec[1].size() - 6) == "+00:00");
    CHECK(std::stoll(rec[3]) == rows[i].timestamp);
    CHECK(us_of(rec[1]) == rows[i].timestamp);
    CHECK(rec[2] == rows[i].timestamp_desc);
    CHECK(rec[col("entry_id")] == rows[i].attributes["entry_id"].get<std::string>());
  }
  CHECK((*table)[3][1] == "2026-11-24T01:05:12.500000+00:00");  // the time check, corrected
  CHECK((*table)[1][col("superseded")] == "true");
  CHECK((*table)[1][col("to")] == "[\"情報システム課\",\"事務長\"]");
  CHECK((*table)[1][col("clock_offset_s")] == "0.0");
  CHECK((*table)[1][col("time_check_offset_s")] == "");
  CHECK((*table)[3][col("time_check_offset_s")] == "12.5");
  CHECK((*table)[4][col("source")] == "paper");
}

TEST_CASE("timesketch exports refuse a wrong file extension", "[timesketch]") {
  const auto doc = sample_document();
  SHODO_TEST_DIR(dir);
  for (const char* name : {"out.json", "out.txt", "out.CSV", "out", "out.csv.bak"}) {
    INFO(name);
    auto st = write_timesketch_csv(doc, dir.path() / name);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().code == ErrorCode::invalid_input);
    CHECK(st.error().en.find(".csv") != std::string::npos);
    CHECK(st.error().ja.find(".csv") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir.path() / name));
  }
  for (const char* name : {"out.json", "out.csv", "out.JSONL", "out.jsonl.tmp"}) {
    INFO(name);
    auto st = write_timesketch_jsonl(doc, dir.path() / name);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().code == ErrorCode::invalid_input);
    CHECK(st.error().en.find(".jsonl") != std::string::npos);
    CHECK(st.error().ja.find(".jsonl") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir.path() / name));
  }
}

TEST_CASE("timesketch JSONL refuses text that is not UTF-8 instead of altering it", "[timesketch]") {
  auto doc = sample_document();
  doc.entries[2].content = "bad \xFF byte";
  SHODO_TEST_DIR(dir);
  auto st = write_timesketch_jsonl(doc, dir.path() / "x.jsonl");
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code == ErrorCode::invalid_input);
  CHECK(st.error().en.find("No. 3") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "x.jsonl"));
}

TEST_CASE("timesketch CSV of an empty chronology is the header only", "[timesketch]") {
  SHODO_TEST_DIR(dir);
  REQUIRE(write_timesketch_csv(ChronologyDocument{}, dir.path() / "e.csv").ok());
  auto table = parse_rfc4180(read_bytes(dir.path() / "e.csv"));
  REQUIRE(table.has_value());
  REQUIRE(table->size() == 1);
  CHECK((*table)[0].size() == timesketch_csv_header().size());
  REQUIRE(write_timesketch_jsonl(ChronologyDocument{}, dir.path() / "e.jsonl").ok());
  CHECK(read_bytes(dir.path() / "e.jsonl").empty());
}
