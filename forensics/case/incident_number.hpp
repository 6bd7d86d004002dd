// Incident numbers (issue 11): "CODE-YYYYMMDD-NN".
//   CODE      the facility's code (病院コード): a short name the hospital chooses for itself, letters
//             and digits, 1–16 (e.g. OGMC); kept in the kit's settings (kit_settings.hpp);
//   YYYYMMDD  the date in JST the incident was opened;
//   NN        01–99, the n-th incident of that facility on that day.
// The kit proposes the next free number, so nobody has to invent one at 08:40.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>

#include "forensics/core/result.hpp"

namespace shodo {

// Which part of a number is wrong.
enum class IncidentIdPart { none, form, code, date, nn };
IncidentIdPart incident_id_problem(const std::string& id);
// ok, or invalid_input saying which part is wrong and what it should be (ja/en).
Status check_incident_id(const std::string& id);
// A facility code on its own: 1–16 ASCII letters or digits. ok or invalid_input.
Status check_facility_code(const std::string& code);

// The facility's kind: "hospital" (病院) or "clinic" (診療所). Error: invalid_input.
Status check_profile(const std::string& profile);

// One line for the screens and the CLI: what a 病院コード is.
const char* facility_code_explained_ja();
const char* facility_code_explained_en();

// The next free number of `code` on the JST day of `now_utc_ns`: NN one above the highest number
// of that code and day under case_root (01 when none). Errors: invalid_input (the code),
// already_exists (99 used that day).
Result<std::string> propose_incident_id(const std::filesystem::path& case_root, const std::string& code,
                                        std::int64_t now_utc_ns);

}  // namespace shodo
