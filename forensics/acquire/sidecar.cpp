// Sidecar reports next to an acquired image: .info.txt, .dfxml, md5sum/sha*sum check files.
//
// ---- DFXML element choices (DFXML 1.2.0; dfxml_schema dfxml.xsd, simsong/dfxml objects.py,
// fiwalk / bulk_extractor / md5deep -d output) ---------------------------------------------------
//
// <dfxml xmlns="http://www.forensicswiki.org/wiki/Category:Digital_Forensics_XML"
//        xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:shodo="urn:shodo:acquisition:1"
//        version="1.2.0">
//   <metadata><dc:type>Disk Image</dc:type></metadata>      (the schema allows one dc element)
//   <creator version="1.0">                                 (children in the schema's order)
//     <program>shodo</program> <version>0.1.0 (commit abc1234)</version>
//     <build_environment> <compiler>GCC 12.2.0</compiler>
//       <library name="openssl|libewf|cairo|pango|nlohmann_json" version=".."/> ...
//     <execution_environment> os_sysname, os_release, os_version, host, arch (uname() at the
//       time the sidecar is written, host from the record), command_line, uid, start_time
//       (the acquisition start, UTC RFC 3339 with nanoseconds)
//   <source> one <image_filename> per image file written (names relative to the .dfxml's folder),
//     then the fiwalk/AFF-style <device_model>, <device_sn>, <sectorsize>, <image_size> (bytes of
//     the SOURCE), and <shodo:device_path>
//   <diskimageobject>                                       (DFXML 1.2 "disk image" object)
//     <sector_size>
//     <byte_runs> in this order:
//       * the acquired stream as one run from offset 0:
//           complete job:  <byte_run img_offset="0" len="SIZE" type="image"> with one
//                          <hashdigest type="md5|sha1|sha256|sha512"> per whole-source hash
//           early end:     <byte_run img_offset="0" len="COVERED" type="partial"> with the hashes
//                          of those first COVERED bytes only; there is NO type="image" run
//       * one <byte_run type="piece"> per piecewise-hash window (all algorithms of a window
//         as <hashdigest> children of one run)
//       * one <byte_run fill="0" type="bad_sector"> per unreadable range (zero-filled in the
//         image), with shodo:first_lba and shodo:sectors attributes
//     <error> (early ends only: the outcome text in English)
//     <shodo:acquisition> — extension element (objects.py "externals"): case data, outcome,
//       every verification check, time quality and timing
//   <fileobject> per image file: <filename>, <name_type>r</name_type>, <hashdigest type="sha256">
//   <rusage><clocktime> acquisition + verification seconds
// hashdigest types are lower case as in the schema's enumeration ("md5", "sha1", "sha256");
// "sha512" is used the same way. Every text and attribute value is XML-escaped (& < > " ')
// after invalid UTF-8 became U+FFFD and control characters became \n, \r, \xHH text, so a device
// model with odd bytes can never make the document ill-formed. Japanese stays as UTF-8.
#include "forensics/acquire/sidecar.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <system_error>

#include "forensics/core/atomic_file.hpp"
#include "forensics/core/clock.hpp"
#include "forensics/i18n/catalogue.hpp"
#include "forensics/i18n/format.hpp"

namespace shodo::acquire {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr const char* k_unknown = "不明 / unknown";
constexpr const char* k_none = "なし / none";
constexpr const char* k_dfxml_ns = "http://www.forensicswiki.org/wiki/Category:Digital_Forensics_XML";
constexpr const char* k_dc_ns = "http://purl.org/dc/elements/1.1/";
constexpr const char* k_shodo_ns = "urn:shodo:acquisition:1";

// ---- text safety ---------------------------------------------------------------------------------

// Valid UTF-8 as is (U+FFFE/U+FFFF, which XML forbids, become U+FFFD); an invalid byte becomes
// U+FFFD; LF, CR and other C0/DEL controls become the visible text \n, \r, \xHH. Tab is kept.
std::string clean(std::string_view s) {
  static constexpr const char* k_repl = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c == '\n') {
        out += "\\n";
      } else if (c == '\r') {
        out += "\\r";
      } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned>(c));
        out += buf;
      } else {
        out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
      cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      cp = c & 0x07u;
    } else {
      out += k_repl;
      ++i;
      continue;
    }
    bool ok = i + n < s.size();
    for (std::size_t k = 1; ok && k <= n; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0u) != 0x80u) ok = false;
      cp = (cp << 6) | (b & 0x3Fu);
    }
    if (ok) {
      if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
        ok = false;
    }
    if (!ok) {
      out += k_repl;
      ++i;
      continue;
    }
    if (cp == 0xFFFE || cp == 0xFFFF)
      out += k_repl;
    else
      out.append(s.substr(i, n + 1));
    i += n + 1;
  }
  return out;
}

std::string xml_escape(std::string_view raw) {
  const std::string s = clean(raw);
  std::string out;
  out.reserve(s.size() + 16);
  for (const char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += ch;
    }
  }
  return out;
}

// ---- JSON fields, tolerant of missing keys and odd types -------------------------------------------

const json* jfind(const json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return nullptr;
  return &*it;
}

// Strings as they are, numbers as digits, arrays joined with ", "; "" when missing.
std::string jtext(const json& j, const char* key) {
  const json* v = jfind(j, key);
  if (!v) return {};
  if (v->is_string()) return v->get<std::string>();
  if (v->is_boolean()) return v->get<bool>() ? "true" : "false";
  if (v->is_number()) return v->dump();
  if (v->is_array()) {
    std::string out;
    for (const auto& e : *v) {
      if (!out.empty()) out += ", ";
      out += e.is_string() ? e.get<std::string>() : e.dump();
    }
    return out;
  }
  return v->dump();
}

