#include "forensics/acquire/pipeline.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

#include "forensics/i18n/catalogue.hpp"
#include "forensics/i18n/substitute.hpp"

namespace shodo::acquire {

const char* to_string(Outcome o) {
  switch (o) {
    case Outcome::complete: return "complete";
    case Outcome::complete_with_bad_sectors: return "complete_with_bad_sectors";
    case Outcome::aborted_source_gone: return "aborted_source_gone";
    case Outcome::aborted_source_unresponsive: return "aborted_source_unresponsive";
    case Outcome::aborted_destination: return "aborted_destination";
    case Outcome::aborted_bad_limit: return "aborted_bad_limit";
    case Outcome::cancelled: return "cancelled";
  }
  return "cancelled";
}

bool is_complete(Outcome o) { return o == Outcome::complete || o == Outcome::complete_with_bad_sectors; }

namespace {

using i18n::Subs;

using i18n::catalogue_error;

struct Slot {
  unsigned char* data = nullptr;
  std::size_t len = 0;
  std::uint64_t offset = 0;
  bool prefix = false;            // resume: already in the image, hash only
  std::vector<BadRange> bad;      // unreadable ranges inside this slot (zero-filled)
};

void add_range(std::vector<BadRange>& v, const BadRange& r) {
  if (!v.empty() && v.back().offset + v.back().length == r.offset)
    v.back().length += r.length;
  else
    v.push_back(r);
}

// Consumers: writers first (indices [0, writers)), then hashers. A hasher only takes a slot
// once every writer has written it, so partial hashes always describe exactly the bytes
// every image holds.
class Run {
 public:
  Run(Source& src, const std::vector<Sink*>& sinks, const PipelineOptions& opts, Progress& progress,
      const CancelToken& cancel)
      : m_src(src), m_sinks(sinks), m_opts(opts), m_progress(progress), m_cancel(cancel) {}

