// Block-device discovery (forensics/acquire/devices.hpp): the parsers on captured tool output,
// the sysfs/udev/mountinfo reading against a fake tree in a temp dir (SATA disk with an LVM
// root, USB stick, empty card reader, SAS disk known to udev, NVMe, virtio, loop devices), the
// exclusions of the kit's own media, the tool runner, and a read-only check on the real host.
#include "tests/unit/test_support.hpp"  // first: it configures catch.hpp

#include <algorithm>
#include <chrono>
#include <map>

#include "forensics/acquire/devices.hpp"
#include "forensics/i18n/catalogue.hpp"
#include "tests/unit/fake_sysfs.hpp"

using namespace shodo;
using namespace shodo::acquire;
using namespace shodo::unit;
namespace fs = std::filesystem;

namespace {

// ---- captured tool output ------------------------------------------------------------------------

const char* const k_hdparm_n_disabled = "\n/dev/sda:\n max sectors   = 1953525168/1953525168, HPA is disabled\n";
const char* const k_hdparm_n_enabled = "\n/dev/sda:\n max sectors   = 976771055/976773168, HPA is enabled\n";
// What USB bridges print (with exit status 0).
const char* const k_hdparm_n_invalid =
    "\n/dev/sdb:\n max sectors   = 0/1, HPA setting seems invalid (buggy kernel device driver?)\n";
const char* const k_hdparm_n_bridge = "\n/dev/sdd:\n max sectors   = 66055248/1(156301488?), HPA setting seems invalid (buggy kernel device driver?)\n";
const char* const k_hdparm_n_no_ata = "\n/dev/sdc:\nSG_IO: bad/missing sense data, sb[]:  70 00 05 00 00 00 00 0a 00 00 00 00 20 00 00 00\n";

const char* const k_hdparm_dco =
    "\n/dev/sda:\nDCO Revision: 0x0002\nThe following features can be selectively disabled via DCO:\n"
    "\tTransfer modes:\n\t\t mdma0 mdma1 mdma2\n\t\t udma0 udma1 udma2 udma3 udma4 udma5 udma6\n"
    "\tReal max sectors: 976773168\n\tATA command/feature sets:\n"
    "\t\t SMART self_test error_log security PUIS AAM HPA 48_bit\n";
const char* const k_hdparm_dco_hidden =
    "\n/dev/sda:\nDCO Revision: 0x0002\n\tReal max sectors: 1953525168\n";

const char* const k_smart_passed = R"({
  "json_format_version": [1, 0],
  "smartctl": {"version": [7, 3], "exit_status": 0},
  "device": {"name": "/dev/sda", "type": "sat", "protocol": "ATA"},
  "model_name": "WDC WD10EZEX-08WN4A0",
  "serial_number": "WD-WCC6Y0123456",
  "smart_status": {"passed": true}
})";
const char* const k_smart_failed = R"({
  "json_format_version": [1, 0],
  "smartctl": {"version": [7, 3], "exit_status": 8},
  "device": {"name": "/dev/sdb", "type": "sat", "protocol": "ATA"},
  "smart_status": {"passed": false}
})";
// Captured on this build host (smartctl 7.3, a virtio disk).
const char* const k_smart_virtio = R"({
  "json_format_version": [1, 0],
  "smartctl": {"version": [7, 3], "svn_revision": "5338",
    "messages": [{"string": "/dev/vda: Unable to detect device type", "severity": "error"}],
    "exit_status": 1},
  "local_time": {"time_t": 1795523128, "asctime": "Tue Nov 24 12:25:28 2026 UTC"}
})";

// A file system image made by the real mkfs tool, so that libblkid is tested on real bytes.
void make_fs(const fs::path& file, const std::string& mkfs_cmd, std::uint64_t bytes) {
  fs::resize_file(file, bytes);
  int st = 0;
  run_command(mkfs_cmd + " '" + file.string() + "' >/dev/null 2>&1", &st);
  if (st != 0) throw std::runtime_error("mkfs failed: " + mkfs_cmd);
}

// A DOS partition table with one Linux partition at sector 2048 (what fdisk writes).
std::string mbr_bytes() {
  std::string b(512, '\0');
  const std::size_t e = 446;
  b[e + 4] = static_cast<char>(0x83);
  const std::uint32_t start = 2048, count = 40960;
  for (int i = 0; i < 4; ++i) {
    b[e + 8 + static_cast<std::size_t>(i)] = static_cast<char>((start >> (8 * i)) & 0xff);
    b[e + 12 + static_cast<std::size_t>(i)] = static_cast<char>((count >> (8 * i)) & 0xff);
  }
  b[510] = static_cast<char>(0x55);
  b[511] = static_cast<char>(0xaa);
  return b;
}

// The machine the listing tests run against.
struct Fixture {
  TempDir dir;
  FakeSystem s{dir.path()};
  fs::path case_root = dir / "casevol" / "shodo";

