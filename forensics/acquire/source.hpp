// Evidence sources: block devices and image files, read-only, with pread semantics.
// Never write to a source (DESIGN.md "Never write to evidence"): block devices are set
// read-only with BLKROSET before anything else and kept so; every open is O_RDONLY.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "forensics/core/result.hpp"

namespace shodo::acquire {

// Outcome of one read: bytes read (0 at or past the end) or the errno of a failed read.
struct ReadOutcome {
  std::size_t bytes = 0;
  int err = 0;
};

// errno values that mean "the device is gone" (USB pulled), not "this sector is bad".
bool is_vanished_errno(int err);

class Source {
 public:
  virtual ~Source() = default;
  virtual std::uint64_t size() const = 0;          // size when opened
  virtual std::uint32_t sector_size() const = 0;   // logical sector size (512 for files)
  // One pread of up to len bytes at offset (a short count is possible).
  virtual ReadOutcome read_at(std::uint64_t offset, void* buf, std::size_t len) = 0;
  // Reads exactly one sector bypassing caches where possible (O_DIRECT), so that a bad
  // sector does not take its page neighbours with it. Default: read_at.
  virtual ReadOutcome read_sector(std::uint64_t offset, void* buf) { return read_at(offset, buf, sector_size()); }
  // Size now, asked again of the kernel; an error when the device has gone.
  virtual Result<std::uint64_t> probe_size() = 0;
  virtual std::string path() const = 0;
  virtual bool is_block_device() const { return false; }
};

struct SourceInfo {
  std::string path;
  bool block_device = false;
  std::uint64_t size = 0;
  std::uint32_t logical_sector = 512;
  std::uint32_t physical_sector = 512;
  bool was_read_only = false;      // BLKROGET before we set it
  bool read_only_set = false;      // BLKROSET succeeded (block devices); false when the flag was
                                   // already set and this user may not set it (BLKROGET confirmed)
};

// Opens path read-only. For a block device: BLKROSET(1) first (and checked with BLKROGET),
// then O_RDONLY. Errors: not_found, invalid_input (a directory, an empty source), io_error.
Result<std::unique_ptr<Source>> open_source(const std::filesystem::path& path, SourceInfo* info = nullptr);

// A raw image split over segment files (image.001, image.002 ...) or one file, read as one
// stream: used to verify and resume. Errors: not_found when a segment is missing.
Result<std::unique_ptr<Source>> open_raw_image(const std::vector<std::filesystem::path>& segments);

}  // namespace shodo::acquire
