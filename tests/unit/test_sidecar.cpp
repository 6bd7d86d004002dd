// Sidecar reports (forensics/acquire/sidecar.hpp): the .info.txt lists every unreadable range
// with the right LBA and byte offsets, the whole-source hashes, and for an early end a clear
// "NO hash of the whole source" line with the partial hashes only under it; the DFXML is
// well-formed (xmllint) and carries the hashes and bad runs at the right offsets; the hash files
// are accepted by GNU sha256sum -c / md5sum -c (also for names with backslash and newline) and
// fail when a segment byte changes; an existing sidecar is never overwritten.
#include "tests/unit/test_support.hpp"  // first: it configures catch.hpp

#include <cstdlib>
#include <string>
#include <vector>

#include "forensics/acquire/sidecar.hpp"
#include "forensics/core/atomic_file.hpp"
#include "forensics/integrity/hasher.hpp"

using namespace shodo;
using namespace shodo::acquire;
using namespace shodo::unit;
namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t k_mib = 1u << 20;
constexpr std::uint64_t k_size = 3 * k_mib;  // 6144 sectors of 512 bytes
const std::string k_md5 = "0123456789abcdef0123456789abcdef";
const std::string k_sha256 = "5f4dcc3b5aa765d61d8327deb882cf99e7e0c0a1b2c3d4e5f60718293a4b5c6d";
const std::string k_piece[3] = {"1111111111111111111111111111111111111111111111111111111111111111",
                                "2222222222222222222222222222222222222222222222222222222222222222",
                                "3333333333333333333333333333333333333333333333333333333333333333"};
const std::string k_partial = "abcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdef0123456789";
const std::string k_model = "WD & Co <Elements> \"Portable\" 'SE'";
const std::string k_serial = "WX41A8SN7Z9K";

// A complete job with two unreadable ranges (LBA 0–1 and the last sector), MD5 + SHA-256,
// three 1 MiB pieces, one matching verification and one not run.
AcquisitionRecord complete_record() {
  AcquisitionRecord r;
  r.incident_id = k_incident;
  r.kit_id = k_device;
  r.operator_name = "山田 太郎";
  r.witness = "佐藤 花子";
  r.host = "shodo-live";
  r.source_evidence_no = std::string(k_incident) + "-E001";
  r.image_evidence_no = std::string(k_incident) + "-E002";
  r.tool = {{"tool", "shodo"},     {"version", "0.1.0"},        {"commit", "abc1234"}, {"openssl", "OpenSSL 3.0.15"},
            {"cairo", "1.16.0"},   {"pango", "1.50.12"},        {"host", "shodo-live"}, {"libewf", "20140813"}};
  r.device = {{"name", "sdb"},         {"path", "/dev/sdb"},     {"model", k_model},   {"serial", k_serial},
              {"transport", "usb"},    {"size_bytes", k_size},   {"logical_sector", 512}, {"physical_sector", 4096},
              {"removable", true},     {"read_only", true},      {"hpa_dco", {{"queried", false}}}};
  r.request = {{"format", "raw"},         {"segment_bytes", 0},      {"compression", "none"},
               {"hash_algorithms", {"sha256", "md5"}}, {"piece_size", k_mib}, {"retries", 2},
               {"max_bad_sectors", 0},    {"verify_source", false},  {"description", "電子カルテ端末 #3 の SSD"},
               {"destination_medium_serial", "EXT-0042"}};
  r.source_path = "/dev/sdb";
  r.source_size = k_size;
  r.sector_size = 512;
  r.write_protection = "kernel read-only (BLKROSET) set before reading; opened O_RDONLY";
  r.format = ImageFormat::split;
  r.image_files = {"img.001", "img.002"};
  r.outcome = "complete_with_bad_sectors";
  r.outcome_ja = "取得完了（一部読めず）";
  r.outcome_en = "complete, some sectors unreadable";
  r.bytes_covered = k_size;
  r.bad = {{0, 1024}, {k_size - 512, 512}};
  r.bad_sectors = 3;
  r.source_hashes = {{HashAlgo::md5, k_md5}, {HashAlgo::sha256, k_sha256}};
  for (std::uint64_t i = 0; i < 3; ++i) r.pieces.push_back({HashAlgo::sha256, i * k_mib, k_mib, k_piece[i]});
  r.file_sha256 = {{"img.001", std::string(64, 'a')}, {"img.002", std::string(64, 'b')}};
  VerifyCheck v1;
  v1.what = "image_reread";
  v1.algo = "sha256";
  v1.expected = k_sha256;
  v1.actual = k_sha256;
  v1.match = true;
  v1.done = true;
  VerifyCheck v2;
  v2.what = "source_reread";
  v2.note_ja = "読み取り元の再読込は指定されていません";
  v2.note_en = "source re-read not requested";
  r.verification = {v1, v2};
  r.verify_summary_ja = "検証: 一致";
  r.verify_summary_en = "verification: MATCH";
  r.started_utc_ns = k_t0_s * k_s;
  r.ended_utc_ns = (k_t0_s + 60) * k_s;
  r.verify_ended_utc_ns = (k_t0_s + 90) * k_s;
  r.time_quality = "uncorrected";
  r.acquire_seconds = 0.06;  // 52.4 MB/s
  r.verify_seconds = 30;
  r.bottleneck = "read";
  return r;
}