std::optional<std::uint64_t> ju64(const json& j, const char* key) {
  const json* v = jfind(j, key);
  if (!v) return std::nullopt;
  if (v->is_number_unsigned()) return v->get<std::uint64_t>();
  if (v->is_number_integer()) {
    const auto x = v->get<std::int64_t>();
    if (x >= 0) return static_cast<std::uint64_t>(x);
  }
  return std::nullopt;
}

std::optional<bool> jbool(const json& j, const char* key) {
  const json* v = jfind(j, key);
  if (!v || !v->is_boolean()) return std::nullopt;
  return v->get<bool>();
}

const json& jobj(const json& j, const char* key) {
  static const json k_empty = json::object();
  const json* v = jfind(j, key);
  return v && v->is_object() ? *v : k_empty;
}

// ---- formatting ------------------------------------------------------------------------------------

std::string or_unknown(const std::string& s) { return s.empty() ? std::string(k_unknown) : s; }

std::string yes_no(bool b) { return b ? "はい / yes" : "いいえ / no"; }

std::string yes_no(const std::optional<bool>& b) { return b ? yes_no(*b) : std::string(k_unknown); }

std::string u64(std::uint64_t v) { return std::to_string(v); }

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// "… bytes (465.76 GiB)": the exact count and the size for a human (i18n::format_bytes; the report
// fields are bilingual, their values English).
std::string bytes_text(std::uint64_t n) {
  return u64(n) + " bytes (" + i18n::format_bytes(n, i18n::Lang::en) + ")";
}

std::string duration_text(double seconds) {
  if (!(seconds >= 0)) return k_unknown;
  const auto whole = static_cast<std::uint64_t>(seconds);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%llu:%02llu:%02llu", static_cast<unsigned long long>(whole / 3600),
                static_cast<unsigned long long>(whole / 60 % 60), static_cast<unsigned long long>(whole % 60));
  return fixed(seconds, 1) + " s (" + buf + ")";
}

std::string algo_label(HashAlgo a) {
  switch (a) {
    case HashAlgo::md5: return "MD5";
    case HashAlgo::sha1: return "SHA-1";
    case HashAlgo::sha256: return "SHA-256";
    case HashAlgo::sha512: return "SHA-512";
  }
  return to_string(a);
}

bool outcome_is_complete(const std::string& outcome) {
  return outcome == "complete" || outcome == "complete_with_bad_sectors";
}

std::string quality_label(const std::string& q) {
  if (q == "ref-confirmed") return "基準時刻で確認済み / confirmed against a reference";
  if (q == "ref-interpolated") return "基準時刻から補間 / interpolated from reference checks";
  if (q == "uncorrected") return "未補正 / uncorrected";
  if (q == "estimated") return "推定 / estimated";
  if (q.empty()) return "未補正 / uncorrected (時刻の品質の記録なし / no time quality recorded)";
  return q;
}

// One time in JST (display and RFC 3339) and UTC, with its quality label.
std::string time_text(std::int64_t utc_ns, const std::string& quality) {
  if (utc_ns == 0) return "— 記録なし / not recorded";
  return format_jst_display(utc_ns) + " JST (" + format_rfc3339_jst(utc_ns) + " / " + format_rfc3339_utc_ns(utc_ns) +
         ")  [" + quality_label(quality) + "]";
}

std::string stage_text(const std::string& key) {
  if (key.empty()) return k_unknown;
  // The record holds the stable name ("read"); older records held the catalogue key.
  const std::string k = key.rfind("job.stage.", 0) == 0 ? key : "job.stage." + key;
  return std::string(i18n::tr(k, i18n::Lang::ja)) + " / " + i18n::tr(k, i18n::Lang::en);
}

std::string check_label(const std::string& what) {
  if (what == "image_reread") return "イメージの再読込 / image re-read";
  if (what == "source_reread") return "取得元の再読込 / source re-read";
  if (what == "e01_stored_md5") return "E01 内蔵 MD5 / E01 stored MD5";
  if (what == "e01_stored_sha1") return "E01 内蔵 SHA-1 / E01 stored SHA-1";
  return what;
}

// Inclusive last byte of a range (a zero length range is shown as its offset).
std::uint64_t last_byte(std::uint64_t offset, std::uint64_t length) { return length ? offset + length - 1 : offset; }

// "LBA 1234–1236 (3 sectors), byte offset 631808–633343"
std::string bad_range_text(const BadRange& b, std::uint32_t sector_size) {
  const std::uint64_t ss = sector_size ? sector_size : 512;
  const std::uint64_t first = b.offset / ss;
  const std::uint64_t last = last_byte(b.offset, b.length) / ss;
  const std::uint64_t sectors = b.length ? last - first + 1 : 0;
  return "LBA " + u64(first) + "–" + u64(last) + " (" + u64(sectors) + (sectors == 1 ? " sector" : " sectors") +
         "), byte offset " + u64(b.offset) + "–" + u64(last_byte(b.offset, b.length));
}

// ---- the .info.txt writer --------------------------------------------------------------------------

class Report {
 public:
  void raw(const std::string& s) { m_out += s; }
  void section(const char* ja, const char* en) {
    m_out += "\n== ";
    m_out += ja;
    m_out += " / ";
    m_out += en;
    m_out += " ==\n";
  }
  // "  証拠番号 / Evidence number: value"
  void field(const char* ja, const char* en, const std::string& value) {
    m_out += "  ";
    m_out += ja;
    m_out += " / ";
    m_out += en;
    m_out += ": ";
    m_out += clean(value);
    m_out += '\n';
  }
  void line(const std::string& text, int indent = 2) {
    m_out.append(static_cast<std::size_t>(indent), ' ');
    m_out += clean(text);
    m_out += '\n';
  }
  std::string take() { return std::move(m_out); }

