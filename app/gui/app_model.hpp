// The GUI's model: the case root and its incidents, the open Workspace, the session operator
// ("who is operating", §2.3), errors waiting to be shown, and the status-bar readings.
// Screens read it and call its actions; it never includes ImGui or GLFW, so the headless
// tests drive the same object the window does. Owned by the GUI thread; not thread-safe.
//
// Shared-state rule (issue 10 §3): the Workspace (and its ChronologyLog) is single-owner. A job
// that writes it borrows it with lend_workspace() and gives it back with return_workspace() once
// its final event was taken (job_runner.hpp); in between only the job's worker touches it. What
// the always-visible parts of the window show of it (status bar: log failure, mirror, training
// mark, time correction) is read from workspace_status(), a copy taken on the GUI thread by
// tick() while the Workspace is not lent, and once more when it comes back — never from the
// Workspace while a worker may be writing it.
#pragma once
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "forensics/acquire/devices.hpp"
#include "forensics/case/incident.hpp"
#include "forensics/case/workspace.hpp"
#include "forensics/chronology/entry.hpp"
#include "forensics/chronology/time_reference.hpp"
#include "forensics/core/clock.hpp"
#include "forensics/core/result.hpp"
#include "forensics/isolate/network_state.hpp"

namespace shodo::gui {

struct AppModelOptions {
  std::filesystem::path case_root;
  std::string incident_id;     // opened at start when not empty
  chronology::Operator op;     // pre-filled operator (--operator/--roles); still confirmed on Home
  const Clock* clock = nullptr;  // default_clock() when null
  std::optional<std::filesystem::path> mirror_root;
  // Where the device list reads the kernel's and udev's view (sysfs, proc, udev, dev roots; the
  // real ones by default). Tests point them at a fake tree; case_root here is ignored.
  acquire::ListOptions device_roots;
};

// What the always-visible parts of the window show of the open Workspace, copied on the GUI
// thread while no job holds the Workspace (see the shared-state rule above).
struct WorkspaceStatus {
  bool open = false;         // a writable Workspace is open
  std::string incident_id;   // its incident
  bool training = false;     // the incident is a training one
  bool mirrored = false;     // every entry also goes to the second medium (CHR-24)
  bool log_failed = false;   // the log stopped after a failed write ("NOT saved")
  chronology::Correction correction;  // the correction an entry recorded at `taken` would get
  std::int64_t taken_sys_utc_ns = 0;  // system clock when copied
};

// An error waiting for the modal: a catalogue key for the title and the core's error.
struct UiError {
  std::string title_key;
  Error error;
};

class AppModel {
 public:
  explicit AppModel(AppModelOptions opt);
  ~AppModel();
  AppModel(const AppModel&) = delete;
  AppModel& operator=(const AppModel&) = delete;

  // --- case root and incidents ---
  const std::filesystem::path& case_root() const { return m_opt.case_root; }
  const std::vector<IncidentInfo>& incidents() const { return m_incidents; }
  void refresh_incidents();
  // Opens an incident with the session operator; errors go to the error queue.
  bool open_incident(const std::string& incident_id);
  // Creates and opens an incident (needs a confirmed operator: Workspace::create records who).
  bool create_incident(const IncidentInfo& info);
  void close_incident();
  // Records app_stop (+ checkpoint) and closes the workspace; no-op without one.
  void release_workspace();
  // The second medium for the CHR-24 copy; reopens the open incident so the copy catches up.
  void set_mirror_root(std::optional<std::filesystem::path> root);
  const std::optional<std::filesystem::path>& mirror_root() const { return m_opt.mirror_root; }
  // Options for acquire::list_block_devices: the device roots of the options, this case root.
  acquire::ListOptions device_list_options() const {
    acquire::ListOptions o = m_opt.device_roots;
    o.case_root = m_opt.case_root;
    return o;
  }
  Workspace* workspace() { return m_ws.get(); }
  const Workspace* workspace() const { return m_ws.get(); }
  // Lends the Workspace to a job (null when none is open): until return_workspace() the GUI
  // thread reads only workspace_status() of it. The status is refreshed first.
  Workspace* lend_workspace();
  // The job's final event was taken: the Workspace is the GUI thread's again (status refreshed).
  void return_workspace();
  bool workspace_lent() const { return m_lent; }
  // The status bar's copy of the Workspace's state (see the shared-state rule above).
  const WorkspaceStatus& workspace_status() const { return m_ws_status; }
  // An incident whose chronology is damaged (Workspace::open said read_only) is shown read-only:
  // the verified prefix of every chain, merged, with each chain's problem. No Workspace exists
  // then, so nothing can be written; every recording action is blocked.
  bool read_only() const { return m_read_only.has_value(); }
  const ReadOnlyDocument* read_only_document() const { return m_read_only ? &*m_read_only : nullptr; }
  // The open incident's id (writable or read-only), or empty.
  std::string open_incident_id() const;
  // The problems of the damaged chains, one line each in `japanese` or English ("file: text").
  std::vector<std::string> read_only_problems(bool japanese) const;
  // The read-only incident goes on in a new chronology file of this kit that names the damaged
  // one (Workspace::continue_after_damage; issue 11). Needs a confirmed operator. Returns true
  // when the incident is then open for writing; errors go to the error queue.
  bool continue_after_damage();

