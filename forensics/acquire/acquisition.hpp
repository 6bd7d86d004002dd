// An acquisition job (issue 3): preflight → open the source read-only → image through the
// pipeline → verify by re-reading → evidence records, sidecar reports and custody entries.
// The chronology gets "acquisition_started" / "acquisition_ended" (with outcome and hashes);
// the evidence register gets the source item, the image item (derived_from the source), its
// hashes and verification events (forensics/evidence).
//
// A job never loses its record (issue 10 §4): once the pipeline has run, a later failure — a
// register write, a sidecar report, an image that cannot be re-read, the state file — is kept
// in the result (record.failures) and the reports, and the chronology's end entry is always
// attempted (result.end_entry_saved says whether it was written). One verdict, computed here
// from the result (verdict_of), gives the CLI's exit status and the GUI's final state.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "forensics/acquire/ewf.hpp"
#include "forensics/acquire/pipeline.hpp"
#include "forensics/core/job.hpp"
#include "forensics/core/result.hpp"

namespace shodo {
class Workspace;
}
namespace shodo::evidence {
class EvidenceRegister;
}

namespace shodo::acquire {

enum class ImageFormat { raw, split, e01 };
const char* to_string(ImageFormat f);  // "raw", "split", "e01"
Result<ImageFormat> parse_image_format(std::string_view s);

struct AcquireRequest {
  std::filesystem::path source;           // block device or image file
  std::filesystem::path dest_dir;         // folder for the image and its sidecars
  std::optional<std::filesystem::path> second_dest_dir;  // optional second copy (same format)
  std::string name;                       // file stem; default: the image's evidence number
  ImageFormat format = ImageFormat::raw;
  std::uint64_t segment_bytes = 0;        // split / E01 (0 = default for the format)
  EwfCompression compression = EwfCompression::fast;
  std::vector<HashAlgo> algos{HashAlgo::sha256};
  std::uint64_t piece_size = 0;           // piecewise hash window (0 = off)
  int retries = 2;
  std::uint64_t max_bad_sectors = 0;      // 0 = no limit
  bool verify_source = false;             // re-read the source after imaging and compare
  // A source mounted read-write is refused unless the operator overrides with a reason
  // (recorded as a deviation).
  bool allow_mounted_rw = false;
  std::string override_reason;
  // Case data (E01 header, evidence items).
  std::string source_evidence_no;         // existing item of the source; empty = register one
  std::string description;                // of the source (item description)
  std::string notes;
  std::string witness;                    // 立会人
  std::string destination_medium_serial;  // serial of the destination medium (§4.2 REQUIRED)
  std::string write_blocker;              // hardware write blocker model/serial, if one is used
  std::string found_location;
  // Block size and queue of the pipeline.
  std::size_t block_size = 1u << 20;
  std::size_t queue_blocks = 32;
};

struct PreflightCheck {
  std::string id;       // "source_exists", "source_ro", "source_mounted", "not_kit_medium", "dest_space", ...
  bool ok = true;
  bool blocking = true;  // a failed blocking check refuses the job
  std::string ja, en;
};

struct Preflight {
  std::vector<PreflightCheck> checks;
  std::uint64_t source_size = 0;
  std::uint32_t sector_size = 512;
  std::uint64_t dest_free = 0;
  std::string dest_fs;   // "vfat", "exfat", "ext4", "tmpfs", ...
  bool can_start() const {
    for (const auto& c : checks)
      if (!c.ok && c.blocking) return false;
    return true;
  }
  // The first blocking failure as an Error (invalid_input / no_space / already_exists).
  Error refusal() const;
};

// The evidence numbers a new job takes: the source item's (the typed number in full — "E001" is
// accepted — or, when `typed_source_no` is empty, the next free number for a new item) and the
// image item's (the next free number after that; also the default --name). Writes nothing.
// Errors: not_found (the typed source is not in the register), as next_evidence_no.
struct PlannedNumbers {
  std::string source, image;
  bool new_source = false;
};
Result<PlannedNumbers> plan_evidence_numbers(const evidence::EvidenceRegister& reg, const std::string& typed_source_no);

// Checks everything that can be known before starting; opens nothing for writing.
Preflight preflight(const AcquireRequest& req, const std::filesystem::path& case_root);

// A record that could not be written once the image was (issue 10 §4). The job goes on.
struct RecordFailure {
  std::string stage;  // "register", "sidecar", "second_sidecar", "verification", "state_file", "chronology"
  Error error;        // what failed, in both languages, with its context
};

struct VerifyCheck {
  std::string what;      // "image_reread", "source_reread", "e01_stored_md5", "e01_stored_sha1"
  std::string algo;
  std::string expected, actual;
  bool match = false;
  bool done = false;     // false: not run (e.g. source re-read not requested)
  std::string note_ja, note_en;
};

// Everything the sidecar reports say (Guymager .info level of detail).
struct AcquisitionRecord {
  std::string format_version = "shodo-acquisition/1";
  std::string incident_id, kit_id, operator_name, witness, host;
  std::string source_evidence_no, image_evidence_no;
  nlohmann::json tool;            // provenance_json() + libewf version
  nlohmann::json device;          // devices.hpp to_json of the source (or a file description)
  nlohmann::json request;         // the options as given
  std::string source_path;
  std::uint64_t source_size = 0;
  std::uint32_t sector_size = 512;
  std::string write_protection;
  std::vector<std::string> deviations;
  ImageFormat format = ImageFormat::raw;
  std::vector<std::string> image_files;       // names relative to dest_dir
  std::vector<std::string> second_image_files;
  std::string outcome;                        // to_string(Outcome)
  std::string outcome_ja, outcome_en;         // what happened and what to do next
  std::uint64_t bytes_covered = 0;
  std::vector<BadRange> bad;
  std::vector<BadRange> bad_beyond;  // unreadable, found after the image's end (the block that hit the limit)
  std::uint64_t bad_sectors = 0;
  std::vector<HashValue> source_hashes;       // whole source (complete jobs only)
  std::vector<HashValue> partial_hashes;      // first bytes_covered bytes (early ends)
  std::vector<PieceHash> pieces;
  std::vector<std::pair<std::string, std::string>> file_sha256;  // image file → SHA-256
  std::vector<VerifyCheck> verification;
  std::string verify_summary_ja, verify_summary_en;
  std::int64_t started_utc_ns = 0, ended_utc_ns = 0, verify_ended_utc_ns = 0;
  std::string time_quality;                   // of the times above
  double acquire_seconds = 0, verify_seconds = 0;
  std::string bottleneck;
  bool resumed = false;
  std::uint64_t resumed_from = 0;
  // Records that could not be written, as known when the reports were written (a failure of the
  // chronology's end entry comes later and is only in the result and the CLI/GUI).
  std::vector<RecordFailure> failures;
  // The verdict (to_string(Verdict)) and its reason, as known when the reports were written.
  std::string verdict, verdict_ja, verdict_en;
};

nlohmann::json to_json(const AcquisitionRecord& r);

// The named phases of an acquisition job, in order; Progress::phase holds the int value.
enum class Phase : int { preparing = 0, acquiring = 1, verifying_image = 2, verifying_source = 3, writing_records = 4 };
// Stable name for records and logs ("preparing", "acquiring", "verifying_image", ...).
const char* phase_name(Phase p);
// Catalogue key of the phase's label ("acquire.phase.acquire" ...).
const char* phase_key(Phase p);
// The phase a Progress::phase value stands for (out-of-range values read as preparing).
Phase phase_of(int value);

// How a job opens what it reads: the evidence source, and each image it wrote for the re-read.
// Empty members use the real ones (open_source; open_raw_image / open_e01_image). Tests give a
// scripted fake (tests/unit/fake_source.hpp) that fails on purpose. Called on the job's thread.
struct SourceOpeners {
  std::function<Result<std::unique_ptr<Source>>(const std::filesystem::path& path, SourceInfo* info)> source;
  // files: the raw file, the split segments in order, or the first E01 segment.
  std::function<Result<std::unique_ptr<Source>>(ImageFormat format, const std::vector<std::filesystem::path>& files)> image;
};

struct AcquireCallbacks {
  std::function<void(const Preflight&)> on_preflight;
  std::function<void(Phase phase)> on_phase;
  SourceOpeners open;
};

struct AcquireResult {
  AcquisitionRecord record;
  Outcome outcome = Outcome::complete;
  bool verified = false;               // every verification that ran matched
  std::filesystem::path state_file;    // set when the job can be continued with --resume
  bool verify_cancelled = false;       // complete, but cancelled while verifying (exit 14, not 4)
  std::vector<std::filesystem::path> written;  // image files and sidecars
  std::optional<Error> error;
  // Reports next to the image that could not be written (e.g. the destination ran full). The
  // job's record still reaches the evidence register and the chronology on the case volume.
  // The same failures are in record.failures (stage "sidecar" / "second_sidecar").
  std::vector<Error> report_errors;
  // The chronology's "acquisition_ended" entry was written; false: the end of this job is NOT
  // saved in the chronology (record.failures has stage "chronology" and the reason).
  bool end_entry_saved = false;
};

// What a job came to, from its result: one verdict for the CLI's exit status, the GUI's state
// and the records. In order of weight: an early end (its outcome), a cancelled verification, a
// verification that did not match or could not run, records that could not be written, then
// complete (with or without unreadable sectors).
enum class Verdict {
  complete,                   // every sector read, every verification matched, every record written
  complete_with_bad_sectors,  // the same, with unreadable sectors zero-filled and listed
  records_incomplete,         // the image is complete and verified, but a record was not written
  verify_mismatch,            // a verification did not match, or the image could not be re-read
  verify_cancelled,           // the image was written to the end, then cancelled while verifying
  aborted_source,             // the source disappeared, shrank or stopped answering
  aborted_destination,        // a destination failed
  aborted_bad_limit,          // more unreadable sectors than the limit
  cancelled,                  // the operator stopped the acquisition
};
const char* to_string(Verdict v);  // "complete", "records_incomplete", ...
// Exit status of `shodo acquire` for a verdict: 0 complete, 10 complete with unreadable sectors,
// 4 verification mismatch, 11 source gone or not answering, 12 destination failed or records not
// written, 13 bad-sector limit, 14 cancelled (also while verifying).
int exit_code(Verdict v);

struct JobVerdict {
  Verdict verdict = Verdict::complete;
  std::string reason_ja, reason_en;  // what happened and what to do next
};
// Pure: reads only the result.
JobVerdict verdict_of(const AcquireResult& r);

// Runs a whole job. Refuses (Error) only before anything is read: preflight fails, the register
// or the chronology cannot take the start, the source or a destination cannot be opened. Once
// the pipeline has run it always returns a result — early ends (outcome + error) and failed
// records (record.failures) included. Phases in progress.phase: see Phase. The CLI's exit
// status and the GUI's state come from verdict_of(result).
Result<AcquireResult> run_acquisition(Workspace& ws, const AcquireRequest& req, Progress& progress,
                                      const CancelToken& cancel, const AcquireCallbacks& cb = {});

// What an acquisition state file (<dest>/<name>.state.json, "shodo-acquire-state" v1, FORMATS.md)
// says about an interrupted job: the request, how far it got and what was known when it began.
struct ResumeState {
  std::string incident_id;
  AcquireRequest request;
  std::uint64_t committed_bytes = 0;  // written and hashed up to here (a multiple of the sector)
  std::vector<BadRange> bad_ranges;   // unreadable ranges before committed_bytes
  std::int64_t started_utc_ns = 0;
  std::string source_evidence_no, image_evidence_no;
  std::uint64_t source_size = 0;
  nlohmann::json device;  // to_json of the source device (an object; empty when absent)
};

// Reads the text of a state file (which may have been damaged or edited) the way
// resume_acquisition does; `file` only names it in messages. Never throws. Errors: invalid_input
// naming the file and what is wrong (not JSON, not a state file, a key missing or of the wrong
// type, no hash algorithm). Pure; thread-safe.
Result<ResumeState> read_resume_state(std::string_view text, const std::filesystem::path& file);

// Continues an interrupted raw/split acquisition from its state file (<dest>/<name>.state.json):
// what is already written is re-hashed, then reading continues where the last commit ended.
// A state file that is not one (not JSON, `[]`, a key missing or of the wrong type) is an
// invalid_input error naming the file and the key, never an exception.
Result<AcquireResult> resume_acquisition(Workspace& ws, const std::filesystem::path& state_file, Progress& progress,
                                         const CancelToken& cancel, const AcquireCallbacks& cb = {});

// Re-reads an image (raw, split .001, or .E01) and compares with its sidecar JSON or the hashes
// given; records a verification event on the image item when the incident is known.
struct ImageVerifyResult {
  std::vector<VerifyCheck> checks;
  bool match = false;
  std::string image_evidence_no;
};
// `open` (default: open_raw_image / open_e01_image) lets tests give a scripted image.
Result<ImageVerifyResult> verify_image(const std::filesystem::path& image, Progress& progress, const CancelToken& cancel,
                                       const std::vector<HashValue>& expected = {}, const SourceOpeners& open = {});

// Exit statuses of `shodo acquire` from the outcome alone: 0 complete and verified, 10 complete
// with unreadable sectors (zero-filled, listed), 11 aborted: source disappeared or stopped
// answering, 12 aborted: destination failed, 13 aborted: bad-sector limit, 14 cancelled, 4
// verification mismatch. A whole job's status is exit_code(verdict_of(result).verdict).
int exit_code_for_outcome(Outcome o, bool verified);

}  // namespace shodo::acquire
