// The chronology PDFs (forensics/report/chronology_pdf.hpp): checked from the outside with the
// poppler tools a reader would use (pdfinfo page counts, pdftotext -layout text, pdftoppm
// pixels for the double strike-through), on documents built by hand — fake hashes, no log.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "forensics/chronology/entry.hpp"
#include "forensics/core/clock.hpp"
#include "forensics/report/chronology_pdf.hpp"
#include "forensics/report/pdf_canvas.hpp"

namespace {

namespace fs = std::filesystem;
using shodo::chronology::Category;
using shodo::chronology::Entry;
using shodo::chronology::EntryType;
using shodo::chronology::EventTime;
using shodo::chronology::ItemStatus;
using shodo::chronology::Precision;
using shodo::chronology::TimeQuality;
using shodo::ChronologyDocument;

// A fresh directory per test; kept (path printed) when a REQUIRE failure unwinds through it.
class PdfTempDir {
 public:
  PdfTempDir() {
    std::string tmpl = (fs::temp_directory_path() / "shodo-pdf-test-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    m_path = tmpl;
  }
  PdfTempDir(const PdfTempDir&) = delete;
  PdfTempDir& operator=(const PdfTempDir&) = delete;
  ~PdfTempDir() {
    std::error_code ec;
    if (std::uncaught_exceptions() > 0)
      std::fprintf(stderr, "kept test directory %s\n", m_path.c_str());
    else
      fs::remove_all(m_path, ec);
  }
  fs::path operator/(const char* name) const { return m_path / name; }

 private:
  fs::path m_path;
};

struct CommandOutput {
  int exit_code = -1;
  std::string out;
};

// Runs a shell command and captures its stdout (stderr goes to the test log).
CommandOutput run(const std::string& cmd) {
  CommandOutput r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int st = ::pclose(p);
  r.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

int page_count(const fs::path& pdf) {
  const CommandOutput r = run("pdfinfo " + quoted(pdf));
  REQUIRE(r.exit_code == 0);
  std::smatch m;
  REQUIRE(std::regex_search(r.out, m, std::regex(R"(Pages:\s+(\d+))")));
  return std::stoi(m[1]);
}

// Text of pages first..last (0 = all), as pdftotext -layout lays it out.
std::string pdf_text(const fs::path& pdf, int first = 0, int last = 0) {
  std::string cmd = "pdftotext -layout -enc UTF-8";
  if (first > 0) cmd += " -f " + std::to_string(first) + " -l " + std::to_string(last > 0 ? last : first);
  const CommandOutput r = run(cmd + " " + quoted(pdf) + " -");
  REQUIRE(r.exit_code == 0);
  return r.out;
}

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

// 64 hex digits whose first 16 differ for every seq (an odd multiplier is a bijection mod 2^64).
std::string fake_hash(std::int64_t seq, const std::string& device = "KIT-AB12") {
  char buf[17];
  const std::uint64_t salt = device == "KIT-AB12" ? 0 : 0x5555;
  std::snprintf(buf, sizeof buf, "%016llx",
                static_cast<unsigned long long>((static_cast<std::uint64_t>(seq) + salt) * 0x9E3779B97F4A7C15ULL));
  return std::string(buf) + std::string(48, 'c');
}

std::int64_t jst(const char* text) {
  std::int64_t ns = 0;
  if (!shodo::parse_time(text, ns)) throw std::runtime_error(std::string("bad test time ") + text);
  return ns;
}

Entry make_entry(std::int64_t seq, const std::string& content, const std::string& device = "KIT-AB12") {
  Entry e;
  e.entry_id = device + "-entry-" + std::to_string(seq);
  e.seq = seq;
  e.incident_id = "OGMC-20261124-01";
  e.device_id = device;
  e.boot_id = "6f1c2d3e-0000-4000-8000-000000000001";
  e.recorded_sys_utc_ns = jst("2026-11-24 10:00:00") + seq * 60 * shodo::k_ns_per_s;
  e.recorded_ref_utc_ns = e.recorded_sys_utc_ns;
  e.time_quality = TimeQuality::ref_interpolated;
  e.author = "山田 花子";
  e.from = "救急外来";
  e.to = {"情報システム課"};
  e.category = Category::report;
  e.content = content;
  e.prev_hash = seq == 1 ? shodo::chronology::k_genesis_hash : fake_hash(seq - 1, device);
  e.entry_hash = fake_hash(seq, device);
  return e;
}

ChronologyDocument make_doc(std::vector<Entry> entries, bool japanese = true) {
  ChronologyDocument doc;
  doc.incident.incident_id = "OGMC-20261124-01";
  doc.incident.title = "ランサムウェア疑い";
  doc.incident.facility = "大阪総合医療センター";
  doc.incident.training = true;
  doc.entries = std::move(entries);
  std::vector<std::string> devices;
  for (const Entry& e : doc.entries) {
    bool seen = false;
    for (auto& h : doc.heads)
      if (h.device_id == e.device_id) h.count = e.seq, h.last_hash = e.entry_hash, seen = true;
    if (!seen) doc.heads.push_back({e.device_id, e.seq, e.entry_hash});
  }
  doc.kit_id = "KIT-AB12";
  doc.key_fingerprint = "ab12 cd34 ef56 7890";
  doc.exported_by = "鈴木 一郎";
  doc.export_utc_ns = jst("2026-11-24 13:00:00");
  doc.japanese = japanese;
  return doc;
}

std::string hex16(const std::string& h) { return h.substr(0, 16); }

// Longest run of dark pixels in each row of a binary PGM (P5, 8 bit) image.
std::vector<int> dark_runs_per_row(const fs::path& pgm) {
  std::ifstream in(pgm, std::ios::binary);
  std::string magic;
  int w = 0, h = 0, maxval = 0;
  in >> magic >> w >> h >> maxval;
  REQUIRE(magic == "P5");
  REQUIRE(maxval == 255);
  in.get();  // the single whitespace before the raster
  std::vector<unsigned char> px(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
  in.read(reinterpret_cast<char*>(px.data()), static_cast<std::streamsize>(px.size()));
  REQUIRE(in.gcount() == static_cast<std::streamsize>(px.size()));
  std::vector<int> runs(static_cast<std::size_t>(h), 0);
  for (int y = 0; y < h; ++y) {
    int run_len = 0;
    for (int x = 0; x < w; ++x) {
      if (px[static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x)] < 128) {
        ++run_len;
        runs[static_cast<std::size_t>(y)] = std::max(runs[static_cast<std::size_t>(y)], run_len);
      } else {
        run_len = 0;
      }
    }
  }
  return runs;
}

// Number of separate horizontal lines (bands of rows with a run of at least `min_run` px).
int count_horizontal_lines(const std::vector<int>& runs, int min_run) {
  int bands = 0;
  bool in_band = false;
  for (int r : runs) {
    const bool dark = r >= min_run;
    if (dark && !in_band) ++bands;
    in_band = dark;
  }
  return bands;
}

// Draws one struck text on its own small PDF and counts the long horizontal lines in it.
int strike_lines(shodo::report::pdf::Strike strike, const PdfTempDir& dir, const char* name) {
  using namespace shodo::report::pdf;
  std::string bytes;
  {
    PdfCanvas canvas(400, 60, PdfMetadata{});
    canvas.draw(Cell().add("訂正前の内容 Original text", false, strike), 10, 10, 380, 14);
    auto r = canvas.finish();
    REQUIRE(r.ok());
    bytes = *r;
  }
  const fs::path pdf = dir / (std::string(name) + ".pdf").c_str();
  std::ofstream(pdf, std::ios::binary) << bytes;
  const fs::path stem = dir / name;
  REQUIRE(run("pdftoppm -r 144 -gray -singlefile " + quoted(pdf) + " " + quoted(stem)).exit_code == 0);
  // 14 pt at 144 dpi: one character is ~28 px wide; no glyph stroke is 150 px long.
  return count_horizontal_lines(dark_runs_per_row(stem.string() + ".pgm"), 150);
}

}  // namespace

TEST_CASE("chronology PDF: one entry is one page with header, content and hash anchor", "[pdf]") {
  PdfTempDir dir;
  Entry e = make_entry(1, "電子カルテが開けないとの報告");
  e.recorded_ref_utc_ns.reset();
  e.time_quality = TimeQuality::uncorrected;
  e.action = "ネットワーク遮断を検討";
  e.assignee = "情報システム課";
  e.status = ItemStatus::open;
  const ChronologyDocument doc = make_doc({e});
  const fs::path out = dir / "chronology.pdf";

  auto st = shodo::report::write_chronology_pdf(doc, out);
  INFO((st.ok() ? "" : st.error().describe(false)));
  REQUIRE(st.ok());
  CHECK(page_count(out) == 1);
  const std::string text = pdf_text(out);
  CHECK(contains(text, "OGMC-20261124-01"));
  CHECK(contains(text, "ランサムウェア疑い"));
  CHECK(contains(text, "大阪総合医療センター"));
  CHECK(contains(text, "電子カルテが開けないとの報告"));
  CHECK(contains(text, "ネットワーク遮断を検討"));
  CHECK(contains(text, "訓練"));
  CHECK(contains(text, "未補正"));          // header time basis and the row's time
  CHECK(contains(text, "時刻基準: 未補正"));
  CHECK(std::regex_search(text, std::regex("●\\s*未")));  // open mark that survives photocopying
  CHECK(contains(text, "1 / 1 ページ"));
  CHECK(contains(text, "2026-11-24"));      // date on the first row
  CHECK(contains(text, "10:01:00"));
  CHECK(contains(text, hex16(e.entry_hash)));  // CHR-23 anchor of the last entry on the page
  CHECK(contains(text, "ab12 cd34 ef56 7890"));
  CHECK(contains(text, "記録者"));
  CHECK(contains(text, "確認者"));
}

TEST_CASE("chronology PDF: 200 entries fill whole pages, every row once, anchors per page", "[pdf]") {
  PdfTempDir dir;
  std::vector<Entry> entries;
  for (int i = 1; i <= 200; ++i) {
    char content[64];
    std::snprintf(content, sizeof content, "連絡事項 #%03d", i);
    entries.push_back(make_entry(i, content));
  }
  const ChronologyDocument doc = make_doc(entries);
  const fs::path out = dir / "long.pdf";
  REQUIRE(shodo::report::write_chronology_pdf(doc, out).ok());

  const int pages = page_count(out);
  REQUIRE(pages > 1);
  // Footer "No. a–b" of each page: contiguous, no row lost or repeated, the same number of
  // (equal one-line) rows on every full page, and the page count that number implies.
  std::int64_t expected_first = 1;
  std::int64_t rows_per_page = 0;
  for (int p = 1; p <= pages; ++p) {
    const std::string text = pdf_text(out, p);
    std::smatch m;
    REQUIRE(std::regex_search(text, m, std::regex("No\\. (\\d+)–(\\d+)")));
    const std::int64_t first = std::stoll(m[1]), last = std::stoll(m[2]);
    CHECK(first == expected_first);
    if (p == 1) rows_per_page = last - first + 1;
    if (p < pages) CHECK(last - first + 1 == rows_per_page);
    // The anchor is the hash of the page's last entry, not of its neighbour.
    CHECK(contains(text, hex16(fake_hash(last))));
    if (last < 200) CHECK_FALSE(contains(text, hex16(fake_hash(last + 1))));
    char last_content[64], next_content[64];
    std::snprintf(last_content, sizeof last_content, "連絡事項 #%03lld", static_cast<long long>(last));
    std::snprintf(next_content, sizeof next_content, "連絡事項 #%03lld", static_cast<long long>(last + 1));
    CHECK(contains(text, last_content));
    CHECK_FALSE(contains(text, next_content));
    CHECK(contains(text, std::to_string(p) + " / " + std::to_string(pages) + " ページ"));
    CHECK(contains(text, "KIT-AB12 200件 " + hex16(fake_hash(200))));  // chain head on every page
    expected_first = last + 1;
  }
  CHECK(expected_first == 201);
  // One-line rows at 7.5 pt on A4 landscape: about 30 per page.
  CHECK(rows_per_page >= 20);
  CHECK(rows_per_page <= 45);
  CHECK(pages == (200 + rows_per_page - 1) / rows_per_page);
}

TEST_CASE("chronology PDF: corrections and voids keep the original legible (CHR-22)", "[pdf]") {
  PdfTempDir dir;
  Entry e1 = make_entry(1, "端末3台が起動しない");
  e1.action = "ベンダーに連絡";
  e1.status = ItemStatus::open;
  Entry e2 = make_entry(2, "端末5台が起動しない");
  e2.type = EntryType::correction;
  e2.target_entry_id = e1.entry_id;
  e2.reason = "台数の聞き間違い";
  Entry e3 = make_entry(3, "重複して入力した行");
  Entry e4 = make_entry(4, "");
  e4.type = EntryType::void_entry;
  e4.target_entry_id = e3.entry_id;
  e4.reason = "重複入力";
  Entry e5 = make_entry(5, "ベンダー到着予定 15時");
  e5.type = EntryType::addendum;
  e5.target_entry_id = e1.entry_id;
  const fs::path out = dir / "corrections.pdf";
  REQUIRE(shodo::report::write_chronology_pdf(make_doc({e1, e2, e3, e4, e5}), out).ok());

  const std::string text = pdf_text(out);
  CHECK(contains(text, "端末3台が起動しない"));  // the superseded original is still printed
  CHECK(contains(text, "→ 訂正 No. 2"));
  CHECK(contains(text, "端末5台が起動しない"));  // the correction row
  CHECK(contains(text, "No. 1 を訂正"));
  CHECK(contains(text, "台数の聞き間違い"));
  CHECK(contains(text, "重複して入力した行"));   // voided text stays
  CHECK(contains(text, "取消 No. 4（重複入力）"));
  CHECK(contains(text, "No. 3 を取消"));
  CHECK(contains(text, "No. 1 に追記"));
  CHECK(contains(text, "+ 追記 No. 5"));
}

TEST_CASE("pdf canvas: 訂正 is a double line, 取消 a single line, plain text none", "[pdf]") {
  using shodo::report::pdf::Strike;
  PdfTempDir dir;
  CHECK(strike_lines(Strike::none, dir, "none") == 0);
  CHECK(strike_lines(Strike::single, dir, "single") == 1);
  CHECK(strike_lines(Strike::double_line, dir, "double") == 2);
}

TEST_CASE("chronology PDF: user text is printed as typed, never as markup", "[pdf]") {
  PdfTempDir dir;
  Entry e1 = make_entry(1, "<b>太字</b> & <i>x</i> &amp; 100% {n}");
  Entry e2 = make_entry(2, std::string("壊れた文字\xff\xfe列") + '\0' + "の後");
  const fs::path out = dir / "markup.pdf";
  auto st = shodo::report::write_chronology_pdf(make_doc({e1, e2}), out);
  REQUIRE(st.ok());
  const std::string text = pdf_text(out);
  CHECK(contains(text, "<b>太字</b> & <i>x</i> &amp; 100% {n}"));
  CHECK(contains(text, "壊れた文字"));
  CHECK(contains(text, "の後"));  // an embedded NUL does not cut the text
}

TEST_CASE("chronology PDF: merged devices print device#seq and every chain head", "[pdf]") {
  PdfTempDir dir;
  std::vector<Entry> entries;
  for (int i = 1; i <= 7; ++i) entries.push_back(make_entry(i, "本部の記録 " + std::to_string(i)));
  for (int i = 1; i <= 3; ++i) entries.push_back(make_entry(i, "別キットの記録 " + std::to_string(i), "KIT-CD34"));
  const fs::path out = dir / "merged.pdf";
  REQUIRE(shodo::report::write_chronology_pdf(make_doc(entries), out).ok());
  const std::string text = pdf_text(out);
  CHECK(contains(text, "KIT-AB12#7"));
  CHECK(contains(text, "KIT-CD34#3"));
  CHECK(contains(text, "KIT-AB12 No. 1–7"));
  CHECK(contains(text, "KIT-CD34 No. 1–3"));
  CHECK(contains(text, hex16(fake_hash(7))));
  CHECK(contains(text, hex16(fake_hash(3, "KIT-CD34"))));
  CHECK(contains(text, "KIT-CD34 3件"));
}

TEST_CASE("chronology PDF: time basis line when the reference time is confirmed", "[pdf]") {
  PdfTempDir dir;
  Entry e = make_entry(1, "117 で時刻合わせ");
  e.event_time = EventTime{jst("2026-11-24 07:30:00"), Precision::approx, std::nullopt};
  ChronologyDocument doc = make_doc({e});
  doc.time.confirmed = true;
  doc.time.last_check_utc_ns = jst("2026-11-24 10:05:00");
  doc.time.offset_ns = 12'500'000'000;
  doc.time.uncertainty_ns = 1'000'000'000;
  doc.time.confirmed_by = "鈴木";
  doc.time.source = "117";
  const fs::path out = dir / "confirmed.pdf";
  REQUIRE(shodo::report::write_chronology_pdf(doc, out).ok());
  const std::string text = pdf_text(out);
  CHECK(contains(text, "基準時計補正済 JST"));
  CHECK(contains(text, "最終確認 10:05"));
  CHECK(contains(text, "補正値 +12.5 s ±1.0 s"));
  CHECK(contains(text, "確認者 鈴木"));
  CHECK_FALSE(contains(text, "未補正"));
  CHECK(contains(text, "(事象 07:30頃)"));  // the event time, at its precision
}

TEST_CASE("chronology PDF: English labels", "[pdf]") {
  PdfTempDir dir;
  Entry e = make_entry(1, "EMR down in the ER");
  e.recorded_ref_utc_ns.reset();
  e.time_quality = TimeQuality::uncorrected;
  e.status = ItemStatus::open;
  e.action = "Call vendor";
  const fs::path out = dir / "en.pdf";
  REQUIRE(shodo::report::write_chronology_pdf(make_doc({e}, false), out).ok());
  const std::string text = pdf_text(out);
  CHECK(contains(text, "TRAINING"));
  CHECK(contains(text, "Time basis: uncorrected"));
  CHECK(contains(text, "Uncorrected"));
  CHECK(std::regex_search(text, std::regex("●\\s*Open")));
  CHECK(contains(text, "Page 1 / 1"));
  CHECK(contains(text, "Exported 2026-11-24 13:00:00 JST"));
  CHECK_FALSE(contains(text, "ページ"));
}

TEST_CASE("chronology PDF: a row taller than a page is clipped with a note", "[pdf]") {
  PdfTempDir dir;
  std::string huge;
  for (int i = 0; i < 400; ++i) huge += "長い報告文の繰り返し" + std::to_string(i) + "。";
  const fs::path out = dir / "huge.pdf";
  REQUIRE(shodo::report::write_chronology_pdf(
              make_doc({make_entry(1, "最初の行"), make_entry(2, huge), make_entry(3, "最後の行")}), out)
              .ok());
  const int pages = page_count(out);
  CHECK(pages == 3);  // the huge row gets a page of its own
  const std::string text = pdf_text(out);
  CHECK(contains(text, "1ページに収まらないため"));
  CHECK(contains(text, "No. 2 を参照"));
  CHECK(contains(text, "最初の行"));
  CHECK(contains(text, "最後の行"));
  CHECK_FALSE(contains(text, "長い報告文の繰り返し399"));  // the tail really is cut
}

TEST_CASE("chronology PDF: the TRAINING mark follows the incident or any training entry", "[pdf]") {
  PdfTempDir dir;
  ChronologyDocument real = make_doc({make_entry(1, "本番の記録")});
  real.incident.training = false;
  REQUIRE(shodo::report::write_chronology_pdf(real, dir / "real.pdf").ok());
  CHECK_FALSE(contains(pdf_text(dir / "real.pdf"), "TRAINING"));
  CHECK_FALSE(contains(pdf_text(dir / "real.pdf"), "訓練"));
  real.entries[0].training = true;
  REQUIRE(shodo::report::write_chronology_pdf(real, dir / "drill.pdf").ok());
  CHECK(contains(pdf_text(dir / "drill.pdf"), "訓練 TRAINING"));
}

TEST_CASE("chronology PDF: an empty chronology gives one page saying so", "[pdf]") {
  PdfTempDir dir;
  const fs::path out = dir / "empty.pdf";
  REQUIRE(shodo::report::write_chronology_pdf(make_doc({}), out).ok());
  CHECK(page_count(out) == 1);
  CHECK(contains(pdf_text(out), "記録はまだありません"));
}

TEST_CASE("blank sheets: one page per sheet, sheet numbers and line numbers (CHR-25)", "[pdf]") {
  PdfTempDir dir;
  shodo::IncidentInfo inc;
  inc.incident_id = "OGMC-20261124-01";
  inc.title = "ランサムウェア疑い";
  inc.facility = "大阪総合医療センター";
  inc.training = true;
  const fs::path out = dir / "blank.pdf";
  REQUIRE(shodo::report::write_blank_sheets_pdf(inc, 3, 4, true, out).ok());
  REQUIRE(page_count(out) == 4);
  for (int p = 1; p <= 4; ++p) {
    const std::string text = pdf_text(out, p);
    CHECK(contains(text, "シート No. " + std::to_string(p + 2)));
    CHECK(contains(text, "OGMC-20261124-01"));
    CHECK(contains(text, "訓練"));
    CHECK(contains(text, "見た時計"));
    CHECK(contains(text, "発信元 → 受信先"));
    // Line numbers: every number 1..N at the start of a text line, N the same on every sheet.
    std::set<int> numbers;
    std::istringstream lines(text);
    std::string line;
    const std::regex numbered(R"(^\s*(\d{1,2})\s*$)");
    while (std::getline(lines, line)) {
      std::smatch m;
      if (std::regex_match(line, m, numbered)) numbers.insert(std::stoi(m[1]));
    }
    REQUIRE(!numbers.empty());
    const int n = *numbers.rbegin();
    CHECK(n >= 14);  // 8.5 mm rows on A4 landscape
    CHECK(static_cast<int>(numbers.size()) == n);
    CHECK(*numbers.begin() == 1);
  }
  CHECK_FALSE(contains(pdf_text(out), "シート No. 7"));

  auto bad = shodo::report::write_blank_sheets_pdf(inc, 0, 1, true, dir / "bad.pdf");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == shodo::ErrorCode::invalid_input);
  CHECK_FALSE(bad.error().ja.empty());
  CHECK_FALSE(bad.error().en.empty());
  CHECK_FALSE(fs::exists(dir / "bad.pdf"));
  CHECK_FALSE(shodo::report::write_blank_sheets_pdf(inc, 1, 1000, true, dir / "bad.pdf").ok());
  CHECK_FALSE(shodo::report::write_blank_sheets_pdf(inc, 1, 0, true, dir / "bad.pdf").ok());
}

TEST_CASE("open-items PDF lists only open and in-progress items with their age", "[pdf]") {
  PdfTempDir dir;
  Entry a = make_entry(1, "項目A 未のまま");
  a.status = ItemStatus::open;
  a.action = "確認する";
  a.assignee = "田中";
  Entry b = make_entry(2, "項目B 済");
  b.status = ItemStatus::done;
  b.action = "済ませた";
  Entry c = make_entry(3, "項目C 後で済");
  c.status = ItemStatus::open;
  c.action = "対応する";
  Entry d = make_entry(4, "項目D 対応中");
  d.status = ItemStatus::in_progress;
  d.action = "作業中";
  Entry e = make_entry(5, "項目E 取消された未");
  e.status = ItemStatus::open;
  e.action = "不要になった";
  Entry f = make_entry(6, "項目F 状態なし");
  Entry g = make_entry(7, "");
  g.type = EntryType::status_change;
  g.target_entry_id = c.entry_id;
  g.status = ItemStatus::done;
  Entry h = make_entry(8, "");
  h.type = EntryType::void_entry;
  h.target_entry_id = e.entry_id;
  h.reason = "誤入力";
  const fs::path out = dir / "open.pdf";
  REQUIRE(shodo::report::write_open_items_pdf(make_doc({a, b, c, d, e, f, g, h}), out).ok());
  CHECK(page_count(out) == 1);
  const std::string text = pdf_text(out);
  CHECK(contains(text, "未対応一覧"));
  CHECK(contains(text, "未 1件・対応中 1件"));
  CHECK(contains(text, "項目A 未のまま"));
  CHECK(contains(text, "確認する"));
  CHECK(contains(text, "田中"));
  CHECK(contains(text, "項目D 対応中"));
  CHECK(std::regex_search(text, std::regex("●\\s*未")));
  CHECK(contains(text, "2時間59分"));  // a: recorded 10:01, exported 13:00
  CHECK_FALSE(contains(text, "項目B"));
  CHECK_FALSE(contains(text, "項目C"));
  CHECK_FALSE(contains(text, "項目E"));
  CHECK_FALSE(contains(text, "項目F"));
  CHECK(contains(text, hex16(fake_hash(4))));  // anchor: the last item listed (d, seq 4)
}

TEST_CASE("chronology PDF: a failed write is reported in both languages and leaves nothing", "[pdf]") {
  PdfTempDir dir;
  const fs::path out = dir / "no-such-dir/chronology.pdf";
  auto st = shodo::report::write_chronology_pdf(make_doc({make_entry(1, "x")}), out);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code == shodo::ErrorCode::not_saved);
  CHECK_FALSE(st.error().ja.empty());
  CHECK_FALSE(st.error().en.empty());
  CHECK(contains(st.error().describe(false), "chronology.pdf"));
  CHECK_FALSE(fs::exists(out));
}
