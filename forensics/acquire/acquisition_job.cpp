// The acquisition job, stage by stage (issue 3; split along its seams in issue 10 §4/§6):
//   1. prepare         register, evidence numbers, preflight, open the source (refusals end here)
//   2. describe_start  record fields known at the start
//   3. register_start  evidence items and the chronology's start (or resumed) entry
//   4. open_sinks      image writers and the --resume state file
//   5. acquire         the pipeline — from here on the job always returns its result
//   6. verify          re-read each image (and the source when asked)
//   7. write_records   evidence register, sidecar reports, state file, chronology end entry;
//                      each failure goes into record.failures and the job goes on
// Then run_acquisition / resume_acquisition (with the strict reading of the state file).
#include <libewf.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include "forensics/acquire/acquisition.hpp"
#include "forensics/acquire/acquisition_detail.hpp"
#include "forensics/acquire/devices.hpp"
#include "forensics/acquire/sidecar.hpp"
#include "forensics/case/workspace.hpp"
#include "forensics/core/atomic_file.hpp"
#include "forensics/core/clock.hpp"
#include "forensics/core/provenance.hpp"
#include "forensics/evidence/evidence.hpp"

namespace shodo::acquire {
namespace fs = std::filesystem;
using nlohmann::json;
using namespace detail;

namespace {

// ---- helpers -------------------------------------------------------------------------------

std::string outcome_text(Outcome o, std::uint64_t bad_sectors, bool ja) {
  switch (o) {
    case Outcome::complete:
      return ja ? "取得完了: すべてのセクタを読みました" : "complete: every sector was read";
    case Outcome::complete_with_bad_sectors:
      return ja ? "取得完了（一部読めず）: 読めなかった " + std::to_string(bad_sectors) +
                      " セクタは 0 で埋め、位置を一覧にしました。それ以外は元と同じです"
                : "complete, some sectors unreadable: " + std::to_string(bad_sectors) +
                      " sectors could not be read; they are zero-filled and listed. Everything else is as on the source";
    case Outcome::aborted_source_gone:
      return ja ? "中止: 読み取り元が見つからなくなりました（取り外し・故障）。部分イメージのみで、元全体のハッシュはありません。接続を確かめて取り直すか --resume で続けてください"
                : "aborted: the source disappeared (removed or failed). Only a partial image exists and there is no hash of the whole source. Check the connection and acquire again, or continue with --resume";
    case Outcome::aborted_source_unresponsive:
      return ja ? "中止: 読み取り元が応答しなくなりました（装置の故障・接続の切断。読めないセクタではありません）。部分イメージのみで、元全体のハッシュはありません。接続を確かめて取り直すか --resume で続けてください"
                : "aborted: the source stopped answering (the device failed or lost its connection; these are not bad sectors). Only a partial image exists and there is no hash of the whole source. Check the connection and acquire again, or continue with --resume";
    case Outcome::aborted_destination:
      return ja ? "中止: 保存先に書き込めなくなりました。部分イメージは整合した状態で残っていますが、元全体のハッシュはありません。保存先を替えて取り直してください"
                : "aborted: the destination could not be written. The partial image is consistent, but there is no hash of the whole source. Acquire again to another destination";
    case Outcome::aborted_bad_limit:
      return ja ? "中止: 読めないセクタが上限を超えました。装置が劣化しています。専門業者への依頼を検討してください"
                : "aborted: more unreadable sectors than the limit. The device is failing; consider a data-recovery specialist";
    case Outcome::cancelled:
      return ja ? "中止: 操作者が止めました。部分イメージのみです。--resume で続けられます（raw・split）"
                : "cancelled by the operator. Only a partial image exists; continue with --resume (raw, split)";
  }
  return {};
}

std::vector<HashAlgo> normalise_algos(std::vector<HashAlgo> algos) {
  // SHA-256 is always computed (REQUIREMENTS §4.2: MUST; MD5/SHA-1 never alone).
  if (std::find(algos.begin(), algos.end(), HashAlgo::sha256) == algos.end()) algos.insert(algos.begin(), HashAlgo::sha256);
  return algos;
}

// Serial of the medium that holds `dir` (its whole disk), or "" when unknown.
std::string medium_serial_of(const fs::path& dir) {
  const dev_t d = device_of(dir);
  if (!d) return {};
  const std::string disk = whole_disk_of(d);
  if (disk.empty()) return {};
  auto dev = describe_device(fs::path("/dev") / disk);
  if (!dev) return {};
  return dev->serial;
}

// A report beside the image that could not be written: says where, and why in a word.
Error report_error_for(const fs::path& dir, const Error& e) {
  const bool full = e.code == ErrorCode::no_space;
  Error out = make_error(e.code,
                         "保存先 " + dir.string() + " に報告書を書けませんでした" + (full ? "（空き容量がありません）" : "") +
                             "。内容は証拠品登録簿とクロノロジーに記録されています",
                         "could not write the report files to " + dir.string() + (full ? " (no space left)" : "") +
                             "; their content is recorded in the evidence register and the chronology");
  out.context.push_back(e.en);
  return out;
}

// Reports of an earlier, interrupted run of the same job are kept, renamed
// <name>.interrupted-N.<ext>, so the resumed run can write its own and none is lost.
Status set_aside_reports(const fs::path& dir, const std::string& name) {
  std::error_code ec;
  int n = 1;
  auto taken = [&](int k) {
    for (const char* ext : {".info.txt", ".json", ".dfxml", ".md5", ".sha1", ".sha256", ".sha512"})
      if (fs::exists(dir / (name + ".interrupted-" + std::to_string(k) + ext), ec)) return true;
    return false;
  };
  while (taken(n)) ++n;
  for (const char* ext : {".info.txt", ".json", ".dfxml", ".md5", ".sha1", ".sha256", ".sha512"}) {
    const fs::path from = dir / (name + ext);
    if (!fs::exists(from, ec)) continue;
    const fs::path to = dir / (name + ".interrupted-" + std::to_string(n) + ext);
    if (::rename(from.c_str(), to.c_str()) != 0)
      return make_errno_error(ErrorCode::io_error, errno, "前回の報告書を退避できません: " + from.string(),
                              "cannot set the earlier report aside: " + from.string());
  }
  return fsync_directory(dir);
}

struct StateFile {
  fs::path path;
  json base;
  Status write(std::uint64_t committed, const std::vector<BadRange>& bad, std::uint32_t ss) const {
    json j = base;
    j["committed_bytes"] = committed;
    j["bad_ranges"] = bad_json(bad, ss);
    return write_file_atomic(path, j.dump(2) + "\n", 0640);
  }
};

using HashFiles = std::vector<std::pair<HashAlgo, std::vector<std::pair<std::string, std::string>>>>;

// ---- the job -------------------------------------------------------------------------------

class Job {
 public:
  Job(Workspace& w, AcquireRequest r, Progress& p, const CancelToken& c, const AcquireCallbacks& callbacks)
      : req(std::move(r)), m_ws(w), m_progress(p), m_cancel(c), m_cb(callbacks) {
    // Absolute paths: the record and the state file must still name the files from another
    // working directory (--resume after a reboot).
    std::error_code ec;
    if (auto a = fs::absolute(req.dest_dir, ec); !ec) req.dest_dir = a;
    if (req.second_dest_dir)
      if (auto a = fs::absolute(*req.second_dest_dir, ec); !ec) req.second_dest_dir = a;
    if (auto a = fs::absolute(req.source, ec); !ec) req.source = a;
  }

