// Block-device discovery (see devices.hpp). Read-only throughout.
//
// Sections:
//   1. small file and text helpers
//   2. pure parsers: mountinfo, udev db, VPD page 0x80, transport, hdparm, smartctl
//   3. run_tool: posix_spawn with a time limit, no shell
//   4. the sysfs scan: nodes (disks and partitions), holders and slaves
//   5. libblkid probes (O_RDONLY, no cache file)
//   6. mounts, exclusions (boot medium, case volume, case root), HPA/DCO and SMART queries
//   7. public API: list_block_devices, describe_device, mounts_using
//   8. JSON
#include "forensics/acquire/devices.hpp"

#include <blkid/blkid.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <system_error>

#include <fmt/format.h>

#include "forensics/i18n/catalogue.hpp"

extern char** environ;

namespace shodo::acquire {
namespace fs = std::filesystem;
using i18n::Lang;
using i18n::tr;

namespace {

// ---- 1. small file and text helpers -------------------------------------------------------------

std::optional<std::string> read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n\f\v");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n\f\v");
  return std::string(s.substr(first, last - first + 1));
}

// A sysfs attribute, trimmed; "" when absent.
std::string attr(const fs::path& p) {
  auto t = read_text(p);
  return t ? trim(*t) : std::string();
}

std::optional<std::uint64_t> to_u64(std::string_view s) {
  const std::string t = trim(s);
  if (t.empty() || t.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(t.c_str(), &end, 10);
  if (errno == ERANGE || end != t.c_str() + t.size()) return std::nullopt;
  return static_cast<std::uint64_t>(v);
}

std::uint64_t attr_u64(const fs::path& p, std::uint64_t fallback = 0) {
  auto v = to_u64(attr(p));
  return v ? *v : fallback;
}

using DevNum = std::pair<unsigned, unsigned>;

std::optional<DevNum> parse_devnum(std::string_view s) {
  const std::string t = trim(s);
  const auto colon = t.find(':');
  if (colon == std::string::npos) return std::nullopt;
  auto ma = to_u64(std::string_view(t).substr(0, colon));
  auto mi = to_u64(std::string_view(t).substr(colon + 1));
  if (!ma || !mi || *ma > 0xffffffffu || *mi > 0xffffffffu) return std::nullopt;
  return DevNum{static_cast<unsigned>(*ma), static_cast<unsigned>(*mi)};
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Is `path` the mount point `mp` or below it (whole components)?
bool path_is_under(const std::string& path, const std::string& mp) {
  if (mp == "/") return starts_with(path, "/");
  if (!starts_with(path, mp)) return false;
  return path.size() == mp.size() || path[mp.size()] == '/';
}

std::string join_texts(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

std::string first_line(std::string_view s) {
  const std::string t = trim(s);
  return t.substr(0, t.find('\n'));
}

}  // namespace

// ---- 2. pure parsers ------------------------------------------------------------------------------

std::string unescape_mountinfo(std::string_view field) {
  std::string out;
  out.reserve(field.size());
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size()) {
      const char a = field[i + 1], b = field[i + 2], c = field[i + 3];
      if (a >= '0' && a <= '3' && b >= '0' && b <= '7' && c >= '0' && c <= '7') {
        out += static_cast<char>(((a - '0') << 6) | ((b - '0') << 3) | (c - '0'));
        i += 3;
        continue;
      }
    }
    out += field[i];
  }
  return out;
}

std::vector<MountInfoEntry> parse_mountinfo(std::string_view text) {
  // 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
  // (1)(2)(3)   (4)   (5)      (6)      (7)     (8) (9)   (10)       (11)
  std::vector<MountInfoEntry> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t nl = text.find('\n', pos);
    const std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    std::vector<std::string_view> f;
    std::size_t p = 0;
    while (p < line.size()) {
      while (p < line.size() && line[p] == ' ') ++p;
      if (p >= line.size()) break;
      const std::size_t e = std::min(line.find(' ', p), line.size());
      f.push_back(line.substr(p, e - p));
      p = e;
    }
    auto sep = std::find(f.begin(), f.end(), std::string_view("-"));
    if (f.size() < 6 || sep == f.end() || sep - f.begin() < 6 || f.end() - sep < 3) continue;
    auto dn = parse_devnum(f[2]);
    if (!dn) continue;
    MountInfoEntry m;
    m.major = dn->first;
    m.minor = dn->second;
    m.root = unescape_mountinfo(f[3]);
    m.mount_point = unescape_mountinfo(f[4]);
    m.fs_type = unescape_mountinfo(*(sep + 1));
    m.source = unescape_mountinfo(*(sep + 2));
    auto has_opt = [](std::string_view opts, std::string_view o) {
      std::size_t q = 0;
      while (q <= opts.size()) {
        const std::size_t c = std::min(opts.find(',', q), opts.size());
        if (opts.substr(q, c - q) == o) return true;
        q = c + 1;
      }
      return false;
    };
    m.read_write = has_opt(f[5], "rw") && !has_opt(*(sep + 3), "ro");
    out.push_back(std::move(m));
  }
  return out;
}

std::map<std::string, std::string> parse_udev_db(std::string_view text) {
  std::map<std::string, std::string> out;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    if (!starts_with(line, "E:")) continue;
    const auto eq = line.find('=');
    if (eq == std::string::npos || eq < 3) continue;
    out[line.substr(2, eq - 2)] = line.substr(eq + 1);
  }
  return out;
}

