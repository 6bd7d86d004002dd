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

namespace shodo::chronology {

enum class Damage {
  bad_json,        // a complete line that is not a valid entry object
  changed,         // entry_hash does not match the entry's content (edited)
  chain_broken,    // prev_hash does not match the previous entry (replaced/rehashed entry)
  missing,         // a sequence number is skipped (entry deleted)
  reordered,       // entries out of sequence order (swapped/moved)
  duplicated,      // the same entry appears twice
  foreign,         // entry of another incident or device in this file
  bad_signature,   // a checkpoint signature does not verify, or signs the wrong head
  truncated_tail,  // the last line is incomplete or ends in NUL bytes: an interrupted write
  head_mismatch,   // fewer/different entries than an expected head (newest entries removed)
};

std::string_view to_string(Damage d);

struct Problem {
  Damage kind;
  std::int64_t line = 0;  // 1-based line number in the file (0 when not line-specific)
  std::int64_t seq = 0;   // seq found on that line, if any
  std::string ja;         // what is wrong, for the responder
  std::string en;
};

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

// The message signed by a checkpoint: "shodo-checkpoint|<incident>|<device>|<seq>|<hash>".
std::string checkpoint_message(const std::string& incident_id, const std::string& device_id, std::int64_t seq,
                               const std::string& hash);

}  // namespace shodo::chronology
