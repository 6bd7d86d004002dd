// E01 sink and reader over libewf 20140813. Sections:
//   1. messages and libewf errors (bilingual, with libewf's own text; ENOSPC/EFBIG recognised)
//   2. names: segment files, refusing to overwrite
//   3. chunk packing: zlib on worker threads (the sink's pool), the all-zero block
//   4. E01Sink: batches in stream order → workers → libewf_handle_write_chunk on the caller
//   5. reading: open_e01_image (Source), read_e01_info
//
// Why libewf is driven in streaming mode (no media size set up front): with a media size set,
// libewf 20140813 leaves the last segment without its tables when fewer bytes were written than
// announced, so an image cut short would be unreadable. In streaming mode write_finalize writes
// the true size into every volume section, so a complete image and a partial one are both
// consistent E01 files. finish() checks that exactly media_size bytes arrived before finalising.
#include "forensics/acquire/ewf.hpp"

#include <fcntl.h>
#include <libewf.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <initializer_list>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "forensics/i18n/catalogue.hpp"
#include "forensics/i18n/substitute.hpp"

namespace shodo::acquire {
namespace {

namespace fs = std::filesystem;
using i18n::Lang;

// ---- 1. messages and libewf errors -----------------------------------------------------------

using i18n::Subs;
using i18n::fill;

Error ewf_error(ErrorCode code, const char* key, Subs subs = {}) { return i18n::catalogue_error(code, key, subs); }

// Owns a libewf_error_t; text() is the innermost message (what the OS or the format said) and the
// outermost one (which libewf call failed).
class EwfErr {
 public:
  EwfErr() = default;
  EwfErr(const EwfErr&) = delete;
  EwfErr& operator=(const EwfErr&) = delete;
  ~EwfErr() { reset(); }
  libewf_error_t** out() {
    reset();
    return &m_e;
  }
  // Every line of libewf's backtrace, innermost first (what the OS said is in an inner line).
  std::string full() const {
    if (!m_e) return {};
    std::string bt(8192, '\0');
    const int n = libewf_error_backtrace_sprint(m_e, bt.data(), bt.size());
    bt.resize(n > 0 ? std::min<std::size_t>(static_cast<std::size_t>(n), bt.size()) : 0);
    bt.erase(std::find(bt.begin(), bt.end(), '\0'), bt.end());
    return bt;
  }
  std::string text() const {
    if (!m_e) return "unknown error";
    std::string bt(8192, '\0');
    const int n = libewf_error_backtrace_sprint(m_e, bt.data(), bt.size());
    bt.resize(n > 0 ? std::min<std::size_t>(static_cast<std::size_t>(n), bt.size()) : 0);
    bt.erase(std::find(bt.begin(), bt.end(), '\0'), bt.end());
    std::vector<std::string> lines;
    for (std::size_t pos = 0; pos < bt.size();) {
      std::size_t nl = bt.find('\n', pos);
      if (nl == std::string::npos) nl = bt.size();
      std::string line = bt.substr(pos, nl - pos);
      while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
      if (!line.empty()) lines.push_back(std::move(line));
      pos = nl + 1;
    }
    if (lines.empty()) {
      std::string s(1024, '\0');
      const int m = libewf_error_sprint(m_e, s.data(), s.size());
      s.resize(m > 0 ? std::min<std::size_t>(static_cast<std::size_t>(m), s.size()) : 0);
      return s.empty() ? "unknown error" : s;
    }
    if (lines.size() == 1) return lines.front();
    return lines.front() + " … " + lines.back();
  }