std::string parse_vpd_pg80(std::string_view bytes) {
  // SPC: byte 1 = page code 0x80, bytes 2-3 = page length, serial from byte 4.
  if (bytes.size() < 4 || static_cast<unsigned char>(bytes[1]) != 0x80) return {};
  const std::size_t len = (static_cast<std::size_t>(static_cast<unsigned char>(bytes[2])) << 8) |
                          static_cast<unsigned char>(bytes[3]);
  std::string s(bytes.substr(4, std::min(len, bytes.size() - 4)));
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) c = ' ';
  return trim(s);
}

std::string transport_from_sysfs_path(std::string_view p) {
  auto has = [&](std::string_view needle) { return p.find(needle) != std::string_view::npos; };
  // USB first: a USB-SATA bridge also has a SCSI host below it.
  if (has("/usb")) return "usb";
  if (has("/virtual/block/loop")) return "loop";
  if (has("/nvme")) return "nvme";
  if (has("/mmc")) return "mmc";
  if (has("/ata")) return "sata";
  if (has("/virtio")) return "virtio";
  if (has("/host") && has("/target")) return "scsi";
  return "unknown";
}

void parse_hdparm_n(std::string_view output, std::uint64_t kernel_sectors, HpaDcoInfo& info) {
  info.available = false;
  info.current_max_sectors = info.native_max_sectors = 0;
  info.hpa_enabled = false;
  const std::string text(output);
  static const std::regex re(R"(max sectors\s*=\s*(\d+)\s*/\s*(\d+))");
  std::smatch m;
  if (!std::regex_search(text, m, re)) {
    const std::string why = first_line(output);
    info.note_ja = "hdparm -N の結果に最大セクタ数がありません（ATA 機器でないか、コマンドが通りません）: " + why;
    info.note_en = "hdparm -N printed no max sectors (not an ATA device, or the command does not get through): " + why;
    return;
  }
  if (text.find("seems invalid") != std::string::npos) {
    info.note_ja = "hdparm が HPA の値を無効と報告しました（USB 変換器やドライバが正しく中継していません）。HPA の有無は判定できません";
    info.note_en = "hdparm reported the HPA reading as invalid (a USB bridge or driver does not pass the command through); "
                   "no HPA determination was made";
    return;
  }
  const auto cur = to_u64(m[1].str());
  const auto nat = to_u64(m[2].str());
  if (!cur || !nat || *cur == 0 || *nat < *cur || *nat / 10 > *cur) {
    info.note_ja = "hdparm -N の値が不自然です（" + m[1].str() + "/" + m[2].str() + "）。HPA の有無は判定できません";
    info.note_en = "hdparm -N gave implausible values (" + m[1].str() + "/" + m[2].str() + "); no HPA determination was made";
    return;
  }
  if (kernel_sectors != 0 && *cur != kernel_sectors) {
    info.note_ja = "hdparm -N の現在の最大セクタ数 " + std::to_string(*cur) + " がカーネルの容量 " +
                   std::to_string(kernel_sectors) + " セクタと一致しません。HPA の有無は判定できません";
    info.note_en = "hdparm -N current max " + std::to_string(*cur) + " does not match the kernel's size of " +
                   std::to_string(kernel_sectors) + " sectors; no HPA determination was made";
    return;
  }
  info.current_max_sectors = *cur;
  info.native_max_sectors = *nat;
  info.hpa_enabled = *cur < *nat;
  info.available = true;
  if (info.hpa_enabled) {
    const std::string hidden = std::to_string(*nat - *cur);
    info.note_ja = "HPA があります: " + hidden + " セクタが隠されています（取得イメージには含まれません。HPA は変更しません）";
    info.note_en = "HPA present: " + hidden + " sectors are hidden (they are not in the image; the HPA is left unchanged)";
  }
}

void parse_hdparm_dco(std::string_view output, HpaDcoInfo& info) {
  info.dco_text = std::string(output);
  info.dco_available = false;
  info.dco_real_max_sectors = 0;
  info.dco_restricted = false;
  static const std::regex re(R"(Real max sectors:\s*(\d+))");
  const std::string text(output);
  std::smatch m;
  if (!std::regex_search(text, m, re)) return;
  const auto real = to_u64(m[1].str());
  if (!real || *real == 0) return;
  info.dco_available = true;
  info.dco_real_max_sectors = *real;
  info.dco_restricted = info.native_max_sectors != 0 && *real > info.native_max_sectors;
  if (info.dco_restricted) {
    const std::string hidden = std::to_string(*real - info.native_max_sectors);
    const std::string sep_ja = info.note_ja.empty() ? "" : "。";
    const std::string sep_en = info.note_en.empty() ? "" : "; ";
    info.note_ja += sep_ja + "DCO があります: さらに " + hidden + " セクタが隠されています（DCO は変更しません）";
    info.note_en += sep_en + "DCO present: another " + hidden + " sectors are hidden (the DCO is left unchanged)";
  }
}

