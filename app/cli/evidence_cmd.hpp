// `shodo evidence list|show|add|transfer|seal|storage|label|custody-form|register|verify`
// (REQUIREMENTS §4: evidence items, chain of custody, outputs EV-01…EV-03).
// Exit codes as cli.hpp: 2 invalid input, 3 not found / already exists, 4 register damaged,
// 5 not saved, 6 chronology damaged (read-only).
#pragma once
#include <CLI/CLI.hpp>

#include "app/cli/cli.hpp"

namespace shodo::cli {

void add_evidence_commands(CLI::App& app, Globals& g, int& exit_code);

}  // namespace shodo::cli