 private:
  void reset() {
    if (m_e) libewf_error_free(&m_e);
    m_e = nullptr;
  }
  libewf_error_t* m_e = nullptr;
};

bool text_has(const std::string& text, int err) {
  return text.find(std::strerror(err)) != std::string::npos;
}

// Space an E01 needs beyond its chunk data to be closed consistently (measured with libewf
// 20140813, EnCase 6 format): a section of up to 65534 chunks gets a table and a table2 of 4 bytes
// per chunk (≤ 512 KiB together) when it fills, and again for the open section at finalize; a new
// segment starts with ~2 KiB of header sections; finalize adds the done/hash/digest sections
// (~2 KiB) and the error2 section (k_reserve_per_bad_range per range). 2 MiB covers one section
// flush plus the finalize with room for file-system block rounding.
constexpr std::uint64_t k_finalize_reserve = 2ull << 20;
constexpr std::uint64_t k_reserve_per_bad_range = 16;

// Bytes the calling process may still write to the file system holding `dir` (root may use the
// blocks reserved for it); nullopt when the file system does not say (some FUSE and network file
// systems report a size of 0 blocks).
std::optional<std::uint64_t> free_bytes(const fs::path& dir) {
  struct statvfs v {};
  if (::statvfs(dir.c_str(), &v) != 0 || v.f_frsize == 0 || v.f_blocks == 0) return std::nullopt;
  const std::uint64_t blocks = ::geteuid() == 0 ? v.f_bfree : v.f_bavail;
  return blocks * static_cast<std::uint64_t>(v.f_frsize);
}

std::string dir_of(const fs::path& stem) { return (stem.has_parent_path() ? stem.parent_path() : fs::path(".")).string(); }

// A failed libewf call as an Error: no_space for a full destination, a file-size hint for EFBIG,
// io_error otherwise; the libewf text is always part of the message. libewf 20140813 reports a
// full destination in two ways: a write() that failed ("…with error: No space left on device" in
// an inner backtrace line), or a short write(), which it reports as "unable to write chunk data"
// with no system error at all — that case is recognised by the destination (`dest`, a folder;
// empty when not known) having less than k_finalize_reserve bytes left.
Error libewf_failure(const char* op_key, const EwfErr& e, int saved_errno, const std::string& dest = {}) {
  const std::string detail = e.text();
  const std::string all = e.full();
  const std::string what_ja = i18n::tr(op_key, Lang::ja), what_en = i18n::tr(op_key, Lang::en);
  auto both = [&](ErrorCode code, const char* key) {
    const std::string where = dest.empty() ? std::string("—") : dest;
    return make_error(code, fill(i18n::tr(key, Lang::ja), {{"what", what_ja}, {"detail", detail}, {"dest", where}}),
                      fill(i18n::tr(key, Lang::en), {{"what", what_en}, {"detail", detail}, {"dest", where}}));
  };
  if (saved_errno == ENOSPC || saved_errno == EDQUOT || text_has(all, ENOSPC) || text_has(all, EDQUOT))
    return both(ErrorCode::no_space, "ewf.error.no_space");
  if (saved_errno == EFBIG || text_has(all, EFBIG))
    return both(ErrorCode::io_error, "ewf.error.file_too_large");
  if (!dest.empty()) {
    const auto left = free_bytes(dest);
    if (left && *left < k_finalize_reserve) return both(ErrorCode::no_space, "ewf.error.no_space");
  }
  return both(ErrorCode::io_error, "ewf.error.libewf");
}

const std::uint8_t* u8(const char* s) { return reinterpret_cast<const std::uint8_t*>(s); }
const std::uint8_t* u8(const std::string& s) { return reinterpret_cast<const std::uint8_t*>(s.data()); }

// ---- 2. names ------------------------------------------------------------------------------------

// stem.E01 … or any case variant of a segment extension (E01 … ZZZ).
bool is_segment_name_of(const std::string& name, const std::string& stem_name) {
  if (name.size() != stem_name.size() + 4 || name.compare(0, stem_name.size(), stem_name) != 0 ||
      name[stem_name.size()] != '.')
    return false;
  const char a = static_cast<char>(std::toupper(static_cast<unsigned char>(name[stem_name.size() + 1])));
  const char b = static_cast<char>(std::toupper(static_cast<unsigned char>(name[stem_name.size() + 2])));
  const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(name[stem_name.size() + 3])));
  auto alnum = [](char ch) { return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z'); };
  return a >= 'E' && a <= 'Z' && alnum(b) && alnum(c);
}

std::optional<fs::path> existing_segment(const fs::path& stem) {
  const fs::path dir = stem.has_parent_path() ? stem.parent_path() : fs::path(".");
  const std::string stem_name = stem.filename().string();
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (is_segment_name_of(name, stem_name)) return it->path();
  }
  return std::nullopt;
}

std::vector<fs::path> existing_segments_in_order(const fs::path& stem) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (std::size_t i = 1;; ++i) {
    fs::path p = e01_segment_path(stem, i);
    if (!fs::exists(p, ec)) break;
    out.push_back(std::move(p));
  }
  return out;
}

Status fsync_path(const fs::path& p, bool directory) {
  const int fd = ::open(p.c_str(), (directory ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    return make_errno_error(ErrorCode::not_saved, err, fill(i18n::tr("ewf.error.sync", Lang::ja), {{"path", p.string()}}),
                            fill(i18n::tr("ewf.error.sync", Lang::en), {{"path", p.string()}}));
  }
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0)
    return make_errno_error(ErrorCode::not_saved, err, fill(i18n::tr("ewf.error.sync", Lang::ja), {{"path", p.string()}}),
                            fill(i18n::tr("ewf.error.sync", Lang::en), {{"path", p.string()}}));
  return ok_status();
}

std::string operating_system() {
  struct utsname u {};
  if (::uname(&u) != 0) return "Linux";
  return std::string(u.sysname) + " " + u.release;
}

bool hex_to_bytes(const std::string& hex, std::vector<std::uint8_t>& out) {
  if (hex.size() % 2 != 0) return false;
  out.clear();
  auto nib = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nib(hex[i]), lo = nib(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
  }
  return true;
}

// ---- 3. chunk packing ----------------------------------------------------------------------------

int zlib_level(EwfCompression c) {
  switch (c) {
    case EwfCompression::none: return Z_NO_COMPRESSION;
    case EwfCompression::fast: return Z_BEST_SPEED;
    case EwfCompression::best: return Z_BEST_COMPRESSION;
  }
  return Z_BEST_SPEED;
}

std::int8_t libewf_level(EwfCompression c) {
  switch (c) {
    case EwfCompression::none: return LIBEWF_COMPRESSION_NONE;
    case EwfCompression::fast: return LIBEWF_COMPRESSION_FAST;
    case EwfCompression::best: return LIBEWF_COMPRESSION_BEST;
  }
  return LIBEWF_COMPRESSION_FAST;
}

// One zlib stream kept for a worker's lifetime: deflateReset per chunk instead of compress2(),
// which allocates and faults in ~270 KiB of state for every 32 KiB chunk (4× slower here).
class Deflater {
 public:
  explicit Deflater(int level) { m_ok = deflateInit(&m_z, level) == Z_OK; }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;
  ~Deflater() {
    if (m_ok) deflateEnd(&m_z);
  }
  bool ok() const { return m_ok; }
  // Compresses `in` into `out`; returns the compressed size when it is smaller than `n`
  // (libewf's rule for storing a chunk compressed), 0 when it is not.
  std::size_t pack(const std::uint8_t* in, std::size_t n, std::uint8_t* out) {
    if (n < 2 || deflateReset(&m_z) != Z_OK) return 0;
    m_z.next_in = const_cast<Bytef*>(in);
    m_z.avail_in = static_cast<uInt>(n);
    m_z.next_out = out;
    m_z.avail_out = static_cast<uInt>(n - 1);
    const int rc = deflate(&m_z, Z_FINISH);
    if (rc != Z_STREAM_END) return 0;  // did not fit in fewer than n bytes: store it raw
    return static_cast<std::size_t>(m_z.total_out);
  }