// The source disappeared after 1 MiB: partial hash only, one piece, no verification.
AcquisitionRecord aborted_record() {
  AcquisitionRecord r = complete_record();
  r.outcome = "aborted_source_gone";
  r.outcome_ja = "中止: 読み取り元が見つからなくなりました";
  r.outcome_en = "aborted: the source disappeared";
  r.bytes_covered = k_mib;
  r.bad = {{0, 1024}};
  r.bad_sectors = 2;
  r.source_hashes.clear();
  r.partial_hashes = {{HashAlgo::sha256, k_partial}};
  r.pieces = {{HashAlgo::sha256, 0, k_mib, k_piece[0]}};
  r.verification.clear();
  r.verify_summary_ja = "検証なし: 取得が完了していません";
  r.verify_summary_en = "not verified: the acquisition did not complete";
  r.verify_ended_utc_ns = 0;
  return r;
}

std::size_t count_of(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + needle.size())) ++n;
  return n;
}

// The line of `text` that contains `needle` ("" when none).
std::string line_with(const std::string& text, const std::string& needle) {
  const auto p = text.find(needle);
  if (p == std::string::npos) return {};
  const auto b = text.rfind('\n', p);
  const auto e = text.find('\n', p);
  return text.substr(b == std::string::npos ? 0 : b + 1, (e == std::string::npos ? text.size() : e) - (b == std::string::npos ? 0 : b + 1));
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// `xmllint --xpath EXPR file` (stdout, trimmed); the exit status in *status.
std::string xpath(const fs::path& file, const std::string& expr, int* status = nullptr) {
  return trim(run_command("xmllint --xpath \"" + expr + "\" '" + file.string() + "' 2>/dev/null", status));
}

int xmllint_noout(const fs::path& file) {
  return std::system(("xmllint --noout '" + file.string() + "'").c_str());
}

std::string hash_of(HashAlgo a, const std::string& bytes) {
  Hasher h(a);
  h.update(bytes.data(), bytes.size());
  return h.finish_hex();
}

int run_in(const fs::path& dir, const std::string& cmd) {
  return std::system(("cd '" + dir.string() + "' && " + cmd + " >/dev/null 2>&1").c_str());
}

}  // namespace

