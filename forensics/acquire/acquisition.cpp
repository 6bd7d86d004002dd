#include "forensics/acquire/acquisition.hpp"

#include <libewf.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

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

// ---- names ------------------------------------------------------------------

const char* to_string(ImageFormat f) {
  switch (f) {
    case ImageFormat::raw: return "raw";
    case ImageFormat::split: return "split";
    case ImageFormat::e01: return "e01";
  }
  return "raw";
}

Result<ImageFormat> parse_image_format(std::string_view s) {
  if (s == "raw" || s == "dd") return ImageFormat::raw;
  if (s == "split") return ImageFormat::split;
  if (s == "e01" || s == "E01" || s == "ewf") return ImageFormat::e01;
  return make_error(ErrorCode::invalid_input,
                    "知らないイメージ形式です: " + std::string(s) + "（raw, split, e01 から選んでください）",
                    "unknown image format: " + std::string(s) + " (choose raw, split or e01)");
}

const char* phase_name(Phase p) {
  switch (p) {
    case Phase::preparing: return "preparing";
    case Phase::acquiring: return "acquiring";
    case Phase::verifying_image: return "verifying_image";
    case Phase::verifying_source: return "verifying_source";
    case Phase::writing_records: return "writing_records";
  }
  return "preparing";
}

const char* phase_key(Phase p) {
  switch (p) {
    case Phase::preparing: return "acquire.phase.preparing";
    case Phase::acquiring: return "acquire.phase.acquire";
    case Phase::verifying_image: return "acquire.phase.verify_image";
    case Phase::verifying_source: return "acquire.phase.verify_source";
    case Phase::writing_records: return "acquire.phase.report";
  }
  return "acquire.phase.preparing";
}

Phase phase_of(int value) {
  return value >= 1 && value <= 4 ? static_cast<Phase>(value) : Phase::preparing;
}

int exit_code_for_outcome(Outcome o, bool verified) {
  switch (o) {
    case Outcome::complete: return verified ? 0 : 4;
    case Outcome::complete_with_bad_sectors: return verified ? 10 : 4;
    case Outcome::aborted_source_gone: return 11;
    case Outcome::aborted_destination: return 12;
    case Outcome::aborted_bad_limit: return 13;
    case Outcome::cancelled: return 14;
  }
  return 1;
}

Error Preflight::refusal() const {
  for (const auto& c : checks)
    if (!c.ok && c.blocking) {
      ErrorCode code = ErrorCode::invalid_input;
      if (c.id == "dest_space") code = ErrorCode::no_space;
      if (c.id == "dest_names") code = ErrorCode::already_exists;
      if (c.id == "source_exists") code = ErrorCode::not_found;
      return make_error(code, "取得を始められません: " + c.ja, "cannot start the acquisition: " + c.en);
    }
  return make_error(ErrorCode::invalid_input, "取得を始められません", "cannot start the acquisition");
}

namespace {

constexpr std::uint64_t k_fat_file_limit = 0xFFFFFFFFull;  // 4 GiB − 1
constexpr long k_msdos_magic = 0x4d44;
constexpr long k_exfat_magic = 0x2011BAB0;

std::string human_bytes(std::uint64_t b) {
  const double gib = static_cast<double>(b) / (1024.0 * 1024 * 1024);
  if (gib >= 1) return fmt::format("{:.2f} GiB", gib);
  return fmt::format("{:.1f} MiB", static_cast<double>(b) / (1024.0 * 1024));
}

std::string fs_name(long magic) {
  switch (magic) {
    case k_msdos_magic: return "vfat";
    case k_exfat_magic: return "exfat";
    case 0xEF53: return "ext4";
    case 0x01021994: return "tmpfs";
    case 0x9123683E: return "btrfs";
    case 0x58465342: return "xfs";
    case 0x5346544e: return "ntfs";
    case 0x65735546: return "fuse";
    default: return fmt::format("0x{:x}", static_cast<unsigned long>(magic));
  }
}

std::uint64_t effective_segment(const AcquireRequest& req) {
  if (req.format == ImageFormat::split) return req.segment_bytes ? req.segment_bytes : k_default_segment_bytes;
  if (req.format == ImageFormat::e01) return req.segment_bytes ? req.segment_bytes : k_default_ewf_segment_bytes;
  return 0;
}

std::vector<fs::path> output_names(const AcquireRequest& req, const fs::path& dir) {
  const fs::path stem = dir / req.name;
  std::vector<fs::path> v;
  switch (req.format) {
    case ImageFormat::raw: v.push_back(stem.string() + ".raw"); break;
    case ImageFormat::split: v.push_back(segment_path(stem, 1)); break;
    case ImageFormat::e01: v.push_back(e01_segment_path(stem, 1)); break;
  }
  for (const char* ext : {".info.txt", ".json", ".dfxml", ".state.json"}) v.push_back(stem.string() + ext);
  return v;
}

// The block device (major:minor) that holds a path, or 0 for tmpfs and the like.
dev_t device_of(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return 0;
  return st.st_dev;
}

// Whole-disk device for a block device number: "/sys/dev/block/M:m/.." when it is a partition.
std::string whole_disk_of(dev_t dev) {
  const fs::path sys = fs::path("/sys/dev/block") / (std::to_string(major(dev)) + ":" + std::to_string(minor(dev)));
  std::error_code ec;
  const fs::path real = fs::canonical(sys, ec);
  if (ec) return {};
  if (fs::exists(real / "partition", ec)) return real.parent_path().filename().string();
  return real.filename().string();
}

void add(Preflight& p, std::string id, bool ok, bool blocking, std::string ja, std::string en) {
  p.checks.push_back({std::move(id), ok, blocking, std::move(ja), std::move(en)});
}

void check_destination(Preflight& p, const AcquireRequest& req, const fs::path& dir, const std::string& which) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    add(p, "dest_exists", false, true, which + "の保存先フォルダがありません: " + dir.string(),
        "the " + (which == "第2" ? std::string("second ") : std::string()) + "destination folder does not exist: " + dir.string());
    return;
  }
  if (::access(dir.c_str(), W_OK) != 0) {
    add(p, "dest_writable", false, true, "保存先に書き込めません: " + dir.string(), "cannot write to the destination: " + dir.string());
    return;
  }
  struct statvfs vfs {};
  struct statfs sfs {};
  if (::statvfs(dir.c_str(), &vfs) == 0) p.dest_free = static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
  if (::statfs(dir.c_str(), &sfs) == 0) p.dest_fs = fs_name(static_cast<long>(sfs.f_type));
  const std::uint64_t need = p.source_size + (64u << 10);
  if (p.dest_free < need) {
    const bool e01 = req.format == ImageFormat::e01;
    add(p, "dest_space", false, !e01,
        "保存先の空きが足りません: 空き " + human_bytes(p.dest_free) + "、必要 " + human_bytes(need) +
            (e01 ? "（E01 は圧縮されるため足りる可能性はあります）" : "。空きのある保存先を選んでください"),
        "not enough free space at the destination: " + human_bytes(p.dest_free) + " free, " + human_bytes(need) +
            " needed" + (e01 ? " (E01 compresses, so it may still fit)" : ". Choose a destination with more space"));
  } else {
    add(p, "dest_space", true, true, "保存先の空き: " + human_bytes(p.dest_free) + "（必要 " + human_bytes(need) + "）",
        "destination free space: " + human_bytes(p.dest_free) + " (" + human_bytes(need) + " needed)");
  }
  if (p.dest_fs == "vfat") {
    const std::uint64_t largest = req.format == ImageFormat::raw ? p.source_size : effective_segment(req);
    if (largest > k_fat_file_limit)
      add(p, "dest_fs_limit", false, true,
          "保存先は FAT32 で、4 GiB 以上のファイルを作れません。分割形式（split, 既定 2 GiB 未満）か E01 を選んでください",
          "the destination is FAT32, which cannot hold files of 4 GiB or more: choose split (default just under 2 GiB) or E01");
    else
      add(p, "dest_fs_limit", true, true, "保存先 FAT32: ファイルは 4 GiB 未満に収まります",
          "FAT32 destination: every file stays below 4 GiB");
  }
  for (const auto& f : output_names(req, dir))
    if (fs::exists(f, ec)) {
      add(p, "dest_names", false, true, "同じ名前のファイルが既にあります（上書きしません）: " + f.string(),
          "a file of that name already exists (never overwritten): " + f.string());
      return;
    }
}

}  // namespace