 private:
  std::string m_out;
};

void tool_section(Report& rep, const AcquisitionRecord& r) {
  rep.section("ツール", "Tool");
  const std::string commit = jtext(r.tool, "commit");
  rep.field("プログラム", "Program",
            jtext(r.tool, "tool").empty() ? "shodo" : jtext(r.tool, "tool"));
  rep.field("版", "Version",
            or_unknown(jtext(r.tool, "version")) + (commit.empty() ? "" : " (commit " + commit + ")"));
  rep.field("OpenSSL", "OpenSSL", or_unknown(jtext(r.tool, "openssl")));
  rep.field("libewf", "libewf", or_unknown(jtext(r.tool, "libewf")));
  if (jfind(r.tool, "cairo")) rep.field("cairo", "cairo", jtext(r.tool, "cairo"));
  if (jfind(r.tool, "pango")) rep.field("pango", "pango", jtext(r.tool, "pango"));
  rep.field("ホスト", "Host", or_unknown(!r.host.empty() ? r.host : jtext(r.tool, "host")));
  rep.field("キットID", "Kit ID", or_unknown(r.kit_id));
  rep.field("記録形式", "Record format", or_unknown(r.format_version));
}

void case_section(Report& rep, const AcquisitionRecord& r) {
  rep.section("事案", "Case");
  rep.field("インシデント番号", "Incident", or_unknown(r.incident_id));
  rep.field("証拠番号（取得元）", "Evidence number (source)", or_unknown(r.source_evidence_no));
  rep.field("証拠番号（イメージ）", "Evidence number (image)", or_unknown(r.image_evidence_no));
  rep.field("作業者", "Operator", or_unknown(r.operator_name));
  rep.field("立会人", "Witness", r.witness.empty() ? std::string(k_none) : r.witness);
  const std::string desc = jtext(r.request, "description");
  const std::string found = jtext(r.request, "found_location");
  const std::string notes = jtext(r.request, "notes");
  if (!desc.empty()) rep.field("品目・説明", "Description", desc);
  if (!found.empty()) rep.field("発見場所", "Found location", found);
  if (!notes.empty()) rep.field("備考", "Notes", notes);
}

void device_section(Report& rep, const AcquisitionRecord& r) {
  const json& d = r.device;
  rep.section("取得元", "Source device");
  rep.field("パス", "Path", or_unknown(!r.source_path.empty() ? r.source_path : jtext(d, "path")));
  if (jfind(d, "name")) rep.field("デバイス名", "Device name", jtext(d, "name"));
  if (jfind(d, "backing_file") && !jtext(d, "backing_file").empty())
    rep.field("元ファイル", "Backing file", jtext(d, "backing_file"));
  if (!jtext(d, "vendor").empty()) rep.field("製造元", "Vendor", jtext(d, "vendor"));
  rep.field("型番", "Model", or_unknown(jtext(d, "model")));
  rep.field("製造番号", "Serial number", or_unknown(jtext(d, "serial")));
  if (!jtext(d, "firmware_rev").empty()) rep.field("ファームウェア", "Firmware", jtext(d, "firmware_rev"));
  if (!jtext(d, "wwn").empty()) rep.field("WWN", "WWN", jtext(d, "wwn"));

  const std::uint64_t ss = r.sector_size ? r.sector_size : 512;
  std::string size = bytes_text(r.source_size) + ", " + u64(r.source_size / ss) + " sectors × " + u64(ss) + " bytes";
  if (r.source_size % ss) size += " + " + u64(r.source_size % ss) + " bytes";
  rep.field("容量", "Size", size);
  if (const auto dev_size = ju64(d, "size_bytes"); dev_size && *dev_size != r.source_size)
    rep.field("容量（デバイス情報）", "Size (device listing)", bytes_text(*dev_size));
  std::string sector = u64(r.sector_size) + " bytes (logical)";
  if (const auto phys = ju64(d, "physical_sector")) sector += ", " + u64(*phys) + " bytes (physical)";
  rep.field("セクタサイズ", "Sector size", sector);
  rep.field("接続方式", "Transport", or_unknown(jtext(d, "transport")));
  if (jfind(d, "removable")) rep.field("取り外し可能", "Removable", yes_no(jbool(d, "removable")));
  if (jfind(d, "rotational")) rep.field("回転媒体", "Rotational", yes_no(jbool(d, "rotational")));
  if (jfind(d, "read_only")) rep.field("カーネル読取専用フラグ（一覧時）", "Kernel read-only flag (when listed)", yes_no(jbool(d, "read_only")));
  if (!jtext(d, "partition_table").empty()) rep.field("パーティション表", "Partition table", jtext(d, "partition_table"));
  if (const json* parts = jfind(d, "partitions"); parts && parts->is_array()) {
    for (const auto& p : *parts) {
      std::string t = jtext(p, "path").empty() ? jtext(p, "name") : jtext(p, "path");
      t += ": start " + (ju64(p, "start_bytes") ? u64(*ju64(p, "start_bytes")) : std::string("?")) + ", size " +
           (ju64(p, "size_bytes") ? bytes_text(*ju64(p, "size_bytes")) : std::string("?"));
      if (!jtext(p, "fs_type").empty()) t += ", " + jtext(p, "fs_type");
      if (!jtext(p, "fs_label").empty()) t += " \"" + jtext(p, "fs_label") + "\"";
      rep.field("パーティション", "Partition", t);
    }
  }
  if (const json* mounts = jfind(d, "mounts"); mounts && mounts->is_array()) {
    for (const auto& m : *mounts) {
      const auto rw = jbool(m, "read_write");
      rep.field("マウント", "Mounted",
                jtext(m, "device") + " on " + jtext(m, "mount_point") + " (" + jtext(m, "fs_type") + ", " +
                    (rw ? (*rw ? "rw" : "ro") : "?") + ")");
    }
  }
  // Hidden areas (Guymager "Hidden areas"): HPA and DCO as hdparm reported them.
  const json& h = jobj(d, "hpa_dco");
  if (!jbool(h, "queried").value_or(false)) {
    rep.field("隠し領域 HPA/DCO", "Hidden areas HPA/DCO", "未確認 / not checked");
  } else if (!jbool(h, "available").value_or(false)) {
    rep.field("隠し領域 HPA/DCO", "Hidden areas HPA/DCO",
              "確認できず / not available" +
                  (jtext(h, "note_ja").empty() && jtext(h, "note_en").empty()
                       ? std::string()
                       : ": " + jtext(h, "note_ja") + " / " + jtext(h, "note_en")));
  } else {
    const auto cur = ju64(h, "current_max_sectors"), nat = ju64(h, "native_max_sectors");
    rep.field("HPA", "HPA",
              std::string(jbool(h, "hpa_enabled").value_or(false) ? "あり / PRESENT" : "なし / none") + " (current max " +
                  (cur ? u64(*cur) : std::string("?")) + ", native max " + (nat ? u64(*nat) : std::string("?")) +
                  " sectors)");
    if (jbool(h, "dco_available").value_or(false)) {
      const auto real = ju64(h, "dco_real_max_sectors");
      rep.field("DCO", "DCO",
                std::string(jbool(h, "dco_restricted").value_or(false) ? "制限あり / RESTRICTED" : "制限なし / none") +
                    " (real max " + (real ? u64(*real) : std::string("?")) + " sectors)");
    } else {
      rep.field("DCO", "DCO", "確認できず / not available");
    }
  }
  const json& smart = jobj(d, "smart");
  if (jbool(smart, "queried").value_or(false)) {
    const std::string health = jtext(smart, "health");
    rep.field("SMART", "SMART",
              jbool(smart, "available").value_or(false) && !health.empty()
                  ? health
                  : "確認できず / not available" +
                        (jtext(smart, "note_en").empty() ? std::string()
                                                         : ": " + jtext(smart, "note_ja") + " / " + jtext(smart, "note_en")));
  }
}

