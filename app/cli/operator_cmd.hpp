// `shodo operator [NAME] [--roles R] [--clear]` (issue 11, CHR-03): shows, sets or forgets the
// operator of this kit session. Setting it while an incident is selected records the handover
// (operator_changed) in that incident's chronology at once, not at the next write.
#pragma once
#include <CLI/CLI.hpp>

#include "app/cli/cli.hpp"

namespace shodo::cli {

void add_operator_commands(CLI::App& app, Globals& g, int& exit_code);

}  // namespace shodo::cli