  PipelineResult go() {
    const std::uint32_t ss = std::max<std::uint32_t>(m_src.sector_size(), 1);
    m_block = std::max<std::size_t>(m_opts.block_size / ss * ss, ss);
    m_nslots = std::max<std::size_t>(m_opts.queue_blocks, 2);
    m_size = m_src.size();
    m_result.source_size = m_size;
    m_result.sector_size = ss;
    m_result.bad = m_opts.prior_bad;
    const bool resumable = m_opts.resume_offset == 0 || (m_opts.prefix && m_opts.resume_offset <= m_src.size());
    if (!resumable) {
      m_result.outcome = Outcome::aborted_destination;
      m_result.error = make_error(ErrorCode::invalid_input, "再開位置が不正です", "invalid resume position");
      return m_result;
    }
    for (const auto& r : m_opts.prior_bad) m_bad_sectors += r.length / ss;
    m_arena = static_cast<unsigned char*>(std::aligned_alloc(4096, m_block * m_nslots));
    m_slots.resize(m_nslots);
    for (std::size_t i = 0; i < m_nslots; ++i) m_slots[i].data = m_arena + i * m_block;

    // Algorithms: the requested ones plus what the sinks must store (E01: MD5, SHA-1).
    std::vector<HashAlgo> algos = m_opts.algos;
    for (const Sink* s : m_sinks)
      for (HashAlgo a : s->stored_hashes())
        if (std::find(algos.begin(), algos.end(), a) == algos.end()) algos.push_back(a);
    m_algos = algos;
    m_nwriters = m_sinks.size();
    const std::size_t npiece = m_opts.piece_size ? m_opts.piece_algos.size() : 0;
    const std::size_t nhashers = algos.size() + npiece;
    m_piece_out.resize(npiece);
    m_consumed.assign(m_nwriters + nhashers, 0);
    m_busy_ns = std::vector<std::atomic<std::uint64_t>>(m_consumed.size() + 1);
    m_committed.assign(m_nwriters, 0);
    m_writer_ended.assign(m_nwriters, 0);
    m_hash_out.resize(algos.size());

    m_progress.total.store(m_size);
    m_progress.done.store(0);
    m_progress.errors.store(m_bad_sectors);
    m_progress.started_ns.store(steady_now_ns());
    m_progress.finished.store(false);
    const std::int64_t t0 = steady_now_ns();

    std::vector<std::thread> threads;
    for (std::size_t w = 0; w < m_nwriters; ++w) threads.emplace_back([this, w] { writer(w); });
    for (std::size_t h = 0; h < algos.size(); ++h) threads.emplace_back([this, h] { hasher(h); });
    for (std::size_t i = 0; i < npiece; ++i)
      threads.emplace_back([this, i] { piece_hasher(m_nwriters + m_algos.size() + i, i); });
    reader();
    for (auto& t : threads) t.join();
    std::free(m_arena);
    for (auto& v : m_piece_out) m_result.pieces.insert(m_result.pieces.end(), v.begin(), v.end());

    // Every consumer saw the same prefix of the stream.
    const std::uint64_t covered = std::min<std::uint64_t>(m_covered_bytes, m_size);
    m_result.bytes_covered = covered;
    m_result.bad_sectors = m_bad_sectors;
    // Bad ranges past what the image holds are not part of it.
    std::vector<BadRange> kept;
    for (const auto& r : m_result.bad) {
      if (r.offset < covered) kept.push_back({r.offset, std::min(r.length, covered - r.offset)});
      if (r.offset + r.length > covered) {
        const std::uint64_t from = std::max(r.offset, covered);
        m_result.bad_beyond.push_back({from, r.offset + r.length - from});
      }
    }
    m_result.bad = kept;
    std::vector<HashValue> hashes;
    for (std::size_t h = 0; h < algos.size(); ++h) hashes.push_back({algos[h], m_hash_out[h]});
    // Not one sector of the source could be read: that is a source that does not answer, never
    // a complete image of zeros (issue 10 §5).
    if (!m_error && !m_cancel.cancelled() && covered == m_size && m_size > 0 && m_bad_sectors * m_result.sector_size >= m_size)
      fail(Outcome::aborted_source_unresponsive,
           catalogue_error(ErrorCode::io_error, "acquire.error.source_never_answered",
                           {{"sectors", std::to_string(m_bad_sectors)}}));
    if (!m_error && !m_cancel.cancelled() && covered == m_size) {
      m_result.outcome = m_bad_sectors ? Outcome::complete_with_bad_sectors : Outcome::complete;
      m_result.hashes = hashes;
    } else {
      if (!m_error && m_cancel.cancelled()) m_outcome = Outcome::cancelled;
      m_result.outcome = m_outcome;
      m_result.partial_hashes = hashes;
      m_result.error = m_error;
    }
    m_result.seconds = static_cast<double>(steady_now_ns() - t0) / 1e9;
    m_result.bottleneck = static_cast<Stage>(m_progress.bottleneck.load());
    m_progress.finished.store(true);
    return m_result;
  }

 private:
  // ---- reader ----------------------------------------------------------------
  void reader() {
    std::uint64_t offset = 0;
    std::size_t k = 0;
    std::int64_t last_sample = steady_now_ns();
    std::vector<std::uint64_t> last_busy(m_busy_ns.size(), 0);
    while (offset < m_size) {
      if (!m_cancel.wait_while_paused()) break;
      {
        std::unique_lock lk(m_mu);
        m_cv_space.wait(lk, [&] { return m_reader_stop || min_consumed() + m_nslots > k; });
        if (m_reader_stop) break;
      }
      const std::int64_t t = steady_now_ns();
      Slot& slot = m_slots[k % m_nslots];
      slot.offset = offset;
      slot.bad.clear();
      slot.prefix = offset < m_opts.resume_offset;
      std::uint64_t end = std::min<std::uint64_t>(offset + m_block, m_size);
      if (offset < m_opts.resume_offset) end = std::min(end, m_opts.resume_offset);
      slot.len = static_cast<std::size_t>(end - offset);
      if (!fill(slot)) break;
      m_busy_ns.back().fetch_add(static_cast<std::uint64_t>(steady_now_ns() - t));
      offset = end;
      {
        std::lock_guard lk(m_mu);
        ++m_produced;
      }
      m_cv_data.notify_all();
      ++k;
      if (steady_now_ns() - last_sample > 500'000'000) {
        sample_bottleneck(last_busy);
        last_sample = steady_now_ns();
      }
    }
    {
      std::lock_guard lk(m_mu);
      m_eof = true;
    }
    m_cv_data.notify_all();
  }