  Fixture() {
    // SATA disk: system disk with an LVM root on sda2 (dm-0 mounted at /).
    FakeDisk sda{"sda", "pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda", "8:0", 1953525168, {}, {}};
    sda.attrs = {{"queue/rotational", "1"}, {"queue/physical_block_size", "4096"}};
    sda.device_attrs = {{"model", "WDC WD10EZEX-08W"}, {"vendor", "ATA     "}, {"rev", "1A01"},
                        {"wwid", "naa.50014ee20b1c2d3e"}};
    const fs::path sda_dir = s.add_disk(sda);
    write_bytes(sda_dir.parent_path().parent_path() / "vpd_pg80", std::string("\x00\x80\x00\x14", 4) + "     WD-WCC6Y0123456");
    s.add_partition(sda_dir, "sda1", 1, "8:1", 2048, 1048576);
    s.add_partition(sda_dir, "sda2", 2, "8:2", 1050624, 1952474511);
    fs::create_directories(sda_dir / "sda2" / "holders" / "dm-0");
    write_bytes(s.dev() / "sda", mbr_bytes());
    // libblkid ignores a table on a device smaller than its partitions: make the file as long (sparse).
    fs::resize_file(s.dev() / "sda", (2048ull + 40960ull) * 512);

    FakeDisk dm{"dm-0", "virtual/block/dm-0", "253:0", 1952474511, {{"dm/name", "vg-root"}}, {}};
    const fs::path dm_dir = s.add_disk(dm);
    fs::create_directories(dm_dir / "slaves" / "sda2");

    // USB stick with a vfat partition, mounted read-write at a path with a space; serial only on
    // the USB device (no vpd_pg80, no udev entry).
    FakeDisk sdb{"sdb", "pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/6:0:0:0/block/sdb", "8:16", 60063744,
                 {{"removable", "1"}}, {{"model", "Ultra           "}, {"vendor", "SanDisk "}, {"rev", "1.00"}}};
    const fs::path sdb_dir = s.add_disk(sdb);
    const fs::path usb = s.sys() / "devices" / "pci0000:00/0000:00:14.0/usb2/2-1";
    put(usb / "idVendor", "0781");
    put(usb / "idProduct", "5581");
    put(usb / "serial", "4C530001230912115094");
    put(usb / "manufacturer", "SanDisk");
    s.add_partition(sdb_dir, "sdb1", 1, "8:17", 2048, 60061696);
    make_fs(s.dev() / "sdb1", "mkfs.vfat -n EVIDUSB", 4 << 20);

    // Empty USB card reader.
    s.add_disk({"sdc", "pci0000:00/0000:00:14.0/usb2/2-2/2-2:1.0/host7/target7:0:0/7:0:0:0/block/sdc", "8:32", 0,
                {{"removable", "1"}}, {{"model", "SD/MMC Reader"}, {"vendor", "Generic-"}}});

    // SAS disk: serial and WWN only in the udev database; an ext4 "SHODO-CASES" on the whole disk.
    s.add_disk({"sdd", "pci0000:00/0000:00:1c.0/0000:02:00.0/host2/port-2:0/end_device-2:0/target2:0:0/2:0:0:0/block/sdd",
                "8:48", 8192, {}, {{"model", "ST4000NM0025"}, {"vendor", "SEAGATE "}}});
    put(s.udev() / "b8:48", "S:disk/by-id/scsi-35000c500a1b2c3d4\nE:ID_BUS=scsi\nE:ID_SERIAL_SHORT=ZC11ABCD\n"
                            "E:ID_WWN=0x5000c500a1b2c3d4\nE:ID_MODEL=ST4000NM0025\nG:systemd\n");
    make_fs(s.dev() / "sdd", "mkfs.ext4 -q -F -L SHODO-CASES", 8 << 20);

    // NVMe with a partition mounted read-only (super block ro).
    const fs::path nvme_dir = s.add_disk(
        {"nvme0n1", "pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0/nvme0n1", "259:0", 1000215216,
         {{"wwid", "eui.0025385b71b0e3c4"}},
         {{"model", "Samsung SSD 970 EVO Plus 500GB"}, {"serial", "S4EVNF0M123456X"}, {"firmware_rev", "2B2QEXM7"}}});
    s.add_partition(nvme_dir, "nvme0n1p1", 1, "259:1", 2048, 1000213168);

    // virtio disk holding the case root; kernel ro flag set.
    s.add_disk({"vdb", "pci0000:00/0000:00:04.0/virtio2/block/vdb", "252:16", 2097152,
                {{"serial", "VIRTSERIAL"}, {"ro", "1"}}, {{"vendor", "0x1af4"}}});

    // Loop devices: an evidence image, an unattached one, the kit's own squashfs.
    s.add_disk({"loop0", "virtual/block/loop0", "7:0", 131072, {{"loop/backing_file", "/srv/images/disk 1.img"}}, {}});
    s.add_disk({"loop1", "virtual/block/loop1", "7:1", 0, {}, {}});
    s.add_disk({"loop2", "virtual/block/loop2", "7:2", 1600000,
                {{"loop/backing_file", "/run/live/medium/live/filesystem.squashfs"}}, {}});
    s.add_disk({"ram0", "virtual/block/ram0", "1:0", 8192, {}, {}});
    s.add_disk({"zram0", "virtual/block/zram0", "251:0", 8192, {}, {}});

    s.mountinfo(
        "21 26 0:20 / /proc rw,relatime - proc proc rw\n"
        "26 1 253:0 / / rw,relatime shared:1 - ext4 /dev/mapper/vg-root rw,errors=remount-ro\n"
        "40 26 8:17 / /media/USB\\040DISK rw,nosuid,nodev,relatime shared:40 - vfat /dev/sdb1 rw,fmask=0022\n"
        "41 26 259:1 / /mnt/nvme rw,relatime shared:41 - ext4 /dev/nvme0n1p1 ro\n"
        "42 26 252:16 / " + (dir / "casevol").string() + " rw,relatime shared:42 - ext4 /dev/vdb rw\n"
        "43 26 7:2 / /run/live/rootfs/filesystem.squashfs ro,noatime - squashfs /dev/loop2 ro\n"
        "this line is not a mount\n");
    fs::create_directories(case_root);
  }