 private:
  z_stream m_z{};
  bool m_ok = false;
};

bool all_zero(const std::uint8_t* p, std::size_t n) {
  if (n == 0) return true;
  if (p[0] != 0) return false;
  return std::memcmp(p, p + 1, n - 1) == 0;
}

// ---- 4. the sink ------------------------------------------------------------------------------

constexpr std::size_t k_batch_chunks = 32;  // 1 MiB of 32 KiB chunks per worker job

struct PackedChunk {
  const std::uint8_t* data = nullptr;  // what libewf stores: compressed stream or raw bytes
  std::size_t size = 0;                // bytes at `data` (raw: data bytes, the checksum follows)
  std::size_t data_size = 0;           // stream bytes the chunk carries
  bool compressed = false;
  std::uint32_t checksum = 0;          // raw chunks: Adler-32 of the data
};

struct Batch {
  std::vector<std::uint8_t> raw;     // chunk i at i × (chunk_size + 4): room for its checksum
  std::vector<std::uint8_t> packed;  // compressed chunk i at i × chunk_size
  std::size_t chunks = 0;            // chunks in the batch (the last may be short)
  std::size_t last_size = 0;         // data bytes of the last chunk
  PackedChunk out[k_batch_chunks];
  bool done = false;
  std::optional<int> zlib_error;
};

class E01Sink final : public Sink {
 public:
  E01Sink(fs::path stem, std::uint64_t media_size, std::uint32_t bytes_per_sector, std::uint32_t chunk_size,
          const EwfOptions& opts, libewf_handle_t* handle)
      : m_stem(std::move(stem)),
        m_dest(dir_of(m_stem)),
        m_media_size(media_size),
        m_bps(bytes_per_sector),
        m_chunk(chunk_size),
        m_stride(chunk_size + 4u),
        m_compression(opts.compression),
        m_handle(handle) {
    unsigned threads = opts.threads > 0 ? static_cast<unsigned>(opts.threads) : std::thread::hardware_concurrency();
    if (threads == 0) threads = 1;
    const std::size_t batches = 2 * static_cast<std::size_t>(threads) + 2;
    for (std::size_t i = 0; i < batches; ++i) {
      auto b = std::make_unique<Batch>();
      b->raw.resize(k_batch_chunks * m_stride);
      if (m_compression != EwfCompression::none) b->packed.resize(k_batch_chunks * m_chunk);
      m_free.push_back(b.get());
      m_batches.push_back(std::move(b));
    }
    if (m_compression != EwfCompression::none) {
      // The all-zero chunk, compressed once (libewf's "empty block"): unused disk space costs no CPU.
      Deflater d(zlib_level(m_compression));
      std::vector<std::uint8_t> zeros(m_chunk, 0);
      m_zero_block.resize(m_chunk);
      const std::size_t n = d.ok() ? d.pack(zeros.data(), zeros.size(), m_zero_block.data()) : 0;
      m_zero_block.resize(n);
    }
    for (unsigned i = 0; i < threads; ++i) m_workers.emplace_back([this] { worker(); });
  }

  E01Sink(const E01Sink&) = delete;
  E01Sink& operator=(const E01Sink&) = delete;

  ~E01Sink() override {
    if (m_handle) (void)close_partial();
    stop_workers();
  }

  std::string kind() const override { return "e01"; }

  Status write(const std::uint8_t* data, std::size_t len) override {
    if (m_closed) return ewf_error(ErrorCode::io_error, "ewf.error.closed");
    if (m_error) return *m_error;
    if (len > m_media_size - m_accepted) {
      m_error = ewf_error(ErrorCode::invalid_input, "ewf.error.too_much_data", {{"size", std::to_string(m_media_size)}});
      return *m_error;
    }
    while (len > 0) {
      if (!m_fill) {
        m_fill = take_free_batch();
        if (!m_fill) return *m_error;
        m_fill->chunks = 0;
        m_fill_pos = 0;
      }
      std::uint8_t* slot = m_fill->raw.data() + m_fill->chunks * m_stride;
      const std::size_t n = std::min<std::size_t>(len, m_chunk - m_fill_pos);
      std::memcpy(slot + m_fill_pos, data, n);
      m_fill_pos += n;
      data += n;
      len -= n;
      m_accepted += n;
      if (m_fill_pos == m_chunk) {
        ++m_fill->chunks;
        m_fill_pos = 0;
        if (m_fill->chunks == k_batch_chunks) {
          m_fill->last_size = m_chunk;
          submit(std::exchange(m_fill, nullptr));
        }
      }
    }
    if (!write_ready(false)) return *m_error;
    return ok_status();
  }

  void note_bad_range(const BadRange& r) override {
    if (m_closed || !m_handle || r.length == 0) return;
    const std::uint64_t first = r.offset / m_bps;
    const std::uint64_t last = (r.offset + r.length + m_bps - 1) / m_bps;  // exclusive
    EwfErr e;
    if (libewf_handle_append_acquiry_error(m_handle, first, last - first, e.out()) != 1 && !m_error)
      m_error = libewf_failure("ewf.op.error_section", e, errno, m_dest);
    ++m_bad_ranges;
  }

