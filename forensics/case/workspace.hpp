// The open incident as the front ends see it: the case root, the kit identity, the incident,
// its chronology log (this kit's) and the operator session. Both the CLI and the GUI go
// through this one facade, so every action lands in the chronology the same way.
// Not thread-safe: owned by one thread (the GUI's main thread or the CLI).
#pragma once
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "forensics/case/incident.hpp"
#include "forensics/chronology/log.hpp"
#include "forensics/chronology/merge.hpp"
#include "forensics/integrity/kit_key.hpp"
#include "forensics/case/chronology_document.hpp"

namespace shodo {

struct WorkspaceOptions {
  std::filesystem::path case_root;
  std::string incident_id;
  chronology::Operator op;                  // who is operating (may be empty: read-only use)
  const Clock* clock = nullptr;             // default_clock() when null
  // Second medium for the CHR-24 mirror: <mirror_root>/incidents/<id>/chronology/<kit>.jsonl.
  // Defaults to $SHODO_MIRROR_ROOT when set.
  std::optional<std::filesystem::path> mirror_root;
};

// A read-only view of an incident whose chronology may be damaged: every chronology file is
// verified, the verified prefix of each is merged, and each file's first problem is reported.
// Nothing is written (not even the kit key is created).
struct ReadOnlyDocument {
  ChronologyDocument doc;
  std::vector<chronology::ChainStatus> chains;
  bool damaged() const {
    for (const auto& c : chains)
      if (c.problem) return true;
    return false;
  }
};
Result<ReadOnlyDocument> read_only_document(const std::filesystem::path& case_root, const std::string& incident_id,
                                            bool japanese);

class Workspace {
 public:
  // Opens the incident for writing. Writes "operator_changed" when the operator differs from the
  // last one recorded by this kit. Errors: not_found, read_only (damaged log), not_saved.
  static Result<std::unique_ptr<Workspace>> open(const WorkspaceOptions& opt,
                                                 chronology::OpenReport* report = nullptr);
  // Creates the incident folder, then opens it and writes "incident_opened".
  static Result<std::unique_ptr<Workspace>> create(const WorkspaceOptions& opt, const IncidentInfo& info);
  // A damaged chronology must not stop the response (issue 11): this kit goes on in a new
  // chronology file, <kit>-N.jsonl (device "<kit>-N", a chain of its own), whose first entry
  // ("continued_from") names the damaged file, its SHA-256, the last verified head (count and
  // hash) and the damage found. The damaged file is never written again: it stays as evidence.
  // Opening the incident afterwards opens the newest file of the kit. Needs an operator.
  // Errors: invalid_input (no operator, or the kit's chronology is not damaged), as open().
  static Result<std::unique_ptr<Workspace>> continue_after_damage(const WorkspaceOptions& opt);
  // This kit's chronology files in order: <kit>.jsonl, then its continuations <kit>-2.jsonl, …
  // (only those that exist). The last one is the one written.
  static std::vector<std::filesystem::path> kit_chronology_files(const std::filesystem::path& chronology_dir,
                                                                 const std::string& kit_id);

  const std::filesystem::path& case_root() const { return m_case_root; }
  std::filesystem::path dir() const { return incident_dir(m_case_root, m_incident.incident_id); }
  std::filesystem::path chronology_dir() const { return dir() / "chronology"; }
  std::filesystem::path dir_attachments() const { return dir() / "attachments"; }
  const IncidentInfo& incident() const { return m_incident; }
  const KitKey& key() const { return *m_key; }
  chronology::ChronologyLog& log() { return *m_log; }
  const chronology::ChronologyLog& log() const { return *m_log; }

  // CHR-04: the app was started on / is leaving this incident ("app_start" / "app_stop", with the
  // tool version and host). Stopping also signs a checkpoint over the head. Errors as append().
  Status record_app_start();
  Status record_app_stop();
  // Changes the operator; writes "operator_changed" if it differs. Errors as append().
  Status set_operator(const chronology::Operator& op);
  // A time check recorded by mistake (a misread reference) is superseded by the next one, which
  // names it (its No.) and says why; the mistaken one stays in the record (issue 11).
  struct Supersede {
    std::int64_t seq = 0;
    std::string reason;
  };
  // CHR-11: the operator confirms that the reference `source` showed `reference_utc_ns` at the
  // moment `at` was read (e.g. the key press on the 117 tone). Returns the time_check entry.
  // Errors: `replaces` that is not a time check of this log, or one already superseded.
  Result<chronology::Entry> confirm_time(const ClockReading& at, std::int64_t reference_utc_ns,
                                         std::int64_t uncertainty_ns, const std::string& source,
                                         const std::string& witness = {},
                                         const std::optional<Supersede>& replaces = std::nullopt);
  // Attaches a file (copied into <incident>/attachments/, hashed). Returns the attachment record.
  Result<chronology::Attachment> import_attachment(const std::filesystem::path& file);

  // True when this kit writes a continuation file (its first chronology was damaged).
  bool continued() const { return m_log->options().device_id != m_key->kit_id(); }
  // The document for exports: this kit's entries (with a continuation: the verified part of the
  // damaged file and the continuation, merged), or all chronologies of the incident merged
  // (every *.jsonl under chronology/ plus `extra_files`, each verified on its own).
  Result<ChronologyDocument> document(bool japanese, bool merged,
                                      const std::vector<std::filesystem::path>& extra_files = {}) const;
  TimeStatus time_status() const;

 private:
  Workspace() = default;
  std::filesystem::path m_case_root;
  IncidentInfo m_incident;
  std::unique_ptr<KitKey> m_key;
  std::unique_ptr<chronology::ChronologyLog> m_log;
  const Clock* m_clock = nullptr;
};

}  // namespace shodo
