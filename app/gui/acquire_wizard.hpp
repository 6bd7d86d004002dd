// The acquisition wizard of the Evidence screen, one step at a time:
//   source → destination → case data → preflight → run → verify → custody.
// Source: an offered block device (the kit's boot medium and case volume are never selectable)
// or an image file. Destination: folder, format (raw / split / E01, segment size, E01
// compression), hash algorithms (SHA-256 always; MD5, SHA-1, SHA-512 optional), optional second
// copy. Case data: description, notes, witness (立会人), destination medium serial, write
// blocker, found location, the source's existing evidence number. Preflight: every check with
// OK / NG / !!, Start blocked while a blocking check fails (a read-write mount may be overridden
// only with a reason). Run: the job on a worker thread (AcquireJob) with progress, rates, ETA,
// bad sectors, bottleneck and a rate plot; pause / resume; cancel after confirmation. Verify is
// phase 2 (image re-read) and 3 (source re-read) of the same job. Result: outcome, hashes, bad
// ranges, MATCH / MISMATCH per check, files written. Custody: EV-01 label and EV-02 custody form
// PDFs of both items into the incident's folder.
//
// The wizard also keeps this session's jobs (JobRecord, shown by job_list.hpp) and the chronology
// entries the last job wrote (listed at the custody step). Drawing is split in two files:
// acquire_wizard.cpp (form, steps up to Start, job bookkeeping) and acquire_wizard_run.cpp (run,
// verify, custody).
//
// Workspace use (see acquire_job.hpp): while busy() the wizard never touches the Workspace on the
// GUI thread; the PDFs are written and the chronology entries read only after the job has returned.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/gui/acquire_job.hpp"
#include "app/gui/rate_plot.hpp"
#include "app/gui/ui_context.hpp"
#include "forensics/acquire/acquisition.hpp"
#include "forensics/acquire/devices.hpp"
#include "forensics/chronology/entry.hpp"
#include "forensics/evidence/evidence.hpp"
#include "forensics/report/evidence_pdf.hpp"

namespace shodo::gui {

enum class WizardStep { source, destination, case_data, preflight, run, verify, custody };
inline constexpr int k_wizard_steps = 7;

// What the operator entered; becomes an acquire::AcquireRequest.
struct WizardForm {
  bool image_file = false;     // source is an image file (else a block device)
  std::string device_path;     // chosen offered device
  std::string image_path;      // image file source
  std::string dest_dir;
  std::string name;            // image file stem; pre-filled with the image's evidence number
  bool name_edited = false;    // typed by the operator: no longer follows the prediction
  int format = 0;              // 0 raw, 1 split, 2 E01
  int segment_mib = 2047;      // split / E01 segment size in MiB
  int compression = 1;         // 0 none, 1 fast, 2 best
  bool md5 = false, sha1 = false, sha512 = false;  // SHA-256 is always on
  bool verify_source = false;  // re-read the source after imaging
  bool second = false;
  std::string second_dest_dir;
  // Case data
  std::string description, notes, witness, dest_serial, write_blocker, found_location;
  std::string source_evidence_no;  // empty: register the source as a new item
  // Preflight override of a read-write mount (recorded as a deviation)
  bool override_rw = false;
  std::string override_reason;

  std::string source() const { return image_file ? image_path : device_path; }
  acquire::AcquireRequest request() const;
};

// One job of this session as the jobs list shows it: filled in by start(), kept current by
// update() from the progress while the job runs, and from the result when it ends.
struct JobRecord {
  int number = 0;            // 1, 2, ... in this session
  std::string source;        // device or image file path
  std::string destination;   // <dest_dir>/<name>
  std::string format;        // "raw", "split", "e01"
  std::int64_t started_utc_ns = 0;
  JobState state = JobState::preparing;
  ProgressSnapshot progress;  // the last sample (final numbers once it ended)
  std::string source_no, image_no;  // evidence numbers (known when it ended)
  std::uint64_t bytes_covered = 0, source_size = 0, bad_sectors = 0;
  double acquire_rate = 0;           // bytes/s over the acquire phase (ended jobs)
  std::string reason_ja, reason_en;  // outcome and verification, or why it was refused
};

// What the custody step asks the Evidence screen to open (the register's dialogs).
struct CustodyRequest {
  std::string evidence_no;
  bool transfer = false;  // else: seal
};

// One PDF written at the custody step (or from the register).
struct CustodyOutput {
  std::string evidence_no;
  std::string kind;  // "label" / "custody_form"
  evidence::WrittenFile file;
};

// Writes the evidence label (EV-01, label=true) or the A4 custody form (EV-02) of `evidence_no`.
// On failure returns nullopt with the message in `error`; a failed write also goes to the status
// bar's error line. GUI thread only, with no job running on `ws`.
std::optional<evidence::WrittenFile> write_evidence_pdf(UiContext& ctx, Workspace& ws, const std::string& evidence_no,
                                                        bool label, std::string& error);

class AcquireWizard {
 public:
  // `devices`: the Evidence screen's device list; `reg`: the register as last loaded (or null).
  void draw(UiContext& ctx, const std::vector<acquire::BlockDevice>& devices, const evidence::EvidenceRegister* reg);
  // Takes the worker's events and samples the progress; call every frame (whichever tab shows).
  void update(UiContext& ctx);
  // The cancel confirmation; call every frame after the tabs (the Jobs tab asks for it too).
  void draw_cancel_confirm(UiContext& ctx);
  // Picks a device from the device list as the source and goes to the source step.
  void use_device(const std::string& path);