void options_section(Report& rep, const AcquisitionRecord& r) {
  const json& q = r.request;
  rep.section("取得条件", "Options");
  rep.field("イメージ形式", "Image format", to_string(r.format));
  const auto seg = ju64(q, "segment_bytes");
  rep.field("分割サイズ", "Segment size",
            !seg ? std::string(k_unknown) : (*seg == 0 ? std::string("分割なし / not split") : bytes_text(*seg)));
  rep.field("圧縮", "Compression", or_unknown(jtext(q, "compression")));
  rep.field("ハッシュ方式", "Hash algorithms", or_unknown(jtext(q, "hash_algorithms")));
  rep.field("再試行回数", "Retries", or_unknown(jtext(q, "retries")));
  const auto limit = ju64(q, "max_bad_sectors");
  rep.field("読めないセクタの上限", "Bad-sector limit",
            !limit ? std::string(k_unknown) : (*limit == 0 ? std::string("上限なし / no limit") : u64(*limit) + " sectors"));
  const auto piece = ju64(q, "piece_size");
  rep.field("区間ハッシュの幅", "Piece size",
            !piece ? std::string(k_unknown) : (*piece == 0 ? std::string("なし / off") : bytes_text(*piece)));
  if (jfind(q, "verify_source")) rep.field("取得元の再読込検証", "Verify source by re-reading", yes_no(jbool(q, "verify_source")));
  if (const auto bs = ju64(q, "block_size")) rep.field("読取単位", "Block size", bytes_text(*bs));
  if (const auto qb = ju64(q, "queue_blocks")) rep.field("キュー", "Queue", u64(*qb) + " blocks");
  if (!jtext(q, "dest_dir").empty()) rep.field("保存先", "Destination", jtext(q, "dest_dir"));
  if (!jtext(q, "second_dest_dir").empty()) rep.field("第2保存先", "Second destination", jtext(q, "second_dest_dir"));
  rep.field("保存先媒体の製造番号", "Destination medium serial", or_unknown(jtext(q, "destination_medium_serial")));
  if (!jtext(q, "name").empty()) rep.field("ファイル名", "File stem", jtext(q, "name"));
}

void outcome_section(Report& rep, const AcquisitionRecord& r) {
  rep.section("結果", "Outcome");
  rep.field("結果コード", "Outcome code", or_unknown(r.outcome));
  rep.field("内容", "Detail (日本語)", or_unknown(r.outcome_ja));
  rep.field("内容", "Detail (English)", or_unknown(r.outcome_en));
  std::string covered = u64(r.bytes_covered) + " / " + u64(r.source_size) + " bytes";
  if (r.source_size)
    covered += " (" + fixed(100.0 * static_cast<double>(r.bytes_covered) / static_cast<double>(r.source_size), 2) + " %)";
  rep.field("取得した範囲", "Bytes covered", covered);
  rep.field("取得時間", "Acquisition duration", duration_text(r.acquire_seconds));
  rep.field("平均速度", "Average speed",
            r.acquire_seconds > 0
                ? fixed(static_cast<double>(r.bytes_covered) / r.acquire_seconds / 1e6, 1) + " MB/s (10^6 bytes/s)"
                : std::string(k_unknown));
  rep.field("律速段階", "Bottleneck stage", stage_text(r.bottleneck));
  if (r.verify_seconds > 0) rep.field("検証時間", "Verification duration", duration_text(r.verify_seconds));
  if (r.resumed) rep.field("中断後の再開", "Resumed", "はい / yes, from byte " + u64(r.resumed_from));
}