  Result<AcquireResult> run() {
    if (auto st = prepare(); !st) return st.error();
    describe_start();
    if (auto st = register_start(); !st) return st.error();
    if (auto st = open_sinks(); !st) return st.error();
    acquire();  // from here on the job always returns its result
    verify();
    write_records();
    m_progress.finished.store(true);
    return std::move(out);
  }

  AcquireRequest req;
  AcquireResult out;
  // Set by resume_acquisition before run().
  bool resuming = false;
  std::uint64_t resume_from = 0;
  std::vector<BadRange> prior_bad;
  std::int64_t prior_started_ns = 0;

 private:
  AcquisitionRecord& rec() { return out.record; }

  void phase(Phase p) {
    m_progress.phase.store(static_cast<int>(p));
    if (m_cb.on_phase) m_cb.on_phase(p);
  }

  // A record that could not be written: kept (one entry per stage, later ones as context).
  void note_failure(const std::string& stage, Error e) {
    for (auto& f : rec().failures)
      if (f.stage == stage) {
        f.error.context.push_back(e.describe(false));
        return;
      }
    rec().failures.push_back({stage, std::move(e)});
  }

  // ---- 1. prepare ----------------------------------------------------------------------------
  Status prepare() {
    auto reg = evidence::EvidenceRegister::open(m_ws);
    if (!reg) return reg.error();
    m_reg.emplace(std::move(reg.value()));
    req.algos = normalise_algos(req.algos);
    m_op = m_ws.log().current_operator().name;
    if (!resuming) {
      auto plan = plan_evidence_numbers(*m_reg, req.source_evidence_no);
      if (!plan) return plan.error();
      m_src_no = plan->source;
      m_img_no = plan->image;
      m_new_source_item = plan->new_source;
      if (req.name.empty()) req.name = m_img_no;
      const Preflight pf = preflight(req, m_ws.case_root());
      if (m_cb.on_preflight) m_cb.on_preflight(pf);
      if (!pf.can_start()) return pf.refusal();
    } else {
      m_src_no = req.source_evidence_no;
      m_img_no = rec().image_evidence_no;
    }
    auto src = m_cb.open.source ? m_cb.open.source(req.source, &m_sinfo) : open_source(req.source, &m_sinfo);
    if (!src) return src.error();
    m_source = std::move(src.value());
    if (m_sinfo.block_device) {
      const ListOptions lo{.case_root = m_ws.case_root(), .query_hpa_dco = true, .query_smart = true};
      if (auto d = describe_device(req.source, lo); d) m_device = to_json(d.value());
    } else {
      m_device = {{"path", req.source.string()}, {"kind", "image_file"}, {"size_bytes", m_sinfo.size}};
    }
    return resuming ? check_same_source() : ok_status();
  }

