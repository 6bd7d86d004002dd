// `shodo chrono add|correct|void|addendum|status|list|verify|export|timecheck`.
#pragma once
#include <CLI/CLI.hpp>

#include "app/cli/cli.hpp"

namespace shodo::cli {

void add_chrono_commands(CLI::App& app, Globals& g, int& exit_code);

}  // namespace shodo::cli
