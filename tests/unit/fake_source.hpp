// A fake evidence source for the acquisition tests (issue 3): bytes in memory, sectors that
// fail for good or a chosen number of times, a source that shrinks or vanishes at a chosen
// point, and one that dies there: still present with its size, but every read fails with EIO
// from then on (a USB bridge that lost its disk; issue 10 §5).
#pragma once
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "forensics/acquire/source.hpp"

namespace shodo::unit {

class FakeSource final : public acquire::Source {
 public:
  explicit FakeSource(std::vector<unsigned char> bytes, std::uint32_t sector = 512)
      : m_bytes(std::move(bytes)), m_sector(sector), m_size(m_bytes.size()), m_current(m_bytes.size()) {}

  std::set<std::uint64_t> bad_sectors;                 // LBAs that never read
  std::map<std::uint64_t, int> transient;              // LBA → failures before it reads
  std::uint64_t vanish_at = UINT64_MAX;                // reading this offset or later: ENODEV
  std::uint64_t shrink_at = UINT64_MAX;                // reading this offset or later shrinks ...
  std::uint64_t shrink_to = 0;                         // ... the source to this many bytes
  std::uint64_t dead_from = UINT64_MAX;                // a read reaching this offset kills it: EIO everywhere after
  int reads = 0, sector_reads = 0;

  std::uint64_t size() const override { return m_size; }
  std::uint32_t sector_size() const override { return m_sector; }
  std::string path() const override { return "fake"; }

  acquire::ReadOutcome read_at(std::uint64_t offset, void* buf, std::size_t len) override {
    std::lock_guard lk(m_mu);
    ++reads;
    return read_locked(offset, buf, len);
  }
  acquire::ReadOutcome read_sector(std::uint64_t offset, void* buf) override {
    std::lock_guard lk(m_mu);
    ++sector_reads;
    return read_locked(offset, buf, m_sector);
  }
  Result<std::uint64_t> probe_size() override {
    std::lock_guard lk(m_mu);
    if (m_gone) return make_error(ErrorCode::io_error, "消えました", "gone");
    return m_current;
  }

 private:
  acquire::ReadOutcome read_locked(std::uint64_t offset, void* buf, std::size_t len) {
    acquire::ReadOutcome out;
    if (m_gone || offset + len > vanish_at) {
      if (offset + len > vanish_at) m_gone = true;
      out.err = ENODEV;
      return out;
    }
    if (offset + len > dead_from) m_dead = true;
    if (m_dead) {
      out.err = EIO;
      return out;
    }
    if (offset + len > shrink_at) m_current = shrink_to;
    if (offset >= m_current) return out;
    len = static_cast<std::size_t>(std::min<std::uint64_t>(len, m_current - offset));
    for (std::uint64_t lba = offset / m_sector; lba * m_sector < offset + len; ++lba) {
      if (bad_sectors.count(lba)) {
        out.err = EIO;
        return out;
      }
      auto it = transient.find(lba);
      if (it != transient.end() && it->second > 0) {
        --it->second;
        out.err = EIO;
        return out;
      }
    }
    std::memcpy(buf, m_bytes.data() + offset, len);
    out.bytes = len;
    return out;
  }

  std::mutex m_mu;
  std::vector<unsigned char> m_bytes;
  std::uint32_t m_sector;
  std::uint64_t m_size;
  std::uint64_t m_current;
  bool m_gone = false;
  bool m_dead = false;
};

// Random bytes (fixed seed) followed by zeros: like a half-used disk.
inline std::vector<unsigned char> disk_pattern(std::size_t bytes, unsigned seed = 7) {
  std::vector<unsigned char> v(bytes, 0);
  std::mt19937 rng(seed);
  for (std::size_t i = 0; i < bytes / 2; ++i) v[i] = static_cast<unsigned char>(rng());
  return v;
}

}  // namespace shodo::unit