void bad_section(Report& rep, const AcquisitionRecord& r) {
  rep.section("読めなかったセクタ", "Unreadable sectors");
  if (r.bad.empty() && r.bad_beyond.empty() && r.bad_sectors == 0) {
    rep.field("件数", "Count", "0 — " + std::string(k_none));
    return;
  }
  rep.field("件数", "Count",
            u64(r.bad_sectors) + " sectors in " + u64(r.bad.size() + r.bad_beyond.size()) +
                (r.bad.size() + r.bad_beyond.size() == 1 ? " range" : " ranges") +
                " — イメージ内のものは 0 で埋めています / zero-filled where in the image");
  for (std::size_t i = 0; i < r.bad.size(); ++i) rep.line(u64(i + 1) + ". " + bad_range_text(r.bad[i], r.sector_size));
  if (!r.bad_beyond.empty()) {
    rep.line("イメージの終わりより後で見つかったもの（イメージには含まれません） / found after the image's end (not in the image):");
    for (std::size_t i = 0; i < r.bad_beyond.size(); ++i)
      rep.line(u64(r.bad.size() + i + 1) + ". " + bad_range_text(r.bad_beyond[i], r.sector_size));
  }
}

void hash_section(Report& rep, const AcquisitionRecord& r) {
  rep.section("ハッシュ", "Hashes");
  if (!r.source_hashes.empty()) {
    for (const auto& h : r.source_hashes) rep.line(algo_label(h.algo) + " (元全体 / whole source): " + h.hex);
    return;
  }
  if (outcome_is_complete(r.outcome) && r.partial_hashes.empty()) {
    rep.line("ハッシュの記録なし / no hashes recorded");
    return;
  }
  const std::string n = u64(r.bytes_covered);
  rep.line("元全体のハッシュなし — 先頭 " + n + " バイトのみ / NO hash of the whole source — first " + n + " bytes only");
  if (r.partial_hashes.empty()) rep.line("（部分ハッシュもなし / no partial hash either）", 4);
  for (const auto& h : r.partial_hashes)
    rep.line(algo_label(h.algo) + " (先頭 " + n + " バイト / first " + n + " bytes): " + h.hex, 4);
}

void pieces_section(Report& rep, const AcquisitionRecord& r) {
  rep.section("区間ハッシュ", "Piecewise hashes");
  if (r.pieces.empty()) {
    rep.line(k_none);
    return;
  }
  rep.line(u64(r.pieces.size()) + " 区間 / pieces");
  for (const auto& p : r.pieces)
    rep.line(algo_label(p.algo) + " offset " + u64(p.offset) + ", length " + u64(p.length) + ": " + p.hex);
}

void files_section(Report& rep, const AcquisitionRecord& r) {
  rep.section("イメージファイル", "Image files");
  rep.field("形式", "Format", to_string(r.format));
  std::map<std::string, std::string> sha;
  for (const auto& [f, h] : r.file_sha256) sha.emplace(f, h);
  std::set<std::string> listed;
  for (const auto& f : r.image_files) {
    const auto it = sha.find(f);
    rep.line(f + "  SHA-256: " + (it != sha.end() ? it->second : std::string("未計算 / not computed")));
    listed.insert(f);
  }
  for (const auto& [f, h] : r.file_sha256)
    if (!listed.count(f)) rep.line(f + "  SHA-256: " + h);
  if (r.image_files.empty() && r.file_sha256.empty()) rep.line(k_none);
  if (!r.second_image_files.empty()) {
    std::string names;
    for (const auto& f : r.second_image_files) names += (names.empty() ? "" : ", ") + f;
    rep.field("第2コピー", "Second copy", names);
  }
}

void verify_section(Report& rep, const AcquisitionRecord& r) {
  rep.section("検証", "Verification");
  if (r.verification.empty()) rep.line("検証なし / no verification run");
  for (const auto& v : r.verification) {
    std::string head = "- " + check_label(v.what);
    if (!v.algo.empty()) head += " [" + v.algo + "]";
    head += ": ";
    head += !v.done ? "未実施 / not run" : (v.match ? "一致 / MATCH" : "不一致 / MISMATCH");
    rep.line(head);
    if (v.done || !v.expected.empty()) rep.line("期待値 / expected: " + or_unknown(v.expected), 6);
    if (v.done || !v.actual.empty()) rep.line("実測値 / actual:   " + or_unknown(v.actual), 6);
    if (!v.note_ja.empty() || !v.note_en.empty()) rep.line("注記 / note: " + v.note_ja + " / " + v.note_en, 6);
  }
  rep.field("まとめ", "Summary (日本語)", or_unknown(r.verify_summary_ja));
  rep.field("まとめ", "Summary (English)", or_unknown(r.verify_summary_en));
}

// The verdict and every record that could not be written (issue 10 §4).
void verdict_section(Report& rep, const AcquisitionRecord& r) {
  rep.section("判定", "Verdict");
  rep.field("判定コード", "Verdict code", or_unknown(r.verdict));
  if (!r.verdict_ja.empty()) rep.field("内容", "Detail (日本語)", r.verdict_ja);
  if (!r.verdict_en.empty()) rep.field("内容", "Detail (English)", r.verdict_en);
  if (r.failures.empty()) {
    rep.line("保存できなかった記録: なし / records not saved: none");
    return;
  }
  rep.line("保存できなかった記録 / records NOT saved:");
  for (const auto& f : r.failures) {
    rep.line("- " + f.stage + ": " + f.error.describe(true), 4);
    rep.line(f.error.describe(false), 6);
  }
}

