// Terminal output of chronology entries and of verification reports.
#pragma once
#include <string>
#include <vector>

#include "app/cli/cli.hpp"
#include "forensics/chronology/entry.hpp"

namespace shodo::cli {

// "2026-11-24 10:02:03 JST" or "… (未補正)" with the time quality.
std::string format_entry_time(const chronology::Entry& e);
struct ListOptions {
  bool open_only = false;    // --open: only 未 / 対応中 items
  bool json = false;         // JSON Lines: every entry with its view state
  bool show_device = false;  // merged: "KIT-…#seq" instead of "No. seq"
  bool wide = false;         // --wide: one full line per entry, nothing cut
  bool all = false;          // --all: system rows too (else folded into one line per run)
  int columns = 80;          // the table's width (terminal_columns())
};
// `chrono list` (issue 11 "Human entries in front"): a header and one row per entry in columns
// that fit `columns` (No., time, category, from → to, content, status), a date line when the JST
// day changes, system rows (start, export, checkpoint …) folded into one "N system entries" line
// unless --all; --wide prints every field on one line; --json prints JSON Lines.
void print_entries(const std::vector<chronology::Entry>& entries, const ListOptions& opt);
// `shodo chrono verify [PATH]`: returns the exit code (0 intact, 4 damaged, 8 torn tail only).
int run_verify(const Globals& g, const std::string& path, std::int64_t expect_count, const std::string& expect_head);

}  // namespace shodo::cli
