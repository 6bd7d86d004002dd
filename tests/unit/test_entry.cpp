// Chronology entries (REQUIREMENTS §3.2, CHR-23): the canonical form that is hashed, the hash
// itself, the JSON round trip, draft validation, UUIDs and the UTF-8 check under it all.
#include "tests/unit/test_support.hpp"  // first: it configures catch.hpp

#include <regex>
#include <set>

#include "forensics/chronology/entry.hpp"
#include "forensics/chronology/line_scanner.hpp"
#include "forensics/chronology/log.hpp"
#include "forensics/core/atomic_file.hpp"
#include "forensics/integrity/digest.hpp"

using namespace shodo;
using namespace shodo::chronology;
using namespace shodo::unit;

namespace {

// UTF-8 bytes of 暗号化 ("encryption"), spelled out so the test does not depend on the source
// file's encoding.
const std::string k_angouka = "\xe6\x9a\x97\xe5\x8f\xb7\xe5\x8c\x96";

Entry minimal_entry() {
  Entry e;
  e.entry_id = "00000000-0000-4000-8000-000000000001";
  e.seq = 1;
  e.incident_id = k_incident;
  e.device_id = k_device;
  e.boot_id = k_boot_a;
  e.recorded_sys_utc_ns = k_t0_s * k_s + 5;
  e.recorded_mono_ns = 1000 * k_s;
  e.author = "山田 花子";
  e.author_roles = {"SCR"};
  e.category = Category::report;
  e.from = "救急外来";
  e.to = {"情報システム課"};
  e.content = "サーバ室で暗号化を確認";
  e.prev_hash = k_genesis_hash;
  return e;
}

// Every field set to something other than its default.
Entry full_entry() {
  Entry e = minimal_entry();
  e.seq = 42;
  e.recorded_sys_utc_ns = k_t0_s * k_s + 123'456'789;
  e.recorded_mono_ns = 987'654'321'012;
  e.recorded_ref_utc_ns = k_t0_s * k_s + 5 * k_s + 1;
  e.time_quality = TimeQuality::ref_interpolated;
  e.clock_offset_ns = 4'999'999'999;
  e.clock_uncertainty_ns = 1'000'000'000;
  e.author_roles = {"SCR", "CSIRT"};
  e.training = true;
  e.type = EntryType::correction;
  e.system_event = "";
  e.event_time = EventTime{k_t0_s * k_s - 70 * 60 * k_s + 7, Precision::range, k_t0_s * k_s - 10 * 60 * k_s + 9};
  e.to = {"情報システム課", "事務長"};
  e.category = Category::decision;
  e.content = "外部接続を遮断する \"VPN\" 含む\n2行目";
  e.action = "ルータの WAN ケーブルを抜く";
  e.assignee = "佐藤";
  e.status = ItemStatus::in_progress;
  e.priority = "urgent";
  e.channel = "phone";
  e.refs = {"OGMC-20221031-01-E001", "D1"};
  e.attachments = {{"attachments/abc-photo.jpg", std::string(64, 'a')}, {"attachments/scan.pdf", std::string(64, 'b')}};
  e.source = SourceKind::paper;
  e.paper_sheet = 3;
  e.paper_line = 12;
  e.transcriber = "鈴木";
  e.witness = "田中";
  e.target_entry_id = "00000000-0000-4000-8000-000000000007";
  e.reason = "台数を訂正";
  e.time_check = TimeCheck{"117", k_t0_s * k_s + 3, -32'400'000'000'000, 1'000'000'000};
  e.checkpoint = Checkpoint{41, std::string(64, 'c'), std::string(64, 'd'), std::string(128, 'e')};
  e.prev_hash = std::string(64, 'f');
  e.entry_hash = std::string(64, '1');
  return e;
}

void check_same(const Entry& a, const Entry& b) {
  CHECK(a.entry_id == b.entry_id);
  CHECK(a.seq == b.seq);
  CHECK(a.incident_id == b.incident_id);
  CHECK(a.device_id == b.device_id);
  CHECK(a.boot_id == b.boot_id);
  CHECK(a.recorded_sys_utc_ns == b.recorded_sys_utc_ns);
  CHECK(a.recorded_mono_ns == b.recorded_mono_ns);
  CHECK(a.recorded_ref_utc_ns == b.recorded_ref_utc_ns);
  CHECK(a.time_quality == b.time_quality);
  CHECK(a.clock_offset_ns == b.clock_offset_ns);
  CHECK(a.clock_uncertainty_ns == b.clock_uncertainty_ns);
  CHECK(a.author == b.author);
  CHECK(a.author_roles == b.author_roles);
  CHECK(a.training == b.training);
  CHECK(a.type == b.type);
  CHECK(a.system_event == b.system_event);
  REQUIRE(a.event_time.has_value() == b.event_time.has_value());
  if (a.event_time) {
    CHECK(a.event_time->utc_ns == b.event_time->utc_ns);
    CHECK(a.event_time->precision == b.event_time->precision);
    CHECK(a.event_time->end_utc_ns == b.event_time->end_utc_ns);
  }
  CHECK(a.from == b.from);
  CHECK(a.to == b.to);
  CHECK(a.category == b.category);
  CHECK(a.content == b.content);
  CHECK(a.content_en == b.content_en);
  CHECK(a.action == b.action);
  CHECK(a.assignee == b.assignee);
  CHECK(a.status == b.status);
  CHECK(a.priority == b.priority);
  CHECK(a.channel == b.channel);
  CHECK(a.refs == b.refs);
  REQUIRE(a.attachments.size() == b.attachments.size());
  for (std::size_t i = 0; i < a.attachments.size(); ++i) {
    CHECK(a.attachments[i].file == b.attachments[i].file);
    CHECK(a.attachments[i].sha256 == b.attachments[i].sha256);
  }
  CHECK(a.source == b.source);
  CHECK(a.paper_sheet == b.paper_sheet);
  CHECK(a.paper_line == b.paper_line);
  CHECK(a.transcriber == b.transcriber);
  CHECK(a.witness == b.witness);
  CHECK(a.target_entry_id == b.target_entry_id);
  CHECK(a.reason == b.reason);
  REQUIRE(a.time_check.has_value() == b.time_check.has_value());
  if (a.time_check) {
    CHECK(a.time_check->source == b.time_check->source);
    CHECK(a.time_check->reference_utc_ns == b.time_check->reference_utc_ns);
    CHECK(a.time_check->offset_ns == b.time_check->offset_ns);
    CHECK(a.time_check->uncertainty_ns == b.time_check->uncertainty_ns);
  }
  REQUIRE(a.checkpoint.has_value() == b.checkpoint.has_value());
  if (a.checkpoint) {
    CHECK(a.checkpoint->signed_seq == b.checkpoint->signed_seq);
    CHECK(a.checkpoint->signed_hash == b.checkpoint->signed_hash);
    CHECK(a.checkpoint->public_key == b.checkpoint->public_key);
    CHECK(a.checkpoint->signature == b.checkpoint->signature);
  }
  CHECK(a.prev_hash == b.prev_hash);
  CHECK(a.entry_hash == b.entry_hash);
}

std::vector<std::string> top_level_keys(const std::string& canonical) {
  std::vector<Member> ms;
  REQUIRE(scan_object(canonical, ms));
  std::vector<std::string> keys;
  for (const auto& m : ms) keys.emplace_back(m.key);
  return keys;
}

// The hash input built by hand: the stored line minus its ",\"entry_hash\":\"…\"" member.
std::string without_entry_hash_member(const std::string& line) {
  const std::string key = ",\"entry_hash\":\"";
  const std::size_t a = line.find(key);
  REQUIRE(a != std::string::npos);
  const std::size_t b = line.find('"', a + key.size());
  REQUIRE(b != std::string::npos);
  return line.substr(0, a) + line.substr(b + 1);
}

}  // namespace

TEST_CASE("canonical_json: sorted keys, no whitespace, UTF-8 unescaped", "[entry]") {
  const nlohmann::json j = nlohmann::json::parse(R"({"b": 1, "a": "暗号化", "c": {"z": [1, 2], "y": null}})");
  CHECK(canonical_json(j) == "{\"a\":\"" + k_angouka + "\",\"b\":1,\"c\":{\"y\":null,\"z\":[1,2]}}");

  const std::string s = canonical_json(to_json(minimal_entry()));
  CHECK(s.find(k_angouka) != std::string::npos);  // the bytes of 暗号化, not \u6697...
  CHECK(s.find("\\u") == std::string::npos);
  CHECK(s.find(": ") == std::string::npos);
  CHECK(s.find(", ") == std::string::npos);
  CHECK(s.find('\n') == std::string::npos);
  const auto keys = top_level_keys(s);
  CHECK(std::is_sorted(keys.begin(), keys.end()));
  // Empty optional fields are omitted; the key set of a minimal entry is the format.
  CHECK(keys == std::vector<std::string>{"author", "boot_id", "category", "clock_offset_ns", "clock_uncertainty_ns",
                                         "content", "device_id", "entry_id", "entry_type", "format", "from",
                                         "incident_id", "prev_hash", "recorded_mono_ns", "recorded_ref_time",
                                         "recorded_sys_utc", "seq", "source", "time_quality", "to", "training", "v"});
}

TEST_CASE("canonical form of an entry is pinned (format shodo-chronology-entry v1)", "[entry]") {
  // Written by hand from FORMATS.md / REQUIREMENTS §3.2; a change here breaks every stored chain.
  const std::string golden =
      "{\"author\":{\"name\":\"山田 花子\",\"roles\":[\"SCR\"]},\"boot_id\":\"11111111-1111-4111-8111-111111111111\","
      "\"category\":\"report\",\"clock_offset_ns\":0,\"clock_uncertainty_ns\":0,\"content\":\"サーバ室で暗号化を確認\","
      "\"device_id\":\"KIT-0A1B2C3D\",\"entry_id\":\"00000000-0000-4000-8000-000000000001\",\"entry_type\":\"normal\","
      "\"format\":\"shodo-chronology-entry\",\"from\":\"救急外来\",\"incident_id\":\"OGMC-20221031-01\","
      "\"prev_hash\":\"0000000000000000000000000000000000000000000000000000000000000000\","
      "\"recorded_mono_ns\":1000000000000,\"recorded_ref_time\":null,"
      "\"recorded_sys_utc\":\"2022-10-30T23:40:00.000000005Z\",\"seq\":1,\"source\":{\"kind\":\"live\"},"
      "\"time_quality\":\"uncorrected\",\"to\":[\"情報システム課\"],\"training\":false,\"v\":1}";
  const nlohmann::json j = to_json(minimal_entry());
  CHECK(canonical_json(j) == golden);
  // SHA-256(genesis || golden), computed once with `openssl dgst -sha256` over the hand-written text.
  const std::string expected = "566be9db109e9a5e2350059766bc345878a21a3fa3e85869c17bcb43e069efdf";
  CHECK(compute_entry_hash(k_genesis_hash, j) == expected);
  // entry_hash itself is never part of the hashed text.
  nlohmann::json with_hash = j;
  with_hash["entry_hash"] = std::string(64, '9');
  CHECK(compute_entry_hash(k_genesis_hash, with_hash) == expected);
  // The previous hash is part of the input.
  CHECK(compute_entry_hash(std::string(64, '1'), j) != expected);
}

TEST_CASE("compute_entry_hash equals SHA-256(prev || canonical) computed by the openssl CLI", "[entry]") {
  SHODO_TEST_DIR(dir);
  Entry e = full_entry();
  e.entry_hash.clear();
  const std::string prev = std::string(64, 'f');
  const nlohmann::json j = to_json(e);
  const std::string input = prev + canonical_json(j);
  write_bytes(dir / "input.bin", input);
  const std::string by_cli = openssl_sha256_file(dir / "input.bin");
  REQUIRE(by_cli.size() == 64);
  CHECK(compute_entry_hash(prev, j) == by_cli);
  Sha256 h;
  h.update(prev);
  h.update(canonical_json(j));
  CHECK(h.finish_hex() == by_cli);
}

TEST_CASE("ChronologyLog writes canonical_json(to_json(entry)) + newline, hashed as specified", "[entry][log]") {
  SHODO_TEST_DIR(dir);
  FixedClock clock = t0_clock();
  const auto file = dir / "c.jsonl";
  auto log = open_log(log_options(file, &clock));
  auto r1 = log->append(draft("サーバ室で暗号化を確認"));
  REQUIRE(r1.ok());
  clock.advance(k_s);
  auto r2 = log->append(draft("second"));
  REQUIRE(r2.ok());
  const auto lines = split_lines(read_bytes(file));
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == canonical_json(to_json(r1.value())) + "\n");
  CHECK(lines[1] == canonical_json(to_json(r2.value())) + "\n");
  CHECK(lines[0].find(k_angouka) != std::string::npos);
  // Independent hash: SHA-256(prev_hash || stored line without its entry_hash member).
  std::string line1 = lines[1].substr(0, lines[1].size() - 1);
  write_bytes(dir / "h.bin", r2->prev_hash + without_entry_hash_member(line1));
  CHECK(r2->entry_hash == openssl_sha256_file(dir / "h.bin"));
  CHECK(r2->prev_hash == r1->entry_hash);
  CHECK(r1->prev_hash == k_genesis_hash);
}

