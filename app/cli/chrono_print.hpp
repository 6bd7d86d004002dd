// Terminal output of chronology entries and of verification reports.
#pragma once
#include <string>
#include <vector>

#include "app/cli/cli.hpp"
#include "forensics/chronology/entry.hpp"

namespace shodo::cli {

// "2026-11-24 10:02:03 JST" or "… (未補正)" with the time quality.
std::string format_entry_time(const chronology::Entry& e);
// A table (or JSON Lines with --json) of entries with their current state.
void print_entries(const std::vector<chronology::Entry>& entries, bool open_only, bool json, bool show_device);
// `shodo chrono verify [PATH]`: returns the exit code (0 intact, 4 damaged, 8 torn tail only).
int run_verify(const Globals& g, const std::string& path, std::int64_t expect_count, const std::string& expect_head);

}  // namespace shodo::cli