  // A job is running (or its result not yet collected): the Workspace belongs to the worker.
  bool busy() const { return m_job.busy(); }
  // True once after a job has finished (the register changed); the caller reloads it.
  bool take_finished();

  WizardStep step() const { return m_step; }
  // The step the indicator highlights: "verify" while the job verifies (image or source re-read).
  WizardStep shown_step() const;
  WizardForm& form() { return m_form; }
  const WizardForm& form() const { return m_form; }
  const std::optional<acquire::Preflight>& preflight() const { return m_preflight; }
  // Start is enabled: preflight passed, no job running, the model can record.
  bool start_enabled(const AppModel& model) const;
  const std::optional<Result<acquire::AcquireResult>>& result() const { return m_result; }
  const std::vector<CustodyOutput>& outputs() const { return m_outputs; }
  const RatePlot& rate_plot() const { return m_plot; }
  AcquireJob& job() { return m_job; }
  // This session's jobs, oldest first (the running one last).
  const std::vector<JobRecord>& jobs() const { return m_jobs; }
  // The chronology entries the last job wrote (copied when it ended).
  const std::vector<chronology::Entry>& job_entries() const { return m_job_entries; }
  // Asks for the cancel confirmation (the job goes on until the operator confirms).
  void request_cancel() { m_confirm_cancel = m_job.busy(); }
  // The window was asked to close while a job runs: the same confirmation, saying the window
  // closes once the cancelled job has written its partial image and records. "Keep going" keeps
  // both the job and the window.
  void request_close() {
    m_confirm_cancel = m_job.busy();
    m_close_after_cancel = m_job.busy();
  }
  // True once a confirmed close can happen: the cancelled job has ended.
  bool close_now() const { return m_close_after_cancel && !m_job.busy(); }
  // Shows the running job's progress (or the last result) in the wizard.
  void show_job();
  // A seal or transfer asked for at the custody step; taken once by the Evidence screen.
  std::optional<CustodyRequest> take_custody_request();

  // Runs the preflight for the current form (GUI thread; reads only).
  void run_preflight(UiContext& ctx);
  // Starts the job if start_enabled(); false otherwise.
  bool start(UiContext& ctx);
  // Back to an empty form (not while busy).
  void reset();

 private:
  void draw_steps(UiContext& ctx);
  void draw_source(UiContext& ctx, const std::vector<acquire::BlockDevice>& devices);
  void draw_destination(UiContext& ctx);
  void draw_case_data(UiContext& ctx, const evidence::EvidenceRegister* reg);
  void draw_plan();
  void draw_preflight(UiContext& ctx);
  void draw_run(UiContext& ctx);
  void draw_result(UiContext& ctx);
  void draw_custody(UiContext& ctx);
  void draw_footer(UiContext& ctx);
  bool step_complete(WizardStep s) const;
  void go(UiContext& ctx, WizardStep s);
  void predict_numbers(const evidence::EvidenceRegister* reg);
  void write_pdf(UiContext& ctx, const std::string& evidence_no, bool label);
  static void finish_record(JobRecord& j, const Result<acquire::AcquireResult>& r);

  WizardStep m_step = WizardStep::source;
  WizardForm m_form;
  std::optional<acquire::Preflight> m_preflight;
  std::string m_preflight_source;  // the request the preflight was run for (source + dest + name)
  std::optional<Result<acquire::AcquireResult>> m_result;
  std::optional<acquire::Preflight> m_job_preflight;  // the job's own preflight
  AcquireJob m_job;
  RatePlot m_plot;
  ProgressSnapshot m_snap;
  bool m_finished_flag = false;
  bool m_confirm_cancel = false;
  bool m_close_after_cancel = false;  // request_close(): close the window when the job has ended
  std::string m_next_source_no, m_next_image_no;  // predicted evidence numbers
  std::vector<CustodyOutput> m_outputs;
  std::string m_output_error;
  std::vector<JobRecord> m_jobs;
  std::size_t m_entries_before = 0;  // chronology size when the job started
  std::vector<chronology::Entry> m_job_entries;
  std::optional<CustodyRequest> m_custody_request;
};

}  // namespace shodo::gui
