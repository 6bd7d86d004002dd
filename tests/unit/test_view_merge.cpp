// The current-state view over an append-only chronology (CHR-21/22, CHR-03) and the merge of
// several kits' chronologies (CHR-16).
#include "tests/unit/test_support.hpp"  // first: it configures catch.hpp

#include "forensics/chronology/log.hpp"
#include "forensics/chronology/merge.hpp"
#include "forensics/chronology/time_reference.hpp"
#include "forensics/chronology/view.hpp"

using namespace shodo;
using namespace shodo::chronology;
using namespace shodo::unit;
namespace fs = std::filesystem;

namespace {

Entry modifier(EntryType type, const Entry& target, const std::string& content = {}, const std::string& reason = {}) {
  Entry d = draft(content.empty() ? std::string("（") + std::string(to_string(type)) + "）" : content);
  d.type = type;
  d.target_entry_id = target.entry_id;
  d.reason = reason;
  return d;
}

Entry append_ok(ChronologyLog& log, FixedClock& clock, Entry d) {
  clock.advance(k_s);
  auto r = log.append(std::move(d));
  if (!r) throw std::runtime_error("append failed: " + r.error().describe(false));
  return r.value();
}

}  // namespace

TEST_CASE("view: corrections supersede, the newest wins, voids and addenda are attached", "[view]") {
  SHODO_TEST_DIR(dir);
  FixedClock clock = t0_clock();
  auto log = open_log(log_options(dir / "c.jsonl", &clock));
  Entry d1 = draft("電子カルテが開けない");
  d1.action = "ネットワーク遮断を検討";
  d1.status = ItemStatus::open;
  const Entry e1 = append_ok(*log, clock, d1);                                             // 1
  const Entry e2 = append_ok(*log, clock, draft("重複した記録"));                          // 2
  Entry c1d = modifier(EntryType::correction, e1, "電子カルテが開けない（2 台）", "台数を追記");
  const Entry c1 = append_ok(*log, clock, c1d);                                            // 3
  const Entry c2 = append_ok(*log, clock,
                             modifier(EntryType::correction, e1, "電子カルテが開けない（3 台）", "台数を再訂正"));  // 4
  const Entry v = append_ok(*log, clock, modifier(EntryType::void_entry, e2, "取消", "重複入力"));  // 5
  const Entry a = append_ok(*log, clock, modifier(EntryType::addendum, e1, "PACS は閲覧可能"));   // 6
  Entry sd = modifier(EntryType::status_change, e1, "対応開始");
  sd.status = ItemStatus::in_progress;
  const Entry s = append_ok(*log, clock, sd);  // 7

  const auto& entries = log->entries();
  REQUIRE(entries.size() == 7);
  ChronologyView view(entries);
  REQUIRE(view.states().size() == 7);

  const EntryState* st1 = view.find(e1.entry_id);
  REQUIRE(st1 != nullptr);
  CHECK(st1->entry == &entries[0]);
  CHECK(st1->superseded);
  CHECK(st1->superseded_by_seq == 4);
  REQUIRE(st1->current != nullptr);
  CHECK(st1->current->seq == 4);
  CHECK(st1->current->content == "電子カルテが開けない（3 台）");
  REQUIRE(st1->corrections.size() == 2);
  CHECK(st1->corrections[0]->seq == c1.seq);
  CHECK(st1->corrections[1]->seq == c2.seq);
  REQUIRE(st1->addenda.size() == 1);
  CHECK(st1->addenda[0]->seq == a.seq);
  CHECK(st1->addenda[0]->content == "PACS は閲覧可能");
  CHECK(st1->current_status == ItemStatus::in_progress);
  CHECK_FALSE(st1->voided);
  // The original stays what it was (CHR-22: never hidden).
  CHECK(st1->entry->content == "電子カルテが開けない");

  const EntryState* st2 = view.find(e2.entry_id);
  REQUIRE(st2 != nullptr);
  CHECK(st2->voided);
  CHECK(st2->void_reason == "重複入力");
  CHECK(st2->voided_by_seq == v.seq);
  CHECK_FALSE(st2->superseded);
  CHECK(st2->current == st2->entry);

  // Modifiers themselves are not superseded or voided.
  CHECK_FALSE(view.find(c1.entry_id)->superseded);
  CHECK(ChronologyView::is_modifier(entries[2]));
  CHECK(ChronologyView::is_modifier(entries[6]));
  CHECK_FALSE(ChronologyView::is_modifier(entries[0]));
  CHECK(view.find("no-such-id") == nullptr);

  auto open = view.open_items();
  REQUIRE(open.size() == 1);
  CHECK(open[0]->entry->seq == 1);

  // Done → no longer open.
  Entry done = modifier(EntryType::status_change, e1, "完了");
  done.status = ItemStatus::done;
  append_ok(*log, clock, done);
  ChronologyView after(log->entries());
  CHECK(after.find(e1.entry_id)->current_status == ItemStatus::done);
  CHECK(after.open_items().empty());
  (void)s;
}

