// The acquisition pipeline: reader → one hasher thread per algorithm → one writer thread per
// sink, over a ring of bounded buffers, so a job runs at the speed of its slowest single stage
// (read, write, or the slowest hash), not their sum. Memory: queue_blocks × block_size.
//
// Bad sectors: a failed block read is retried, then read sector by sector (O_DIRECT where the
// source allows); exactly the unreadable sectors are zero-filled and recorded, and the job
// goes on. A source that vanishes or shrinks, a destination that fails, a bad-sector limit or
// a cancel end the job early with a consistent partial image and no whole-source hash.
//
// A dead source is not bad sectors (issue 10 §5): after `unanswered_run_sectors` unreadable
// sectors in a row the pipeline asks whether the source still answers at all — the device must
// still be there with its size, and a sector read before (or, when none was, sector 0, the middle
// and the last sector) must read again. If none does, the job ends as aborted_source_unresponsive
// before the block being read; otherwise the run was a real bad area and the job goes on (the
// zero-fill is exactly as without the check). A source of which not one sector could be read is
// never complete: it ends as aborted_source_unresponsive too.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "forensics/acquire/sink.hpp"
#include "forensics/acquire/source.hpp"
#include "forensics/core/job.hpp"
#include "forensics/integrity/hasher.hpp"

namespace shodo::acquire {

enum class Outcome {
  complete,                  // every sector read
  complete_with_bad_sectors, // finished; some sectors unreadable (zero-filled, listed)
  aborted_source_gone,       // the source disappeared or shrank
  aborted_source_unresponsive, // the source is there but stopped answering (or never answered)
  aborted_destination,       // a destination failed (full, file too large, I/O)
  aborted_bad_limit,         // more unreadable sectors than the operator's limit
  cancelled,                 // the operator stopped the job
};
const char* to_string(Outcome o);  // "complete", "complete_with_bad_sectors", ...
bool is_complete(Outcome o);       // complete or complete_with_bad_sectors

struct PieceHash {
  HashAlgo algo = HashAlgo::sha256;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  std::string hex;
};

struct PipelineOptions {
  std::vector<HashAlgo> algos{HashAlgo::sha256};
  std::size_t block_size = 1u << 20;   // bytes per read (multiple of the sector size)
  std::size_t queue_blocks = 32;       // ring size
  int retries = 2;                     // extra attempts for a failed read
  std::uint64_t max_bad_sectors = 0;   // 0 = no limit
  // Unreadable sectors in a row after which the source is asked whether it still answers
  // (0 = never ask). Runs shorter than this are bad sectors without further question.
  std::uint64_t unanswered_run_sectors = 64;
  std::uint64_t piece_size = 0;        // piecewise hash window in bytes (0 = off)
  std::vector<HashAlgo> piece_algos{HashAlgo::sha256};  // one thread each
  // Resume: bytes [0, resume_offset) come from `prefix` (the image written so far) and are
  // only hashed; reading from the source starts at resume_offset.
  std::uint64_t resume_offset = 0;
  Source* prefix = nullptr;
  std::vector<BadRange> prior_bad;     // bad ranges found before the interruption
  // Every commit_interval bytes the sinks are synced and on_commit(offset, bad) is called,
  // so the caller can record how far the image is durable.
  std::uint64_t commit_interval = 256ull << 20;
  std::function<void(std::uint64_t, const std::vector<BadRange>&)> on_commit;
  // Called (from the reader thread) for each newly found bad range.
  std::function<void(const BadRange&)> on_bad_range;
};

struct PipelineResult {
  Outcome outcome = Outcome::complete;
  std::uint64_t source_size = 0;
  std::uint64_t bytes_covered = 0;       // stream bytes hashed and handed to the sinks
  std::uint32_t sector_size = 512;
  std::vector<BadRange> bad;             // merged, in order, within bytes_covered (in the image)
  std::vector<BadRange> bad_beyond;      // found in a block that never reached the image (bad-sector limit)
  std::uint64_t bad_sectors = 0;
  // Complete jobs: hashes of the whole source stream (with zero-filled bad sectors).
  // Early ends: hashes of the first bytes_covered bytes only (partial_hashes), never `hashes`.
  std::vector<HashValue> hashes;
  std::vector<HashValue> partial_hashes;
  std::vector<PieceHash> pieces;        // by algorithm (in piece_algos order), then offset
  std::optional<Error> error;            // why the job ended early
  double seconds = 0;
  Stage bottleneck = Stage::none;
};

PipelineResult run_pipeline(Source& source, const std::vector<Sink*>& sinks, const PipelineOptions& opts,
                            Progress& progress, const CancelToken& cancel);

// Hash-only pass over a source (verification of an image or a re-read of the source).
PipelineResult hash_source(Source& source, const std::vector<HashAlgo>& algos, Progress& progress,
                           const CancelToken& cancel, std::uint64_t piece_size = 0);
// The same with piecewise hashes in every algorithm of `algos` (e.g. one per split segment).
PipelineResult hash_source_pieces(Source& source, const std::vector<HashAlgo>& algos, std::uint64_t piece_size,
                                  Progress& progress, const CancelToken& cancel);

}  // namespace shodo::acquire