Result<PlannedNumbers> plan_evidence_numbers(const evidence::EvidenceRegister& reg, const std::string& typed_source_no) {
  auto next = reg.next_evidence_no();
  if (!next) return next.error();
  PlannedNumbers p;
  if (typed_source_no.empty()) {
    // The source is registered first, the image right after it: "<inc>-E007" → "<inc>-E008".
    p.source = next.value();
    p.new_source = true;
    const auto pos = p.source.rfind("-E");
    char buf[16];
    std::snprintf(buf, sizeof buf, "%03d", std::atoi(p.source.c_str() + pos + 2) + 1);
    p.image = p.source.substr(0, pos + 2) + buf;
  } else {
    p.source = reg.full_number(typed_source_no);
    if (!reg.find(p.source))
      return make_error(ErrorCode::not_found, "証拠番号がありません: " + p.source, "no such evidence number: " + p.source);
    p.image = next.value();
  }
  return p;
}

Preflight preflight(const AcquireRequest& req, const fs::path& case_root) {
  Preflight p;
  struct stat st {};
  if (::stat(req.source.c_str(), &st) != 0) {
    add(p, "source_exists", false, true, "読み取り元がありません: " + req.source.string(),
        "the source does not exist: " + req.source.string());
    return p;
  }
  const bool block = S_ISBLK(st.st_mode);
  if (!block && !S_ISREG(st.st_mode)) {
    add(p, "source_type", false, true, "読み取り元はブロックデバイスかイメージファイルでなければなりません: " + req.source.string(),
        "the source must be a block device or an image file: " + req.source.string());
    return p;
  }
  if (req.name.empty() || req.name.find('/') != std::string::npos || req.name == "." || req.name == "..") {
    add(p, "name", false, true, "イメージの名前が不正です: 「" + req.name + "」", "invalid image name: \"" + req.name + "\"");
    return p;
  }
  if (block) {
    ListOptions lo;
    lo.case_root = case_root;
    auto dev = describe_device(req.source, lo);
    if (!dev) {
      add(p, "source_device", false, true, dev.error().ja, dev.error().en);
      return p;
    }
    if (::geteuid() != 0) {
      if (dev->read_only)
        add(p, "source_ro", true, true, "装置はすでに読み取り専用です（カーネルの ro フラグ）",
            "the device is already read-only (kernel ro flag)");
      else
        add(p, "source_ro", false, true,
            "装置が書き込み可能です。読み取り専用に設定するには root 権限が必要です（キットで起動した PC ではすべての装置が読み取り専用です）",
            "the device is writable; setting it read-only (BLKROSET) needs root (the booted kit makes every device read-only)");
    }
    p.source_size = dev->size_bytes;
    p.sector_size = dev->logical_sector;
    if (!dev->offered())
      add(p, "not_kit_medium", false, true, "この装置は取得元にできません: " + dev->excluded_reason_ja,
          "this device cannot be a source: " + dev->excluded_reason_en);
    else
      add(p, "not_kit_medium", true, true, "キット自身の起動媒体・事案ボリュームではありません",
          "not the kit's own boot medium or case volume");
    auto mounts = mounts_using_checked(req.source, lo);
    bool rw = false, any = false;
    std::string where;
    if (!mounts) {
      rw = true;
      where = "?";
    } else {
      for (const auto& m : mounts.value()) {
        any = true;
        rw = rw || m.read_write;
        where += (where.empty() ? "" : ", ") + m.device + " → " + m.mount_point + (m.read_write ? " (rw)" : " (ro)");
      }
    }
    if (rw && !(req.allow_mounted_rw && !req.override_reason.empty()))
      add(p, "source_mounted", false, true,
          "読み取り元が読み書き可能でマウントされています（" + where +
              "）。取得中に内容が変わり、証拠が書き換わるおそれがあります。アンマウントしてください（どうしても必要なら理由を添えて上書き指定）",
          "the source is mounted read-write (" + where +
              "): its content may change during imaging and the evidence may be written to. Unmount it (or override with a reason)");
    else if (rw)
      add(p, "source_mounted", true, false, "読み書き可能でマウント中ですが、理由付きで続行が指示されました（逸脱として記録）: " + req.override_reason,
          "mounted read-write; the operator overrode with a reason (recorded as a deviation): " + req.override_reason);
    else if (any)
      add(p, "source_mounted", true, false, "読み取り専用でマウントされています: " + where, "mounted read-only: " + where);
    else
      add(p, "source_mounted", true, true, "マウントされていません", "not mounted");
    // Writing the image onto the evidence itself would destroy it.
    const std::string source_disk = whole_disk_of(st.st_rdev);
    for (const auto* dir : {&req.dest_dir}) {
      const dev_t d = device_of(*dir);
      if (d && !source_disk.empty() && whole_disk_of(d) == source_disk)
        add(p, "dest_on_source", false, true, "保存先が読み取り元と同じ装置上にあります: " + dir->string(),
            "the destination is on the source device itself: " + dir->string());
    }
  } else {
    p.source_size = static_cast<std::uint64_t>(st.st_size);
    p.sector_size = 512;
    if (fs::weakly_canonical(req.source).parent_path() == fs::weakly_canonical(req.dest_dir) &&
        fs::path(req.source).stem().string() == req.name)
      add(p, "dest_on_source", false, true, "保存先のイメージ名が読み取り元と同じです", "the image name is the source file itself");
  }
  if (p.source_size == 0)
    add(p, "source_size", false, true, "読み取り元が空です（0 バイト）", "the source is empty (0 bytes)");
  else
    add(p, "source_size", true, true, "読み取り元: " + std::to_string(p.source_size) + " バイト（" + human_bytes(p.source_size) + "）",
        "source: " + std::to_string(p.source_size) + " bytes (" + human_bytes(p.source_size) + ")");
  if (req.format == ImageFormat::e01 && p.source_size % p.sector_size != 0)
    add(p, "format_limit", false, true,
        "E01 はセクタ単位でしか保存できませんが、読み取り元の大きさがセクタの倍数ではありません。raw か split を選んでください",
        "E01 stores whole sectors but the source size is not a multiple of the sector size: choose raw or split");
  if (req.format == ImageFormat::split && req.segment_bytes && req.segment_bytes % 512 != 0)
    add(p, "format_limit", false, true, "分割サイズは 512 バイトの倍数にしてください", "the segment size must be a multiple of 512 bytes");
  check_destination(p, req, req.dest_dir, "");
  if (req.second_dest_dir) check_destination(p, req, *req.second_dest_dir, "第2");
  return p;
}

