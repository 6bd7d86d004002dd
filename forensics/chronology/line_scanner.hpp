// The JSON Lines scanner moved to forensics/integrity/json_line_scanner.hpp (issue 10 §2: the
// hash-chain machinery lives below the chronology); these names keep older includes working.
#pragma once
#include "forensics/integrity/json_line_scanner.hpp"

namespace shodo::chronology {
using integrity::decode_string;
using integrity::Member;
using integrity::parse_int;
using integrity::scan_object;
}  // namespace shodo::chronology