void times_section(Report& rep, const AcquisitionRecord& r) {
  rep.section("時刻", "Times");
  rep.field("開始", "Started", time_text(r.started_utc_ns, r.time_quality));
  rep.field("終了", "Ended", time_text(r.ended_utc_ns, r.time_quality));
  rep.field("検証終了", "Verification ended",
            r.verify_ended_utc_ns ? time_text(r.verify_ended_utc_ns, r.time_quality) : "— 検証なし / no verification");
  rep.field("時刻の品質", "Time quality", (r.time_quality.empty() ? std::string("") : r.time_quality + " — ") + quality_label(r.time_quality));
  if (r.time_quality.empty() || r.time_quality == "uncorrected")
    rep.line("未補正 / uncorrected: キットの時計は基準時刻で確認されていません。時刻は参考値です / "
             "the kit clock was not confirmed against a reference time; treat these times as indicative");
}

// ---- DFXML writer ---------------------------------------------------------------------------------

using Attrs = std::vector<std::pair<std::string, std::string>>;

class Xml {
 public:
  void open(const std::string& name, const Attrs& attrs = {}) {
    start_tag(name, attrs);
    m_out += ">\n";
    ++m_depth;
  }
  void close(const std::string& name) {
    --m_depth;
    indent();
    m_out += "</" + name + ">\n";
  }
  void leaf(const std::string& name, const std::string& text, const Attrs& attrs = {}) {
    start_tag(name, attrs);
    m_out += ">" + xml_escape(text) + "</" + name + ">\n";
  }
  void empty(const std::string& name, const Attrs& attrs = {}) {
    start_tag(name, attrs);
    m_out += "/>\n";
  }
  void comment(const std::string& text) {
    indent();
    m_out += "<!-- " + text + " -->\n";
  }
  void raw(const std::string& s) { m_out += s; }
  std::string take() { return std::move(m_out); }

 private:
  void indent() { m_out.append(static_cast<std::size_t>(m_depth * 2), ' '); }
  void start_tag(const std::string& name, const Attrs& attrs) {
    indent();
    m_out += "<" + name;
    for (const auto& [k, v] : attrs) m_out += " " + k + "=\"" + xml_escape(v) + "\"";
  }
  std::string m_out;
  int m_depth = 0;
};

std::string compiler_text() {
#if defined(__clang__)
  return std::string("clang ") + __clang_version__;
#elif defined(__GNUC__)
  return std::string("GCC ") + __VERSION__;
#else
  return "unknown";
#endif
}

void creator_element(Xml& x, const AcquisitionRecord& r, const std::string& command_line) {
  x.open("creator", {{"version", "1.0"}});
  x.leaf("program", jtext(r.tool, "tool").empty() ? "shodo" : jtext(r.tool, "tool"));
  const std::string commit = jtext(r.tool, "commit");
  x.leaf("version", or_unknown(jtext(r.tool, "version")) + (commit.empty() ? "" : " (commit " + commit + ")"));
  x.open("build_environment");
  x.leaf("compiler", compiler_text());
  for (const char* lib : {"openssl", "libewf", "cairo", "pango"})
    if (jfind(r.tool, lib)) x.empty("library", {{"name", lib}, {"version", jtext(r.tool, lib)}});
  x.empty("library", {{"name", "nlohmann_json"},
                      {"version", std::to_string(NLOHMANN_JSON_VERSION_MAJOR) + "." +
                                      std::to_string(NLOHMANN_JSON_VERSION_MINOR) + "." +
                                      std::to_string(NLOHMANN_JSON_VERSION_PATCH)}});
  x.close("build_environment");
  x.open("execution_environment");
  utsname u{};
  const bool have_uname = ::uname(&u) == 0;
  if (have_uname) {
    x.leaf("os_sysname", u.sysname);
    x.leaf("os_release", u.release);
    x.leaf("os_version", u.version);
  }
  x.leaf("host", !r.host.empty() ? r.host : (have_uname ? std::string(u.nodename) : jtext(r.tool, "host")));
  if (have_uname) x.leaf("arch", u.machine);
  x.leaf("command_line", command_line);
  x.leaf("uid", std::to_string(::getuid()));
  if (r.started_utc_ns) x.leaf("start_time", format_rfc3339_utc_ns(r.started_utc_ns));
  x.close("execution_environment");
  x.close("creator");
}

void source_element(Xml& x, const AcquisitionRecord& r) {
  x.open("source");
  for (const auto& f : r.image_files) x.leaf("image_filename", f);
  if (!jtext(r.device, "model").empty()) x.leaf("device_model", jtext(r.device, "model"));
  if (!jtext(r.device, "serial").empty()) x.leaf("device_sn", jtext(r.device, "serial"));
  x.leaf("sectorsize", u64(r.sector_size));
  x.leaf("image_size", u64(r.source_size));
  if (!r.source_path.empty()) x.leaf("shodo:device_path", r.source_path);
  x.close("source");
}

void hashdigests(Xml& x, const std::vector<HashValue>& hs) {
  for (const auto& h : hs) x.leaf("hashdigest", h.hex, {{"type", to_string(h.algo)}});
}

