#include "app/cli/session.hpp"

#include <cstdlib>
#include <iostream>
#include <sstream>

#include "app/cli/incident_cmd.hpp"
#include "forensics/core/atomic_file.hpp"
#include "forensics/i18n/catalogue.hpp"

namespace shodo::cli {

Result<chronology::Operator> session_operator(const Globals& g, bool required) {
  chronology::Operator op;
  op.name = g.op_name;
  std::string roles = g.roles;
  if (op.name.empty())
    if (const char* v = std::getenv("SHODO_OPERATOR")) op.name = v;
  if (roles.empty())
    if (const char* v = std::getenv("SHODO_ROLES")) roles = v;
  if (op.name.empty()) {
    if (!required) return op;
    return make_error(ErrorCode::invalid_input,
                      "操作者の名前を --operator で指定してください（例 --operator \"山田 花子\" --roles SCR）",
                      "give the operator's name with --operator (e.g. --operator \"Hanako Yamada\" --roles SCR)");
  }
  if (!is_valid_utf8(op.name))
    return make_error(ErrorCode::invalid_input, "操作者名が UTF-8 ではありません", "the operator name is not valid UTF-8");
  static const char* k_roles[] = {"MGT", "ISM", "CSIRT", "SCR", "IT", "VEN", "STF", "CLN", "PR", "LEG", "EXT"};
  std::stringstream ss(roles);
  std::string r;
  while (std::getline(ss, r, ',')) {
    if (r.empty()) continue;
    bool known = false;
    for (const char* k : k_roles) known = known || r == k;
    if (!known)
      return make_error(ErrorCode::invalid_input,
                        "不明な役割です: " + r + "（MGT ISM CSIRT SCR IT VEN STF CLN PR LEG EXT のいずれか）",
                        "unknown role: " + r + " (one of MGT ISM CSIRT SCR IT VEN STF CLN PR LEG EXT)");
    op.roles.push_back(r);
  }
  return op;
}

Result<std::unique_ptr<Workspace>> open_workspace(const Globals& g, bool need_operator) {
  auto id = current_incident(g);
  if (!id) return id.error();
  auto op = session_operator(g, need_operator);
  if (!op) return op.error();
  WorkspaceOptions o;
  o.case_root = resolve_case_root(g.case_root);
  o.incident_id = id.value();
  o.op = op.value();
  chronology::OpenReport rep;
  auto ws = Workspace::open(o, &rep);
  if (!ws) return ws.error();
  const bool ja = i18n::japanese();
  if (rep.recovered_torn_tail)
    std::cerr << "shodo: " << (ja ? "書き込み中断から復旧しました。切れた記録は次に保存: " : "recovered from an interrupted write; the torn bytes are kept in ")
              << rep.torn_side_file.string() << "\n";
  if (!rep.mirror_problem_en.empty())
    std::cerr << "shodo: " << i18n::tr("cli.warning") << ": " << (ja ? rep.mirror_problem_ja : rep.mirror_problem_en) << "\n";
  return ws;
}

}  // namespace shodo::cli