  ListOptions options() const {
    ListOptions o = s.options();
    o.case_root = case_root;
    return o;
  }
};

const BlockDevice& by_name(const std::vector<BlockDevice>& all, const std::string& name) {
  auto it = std::find_if(all.begin(), all.end(), [&](const BlockDevice& d) { return d.name == name; });
  if (it == all.end()) throw std::runtime_error("device " + name + " not listed");
  return *it;
}

}  // namespace

// ---- parsers -------------------------------------------------------------------------------------------

TEST_CASE("mountinfo: fields, escaped spaces and backslashes, rw only when mount and super block are rw", "[devices]") {
  const auto mi = parse_mountinfo(
      "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue\n"
      "40 26 8:17 / /media/USB\\040DISK\\011x rw,nosuid shared:40 master:2 - vfat /dev/sdb1 rw,fmask=0022\n"
      "41 26 259:1 / /mnt/nvme rw,relatime - ext4 /dev/nvme0n1p1 ro\n"
      "42 26 8:33 / /mnt/back\\134slash ro,relatime - ext4 /dev/sdc1 rw\n"
      "43 26 8:34 / /mnt/short rw -\n"
      "garbage\n"
      "44 26 x:y / /mnt/bad rw - ext4 /dev/sdz rw\n"
      "45 26 8:35 / /mnt/last rw - xfs /dev/sdc3 rw");
  REQUIRE(mi.size() == 5);
  CHECK(mi[0].major == 98);
  CHECK(mi[0].minor == 0);
  CHECK(mi[0].root == "/mnt1");
  CHECK(mi[0].mount_point == "/mnt2");
  CHECK(mi[0].fs_type == "ext3");
  CHECK(mi[0].source == "/dev/root");
  CHECK(mi[0].read_write);
  CHECK(mi[1].mount_point == "/media/USB DISK\tx");  // optional fields before "-" are skipped
  CHECK(mi[1].fs_type == "vfat");
  CHECK(mi[1].read_write);
  CHECK_FALSE(mi[2].read_write);  // super block ro
  CHECK(mi[3].mount_point == "/mnt/back\\slash");
  CHECK_FALSE(mi[3].read_write);  // mount ro
  CHECK(mi[4].mount_point == "/mnt/last");
  CHECK(mi[4].read_write);  // last line without '\n'
  CHECK(unescape_mountinfo("a\\040b\\012c\\134") == "a b\nc\\");
  CHECK(unescape_mountinfo("trailing\\04") == "trailing\\04");
  CHECK(unescape_mountinfo("\\999") == "\\999");
}

TEST_CASE("udev database, VPD page 0x80 and transports from sysfs paths", "[devices]") {
  const auto p = parse_udev_db("S:disk/by-id/ata-X\nE:ID_BUS=ata\nE:ID_SERIAL_SHORT=WD-1234=5\nG:systemd\nE:\n");
  CHECK(p.size() == 2);
  CHECK(p.at("ID_BUS") == "ata");
  CHECK(p.at("ID_SERIAL_SHORT") == "WD-1234=5");
  CHECK(parse_vpd_pg80(std::string("\x00\x80\x00\x0e", 4) + "  Z1E0ABCD    ") == "Z1E0ABCD");
  CHECK(parse_vpd_pg80(std::string("\x00\x80\x00\x40", 4) + "SHORT") == "SHORT");  // length beyond the data
  CHECK(parse_vpd_pg80(std::string("\x00\x83\x00\x04", 4) + "ABCD").empty());    // another page
  CHECK(parse_vpd_pg80("\x00\x80").empty());
  CHECK(transport_from_sysfs_path("/sys/devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/6:0:0:0/block/sdb") == "usb");
  CHECK(transport_from_sysfs_path("/sys/devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda") == "sata");
  CHECK(transport_from_sysfs_path("/sys/devices/pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0/nvme0n1") == "nvme");
  CHECK(transport_from_sysfs_path("/sys/devices/platform/soc/mmc_host/mmc0/mmc0:aaaa/block/mmcblk0") == "mmc");
  CHECK(transport_from_sysfs_path("/sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda") == "virtio");
  CHECK(transport_from_sysfs_path("/sys/devices/virtual/block/loop3") == "loop");
  CHECK(transport_from_sysfs_path("/sys/devices/pci0000:00/0000:00:1c.0/host2/target2:0:0/2:0:0:0/block/sdd") == "scsi");
  CHECK(transport_from_sysfs_path("/sys/devices/virtual/block/dm-0") == "unknown");
}

