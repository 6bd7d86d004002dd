#include "app/cli/cli.hpp"

#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "app/cli/acquire_cmd.hpp"
#include "app/cli/chrono_cmd.hpp"
#include "app/cli/devices_cmd.hpp"
#include "app/cli/evidence_cmd.hpp"
#include "app/cli/incident_cmd.hpp"
#include "app/cli/operator_cmd.hpp"
#include "app/cli/session.hpp"
#include "app/cli/kit_cmd.hpp"
#include "forensics/case/incident.hpp"
#include "forensics/core/provenance.hpp"
#include "forensics/i18n/catalogue.hpp"
#include "forensics/integrity/kit_key.hpp"
#if SHODO_HAVE_GUI
#include "app/gui/gui_main.hpp"
#endif

namespace shodo::cli {

using i18n::tr;

int report_error(const Error& e) {
  std::cerr << "shodo: " << tr("cli.error") << ": " << e.describe(i18n::japanese()) << "\n";
  return exit_code_for(e.code);
}

void say(const std::string& text) { std::cout << text << "\n"; }

namespace {

// Without a display: what is here and what to type next.
int print_status(const Globals& g) {
  const auto root = resolve_case_root(g.case_root);
  std::cout << "Shodo (初動) " << tool_version_string() << "\n";
  std::cout << tr("cli.status.case_root") << ": " << root.string() << "\n";
  const auto incidents = list_incidents(root);
  std::cout << tr("cli.status.incidents") << ": " << incidents.size() << "\n";
  for (const auto& i : incidents)
    std::cout << "  " << i.incident_id << "  " << i.title << (i.training ? "  [" + std::string(tr("training.mark")) + "]" : "")
              << "\n";
  auto cur = current_incident(g);
  if (cur) std::cout << tr("cli.status.current") << ": " << cur.value() << "\n";
  std::cout << "\n" << tr("cli.status.no_display") << "\n\n" << tr("cli.status.commands") << "\n";
  return 0;
}

// Options every subcommand shares (before the subcommand: `shodo --json chrono list`).
void add_global_options(CLI::App& app, Globals& g) {
  app.set_version_flag("--version", tool_version_string());
  app.option_defaults()->always_capture_default(false);
  app.add_option("--case-root", g.case_root, tr("cli.opt.case_root"));
  app.add_option("--incident", g.incident, tr("cli.opt.incident"));
  app.add_option("--operator", g.op_name, tr("cli.opt.operator"));
  app.add_option("--roles", g.roles, tr("cli.opt.roles"));
  app.add_option("--lang", g.lang, tr("cli.opt.lang"))->check(CLI::IsMember({"ja", "en"}));
  app.add_flag("--json", g.json, tr("cli.opt.json"));
}

#if SHODO_HAVE_GUI
// Options of the GUI (no subcommand): test scripts, screenshots, kiosk mode, frame benchmarks.
void add_gui_options(CLI::App& app, GuiOptions& gui) {
  app.add_option("--script", gui.script_file, tr("cli.opt.script"));
  app.add_option("--screenshot", gui.screenshot_file, tr("cli.opt.screenshot"));
  app.add_flag("--fullscreen", gui.fullscreen, tr("cli.opt.fullscreen"));
  app.add_option("--bench-frames", gui.bench_frames, tr("cli.opt.bench_frames"));
}
#endif

}  // namespace

int run(int argc, char** argv) {
  i18n::set_lang(i18n::lang_from_environment());
  // Parse --lang early so that CLI11's own help text decisions and our messages agree.
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--lang" && i + 1 < argc) i18n::set_lang(std::string(argv[i + 1]) == "ja" ? i18n::Lang::ja : i18n::Lang::en);
    if (a.rfind("--lang=", 0) == 0) i18n::set_lang(a.substr(7) == "ja" ? i18n::Lang::ja : i18n::Lang::en);
  }
  Globals g;
  int exit_code = 0;
  CLI::App app{tr("cli.app.description"), "shodo"};
  add_global_options(app, g);
#if SHODO_HAVE_GUI
  GuiOptions gui;
  add_gui_options(app, gui);
#endif
  app.fallthrough();
  app.require_subcommand(0, 1);
  // One registration function per command group (each registers one function per subcommand).
  add_operator_commands(app, g, exit_code);
  add_incident_commands(app, g, exit_code);
  add_chrono_commands(app, g, exit_code);
  add_evidence_commands(app, g, exit_code);
  add_kit_commands(app, g, exit_code);
  add_devices_commands(app, g, exit_code);
  add_acquire_commands(app, g, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "shodo: " << tr("cli.error") << ": " << tr("cli.usage_error") << " (" << e.what() << ")\n"
              << tr("cli.usage_hint") << "\n";
    return 2;
  }
  if (!app.get_subcommands().empty()) return exit_code;
  const char* display = std::getenv("DISPLAY");
  const char* wayland = std::getenv("WAYLAND_DISPLAY");
#if SHODO_HAVE_GUI
  if ((display && *display) || (wayland && *wayland)) {
    gui.case_root = resolve_case_root(g.case_root);
    gui.incident_id = g.incident;
    if (gui.incident_id.empty())
      if (auto cur = current_incident(g)) gui.incident_id = cur.value();
    // The operator of this kit session (or --operator / SHODO_OPERATOR) carries into the window.
    if (auto op = session_operator(g, false); op) {
      gui.operator_name = op->name;
      gui.roles = chronology::roles_text(op->roles);
    } else {
      return report_error(op.error());
    }
    return run_gui(gui);
  }
#else
  (void)display;
  (void)wayland;
#endif
  return print_status(g);
}

}  // namespace shodo::cli