// ---- JSON of the record -----------------------------------------------------------

namespace {

json hashes_json(const std::vector<HashValue>& v) {
  json j = json::object();
  for (const auto& h : v) j[to_string(h.algo)] = h.hex;
  return j;
}

json request_json(const AcquireRequest& r) {
  json algos = json::array();
  for (auto a : r.algos) algos.push_back(to_string(a));
  json j = {{"source", r.source.string()},
            {"dest_dir", r.dest_dir.string()},
            {"name", r.name},
            {"format", to_string(r.format)},
            {"segment_bytes", effective_segment(r)},
            {"compression", r.format == ImageFormat::e01 ? to_string(r.compression) : "none"},
            {"hash_algorithms", algos},
            {"piece_size", r.piece_size},
            {"retries", r.retries},
            {"max_bad_sectors", r.max_bad_sectors},
            {"verify_source", r.verify_source},
            {"allow_mounted_rw", r.allow_mounted_rw},
            {"override_reason", r.override_reason},
            {"source_evidence_no", r.source_evidence_no},
            {"description", r.description},
            {"notes", r.notes},
            {"witness", r.witness},
            {"destination_medium_serial", r.destination_medium_serial},
            {"write_blocker", r.write_blocker},
            {"found_location", r.found_location},
            {"block_size", r.block_size},
            {"queue_blocks", r.queue_blocks}};
  if (r.second_dest_dir) j["second_dest_dir"] = r.second_dest_dir->string();
  return j;
}

Result<AcquireRequest> request_from_json(const json& j) {
  try {
    AcquireRequest r;
    r.source = j.at("source").get<std::string>();
    r.dest_dir = j.at("dest_dir").get<std::string>();
    r.name = j.at("name").get<std::string>();
    auto f = parse_image_format(j.at("format").get<std::string>());
    if (!f) return f.error();
    r.format = f.value();
    r.segment_bytes = j.at("segment_bytes").get<std::uint64_t>();
    if (auto c = parse_ewf_compression(j.value("compression", "fast")); c) r.compression = c.value();
    r.algos.clear();
    for (const auto& a : j.at("hash_algorithms")) {
      auto parsed = parse_hash_algos(a.get<std::string>());
      if (!parsed) return parsed.error();
      r.algos.push_back(parsed->front());
    }
    r.piece_size = j.value("piece_size", std::uint64_t{0});
    r.retries = j.value("retries", 2);
    r.max_bad_sectors = j.value("max_bad_sectors", std::uint64_t{0});
    r.verify_source = j.value("verify_source", false);
    r.allow_mounted_rw = j.value("allow_mounted_rw", false);
    r.override_reason = j.value("override_reason", "");
    r.source_evidence_no = j.value("source_evidence_no", "");
    r.description = j.value("description", "");
    r.notes = j.value("notes", "");
    r.witness = j.value("witness", "");
    r.destination_medium_serial = j.value("destination_medium_serial", "");
    r.write_blocker = j.value("write_blocker", "");
    r.found_location = j.value("found_location", "");
    r.block_size = j.value("block_size", std::size_t{1u << 20});
    r.queue_blocks = j.value("queue_blocks", std::size_t{32});
    if (j.contains("second_dest_dir")) r.second_dest_dir = fs::path(j["second_dest_dir"].get<std::string>());
    return r;
  } catch (const std::exception& e) {
    return make_error(ErrorCode::invalid_input, std::string("取得の状態ファイルが読めません: ") + e.what(),
                      std::string("cannot read the acquisition state file: ") + e.what());
  }
}

json bad_json(const std::vector<BadRange>& bad, std::uint32_t ss) {
  json a = json::array();
  for (const auto& b : bad)
    a.push_back({{"offset", b.offset}, {"length", b.length}, {"first_lba", b.offset / ss}, {"sectors", b.length / ss}});
  return a;
}

std::vector<BadRange> bad_from_json(const json& a) {
  std::vector<BadRange> v;
  for (const auto& b : a) v.push_back({b.at("offset").get<std::uint64_t>(), b.at("length").get<std::uint64_t>()});
  return v;
}

}  // namespace

