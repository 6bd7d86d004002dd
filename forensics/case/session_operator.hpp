// The operator of this kit session (issue 11, CHR-03): said once — `shodo operator`, `incident
// new`/`open` with --operator, or the window's Home screen — and used by every later command of
// the same boot until it is cleared (`shodo operator --clear`) or the kit restarts. A stressed
// responder types their name once, not before every command.
//
// Stored in <case_root>/kit/session_operator.json (FORMATS.md) with the boot ID it was set in:
// after a restart (another boot ID) the kit has no operator until someone says who they are.
// The file may be damaged or edited like any file on the case volume: a file that is not exactly
// this format means "no operator" (the reason is kept for the message), never a guess.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "forensics/chronology/operator.hpp"
#include "forensics/core/clock.hpp"
#include "forensics/core/result.hpp"

namespace shodo {

struct SessionOperator {
  chronology::Operator op;
  std::string boot_id;
  std::int64_t set_utc_ns = 0;
};

std::filesystem::path session_operator_file(const std::filesystem::path& case_root);

// Parses the file's bytes. Errors: invalid_input (not this format; the message names what).
Result<SessionOperator> parse_session_operator(std::string_view text);
std::string session_operator_json(const SessionOperator& s);

// The operator set in this boot, or nullopt (no file, another boot, or a file that is not valid;
// `problem` then says why, when given).
std::optional<SessionOperator> load_session_operator(const std::filesystem::path& case_root, const std::string& boot_id,
                                                     Error* problem = nullptr);
// Remembers `op` (roles stored as a set) for this boot. Errors: not_saved.
Status save_session_operator(const std::filesystem::path& case_root, const chronology::Operator& op,
                             const ClockReading& now);
// Forgets it. No file is no error.
Status clear_session_operator(const std::filesystem::path& case_root);

}  // namespace shodo