SmartInfo parse_smartctl_json(std::string_view json_text, int exit_status) {
  SmartInfo s;
  s.queried = true;
  s.exit_status = exit_status;
  s.raw_json = std::string(json_text);
  const auto j = nlohmann::json::parse(json_text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    s.note_ja = "smartctl の出力が JSON ではありません（終了コード " + std::to_string(exit_status) + "）";
    s.note_en = "smartctl did not print JSON (exit status " + std::to_string(exit_status) + ")";
    return s;
  }
  std::vector<std::string> messages;
  if (auto sc = j.find("smartctl"); sc != j.end() && sc->is_object())
    if (auto ms = sc->find("messages"); ms != sc->end() && ms->is_array())
      for (const auto& m : *ms)
        if (m.is_object() && m.contains("string") && m["string"].is_string()) messages.push_back(m["string"].get<std::string>());
  if (auto st = j.find("smart_status"); st != j.end() && st->is_object() && st->contains("passed") &&
                                         (*st)["passed"].is_boolean()) {
    s.health = (*st)["passed"].get<bool>() ? "PASSED" : "FAILED";
    s.available = true;
  } else if (exit_status >= 0 && (exit_status & 0x08) && !(exit_status & 0x03)) {
    s.health = "FAILED";  // bit 3: "SMART status check returned DISK FAILING"
    s.available = true;
  }
  const std::string msg = join_texts(messages, " / ");
  if (!s.available) {
    s.note_ja = "SMART の状態を読めませんでした（非対応の機器か、開けません）" + (msg.empty() ? "" : ": " + msg);
    s.note_en = "SMART status could not be read (device not supported or not openable)" + (msg.empty() ? "" : ": " + msg);
  } else if (s.health == "FAILED") {
    s.note_ja = "SMART が故障の予兆を報告しています。読み取りは一度で済むよう計画し、早めに取得してください";
    s.note_en = "SMART reports the drive as failing: plan a single read pass and acquire it soon";
  }
  return s;
}

// ---- 3. run_tool ----------------------------------------------------------------------------------

namespace {

std::string find_program(const std::string& program) {
  if (program.find('/') != std::string::npos) return ::access(program.c_str(), X_OK) == 0 ? program : std::string();
  std::vector<std::string> dirs;
  if (const char* path = std::getenv("PATH")) {
    std::string p = path;
    std::size_t s = 0;
    while (s <= p.size()) {
      const std::size_t c = std::min(p.find(':', s), p.size());
      if (c > s) dirs.push_back(p.substr(s, c - s));
      s = c + 1;
    }
  }
  // hdparm and smartctl live in sbin, which is not in a normal user's PATH.
  for (const char* d : {"/usr/sbin", "/sbin", "/usr/bin", "/bin"}) dirs.emplace_back(d);
  for (const auto& d : dirs) {
    const std::string cand = d + "/" + program;
    struct stat st {};
    if (::stat(cand.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(cand.c_str(), X_OK) == 0) return cand;
  }
  return {};
}

}  // namespace

ToolRun run_tool(const std::string& program, const std::vector<std::string>& args, int timeout_ms) {
  ToolRun r;
  const std::string exe = find_program(program);
  if (exe.empty()) return r;
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return r;
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return r;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
  std::vector<std::string> argv_s;
  argv_s.push_back(program);
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  // The environment with LC_ALL=C so that the output we parse is in English.
  std::vector<std::string> env_s;
  for (char** e = environ; e && *e; ++e)
    if (!starts_with(*e, "LC_ALL=") && !starts_with(*e, "LANG=") && !starts_with(*e, "LANGUAGE=")) env_s.emplace_back(*e);
  env_s.emplace_back("LC_ALL=C");
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, exe.c_str(), &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (rc != 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    return r;
  }
  r.started = true;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&r.out, &r.err};
  int open_fds = 2;
  char buf[4096];
  while (open_fds > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      r.timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    const int n = ::poll(fds, 2, static_cast<int>(std::min<long long>(left, 1000)));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got > 0) {
        sinks[i]->append(buf, static_cast<std::size_t>(got));
      } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) ::close(f.fd);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// ---- 4. the sysfs scan ------------------------------------------------------------------------------

