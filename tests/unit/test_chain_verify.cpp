// Hash chain verification (CHR-23): a real 10-entry log written by ChronologyLog, then tampered
// with at the byte level the way a forger, a crash or a careless editor would. Every case checks
// the kind of damage, the line and seq it names, and that both messages say where it is.
// SHA-256 itself is checked against the published NIST test vectors.
#include "tests/unit/test_support.hpp"  // first: it configures catch.hpp

#include <cctype>

#include "forensics/chronology/entry.hpp"
#include "forensics/chronology/log.hpp"
#include "forensics/chronology/verify.hpp"
#include "forensics/integrity/digest.hpp"
#include "forensics/integrity/kit_key.hpp"

using namespace shodo;
using namespace shodo::chronology;
using namespace shodo::unit;

namespace {

VerifyReport verify_file(const std::filesystem::path& file, const VerifyOptions& opt = {}, bool also_in_memory = true) {
  auto r = verify_chronology_file(file, opt);
  if (!r) throw std::runtime_error("verify failed: " + r.error().describe(false));
  VerifyReport rep = std::move(r.value());
  if (!also_in_memory) return rep;
  // The in-memory verifier must agree with the streaming one on every verdict.
  const VerifyReport mem = verify_chronology(read_bytes(file), opt);
  CHECK(mem.count == rep.count);
  CHECK(mem.good_bytes == rep.good_bytes);
  CHECK(mem.last_hash == rep.last_hash);
  CHECK(mem.torn_tail == rep.torn_tail);
  CHECK(mem.checkpoints_verified == rep.checkpoints_verified);
  REQUIRE(mem.problem.has_value() == rep.problem.has_value());
  if (mem.problem) {
    CHECK(mem.problem->kind == rep.problem->kind);
    CHECK(mem.problem->line == rep.problem->line);
  }
  return rep;
}

// The problem names `line` in both languages ("line 4: ..." / "4 行目: ...").
void check_names_line(const Problem& p, std::int64_t line) {
  INFO("en: " << p.en);
  INFO("ja: " << p.ja);
  CHECK(p.line == line);
  CHECK_FALSE(p.en.empty());
  CHECK_FALSE(p.ja.empty());
  const std::string en_prefix = "line " + std::to_string(line);
  const std::string ja_prefix = std::to_string(line) + " 行目";
  CHECK(p.en.rfind(en_prefix, 0) == 0);
  CHECK(p.en.size() > en_prefix.size());
  if (p.en.size() > en_prefix.size()) CHECK(!std::isdigit(static_cast<unsigned char>(p.en[en_prefix.size()])));
  CHECK(p.ja.rfind(ja_prefix, 0) == 0);
}

// Re-serialises a line after `edit`, recomputing its entry_hash (a forger who knows the format).
std::string rehash_line(const std::string& line, const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json j = nlohmann::json::parse(line);
  edit(j);
  j["entry_hash"] = compute_entry_hash(j["prev_hash"].get<std::string>(), j);
  return canonical_json(j) + "\n";
}

std::string entry_hash_of(const std::string& line) {
  return nlohmann::json::parse(line)["entry_hash"].get<std::string>();
}

}  // namespace