  // A resumed job must read the same source as the interrupted one.
  Status check_same_source() {
    const auto want = rec().source_size;
    if (m_sinfo.size != want)
      return make_error(ErrorCode::integrity,
                        "再開できません: 読み取り元の大きさが前回と違います（" + std::to_string(want) + " → " +
                            std::to_string(m_sinfo.size) + "）。別の装置の可能性があります",
                        "cannot resume: the source size differs from the interrupted job (" + std::to_string(want) +
                            " → " + std::to_string(m_sinfo.size) + "); it may be a different device");
    const std::string old_serial = rec().device.value("serial", "");
    if (!old_serial.empty() && m_device.value("serial", "") != old_serial)
      return make_error(ErrorCode::integrity, "再開できません: 読み取り元の製造番号が前回と違います",
                        "cannot resume: the source serial number differs from the interrupted job");
    return ok_status();
  }

  // ---- 2. describe_start -----------------------------------------------------------------------
  void describe_start() {
    auto& R = rec();
    R.incident_id = m_ws.incident().incident_id;
    R.kit_id = m_ws.key().kit_id();
    R.operator_name = m_op;
    R.witness = req.witness;
    R.host = host_name();
    R.source_evidence_no = m_src_no;
    R.image_evidence_no = m_img_no;
    R.tool = provenance_json();
    R.tool["libewf"] = libewf_get_version();
    R.device = m_device;
    if (req.destination_medium_serial.empty()) req.destination_medium_serial = medium_serial_of(req.dest_dir);
    R.request = request_json(req);
    R.source_path = req.source.string();
    R.source_size = m_sinfo.size;
    R.sector_size = m_sinfo.logical_sector;
    R.format = req.format;
    R.write_protection = !m_sinfo.block_device ? "image file opened O_RDONLY"
                         : m_sinfo.read_only_set
                             ? "kernel read-only (BLKROSET) set before reading; opened O_RDONLY"
                             : "kernel read-only flag already set (confirmed with BLKROGET before reading; this user "
                               "may not change it); opened O_RDONLY";
    if (!req.write_blocker.empty()) R.write_protection = "hardware write blocker: " + req.write_blocker + "; " + R.write_protection;
    if (req.allow_mounted_rw && !req.override_reason.empty())
      R.deviations.push_back("source was mounted read-write; operator override: " + req.override_reason);
    m_t_start = evidence::now_time(m_ws);
    R.started_utc_ns = resuming && prior_started_ns ? prior_started_ns : m_t_start.utc_ns;
    R.time_quality = m_t_start.quality;
    R.resumed = resuming;
    R.resumed_from = resume_from;
    m_dest_serial = req.destination_medium_serial.empty() ? "不明 / unknown (" + req.dest_dir.string() + ")"
                                                          : req.destination_medium_serial;
  }

  // ---- 3. register_start -----------------------------------------------------------------------
  Status register_start() {
    if (resuming) {
      const std::string what = m_src_no + " → " + m_img_no;
      const std::string at = std::to_string(resume_from);
      auto e = m_ws.log().append_system(
          "acquisition_resumed", {"取得再開: " + what + "（" + at + " バイト目から）", "acquisition resumed: " + what + " from byte " + at},
          {m_src_no, m_img_no});
      return e ? ok_status() : Status(e.error());
    }
    if (m_new_source_item)
      if (auto st = add_source_item(); !st) return st;
    if (auto st = add_image_item(); !st) return st;
    std::string algos;
    for (auto al : req.algos) algos += std::string(algos.empty() ? "" : ",") + to_string(al);
    const std::string what = m_src_no + " " + req.source.string() + " (" + std::to_string(m_sinfo.size) + " bytes) → " +
                             m_img_no + " " + (req.dest_dir / req.name).string() + " [" + to_string(req.format) + ", " +
                             algos + "]";
    auto e = m_ws.log().append_system("acquisition_started", {"取得開始: " + what, "acquisition started: " + what},
                                      {m_src_no, m_img_no});
    return e ? ok_status() : Status(e.error());
  }

  Status add_source_item() {
    evidence::EvidenceItem s;
    s.evidence_no = m_src_no;
    s.description = !req.description.empty()
                        ? req.description
                        : (m_device.value("model", "") + " " + m_device.value("serial", "") + " " + req.source.string());
    s.item_type = m_sinfo.block_device ? evidence::ItemType::storage_medium : evidence::ItemType::disk_image;
    s.model = m_device.value("model", "");
    s.serial_no = m_device.value("serial", "");
    s.make = m_device.value("vendor", "");
    s.capacity_bytes = static_cast<std::int64_t>(m_sinfo.size);
    s.interface = m_device.value("transport", "");
    s.found_location = req.found_location;
    s.collected_by.name = m_op;
    s.witness.name = req.witness;
    s.collection_reason = req.notes;
    auto added = m_reg->add_item(m_ws, s);
    return added ? ok_status() : Status(added.error());
  }

  Status add_image_item() {
    evidence::EvidenceItem img;
    img.evidence_no = m_img_no;
    img.derived_from = m_src_no;
    img.item_type = evidence::ItemType::disk_image;
    img.description = "イメージ / image of " + m_src_no + " (" + std::string(to_string(req.format)) + ")";
    img.collected_by.name = m_op;
    img.witness.name = req.witness;
    evidence::Acquisition a;
    a.method = m_sinfo.block_device ? "dead-physical" : "copy";
    a.tool_name = "shodo";
    a.tool_version = tool_version_string();
    a.kit_version = tool_version();
    a.write_protection = rec().write_protection;
    a.source_device_path = req.source.string();
    a.destination_medium_serial = m_dest_serial;
    a.destination_path = (req.dest_dir / req.name).string();
    a.image_format = req.format == ImageFormat::split ? "split-raw" : to_string(req.format);
    a.started = m_t_start;
    a.operator_.name = m_op;
    a.witness.name = req.witness;
    for (const auto& d : rec().deviations) a.deviations += (a.deviations.empty() ? "" : "; ") + d;
    a.outcome = "in_progress";
    img.acquisition = a;
    auto added = m_reg->add_item(m_ws, img);
    return added ? ok_status() : Status(added.error());
  }

