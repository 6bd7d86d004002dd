// Verification of a chronology file (CHR-23): parses every line, recomputes every entry_hash,
// follows the chain and the sequence, checks signed checkpoints, and names the FIRST bad
// record and what is wrong with it. It never repairs anything.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "forensics/chronology/entry.hpp"
#include "forensics/core/result.hpp"
#include "forensics/integrity/chain_verifier.hpp"

namespace shodo::chronology {

// The graded damage kinds and the problem report are those of every hash-chained file
// (forensics/integrity/chain_verifier.hpp); these names keep chronology callers unchanged.
using Damage = integrity::Damage;
using Problem = integrity::Problem;
using integrity::to_string;

struct VerifyOptions {
  std::string incident_id;          // if set, every entry must belong to it
  std::string device_id;            // if set, every entry must come from it
  std::string pinned_public_key;    // if set, checkpoints must be signed by this key (hex)
  std::optional<std::int64_t> expected_count;  // expected head, e.g. printed on an export
  std::string expected_head_hash;              // prefix (≥ 16 hex) of the expected last hash
  bool keep_entries = true;  // parse every entry fully into VerifyReport::entries (costs memory)
};

struct VerifyReport {
  std::vector<Entry> entries;          // the verified prefix, in file order (if keep_entries)
  std::int64_t count = 0;              // number of verified entries
  std::optional<Problem> problem;      // the first problem (nullopt = intact)
  bool torn_tail = false;              // problem is a torn tail only (recoverable on open)
  std::uint64_t good_bytes = 0;        // bytes of the file that are complete, verified lines
  std::int64_t checkpoints_verified = 0;
  std::string last_hash = k_genesis_hash;  // entry_hash of the last verified entry

  bool intact() const { return !problem.has_value(); }
};

// Verifies a chronology held in memory (the bytes of a .jsonl file).
VerifyReport verify_chronology(std::string_view data, const VerifyOptions& opt = {});
// Reads and verifies a file. Errors: not_found / io_error (the file could not be read at all).
Result<VerifyReport> verify_chronology_file(const std::filesystem::path& path, const VerifyOptions& opt = {});

// The chronology's own checks on a record, for the shared chain verifier: the entry's fields
// (bad_json), incident and kit (foreign), checkpoint signatures (bad_signature). With
// keep_entries every entry is parsed into `entries`. Used by verify_chronology* and by
// ChronologyLog, which continues verifying what other processes appended. Not thread-safe.
class EntryRules : public integrity::RecordRules {
 public:
  explicit EntryRules(VerifyOptions opt) : m_opt(std::move(opt)) { reset(); }
  std::optional<integrity::RuleProblem> identity(const integrity::ChainedRecord& r) override;
  std::optional<integrity::RuleProblem> accept(const integrity::ChainedRecord& r) override;
  void reset() override;

  std::vector<Entry> entries;              // accepted entries (keep_entries), in file order
  std::int64_t checkpoints_verified = 0;
  std::string hash_at_expected;            // entry_hash at seq == expected_count

 private:
  bool checkpoint_ok(const integrity::ChainedRecord& r, const std::string& incident, const std::string& device);
  VerifyOptions m_opt;
  std::string m_incident, m_device, m_key;
};

// Member names of the chronology's chain fields.
integrity::ChainFormat chronology_chain_format();

// The message signed by a checkpoint: "shodo-checkpoint|<incident>|<device>|<seq>|<hash>".
std::string checkpoint_message(const std::string& incident_id, const std::string& device_id, std::int64_t seq,
                               const std::string& hash);

}  // namespace shodo::chronology