TEST_CASE("hdparm -N: HPA disabled and enabled, checked against the kernel's size", "[devices][hpa]") {
  HpaDcoInfo h;
  parse_hdparm_n(k_hdparm_n_disabled, 1953525168, h);
  CHECK(h.available);
  CHECK(h.current_max_sectors == 1953525168);
  CHECK(h.native_max_sectors == 1953525168);
  CHECK_FALSE(h.hpa_enabled);
  CHECK(h.note_en.empty());

  HpaDcoInfo e;
  parse_hdparm_n(k_hdparm_n_enabled, 976771055, e);
  CHECK(e.available);
  CHECK(e.current_max_sectors == 976771055);
  CHECK(e.native_max_sectors == 976773168);
  CHECK(e.hpa_enabled);
  CHECK(e.note_en.find("2113 sectors are hidden") != std::string::npos);
  CHECK(e.note_ja.find("2113 セクタ") != std::string::npos);

  SECTION("a reading that disagrees with the kernel's size is not trusted") {
    HpaDcoInfo m;
    parse_hdparm_n(k_hdparm_n_enabled, 976773168, m);
    CHECK_FALSE(m.available);
    CHECK_FALSE(m.hpa_enabled);
    CHECK(m.note_en.find("does not match") != std::string::npos);
  }
  SECTION("USB bridges: \"seems invalid\" (exit 0) is no determination, not \"no HPA\"") {
    for (const char* out : {k_hdparm_n_invalid, k_hdparm_n_bridge}) {
      HpaDcoInfo b;
      parse_hdparm_n(out, 0, b);
      CHECK_FALSE(b.available);
      CHECK_FALSE(b.hpa_enabled);
      CHECK(b.native_max_sectors == 0);
      CHECK(b.note_en.find("no HPA determination") != std::string::npos);
      CHECK_FALSE(b.note_ja.empty());
    }
  }
  SECTION("no max sectors line (not ATA), implausible numbers") {
    HpaDcoInfo n;
    parse_hdparm_n(k_hdparm_n_no_ata, 0, n);
    CHECK_FALSE(n.available);
    CHECK(n.note_en.find("SG_IO") == std::string::npos);  // the first line is "/dev/sdc:"
    CHECK(n.note_en.find("printed no max sectors") != std::string::npos);
    HpaDcoInfo z;
    parse_hdparm_n(" max sectors   = 3907029168/93768700032, HPA is enabled\n", 0, z);
    CHECK_FALSE(z.available);
    CHECK(z.note_en.find("implausible") != std::string::npos);
  }
}

TEST_CASE("hdparm --dco-identify: real max sectors, DCO restriction beyond the native max", "[devices][hpa]") {
  HpaDcoInfo h;
  parse_hdparm_n(k_hdparm_n_enabled, 976771055, h);
  parse_hdparm_dco(k_hdparm_dco, h);
  CHECK(h.dco_available);
  CHECK(h.dco_real_max_sectors == 976773168);
  CHECK_FALSE(h.dco_restricted);
  CHECK(h.dco_text == k_hdparm_dco);

  HpaDcoInfo d;
  parse_hdparm_n(k_hdparm_n_enabled, 976771055, d);
  parse_hdparm_dco(k_hdparm_dco_hidden, d);
  CHECK(d.dco_restricted);
  CHECK(d.note_en.find("DCO present: another 976752000 sectors") != std::string::npos);
  CHECK(d.note_en.find("HPA present") != std::string::npos);  // both notes kept

  HpaDcoInfo none;
  parse_hdparm_dco("\n/dev/sda:\nHDIO_DRIVE_CMD(dco_identify) failed: Input/output error\n", none);
  CHECK_FALSE(none.dco_available);
  CHECK(none.dco_real_max_sectors == 0);
}

