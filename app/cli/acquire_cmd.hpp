// `shodo acquire` and `shodo verify-image` (issue 3).
#pragma once
#include <CLI/CLI.hpp>

#include "app/cli/cli.hpp"

namespace shodo::cli {

void add_acquire_commands(CLI::App& app, Globals& g, int& exit_code);

}  // namespace shodo::cli
