// Evidence register (REQUIREMENTS §4.2/§4.3, docs/FORMATS.md §evidence register): items survive
// the JSON round trip and the fold, numbering, custody from transfers, the hash chain of
// register.jsonl (a flipped byte, a deleted line, a cut-off end), and the chronology entry that
// every register write adds ("One spine").
#include "tests/unit/test_support.hpp"  // first: it configures catch.hpp

#include <nlohmann/json.hpp>

#include "forensics/case/workspace.hpp"
#include "forensics/evidence/evidence.hpp"
#include "tests/unit/test_evidence_support.hpp"

using namespace shodo;
using namespace shodo::evidence;
using namespace shodo::unit;
using namespace shodo::evidence_test;
namespace fs = std::filesystem;

namespace {

// The chronology entries of the workspace that reference `ref`.
std::vector<chronology::Entry> entries_referencing(const Workspace& ws, const std::string& ref) {
  std::vector<chronology::Entry> out;
  for (const auto& e : ws.log().entries())
    if (std::find(e.refs.begin(), e.refs.end(), ref) != e.refs.end()) out.push_back(e);
  return out;
}

}  // namespace

TEST_CASE("evidence: an added item folds back with every field, Japanese text intact", "[evidence]") {
  EvFixture fx;
  auto ws = fx.create();
  auto reg = EvidenceRegister::open(*ws);
  REQUIRE(reg.ok());
  CHECK(reg->items().empty());

  EvidenceItem in = sample_disk();
  auto added = reg->add_item(*ws, in);
  REQUIRE(added.ok());
  CHECK(added->evidence_no == std::string(k_incident) + "-E001");
  CHECK(added->case_no == k_incident);

  // A fresh register read from disk sees the same item.
  auto again = EvidenceRegister::open(*ws);
  REQUIRE(again.ok());
  auto items = again->items();
  REQUIRE(items.size() == 1);
  const EvidenceItem& got = items[0];
  CHECK(got.description == "電子カルテサーバ 内蔵SSD（暗号化されたファイルあり）");
  CHECK(got.item_type == ItemType::storage_medium);
  CHECK(got.make == "Samsung");
  CHECK(got.model == "PM883");
  CHECK(got.serial_no == "S4E7NX0M123456");
  REQUIRE(got.capacity_bytes);
  CHECK(*got.capacity_bytes == 960197124096);
  CHECK(got.interface == "SATA");
  CHECK(got.hostname == "EMR-DB01");
  CHECK(got.ip_addresses == std::vector<std::string>{"10.1.2.3", "10.1.2.4"});
  CHECK(got.mac_addresses == std::vector<std::string>{"00:11:22:33:44:55"});
  CHECK(got.owner_org == "大阪総合医療センター 情報システム課");
  CHECK(got.condition == "電源オン、画面に身代金要求、LANケーブル接続");
  CHECK(got.found_location == "本館3階 サーバ室 ラックB-2");
  REQUIRE(got.found_time);
  CHECK(got.found_time->utc_ns == (k_t0_s - 3600) * k_s);
  CHECK(got.found_time->quality == "estimated");
  REQUIRE(got.collected_time);  // defaulted to now (the kit's clock, uncorrected)
  CHECK(got.collected_time->quality == "uncorrected");
  CHECK(got.collected_time->boot_id == k_boot_a);
  CHECK(got.collected_time->boottime_ns > 0);
  CHECK(got.collected_by.name == "鈴木 一郎");
  CHECK(got.collected_by.organisation == "情報システム課");
  CHECK(got.collected_by.phone == "内線 1234");
  CHECK(got.witness.name == "看護師長 田中");
  CHECK(got.collection_reason == "暗号化の起点と疑われる");
  CHECK(got.source_clock_reading == "2022-10-31 07:41");
  REQUIRE(got.source_clock_offset_ns);
  CHECK(*got.source_clock_offset_ns == 62 * k_s);
  CHECK(got.source_timezone == "Asia/Tokyo");
  REQUIRE(got.photos.size() == 1);
  CHECK(got.photos[0].file == "attachments/IMG_0001.JPG");
  CHECK(got.storage_location == "情報システム課 金庫");
  CHECK(got.refs == std::vector<std::string>{"院内PHS記録-12"});
  CHECK(got.current_custodian.name == "鈴木 一郎");  // no transfer yet: the collector
  CHECK(got.registered_by == "山田 花子");
  CHECK(again->find(got.evidence_no).has_value());
  CHECK_FALSE(again->find(std::string(k_incident) + "-E099").has_value());
}