void extension_element(Xml& x, const AcquisitionRecord& r) {
  x.open("shodo:acquisition", {{"format", r.format_version}});
  x.leaf("shodo:incident_id", r.incident_id);
  x.leaf("shodo:kit_id", r.kit_id);
  x.leaf("shodo:source_evidence_no", r.source_evidence_no);
  x.leaf("shodo:image_evidence_no", r.image_evidence_no);
  x.leaf("shodo:operator", r.operator_name);
  x.leaf("shodo:witness", r.witness);
  x.leaf("shodo:image_format", to_string(r.format));
  x.leaf("shodo:write_protection", r.write_protection);
  for (const auto& d : r.deviations) x.leaf("shodo:deviation", d);
  x.open("shodo:outcome", {{"code", r.outcome},
                           {"bytes_covered", u64(r.bytes_covered)},
                           {"source_size", u64(r.source_size)},
                           {"bad_sectors", u64(r.bad_sectors)},
                           {"whole_source_hash", r.source_hashes.empty() ? "0" : "1"}});
  x.leaf("shodo:text", r.outcome_ja, {{"xml:lang", "ja"}});
  x.leaf("shodo:text", r.outcome_en, {{"xml:lang", "en"}});
  x.close("shodo:outcome");
  for (const auto& v : r.verification)
    x.empty("shodo:verification", {{"what", v.what},
                                   {"algo", v.algo},
                                   {"result", !v.done ? "not_run" : (v.match ? "match" : "mismatch")},
                                   {"expected", v.expected},
                                   {"actual", v.actual},
                                   {"note_ja", v.note_ja},
                                   {"note_en", v.note_en}});
  x.leaf("shodo:verify_summary", r.verify_summary_ja, {{"xml:lang", "ja"}});
  x.leaf("shodo:verify_summary", r.verify_summary_en, {{"xml:lang", "en"}});
  Attrs times{{"quality", r.time_quality.empty() ? "uncorrected" : r.time_quality}};
  if (r.started_utc_ns) times.emplace_back("started", format_rfc3339_utc_ns(r.started_utc_ns));
  if (r.ended_utc_ns) times.emplace_back("ended", format_rfc3339_utc_ns(r.ended_utc_ns));
  if (r.verify_ended_utc_ns) times.emplace_back("verify_ended", format_rfc3339_utc_ns(r.verify_ended_utc_ns));
  x.empty("shodo:times", times);
  x.empty("shodo:timing", {{"acquire_seconds", fixed(r.acquire_seconds, 3)},
                           {"verify_seconds", fixed(r.verify_seconds, 3)},
                           {"bottleneck", r.bottleneck}});
  if (r.resumed) x.empty("shodo:resumed", {{"from", u64(r.resumed_from)}});
  x.close("shodo:acquisition");
}

void disk_image_element(Xml& x, const AcquisitionRecord& r) {
  const bool whole = !r.source_hashes.empty() || (outcome_is_complete(r.outcome) && r.partial_hashes.empty());
  x.open("diskimageobject");
  x.leaf("sector_size", u64(r.sector_size));
  x.open("byte_runs");
  if (whole) {
    x.open("byte_run", {{"img_offset", "0"}, {"len", u64(r.bytes_covered)}, {"type", "image"}});
    hashdigests(x, r.source_hashes);
    x.close("byte_run");
  } else {
    x.comment("NO hash of the whole source: the job ended early; these hashes cover the first len bytes only");
    x.open("byte_run", {{"img_offset", "0"}, {"len", u64(r.bytes_covered)}, {"type", "partial"}});
    hashdigests(x, r.partial_hashes);
    x.close("byte_run");
  }
  // Piecewise windows: one run per (offset, length), every algorithm's digest inside it.
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::vector<HashValue>> pieces;
  for (const auto& p : r.pieces) pieces[{p.offset, p.length}].push_back({p.algo, p.hex});
  for (const auto& [range, hs] : pieces) {
    x.open("byte_run", {{"img_offset", u64(range.first)}, {"len", u64(range.second)}, {"type", "piece"}});
    hashdigests(x, hs);
    x.close("byte_run");
  }
  const std::uint64_t ss = r.sector_size ? r.sector_size : 512;
  for (const auto& b : r.bad) {
    const std::uint64_t first = b.offset / ss;
    const std::uint64_t sectors = b.length ? last_byte(b.offset, b.length) / ss - first + 1 : 0;
    x.empty("byte_run", {{"img_offset", u64(b.offset)},
                         {"len", u64(b.length)},
                         {"fill", "0"},
                         {"type", "bad_sector"},
                         {"shodo:first_lba", u64(first)},
                         {"shodo:sectors", u64(sectors)}});
  }
  x.close("byte_runs");
  if (!whole) x.leaf("error", r.outcome + ": " + r.outcome_en);
  extension_element(x, r);
  x.close("diskimageobject");
}

void file_objects(Xml& x, const AcquisitionRecord& r) {
  std::map<std::string, std::string> sha;
  for (const auto& [f, h] : r.file_sha256) sha.emplace(f, h);
  std::vector<std::string> names = r.image_files;
  for (const auto& [f, h] : r.file_sha256)
    if (std::find(names.begin(), names.end(), f) == names.end()) names.push_back(f);
  for (const auto& f : names) {
    x.open("fileobject");
    x.leaf("filename", f);
    x.leaf("name_type", "r");
    if (const auto it = sha.find(f); it != sha.end()) x.leaf("hashdigest", it->second, {{"type", "sha256"}});
    x.close("fileobject");
  }
}

bool is_hex(const std::string& s) {
  for (const char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  return true;
}

Error invalid(const std::string& ja, const std::string& en) { return make_error(ErrorCode::invalid_input, ja, en); }

}  // namespace

// ---- public -----------------------------------------------------------------------------------------