  // ---- 4. open_sinks ---------------------------------------------------------------------------
  Status make_sink(const fs::path& dir) {
    const fs::path stem = dir / req.name;
    if (req.format == ImageFormat::e01) {
      EwfOptions eo;
      eo.data.case_number = m_ws.incident().incident_id;
      eo.data.evidence_number = m_img_no;
      eo.data.examiner = m_op;
      eo.data.description = req.description.empty() ? m_src_no : req.description;
      eo.data.notes = req.notes;
      eo.compression = req.compression;
      eo.segment_bytes = effective_segment(req);
      eo.physical = m_sinfo.block_device;  // an image file is not a physical medium (issue 10 §8)
      auto s = create_e01_sink(stem, m_sinfo.size, m_sinfo.logical_sector, eo);
      if (!s) return s.error();
      m_sinks.push_back(std::move(s.value()));
    } else {
      auto s = create_raw_sink(stem, effective_segment(req), resuming ? std::optional<std::uint64_t>(resume_from) : std::nullopt);
      if (!s) return s.error();
      m_sinks.push_back(std::move(s.value()));
    }
    return ok_status();
  }

  Status open_sinks() {
    if (auto st = make_sink(req.dest_dir); !st) return st;
    if (req.second_dest_dir)
      if (auto st = make_sink(*req.second_dest_dir); !st) return st;
    // State file for --resume (raw and split).
    m_state.path = req.dest_dir / (req.name + ".state.json");
    m_state.base = {{"format", "shodo-acquire-state"},
                    {"version", 1},
                    {"incident_id", m_ws.incident().incident_id},
                    {"case_root", m_ws.case_root().string()},
                    {"request", request_json(req)},
                    {"source_evidence_no", m_src_no},
                    {"image_evidence_no", m_img_no},
                    {"source_size", m_sinfo.size},
                    {"device", m_device},
                    {"started_utc_ns", rec().started_utc_ns}};
    m_resumable = req.format != ImageFormat::e01;
    if (resuming) {
      // The image written so far is re-hashed from the files (before anything is read).
      auto pre = open_image(m_cb.open, req.format, m_sinks.front()->files());
      if (!pre) return pre.error();
      m_prefix = std::move(pre.value());
    }
    if (m_resumable) return m_state.write(resume_from, prior_bad, m_sinfo.logical_sector);
    return ok_status();
  }

  // ---- 5. acquire ------------------------------------------------------------------------------
  void acquire() {
    phase(Phase::acquiring);
    std::vector<Sink*> sinks;
    for (auto& s : m_sinks) sinks.push_back(s.get());
    PipelineOptions po;
    po.algos = req.algos;
    po.block_size = req.block_size;
    po.queue_blocks = req.queue_blocks;
    po.retries = req.retries;
    po.max_bad_sectors = req.max_bad_sectors;
    po.piece_size = req.piece_size;
    po.piece_algos = {HashAlgo::sha256};
    if (resuming) {
      po.prefix = m_prefix.get();
      po.resume_offset = resume_from;
      po.prior_bad = prior_bad;
    }
    if (m_resumable)
      po.on_commit = [this](std::uint64_t at, const std::vector<BadRange>& bad) {
        (void)m_state.write(at, bad, m_sinfo.logical_sector);
      };
    m_pr = run_pipeline(*m_source, sinks, po, m_progress, m_cancel);
    m_complete = is_complete(m_pr.outcome);
    for (auto& s : m_sinks) {
      Status st = m_complete ? s->finish(m_pr.hashes) : s->close_partial();
      if (!st && m_complete) {
        m_pr.outcome = Outcome::aborted_destination;
        m_pr.partial_hashes = m_pr.hashes;
        m_pr.hashes.clear();
        m_pr.error = st.error();
      }
    }
    m_complete = is_complete(m_pr.outcome);
    take_pipeline_result();
  }

  void take_pipeline_result() {
    auto& R = rec();
    m_t_end = evidence::now_time(m_ws);
    R.ended_utc_ns = m_t_end.utc_ns;
    R.outcome = to_string(m_pr.outcome);
    R.outcome_ja = outcome_text(m_pr.outcome, m_pr.bad_sectors, true);
    R.outcome_en = outcome_text(m_pr.outcome, m_pr.bad_sectors, false);
    if (m_pr.error) {
      R.outcome_ja += "（" + m_pr.error->describe(true) + "）";
      R.outcome_en += " (" + m_pr.error->describe(false) + ")";
    }
    R.bytes_covered = m_pr.bytes_covered;
    R.bad = m_pr.bad;
    R.bad_beyond = m_pr.bad_beyond;
    R.bad_sectors = m_pr.bad_sectors;
    R.source_hashes = m_pr.hashes;
    R.partial_hashes = m_pr.partial_hashes;
    R.pieces = m_pr.pieces;
    R.acquire_seconds = m_pr.seconds;
    R.bottleneck = stage_name(m_pr.bottleneck);
    for (const auto& f : m_sinks.front()->files()) R.image_files.push_back(f.filename().string());
    if (m_sinks.size() > 1)
      for (const auto& f : m_sinks[1]->files()) R.second_image_files.push_back(f.filename().string());
    out.outcome = m_pr.outcome;
    out.error = m_pr.error;
  }

