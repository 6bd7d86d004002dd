// `shodo incident new|open|list|show`.
#pragma once
#include <CLI/CLI.hpp>

#include "app/cli/cli.hpp"

namespace shodo::cli {

void add_incident_commands(CLI::App& app, Globals& g, int& exit_code);

// The incident to act on: --incident, else the one remembered by `incident open`/`new`.
// Errors: not_found (none chosen).
Result<std::string> current_incident(const Globals& g);
// Remembers the current incident in <case_root>/current_incident.
Status remember_incident(const Globals& g, const std::string& id);

}  // namespace shodo::cli