json to_json(const AcquisitionRecord& r) {
  json pieces = json::array();
  for (const auto& p : r.pieces)
    pieces.push_back({{"algorithm", to_string(p.algo)}, {"offset", p.offset}, {"length", p.length}, {"hash", p.hex}});
  json files = json::array();
  for (const auto& [f, h] : r.file_sha256) files.push_back({{"file", f}, {"sha256", h}});
  json verification = json::array();
  for (const auto& v : r.verification)
    verification.push_back({{"what", v.what}, {"algorithm", v.algo}, {"expected", v.expected}, {"actual", v.actual},
                            {"match", v.match}, {"done", v.done}, {"note_ja", v.note_ja}, {"note_en", v.note_en}});
  json j = {{"format", "shodo-acquisition"},
            {"version", 1},
            {"incident_id", r.incident_id},
            {"kit_id", r.kit_id},
            {"operator", r.operator_name},
            {"witness", r.witness},
            {"host", r.host},
            {"source_evidence_no", r.source_evidence_no},
            {"image_evidence_no", r.image_evidence_no},
            {"tool", r.tool},
            {"device", r.device},
            {"request", r.request},
            {"source_path", r.source_path},
            {"source_size", r.source_size},
            {"sector_size", r.sector_size},
            {"write_protection", r.write_protection},
            {"deviations", r.deviations},
            {"image_format", to_string(r.format)},
            {"image_files", r.image_files},
            {"second_image_files", r.second_image_files},
            {"outcome", r.outcome},
            {"outcome_ja", r.outcome_ja},
            {"outcome_en", r.outcome_en},
            {"bytes_covered", r.bytes_covered},
            {"bad_sectors", r.bad_sectors},
            {"bad_ranges", bad_json(r.bad, r.sector_size)},
            {"bad_ranges_not_imaged", bad_json(r.bad_beyond, r.sector_size)},
            {"source_hashes", hashes_json(r.source_hashes)},
            {"partial_hashes", hashes_json(r.partial_hashes)},
            {"piecewise_hashes", pieces},
            {"image_file_sha256", files},
            {"verification", verification},
            {"verify_summary_ja", r.verify_summary_ja},
            {"verify_summary_en", r.verify_summary_en},
            {"started_utc", format_rfc3339_utc_ns(r.started_utc_ns)},
            {"ended_utc", format_rfc3339_utc_ns(r.ended_utc_ns)},
            {"verify_ended_utc", r.verify_ended_utc_ns ? format_rfc3339_utc_ns(r.verify_ended_utc_ns) : ""},
            {"time_quality", r.time_quality},
            {"acquire_seconds", r.acquire_seconds},
            {"verify_seconds", r.verify_seconds},
            {"bottleneck", r.bottleneck},
            {"resumed", r.resumed},
            {"resumed_from", r.resumed_from}};
  return j;
}

// ---- the job ---------------------------------------------------------------------

namespace {

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

std::string libewf_version() { return libewf_get_version(); }

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
  return make_error(e.code,
                    "保存先 " + dir.string() + " に報告書を書けませんでした" + (full ? "（空き容量がありません）" : "") +
                        "。内容は証拠品登録簿とクロノロジーに記録されています",
                    "could not write the report files to " + dir.string() + (full ? " (no space left)" : "") +
                        "; their content is recorded in the evidence register and the chronology");
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
  Status write(std::uint64_t committed, const std::vector<BadRange>& bad, std::uint32_t ss) {
    json j = base;
    j["committed_bytes"] = committed;
    j["bad_ranges"] = bad_json(bad, ss);
    return write_file_atomic(path, j.dump(2) + "\n", 0640);
  }
};

std::vector<fs::path> existing_segments(const fs::path& stem) {
  std::vector<fs::path> v;
  std::error_code ec;
  for (std::size_t i = 1;; ++i) {
    auto p = segment_path(stem, i);
    if (!fs::exists(p, ec)) break;
    v.push_back(p);
  }
  return v;
}

struct Job {
  Job(Workspace& w, AcquireRequest r, Progress& p, const CancelToken& c, const AcquireCallbacks& callbacks)
      : ws(w), req(std::move(r)), progress(p), cancel(c), cb(callbacks) {
    // Absolute paths: the record and the state file must still name the files from another
    // working directory (--resume after a reboot).
    std::error_code ec;
    if (auto a = fs::absolute(req.dest_dir, ec); !ec) req.dest_dir = a;
    if (req.second_dest_dir)
      if (auto a = fs::absolute(*req.second_dest_dir, ec); !ec) req.second_dest_dir = a;
    if (auto a = fs::absolute(req.source, ec); !ec) req.source = a;
  }
  Workspace& ws;
  AcquireRequest req;
  Progress& progress;
  const CancelToken& cancel;
  const AcquireCallbacks& cb;
  // resume
  bool resuming = false;
  std::uint64_t resume_from = 0;
  std::vector<BadRange> prior_bad;
  std::int64_t prior_started_ns = 0;

  AcquireResult out;

  void phase(Phase p) {
    progress.phase.store(static_cast<int>(p));
    if (cb.on_phase) cb.on_phase(p);
  }

