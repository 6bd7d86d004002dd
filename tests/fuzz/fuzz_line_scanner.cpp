// libFuzzer harness: the chronology's JSON Lines scanner (forensics/chronology/line_scanner.hpp),
// which the streaming verifier trusts to say "this line is one JSON object" without a JSON tree.
// Contract checked on every input (one line):
//  * scan_object accepts exactly what a real JSON parser (nlohmann) accepts as an object, up to
//    the scanner's nesting limit (and refuses any NUL byte, which nlohmann reads as the end): a line the app cannot load must never pass as a valid
//    record, and a valid record must never be called damaged;
//  * each member's key and value are spans of the line, in order, and the value parses as JSON;
//  * decode_string agrees with nlohmann on every string value it accepts;
//  * parse_int accepts only what nlohmann reads as the same integer.
#include <nlohmann/json.hpp>

#include <vector>

#include "forensics/chronology/line_scanner.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace shodo;

namespace {

// Depth of the deepest container in `j` (an object holding a scalar is 1).
int depth_of(const nlohmann::json& j) {
  if (!j.is_structured()) return 0;
  int d = 0;
  for (const auto& v : j) d = std::max(d, depth_of(v));
  return d + 1;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line = fuzz::bytes(data, size);
  std::vector<chronology::Member> members;
  const bool scanned = chronology::scan_object(line, members);
  // nlohmann takes a NUL byte for the end of the input ("{}\0junk" parses as {}); a NUL is never
  // valid in a JSON text, so the scanner must refuse it, and nlohmann is no reference then.
  if (line.find('\0') != std::string_view::npos) {
    SHODO_FUZZ_CHECK(!scanned);
    return 0;
  }
  const nlohmann::json parsed = nlohmann::json::parse(line, nullptr, false);
  const bool is_object = !parsed.is_discarded() && parsed.is_object();
  if (scanned) {
    SHODO_FUZZ_CHECK(is_object);
  } else if (is_object) {
    // The scanner refuses nesting deeper than 32 containers; nothing else valid may be refused.
    SHODO_FUZZ_CHECK(depth_of(parsed) > 32);
  }
  if (!scanned) return 0;

  std::size_t last_end = 0;
  for (const auto& m : members) {
    SHODO_FUZZ_CHECK(m.begin >= last_end && m.begin < m.end && m.end <= line.size());
    SHODO_FUZZ_CHECK(line.data() + m.begin + 1 == m.key.data());  // key follows its opening quote
    SHODO_FUZZ_CHECK(m.value.data() + m.value.size() == line.data() + m.end);
    last_end = m.end;
    const nlohmann::json value = nlohmann::json::parse(m.value, nullptr, false);
    SHODO_FUZZ_CHECK(!value.is_discarded());
    std::string decoded;
    if (value.is_string() && chronology::decode_string(m.value, decoded)) SHODO_FUZZ_CHECK(decoded == value.get<std::string>());
    long long n = 0;
    if (chronology::parse_int(m.value, n)) {
      SHODO_FUZZ_CHECK(value.is_number_integer());
      SHODO_FUZZ_CHECK(value.is_number_unsigned() ? value.get<std::uint64_t>() == static_cast<std::uint64_t>(n)
                                                  : value.get<std::int64_t>() == n);
    }
  }
  return 0;
}