  // Reads one slot; false ends the job (m_error/m_outcome set).
  bool fill(Slot& slot) {
    Source& src = slot.prefix ? *m_opts.prefix : m_src;
    ReadOutcome r = src.read_at(slot.offset, slot.data, slot.len);
    for (int attempt = 0; r.err && !is_vanished_errno(r.err) && attempt < m_opts.retries; ++attempt)
      r = src.read_at(slot.offset, slot.data, slot.len);
    if (!r.err && r.bytes == slot.len) {
      if (!slot.prefix) {
        m_fail_run = 0;
        m_last_good = slot.offset;
      }
      return true;
    }
    if (slot.prefix) {
      fail(Outcome::aborted_destination,
           make_error(ErrorCode::io_error, "再開できません: 書き込み済みのイメージを読めません",
                      "cannot resume: the image written so far cannot be read"));
      return false;
    }
    if (r.err && is_vanished_errno(r.err)) return source_gone(slot.offset + r.bytes, r.err);
    if (!r.err) {  // short read: the source ended early
      if (!check_size(slot.offset + r.bytes)) return false;
    }
    // Sector by sector over the block: exactly the unreadable sectors become zeros.
    const std::uint32_t ss = m_result.sector_size;
    std::size_t bad_here = 0;
    for (std::size_t pos = 0; pos < slot.len; pos += ss) {
      const std::size_t n = std::min<std::size_t>(ss, slot.len - pos);
      ReadOutcome s = m_src.read_sector(slot.offset + pos, slot.data + pos);
      for (int attempt = 0; (s.err || s.bytes < n) && !is_vanished_errno(s.err) && attempt < m_opts.retries; ++attempt)
        s = m_src.read_sector(slot.offset + pos, slot.data + pos);
      if (s.err && is_vanished_errno(s.err)) return source_gone(slot.offset + pos, s.err);
      if (!s.err && s.bytes >= n) {
        m_fail_run = 0;
        m_last_good = slot.offset + pos;
        continue;
      }
      if (!s.err && s.bytes < n && !check_size(slot.offset + pos + s.bytes)) return false;
      // A long run of failures: is this a bad area, or a source that no longer answers?
      if (m_opts.unanswered_run_sectors && ++m_fail_run >= m_opts.unanswered_run_sectors) {
        if (!still_answers(slot.offset + pos)) return false;
        m_fail_run = 0;
      }
      std::memset(slot.data + pos, 0, n);
      const BadRange br{slot.offset + pos, ss};
      add_range(slot.bad, br);
      ++bad_here;
      if (m_opts.on_bad_range) m_opts.on_bad_range(br);
    }
    // A device that fails everything may simply have gone (USB pulled shows EIO first).
    if (bad_here && !check_size(slot.offset + slot.len)) return false;
    {
      std::lock_guard lk(m_mu);
      for (const auto& b : slot.bad) add_range(m_result.bad, b);
    }
    m_bad_sectors += bad_here;
    m_progress.errors.store(m_bad_sectors);
    if (m_opts.max_bad_sectors && m_bad_sectors > m_opts.max_bad_sectors) {
      // The slot is not handed on: the image ends before it.
      fail(Outcome::aborted_bad_limit,
           make_error(ErrorCode::io_error,
                      "読めないセクタが上限（" + std::to_string(m_opts.max_bad_sectors) + "）を超えたため中止しました",
                      "stopped: more unreadable sectors than the limit (" + std::to_string(m_opts.max_bad_sectors) + ")"));
      return false;
    }
    return true;
  }