TEST_CASE("info text: every unreadable range with LBA and byte offsets, hashes, verification, times", "[sidecar]") {
  const auto r = complete_record();
  const std::string t = render_info_text(r);
  INFO(t);
  CHECK(is_valid_utf8(t));
  CHECK(t.find('\r') == std::string::npos);
  CHECK(t.back() == '\n');

  // Sections, Japanese first with the English label.
  for (const char* s : {"== ツール / Tool ==", "== 事案 / Case ==", "== 取得元 / Source device ==",
                        "== 書込み防止 / Write protection ==", "== 逸脱 / Deviations ==", "== 取得条件 / Options ==",
                        "== 結果 / Outcome ==", "== 読めなかったセクタ / Unreadable sectors ==", "== ハッシュ / Hashes ==",
                        "== 区間ハッシュ / Piecewise hashes ==", "== イメージファイル / Image files ==",
                        "== 検証 / Verification ==", "== 時刻 / Times =="})
    CHECK(t.find(s) != std::string::npos);

  // Case and device.
  CHECK(line_with(t, "作業者 / Operator:") == "  作業者 / Operator: 山田 太郎");
  CHECK(line_with(t, "立会人 / Witness:") == "  立会人 / Witness: 佐藤 花子");
  CHECK(line_with(t, "証拠番号（イメージ） / Evidence number (image):").find("OGMC-20221031-01-E002") != std::string::npos);
  CHECK(line_with(t, "型番 / Model:") == "  型番 / Model: " + k_model);
  CHECK(line_with(t, "製造番号 / Serial number:") == "  製造番号 / Serial number: " + k_serial);
  CHECK(line_with(t, "容量 / Size:").find("3145728 bytes (3.00 MiB), 6144 sectors × 512 bytes") != std::string::npos);
  CHECK(line_with(t, "接続方式 / Transport:") == "  接続方式 / Transport: usb");
  CHECK(line_with(t, "区間ハッシュの幅 / Piece size:").find("1048576 bytes") != std::string::npos);
  CHECK(line_with(t, "読めないセクタの上限 / Bad-sector limit:").find("上限なし / no limit") != std::string::npos);
  CHECK(line_with(t, "ハッシュ方式 / Hash algorithms:") == "  ハッシュ方式 / Hash algorithms: sha256, md5");
  CHECK(line_with(t, "律速段階 / Bottleneck stage:") == "  律速段階 / Bottleneck stage: 読み取り / read");
  CHECK(line_with(t, "平均速度 / Average speed:").find("52.4 MB/s") != std::string::npos);  // 3145728 B / 60 s

  // Every bad range, exact LBAs and inclusive byte offsets, including LBA 0 and the last sector.
  CHECK(t.find("3 sectors in 2 ranges") != std::string::npos);
  CHECK(line_with(t, "1. LBA ") == "  1. LBA 0–1 (2 sectors), byte offset 0–1023");
  CHECK(line_with(t, "2. LBA ") == "  2. LBA 6143–6143 (1 sector), byte offset 3145216–3145727");

  // Whole-source hashes, one line per algorithm; no "NO hash" line.
  CHECK(line_with(t, k_md5) == "  MD5 (元全体 / whole source): " + k_md5);
  CHECK(line_with(t, "SHA-256 (元全体 / whole source)") == "  SHA-256 (元全体 / whole source): " + k_sha256);
  CHECK(t.find("NO hash of the whole source") == std::string::npos);
  CHECK(line_with(t, k_piece[1]) == "  SHA-256 offset 1048576, length 1048576: " + k_piece[1]);
  CHECK(t.find(k_piece[0]) != std::string::npos);
  CHECK(t.find(k_piece[2]) != std::string::npos);
  CHECK(line_with(t, "img.002") == "  img.002  SHA-256: " + std::string(64, 'b'));

  // Verification: the match and the check that did not run.
  CHECK(line_with(t, "イメージの再読込 / image re-read") == "  - イメージの再読込 / image re-read [sha256]: 一致 / MATCH");
  CHECK(line_with(t, "- 取得元の再読込 / source re-read:") == "  - 取得元の再読込 / source re-read: 未実施 / not run");
  CHECK(t.find("verification: MATCH") != std::string::npos);

  // Times in JST and UTC with the quality visible on each line.
  const std::string started = line_with(t, "開始 / Started:");
  CHECK(started.find("2022-10-31 08:40:00 JST") != std::string::npos);
  CHECK(started.find("2022-10-31T08:40:00+09:00") != std::string::npos);
  CHECK(started.find("2022-10-30T23:40:00.000000000Z") != std::string::npos);
  CHECK(started.find("未補正 / uncorrected") != std::string::npos);
  CHECK(line_with(t, "検証終了 / Verification ended:").find("2022-10-31 08:41:30 JST") != std::string::npos);

  // With a confirmed time the "uncorrected" mark disappears.
  auto confirmed = r;
  confirmed.time_quality = "ref-confirmed";
  CHECK(render_info_text(confirmed).find("未補正") == std::string::npos);
}

