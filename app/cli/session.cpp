#include "app/cli/session.hpp"

#include <cstdlib>
#include <iostream>

#include "app/cli/incident_cmd.hpp"
#include "forensics/case/session_operator.hpp"
#include "forensics/core/atomic_file.hpp"
#include "forensics/i18n/catalogue.hpp"
#include "forensics/i18n/substitute.hpp"

namespace shodo::cli {

namespace {

std::optional<SessionOperator> remembered(const Globals& g) {
  Error problem;
  auto s = load_session_operator(resolve_case_root(g.case_root), default_clock().boot_id(), &problem);
  if (!s && !problem.en.empty())
    std::cerr << "shodo: " << i18n::tr("cli.warning") << ": " << (i18n::japanese() ? problem.ja : problem.en) << "\n";
  return s;
}

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}

}  // namespace

std::string operator_text(const chronology::Operator& op) {
  return op.name + " [" + chronology::roles_text(op.roles) + "]";
}

Result<chronology::Operator> session_operator(const Globals& g, bool required) {
  chronology::Operator op;
  std::string roles = g.roles;
  bool roles_given = !roles.empty();
  if (!g.op_name.empty()) {
    op.name = g.op_name;
  } else if (const char* name = env("SHODO_OPERATOR")) {
    op.name = name;
    if (!roles_given)
      if (const char* r = env("SHODO_ROLES")) roles = r, roles_given = true;
  } else if (auto s = remembered(g)) {
    op = s->op;
    if (!roles_given) return op;
  }
  if (op.name.empty()) {
    if (!required) return op;
    return i18n::catalogue_error(ErrorCode::invalid_input, "cli.operator.missing");
  }
  if (!is_valid_utf8(op.name))
    return make_error(ErrorCode::invalid_input, "操作者名が UTF-8 ではありません", "the operator name is not valid UTF-8");
  if (roles_given) {
    auto set = chronology::parse_roles(roles);
    if (!set) return set.error();
    op.roles = std::move(set.value());
  } else if (auto s = remembered(g); s && s->op.name == op.name) {
    op.roles = s->op.roles;  // the same person without --roles keeps their roles
  }
  return op;
}

Status remember_session_operator(const Globals& g, const chronology::Operator& op) {
  if (g.op_name.empty() && !env("SHODO_OPERATOR")) return ok_status();  // came from the session itself
  const auto root = resolve_case_root(g.case_root);
  if (auto s = load_session_operator(root, default_clock().boot_id()); s && chronology::same_operator(s->op, op))
    return ok_status();  // already the one remembered: the file is not rewritten
  return save_session_operator(root, op, default_clock().now());
}

Result<std::unique_ptr<Workspace>> open_workspace(const Globals& g, bool need_operator) {
  auto id = current_incident(g);
  if (!id) return id.error();
  auto op = session_operator(g, need_operator);
  if (!op) return op.error();
  WorkspaceOptions o;
  o.case_root = resolve_case_root(g.case_root);
  o.incident_id = id.value();
  // Only a command that writes says who operates: reading (list, verify, export) never records an
  // operator change. The operator given on a writing command is the session's from now on.
  if (need_operator) {
    o.op = op.value();
    if (auto st = remember_session_operator(g, o.op); !st) return st.error();
  }
  chronology::OpenReport rep;
  auto ws = Workspace::open(o, &rep);
  if (!ws) return ws.error();
  const bool ja = i18n::japanese();
  if (need_operator) std::cerr << "shodo: " << i18n::fill(i18n::tr("cli.operator.writing"), {{"who", operator_text(o.op)}}) << "\n";
  if (rep.recovered_torn_tail)
    std::cerr << "shodo: " << (ja ? "書き込み中断から復旧しました。切れた記録は次に保存: " : "recovered from an interrupted write; the torn bytes are kept in ")
              << rep.torn_side_file.string() << "\n";
  if (!rep.mirror_problem_en.empty())
    std::cerr << "shodo: " << i18n::tr("cli.warning") << ": " << (ja ? rep.mirror_problem_ja : rep.mirror_problem_en) << "\n";
  return ws;
}

}  // namespace shodo::cli