  // ---- 6. verify -------------------------------------------------------------------------------
  void verify() {
    m_all_match = m_complete;
    if (m_complete) {
      phase(Phase::verifying_image);
      const auto t_v0 = steady_now_ns();
      for (std::size_t si = 0; si < m_sinks.size(); ++si) verify_copy(si);
      if (req.verify_source) {
        phase(Phase::verifying_source);
        verify_source();
      } else {
        VerifyCheck c;
        c.what = "source_reread";
        c.note_ja = "読み取り元の再読込は指定されていません（--verify-source）";
        c.note_en = "source re-read not requested (--verify-source)";
        rec().verification.push_back(c);
      }
      rec().verify_seconds = static_cast<double>(steady_now_ns() - t_v0) / 1e9;
      rec().verify_ended_utc_ns = evidence::now_time(m_ws).utc_ns;
    }
    summarise_verification();
  }

  // Re-reads image copy `si` and compares it with the acquired hashes (and, for E01, with the
  // hashes stored in it). An image that cannot be opened is a failed check, never an early return.
  void verify_copy(std::size_t si) {
    const auto files = m_sinks[si]->files();
    const std::string label = si == 0 ? "image_reread" : "second_image_reread";
    auto img = open_image(m_cb.open, req.format, files);
    if (!img) {
      for (const auto& h : m_pr.hashes) {
        VerifyCheck c{label, to_string(h.algo), h.hex, "", false, true,
                      "イメージを開き直せませんでした: " + img.error().describe(true),
                      "the image could not be opened again: " + img.error().describe(false)};
        rec().verification.push_back(c);
      }
      m_all_match = false;
      note_failure("verification", img.error());
      return;
    }
    const std::uint64_t piece = req.format == ImageFormat::split ? effective_segment(req) : 0;
    std::vector<HashAlgo> algos;  // requested + stored in the image (E01: MD5, SHA-1)
    for (const auto& h : m_pr.hashes) algos.push_back(h.algo);
    PipelineResult vr = piece ? hash_source_pieces(*img.value(), algos, piece, m_progress, m_cancel)
                              : hash_source(*img.value(), algos, m_progress, m_cancel);
    for (const auto& h : m_pr.hashes) {
      VerifyCheck c;
      c.what = label;
      c.algo = to_string(h.algo);
      c.expected = h.hex;
      c.done = is_complete(vr.outcome);
      for (const auto& g : vr.hashes)
        if (g.algo == h.algo) c.actual = g.hex;
      c.match = c.done && c.actual == c.expected && vr.outcome == Outcome::complete;
      if (!c.done) {
        c.note_ja = "イメージを最後まで読めませんでした";
        c.note_en = "the image could not be read to the end";
      }
      m_all_match = m_all_match && c.match;
      rec().verification.push_back(c);
    }
    if (req.format == ImageFormat::e01) check_e01_stored(files.front());
    if (si == 0) list_file_hashes(files, vr);
  }

  // The MD5 / SHA-1 an E01 carries must be the ones the pipeline computed.
  void check_e01_stored(const fs::path& first_segment) {
    auto info = read_e01_info(first_segment);
    if (!info) return;
    for (const auto& [algo, stored] : {std::pair{HashAlgo::md5, info->md5}, std::pair{HashAlgo::sha1, info->sha1}}) {
      VerifyCheck c;
      c.what = algo == HashAlgo::md5 ? "e01_stored_md5" : "e01_stored_sha1";
      c.algo = to_string(algo);
      c.actual = stored;
      for (const auto& h : m_pr.hashes)
        if (h.algo == algo) c.expected = h.hex;
      c.done = !c.expected.empty();
      c.match = c.done && c.expected == c.actual;
      m_all_match = m_all_match && (c.match || !c.done);
      rec().verification.push_back(c);
    }
  }

  // Hash files (<name>.sha256 …): per image file, every algorithm.
  void list_file_hashes(const std::vector<fs::path>& files, const PipelineResult& vr) {
    for (HashAlgo algo : req.algos) {
      std::vector<std::pair<std::string, std::string>> lines;
      if (req.format == ImageFormat::raw) {
        for (const auto& g : vr.hashes)
          if (g.algo == algo) lines.push_back({files.front().filename().string(), g.hex});
      } else if (req.format == ImageFormat::split) {
        std::size_t idx = 0;
        for (const auto& p : vr.pieces)
          if (p.algo == algo && idx < files.size()) lines.push_back({files[idx++].filename().string(), p.hex});
      } else {
        for (const auto& f : files) {
          auto fsrc = open_raw_image({f});
          if (!fsrc) {
            note_failure("verification", fsrc.error());
            continue;
          }
          Progress fp;
          auto fr = hash_source(*fsrc.value(), {algo}, fp, m_cancel);
          if (!fr.hashes.empty()) lines.push_back({f.filename().string(), fr.hashes.front().hex});
        }
      }
      if (algo == HashAlgo::sha256) rec().file_sha256 = lines;
      m_hash_files.push_back({algo, lines});
    }
  }

