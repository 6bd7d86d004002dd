#include "app/cli/cli.hpp"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <regex>

#include <CLI/CLI.hpp>

#include "app/cli/acquire_cmd.hpp"
#include "app/cli/chrono_cmd.hpp"
#include "app/cli/devices_cmd.hpp"
#include "app/cli/evidence_cmd.hpp"
#include "app/cli/incident_cmd.hpp"
#include "app/cli/operator_cmd.hpp"
#include "app/cli/print_cmd.hpp"
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

// The deepest subcommand the parser got into (e.g. `chrono` for `shodo chrono lsit`).
const CLI::App* deepest(const CLI::App& app) {
  const CLI::App* cur = &app;
  for (bool deeper = true; deeper;) {
    deeper = false;
    for (const CLI::App* sub : cur->get_subcommands([](const CLI::App* a) { return a->parsed() > 0; })) {
      cur = sub;
      deeper = true;
      break;
    }
  }
  return cur;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> d(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) d[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t prev = d[0];
    d[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cur = d[j];
      d[j] = std::min({d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1)});
      prev = cur;
    }
  }
  return d[b.size()];
}

// CLI11's own messages ("--from is required", "Could not convert: …", "The following argument was
// not expected: lsit", "A subcommand is required") in Japanese and English like every other
// message (issue 11). A word where a subcommand belongs is called an unknown command, with the
// nearest one suggested. The command whose help to read is named.
Error usage_error(const CLI::ParseError& e, const CLI::App& app) {
  const CLI::App* at = deepest(app);
  std::string path;
  for (const CLI::App* a = at; a && a->get_parent(); a = a->get_parent()) path = " " + a->get_name() + path;
  const std::string help = "shodo" + path + " --help";
  std::vector<std::string> subs;
  for (const CLI::App* sub : at->get_subcommands({})) subs.push_back(sub->get_name());
  const std::string what = e.what();
  const std::string name = e.get_name();
  auto after = [&](const std::string& marker) {
    const auto p = what.find(marker);
    std::string v = p == std::string::npos ? std::string() : what.substr(p + marker.size());
    while (!v.empty() && (v.back() == ' ' || v.back() == '\n')) v.pop_back();
    return v;
  };
  auto list = [](const std::vector<std::string>& v) {
    std::string out;
    for (const auto& x : v) out += (out.empty() ? "" : ", ") + x;
    return out;
  };
  std::string ja, en;
  // A mistyped command: CLI11 says "not expected" or, where a command is required, "A subcommand
  // is required" with the word left over.
  std::string word;
  if (name == "ExtrasError" && !subs.empty()) {
    word = after(": ");
    if (const auto sp = word.find(' '); sp != std::string::npos) word.resize(sp);
  } else if (name == "RequiredError" && what.find("subcommand") != std::string::npos) {
    // The word falls through to a parent that takes no positional argument either.
    for (const CLI::App* a = at; a && word.empty(); a = a->get_parent())
      if (!a->remaining().empty()) word = a->remaining().front();
  }
  if (!word.empty() && !subs.empty()) {
    std::string best;
    std::size_t best_d = 3;  // suggest only a near miss
    for (const auto& s : subs)
      if (const std::size_t d = edit_distance(word, s); d < best_d) best = s, best_d = d;
    ja = "不明なコマンドです: 「" + word + "」。";
    en = "unknown command \"" + word + "\". ";
    if (!best.empty()) {
      ja += "もしかして「" + best + "」ですか？ ";
      en += "Did you mean \"" + best + "\"? ";
    }
    ja += "使えるもの: " + list(subs);
    en += "The commands are: " + list(subs);
  } else if (name == "RequiredError" && what.find("subcommand") != std::string::npos) {
    ja = "コマンドを続けて指定してください: " + list(subs);
    en = "a command must follow: " + list(subs);
  } else if (name == "RequiredError") {
    std::string opt = what.substr(0, what.find(' '));
    ja = opt + " を指定してください";
    en = opt + " is required";
  } else if (name == "ConversionError") {
    ja = "値を読み取れません（" + after("Could not convert: ") + "）。数や時刻の書き方を確かめてください";
    en = "cannot read the value (" + after("Could not convert: ") + "); check how the number or time is written";
  } else if (name == "ValidationError") {
    // CLI11's own checks: "--sheets: Value abc not in range 1 to 500", "--lang: fr not in {ja,en}".
    static const std::regex range(R"(^(\S+): Value (.*) not in range (\S+) to (\S+))");
    static const std::regex member(R"(^(\S+): (.*) not in \{(.*)\})");
    std::smatch m;
    if (std::regex_search(what, m, range)) {
      ja = m[1].str() + " の値「" + m[2].str() + "」は " + m[3].str() + "〜" + m[4].str() + " の範囲にありません";
      en = m[1].str() + ": the value \"" + m[2].str() + "\" is not in " + m[3].str() + " to " + m[4].str();
    } else if (std::regex_search(what, m, member)) {
      ja = m[1].str() + " に「" + m[2].str() + "」は使えません。使えるもの: " + m[3].str();
      en = m[1].str() + ": \"" + m[2].str() + "\" is not one of " + m[3].str();
    } else {
      ja = "値が正しくありません: " + what;
      en = "the value is not valid: " + what;
    }
  } else if (name == "ExtrasError") {
    ja = "余分な引数があります: " + after(": ") + "（値に空白があるときは \"…\" で囲みます）";
    en = "unexpected argument(s): " + after(": ") + " (quote a value that contains spaces: \"…\")";
  } else if (name == "ArgumentMismatch") {
    ja = "引数の数が合いません: " + what;
    en = "wrong number of values: " + what;
  } else {
    ja = std::string("使い方が正しくありません（") + what + "）";
    en = "invalid usage (" + what + ")";
  }
  ja += "。使い方: " + help;
  en += ". Usage: " + help;
  return make_error(ErrorCode::invalid_input, ja, en);
}

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
  add_print_commands(app, g, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return report_error(usage_error(e, app));
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