TEST_CASE("evidence: acquisition and hashes survive — the image item refers to its source", "[evidence]") {
  EvFixture fx;
  auto ws = fx.create();
  auto reg = EvidenceRegister::open(*ws).value();
  auto disk = reg.add_item(*ws, sample_disk());
  REQUIRE(disk.ok());
  auto img = reg.add_item(*ws, sample_image(disk->evidence_no));
  REQUIRE(img.ok());
  CHECK(img->evidence_no == std::string(k_incident) + "-E002");
  CHECK(img->derived_from == disk->evidence_no);
  REQUIRE(img->acquisition);
  CHECK(img->acquisition->destination_medium_serial == "WD-WX12A3456789");
  CHECK(img->acquisition->operator_.name == "鈴木 一郎");
  CHECK(img->acquisition->bytes_read == 960197124096);
  CHECK(img->acquisition->read_errors == 2);
  CHECK(img->acquisition->deviations == "なし");
  CHECK(img->acquisition->started.utc_ns == k_t0_s * k_s);
  REQUIRE(img->hashes.size() == 1);
  CHECK(img->hashes[0].computed_by == "山田 花子");  // defaulted to the operator

  HashRecord src{"sha256", k_sha_a, "whole_device", "/dev/sdb", 0, "", "shodo"};
  REQUIRE(reg.record_hash(*ws, disk->evidence_no, src).ok());
  VerificationEvent v{0, "", "image_reread", true, "再読込で一致"};
  REQUIRE(reg.record_verification(*ws, img->evidence_no, v).ok());

  auto img2 = reg.find(img->evidence_no);
  REQUIRE(img2);
  REQUIRE(img2->verification_events.size() == 1);
  CHECK(img2->verification_events[0].match);
  CHECK(img2->verification_events[0].by == "山田 花子");
  REQUIRE(img2->primary_sha256());
  CHECK(img2->primary_sha256()->value == k_sha_a);
  CHECK(reg.find(disk->evidence_no)->hashes.size() == 1);

  // Bad hashes are refused before anything is written.
  const auto lines_before = reg.events().size();
  CHECK(reg.record_hash(*ws, disk->evidence_no, {"sha256", "abc", "image_file", "", 0, "", ""}).error().code ==
        ErrorCode::invalid_input);
  CHECK(reg.record_hash(*ws, disk->evidence_no, {"crc32", "0000", "image_file", "", 0, "", ""}).error().code ==
        ErrorCode::invalid_input);
  CHECK(reg.record_hash(*ws, disk->evidence_no, {"sha256", k_sha_a, "somewhere", "", 0, "", ""}).error().code ==
        ErrorCode::invalid_input);
  CHECK(reg.events().size() == lines_before);
  // An acquisition without the destination medium serial (REQUIRED, §4.2) is refused.
  EvidenceItem no_serial = sample_image(disk->evidence_no);
  no_serial.acquisition->destination_medium_serial.clear();
  auto r = reg.add_item(*ws, no_serial);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::invalid_input);
}

