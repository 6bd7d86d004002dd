#include "app/cli/operator_cmd.hpp"

#include <iostream>
#include <memory>

#include "app/cli/incident_cmd.hpp"
#include "app/cli/session.hpp"
#include "forensics/case/incident.hpp"
#include "forensics/case/session_operator.hpp"
#include "forensics/core/clock.hpp"
#include "forensics/i18n/catalogue.hpp"
#include "forensics/i18n/substitute.hpp"

namespace shodo::cli {
using i18n::tr;

namespace {

struct OperatorArgs {
  std::string name;
  bool clear = false;
};

int show(const Globals& g) {
  const auto root = resolve_case_root(g.case_root);
  auto op = session_operator(g, false);
  if (!op) return report_error(op.error());
  if (op->name.empty()) {
    std::cout << tr("cli.operator.none") << "\n";
    return 0;
  }
  const auto s = load_session_operator(root, default_clock().boot_id());
  if (s && s->op.name == op->name)
    std::cout << i18n::fill(tr("cli.operator.current"),
                            {{"who", operator_text(op.value())}, {"since", format_jst_display(s->set_utc_ns) + " JST"}})
              << "\n";
  else
    std::cout << i18n::fill(tr("cli.operator.writing"), {{"who", operator_text(op.value())}}) << "\n";
  return 0;
}

int set(const Globals& g, const std::string& name) {
  Globals gg = g;
  gg.op_name = name;
  auto op = session_operator(gg);
  if (!op) return report_error(op.error());
  if (auto st = remember_session_operator(gg, op.value()); !st) return report_error(st.error());
  std::cout << i18n::fill(tr("cli.operator.set"), {{"who", operator_text(op.value())}}) << "\n";
  // The handover goes into the selected incident's chronology now (nothing when none is selected).
  if (g.incident.empty() && !current_incident(g)) return 0;
  auto ws = open_workspace(gg);
  if (!ws) return report_error(ws.error());
  return 0;
}

}  // namespace

void add_operator_commands(CLI::App& app, Globals& g, int& exit_code) {
  auto args = std::make_shared<OperatorArgs>();
  auto* cmd = app.add_subcommand("operator", tr("cli.operator.cmd"));
  cmd->add_option("name", args->name, tr("cli.operator.opt_name"));
  cmd->add_flag("--clear", args->clear, tr("cli.operator.opt_clear"));
  cmd->callback([&g, &exit_code, args] {
    if (args->clear) {
      if (auto st = clear_session_operator(resolve_case_root(g.case_root)); !st) {
        exit_code = report_error(st.error());
        return;
      }
      std::cout << tr("cli.operator.cleared") << "\n";
      return;
    }
    exit_code = args->name.empty() ? show(g) : set(g, args->name);
  });
}

}  // namespace shodo::cli
