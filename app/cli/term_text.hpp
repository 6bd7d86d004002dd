// Text in a terminal's columns (issue 11: `chrono list` fits 80 or 120 columns). Japanese and
// other East Asian wide characters take two columns; everything else one. Input is UTF-8.
#pragma once
#include <string>
#include <string_view>

namespace shodo::cli {

// Columns `s` takes in a terminal (East Asian Wide and Fullwidth characters count 2).
int display_width(std::string_view s);
// `s` cut to at most `width` columns, ending in "…" when something was cut (never mid-character).
std::string fit(std::string_view s, int width, bool* cut = nullptr);
// `s` fitted and padded with spaces to exactly `width` columns (right-aligned when `right`).
std::string cell(std::string_view s, int width, bool right = false, bool* cut = nullptr);
// The width of standard output: the terminal's, else $COLUMNS, else 80.
int terminal_columns();

}  // namespace shodo::cli
