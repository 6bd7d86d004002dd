// The command-line front end. Exit codes (documented in docs/user-guide.*.md):
//   0 success            2 invalid input / usage     3 not found / already exists
//   4 integrity failure  5 NOT saved (I/O, full)     6 read-only (damaged chronology)
//   7 unsupported        8 verify: interrupted write (torn last record), no tampering found
//   1 unexpected internal error
#pragma once
#include <string>

#include "forensics/core/result.hpp"

namespace shodo::cli {

int run(int argc, char** argv);

// Shared by the subcommand files.
struct Globals {
  std::string case_root;
  std::string incident;  // --incident, else the current incident of the case root
  std::string op_name;   // --operator
  std::string roles;     // --roles "SCR,CSIRT"
  std::string lang;      // --lang ja|en
  bool json = false;     // --json
};

// Prints an error in the current language to stderr and returns its exit code.
int report_error(const Error& e);
// Prints a line in the current language (catalogue key) to stdout.
void say(const std::string& text);

}  // namespace shodo::cli
