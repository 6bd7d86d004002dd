// Evidence outputs EV-01…EV-03 (REQUIREMENTS §4.4), checked with the tools a reader would use:
// pdfinfo (page size and count), pdftotext (text), pdftoppm (the QR code as printed, compared
// module by module with qrencode's matrix), sha256sum -c (the image manifest), and an independent
// RFC 4180 reader (the register CSV).
#include "tests/unit/test_support.hpp"  // first: it configures catch.hpp

#include <qrencode.h>

#include <cmath>
#include <regex>

#include "forensics/case/workspace.hpp"
#include "forensics/evidence/evidence.hpp"
#include "forensics/report/evidence_pdf.hpp"
#include "forensics/integrity/digest.hpp"
#include "tests/unit/export_test_support.hpp"
#include "tests/unit/test_evidence_support.hpp"

using namespace shodo;
using namespace shodo::evidence;
using namespace shodo::unit;
using namespace shodo::evidence_test;
namespace fs = std::filesystem;

namespace {

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

std::string pdf_text(const fs::path& pdf) {
  int st = 0;
  const std::string out = run_command("pdftotext -layout -enc UTF-8 " + q(pdf) + " - 2>/dev/null", &st);
  REQUIRE(st == 0);
  return out;
}

// pdfinfo "Pages:" and "Page size: W x H pts".
struct PdfInfo {
  int pages = 0;
  double width = 0, height = 0;
};
PdfInfo pdf_info(const fs::path& pdf) {
  int st = 0;
  const std::string out = run_command("pdfinfo " + q(pdf) + " 2>/dev/null", &st);
  REQUIRE(st == 0);
  PdfInfo i;
  std::smatch m;
  REQUIRE(std::regex_search(out, m, std::regex(R"(Pages:\s+(\d+))")));
  i.pages = std::stoi(m[1]);
  REQUIRE(std::regex_search(out, m, std::regex(R"(Page size:\s+([0-9.]+) x ([0-9.]+) pts)")));
  i.width = std::stod(m[1]);
  i.height = std::stod(m[2]);
  return i;
}

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

// A greyscale raster of page 1 (pdftoppm -gray, PGM P5).
struct Gray {
  int w = 0, h = 0;
  std::string px;
  bool dark(int x, int y) const { return static_cast<unsigned char>(px[static_cast<std::size_t>(y * w + x)]) < 128; }
};
Gray rasterise(const fs::path& pdf, const fs::path& dir, int dpi) {
  int st = 0;
  run_command("pdftoppm -gray -r " + std::to_string(dpi) + " -singlefile -f 1 -l 1 " + q(pdf) + " " + q(dir / "page"), &st);
  REQUIRE(st == 0);
  const std::string data = read_bytes(dir / "page.pgm");
  // "P5\n<w> <h>\n255\n" then w*h bytes.
  std::size_t pos = 0;
  auto token = [&] {
    while (pos < data.size() && std::isspace(static_cast<unsigned char>(data[pos]))) ++pos;
    const std::size_t start = pos;
    while (pos < data.size() && !std::isspace(static_cast<unsigned char>(data[pos]))) ++pos;
    return data.substr(start, pos - start);
  };
  REQUIRE(token() == "P5");
  Gray g;
  g.w = std::stoi(token());
  g.h = std::stoi(token());
  REQUIRE(token() == "255");
  ++pos;
  g.px = data.substr(pos);
  REQUIRE(g.px.size() == static_cast<std::size_t>(g.w) * static_cast<std::size_t>(g.h));
  return g;
}

struct Setup {
  EvFixture fx;
  std::unique_ptr<Workspace> ws = fx.create();
  EvidenceRegister reg = EvidenceRegister::open(*ws).value();
  EvidenceItem disk, image;
  Setup() {
    disk = reg.add_item(*ws, sample_disk()).value();
    image = reg.add_item(*ws, sample_image(disk.evidence_no)).value();
  }
  OutputInfo info(bool ja = true) { return output_info(*ws, reg, ja); }
};

}  // namespace