TEST_CASE("view: open items are 未 and 対応中, not done, not voided, not modifiers", "[view]") {
  auto mk = [](std::int64_t seq, EntryType type, ItemStatus status, const std::string& target = {}) {
    Entry e;
    e.entry_id = "id-" + std::to_string(seq);
    e.seq = seq;
    e.type = type;
    e.status = status;
    e.action = status == ItemStatus::none ? "" : "x";
    e.target_entry_id = target;
    return e;
  };
  const std::vector<Entry> entries = {
      mk(1, EntryType::normal, ItemStatus::open),
      mk(2, EntryType::normal, ItemStatus::in_progress),
      mk(3, EntryType::normal, ItemStatus::done),
      mk(4, EntryType::normal, ItemStatus::not_needed),
      mk(5, EntryType::normal, ItemStatus::none),
      mk(6, EntryType::normal, ItemStatus::open),
      mk(7, EntryType::void_entry, ItemStatus::none, "id-6"),
      mk(8, EntryType::correction, ItemStatus::none, "id-3"),    // corrects No. 3's text only
      mk(9, EntryType::status_change, ItemStatus::open, "id-4"),  // No. 4 reopened
      mk(10, EntryType::normal, ItemStatus::open),
      mk(11, EntryType::status_change, ItemStatus::done, "id-10"),
      mk(12, EntryType::status_change, ItemStatus::open, "id-in-another-kit"),
  };
  ChronologyView view(entries);
  std::vector<std::int64_t> open;
  for (const auto* s : view.open_items()) open.push_back(s->entry->seq);
  CHECK(open == std::vector<std::int64_t>{1, 2, 4});
  CHECK(view.find("id-3")->current_status == ItemStatus::done);
  CHECK(view.find("id-3")->superseded_by_seq == 8);
  CHECK(view.find("id-4")->current_status == ItemStatus::open);
  CHECK(view.find("id-10")->current_status == ItemStatus::done);
  CHECK(view.find("id-6")->voided_by_seq == 7);
}

TEST_CASE("view: the status changes only by status_change entries, not by a correction", "[view]") {
  // REQUIREMENTS §3.2: 状態 "Changes only by a status-change entry (§3.4)". A correction carries
  // the complete corrected fields, copied from the version in force (app/cli/chrono_cmd.cpp
  // "correct" starts from view.current), so it carries the OLD status: fixing a typo in an item
  // already marked 済 must not put it back on the open-items list.
  SHODO_TEST_DIR(dir);
  FixedClock clock = t0_clock();
  auto log = open_log(log_options(dir / "c.jsonl", &clock));
  Entry d1 = draft("PACS サーバの隔離");
  d1.action = "LAN ケーブルを抜く";
  d1.status = ItemStatus::open;
  const Entry e1 = append_ok(*log, clock, d1);
  Entry done = modifier(EntryType::status_change, e1, "隔離済み");
  done.status = ItemStatus::done;
  append_ok(*log, clock, done);
  // The correction as the CLI builds it: the fields in force, with the text fixed.
  Entry corr = *ChronologyView(log->entries()).find(e1.entry_id)->current;
  corr.type = EntryType::correction;
  corr.target_entry_id = e1.entry_id;
  corr.reason = "誤字";
  corr.content = "PACS サーバを隔離";
  append_ok(*log, clock, corr);

  ChronologyView view(log->entries());
  const EntryState* st = view.find(e1.entry_id);
  REQUIRE(st != nullptr);
  CHECK(st->current->content == "PACS サーバを隔離");
  CHECK(st->current_status == ItemStatus::done);
  CHECK(view.open_items().empty());
}

