// Evidence register: the fold — events in register order → the current state of every item and
// the list of transfers ("views are queries", DESIGN.md).
#include "forensics/evidence/evidence_detail.hpp"
#include "forensics/i18n/catalogue.hpp"

namespace shodo::evidence::detail {
namespace fs = std::filesystem;

std::optional<std::pair<std::string, std::string>> apply_event(const RegisterEvent& ev, Folded& f) {
  using Problem = std::pair<std::string, std::string>;
  auto bad = [](const std::string& ja, const std::string& en) { return std::optional<Problem>(Problem{ja, en}); };
  const json& p = ev.payload;
  if (ev.event == "transfer") {
    if (!p.contains("transfer")) return bad("transfer の内容がありません", "transfer payload missing");
    auto t = transfer_from_json(p["transfer"]);
    if (!t) return bad(t.error().ja, t.error().en);
    for (const auto& no : t->evidence_nos) {
      auto it = f.items.find(no);
      if (it == f.items.end()) return bad("未登録の証拠品 " + no + " の受け渡しです", "transfer of unregistered item " + no);
      it->second.current_custodian = t->to;
      if (!t->seal_no_after.empty()) it->second.seal_no = t->seal_no_after;
      if (t->hash_reverified)
        it->second.verification_events.push_back(
            {t->time.utc_ns, t->to.name, "transfer_recheck", *t->hash_reverified,
             t->transfer_id + (t->hash_reverified_detail.empty() ? "" : ": " + t->hash_reverified_detail)});
    }
    f.transfers.push_back(t.value());
    return std::nullopt;
  }
  if (ev.event == "item_added") {
    if (!p.contains("item")) return bad("item の内容がありません", "item payload missing");
    auto item = item_from_json(p["item"]);
    if (!item) return bad(item.error().ja, item.error().en);
    if (item->evidence_no != ev.evidence_no || f.items.count(ev.evidence_no))
      return bad("証拠番号 " + ev.evidence_no + " が重複または不一致です", "evidence number " + ev.evidence_no + " duplicated or inconsistent");
    item->current_custodian = item->collected_by;
    item->registered_utc_ns = ev.recorded.utc_ns;
    item->registered_by = ev.author;
    f.items.emplace(ev.evidence_no, std::move(item.value()));
    return std::nullopt;
  }
  auto it = f.items.find(ev.evidence_no);
  if (it == f.items.end())
    return bad("未登録の証拠品 " + ev.evidence_no + " への記録です", "event for unregistered item " + ev.evidence_no);
  EvidenceItem& item = it->second;
  if (ev.event == "item_updated") {
    if (!p.contains("changes") || !p["changes"].is_object()) return bad("changes がありません", "changes missing");
    json j = to_json(item);
    for (auto c = p["changes"].begin(); c != p["changes"].end(); ++c) {
      if (c.value().is_null())
        j.erase(c.key());
      else
        j[c.key()] = c.value();
    }
    auto updated = item_from_json(j);
    if (!updated) return bad(updated.error().ja, updated.error().en);
    updated->current_custodian = item.current_custodian;
    updated->registered_utc_ns = item.registered_utc_ns;
    updated->registered_by = item.registered_by;
    item = std::move(updated.value());
  } else if (ev.event == "hash_recorded") {
    if (!p.contains("hash")) return bad("hash がありません", "hash missing");
    auto h = hash_from_json(p["hash"]);
    if (!h) return bad(h.error().ja, h.error().en);
    item.hashes.push_back(h.value());
  } else if (ev.event == "verification") {
    if (!p.contains("verification")) return bad("verification がありません", "verification missing");
    auto v = verification_from_json(p["verification"]);
    if (!v) return bad(v.error().ja, v.error().en);
    item.verification_events.push_back(v.value());
  } else if (ev.event == "sealed") {
    Reader r(p, "payload");
    item.seal_no = r.str("seal_no", true);
    const std::string bag = r.str("bag_no");
    if (!bag.empty()) item.bag_no = bag;
    if (!r.ok()) return bad(r.error().ja, r.error().en);
  } else if (ev.event == "storage_changed") {
    Reader r(p, "payload");
    item.storage_location = r.str("storage_location");
    item.storage_conditions = r.str("storage_conditions");
    item.access_restriction = r.str("access_restriction");
    if (!r.ok()) return bad(r.error().ja, r.error().en);
  } else if (ev.event == "disposition") {
    if (!p.contains("disposition")) return bad("disposition がありません", "disposition missing");
    auto d = disposition_from_json(p["disposition"]);
    if (!d) return bad(d.error().ja, d.error().en);
    item.disposition = d.value();
  }
  return std::nullopt;
}

std::optional<RegisterCheck> fold(const std::vector<RegisterEvent>& events, Folded& f) {
  for (const auto& ev : events) {
    if (auto p = apply_event(ev, f)) {
      RegisterCheck c;
      c.lines = static_cast<std::int64_t>(events.size());
      c.good = ev.seq - 1;
      c.bad_line = ev.seq;
      c.problem_ja = p->first;
      c.problem_en = p->second;
      return c;
    }
  }
  return std::nullopt;
}

Error unknown_item(const std::string& no) {
  auto text = [&](i18n::Lang l) {
    std::string s = i18n::tr("evidence.error.not_registered", l);
    const auto at = s.find("{no}");
    if (at != std::string::npos) s.replace(at, 4, no);
    return s;
  };
  return make_error(ErrorCode::not_found, text(i18n::Lang::ja), text(i18n::Lang::en));
}

Error damaged(const fs::path& file, const RegisterCheck& c) {
  const std::string line = c.bad_line ? std::to_string(*c.bad_line) : "?";
  return make_error(ErrorCode::integrity,
                    "証拠品台帳が損傷しています（" + file.string() + " の " + line + " 行目: " + c.problem_ja +
                        "）。台帳には書き込みません。ファイルを保全し、責任者に報告してください",
                    "the evidence register is damaged (" + file.string() + " line " + line + ": " + c.problem_en +
                        "). Nothing is written to it; preserve the file and report to the incident lead");
}

}  // namespace shodo::evidence::detail