TEST_CASE("evidence: numbering E001, E002, sub-items E001-01, E001-02", "[evidence]") {
  EvFixture fx;
  auto ws = fx.create();
  auto reg = EvidenceRegister::open(*ws).value();
  const std::string inc = k_incident;
  CHECK(reg.next_evidence_no().value() == inc + "-E001");
  CHECK(reg.next_evidence_no(inc + "-E001").error().code == ErrorCode::not_found);
  CHECK(reg.next_evidence_no("OTHER-20221031-01-E001").error().code == ErrorCode::invalid_input);
  REQUIRE(reg.add_item(*ws, sample_disk()).ok());
  REQUIRE(reg.add_item(*ws, sample_disk()).ok());
  CHECK(reg.next_evidence_no().value() == inc + "-E003");
  CHECK(reg.next_evidence_no(inc + "-E001").value() == inc + "-E001-01");

  EvidenceItem part = sample_disk();
  part.description = "パーティション 2 (NTFS)";
  part.evidence_no = reg.next_evidence_no(inc + "-E001").value();
  part.derived_from = inc + "-E001";
  REQUIRE(reg.add_item(*ws, part).ok());
  CHECK(reg.next_evidence_no(inc + "-E001").value() == inc + "-E001-02");
  CHECK(reg.next_evidence_no(inc + "-E001-01").value() == inc + "-E001-01-01");
  CHECK(reg.next_evidence_no().value() == inc + "-E003");

  // The short form an operator types ("E001", "e001-01") names the item of this incident.
  CHECK(reg.full_number("E001") == inc + "-E001");
  CHECK(reg.full_number("e001-01") == inc + "-E001-01");
  CHECK(reg.full_number(inc + "-E002") == inc + "-E002");
  CHECK(reg.full_number("E") == "E");
  CHECK(reg.full_number("Ex1") == "Ex1");

  // Sorted by number, not by text: E001, E001-01, E002.
  auto items = reg.items();
  REQUIRE(items.size() == 3);
  CHECK(items[0].evidence_no == inc + "-E001");
  CHECK(items[1].evidence_no == inc + "-E001-01");
  CHECK(items[2].evidence_no == inc + "-E002");

  // Given numbers are checked: format, duplicates, parent.
  EvidenceItem dup = sample_disk();
  dup.evidence_no = inc + "-E002";
  CHECK(reg.add_item(*ws, dup).error().code == ErrorCode::already_exists);
  dup.evidence_no = inc + "-E7";
  CHECK(reg.add_item(*ws, dup).error().code == ErrorCode::invalid_input);
  dup.evidence_no = inc + "-E009-01";
  CHECK(reg.add_item(*ws, dup).error().code == ErrorCode::not_found);
  dup.evidence_no.clear();
  dup.description.clear();
  CHECK(reg.add_item(*ws, dup).error().code == ErrorCode::invalid_input);
  dup.description = "x";
  dup.derived_from = inc + "-E050";
  CHECK(reg.add_item(*ws, dup).error().code == ErrorCode::not_found);
  CHECK(reg.items().size() == 3);
}

TEST_CASE("evidence: a transfer makes the receiver the current custodian — seals follow", "[evidence]") {
  EvFixture fx;
  auto ws = fx.create();
  auto reg = EvidenceRegister::open(*ws).value();
  auto a = reg.add_item(*ws, sample_disk()).value();
  auto b = reg.add_item(*ws, sample_disk()).value();
  REQUIRE(reg.record_seal(*ws, a.evidence_no, "SEAL-0001", "BAG-17").ok());
  CHECK(reg.find(a.evidence_no)->seal_no == "SEAL-0001");
  CHECK(reg.find(a.evidence_no)->bag_no == "BAG-17");

  Transfer t;
  t.evidence_nos = {a.evidence_no, b.evidence_no};
  t.from = {"鈴木 一郎", "情報システム課", "大阪総合医療センター", "内線 1234"};
  t.to = {"高橋 次郎", "解析担当", "フォレンジック社", "06-0000-0000"};
  t.purpose = "解析";
  t.method = "courier";
  t.courier = "ヤマト運輸";
  t.tracking_no = "1234-5678-9012";
  t.seal_no_before = "SEAL-0001";
  t.seal_intact = true;
  t.seal_no_after = "SEAL-0002";
  t.hash_reverified = true;
  auto rec = reg.record_transfer(*ws, t);
  REQUIRE(rec.ok());
  CHECK(rec->transfer_id == std::string(k_incident) + "-T001");
  CHECK(rec->time.utc_ns > 0);

  auto reopened = EvidenceRegister::open(*ws).value();
  auto ia = reopened.find(a.evidence_no);
  REQUIRE(ia);
  CHECK(ia->current_custodian.name == "高橋 次郎");
  CHECK(ia->current_custodian.organisation == "フォレンジック社");
  CHECK(ia->seal_no == "SEAL-0002");
  REQUIRE(ia->verification_events.size() == 1);
  CHECK(ia->verification_events[0].what == "transfer_recheck");
  CHECK(reopened.find(b.evidence_no)->current_custodian.name == "高橋 次郎");
  auto ts = reopened.transfers_of(a.evidence_no);
  REQUIRE(ts.size() == 1);
  CHECK(ts[0].tracking_no == "1234-5678-9012");
  REQUIRE(ts[0].seal_intact);
  CHECK(*ts[0].seal_intact);

  // Back again: the last transfer wins.
  Transfer back;
  back.evidence_nos = {a.evidence_no};
  back.from = t.to;
  back.to = {"山田 花子", "", "", ""};
  back.purpose = "返却";
  REQUIRE(reopened.record_transfer(*ws, back).ok());
  CHECK(reopened.find(a.evidence_no)->current_custodian.name == "山田 花子");
  CHECK(reopened.find(b.evidence_no)->current_custodian.name == "高橋 次郎");
  CHECK(reopened.transfers_of(a.evidence_no).size() == 2);
  CHECK(reopened.transfers_of(b.evidence_no).size() == 1);
  CHECK(reopened.transfers().back().transfer_id == std::string(k_incident) + "-T002");

  // Required fields and known items.
  Transfer bad = back;
  bad.purpose.clear();
  CHECK(reopened.record_transfer(*ws, bad).error().code == ErrorCode::invalid_input);
  bad = back;
  bad.to.name.clear();
  CHECK(reopened.record_transfer(*ws, bad).error().code == ErrorCode::invalid_input);
  bad = back;
  bad.evidence_nos = {std::string(k_incident) + "-E077"};
  CHECK(reopened.record_transfer(*ws, bad).error().code == ErrorCode::not_found);
}

