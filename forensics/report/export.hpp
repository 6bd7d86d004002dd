// Chronology exports from an open incident (§3.5): writes the files, lists them with their
// SHA-256, and records the export in the chronology (CHR-04) with the chain head it covers.
// The orchestration lives in report/ (a capability above case/): it drives the workspace and the
// renderers, so case/ never includes report/. Namespace shodo, as before the move, so the
// front ends' call sites are unchanged.
//
// Threads (issue 10 §3). The chronology log is single-owner (the GUI thread, or the CLI's main
// thread). An export is therefore three steps, so that the long one can run on a job runner's
// worker (forensics/core/job_runner.hpp) while the owner keeps drawing and appending:
//   1. prepare_export — owner thread, Workspace in hand: copies everything the export needs into
//      an ExportPlan (the document with the entries up to the head it covers, the incident, the
//      length of every chronology file at that moment, the small files of the full set).
//   2. write_export — any thread: reads only the plan and the files it names (append-only logs
//      read up to the recorded length, attachments that are never rewritten), writes the output
//      files and hashes them. It never sees the Workspace, so it cannot race the owner's appends.
//   3. record_export — owner thread: appends the "export" entry naming the files, their SHA-256
//      and the head the plan covers (entries appended meanwhile come after it, as they should).
// export_chronology() runs the three in a row on the calling thread (the CLI).
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "forensics/case/workspace.hpp"
#include "forensics/core/job_runner.hpp"

namespace shodo {

enum class ExportKind {
  pdf,               // A4 landscape chronology (§3.5.1)
  open_items_pdf,    // 未 list
  blank_sheets_pdf,  // paper fallback sheets (CHR-25)
  csv_utf8,          // hospital CSV, UTF-8 with BOM (§3.5.2)
  csv_cp932,         // hospital CSV, CP932, with warnings for unmappable characters
  timesketch_csv,    // §3.5.3
  timesketch_jsonl,  // §3.5.3
  full_set,          // §3.5.4: JSONL as stored + incident + kit key + attachments + PDF, CSV, Timesketch
                     // of every kit's entries + provenance + manifest.sha256 (the hand-over set)
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
  // Hospital CSV: the text exactly as recorded, even a cell that Excel would run as a formula
  // (by default such a cell gets a leading ', see report::CsvOptions).
  bool csv_raw = false;
};

// The paper anchor (issue 11, CHR-23): what the responder writes on the paper copy after an
// export, so that removal of later entries can be proved (`chrono verify --expect-count N
// --expect-head HEX`): the entry count and the first 16 hex digits of the head, e.g.
// "42 件 / 0123456789abcdef"; with several kits (merged) each head is prefixed by its kit.
std::string paper_anchor(const std::vector<ChainHead>& heads, bool japanese);

// Everything an export needs, copied from the Workspace on its owner thread (see above). A value:
// it holds no reference into the Workspace.
struct ExportPlan {
  ExportKind kind = ExportKind::pdf;
  std::filesystem::path out_dir;
  ExportOptions opt;
  ChronologyDocument doc;        // entries up to the heads it covers
  IncidentInfo incident;
  std::filesystem::path incident_dir;    // for relative paths in the export entry
  // Full set: each chronology file and its length when the plan was made (the logs only grow).
  std::vector<std::pair<std::filesystem::path, std::uint64_t>> logs;
  std::string incident_json, kit_json;   // full set: the bytes as stored
  std::vector<std::filesystem::path> attachments;  // full set: the attachment files
  // False for an export of a damaged chronology (no Workspace): nothing can record it.
  bool recorded = true;
};

// The phases of an export job (Progress::phase); `done` / `total` count output files.
enum class ExportPhase : int { preparing = 0, writing = 1, hashing = 2 };
const char* export_phase_name(ExportPhase p);  // "preparing", "writing", "hashing"
const char* export_phase_key(ExportPhase p);   // "export.phase.writing" ...
// The job type of exports on the job runner (phase names, crash message).
JobType export_job_type();

// Step 1 (owner thread). Errors: integrity (merged chains), io_error (files of the full set).
Result<ExportPlan> prepare_export(const Workspace& ws, ExportKind kind, const std::filesystem::path& out_dir,
                                  const ExportOptions& opt);
// The same from a damaged chronology opened read-only (issue 11: a damaged chronology must not stop
// the response): the verified part of every chain, and blank sheets; the full set holds the
// damaged files byte for byte. Nothing records such an export (plan.recorded is false and
// record_export must not be called): the caller says so, and the paper anchor is what remains.
Result<ExportPlan> prepare_export(const std::filesystem::path& case_root, const ReadOnlyDocument& ro, ExportKind kind,
                                  const std::filesystem::path& out_dir, const ExportOptions& opt);
// Step 2 (any thread; touches no Workspace). Writes into plan.out_dir (created if needed), with
// progress in files; between files it obeys pause and cancel (a cancelled export removes what it
// wrote and returns invalid_input "cancelled"). Errors: not_saved / no_space / io_error.
Result<ExportResult> write_export(const ExportPlan& plan, Progress& progress, const CancelToken& cancel);
// Step 3 (owner thread): appends the "export" system entry. Errors: as ChronologyLog::append.
Status record_export(Workspace& ws, const ExportPlan& plan, const ExportResult& res);

// The three steps in a row on the calling thread: writes the export into out_dir (created if
// needed) and appends an "export" system entry.
// Errors: invalid_input, not_saved / no_space, integrity (merged chains).
Result<ExportResult> export_chronology(Workspace& ws, ExportKind kind, const std::filesystem::path& out_dir,
                                       const ExportOptions& opt);

// A file as an entry of the chronology names it: relative to the incident folder when inside it,
// else absolute (e.g. a second USB stick). Used by the export and the print entries.
std::string path_in_entry(const std::filesystem::path& file, const std::filesystem::path& incident_dir);

// Default export folder: <incident>/exports/<YYYYMMDDTHHMMSS>/.
std::filesystem::path default_export_dir(const Workspace& ws);
// The same for a time and an incident folder (an export of a damaged, read-only chronology).
std::filesystem::path default_export_dir(const std::filesystem::path& incident_dir, std::int64_t utc_ns);

}  // namespace shodo