TEST_CASE("from_json(to_json(e)) round-trips every field", "[entry]") {
  SECTION("every optional field set") {
    const Entry e = full_entry();
    auto back = from_json(to_json(e));
    REQUIRE(back.ok());
    check_same(back.value(), e);
    // ... and also after a trip through the canonical text.
    auto again = from_json(nlohmann::json::parse(canonical_json(to_json(e))));
    REQUIRE(again.ok());
    check_same(again.value(), e);
  }
  SECTION("minimal entry: optional fields stay empty") {
    Entry e = minimal_entry();
    auto back = from_json(to_json(e));
    REQUIRE(back.ok());
    check_same(back.value(), e);
    CHECK_FALSE(back->recorded_ref_utc_ns.has_value());
    CHECK(back->status == ItemStatus::none);
  }
  SECTION("time quality, precision, status and source values") {
    for (auto q : {TimeQuality::ref_confirmed, TimeQuality::ref_interpolated, TimeQuality::uncorrected,
                   TimeQuality::estimated})
      for (auto p : {Precision::exact, Precision::minute, Precision::approx, Precision::range}) {
        Entry e = minimal_entry();
        e.time_quality = q;
        e.event_time = EventTime{k_t0_s * k_s, p, std::nullopt};
        e.action = "x";
        e.status = ItemStatus::not_needed;
        e.source = SourceKind::system;
        auto back = from_json(to_json(e));
        REQUIRE(back.ok());
        CHECK(back->time_quality == q);
        CHECK(back->event_time->precision == p);
        CHECK(back->status == ItemStatus::not_needed);
        CHECK(back->source == SourceKind::system);
      }
  }
}

