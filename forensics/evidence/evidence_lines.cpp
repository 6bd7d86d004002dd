// Evidence register: its lines on the shared hash-chain verifier (forensics/integrity/
// chain_verifier.hpp) — the register's own checks (format, incident, event fields, the fold),
// its wording of the generic problems, and verify_register().
#include "forensics/case/workspace.hpp"
#include "forensics/core/atomic_file.hpp"
#include "forensics/evidence/evidence_detail.hpp"

namespace shodo::evidence {
namespace fs = std::filesystem;
using integrity::ChainedRecord;
using integrity::Damage;
using integrity::RuleProblem;

namespace detail {

integrity::ChainFormat register_chain_format() { return integrity::ChainFormat{"event_hash", "prev_hash", "seq"}; }

namespace {

RuleProblem field_problem(const char* key, const char* ja, const char* en) {
  return RuleProblem{Damage::bad_json, std::string("証拠品記録の項目 ") + key + " が不正です（" + ja + "）",
                     std::string("evidence record field ") + key + " is invalid (" + en + ")"};
}

}  // namespace

std::optional<RuleProblem> RegisterRules::identity(const ChainedRecord& r) {
  if (!is_valid_utf8(r.text)) return RuleProblem{Damage::bad_json, "UTF-8 として読めません", "not valid UTF-8"};
  std::string format, incident;
  long long version = 0;
  const integrity::Member* fm = r.find("format");
  const integrity::Member* vm = r.find("version");
  const integrity::Member* im = r.find("incident_id");
  if (!fm || !integrity::decode_string(fm->value, format)) return field_problem("format", "ありません", "missing");
  if (!vm || !integrity::parse_int(vm->value, version)) return field_problem("version", "ありません", "missing");
  if (!im || !integrity::decode_string(im->value, incident)) return field_problem("incident_id", "ありません", "missing");
  if (format != k_event_format || version != k_event_version)
    return RuleProblem{Damage::bad_json,
                       "形式が \"" + std::string(k_event_format) + "\" 版 1 ではありません（" + format + " 版 " +
                           std::to_string(version) + "）",
                       "format is not \"" + std::string(k_event_format) + "\" version 1 (" + format + " version " +
                           std::to_string(version) + ")"};
  if (!m_incident.empty() && incident != m_incident)
    return RuleProblem{Damage::foreign, "別のインシデント（" + incident + "）の記録です",
                       "the line belongs to another incident (" + incident + ")"};
  return std::nullopt;
}

std::optional<RuleProblem> RegisterRules::accept(const ChainedRecord& r) {
  auto bad = [](const std::string& ja, const std::string& en) { return RuleProblem{Damage::bad_json, ja, en}; };
  json j = json::parse(r.text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("JSON オブジェクトとして読めません", "not a JSON object");
  // Lines are stored in canonical form (FORMATS.md). The chain hash covers the stored bytes, so a
  // line reformatted (spaces, keys moved) with its hash recomputed would still verify although
  // the writer never wrote it (found by fuzz_evidence_register, issue 10 §7). UTF-8 was checked
  // in identity(), so canonical_json cannot throw here.
  if (integrity::canonical_json(j) != r.text)
    return bad("正規形（キー順・空白なし）ではありません（行が書き換えられています）",
               "not in canonical form (the line was rewritten)");
  Reader rd(j, "");
  RegisterEvent out;
  out.seq = r.seq;
  out.event = rd.str("event", true);
  out.event_id = rd.str("event_id", true);
  out.evidence_no = rd.str("evidence_no");
  out.device_id = rd.str("device_id");
  out.author = rd.str("author");
  out.recorded = rd.time("recorded").value_or(RecordedTime{});
  if (!rd.get("recorded")) rd.fail("recorded", "ありません", "missing");
  out.prev_hash = r.prev_hash;
  out.event_hash = r.hash;
  if (!rd.ok()) return bad(rd.error().ja, rd.error().en);
  if (!k_events.count(out.event)) return bad("未知の事象 \"" + out.event + "\"", "unknown event \"" + out.event + "\"");
  const json* payload = rd.get("payload");
  if (!payload || !payload->is_object()) return bad("payload がありません", "payload missing");
  out.payload = *payload;
  if (out.event != "transfer" && out.evidence_no.empty()) return bad("証拠番号 evidence_no がありません", "evidence_no missing");
  // Lines whose chain is intact but whose events do not fit together (a transfer of an item never
  // added, a second item_added): written by hand with the hashes recomputed, or a newer format.
  if (auto p = apply_event(out, folded)) return bad(p->first, p->second);
  events.push_back(std::move(out));
  return std::nullopt;
}

std::optional<RuleProblem> RegisterRules::wording(Damage kind, std::int64_t seq, std::int64_t expected) {
  switch (kind) {
    case Damage::changed:
      return RuleProblem{kind, "ハッシュ値が一致しません（内容が書き換えられています）", "event_hash does not match (the line was altered)"};
    case Damage::chain_broken:
      return RuleProblem{kind, "直前の行のハッシュと繋がっていません（行の削除・入れ替えの疑い）",
                         "prev_hash does not match the previous line (a line was deleted or reordered?)"};
    case Damage::missing:
    case Damage::reordered:
    case Damage::duplicated:
      return RuleProblem{kind,
                         "通番が " + std::to_string(seq) + " です（" + std::to_string(expected) + " のはず。行の削除・挿入の疑い）",
                         "sequence number is " + std::to_string(seq) + ", expected " + std::to_string(expected) +
                             " (a line was deleted or inserted?)"};
    case Damage::truncated_tail:
      return RuleProblem{kind, "最後の行が途中で切れています（書き込み中断の疑い）", "the last line is incomplete (interrupted write?)"};
    default:
      return std::nullopt;
  }
}

void RegisterRules::reset() {
  events.clear();
  folded = Folded{};
}

void RegisterRules::add(const RegisterEvent& ev) {
  (void)apply_event(ev, folded);  // checked by the caller before the line was written
  events.push_back(ev);
}

RegisterCheck check_of(const integrity::ChainState& s) {
  RegisterCheck c;
  c.head_hash = s.last_hash;
  c.good = s.count;
  c.lines = s.count;
  if (s.problem) {
    c.bad_line = s.problem->line;
    c.problem_ja = s.problem->what_ja;
    c.problem_en = s.problem->what_en;
    c.torn_tail = s.torn_tail;
    if (!s.torn_tail) c.lines = s.problem->line;
  }
  return c;
}

RegisterCheck check_file(const fs::path& register_file, const std::string& incident_id, std::vector<RegisterEvent>& events) {
  RegisterCheck c;
  c.head_hash = integrity::k_genesis_hash;
  std::error_code ec;
  if (!fs::exists(register_file, ec)) return c;
  RegisterRules rules(incident_id);
  integrity::ChainVerifier v(register_chain_format(), rules, [&register_file] {
    auto all = read_file(register_file);
    return all ? std::move(all.value()) : std::string();
  });
  if (auto st = v.feed_file(register_file, 0); !st) {
    c.bad_line = 0;
    c.problem_ja = st.error().ja;
    c.problem_en = st.error().en;
    return c;
  }
  events = std::move(rules.events);
  return check_of(v.state());
}

std::optional<RegisterCheck> missing_from_register(const std::vector<RegisterEvent>& events, const Workspace& ws) {
  std::set<std::string> ids;
  for (const auto& e : events) ids.insert(e.event_id);
  for (const auto& e : ws.log().entries()) {
    if (e.system_event.rfind("evidence_", 0) != 0) continue;
    for (const auto& ref : e.refs) {
      if (ref.rfind("evidence-event:", 0) != 0) continue;
      const std::string id = ref.substr(15);
      if (ids.count(id)) continue;
      RegisterCheck c;
      c.lines = static_cast<std::int64_t>(events.size());
      c.good = c.lines;
      c.bad_line = c.lines + 1;
      c.problem_ja = "クロノロジー No. " + std::to_string(e.seq) + " が記録した事象 " + id + " が台帳にありません（末尾の行が削除された疑い）";
      c.problem_en = "event " + id + " recorded in chronology No. " + std::to_string(e.seq) +
                     " is missing from the register (lines cut off the end?)";
      return c;
    }
  }
  return std::nullopt;
}

}  // namespace detail

RegisterCheck verify_register(const fs::path& register_file) {
  std::vector<RegisterEvent> events;
  return detail::check_file(register_file, {}, events);
}

RegisterCheck verify_register(const Workspace& ws) {
  std::vector<RegisterEvent> events;
  RegisterCheck c = detail::check_file(ws.dir() / "evidence" / k_register_file, ws.incident().incident_id, events);
  if (!c.ok()) return c;
  if (auto missing = detail::missing_from_register(events, ws)) return *missing;
  return c;
}

}  // namespace shodo::evidence