TEST_CASE("view: a voided correction or status change is no longer in force", "[view]") {
  // CHR-21: 取消 means "entered in error". When the operator voids a wrong correction or a status
  // change made on the wrong item, the target must fall back to what was in force before;
  // otherwise an item wrongly marked 済 vanishes from the open-items list (CHR-03) for good.
  SHODO_TEST_DIR(dir);
  FixedClock clock = t0_clock();
  auto log = open_log(log_options(dir / "c.jsonl", &clock));
  Entry d1 = draft("保守事業者に電話連絡、折り返し待ち");
  d1.action = "折り返しを確認";
  d1.status = ItemStatus::open;
  const Entry e1 = append_ok(*log, clock, d1);  // 1
  Entry done = modifier(EntryType::status_change, e1, "完了");
  done.status = ItemStatus::done;
  const Entry s = append_ok(*log, clock, done);                                             // 2
  append_ok(*log, clock, modifier(EntryType::void_entry, s, "取消", "別の項目と取り違え"));  // 3
  const Entry c = append_ok(*log, clock,
                            modifier(EntryType::correction, e1, "誤った訂正", "誤記"));          // 4
  append_ok(*log, clock, modifier(EntryType::void_entry, c, "取消", "訂正の誤り"));            // 5

  ChronologyView view(log->entries());
  const EntryState* st = view.find(e1.entry_id);
  REQUIRE(st != nullptr);
  CHECK(view.find(s.entry_id)->voided);
  CHECK(view.find(c.entry_id)->voided);
  CHECK(st->current_status == ItemStatus::open);
  REQUIRE(st->current != nullptr);
  CHECK(st->current->content == "保守事業者に電話連絡、折り返し待ち");
  std::vector<std::int64_t> open;
  for (const auto* o : view.open_items()) open.push_back(o->entry->seq);
  CHECK(open == std::vector<std::int64_t>{1});
  // The voided correction stays visible (CHR-22), it is just not in force.
  CHECK(st->corrections.size() == 1);
}

namespace {

struct Kit {
  std::unique_ptr<FixedClock> clock;  // on the heap: the log keeps a pointer to it
  std::unique_ptr<ChronologyLog> log;
  std::int64_t skew_ns;  // system clock − true time
};

// A kit whose clock runs `skew_s` ahead of true time; its first entry is a 117 time check.
Kit make_kit(const fs::path& file, const std::string& device, std::int64_t skew_s, const std::string& boot,
             bool confirm, const std::string& incident = k_incident) {
  Kit k{std::make_unique<FixedClock>(reading(k_t0_s * k_s + skew_s * k_s, 1000 * k_s, boot)), nullptr,
        skew_s * k_s};
  k.log = open_log(log_options(file, k.clock.get(), incident, device));
  if (confirm) {
    const ClockReading at = k.clock->now();
    auto r = k.log->append(make_time_check_draft(at, at.sys_utc_ns - k.skew_ns, k_s, "117", ""));
    if (!r) throw std::runtime_error("time check failed: " + r.error().describe(false));
  }
  return k;
}

// Appends an entry at `true_ms` ms of true time after t0.
Entry at_true_time(Kit& k, std::int64_t true_ms, const std::string& content) {
  const std::int64_t true_ns = k_t0_s * k_s + true_ms * 1'000'000;
  const ClockReading now = k.clock->now();
  k.clock->advance(true_ns + k.skew_ns - now.sys_utc_ns);
  auto r = k.log->append(draft(content));
  if (!r) throw std::runtime_error("append failed: " + r.error().describe(false));
  return r.value();
}

}  // namespace