  Status sync() override {
    if (m_closed) return ewf_error(ErrorCode::io_error, "ewf.error.closed");
    if (m_error) return *m_error;
    // Whole chunks only: a chunk shorter than the chunk size may only end the image.
    if (m_fill && m_fill->chunks > 0) {
      Batch* tail = m_fill;
      const std::size_t partial = m_fill_pos;
      m_fill = nullptr;
      if (partial > 0) {
        Batch* next = take_free_batch();
        if (!next) return *m_error;
        std::memcpy(next->raw.data(), tail->raw.data() + tail->chunks * m_stride, partial);
        next->chunks = 0;
        m_fill = next;
        m_fill_pos = partial;
      }
      tail->last_size = m_chunk;
      submit(tail);
    }
    if (!write_ready(true)) return *m_error;
    for (const auto& p : existing_segments_in_order(m_stem)) {
      Status s = fsync_path(p, false);
      if (!s) return s;
    }
    return ok_status();
  }

  std::vector<HashAlgo> stored_hashes() const override { return {HashAlgo::md5, HashAlgo::sha1}; }

  Status finish(const std::vector<HashValue>& source_hashes) override {
    if (m_closed) return ewf_error(ErrorCode::io_error, "ewf.error.closed");
    if (m_error) return *m_error;
    // Checked before anything is flushed: a short stream must not hand libewf a short (part-sector)
    // last chunk, so that close_partial() can still cut the image to whole sectors.
    if (m_accepted != m_media_size)
      return ewf_error(ErrorCode::io_error, "ewf.error.short_stream",
                       {{"written", std::to_string(m_accepted)}, {"size", std::to_string(m_media_size)}});
    if (!flush_all()) return *m_error;
    for (const auto& h : source_hashes) {
      if (h.algo != HashAlgo::md5 && h.algo != HashAlgo::sha1) continue;
      Status s = store_hash(h);
      if (!s) {
        m_error = s.error();
        return s;
      }
    }
    return finalize_and_close();
  }

  Status close_partial() override {
    if (m_closed) return ok_status();
    // Whatever reached the sink goes into the image, cut to whole sectors (E01 stores no part
    // sector). After a write error the bytes still queued are dropped; libewf keeps what it wrote.
    if (!m_error) {
      if (m_fill) {
        const std::size_t keep = m_fill_pos - m_fill_pos % m_bps;
        m_accepted -= m_fill_pos - keep;
        m_fill_pos = keep;
      }
      (void)flush_all();
    } else {
      drain_without_writing();
    }
    if (m_chunks_written == 0) {
      // Nothing reached the image. libewf_handle_close() still writes a segment with the case
      // headers and a media size of 0 bytes; an examiner would take such a file for an (empty)
      // image of the source, so it is removed with the name reserved for it. Only files this sink
      // created are removed: create_e01_sink() refused to start when any segment of the stem existed.
      EwfErr e;
      libewf_handle_close(m_handle, e.out());
      libewf_handle_free(&m_handle, nullptr);
      m_handle = nullptr;
      m_closed = true;
      stop_workers();
      m_files.clear();
      for (const auto& p : existing_segments_in_order(m_stem)) {
        std::error_code ec;
        if (!fs::remove(p, ec) && ec)
          return make_errno_error(ErrorCode::io_error, ec.value(),
                                  fill(i18n::tr("ewf.error.remove_empty", Lang::ja), {{"path", p.string()}}),
                                  fill(i18n::tr("ewf.error.remove_empty", Lang::en), {{"path", p.string()}}));
      }
      return fsync_path(m_dest, true);
    }
    return finalize_and_close();
  }

  std::vector<fs::path> files() const override {
    if (m_closed) return m_files;
    return existing_segments_in_order(m_stem);
  }

  std::uint64_t bytes_written() const override { return m_committed; }

 private:
  // Waits for a batch to fill: a free one, or the oldest in flight once it is written.
  Batch* take_free_batch() {
    for (;;) {
      if (!m_free.empty()) {
        Batch* b = m_free.front();
        m_free.pop_front();
        return b;
      }
      if (m_inflight.empty() || !write_front(true)) {
        if (!m_error) m_error = ewf_error(ErrorCode::io_error, "ewf.error.closed");
        return nullptr;
      }
    }
  }

  void submit(Batch* b) {
    {
      std::lock_guard<std::mutex> lock(m_mu);
      b->done = false;
      b->zlib_error.reset();
      m_work.push_back(b);
    }
    m_inflight.push_back(b);
    m_work_cv.notify_one();
  }

  // Writes the oldest batch in flight if it is packed (or, with wait, once it is).
  // Returns false after an error (m_error set).
  bool write_front(bool wait) {
    Batch* b = m_inflight.front();
    {
      std::unique_lock<std::mutex> lock(m_mu);
      if (!b->done) {
        if (!wait) return true;
        m_done_cv.wait(lock, [b] { return b->done; });
      }
    }
    m_inflight.pop_front();
    if (b->zlib_error) {
      m_error = ewf_error(ErrorCode::io_error, "ewf.error.compress", {{"code", std::to_string(*b->zlib_error)}});
      m_free.push_back(b);
      return false;
    }
    const std::size_t fit = chunks_with_room(*b);
    for (std::size_t i = 0; i < fit; ++i) {
      PackedChunk& c = b->out[i];
      EwfErr e;
      errno = 0;
      // Raw chunks: the checksum goes into the 4 bytes after the data, so libewf writes both at once.
      std::uint8_t* checksum_buf = c.compressed ? m_dummy_checksum : const_cast<std::uint8_t*>(c.data) + c.size;
      const ssize_t w = libewf_handle_write_chunk(m_handle, c.data, c.size, c.data_size, c.compressed ? 1 : 0,
                                                  checksum_buf, c.checksum, c.compressed ? 0 : 1, e.out());
      const int saved = errno;
      if (w <= 0) {
        m_error = libewf_failure("ewf.op.write", e, saved, m_dest);
        m_free.push_back(b);
        return false;
      }
      m_committed += c.data_size;
      ++m_chunks_written;
    }
    m_free.push_back(b);
    if (fit < b->chunks) {
      set_out_of_room();
      return false;
    }
    return true;
  }

