#include "forensics/core/atomic_file.hpp"

#include <cerrno>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace shodo {
namespace fs = std::filesystem;

Status write_fully(int fd, std::string_view data) {
  std::size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_errno_error(ErrorCode::not_saved, errno, "書き込み失敗", "write failed");
    }
    off += static_cast<std::size_t>(n);
  }
  return ok_status();
}

Status fsync_directory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return make_errno_error(ErrorCode::not_saved, errno, "フォルダを開けません: " + dir.string(),
                            "cannot open folder " + dir.string());
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0)
    return make_errno_error(ErrorCode::not_saved, err, "フォルダを確定保存できません: " + dir.string(),
                            "cannot fsync folder " + dir.string());
  return ok_status();
}

Status create_directories_durable(const fs::path& dir) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return ok_status();
  const fs::path parent = dir.parent_path();
  if (!parent.empty() && parent != dir) {
    auto st = create_directories_durable(parent);
    if (!st) return st;
  }
  if (::mkdir(dir.c_str(), 0750) != 0 && errno != EEXIST)
    return make_errno_error(ErrorCode::not_saved, errno, "フォルダを作成できません: " + dir.string(),
                            "cannot create folder " + dir.string());
  if (!parent.empty()) return fsync_directory(parent);
  return ok_status();
}

Status write_file_atomic(const fs::path& path, std::string_view bytes, unsigned mode) {
  const fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::string tmpl = (dir / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
  const int fd = ::mkstemp(tmpl.data());  // created 0600
  if (fd < 0)
    return make_errno_error(ErrorCode::not_saved, errno, "一時ファイルを作成できません: " + dir.string(),
                            "cannot create a temporary file in " + dir.string());
  auto fail = [&](int err, const char* ja, const char* en) {
    ::close(fd);
    ::unlink(tmpl.c_str());
    return make_errno_error(ErrorCode::not_saved, err, std::string(ja) + path.string(),
                            std::string(en) + path.string());
  };
  if (!write_fully(fd, bytes)) return fail(errno, "書き込めません（保存されていません）: ", "write failed (not saved): ");
  if (::fchmod(fd, static_cast<mode_t>(mode)) != 0 || ::fsync(fd) != 0)
    return fail(errno, "確定保存できません（保存されていません）: ", "fsync failed (not saved): ");
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmpl.c_str());
    return make_errno_error(ErrorCode::not_saved, err, "書き込めません: " + path.string(),
                            "close failed: " + path.string());
  }
  if (::rename(tmpl.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmpl.c_str());
    return make_errno_error(ErrorCode::not_saved, err, "名前を変更できません: " + path.string(),
                            "rename failed: " + path.string());
  }
  return fsync_directory(dir);
}

Result<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!fs::exists(path, ec))
      return make_error(ErrorCode::not_found, "ファイルがありません: " + path.string(),
                        "no such file: " + path.string());
    return make_error(ErrorCode::io_error, "ファイルを読めません: " + path.string(),
                      "cannot read file: " + path.string());
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad())
    return make_error(ErrorCode::io_error, "ファイルを読めません: " + path.string(),
                      "cannot read file: " + path.string());
  return ss.str();
}

bool blank_text(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n') {
      ++i;
    } else if (s.substr(i, 2) == "\xC2\xA0") {
      i += 2;
    } else if (s.substr(i, 3) == "\xE3\x80\x80") {
      i += 3;
    } else {
      return false;
    }
  }
  return true;
}

bool is_valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    const unsigned char c = *p;
    if (c < 0x80) { ++p; continue; }
    int n = 0;
    std::uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; }
    else return false;
    if (end - p <= n) return false;
    for (int i = 1; i <= n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000)) return false;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    p += n + 1;
  }
  return true;
}

}  // namespace shodo
