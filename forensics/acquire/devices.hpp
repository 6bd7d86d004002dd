// Block-device discovery for the evidence screens and `shodo devices` (REQUIREMENTS §4.2
// "make, model, serial_no, capacity, interface"; ANCHORS §1A/§2 Guymager's device table and .info).
//
// Everything here only READS: sysfs, the udev database, /proc/self/mountinfo, libblkid probes
// opened O_RDONLY (never the blkid cache file), and the read-only queries `hdparm -N DEV`,
// `hdparm --dco-identify DEV` and `smartctl -j -H -i DEV` (opt-in). Nothing here changes a
// device's read-only flag, its HPA/DCO or any mount (DESIGN.md "Never write to evidence").
//
// The kit's own boot medium and the volume that holds the case root are listed but not offered
// as sources, with the reason in Japanese and English.
//
// Thread-safety: all functions are reentrant (no shared state); they may block for the time the
// kernel and external tools take (each tool run is limited to 10 s).
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "forensics/core/result.hpp"

namespace shodo::acquire {

// One mount of a block device, from /proc/self/mountinfo.
struct MountUse {
  std::string device;       // the mounted block device, "/dev/sdb1" (a dm/md holder: "/dev/dm-0")
  std::string mount_point;  // unescaped ("\040" → ' ')
  std::string fs_type;      // "ext4", "vfat" ...
  bool read_write = false;  // true unless the mount or the super block is "ro"
};

// One partition as the kernel sees it (/sys/block/X/X1).
struct PartitionInfo {
  std::string name;  // "sda1", "nvme0n1p2"
  std::string path;  // "/dev/sda1"
  std::uint32_t number = 0;        // the kernel's partition number
  std::uint64_t start_bytes = 0;   // from the start of the whole device
  std::uint64_t size_bytes = 0;
  bool read_only = false;          // the partition's own kernel ro flag
  std::string fs_type, fs_label, fs_uuid;  // libblkid; empty when nothing was recognised
  std::vector<MountUse> mounts;    // this partition and its dm/md holders
};

// HPA (Host Protected Area) and DCO (Device Configuration Overlay) as reported by hdparm.
// Sector counts are in the drive's logical sectors.
struct HpaDcoInfo {
  bool queried = false;     // the query was asked for (ListOptions::query_hpa_dco)
  bool available = false;   // a trustworthy `hdparm -N` reading was obtained
  std::uint64_t current_max_sectors = 0;  // what the host may address now
  std::uint64_t native_max_sectors = 0;   // what the drive has without an HPA
  bool hpa_enabled = false;               // current < native
  bool dco_available = false;             // `--dco-identify` gave "Real max sectors"
  std::uint64_t dco_real_max_sectors = 0; // without any DCO restriction
  bool dco_restricted = false;            // real max > native max: sectors hidden by a DCO
  std::string dco_text;                   // `hdparm --dco-identify` output as printed
  std::string tool_output;                // `hdparm -N` output (stdout then stderr)
  std::string note_ja, note_en;           // why not available, or a caution about the reading
};

// SMART health (smartctl). Never runs a self-test.
struct SmartInfo {
  bool queried = false;
  bool available = false;   // smartctl answered with a health status
  std::string health;       // "PASSED", "FAILED" or "" (unknown)
  int exit_status = -1;     // smartctl's bit mask (-1: not run)
  std::string raw_json;     // smartctl's JSON document as printed
  std::string note_ja, note_en;
};

struct BlockDevice {
  std::string name;  // "sda"
  std::string path;  // "/dev/sda"
  std::string model, serial, vendor, firmware_rev, wwn;
  std::uint64_t size_bytes = 0;
  std::uint32_t logical_sector = 512, physical_sector = 512;
  bool removable = false, rotational = false;
  bool read_only = false;  // the kernel ro flag (blockdev --getro)
  // "usb", "sata", "nvme", "mmc", "virtio", "loop", "scsi" or "unknown" (dm-, md ...).
  std::string transport;
  std::string backing_file;     // loop devices: the file behind it
  std::string partition_table;  // libblkid PTTYPE: "dos", "gpt" ... ("" when none)
  std::string fs_type, fs_label, fs_uuid;  // a file system on the whole device (no partitions)
  std::vector<PartitionInfo> partitions;
  std::vector<MountUse> mounts;  // the device itself, its partitions and their dm/md holders
  bool is_kit_boot_medium = false;
  bool holds_case_root = false;
  // Why it is not offered as a source: codes ("kit_boot_medium", "kit_case_volume",
  // "case_root", "kit_loop", "no_medium") and the joined texts. Empty = offered.
  std::vector<std::string> excluded_codes;
  std::string excluded_reason_ja, excluded_reason_en;
  HpaDcoInfo hpa_dco;
  SmartInfo smart;

