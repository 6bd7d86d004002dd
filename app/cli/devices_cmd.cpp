#include "app/cli/devices_cmd.hpp"

#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "forensics/acquire/devices.hpp"
#include "forensics/case/incident.hpp"
#include "forensics/core/provenance.hpp"
#include "forensics/i18n/catalogue.hpp"

// JSON document printed by `shodo devices --json` (format "shodo-devices", version 1):
//
// {
//   "format": "shodo-devices", "version": 1, "tool_version": "0.1.0 (abcdef123456)",
//   "case_root": "/evidence/shodo",
//   "devices": [                       // sorted by name; one object even for `shodo devices DEV`
//     { "name": "sdb", "path": "/dev/sdb",
//       "transport": "usb|sata|nvme|mmc|virtio|loop|scsi|unknown",
//       "model": "", "serial": "", "vendor": "", "firmware_rev": "", "wwn": "",   // "" = unknown
//       "size_bytes": 0, "logical_sector": 512, "physical_sector": 4096,
//       "removable": false, "rotational": false,
//       "read_only": false,             // kernel ro flag (blockdev --getro)
//       "backing_file": "",             // loop devices only
//       "partition_table": "dos|gpt|",  // libblkid PTTYPE
//       "fs_type": "", "fs_label": "", "fs_uuid": "",   // file system on the whole device
//       "partitions": [ { "name": "sdb1", "path": "/dev/sdb1", "number": 1, "start_bytes": 1048576,
//                         "size_bytes": 0, "read_only": false, "fs_type": "vfat", "fs_label": "",
//                         "fs_uuid": "", "mounts": [MOUNT...] } ],
//       "mounts": [ { "device": "/dev/sdb1", "mount_point": "/media/x", "fs_type": "vfat",
//                     "read_write": true } ],        // device + partitions + dm/md holders
//       "is_kit_boot_medium": false, "holds_case_root": false,
//       "offered": true,                             // false when "excluded" is not empty
//       "excluded": ["kit_boot_medium"|"kit_case_volume"|"case_root"|"kit_loop"|"no_medium"],
//       "excluded_reason_ja": "", "excluded_reason_en": "",
//       "hpa_dco": { "queried": false, "available": false, "current_max_sectors": 0,
//                    "native_max_sectors": 0, "hpa_enabled": false, "dco_available": false,
//                    "dco_real_max_sectors": 0, "dco_restricted": false, "note_ja": "", "note_en": "",
//                    "hdparm_n_output": "", "hdparm_dco_output": "" },
//       "smart": { "queried": false, "available": false, "health": "PASSED|FAILED|",
//                  "exit_status": -1, "note_ja": "", "note_en": "",
//                  "smartctl": null }              // smartctl's own JSON document when run
//     } ]
// }
// Fields are only ever added within version 1; a removal or change of meaning bumps "version".

namespace shodo::cli {
namespace fs = std::filesystem;
using i18n::tr;

namespace {

constexpr int k_devices_format_version = 1;

// 1234567 → "1,234,567".
std::string grouped(std::uint64_t v) {
  std::string s = std::to_string(v);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), ",");
  return s;
}

// "29.8 GiB / 32.0 GB" (binary and decimal, as drive labels use decimal units).
std::string human_size(std::uint64_t bytes) {
  const double b = static_cast<double>(bytes);
  if (bytes >= (1ull << 30)) return fmt::format("{:.1f} GiB / {:.1f} GB", b / 1073741824.0, b / 1e9);
  if (bytes >= (1ull << 20)) return fmt::format("{:.1f} MiB / {:.1f} MB", b / 1048576.0, b / 1e6);
  return fmt::format("{:.1f} KiB / {:.1f} kB", b / 1024.0, b / 1e3);
}

std::string or_unknown(const std::string& s) { return s.empty() ? std::string(tr("devices.unknown")) : s; }

std::string fs_text(const std::string& type, const std::string& label) {
  if (type.empty()) return tr("devices.no_file_system");
  return label.empty() ? type : type + " \"" + label + "\"";
}

std::string mounts_text(const std::vector<acquire::MountUse>& ms) {
  if (ms.empty()) return tr("devices.not_mounted");
  std::string out;
  for (const auto& m : ms) {
    if (!out.empty()) out += ", ";
    out += std::string(m.read_write ? tr("devices.mounted_rw") : tr("devices.mounted_ro")) + " " + m.mount_point;
    if (!m.device.empty()) out += " (" + m.device + ")";
  }
  return out;
}