TEST_CASE("evidence QR: qrencode matrix of an evidence number (version 2, finder patterns)", "[evidence][pdf]") {
  const std::string no = "OGMC-20221031-01-E001";
  auto m = qr_matrix(no);
  REQUIRE(m.ok());
  // 21 characters in byte/alphanumeric modes at level M need version 2: 25 × 25 modules.
  CHECK(m->size == 25);
  REQUIRE(m->dark.size() == 625);
  // Same matrix as calling the library directly.
  QRcode* ref = QRcode_encodeString(no.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  REQUIRE(ref != nullptr);
  CHECK(ref->width == m->size);
  int diff = 0;
  for (int i = 0; i < ref->width * ref->width; ++i) diff += ((ref->data[i] & 1) != 0) != m->dark[static_cast<std::size_t>(i)];
  QRcode_free(ref);
  CHECK(diff == 0);
  // The three finder patterns: a dark 7×7 ring, light ring, dark 3×3 centre.
  for (auto [ox, oy] : {std::pair{0, 0}, std::pair{m->size - 7, 0}, std::pair{0, m->size - 7}}) {
    for (int y = 0; y < 7; ++y)
      for (int x = 0; x < 7; ++x) {
        const bool ring = x == 0 || y == 0 || x == 6 || y == 6;
        const bool centre = x >= 2 && x <= 4 && y >= 2 && y <= 4;
        CHECK(m->at(ox + x, oy + y) == (ring || centre));
      }
  }
  // A longer sub-item number still fits a small code.
  CHECK(qr_matrix("OGMC-20221031-01-E001-01").value().size <= 29);
}

TEST_CASE("EV-01 label: 90×50 mm, number, Japanese description, hash prefix — the printed QR is the matrix", "[evidence][pdf]") {
  Setup s;
  const fs::path out = s.fx.dir / "label.pdf";
  auto bytes = render_labels_pdf({s.image, s.disk}, s.info());
  REQUIRE(bytes.ok());
  write_bytes(out, bytes.value());
  const PdfInfo pi = pdf_info(out);
  CHECK(pi.pages == 2);
  CHECK(std::abs(pi.width - 90.0 * 72 / 25.4) < 0.6);
  CHECK(std::abs(pi.height - 50.0 * 72 / 25.4) < 0.6);
  const std::string text = pdf_text(out);
  CHECK(contains(text, s.image.evidence_no));
  CHECK(contains(text, s.disk.evidence_no));
  CHECK(contains(text, "ディスクイメージ"));
  CHECK(contains(text, "電子カルテサーバ"));
  CHECK(contains(text, k_sha_a.substr(0, 16)));
  CHECK_FALSE(contains(text, k_sha_a.substr(0, 17)));  // the prefix only
  CHECK(contains(text, "収集者"));
  CHECK(contains(text, "鈴木 一郎"));
  CHECK(contains(text, "SHA-256 未記録"));  // the disk has no hash yet
  CHECK(contains(text, "JST"));

  // Page 1 as printed at 288 dpi (4 px per point): the QR code region on the right holds exactly
  // the modules of qr_matrix(evidence number).
  const Gray g = rasterise(out, s.fx.dir.path(), 288);
  const auto m = qr_matrix(s.image.evidence_no).value();
  const int px_per_pt = 4;
  const int x_from = static_cast<int>((90.0 - 3.0 - 30.0) * 72 / 25.4 * px_per_pt) + 2;  // left edge of the QR square
  // Rows with dark pixels in the region, grouped; the QR code is the tallest group.
  std::vector<bool> row_dark(static_cast<std::size_t>(g.h), false);
  for (int y = 0; y < g.h; ++y)
    for (int x = x_from; x < g.w; ++x)
      if (g.dark(x, y)) {
        row_dark[static_cast<std::size_t>(y)] = true;
        break;
      }
  int best_top = -1, best_len = 0;
  for (int y = 0; y < g.h;) {
    if (!row_dark[static_cast<std::size_t>(y)]) {
      ++y;
      continue;
    }
    int e = y;
    while (e < g.h && row_dark[static_cast<std::size_t>(e)]) ++e;
    if (e - y > best_len) {
      best_top = y;
      best_len = e - y;
    }
    y = e;
  }
  REQUIRE(best_top >= 0);
  int left = g.w, right = -1;
  for (int y = best_top; y < best_top + best_len; ++y)
    for (int x = x_from; x < g.w; ++x)
      if (g.dark(x, y)) {
        left = std::min(left, x);
        right = std::max(right, x);
      }
  const double module_px = static_cast<double>(best_len) / m.size;
  INFO("QR box " << left << "," << best_top << " " << (right - left + 1) << "×" << best_len << " px, module " << module_px);
  CHECK(std::abs((right - left + 1) - best_len) <= 2);  // square
  CHECK(module_px > 5.0);                                // ≥ 0.45 mm at 288 dpi: scannable
  int mismatches = 0;
  for (int my = 0; my < m.size; ++my)
    for (int mx = 0; mx < m.size; ++mx) {
      const int px = left + static_cast<int>((mx + 0.5) * module_px);
      const int py = best_top + static_cast<int>((my + 0.5) * module_px);
      if (g.dark(px, py) != m.at(mx, my)) ++mismatches;
    }
  CHECK(mismatches == 0);
}

TEST_CASE("EV-02 custody form: A4 portrait, item data, recorded transfers, blank signature rows", "[evidence][pdf]") {
  Setup s;
  REQUIRE(s.reg.record_seal(*s.ws, s.disk.evidence_no, "SEAL-0001").ok());
  Transfer t;
  t.evidence_nos = {s.disk.evidence_no};
  t.from = {"鈴木 一郎", "", "情報システム課", ""};
  t.to = {"高橋 次郎", "", "フォレンジック社", ""};
  t.purpose = "解析";
  t.method = "courier";
  t.tracking_no = "1234-5678-9012";
  t.seal_no_before = "SEAL-0001";
  t.seal_intact = true;
  t.seal_no_after = "SEAL-0002";
  REQUIRE(s.reg.record_transfer(*s.ws, t).ok());
  const auto item = *s.reg.find(s.disk.evidence_no);

  const fs::path out = s.fx.dir / "custody.pdf";
  auto bytes = render_custody_form_pdf(item, s.reg.transfers_of(item.evidence_no), s.info());
  REQUIRE(bytes.ok());
  write_bytes(out, bytes.value());
  const PdfInfo pi = pdf_info(out);
  CHECK(pi.pages == 1);
  CHECK(std::abs(pi.width - 595.3) < 1.0);
  CHECK(std::abs(pi.height - 841.9) < 1.0);
  const std::string text = pdf_text(out);
  CHECK(contains(text, item.evidence_no));
  CHECK(contains(text, "証拠品 保管記録"));
  CHECK(contains(text, "S4E7NX0M123456"));
  CHECK(contains(text, "本館3階 サーバ室"));
  CHECK(contains(text, "高橋 次郎"));
  CHECK(contains(text, "1234-5678-9012"));
  CHECK(contains(text, "SEAL-0001 → SEAL-0002"));
  CHECK(contains(text, "引渡者 署名"));
  CHECK(contains(text, "受領者 署名"));
  CHECK(contains(text, "1 / 1 ページ"));
  // Blank rows are numbered on after the recorded transfer: 2, 3, … at least 4 of them.
  CHECK(std::regex_search(text, std::regex(R"(\n\s*5\s*\n)")));

  // Long seal and tracking numbers are printed whole, never broken at a '-' across two lines
  // of the cell (a reader copying the number by hand would lose its tail).
  Transfer l = t;
  l.seal_no_before = "POLICE-OSAKA-2026-000123";
  l.seal_no_after = "POLICE-OSAKA-2026-000124";
  l.tracking_no = "JP-4411-2026-1124-0001";
  REQUIRE(s.reg.record_transfer(*s.ws, l).ok());
  auto long_form = render_custody_form_pdf(*s.reg.find(item.evidence_no), s.reg.transfers_of(item.evidence_no), s.info());
  REQUIRE(long_form.ok());
  write_bytes(out, long_form.value());
  const std::string lt = pdf_text(out);
  CHECK(contains(lt, "SEAL-0001 → SEAL-0002"));  // the first transfer, still on one line
  CHECK(contains(lt, "POLICE-OSAKA-2026-000123 →"));
  CHECK(contains(lt, "POLICE-OSAKA-2026-000124"));
  CHECK(contains(lt, "JP-4411-2026-1124-0001"));
  // The two numbers of the pair are on consecutive lines, starting in the same column.
  {
    const auto a = lt.find("POLICE-OSAKA-2026-000123 →");
    REQUIRE(a != std::string::npos);
    const auto line_a = lt.rfind('\n', a) + 1;
    const auto next = lt.find('\n', a) + 1;
    const auto b = lt.find("POLICE-OSAKA-2026-000124", next);
    REQUIRE(b != std::string::npos);
    CHECK(lt.find('\n', next) > b);  // on the very next line
    // pdftotext -layout places text on a character grid: compare columns in code points.
    auto col = [&](std::size_t from, std::size_t at) {
      std::size_t c = 0;
      for (std::size_t k = from; k < at; ++k)
        if ((static_cast<unsigned char>(lt[k]) & 0xC0) != 0x80) ++c;
      return c;
    };
    CHECK(col(line_a, a) == col(next, b));
  }

  // Many transfers continue on further pages, each page numbered n / N.
  for (int i = 0; i < 24; ++i) {
    Transfer b = t;
    b.tracking_no = "TRK-" + std::to_string(i);
    std::swap(b.from, b.to);
    REQUIRE(s.reg.record_transfer(*s.ws, b).ok());
  }
  auto many = render_custody_form_pdf(*s.reg.find(item.evidence_no), s.reg.transfers_of(item.evidence_no), s.info(false));
  REQUIRE(many.ok());
  write_bytes(out, many.value());
  const PdfInfo pm = pdf_info(out);
  CHECK(pm.pages >= 2);
  const std::string en = pdf_text(out);
  CHECK(contains(en, "Page 1 / " + std::to_string(pm.pages)));
  CHECK(contains(en, "Page " + std::to_string(pm.pages) + " / " + std::to_string(pm.pages)));
  CHECK(contains(en, "TRK-0"));
  CHECK(contains(en, "TRK-23"));
  CHECK(contains(en, "Evidence chain-of-custody form"));
}

TEST_CASE("EV-03 register: PDF lists every item, CSV with BOM parses, manifest passes sha256sum -c", "[evidence][pdf]") {
  Setup s;
  // A real image file inside the incident folder, hashed with its path relative to the folder.
  const fs::path img_dir = s.ws->dir() / "evidence" / "images";
  fs::create_directories(img_dir);
  write_bytes(img_dir / "disk.raw", std::string(4096, 'x') + "終わり");
  const std::string sha = sha256_file_hex(img_dir / "disk.raw").value();
  EvidenceItem raw = sample_image(s.disk.evidence_no);
  raw.description = "=生イメージ, \"raw\"";  // starts like a formula: neutralised in the CSV
  raw.hashes = {{"sha256", sha, "image_file", "evidence/images/disk.raw", 0, "", "shodo"}};
  REQUIRE(s.reg.add_item(*s.ws, raw).ok());

  auto files = export_register(*s.ws, true, s.fx.dir / "reg");
  REQUIRE(files.ok());
  REQUIRE(files->size() == 3);
  for (const auto& f : files.value()) CHECK(f.sha256 == openssl_sha256_file(f.path));

  const std::string text = pdf_text(s.fx.dir / "reg" / "evidence_register.pdf");
  for (const auto& i : s.reg.items()) CHECK(contains(text, i.evidence_no));
  CHECK(contains(text, "証拠品台帳"));
  CHECK(contains(text, k_sha_a.substr(0, 16)));
  const PdfInfo pi = pdf_info(s.fx.dir / "reg" / "evidence_register.pdf");
  CHECK(pi.width > pi.height);  // landscape

  const std::string csv = read_bytes(s.fx.dir / "reg" / "evidence_register.csv");
  REQUIRE(csv.rfind("\xEF\xBB\xBF", 0) == 0);
  auto table = test_support::parse_rfc4180(csv.substr(3));
  REQUIRE(table);
  REQUIRE(table->size() == 4);
  CHECK((*table)[0][0] == "証拠番号");
  CHECK((*table)[3][3] == "'=生イメージ, \"raw\"");  // OWASP CSV injection: Excel shows it as text
  CHECK((*table)[1][0] == s.disk.evidence_no);
  const auto sha_col = std::find((*table)[0].begin(), (*table)[0].end(), "SHA-256") - (*table)[0].begin();
  CHECK((*table)[2][static_cast<std::size_t>(sha_col)] == k_sha_a);

  const fs::path manifest = s.fx.dir / "reg" / "evidence_images.sha256";
  const std::string mtext = read_bytes(manifest);
  CHECK(contains(mtext, sha + "  evidence/images/disk.raw\n"));
  int st = 0;
  const std::string out = run_command("cd " + q(s.ws->dir()) + " && sha256sum -c " + q(manifest) + " 2>&1", &st);
  INFO(out);
  // The sample image's target "disk.E01" does not exist: sha256sum reports it, the real file is OK.
  CHECK(contains(out, "evidence/images/disk.raw: OK"));
  // Only the real file: a manifest of it alone passes, and fails once the file changes.
  write_bytes(s.fx.dir / "one.sha256", sha + "  evidence/images/disk.raw\n");
  run_command("cd " + q(s.ws->dir()) + " && sha256sum -c " + q(s.fx.dir / "one.sha256") + " >/dev/null 2>&1", &st);
  CHECK(st == 0);
  write_bytes(img_dir / "disk.raw", std::string(4096, 'y'));
  run_command("cd " + q(s.ws->dir()) + " && sha256sum -c " + q(s.fx.dir / "one.sha256") + " >/dev/null 2>&1", &st);
  CHECK(st != 0);

  // The export is a chronology entry naming every item and every file with its hash.
  const auto& last = s.ws->log().entries().back();
  CHECK(last.system_event == "evidence_output");
  CHECK(std::find(last.refs.begin(), last.refs.end(), s.disk.evidence_no) != last.refs.end());
  for (const auto& f : files.value()) CHECK(contains(last.content, f.sha256));
}

TEST_CASE("EV-03 register PDF: evidence numbers and SHA-256 lines are printed whole, never broken at a hyphen", "[evidence][pdf]") {
  Setup s;
  // A sub-item (partition of the disk): the longest number form, <incident>-E001-01, also as a parent.
  EvidenceItem part = sample_disk();
  part.description = "第1パーティション";
  part.evidence_no = s.reg.next_evidence_no(s.disk.evidence_no).value();
  part.derived_from = s.disk.evidence_no;
  REQUIRE(s.reg.add_item(*s.ws, part).ok());
  EvidenceItem of_part = sample_image(part.evidence_no);
  REQUIRE(s.reg.add_item(*s.ws, of_part).ok());
  REQUIRE(s.reg.record_seal(*s.ws, part.evidence_no, "POLICE-OSAKA-2026-000123").ok());
  const fs::path out = s.fx.dir / "register.pdf";
  auto bytes = render_register_pdf(s.reg.items(), s.reg.transfers(), s.info());
  REQUIRE(bytes.ok());
  write_bytes(out, bytes.value());
  const std::string text = pdf_text(out);
  INFO(text);
  // Each number as a whole word: not followed by more of a number, so "…-E001" is not a match
  // for a printed "…-E001-" + line break + "01".
  auto whole = [&](const std::string& id) {
    return std::regex_search(text, std::regex("(^|[^-\\w])" + id + "($|[^-\\w])"));
  };
  const std::string sub = std::string(k_incident) + "-E001-01";
  CHECK(part.evidence_no == sub);
  for (const auto& i : s.reg.items()) {
    CHECK(whole(i.evidence_no));
    if (!i.derived_from.empty()) CHECK(whole(i.derived_from));
  }
  CHECK(whole("POLICE-OSAKA-2026-000123"));
  // The SHA-256 in four lines of 16 digits, one under the other.
  std::size_t at = text.find(k_sha_a.substr(0, 16));
  REQUIRE(at != std::string::npos);
  for (int k = 1; k < 4; ++k) {
    const std::size_t line = text.find('\n', at) + 1;
    const std::size_t next = text.find(k_sha_a.substr(static_cast<std::size_t>(k) * 16, 16), line);
    REQUIRE(next != std::string::npos);
    CHECK(next < text.find('\n', line));  // on the next line
    at = next;
  }
}

TEST_CASE("evidence manifest: sha256sum escapes names with a backslash or newline", "[evidence][pdf]") {
  EvidenceItem i;
  i.evidence_no = "X-E001";
  i.hashes = {{"sha256", k_sha_a, "image_file", "a\\b\nc.raw", 0, "", ""},
              {"md5", "0123456789abcdef0123456789abcdef", "image_file", "md5only.raw", 0, "", ""},
              {"sha256", k_sha_b, "whole_device", "/dev/sdb", 0, "", ""},
              {"sha256", k_sha_b, "segment", "disk.E02", 0, "", ""}};
  CHECK(image_manifest({i}) == "\\" + k_sha_a + "  a\\\\b\\nc.raw\n" + k_sha_b + "  disk.E02\n");
}

TEST_CASE("evidence exports: label and custody form files are recorded in the chronology", "[evidence][pdf]") {
  Setup s;
  auto label = export_label(*s.ws, s.image.evidence_no, false);
  REQUIRE(label.ok());
  CHECK(label->path == default_output_dir(*s.ws) / (s.image.evidence_no + "_label.pdf"));
  CHECK(label->sha256 == openssl_sha256_file(label->path));
  CHECK(contains(pdf_text(label->path), "Collected by"));
  auto e = s.ws->log().entries().back();
  CHECK(e.system_event == "evidence_output");
  CHECK(e.refs == std::vector<std::string>{s.image.evidence_no});
  CHECK(contains(e.content, label->sha256));

  auto form = export_custody_form(*s.ws, s.disk.evidence_no, true, s.fx.dir / "form.pdf");
  REQUIRE(form.ok());
  CHECK(fs::exists(s.fx.dir / "form.pdf"));
  CHECK(contains(s.ws->log().entries().back().content, fs::absolute(s.fx.dir / "form.pdf").string()));

  auto missing = export_label(*s.ws, std::string(k_incident) + "-E404", true);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::not_found);
}

TEST_CASE("evidence outputs of a training incident carry the TRAINING mark", "[evidence][pdf]") {
  Setup s;
  OutputInfo info = s.info();
  info.incident.training = true;
  const fs::path out = s.fx.dir / "t.pdf";
  write_bytes(out, render_labels_pdf({s.disk}, info).value());
  CHECK(contains(pdf_text(out), "訓練 TRAINING"));
  write_bytes(out, render_custody_form_pdf(s.disk, {}, info).value());
  CHECK(contains(pdf_text(out), "訓練 TRAINING"));
  CHECK_FALSE(render_labels_pdf({}, info).ok());
}
