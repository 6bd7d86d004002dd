#include "forensics/acquire/source.hpp"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace shodo::acquire {
namespace fs = std::filesystem;

bool is_vanished_errno(int err) {
  return err == ENODEV || err == ENXIO || err == ENOMEDIUM || err == ESHUTDOWN || err == ENOTCONN;
}

namespace {

ReadOutcome pread_full(int fd, std::uint64_t offset, void* buf, std::size_t len) {
  ReadOutcome out;
  auto* p = static_cast<unsigned char*>(buf);
  while (out.bytes < len) {
    const ssize_t n = ::pread(fd, p + out.bytes, len - out.bytes, static_cast<off_t>(offset + out.bytes));
    if (n < 0) {
      if (errno == EINTR) continue;
      out.err = errno;
      return out;
    }
    if (n == 0) break;
    out.bytes += static_cast<std::size_t>(n);
  }
  return out;
}

// A block device or a regular file, read through one O_RDONLY descriptor (and an O_DIRECT one
// for single-sector reads, so that one bad sector does not fail its whole page).
class FileSource final : public Source {
 public:
  FileSource(int fd, SourceInfo info, dev_t rdev) : m_fd(fd), m_info(std::move(info)), m_rdev(rdev) {
    ::posix_fadvise(m_fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  }
  ~FileSource() override {
    if (m_direct_fd >= 0) ::close(m_direct_fd);
    ::close(m_fd);
    std::free(m_sector_buf);
  }
  std::uint64_t size() const override { return m_info.size; }
  std::uint32_t sector_size() const override { return m_info.logical_sector; }
  std::string path() const override { return m_info.path; }
  bool is_block_device() const override { return m_info.block_device; }

  ReadOutcome read_at(std::uint64_t offset, void* buf, std::size_t len) override {
    return pread_full(m_fd, offset, buf, len);
  }

  ReadOutcome read_sector(std::uint64_t offset, void* buf) override {
    const std::size_t ss = m_info.logical_sector;
    if (m_direct_fd == -1) {
      m_direct_fd = ::open(m_info.path.c_str(), O_RDONLY | O_DIRECT | O_CLOEXEC);
      if (m_direct_fd < 0) m_direct_fd = -2;  // not supported here (tmpfs ...): buffered reads
      if (m_direct_fd >= 0 && ::posix_memalign(&m_sector_buf, 4096, ss) != 0) {
        ::close(m_direct_fd);
        m_direct_fd = -2;
        m_sector_buf = nullptr;
      }
    }
    if (m_direct_fd < 0 || offset % ss != 0) return pread_full(m_fd, offset, buf, ss);
    ReadOutcome out = pread_full(m_direct_fd, offset, m_sector_buf, ss);
    if (out.err == EINVAL) return pread_full(m_fd, offset, buf, ss);  // alignment refused
    if (out.bytes) std::memcpy(buf, m_sector_buf, out.bytes);
    return out;
  }

  Result<std::uint64_t> probe_size() override {
    if (m_info.block_device) {
      // A removed disk loses its sysfs node; its size drops to 0 while the fd stays open.
      const auto sys = fs::path("/sys/dev/block") / (std::to_string(major(m_rdev)) + ":" + std::to_string(minor(m_rdev)));
      std::error_code ec;
      if (!fs::exists(sys, ec))
        return make_error(ErrorCode::io_error, "読み取り元の装置が見つかりません（取り外されました）: " + m_info.path,
                          "the source device has gone (removed): " + m_info.path);
      std::uint64_t bytes = 0;
      if (::ioctl(m_fd, BLKGETSIZE64, &bytes) != 0)
        return make_errno_error(ErrorCode::io_error, errno, "読み取り元の大きさを確認できません: " + m_info.path,
                                "cannot read the size of the source: " + m_info.path);
      return bytes;
    }
    struct stat st {};
    if (::fstat(m_fd, &st) != 0)
      return make_errno_error(ErrorCode::io_error, errno, "読み取り元の大きさを確認できません: " + m_info.path,
                              "cannot read the size of the source: " + m_info.path);
    return static_cast<std::uint64_t>(st.st_size);
  }

 private:
  int m_fd;
  int m_direct_fd = -1;  // -1 not tried, -2 not available
  void* m_sector_buf = nullptr;
  SourceInfo m_info;
  dev_t m_rdev;
};

// Several segment files read as one stream.
class ConcatSource final : public Source {
 public:
  struct Part {
    int fd;
    std::uint64_t start, size;
  };
  ConcatSource(std::vector<Part> parts, std::string path) : m_parts(std::move(parts)), m_path(std::move(path)) {
    for (const auto& p : m_parts) m_size += p.size;
  }
  ~ConcatSource() override {
    for (auto& p : m_parts) ::close(p.fd);
  }
  std::uint64_t size() const override { return m_size; }
  std::uint32_t sector_size() const override { return 512; }
  std::string path() const override { return m_path; }
  ReadOutcome read_at(std::uint64_t offset, void* buf, std::size_t len) override {
    ReadOutcome out;
    auto* p = static_cast<unsigned char*>(buf);
    for (const auto& part : m_parts) {
      if (out.bytes == len) break;
      const std::uint64_t pos = offset + out.bytes;
      if (pos >= part.start + part.size || pos < part.start) continue;
      const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(len - out.bytes, part.start + part.size - pos));
      ReadOutcome r = pread_full(part.fd, pos - part.start, p + out.bytes, want);
      out.bytes += r.bytes;
      if (r.err) {
        out.err = r.err;
        return out;
      }
      if (r.bytes < want) return out;  // segment shorter than when opened
    }
    return out;
  }
  Result<std::uint64_t> probe_size() override {
    std::uint64_t total = 0;
    for (const auto& part : m_parts) {
      struct stat st {};
      if (::fstat(part.fd, &st) != 0)
        return make_errno_error(ErrorCode::io_error, errno, "イメージの大きさを確認できません", "cannot read the image size");
      total += std::min<std::uint64_t>(static_cast<std::uint64_t>(st.st_size), part.size);
    }
    return total;
  }