TEST_CASE("info text: an early end says NO whole-source hash and shows the partial hash only under it", "[sidecar]") {
  const std::string t = render_info_text(aborted_record());
  INFO(t);
  const std::string no_line = "元全体のハッシュなし — 先頭 1048576 バイトのみ / NO hash of the whole source — first 1048576 bytes only";
  const auto at_no = t.find(no_line);
  REQUIRE(at_no != std::string::npos);
  CHECK(t.find("whole source)") == std::string::npos);  // no whole-source hash line at all
  CHECK(t.find(k_sha256) == std::string::npos);
  // The partial value appears exactly once, right after the NO line, before the next section.
  CHECK(count_of(t, k_partial) == 1);
  const auto at_partial = t.find(k_partial);
  CHECK(at_partial > at_no);
  CHECK(at_partial < t.find("== 区間ハッシュ / Piecewise hashes =="));
  CHECK(line_with(t, k_partial) == "    SHA-256 (先頭 1048576 バイト / first 1048576 bytes): " + k_partial);
  CHECK(line_with(t, "取得した範囲 / Bytes covered:") == "  取得した範囲 / Bytes covered: 1048576 / 3145728 bytes (33.33 %)");
  CHECK(line_with(t, "結果コード / Outcome code:") == "  結果コード / Outcome code: aborted_source_gone");
  CHECK(line_with(t, "検証終了 / Verification ended:").find("検証なし / no verification") != std::string::npos);
}

TEST_CASE("info text: many ranges are never truncated — odd bytes cannot break lines — missing JSON keys", "[sidecar]") {
  AcquisitionRecord r = complete_record();
  r.bad.clear();
  for (std::uint64_t i = 0; i < 3000; ++i) r.bad.push_back({(2 * i + 1) * 512, 512});
  r.bad.push_back({1234 * 512ull, 3 * 512});  // the example of the brief
  r.bad_sectors = 3003;
  r.device = {{"model", "bad\xff\xfe model\nsecond line\r\x01"}};  // no serial, no transport
  r.request = nlohmann::json::array();                             // not even an object
  r.tool = nullptr;
  const std::string t = render_info_text(r);
  CHECK(is_valid_utf8(t));
  CHECK(t.find('\r') == std::string::npos);
  CHECK(count_of(t, ". LBA ") == 3001);
  CHECK(t.find("3000. LBA 5999–5999 (1 sector), byte offset 3071488–3071999\n") != std::string::npos);
  CHECK(t.find("3001. LBA 1234–1236 (3 sectors), byte offset 631808–633343\n") != std::string::npos);
  CHECK(line_with(t, "型番 / Model:") == "  型番 / Model: bad\xEF\xBF\xBD\xEF\xBF\xBD model\\nsecond line\\r\\x01");
  CHECK(line_with(t, "製造番号 / Serial number:") == "  製造番号 / Serial number: 不明 / unknown");
  CHECK(line_with(t, "接続方式 / Transport:") == "  接続方式 / Transport: 不明 / unknown");
  CHECK(line_with(t, "圧縮 / Compression:") == "  圧縮 / Compression: 不明 / unknown");
  CHECK(line_with(t, "OpenSSL / OpenSSL:") == "  OpenSSL / OpenSSL: 不明 / unknown");
}