  void verify_source() {
    std::vector<HashAlgo> algos;
    for (const auto& h : m_pr.hashes) algos.push_back(h.algo);
    PipelineResult sr = hash_source(*m_source, algos, m_progress, m_cancel);
    for (const auto& h : m_pr.hashes) {
      VerifyCheck c;
      c.what = "source_reread";
      c.algo = to_string(h.algo);
      c.expected = h.hex;
      c.done = is_complete(sr.outcome);
      for (const auto& g : sr.hashes)
        if (g.algo == h.algo) c.actual = g.hex;
      c.match = c.done && c.actual == c.expected;
      if (!c.done) {
        c.note_ja = "読み取り元を再読込できませんでした: " + std::string(to_string(sr.outcome));
        c.note_en = "the source could not be re-read: " + std::string(to_string(sr.outcome));
      } else if (!c.match && m_pr.bad_sectors) {
        c.note_ja = "読めないセクタの結果が変わった可能性があります（装置の劣化）";
        c.note_en = "unreadable sectors may have changed between reads (failing device)";
      }
      m_all_match = m_all_match && c.match;
      rec().verification.push_back(c);
    }
  }

  void summarise_verification() {
    auto& R = rec();
    out.verified = m_complete && m_all_match;
    out.verify_cancelled = m_complete && m_cancel.cancelled();
    if (out.verify_cancelled) {
      out.verified = false;
      R.verify_summary_ja = "検証は中止されました: イメージは最後まで書けていますが、照合していません。shodo verify-image で検証してください";
      R.verify_summary_en = "verification cancelled: the image was written to the end but not checked. Run shodo verify-image on it";
    } else if (m_complete) {
      R.verify_summary_ja = m_all_match ? "検証: 一致。イメージは取得したデータと同一です。次は証拠品ラベルと保管記録（custody-form）を印刷してください"
                                        : "検証: 不一致があります。このイメージを解析に使わず、保存先の媒体を替えて取り直してください";
      R.verify_summary_en = m_all_match ? "verification: MATCH. The image holds exactly the data acquired. Next, print the evidence label and the custody form"
                                        : "verification: MISMATCH. Do not analyse this image; acquire again to a different destination medium";
    } else {
      R.verify_summary_ja = "検証なし: 取得が完了していません";
      R.verify_summary_en = "not verified: the acquisition did not complete";
    }
  }

  // ---- 7. write_records ------------------------------------------------------------------------
  void write_records() {
    phase(Phase::writing_records);
    write_register();  // first, so that the reports beside the image can say if it failed
    set_verdict();
    write_reports();
    save_state();
    write_end_entry();
    set_verdict();  // the result's record is final; the sidecars have it as known when written
  }

  void set_verdict() {
    const JobVerdict v = verdict_of(out);
    rec().verdict = to_string(v.verdict);
    rec().verdict_ja = v.reason_ja;
    rec().verdict_en = v.reason_en;
  }

  void register_step(const Status& st) {
    if (!st) note_failure("register", st.error());
  }

  // Evidence register: outcome, hashes, verification. Every write is tried; each failure is kept.
  void write_register() {
    const auto item = m_reg->find(m_img_no);
    json acq = item && item->acquisition ? evidence::to_json(*item->acquisition) : json::object();
    acq["ended"] = evidence::to_json(m_t_end);
    acq["bytes_read"] = m_pr.bytes_covered;
    acq["read_errors"] = m_pr.bad_sectors;
    acq["outcome"] = m_complete ? (m_pr.bad_sectors ? "completed_with_errors" : "completed") : "aborted";
    acq["destination_medium_serial"] = m_dest_serial;
    register_step(m_reg->update_item(m_ws, m_img_no, json{{"acquisition", acq}}, "取得終了 / acquisition ended: " + rec().outcome));
    const std::string tool = "shodo " + tool_version() + " (" + std::string(rec().tool.value("openssl", "")) + ")";
    for (const auto& h : m_pr.hashes) {
      evidence::HashRecord hr{to_string(h.algo), h.hex, "whole_device", req.source.string(), 0, "", tool};
      register_step(m_reg->record_hash(m_ws, m_src_no, hr));
      // On the image item: a raw image's file hash is this value (its path, so that the EV-03
      // manifest can be checked with sha256sum -c); split and E01 files differ from the data they
      // hold, so the data's hash is recorded as such and each file's own hash below.
      if (req.format == ImageFormat::raw && !m_sinks.front()->files().empty()) {
        hr.scope = "image_file";
        hr.target = m_sinks.front()->files().front().string();
      }
      register_step(m_reg->record_hash(m_ws, m_img_no, hr));
    }
    if (!m_complete)
      for (const auto& h : m_pr.partial_hashes) {
        evidence::HashRecord hr{to_string(h.algo), h.hex, "partial", "first " + std::to_string(m_pr.bytes_covered) + " bytes", 0, "", tool};
        register_step(m_reg->record_hash(m_ws, m_img_no, hr));
      }
    if (req.format != ImageFormat::raw)  // a raw image's file hash is the image_file hash above
      for (const auto& [f, h] : rec().file_sha256)
        register_step(m_reg->record_hash(m_ws, m_img_no, {"sha256", h, "segment", (req.dest_dir / f).string(), 0, "", tool}));
    for (const auto& c : rec().verification) {
      if (!c.done) continue;
      evidence::VerificationEvent v;
      // The register knows image_reread / source_reread; the kind of check goes into the detail.
      v.what = c.what == "source_reread" ? "source_reread" : "image_reread";
      v.match = c.match;
      v.detail = c.what + " " + c.algo + " expected " + c.expected + " actual " + c.actual;
      register_step(m_reg->record_verification(m_ws, c.what == "source_reread" ? m_src_no : m_img_no, v));
    }
  }

