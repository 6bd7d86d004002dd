#include "app/cli/incident_cmd.hpp"

#include <iostream>

#include "app/cli/session.hpp"
#include "forensics/case/incident_number.hpp"
#include "forensics/case/kit_settings.hpp"
#include "forensics/case/workspace.hpp"
#include "forensics/core/atomic_file.hpp"
#include "forensics/core/clock.hpp"
#include "forensics/i18n/catalogue.hpp"

namespace shodo::cli {
namespace fs = std::filesystem;
using i18n::tr;

Result<std::string> current_incident(const Globals& g) {
  if (!g.incident.empty()) return g.incident;
  const fs::path root = resolve_case_root(g.case_root);
  auto text = read_file(root / "current_incident");
  if (!text || text->empty())
    return make_error(ErrorCode::not_found,
                      "インシデントが選ばれていません。`shodo incident open 番号` か --incident で指定してください",
                      "no incident is selected: use `shodo incident open NUMBER` or --incident");
  std::string id = text.value();
  while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
  return id;
}

Status remember_incident(const Globals& g, const std::string& id) {
  const fs::path root = resolve_case_root(g.case_root);
  if (auto st = create_directories_durable(root); !st) return st;
  return write_file_atomic(root / "current_incident", id + "\n");
}

namespace {

void print_incident(const IncidentInfo& i, bool json) {
  if (json) {
    std::cout << to_json(i).dump(2) << "\n";
    return;
  }
  std::cout << tr("incident.field.id") << ": " << i.incident_id << "\n"
            << tr("incident.field.title") << ": " << i.title << "\n"
            << tr("incident.field.facility") << ": " << i.facility << "\n"
            << tr("incident.field.profile") << ": " << tr("incident.profile." + i.profile) << "\n"
            << tr("incident.field.training") << ": " << (i.training ? tr("cli.yes") : tr("cli.no")) << "\n"
            << tr("incident.field.created") << ": " << format_jst_display(i.created_utc_ns) << " JST ("
            << i.created_by << ", " << i.created_kit << ")\n";
}

// The facility code to number a new incident with: --facility-code, else the kit's settings.
// Errors: none set anywhere (the message says what a 病院コード is and how to give it once).
Result<std::string> facility_code_for(const std::string& given, const KitSettings& settings) {
  const std::string code = given.empty() ? settings.facility_code : given;
  if (code.empty())
    return make_error(ErrorCode::invalid_input,
                      std::string("病院コードがまだ設定されていません。--facility-code で一度指定してください（例 --facility-code OGMC。以後はキットが覚えます）。") +
                          facility_code_explained_ja(),
                      std::string("no facility code is set yet: give it once with --facility-code (e.g. --facility-code OGMC; the kit "
                                  "remembers it). ") +
                          facility_code_explained_en());
  if (auto st = check_facility_code(code); !st) return st.error();
  return code;
}

// `shodo incident new`: creates the incident and makes it current. Without --id it takes the
// proposed next free number (issue 11); the facility code, name and profile come from the kit's
// settings when not given, and are remembered there the first time.
void add_incident_new(CLI::App* inc, Globals& g, int& exit_code) {
  struct NewArgs {
    IncidentInfo info;
    std::string facility_code;
  };
  auto args = std::make_shared<NewArgs>();
  auto* cmd_new = inc->add_subcommand("new", tr("cli.incident.new"));
  cmd_new->add_option("--id", args->info.incident_id, tr("cli.opt.incident_id_proposed"));
  cmd_new->add_option("--title", args->info.title, tr("cli.opt.title"))->required();
  cmd_new->add_option("--facility", args->info.facility, tr("cli.opt.facility"));
  cmd_new->add_option("--facility-code", args->facility_code, tr("cli.opt.facility_code"));
  auto* profile = cmd_new->add_option("--profile", args->info.profile, tr("cli.opt.profile"))
                      ->check(CLI::IsMember({"hospital", "clinic"}));
  cmd_new->add_flag("--training", args->info.training, tr("cli.opt.training"));
  cmd_new->callback([&g, &exit_code, args, profile] {
    auto fail = [&](const Error& e) { exit_code = report_error(e); };
    const fs::path root = resolve_case_root(g.case_root);
    auto settings = load_kit_settings(root);
    if (!settings) return fail(settings.error());
    IncidentInfo info = args->info;
    const bool proposed = info.incident_id.empty();
    if (proposed) {
      auto code = facility_code_for(args->facility_code, settings.value());
      if (!code) return fail(code.error());
      auto id = propose_incident_id(root, code.value(), default_clock().now().sys_utc_ns);
      if (!id) return fail(id.error());
      info.incident_id = id.value();
    } else if (auto st = check_incident_id(info.incident_id); !st) {
      return fail(st.error());
    }
    if (info.facility.empty()) info.facility = settings->facility_name;
    if (profile->count() == 0) info.profile = settings->profile;
    auto op = session_operator(g);
    if (!op) return fail(op.error());
    WorkspaceOptions o;
    o.case_root = root;
    o.op = op.value();
    auto ws = Workspace::create(o, info);
    if (!ws) return fail(ws.error());
    if (auto st = remember_incident(g, info.incident_id); !st) return fail(st.error());
    if (auto st = remember_session_operator(g, op.value()); !st) return fail(st.error());
    if (auto st = remember_facility(root, info, !args->facility_code.empty()); !st) return fail(st.error());
    if (g.json) {
      print_incident((*ws)->incident(), true);
    } else {
      std::cout << tr("cli.incident.created") << ": " << (*ws)->incident().incident_id
                << (proposed ? std::string("  (") + tr("cli.incident.proposed") + ")" : std::string()) << "\n"
                << tr("cli.kit") << ": " << (*ws)->key().kit_id() << "  " << tr("cli.fingerprint") << ": "
                << (*ws)->key().fingerprint() << "\n"
                << tr("cli.folder") << ": " << (*ws)->dir().string() << "\n";
    }
  });
}

// `shodo incident next`: the number `incident new` would take now.
void add_incident_next(CLI::App* inc, Globals& g, int& exit_code) {
  auto code = std::make_shared<std::string>();
  auto* cmd = inc->add_subcommand("next", tr("cli.incident.next"));
  cmd->add_option("--facility-code", *code, tr("cli.opt.facility_code"));
  cmd->callback([&g, &exit_code, code] {
    const fs::path root = resolve_case_root(g.case_root);
    auto settings = load_kit_settings(root);
    if (!settings) {
      exit_code = report_error(settings.error());
      return;
    }
    auto c = facility_code_for(*code, settings.value());
    if (!c) {
      exit_code = report_error(c.error());
      return;
    }
    auto id = propose_incident_id(root, c.value(), default_clock().now().sys_utc_ns);
    if (!id) {
      exit_code = report_error(id.error());
      return;
    }
    std::cout << id.value() << "\n";
  });
}

// `shodo incident open <id>`: makes an existing incident current.
void add_incident_open(CLI::App* inc, Globals& g, int& exit_code) {
  auto open_id = std::make_shared<std::string>();
  auto* cmd_open = inc->add_subcommand("open", tr("cli.incident.open"));
  cmd_open->add_option("id", *open_id, tr("cli.opt.incident_id"))->required();
  cmd_open->callback([&g, &exit_code, open_id] {
    const fs::path root = resolve_case_root(g.case_root);
    auto info = load_incident(root, *open_id);
    if (!info) {
      exit_code = report_error(info.error());
      return;
    }
    if (auto st = remember_incident(g, *open_id); !st) {
      exit_code = report_error(st.error());
      return;
    }
    // With --operator: remembered for the session, and the handover recorded in this incident.
    if (!g.op_name.empty()) {
      Globals gg = g;
      gg.incident = *open_id;
      if (auto ws = open_workspace(gg); !ws) {
        exit_code = report_error(ws.error());
        return;
      }
    }
    if (g.json)
      print_incident(info.value(), true);
    else
      std::cout << tr("cli.incident.opened") << ": " << info->incident_id << " " << info->title << "\n";
  });
}

// `shodo incident list`.
void add_incident_list(CLI::App* inc, Globals& g, int& /*exit_code: listing cannot fail*/) {
  auto* cmd_list = inc->add_subcommand("list", tr("cli.incident.list"));
  cmd_list->callback([&g] {
    const auto all = list_incidents(resolve_case_root(g.case_root));
    if (g.json) {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& i : all) a.push_back(to_json(i));
      std::cout << a.dump(2) << "\n";
      return;
    }
    if (all.empty()) std::cout << tr("cli.incident.none") << "\n";
    for (const auto& i : all)
      std::cout << i.incident_id << "\t" << format_jst_display(i.created_utc_ns) << " JST\t" << i.title
                << (i.training ? std::string("\t[") + tr("training.mark") + "]" : "") << "\n";
  });
}

// `shodo incident show [id]`.
void add_incident_show(CLI::App* inc, Globals& g, int& exit_code) {
  auto show_id = std::make_shared<std::string>();
  auto* cmd_show = inc->add_subcommand("show", tr("cli.incident.show"));
  cmd_show->add_option("id", *show_id, tr("cli.opt.incident_id"));
  cmd_show->callback([&g, &exit_code, show_id] {
    Globals gg = g;
    if (!show_id->empty()) gg.incident = *show_id;
    auto id = current_incident(gg);
    if (!id) {
      exit_code = report_error(id.error());
      return;
    }
    auto info = load_incident(resolve_case_root(g.case_root), id.value());
    if (!info) {
      exit_code = report_error(info.error());
      return;
    }
    print_incident(info.value(), g.json);
  });
}

}  // namespace

void add_incident_commands(CLI::App& app, Globals& g, int& exit_code) {
  auto* inc = app.add_subcommand("incident", tr("cli.incident.description"));
  inc->require_subcommand(1);
  add_incident_new(inc, g, exit_code);
  add_incident_next(inc, g, exit_code);
  add_incident_open(inc, g, exit_code);
  add_incident_list(inc, g, exit_code);
  add_incident_show(inc, g, exit_code);
}

}  // namespace shodo::cli
