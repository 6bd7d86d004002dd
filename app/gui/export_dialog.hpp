// The export dialog (§3.5): choose what to write (A4 PDF, 未 list, blank paper sheets, CSV
// UTF-8 / CP932, Timesketch CSV / JSONL, the full set), the language and the folder (default
// <incident>/exports/<time>/), then see every written file with its SHA-256, or the error.
// The export also records itself in the chronology (CHR-04). After an export the paper anchor
// (entry count / 16 hex of the head) is shown large with 「紙に書き留めてください」, and a PDF can be
// printed at once on a CUPS queue (印刷; recorded too): all of it fits 1024×768 without scrolling,
// the file list scrolls in its own box (issue 11).
//
// Threads (issue 10 §3): the export runs as a job on the core job runner, so the window keeps
// drawing while a long PDF is written. The chronology log stays the GUI thread's alone: the plan
// (a copy of the document and of what the full set needs, forensics/report/export.hpp) is made on
// the GUI thread, the worker writes and hashes the files from that copy only, and the "export"
// entry is appended on the GUI thread when the result is taken. While the job runs the dialog
// stays open (modal: nothing else can record or lend the Workspace meanwhile) and shows the
// phase and progress; closing the window waits for the job (the runner joins).
#pragma once
#include <memory>
#include <optional>
#include <string>

#include "app/gui/ui_context.hpp"
#include "forensics/core/job_runner.hpp"
#include "forensics/report/export.hpp"
#include "forensics/report/print.hpp"

namespace shodo::gui {

class ExportDialog {
 public:
  void open(UiContext& ctx);
  void draw(UiContext& ctx);
  bool active() const { return m_active; }
  // An export is being written (its result not yet taken).
  bool busy() const { return m_job.busy(); }
  const JobRunner<ExportResult>& job() const { return m_job; }

 private:
  void run(UiContext& ctx);
  void take_result(UiContext& ctx);
  void draw_progress();
  void draw_result(UiContext& ctx);
  void draw_print(UiContext& ctx);
  void print(UiContext& ctx);

  bool m_active = false;
  bool m_request_open = false;
  int m_kind = 0;  // index into the kinds table
  bool m_japanese = true;
  bool m_merged = false;
  int m_blank_sheets = 5;
  bool m_csv_raw = false;
  bool m_not_recorded = false;  // the last export was of a damaged chronology
  // Printing: the queues (read when a result with a PDF arrives), the chosen one, the outcome.
  std::optional<Result<std::vector<PrintQueue>>> m_queues;
  int m_queue = 0;
  int m_copies = 1;
  std::string m_print_msg;
  bool m_print_ok = false;
  std::string m_dir;
  std::optional<ExportResult> m_result;
  std::string m_error;
  // The plan of the running export: read by the worker, kept here for the entry (read-only).
  std::shared_ptr<const ExportPlan> m_plan;
  JobRunner<ExportResult> m_job{export_job_type()};
};

}  // namespace shodo::gui
