// Pieces of the acquisition shared by acquisition.cpp (names, preflight, records, verify_image)
// and acquisition_job.cpp (the job's stages). Internal to forensics/acquire: not a public API.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "forensics/acquire/acquisition.hpp"

namespace shodo::acquire::detail {

// Segment size the format uses (split and E01; 0 for raw).
std::uint64_t effective_segment(const AcquireRequest& req);

// The block device (major:minor) that holds a path, or 0 for tmpfs and the like.
dev_t device_of(const std::filesystem::path& p);
// Whole-disk name ("sdb") of a block device number, or "" when unknown.
std::string whole_disk_of(dev_t dev);

// The request as recorded in the sidecar and the state file, and back. request_from_json never
// throws: a missing key or a wrong type is invalid_input naming the key.
nlohmann::json request_json(const AcquireRequest& r);
Result<AcquireRequest> request_from_json(const nlohmann::json& j);

// Bad ranges as recorded ({offset, length, first_lba, sectors}) and back (invalid_input on a
// malformed entry, never an exception).
nlohmann::json bad_json(const std::vector<BadRange>& bad, std::uint32_t sector_size);
Result<std::vector<BadRange>> bad_from_json(const nlohmann::json& a);

// stem.001, stem.002 … as far as they exist.
std::vector<std::filesystem::path> existing_segments(const std::filesystem::path& stem);

// Opens an image the job wrote (or an image to verify) through `open.image`, or the real
// readers when it is empty: open_e01_image(files.front()) for E01, open_raw_image(files) else.
Result<std::unique_ptr<Source>> open_image(const SourceOpeners& open, ImageFormat format,
                                           const std::vector<std::filesystem::path>& files);

}  // namespace shodo::acquire::detail