  // --- kit identity (loaded from <case root>/kit, created on first use) ---
  const std::string& kit_id() const { return m_kit_id; }
  const std::string& key_fingerprint() const { return m_fingerprint; }

  // --- operator ---
  const chronology::Operator& session_operator() const { return m_op; }
  // True once someone has confirmed who is operating in this session.
  bool operator_confirmed() const { return m_op_confirmed; }
  // Sets and confirms the operator; records operator_changed when an incident is open.
  bool set_operator(const chronology::Operator& op);

  // --- chronology ---
  // The entries the screens show: this kit's log, the read-only document's verified entries, or
  // the synthetic list (tests, bench).
  const std::vector<chronology::Entry>& entries() const;
  // Changes whenever entries() changes (the log only grows, so generation + count suffices).
  std::uint64_t entries_revision() const;
  // Why appending is not possible right now (catalogue key), or nullptr when it is.
  const char* append_blocker() const;
  // Appends a draft. Write failures are also queued for the modal ("NOT saved"); invalid drafts
  // are only returned (the caller shows them beside its fields). Either way the caller keeps its
  // draft so nothing typed is lost.
  Result<chronology::Entry> append(chronology::Entry draft);
  // Shows `entries` instead of the log (read-only): headless tests and --bench-frames.
  void show_synthetic(std::vector<chronology::Entry> entries);
  bool synthetic() const { return m_synthetic.has_value(); }

  // --- time (CHR-10 … CHR-13) ---
  const Clock& clock() const { return *m_clock; }
  // While the Workspace is lent: the correction copied when it was lent.
  chronology::Correction correction_now() const;
  // The best current time: corrected when a confirmation exists, else the system clock.
  std::int64_t display_now_ns() const;
  // CHR-11: records the reference time check. Returns the stored entry, or nullopt (error queued).
  std::optional<chronology::Entry> confirm_time(const ClockReading& at, std::int64_t reference_utc_ns,
                                                std::int64_t uncertainty_ns, const std::string& source,
                                                const std::string& witness,
                                                const std::optional<Workspace::Supersede>& replaces = std::nullopt);

  // --- errors ---
  void push_error(std::string title_key, Error e);
  const UiError* current_error() const { return m_errors.empty() ? nullptr : &m_errors.front(); }
  void pop_error();
  std::size_t error_count() const { return m_errors.size(); }

  // --- status bar readings: network and free space refreshed by tick() about every 2 s, the
  // Workspace status every tick() while the Workspace is not lent; entries appended by other
  // processes read in about every second (ChronologyLog::refresh) ---
  void tick(double now_s);
  const isolate::NetworkState& network() const { return m_network; }
  std::optional<std::uint64_t> free_bytes() const { return m_free_bytes; }

 private:
  void load_kit_identity();
  void refresh_status();
  void refresh_log();
  void refresh_workspace_status();
  WorkspaceOptions workspace_options(const std::string& incident_id) const;

  AppModelOptions m_opt;
  const Clock* m_clock = nullptr;
  std::vector<IncidentInfo> m_incidents;
  std::unique_ptr<Workspace> m_ws;
  chronology::Operator m_op;
  bool m_op_confirmed = false;
  std::string m_kit_id;
  std::string m_fingerprint;
  std::optional<std::vector<chronology::Entry>> m_synthetic;
  std::optional<ReadOnlyDocument> m_read_only;  // set instead of m_ws for a damaged chronology
  std::uint64_t m_generation = 1;  // bumped when the entry source changes
  std::deque<UiError> m_errors;
  isolate::NetworkState m_network;
  std::optional<std::uint64_t> m_free_bytes;
  double m_last_status_s = -1e9;
  double m_last_log_refresh_s = -1e9;
  bool m_refresh_failed = false;  // the refresh error was shown (once per incident)
  bool m_lent = false;  // the Workspace is lent to a job
  WorkspaceStatus m_ws_status;
};

}  // namespace shodo::gui