TEST_CASE("smartctl -j: PASSED, FAILED, unsupported device, not JSON", "[devices][smart]") {
  const SmartInfo ok = parse_smartctl_json(k_smart_passed, 0);
  CHECK(ok.queried);
  CHECK(ok.available);
  CHECK(ok.health == "PASSED");
  CHECK(ok.exit_status == 0);
  CHECK(ok.raw_json == k_smart_passed);
  CHECK(ok.note_en.empty());

  const SmartInfo bad = parse_smartctl_json(k_smart_failed, 8);
  CHECK(bad.available);
  CHECK(bad.health == "FAILED");
  CHECK(bad.note_en.find("failing") != std::string::npos);

  // Exit bit 3 without a smart_status object still means "failing".
  const SmartInfo bit3 = parse_smartctl_json(R"({"smartctl": {"exit_status": 8}})", 8);
  CHECK(bit3.health == "FAILED");

  const SmartInfo virt = parse_smartctl_json(k_smart_virtio, 1);
  CHECK_FALSE(virt.available);
  CHECK(virt.health.empty());
  CHECK(virt.exit_status == 1);
  CHECK(virt.note_en.find("Unable to detect device type") != std::string::npos);
  CHECK(virt.note_ja.find("Unable to detect device type") != std::string::npos);

  const SmartInfo junk = parse_smartctl_json("smartctl: error while loading shared libraries", 127);
  CHECK_FALSE(junk.available);
  CHECK(junk.note_en.find("exit status 127") != std::string::npos);
}

// ---- the fake system ---------------------------------------------------------------------------------------

TEST_CASE("listing a fake sysfs: which devices, identity, geometry and transport", "[devices]") {
  Fixture f;
  INFO("test directory: " << f.dir.path().string());
  auto r = list_block_devices(f.options());
  REQUIRE(r.ok());
  std::vector<std::string> names;
  for (const auto& d : r.value()) names.push_back(d.name);
  CHECK(names == std::vector<std::string>{"dm-0", "loop0", "loop2", "nvme0n1", "sda", "sdb", "sdc", "sdd", "vdb"});

  const auto& sda = by_name(*r, "sda");
  CHECK(sda.path == (f.s.dev() / "sda").string());
  CHECK(sda.transport == "sata");
  CHECK(sda.model == "WDC WD10EZEX-08W");
  CHECK(sda.vendor == "ATA");
  CHECK(sda.serial == "WD-WCC6Y0123456");  // from vpd_pg80
  CHECK(sda.firmware_rev == "1A01");
  CHECK(sda.wwn == "naa.50014ee20b1c2d3e");
  CHECK(sda.size_bytes == 1953525168ull * 512);
  CHECK(sda.logical_sector == 512);
  CHECK(sda.physical_sector == 4096);
  CHECK(sda.rotational);
  CHECK_FALSE(sda.removable);
  CHECK(sda.partition_table == "dos");  // libblkid on the MBR bytes
  REQUIRE(sda.partitions.size() == 2);
  CHECK(sda.partitions[0].name == "sda1");
  CHECK(sda.partitions[0].number == 1);
  CHECK(sda.partitions[0].start_bytes == 1048576);
  CHECK(sda.partitions[0].size_bytes == 1048576ull * 512);
  CHECK(sda.partitions[1].start_bytes == 1050624ull * 512);

  const auto& sdb = by_name(*r, "sdb");
  CHECK(sdb.transport == "usb");
  CHECK(sdb.model == "Ultra");
  CHECK(sdb.vendor == "SanDisk");
  CHECK(sdb.serial == "4C530001230912115094");  // from the USB device above the SCSI host
  CHECK(sdb.removable);
  REQUIRE(sdb.partitions.size() == 1);
  CHECK(sdb.partitions[0].fs_type == "vfat");
  CHECK(sdb.partitions[0].fs_label == "EVIDUSB");
  CHECK_FALSE(sdb.partitions[0].fs_uuid.empty());

  const auto& sdd = by_name(*r, "sdd");
  CHECK(sdd.transport == "scsi");
  CHECK(sdd.serial == "ZC11ABCD");  // udev database
  CHECK(sdd.wwn == "0x5000c500a1b2c3d4");
  CHECK(sdd.fs_type == "ext4");
  CHECK(sdd.fs_label == "SHODO-CASES");

  const auto& nvme = by_name(*r, "nvme0n1");
  CHECK(nvme.transport == "nvme");
  CHECK(nvme.model == "Samsung SSD 970 EVO Plus 500GB");
  CHECK(nvme.serial == "S4EVNF0M123456X");
  CHECK(nvme.firmware_rev == "2B2QEXM7");
  CHECK(nvme.wwn == "eui.0025385b71b0e3c4");

  const auto& vdb = by_name(*r, "vdb");
  CHECK(vdb.transport == "virtio");
  CHECK(vdb.serial == "VIRTSERIAL");
  CHECK(vdb.read_only);
  CHECK_FALSE(sda.read_only);

  const auto& loop0 = by_name(*r, "loop0");
  CHECK(loop0.transport == "loop");
  CHECK(loop0.backing_file == "/srv/images/disk 1.img");
  CHECK(loop0.size_bytes == 131072ull * 512);

  const auto& dm = by_name(*r, "dm-0");
  CHECK(dm.transport == "unknown");
  CHECK(dm.model == "vg-root");
}