TEST_CASE("sha256_hex matches the NIST FIPS 180-2 test vectors", "[chain][sha256]") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  // One million 'a', fed in uneven pieces through the incremental interface.
  Sha256 h;
  const std::string chunk(999, 'a');
  std::size_t left = 1'000'000;
  while (left > 0) {
    const std::size_t n = std::min(left, chunk.size());
    h.update(std::string_view(chunk).substr(0, n));
    left -= n;
  }
  CHECK(h.finish_hex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256_file_hex and hex helpers", "[chain][sha256]") {
  SHODO_TEST_DIR(dir);
  write_bytes(dir / "abc.txt", "abc");
  auto h = sha256_file_hex(dir / "abc.txt");
  REQUIRE(h.ok());
  CHECK(h.value() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  write_bytes(dir / "empty", "");
  CHECK(sha256_file_hex(dir / "empty").value() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  auto missing = sha256_file_hex(dir / "nope");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::not_found);

  CHECK(to_hex(std::string("\x00\x01\xab\xff", 4)) == "0001abff");
  std::string raw;
  CHECK(from_hex("0001ABff", raw));
  CHECK(raw == std::string("\x00\x01\xab\xff", 4));
  CHECK_FALSE(from_hex("abc", raw));   // odd length
  CHECK_FALSE(from_hex("zz", raw));    // not hex
}

TEST_CASE("intact chronology: no problem, count, head and good bytes", "[chain]") {
  SHODO_TEST_DIR(dir);
  std::string head;
  const auto file = write_ten(dir, &head);
  const VerifyReport v = verify_file(file);
  CHECK(v.intact());
  CHECK_FALSE(v.torn_tail);
  CHECK(v.count == 10);
  CHECK(v.last_hash == head);
  CHECK(v.good_bytes == size_of(file));
  REQUIRE(v.entries.size() == 10);
  for (std::int64_t i = 0; i < 10; ++i) CHECK(v.entries[static_cast<std::size_t>(i)].seq == i + 1);
  // With the incident and device pinned, too.
  VerifyOptions o;
  o.incident_id = k_incident;
  o.device_id = k_device;
  CHECK(verify_file(file, o).intact());
}

TEST_CASE("a byte changed inside a content string → changed at that line", "[chain]") {
  SHODO_TEST_DIR(dir);
  const auto file = write_ten(dir);
  auto lines = split_lines(read_bytes(file));
  const std::size_t at = lines[3].find("No. 4 ");
  REQUIRE(at != std::string::npos);
  lines[3][at + 4] = '7';  // "No. 4" → "No. 7": still valid JSON and UTF-8
  write_bytes(file, join(lines));
  const VerifyReport v = verify_file(file);
  REQUIRE(v.problem);
  CHECK(v.problem->kind == Damage::changed);
  CHECK(v.problem->seq == 4);
  check_names_line(*v.problem, 4);
  CHECK(v.problem->en.find("No. 4") != std::string::npos);
  CHECK(v.count == 3);
  CHECK(v.good_bytes == lines[0].size() + lines[1].size() + lines[2].size());
  CHECK(v.last_hash == entry_hash_of(lines[2]));
  CHECK_FALSE(v.torn_tail);
}

TEST_CASE("a byte that breaks the JSON syntax → bad_json at that line", "[chain]") {
  SHODO_TEST_DIR(dir);
  const auto file = write_ten(dir);
  auto lines = split_lines(read_bytes(file));
  const std::size_t at = lines[3].find("\"content\":");
  REQUIRE(at != std::string::npos);
  lines[3][at + 9] = ';';  // "content"; "..."
  write_bytes(file, join(lines));
  const VerifyReport v = verify_file(file);
  REQUIRE(v.problem);
  CHECK(v.problem->kind == Damage::bad_json);
  check_names_line(*v.problem, 4);
  CHECK(v.count == 3);
  CHECK_FALSE(v.torn_tail);
}

TEST_CASE("a deleted line → missing at that line, naming the missing No.", "[chain]") {
  SHODO_TEST_DIR(dir);
  const auto file = write_ten(dir);
  auto lines = split_lines(read_bytes(file));
  lines.erase(lines.begin() + 4);  // line 5 (seq 5)
  write_bytes(file, join(lines));
  const VerifyReport v = verify_file(file);
  REQUIRE(v.problem);
  CHECK(v.problem->kind == Damage::missing);
  CHECK(v.problem->seq == 6);  // what was found on line 5
  check_names_line(*v.problem, 5);
  CHECK(v.problem->en.find("No. 5") != std::string::npos);
  CHECK(v.problem->ja.find("No. 5") != std::string::npos);
  CHECK(v.count == 4);
}

TEST_CASE("the first line deleted → missing at line 1, naming No. 1", "[chain]") {
  SHODO_TEST_DIR(dir);
  const auto file = write_ten(dir);
  auto lines = split_lines(read_bytes(file));
  lines.erase(lines.begin());
  write_bytes(file, join(lines));
  const VerifyReport v = verify_file(file);
  REQUIRE(v.problem);
  CHECK(v.problem->kind == Damage::missing);
  check_names_line(*v.problem, 1);
  CHECK(v.problem->en.find("No. 1") != std::string::npos);
  CHECK(v.count == 0);
  CHECK(v.last_hash == k_genesis_hash);
  CHECK(v.good_bytes == 0);
}

TEST_CASE("two lines swapped → reordered at the first of them", "[chain]") {
  SHODO_TEST_DIR(dir);
  const auto file = write_ten(dir);
  auto lines = split_lines(read_bytes(file));
  std::swap(lines[2], lines[3]);
  write_bytes(file, join(lines));
  const VerifyReport v = verify_file(file);
  REQUIRE(v.problem);
  CHECK(v.problem->kind == Damage::reordered);
  CHECK(v.problem->seq == 4);
  check_names_line(*v.problem, 3);
  CHECK(v.problem->en.find("No. 3 expected") != std::string::npos);
  CHECK(v.count == 2);
}

TEST_CASE("a duplicated line → duplicated at the copy, naming the original line", "[chain]") {
  SHODO_TEST_DIR(dir);
  const auto file = write_ten(dir);
  auto lines = split_lines(read_bytes(file));
  lines.insert(lines.begin() + 6, lines[5]);  // line 6 twice: lines 6 and 7
  write_bytes(file, join(lines));
  const VerifyReport v = verify_file(file);
  REQUIRE(v.problem);
  CHECK(v.problem->kind == Damage::duplicated);
  CHECK(v.problem->seq == 6);
  check_names_line(*v.problem, 7);
  CHECK(v.problem->en.find("duplicates line 6") != std::string::npos);
  CHECK(v.count == 6);
}

TEST_CASE("the last line cut in half → truncated_tail (torn), count 9", "[chain]") {
  SHODO_TEST_DIR(dir);
  const auto file = write_ten(dir);
  auto lines = split_lines(read_bytes(file));
  const std::size_t offset_line10 = join({lines.begin(), lines.begin() + 9}).size();
  lines[9] = lines[9].substr(0, lines[9].size() / 2);  // no newline
  write_bytes(file, join(lines));
  const VerifyReport v = verify_file(file);
  REQUIRE(v.problem);
  CHECK(v.problem->kind == Damage::truncated_tail);
  CHECK(v.torn_tail);
  check_names_line(*v.problem, 10);
  CHECK(v.count == 9);
  CHECK(v.good_bytes == offset_line10);
  CHECK(v.last_hash == entry_hash_of(lines[8]));
  CHECK(v.entries.size() == 9);
}

TEST_CASE("NUL bytes at the end of the file → truncated_tail", "[chain]") {
  SHODO_TEST_DIR(dir);
  const auto file = write_ten(dir);
  const std::string original = read_bytes(file);
  SECTION("NULs after the last complete line") {
    write_bytes(file, original + std::string(512, '\0'));
    const VerifyReport v = verify_file(file);
    REQUIRE(v.problem);
    CHECK(v.problem->kind == Damage::truncated_tail);
    CHECK(v.torn_tail);
    check_names_line(*v.problem, 11);
    CHECK(v.count == 10);
    CHECK(v.good_bytes == original.size());
  }
  SECTION("the last line replaced by NULs and a newline (delayed allocation after power loss)") {
    auto lines = split_lines(original);
    lines[9] = std::string(lines[9].size() - 1, '\0') + "\n";
    write_bytes(file, join(lines));
    const VerifyReport v = verify_file(file);
    REQUIRE(v.problem);
    CHECK(v.problem->kind == Damage::truncated_tail);
    CHECK(v.torn_tail);
    check_names_line(*v.problem, 10);
    CHECK(v.count == 9);
  }
  SECTION("NULs in the middle are damage, not a torn tail") {
    auto lines = split_lines(original);
    lines[4] = std::string(lines[4].size() - 1, '\0') + "\n";
    write_bytes(file, join(lines));
    const VerifyReport v = verify_file(file);
    REQUIRE(v.problem);
    CHECK(v.problem->kind == Damage::bad_json);
    CHECK_FALSE(v.torn_tail);
    check_names_line(*v.problem, 5);
  }
}

TEST_CASE("a blank line after the last entry is reported as a torn tail", "[chain]") {
  SHODO_TEST_DIR(dir);
  const auto file = write_ten(dir);
  const std::string original = read_bytes(file);
  write_bytes(file, original + "\n");
  const VerifyReport v = verify_file(file);
  REQUIRE(v.problem);
  CHECK(v.problem->kind == Damage::truncated_tail);
  CHECK(v.torn_tail);
  check_names_line(*v.problem, 11);
  CHECK(v.count == 10);
  CHECK(v.good_bytes == original.size());
  // A blank line in the middle is damage.
  auto lines = split_lines(original);
  lines.insert(lines.begin() + 3, "\n");
  write_bytes(file, join(lines));
  const VerifyReport m = verify_file(file);
  REQUIRE(m.problem);
  CHECK(m.problem->kind == Damage::bad_json);
  CHECK_FALSE(m.torn_tail);
  check_names_line(*m.problem, 4);
}

TEST_CASE("a rehashed line with wrongly typed fields is reported, never thrown", "[chain]") {
  // A forger (or a buggy writer) controls the JSON types. The verifier must name the line, not
  // throw nlohmann::json::type_error out of verify_chronology (the CLI would abort).
  SHODO_TEST_DIR(dir);
  const auto file = write_ten(dir);
  auto lines = split_lines(read_bytes(file));
  SECTION("format version as a string") {
    lines[9] = rehash_line(lines[9], [](nlohmann::json& j) { j["v"] = "1"; });
  }
  SECTION("format as a number") {
    lines[9] = rehash_line(lines[9], [](nlohmann::json& j) { j["format"] = 1; });
  }
  SECTION("the English text of an app entry as a number") {
    lines[9] = rehash_line(lines[9], [](nlohmann::json& j) { j["content_en"] = 7; });
  }
  write_bytes(file, join(lines));
  std::optional<VerifyReport> v;
  CHECK_NOTHROW(v = verify_file(file));
  REQUIRE(v);
  REQUIRE(v->problem);
  CHECK(v->problem->kind == Damage::bad_json);
  check_names_line(*v->problem, 10);
  CHECK(v->count == 9);
}

TEST_CASE("a checkpoint with wrongly typed fields is a bad signature, never thrown", "[chain]") {
  SHODO_TEST_DIR(dir);
  auto key = KitKey::load_or_create(dir / "kit");
  REQUIRE(key.ok());
  FixedClock clock = t0_clock();
  auto o = log_options(dir / "c.jsonl", &clock);
  o.key = &key.value();
  o.checkpoint_every = 0;
  {
    auto log = open_log(o);
    append_n(*log, clock, 3);
    REQUIRE(log->append_checkpoint().ok());
  }
  auto lines = split_lines(read_bytes(o.file));
  REQUIRE(lines.size() == 4);
  SECTION("signed_seq as a string") {
    lines[3] = rehash_line(lines[3], [](nlohmann::json& j) { j["checkpoint"]["signed_seq"] = "3"; });
  }
  SECTION("public_key as a number") {
    lines[3] = rehash_line(lines[3], [](nlohmann::json& j) { j["checkpoint"]["public_key"] = 7; });
  }
  write_bytes(o.file, join(lines));
  std::optional<VerifyReport> v;
  CHECK_NOTHROW(v = verify_file(o.file));
  REQUIRE(v);
  REQUIRE(v->problem);
  CHECK(v->problem->kind == Damage::bad_signature);
  check_names_line(*v->problem, 4);
}

TEST_CASE("an entry of another incident or kit inserted → foreign", "[chain]") {
  SHODO_TEST_DIR(dir);
  const auto file = write_ten(dir);
  auto lines = split_lines(read_bytes(file));
  FixedClock clock = t0_clock();
  SECTION("another incident") {
    auto other = open_log(log_options(dir / "other.jsonl", &clock, "OGMC-20221031-02"));
    append_n(*other, clock, 1);
    lines.insert(lines.begin() + 4, split_lines(read_bytes(dir / "other.jsonl"))[0]);
    write_bytes(file, join(lines));
    const VerifyReport v = verify_file(file);
    REQUIRE(v.problem);
    CHECK(v.problem->kind == Damage::foreign);
    check_names_line(*v.problem, 5);
    CHECK(v.count == 4);
  }
  SECTION("another kit of the same incident") {
    auto other = open_log(log_options(dir / "other.jsonl", &clock, k_incident, "KIT-FFFFFFFF"));
    append_n(*other, clock, 5);
    lines.insert(lines.begin() + 4, split_lines(read_bytes(dir / "other.jsonl"))[4]);  // its seq 5
    write_bytes(file, join(lines));
    const VerifyReport v = verify_file(file);
    REQUIRE(v.problem);
    CHECK(v.problem->kind == Damage::foreign);
    check_names_line(*v.problem, 5);
  }
  SECTION("the whole file checked against another incident") {
    VerifyOptions o;
    o.incident_id = "OGMC-20221031-02";
    const VerifyReport v = verify_file(file, o);
    REQUIRE(v.problem);
    CHECK(v.problem->kind == Damage::foreign);
    check_names_line(*v.problem, 1);
  }
}

TEST_CASE("content changed AND entry_hash recomputed → chain_broken at the next line", "[chain]") {
  SHODO_TEST_DIR(dir);
  const auto file = write_ten(dir);
  auto lines = split_lines(read_bytes(file));
  lines[3] = rehash_line(lines[3], [](nlohmann::json& j) { j["content"] = "何も起きていない"; });
  write_bytes(file, join(lines));
  const VerifyReport v = verify_file(file);
  REQUIRE(v.problem);
  CHECK(v.problem->kind == Damage::chain_broken);
  CHECK(v.problem->seq == 5);
  check_names_line(*v.problem, 5);
  CHECK(v.count == 4);  // the forged line 4 itself is self-consistent
}

TEST_CASE("a rehashed last line that is not a valid entry → bad_json naming the field", "[chain]") {
  SHODO_TEST_DIR(dir);
  const auto file = write_ten(dir);
  auto lines = split_lines(read_bytes(file));
  lines[9] = rehash_line(lines[9], [](nlohmann::json& j) { j["status"] = "finished"; });
  write_bytes(file, join(lines));
  const VerifyReport v = verify_file(file);
  REQUIRE(v.problem);
  CHECK(v.problem->kind == Damage::bad_json);
  check_names_line(*v.problem, 10);
  CHECK(v.problem->en.find("status") != std::string::npos);
  CHECK(v.count == 9);

  // keep_entries only saves memory: the verdict must be the same without it (the CLI verifier
  // streams with keep_entries=false and must not say OK for a file the app cannot load).
  VerifyOptions lean;
  lean.keep_entries = false;
  const VerifyReport w = verify_file(file, lean);
  REQUIRE(w.problem);
  CHECK(w.problem->kind == Damage::bad_json);
  CHECK(w.problem->line == 10);
  CHECK(w.count == 9);
}

TEST_CASE("signed checkpoints: verified, and an altered signature → bad_signature", "[chain]") {
  SHODO_TEST_DIR(dir);
  auto key = KitKey::load_or_create(dir / "kit");
  REQUIRE(key.ok());
  FixedClock clock = t0_clock();
  const auto file = dir / "c.jsonl";
  auto o = log_options(file, &clock);
  o.key = &key.value();
  o.checkpoint_every = 0;
  {
    auto log = open_log(o);
    append_n(*log, clock, 10);
    auto cp = log->append_checkpoint();
    REQUIRE(cp.ok());
    CHECK(cp->seq == 11);
    CHECK(cp->checkpoint->signed_seq == 10);
  }
  VerifyOptions pinned;
  pinned.pinned_public_key = key->public_key_hex();
  {
    const VerifyReport v = verify_file(file, pinned);
    CHECK(v.intact());
    CHECK(v.count == 11);
    CHECK(v.checkpoints_verified == 1);
  }
  auto lines = split_lines(read_bytes(file));
  REQUIRE(lines.size() == 11);

  SECTION("signature altered, entry rehashed") {
    lines[10] = rehash_line(lines[10], [](nlohmann::json& j) {
      std::string sig = j["checkpoint"]["signature"];
      sig[0] = sig[0] == '0' ? '1' : '0';
      j["checkpoint"]["signature"] = sig;
    });
    write_bytes(file, join(lines));
    const VerifyReport v = verify_file(file);
    REQUIRE(v.problem);
    CHECK(v.problem->kind == Damage::bad_signature);
    CHECK(v.problem->seq == 11);
    check_names_line(*v.problem, 11);
    CHECK(v.count == 10);
    CHECK(v.checkpoints_verified == 0);
  }
  SECTION("checkpoint claims another head, entry rehashed") {
    lines[10] = rehash_line(lines[10], [](nlohmann::json& j) { j["checkpoint"]["signed_seq"] = 9; });
    write_bytes(file, join(lines));
    const VerifyReport v = verify_file(file);
    REQUIRE(v.problem);
    CHECK(v.problem->kind == Damage::bad_signature);
    check_names_line(*v.problem, 11);
  }
  SECTION("checkpoint signed by a different kit key than the pinned one") {
    auto other = KitKey::load_or_create(dir / "kit2");
    REQUIRE(other.ok());
    lines[10] = rehash_line(lines[10], [&](nlohmann::json& j) {
      j["checkpoint"]["public_key"] = other->public_key_hex();
      j["checkpoint"]["signature"] = other->sign_hex(checkpoint_message(
          k_incident, k_device, 10, j["checkpoint"]["signed_hash"].get<std::string>()));
    });
    write_bytes(file, join(lines));
    // Self-consistent for a verifier that does not know the kit...
    CHECK(verify_file(file).intact());
    // ... but not for one that pins the kit's key.
    const VerifyReport v = verify_file(file, pinned);
    REQUIRE(v.problem);
    CHECK(v.problem->kind == Damage::bad_signature);
    check_names_line(*v.problem, 11);
  }
}

TEST_CASE("expected head: fewer entries or another hash → head_mismatch", "[chain]") {
  SHODO_TEST_DIR(dir);
  std::string head;
  const auto file = write_ten(dir, &head);
  const auto lines = split_lines(read_bytes(file));
  VerifyOptions o;
  o.expected_count = 12;
  VerifyReport v = verify_file(file, o);
  REQUIRE(v.problem);
  CHECK(v.problem->kind == Damage::head_mismatch);
  CHECK(v.problem->line == 0);
  CHECK(v.problem->seq == 10);
  CHECK(v.problem->en.find("10 entries") != std::string::npos);
  CHECK(v.problem->en.find("12") != std::string::npos);
  CHECK(v.problem->ja.find("10") != std::string::npos);
  CHECK(v.problem->ja.find("12") != std::string::npos);
  CHECK(v.count == 10);

  o.expected_count = 10;
  o.expected_head_hash = head.substr(0, 16);
  CHECK(verify_file(file, o).intact());
  o.expected_head_hash = std::string(16, head[0] == 'a' ? 'b' : 'a');
  v = verify_file(file, o);
  REQUIRE(v.problem);
  CHECK(v.problem->kind == Damage::head_mismatch);
  CHECK(v.problem->en.find("No. 10") != std::string::npos);

  // The log may have grown since an older export: the printed entry must still be there.
  o.expected_count = 8;
  o.expected_head_hash = entry_hash_of(lines[7]).substr(0, 16);
  CHECK(verify_file(file, o).intact());
  o.expected_head_hash = head.substr(0, 16);  // the hash of No. 10 is not the hash of No. 8
  v = verify_file(file, o);
  REQUIRE(v.problem);
  CHECK(v.problem->kind == Damage::head_mismatch);
  CHECK(v.problem->en.find("No. 8") != std::string::npos);
  o.expected_head_hash.clear();
  CHECK(verify_file(file, o).intact());

  SECTION("the newest entry removed cleanly is only visible against the expected head") {
    auto fewer = lines;
    fewer.pop_back();
    write_bytes(file, join(fewer));
    CHECK(verify_file(file).intact());
    VerifyOptions o2;
    o2.expected_count = 10;
    const VerifyReport v2 = verify_file(file, o2);
    REQUIRE(v2.problem);
    CHECK(v2.problem->kind == Damage::head_mismatch);
    CHECK(v2.count == 9);
  }
}

TEST_CASE("verification of a file larger than the 4 MiB read block", "[chain]") {
  SHODO_TEST_DIR(dir);
  // A synthetic chain (same serialisation as the log, no fsync) of ~5.5 MiB.
  const auto file = dir / "big.jsonl";
  std::string data;
  std::vector<std::size_t> line_start;
  std::string prev = k_genesis_hash;
  const std::string filler(2000, 'x');
  for (int i = 1; i <= 2600; ++i) {
    Entry e;
    e.entry_id = new_uuid();
    e.seq = i;
    e.incident_id = k_incident;
    e.device_id = k_device;
    e.boot_id = k_boot_a;
    e.recorded_sys_utc_ns = k_t0_s * k_s + i * k_s;
    e.recorded_mono_ns = 1000 * k_s + i * k_s;
    e.author = "山田 花子";
    e.from = "a";
    e.to = {"b"};
    e.content = "記録 " + std::to_string(i) + " " + filler;
    e.prev_hash = prev;
    nlohmann::json j = to_json(e);
    prev = compute_entry_hash(prev, j);
    j["entry_hash"] = prev;
    line_start.push_back(data.size());
    data += canonical_json(j) + "\n";
  }
  REQUIRE(data.size() > (5u << 20));
  write_bytes(file, data);
  VerifyOptions o;
  o.keep_entries = false;
  VerifyReport v = verify_file(file, o, false);
  CHECK(v.intact());
  CHECK(v.count == 2600);
  CHECK(v.last_hash == prev);
  CHECK(v.good_bytes == data.size());

  // A change in a line beyond the first block is reported at the right line.
  std::string bad = data;
  const std::size_t at = bad.find(" xxx", line_start[2399]);
  bad[at + 1] = 'y';
  write_bytes(file, bad);
  v = verify_file(file, o);
  REQUIRE(v.problem);
  CHECK(v.problem->kind == Damage::changed);
  CHECK(v.problem->seq == 2400);
  check_names_line(*v.problem, 2400);
  CHECK(v.good_bytes == line_start[2399]);

  // A torn tail after several blocks.
  write_bytes(file, data.substr(0, line_start[2599] + 100));
  v = verify_file(file, o, false);
  REQUIRE(v.problem);
  CHECK(v.problem->kind == Damage::truncated_tail);
  CHECK(v.torn_tail);
  CHECK(v.count == 2599);
  CHECK(v.good_bytes == line_start[2599]);
}

TEST_CASE("verify_chronology_file on a missing file → not_found", "[chain]") {
  SHODO_TEST_DIR(dir);
  auto r = verify_chronology_file(dir / "none.jsonl");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::not_found);
  CHECK(r.error().en.find("none.jsonl") != std::string::npos);
}

TEST_CASE("Damage names", "[chain]") {
  CHECK(to_string(Damage::truncated_tail) == "truncated_tail");
  CHECK(to_string(Damage::head_mismatch) == "head_mismatch");
  CHECK(to_string(Damage::bad_signature) == "bad_signature");
  CHECK(checkpoint_message("I", "D", 7, "h") == "shodo-checkpoint|I|D|7|h");
}