TEST_CASE("evidence: storage, disposition and field updates fold — fixed fields cannot be updated", "[evidence]") {
  EvFixture fx;
  auto ws = fx.create();
  auto reg = EvidenceRegister::open(*ws).value();
  auto a = reg.add_item(*ws, sample_disk()).value();
  REQUIRE(reg.update_storage(*ws, a.evidence_no, "本館地下 証拠保管庫 棚3", "施錠、常温", "CSIRT のみ", "解析待ち").ok());
  REQUIRE(reg.update_item(*ws, a.evidence_no, {{"serial_no", "S4E7NX0M999999"}, {"asset_id", "OGMC-SV-0042"}}, "ラベルの読み違い").ok());
  CHECK(reg.update_item(*ws, a.evidence_no, {{"serial_no", "X"}}, "").error().code == ErrorCode::invalid_input);
  CHECK(reg.update_item(*ws, a.evidence_no, {{"evidence_no", "X"}}, "r").error().code == ErrorCode::invalid_input);
  CHECK(reg.update_item(*ws, a.evidence_no, {{"item_type", "spaceship"}}, "r").error().code == ErrorCode::invalid_input);
  Disposition d;
  d.action = "retained";
  d.detail = "2027-03-31 まで保管";
  d.approved_by = "院長";
  REQUIRE(reg.record_disposition(*ws, a.evidence_no, d).ok());
  CHECK(reg.record_disposition(*ws, a.evidence_no, {"burned", "", {}, "", 0}).error().code == ErrorCode::invalid_input);

  auto got = EvidenceRegister::open(*ws).value().find(a.evidence_no);
  REQUIRE(got);
  CHECK(got->storage_location == "本館地下 証拠保管庫 棚3");
  CHECK(got->access_restriction == "CSIRT のみ");
  CHECK(got->serial_no == "S4E7NX0M999999");
  CHECK(got->asset_id == "OGMC-SV-0042");
  CHECK(got->item_type == ItemType::storage_medium);
  REQUIRE(got->disposition);
  CHECK(got->disposition->action == "retained");
  CHECK(got->disposition->by.name == "山田 花子");
  // The update event keeps the previous value and the reason.
  const auto reopened = EvidenceRegister::open(*ws).value();  // a named copy: ev must not dangle
  const auto& ev = reopened.events()[2];
  CHECK(ev.event == "item_updated");
  CHECK(ev.payload["previous"]["serial_no"] == "S4E7NX0M123456");
  CHECK(ev.payload["previous"]["asset_id"].is_null());
  CHECK(ev.payload["reason"] == "ラベルの読み違い");
}