  // Sidecars next to the image (and the second copy). One that cannot be written (a full
  // destination) does not lose the job: the register and the chronology still get the record.
  void write_reports() {
    // Text from the device (model, serial) may be invalid UTF-8: replaced, never an exception.
    const std::string json_text = to_json(rec()).dump(2, ' ', false, json::error_handler_t::replace) + "\n";
    const std::string cmdline = "shodo acquire " + req.source.string() + " --dest " + req.dest_dir.string() + " --name " +
                                req.name + " --format " + to_string(req.format);
    for (std::size_t si = 0; si < m_sinks.size(); ++si) {
      const fs::path& dir = si == 0 ? req.dest_dir : *req.second_dest_dir;
      for (auto& f : m_sinks[si]->files()) out.written.push_back(f);
      if (auto w = write_sidecars_to(dir, json_text, cmdline); w) {
        for (auto& f : w.value()) out.written.push_back(f);
      } else {
        Error e = report_error_for(dir, w.error());
        out.report_errors.push_back(e);
        note_failure(si == 0 ? "sidecar" : "second_sidecar", e);
      }
    }
  }

  Result<std::vector<fs::path>> write_sidecars_to(const fs::path& dir, const std::string& json_text, const std::string& cmdline) {
    return acquire::write_sidecars(rec(), dir, req.name, json_text, cmdline, m_hash_files);
  }

  // A complete job leaves nothing to resume; an early end keeps the state file up to date.
  void save_state() {
    std::error_code ec;
    if (m_complete) {
      fs::remove(m_state.path, ec);
    } else if (m_resumable) {
      if (auto st = m_state.write(m_pr.bytes_covered, m_pr.bad, m_sinfo.logical_sector); st)
        out.state_file = m_state.path;
      else
        note_failure("state_file", st.error());
    }
  }

  void write_end_entry() {
    const auto& R = rec();
    std::string hashes;
    for (const auto& h : (m_complete ? m_pr.hashes : m_pr.partial_hashes)) hashes += std::string(" ") + to_string(h.algo) + ":" + h.hex;
    std::string failures_ja, failures_en;
    for (const auto& f : R.failures) {
      failures_ja += "; 書き込めなかったもの: " + f.stage + ": " + f.error.ja;
      failures_en += "; NOT written: " + f.stage + ": " + f.error.en;
    }
    const std::string bytes = m_img_no + " " + R.outcome + ", " + std::to_string(m_pr.bytes_covered) + "/" +
                              std::to_string(m_sinfo.size) + " bytes, ";
    const std::string bad = std::to_string(m_pr.bad_sectors);
    const char* verify_ja = m_complete ? (out.verified ? "検証 一致" : (out.verify_cancelled ? "検証 中止" : "検証 不一致"))
                                       : "全体のハッシュなし; 部分:";
    const char* verify_en = m_complete ? (out.verified ? "verify MATCH" : (out.verify_cancelled ? "verify CANCELLED" : "verify MISMATCH"))
                                       : "NO whole-source hash; partial:";
    auto e = m_ws.log().append_system(
        "acquisition_ended",
        {"取得終了: " + bytes + "読めないセクタ " + bad + ", " + verify_ja + hashes + "; 判定 " + R.verdict + failures_ja,
         "acquisition ended: " + bytes + bad + " unreadable sectors, " + verify_en + hashes + "; verdict " + R.verdict +
             failures_en},
        {m_src_no, m_img_no});
    out.end_entry_saved = e.ok();
    if (!e) note_failure("chronology", e.error());
  }

  Workspace& m_ws;
  Progress& m_progress;
  const CancelToken& m_cancel;
  const AcquireCallbacks& m_cb;

