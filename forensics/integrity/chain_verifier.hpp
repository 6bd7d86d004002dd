// Verifier of a hash-chained JSON Lines file (the chronology, the evidence register): one record
// per line, each with a sequence number, the previous record's hash and its own hash
//   hash = SHA-256(prev_hash || the line as stored without its hash member)   (hash_chain.hpp)
// It checks the syntax of every line, recomputes every hash, follows the chain and the
// sequence, lets the format's RecordRules check the rest, and names the FIRST bad record with a
// graded Damage kind. It never repairs anything.
//
// Incremental: lines are fed one at a time (a file can be verified in bounded memory, and a
// writer can continue verifying what other processes appended). Not thread-safe: one owner.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "forensics/core/result.hpp"
#include "forensics/integrity/hash_chain.hpp"
#include "forensics/integrity/json_line_scanner.hpp"

namespace shodo::integrity {

enum class Damage {
  bad_json,        // a complete line that is not a valid record
  changed,         // the hash does not match the record's content (edited)
  chain_broken,    // prev_hash does not match the previous record (replaced/rehashed record)
  missing,         // a sequence number is skipped (record deleted)
  reordered,       // records out of sequence order (swapped/moved)
  duplicated,      // the same record appears twice
  foreign,         // a record of another incident or device in this file
  bad_signature,   // a checkpoint signature does not verify, or signs the wrong head
  truncated_tail,  // the last line is incomplete or ends in NUL bytes: an interrupted write
  head_mismatch,   // fewer/different records than an expected head (newest records removed)
};

std::string_view to_string(Damage d);

struct Problem {
  Damage kind = Damage::bad_json;
  std::int64_t line = 0;  // 1-based line number in the file (0 when not line-specific)
  std::int64_t seq = 0;   // seq found on that line, if any
  std::string ja;         // where and what is wrong, for the responder ("line 3 (No. 3): …")
  std::string en;
  std::string what_ja;    // the same without the location
  std::string what_en;
};

// What a format's rules say about a record: the kind and the text (the verifier adds where).
struct RuleProblem {
  Damage kind = Damage::bad_json;
  std::string ja, en;
};

// Member names of the chain fields.
struct ChainFormat {
  std::string hash_key = "entry_hash";
  std::string prev_key = "prev_hash";
  std::string seq_key = "seq";
};

// A line that passed the generic checks, as the rules see it.
struct ChainedRecord {
  std::string_view text;                // the line without '\n'
  const std::vector<Member>* members;   // its top-level members
  std::int64_t line = 0;                // 1-based line number
  std::int64_t seq = 0;
  std::string prev_hash, hash;
  const Member* find(std::string_view key) const;
};

// The format-specific part of verification. Implementations may keep what they accept.
class RecordRules {
 public:
  virtual ~RecordRules() = default;
  // Before the hash is checked: fields the format requires and whether the record belongs in
  // this file (Damage::foreign). Default: nothing to check.
  virtual std::optional<RuleProblem> identity(const ChainedRecord& r);
  // Last, once the record is known to be in its place in the chain: its content.
  virtual std::optional<RuleProblem> accept(const ChainedRecord& r) = 0;
  // Forget everything accepted so far (the verifier starts again from the first line).
  virtual void reset() {}
  // The format's own wording for a generic problem (nullopt: the chronology's wording).
  // `expected` is the sequence number that was due.
  virtual std::optional<RuleProblem> wording(Damage kind, std::int64_t seq, std::int64_t expected);
};

struct ChainState {
  std::int64_t count = 0;            // verified records
  std::uint64_t good_bytes = 0;      // bytes of the file that are complete, verified lines
  std::string last_hash = k_genesis_hash;
  std::string last_line;             // the last verified line (without '\n')
  std::optional<Problem> problem;    // the first problem (nullopt = intact so far)
  bool torn_tail = false;            // the problem is an interrupted write at the end only
};

class ChainVerifier {
 public:
  // `whole` returns the whole file; it is called only to analyse a problem (a sequence
  // problem, or whether what follows a suspicious line is padding). `rules` must outlive this.
  ChainVerifier(ChainFormat format, RecordRules& rules, std::function<std::string()> whole);

  // One line (without '\n'). `complete`: it ended with '\n'; `end`: the file offset after it.
  // Returns false once a problem is found (then further lines are ignored).
  bool line(std::string_view text, std::uint64_t end, bool complete);
  // Feeds `data`, which starts at file offset `offset`; a last piece without '\n' is fed as an
  // incomplete line. Returns false once a problem is found.
  bool feed(std::string_view data, std::uint64_t offset);
  // Streams the file from `offset` to its end in 4 MiB blocks (bounded memory). Errors:
  // io_error (read failed). Damage is not an error: see state().problem.
  Status feed_file(const std::filesystem::path& path, std::uint64_t offset);
  Status feed_fd(int fd, std::uint64_t offset, const std::filesystem::path& name);

  // A record appended by the owner itself (already known to be good): advances the state.
  void advance(std::string_view text, std::string hash);
  // Forgets a torn-tail problem so that verification can continue from good_bytes (the writer
  // re-reads the tail under its lock, where no other write is in flight).
  void clear_torn_tail();
  // Starts again from an empty chain (calls rules.reset()).
  void reset();

  const ChainState& state() const { return m_state; }
  std::int64_t lines_seen() const { return m_lineno; }

 private:
  bool fail(Damage d, std::int64_t seq, std::string what_ja, std::string what_en, bool located_seq);
  bool fail_rule(const RuleProblem& p, std::int64_t seq);
  bool fail_generic(Damage d, std::int64_t seq, std::string ja, std::string en);
  bool rest_is_padding(std::uint64_t end);
  bool sequence_problem(std::int64_t seq, const std::string& hash);

  ChainFormat m_format;
  RecordRules& m_rules;
  std::function<std::string()> m_whole;
  ChainState m_state;
  std::vector<Member> m_members;
  std::int64_t m_lineno = 0;
  std::int64_t m_expected = 1;
};

}  // namespace shodo::integrity