namespace {

// A disk or partition known to sysfs.
struct Node {
  std::string name;
  std::string disk;  // the whole device it belongs to (itself for a disk)
  bool partition = false;
  std::vector<std::string> holders;  // dm/md devices built on it
  std::vector<std::string> slaves;   // what a dm/md device is built on
};

struct Index {
  std::map<DevNum, std::string> by_devnum;
  std::map<std::string, Node> nodes;
  std::map<std::string, DevNum> devnum_of;
};

std::vector<std::string> dir_names(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) out.push_back(it->path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

void add_node(Index& idx, const fs::path& dir, const std::string& name, const std::string& disk, bool partition) {
  Node n;
  n.name = name;
  n.disk = disk;
  n.partition = partition;
  n.holders = dir_names(dir / "holders");
  n.slaves = dir_names(dir / "slaves");
  if (auto dn = parse_devnum(attr(dir / "dev"))) {
    idx.by_devnum[*dn] = name;
    idx.devnum_of[name] = *dn;
  }
  idx.nodes[name] = std::move(n);
}

// The partitions of a disk directory: subdirectories with a "partition" attribute.
std::vector<std::string> partition_names(const fs::path& disk_dir) {
  std::vector<std::string> out;
  for (const auto& n : dir_names(disk_dir)) {
    std::error_code ec;
    if (fs::is_directory(disk_dir / n, ec) && fs::exists(disk_dir / n / "partition", ec)) out.push_back(n);
  }
  std::sort(out.begin(), out.end(), [&](const std::string& a, const std::string& b) {
    return attr_u64(disk_dir / a / "partition") < attr_u64(disk_dir / b / "partition");
  });
  return out;
}

Result<Index> scan_index(const ListOptions& o) {
  const fs::path block = o.sysfs_root / "block";
  std::error_code ec;
  if (!fs::is_directory(block, ec))
    return make_error(ErrorCode::io_error, "ブロックデバイスの一覧 " + block.string() + " を読めません（sysfs がマウントされていません）",
                      "cannot read the block device list " + block.string() + " (sysfs is not mounted)");
  Index idx;
  for (const auto& name : dir_names(block)) {
    const fs::path d = block / name;
    add_node(idx, d, name, name, false);
    for (const auto& p : partition_names(d)) add_node(idx, d / p, p, name, true);
  }
  return idx;
}

// The whole devices a node ultimately lives on: a partition's disk, a dm/md device's slaves' disks
// (recursively), and the node's own disk. Depth-limited against loops in a broken sysfs.
void physical_disks(const Index& idx, const std::string& name, std::set<std::string>& out, int depth = 0) {
  if (depth > 8) return;
  auto it = idx.nodes.find(name);
  if (it == idx.nodes.end()) return;
  out.insert(it->second.disk);
  auto disk_it = idx.nodes.find(it->second.disk);
  std::vector<std::string> slaves = it->second.slaves;
  if (disk_it != idx.nodes.end() && disk_it->first != name)
    slaves.insert(slaves.end(), disk_it->second.slaves.begin(), disk_it->second.slaves.end());
  for (const auto& s : slaves) physical_disks(idx, s, out, depth + 1);
}

// ---- 5. libblkid probes -------------------------------------------------------------------------------

struct Probe {
  std::string fs_type, fs_label, fs_uuid, pt_type;
};

// Probes a device node read-only (libblkid opens it O_RDONLY; the blkid cache file is not used).
Probe blkid_probe_node(const fs::path& node, bool want_partition_table) {
  Probe p;
  blkid_probe pr = blkid_new_probe_from_filename(node.c_str());
  if (!pr) return p;
  blkid_probe_enable_superblocks(pr, 1);
  blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID | BLKID_SUBLKS_TYPE);
  blkid_probe_enable_partitions(pr, want_partition_table ? 1 : 0);
  if (blkid_do_safeprobe(pr) == 0) {
    auto value = [&](const char* key) {
      const char* v = nullptr;
      std::size_t len = 0;
      if (blkid_probe_lookup_value(pr, key, &v, &len) == 0 && v) return std::string(v, strnlen(v, len));
      return std::string();
    };
    p.fs_type = value("TYPE");
    p.fs_label = value("LABEL");
    p.fs_uuid = value("UUID");
    p.pt_type = value("PTTYPE");
  }
  blkid_free_probe(pr);
  return p;
}

// ---- 6. device details, mounts, exclusions, queries ----------------------------------------------------

// The USB device directory above a block device (the one with idVendor), or "".
fs::path usb_ancestor(const fs::path& resolved, const fs::path& sysfs_root) {
  std::error_code ec;
  const fs::path stop = fs::weakly_canonical(sysfs_root, ec);
  for (fs::path p = resolved; p.has_relative_path() && p != stop && p != p.parent_path(); p = p.parent_path())
    if (fs::exists(p / "idVendor", ec) && fs::exists(p / "idProduct", ec)) return p;
  return {};
}

std::string underscores_to_spaces(std::string s) {
  std::replace(s.begin(), s.end(), '_', ' ');
  return trim(s);
}

// Reads the identity and geometry of one whole device from sysfs and udev (no blkid, no mounts).
BlockDevice read_disk(const ListOptions& o, const Index& idx, const std::string& name) {
  const fs::path dir = o.sysfs_root / "block" / name;
  const fs::path dev = dir / "device";
  std::error_code ec;
  fs::path resolved = fs::canonical(dir, ec);
  if (ec) resolved = dir;
  BlockDevice d;
  d.name = name;
  d.path = (o.dev_root / name).string();
  d.size_bytes = attr_u64(dir / "size") * 512;  // sysfs "size" is always in 512-byte units
  d.logical_sector = static_cast<std::uint32_t>(attr_u64(dir / "queue" / "logical_block_size", 512));
  d.physical_sector = static_cast<std::uint32_t>(attr_u64(dir / "queue" / "physical_block_size", d.logical_sector));
  d.removable = attr(dir / "removable") == "1";
  d.rotational = attr(dir / "queue" / "rotational") == "1";
  d.read_only = attr(dir / "ro") == "1";
  d.transport = starts_with(name, "loop") ? "loop" : transport_from_sysfs_path(resolved.string());
  if (d.transport == "loop") d.backing_file = attr(dir / "loop" / "backing_file");

  // Identity from sysfs: SCSI/SATA (model, vendor, rev, vpd_pg80, wwid), NVMe (model, serial,
  // firmware_rev; wwid on the namespace), MMC (name, serial, manfid, fwrev), virtio (serial).
  d.model = attr(dev / "model");
  if (d.model.empty()) d.model = attr(dev / "name");
  d.vendor = attr(dev / "vendor");
  if (d.vendor.empty()) d.vendor = attr(dev / "manfid");
  d.firmware_rev = attr(dev / "rev");
  if (d.firmware_rev.empty()) d.firmware_rev = attr(dev / "firmware_rev");
  if (d.firmware_rev.empty()) d.firmware_rev = attr(dev / "fwrev");
  d.serial = attr(dev / "serial");
  if (d.serial.empty()) d.serial = attr(dir / "serial");
  if (d.serial.empty())
    if (auto pg80 = read_text(dev / "vpd_pg80")) d.serial = parse_vpd_pg80(*pg80);
  d.wwn = attr(dir / "wwid");
  if (d.wwn.empty()) d.wwn = attr(dev / "wwid");

  // udev's database fills gaps (ID_SERIAL_SHORT is the drive's own serial for ATA and USB).
  if (auto dn = idx.devnum_of.find(name); dn != idx.devnum_of.end()) {
    const fs::path db = o.udev_root / ("b" + std::to_string(dn->second.first) + ":" + std::to_string(dn->second.second));
    if (auto text = read_text(db)) {
      const auto props = parse_udev_db(*text);
      auto get = [&](const char* k) {
        auto it = props.find(k);
        return it == props.end() ? std::string() : it->second;
      };
      if (d.serial.empty()) d.serial = get("ID_SERIAL_SHORT");
      if (d.model.empty()) d.model = underscores_to_spaces(get("ID_MODEL"));
      if (d.vendor.empty()) d.vendor = underscores_to_spaces(get("ID_VENDOR"));
      if (d.firmware_rev.empty()) d.firmware_rev = get("ID_REVISION");
      if (d.wwn.empty()) d.wwn = get("ID_WWN");
      if (d.transport == "unknown" || d.transport == "scsi") {
        const std::string bus = get("ID_BUS");
        if (bus == "usb") d.transport = "usb";
        else if (bus == "ata") d.transport = "sata";
        else if (bus == "nvme") d.transport = "nvme";
      }
    }
  }
  if (d.transport == "usb") {
    if (const fs::path u = usb_ancestor(resolved, o.sysfs_root); !u.empty()) {
      if (d.serial.empty()) d.serial = attr(u / "serial");
      if (d.vendor.empty()) d.vendor = attr(u / "manufacturer");
      if (d.model.empty()) d.model = attr(u / "product");
    }
  }
  if (d.model.empty() && starts_with(name, "dm-")) d.model = attr(dir / "dm" / "name");
  if (d.model.empty() && starts_with(name, "md")) d.model = attr(dir / "md" / "level");
  return d;
}

PartitionInfo read_partition(const ListOptions& o, const std::string& disk, const std::string& name) {
  const fs::path dir = o.sysfs_root / "block" / disk / name;
  PartitionInfo p;
  p.name = name;
  p.path = (o.dev_root / name).string();
  p.number = static_cast<std::uint32_t>(attr_u64(dir / "partition"));
  p.start_bytes = attr_u64(dir / "start") * 512;
  p.size_bytes = attr_u64(dir / "size") * 512;
  p.read_only = attr(dir / "ro") == "1";
  return p;
}

// Mounts of one node and of its holders (recursively).
void collect_mounts(const Index& idx, const std::vector<MountInfoEntry>& mi, const ListOptions& o, const std::string& name,
                    std::vector<MountUse>& out, int depth = 0) {
  if (depth > 8) return;
  auto dn = idx.devnum_of.find(name);
  auto node = idx.nodes.find(name);
  for (const auto& m : mi) {
    const bool by_num = dn != idx.devnum_of.end() && m.major == dn->second.first && m.minor == dn->second.second;
    // Some file systems (btrfs) report an anonymous device number; then the source names the node.
    const bool by_source = !by_num && starts_with(m.source, "/") && fs::path(m.source).filename() == name &&
                           idx.by_devnum.count({m.major, m.minor}) == 0;
    if (!by_num && !by_source) continue;
    MountUse u;
    u.device = starts_with(m.source, "/dev/") ? m.source : (o.dev_root / name).string();
    u.mount_point = m.mount_point;
    u.fs_type = m.fs_type;
    u.read_write = m.read_write;
    out.push_back(std::move(u));
  }
  if (node != idx.nodes.end())
    for (const auto& h : node->second.holders) collect_mounts(idx, mi, o, h, out, depth + 1);
}

// The node a mount entry is on, or "" (tmpfs, overlay ...).
std::string node_of_mount(const Index& idx, const MountInfoEntry& m) {
  if (auto it = idx.by_devnum.find({m.major, m.minor}); it != idx.by_devnum.end()) return it->second;
  if (starts_with(m.source, "/")) {
    const std::string n = fs::path(m.source).filename().string();
    if (idx.nodes.count(n)) return n;
  }
  return {};
}

// The mount whose mount point is the longest prefix of `path`.
const MountInfoEntry* mount_holding(const std::vector<MountInfoEntry>& mi, const std::string& path) {
  const MountInfoEntry* best = nullptr;
  for (const auto& m : mi)  // later entries are mounted over earlier ones: ">=" keeps the last
    if (path_is_under(path, m.mount_point) && (!best || m.mount_point.size() >= best->mount_point.size())) best = &m;
  return best;
}

// The whole devices holding `path`, following loop devices to their backing files.
void disks_holding_path(const Index& idx, const std::vector<MountInfoEntry>& mi, const ListOptions& o, const std::string& path,
                        std::set<std::string>& out, int depth = 0) {
  if (depth > 4) return;
  const MountInfoEntry* m = mount_holding(mi, path);
  if (!m) return;
  const std::string node = node_of_mount(idx, *m);
  if (node.empty()) return;
  std::set<std::string> disks;
  physical_disks(idx, node, disks);
  for (const auto& d : disks) {
    out.insert(d);
    if (starts_with(d, "loop")) {
      const std::string backing = attr(o.sysfs_root / "block" / d / "loop" / "backing_file");
      if (!backing.empty()) disks_holding_path(idx, mi, o, backing, out, depth + 1);
    }
  }
}

// The kit's live system files: loop devices backed by files here are the kit itself.
constexpr const char* k_live_media[] = {"/run/live/medium", "/lib/live/mount/medium"};
constexpr const char* k_case_volume_label = "SHODO-CASES";

void add_exclusion(BlockDevice& d, const std::string& code) {
  if (std::find(d.excluded_codes.begin(), d.excluded_codes.end(), code) != d.excluded_codes.end()) return;
  d.excluded_codes.push_back(code);
  const std::string key = "devices.excluded." + code;
  d.excluded_reason_ja += std::string(d.excluded_reason_ja.empty() ? "" : "、") + tr(key, Lang::ja);
  d.excluded_reason_en += std::string(d.excluded_reason_en.empty() ? "" : "; ") + tr(key, Lang::en);
}

void set_note(std::string& ja, std::string& en, std::string_view key) {
  ja = tr(key, Lang::ja);
  en = tr(key, Lang::en);
}

void query_hpa_dco(BlockDevice& d) {
  HpaDcoInfo& h = d.hpa_dco;
  h.queried = true;
  // HPA and DCO are ATA features: NVMe, MMC, virtio and loop devices have none to query, and
  // asking a RAID/dm device means nothing.
  if (d.transport != "sata" && d.transport != "scsi" && d.transport != "usb") {
    set_note(h.note_ja, h.note_en, "devices.note.hpa_not_ata");
    return;
  }
  // Query only: `-N` without a value reads the max address; a value would change it.
  const ToolRun n = run_tool("hdparm", {"-N", d.path});
  if (!n.started) {
    set_note(h.note_ja, h.note_en, "devices.note.hdparm_missing");
    return;
  }
  h.tool_output = n.out + n.err;
  if (n.timed_out) {
    set_note(h.note_ja, h.note_en, "devices.note.tool_timeout");
    return;
  }
  const std::uint64_t kernel_sectors = d.logical_sector ? d.size_bytes / d.logical_sector : 0;
  parse_hdparm_n(n.out, kernel_sectors, h);
  if (!h.available && trim(n.out).find("max sectors") == std::string::npos && !trim(n.err).empty()) {
    h.note_ja = "hdparm -N が失敗しました: " + first_line(n.err);
    h.note_en = "hdparm -N failed: " + first_line(n.err);
  }
  if (!h.available) return;
  const ToolRun dco = run_tool("hdparm", {"--dco-identify", d.path});
  if (dco.started && !dco.timed_out) parse_hdparm_dco(dco.out, h);
}

void query_smart(BlockDevice& d) {
  SmartInfo& s = d.smart;
  s.queried = true;
  if (d.transport == "loop" || d.transport == "virtio" || d.transport == "mmc" || d.transport == "unknown") {
    set_note(s.note_ja, s.note_en, "devices.note.smart_not_supported");
    return;
  }
  const ToolRun r = run_tool("smartctl", {"-j", "-H", "-i", d.path});
  if (!r.started) {
    set_note(s.note_ja, s.note_en, "devices.note.smartctl_missing");
    return;
  }
  if (r.timed_out) {
    set_note(s.note_ja, s.note_en, "devices.note.tool_timeout");
    s.raw_json = r.out;
    return;
  }
  s = parse_smartctl_json(r.out, r.exit_status);
}

struct Scan {
  Index idx;
  std::vector<MountInfoEntry> mounts;
};

Result<Scan> scan(const ListOptions& o) {
  auto idx = scan_index(o);
  if (!idx) return std::move(idx).error();
  const fs::path mi_path = o.proc_root / "self" / "mountinfo";
  auto text = read_text(mi_path);
  if (!text)
    return make_errno_error(ErrorCode::io_error, errno, "マウント情報 " + mi_path.string() + " を読めません",
                            "cannot read the mount table " + mi_path.string());
  return Scan{std::move(idx.value()), parse_mountinfo(*text)};
}

bool skipped(const ListOptions& o, const std::string& name) {
  if (starts_with(name, "ram") || starts_with(name, "zram")) return true;
  if (starts_with(name, "loop")) return attr(o.sysfs_root / "block" / name / "loop" / "backing_file").empty();
  return false;
}

// Everything about one whole device: identity, partitions, file systems, mounts (no exclusions).
BlockDevice build_device(const ListOptions& o, const Scan& s, const std::string& name) {
  BlockDevice d = read_disk(o, s.idx, name);
  const bool has_medium = d.size_bytes > 0;
  for (const auto& pn : partition_names(o.sysfs_root / "block" / name)) {
    PartitionInfo p = read_partition(o, name, pn);
    if (has_medium) {
      const Probe pr = blkid_probe_node(p.path, false);
      p.fs_type = pr.fs_type;
      p.fs_label = pr.fs_label;
      p.fs_uuid = pr.fs_uuid;
    }
    collect_mounts(s.idx, s.mounts, o, pn, p.mounts);
    d.partitions.push_back(std::move(p));
  }
  if (has_medium) {
    const Probe pr = blkid_probe_node(d.path, true);
    d.partition_table = pr.pt_type;
    d.fs_type = pr.fs_type;
    d.fs_label = pr.fs_label;
    d.fs_uuid = pr.fs_uuid;
  }
  collect_mounts(s.idx, s.mounts, o, name, d.mounts);
  for (const auto& p : d.partitions) d.mounts.insert(d.mounts.end(), p.mounts.begin(), p.mounts.end());
  return d;
}

// Marks the kit's boot medium, case volume and the device holding the case root.
void mark_exclusions(const ListOptions& o, const Scan& s, std::vector<BlockDevice>& devices) {
  std::set<std::string> boot, case_root;
  for (const char* mp : {"/", k_live_media[0], k_live_media[1]}) {
    const MountInfoEntry* found = nullptr;
    for (const auto& m : s.mounts)
      if (m.mount_point == mp) found = &m;
    if (!found) continue;
    const std::string node = node_of_mount(s.idx, *found);
    if (!node.empty()) physical_disks(s.idx, node, boot);
  }
  if (!o.case_root.empty()) {
    std::error_code ec;
    fs::path root = fs::absolute(o.case_root, ec);
    if (!ec) {
      const fs::path canon = fs::weakly_canonical(root, ec);
      disks_holding_path(s.idx, s.mounts, o, (ec ? root : canon).lexically_normal().string(), case_root);
    }
  }
  for (auto& d : devices) {
    if (boot.count(d.name)) {
      d.is_kit_boot_medium = true;
      add_exclusion(d, "kit_boot_medium");
    }
    // A volume labelled SHODO-CASES is a kit's case volume only while it is mounted (in use). An
    // unmounted one — a host disk that happens to carry the label, or one labelled so to hide it
    // from imaging — is offered like any other: the kit's own stick and case volume are already
    // known as the boot medium and the disk holding the case root.
    bool labelled = d.fs_label == k_case_volume_label;
    for (const auto& p : d.partitions) labelled = labelled || p.fs_label == k_case_volume_label;
    if (labelled && !d.mounts.empty()) {
      d.is_kit_boot_medium = true;
      add_exclusion(d, "kit_case_volume");
    }
    if (case_root.count(d.name)) {
      d.holds_case_root = true;
      add_exclusion(d, "case_root");
    }
    if (d.transport == "loop")
      for (const char* live : k_live_media)
        if (path_is_under(d.backing_file, live)) add_exclusion(d, "kit_loop");
    if (d.size_bytes == 0) add_exclusion(d, "no_medium");
  }
}

void run_queries(const ListOptions& o, BlockDevice& d) {
  if (d.size_bytes == 0) return;  // nothing to ask an empty card reader
  if (o.query_hpa_dco) query_hpa_dco(d);
  if (o.query_smart) query_smart(d);
}

}  // namespace