  // Stops before libewf would run the destination full: a chunk is handed to libewf only while
  // its bytes plus what closing the image needs (k_finalize_reserve and the error2 entries) fit in
  // the free space, so a destination that fills keeps a consistent partial image (close_partial
  // finalises it in the reserve). One that fills behind our back (another writer) is still caught
  // by libewf_failure. Returns how many of the batch's chunks fit (all of them when the file
  // system does not report its free space).
  std::size_t chunks_with_room(const Batch& b) {
    const auto left = free_bytes(m_dest);
    if (!left) return b.chunks;
    m_free_seen = *left;
    const std::uint64_t reserve = k_finalize_reserve + k_reserve_per_bad_range * m_bad_ranges;
    std::uint64_t need = reserve;
    for (std::size_t i = 0; i < b.chunks; ++i) {
      need += b.out[i].size + (b.out[i].compressed ? 0u : 4u);
      if (need > *left) return i;
    }
    return b.chunks;
  }

  void set_out_of_room() {
    m_free_seen = free_bytes(m_dest).value_or(m_free_seen);  // after the chunks that did fit
    const std::uint64_t reserve = k_finalize_reserve + k_reserve_per_bad_range * m_bad_ranges;
    const Subs subs = {{"dest", m_dest},
                       {"free", std::to_string(m_free_seen)},
                       {"reserve", std::to_string(reserve)},
                       {"written", std::to_string(m_committed)}};
    m_error = make_error(ErrorCode::no_space, fill(i18n::tr("ewf.error.no_space_reserve", Lang::ja), subs),
                         fill(i18n::tr("ewf.error.no_space_reserve", Lang::en), subs));
  }

  bool write_ready(bool wait) {
    while (!m_inflight.empty()) {
      Batch* b = m_inflight.front();
      if (!wait) {
        std::lock_guard<std::mutex> lock(m_mu);
        if (!b->done) return true;
      }
      if (!write_front(true)) return false;
    }
    return true;
  }

  // Submits the last (possibly short) chunk and writes everything in flight.
  bool flush_all() {
    if (m_fill) {
      Batch* b = std::exchange(m_fill, nullptr);
      if (m_fill_pos > 0) {
        b->last_size = m_fill_pos;
        ++b->chunks;
      } else {
        b->last_size = m_chunk;
      }
      m_fill_pos = 0;
      if (b->chunks > 0)
        submit(b);
      else
        m_free.push_back(b);
    }
    return write_ready(true);
  }

  // After an error: let the workers finish what they hold, write nothing more.
  void drain_without_writing() {
    if (m_fill) m_free.push_back(std::exchange(m_fill, nullptr));
    while (!m_inflight.empty()) {
      Batch* b = m_inflight.front();
      std::unique_lock<std::mutex> lock(m_mu);
      m_done_cv.wait(lock, [b] { return b->done; });
      lock.unlock();
      m_inflight.pop_front();
      m_free.push_back(b);
    }
  }

