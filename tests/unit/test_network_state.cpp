// The kit host's network state read from a fake /sys/class/net + /proc/net tree
// (forensics/isolate/network_state.hpp, REQUIREMENTS §5.2).
#include "tests/unit/test_support.hpp"

#include "forensics/isolate/network_state.hpp"

using shodo::isolate::Isolation;
using shodo::isolate::NetworkRoots;
using shodo::isolate::read_network_state;
using shodo::unit::write_bytes;

namespace {

const std::string k_route_header = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n";
// The kernel's own "unreachable" IPv6 default on lo (flags RTF_REJECT): never a way out.
const std::string k_ipv6_lo_reject =
    "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
    "00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n";

// A fake system: lo up, eth0 and wlan0 down, no default route.
NetworkRoots fake_system(const std::filesystem::path& root) {
  const NetworkRoots r{root / "sys", root / "proc"};
  const auto net = r.sysfs_root / "class" / "net";
  for (const char* i : {"lo", "eth0", "wlan0"}) std::filesystem::create_directories(net / i);
  std::filesystem::create_directories(r.proc_root / "net");
  write_bytes(net / "lo" / "flags", "0x9\n");
  write_bytes(net / "eth0" / "flags", "0x1002\n");
  write_bytes(net / "wlan0" / "flags", "0x1002\n");
  write_bytes(r.proc_root / "net" / "route", k_route_header);
  write_bytes(r.proc_root / "net" / "ipv6_route", k_ipv6_lo_reject);
  return r;
}

}  // namespace

TEST_CASE("network state: isolated with only lo up and no default route", "[isolate]") {
  SHODO_TEST_DIR(dir);
  const NetworkRoots r = fake_system(dir.path());
  const auto s = read_network_state(r);
  CHECK(s.state == Isolation::isolated);
  CHECK(s.up_interfaces.empty());
  CHECK_FALSE(s.default_route);
  CHECK(std::string(shodo::isolate::isolation_code(s.state)) == "isolated");
}

TEST_CASE("network state: an interface up means not isolated, lo never counts", "[isolate]") {
  SHODO_TEST_DIR(dir);
  const NetworkRoots r = fake_system(dir.path());
  write_bytes(r.sysfs_root / "class" / "net" / "wlan0" / "flags", "0x1003\n");
  const auto s = read_network_state(r);
  CHECK(s.state == Isolation::not_isolated);
  CHECK(s.up_interfaces == std::vector<std::string>{"wlan0"});
  CHECK_FALSE(s.default_route);
  CHECK(std::string(shodo::isolate::isolation_code(s.state)) == "not_isolated");
}

TEST_CASE("network state: a default route (IPv4 or IPv6) means not isolated even with every link down",
          "[isolate]") {
  SHODO_TEST_DIR(dir);
  const NetworkRoots r = fake_system(dir.path());
  SECTION("IPv4 via eth0") {
    write_bytes(r.proc_root / "net" / "route",
                k_route_header + "eth0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n");
  }
  SECTION("IPv6 via eth0") {
    write_bytes(r.proc_root / "net" / "ipv6_route",
                k_ipv6_lo_reject +
                    "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
                    "fe800000000000000000000000000001 00000400 00000001 00000000 00450003     eth0\n");
  }
  const auto s = read_network_state(r);
  CHECK(s.state == Isolation::not_isolated);
  CHECK(s.default_route);
  CHECK(s.up_interfaces.empty());
}

TEST_CASE("network state: routes that lead nowhere are not a default route", "[isolate]") {
  SHODO_TEST_DIR(dir);
  const NetworkRoots r = fake_system(dir.path());
  // A host route (mask ffffffff) and a default on lo.
  write_bytes(r.proc_root / "net" / "route", k_route_header +
                                                 "eth0\t0101A8C0\t00000000\t0001\t0\t0\t0\tFFFFFFFF\t0\t0\t0\n"
                                                 "lo\t00000000\t00000000\t0001\t0\t0\t0\t00000000\t0\t0\t0\n");
  // An IPv6 reject default on eth0 (flags 0x0200 set).
  write_bytes(r.proc_root / "net" / "ipv6_route",
              "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
              "00000000000000000000000000000000 ffffffff 00000001 00000000 00200200     eth0\n");
  const auto s = read_network_state(r);
  CHECK(s.state == Isolation::isolated);
  CHECK_FALSE(s.default_route);
}

TEST_CASE("network state: nothing readable is unknown, never isolated", "[isolate]") {
  SHODO_TEST_DIR(dir);
  const NetworkRoots r{dir.path() / "no-sys", dir.path() / "no-proc"};
  const auto s = read_network_state(r);
  CHECK(s.state == Isolation::unknown);
  CHECK(std::string(shodo::isolate::isolation_code(s.state)) == "unknown");
}

TEST_CASE("network state: garbage in flags files is skipped, not fatal", "[isolate]") {
  SHODO_TEST_DIR(dir);
  const NetworkRoots r = fake_system(dir.path());
  write_bytes(r.sysfs_root / "class" / "net" / "eth0" / "flags", "not-hex\n");
  write_bytes(r.sysfs_root / "class" / "net" / "wlan0" / "flags", "0x1003\n");
  const auto s = read_network_state(r);
  CHECK(s.state == Isolation::not_isolated);
  CHECK(s.up_interfaces == std::vector<std::string>{"wlan0"});
}