TEST_CASE("an app-written entry keeps both languages, each reader sees its own (issue 11)", "[entry]") {
  Entry e = minimal_entry();
  e.category = Category::system;
  e.source = SourceKind::system;
  e.content = "アプリ終了";
  e.content_en = "app stopped";
  const auto j = to_json(e);
  CHECK(j.at("content") == "アプリ終了");
  CHECK(j.at("content_en") == "app stopped");
  CHECK(canonical_json(j).find(R"("content":"アプリ終了","content_en":"app stopped")") != std::string::npos);
  auto back = from_json(j);
  REQUIRE(back.ok());
  check_same(back.value(), e);
  CHECK(content_for(back.value(), false) == "アプリ終了");
  CHECK(content_for(back.value(), true) == "app stopped");
  // A person's entry has no English text: both readers see it as typed, and the key is not written.
  const Entry typed = minimal_entry();
  CHECK(content_for(typed, true) == typed.content);
  CHECK_FALSE(to_json(typed).contains("content_en"));
  nlohmann::json wrong = j;
  wrong["content_en"] = 5;
  auto bad = from_json(wrong);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().en.find("content_en") != std::string::npos);
}

TEST_CASE("to_json writes the corrected time as JST with +09:00 and as UTC with ns", "[entry]") {
  Entry e = minimal_entry();
  e.recorded_ref_utc_ns = k_t0_s * k_s + 5 * k_s + 250'000'000;
  const auto j = to_json(e);
  CHECK(j["recorded_ref_time"] == "2022-10-31T08:40:05+09:00");
  CHECK(j["recorded_ref_utc"] == "2022-10-30T23:40:05.250000000Z");
  CHECK(j["recorded_sys_utc"] == "2022-10-30T23:40:00.000000005Z");
  e.source = SourceKind::paper;
  e.paper_sheet = 3;
  e.paper_line = 12;
  e.transcriber = "鈴木";
  CHECK(to_json(e)["source"] == nlohmann::json{{"kind", "paper"}, {"sheet", 3}, {"line", 12}, {"transcriber", "鈴木"}});
}