TEST_CASE("evidence: every register write adds a chronology system entry referring to the item", "[evidence]") {
  EvFixture fx;
  auto ws = fx.create();
  auto reg = EvidenceRegister::open(*ws).value();
  auto a = reg.add_item(*ws, sample_disk()).value();
  auto img = reg.add_item(*ws, sample_image(a.evidence_no)).value();
  REQUIRE(reg.record_hash(*ws, a.evidence_no, {"sha256", k_sha_a, "whole_device", "/dev/sdb", 0, "", ""}).ok());
  REQUIRE(reg.record_verification(*ws, img.evidence_no, {0, "", "image_reread", false, "値が違う"}).ok());
  REQUIRE(reg.record_seal(*ws, a.evidence_no, "SEAL-9").ok());
  REQUIRE(reg.update_storage(*ws, a.evidence_no, "金庫", "", "").ok());
  REQUIRE(reg.update_item(*ws, a.evidence_no, {{"condition", "電源オフ"}}, "確認し直し").ok());
  Transfer t;
  t.evidence_nos = {a.evidence_no};
  t.from = {"鈴木 一郎", "", "", ""};
  t.to = {"高橋 次郎", "", "", ""};
  t.purpose = "保管";
  auto tr = reg.record_transfer(*ws, t);
  REQUIRE(tr.ok());
  REQUIRE(reg.record_disposition(*ws, a.evidence_no, {"returned", "病院へ返却", {}, "", 0}).ok());

  // Each event: exactly one system entry, with the evidence number and the event ID in refs.
  const auto& events = reg.events();
  REQUIRE(events.size() == 9);
  const std::vector<std::string> expected_codes = {
      "evidence_added",           "evidence_added",   "evidence_hashed",      "evidence_verified", "evidence_sealed",
      "evidence_storage_changed", "evidence_updated", "evidence_transferred", "evidence_disposition"};
  for (std::size_t i = 0; i < events.size(); ++i) {
    INFO("event " << i << " " << events[i].event);
    auto es = entries_referencing(*ws, "evidence-event:" + events[i].event_id);
    REQUIRE(es.size() == 1);
    CHECK(es[0].system_event == expected_codes[i]);
    CHECK(es[0].category == chronology::Category::system);
    const std::string no = events[i].event == "transfer" ? a.evidence_no : events[i].evidence_no;
    CHECK(std::find(es[0].refs.begin(), es[0].refs.end(), no) != es[0].refs.end());
    CHECK(es[0].content.find(no) != std::string::npos);
  }
  // Readable content lines in both languages, each in its own field (issue 11).
  auto added = entries_referencing(*ws, "evidence-event:" + events[1].event_id)[0];
  CHECK(added.content.rfind("証拠品登録: ", 0) == 0);
  CHECK(added.content.find("派生元: " + a.evidence_no) != std::string::npos);
  CHECK(added.content_en.rfind("evidence registered: ", 0) == 0);
  CHECK(added.content_en.find("derived from: " + a.evidence_no) != std::string::npos);
  CHECK(added.content.find("evidence registered") == std::string::npos);
  CHECK(std::find(added.refs.begin(), added.refs.end(), a.evidence_no) != added.refs.end());  // the parent too
  auto verified = entries_referencing(*ws, "evidence-event:" + events[3].event_id)[0];
  CHECK(verified.content.find("不一致") != std::string::npos);
  CHECK(verified.content_en.find("MISMATCH") != std::string::npos);
  auto transferred = entries_referencing(*ws, tr->transfer_id);
  REQUIRE(transferred.size() == 1);
  CHECK(transferred[0].content.find("引渡者: 鈴木 一郎 → 受領者: 高橋 次郎") != std::string::npos);
  CHECK(transferred[0].content_en.find("from: 鈴木 一郎 → to: 高橋 次郎") != std::string::npos);
  // Filtering the chronology by the evidence number gives its custody history.
  CHECK(entries_referencing(*ws, a.evidence_no).size() == 8);  // all but the verification of the image
}