  Status store_hash(const HashValue& h) {
    const std::size_t bytes = h.algo == HashAlgo::md5 ? 16 : 20;
    const char* name = h.algo == HashAlgo::md5 ? "MD5" : "SHA1";
    std::string hex = h.hex;
    std::transform(hex.begin(), hex.end(), hex.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    std::vector<std::uint8_t> bin;
    if (!hex_to_bytes(hex, bin) || bin.size() != bytes)
      return ewf_error(ErrorCode::invalid_input, "ewf.error.bad_hash", {{"algo", name}, {"value", h.hex}});
    EwfErr e;
    // Binary form: the "hash" (MD5) and "digest" (MD5 + SHA-1) sections; text form: xhash.
    const int rc = h.algo == HashAlgo::md5 ? libewf_handle_set_md5_hash(m_handle, bin.data(), bin.size(), e.out())
                                           : libewf_handle_set_sha1_hash(m_handle, bin.data(), bin.size(), e.out());
    if (rc != 1) return libewf_failure("ewf.op.hash", e, errno, m_dest);
    if (libewf_handle_set_utf8_hash_value(m_handle, u8(name), std::strlen(name), u8(hex), hex.size(), e.out()) != 1)
      return libewf_failure("ewf.op.hash", e, errno, m_dest);
    return ok_status();
  }

  Status finalize_and_close() {
    std::optional<Error> failure;
    EwfErr e;
    errno = 0;
    if (libewf_handle_write_finalize(m_handle, e.out()) < 0) failure = libewf_failure("ewf.op.finalize", e, errno, m_dest);
    errno = 0;
    if (libewf_handle_close(m_handle, e.out()) != 0 && !failure) failure = libewf_failure("ewf.op.close", e, errno, m_dest);
    libewf_handle_free(&m_handle, nullptr);
    m_handle = nullptr;
    m_closed = true;
    stop_workers();
    m_files = existing_segments_in_order(m_stem);
    if (failure) {
      if (!m_error) m_error = *failure;
      return *failure;
    }
    for (const auto& p : m_files) {
      Status s = fsync_path(p, false);
      if (!s) return s;
    }
    return fsync_path(m_dest, true);
  }

  void worker() {
    Deflater deflater(zlib_level(m_compression));
    for (;;) {
      Batch* b = nullptr;
      {
        std::unique_lock<std::mutex> lock(m_mu);
        m_work_cv.wait(lock, [this] { return m_stop || !m_work.empty(); });
        if (m_work.empty()) return;
        b = m_work.front();
        m_work.pop_front();
      }
      pack_batch(*b, deflater);
      {
        std::lock_guard<std::mutex> lock(m_mu);
        b->done = true;
      }
      m_done_cv.notify_all();
    }
  }

  void pack_batch(Batch& b, Deflater& deflater) {
    if (m_compression != EwfCompression::none && !deflater.ok()) {
      b.zlib_error = Z_MEM_ERROR;
      return;
    }
    for (std::size_t i = 0; i < b.chunks; ++i) {
      std::uint8_t* data = b.raw.data() + i * m_stride;
      const std::size_t n = i + 1 == b.chunks ? b.last_size : m_chunk;
      PackedChunk& c = b.out[i];
      c.data_size = n;
      if (m_compression != EwfCompression::none) {
        if (n == m_chunk && !m_zero_block.empty() && all_zero(data, n)) {
          c = PackedChunk{m_zero_block.data(), m_zero_block.size(), n, true, 0};
          continue;
        }
        std::uint8_t* out = b.packed.data() + i * m_chunk;
        const std::size_t packed = deflater.pack(data, n, out);
        if (packed > 0) {
          c = PackedChunk{out, packed, n, true, 0};
          continue;
        }
      }
      c = PackedChunk{data, n, n, false, static_cast<std::uint32_t>(adler32(1L, data, static_cast<uInt>(n)))};
    }
  }

  void stop_workers() {
    {
      std::lock_guard<std::mutex> lock(m_mu);
      m_stop = true;
    }
    m_work_cv.notify_all();
    for (auto& t : m_workers)
      if (t.joinable()) t.join();
    m_workers.clear();
  }

  const fs::path m_stem;
  const std::string m_dest;  // the destination folder, named in messages and checked for space
  const std::uint64_t m_media_size;
  const std::uint32_t m_bps;
  const std::uint32_t m_chunk;
  const std::size_t m_stride;
  const EwfCompression m_compression;
  libewf_handle_t* m_handle = nullptr;

  // Writer-thread state.
  std::vector<std::unique_ptr<Batch>> m_batches;
  std::deque<Batch*> m_free;
  std::deque<Batch*> m_inflight;  // submitted, in stream order
  Batch* m_fill = nullptr;        // being filled by write()
  std::size_t m_fill_pos = 0;     // bytes in the chunk being filled
  std::uint64_t m_accepted = 0;   // stream bytes received
  std::uint64_t m_committed = 0;  // stream bytes handed to libewf
  std::uint64_t m_chunks_written = 0;
  std::uint64_t m_bad_ranges = 0;  // acquiry-error entries noted (each needs room in error2)
  std::uint64_t m_free_seen = 0;   // free bytes at the destination when last looked at
  std::optional<Error> m_error;
  bool m_closed = false;
  std::vector<fs::path> m_files;
  std::vector<std::uint8_t> m_zero_block;
  std::uint8_t m_dummy_checksum[4] = {0, 0, 0, 0};

  // Shared with the workers (under m_mu).
  std::mutex m_mu;
  std::condition_variable m_work_cv, m_done_cv;
  std::deque<Batch*> m_work;
  bool m_stop = false;
  std::vector<std::thread> m_workers;
};

// ---- 5. reading ------------------------------------------------------------------------------

struct HandleCloser {
  void operator()(libewf_handle_t* h) const {
    libewf_handle_close(h, nullptr);
    libewf_handle_free(&h, nullptr);
  }
};
using HandlePtr = std::unique_ptr<libewf_handle_t, HandleCloser>;

Result<HandlePtr> open_for_read(const fs::path& first_segment) {
  std::error_code ec;
  if (!fs::exists(first_segment, ec))
    return ewf_error(ErrorCode::not_found, "ewf.error.not_found", {{"path", first_segment.string()}});
  EwfErr e;
  char** names = nullptr;
  int count = 0;
  const std::string p = first_segment.string();
  if (libewf_glob(p.c_str(), p.size(), LIBEWF_FORMAT_UNKNOWN, &names, &count, e.out()) != 1)
    return std::move(Result<HandlePtr>(libewf_failure("ewf.op.read", e, errno))).with_context(p);
  libewf_handle_t* raw = nullptr;
  if (libewf_handle_initialize(&raw, e.out()) != 1) {
    libewf_glob_free(names, count, nullptr);
    return std::move(Result<HandlePtr>(libewf_failure("ewf.op.read", e, errno))).with_context(p);
  }
  const int rc = libewf_handle_open(raw, names, count, LIBEWF_OPEN_READ, e.out());
  libewf_glob_free(names, count, nullptr);
  if (rc != 1) {
    libewf_handle_free(&raw, nullptr);
    return std::move(Result<HandlePtr>(libewf_failure("ewf.op.read", e, errno))).with_context(p);
  }
  return HandlePtr(raw);
}

class EwfImageSource final : public Source {
 public:
  EwfImageSource(HandlePtr h, std::uint64_t size, std::uint32_t bps, std::string path)
      : m_h(std::move(h)), m_size(size), m_bps(bps), m_path(std::move(path)) {}
  std::uint64_t size() const override { return m_size; }
  std::uint32_t sector_size() const override { return m_bps; }
  ReadOutcome read_at(std::uint64_t offset, void* buf, std::size_t len) override {
    std::lock_guard<std::mutex> lock(m_mu);
    if (offset >= m_size) return {};
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(len, m_size - offset));
    EwfErr e;
    std::uint32_t before = 0, after = 0;
    libewf_handle_get_number_of_checksum_errors(m_h.get(), &before, nullptr);
    const ssize_t r = libewf_handle_read_random(m_h.get(), buf, n, static_cast<off64_t>(offset), e.out());
    if (r < 0) return {0, EIO};
    libewf_handle_get_number_of_checksum_errors(m_h.get(), &after, nullptr);
    if (after != before) return {0, EIO};  // a damaged chunk: never hand out its bytes as data
    return {static_cast<std::size_t>(r), 0};
  }
  Result<std::uint64_t> probe_size() override { return m_size; }
  std::string path() const override { return m_path; }

