// The export dialog (§3.5): choose what to write (A4 PDF, 未 list, blank paper sheets, CSV
// UTF-8 / CP932, Timesketch CSV / JSONL, the full set), the language and the folder (default
// <incident>/exports/<time>/), then see every written file with its SHA-256, or the error.
// The export also records itself in the chronology (CHR-04).
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

  bool m_active = false;
  bool m_request_open = false;
  int m_kind = 0;  // index into the kinds table
  bool m_japanese = true;
  bool m_merged = false;
  int m_blank_sheets = 5;
  std::string m_dir;
  std::optional<ExportResult> m_result;
  std::string m_error;
  // The plan of the running export: read by the worker, kept here for the entry (read-only).
  std::shared_ptr<const ExportPlan> m_plan;
  JobRunner<ExportResult> m_job{export_job_type()};
};

}  // namespace shodo::gui
