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
    "No.", "記録の状態", "記録時刻(JST)", "時刻品質", "事象時刻", "区分", "発信元", "受信先", "内容", "対応",
    "担当", "状態", "訂正対象No.", "理由", "種別", "記録者", "出典(live/paper)", "entry_id", "entry_hash"};
const std::vector<std::string> k_en_header = {
    "No.", "Record state", "Recorded (JST)", "Time quality", "Event time", "Category", "From", "To", "Content",
    "Action", "Assignee", "Status", "Corrects No.", "Reason", "Type", "Recorded by", "Source (live/paper)",
    "entry_id", "entry_hash"};

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
      "No.,記録の状態,記録時刻(JST),時刻品質,事象時刻,区分,発信元,受信先,内容,対応,担当,状態,訂正対象No.,理由,種別,"
      "記録者,出典(live/paper),entry_id,entry_hash\r\n";
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
    REQUIRE(row.size() == 19);
    CHECK(row[0] == std::to_string(e.seq));
    CHECK(row[2] == format_jst_display(e.display_utc_ns()));
    CHECK(row[6] == e.from);
    CHECK(row[8] == e.content);
    CHECK(row[9] == e.action);
    CHECK(row[10] == e.assignee);
    CHECK(row[15] == e.author);
    CHECK(row[17] == e.entry_id);
    CHECK(row[18] == e.entry_hash);
  }

  // Specific values users read.
  const auto& r1 = (*table)[1];
  CHECK(r1[2] == "2026-11-24 10:02:03");  // uncorrected: the system time, shown in JST
  CHECK(r1[3] == "未補正");
  CHECK(r1[4] == "2026-11-24 07:30 頃");
  CHECK(r1[5] == "報告");
  CHECK(r1[7] == "情報システム課、事務長");
  CHECK(r1[8] == "電子カルテが\"開けない\"、画面に英語の脅迫文。\n複数端末で同様");
  CHECK(r1[11] == "未");
  CHECK(r1[12] == "");
  CHECK(r1[14] == "通常");
  CHECK(r1[16] == "live");

  const auto& r2 = (*table)[2];
  CHECK(r2[2] == "2026-11-24 10:05:12");  // corrected time, not the system time 10:05:00
  CHECK(r2[3] == "補正済");
  CHECK(r2[5] == "システム");
  CHECK(r2[7] == "");
  CHECK(r2[11] == "");
  CHECK(r2[14] == "時刻合わせ確認");
  CHECK(r2[16] == "system");

  const auto& r3 = (*table)[3];
  CHECK(r3[3] == "補正済(補間)");
  CHECK(r3[4] == "2026-11-24 08:40:00");
  CHECK(r3[5] == "決定");
  CHECK(r3[8] == "外部接続を遮断する, VPN 装置を含む");
  CHECK(r3[16] == "paper 3-12");

  const auto& r4 = (*table)[4];
  CHECK(r4[11] == "対応中");
  CHECK(r4[12] == "1");  // 訂正対象No. = seq of the corrected entry
  CHECK(r4[14] == "訂正");

  const auto& r6 = (*table)[6];
  CHECK(r6[12] == "5");
  CHECK(r6[14] == "取消");
}

TEST_CASE("hospital CSV with English headers and labels", "[csv]") {
  const auto doc = sample_document();
  const auto table = chronology_csv_table(doc, i18n::Lang::en);
  REQUIRE(table.size() == 7);
  CHECK(table[0] == k_en_header);
  CHECK(table[1][3] == "Uncorrected");
  CHECK(table[1][4] == "2026-11-24 07:30 approx.");
  CHECK(table[1][5] == "Report");
  CHECK(table[1][7] == "情報システム課, 事務長");
  CHECK(table[1][11] == "Open");
  CHECK(table[4][14] == "Correction");
  CHECK(table[6][14] == "Void");

  SHODO_TEST_DIR(dir);
  CsvOptions opt;
  opt.japanese_headers = false;
  REQUIRE(write_chronology_csv(doc, opt, dir.path() / "en.csv").ok());
  const std::string bytes = read_bytes(dir.path() / "en.csv");
  CHECK(bytes.rfind("\xEF\xBB\xBFNo.,Record state,Recorded (JST),Time quality,", 0) == 0);
}

TEST_CASE("hospital CSV keeps a link to a correction target outside the export", "[csv]") {
  auto doc = sample_document();
  doc.entries.erase(doc.entries.begin());  // drop entry 1; entry 4 still corrects it
  const auto table = chronology_csv_table(doc, i18n::Lang::ja);
  REQUIRE(table.size() == 6);
  CHECK(table[3][0] == "4");
  CHECK(table[3][12] == "00000000-0000-4000-8000-000000000001");
}