  // The source must still have at least `needed` bytes and its original size.
  bool check_size(std::uint64_t needed) {
    auto now = m_src.probe_size();
    if (!now) return source_gone(needed, 0, &now.error());
    if (now.value() < m_size) {
      fail(Outcome::aborted_source_gone,
           make_error(ErrorCode::io_error,
                      "中止: 読み取り元が小さくなりました（" + std::to_string(m_size) + " → " + std::to_string(now.value()) +
                          " バイト）。取り外されたか、装置が異常です。ここまでの部分イメージは残してあります。元全体のハッシュはありません",
                      "aborted: the source shrank (" + std::to_string(m_size) + " → " + std::to_string(now.value()) +
                          " bytes); it was removed or the device failed. The partial image is kept; there is no hash of the whole source"));
      return false;
    }
    (void)needed;
    return true;
  }

  // After a run of unreadable sectors ending at `at`: the device must still be there with its
  // size, and one sector must read again — the last one read before, else sector 0, the middle
  // one or the last one. False (the job ends, m_error set) when none reads.
  bool still_answers(std::uint64_t at) {
    if (!check_size(at)) return false;
    const std::uint32_t ss = m_result.sector_size;
    std::vector<std::uint64_t> candidates;
    if (m_last_good) candidates.push_back(*m_last_good);
    for (std::uint64_t c : {std::uint64_t{0}, m_size / 2 / ss * ss, (m_size - 1) / ss * ss})
      if (std::find(candidates.begin(), candidates.end(), c) == candidates.end()) candidates.push_back(c);
    std::vector<unsigned char> buf(ss);
    int last_err = 0;
    for (std::uint64_t c : candidates) {
      for (int attempt = 0; attempt <= m_opts.retries; ++attempt) {
        const ReadOutcome r = m_src.read_sector(c, buf.data());
        if (r.err && is_vanished_errno(r.err)) return source_gone(at, r.err);
        if (!r.err && r.bytes > 0) return true;
        last_err = r.err;
      }
    }
    Error e = catalogue_error(ErrorCode::io_error, m_last_good ? "acquire.error.source_stopped" : "acquire.error.source_never_answered_at",
                              {{"run", std::to_string(m_fail_run)},
                               {"at", std::to_string(at)},
                               {"lba", std::to_string(candidates.front() / ss)},
                               {"sectors", std::to_string(m_fail_run)}});
    if (last_err) e.context.push_back(std::string("errno ") + std::to_string(last_err) + ": " + std::strerror(last_err));
    fail(Outcome::aborted_source_unresponsive, e);
    return false;
  }

  bool source_gone(std::uint64_t at, int err, const Error* cause = nullptr) {
    Error e = make_error(ErrorCode::io_error,
                         "中止: 読み取り元が見つからなくなりました（" + std::to_string(at) +
                             " バイト目）。取り外された可能性があります。ここまでの部分イメージは残してあります。元全体のハッシュはありません",
                         "aborted: the source disappeared at byte " + std::to_string(at) +
                             " (removed?). The partial image is kept; there is no hash of the whole source");
    if (err) e.context.push_back(std::string("errno ") + std::to_string(err) + ": " + std::strerror(err));
    if (cause) e.context.push_back(cause->en);
    fail(Outcome::aborted_source_gone, e);
    return false;
  }

  void fail(Outcome o, Error e) {
    std::lock_guard lk(m_mu);
    if (!m_error) {
      m_error = std::move(e);
      m_outcome = o;
    }
  }

  // ---- consumers -------------------------------------------------------------
  std::size_t min_consumed() const {
    std::size_t m = SIZE_MAX;
    for (auto c : m_consumed) m = std::min<std::size_t>(m, c);
    return m == SIZE_MAX ? m_produced : m;
  }
  std::size_t writers_done() const {
    std::size_t m = m_produced;
    for (std::size_t w = 0; w < m_nwriters; ++w) m = std::min<std::size_t>(m, m_consumed[w]);
    return m;
  }