TEST_CASE("merge: two kits ordered by corrected time, seq order kept, close entries uncertain", "[merge]") {
  SHODO_TEST_DIR(dir);
  const fs::path chrono = dir / "chronology";
  Kit a = make_kit(chrono / "KIT-AAAA0001.jsonl", "KIT-AAAA0001", 0, k_boot_a, true);  // tc at 0 s
  Kit b = make_kit(chrono / "KIT-BBBB0002.jsonl", "KIT-BBBB0002", 100, k_boot_b, false);
  {
    // B's 117 check at true time 5 s (its clock reads 105 s).
    b.clock->advance(5 * k_s);
    const ClockReading at = b.clock->now();
    REQUIRE(b.log->append(make_time_check_draft(at, at.sys_utc_ns - b.skew_ns, k_s, "117", "")).ok());
  }
  at_true_time(a, 10'000, "A2");
  at_true_time(b, 20'000, "B2");
  at_true_time(a, 30'000, "A3");
  at_true_time(b, 40'000, "B3");
  at_true_time(a, 50'000, "A4");
  at_true_time(b, 50'500, "B4");  // 0.5 s after A4: within ±1 s + ±1 s

  auto m = merge_chronologies({a.log->file(), b.log->file()});
  REQUIRE(m.ok());
  const auto& es = m->entries;
  REQUIRE(es.size() == 8);
  std::vector<std::string> order;
  for (const auto& e : es) order.push_back(e.device_id.substr(4, 1) + std::to_string(e.seq));
  CHECK(order == std::vector<std::string>{"A1", "B1", "A2", "B2", "A3", "B3", "A4", "B4"});
  CHECK(es[2].content == "A2");
  CHECK(es[7].content == "B4");
  // B's wall clock was 100 s fast: its corrected times are true times.
  CHECK(*es[3].recorded_ref_utc_ns == k_t0_s * k_s + 20 * k_s);
  CHECK(es[3].recorded_sys_utc_ns == k_t0_s * k_s + 120 * k_s);
  REQUIRE(m->order_uncertain.size() == 8);
  CHECK(m->order_uncertain == std::vector<bool>{false, false, false, false, false, false, true, true});

  REQUIRE(m->chains.size() == 2);
  CHECK(m->chains[0].device_id == "KIT-AAAA0001");
  CHECK(m->chains[0].count == 4);
  CHECK(m->chains[0].last_hash == a.log->head_hash());
  CHECK_FALSE(m->chains[0].problem.has_value());
  CHECK(m->chains[1].device_id == "KIT-BBBB0002");
  CHECK(m->chains[1].count == 4);
  CHECK(m->chains[1].last_hash == b.log->head_hash());
  CHECK_FALSE(m->chains[1].problem.has_value());
  CHECK(ordering_time(es[1]) == k_t0_s * k_s + 5 * k_s);

  // The merged list feeds the view (corrections across the merged order work the same).
  ChronologyView view(m->entries);
  CHECK(view.states().size() == 8);
}

TEST_CASE("merge: uncorrected kits are never in a certain order — ties go by device ID", "[merge]") {
  SHODO_TEST_DIR(dir);
  Kit b = make_kit(dir / "b.jsonl", "KIT-BBBB0002", 0, k_boot_b, false);
  Kit a = make_kit(dir / "a.jsonl", "KIT-AAAA0001", 0, k_boot_a, false);
  at_true_time(a, 1'000, "A1");
  at_true_time(b, 1'000, "B1");  // same instant
  at_true_time(b, 600'000, "B2");
  at_true_time(a, 900'000, "A2");
  auto m = merge_chronologies({b.log->file(), a.log->file()});
  REQUIRE(m.ok());
  std::vector<std::string> order;
  for (const auto& e : m->entries) order.push_back(e.content);
  CHECK(order == std::vector<std::string>{"A1", "B1", "B2", "A2"});
  CHECK(m->order_uncertain == std::vector<bool>{true, true, true, true});
}

TEST_CASE("merge: a damaged file reports its problem and contributes its verified prefix", "[merge]") {
  SHODO_TEST_DIR(dir);
  Kit a = make_kit(dir / "a.jsonl", "KIT-AAAA0001", 0, k_boot_a, true);
  Kit b = make_kit(dir / "b.jsonl", "KIT-BBBB0002", 0, k_boot_b, true);
  for (int i = 1; i <= 3; ++i) {
    at_true_time(a, i * 10'000, "A" + std::to_string(i + 1));
    at_true_time(b, i * 10'000 + 5'000, "B" + std::to_string(i + 1));
  }
  const std::string a_head = a.log->head_hash();
  auto lines = split_lines(read_bytes(b.log->file()));
  REQUIRE(lines.size() == 4);
  const std::size_t at = lines[2].find("\"content\":\"B3\"");
  REQUIRE(at != std::string::npos);
  lines[2][at + 12] = 'X';  // "B3" → "BX"
  write_bytes(b.log->file(), join(lines));

  auto m = merge_chronologies({a.log->file(), b.log->file()});
  REQUIRE(m.ok());
  REQUIRE(m->chains.size() == 2);
  CHECK_FALSE(m->chains[0].problem.has_value());
  CHECK(m->chains[0].count == 4);
  CHECK(m->chains[0].last_hash == a_head);
  REQUIRE(m->chains[1].problem.has_value());
  CHECK(m->chains[1].problem->kind == Damage::changed);
  CHECK(m->chains[1].problem->line == 3);
  CHECK(m->chains[1].count == 2);
  CHECK(m->chains[1].file == b.log->file());
  CHECK(m->entries.size() == 6);
  std::vector<std::string> contents;
  for (const auto& e : m->entries) contents.push_back(e.content);
  CHECK(contents == std::vector<std::string>{"", "", "A2", "B2", "A3", "A4"});
}

TEST_CASE("merge: files of different incidents or missing files are refused", "[merge]") {
  SHODO_TEST_DIR(dir);
  Kit a = make_kit(dir / "a.jsonl", "KIT-AAAA0001", 0, k_boot_a, true);
  Kit b = make_kit(dir / "b.jsonl", "KIT-BBBB0002", 0, k_boot_b, true, "OGMC-20221031-02");
  auto m = merge_chronologies({a.log->file(), b.log->file()});
  REQUIRE_FALSE(m.ok());
  CHECK(m.error().code == ErrorCode::invalid_input);
  CHECK(m.error().en.find("another incident") != std::string::npos);
  CHECK(m.error().en.find("b.jsonl") != std::string::npos);

  auto missing = merge_chronologies({a.log->file(), dir / "none.jsonl"});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::not_found);
}