// ---- 7. public API ---------------------------------------------------------------------------------------

Result<std::vector<BlockDevice>> list_block_devices(const ListOptions& opts) {
  auto s = scan(opts);
  if (!s) return std::move(s).error();
  std::vector<BlockDevice> out;
  for (const auto& [name, node] : s->idx.nodes) {
    if (node.partition || skipped(opts, name)) continue;
    out.push_back(build_device(opts, s.value(), name));
  }
  mark_exclusions(opts, s.value(), out);
  for (auto& d : out) run_queries(opts, d);
  return out;
}

namespace {

// The sysfs node name of a device path: by st_rdev through the index; for fake trees (dev_root
// not /dev) by file name.
Result<std::string> node_name_for(const fs::path& device, const ListOptions& o, const Index& idx) {
  struct stat st {};
  if (::stat(device.c_str(), &st) != 0) {
    const int err = errno;
    return make_errno_error(err == ENOENT ? ErrorCode::not_found : ErrorCode::io_error, err,
                            "デバイス " + device.string() + " を確認できません",
                            "cannot look at device " + device.string());
  }
  if (S_ISBLK(st.st_mode)) {
    const DevNum dn{major(st.st_rdev), minor(st.st_rdev)};
    if (auto it = idx.by_devnum.find(dn); it != idx.by_devnum.end()) return it->second;
  } else if (o.dev_root != "/dev") {
    // Tests: a regular file standing for a node in a fake /dev.
    const std::string n = device.filename().string();
    if (idx.nodes.count(n)) return n;
  }
  if (!S_ISBLK(st.st_mode))
    return make_error(ErrorCode::invalid_input, device.string() + " はブロックデバイスではありません（ディスクを指定してください）",
                      device.string() + " is not a block device (give a disk such as /dev/sdb)");
  return make_error(ErrorCode::invalid_input, device.string() + " はカーネルのデバイス一覧（sysfs）にありません",
                    device.string() + " is not in the kernel's device list (sysfs)");
}

}  // namespace

