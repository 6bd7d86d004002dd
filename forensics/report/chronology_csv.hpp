// The chronology as a spreadsheet for the hospital (REQUIREMENTS §3.5.2): one row per entry,
// correction/void/addendum/status-change rows included, in document order.
//
// Columns: No., 記録の状態, 記録時刻(JST), 時刻品質, 事象時刻, 区分, 発信元, 受信先, 内容, 対応, 担当,
// 状態, 訂正対象No., 理由, 種別, 記録者, 出典(live/paper), entry_id, entry_hash (English headers on
// request). Values are the entry as recorded (its own status, not the status after later
// changes); the 種別 and 訂正対象No. columns link a correction row to the row it corrects, and
// 記録の状態 flags the row that was later corrected, voided, extended or replaced (訂正済 / 取消 /
// 追記あり / 置換済, with the No. that did it), so a voided guess never reads as fact (issue 11).
// 理由 is the row's own reason (corrections, voids, replacing time checks); on a voided or
// corrected row it is the reason of the void (else of the newest correction). Times are JST
// "YYYY-MM-DD HH:MM:SS": the corrected time when there is one, else the system time, and the
// 時刻品質 column says which. Format described in docs/FORMATS.md "Hospital CSV (§3.5.2)".
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "forensics/core/result.hpp"
#include "forensics/i18n/catalogue.hpp"
#include "forensics/case/chronology_document.hpp"
#include "forensics/report/cp932.hpp"

namespace shodo::report {

struct CsvOptions {
  // Headers and labels (区分, 状態, 種別, 時刻品質) in Japanese; English when false.
  bool japanese_headers = true;
  // utf8_bom: UTF-8 with a BOM, which current Japanese Excel opens correctly (the default).
  // cp932: Shift_JIS for older software; unrepresentable characters become '?' and are reported.
  enum class Encoding { utf8_bom, cp932 };
  Encoding encoding = Encoding::utf8_bom;
  // A cell beginning with = + - @ TAB or CR gets a leading ' so that Excel shows it as text and
  // never runs it as a formula (CSV injection). false: the text exactly as recorded.
  bool neutralise_formulas = true;
};

// What the export had to change: every character replaced by '?' in a CP932 export, in file
// order. Empty for UTF-8 exports. The CLI prints these; the file is written regardless.
struct ExportWarnings {
  std::vector<Unmappable> unmappable;
};

// The table as UTF-8 strings: the header record first, then one record per entry of `doc`.
// Pure; used by the writer and by previews.
std::vector<std::vector<std::string>> chronology_csv_table(const ChronologyDocument& doc, i18n::Lang lang);

// Writes the CSV to `out` atomically (temp file, fsync, rename). Records end in CRLF; fields are
// RFC 4180 quoted. Errors: unsupported (CP932 requested but iconv lacks it), not_saved / no_space
// / io_error from the write. Unmappable characters are warnings, not errors.
Result<ExportWarnings> write_chronology_csv(const ChronologyDocument& doc, const CsvOptions& options,
                                            const std::filesystem::path& out);

// One warning as a line for the CLI/GUI, e.g. `row 3, column "Content": 😀 (U+1F600)`.
std::string describe_unmappable(const Unmappable& u, i18n::Lang lang);

}  // namespace shodo::report
