#include "forensics/isolate/network_state.hpp"

#include <fstream>
#include <sstream>

namespace shodo::isolate {
namespace {

constexpr unsigned long k_iff_up = 0x1;
constexpr unsigned long k_rtf_reject = 0x0200;

bool ipv4_default_route(const std::filesystem::path& file, bool& readable) {
  std::ifstream in(file);
  if (!in) return false;
  readable = true;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream ss(line);
    std::string iface, dest, gateway, flags, refcnt, use, metric, mask;
    if (!(ss >> iface >> dest >> gateway >> flags >> refcnt >> use >> metric >> mask)) continue;
    if (dest == "00000000" && mask == "00000000" && iface != "lo") return true;
  }
  return false;
}

bool ipv6_default_route(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    // dest dest_prefixlen src src_prefixlen next_hop metric refcnt use flags iface
    std::istringstream ss(line);
    std::string dest, plen, src, splen, hop, metric, refcnt, use, flags, iface;
    if (!(ss >> dest >> plen >> src >> splen >> hop >> metric >> refcnt >> use >> flags >> iface)) continue;
    if (iface == "lo" || plen != "00" || dest != std::string(32, '0')) continue;
    // The kernel keeps an "unreachable" default on lo; a reject route is not a way out either.
    unsigned long f = 0;
    try {
      f = std::stoul(flags, nullptr, 16);
    } catch (...) {
      continue;
    }
    if (f & k_rtf_reject) continue;
    return true;
  }
  return false;
}

}  // namespace

const char* isolation_code(Isolation s) {
  switch (s) {
    case Isolation::isolated: return "isolated";
    case Isolation::not_isolated: return "not_isolated";
    case Isolation::unknown: return "unknown";
  }
  return "unknown";
}

NetworkState read_network_state(const NetworkRoots& roots) {
  const std::filesystem::path sys_net = roots.sysfs_root / "class" / "net";
  const std::filesystem::path proc_net = roots.proc_root / "net";
  NetworkState s;
  std::error_code ec;
  bool readable = false;
  for (const auto& dir : std::filesystem::directory_iterator(sys_net, ec)) {
    readable = true;
    const std::string name = dir.path().filename().string();
    if (name == "lo") continue;
    std::ifstream in(dir.path() / "flags");
    std::string hex;
    if (!(in >> hex)) continue;
    unsigned long flags = 0;
    try {
      flags = std::stoul(hex, nullptr, 16);
    } catch (...) {
      continue;
    }
    if (flags & k_iff_up) s.up_interfaces.push_back(name);
  }
  bool routes_readable = false;
  s.default_route = ipv4_default_route(proc_net / "route", routes_readable) || ipv6_default_route(proc_net / "ipv6_route");
  if (!readable && !routes_readable)
    s.state = Isolation::unknown;
  else
    s.state = (s.up_interfaces.empty() && !s.default_route) ? Isolation::isolated : Isolation::not_isolated;
  return s;
}

}  // namespace shodo::isolate