TEST_CASE("listing a fake sysfs: mounts through partitions and dm holders, exclusions with reasons", "[devices]") {
  Fixture f;
  INFO("test directory: " << f.dir.path().string());
  auto r = list_block_devices(f.options());
  REQUIRE(r.ok());

  // The LVM root on sda2 is mounted at /: sda carries that mount and is the kit's boot medium.
  const auto& sda = by_name(*r, "sda");
  REQUIRE(sda.mounts.size() == 1);
  CHECK(sda.mounts[0].device == "/dev/mapper/vg-root");
  CHECK(sda.mounts[0].mount_point == "/");
  CHECK(sda.mounts[0].read_write);
  CHECK(sda.partitions[1].mounts.size() == 1);
  CHECK(sda.partitions[0].mounts.empty());
  CHECK(sda.is_kit_boot_medium);
  CHECK_FALSE(sda.holds_case_root);
  CHECK(sda.excluded_codes == std::vector<std::string>{"kit_boot_medium"});
  CHECK(sda.excluded_reason_en == i18n::tr("devices.excluded.kit_boot_medium", i18n::Lang::en));
  CHECK(sda.excluded_reason_ja == i18n::tr("devices.excluded.kit_boot_medium", i18n::Lang::ja));
  CHECK_FALSE(sda.offered());
  CHECK(by_name(*r, "dm-0").is_kit_boot_medium);

  const auto& sdb = by_name(*r, "sdb");
  REQUIRE(sdb.mounts.size() == 1);
  CHECK(sdb.mounts[0].device == "/dev/sdb1");
  CHECK(sdb.mounts[0].mount_point == "/media/USB DISK");
  CHECK(sdb.mounts[0].fs_type == "vfat");
  CHECK(sdb.mounts[0].read_write);
  CHECK(sdb.offered());  // mounted is not excluded: the acquisition refuses rw mounts itself

  const auto& nvme = by_name(*r, "nvme0n1");
  REQUIRE(nvme.mounts.size() == 1);
  CHECK_FALSE(nvme.mounts[0].read_write);
  CHECK(nvme.offered());

  const auto& vdb = by_name(*r, "vdb");
  CHECK(vdb.holds_case_root);
  CHECK_FALSE(vdb.is_kit_boot_medium);
  CHECK(vdb.excluded_codes == std::vector<std::string>{"case_root"});
  CHECK(vdb.excluded_reason_en == "this disk holds the case root");

  // Labelled SHODO-CASES but not mounted: a host disk like any other, offered (a label must not
  // hide a disk from imaging).
  const auto& sdd = by_name(*r, "sdd");
  CHECK_FALSE(sdd.is_kit_boot_medium);
  CHECK(sdd.offered());
  CHECK(sdd.mounts.empty());

  CHECK(by_name(*r, "sdc").excluded_codes == std::vector<std::string>{"no_medium"});
  CHECK(by_name(*r, "loop2").excluded_codes == std::vector<std::string>{"kit_loop"});
  CHECK(by_name(*r, "loop2").mounts.size() == 1);
  CHECK(by_name(*r, "loop0").offered());

  SECTION("a SHODO-CASES volume that is mounted is a kit's case volume in use: not offered") {
    const fs::path mi = f.dir.path() / "proc" / "self" / "mountinfo";
    std::string text = read_bytes(mi);
    text += "44 26 8:48 / /media/SHODO-CASES rw,relatime shared:44 - ext4 /dev/sdd rw\n";
    write_bytes(mi, text);
    auto r2 = list_block_devices(f.options());
    REQUIRE(r2.ok());
    const auto& sdd2 = by_name(*r2, "sdd");
    CHECK(sdd2.is_kit_boot_medium);
    CHECK(sdd2.excluded_codes == std::vector<std::string>{"kit_case_volume"});
    CHECK(sdd2.excluded_reason_en == "this is a kit's case volume in use (label SHODO-CASES, mounted)");
  }

  SECTION("without a case root nothing is excluded for it") {
    ListOptions o = f.options();
    o.case_root.clear();
    auto r2 = list_block_devices(o);
    REQUIRE(r2.ok());
    CHECK(by_name(*r2, "vdb").offered());
    CHECK_FALSE(by_name(*r2, "vdb").holds_case_root);
  }
  SECTION("a case root inside a directory of / belongs to the boot disk") {
    ListOptions o = f.options();
    o.case_root = "/var/lib/shodo/cases";
    auto r3 = list_block_devices(o);
    REQUIRE(r3.ok());
    CHECK(by_name(*r3, "sda").holds_case_root);
    CHECK(by_name(*r3, "sda").excluded_codes == std::vector<std::string>{"kit_boot_medium", "case_root"});
    CHECK(by_name(*r3, "sda").excluded_reason_en ==
          std::string(i18n::tr("devices.excluded.kit_boot_medium", i18n::Lang::en)) + "; " +
              i18n::tr("devices.excluded.case_root", i18n::Lang::en));
  }
}