 private:
  std::mutex m_mu;
  HandlePtr m_h;
  std::uint64_t m_size;
  std::uint32_t m_bps;
  std::string m_path;
};

std::string header_value(libewf_handle_t* h, const char* id) {
  std::size_t size = 0;
  if (libewf_handle_get_utf8_header_value_size(h, u8(id), std::strlen(id), &size, nullptr) != 1 || size == 0) return {};
  std::string v(size, '\0');
  if (libewf_handle_get_utf8_header_value(h, u8(id), std::strlen(id), reinterpret_cast<std::uint8_t*>(v.data()), v.size(),
                                          nullptr) != 1)
    return {};
  v.erase(std::find(v.begin(), v.end(), '\0'), v.end());
  return v;
}

std::string hash_value(libewf_handle_t* h, const char* id) {
  std::string v(128, '\0');
  if (libewf_handle_get_utf8_hash_value(h, u8(id), std::strlen(id), reinterpret_cast<std::uint8_t*>(v.data()), v.size(),
                                        nullptr) != 1)
    return {};
  v.erase(std::find(v.begin(), v.end(), '\0'), v.end());
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return v;
}

}  // namespace

// ---- public functions ----------------------------------------------------------------------

const char* to_string(EwfCompression c) {
  switch (c) {
    case EwfCompression::none: return "none";
    case EwfCompression::fast: return "fast";
    case EwfCompression::best: return "best";
  }
  return "fast";
}

Result<EwfCompression> parse_ewf_compression(std::string_view text) {
  std::string t(text);
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  if (t == "none") return EwfCompression::none;
  if (t == "fast") return EwfCompression::fast;
  if (t == "best") return EwfCompression::best;
  return ewf_error(ErrorCode::invalid_input, "ewf.error.bad_compression", {{"value", std::string(text)}});
}

fs::path e01_segment_path(const fs::path& stem, std::size_t index) {
  std::string ext;
  if (index >= 1 && index <= 99) {
    ext = std::string("E") + static_cast<char>('0' + index / 10) + static_cast<char>('0' + index % 10);
  } else {
    const std::size_t i = index - 100;  // EAA = 100
    ext = std::string(1, static_cast<char>('E' + i / (26 * 26))) + static_cast<char>('A' + (i / 26) % 26) +
          static_cast<char>('A' + i % 26);
  }
  fs::path p = stem;
  p += "." + ext;
  return p;
}

