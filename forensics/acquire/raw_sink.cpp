// Raw and split-raw destinations (dd-compatible; split segments name.001, name.002 ...).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "forensics/acquire/sink.hpp"
#include "forensics/core/atomic_file.hpp"

namespace shodo::acquire {
namespace fs = std::filesystem;

fs::path segment_path(const fs::path& base, std::size_t index) {
  char num[32];
  std::snprintf(num, sizeof num, "%03zu", index);
  return fs::path(base.string() + "." + num);
}

namespace {

Error write_error(int err, const fs::path& file, std::uint64_t at) {
  const std::string where_ja = file.string() + "（" + std::to_string(at) + " バイト目）";
  const std::string where_en = file.string() + " at byte " + std::to_string(at);
  if (err == ENOSPC || err == EDQUOT)
    return make_error(ErrorCode::no_space,
                      "保存先がいっぱいです: " + where_ja + "。ここまでの部分イメージは整合した状態で残っています。空きのある保存先で取り直してください",
                      "the destination is full: " + where_en +
                          ". The partial image written so far is consistent. Acquire again to a destination with enough space");
  if (err == EFBIG)
    return make_error(ErrorCode::io_error,
                      "保存先のファイルシステムはこれ以上大きなファイルを作れません（FAT32 は 4 GiB まで）: " + where_ja +
                          "。分割形式（--format split）で取り直してください",
                      "the destination file system cannot hold a larger file (FAT32: 4 GiB): " + where_en +
                          ". Acquire again with split output (--format split)");
  return make_errno_error(ErrorCode::io_error, err, "イメージを書き込めません: " + where_ja,
                          "cannot write the image: " + where_en);
}

class RawSink final : public Sink {
 public:
  RawSink(fs::path base, std::uint64_t segment_bytes) : m_base(std::move(base)), m_segment_bytes(segment_bytes) {}
  ~RawSink() override {
    if (m_fd >= 0) ::close(m_fd);
  }

  std::string kind() const override { return m_segment_bytes ? "split" : "raw"; }

  Status open_at(std::optional<std::uint64_t> resume) {
    // Resume with nothing committed: whatever was written is unconfirmed, start over.
    if (resume && *resume == 0) {
      std::error_code ec;
      fs::remove(file_for(1), ec);
      for (std::size_t index = 2; m_segment_bytes && fs::exists(file_for(index), ec); ++index) fs::remove(file_for(index), ec);
      if (auto st = fsync_directory(m_base.parent_path()); !st) return st;
    }
    // Resume: keep the first resume_from bytes of the existing files, drop everything after.
    const std::uint64_t resume_from = resume.value_or(0);
    if (resume_from > 0) {
      std::uint64_t remaining = resume_from;
      std::size_t index = 1;
      for (;; ++index) {
        const fs::path p = file_for(index);
        std::error_code ec;
        if (!fs::exists(p, ec)) break;
        if (remaining == 0 && index > 1) {
          fs::remove(p, ec);  // a segment begun after the last commit
          continue;
        }
        const std::uint64_t keep = m_segment_bytes ? std::min(remaining, m_segment_bytes) : remaining;
        if (fs::file_size(p, ec) < keep)
          return make_error(ErrorCode::integrity, "再開できません: 書き込み済みのイメージが記録より短くなっています: " + p.string(),
                            "cannot resume: the image written so far is shorter than recorded: " + p.string());
        m_files.push_back(p);
        remaining -= keep;
        if (!m_segment_bytes) break;
      }
      if (remaining != 0)
        return make_error(ErrorCode::integrity, "再開できません: イメージファイルが足りません: " + m_base.string(),
                          "cannot resume: image files are missing: " + m_base.string());
      return position_at(resume_from);
    }
    return open_segment(1);
  }