TEST_CASE("describe_device: a disk, a partition reported with its parent's identity, errors", "[devices]") {
  Fixture f;
  INFO("test directory: " << f.dir.path().string());
  auto disk = describe_device(f.s.dev() / "sdb", f.options());
  REQUIRE(disk.ok());
  CHECK(disk->name == "sdb");
  CHECK(disk->partitions.size() == 1);

  auto part = describe_device(f.s.dev() / "sdb1", f.options());
  REQUIRE(part.ok());
  CHECK(part->name == "sdb1");
  CHECK(part->path == (f.s.dev() / "sdb1").string());
  CHECK(part->size_bytes == 60061696ull * 512);
  CHECK(part->model == "Ultra");
  CHECK(part->serial == "4C530001230912115094");
  CHECK(part->transport == "usb");
  CHECK(part->fs_type == "vfat");
  CHECK(part->partitions.empty());
  REQUIRE(part->mounts.size() == 1);
  CHECK(part->mounts[0].mount_point == "/media/USB DISK");

  auto sda2 = describe_device(f.s.dev() / "sda2", f.options());
  REQUIRE(sda2.ok());
  CHECK(sda2->is_kit_boot_medium);  // the parent's exclusion carries over
  CHECK_FALSE(sda2->offered());

  auto missing = describe_device(f.s.dev() / "sdz", f.options());
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::not_found);
  CHECK_FALSE(missing.error().ja.empty());

  write_bytes(f.dir / "notadevice", "x");
  auto notdev = describe_device(f.dir / "notadevice", f.options());
  REQUIRE_FALSE(notdev.ok());
  CHECK(notdev.error().code == ErrorCode::invalid_input);
}

TEST_CASE("mounts_using: the device, its partitions and holders — fails closed", "[devices]") {
  Fixture f;
  INFO("test directory: " << f.dir.path().string());
  auto sda = mounts_using_checked(f.s.dev() / "sda", f.options());
  REQUIRE(sda.ok());
  REQUIRE(sda->size() == 1);
  CHECK(sda->front().mount_point == "/");
  CHECK(sda->front().read_write);
  auto sda1 = mounts_using_checked(f.s.dev() / "sda1", f.options());
  REQUIRE(sda1.ok());
  CHECK(sda1->empty());
  auto nvme = mounts_using_checked(f.s.dev() / "nvme0n1", f.options());
  REQUIRE(nvme.ok());
  REQUIRE(nvme->size() == 1);
  CHECK_FALSE(nvme->front().read_write);

  auto gone = mounts_using_checked(f.s.dev() / "sdq", f.options());
  REQUIRE_FALSE(gone.ok());
  CHECK(gone.error().code == ErrorCode::not_found);
  // The unchecked form treats "unknown" as a read-write mount.
  const auto unknown = mounts_using(f.dir / "no-such-device");
  REQUIRE(unknown.size() == 1);
  CHECK(unknown[0].read_write);
  CHECK(unknown[0].mount_point == "?");
}

TEST_CASE("listing errors: no sysfs, no mountinfo", "[devices]") {
  SHODO_TEST_DIR(dir);
  ListOptions o;
  o.sysfs_root = dir / "nosys";
  o.proc_root = dir / "noproc";
  auto a = list_block_devices(o);
  REQUIRE_FALSE(a.ok());
  CHECK(a.error().code == ErrorCode::io_error);
  CHECK(a.error().en.find("sysfs") != std::string::npos);
  fs::create_directories(dir / "sys" / "block");
  o.sysfs_root = dir / "sys";
  auto b = list_block_devices(o);
  REQUIRE_FALSE(b.ok());
  CHECK(b.error().en.find("mount table") != std::string::npos);
  fs::create_directories(dir / "proc" / "self");
  write_bytes(dir / "proc" / "self" / "mountinfo", "");
  o.proc_root = dir / "proc";
  auto c = list_block_devices(o);
  REQUIRE(c.ok());
  CHECK(c->empty());
}

TEST_CASE("HPA/DCO and SMART queries are skipped with a reason where the transport has none", "[devices][hpa][smart]") {
  Fixture f;
  INFO("test directory: " << f.dir.path().string());
  ListOptions o = f.options();
  o.query_hpa_dco = true;
  o.query_smart = true;
  auto r = list_block_devices(o);
  REQUIRE(r.ok());
  for (const char* name : {"vdb", "loop0", "nvme0n1", "dm-0"}) {
    INFO(name);
    const auto& d = by_name(*r, name);
    CHECK(d.hpa_dco.queried);
    CHECK_FALSE(d.hpa_dco.available);
    CHECK(d.hpa_dco.note_en == i18n::tr("devices.note.hpa_not_ata", i18n::Lang::en));
    CHECK(d.hpa_dco.tool_output.empty());  // hdparm was not run
  }
  for (const char* name : {"vdb", "loop0", "dm-0"}) {
    INFO(name);
    CHECK(by_name(*r, name).smart.note_en == i18n::tr("devices.note.smart_not_supported", i18n::Lang::en));
  }
  // sda is a regular file in the fake /dev: hdparm (if installed) cannot query it.
  const auto& sda = by_name(*r, "sda");
  CHECK(sda.hpa_dco.queried);
  CHECK_FALSE(sda.hpa_dco.available);
  CHECK_FALSE(sda.hpa_dco.note_en.empty());
  CHECK_FALSE(sda.smart.available);
  // The empty card reader is not asked anything.
  CHECK_FALSE(by_name(*r, "sdc").hpa_dco.queried);
}

