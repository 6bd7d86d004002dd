// E01 (EWF-E01, EnCase 6 layout) images: a Sink that writes them and a Source that reads them
// back, through libewf 20140813. Always checked with the other side's tools (ewfverify, ewfinfo).
//
// Writing: the sink cuts the stream into chunks (32 KiB), compresses them with zlib on a small
// pool of its own threads (bounded queue, ~2 MiB per batch in flight) and hands the packed chunks
// to libewf in order (libewf_handle_write_chunk), so compression runs on every core while libewf
// only writes. A chunk is stored compressed only when that makes it smaller, as libewf does;
// all-zero chunks reuse one pre-compressed block. Case data goes into the header sections in
// UTF-16 (header2) and in CP932 (header, for older Japanese-locale readers); the MD5 and SHA-1 of
// the source, computed by the pipeline, are stored by finish(); unreadable ranges become the
// acquiry-error (error2) section that ewfinfo lists.
//
// Partial images (close_partial): the image is finalised as a consistent E01 of the bytes written
// so far (whole sectors): ewfverify reads it and says SUCCESS over that shorter media, with
// "MD5 hash stored in file: N/A" — no whole-source hash is ever stored in a partial image. When
// not one whole sector reached the image, nothing is left: the segment libewf writes on close (case
// headers, media size 0) is removed, so no file pretends to be an image of the source.
//
// A full destination: before each chunk goes to libewf the sink checks the destination's free
// space and stops (no_space) while ~2 MiB are still free, the room libewf needs for its tables and
// trailer, so the partial image can still be closed consistently. If the space goes anyway (another
// writer), libewf's failure is reported as no_space too, and that image may be damaged.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "forensics/acquire/sink.hpp"
#include "forensics/acquire/source.hpp"
#include "forensics/core/result.hpp"

#ifndef SHODO_VERSION
#define SHODO_VERSION "unknown"
#endif

namespace shodo::acquire {

// The examiner-entered fields of the E01 header (UTF-8; Japanese is kept).
struct EwfCaseData {
  std::string case_number;      // 事件番号 / case number
  std::string evidence_number;  // 証拠番号 / evidence number
  std::string examiner;         // 取得者 / examiner name
  std::string description;
  std::string notes;
};

// zlib levels as libewf names them: none (stored, checksummed), fast (level 1), best (level 9).
enum class EwfCompression { none, fast, best };
const char* to_string(EwfCompression c);  // "none", "fast", "best"
// "none" | "fast" | "best" (case-insensitive). Errors: invalid_input naming the value.
Result<EwfCompression> parse_ewf_compression(std::string_view text);

// 1500 MiB: below FAT32's 4 GiB file limit with room to spare, near ewfacquire's 1.4 GiB.
inline constexpr std::uint64_t k_default_ewf_segment_bytes = 1500ull << 20;
// libewf refuses segments below 1 MiB.
inline constexpr std::uint64_t k_min_ewf_segment_bytes = 1ull << 20;

struct EwfOptions {
  EwfCaseData data;
  EwfCompression compression = EwfCompression::fast;
  std::uint64_t segment_bytes = k_default_ewf_segment_bytes;  // maximum size of one segment file
  int threads = 0;  // compression threads; 0 = std::thread::hardware_concurrency()
  // The source is a physical device (a block device): the media flags say "physical". An image
  // file or other logical source is stored without the flag, so ewfinfo says "Is physical: no".
  bool physical = true;
  std::string acquiry_software = "shodo " SHODO_VERSION;  // header "Software version used"
};

// Segment file names libewf uses for EWF-E01: stem.E01 … stem.E99, stem.EAA … stem.EZZ,
// stem.FAA …  (index counts from 1).
std::filesystem::path e01_segment_path(const std::filesystem::path& stem, std::size_t index);

// An E01 writer for `media_size` bytes of `bytes_per_sector`-byte sectors, to stem.E01, stem.E02 …
// (the directory must exist). The sink's methods are called from one thread (the pipeline's
// writer thread); the sink owns its compression threads and joins them on finish/close/destroy.
// stored_hashes() is {md5, sha1}; finish(hashes) stores whichever of them is given.
// Errors: already_exists (any stem.E01/E02/… segment exists: never overwritten),
// invalid_input (media size 0 or not a multiple of the sector size — E01 stores whole sectors,
// segment size below 1 MiB or above 4 GiB − 1 on a FAT file system), io_error from libewf or the
// file system with libewf's own text; from write/sync/finish also no_space (the destination is
// full; the message names the folder) and io_error "only N of the source's M bytes" from a finish()
// before media_size bytes arrived (nothing is written then: close_partial() still works).
Result<std::unique_ptr<Sink>> create_e01_sink(const std::filesystem::path& stem, std::uint64_t media_size,
                                              std::uint32_t bytes_per_sector, const EwfOptions& options);

// Opens an E01 image (all segments found from the first, like ewfverify) read-only as a Source:
// size() is the media size, sector_size() the bytes per sector; read_at() returns EIO for a
// chunk whose checksum or compression is damaged. Used to verify an image by re-reading it
// (hash_source). Thread-safe (reads are serialised). Errors: not_found, io_error (not an EWF
// image, a segment missing or damaged, with libewf's text).
Result<std::unique_ptr<Source>> open_e01_image(const std::filesystem::path& first_segment);

// What an E01 image says about itself.
struct EwfStoredInfo {
  std::string md5, sha1;  // lower-case hex; empty when not stored (e.g. a partial image)
  std::uint64_t media_size = 0;
  std::uint32_t bytes_per_sector = 0;
  EwfCaseData data;
  std::vector<BadRange> acquiry_errors;  // byte ranges (sector ranges × bytes per sector)
};
// Errors: as open_e01_image.
Result<EwfStoredInfo> read_e01_info(const std::filesystem::path& first_segment);

}  // namespace shodo::acquire
