// The incident folder (REQUIREMENTS P1-01): one folder per incident under the case root,
// holding incident.json ("shodo-incident" v1), chronology/, and later evidence, checks, reports.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "forensics/core/result.hpp"

namespace shodo {

inline constexpr const char* k_incident_format = "shodo-incident";
inline constexpr int k_incident_version = 1;

struct IncidentInfo {
  std::string incident_id;  // 病院コード-YYYYMMDD-NN, e.g. "OGMC-20221031-01"
  std::string title;
  std::string facility;     // hospital / clinic name
  std::string profile = "hospital";  // "hospital" | "clinic"
  bool training = false;             // 訓練
  std::int64_t created_utc_ns = 0;
  std::string created_by;            // operator
  std::string created_kit;           // kit ID
};

nlohmann::json to_json(const IncidentInfo& i);
Result<IncidentInfo> incident_from_json(const nlohmann::json& j);

// Checks "CODE-YYYYMMDD-NN": CODE is 1–16 of [A-Za-z0-9], a valid date, NN two digits.
bool is_valid_incident_id(const std::string& id);

// The case root (§ Foundation): --case-root, else $SHODO_CASE_ROOT, else
// $XDG_DATA_HOME/shodo, else ~/.local/share/shodo. `cli_override` may be empty.
std::filesystem::path resolve_case_root(const std::string& cli_override);

std::filesystem::path incident_dir(const std::filesystem::path& case_root, const std::string& incident_id);
// Every kit's chronology of the incident (<incident>/chronology/*.jsonl), sorted by name; empty
// when the folder is missing.
std::vector<std::filesystem::path> chronology_files(const std::filesystem::path& case_root,
                                                    const std::string& incident_id);

// Creates the incident folder and incident.json durably.
// Errors: invalid_input (bad id/title/profile, non-UTF-8), already_exists, not_saved.
Status create_incident(const std::filesystem::path& case_root, const IncidentInfo& info);
// Errors: not_found, integrity (incident.json damaged).
Result<IncidentInfo> load_incident(const std::filesystem::path& case_root, const std::string& incident_id);
// All incidents under the case root, newest first; damaged folders are skipped.
std::vector<IncidentInfo> list_incidents(const std::filesystem::path& case_root);

}  // namespace shodo