TEST_CASE("to_json: the stable shape of one device", "[devices]") {
  Fixture f;
  auto r = list_block_devices(f.options());
  REQUIRE(r.ok());
  const auto j = to_json(by_name(*r, "sdb"));
  for (const char* k : {"name", "path", "transport", "model", "serial", "vendor", "firmware_rev", "wwn", "size_bytes",
                        "logical_sector", "physical_sector", "removable", "rotational", "read_only", "backing_file",
                        "partition_table", "fs_type", "fs_label", "fs_uuid", "partitions", "mounts",
                        "is_kit_boot_medium", "holds_case_root", "offered", "excluded", "excluded_reason_ja",
                        "excluded_reason_en", "hpa_dco", "smart"})
    CHECK(j.contains(k));
  CHECK(j.size() == 29);
  CHECK(j["size_bytes"] == 60063744ull * 512);
  CHECK(j["offered"] == true);
  CHECK(j["excluded"].is_array());
  CHECK(j["partitions"][0]["fs_label"] == "EVIDUSB");
  CHECK(j["partitions"][0]["mounts"][0]["read_write"] == true);
  CHECK(j["mounts"][0]["mount_point"] == "/media/USB DISK");
  CHECK(j["hpa_dco"]["queried"] == false);
  CHECK(j["smart"]["smartctl"].is_null());
  CHECK(to_json(by_name(*r, "sda"))["excluded"] == nlohmann::json::array({"kit_boot_medium"}));
}

TEST_CASE("every exclusion code has a catalogue text", "[devices][i18n]") {
  for (const char* code : {"kit_boot_medium", "kit_case_volume", "case_root", "kit_loop", "no_medium"}) {
    const std::string key = std::string("devices.excluded.") + code;
    INFO(key);
    CHECK(std::string(i18n::tr(key, i18n::Lang::ja)) != key);
    CHECK(std::string(i18n::tr(key, i18n::Lang::en)) != key);
  }
}

// ---- the tool runner ---------------------------------------------------------------------------------------

TEST_CASE("run_tool: arguments without a shell, stdout and stderr apart, C locale, exit codes, time limit", "[devices]") {
  const ToolRun p = run_tool("printf", {"%s|", "a b", "$HOME;x"});
  CHECK(p.started);
  CHECK(p.exit_status == 0);
  CHECK(p.out == "a b|$HOME;x|");  // no splitting, no expansion

  const ToolRun s = run_tool("sh", {"-c", "echo out; echo err >&2; echo \"$LC_ALL\"; exit 3"});
  CHECK(s.exit_status == 3);
  CHECK(s.out == "out\nC\n");
  CHECK(s.err == "err\n");

  const ToolRun none = run_tool("shodo-no-such-tool-xyz", {});
  CHECK_FALSE(none.started);

  const auto t0 = std::chrono::steady_clock::now();
  const ToolRun slow = run_tool("sleep", {"20"}, 300);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  CHECK(slow.started);
  CHECK(slow.timed_out);
  CHECK(slow.exit_status == -1);  // killed
  CHECK(ms < 5000);

  // hdparm lives in /usr/sbin, found even when PATH lacks it.
  if (fs::exists("/usr/sbin/hdparm")) {
    EnvGuard env({"PATH"});
    ::setenv("PATH", "/usr/bin:/bin", 1);
    const ToolRun h = run_tool("hdparm", {"-V"});
    CHECK(h.started);
    CHECK(h.out.find("hdparm") != std::string::npos);
  }
}

// ---- the real host ---------------------------------------------------------------------------------------------

TEST_CASE("listing the real host changes no kernel read-only flag", "[devices]") {
  auto ro_flags = [] {
    std::map<std::string, std::string> m;
    std::error_code ec;
    for (fs::directory_iterator it("/sys/block", ec), end; !ec && it != end; it.increment(ec)) {
      std::ifstream in(it->path() / "ro");
      std::string v;
      in >> v;
      m[it->path().filename().string()] = v;
    }
    return m;
  };
  const auto before = ro_flags();
  REQUIRE_FALSE(before.empty());
  auto r = list_block_devices({});
  REQUIRE(r.ok());
  CHECK(ro_flags() == before);
  for (const auto& d : r.value()) {
    INFO(d.name);
    CHECK(d.read_only == (before.at(d.name) == "1"));
    CHECK(d.name.rfind("ram", 0) != 0);
    CHECK(d.name.rfind("zram", 0) != 0);
  }
  // The disk holding / (if a block device does) is the kit's boot medium.
  for (const auto& d : r.value()) {
    CHECK(d.path == "/dev/" + d.name);
    if (std::any_of(d.mounts.begin(), d.mounts.end(), [](const MountUse& m) { return m.mount_point == "/"; }))
      CHECK(d.is_kit_boot_medium);
  }
}