TEST_CASE("evidence: register lines are hash-chained (format, seq, prev_hash, event_hash)", "[evidence]") {
  EvFixture fx;
  auto ws = fx.create();
  auto reg = EvidenceRegister::open(*ws).value();
  REQUIRE(reg.add_item(*ws, sample_disk()).ok());
  REQUIRE(reg.record_seal(*ws, std::string(k_incident) + "-E001", "SEAL-1").ok());
  const auto lines = split_lines(read_bytes(reg.file()));
  REQUIRE(lines.size() == 2);
  std::string prev(64, '0');
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto j = nlohmann::json::parse(lines[i]);
    CHECK(j["format"] == "shodo-evidence-event");
    CHECK(j["version"] == 1);
    CHECK(j["seq"] == static_cast<int>(i + 1));
    CHECK(j["incident_id"] == k_incident);
    CHECK(j["prev_hash"] == prev);
    // Independently: SHA-256 over prev || the line without event_hash, keys sorted, compact.
    const std::string hash = j["event_hash"];
    j.erase("event_hash");
    const fs::path tmp = fx.dir / "canon.bin";
    write_bytes(tmp, prev + j.dump());
    CHECK(hash == openssl_sha256_file(tmp));
    prev = hash;
  }
  CHECK(file_mode(reg.file()) == 0640);
  CHECK(verify_register(reg.file()).ok());
  CHECK(verify_register(reg.file()).lines == 2);
  CHECK(verify_register(reg.file()).head_hash == prev);  // what `evidence verify` prints
  CHECK(verify_register(*ws).head_hash == prev);
  CHECK(verify_register(fx.dir / "none.jsonl").head_hash == std::string(64, '0'));
}

TEST_CASE("evidence: a flipped byte is found at its line and the register refuses writes", "[evidence]") {
  EvFixture fx;
  auto ws = fx.create();
  {
    auto reg = EvidenceRegister::open(*ws).value();
    for (int i = 0; i < 3; ++i) REQUIRE(reg.add_item(*ws, sample_disk()).ok());
  }
  const fs::path file = ws->dir() / "evidence" / "register.jsonl";
  auto lines = split_lines(read_bytes(file));
  REQUIRE(lines.size() == 3);
  // "Samsung" → "Samsunh" in line 2: valid JSON, wrong hash.
  const auto pos = lines[1].find("Samsung");
  REQUIRE(pos != std::string::npos);
  lines[1][pos + 6] = 'h';
  write_bytes(file, join(lines));

  auto check = verify_register(file);
  REQUIRE_FALSE(check.ok());
  CHECK(*check.bad_line == 2);
  CHECK(check.good == 1);
  CHECK(check.problem_en.find("altered") != std::string::npos);

  auto reg = EvidenceRegister::open(*ws);
  REQUIRE_FALSE(reg.ok());
  CHECK(reg.error().code == ErrorCode::integrity);
  CHECK(reg.error().en.find("line 2") != std::string::npos);
  CHECK(reg.error().ja.find("2 行目") != std::string::npos);
  // Nothing can be written through a register opened before the damage either.
  const auto size = size_of(file);
  lines[1][pos + 6] = 'g';
  write_bytes(file, join(lines));
  auto healthy = EvidenceRegister::open(*ws).value();
  lines[1][pos + 6] = 'h';
  write_bytes(file, join(lines));
  auto w = healthy.add_item(*ws, sample_disk());
  REQUIRE_FALSE(w.ok());
  CHECK(w.error().code == ErrorCode::integrity);
  CHECK(size_of(file) == size);
}

