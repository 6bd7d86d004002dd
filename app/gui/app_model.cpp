#include "app/gui/app_model.hpp"

#include "forensics/case/kit_settings.hpp"
#include "forensics/case/session_operator.hpp"

#include <sys/statvfs.h>

#include <cstdio>

#include "forensics/i18n/catalogue.hpp"
#include "forensics/integrity/kit_key.hpp"

namespace shodo::gui {

using chronology::Entry;

AppModel::AppModel(AppModelOptions opt) : m_opt(std::move(opt)) {
  m_clock = m_opt.clock ? m_opt.clock : &default_clock();
  m_op = m_opt.op;
  load_kit_identity();
  refresh_incidents();
  refresh_status();
  if (!m_opt.incident_id.empty()) open_incident(m_opt.incident_id);
}

AppModel::~AppModel() { release_workspace(); }

void AppModel::load_kit_identity() {
  auto key = KitKey::load_or_create(m_opt.case_root / "kit");
  if (!key) {
    push_error("gui.error.kit_key", key.error());
    return;
  }
  m_kit_id = key->kit_id();
  m_fingerprint = key->fingerprint();
}

void AppModel::refresh_incidents() { m_incidents = list_incidents(m_opt.case_root); }

WorkspaceOptions AppModel::workspace_options(const std::string& incident_id) const {
  WorkspaceOptions o;
  o.case_root = m_opt.case_root;
  o.incident_id = incident_id;
  // Only a confirmed operator is written to the log; otherwise the log keeps its last one
  // until someone says who is operating.
  if (m_op_confirmed) o.op = m_op;
  o.clock = m_clock;
  o.mirror_root = m_opt.mirror_root;
  return o;
}

bool AppModel::continue_after_damage() {
  if (!m_read_only) return false;
  if (!m_op_confirmed || m_op.name.empty()) {
    push_error("gui.error.open_incident",
               make_error(ErrorCode::invalid_input, "先にホーム画面で操作者（あなたの名前）を入力してください",
                          "enter the operator (your name) on Home first"));
    return false;
  }
  const std::string id = m_read_only->doc.incident.incident_id;
  auto ws = Workspace::continue_after_damage(workspace_options(id));
  if (!ws) {
    push_error("gui.error.open_incident", ws.error());
    return false;
  }
  ws->reset();  // opened again below, the usual way (app_start recorded)
  return open_incident(id);
}

bool AppModel::open_incident(const std::string& incident_id) {
  release_workspace();  // one writer per log: the old session ends (app_stop) before the new one
  m_read_only.reset();
  chronology::OpenReport report;
  auto ws = Workspace::open(workspace_options(incident_id), &report);
  if (!ws) {
    push_error("gui.error.open_incident", ws.error());
    if (ws.error().code != ErrorCode::read_only) return false;
    // A damaged chronology: shown read-only up to each chain's first problem, never rewritten.
    auto ro = shodo::read_only_document(m_opt.case_root, incident_id, i18n::current_lang() == i18n::Lang::ja);
    if (!ro) {
      push_error("gui.error.open_incident", ro.error());
      return false;
    }
    m_read_only = std::move(ro.value());
    ++m_generation;
    m_synthetic.reset();
    return false;
  }
  m_ws = std::move(ws.value());
  m_refresh_failed = false;
  if (auto st = m_ws->record_app_start(); !st) push_error("gui.error.open_incident", st.error());
  ++m_generation;
  m_synthetic.reset();
  if (!m_op_confirmed && m_op.name.empty()) m_op = m_ws->log().current_operator();  // pre-fill only
  if (report.recovered_torn_tail)
    push_error("gui.notice.torn_tail",
               make_error(ErrorCode::integrity,
                          "前回の書き込みが途中で中断されていました。途中の行は " + report.torn_side_file.string() +
                              " に退避し、その旨を記録しました",
                          "The last write was interrupted. The partial line was moved to " +
                              report.torn_side_file.string() + " and this was recorded"));
  if (!report.mirror_problem_en.empty())
    push_error("gui.notice.mirror", make_error(ErrorCode::integrity, report.mirror_problem_ja, report.mirror_problem_en));
  return true;
}

bool AppModel::create_incident(const IncidentInfo& info) {
  if (!m_op_confirmed) {
    push_error("gui.error.create_incident",
               make_error(ErrorCode::invalid_input, i18n::tr("gui.next.set_operator", i18n::Lang::ja),
                                          i18n::tr("gui.next.set_operator", i18n::Lang::en)));
    return false;
  }
  release_workspace();
  m_read_only.reset();
  auto ws = Workspace::create(workspace_options(info.incident_id), info);
  if (!ws) {
    push_error("gui.error.create_incident", ws.error());
    return false;
  }
  m_ws = std::move(ws.value());
  m_refresh_failed = false;
  if (auto st = m_ws->record_app_start(); !st) push_error("gui.error.create_incident", st.error());
  // The next incident's number is proposed from the facility remembered here (issue 11).
  if (auto st = remember_facility(m_opt.case_root, info, false); !st) push_error("gui.error.create_incident", st.error());
  ++m_generation;
  m_synthetic.reset();
  refresh_incidents();
  return true;
}

void AppModel::release_workspace() {
  // CHR-04: leaving an incident is recorded, with a signed checkpoint over the head. A failure
  // here cannot be shown any more (the window may be closing); the log's own state keeps it.
  if (m_ws && !m_ws->log().failure()) (void)m_ws->record_app_stop();
  m_ws.reset();
}

void AppModel::close_incident() {
  release_workspace();
  m_read_only.reset();
  m_synthetic.reset();
  ++m_generation;
}

void AppModel::set_mirror_root(std::optional<std::filesystem::path> root) {
  m_opt.mirror_root = std::move(root);
  if (!m_ws) return;
  const std::string id = m_ws->incident().incident_id;
  release_workspace();  // release the log before it is opened again
  open_incident(id);
}

bool AppModel::set_operator(const chronology::Operator& op) {
  if (op.name.empty()) {
    push_error("gui.error.operator", make_error(ErrorCode::invalid_input, "操作者の名前を入力してください",
                                                "enter the operator's name"));
    return false;
  }
  if (m_ws) {
    if (auto st = m_ws->set_operator(op); !st) {
      push_error("gui.error.not_saved", st.error());
      return false;
    }
  }
  m_op = {op.name, chronology::role_set(op.roles)};
  m_op_confirmed = true;
  // The terminal's commands of this kit session use the same operator (session_operator.hpp). A
  // case volume that cannot take the file only loses that convenience: every command still asks.
  (void)save_session_operator(m_opt.case_root, m_op, m_clock->now());
  return true;
}

const std::vector<Entry>& AppModel::entries() const {
  static const std::vector<Entry> k_none;
  if (m_synthetic) return *m_synthetic;
  if (m_read_only) return m_read_only->doc.entries;
  return m_ws ? m_ws->log().entries() : k_none;
}

std::string AppModel::open_incident_id() const {
  if (m_ws) return m_lent ? m_ws_status.incident_id : m_ws->incident().incident_id;
  if (m_read_only) return m_read_only->doc.incident.incident_id;
  return {};
}

std::vector<std::string> AppModel::read_only_problems(bool japanese) const {
  std::vector<std::string> out;
  if (!m_read_only) return out;
  for (const auto& c : m_read_only->chains)
    if (c.problem) out.push_back(c.file.filename().string() + ": " + (japanese ? c.problem->ja : c.problem->en));
  return out;
}

std::uint64_t AppModel::entries_revision() const {
  return (m_generation << 40) + static_cast<std::uint64_t>(entries().size());
}

const char* AppModel::append_blocker() const {
  if (m_synthetic) return "gui.blocker.synthetic";
  if (m_read_only) return "gui.blocker.read_only";
  if (!m_ws) return "gui.blocker.no_incident";
  if (!m_op_confirmed) return "gui.blocker.no_operator";
  if (m_lent) return "gui.ev.blocker.job";  // a job writes the log now
  if (m_ws->log().failure()) return "gui.blocker.log_failed";
  return nullptr;
}

Result<Entry> AppModel::append(Entry draft) {
  if (const char* why = append_blocker())
    return make_error(ErrorCode::invalid_input, i18n::tr(why, i18n::Lang::ja), i18n::tr(why, i18n::Lang::en));
  auto r = m_ws->log().append(std::move(draft));
  // A missing field is shown next to the form; anything else means the entry is NOT stored and
  // deserves the modal.
  if (!r && r.error().code != ErrorCode::invalid_input) push_error("gui.error.not_saved", r.error());
  return r;
}

void AppModel::show_synthetic(std::vector<Entry> entries) {
  m_synthetic = std::move(entries);
  ++m_generation;
}

chronology::Correction AppModel::correction_now() const {
  if (!m_ws) return {};
  if (m_lent) return m_ws_status.correction;  // the worker's log: the copy taken when it was lent
  return m_ws->log().correction_now();
}

std::int64_t AppModel::display_now_ns() const {
  const std::int64_t sys = m_clock->now().sys_utc_ns;
  if (m_lent) {
    // The log is the worker's: carry the offset of the last copy forward.
    const auto& c = m_ws_status.correction;
    return c.corrected_utc_ns ? sys + (*c.corrected_utc_ns - m_ws_status.taken_sys_utc_ns) : sys;
  }
  const auto c = correction_now();
  return c.corrected_utc_ns.value_or(sys);
}

std::optional<Entry> AppModel::confirm_time(const ClockReading& at, std::int64_t reference_utc_ns,
                                            std::int64_t uncertainty_ns, const std::string& source,
                                            const std::string& witness,
                                            const std::optional<Workspace::Supersede>& replaces) {
  if (const char* why = append_blocker()) {
    push_error("gui.error.cannot_record",
               make_error(ErrorCode::invalid_input, i18n::tr(why, i18n::Lang::ja), i18n::tr(why, i18n::Lang::en)));
    return std::nullopt;
  }
  auto r = m_ws->confirm_time(at, reference_utc_ns, uncertainty_ns, source, witness, replaces);
  if (!r) {
    push_error(r.error().code == ErrorCode::invalid_input ? "gui.error.cannot_record" : "gui.error.not_saved",
               r.error());
    return std::nullopt;
  }
  return std::move(r.value());
}

void AppModel::push_error(std::string title_key, Error e) { m_errors.push_back({std::move(title_key), std::move(e)}); }

void AppModel::pop_error() {
  if (!m_errors.empty()) m_errors.pop_front();
}

Workspace* AppModel::lend_workspace() {
  if (!m_ws) return nullptr;
  refresh_workspace_status();
  m_lent = true;
  return m_ws.get();
}

void AppModel::return_workspace() {
  m_lent = false;
  refresh_workspace_status();
}

void AppModel::refresh_workspace_status() {
  if (m_lent) return;  // the job's worker owns it: keep the copy taken when it was lent
  WorkspaceStatus st;
  if (m_ws) {
    st.open = true;
    st.incident_id = m_ws->incident().incident_id;
    st.training = m_ws->incident().training;
    st.mirrored = m_ws->log().mirrored();
    st.log_failed = m_ws->log().failure().has_value();
    st.correction = m_ws->log().correction_now();
  }
  st.taken_sys_utc_ns = m_clock->now().sys_utc_ns;
  m_ws_status = std::move(st);
}

void AppModel::tick(double now_s) {
  if (now_s - m_last_log_refresh_s >= 1.0) {
    m_last_log_refresh_s = now_s;
    refresh_log();
  }
  refresh_workspace_status();
  if (now_s - m_last_status_s < 2.0) return;
  m_last_status_s = now_s;
  refresh_status();
}

void AppModel::refresh_log() {
  // Entries that a `shodo` command in the terminal (or another window) appended appear within a
  // second. Never waits for the lock: when another writer holds it, the next tick tries again.
  if (!m_ws || m_lent || m_ws->log().failure()) return;
  auto r = m_ws->log().refresh(std::chrono::milliseconds(0));
  if (r || r.error().code == ErrorCode::not_saved) return;  // not_saved: in use right now
  if (m_refresh_failed) return;  // said once; every later append says it again
  m_refresh_failed = true;
  push_error("gui.error.refresh", r.error());
}

void AppModel::refresh_status() {
  m_network = isolate::read_network_state();
  struct statvfs sv {};
  if (::statvfs(m_opt.case_root.c_str(), &sv) == 0)
    m_free_bytes = static_cast<std::uint64_t>(sv.f_bavail) * static_cast<std::uint64_t>(sv.f_frsize);
  else
    m_free_bytes.reset();
}

}  // namespace shodo::gui