  std::optional<evidence::EvidenceRegister> m_reg;
  std::string m_op, m_src_no, m_img_no, m_dest_serial;
  bool m_new_source_item = false;
  SourceInfo m_sinfo;
  std::unique_ptr<Source> m_source;
  std::unique_ptr<Source> m_prefix;  // resume: the image written so far
  json m_device = json::object();
  evidence::RecordedTime m_t_start, m_t_end;
  std::vector<std::unique_ptr<Sink>> m_sinks;
  StateFile m_state;
  bool m_resumable = false;
  PipelineResult m_pr;
  bool m_complete = false;
  bool m_all_match = false;
  HashFiles m_hash_files;
};

// ---- the resume state file -------------------------------------------------------------------

Error bad_state(const fs::path& file, const std::string& what) {
  return make_error(ErrorCode::invalid_input,
                    "取得の状態ファイルが壊れているか、状態ファイルではありません（" + what + "）: " + file.string() +
                        "。再開できません。同じ読み取り元から取り直してください",
                    "the acquisition state file is damaged or not a state file (" + what + "): " + file.string() +
                        ". It cannot be resumed; acquire the source again");
}

// Every key resume_acquisition reads, with its type, before any is read.
Status check_state_shape(const json& j, const fs::path& file) {
  if (!j.is_object()) return bad_state(file, "not a JSON object");
  const std::pair<const char*, json::value_t> keys[] = {
      {"format", json::value_t::string},           {"incident_id", json::value_t::string},
      {"request", json::value_t::object},          {"committed_bytes", json::value_t::number_unsigned},
      {"image_evidence_no", json::value_t::string}, {"source_evidence_no", json::value_t::string},
      {"source_size", json::value_t::number_unsigned}};
  for (const auto& [key, type] : keys) {
    if (!j.contains(key)) return bad_state(file, std::string("key \"") + key + "\" missing");
    const bool ok = j[key].type() == type || (type == json::value_t::number_unsigned && j[key].is_number_integer() &&
                                              j[key].get<std::int64_t>() >= 0);
    if (!ok) return bad_state(file, std::string("key \"") + key + "\" has the wrong type");
  }
  if (j["format"] != "shodo-acquire-state") return bad_state(file, "format is not shodo-acquire-state");
  if (j.contains("bad_ranges") && !j["bad_ranges"].is_array()) return bad_state(file, "key \"bad_ranges\" has the wrong type");
  if (j.contains("device") && !j["device"].is_object()) return bad_state(file, "key \"device\" has the wrong type");
  if (j.contains("started_utc_ns") && !j["started_utc_ns"].is_number_integer())
    return bad_state(file, "key \"started_utc_ns\" has the wrong type");
  return ok_status();
}

}  // namespace

Result<AcquireResult> run_acquisition(Workspace& ws, const AcquireRequest& req, Progress& progress, const CancelToken& cancel,
                                      const AcquireCallbacks& cb) {
  Job job(ws, req, progress, cancel, cb);
  return job.run();
}

Result<ResumeState> read_resume_state(std::string_view text, const fs::path& file) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return bad_state(file, "not JSON");
  if (auto st = check_state_shape(j, file); !st) return st.error();
  ResumeState s;
  s.incident_id = j["incident_id"].get<std::string>();
  auto req = request_from_json(j["request"]);
  if (!req) return bad_state(file, req.error().en);
  // Without an algorithm nothing would be hashed: the image could not be checked (fuzz_acquire_state).
  if (req->algos.empty()) return bad_state(file, "key \"request.hash_algorithms\" is empty");
  s.request = std::move(req.value());
  auto prior_bad = bad_from_json(j.value("bad_ranges", json::array()));
  if (!prior_bad) return bad_state(file, prior_bad.error().en);
  s.bad_ranges = std::move(prior_bad.value());
  s.committed_bytes = j["committed_bytes"].get<std::uint64_t>();
  s.started_utc_ns = j.value("started_utc_ns", std::int64_t{0});
  s.image_evidence_no = j["image_evidence_no"].get<std::string>();
  s.source_evidence_no = j["source_evidence_no"].get<std::string>();
  s.source_size = j["source_size"].get<std::uint64_t>();
  s.device = j.value("device", json::object());
  return s;
}

Result<AcquireResult> resume_acquisition(Workspace& ws, const fs::path& state_file, Progress& progress,
                                         const CancelToken& cancel, const AcquireCallbacks& cb) {
  auto text = read_file(state_file);
  if (!text)
    return make_error(ErrorCode::not_found, "取得の状態ファイルがありません: " + state_file.string(),
                      "no acquisition state file: " + state_file.string());
  auto state = read_resume_state(text.value(), state_file);
  if (!state) return state.error();
  ResumeState& s = state.value();
  if (s.incident_id != ws.incident().incident_id)
    return make_error(ErrorCode::invalid_input, "この取得は別のインシデント（" + s.incident_id + "）のものです",
                      "this acquisition belongs to another incident (" + s.incident_id + ")");
  if (s.request.format == ImageFormat::e01)
    return make_error(ErrorCode::unsupported, "E01 の取得は再開できません。取り直してください",
                      "an E01 acquisition cannot be resumed; acquire again");
  Job job(ws, std::move(s.request), progress, cancel, cb);
  job.resuming = true;
  job.resume_from = s.committed_bytes;
  job.prior_bad = std::move(s.bad_ranges);
  job.prior_started_ns = s.started_utc_ns;
  job.out.record.image_evidence_no = s.image_evidence_no;
  job.out.record.source_size = s.source_size;
  job.out.record.device = std::move(s.device);
  job.req.source_evidence_no = s.source_evidence_no;
  // The image files must still hold what the state file says was committed.
  if (job.req.format == ImageFormat::split && existing_segments(job.req.dest_dir / job.req.name).empty())
    return make_error(ErrorCode::not_found, "再開できません: イメージファイルがありません", "cannot resume: the image files are missing");
  if (auto st = set_aside_reports(job.req.dest_dir, job.req.name); !st) return st.error();
  if (job.req.second_dest_dir)
    if (auto st = set_aside_reports(*job.req.second_dest_dir, job.req.name); !st) return st.error();
  return job.run();
}

}  // namespace shodo::acquire
