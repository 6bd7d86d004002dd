// Questions the CLI asks at a terminal (issue 11: nothing unconfirmed is recorded).
#pragma once
#include <string>

namespace shodo::cli {

// True when a person is at a terminal to answer: standard input and standard error are both ttys.
bool can_ask();
// Asks `question` on stderr and reads one line: true only for y / yes / はい (any case). False
// without a terminal (can_ask()), at end of input, or for anything else — the safe answer.
bool ask_yes_no(const std::string& question);

}  // namespace shodo::cli