  // Waits for slot k to be available to consumer c; false when the stream has ended before it.
  bool wait_slot(std::size_t c, std::size_t k) {
    std::unique_lock lk(m_mu);
    const bool is_writer = c < m_nwriters;
    m_cv_data.wait(lk, [&] {
      const std::size_t avail = is_writer ? m_produced : writers_done();
      if (avail > k) return true;
      // Nothing more will come: the reader finished and (for hashers) all writers finished.
      if (!m_eof) return false;
      if (is_writer) return true;
      for (std::size_t w = 0; w < m_nwriters; ++w)
        if (!m_writer_ended[w]) return false;
      return true;
    });
    const std::size_t avail = is_writer ? m_produced : writers_done();
    return avail > k;
  }

  void release_slot(std::size_t c, std::size_t k) {
    {
      std::lock_guard lk(m_mu);
      m_consumed[c] = k + 1;
      if (c >= m_nwriters && c == m_nwriters) {
        m_covered_bytes = m_slots[k % m_nslots].offset + m_slots[k % m_nslots].len;
        m_progress.done.store(m_covered_bytes);
      }
    }
    m_cv_space.notify_all();
    m_cv_data.notify_all();
  }

  void writer(std::size_t w) {
    Sink& sink = *m_sinks[w];
    std::uint64_t next_commit = m_opts.commit_interval;
    for (std::size_t k = 0;; ++k) {
      if (!wait_slot(w, k)) break;
      const std::int64_t t = steady_now_ns();
      Slot& slot = m_slots[k % m_nslots];
      if (!slot.prefix) {
        for (const auto& b : slot.bad) sink.note_bad_range(b);
        if (auto st = sink.write(slot.data, slot.len); !st) {
          fail(Outcome::aborted_destination, st.error());
          break;
        }
      }
      const std::uint64_t end = slot.offset + slot.len;
      if (m_opts.commit_interval && end >= next_commit && end < m_size) {
        if (auto st = sink.sync(); !st) {
          fail(Outcome::aborted_destination, st.error());
          break;
        }
        next_commit = end + m_opts.commit_interval;
        commit(w, end);
      }
      m_busy_ns[w].fetch_add(static_cast<std::uint64_t>(steady_now_ns() - t));
      release_slot(w, k);
    }
    {
      std::lock_guard lk(m_mu);
      m_writer_ended[w] = true;
      // A failed writer stops the reader; the others finish what was read.
      if (m_error && m_outcome == Outcome::aborted_destination) m_reader_stop = true;
    }
    m_cv_data.notify_all();
    m_cv_space.notify_all();
  }

  void commit(std::size_t w, std::uint64_t end) {
    std::vector<BadRange> bad;
    std::uint64_t upto = 0;
    {
      std::lock_guard lk(m_mu);
      m_committed[w] = end;
      upto = *std::min_element(m_committed.begin(), m_committed.end());
      if (upto <= m_last_commit) return;
      m_last_commit = upto;
      for (const auto& r : m_result.bad)
        if (r.offset < upto) bad.push_back({r.offset, std::min(r.length, upto - r.offset)});
    }
    if (m_opts.on_commit) {
      std::lock_guard lk(m_commit_mu);
      m_opts.on_commit(upto, bad);
    }
  }

  void hasher(std::size_t h) {
    const std::size_t c = m_nwriters + h;
    Hasher hs(m_algos[h]);
    for (std::size_t k = 0;; ++k) {
      if (!wait_slot(c, k)) break;
      const std::int64_t t = steady_now_ns();
      const Slot& slot = m_slots[k % m_nslots];
      hs.update(slot.data, slot.len);
      m_busy_ns[c].fetch_add(static_cast<std::uint64_t>(steady_now_ns() - t));
      release_slot(c, k);
    }
    m_hash_out[h] = hs.finish_hex();
  }