  Result<AcquireResult> run() {
    auto reg = evidence::EvidenceRegister::open(ws);
    if (!reg) return reg.error();
    auto& R = out.record;
    req.algos = normalise_algos(req.algos);
    const std::string op = ws.log().current_operator().name;

    // Evidence numbers: the source item (existing or new) and the image item.
    std::string src_no = req.source_evidence_no, img_no;
    bool new_source_item = false;
    if (!resuming) {
      auto plan = plan_evidence_numbers(*reg, src_no);
      if (!plan) return plan.error();
      src_no = plan->source;
      img_no = plan->image;
      new_source_item = plan->new_source;
      if (req.name.empty()) req.name = img_no;
    } else {
      img_no = out.record.image_evidence_no;
    }

    // Preflight (also on resume: the destination must still be there and have room).
    Preflight pf;
    if (!resuming) {
      pf = preflight(req, ws.case_root());
      if (cb.on_preflight) cb.on_preflight(pf);
      if (!pf.can_start()) return pf.refusal();
    }

    SourceInfo sinfo;
    auto src = open_source(req.source, &sinfo);
    if (!src) return src.error();
    Source& source = *src.value();
    json device;
    if (sinfo.block_device) {
      if (auto d = describe_device(req.source, ListOptions{.case_root = ws.case_root(), .query_hpa_dco = true, .query_smart = true}); d)
        device = to_json(d.value());
    } else {
      device = {{"path", req.source.string()}, {"kind", "image_file"}, {"size_bytes", sinfo.size}};
    }
    if (resuming) {
      const auto want = out.record.source_size;
      if (sinfo.size != want)
        return make_error(ErrorCode::integrity,
                          "再開できません: 読み取り元の大きさが前回と違います（" + std::to_string(want) + " → " +
                              std::to_string(sinfo.size) + "）。別の装置の可能性があります",
                          "cannot resume: the source size differs from the interrupted job (" + std::to_string(want) +
                              " → " + std::to_string(sinfo.size) + "); it may be a different device");
      const std::string old_serial = out.record.device.value("serial", "");
      if (!old_serial.empty() && device.value("serial", "") != old_serial)
        return make_error(ErrorCode::integrity, "再開できません: 読み取り元の製造番号が前回と違います",
                          "cannot resume: the source serial number differs from the interrupted job");
    }

    // Record fields known at the start.
    R.incident_id = ws.incident().incident_id;
    R.kit_id = ws.key().kit_id();
    R.operator_name = op;
    R.witness = req.witness;
    R.host = host_name();
    R.source_evidence_no = src_no;
    R.image_evidence_no = img_no;
    R.tool = provenance_json();
    R.tool["libewf"] = libewf_version();
    R.device = device;
    if (req.destination_medium_serial.empty()) req.destination_medium_serial = medium_serial_of(req.dest_dir);
    R.request = request_json(req);
    R.source_path = req.source.string();
    R.source_size = sinfo.size;
    R.sector_size = sinfo.logical_sector;
    R.format = req.format;
    R.write_protection = !sinfo.block_device ? "image file opened O_RDONLY"
                         : sinfo.read_only_set
                             ? "kernel read-only (BLKROSET) set before reading; opened O_RDONLY"
                             : "kernel read-only flag already set (confirmed with BLKROGET before reading; this user "
                               "may not change it); opened O_RDONLY";
    if (!req.write_blocker.empty()) R.write_protection = "hardware write blocker: " + req.write_blocker + "; " + R.write_protection;
    if (req.allow_mounted_rw && !req.override_reason.empty())
      R.deviations.push_back("source was mounted read-write; operator override: " + req.override_reason);
    const auto t_start = evidence::now_time(ws);
    R.started_utc_ns = resuming && prior_started_ns ? prior_started_ns : t_start.utc_ns;
    R.time_quality = t_start.quality;
    R.resumed = resuming;
    R.resumed_from = resume_from;
    const std::string dest_serial = req.destination_medium_serial.empty()
                                        ? "不明 / unknown (" + req.dest_dir.string() + ")"
                                        : req.destination_medium_serial;

    // Evidence items and the start entry.
    if (!resuming) {
      if (new_source_item) {
        evidence::EvidenceItem s;
        s.evidence_no = src_no;
        s.description = !req.description.empty() ? req.description
                                                  : (device.value("model", "") + " " + device.value("serial", "") + " " +
                                                     req.source.string());
        s.item_type = sinfo.block_device ? evidence::ItemType::storage_medium : evidence::ItemType::disk_image;
        s.model = device.value("model", "");
        s.serial_no = device.value("serial", "");
        s.make = device.value("vendor", "");
        s.capacity_bytes = static_cast<std::int64_t>(sinfo.size);
        s.interface = device.value("transport", "");
        s.found_location = req.found_location;
        s.collected_by.name = op;
        s.witness.name = req.witness;
        s.collection_reason = req.notes;
        auto added = reg->add_item(ws, s);
        if (!added) return added.error();
      }
      evidence::EvidenceItem img;
      img.evidence_no = img_no;
      img.derived_from = src_no;
      img.item_type = evidence::ItemType::disk_image;
      img.description = "イメージ / image of " + src_no + " (" + std::string(to_string(req.format)) + ")";
      img.collected_by.name = op;
      img.witness.name = req.witness;
      evidence::Acquisition a;
      a.method = sinfo.block_device ? "dead-physical" : "copy";
      a.tool_name = "shodo";
      a.tool_version = tool_version_string();
      a.kit_version = tool_version();
      a.write_protection = R.write_protection;
      a.source_device_path = req.source.string();
      a.destination_medium_serial = dest_serial;
      a.destination_path = (req.dest_dir / req.name).string();
      a.image_format = req.format == ImageFormat::split ? "split-raw" : to_string(req.format);
      a.started = t_start;
      a.operator_.name = op;
      a.witness.name = req.witness;
      for (const auto& d : R.deviations) a.deviations += (a.deviations.empty() ? "" : "; ") + d;
      a.outcome = "in_progress";
      img.acquisition = a;
      auto added = reg->add_item(ws, img);
      if (!added) return added.error();
      std::string algos;
      for (auto al : req.algos) algos += std::string(algos.empty() ? "" : ",") + to_string(al);
      auto e = ws.log().append_system(
          "acquisition_started",
          "取得開始 / acquisition started: " + src_no + " " + req.source.string() + " (" + std::to_string(sinfo.size) +
              " bytes) → " + img_no + " " + (req.dest_dir / req.name).string() + " [" + to_string(req.format) + ", " +
              algos + "]",
          {src_no, img_no});
      if (!e) return e.error();
    } else {
      auto e = ws.log().append_system("acquisition_resumed",
                                      "取得再開 / acquisition resumed: " + src_no + " → " + img_no + " from byte " +
                                          std::to_string(resume_from),
                                      {src_no, img_no});
      if (!e) return e.error();
    }

    // Sinks.
    std::vector<std::unique_ptr<Sink>> sinks;
    auto make_sinks = [&](const fs::path& dir) -> Status {
      const fs::path stem = dir / req.name;
      if (req.format == ImageFormat::e01) {
        EwfOptions eo;
        eo.data.case_number = ws.incident().incident_id;
        eo.data.evidence_number = img_no;
        eo.data.examiner = op;
        eo.data.description = req.description.empty() ? src_no : req.description;
        eo.data.notes = req.notes;
        eo.compression = req.compression;
        eo.segment_bytes = effective_segment(req);
        auto s = create_e01_sink(stem, sinfo.size, sinfo.logical_sector, eo);
        if (!s) return s.error();
        sinks.push_back(std::move(s.value()));
      } else {
        auto s = create_raw_sink(stem, effective_segment(req),
                                 resuming ? std::optional<std::uint64_t>(resume_from) : std::nullopt);
        if (!s) return s.error();
        sinks.push_back(std::move(s.value()));
      }
      return ok_status();
    };
    if (auto st = make_sinks(req.dest_dir); !st) return st.error();
    if (req.second_dest_dir)
      if (auto st = make_sinks(*req.second_dest_dir); !st) return st.error();

    // State file for --resume (raw and split).
    StateFile state;
    state.path = req.dest_dir / (req.name + ".state.json");
    state.base = {{"format", "shodo-acquire-state"},
                  {"version", 1},
                  {"incident_id", ws.incident().incident_id},
                  {"case_root", ws.case_root().string()},
                  {"request", request_json(req)},
                  {"source_evidence_no", src_no},
                  {"image_evidence_no", img_no},
                  {"source_size", sinfo.size},
                  {"device", device},
                  {"started_utc_ns", R.started_utc_ns}};
    const bool resumable = req.format != ImageFormat::e01;
    if (resumable)
      if (auto st = state.write(resume_from, prior_bad, sinfo.logical_sector); !st) return st.error();

    // Acquire.
    phase(Phase::acquiring);
    std::vector<Sink*> raw_sinks;
    for (auto& s : sinks) raw_sinks.push_back(s.get());
    std::unique_ptr<Source> prefix;
    PipelineOptions po;
    po.algos = req.algos;
    po.block_size = req.block_size;
    po.queue_blocks = req.queue_blocks;
    po.retries = req.retries;
    po.max_bad_sectors = req.max_bad_sectors;
    po.piece_size = req.piece_size;
    po.piece_algos = {HashAlgo::sha256};
    if (resuming) {
      auto pre = open_raw_image(sinks.front()->files());
      if (!pre) return pre.error();
      prefix = std::move(pre.value());
      po.prefix = prefix.get();
      po.resume_offset = resume_from;
      po.prior_bad = prior_bad;
    }
    if (resumable)
      po.on_commit = [&](std::uint64_t at, const std::vector<BadRange>& bad) { (void)state.write(at, bad, sinfo.logical_sector); };
    PipelineResult pr = run_pipeline(source, raw_sinks, po, progress, cancel);
    const bool complete = is_complete(pr.outcome);
    for (auto& s : sinks) {
      Status st = complete ? s->finish(pr.hashes) : s->close_partial();
      if (!st && complete) {
        pr.outcome = Outcome::aborted_destination;
        pr.partial_hashes = pr.hashes;
        pr.hashes.clear();
        pr.error = st.error();
      }
    }
    const auto t_end = evidence::now_time(ws);
    R.ended_utc_ns = t_end.utc_ns;
    R.outcome = to_string(pr.outcome);
    R.outcome_ja = outcome_text(pr.outcome, pr.bad_sectors, true);
    R.outcome_en = outcome_text(pr.outcome, pr.bad_sectors, false);
    if (pr.error) {
      R.outcome_ja += "（" + pr.error->describe(true) + "）";
      R.outcome_en += " (" + pr.error->describe(false) + ")";
    }
    R.bytes_covered = pr.bytes_covered;
    R.bad = pr.bad;
    R.bad_beyond = pr.bad_beyond;
    R.bad_sectors = pr.bad_sectors;
    R.source_hashes = pr.hashes;
    R.partial_hashes = pr.partial_hashes;
    R.pieces = pr.pieces;
    R.acquire_seconds = pr.seconds;
    R.bottleneck = stage_name(pr.bottleneck);
    for (const auto& f : sinks.front()->files()) R.image_files.push_back(f.filename().string());
    if (sinks.size() > 1)
      for (const auto& f : sinks[1]->files()) R.second_image_files.push_back(f.filename().string());
    out.outcome = pr.outcome;
    out.error = pr.error;

    // Verify: re-read the image (always), the source (optional).
    std::vector<std::pair<HashAlgo, std::vector<std::pair<std::string, std::string>>>> hash_files;
    bool all_match = complete;
    if (complete) {
      phase(Phase::verifying_image);
      const auto t_v0 = steady_now_ns();
      for (std::size_t si = 0; si < sinks.size(); ++si) {
        const auto files = sinks[si]->files();
        const std::string label = si == 0 ? "image_reread" : "second_image_reread";
        std::unique_ptr<Source> img;
        if (req.format == ImageFormat::e01) {
          auto o = open_e01_image(files.front());
          if (!o) return o.error();
          img = std::move(o.value());
        } else {
          auto o = open_raw_image(files);
          if (!o) return o.error();
          img = std::move(o.value());
        }
        const std::uint64_t piece = req.format == ImageFormat::split ? effective_segment(req) : 0;
        std::vector<HashAlgo> all_algos;  // requested + stored in the image (E01: MD5, SHA-1)
        for (const auto& h : pr.hashes) all_algos.push_back(h.algo);
        PipelineResult vr = piece ? hash_source_pieces(*img, all_algos, piece, progress, cancel)
                                  : hash_source(*img, all_algos, progress, cancel);
        for (const auto& h : pr.hashes) {
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
          all_match = all_match && c.match;
          R.verification.push_back(c);
        }
        if (req.format == ImageFormat::e01) {
          auto info = read_e01_info(files.front());
          if (info) {
            for (const auto& [algo, stored] : {std::pair{HashAlgo::md5, info->md5}, std::pair{HashAlgo::sha1, info->sha1}}) {
              VerifyCheck c;
              c.what = algo == HashAlgo::md5 ? "e01_stored_md5" : "e01_stored_sha1";
              c.algo = to_string(algo);
              c.actual = stored;
              for (const auto& h : pr.hashes)
                if (h.algo == algo) c.expected = h.hex;
              c.done = !c.expected.empty();
              c.match = c.done && c.expected == c.actual;
              all_match = all_match && (c.match || !c.done);
              R.verification.push_back(c);
            }
          }
        }
        // Hash files: per image file, every algorithm.
        if (si == 0) {
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
                if (!fsrc) return fsrc.error();
                Progress fp;
                auto fr = hash_source(*fsrc.value(), {algo}, fp, cancel);
                if (!fr.hashes.empty()) lines.push_back({f.filename().string(), fr.hashes.front().hex});
              }
            }
            if (algo == HashAlgo::sha256) R.file_sha256 = lines;
            hash_files.push_back({algo, lines});
          }
        }
      }
      if (req.verify_source) {
        phase(Phase::verifying_source);
        std::vector<HashAlgo> all_algos;
        for (const auto& h : pr.hashes) all_algos.push_back(h.algo);
        PipelineResult sr = hash_source(source, all_algos, progress, cancel);
        for (const auto& h : pr.hashes) {
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
          } else if (!c.match && pr.bad_sectors) {
            c.note_ja = "読めないセクタの結果が変わった可能性があります（装置の劣化）";
            c.note_en = "unreadable sectors may have changed between reads (failing device)";
          }
          all_match = all_match && c.match;
          R.verification.push_back(c);
        }
      } else {
        VerifyCheck c;
        c.what = "source_reread";
        c.note_ja = "読み取り元の再読込は指定されていません（--verify-source）";
        c.note_en = "source re-read not requested (--verify-source)";
        R.verification.push_back(c);
      }
      R.verify_seconds = static_cast<double>(steady_now_ns() - t_v0) / 1e9;
      R.verify_ended_utc_ns = evidence::now_time(ws).utc_ns;
    }
    out.verified = complete && all_match;
    out.verify_cancelled = complete && cancel.cancelled();
    if (out.verify_cancelled) {
      out.verified = false;
      R.verify_summary_ja = "検証は中止されました: イメージは最後まで書けていますが、照合していません。shodo verify-image で検証してください";
      R.verify_summary_en = "verification cancelled: the image was written to the end but not checked. Run shodo verify-image on it";
    } else if (complete) {
      R.verify_summary_ja = all_match ? "検証: 一致。イメージは取得したデータと同一です。次は証拠品ラベルと保管記録（custody-form）を印刷してください"
                                      : "検証: 不一致があります。このイメージを解析に使わず、保存先の媒体を替えて取り直してください";
      R.verify_summary_en = all_match ? "verification: MATCH. The image holds exactly the data acquired. Next, print the evidence label and the custody form"
                                      : "verification: MISMATCH. Do not analyse this image; acquire again to a different destination medium";
    } else {
      R.verify_summary_ja = "検証なし: 取得が完了していません";
      R.verify_summary_en = "not verified: the acquisition did not complete";
    }

    // Sidecars next to the image (and the second copy).
    phase(Phase::writing_records);
    const std::string json_text = to_json(R).dump(2) + "\n";
    std::string cmdline = "shodo acquire " + req.source.string() + " --dest " + req.dest_dir.string() + " --name " + req.name +
                          " --format " + to_string(req.format);
    // A sidecar that cannot be written (a full destination) does not lose the job: the register
    // and the chronology below still get the record, and the failure is reported.
    for (auto& f : sinks.front()->files()) out.written.push_back(f);
    if (auto w = write_sidecars(R, req.dest_dir, req.name, json_text, cmdline, hash_files); w)
      for (auto& f : w.value()) out.written.push_back(f);
    else
      out.report_errors.push_back(report_error_for(req.dest_dir, w.error()));
    if (req.second_dest_dir) {
      for (auto& f : sinks[1]->files()) out.written.push_back(f);
      if (auto w = write_sidecars(R, *req.second_dest_dir, req.name, json_text, cmdline, hash_files); w)
        for (auto& f : w.value()) out.written.push_back(f);
      else
        out.report_errors.push_back(report_error_for(*req.second_dest_dir, w.error()));
    }
    std::error_code ec;
    if (complete) fs::remove(state.path, ec);  // nothing left to resume
    else if (resumable && state.write(pr.bytes_covered, pr.bad, sinfo.logical_sector).ok())
      out.state_file = state.path;

    // Evidence register: outcome, hashes, verification.
    json acq = reg->find(img_no) && reg->find(img_no)->acquisition ? evidence::to_json(*reg->find(img_no)->acquisition) : json::object();
    acq["ended"] = evidence::to_json(t_end);
    acq["bytes_read"] = pr.bytes_covered;
    acq["read_errors"] = pr.bad_sectors;
    acq["outcome"] = complete ? (pr.bad_sectors ? "completed_with_errors" : "completed") : "aborted";
    acq["destination_medium_serial"] = dest_serial;
    if (auto st = reg->update_item(ws, img_no, json{{"acquisition", acq}}, "取得終了 / acquisition ended: " + R.outcome); !st)
      return st.error();
    const std::string tool = "shodo " + tool_version() + " (" + std::string(R.tool.value("openssl", "")) + ")";
    for (const auto& h : pr.hashes) {
      evidence::HashRecord hr{to_string(h.algo), h.hex, "whole_device", req.source.string(), 0, "", tool};
      if (auto st = reg->record_hash(ws, src_no, hr); !st) return st.error();
      // On the image item: a raw image's file hash is this value (its path, so that the EV-03
      // manifest can be checked with sha256sum -c); split and E01 files differ from the data they
      // hold, so the data's hash is recorded as such and each file's own hash below.
      if (req.format == ImageFormat::raw && !sinks.front()->files().empty()) {
        hr.scope = "image_file";
        hr.target = sinks.front()->files().front().string();
      }
      if (auto st = reg->record_hash(ws, img_no, hr); !st) return st.error();
    }
    if (!complete)
      for (const auto& h : pr.partial_hashes) {
        evidence::HashRecord hr{to_string(h.algo), h.hex, "partial", "first " + std::to_string(pr.bytes_covered) + " bytes", 0, "", tool};
        if (auto st = reg->record_hash(ws, img_no, hr); !st) return st.error();
      }
    for (const auto& [f, h] : R.file_sha256) {
      evidence::HashRecord hr{"sha256", h, "segment", (req.dest_dir / f).string(), 0, "", tool};
      if (req.format == ImageFormat::raw) continue;  // the image_file hash above is this file's hash
      if (auto st = reg->record_hash(ws, img_no, hr); !st) return st.error();
    }
    for (const auto& c : R.verification) {
      if (!c.done) continue;
      evidence::VerificationEvent v;
      // The register knows image_reread / source_reread; the kind of check goes into the detail.
      v.what = c.what == "source_reread" ? "source_reread" : "image_reread";
      v.match = c.match;
      v.detail = c.what + " " + c.algo + " expected " + c.expected + " actual " + c.actual;
      if (auto st = reg->record_verification(ws, c.what == "source_reread" ? src_no : img_no, v); !st) return st.error();
    }
    std::string hashes;
    for (const auto& h : (complete ? pr.hashes : pr.partial_hashes)) hashes += std::string(" ") + to_string(h.algo) + ":" + h.hex;
    auto e = ws.log().append_system(
        "acquisition_ended",
        "取得終了 / acquisition ended: " + img_no + " " + R.outcome + ", " + std::to_string(pr.bytes_covered) + "/" +
            std::to_string(sinfo.size) + " bytes, " + std::to_string(pr.bad_sectors) + " unreadable sectors, " +
            (complete ? (out.verified ? "verify MATCH" : "verify MISMATCH") : "NO whole-source hash; partial:") + hashes +
            (out.report_errors.empty() ? "" : "; report not written next to the image: " + out.report_errors.front().en),
        {src_no, img_no});
    if (!e) return e.error();
    progress.finished.store(true);
    return std::move(out);
  }
};

}  // namespace