TEST_CASE("DFXML: well-formed, whole-source hashdigests, pieces and bad byte_runs at the right offsets", "[sidecar]") {
  SHODO_TEST_DIR(dir);
  const auto r = complete_record();
  const std::string cmd = "shodo acquire /dev/sdb --notes \"a&b\" '<x>'";
  const auto file = dir / "img.dfxml";
  write_bytes(file, render_dfxml(r, cmd));
  REQUIRE(xmllint_noout(file) == 0);

  const std::string br = "//*[local-name()='byte_run']";
  const std::string hd = "/*[local-name()='hashdigest']";
  CHECK(xpath(file, "string(/*[local-name()='dfxml']/@version)") == "1.2.0");
  CHECK(xpath(file, "namespace-uri(/*)") == "http://www.forensicswiki.org/wiki/Category:Digital_Forensics_XML");
  CHECK(xpath(file, "string(//*[local-name()='metadata']/*[local-name()='type'])") == "Disk Image");
  CHECK(xpath(file, "string(//*[local-name()='creator']/*[local-name()='program'])") == "shodo");
  CHECK(xpath(file, "string(//*[local-name()='creator']/@version)") == "1.0");
  CHECK(xpath(file, "string(//*[local-name()='library'][@name='libewf']/@version)") == "20140813");
  CHECK(xpath(file, "string(//*[local-name()='library'][@name='openssl']/@version)") == "OpenSSL 3.0.15");
  CHECK(xpath(file, "string(//*[local-name()='command_line'])") == cmd);  // & < > \" ' round-trip
  CHECK(xpath(file, "string(//*[local-name()='start_time'])") == "2022-10-30T23:40:00.000000000Z");
  CHECK(xpath(file, "count(//*[local-name()='source']/*[local-name()='image_filename'])") == "2");
  CHECK(xpath(file, "string(//*[local-name()='device_model'])") == k_model);
  CHECK(xpath(file, "string(//*[local-name()='device_sn'])") == k_serial);
  CHECK(xpath(file, "string(//*[local-name()='image_size'])") == "3145728");

  CHECK(xpath(file, "count(" + br + "[@type='image'])") == "1");
  CHECK(xpath(file, "string(" + br + "[@type='image']" + hd + "[@type='sha256'])") == k_sha256);
  CHECK(xpath(file, "string(" + br + "[@type='image']" + hd + "[@type='md5'])") == k_md5);
  CHECK(xpath(file, "string(" + br + "[@type='image']/@len)") == "3145728");
  CHECK(xpath(file, "count(" + br + "[@type='partial'])") == "0");

  CHECK(xpath(file, "count(" + br + "[@type='piece'])") == "3");
  CHECK(xpath(file, "string(" + br + "[@type='piece'][@img_offset='2097152']" + hd + "[@type='sha256'])") == k_piece[2]);

  CHECK(xpath(file, "count(" + br + "[@type='bad_sector'])") == "2");
  CHECK(xpath(file, "string((" + br + "[@type='bad_sector'])[1]/@img_offset)") == "0");
  CHECK(xpath(file, "string((" + br + "[@type='bad_sector'])[1]/@len)") == "1024");
  CHECK(xpath(file, "string((" + br + "[@type='bad_sector'])[1]/@fill)") == "0");
  CHECK(xpath(file, "string((" + br + "[@type='bad_sector'])[2]/@img_offset)") == "3145216");
  CHECK(xpath(file, "string((" + br + "[@type='bad_sector'])[2]/@len)") == "512");
  CHECK(xpath(file, "string((" + br + "[@type='bad_sector'])[2]/@*[local-name()='first_lba'])") == "6143");

  CHECK(xpath(file, "string(//*[local-name()='fileobject'][*[local-name()='filename']='img.002']" + hd + ")") ==
        std::string(64, 'b'));
  CHECK(xpath(file, "string(//*[local-name()='operator'])") == "山田 太郎");
  CHECK(xpath(file, "string(//*[local-name()='witness'])") == "佐藤 花子");
  CHECK(xpath(file, "string(//*[local-name()='verification'][@what='image_reread']/@result)") == "match");
  CHECK(xpath(file, "string(//*[local-name()='verification'][@what='source_reread']/@result)") == "not_run");
  CHECK(xpath(file, "string(//*[local-name()='times']/@quality)") == "uncorrected");
}

TEST_CASE("DFXML: an early end has a partial run, no image run — odd bytes stay well-formed", "[sidecar]") {
  SHODO_TEST_DIR(dir);
  auto r = aborted_record();
  r.device["serial"] = "SN\x01\xff<&>";
  r.operator_name = "山田 \"太郎\" & 'X'";
  const auto file = dir / "aborted.dfxml";
  write_bytes(file, render_dfxml(r, "shodo acquire\n/dev/sdb"));
  REQUIRE(xmllint_noout(file) == 0);
  const std::string br = "//*[local-name()='byte_run']";
  CHECK(xpath(file, "count(" + br + "[@type='image'])") == "0");
  CHECK(xpath(file, "string(" + br + "[@type='partial']/@len)") == "1048576");
  CHECK(xpath(file, "string(" + br + "[@type='partial']/*[local-name()='hashdigest'][@type='sha256'])") == k_partial);
  CHECK(xpath(file, "count(//*[local-name()='hashdigest'][.='" + k_sha256 + "'])") == "0");
  CHECK(xpath(file, "string(//*[local-name()='diskimageobject']/*[local-name()='error'])")
            .find("aborted_source_gone") != std::string::npos);
  CHECK(xpath(file, "string(//*[local-name()='device_sn'])") == "SN\\x01\xEF\xBF\xBD<&>");
  CHECK(xpath(file, "string(//*[local-name()='operator'])") == "山田 \"太郎\" & 'X'");
  CHECK(xpath(file, "string(//*[local-name()='command_line'])") == "shodo acquire\\n/dev/sdb");
}

