// Sidecar reports written next to an acquired image (ANCHORS §2 Guymager ".info", dc3dd
// log/hlog, §4 "Hash files" and "DFXML"; REQUIREMENTS §4.2):
//
//   <stem>.info.txt   human-readable report, Japanese first with English labels (Guymager
//                     .info level of detail: tool, case, device, options, outcome, EVERY
//                     unreadable range, hashes, verification, times with their quality)
//   <stem>.json       shodo-acquisition v1 (produced by to_json(AcquisitionRecord), given as text)
//   <stem>.dfxml      DFXML 1.2.0 (creator / source / diskimageobject with byte_runs)
//   <stem>.<algo>     md5sum / sha1sum / sha256sum / sha512sum check files (GNU format, LF)
//
// All output is UTF-8 with LF line ends. Text coming from the record (device model, notes,
// names) is made safe for its format: invalid UTF-8 becomes U+FFFD, control characters are
// shown as \n, \r, \xHH, so one value can never break a line-oriented report or the XML.
// The renderers are pure functions of their inputs, except render_dfxml, which reads uname()
// and getuid() for <execution_environment>.
#pragma once
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "forensics/acquire/acquisition.hpp"
#include "forensics/core/result.hpp"
#include "forensics/integrity/hasher.hpp"

namespace shodo::acquire {

// The .info.txt report. Sections: ツール / Tool, 事案 / Case, 取得元 / Source device,
// 書込み防止 / Write protection, 逸脱 / Deviations, 取得条件 / Options, 結果 / Outcome,
// 読めなかったセクタ / Unreadable sectors (every range, never truncated), ハッシュ / Hashes,
// 区間ハッシュ / Piecewise hashes, イメージファイル / Image files, 検証 / Verification,
// 判定 / Verdict (the verdict and every record that could not be saved),
// 時刻 / Times. Missing or mistyped keys of r.device / r.request / r.tool print as
// "不明 / unknown".
std::string render_info_text(const AcquisitionRecord& r);

// A DFXML document (version 1.2.0) describing the acquisition; see docs/FORMATS.md and the
// comment at the top of sidecar.cpp for the elements used.
std::string render_dfxml(const AcquisitionRecord& r, const std::string& command_line);

// One line per file in GNU md5sum/sha*sum format: "<hex>  <name>\n". A name containing a
// backslash, LF or CR is written the way GNU coreutils (9.x) does: the line starts with '\'
// and the name has "\\", "\n", "\r" escapes, so `sha256sum -c` reads it back.
std::string render_hash_file(HashAlgo a, const std::vector<std::pair<std::string, std::string>>& name_and_hex);

// Writes <stem>.info.txt, <stem>.json (json_text as given), <stem>.dfxml and one <stem>.<algo>
// per entry of hash_files (algo → [(file name relative to dest_dir, hex)]) into dest_dir, each
// with write_file_atomic (mode 0640). Returns the paths written, in that order.
// Never overwrites: if any of the files exists, nothing is written and the error is
// already_exists naming it. Errors: invalid_input (empty stem or one with '/', a hash file
// algorithm given twice, a hex value that is not the algorithm's lower-case digest),
// already_exists, and write_file_atomic's not_saved / no_space / io_error.
Result<std::vector<std::filesystem::path>> write_sidecars(
    const AcquisitionRecord& r, const std::filesystem::path& dest_dir, const std::string& stem,
    const std::string& json_text, const std::string& command_line,
    const std::vector<std::pair<HashAlgo, std::vector<std::pair<std::string, std::string>>>>& hash_files);

}  // namespace shodo::acquire
