// A fake sysfs / proc / udev / dev tree in a temp dir, for the block-device listing of
// forensics/acquire/devices.hpp (its ListOptions roots): used by test_devices.cpp (the listing
// itself) and by the GUI tests (the device table and the wizard's source step with real rows on
// a machine without block devices). Include after tests/unit/test_support.hpp.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "forensics/acquire/devices.hpp"
#include "tests/unit/test_support.hpp"

namespace shodo::unit {

inline void put(const std::filesystem::path& p, const std::string& content) {
  std::filesystem::create_directories(p.parent_path());
  write_bytes(p, content + (content.empty() || content.back() == '\n' ? "" : "\n"));
}

struct FakeDisk {
  std::string name;
  std::string devices_path;  // under <sys>/devices, ending in /block/<name>
  std::string devnum;
  std::uint64_t sectors = 0;
  std::map<std::string, std::string> attrs;         // relative to the block dir
  std::map<std::string, std::string> device_attrs;  // relative to the "device" dir
};

class FakeSystem {
 public:
  explicit FakeSystem(const std::filesystem::path& root) : m_root(root) {
    std::filesystem::create_directories(sys() / "block");
    std::filesystem::create_directories(dev());
    std::filesystem::create_directories(udev());
    std::filesystem::create_directories(proc() / "self");
  }
  std::filesystem::path sys() const { return m_root / "sys"; }
  std::filesystem::path proc() const { return m_root / "proc"; }
  std::filesystem::path udev() const { return m_root / "udev"; }
  std::filesystem::path dev() const { return m_root / "dev"; }

  // Adds a whole device; returns its block dir (the real directory behind /sys/block/<name>).
  std::filesystem::path add_disk(const FakeDisk& d) {
    const std::filesystem::path dir = sys() / "devices" / d.devices_path;
    put(dir / "dev", d.devnum);
    put(dir / "size", std::to_string(d.sectors));
    put(dir / "ro", "0");
    put(dir / "removable", "0");
    put(dir / "queue" / "rotational", "0");
    put(dir / "queue" / "logical_block_size", "512");
    put(dir / "queue" / "physical_block_size", "512");
    std::filesystem::create_directories(dir / "holders");
    std::filesystem::create_directories(dir / "slaves");
    for (const auto& [k, v] : d.attrs) put(dir / k, v);
    if (!d.device_attrs.empty()) {
      // The "device" link points at the parent of "block" (SCSI device, virtio device), or for
      // NVMe at the controller the namespace sits in.
      const std::filesystem::path target = dir.parent_path().filename() == "block" ? dir.parent_path().parent_path() : dir.parent_path();
      for (const auto& [k, v] : d.device_attrs) put(target / k, v);
      std::filesystem::create_directory_symlink(std::filesystem::relative(target, dir), dir / "device");
    }
    std::filesystem::create_directory_symlink(std::filesystem::relative(dir, sys() / "block"), sys() / "block" / d.name);
    write_bytes(dev() / d.name, "");
    return dir;
  }
  void add_partition(const std::filesystem::path& disk_dir, const std::string& name, int number, const std::string& devnum,
                     std::uint64_t start, std::uint64_t sectors) {
    const std::filesystem::path dir = disk_dir / name;
    put(dir / "partition", std::to_string(number));
    put(dir / "dev", devnum);
    put(dir / "start", std::to_string(start));
    put(dir / "size", std::to_string(sectors));
    put(dir / "ro", "0");
    std::filesystem::create_directories(dir / "holders");
    write_bytes(dev() / name, "");
  }
  void mountinfo(const std::string& text) { put(proc() / "self" / "mountinfo", text); }

  acquire::ListOptions options() const {
    acquire::ListOptions o;
    o.sysfs_root = sys();
    o.proc_root = proc();
    o.udev_root = udev();
    o.dev_root = dev();
    return o;
  }

 private:
  std::filesystem::path m_root;
};

}  // namespace shodo::unit