  bool offered() const { return excluded_codes.empty(); }
};

struct ListOptions {
  std::filesystem::path case_root;  // the device holding it is not offered; empty: not checked
  bool query_hpa_dco = false;       // run hdparm -N / --dco-identify (ATA/SCSI transports only)
  bool query_smart = false;         // run smartctl -j -H -i
  // Roots of the kernel and udev views, replaced by a fake tree in tests.
  std::filesystem::path sysfs_root = "/sys";
  std::filesystem::path proc_root = "/proc";            // reads <proc_root>/self/mountinfo
  std::filesystem::path udev_root = "/run/udev/data";   // b<major>:<minor> files
  std::filesystem::path dev_root = "/dev";              // device nodes probed with libblkid
};

// Every block device in <sysfs_root>/block except ram*, zram* and loop devices without a backing
// file, sorted by name. A device that cannot be read completely is still listed with what was
// read. Errors: io_error when <sysfs_root>/block or mountinfo cannot be read at all.
Result<std::vector<BlockDevice>> list_block_devices(const ListOptions& opts);

// One device by path ("/dev/sdb", a /dev/disk/by-id link). For a partition ("/dev/sdb1") the
// result describes the partition as a device: its own size, ro flag, file system and mounts, with
// the parent's model, serial, transport and exclusion. Errors: not_found (no such path),
// invalid_input (not a block device or unknown to sysfs), io_error.
Result<BlockDevice> describe_device(const std::filesystem::path& device, const ListOptions& opts = {});

// Mounts of a block device and of its partitions and their dm/md holders (a partition: itself and
// its holders). Used to refuse a source that is mounted read-write. Fails closed: the checked
// variant returns an error when the answer is not known (unreadable mountinfo, not a block
// device); mounts_using() then returns one MountUse with device = the path, mount_point = "?",
// read_write = true, so a caller that only looks for read-write mounts refuses.
Result<std::vector<MountUse>> mounts_using_checked(const std::filesystem::path& block_device,
                                                   const ListOptions& opts = {});
std::vector<MountUse> mounts_using(const std::filesystem::path& block_device);

// The stable JSON form of a device ("shodo-devices" version 1; see devices_cmd.cpp / FORMATS).
nlohmann::json to_json(const BlockDevice& d);
nlohmann::json to_json(const MountUse& m);

// ---- parsers (pure; public for the unit tests) -------------------------------------------------

struct MountInfoEntry {
  unsigned major = 0, minor = 0;
  std::string root;         // the mounted subtree of the file system
  std::string mount_point;  // unescaped
  std::string fs_type;
  std::string source;       // "/dev/sda1", "overlay" ...
  bool read_write = false;  // mount option rw and super option not ro
};

// Decodes mountinfo's octal escapes (\040 space, \011 tab, \012 newline, \134 backslash).
std::string unescape_mountinfo(std::string_view field);
// Parses /proc/self/mountinfo text; malformed lines are skipped.
std::vector<MountInfoEntry> parse_mountinfo(std::string_view text);
// The E: properties of a udev database file (ID_SERIAL_SHORT=..., ID_BUS=...).
std::map<std::string, std::string> parse_udev_db(std::string_view text);
// SCSI VPD page 0x80 (unit serial number): 4-byte header then ASCII, trimmed. "" if malformed.
std::string parse_vpd_pg80(std::string_view bytes);
// Transport from the resolved sysfs path of a block device.
std::string transport_from_sysfs_path(std::string_view resolved_path);

// Fills current/native max, hpa_enabled and available from `hdparm -N` output. A reading that
// hdparm itself calls invalid, or whose current max disagrees with the kernel's size
// (kernel_sectors, in logical sectors; 0 = not checked), is not available (note says why).
void parse_hdparm_n(std::string_view output, std::uint64_t kernel_sectors, HpaDcoInfo& info);
// Fills dco_* from `hdparm --dco-identify` output (needs native_max_sectors for dco_restricted).
void parse_hdparm_dco(std::string_view output, HpaDcoInfo& info);
// SmartInfo from smartctl's JSON and exit status (bit 0: bad command line / unknown device type,
// bit 1: device open failed, bit 2: a SMART command failed, bit 3: DISK FAILING ...).
SmartInfo parse_smartctl_json(std::string_view json_text, int exit_status);

// ---- running the read-only query tools -----------------------------------------------------------

struct ToolRun {
  bool started = false;  // false: the program was not found or could not be started
  bool timed_out = false;
  int exit_status = -1;  // exit code, or -1 when killed by a signal
  std::string out, err;
};

// Runs program (looked up in PATH, /usr/sbin, /sbin) with args, no shell, LC_ALL=C, stdin from
// /dev/null; collects stdout and stderr; kills it after timeout_ms.
ToolRun run_tool(const std::string& program, const std::vector<std::string>& args, int timeout_ms = 10000);

}  // namespace shodo::acquire