Result<BlockDevice> describe_device(const fs::path& device, const ListOptions& opts) {
  auto s = scan(opts);
  if (!s) return std::move(s).error();
  auto name = node_name_for(device, opts, s->idx);
  if (!name) return std::move(name).error();
  const Node& node = s->idx.nodes.at(name.value());
  std::vector<BlockDevice> one{build_device(opts, s.value(), node.disk)};
  mark_exclusions(opts, s.value(), one);
  BlockDevice d = std::move(one.front());
  if (node.partition) {
    // Report the partition as the device, keeping the parent's identity and exclusion.
    auto it = std::find_if(d.partitions.begin(), d.partitions.end(), [&](const PartitionInfo& p) { return p.name == name.value(); });
    if (it != d.partitions.end()) {
      PartitionInfo p = *it;
      d.name = p.name;
      d.path = p.path;
      d.size_bytes = p.size_bytes;
      d.read_only = p.read_only || d.read_only;  // a read-only disk makes its partitions read-only
      d.partition_table.clear();
      d.fs_type = p.fs_type;
      d.fs_label = p.fs_label;
      d.fs_uuid = p.fs_uuid;
      d.mounts = p.mounts;
      d.partitions.clear();
    }
  }
  run_queries(opts, d);
  return d;
}

Result<std::vector<MountUse>> mounts_using_checked(const fs::path& block_device, const ListOptions& opts) {
  auto s = scan(opts);
  if (!s) return std::move(s).error();
  auto name = node_name_for(block_device, opts, s->idx);
  if (!name) return std::move(name).error();
  std::vector<MountUse> out;
  collect_mounts(s->idx, s->mounts, opts, name.value(), out);
  const Node& node = s->idx.nodes.at(name.value());
  if (!node.partition)
    for (const auto& p : partition_names(opts.sysfs_root / "block" / name.value())) collect_mounts(s->idx, s->mounts, opts, p, out);
  return out;
}

