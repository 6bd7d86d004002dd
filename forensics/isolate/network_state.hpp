// The kit host's own network state for the status bar (REQUIREMENTS §5.2), read from the kernel:
// /sys/class/net/*/flags (IFF_UP) and the default routes in /proc/net/route and
// /proc/net/ipv6_route. Kept in the GUI until the core has a network_state module (the
// isolation work will move it to forensics/isolate/ and record it in the chronology).
#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace shodo::gui {

enum class Isolation {
  isolated,      // no interface but lo is up and there is no default route
  not_isolated,  // an interface is up or a default route exists
  unknown,       // /sys or /proc unreadable
};

struct NetworkState {
  Isolation state = Isolation::unknown;
  std::vector<std::string> up_interfaces;  // IFF_UP, lo excluded
  bool default_route = false;              // IPv4 or IPv6
};

// Reads the current state. `sys_net` and `proc_net` are parameters so tests can point them at
// a fake tree. Cheap (a few small files); the status bar calls it about every 2 s.
NetworkState read_network_state(const std::filesystem::path& sys_net = "/sys/class/net",
                                const std::filesystem::path& proc_net = "/proc/net");

}  // namespace shodo::gui