TEST_CASE("from_json rejects malformed entries and names the field", "[entry]") {
  const nlohmann::json good = to_json(full_entry());
  auto expect_bad = [](nlohmann::json j, const std::string& field, ErrorCode code = ErrorCode::invalid_input) {
    auto r = from_json(j);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == code);
    CHECK(r.error().en.find(field) != std::string::npos);
    CHECK_FALSE(r.error().ja.empty());
  };
  {
    auto j = good;
    j.erase("content");
    expect_bad(j, "content");
  }
  {
    auto j = good;
    j["format"] = "something-else";
    expect_bad(j, "format");
  }
  {
    auto j = good;
    j["v"] = 2;
    expect_bad(j, "version", ErrorCode::unsupported);
  }
  {
    auto j = good;
    j["status"] = "finished";
    expect_bad(j, "status");
  }
  {
    auto j = good;
    j["seq"] = 0;
    expect_bad(j, "seq");
  }
  {
    auto j = good;
    j["seq"] = 1.5;
    expect_bad(j, "seq");
  }
  {
    auto j = good;
    j["source"].erase("sheet");
    expect_bad(j, "source");
  }
  {
    auto j = good;
    j["recorded_sys_utc"] = "2022-10-30T23:40:00";  // no zone
    expect_bad(j, "recorded_sys_utc");
  }
  {
    auto j = good;
    j["event_time"]["precision"] = "roughly";
    expect_bad(j, "event_time");
  }
  {
    auto j = good;
    j["checkpoint"].erase("signature");
    expect_bad(j, "checkpoint");
  }
  {
    auto j = good;
    j["training"] = "yes";
    expect_bad(j, "training");
  }
  CHECK_FALSE(from_json(nlohmann::json::array()).ok());
}

