// libFuzzer harness: the chronology verifier (forensics/chronology/verify.hpp), which reads a
// .jsonl file that may have been damaged or altered, and must name the first bad record.
//
// Input: one option byte, then the file's bytes. Option bit 0 "reseal": before verifying, the
// harness rewrites every line's prev_hash and entry_hash to the values FORMATS.md prescribes
// (SHA-256 of the previous hash and the line minus its entry_hash member), so that mutations reach
// the checks behind the hash (sequence, foreign entries, checkpoints, field shapes, Entry parsing)
// instead of stopping at "changed". Bit 1: pin an incident id. Bit 2: expect a head count.
//
// Contract checked on every input:
//  * never crashes or throws; good_bytes <= size; count == number of entries kept;
//  * intact means every byte was verified (and, without an expected head, good_bytes == size);
//  * a torn tail is reported as Damage::truncated_tail;
//  * the verified prefix, verified alone, is intact with the same count and last hash;
//  * the streaming mode (keep_entries = false, used for huge files) never calls intact a file the
//    full mode (which builds the app's Entry) refuses;
//  * verify_chronology_file on the same bytes gives the same report.
#include <string>
#include <vector>

#include "forensics/chronology/line_scanner.hpp"
#include "forensics/chronology/verify.hpp"
#include "forensics/integrity/digest.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace shodo;
using namespace shodo::chronology;

namespace {

const Member* find(const std::vector<Member>& ms, std::string_view key) {
  for (const auto& m : ms)
    if (m.key == key) return &m;
  return nullptr;
}

// One line with prev_hash set to `prev` and entry_hash recomputed; unchanged when the line is not
// an object with both members. Updates `prev` to the line's entry_hash.
std::string reseal_line(std::string line, std::string& prev) {
  std::vector<Member> ms;
  if (!scan_object(line, ms) || !find(ms, "prev_hash") || !find(ms, "entry_hash")) return line;
  const Member* pm = find(ms, "prev_hash");
  line.replace(pm->end - pm->value.size(), pm->value.size(), "\"" + prev + "\"");
  if (!scan_object(line, ms)) return line;
  const Member* hm = find(ms, "entry_hash");
  const std::size_t idx = static_cast<std::size_t>(hm - ms.data());
  std::size_t cut_a = 0, cut_b = 0;
  if (idx > 0) {
    cut_a = ms[idx - 1].end;
    cut_b = hm->end;
  } else {
    cut_a = hm->begin;
    cut_b = idx + 1 < ms.size() ? ms[idx + 1].begin : hm->end;
  }
  Sha256 h;
  h.update(prev);
  h.update(std::string_view(line).substr(0, cut_a));
  h.update(std::string_view(line).substr(cut_b));
  prev = h.finish_hex();
  line.replace(hm->end - hm->value.size(), hm->value.size(), "\"" + prev + "\"");
  return line;
}

std::string reseal(std::string_view data) {
  std::string out, prev = k_genesis_hash;
  std::size_t pos = 0;
  while (pos < data.size()) {
    const std::size_t nl = data.find('\n', pos);
    const std::size_t end = nl == std::string_view::npos ? data.size() : nl;
    out += reseal_line(std::string(data.substr(pos, end - pos)), prev);
    if (nl != std::string_view::npos) out += '\n';
    pos = end + 1;
  }
  return out;
}

bool same(const VerifyReport& a, const VerifyReport& b) {
  if (a.count != b.count || a.good_bytes != b.good_bytes || a.last_hash != b.last_hash || a.torn_tail != b.torn_tail ||
      a.problem.has_value() != b.problem.has_value())
    return false;
  return !a.problem || (a.problem->kind == b.problem->kind && a.problem->line == b.problem->line &&
                        a.problem->seq == b.problem->seq && a.problem->en == b.problem->en);
}

fuzz::Scratch& scratch() {
  static fuzz::Scratch s;
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t flags = data[0];
  const std::string file = (flags & 1) ? reseal(fuzz::bytes(data + 1, size - 1)) : std::string(fuzz::bytes(data + 1, size - 1));
  VerifyOptions opt;
  if (flags & 2) opt.incident_id = "OGMC-20221031-01";
  if (flags & 4) opt.expected_count = (flags >> 4) & 0x7;

  opt.keep_entries = true;
  const VerifyReport full = verify_chronology(file, opt);
  SHODO_FUZZ_CHECK(full.good_bytes <= file.size());
  SHODO_FUZZ_CHECK(static_cast<std::int64_t>(full.entries.size()) == full.count);
  if (full.torn_tail) SHODO_FUZZ_CHECK(full.problem && full.problem->kind == Damage::truncated_tail);
  if (full.intact() && !opt.expected_count) SHODO_FUZZ_CHECK(full.good_bytes == file.size());
  if (full.count > 0) SHODO_FUZZ_CHECK(full.entries.back().entry_hash == full.last_hash);

  VerifyOptions prefix_opt = opt;
  prefix_opt.expected_count.reset();
  const VerifyReport prefix = verify_chronology(std::string_view(file).substr(0, full.good_bytes), prefix_opt);
  SHODO_FUZZ_CHECK(prefix.intact());
  SHODO_FUZZ_CHECK(prefix.count == full.count && prefix.last_hash == full.last_hash);

  opt.keep_entries = false;
  const VerifyReport streaming = verify_chronology(file, opt);
  SHODO_FUZZ_CHECK(streaming.entries.empty());
  // The streaming shape check reads times, integers and nested members with from_json's own
  // readers (chronology::member_valid); found with an impossible month ("2026-13-24…").
  if (streaming.intact()) SHODO_FUZZ_CHECK(full.intact());

  const auto from_file = verify_chronology_file(scratch().write("c.jsonl", file), opt);
  SHODO_FUZZ_CHECK(from_file.ok());
  SHODO_FUZZ_CHECK(same(streaming, from_file.value()));
  return 0;
}