 private:
  std::vector<Part> m_parts;
  std::string m_path;
  std::uint64_t m_size = 0;
};

}  // namespace

Result<std::unique_ptr<Source>> open_source(const fs::path& path, SourceInfo* info_out) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOENT)
      return make_error(ErrorCode::not_found, "読み取り元がありません: " + path.string(),
                        "the source does not exist: " + path.string());
    return make_errno_error(ErrorCode::io_error, err, "読み取り元を確認できません: " + path.string(),
                            "cannot examine the source: " + path.string());
  }
  SourceInfo info;
  info.path = path.string();
  info.block_device = S_ISBLK(st.st_mode);
  if (!info.block_device && !S_ISREG(st.st_mode))
    return make_error(ErrorCode::invalid_input,
                      "読み取り元はブロックデバイスかイメージファイルでなければなりません: " + path.string(),
                      "the source must be a block device or an image file: " + path.string());
  // O_RDONLY always. For a block device the descriptor is only used for BLKROSET until the
  // flag is confirmed; no read happens before that.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return make_errno_error(errno == ENOENT ? ErrorCode::not_found : ErrorCode::io_error, errno,
                            "読み取り元を開けません: " + path.string(), "cannot open the source: " + path.string());
  if (info.block_device) {
    int ro = 0;
    if (::ioctl(fd, BLKROGET, &ro) == 0) info.was_read_only = ro != 0;
    // BLKROSET needs CAP_SYS_ADMIN. An unprivileged user (the booted kit's kiosk user) may go on
    // only when the kernel flag is already set (the kit's udev rule sets it on every device as it
    // appears): either way no byte is read before BLKROGET confirms the device is read-only.
    int one = 1;
    const bool set = ::ioctl(fd, BLKROSET, &one) == 0;
    int set_err = set ? 0 : errno;
    ro = 0;
    if ((!set && !info.was_read_only) || ::ioctl(fd, BLKROGET, &ro) != 0 || ro == 0) {
      if (set_err == 0) set_err = errno != 0 ? errno : EPERM;
      ::close(fd);
      return make_errno_error(ErrorCode::io_error, set_err,
                              "読み取り元を読み取り専用にできません（root で実行するか、先に読み取り専用にしてください。"
                              "キットで起動した PC ではすべての装置が読み取り専用です）: " + path.string(),
                              "cannot set the source read-only (run as root, or make it read-only first; "
                              "the booted kit makes every device read-only): " + path.string());
    }
    info.read_only_set = set;
    std::uint64_t bytes = 0;
    int lss = 512;
    unsigned int pss = 512;
    if (::ioctl(fd, BLKGETSIZE64, &bytes) != 0) {
      const int err = errno;
      ::close(fd);
      return make_errno_error(ErrorCode::io_error, err, "読み取り元の大きさが分かりません: " + path.string(),
                              "cannot read the size of the source: " + path.string());
    }
    ::ioctl(fd, BLKSSZGET, &lss);
    ::ioctl(fd, BLKPBSZGET, &pss);
    info.size = bytes;
    info.logical_sector = static_cast<std::uint32_t>(lss > 0 ? lss : 512);
    info.physical_sector = pss > 0 ? pss : info.logical_sector;
  } else {
    info.size = static_cast<std::uint64_t>(st.st_size);
  }
  if (info.size == 0) {
    ::close(fd);
    return make_error(ErrorCode::invalid_input, "読み取り元が空です（0 バイト）: " + path.string(),
                      "the source is empty (0 bytes): " + path.string());
  }
  if (info_out) *info_out = info;
  return std::unique_ptr<Source>(new FileSource(fd, info, info.block_device ? st.st_rdev : 0));
}

Result<std::unique_ptr<Source>> open_raw_image(const std::vector<fs::path>& segments) {
  if (segments.empty())
    return make_error(ErrorCode::invalid_input, "イメージファイルが指定されていません", "no image file given");
  std::vector<ConcatSource::Part> parts;
  std::uint64_t start = 0;
  for (const auto& seg : segments) {
    const int fd = ::open(seg.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st {};
    if (fd < 0 || ::fstat(fd, &st) != 0) {
      const int err = errno;
      if (fd >= 0) ::close(fd);
      for (auto& p : parts) ::close(p.fd);
      return make_errno_error(err == ENOENT ? ErrorCode::not_found : ErrorCode::io_error, err,
                              "イメージのセグメントを開けません: " + seg.string(), "cannot open image segment: " + seg.string());
    }
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    parts.push_back({fd, start, static_cast<std::uint64_t>(st.st_size)});
    start += static_cast<std::uint64_t>(st.st_size);
  }
  return std::unique_ptr<Source>(new ConcatSource(std::move(parts), segments.front().string()));
}

}  // namespace shodo::acquire