TEST_CASE("hash files: GNU format, escaped names read back by sha256sum -c", "[sidecar]") {
  CHECK(render_hash_file(HashAlgo::sha256, {{"img.001", k_sha256}, {"img.002", k_piece[0]}}) ==
        k_sha256 + "  img.001\n" + k_piece[0] + "  img.002\n");
  CHECK(render_hash_file(HashAlgo::md5, {{"a\\b", k_md5}}) == "\\" + k_md5 + "  a\\\\b\n");
  CHECK(render_hash_file(HashAlgo::md5, {{"x\ny", k_md5}}) == "\\" + k_md5 + "  x\\ny\n");
  CHECK(render_hash_file(HashAlgo::md5, {{"c\rd", k_md5}}) == "\\" + k_md5 + "  c\\rd\n");
  CHECK(render_hash_file(HashAlgo::md5, {}).empty());

  SHODO_TEST_DIR(dir);
  const std::vector<std::string> names = {"plain.001", "back\\slash.002", "new\nline.003", "日本語 名前.004"};
  std::vector<std::pair<std::string, std::string>> sha, md5;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string bytes = "segment " + std::to_string(i) + std::string(1000 + i, static_cast<char>('A' + i));
    write_bytes(dir / names[i], bytes);
    sha.emplace_back(names[i], hash_of(HashAlgo::sha256, bytes));
    md5.emplace_back(names[i], hash_of(HashAlgo::md5, bytes));
  }
  write_bytes(dir / "m.sha256", render_hash_file(HashAlgo::sha256, sha));
  write_bytes(dir / "m.md5", render_hash_file(HashAlgo::md5, md5));
  CHECK(run_in(dir.path(), "sha256sum --strict -c m.sha256") == 0);
  CHECK(run_in(dir.path(), "md5sum --strict -c m.md5") == 0);
  // The manifest lines are exactly what sha256sum itself prints for these files.
  CHECK(run_command("cd '" + dir.path().string() + "' && sha256sum plain.001 'back\\slash.002' \"$(printf 'new\\nline.003')\" '日本語 名前.004'") ==
        read_bytes(dir / "m.sha256"));
  // A changed byte in the escaped-name file is caught.
  auto bytes = read_bytes(dir / names[2]);
  bytes[3] = static_cast<char>(bytes[3] ^ 0x01);
  write_bytes(dir / names[2], bytes);
  CHECK(run_in(dir.path(), "sha256sum -c m.sha256") != 0);
}

TEST_CASE("write_sidecars: info/json/dfxml/hash files for real segments — sha256sum -c passes, then fails", "[sidecar]") {
  SHODO_TEST_DIR(dir);
  const std::string seg1 = std::string(600000, 'x') + "first segment";
  const std::string seg2 = "second segment" + std::string(70000, '\0') + "tail";
  write_bytes(dir / "img.001", seg1);
  write_bytes(dir / "img.002", seg2);

  auto r = complete_record();
  r.file_sha256 = {{"img.001", hash_of(HashAlgo::sha256, seg1)}, {"img.002", hash_of(HashAlgo::sha256, seg2)}};
  const std::vector<std::pair<HashAlgo, std::vector<std::pair<std::string, std::string>>>> hash_files = {
      {HashAlgo::sha256, r.file_sha256},
      {HashAlgo::md5, {{"img.001", hash_of(HashAlgo::md5, seg1)}, {"img.002", hash_of(HashAlgo::md5, seg2)}}}};
  const std::string json_text = "{\"format\":\"shodo-acquisition\",\"version\":1}\n";

  auto w = write_sidecars(r, dir.path(), "img", json_text, "shodo acquire /dev/sdb", hash_files);
  REQUIRE(w.ok());
  const std::vector<fs::path> expected = {dir / "img.info.txt", dir / "img.json", dir / "img.dfxml", dir / "img.sha256",
                                          dir / "img.md5"};
  CHECK(w.value() == expected);
  for (const auto& p : expected) {
    CHECK(fs::exists(p));
    CHECK(file_mode(p) == 0640);
  }
  CHECK(read_bytes(dir / "img.json") == json_text);
  CHECK(read_bytes(dir / "img.info.txt") == render_info_text(r));
  CHECK(xmllint_noout(dir / "img.dfxml") == 0);
  CHECK(read_bytes(dir / "img.sha256") == r.file_sha256[0].second + "  img.001\n" + r.file_sha256[1].second + "  img.002\n");

  CHECK(run_in(dir.path(), "sha256sum --strict -c img.sha256") == 0);
  CHECK(run_in(dir.path(), "md5sum --strict -c img.md5") == 0);

  // One flipped byte in a segment: both checks fail.
  auto bytes = read_bytes(dir / "img.002");
  bytes[20] = static_cast<char>(bytes[20] ^ 0x40);
  write_bytes(dir / "img.002", bytes);
  CHECK(run_in(dir.path(), "sha256sum -c img.sha256") != 0);
  CHECK(run_in(dir.path(), "md5sum -c img.md5") != 0);
}

