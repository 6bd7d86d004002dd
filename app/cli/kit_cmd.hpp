// `shodo kit check [--verify-medium] [--json]` — the kit self-check (REQUIREMENTS P0-04).
// Exit codes: 0 the running system is the image the build made; 4 something differs (packages,
// the shodo binary, or a file of the boot medium); 3 no manifest (not booted from the kit).
#pragma once
#include <CLI/CLI.hpp>

#include "app/cli/cli.hpp"

namespace shodo::cli {

void add_kit_commands(CLI::App& app, Globals& g, int& exit_code);

}  // namespace shodo::cli
