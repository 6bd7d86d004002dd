// A validating, allocation-free scanner for one JSON Lines record: checks the syntax of the
// whole line and returns the raw spans of the top-level members. Used by the chain verifier
// (chain_verifier.hpp), which must handle a million records in seconds without building a JSON
// tree. Pure functions, thread-safe.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace shodo::integrity {

struct Member {
  std::string_view key;    // raw key text between the quotes (escapes not decoded)
  std::string_view value;  // raw value text (strings include their quotes)
  std::size_t begin = 0;   // offset of the member in the line (at the key's opening quote)
  std::size_t end = 0;     // offset just past the value
};

// Scans `line` as a JSON object. Returns false if it is not one syntactically valid object:
// strict RFC 8259 (numbers as in §6, strings well-formed UTF-8 per RFC 3629, \u surrogates in
// pairs, no NUL or other control byte), so that it accepts what the app's JSON parser accepts.
// `out` is cleared and filled with the top-level members in order.
bool scan_object(std::string_view line, std::vector<Member>& out);

// Decodes a raw JSON string value (with quotes). Returns false on a bad escape.
bool decode_string(std::string_view raw, std::string& out);

// Parses a raw JSON integer value. Returns false if it is not an integer.
bool parse_int(std::string_view raw, long long& out);

}  // namespace shodo::integrity