TEST_CASE("write_sidecars: never overwrites, refuses before writing anything, rejects bad input", "[sidecar]") {
  SHODO_TEST_DIR(dir);
  const auto r = complete_record();
  const std::vector<std::pair<HashAlgo, std::vector<std::pair<std::string, std::string>>>> sha_only = {
      {HashAlgo::sha256, {{"img.001", k_sha256}}}};

  REQUIRE(write_sidecars(r, dir.path(), "img", "{\"a\":1}\n", "cmd", sha_only).ok());
  const std::string before = read_bytes(dir / "img.json");
  auto again = write_sidecars(r, dir.path(), "img", "{\"b\":2}\n", "cmd", sha_only);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == ErrorCode::already_exists);
  CHECK(again.error().en.find((dir / "img.info.txt").string()) != std::string::npos);
  CHECK(again.error().ja.find((dir / "img.info.txt").string()) != std::string::npos);
  CHECK(again.error().ja.find("上書きしません") != std::string::npos);
  CHECK(read_bytes(dir / "img.json") == before);

  // Only the last file of a new set exists: the whole set is refused, nothing else is written.
  write_bytes(dir / "other.md5", "someone else's\n");
  auto clash = write_sidecars(r, dir.path(), "other", "{}\n", "cmd",
                              {{HashAlgo::sha256, {{"img.001", k_sha256}}}, {HashAlgo::md5, {{"img.001", k_md5}}}});
  REQUIRE_FALSE(clash.ok());
  CHECK(clash.error().code == ErrorCode::already_exists);
  CHECK(clash.error().en.find("other.md5") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "other.info.txt"));
  CHECK_FALSE(fs::exists(dir / "other.json"));
  CHECK_FALSE(fs::exists(dir / "other.sha256"));
  CHECK(read_bytes(dir / "other.md5") == "someone else's\n");

  // A dangling symlink counts as existing too.
  fs::create_symlink(dir / "nowhere", dir / "link.json");
  auto link = write_sidecars(r, dir.path(), "link", "{}\n", "cmd", {});
  REQUIRE_FALSE(link.ok());
  CHECK(link.error().code == ErrorCode::already_exists);
  CHECK_FALSE(fs::exists(dir / "link.info.txt"));

  // Invalid input: nothing written.
  auto dup = write_sidecars(r, dir.path(), "dup", "{}\n", "cmd", {{HashAlgo::md5, {}}, {HashAlgo::md5, {}}});
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.error().code == ErrorCode::invalid_input);
  auto short_hex = write_sidecars(r, dir.path(), "hex", "{}\n", "cmd", {{HashAlgo::sha256, {{"img.001", k_md5}}}});
  REQUIRE_FALSE(short_hex.ok());
  CHECK(short_hex.error().code == ErrorCode::invalid_input);
  auto abs_name = write_sidecars(r, dir.path(), "abs", "{}\n", "cmd", {{HashAlgo::md5, {{"/etc/passwd", k_md5}}}});
  REQUIRE_FALSE(abs_name.ok());
  CHECK(abs_name.error().code == ErrorCode::invalid_input);
  auto bad_stem = write_sidecars(r, dir.path(), "../up", "{}\n", "cmd", {});
  REQUIRE_FALSE(bad_stem.ok());
  CHECK(bad_stem.error().code == ErrorCode::invalid_input);
  for (const char* stem : {"dup", "hex", "abs"}) CHECK_FALSE(fs::exists(dir / (std::string(stem) + ".info.txt")));
  CHECK_FALSE(fs::exists(dir.path().parent_path() / "up.info.txt"));
}
