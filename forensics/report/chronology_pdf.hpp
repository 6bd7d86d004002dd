// Printable A4 PDF exports of the chronology (クロノロジー), REQUIREMENTS §3.5.1:
// the chronology sheet, blank paper-fallback sheets (CHR-25) and the open-items (未) list.
//
// All three are A4 landscape, black only, Noto Sans CJK JP, labels from the report catalogue
// (messages_report.inc) in the document's language; user text is printed exactly as typed.
// Every page carries the incident header (facility, incident number, title, page n/N, time
// basis, 訓練/TRAINING mark) and a footer with the export time, kit ID and key fingerprint,
// the sequence range and hash anchor of the page (CHR-23), the chain heads, and signature
// boxes 記録者 / 確認者.
//
// Output is written durably: rendered in memory, then write_file_atomic (temp file in the same
// directory, fsync, rename, fsync of the directory); an existing file at `out` is replaced
// only once the new one is complete. Thread-safe as long as each call has its own document.
#pragma once
#include <filesystem>

#include "forensics/case/incident.hpp"
#include "forensics/core/result.hpp"
#include "forensics/case/chronology_document.hpp"

namespace shodo::report {

// The chronology sheet: one row per entry in `doc.entries` order, modifier entries
// (訂正/取消/追記/状態変更) included as their own rows. Superseded text is kept with a double
// strike-through and "→ 訂正 No. n"; voided rows are struck through with "取消 (reason)";
// open items carry "● 未". When entries come from more than one device, the No. column reads
// "<device>#<seq>". A row taller than a page is clipped with a printed note. An empty
// chronology gives one page saying so.
// Errors: io_error (rendering failed), not_saved / no_space / io_error (writing `out`).
Status write_chronology_pdf(const ChronologyDocument& doc, const std::filesystem::path& out);

// Blank sheets for writing by hand when the kit is unavailable (CHR-25): `sheet_count` pages
// numbered first_sheet_no… ("シート No. n"), same columns, ruled rows with printed line
// numbers 1..N, the incident header and the hint to write the clock that was read.
// Errors: invalid_input (first_sheet_no outside 1..99999, sheet_count outside 1..999), io_error,
// not_saved / no_space.
Status write_blank_sheets_pdf(const IncidentInfo& incident, int first_sheet_no, int sheet_count, bool japanese,
                              const std::filesystem::path& out);

// The open-items (未) list: items whose current status is open or in progress and that are not
// voided, with their current fields, status, assignee, action and age at doc.export_utc_ns.
// Same header and footer as the chronology sheet. Errors: as write_chronology_pdf.
Status write_open_items_pdf(const ChronologyDocument& doc, const std::filesystem::path& out);

}  // namespace shodo::report