  Status write(const std::uint8_t* data, std::size_t len) override {
    const std::uint64_t before = m_written;
    std::size_t done = 0;
    while (done < len) {
      if (m_segment_bytes && m_in_segment == m_segment_bytes) {
        if (auto st = close_current(); !st) return st;
        if (auto st = open_segment(m_index + 1); !st) return st;
      }
      std::size_t n = len - done;
      if (m_segment_bytes) n = static_cast<std::size_t>(std::min<std::uint64_t>(n, m_segment_bytes - m_in_segment));
      const ssize_t w = ::write(m_fd, data + done, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        const int err = errno;
        roll_back(before);
        return write_error(err, file_for(m_index), m_in_segment);
      }
      done += static_cast<std::size_t>(w);
      m_in_segment += static_cast<std::uint64_t>(w);
      m_written += static_cast<std::uint64_t>(w);
    }
    return ok_status();
  }

  Status sync() override {
    if (m_fd >= 0 && ::fdatasync(m_fd) != 0) return write_error(errno, file_for(m_index), m_in_segment);
    return ok_status();
  }

  Status finish(const std::vector<HashValue>&) override { return close_current(); }
  Status close_partial() override { return close_current(); }
  std::vector<fs::path> files() const override { return m_files; }
  std::uint64_t bytes_written() const override { return m_written; }

 private:
  fs::path file_for(std::size_t index) const {
    return m_segment_bytes ? segment_path(m_base, index) : fs::path(m_base.string() + ".raw");
  }

  Status open_segment(std::size_t index) {
    const fs::path p = file_for(index);
    m_fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (m_fd < 0) {
      const int err = errno;
      if (err == EEXIST)
        return make_error(ErrorCode::already_exists, "同じ名前のイメージが既にあります（上書きしません）: " + p.string(),
                          "an image of that name already exists (never overwritten): " + p.string());
      return write_error(err, p, 0);
    }
    m_index = index;
    m_in_segment = 0;
    m_files.push_back(p);
    if (auto st = fsync_directory(p.parent_path()); !st) return st;
    return ok_status();
  }

  Status close_current() {
    if (m_fd < 0) return ok_status();
    const int rc = ::fsync(m_fd);
    const int err = errno;
    ::close(m_fd);
    m_fd = -1;
    if (rc != 0) return write_error(err, file_for(m_index), m_in_segment);
    return ok_status();
  }

  // Segment index (1-based) and offset in it for a stream position; a position on a segment
  // boundary stays at the end of the earlier segment.
  std::pair<std::size_t, std::uint64_t> locate(std::uint64_t pos) const {
    if (!m_segment_bytes) return {1, pos};
    std::size_t seg = static_cast<std::size_t>(pos / m_segment_bytes) + 1;
    std::uint64_t in = pos % m_segment_bytes;
    if (in == 0 && seg > 1) {
      --seg;
      in = m_segment_bytes;
    }
    return {seg, in};
  }

  // Cuts the files back to `pos` bytes in all and leaves the descriptor at the end.
  Status position_at(std::uint64_t pos) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
    const auto [seg, in] = locate(pos);
    while (m_files.size() > seg) {
      std::error_code ec;
      fs::remove(m_files.back(), ec);
      m_files.pop_back();
    }
    const fs::path p = file_for(seg);
    m_fd = ::open(p.c_str(), O_WRONLY | O_CLOEXEC);
    if (m_fd < 0) return write_error(errno, p, in);
    if (::ftruncate(m_fd, static_cast<off_t>(in)) != 0 || ::lseek(m_fd, static_cast<off_t>(in), SEEK_SET) < 0)
      return write_error(errno, p, in);
    m_index = seg;
    m_in_segment = in;
    m_written = pos;
    return ok_status();
  }

  // A failed write leaves the files as they were before it (no half-written block).
  void roll_back(std::uint64_t to) { (void)position_at(to); }

  fs::path m_base;
  std::uint64_t m_segment_bytes;
  int m_fd = -1;
  std::size_t m_index = 0;
  std::uint64_t m_in_segment = 0;
  std::uint64_t m_written = 0;
  std::vector<fs::path> m_files;
};

}  // namespace

Result<std::unique_ptr<Sink>> create_raw_sink(const fs::path& base, std::uint64_t segment_bytes,
                                              std::optional<std::uint64_t> resume_from) {
  auto sink = std::make_unique<RawSink>(base, segment_bytes);
  if (auto st = sink->open_at(resume_from); !st) return st.error();
  return std::unique_ptr<Sink>(std::move(sink));
}

}  // namespace shodo::acquire
