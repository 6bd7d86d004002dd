#include "forensics/case/workspace.hpp"

#include <algorithm>
#include <cstdlib>

#include "forensics/chronology/verify.hpp"
#include "forensics/core/atomic_file.hpp"
#include "forensics/core/provenance.hpp"
#include "forensics/integrity/digest.hpp"

namespace shodo {
namespace fs = std::filesystem;
using namespace chronology;

namespace {

// 1 for "<kit>.jsonl", N for "<kit>-N.jsonl" (N ≥ 2), 0 for any other name.
int continuation_number(const fs::path& file, const std::string& kit_id) {
  if (file.extension() != ".jsonl") return 0;
  const std::string stem = file.stem().string();
  if (stem == kit_id) return 1;
  if (stem.size() <= kit_id.size() + 1 || stem.compare(0, kit_id.size(), kit_id) != 0 || stem[kit_id.size()] != '-')
    return 0;
  const std::string n = stem.substr(kit_id.size() + 1);
  if (n.size() > 4 || n.find_first_not_of("0123456789") != std::string::npos || n[0] == '0') return 0;
  const int v = std::stoi(n);
  return v >= 2 ? v : 0;
}

}  // namespace

std::vector<fs::path> Workspace::kit_chronology_files(const fs::path& chronology_dir, const std::string& kit_id) {
  std::vector<std::pair<int, fs::path>> found;
  std::error_code ec;
  for (const auto& f : fs::directory_iterator(chronology_dir, ec))
    if (const int n = continuation_number(f.path(), kit_id)) found.emplace_back(n, f.path());
  std::sort(found.begin(), found.end());
  std::vector<fs::path> out;
  for (auto& [n, f] : found) out.push_back(std::move(f));
  return out;
}

Result<std::unique_ptr<Workspace>> Workspace::open(const WorkspaceOptions& opt, OpenReport* report) {
  auto info = load_incident(opt.case_root, opt.incident_id);
  if (!info) return info.error();
  auto key = KitKey::load_or_create(opt.case_root / "kit");
  if (!key) return key.error();
  std::unique_ptr<Workspace> ws(new Workspace());
  ws->m_case_root = opt.case_root;
  ws->m_incident = std::move(info.value());
  ws->m_key = std::make_unique<KitKey>(std::move(key.value()));
  ws->m_clock = opt.clock ? opt.clock : &default_clock();

  LogOptions lo;
  lo.incident_id = ws->m_incident.incident_id;
  // The kit writes its newest chronology file: <kit>.jsonl, or the continuation after damage.
  const auto mine = kit_chronology_files(ws->chronology_dir(), ws->m_key->kit_id());
  lo.device_id = mine.empty() ? ws->m_key->kit_id() : mine.back().stem().string();
  lo.file = ws->chronology_dir() / (lo.device_id + ".jsonl");
  lo.training = ws->m_incident.training;
  lo.clock = ws->m_clock;
  lo.key = ws->m_key.get();
  std::optional<fs::path> mirror_root = opt.mirror_root;
  if (!mirror_root)
    if (const char* v = std::getenv("SHODO_MIRROR_ROOT"); v && *v) mirror_root = fs::path(v);
  if (mirror_root) lo.mirror = incident_dir(*mirror_root, lo.incident_id) / "chronology" / (lo.device_id + ".jsonl");
  auto log = ChronologyLog::open(lo, report);
  if (!log) return log.error();
  ws->m_log = std::move(log.value());
  // The operator of the last entry this kit wrote is the session's starting point.
  for (auto it = ws->m_log->entries().rbegin(); it != ws->m_log->entries().rend(); ++it) {
    if (it->source == SourceKind::system && it->author == "Shodo") continue;
    ws->m_log->set_operator(Operator{it->author, it->author_roles});
    break;
  }
  if (!opt.op.name.empty()) {
    if (auto st = ws->set_operator(opt.op); !st) return st.error();
  }
  return ws;
}

Result<std::unique_ptr<Workspace>> Workspace::create(const WorkspaceOptions& opt, const IncidentInfo& info_in) {
  if (opt.op.name.empty())
    return make_error(ErrorCode::invalid_input, "操作者の名前を入力してください（--operator）",
                      "enter the operator's name (--operator)");
  auto key = KitKey::load_or_create(opt.case_root / "kit");
  if (!key) return key.error();
  IncidentInfo info = info_in;
  const Clock& clock = opt.clock ? *opt.clock : default_clock();
  info.created_utc_ns = clock.now().sys_utc_ns;
  info.created_by = opt.op.name;
  info.created_kit = key->kit_id();
  if (auto st = create_incident(opt.case_root, info); !st) return st.error();
  WorkspaceOptions o = opt;
  o.incident_id = info.incident_id;
  o.op = {};
  auto ws = open(o);
  if (!ws) return ws.error();
  (*ws)->m_log->set_operator(opt.op);
  const std::string facility = (info.facility.empty() ? "" : info.facility + " ") + "(" + info.profile + ")";
  const std::string op = opt.op.name + " [" + roles_text(role_set(opt.op.roles)) + "]";
  auto e = (*ws)->m_log->append_system(
      "incident_opened",
      {"インシデント開始: " + info.incident_id + " " + info.title + (info.training ? " [訓練]" : "") + " — " + facility +
           ", 操作者: " + op,
       "incident opened: " + info.incident_id + " " + info.title + (info.training ? " [TRAINING]" : "") + " — " + facility +
           ", operator: " + op});
  if (!e) return e.error();
  return ws;
}

Result<std::unique_ptr<Workspace>> Workspace::continue_after_damage(const WorkspaceOptions& opt) {
  if (opt.op.name.empty())
    return make_error(ErrorCode::invalid_input, "操作者の名前を入力してください（--operator）",
                      "enter the operator's name (--operator)");
  auto info = load_incident(opt.case_root, opt.incident_id);
  if (!info) return info.error();
  auto key = KitKey::load_or_create(opt.case_root / "kit");
  if (!key) return key.error();
  const fs::path dir = incident_dir(opt.case_root, opt.incident_id) / "chronology";
  const auto mine = kit_chronology_files(dir, key->kit_id());
  if (mine.empty())
    return make_error(ErrorCode::invalid_input, "このキットの記録はまだありません。続ける必要はありません",
                      "this kit has no chronology yet; there is nothing to continue");
  const fs::path damaged = mine.back();
  auto v = chronology::verify_chronology_file(damaged);
  if (!v) return v.error();
  // A torn last record alone is not damage: opening recovers it (CHR-24), so no new file.
  if (!v->problem || v->torn_tail)
    return make_error(ErrorCode::invalid_input, "記録ファイルは損傷していません。このまま記録を続けられます",
                      "the chronology is not damaged; recording can go on in it");
  auto sha = sha256_file_hex(damaged);
  if (!sha) return sha.error();
  const int next = continuation_number(damaged, key->kit_id()) + 1;
  const std::string device = key->kit_id() + "-" + std::to_string(next);

  LogOptions lo;
  lo.incident_id = info->incident_id;
  lo.device_id = device;
  lo.file = dir / (device + ".jsonl");
  lo.training = info->training;
  lo.clock = opt.clock ? opt.clock : &default_clock();
  lo.key = &key.value();
  auto log = ChronologyLog::open(lo);
  if (!log) return log.error();
  (*log)->set_operator(opt.op);
  const std::string head = std::to_string(v->count) + " / " + (v->last_hash.empty() ? "-" : v->last_hash);
  const std::string file = "chronology/" + damaged.filename().string() + " (sha256 " + sha.value() + ")";
  auto e = (*log)->append_system(
      "continued_from",
      {"損傷した記録ファイルの続き: " + file + "; 確認できた記録: " + head + "; 損傷: " + v->problem->ja +
           "; 元のファイルは変更せず証拠として保管",
       "continues a damaged chronology: " + file + "; verified: " + head + "; damage: " + v->problem->en +
           "; the damaged file is kept unchanged as evidence"});
  if (!e) return e.error();
  log->reset();
  return open(opt);
}

Status Workspace::record_app_start() {
  const std::string what = "shodo " + tool_version_string() + ", host " + host_name();
  auto e = m_log->append_system("app_start", {"アプリ起動: " + what, "app started: " + what});
  if (!e) return e.error();
  return ok_status();
}

Status Workspace::record_app_stop() {
  auto e = m_log->append_system("app_stop", {"アプリ終了", "app stopped"});
  if (!e) return e.error();
  auto c = m_log->append_checkpoint();
  if (!c) return c.error();
  return ok_status();
}

Status Workspace::set_operator(const Operator& op_in) {
  // Roles are a set: the same person with the same roles in another order is no change.
  const Operator op{op_in.name, role_set(op_in.roles)};
  const Operator& cur = m_log->current_operator();
  if (same_operator(cur, op)) return ok_status();
  if (!is_valid_utf8(op.name))
    return make_error(ErrorCode::invalid_input, "操作者名が UTF-8 ではありません", "the operator name is not valid UTF-8");
  const std::string before = cur.name.empty() ? "—" : cur.name + " [" + roles_text(cur.roles) + "]";
  m_log->set_operator(op);
  const std::string change = before + " → " + op.name + " [" + roles_text(op.roles) + "]";
  auto e = m_log->append_system("operator_changed", {"操作者交代: " + change, "operator changed: " + change});
  if (!e) return e.error();
  return ok_status();
}

Result<Entry> Workspace::confirm_time(const ClockReading& at, std::int64_t reference_utc_ns,
                                      std::int64_t uncertainty_ns, const std::string& source,
                                      const std::string& witness, const std::optional<Supersede>& replaces) {
  Entry d = make_time_check_draft(at, reference_utc_ns, uncertainty_ns, source, witness);
  if (replaces) {
    const Entry* old = nullptr;
    for (const auto& e : m_log->entries())
      if (e.seq == replaces->seq) old = &e;
    const std::string no = std::to_string(replaces->seq);
    if (!old)
      return make_error(ErrorCode::not_found, "No. " + no + " の記録はありません", "there is no entry No. " + no);
    if (old->type != EntryType::time_check)
      return make_error(ErrorCode::invalid_input, "No. " + no + " は時刻合わせ確認ではありません",
                        "No. " + no + " is not a time check");
    if (m_log->time_reference().superseded(old->entry_id))
      return make_error(ErrorCode::invalid_input, "No. " + no + " の確認はすでに置き換えられています",
                        "the check No. " + no + " was already replaced");
    d.target_entry_id = old->entry_id;
    d.reason = replaces->reason;
  }
  const double off_s = static_cast<double>(d.time_check->offset_ns) / 1e9;
  char buf[160];
  std::snprintf(buf, sizeof buf, "%+.3f s (±%.1f s)", off_s, static_cast<double>(uncertainty_ns) / 1e9);
  d.from = source;
  d.to = {"Shodo"};
  const std::string when = source + " " + format_jst_display(reference_utc_ns) + " JST";
  d.content = "時刻合わせ確認: " + when + ", 補正値 " + buf;
  d.content_en = "reference time check: " + when + ", offset " + buf;
  if (TimeReference::looks_like_rtc_local_time(d.time_check->offset_ns)) {
    d.content += " — ホストの時計が現地時刻の可能性";
    d.content_en += " — RTC probably set to local time";
  }
  if (replaces) {
    const std::string no = "No. " + std::to_string(replaces->seq);
    d.content += " — " + no + " の確認を置き換え: " + replaces->reason;
    d.content_en += " — replaces check " + no + ": " + replaces->reason;
  }
  return m_log->append(std::move(d));
}

Result<Attachment> Workspace::import_attachment(const fs::path& file) {
  auto sha = sha256_file_hex(file);
  if (!sha) return sha.error();
  auto bytes = read_file(file);
  if (!bytes) return bytes.error();
  const fs::path dir = dir_attachments();
  if (auto st = create_directories_durable(dir); !st) return st.error();
  const std::string name = sha->substr(0, 12) + "-" + file.filename().string();
  if (auto st = write_file_atomic(dir / name, *bytes); !st) return st.error();
  return Attachment{"attachments/" + name, *sha};
}

TimeStatus Workspace::time_status() const {
  TimeStatus t;
  const Confirmation* c = m_log->time_reference().latest();
  if (!c) return t;
  const Correction now = m_log->correction_now();
  t.confirmed = now.corrected_utc_ns.has_value();
  t.last_check_utc_ns = c->sys_utc_ns + c->offset_ns;
  t.offset_ns = c->offset_ns;
  t.uncertainty_ns = c->uncertainty_ns;
  t.confirmed_by = c->operator_name;
  t.source = c->source;
  return t;
}

Result<ChronologyDocument> Workspace::document(bool japanese, bool merged,
                                               const std::vector<fs::path>& extra_files) const {
  ChronologyDocument doc;
  doc.incident = m_incident;
  doc.time = time_status();
  doc.kit_id = m_key->kit_id();
  doc.key_fingerprint = m_key->fingerprint();
  doc.exported_by = m_log->current_operator().name;
  const ClockReading now = m_clock->now();
  doc.export_utc_ns = m_log->time_reference().correct(now).corrected_utc_ns.value_or(now.sys_utc_ns);
  doc.japanese = japanese;
  if (!merged && extra_files.empty() && !continued()) {
    doc.entries = m_log->entries();
    doc.heads.push_back({m_key->kit_id(), m_log->count(), m_log->head_hash()});
    return doc;
  }
  // This kit's files (the damaged one's verified part and its continuation), or every kit's.
  std::vector<fs::path> files = merged ? chronology_files(m_case_root, m_incident.incident_id)
                                       : kit_chronology_files(chronology_dir(), m_key->kit_id());
  for (const auto& f : extra_files) files.push_back(f);
  auto m = merge_chronologies(files);
  if (!m) return m.error();
  doc.entries = std::move(m->entries);
  for (const auto& c : m->chains) doc.heads.push_back({c.device_id, c.count, c.last_hash});
  return doc;
}

Result<ReadOnlyDocument> read_only_document(const fs::path& case_root, const std::string& incident_id, bool japanese) {
  auto info = load_incident(case_root, incident_id);
  if (!info) return info.error();
  ReadOnlyDocument r;
  r.doc.incident = info.value();
  r.doc.japanese = japanese;
  auto m = merge_chronologies(chronology_files(case_root, incident_id));
  if (!m) return m.error();
  r.doc.entries = std::move(m->entries);
  for (const auto& c : m->chains) r.doc.heads.push_back({c.device_id, c.count, c.last_hash});
  r.chains = std::move(m->chains);
  TimeReference tref;
  for (const auto& e : r.doc.entries) tref.observe(e);
  if (const Confirmation* c = tref.latest()) {
    r.doc.time.confirmed = true;
    r.doc.time.last_check_utc_ns = c->sys_utc_ns + c->offset_ns;
    r.doc.time.offset_ns = c->offset_ns;
    r.doc.time.uncertainty_ns = c->uncertainty_ns;
    r.doc.time.confirmed_by = c->operator_name;
    r.doc.time.source = c->source;
  }
  const ClockReading now = default_clock().now();
  r.doc.export_utc_ns = tref.correct(now).corrected_utc_ns.value_or(now.sys_utc_ns);
  return r;
}

}  // namespace shodo
