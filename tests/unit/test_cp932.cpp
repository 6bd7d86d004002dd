// UTF-8 → CP932 conversion and the CP932 hospital CSV (REQUIREMENTS §3.5.2). Expected bytes were
// taken from Python's independent cp932 codec, not from glibc.
#include "tests/unit/test_support.hpp"  // first: it configures Catch

#include <catch2/catch.hpp>

#include "forensics/report/chronology_csv.hpp"
#include "forensics/report/cp932.hpp"
#include "tests/unit/export_test_support.hpp"

using namespace shodo;
using namespace shodo::report;
using shodo::test_support::parse_rfc4180;
using shodo::unit::read_bytes;
using shodo::test_support::sample_document;

namespace {

Cp932Encoder encoder() {
  auto r = Cp932Encoder::open();
  REQUIRE(r.ok());  // Debian glibc ships the CP932 gconv module
  return std::move(r).value();
}

bool same(const Unmappable& a, const Unmappable& b) {
  return a.row == b.row && a.column == b.column && a.character == b.character && a.codepoint == b.codepoint;
}

}  // namespace

TEST_CASE("format_codepoint", "[cp932]") {
  CHECK(format_codepoint(U'A') == "U+0041");
  CHECK(format_codepoint(U'日') == "U+65E5");
  CHECK(format_codepoint(U'😀') == "U+1F600");
  CHECK(format_codepoint(U'𠮷') == "U+20BB7");
}

TEST_CASE("CP932 known mappings", "[cp932]") {
  auto enc = encoder();
  std::vector<Unmappable> w;
  CHECK(enc.encode("日本", 1, "内容", w) == "\x93\xFA\x96\x7B");
  CHECK(enc.encode("①", 1, "内容", w) == "\x87\x40");
  CHECK(enc.encode("ｱｲｳ", 1, "内容", w) == "\xB1\xB2\xB3");  // half-width kana: one byte each
  CHECK(enc.encode("～", 1, "内容", w) == "\x81\x60");     // U+FF5E FULLWIDTH TILDE
  CHECK(enc.encode("、", 1, "内容", w) == "\x81\x41");
  CHECK(enc.encode("→", 1, "内容", w) == "\x81\xA8");
  CHECK(enc.encode("髙﨑", 1, "内容", w) == "\xFB\xFC\xFA\xB1");  // IBM extension kanji in names
  CHECK(enc.encode("A,b~\\\r\n", 1, "内容", w) == "A,b~\\\r\n");  // ASCII unchanged
  CHECK(enc.encode("", 1, "内容", w) == "");
  CHECK(w.empty());
}

TEST_CASE("CP932 unmappable characters become '?' and are reported", "[cp932]") {
  auto enc = encoder();
  std::vector<Unmappable> w;
  CHECK(enc.encode("a😀b", 3, "内容", w) == "a?b");
  CHECK(enc.encode("𠮷野家", 4, "発信元", w) == "?\x96\xEC\x89\xC6");
  CHECK(enc.encode("café", 5, "対応", w) == "caf?");
  REQUIRE(w.size() == 3);
  CHECK(same(w[0], Unmappable{3, "内容", "😀", "U+1F600"}));
  CHECK(same(w[1], Unmappable{4, "発信元", "𠮷", "U+20BB7"}));
  CHECK(same(w[2], Unmappable{5, "対応", "é", "U+00E9"}));
}

TEST_CASE("CP932 invalid UTF-8 bytes become '?' and are reported", "[cp932]") {
  auto enc = encoder();
  std::vector<Unmappable> w;
  CHECK(enc.encode("a\xFF" "b", 2, "内容", w) == "a?b");
  CHECK(enc.encode("\xE6\x97", 2, "内容", w) == "??");  // truncated 日
  REQUIRE(w.size() == 3);
  CHECK(same(w[0], Unmappable{2, "内容", "", "0xFF"}));
  CHECK(same(w[1], Unmappable{2, "内容", "", "0xE6"}));
  CHECK(same(w[2], Unmappable{2, "内容", "", "0x97"}));
}

TEST_CASE("CP932 hospital CSV: bytes and exact warnings", "[cp932][csv]") {
  auto doc = sample_document();
  doc.entries[0].content = "端末に😀の表示";
  doc.entries[2].from = "𠮷田 部長";
  SHODO_TEST_DIR(dir);
  CsvOptions opt;
  opt.encoding = CsvOptions::Encoding::cp932;
  auto r = write_chronology_csv(doc, opt, dir.path() / "sjis.csv");
  REQUIRE(r.ok());
  REQUIRE(r->unmappable.size() == 2);
  CHECK(same(r->unmappable[0], Unmappable{1, "内容", "😀", "U+1F600"}));
  CHECK(same(r->unmappable[1], Unmappable{3, "発信元", "𠮷", "U+20BB7"}));

  const std::string bytes = read_bytes(dir.path() / "sjis.csv");
  // No BOM; the header in CP932: "No.," then 記録の状態, 記録時刻(JST).
  CHECK(bytes.rfind("No.,\x8B\x4C\x98\x5E\x82\xCC\x8F\xF3\x91\xD4,\x8B\x4C\x98\x5E\x8E\x9E\x8D\x8F(JST),", 0) == 0);
  auto table = parse_rfc4180(bytes);
  REQUIRE(table.has_value());
  REQUIRE(table->size() == 7);
  CHECK((*table)[1][8] == "\x92\x5B\x96\x96\x82\xC9?\x82\xCC\x95\x5C\x8E\xA6");  // 端末に?の表示
  CHECK((*table)[3][6] == "?\x93\x63 \x95\x94\x92\xB7");                         // ?田 部長
  CHECK((*table)[1][5] == "\x95\xF1\x8D\x90");                                   // 報告
}

TEST_CASE("CP932 warnings are described for the CLI in both languages", "[cp932]") {
  const Unmappable u{3, "内容", "😀", "U+1F600"};
  CHECK(describe_unmappable(u, i18n::Lang::ja) == "3行目「内容」: 😀 (U+1F600)");
  CHECK(describe_unmappable(u, i18n::Lang::en) == "row 3, column \"内容\": 😀 (U+1F600)");
  const Unmappable bad{2, "Content", "", "0xFF"};
  CHECK(describe_unmappable(bad, i18n::Lang::en) == "row 2, column \"Content\": ? (0xFF)");
}