TEST_CASE("evidence: a deleted line, an inserted line and a cut-off end are found", "[evidence]") {
  EvFixture fx;
  auto ws = fx.create();
  {
    auto reg = EvidenceRegister::open(*ws).value();
    for (int i = 0; i < 4; ++i) REQUIRE(reg.add_item(*ws, sample_disk()).ok());
  }
  const fs::path file = ws->dir() / "evidence" / "register.jsonl";
  const std::string original = read_bytes(file);
  auto lines = split_lines(original);

  SECTION("deleted middle line") {
    lines.erase(lines.begin() + 2);
    write_bytes(file, join(lines));
    auto c = verify_register(file);
    REQUIRE_FALSE(c.ok());
    CHECK(*c.bad_line == 3);
    CHECK(c.problem_en.find("deleted") != std::string::npos);
    CHECK_FALSE(c.torn_tail);
  }
  SECTION("duplicated line") {
    lines.insert(lines.begin() + 1, lines[1]);
    write_bytes(file, join(lines));
    auto c = verify_register(file);
    REQUIRE_FALSE(c.ok());
    CHECK(*c.bad_line == 3);
  }
  SECTION("last line deleted: the chronology still names its event") {
    lines.pop_back();
    write_bytes(file, join(lines));
    CHECK(verify_register(file).ok());  // the chain alone cannot see a truncation
    auto with_chronology = verify_register(*ws);
    REQUIRE_FALSE(with_chronology.ok());
    CHECK(*with_chronology.bad_line == 4);
    CHECK(with_chronology.good == 3);
    CHECK_FALSE(with_chronology.torn_tail);
    CHECK(with_chronology.problem_en.find("missing from the register") != std::string::npos);
    auto reg = EvidenceRegister::open(*ws);
    REQUIRE_FALSE(reg.ok());
    CHECK(reg.error().code == ErrorCode::integrity);
    CHECK(reg.error().en.find("missing from the register") != std::string::npos);
    CHECK(reg.error().en.find("line 4") != std::string::npos);
  }
  SECTION("torn last line") {
    write_bytes(file, original + "{\"format\":\"shodo-evid");
    auto c = verify_register(file);
    REQUIRE_FALSE(c.ok());
    CHECK(*c.bad_line == 5);
    CHECK(c.good == 4);
    CHECK(c.torn_tail);  // `evidence verify` exits 8, not 4
  }
  SECTION("a hand-made line with a recomputed hash: a transfer of an item never added") {
    auto last = nlohmann::json::parse(lines.back());
    auto forged = last;
    forged["seq"] = 5;
    forged["event"] = "transfer";
    forged["evidence_no"] = "";
    forged["prev_hash"] = last["event_hash"];
    forged["payload"] = {{"transfer", {{"transfer_id", "X-T001"},
                                       {"evidence_nos", {std::string(k_incident) + "-E099"}},
                                       {"from", {{"name", "a"}}},
                                       {"to", {{"name", "b"}}},
                                       {"time", {{"utc_ns", 1}}},
                                       {"purpose", "p"}}}};
    forged.erase("event_hash");
    const fs::path tmp = fx.dir / "canon.bin";
    write_bytes(tmp, last["event_hash"].get<std::string>() + forged.dump());
    forged["event_hash"] = openssl_sha256_file(tmp);
    lines.push_back(forged.dump() + "\n");
    write_bytes(file, join(lines));
    auto c = verify_register(file);
    REQUIRE_FALSE(c.ok());
    CHECK(*c.bad_line == 5);
    INFO(c.problem_en);
    CHECK(c.problem_en.find("unregistered item") != std::string::npos);
  }
  SECTION("a line of another incident") {
    auto reg = EvidenceRegister::open_dir(ws->dir(), "OTHER-20221031-01");
    REQUIRE_FALSE(reg.ok());
    CHECK(reg.error().en.find("line 1") != std::string::npos);
  }
}

TEST_CASE("evidence: JSON of an item round-trips — wrong types name the field", "[evidence]") {
  EvidenceItem in = sample_image("OGMC-20221031-01-E001");
  in.evidence_no = "OGMC-20221031-01-E002";
  in.case_no = k_incident;
  in.disposition = Disposition{"returned", "院へ返却", {"山田", "", "", ""}, "院長", 5};
  auto out = item_from_json(to_json(in));
  REQUIRE(out.ok());
  CHECK(to_json(out.value()) == to_json(in));

  nlohmann::json j = to_json(in);
  j["capacity_bytes"] = "large";
  auto bad = item_from_json(j);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().en.find("capacity_bytes") != std::string::npos);
  j = to_json(in);
  j["acquisition"]["started"]["utc_ns"] = "soon";
  bad = item_from_json(j);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().en.find("acquisition.started.utc_ns") != std::string::npos);
  j = to_json(in);
  j["item_type"] = "spaceship";
  CHECK_FALSE(item_from_json(j).ok());

  for (ItemType t : all_item_types()) {
    CHECK(item_type_from(to_string(t)) == t);
    CHECK(item_type_label(t, true) != item_type_label(t, false));
  }
}