void print_device(const acquire::BlockDevice& d, bool ja) {
  std::cout << d.path << "  [" << d.transport << "]  " << or_unknown(d.model);
  std::cout << "  " << tr("devices.label.serial") << ": " << or_unknown(d.serial);
  // Every device carries a badge: read-only now, or writable until shodo sets it read-only.
  std::cout << "  " << tr(!d.offered() ? "devices.excluded_badge" : d.read_only ? "devices.ro_badge" : "devices.rw_badge");
  std::cout << "\n";
  std::cout << "  " << tr("devices.label.size") << ": " << grouped(d.size_bytes) << " " << tr("devices.bytes") << " ("
            << human_size(d.size_bytes) << ")  " << tr("devices.label.sectors") << ": " << d.logical_sector << "/"
            << d.physical_sector << "  " << tr("devices.label.removable") << ": "
            << (d.removable ? tr("cli.yes") : tr("cli.no")) << "\n";
  if (!d.vendor.empty() || !d.firmware_rev.empty() || !d.wwn.empty())
    std::cout << "  " << tr("devices.label.vendor") << ": " << or_unknown(d.vendor) << "  " << tr("devices.label.firmware")
              << ": " << or_unknown(d.firmware_rev) << (d.wwn.empty() ? "" : "  WWN: " + d.wwn) << "\n";
  if (!d.backing_file.empty()) std::cout << "  " << tr("devices.label.backing_file") << ": " << d.backing_file << "\n";
  if (d.partitions.empty()) {
    std::cout << "  " << tr("devices.label.file_system") << ": " << fs_text(d.fs_type, d.fs_label)
              << (d.partition_table.empty() ? "" : "  (" + std::string(tr("devices.label.partition_table")) + ": " +
                                                        d.partition_table + ")")
              << "\n";
  } else {
    std::cout << "  " << tr("devices.label.partitions")
              << (d.partition_table.empty() ? "" : " (" + d.partition_table + ")") << ":\n";
    for (const auto& p : d.partitions)
      std::cout << "    " << p.name << "  " << tr("devices.label.start") << " " << grouped(p.start_bytes) << "  "
                << tr("devices.label.size") << " " << grouped(p.size_bytes) << " (" << human_size(p.size_bytes) << ")  "
                << fs_text(p.fs_type, p.fs_label) << "  " << tr(p.read_only ? "devices.ro_badge" : "devices.rw_badge")
                << "  " << mounts_text(p.mounts) << "\n";
  }
  std::cout << "  " << tr("devices.label.mounts") << ": " << mounts_text(d.mounts) << "\n";
  if (d.hpa_dco.queried) {
    const auto& h = d.hpa_dco;
    std::cout << "  HPA/DCO: ";
    if (h.available)
      std::cout << h.current_max_sectors << "/" << h.native_max_sectors << " "
                << (h.hpa_enabled ? tr("devices.hpa_enabled") : tr("devices.hpa_disabled"))
                << (h.dco_available ? fmt::format("  DCO {}", h.dco_real_max_sectors) : std::string());
    else
      std::cout << tr("devices.not_available");
    const std::string& note = ja ? h.note_ja : h.note_en;
    std::cout << (note.empty() ? "" : "  — " + note) << "\n";
  }
  if (d.smart.queried) {
    std::cout << "  SMART: " << (d.smart.available ? d.smart.health : std::string(tr("devices.not_available")));
    const std::string& note = ja ? d.smart.note_ja : d.smart.note_en;
    std::cout << (note.empty() ? "" : "  — " + note) << "\n";
  }
  if (d.offered())
    std::cout << "  " << tr("devices.offered") << "\n";
  else
    std::cout << "  " << tr("devices.label.not_offered") << ": " << (ja ? d.excluded_reason_ja : d.excluded_reason_en) << "\n";
}

}  // namespace

void add_devices_commands(CLI::App& app, Globals& g, int& exit_code) {
  struct Args {
    std::string device;
    bool smart = false;
    bool hpa = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("devices", tr("devices.cli.description"));
  cmd->add_option("device", args->device, tr("devices.cli.opt_device"));
  cmd->add_flag("--smart", args->smart, tr("devices.cli.opt_smart"));
  cmd->add_flag("--hpa", args->hpa, tr("devices.cli.opt_hpa"));
  cmd->callback([&g, &exit_code, args] {
    acquire::ListOptions o;
    o.case_root = resolve_case_root(g.case_root);
    o.query_smart = args->smart;
    o.query_hpa_dco = args->hpa;
    std::vector<acquire::BlockDevice> devices;
    if (args->device.empty()) {
      auto all = acquire::list_block_devices(o);
      if (!all) {
        exit_code = report_error(all.error());
        return;
      }
      devices = std::move(all).value();
    } else {
      auto one = acquire::describe_device(args->device, o);
      if (!one) {
        exit_code = report_error(one.error());
        return;
      }
      devices.push_back(std::move(one).value());
    }
    if (g.json) {
      nlohmann::json doc = {{"format", "shodo-devices"},
                            {"version", k_devices_format_version},
                            {"tool_version", tool_version_string()},
                            {"case_root", o.case_root.string()},
                            {"devices", nlohmann::json::array()}};
      for (const auto& d : devices) doc["devices"].push_back(acquire::to_json(d));
      std::cout << doc.dump(2) << "\n";
      return;
    }
    if (devices.empty()) {
      std::cout << tr("devices.none") << "\n";
      return;
    }
    const bool ja = i18n::japanese();
    for (std::size_t i = 0; i < devices.size(); ++i) {
      if (i) std::cout << "\n";
      print_device(devices[i], ja);
    }
  });
}

}  // namespace shodo::cli
