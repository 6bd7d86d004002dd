// Hospital CSV (REQUIREMENTS §3.5.2) and the RFC 4180 writer under it.
#include "tests/unit/test_support.hpp"  // first: it configures Catch

#include <catch2/catch.hpp>

#include "forensics/chronology/entry.hpp"
#include "forensics/core/clock.hpp"
#include "forensics/report/chronology_csv.hpp"
#include "forensics/report/csv_writer.hpp"
#include "tests/unit/export_test_support.hpp"

using namespace shodo;
using namespace shodo::report;
using shodo::test_support::parse_rfc4180;
using shodo::unit::read_bytes;
using shodo::test_support::sample_document;

namespace {

const std::vector<std::string> k_ja_header = {
    "No.", "記録時刻(JST)", "時刻品質", "事象時刻", "区分", "発信元", "受信先", "内容", "対応",
    "担当", "状態", "訂正対象No.", "種別", "記録者", "出典(live/paper)", "entry_id", "entry_hash"};
const std::vector<std::string> k_en_header = {
    "No.", "Recorded (JST)", "Time quality", "Event time", "Category", "From", "To", "Content", "Action",
    "Assignee", "Status", "Corrects No.", "Type", "Recorded by", "Source (live/paper)", "entry_id", "entry_hash"};

}  // namespace

TEST_CASE("csv_field quotes exactly the fields RFC 4180 requires", "[csv]") {
  CHECK(csv_field("plain") == "plain");
  CHECK(csv_field("") == "");
  CHECK(csv_field("日本語テキスト") == "日本語テキスト");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_field("\"") == "\"\"\"\"");
  CHECK(csv_field("line1\nline2") == "\"line1\nline2\"");
  CHECK(csv_field("line1\r\nline2") == "\"line1\r\nline2\"");
  CHECK(csv_field("cr\r") == "\"cr\r\"");
  // Leading/trailing spaces are data, not quoting triggers.
  CHECK(csv_field(" padded ") == " padded ");
}

TEST_CASE("append_csv_record joins with commas and ends with CRLF", "[csv]") {
  std::string out;
  append_csv_record(out, {"a", "b,c", "", "d\"e", "f\ng"});
  CHECK(out == "a,\"b,c\",,\"d\"\"e\",\"f\ng\"\r\n");
  append_csv_record(out, {"x"});
  CHECK(out == "a,\"b,c\",,\"d\"\"e\",\"f\ng\"\r\nx\r\n");
}

TEST_CASE("test RFC 4180 reader rejects malformed input", "[csv]") {
  // The round-trip tests are only as good as this reader: make sure it is strict.
  CHECK_FALSE(parse_rfc4180("a,b\n").has_value());           // bare LF record end
  CHECK_FALSE(parse_rfc4180("a,b").has_value());             // missing CRLF
  CHECK_FALSE(parse_rfc4180("a\"b\r\n").has_value());        // quote in unquoted field
  CHECK_FALSE(parse_rfc4180("\"ab\r\n").has_value());        // unterminated
  CHECK_FALSE(parse_rfc4180("\"a\"b\r\n").has_value());      // text after closing quote
  auto ok = parse_rfc4180("a,\"b,\"\"c\"\"\nd\",\r\n");
  REQUIRE(ok.has_value());
  REQUIRE(ok->size() == 1);
  CHECK((*ok)[0] == std::vector<std::string>{"a", "b,\"c\"\nd", ""});
}

TEST_CASE("hospital CSV starts with the UTF-8 BOM and the Japanese header", "[csv]") {
  SHODO_TEST_DIR(dir);
  const auto out = dir.path() / "chronology.csv";
  auto r = write_chronology_csv(sample_document(), CsvOptions{}, out);
  REQUIRE(r.ok());
  CHECK(r->unmappable.empty());
  const std::string bytes = read_bytes(out);
  REQUIRE(bytes.size() > 3);
  CHECK(static_cast<unsigned char>(bytes[0]) == 0xEF);
  CHECK(static_cast<unsigned char>(bytes[1]) == 0xBB);
  CHECK(static_cast<unsigned char>(bytes[2]) == 0xBF);
  const std::string expected_header =
      "No.,記録時刻(JST),時刻品質,事象時刻,区分,発信元,受信先,内容,対応,担当,状態,訂正対象No.,種別,記録者,"
      "出典(live/paper),entry_id,entry_hash\r\n";
  CHECK(bytes.substr(3, expected_header.size()) == expected_header);
  // The content with a quote, 、 and a line break: quoted, quotes doubled, the LF kept as is.
  CHECK(bytes.find("\"電子カルテが\"\"開けない\"\"、画面に英語の脅迫文。\n複数端末で同様\"") != std::string::npos);
  // Every record ends in CRLF: the file ends with one, and no bare CR appears.
  CHECK(bytes.substr(bytes.size() - 2) == "\r\n");
}