TEST_CASE("evidence: writes need an operator and valid UTF-8", "[evidence]") {
  EvFixture fx;
  auto ws = fx.create();
  auto reg = EvidenceRegister::open(*ws).value();
  EvidenceItem bad = sample_disk();
  bad.make = std::string("Sam\xff", 4);
  auto r = reg.add_item(*ws, bad);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::invalid_input);
  CHECK(r.error().en.find("item.make") != std::string::npos);
  CHECK_FALSE(fs::exists(reg.file()));

  REQUIRE(ws->set_operator({"", {}}).ok());
  auto r2 = reg.add_item(*ws, sample_disk());
  REQUIRE_FALSE(r2.ok());
  CHECK(r2.error().code == ErrorCode::invalid_input);
  CHECK(r2.error().en.find("operator") != std::string::npos);
}

TEST_CASE("evidence: blank required fields and a file hash without its file name are refused", "[evidence]") {
  EvFixture fx;
  auto ws = fx.create();
  auto reg = EvidenceRegister::open(*ws).value();
  EvidenceItem blank = sample_disk();
  blank.description = " \xE3\x80\x80\t";  // spaces, an ideographic space (U+3000), a tab
  auto r = reg.add_item(*ws, blank);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::invalid_input);
  CHECK(r.error().en.find("description is empty") != std::string::npos);
  EvidenceItem no_target = sample_image("");
  no_target.derived_from.clear();
  no_target.hashes[0].target = " ";
  auto r2 = reg.add_item(*ws, no_target);
  REQUIRE_FALSE(r2.ok());
  CHECK(r2.error().en.find("needs the name of the file") != std::string::npos);
  CHECK_FALSE(fs::exists(reg.file()));

  const auto disk = reg.add_item(*ws, sample_disk()).value();
  CHECK(reg.record_seal(*ws, disk.evidence_no, "\xE3\x80\x80").error().code == ErrorCode::invalid_input);
  CHECK(reg.update_storage(*ws, disk.evidence_no, "  ", "", "").error().code == ErrorCode::invalid_input);
  Transfer t;
  t.evidence_nos = {disk.evidence_no};
  t.from = {"鈴木 一郎", "", "", ""};
  t.to = {"\xE3\x80\x80", "", "", ""};
  t.purpose = "解析";
  CHECK(reg.record_transfer(*ws, t).error().code == ErrorCode::invalid_input);
  t.to.name = "高橋 次郎";
  t.purpose = " ";
  CHECK(reg.record_transfer(*ws, t).error().code == ErrorCode::invalid_input);
  CHECK(reg.events().size() == 1);
  // An unknown item is named with the catalogue text in both languages.
  auto unknown = reg.record_seal(*ws, std::string(k_incident) + "-E404", "S-1");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == ErrorCode::not_found);
  CHECK(unknown.error().ja == "証拠番号 " + std::string(k_incident) + "-E404 は登録されていません（evidence list で確認してください）");
  CHECK(unknown.error().en == "evidence item " + std::string(k_incident) + "-E404 is not registered (see evidence list)");
}

TEST_CASE("evidence: two registers on the same file (two processes) see each other's events", "[evidence]") {
  EvFixture fx;
  auto ws = fx.create();
  auto one = EvidenceRegister::open(*ws).value();
  auto two = EvidenceRegister::open(*ws).value();
  REQUIRE(one.add_item(*ws, sample_disk()).ok());
  auto b = two.add_item(*ws, sample_disk());  // re-reads under the lock first
  REQUIRE(b.ok());
  CHECK(b->evidence_no == std::string(k_incident) + "-E002");
  CHECK(verify_register(one.file()).ok());
  CHECK(verify_register(one.file()).lines == 2);
}
