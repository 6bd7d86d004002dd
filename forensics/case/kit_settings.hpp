// The kit's settings that outlive an incident (issue 11): the facility's code (病院コード, the
// first part of every incident number), its name and its profile, so the kit can propose the next
// incident number and nobody types them again at 08:40.
//
// Stored in <case_root>/kit/settings.json, format "shodo-kit-settings" v1 (FORMATS.md). Any file
// on the case volume may be damaged or edited: a file that is not exactly this format is reported
// (invalid_input naming the member) and never guessed from.
#pragma once
#include <filesystem>
#include <string>
#include <string_view>

#include "forensics/case/incident.hpp"
#include "forensics/core/result.hpp"

namespace shodo {

struct KitSettings {
  std::string facility_code;  // "" = not set yet
  std::string facility_name;
  std::string profile = "hospital";  // "hospital" | "clinic"
};

std::filesystem::path kit_settings_file(const std::filesystem::path& case_root);
// Errors: invalid_input (not this format; the message names the member).
Result<KitSettings> parse_kit_settings(std::string_view text);
std::string kit_settings_json(const KitSettings& s);
// The settings, or the defaults when there is no file. Errors: the file cannot be read or parsed.
Result<KitSettings> load_kit_settings(const std::filesystem::path& case_root);
// Errors: invalid_input (a bad code or profile), not_saved.
Status save_kit_settings(const std::filesystem::path& case_root, const KitSettings& s);
// After an incident was created (CLI or window): remembers its facility code, name and profile
// when the kit had no code yet, or when `code_given` (the operator named a code on purpose).
Status remember_facility(const std::filesystem::path& case_root, const IncidentInfo& info, bool code_given);

}  // namespace shodo