Result<AcquireResult> run_acquisition(Workspace& ws, const AcquireRequest& req, Progress& progress, const CancelToken& cancel,
                                      const AcquireCallbacks& cb) {
  Job job(ws, req, progress, cancel, cb);
  return job.run();
}

Result<ResumeState> parse_resume_state(std::string_view text) {
  const auto bad = [](const std::string& what_ja, const std::string& what_en) {
    return make_error(ErrorCode::invalid_input, "取得の状態ファイルが読めません（" + what_ja + "）",
                      "the acquisition state file cannot be read (" + what_en + ")");
  };
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("JSON オブジェクトではありません", "not a JSON object");
  const auto format = j.find("format");
  if (format == j.end() || !format->is_string() || format->get<std::string>() != "shodo-acquire-state")
    return make_error(ErrorCode::invalid_input, "取得の状態ファイルではありません", "not an acquisition state file");
  try {
    ResumeState s;
    s.incident_id = j.at("incident_id").get<std::string>();
    auto req = request_from_json(j.at("request"));
    if (!req) return req.error();
    s.request = std::move(req.value());
    if (s.request.algos.empty()) return bad("hash_algorithms が空です", "hash_algorithms is empty");
    s.committed_bytes = j.value("committed_bytes", std::uint64_t{0});
    s.bad_ranges = bad_from_json(j.value("bad_ranges", json::array()));
    s.started_utc_ns = j.value("started_utc_ns", std::int64_t{0});
    s.image_evidence_no = j.value("image_evidence_no", "");
    s.source_evidence_no = j.value("source_evidence_no", "");
    s.source_size = j.value("source_size", std::uint64_t{0});
    s.device = j.value("device", json::object());
    if (!s.device.is_object()) return bad("device がオブジェクトではありません", "device is not an object");
    return s;
  } catch (const json::exception& e) {
    return bad(e.what(), e.what());
  }
}