TEST_CASE("from_json returns an error, never throws, on wrongly typed header fields", "[entry]") {
  const nlohmann::json good = to_json(full_entry());
  for (const auto& [key, value] : std::vector<std::pair<std::string, nlohmann::json>>{
           {"v", "1"}, {"v", nullptr}, {"format", 1}, {"format", nlohmann::json::array()}}) {
    INFO(key << " = " << value.dump());
    auto j = good;
    j[key] = value;
    std::optional<Result<Entry>> r;
    CHECK_NOTHROW(r.emplace(from_json(j)));
    if (r) CHECK_FALSE(r->ok());
  }
}

TEST_CASE("enum names are the documented JSON values", "[entry]") {
  CHECK(to_string(EntryType::void_entry) == "void");
  CHECK(to_string(EntryType::status_change) == "status_change");
  CHECK(to_string(TimeQuality::ref_confirmed) == "ref-confirmed");
  CHECK(to_string(TimeQuality::ref_interpolated) == "ref-interpolated");
  CHECK(to_string(ItemStatus::in_progress) == "in_progress");
  CHECK(to_string(ItemStatus::none).empty());
  CHECK(to_string(Category::assessment) == "assessment");
  CHECK(to_string(Precision::approx) == "approx");
  CHECK(to_string(SourceKind::paper) == "paper");
  for (auto c : {Category::report, Category::instruction, Category::request, Category::decision, Category::notice,
                 Category::information, Category::action, Category::assessment, Category::system})
    CHECK(category_from(to_string(c)) == c);
  for (auto t : {EntryType::normal, EntryType::correction, EntryType::void_entry, EntryType::addendum,
                 EntryType::status_change, EntryType::time_check, EntryType::checkpoint})
    CHECK(entry_type_from(to_string(t)) == t);
  CHECK_FALSE(category_from("Report").has_value());
  CHECK_FALSE(entry_type_from("delete").has_value());
  CHECK_FALSE(time_quality_from("ref_confirmed").has_value());
  CHECK_FALSE(source_from("").has_value());
}

