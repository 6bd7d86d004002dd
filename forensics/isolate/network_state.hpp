// The kit host's own network state (REQUIREMENTS §5.2), read from the kernel:
// <sysfs_root>/class/net/*/flags (IFF_UP) and the default routes in <proc_root>/net/route and
// <proc_root>/net/ipv6_route. Used by the GUI status bar and by `shodo kit check` (headless
// builds included); the isolation capability builds on it (recording it in the chronology).
#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace shodo::isolate {

enum class Isolation {
  isolated,      // no interface but lo is up and there is no default route
  not_isolated,  // an interface is up or a default route exists
  unknown,       // neither <sysfs_root>/class/net nor <proc_root>/net/route could be read
};

// Stable code for JSON output and logs: "isolated", "not_isolated", "unknown".
const char* isolation_code(Isolation s);

struct NetworkState {
  Isolation state = Isolation::unknown;
  std::vector<std::string> up_interfaces;  // IFF_UP, lo excluded, in directory order
  bool default_route = false;              // IPv4 or IPv6, not via lo, not a reject route
};

// Roots of the kernel views, replaced by a fake tree in tests (as acquire::ListOptions does).
struct NetworkRoots {
  std::filesystem::path sysfs_root = "/sys";   // reads <sysfs_root>/class/net/<if>/flags
  std::filesystem::path proc_root = "/proc";   // reads <proc_root>/net/route and net/ipv6_route
};

// Reads the current state. Never fails: what cannot be read counts as absent, and nothing
// readable at all gives Isolation::unknown. Cheap (a few small files); the status bar calls it
// about every 2 s. Thread-safe (no shared state).
NetworkState read_network_state(const NetworkRoots& roots = {});

}  // namespace shodo::isolate