TEST_CASE("hospital CSV round trip: every field of every row", "[csv]") {
  const auto doc = sample_document();
  SHODO_TEST_DIR(dir);
  const auto out = dir.path() / "chronology.csv";
  REQUIRE(write_chronology_csv(doc, CsvOptions{}, out).ok());
  const std::string bytes = read_bytes(out);
  REQUIRE(bytes.rfind("\xEF\xBB\xBF", 0) == 0);
  auto table = parse_rfc4180(bytes.substr(3));
  REQUIRE(table.has_value());
  REQUIRE(table->size() == doc.entries.size() + 1);  // header + one row per entry, corrections included
  CHECK((*table)[0] == k_ja_header);

  // Generic: each row carries its entry's raw text exactly (quoting, newlines, Japanese).
  for (std::size_t i = 0; i < doc.entries.size(); ++i) {
    const auto& e = doc.entries[i];
    const auto& row = (*table)[i + 1];
    INFO("row " << i + 1);
    REQUIRE(row.size() == 17);
    CHECK(row[0] == std::to_string(e.seq));
    CHECK(row[1] == format_jst_display(e.display_utc_ns()));
    CHECK(row[5] == e.from);
    CHECK(row[7] == e.content);
    CHECK(row[8] == e.action);
    CHECK(row[9] == e.assignee);
    CHECK(row[13] == e.author);
    CHECK(row[15] == e.entry_id);
    CHECK(row[16] == e.entry_hash);
  }

  // Specific values users read.
  const auto& r1 = (*table)[1];
  CHECK(r1[1] == "2026-11-24 10:02:03");  // uncorrected: the system time, shown in JST
  CHECK(r1[2] == "未補正");
  CHECK(r1[3] == "2026-11-24 07:30 頃");
  CHECK(r1[4] == "報告");
  CHECK(r1[6] == "情報システム課、事務長");
  CHECK(r1[7] == "電子カルテが\"開けない\"、画面に英語の脅迫文。\n複数端末で同様");
  CHECK(r1[10] == "未");
  CHECK(r1[11] == "");
  CHECK(r1[12] == "通常");
  CHECK(r1[14] == "live");

  const auto& r2 = (*table)[2];
  CHECK(r2[1] == "2026-11-24 10:05:12");  // corrected time, not the system time 10:05:00
  CHECK(r2[2] == "補正済");
  CHECK(r2[4] == "システム");
  CHECK(r2[6] == "");
  CHECK(r2[10] == "");
  CHECK(r2[12] == "時刻合わせ確認");
  CHECK(r2[14] == "system");

  const auto& r3 = (*table)[3];
  CHECK(r3[2] == "補正済(補間)");
  CHECK(r3[3] == "2026-11-24 08:40:00");
  CHECK(r3[4] == "決定");
  CHECK(r3[7] == "外部接続を遮断する, VPN 装置を含む");
  CHECK(r3[14] == "paper 3-12");

  const auto& r4 = (*table)[4];
  CHECK(r4[10] == "対応中");
  CHECK(r4[11] == "1");  // 訂正対象No. = seq of the corrected entry
  CHECK(r4[12] == "訂正");

  const auto& r6 = (*table)[6];
  CHECK(r6[11] == "5");
  CHECK(r6[12] == "取消");
}

TEST_CASE("hospital CSV with English headers and labels", "[csv]") {
  const auto doc = sample_document();
  const auto table = chronology_csv_table(doc, i18n::Lang::en);
  REQUIRE(table.size() == 7);
  CHECK(table[0] == k_en_header);
  CHECK(table[1][2] == "Uncorrected");
  CHECK(table[1][3] == "2026-11-24 07:30 approx.");
  CHECK(table[1][4] == "Report");
  CHECK(table[1][6] == "情報システム課, 事務長");
  CHECK(table[1][10] == "Open");
  CHECK(table[4][12] == "Correction");
  CHECK(table[6][12] == "Void");

  SHODO_TEST_DIR(dir);
  CsvOptions opt;
  opt.japanese_headers = false;
  REQUIRE(write_chronology_csv(doc, opt, dir.path() / "en.csv").ok());
  const std::string bytes = read_bytes(dir.path() / "en.csv");
  CHECK(bytes.rfind("\xEF\xBB\xBFNo.,Recorded (JST),Time quality,", 0) == 0);
}

TEST_CASE("hospital CSV keeps a link to a correction target outside the export", "[csv]") {
  auto doc = sample_document();
  doc.entries.erase(doc.entries.begin());  // drop entry 1; entry 4 still corrects it
  const auto table = chronology_csv_table(doc, i18n::Lang::ja);
  REQUIRE(table.size() == 6);
  CHECK(table[3][0] == "4");
  CHECK(table[3][11] == "00000000-0000-4000-8000-000000000001");
}

TEST_CASE("hospital CSV event-time range", "[csv]") {
  auto doc = sample_document();
  doc.entries[0].event_time = chronology::EventTime{test_support::t("2026-11-24T07:30:00+09:00"),
                                                    chronology::Precision::range,
                                                    test_support::t("2026-11-24T08:15:30+09:00")};
  const auto table = chronology_csv_table(doc, i18n::Lang::ja);
  CHECK(table[1][3] == "2026-11-24 07:30:00 〜 2026-11-24 08:15:30");
}

TEST_CASE("hospital CSV of an empty chronology is the header only", "[csv]") {
  ChronologyDocument doc;
  SHODO_TEST_DIR(dir);
  REQUIRE(write_chronology_csv(doc, CsvOptions{}, dir.path() / "empty.csv").ok());
  const std::string bytes = read_bytes(dir.path() / "empty.csv");
  auto table = parse_rfc4180(bytes.substr(3));
  REQUIRE(table.has_value());
  REQUIRE(table->size() == 1);
  CHECK((*table)[0] == k_ja_header);
}

TEST_CASE("hospital CSV write failure is reported, not swallowed", "[csv]") {
  SHODO_TEST_DIR(dir);
  auto r = write_chronology_csv(sample_document(), CsvOptions{}, dir.path() / "no-such-dir" / "x.csv");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code != ErrorCode::invalid_input);
}
