// Chronology exports from an open incident (§3.5): writes the files, lists them with their
// SHA-256, and records the export in the chronology (CHR-04) with the chain head it covers.
// The orchestration lives in report/ (a capability above case/): it drives the workspace and the
// renderers, so case/ never includes report/. Namespace shodo, as before the move, so the
// front ends' call sites are unchanged.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "forensics/case/workspace.hpp"

namespace shodo {

enum class ExportKind {
  pdf,               // A4 landscape chronology (§3.5.1)
  open_items_pdf,    // 未 list
  blank_sheets_pdf,  // paper fallback sheets (CHR-25)
  csv_utf8,          // hospital CSV, UTF-8 with BOM (§3.5.2)
  csv_cp932,         // hospital CSV, CP932, with warnings for unmappable characters
  timesketch_csv,    // §3.5.3
  timesketch_jsonl,  // §3.5.3
  full_set,          // §3.5.4: JSONL as stored + incident + kit key + provenance + manifest.sha256
};

// Parses "pdf", "open-items", "blank-sheets", "csv", "csv-cp932", "timesketch-csv",
// "timesketch-jsonl", "full". Returns false on anything else.
bool export_kind_from(const std::string& name, ExportKind& out);

struct ExportedFile {
  std::filesystem::path path;
  std::string sha256;
};

struct ExportResult {
  std::vector<ExportedFile> files;
  std::vector<std::string> warnings_ja, warnings_en;  // e.g. CP932 unmappable characters
  std::vector<ChainHead> heads;  // the chain head(s) the export covers (before its own entry)
};

struct ExportOptions {
  bool japanese = true;
  bool merged = false;       // all kits' chronologies of the incident
  int blank_sheets = 5;      // for blank_sheets_pdf
  int first_sheet_no = 1;
};

// Writes the export into out_dir (created if needed) and appends an "export" system entry.
// Errors: invalid_input, not_saved / no_space, integrity (merged chains).
Result<ExportResult> export_chronology(Workspace& ws, ExportKind kind, const std::filesystem::path& out_dir,
                                       const ExportOptions& opt);

// Default export folder: <incident>/exports/<YYYYMMDDTHHMMSS>/.
std::filesystem::path default_export_dir(const Workspace& ws);

}  // namespace shodo
