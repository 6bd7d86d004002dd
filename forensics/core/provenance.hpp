// Provenance carried by every output: tool version and commit, library versions, host.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace shodo {

std::string tool_version();  // "0.1.0"
std::string tool_commit();   // short git commit of the source tree at build time
std::string tool_version_string();  // "0.1.0 (abcdef123456)": --version, reports, PDF footers
std::string host_name();     // uname nodename
// {"tool":"shodo","version":..,"commit":..,"openssl":..,"cairo":..,"pango":..,"host":..}
nlohmann::json provenance_json();

}  // namespace shodo
