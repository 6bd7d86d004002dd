// Durable file output (DESIGN.md "Durable and verifiable outputs").
// write_file_atomic: temp file in the same directory → write → fsync → rename → fsync(dir).
#pragma once
#include <filesystem>
#include <string>
#include <string_view>

#include "forensics/core/result.hpp"

namespace shodo {

// Writes `bytes` to `path` atomically and durably, with permission `mode` from the start (the
// temp file never has wider permissions). Errors: not_saved / no_space / io_error.
Status write_file_atomic(const std::filesystem::path& path, std::string_view bytes, unsigned mode = 0640);

// write(2) until all of `data` is written (EINTR retried). Errors: not_saved (no_space when the
// volume is full), with errno in the message.
Status write_fully(int fd, std::string_view data);

// fsync() on a directory so a create/rename inside it survives power loss.
Status fsync_directory(const std::filesystem::path& dir);

// Creates `dir` and missing parents, fsyncing each new directory's parent.
Status create_directories_durable(const std::filesystem::path& dir);

// Reads a whole file. Errors: not_found / io_error.
Result<std::string> read_file(const std::filesystem::path& path);

// True when `s` is valid UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view s);
// Text that holds nothing but spaces (ASCII white space, the no-break space, or the ideographic
// space U+3000 that a Japanese input method types): a required field filled so is as empty as "".
bool blank_text(std::string_view s);

}  // namespace shodo