TEST_CASE("hospital CSV event-time range", "[csv]") {
  auto doc = sample_document();
  doc.entries[0].event_time = chronology::EventTime{test_support::t("2026-11-24T07:30:00+09:00"),
                                                    chronology::Precision::range,
                                                    test_support::t("2026-11-24T08:15:30+09:00")};
  const auto table = chronology_csv_table(doc, i18n::Lang::ja);
  CHECK(table[1][4] == "2026-11-24 07:30:00 〜 2026-11-24 08:15:30");
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

// Issue 11 "Excel CSV keeps the meaning": a corrected or voided row says so, with the No. that did
// it and the reason, so a voided guess never reads as fact in Excel.
TEST_CASE("hospital CSV flags corrected, voided, extended and replaced rows and gives the reason", "[csv]") {
  auto doc = sample_document();
  // An addendum to entry 3 and a time check that replaces entry 2 (issue 11 supersede).
  chronology::Entry add = doc.entries[2];
  add.seq = 7;
  add.entry_id = "00000000-0000-4000-8000-000000000007";
  add.type = chronology::EntryType::addendum;
  add.target_entry_id = doc.entries[2].entry_id;
  add.content = "VPN 装置は 09:10 に遮断";
  chronology::Entry again = doc.entries[1];
  again.seq = 8;
  again.entry_id = "00000000-0000-4000-8000-000000000008";
  again.target_entry_id = doc.entries[1].entry_id;
  again.reason = "時刻の読み違い";
  doc.entries.push_back(add);
  doc.entries.push_back(again);
  for (const auto lang : {i18n::Lang::ja, i18n::Lang::en}) {
    const bool ja = lang == i18n::Lang::ja;
    const auto table = chronology_csv_table(doc, lang);
    REQUIRE(table.size() == 9);
    CHECK(table[1][1] == (ja ? "訂正済（No. 4）" : "corrected (No. 4)"));
    CHECK(table[1][13] == "台数を追記");  // why it was corrected
    CHECK(table[2][1] == (ja ? "置換済（No. 8）" : "replaced (No. 8)"));
    CHECK(table[3][1] == (ja ? "追記あり（No. 7）" : "addenda (No. 7)"));
    CHECK(table[3][13] == "");
    CHECK(table[4][1] == "");     // the correction row itself is in force
    CHECK(table[4][13] == "台数を追記");
    CHECK(table[5][1] == (ja ? "取消（No. 6）" : "voided (No. 6)"));
    CHECK(table[5][13] == "重複入力");  // why it was voided, on the voided row
    CHECK(table[6][13] == "重複入力");
    CHECK(table[8][13] == "時刻の読み違い");
  }
}

TEST_CASE("spreadsheet_safe neutralises exactly the cells a spreadsheet runs as formulas", "[csv]") {
  for (const char* bad : {"=1+1", "+81-6-1234", "-5", "@SUM(A1)", "\tx", "\rx", "=HYPERLINK(\"http://x\",\"y\")"}) {
    INFO(bad);
    CHECK(starts_like_formula(bad));
    CHECK(spreadsheet_safe(bad) == std::string("'") + bad);
    CHECK(spreadsheet_unsafe_restore(spreadsheet_safe(bad)) == bad);
  }
  // A text that itself begins with a quote before a formula character keeps it, exactly.
  CHECK(spreadsheet_safe("'=already") == "''=already");
  CHECK(spreadsheet_unsafe_restore("''=already") == "'=already");
  for (const char* fine : {"", "電子カルテ", " =1", "1-2", "'x", "''", "a=b"}) {
    INFO(fine);
    CHECK(spreadsheet_safe(fine) == fine);
    CHECK(spreadsheet_unsafe_restore(fine) == fine);
  }
}

// OWASP CSV injection: by default a cell starting = + - @ TAB CR gets a leading ' (Excel shows it
// as text); --csv-raw keeps the text exactly; in both the recorded text comes back.
TEST_CASE("hospital CSV neutralises formula cells by default, raw on request, and the text round-trips", "[csv]") {
  auto doc = sample_document();
  doc.entries[0].content = "=HYPERLINK(\"http://evil.example\",\"開く\")";
  doc.entries[0].from = "@救急外来";
  doc.entries[0].action = "-5 台停止";
  doc.entries[0].assignee = "+内線 1234";
  doc.entries[2].content = "\t先頭タブ";
  SHODO_TEST_DIR(dir);
  CsvOptions safe;
  CsvOptions raw;
  raw.neutralise_formulas = false;
  REQUIRE(write_chronology_csv(doc, safe, dir.path() / "safe.csv").ok());
  REQUIRE(write_chronology_csv(doc, raw, dir.path() / "raw.csv").ok());
  const auto safe_table = parse_rfc4180(read_bytes(dir.path() / "safe.csv").substr(3));
  const auto raw_table = parse_rfc4180(read_bytes(dir.path() / "raw.csv").substr(3));
  REQUIRE(safe_table.has_value());
  REQUIRE(raw_table.has_value());
  const auto& s1 = (*safe_table)[1];
  CHECK(s1[8] == "'=HYPERLINK(\"http://evil.example\",\"開く\")");
  CHECK(s1[6] == "'@救急外来");
  CHECK(s1[9] == "'-5 台停止");
  CHECK(s1[10] == "'+内線 1234");
  CHECK((*safe_table)[3][8] == "'\t先頭タブ");
  // No cell of the safe file starts like a formula; the raw file is the text exactly.
  for (const auto& row : *safe_table)
    for (const auto& cell : row) CHECK_FALSE(starts_like_formula(cell));
  CHECK((*raw_table)[1][8] == doc.entries[0].content);
  CHECK((*raw_table)[1][6] == "@救急外来");
  CHECK((*raw_table)[3][8] == "\t先頭タブ");
  // Round trip: dropping the quote of the safe file gives the raw file, cell for cell.
  REQUIRE(safe_table->size() == raw_table->size());
  for (std::size_t r = 0; r < safe_table->size(); ++r)
    for (std::size_t c = 0; c < (*safe_table)[r].size(); ++c)
      CHECK(spreadsheet_unsafe_restore((*safe_table)[r][c]) == (*raw_table)[r][c]);
  // CP932 too: the quote goes in front of the encoded bytes.
  CsvOptions sjis;
  sjis.encoding = CsvOptions::Encoding::cp932;
  REQUIRE(write_chronology_csv(doc, sjis, dir.path() / "sjis.csv").ok());
  const auto t = parse_rfc4180(read_bytes(dir.path() / "sjis.csv"));
  REQUIRE(t.has_value());
  CHECK((*t)[1][8].rfind("'=HYPERLINK(", 0) == 0);
}
