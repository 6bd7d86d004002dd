// libFuzzer harness: the evidence register reader (forensics/evidence/evidence.hpp): the
// verifier of register.jsonl (verify_register) and the loader that folds its events into items
// and transfers (EvidenceRegister::open_dir), both fed a file that may be damaged or altered.
//
// Input: one option byte, then the file's bytes. Option bit 0 "reseal": every line that is a JSON
// object gets prev_hash and event_hash recomputed as FORMATS.md prescribes, so mutations reach the
// event checks and the fold (item_from_json, transfer_from_json, updates) instead of stopping at
// the hash. Bit 1: also set "seq" to the line number.
//
// Contract checked on every input:
//  * never crashes or throws; good <= lines; a problem names a line within the file + 1;
//  * a torn tail is reported only when the file does not end in '\n', or ends in blank lines, or has
//    a NUL in its last line (blocks zero-filled by a power cut; chain_verifier.cpp);
//  * every line of an intact register is in canonical form (FORMATS.md), byte for byte;
//  * the loader opens exactly the registers the verifier calls intact and whose events fold;
//    a register the verifier calls damaged (other than a torn last line) never opens.
#include <nlohmann/json.hpp>

#include <string>

#include "forensics/chronology/entry.hpp"
#include "forensics/evidence/evidence.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace shodo;
using nlohmann::json;

namespace {

constexpr const char* k_incident = "OGMC-20221031-01";

std::string reseal(std::string_view data, bool renumber) {
  std::string out, prev = chronology::k_genesis_hash;
  std::size_t pos = 0;
  std::int64_t line_no = 0;
  while (pos < data.size()) {
    const std::size_t nl = data.find('\n', pos);
    const std::size_t end = nl == std::string_view::npos ? data.size() : nl;
    const std::string_view line = data.substr(pos, end - pos);
    ++line_no;
    json j = json::parse(line, nullptr, false);
    if (!j.is_discarded() && j.is_object()) {
      if (renumber) j["seq"] = line_no;
      j["prev_hash"] = prev;
      j.erase("event_hash");
      prev = chronology::compute_entry_hash(prev, j);
      j["event_hash"] = prev;
      out += j.dump(-1, ' ', false, json::error_handler_t::replace);
    } else {
      out += line;
    }
    if (nl != std::string_view::npos) out += '\n';
    pos = end + 1;
  }
  return out;
}

fuzz::Scratch& scratch() {
  static fuzz::Scratch s;
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t flags = data[0];
  const std::string_view raw = fuzz::bytes(data + 1, size - 1);
  const std::string file = (flags & 1) ? reseal(raw, (flags & 2) != 0) : std::string(raw);
  const std::filesystem::path incident = scratch().dir() / "incidents" / k_incident;
  const std::filesystem::path reg_file = scratch().write("incidents/" + std::string(k_incident) + "/evidence/register.jsonl", file);

  const evidence::RegisterCheck check = evidence::verify_register(reg_file);
  SHODO_FUZZ_CHECK(check.good >= 0 && check.good <= check.lines);
  if (check.bad_line) SHODO_FUZZ_CHECK(*check.bad_line >= 1 && *check.bad_line <= check.lines + 1);
  if (check.torn_tail)
    SHODO_FUZZ_CHECK(!file.empty() && (file.back() != '\n' || file.front() == '\n' || file.find("\n\n") != std::string::npos ||
                                       file.find('\0', file.rfind('\n', file.size() - 2) + 1) != std::string::npos));
  if (check.ok()) SHODO_FUZZ_CHECK(check.good == check.lines && !check.head_hash.empty());
  if (!check.ok()) SHODO_FUZZ_CHECK(!check.problem_en.empty() && !check.problem_ja.empty());
  if (check.ok()) {
    // FORMATS.md: every line is stored in canonical form. A line that is not (reformatted, keys
    // moved, bytes after a NUL that JSON parsers take for the end) has been altered, even when
    // its parsed content still hashes right: an intact register is byte for byte canonical.
    std::size_t pos = 0;
    while (pos < file.size()) {
      const std::size_t nl = file.find('\n', pos);
      const std::string_view line = std::string_view(file).substr(pos, nl - pos);
      SHODO_FUZZ_CHECK(chronology::canonical_json(json::parse(line)) == line);
      pos = nl + 1;
    }
  }

  auto reg = evidence::EvidenceRegister::open_dir(incident, k_incident);
  // Main's register opens with only an incomplete last line (the next write sets it aside,
  // FORMATS.md); any other damage never opens.
  if (!check.ok() && !check.torn_tail) SHODO_FUZZ_CHECK(!reg.ok());
  if (reg.ok()) {
    // Every item the fold produced carries its number; reading them back must not throw.
    for (const auto& item : reg->items()) {
      SHODO_FUZZ_CHECK(!item.evidence_no.empty());
      (void)evidence::to_json(item).dump(-1, ' ', false, json::error_handler_t::replace);
    }
  }
  return 0;
}
