// `shodo devices [DEVICE] [--smart] [--hpa]` (with the global --json): the block devices a
// responder may acquire, with model, serial, size, partitions, mounts, the kernel read-only flag
// and why the kit's own media are not offered. Read-only: it lists, it never changes anything.
#pragma once
#include <CLI/CLI.hpp>

#include "app/cli/cli.hpp"

namespace shodo::cli {

void add_devices_commands(CLI::App& app, Globals& g, int& exit_code);

}  // namespace shodo::cli