std::vector<MountUse> mounts_using(const fs::path& block_device) {
  auto r = mounts_using_checked(block_device);
  if (r) return std::move(r).value();
  // Unknown is treated as "mounted read-write" so that a caller refusing rw sources refuses.
  return {MountUse{block_device.string(), "?", "", true}};
}

// ---- 8. JSON ---------------------------------------------------------------------------------------------

nlohmann::json to_json(const MountUse& m) {
  return {{"device", m.device}, {"mount_point", m.mount_point}, {"fs_type", m.fs_type}, {"read_write", m.read_write}};
}

namespace {

nlohmann::json mounts_json(const std::vector<MountUse>& ms) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& m : ms) a.push_back(to_json(m));
  return a;
}

}  // namespace

nlohmann::json to_json(const BlockDevice& d) {
  nlohmann::json parts = nlohmann::json::array();
  for (const auto& p : d.partitions)
    parts.push_back({{"name", p.name},
                     {"path", p.path},
                     {"number", p.number},
                     {"start_bytes", p.start_bytes},
                     {"size_bytes", p.size_bytes},
                     {"read_only", p.read_only},
                     {"fs_type", p.fs_type},
                     {"fs_label", p.fs_label},
                     {"fs_uuid", p.fs_uuid},
                     {"mounts", mounts_json(p.mounts)}});
  const auto& h = d.hpa_dco;
  nlohmann::json hpa = {{"queried", h.queried},
                        {"available", h.available},
                        {"current_max_sectors", h.current_max_sectors},
                        {"native_max_sectors", h.native_max_sectors},
                        {"hpa_enabled", h.hpa_enabled},
                        {"dco_available", h.dco_available},
                        {"dco_real_max_sectors", h.dco_real_max_sectors},
                        {"dco_restricted", h.dco_restricted},
                        {"note_ja", h.note_ja},
                        {"note_en", h.note_en},
                        {"hdparm_n_output", h.tool_output},
                        {"hdparm_dco_output", h.dco_text}};
  nlohmann::json smart_raw = nullptr;
  if (!d.smart.raw_json.empty()) {
    smart_raw = nlohmann::json::parse(d.smart.raw_json, nullptr, false);
    if (smart_raw.is_discarded()) smart_raw = d.smart.raw_json;  // kept as text when not JSON
  }
  nlohmann::json smart = {{"queried", d.smart.queried}, {"available", d.smart.available},
                          {"health", d.smart.health},   {"exit_status", d.smart.exit_status},
                          {"note_ja", d.smart.note_ja}, {"note_en", d.smart.note_en},
                          {"smartctl", smart_raw}};
  return {{"name", d.name},
          {"path", d.path},
          {"transport", d.transport},
          {"model", d.model},
          {"serial", d.serial},
          {"vendor", d.vendor},
          {"firmware_rev", d.firmware_rev},
          {"wwn", d.wwn},
          {"size_bytes", d.size_bytes},
          {"logical_sector", d.logical_sector},
          {"physical_sector", d.physical_sector},
          {"removable", d.removable},
          {"rotational", d.rotational},
          {"read_only", d.read_only},
          {"backing_file", d.backing_file},
          {"partition_table", d.partition_table},
          {"fs_type", d.fs_type},
          {"fs_label", d.fs_label},
          {"fs_uuid", d.fs_uuid},
          {"partitions", parts},
          {"mounts", mounts_json(d.mounts)},
          {"is_kit_boot_medium", d.is_kit_boot_medium},
          {"holds_case_root", d.holds_case_root},
          {"offered", d.offered()},
          {"excluded", d.excluded_codes},
          {"excluded_reason_ja", d.excluded_reason_ja},
          {"excluded_reason_en", d.excluded_reason_en},
          {"hpa_dco", hpa},
          {"smart", smart}};
}

}  // namespace shodo::acquire
