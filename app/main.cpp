// shodo: a subcommand runs the CLI; no subcommand opens the GUI (or, without a display,
// prints a status summary and the command list).
#include "app/cli/cli.hpp"

int main(int argc, char** argv) { return shodo::cli::run(argc, argv); }