Result<AcquireResult> resume_acquisition(Workspace& ws, const fs::path& state_file, Progress& progress,
                                         const CancelToken& cancel, const AcquireCallbacks& cb) {
  auto text = read_file(state_file);
  if (!text)
    return make_error(ErrorCode::not_found, "取得の状態ファイルがありません: " + state_file.string(),
                      "no acquisition state file: " + state_file.string());
  auto state = parse_resume_state(text.value());
  if (!state) return std::move(state).with_context(state_file.string()).error();
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

Result<ImageVerifyResult> verify_image(const fs::path& image, Progress& progress, const CancelToken& cancel,
                                       const std::vector<HashValue>& expected_in) {
  ImageVerifyResult res;
  std::error_code ec;
  if (!fs::exists(image, ec))
    return make_error(ErrorCode::not_found, "イメージがありません: " + image.string(), "the image does not exist: " + image.string());
  const std::string ext = image.extension().string();
  std::unique_ptr<Source> src;
  fs::path stem = image;
  stem.replace_extension();
  std::optional<EwfStoredInfo> stored;
  if (ext == ".E01" || ext == ".e01") {
    auto o = open_e01_image(image);
    if (!o) return o.error();
    src = std::move(o.value());
    if (auto info = read_e01_info(image); info) stored = info.value();
  } else if (ext == ".001") {
    auto segs = existing_segments(stem);
    auto o = open_raw_image(segs);
    if (!o) return o.error();
    src = std::move(o.value());
  } else {
    auto o = open_raw_image({image});
    if (!o) return o.error();
    src = std::move(o.value());
  }
  // Expected values: given, else the sidecar JSON written at acquisition.
  std::vector<HashValue> expected = expected_in;
  const fs::path sidecar = stem.string() + ".json";
  if (expected.empty() && fs::exists(sidecar, ec)) {
    if (auto text = read_file(sidecar); text) {
      json j = json::parse(text.value(), nullptr, false);
      if (!j.is_discarded()) {
        res.image_evidence_no = j.value("image_evidence_no", "");
        const json hashes = j.value("source_hashes", json::object());  // a named copy: items() must not outlive it
        for (const auto& [k, v] : hashes.items())
          if (auto a = parse_hash_algos(k); a && v.is_string()) expected.push_back({a->front(), v.get<std::string>()});
      }
    }
  }
  if (stored) {
    if (!stored->md5.empty() && std::none_of(expected.begin(), expected.end(), [](auto& h) { return h.algo == HashAlgo::md5; }))
      expected.push_back({HashAlgo::md5, stored->md5});
    if (!stored->sha1.empty() && std::none_of(expected.begin(), expected.end(), [](auto& h) { return h.algo == HashAlgo::sha1; }))
      expected.push_back({HashAlgo::sha1, stored->sha1});
  }
  if (expected.empty())
    return make_error(ErrorCode::invalid_input,
                      "比べるハッシュ値がありません（隣の .json も E01 内の値もありません）。--expect で指定してください",
                      "no hash to compare with (no .json sidecar and none stored in the image): give one with --expect");
  std::vector<HashAlgo> algos;
  for (const auto& h : expected)
    if (std::find(algos.begin(), algos.end(), h.algo) == algos.end()) algos.push_back(h.algo);
  PipelineResult r = hash_source(*src, algos, progress, cancel);
  res.match = r.outcome == Outcome::complete;
  for (const auto& h : expected) {
    VerifyCheck c;
    c.what = "image_reread";
    c.algo = to_string(h.algo);
    c.expected = h.hex;
    c.done = r.outcome == Outcome::complete;
    for (const auto& g : r.hashes)
      if (g.algo == h.algo) c.actual = g.hex;
    c.match = c.done && c.actual == c.expected;
    if (!c.done) {
      c.note_ja = "イメージを最後まで読めませんでした（" + std::string(to_string(r.outcome)) + "）";
      c.note_en = "the image could not be read to the end (" + std::string(to_string(r.outcome)) + ")";
    }
    res.match = res.match && c.match;
    res.checks.push_back(c);
  }
  return res;
}

}  // namespace shodo::acquire