std::string render_info_text(const AcquisitionRecord& r) {
  Report rep;
  rep.raw("Shodo 証拠保全 取得報告 / Shodo acquisition report\n");
  rep.raw("=================================================\n");
  rep.field("証拠番号", "Evidence number", or_unknown(r.image_evidence_no) + " (取得元 / source " +
                                                 or_unknown(r.source_evidence_no) + ")");
  rep.field("結果", "Outcome", or_unknown(r.outcome));
  tool_section(rep, r);
  case_section(rep, r);
  device_section(rep, r);
  rep.section("書込み防止", "Write protection");
  rep.line(or_unknown(r.write_protection));
  rep.section("逸脱", "Deviations");
  if (r.deviations.empty()) rep.line(k_none);
  for (std::size_t i = 0; i < r.deviations.size(); ++i) rep.line(u64(i + 1) + ". " + r.deviations[i]);
  options_section(rep, r);
  outcome_section(rep, r);
  bad_section(rep, r);
  hash_section(rep, r);
  pieces_section(rep, r);
  files_section(rep, r);
  verify_section(rep, r);
  verdict_section(rep, r);
  times_section(rep, r);
  return rep.take();
}

std::string render_dfxml(const AcquisitionRecord& r, const std::string& command_line) {
  Xml x;
  x.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  x.open("dfxml", {{"xmlns", k_dfxml_ns}, {"xmlns:dc", k_dc_ns}, {"xmlns:shodo", k_shodo_ns}, {"version", "1.2.0"}});
  x.open("metadata");
  x.leaf("dc:type", "Disk Image");
  x.close("metadata");
  creator_element(x, r, command_line);
  source_element(x, r);
  disk_image_element(x, r);
  file_objects(x, r);
  x.open("rusage");
  x.leaf("clocktime", fixed(r.acquire_seconds + r.verify_seconds, 3));
  x.close("rusage");
  x.close("dfxml");
  return x.take();
}

std::string render_hash_file(HashAlgo a, const std::vector<std::pair<std::string, std::string>>& name_and_hex) {
  (void)a;  // the format is the same for every algorithm; the caller names the file after it
  std::string out;
  for (const auto& [name, hex] : name_and_hex) {
    const bool escape = name.find_first_of("\\\n\r") != std::string::npos;
    if (escape) out += '\\';
    out += hex;
    out += "  ";
    for (const char c : name) {
      if (!escape) {
        out += c;
      } else if (c == '\\') {
        out += "\\\\";
      } else if (c == '\n') {
        out += "\\n";
      } else if (c == '\r') {
        out += "\\r";
      } else {
        out += c;
      }
    }
    out += '\n';
  }
  return out;
}

Result<std::vector<fs::path>> write_sidecars(
    const AcquisitionRecord& r, const fs::path& dest_dir, const std::string& stem, const std::string& json_text,
    const std::string& command_line,
    const std::vector<std::pair<HashAlgo, std::vector<std::pair<std::string, std::string>>>>& hash_files) {
  if (stem.empty() || stem == "." || stem == ".." || stem.find_first_of(std::string("/\0", 2)) != std::string::npos)
    return invalid("付属ファイルの名前が不正です: \"" + clean(stem) + "\"。フォルダ区切りを含まない名前を指定してください",
                   "invalid sidecar name \"" + clean(stem) + "\": give a name without a folder separator");
  if (json_text.empty())
    return invalid("付属ファイルの JSON が空です（内部エラー）", "the JSON sidecar text is empty (internal error)");

  std::vector<std::pair<fs::path, std::string>> files;
  files.emplace_back(dest_dir / (stem + ".info.txt"), render_info_text(r));
  files.emplace_back(dest_dir / (stem + ".json"), json_text);
  files.emplace_back(dest_dir / (stem + ".dfxml"), render_dfxml(r, command_line));
  std::set<HashAlgo> seen;
  for (const auto& [algo, entries] : hash_files) {
    const std::string an = to_string(algo);
    if (!seen.insert(algo).second)
      return invalid("ハッシュファイル " + an + " が2回指定されています", "hash file " + an + " given twice");
    for (const auto& [name, hex] : entries) {
      if (name.empty() || name.front() == '/' || name.find('\0') != std::string::npos)
        return invalid("ハッシュファイル " + an + " の名前が不正です: \"" + clean(name) + "\"（保存先からの相対名にしてください）",
                       "invalid name in the " + an + " hash file: \"" + clean(name) +
                           "\" (use a name relative to the destination folder)");
      if (hex.size() != digest_hex_length(algo) || !is_hex(hex))
        return invalid("ハッシュ値が " + an + " の形式ではありません: " + clean(name) + " \"" + clean(hex) + "\"",
                       "not a " + an + " digest for " + clean(name) + ": \"" + clean(hex) + "\"");
    }
    files.emplace_back(dest_dir / (stem + "." + an), render_hash_file(algo, entries));
  }

  // Refuse before writing anything, so an existing set is never mixed with a new one.
  for (const auto& [path, text] : files) {
    std::error_code ec;
    const auto st = fs::symlink_status(path, ec);
    if (fs::exists(st) || (ec && ec != std::errc::no_such_file_or_directory))
      return make_error(ErrorCode::already_exists,
                        "付属ファイルが既に存在します（上書きしません）: " + path.string() +
                            "。別の名前を指定するか、既存のファイルを移してください",
                        "a sidecar file already exists (not overwritten): " + path.string() +
                            ". Choose another name or move the existing file away");
  }

  std::vector<fs::path> written;
  for (const auto& [path, text] : files) {
    auto st = write_file_atomic(path, text);
    if (!st) {
      Error e = st.error();
      if (!written.empty()) {
        std::string list;
        for (const auto& w : written) list += (list.empty() ? "" : ", ") + w.filename().string();
        e.ja += "（書き込み済み: " + list + "）";
        e.en += " (already written: " + list + ")";
      }
      return e;
    }
    written.push_back(path);
  }
  return written;
}

}  // namespace shodo::acquire
