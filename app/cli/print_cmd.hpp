// `shodo print FILE [--printer Q] [--copies N]` and `shodo print --list` (issue 11): a PDF of the
// incident to a CUPS queue, recorded in the chronology (report/print.hpp).
#pragma once
#include <CLI/CLI.hpp>

#include "app/cli/cli.hpp"

namespace shodo::cli {

void add_print_commands(CLI::App& app, Globals& g, int& exit_code);

}  // namespace shodo::cli
