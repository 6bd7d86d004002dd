// Destinations of an acquisition: raw, split raw, E01. Each is driven by its own writer
// thread, in stream order, so a second destination runs beside the first.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "forensics/core/result.hpp"
#include "forensics/integrity/hasher.hpp"

namespace shodo::acquire {

// A run of unreadable sectors, zero-filled in the image.
struct BadRange {
  std::uint64_t offset = 0;  // byte offset in the source
  std::uint64_t length = 0;  // bytes (a multiple of the sector size)
};

class Sink {
 public:
  virtual ~Sink() = default;
  virtual std::string kind() const = 0;  // "raw", "split", "e01"
  // The bytes of the stream, in order; the last call may be shorter than a sector multiple.
  virtual Status write(const std::uint8_t* data, std::size_t len) = 0;
  // A range already zero-filled in the stream is unreadable (E01: error section). Called
  // before the write() that carries it.
  virtual void note_bad_range(const BadRange&) {}
  // Makes everything written so far durable (fsync). Called every commit interval; the
  // resume state records the offset only after this returned ok.
  virtual Status sync() = 0;
  // Hashes the sink must store in the image itself (E01: MD5 and SHA-1).
  virtual std::vector<HashAlgo> stored_hashes() const { return {}; }
  // The whole source was imaged: write trailers (E01 hashes), sync and close.
  virtual Status finish(const std::vector<HashValue>& source_hashes) = 0;
  // The job ended early: leave what was written consistent and closed.
  virtual Status close_partial() = 0;
  virtual std::vector<std::filesystem::path> files() const = 0;
  virtual std::uint64_t bytes_written() const = 0;
};

// Default split segment: just under 2 GiB so FAT32 and exFAT destinations take it.
inline constexpr std::uint64_t k_default_segment_bytes = 2047ull * 1024 * 1024;

// "name.001", "name.002" ... (three digits, more when needed).
std::filesystem::path segment_path(const std::filesystem::path& base, std::size_t index);

// Raw image in one file (segment_bytes == 0) or split into segments.
// Refuses to overwrite an existing file (already_exists) unless resuming: then the existing
// files are truncated to *resume_from bytes in all (0: nothing was committed, they are removed)
// and appended to.
Result<std::unique_ptr<Sink>> create_raw_sink(const std::filesystem::path& base, std::uint64_t segment_bytes,
                                              std::optional<std::uint64_t> resume_from = std::nullopt);

}  // namespace shodo::acquire