Result<std::unique_ptr<Sink>> create_e01_sink(const fs::path& stem, std::uint64_t media_size,
                                              std::uint32_t bytes_per_sector, const EwfOptions& options) {
  const fs::path dir = stem.has_parent_path() ? stem.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return ewf_error(ErrorCode::not_found, "ewf.error.no_dir", {{"path", dir.string()}});
  if (media_size == 0) return ewf_error(ErrorCode::invalid_input, "ewf.error.empty_media");
  if (bytes_per_sector < 512 || bytes_per_sector > 32768 || (bytes_per_sector & (bytes_per_sector - 1)) != 0)
    return ewf_error(ErrorCode::invalid_input, "ewf.error.sector_size", {{"sector", std::to_string(bytes_per_sector)}});
  if (media_size % bytes_per_sector != 0)
    return ewf_error(ErrorCode::invalid_input, "ewf.error.not_sector_multiple",
                     {{"size", std::to_string(media_size)}, {"sector", std::to_string(bytes_per_sector)}});
  if (options.segment_bytes < k_min_ewf_segment_bytes)
    return ewf_error(ErrorCode::invalid_input, "ewf.error.segment_small", {{"size", std::to_string(options.segment_bytes)}});
  struct statfs sfs {};
  constexpr long k_msdos_magic = 0x4d44;
  if (::statfs(dir.c_str(), &sfs) == 0 && static_cast<long>(sfs.f_type) == k_msdos_magic &&
      options.segment_bytes > 0xFFFFFFFFull)
    return ewf_error(ErrorCode::invalid_input, "ewf.error.segment_fat", {{"size", std::to_string(options.segment_bytes)}});

  if (auto existing = existing_segment(stem))
    return ewf_error(ErrorCode::already_exists, "ewf.error.exists", {{"path", existing->string()}});
  // Reserve the first segment name (O_EXCL: no race with another writer); libewf reopens it.
  const fs::path first = e01_segment_path(stem, 1);
  const int fd = ::open(first.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    const int err = errno;
    if (err == EEXIST) return ewf_error(ErrorCode::already_exists, "ewf.error.exists", {{"path", first.string()}});
    return make_errno_error(ErrorCode::io_error, err, fill(i18n::tr("ewf.error.create", Lang::ja), {{"path", first.string()}}),
                            fill(i18n::tr("ewf.error.create", Lang::en), {{"path", first.string()}}));
  }
  ::close(fd);
  auto unreserve = [&first] {
    std::error_code rm_ec;
    fs::remove(first, rm_ec);
  };

  // 32 KiB chunks (64 × 512, as ewfacquire and Guymager write them).
  const std::uint32_t sectors_per_chunk = std::max<std::uint32_t>(1, 32768 / bytes_per_sector);
  const std::uint32_t chunk_size = sectors_per_chunk * bytes_per_sector;

  libewf_handle_t* h = nullptr;
  EwfErr e;
  auto fail = [&](const char* op) -> Result<std::unique_ptr<Sink>> {
    Error err = libewf_failure(op, e, errno, dir.string());
    if (h) {
      libewf_handle_close(h, nullptr);
      libewf_handle_free(&h, nullptr);
    }
    unreserve();
    err.context.push_back(first.string());
    return err;
  };
  if (libewf_handle_initialize(&h, e.out()) != 1) return fail("ewf.op.open");
  std::string stem_str = stem.string();
  char* names[1] = {stem_str.data()};
  if (libewf_handle_open(h, names, 1, LIBEWF_OPEN_WRITE, e.out()) != 1) return fail("ewf.op.open");
  if (libewf_handle_set_format(h, LIBEWF_FORMAT_ENCASE6, e.out()) != 1) return fail("ewf.op.settings");
  // header2 is UTF-16 either way; the old "header" section gets CP932 instead of '?' for Japanese.
  if (libewf_handle_set_header_codepage(h, LIBEWF_CODEPAGE_WINDOWS_932, e.out()) != 1) return fail("ewf.op.settings");
  if (libewf_handle_set_bytes_per_sector(h, bytes_per_sector, e.out()) != 1) return fail("ewf.op.settings");
  if (libewf_handle_set_sectors_per_chunk(h, sectors_per_chunk, e.out()) != 1) return fail("ewf.op.settings");
  if (libewf_handle_set_compression_values(h, libewf_level(options.compression), 0, e.out()) != 1)
    return fail("ewf.op.settings");
  if (libewf_handle_set_maximum_segment_size(h, options.segment_bytes, e.out()) != 1) return fail("ewf.op.settings");
  if (libewf_handle_set_media_type(h, LIBEWF_MEDIA_TYPE_FIXED, e.out()) != 1) return fail("ewf.op.settings");
  const std::uint8_t media_flags = options.physical ? LIBEWF_MEDIA_FLAG_PHYSICAL : 0;
  if (libewf_handle_set_media_flags(h, media_flags, e.out()) != 1) return fail("ewf.op.settings");
  const std::pair<const char*, std::string> headers[] = {
      {"case_number", options.data.case_number},
      {"evidence_number", options.data.evidence_number},
      {"examiner_name", options.data.examiner},
      {"description", options.data.description},
      {"notes", options.data.notes},
      {"acquiry_software_version", options.acquiry_software},
      {"acquiry_operating_system", operating_system()},
  };
  for (const auto& [id, value] : headers) {
    if (value.empty()) continue;
    if (libewf_handle_set_utf8_header_value(h, u8(id), std::strlen(id), u8(value), value.size(), e.out()) != 1)
      return fail("ewf.op.settings");
  }
  return std::unique_ptr<Sink>(new E01Sink(stem, media_size, bytes_per_sector, chunk_size, options, h));
}

Result<std::unique_ptr<Source>> open_e01_image(const fs::path& first_segment) {
  auto h = open_for_read(first_segment);
  if (!h) return h.error();
  EwfErr e;
  size64_t media = 0;
  std::uint32_t bps = 0;
  if (libewf_handle_get_media_size(h->get(), &media, e.out()) != 1 ||
      libewf_handle_get_bytes_per_sector(h->get(), &bps, e.out()) != 1)
    return std::move(Result<std::unique_ptr<Source>>(libewf_failure("ewf.op.read", e, errno)))
        .with_context(first_segment.string());
  return std::unique_ptr<Source>(new EwfImageSource(std::move(h.value()), media, bps == 0 ? 512 : bps, first_segment.string()));
}

Result<EwfStoredInfo> read_e01_info(const fs::path& first_segment) {
  auto h = open_for_read(first_segment);
  if (!h) return h.error();
  libewf_handle_t* hp = h->get();
  EwfErr e;
  EwfStoredInfo info;
  size64_t media = 0;
  if (libewf_handle_get_media_size(hp, &media, e.out()) != 1 ||
      libewf_handle_get_bytes_per_sector(hp, &info.bytes_per_sector, e.out()) != 1)
    return std::move(Result<EwfStoredInfo>(libewf_failure("ewf.op.read", e, errno))).with_context(first_segment.string());
  info.media_size = media;
  info.md5 = hash_value(hp, "MD5");
  info.sha1 = hash_value(hp, "SHA1");
  info.data.case_number = header_value(hp, "case_number");
  info.data.evidence_number = header_value(hp, "evidence_number");
  info.data.examiner = header_value(hp, "examiner_name");
  info.data.description = header_value(hp, "description");
  info.data.notes = header_value(hp, "notes");
  std::uint32_t n = 0;
  if (libewf_handle_get_number_of_acquiry_errors(hp, &n, e.out()) != 1)
    return std::move(Result<EwfStoredInfo>(libewf_failure("ewf.op.read", e, errno))).with_context(first_segment.string());
  for (std::uint32_t i = 0; i < n; ++i) {
    std::uint64_t start = 0, count = 0;
    if (libewf_handle_get_acquiry_error(hp, i, &start, &count, e.out()) != 1)
      return std::move(Result<EwfStoredInfo>(libewf_failure("ewf.op.read", e, errno))).with_context(first_segment.string());
    info.acquiry_errors.push_back(BadRange{start * info.bytes_per_sector, count * info.bytes_per_sector});
  }
  return info;
}

}  // namespace shodo::acquire
