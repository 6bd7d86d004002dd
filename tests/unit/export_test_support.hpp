// Shared by the export tests (test_csv_export, test_timesketch, test_cp932): a strict RFC 4180
// reader written independently of forensics/report/csv_writer, and a hand-built chronology with
// the awkward cases (quotes, commas, newlines, corrections, voids, paper transcription, event
// times, a time check). Temp dirs and file reading come from tests/unit/test_support.hpp.
#pragma once
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "forensics/core/clock.hpp"
#include "forensics/case/chronology_document.hpp"

namespace shodo::test_support {

using CsvTable = std::vector<std::vector<std::string>>;

// Parses RFC 4180 text whose records end in CRLF. Returns nullopt on anything malformed: a bare
// LF or CR outside quotes, a quote inside an unquoted field, text after a closing quote, an
// unterminated quote, or a last record without its CRLF.
inline std::optional<CsvTable> parse_rfc4180(const std::string& s) {
  CsvTable table;
  std::vector<std::string> record;
  std::string field;
  std::size_t i = 0;
  while (i < s.size()) {
    field.clear();
    if (s[i] == '"') {
      ++i;
      for (;;) {
        if (i >= s.size()) return std::nullopt;  // unterminated quote
        if (s[i] == '"') {
          if (i + 1 < s.size() && s[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field.push_back(s[i++]);
      }
    } else {
      while (i < s.size() && s[i] != ',' && s[i] != '\r' && s[i] != '\n') {
        if (s[i] == '"') return std::nullopt;
        field.push_back(s[i++]);
      }
    }
    record.push_back(field);
    if (i < s.size() && s[i] == ',') {
      ++i;
      continue;
    }
    if (i + 1 < s.size() && s[i] == '\r' && s[i + 1] == '\n') {
      i += 2;
      table.push_back(record);
      record.clear();
      continue;
    }
    return std::nullopt;  // bare CR/LF, text after a closing quote, or no CRLF at the end
  }
  if (!record.empty()) return std::nullopt;
  return table;
}

inline std::int64_t t(const char* text) {
  std::int64_t ns = 0;
  if (!parse_time(text, ns)) throw std::runtime_error(std::string("bad test time ") + text);
  return ns;
}

inline chronology::Entry base_entry(std::int64_t seq, char hash_digit) {
  chronology::Entry e;
  e.entry_id = "00000000-0000-4000-8000-00000000000" + std::to_string(seq);
  e.seq = seq;
  e.incident_id = "OGMC-20261124-01";
  e.device_id = "KIT-01";
  e.boot_id = "6f1c2d3e-0000-4000-8000-000000000001";
  e.recorded_mono_ns = 1'000'000'000LL * seq;
  e.author = "山田 花子";
  e.author_roles = {"SCR"};
  e.prev_hash = std::string(64, seq == 1 ? '0' : static_cast<char>(hash_digit - 1));
  e.entry_hash = std::string(64, hash_digit);
  return e;
}

// Six entries (seq 1–6):
//  1 normal 報告, uncorrected, event_time approx 07:30, content with quotes, 、 and a newline;
//    later corrected by 4
//  2 time_check (system), corrected
//  3 normal 決定, corrected, transcribed from paper sheet 3 line 12, comma in content, exact
//    event_time, refs with an evidence number
//  4 correction of 1, status in progress
//  5 normal, voided by 6
//  6 void of 5
inline ChronologyDocument sample_document() {
  using namespace chronology;
  ChronologyDocument doc;
  doc.incident.incident_id = "OGMC-20261124-01";
  doc.incident.title = "ランサムウェア疑い";
  doc.japanese = true;

  Entry e1 = base_entry(1, '1');
  e1.recorded_sys_utc_ns = t("2026-11-24T01:02:03.123456789Z");
  e1.time_quality = TimeQuality::uncorrected;
  e1.event_time = EventTime{t("2026-11-24T07:30:00+09:00"), Precision::approx, std::nullopt};
  e1.category = Category::report;
  e1.from = "救急外来 看護師長";
  e1.to = {"情報システム課", "事務長"};
  e1.content = "電子カルテが\"開けない\"、画面に英語の脅迫文。\n複数端末で同様";
  e1.action = "ネットワーク遮断を検討";
  e1.assignee = "情報システム課";
  e1.status = ItemStatus::open;

  Entry e2 = base_entry(2, '2');
  e2.type = EntryType::time_check;
  e2.category = Category::system;
  e2.source = SourceKind::system;
  e2.recorded_sys_utc_ns = t("2026-11-24T01:05:00Z");
  e2.recorded_ref_utc_ns = t("2026-11-24T10:05:12.5+09:00");
  e2.time_quality = TimeQuality::ref_confirmed;
  e2.clock_offset_ns = 12'500'000'000;
  e2.clock_uncertainty_ns = 1'000'000'000;
  e2.from = "山田 花子";
  e2.content = "117 時報で時刻合わせ";
  e2.time_check = TimeCheck{"117", t("2026-11-24T10:05:12.5+09:00"), 12'500'000'000, 1'000'000'000};

  Entry e3 = base_entry(3, '3');
  e3.recorded_sys_utc_ns = t("2026-11-24T01:10:00Z");
  e3.recorded_ref_utc_ns = t("2026-11-24T10:10:12.5+09:00");
  e3.time_quality = TimeQuality::ref_interpolated;
  e3.clock_offset_ns = 12'500'000'000;
  e3.event_time = EventTime{t("2026-11-24T08:40:00+09:00"), Precision::exact, std::nullopt};
  e3.category = Category::decision;
  e3.from = "本部長";
  e3.to = {"全部署"};
  e3.content = "外部接続を遮断する, VPN 装置を含む";
  e3.source = SourceKind::paper;
  e3.paper_sheet = 3;
  e3.paper_line = 12;
  e3.transcriber = "佐藤";
  e3.refs = {"OGMC-20261124-01-E001", "D1", "OGMC-20261124-01-E001-02", "P2-03"};

  Entry e4 = base_entry(4, '4');
  e4.type = EntryType::correction;
  e4.recorded_sys_utc_ns = t("2026-11-24T01:20:00Z");
  e4.recorded_ref_utc_ns = t("2026-11-24T10:20:12.5+09:00");
  e4.time_quality = TimeQuality::ref_interpolated;
  e4.category = Category::report;
  e4.from = "救急外来 看護師長";
  e4.to = {"情報システム課"};
  e4.content = "電子カルテが開けない（3 台）";
  e4.action = "ネットワーク遮断を実施";
  e4.assignee = "情報システム課";
  e4.status = ItemStatus::in_progress;
  e4.target_entry_id = e1.entry_id;
  e4.reason = "台数を追記";

  Entry e5 = base_entry(5, '5');
  e5.recorded_sys_utc_ns = t("2026-11-24T01:25:00Z");
  e5.recorded_ref_utc_ns = t("2026-11-24T10:25:12.5+09:00");
  e5.time_quality = TimeQuality::ref_interpolated;
  e5.category = Category::information;
  e5.from = "事務長";
  e5.to = {"本部長"};
  e5.content = "重複";

  Entry e6 = base_entry(6, '6');
  e6.type = EntryType::void_entry;
  e6.recorded_sys_utc_ns = t("2026-11-24T01:26:00Z");
  e6.recorded_ref_utc_ns = t("2026-11-24T10:26:12.5+09:00");
  e6.time_quality = TimeQuality::ref_interpolated;
  e6.category = Category::information;
  e6.from = "山田 花子";
  e6.content = "取消";
  e6.target_entry_id = e5.entry_id;
  e6.reason = "重複入力";

  doc.entries = {e1, e2, e3, e4, e5, e6};
  return doc;
}

}  // namespace shodo::test_support