  void piece_hasher(std::size_t c, std::size_t i) {
    const HashAlgo algo = m_opts.piece_algos[i];
    auto& out = m_piece_out[i];
    Hasher hs(algo);
    std::uint64_t piece_start = 0, in_piece = 0;
    for (std::size_t k = 0;; ++k) {
      if (!wait_slot(c, k)) break;
      const std::int64_t t = steady_now_ns();
      const Slot& slot = m_slots[k % m_nslots];
      std::size_t pos = 0;
      while (pos < slot.len) {
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(slot.len - pos, m_opts.piece_size - in_piece));
        hs.update(slot.data + pos, n);
        pos += n;
        in_piece += n;
        if (in_piece == m_opts.piece_size) {
          out.push_back({algo, piece_start, in_piece, hs.finish_hex()});
          piece_start += in_piece;
          in_piece = 0;
        }
      }
      m_busy_ns[c].fetch_add(static_cast<std::uint64_t>(steady_now_ns() - t));
      release_slot(c, k);
    }
    if (in_piece) out.push_back({algo, piece_start, in_piece, hs.finish_hex()});
  }

  // The stage whose threads were busiest over the last interval is the one the others wait for.
  void sample_bottleneck(std::vector<std::uint64_t>& last) {
    std::uint64_t best = 0;
    Stage stage = Stage::none;
    for (std::size_t i = 0; i < m_busy_ns.size(); ++i) {
      const std::uint64_t now = m_busy_ns[i].load();
      const std::uint64_t d = now - last[i];
      last[i] = now;
      const Stage s = i == m_busy_ns.size() - 1 ? Stage::read : (i < m_nwriters ? Stage::write : Stage::hash);
      if (d > best) {
        best = d;
        stage = s;
      }
    }
    m_progress.bottleneck.store(static_cast<int>(stage));
  }

  Source& m_src;
  const std::vector<Sink*>& m_sinks;
  const PipelineOptions& m_opts;
  Progress& m_progress;
  const CancelToken& m_cancel;

  std::size_t m_block = 0, m_nslots = 0, m_nwriters = 0;
  std::uint64_t m_size = 0;
  unsigned char* m_arena = nullptr;
  std::vector<Slot> m_slots;
  std::vector<HashAlgo> m_algos;
  std::vector<std::string> m_hash_out;
  std::vector<std::vector<PieceHash>> m_piece_out;

  std::mutex m_mu, m_commit_mu;
  std::condition_variable m_cv_data, m_cv_space;
  std::size_t m_produced = 0;
  bool m_eof = false;
  bool m_reader_stop = false;
  std::vector<std::size_t> m_consumed;
  std::vector<char> m_writer_ended;
  std::vector<std::uint64_t> m_committed;
  std::uint64_t m_last_commit = 0;
  std::uint64_t m_covered_bytes = 0;
  std::vector<std::atomic<std::uint64_t>> m_busy_ns;

  std::uint64_t m_bad_sectors = 0;
  std::uint64_t m_fail_run = 0;                 // unreadable sectors in a row (reader thread)
  std::optional<std::uint64_t> m_last_good;     // offset of a sector read from the source
  std::optional<Error> m_error;
  Outcome m_outcome = Outcome::complete;
  PipelineResult m_result;
};

}  // namespace

PipelineResult run_pipeline(Source& source, const std::vector<Sink*>& sinks, const PipelineOptions& opts,
                            Progress& progress, const CancelToken& cancel) {
  Run run(source, sinks, opts, progress, cancel);
  return run.go();
}

PipelineResult hash_source(Source& source, const std::vector<HashAlgo>& algos, Progress& progress,
                           const CancelToken& cancel, std::uint64_t piece_size) {
  PipelineOptions opts;
  opts.algos = algos;
  opts.piece_size = piece_size;
  opts.commit_interval = 0;
  return run_pipeline(source, {}, opts, progress, cancel);
}

PipelineResult hash_source_pieces(Source& source, const std::vector<HashAlgo>& algos, std::uint64_t piece_size,
                                  Progress& progress, const CancelToken& cancel) {
  PipelineOptions opts;
  opts.algos = algos;
  opts.piece_size = piece_size;
  opts.piece_algos = algos;
  opts.commit_interval = 0;
  return run_pipeline(source, {}, opts, progress, cancel);
}

}  // namespace shodo::acquire
