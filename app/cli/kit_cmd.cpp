#include "app/cli/kit_cmd.hpp"

#include <iostream>
#include <memory>

#include "forensics/core/clock.hpp"
#include "forensics/i18n/catalogue.hpp"
#include "forensics/isolate/network_state.hpp"
#include "forensics/kit/selfcheck.hpp"

namespace shodo::cli {
using i18n::tr;

namespace {

// The kit host's own network state, read from the kernel (the same reader as the status bar,
// also in a build without the GUI).
nlohmann::json network_json() {
  const isolate::NetworkState n = isolate::read_network_state();
  return {{"state", isolate::isolation_code(n.state)},
          {"up_interfaces", n.up_interfaces},
          {"default_route", n.default_route}};
}

const char* network_text(const std::string& state) {
  if (state == "isolated") return tr("kit.network.isolated");
  if (state == "not_isolated") return tr("kit.network.not_isolated");
  return tr("kit.network.unknown");
}

std::string medium_text(const kit::MediumCheck& m) {
  switch (m.state) {
    case kit::MediumState::ok:
      return std::string(tr("kit.medium.ok")) + " (" + std::to_string(m.files_ok) + "/" + std::to_string(m.files_total) +
             ", " + format_jst_display(m.checked_unix_s * 1'000'000'000LL) + " JST)";
    case kit::MediumState::mismatch: return tr("kit.medium.mismatch");
    case kit::MediumState::not_checked: return tr("kit.medium.not_checked");
    case kit::MediumState::unavailable: return tr("kit.medium.unavailable");
  }
  return tr("kit.medium.unavailable");
}

void print_text(const kit::SelfCheck& c, const nlohmann::json& net) {
  const auto& m = c.manifest;
  std::cout << tr("kit.check.title") << "\n"
            << "  " << tr("kit.image") << ": " << m.image_name << " (" << tr("kit.built") << " " << m.built_utc << ")\n"
            << "  " << tr("kit.system_hash") << ": "
            << (c.medium.system_sha256.empty() ? tr("kit.medium.unavailable") : c.medium.system_sha256.c_str()) << "\n"
            << "      " << tr("kit.system_hash.hint") << "\n"
            << "  " << tr("kit.medium") << ": " << medium_text(c.medium) << "\n";
  for (const auto& f : c.medium.bad_files) std::cout << "      ✗ " << f << "\n";
  std::cout << "  " << tr("kit.packages") << ": " << m.packages.size() << " / " << c.packages_installed << " — "
            << (c.package_diffs.empty() ? tr("kit.packages.match") : tr("kit.packages.differ")) << "\n";
  for (const auto& d : c.package_diffs)
    std::cout << "      ✗ " << d.name << ": " << tr(std::string("kit.diff.") + kit::to_string(d.problem)) << " ("
              << (d.expected.empty() ? "-" : d.expected) << " → " << (d.actual.empty() ? "-" : d.actual) << ")\n";
  std::cout << "  " << tr("kit.binary") << ": " << (c.binary_ok ? tr("kit.binary.match") : tr("kit.binary.differ")) << "\n"
            << "  " << tr("kit.network") << ": " << network_text(net["state"].get<std::string>()) << "\n"
            << tr("kit.result") << ": " << (c.ok() ? tr("kit.result.ok") : tr("kit.result.mismatch")) << "\n";
}

}  // namespace

void add_kit_commands(CLI::App& app, Globals& g, int& exit_code) {
  auto* kit_app = app.add_subcommand("kit", tr("cli.kit.description"));
  kit_app->require_subcommand(1);
  auto verify = std::make_shared<bool>(false);
  auto* check = kit_app->add_subcommand("check", tr("cli.kit.check"));
  check->add_flag("--verify-medium", *verify, tr("cli.opt.verify_medium"));
  check->callback([&g, &exit_code, verify] {
    auto c = kit::run_self_check(kit::KitPaths{}, *verify);
    if (!c) {
      exit_code = report_error(c.error());
      return;
    }
    const nlohmann::json net = network_json();
    if (g.json) {
      nlohmann::json j = kit::to_json(c.value());
      j["network"] = net;
      std::cout << j.dump(2) << "\n";
    } else {
      print_text(c.value(), net);
    }
    exit_code = c->ok() ? 0 : exit_code_for(ErrorCode::integrity);
  });
}

}  // namespace shodo::cli
