// Evidence register: EvidenceRegister — open, numbering, queries over the fold, and the write
// path on the shared hash-chained writer (forensics/integrity/chained_log.hpp: flock, re-read of
// the true head, one write + fsync, torn tail set aside) followed by the chronology entry.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "forensics/case/workspace.hpp"
#include "forensics/chronology/entry.hpp"
#include "forensics/core/atomic_file.hpp"
#include "forensics/evidence/evidence_detail.hpp"
#include "forensics/i18n/catalogue.hpp"
#include "forensics/integrity/hash_chain.hpp"

namespace shodo::evidence {
namespace fs = std::filesystem;
using nlohmann::json;
using namespace detail;

namespace {

// "in use by another Shodo window or command" for the register (catalogue key).
Error register_in_use(const fs::path& file) {
  auto text = [&](i18n::Lang l) {
    std::string s = i18n::tr("evidence.error.in_use", l);
    const auto at = s.find("{file}");
    if (at != std::string::npos) s.replace(at, 6, file.string());
    return s;
  };
  return make_error(ErrorCode::not_saved, text(i18n::Lang::ja), text(i18n::Lang::en));
}

}  // namespace

Result<EvidenceRegister> EvidenceRegister::open_dir(const fs::path& incident_dir, const std::string& incident_id) {
  EvidenceRegister reg;
  reg.m_file = incident_dir / "evidence" / k_register_file;
  reg.m_incident_id = incident_id;
  reg.m_rules = std::make_shared<RegisterRules>(incident_id);
  integrity::ChainedLogOptions co;
  co.file = reg.m_file;
  co.format = register_chain_format();
  co.create_on_open = false;  // absent = empty register, created by the first write
  co.reverify_all = true;     // every line is verified again before each write
  co.in_use = register_in_use(reg.m_file);
  co.not_saved_ja = "証拠品台帳への記録は保存されていません。ケース用ボリュームへの書き込みに失敗しました: ";
  co.not_saved_en = "the evidence register event was NOT saved: writing to the case volume failed: ";
  auto chain = integrity::ChainedLog::open(co, *reg.m_rules);
  if (!chain) return chain.error();
  reg.m_chain = std::move(chain.value());
  // A torn last line is no obstacle to reading: it is set aside by the next write.
  const integrity::ChainState& s = reg.m_chain->state();
  if (s.problem && !s.torn_tail) return damaged(reg.m_file, check_of(s));
  reg.m_events = reg.m_rules->events;
  return reg;
}

Result<EvidenceRegister> EvidenceRegister::open(const Workspace& ws) {
  auto reg = open_dir(ws.dir(), ws.incident().incident_id);
  if (!reg) return reg;
  if (auto missing = missing_from_register(reg->m_events, ws)) return damaged(reg->m_file, *missing);
  return reg;
}

Error EvidenceRegister::sync_error(const Error& e) const {
  if (e.code == ErrorCode::integrity && m_chain->state().problem) return damaged(m_file, check_of(m_chain->state()));
  return e;
}

Status EvidenceRegister::record_recovery(Workspace& ws, const integrity::TornTail& torn) {
  // The torn bytes were an event whose write was interrupted (it was never acknowledged); they
  // are kept in the side file and the chronology says so ("One spine").
  const std::string what = std::to_string(torn.bytes) + " bytes → " + torn.side_file.filename().string() + " (sha256 " +
                           torn.sha256 + ")";
  auto e = ws.log().append_system(
      "evidence_register_recovered",
      {"証拠品台帳の書き込み中断から復旧: " + what, "evidence register recovered from interrupted write: " + what},
      {"evidence-register-torn:" + torn.side_file.filename().string()});
  if (e) return ok_status();
  Error err = e.error();
  err.ja = "証拠品台帳の切れた最後の行を " + torn.side_file.string() + " に移しましたが、クロノロジーへの記録に失敗しました: " + err.ja;
  err.en = "the torn last line of the evidence register was moved to " + torn.side_file.string() +
           " but the chronology entry was NOT saved: " + err.en;
  return err;
}

Result<integrity::ChainedLog::Lock> EvidenceRegister::lock_and_catch_up(std::optional<integrity::TornTail>& torn) {
  integrity::SyncReport rep;
  auto lock = m_chain->lock_and_sync(&rep);
  if (!lock) return sync_error(lock.error());
  torn = rep.torn;
  m_events = m_rules->events;
  return lock;
}

Status EvidenceRegister::reload(Workspace& ws) {
  std::error_code ec;
  if (!fs::exists(m_file, ec)) {
    m_rules->reset();
    m_events.clear();
    return ok_status();
  }
  std::optional<integrity::TornTail> torn;
  if (auto lock = lock_and_catch_up(torn); !lock) return lock.error();
  if (torn) return record_recovery(ws, *torn);
  return ok_status();
}

std::string EvidenceRegister::full_number(const std::string& typed) const {
  if (typed.size() > 1 && (typed[0] == 'E' || typed[0] == 'e') && typed[1] >= '0' && typed[1] <= '9') {
    std::string s = typed;
    s[0] = 'E';
    return m_incident_id + "-" + s;
  }
  return typed;
}

Result<std::string> EvidenceRegister::next_evidence_no(const std::string& parent) const {
  const auto all = items();
  std::string prefix;
  int width = 3;
  if (parent.empty()) {
    prefix = m_incident_id + "-E";
  } else {
    if (!is_evidence_no(parent, m_incident_id))
      return invalid("親の証拠番号「" + parent + "」はこのインシデント（" + m_incident_id + "）の証拠番号ではありません",
                     "parent \"" + parent + "\" is not an evidence number of incident " + m_incident_id);
    if (!find(parent))
      return unknown_item(parent);
    prefix = parent + "-";
    width = 2;
  }
  long max = 0;
  for (const auto& i : all) {
    if (i.evidence_no.rfind(prefix, 0) != 0) continue;
    const std::string rest = i.evidence_no.substr(prefix.size());
    if (!all_digits(rest) || rest.size() > 9) continue;
    max = std::max(max, std::stol(rest));
  }
  return fmt::format("{}{:0{}}", prefix, max + 1, width);
}

std::vector<EvidenceItem> EvidenceRegister::items() const {
  Folded f;
  (void)fold(m_events, f);  // verified when loaded
  std::vector<EvidenceItem> out;
  for (auto& [no, item] : f.items) out.push_back(std::move(item));
  std::sort(out.begin(), out.end(), [](const EvidenceItem& a, const EvidenceItem& b) { return evidence_less(a.evidence_no, b.evidence_no); });
  return out;
}

std::optional<EvidenceItem> EvidenceRegister::find(const std::string& evidence_no) const {
  Folded f;
  (void)fold(m_events, f);
  auto it = f.items.find(evidence_no);
  if (it == f.items.end()) return std::nullopt;
  return it->second;
}

std::vector<Transfer> EvidenceRegister::transfers() const {
  Folded f;
  (void)fold(m_events, f);
  return f.transfers;
}

std::vector<Transfer> EvidenceRegister::transfers_of(const std::string& evidence_no) const {
  std::vector<Transfer> out;
  for (auto& t : transfers())
    if (std::find(t.evidence_nos.begin(), t.evidence_nos.end(), evidence_no) != t.evidence_nos.end()) out.push_back(std::move(t));
  return out;
}

namespace {

std::string person_text(const Person& p) {
  std::string s = p.name;
  std::string extra;
  for (const auto* part : {&p.organisation, &p.role})
    if (!part->empty()) extra += (extra.empty() ? "" : " ") + *part;
  if (!extra.empty()) s += "（" + extra + "）";
  return s.empty() ? "—" : s;
}

Status require_operator(const Workspace& ws) {
  if (!ws.log().current_operator().name.empty()) return ok_status();
  return invalid("操作者が設定されていません。証拠品の記録には操作者名が必要です（--operator または SHODO_OPERATOR）",
                 "no operator is set; evidence records need the operator's name (--operator or SHODO_OPERATOR)");
}

Status validate_hash(const HashRecord& h) {
  if (!k_hash_algorithms.count(h.algorithm))
    return invalid("ハッシュ方式「" + h.algorithm + "」は使えません（sha256, sha512, sha1, md5）",
                   "hash algorithm \"" + h.algorithm + "\" is not supported (sha256, sha512, sha1, md5)");
  if (!is_lower_hex(h.value) || h.value.size() != hex_length(h.algorithm))
    return invalid("ハッシュ値が " + h.algorithm + " の16進小文字 " + std::to_string(hex_length(h.algorithm)) + " 桁ではありません",
                   "hash value is not " + std::to_string(hex_length(h.algorithm)) + " lower-case hex digits of " + h.algorithm);
  if (!h.scope.empty() && !k_hash_scopes.count(h.scope))
    return invalid("ハッシュの範囲「" + h.scope + "」は使えません（whole_device, image_file, segment, logical_file, partial）",
                   "hash scope \"" + h.scope + "\" is not one of whole_device, image_file, segment, logical_file, partial");
  // A file hash without the file's name cannot be checked by anyone (nor listed in the EV-03 manifest).
  if ((h.scope == "image_file" || h.scope == "segment" || h.scope == "logical_file") && blank_text(h.target))
    return invalid("範囲 " + h.scope + " のハッシュには対象のファイル名（target）が必要です",
                   "a hash of scope " + h.scope + " needs the name of the file it was computed over (target)");
  return ok_status();
}

std::string hash_text(const HashRecord& h) {
  std::string s = h.algorithm + " " + h.value;
  if (!h.scope.empty()) s += " (" + h.scope + ")";
  if (!h.target.empty()) s += " " + h.target;
  return s;
}

}  // namespace

Result<RegisterEvent> EvidenceRegister::append_event(Workspace& ws, const std::string& event, const std::string& evidence_no,
                                                     json payload, const std::function<Status(json& payload)>& under_lock) {
  if (auto st = require_operator(ws); !st) return st.error();
  if (auto st = check_utf8(payload); !st) return st.error();
  RegisterEvent ev;
  std::optional<integrity::TornTail> torn;
  {
    // Under the lock: every line is verified again (others' events included, a torn tail set
    // aside) and the event goes on the true head.
    auto lock = lock_and_catch_up(torn);
    if (!lock) return lock.error();
    if (under_lock) {
      if (auto st = under_lock(payload); !st) {
        if (torn)
          if (auto rec = record_recovery(ws, *torn); !rec) return rec.error();
        return st.error();
      }
    }

    ev.seq = static_cast<std::int64_t>(m_events.size()) + 1;
    ev.event = event;
    ev.event_id = chronology::new_uuid();
    ev.evidence_no = evidence_no;
    ev.recorded = now_time(ws);
    ev.author = ws.log().current_operator().name;
    ev.device_id = ws.log().options().device_id;
    ev.payload = std::move(payload);
    ev.prev_hash = m_chain->head_hash();
    json j = {{"format", k_event_format},
              {"version", k_event_version},
              {"seq", ev.seq},
              {"event", ev.event},
              {"event_id", ev.event_id},
              {"incident_id", m_incident_id},
              {"device_id", ev.device_id},
              {"author", ev.author},
              {"recorded", to_json(ev.recorded)},
              {"payload", ev.payload},
              {"prev_hash", ev.prev_hash}};
    if (!evidence_no.empty()) j["evidence_no"] = evidence_no;
    ev.event_hash = integrity::chain_hash(ev.prev_hash, j, "event_hash");
    j["event_hash"] = ev.event_hash;

    // Check that the event folds before it is written (e.g. an update that makes a field invalid).
    {
      Folded f = m_rules->folded;
      if (auto p = apply_event(ev, f)) {
        if (torn)
          if (auto st = record_recovery(ws, *torn); !st) return st.error();
        return invalid(p->first, p->second);
      }
    }
    if (auto st = m_chain->append(lock.value(), integrity::canonical_json(j), ev.event_hash); !st) return st.error();
    m_rules->add(ev);
    m_events.push_back(ev);
  }
  if (torn)
    if (auto st = record_recovery(ws, *torn); !st) return st.error();
  return ev;
}

Status EvidenceRegister::write_chronology(Workspace& ws, const std::string& system_event,
                                          const chronology::SystemText& text, std::vector<std::string> refs,
                                          const RegisterEvent& ev) {
  refs.push_back("evidence-event:" + ev.event_id);
  auto e = ws.log().append_system(system_event, text, refs);
  if (e) return ok_status();
  Error err = e.error();
  err.ja = "証拠品台帳には記録しました（" + std::to_string(ev.seq) + " 行目）が、クロノロジーへの記録に失敗しました: " + err.ja;
  err.en = "the evidence register event was saved (line " + std::to_string(ev.seq) +
           ") but the chronology entry was NOT: " + err.en;
  return err;
}

Result<EvidenceItem> EvidenceRegister::add_item(Workspace& ws, EvidenceItem item) {
  if (auto st = require_operator(ws); !st) return st.error();
  if (auto st = reload(ws); !st) return st.error();
  if (item.case_no.empty()) item.case_no = m_incident_id;
  if (item.case_no != m_incident_id)
    return invalid("事案番号「" + item.case_no + "」がこのインシデント（" + m_incident_id + "）と違います",
                   "case number \"" + item.case_no + "\" differs from this incident (" + m_incident_id + ")");
  if (blank_text(item.description))
    return invalid("品目・説明（description）が空です。何の証拠品か記入してください", "the description is empty; say what the item is");
  if (!item.derived_from.empty() && !find(item.derived_from))
    return make_error(ErrorCode::not_found, "派生元の証拠番号 " + item.derived_from + " は登録されていません",
                      "derived_from item " + item.derived_from + " is not registered");
  const bool numbered_here = item.evidence_no.empty();
  if (numbered_here) {
    auto no = next_evidence_no();
    if (!no) return no.error();
    item.evidence_no = no.value();
  } else {
    if (!is_evidence_no(item.evidence_no, m_incident_id))
      return invalid("証拠番号「" + item.evidence_no + "」の形式が違います（例: " + m_incident_id + "-E001、" + m_incident_id + "-E001-01）",
                     "evidence number \"" + item.evidence_no + "\" is malformed (e.g. " + m_incident_id + "-E001, " + m_incident_id +
                         "-E001-01)");
    if (find(item.evidence_no))
      return make_error(ErrorCode::already_exists, "証拠番号 " + item.evidence_no + " は登録済みです",
                        "evidence number " + item.evidence_no + " is already registered");
    const std::string parent = parent_of(item.evidence_no);
    if (!parent.empty() && !find(parent))
      return make_error(ErrorCode::not_found, "親の証拠番号 " + parent + " は登録されていません", "parent item " + parent + " is not registered");
  }
  const RecordedTime now = now_time(ws);
  if (!item.collected_time) item.collected_time = now;
  const std::string op = ws.log().current_operator().name;
  for (auto& h : item.hashes) {
    if (auto st = validate_hash(h); !st) return st.error();
    if (h.computed_utc_ns == 0) h.computed_utc_ns = now.utc_ns;
    if (h.computed_by.empty()) h.computed_by = op;
  }
  for (auto& v : item.verification_events) {
    if (!k_verification_kinds.count(v.what))
      return invalid("検証の種類「" + v.what + "」は使えません（image_reread, source_reread, transfer_recheck）",
                     "verification kind \"" + v.what + "\" is not one of image_reread, source_reread, transfer_recheck");
    if (v.utc_ns == 0) v.utc_ns = now.utc_ns;
    if (v.by.empty()) v.by = op;
  }
  if (item.acquisition && item.acquisition->destination_medium_serial.empty())
    return invalid("取得先媒体の製造番号（destination_medium_serial）は必須です（REQUIREMENTS §4.2）",
                   "the destination medium serial number is required for an acquisition (REQUIREMENTS §4.2)");
  if (item.disposition)
    return invalid("処分は登録後に record_disposition で記録してください", "record a disposition after registration (record_disposition)");
  item.current_custodian = {};
  item.registered_utc_ns = 0;
  item.registered_by.clear();

  auto ev = append_event(ws, "item_added", item.evidence_no, {{"item", to_json(item)}});
  // Another process (a second window, a command in a terminal) may register an item between the
  // numbering above and the lock the write takes: the write then finds the number taken (it
  // re-reads the register under the lock) and the item gets the next free number instead.
  for (int attempt = 0; !ev && numbered_here && attempt < 100 && find(item.evidence_no); ++attempt) {
    auto next = next_evidence_no();
    if (!next) return next.error();
    item.evidence_no = next.value();
    ev = append_event(ws, "item_added", item.evidence_no, {{"item", to_json(item)}});
  }
  if (!ev) return ev.error();
  const std::string no = item.evidence_no;

  chronology::SystemText content{"証拠品登録: " + no + " [" + item_type_label(item.item_type, true) + "] " + item.description,
                                 "evidence registered: " + no + " [" + item_type_label(item.item_type, false) + "] " +
                                     item.description};
  content.field("派生元", "derived from", item.derived_from).field("製造番号", "serial", item.serial_no);
  if (!item.collected_by.empty()) content.field("収集者", "collected by", person_text(item.collected_by));
  if (!item.witness.empty()) content.field("立会人", "witness", person_text(item.witness));
  if (const HashRecord* h = item.primary_sha256()) content.field("SHA-256", "SHA-256", h->value);
  std::vector<std::string> refs = {no};
  if (!item.derived_from.empty()) refs.push_back(item.derived_from);
  if (auto st = write_chronology(ws, "evidence_added", content, refs, ev.value()); !st) return st.error();
  return *find(no);
}

Status EvidenceRegister::update_item(Workspace& ws, const std::string& evidence_no, const json& changes,
                                     const std::string& reason) {
  if (auto st = reload(ws); !st) return st.error();
  auto item = find(evidence_no);
  if (!item) return unknown_item(evidence_no);
  if (reason.empty()) return invalid("変更には理由が必要です", "a change needs a reason");
  if (!changes.is_object() || changes.empty()) return invalid("変更する項目がありません", "nothing to change");
  static const std::set<std::string> k_fixed = {"evidence_no", "case_no", "hashes", "verification_events", "disposition"};
  const json current = to_json(*item);
  json previous = json::object();
  std::string fields;
  for (auto it = changes.begin(); it != changes.end(); ++it) {
    if (k_fixed.count(it.key()))
      return invalid("項目 " + it.key() + " はこの方法では変更できません", "field " + it.key() + " cannot be changed this way");
    previous[it.key()] = current.contains(it.key()) ? current[it.key()] : json(nullptr);
    fields += (fields.empty() ? "" : ", ") + it.key();
  }
  auto ev = append_event(ws, "item_updated", evidence_no, {{"changes", changes}, {"previous", previous}, {"reason", reason}});
  if (!ev) return ev.error();
  chronology::SystemText content{"証拠品記録変更: " + evidence_no, "evidence record changed: " + evidence_no};
  content.field("項目", "fields", fields).field("理由", "reason", reason);
  return write_chronology(ws, "evidence_updated", content, {evidence_no}, ev.value());
}

Status EvidenceRegister::record_hash(Workspace& ws, const std::string& evidence_no, HashRecord h) {
  if (auto st = reload(ws); !st) return st.error();
  if (!find(evidence_no)) return unknown_item(evidence_no);
  if (auto st = validate_hash(h); !st) return st;
  if (h.computed_utc_ns == 0) h.computed_utc_ns = now_time(ws).utc_ns;
  if (h.computed_by.empty()) h.computed_by = ws.log().current_operator().name;
  auto ev = append_event(ws, "hash_recorded", evidence_no, {{"hash", to_json(h)}});
  if (!ev) return ev.error();
  const std::string what = evidence_no + " " + hash_text(h);
  return write_chronology(ws, "evidence_hashed", {"ハッシュ値記録: " + what, "hash recorded: " + what}, {evidence_no},
                          ev.value());
}

Status EvidenceRegister::record_verification(Workspace& ws, const std::string& evidence_no, VerificationEvent v) {
  if (auto st = reload(ws); !st) return st.error();
  if (!find(evidence_no)) return unknown_item(evidence_no);
  if (!k_verification_kinds.count(v.what))
    return invalid("検証の種類「" + v.what + "」は使えません（image_reread, source_reread, transfer_recheck）",
                   "verification kind \"" + v.what + "\" is not one of image_reread, source_reread, transfer_recheck");
  if (v.utc_ns == 0) v.utc_ns = now_time(ws).utc_ns;
  if (v.by.empty()) v.by = ws.log().current_operator().name;
  auto ev = append_event(ws, "verification", evidence_no, {{"verification", to_json(v)}});
  if (!ev) return ev.error();
  const std::string what = evidence_no + " " + v.what + ": ";
  chronology::SystemText content{"同一性検証: " + what + (v.match ? "一致" : "不一致"),
                                 "verification: " + what + (v.match ? "match" : "MISMATCH")};
  if (!v.detail.empty()) content.both("; " + v.detail);
  return write_chronology(ws, "evidence_verified", content, {evidence_no}, ev.value());
}

Result<Transfer> EvidenceRegister::record_transfer(Workspace& ws, Transfer t) {
  if (auto st = reload(ws); !st) return st.error();
  if (t.evidence_nos.empty()) return invalid("受け渡す証拠番号がありません", "no evidence number to transfer");
  {
    std::set<std::string> seen;
    for (const auto& no : t.evidence_nos) {
      if (!find(no)) return unknown_item(no);
      if (!seen.insert(no).second) return invalid("証拠番号 " + no + " が重複しています", "evidence number " + no + " is listed twice");
    }
  }
  if (blank_text(t.from.name) || blank_text(t.to.name))
    return invalid("引渡者と受領者の氏名が必要です", "the names of the person handing over and the receiver are required");
  if (blank_text(t.purpose)) return invalid("受け渡しの目的が必要です（例: 解析、保管、警察への提出、返却）",
                                        "the purpose of the transfer is required (e.g. analysis, storage, police submission, return)");
  if (!t.signed_form_sha256.empty() && (!is_lower_hex(t.signed_form_sha256) || t.signed_form_sha256.size() != 64))
    return invalid("署名済み用紙の SHA-256 が16進小文字64桁ではありません", "signed_form_sha256 is not 64 lower-case hex digits");
  if (t.time.utc_ns == 0) t.time = now_time(ws);
  // The number is given under the register's lock, from the transfers as they are then: another
  // process recording a transfer at the same moment cannot get the same number.
  const bool numbered_here = t.transfer_id.empty();
  auto number = [&](json& payload) -> Status {
    const auto all = transfers();
    if (numbered_here) {
      t.transfer_id = fmt::format("{}-T{:03}", m_incident_id, all.size() + 1);
      payload["transfer"]["transfer_id"] = t.transfer_id;
      return ok_status();
    }
    for (const auto& other : all)
      if (other.transfer_id == t.transfer_id)
        return make_error(ErrorCode::already_exists, "受け渡し番号 " + t.transfer_id + " は記録済みです",
                          "transfer " + t.transfer_id + " is already recorded");
    return ok_status();
  };
  auto ev = append_event(ws, "transfer", "", {{"transfer", to_json(t)}}, number);
  if (!ev) return ev.error();
  std::string nos;
  for (const auto& no : t.evidence_nos) nos += (nos.empty() ? "" : ", ") + no;
  chronology::SystemText content{"証拠品受け渡し " + t.transfer_id + ": " + nos, "evidence transfer " + t.transfer_id + ": " + nos};
  content.field("引渡者", "from", person_text(t.from)).add(" → 受領者: " + person_text(t.to), " → to: " + person_text(t.to));
  content.field("目的", "purpose", t.purpose).field("方法", "method", t.method).field("運送業者", "courier", t.courier);
  content.field("追跡番号", "tracking", t.tracking_no).field("封印（前）", "seal before", t.seal_no_before);
  if (t.seal_intact) content.add(*t.seal_intact ? "; 封印異常なし" : "; 封印破損", *t.seal_intact ? "; seal intact" : "; SEAL BROKEN");
  content.field("封印（後）", "seal after", t.seal_no_after);
  if (t.hash_reverified)
    content.add(*t.hash_reverified ? "; 再検証一致" : "; 再検証不一致", *t.hash_reverified ? "; re-hash match" : "; RE-HASH MISMATCH");
  std::vector<std::string> refs = t.evidence_nos;
  refs.push_back(t.transfer_id);
  if (auto st = write_chronology(ws, "evidence_transferred", content, refs, ev.value()); !st) return st.error();
  return t;
}

Status EvidenceRegister::record_seal(Workspace& ws, const std::string& evidence_no, const std::string& seal_no,
                                     const std::string& bag_no, const std::string& note) {
  if (auto st = reload(ws); !st) return st.error();
  auto item = find(evidence_no);
  if (!item) return unknown_item(evidence_no);
  if (blank_text(seal_no)) return invalid("封印番号が必要です", "a seal number is required");
  json p = {{"seal_no", seal_no}};
  put(p, "bag_no", bag_no);
  put(p, "note", note);
  put(p, "previous_seal_no", item->seal_no);
  auto ev = append_event(ws, "sealed", evidence_no, p);
  if (!ev) return ev.error();
  chronology::SystemText content{"封印: " + evidence_no, "sealed: " + evidence_no};
  content.field("封印番号", "seal no.", seal_no).field("袋番号", "bag no.", bag_no).field("旧封印", "previous seal", item->seal_no);
  if (!note.empty()) content.both("; " + note);
  return write_chronology(ws, "evidence_sealed", content, {evidence_no}, ev.value());
}

Status EvidenceRegister::update_storage(Workspace& ws, const std::string& evidence_no, const std::string& location,
                                        const std::string& conditions, const std::string& access_restriction,
                                        const std::string& reason) {
  if (auto st = reload(ws); !st) return st.error();
  if (!find(evidence_no)) return unknown_item(evidence_no);
  if (blank_text(location)) return invalid("保管場所が必要です", "a storage location is required");
  json p = {{"storage_location", location}};
  put(p, "storage_conditions", conditions);
  put(p, "access_restriction", access_restriction);
  put(p, "reason", reason);
  auto ev = append_event(ws, "storage_changed", evidence_no, p);
  if (!ev) return ev.error();
  chronology::SystemText content{"保管場所: " + evidence_no + " → " + location, "storage: " + evidence_no + " → " + location};
  content.field("保管条件", "conditions", conditions).field("アクセス制限", "access", access_restriction).field("理由", "reason", reason);
  return write_chronology(ws, "evidence_storage_changed", content, {evidence_no}, ev.value());
}

Status EvidenceRegister::record_disposition(Workspace& ws, const std::string& evidence_no, Disposition d) {
  if (auto st = reload(ws); !st) return st.error();
  if (!find(evidence_no)) return unknown_item(evidence_no);
  if (!k_dispositions.count(d.action))
    return invalid("処分の種類「" + d.action + "」は使えません（returned, destroyed, retained）",
                   "disposition \"" + d.action + "\" is not one of returned, destroyed, retained");
  if (d.utc_ns == 0) d.utc_ns = now_time(ws).utc_ns;
  if (d.by.empty()) d.by.name = ws.log().current_operator().name;
  auto ev = append_event(ws, "disposition", evidence_no, {{"disposition", to_json(d)}});
  if (!ev) return ev.error();
  chronology::SystemText content{"処分: " + evidence_no + " " + d.action, "disposition: " + evidence_no + " " + d.action};
  if (!d.detail.empty()) content.both("; " + d.detail);
  content.field("実施者", "by", person_text(d.by)).field("承認者", "approved by", d.approved_by);
  return write_chronology(ws, "evidence_disposition", content, {evidence_no}, ev.value());
}

}  // namespace shodo::evidence
