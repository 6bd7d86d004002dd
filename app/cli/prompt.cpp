#include "app/cli/prompt.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <iostream>

namespace shodo::cli {

bool can_ask() { return ::isatty(STDIN_FILENO) == 1 && ::isatty(STDERR_FILENO) == 1; }

bool ask_yes_no(const std::string& question) {
  if (!can_ask()) return false;
  std::cerr << question << " [y/N] " << std::flush;
  std::string line;
  if (!std::getline(std::cin, line)) return false;
  line.erase(std::remove_if(line.begin(), line.end(), [](unsigned char c) { return std::isspace(c); }), line.end());
  std::transform(line.begin(), line.end(), line.begin(), [](unsigned char c) { return std::tolower(c); });
  return line == "y" || line == "yes" || line == "はい";
}

}  // namespace shodo::cli