TEST_CASE("validate_draft: required fields, reasons, statuses, paper source, UTF-8", "[entry]") {
  auto base = [] {
    Entry d = draft("本文");
    d.author = "山田 花子";
    return d;
  };
  auto expect_invalid = [](const Entry& d, const std::string& en_part) {
    auto st = validate_draft(d);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().code == ErrorCode::invalid_input);
    CHECK(st.error().en.find(en_part) != std::string::npos);
    CHECK_FALSE(st.error().ja.empty());
  };
  CHECK(validate_draft(base()).ok());
  {
    // An English text is the app's translation of its own entries; a person's words are never
    // given one, so no view can show a person's entry in words they did not write.
    Entry d = base();
    d.content_en = "text";
    expect_invalid(d, "content_en");
  }
  {
    Entry d = base();
    d.from.clear();
    expect_invalid(d, "sender");
  }
  {
    Entry d = base();
    d.to.clear();
    expect_invalid(d, "receiver");
  }
  {
    Entry d = base();
    d.to = {""};
    expect_invalid(d, "receiver");
  }
  {
    Entry d = base();
    d.content.clear();
    expect_invalid(d, "content");
  }
  {
    Entry d = base();
    d.author.clear();
    expect_invalid(d, "operator");
  }
  {
    Entry d = base();
    d.type = EntryType::correction;
    d.target_entry_id = "x";
    expect_invalid(d, "reason");
    d.reason = "台数";
    CHECK(validate_draft(d).ok());
    d.target_entry_id.clear();
    expect_invalid(d, "name the entry");
  }
  {
    Entry d = base();
    d.type = EntryType::void_entry;
    d.target_entry_id = "x";
    expect_invalid(d, "reason");
  }
  {
    Entry d = base();
    d.type = EntryType::status_change;
    d.target_entry_id = "x";
    expect_invalid(d, "status");
    d.status = ItemStatus::done;
    CHECK(validate_draft(d).ok());
  }
  {
    Entry d = base();
    d.action = "遮断する";
    expect_invalid(d, "status");
    d.status = ItemStatus::open;
    CHECK(validate_draft(d).ok());
  }
  {
    Entry d = base();
    d.source = SourceKind::paper;
    d.paper_sheet = 3;
    expect_invalid(d, "sheet and a line");
    d.paper_line = 12;
    CHECK(validate_draft(d).ok());
  }
  {
    Entry d = base();
    d.content = "\xff\xfe";
    expect_invalid(d, "UTF-8 (field content)");
  }
  {
    Entry d = base();
    d.to = {"ok", "\xc0\xaf"};
    expect_invalid(d, "UTF-8 (field to)");
  }
  {
    Entry d = base();
    d.category = Category::system;
    expect_invalid(d, "reserved");
  }
  {
    Entry d = base();
    d.event_time = EventTime{10 * k_s, Precision::range, 5 * k_s};
    expect_invalid(d, "end time");
  }
}

TEST_CASE("new_uuid returns distinct RFC 4122 version-4 UUIDs", "[entry]") {
  const std::regex v4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string u = new_uuid();
    CHECK(std::regex_match(u, v4));
    seen.insert(u);
  }
  CHECK(seen.size() == 1000);
}

TEST_CASE("is_valid_utf8 accepts UTF-8 and rejects malformed sequences", "[entry][utf8]") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("plain ASCII"));
  CHECK(is_valid_utf8("電子カルテが開けない。ランサムウェアの疑い"));
  CHECK(is_valid_utf8(k_angouka));
  CHECK(is_valid_utf8("\xf0\x9f\x98\x80"));          // 😀 U+1F600 (4 bytes)
  CHECK(is_valid_utf8("\xf4\x8f\xbf\xbf"));          // U+10FFFF, the last code point
  CHECK(is_valid_utf8("\xc2\x80"));                  // U+0080, smallest 2-byte
  CHECK(is_valid_utf8("\xef\xbd\xb1"));              // ｱ half-width katakana
  CHECK(is_valid_utf8(std::string("a\0b", 3)));      // NUL is valid UTF-8

  CHECK_FALSE(is_valid_utf8("\x80"));                // lone continuation byte
  CHECK_FALSE(is_valid_utf8("abc\xbf"));             // continuation after ASCII
  CHECK_FALSE(is_valid_utf8("\xc0\xaf"));            // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xc1\xbf"));            // overlong U+007F
  CHECK_FALSE(is_valid_utf8("\xe0\x80\xaf"));        // overlong 3-byte
  CHECK_FALSE(is_valid_utf8("\xf0\x8f\xbf\xbf"));    // overlong 4-byte
  CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));        // surrogate U+D800
  CHECK_FALSE(is_valid_utf8("\xed\xbf\xbf"));        // surrogate U+DFFF
  CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));    // U+110000, beyond Unicode
  CHECK_FALSE(is_valid_utf8("\xe6\x9a"));            // 暗 cut after two bytes
  CHECK_FALSE(is_valid_utf8("\xe6\x9a\x97\xe5"));    // 暗 then a cut lead byte
  CHECK_FALSE(is_valid_utf8("\xe6\x41\x97"));        // ASCII where a continuation belongs
  CHECK_FALSE(is_valid_utf8("\xf8\x88\x80\x80\x80"));  // 5-byte form
  CHECK_FALSE(is_valid_utf8("\xff\xfe"));            // UTF-16 BOM bytes
}
