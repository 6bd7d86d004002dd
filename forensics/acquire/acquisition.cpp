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

#include "forensics/acquire/acquisition_detail.hpp"
#include "forensics/acquire/devices.hpp"
#include "forensics/acquire/sidecar.hpp"
#include "forensics/case/workspace.hpp"
#include "forensics/core/atomic_file.hpp"
#include "forensics/core/clock.hpp"
#include "forensics/core/json_read.hpp"
#include "forensics/core/provenance.hpp"
#include "forensics/evidence/evidence.hpp"
#include "forensics/i18n/format.hpp"

namespace shodo::acquire {
namespace fs = std::filesystem;
using nlohmann::json;
using namespace detail;

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
    case Outcome::aborted_source_gone:
    case Outcome::aborted_source_unresponsive: return 11;
    case Outcome::aborted_destination: return 12;
    case Outcome::aborted_bad_limit: return 13;
    case Outcome::cancelled: return 14;
  }
  return 1;
}

// ---- the verdict ------------------------------------------------------------------------------

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::complete: return "complete";
    case Verdict::complete_with_bad_sectors: return "complete_with_bad_sectors";
    case Verdict::records_incomplete: return "records_incomplete";
    case Verdict::verify_mismatch: return "verify_mismatch";
    case Verdict::verify_cancelled: return "verify_cancelled";
    case Verdict::aborted_source: return "aborted_source";
    case Verdict::aborted_destination: return "aborted_destination";
    case Verdict::aborted_bad_limit: return "aborted_bad_limit";
    case Verdict::cancelled: return "cancelled";
  }
  return "cancelled";
}

int exit_code(Verdict v) {
  switch (v) {
    case Verdict::complete: return 0;
    case Verdict::complete_with_bad_sectors: return 10;
    case Verdict::verify_mismatch: return 4;
    case Verdict::aborted_source: return 11;
    case Verdict::records_incomplete:
    case Verdict::aborted_destination: return 12;
    case Verdict::aborted_bad_limit: return 13;
    case Verdict::verify_cancelled:
    case Verdict::cancelled: return 14;
  }
  return 1;
}

JobVerdict verdict_of(const AcquireResult& r) {
  const AcquisitionRecord& R = r.record;
  JobVerdict v;
  auto reason = [&](std::string ja, std::string en) {
    v.reason_ja = std::move(ja);
    v.reason_en = std::move(en);
  };
  if (!is_complete(r.outcome)) {
    switch (r.outcome) {
      case Outcome::aborted_source_gone:
      case Outcome::aborted_source_unresponsive: v.verdict = Verdict::aborted_source; break;
      case Outcome::aborted_destination: v.verdict = Verdict::aborted_destination; break;
      case Outcome::aborted_bad_limit: v.verdict = Verdict::aborted_bad_limit; break;
      default: v.verdict = Verdict::cancelled; break;
    }
    reason(R.outcome_ja, R.outcome_en);
    return v;
  }
  bool mismatch = !r.verified;
  for (const auto& c : R.verification) mismatch = mismatch || (c.done && !c.match);
  if (r.verify_cancelled) {
    v.verdict = Verdict::verify_cancelled;
    reason(R.verify_summary_ja, R.verify_summary_en);
  } else if (mismatch) {
    v.verdict = Verdict::verify_mismatch;
    reason(R.verify_summary_ja, R.verify_summary_en);
  } else if (!R.failures.empty() || !r.report_errors.empty()) {
    v.verdict = Verdict::records_incomplete;
    const Error& first = !R.failures.empty() ? R.failures.front().error : r.report_errors.front();
    const std::string n = std::to_string(std::max<std::size_t>(R.failures.size(), r.report_errors.size()));
    reason("イメージは完成し検証も一致しましたが、記録 " + n + " 件を保存できませんでした: " + first.describe(true) +
               "。保存先と事案ボリュームの空きを確かめ、記録を残してください",
           "the image is complete and verified, but " + n + " record(s) could not be saved: " + first.describe(false) +
               ". Check the free space of the destination and the case volume, and keep the record");
  } else {
    v.verdict = r.outcome == Outcome::complete ? Verdict::complete : Verdict::complete_with_bad_sectors;
    reason(R.outcome_ja + "。" + R.verify_summary_ja, R.outcome_en + ". " + R.verify_summary_en);
  }
  return v;
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

// Sizes in the preflight lines (both languages at once): the one byte formatter (i18n/format).
std::string bytes_ja(std::uint64_t n) { return i18n::format_bytes(n, i18n::Lang::ja); }
std::string bytes_en(std::uint64_t n) { return i18n::format_bytes(n, i18n::Lang::en); }

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

}  // namespace

namespace detail {

std::uint64_t effective_segment(const AcquireRequest& req) {
  if (req.format == ImageFormat::split) return req.segment_bytes ? req.segment_bytes : k_default_segment_bytes;
  if (req.format == ImageFormat::e01) return req.segment_bytes ? req.segment_bytes : k_default_ewf_segment_bytes;
  return 0;
}

}  // namespace detail

namespace {

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

}  // namespace

namespace detail {

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

}  // namespace detail

namespace {

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
        "保存先の空きが足りません: 空き " + bytes_ja(p.dest_free) + "、必要 " + bytes_ja(need) +
            (e01 ? "（E01 は圧縮されるため足りる可能性はあります）" : "。空きのある保存先を選んでください"),
        "not enough free space at the destination: " + bytes_en(p.dest_free) + " free, " + bytes_en(need) +
            " needed" + (e01 ? " (E01 compresses, so it may still fit)" : ". Choose a destination with more space"));
  } else {
    add(p, "dest_space", true, true, "保存先の空き: " + bytes_ja(p.dest_free) + "（必要 " + bytes_ja(need) + "）",
        "destination free space: " + bytes_en(p.dest_free) + " (" + bytes_en(need) + " needed)");
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
    add(p, "source_size", true, true, "読み取り元: " + i18n::format_bytes_exact(p.source_size, i18n::Lang::ja),
        "source: " + i18n::format_bytes_exact(p.source_size, i18n::Lang::en));
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

namespace detail {

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

// The integer member `key` of a request; `fallback` when absent (nullopt: the key is required).
// A float, a negative count or a value too large for the field throws (and ends as invalid_input
// in request_from_json) instead of being converted out of range (found by fuzz_acquire_state).
template <typename T>
T int_member(const json& j, const char* key, std::optional<T> fallback) {
  if (!j.contains(key)) {
    if (fallback) return *fallback;
    throw std::runtime_error(std::string("key \"") + key + "\" missing");
  }
  const auto v = json_int_value<T>(j[key]);
  if (!v) throw std::runtime_error(std::string("key \"") + key + "\" is not an integer in range");
  return *v;
}

Result<AcquireRequest> request_from_json(const json& j) {
  // nlohmann's at()/get()/value() throw on a missing key or a wrong type; the exception ends here
  // as an invalid_input naming it and never leaves this function.
  try {
    AcquireRequest r;
    r.source = j.at("source").get<std::string>();
    r.dest_dir = j.at("dest_dir").get<std::string>();
    r.name = j.at("name").get<std::string>();
    auto f = parse_image_format(j.at("format").get<std::string>());
    if (!f) return f.error();
    r.format = f.value();
    r.segment_bytes = int_member(j, "segment_bytes", std::optional<std::uint64_t>());
    if (auto c = parse_ewf_compression(j.value("compression", "fast")); c) r.compression = c.value();
    r.algos.clear();
    for (const auto& a : j.at("hash_algorithms")) {
      auto parsed = parse_hash_algos(a.get<std::string>());
      if (!parsed) return parsed.error();
      r.algos.push_back(parsed->front());
    }
    r.piece_size = int_member(j, "piece_size", std::optional<std::uint64_t>(0));
    r.retries = int_member(j, "retries", std::optional<decltype(r.retries)>(2));
    r.max_bad_sectors = int_member(j, "max_bad_sectors", std::optional<std::uint64_t>(0));
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
    r.block_size = int_member(j, "block_size", std::optional<std::size_t>(std::size_t{1u << 20}));
    r.queue_blocks = int_member(j, "queue_blocks", std::optional<std::size_t>(32));
    if (j.contains("second_dest_dir")) r.second_dest_dir = fs::path(j["second_dest_dir"].get<std::string>());
    return r;
  } catch (const std::exception& e) {
    return make_error(ErrorCode::invalid_input, std::string("取得条件（request）が読めません: ") + e.what(),
                      std::string("the request cannot be read: ") + e.what());
  }
}

json bad_json(const std::vector<BadRange>& bad, std::uint32_t ss) {
  json a = json::array();
  for (const auto& b : bad)
    a.push_back({{"offset", b.offset}, {"length", b.length}, {"first_lba", b.offset / ss}, {"sectors", b.length / ss}});
  return a;
}

Result<std::vector<BadRange>> bad_from_json(const json& a) {
  std::vector<BadRange> v;
  if (!a.is_array())
    return make_error(ErrorCode::invalid_input, "読めないセクタの一覧が配列ではありません", "the bad ranges are not a list");
  for (const auto& b : a) {
    if (!b.is_object() || !b.contains("offset") || !b.contains("length") || !b["offset"].is_number_unsigned() ||
        !b["length"].is_number_unsigned())
      return make_error(ErrorCode::invalid_input, "読めないセクタの一覧の項目が不正です: " + b.dump(),
                        "a bad-range entry is malformed: " + b.dump());
    v.push_back({b["offset"].get<std::uint64_t>(), b["length"].get<std::uint64_t>()});
  }
  return v;
}

}  // namespace detail

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
  json failures = json::array();
  for (const auto& f : r.failures)
    failures.push_back({{"stage", f.stage}, {"ja", f.error.describe(true)}, {"en", f.error.describe(false)}});
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
            {"resumed_from", r.resumed_from},
            {"verdict", r.verdict},
            {"verdict_ja", r.verdict_ja},
            {"verdict_en", r.verdict_en},
            {"failures", failures}};
  return j;
}

// ---- shared with the job ---------------------------------------------------------------

namespace detail {

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

Result<std::unique_ptr<Source>> open_image(const SourceOpeners& open, ImageFormat format, const std::vector<fs::path>& files) {
  if (open.image) return open.image(format, files);
  if (files.empty())
    return make_error(ErrorCode::not_found, "イメージファイルがありません", "there are no image files");
  if (format == ImageFormat::e01) return open_e01_image(files.front());
  return open_raw_image(files);
}

}  // namespace detail

// ---- verify-image ---------------------------------------------------------------------------

Result<ImageVerifyResult> verify_image(const fs::path& image, Progress& progress, const CancelToken& cancel,
                                       const std::vector<HashValue>& expected_in, const SourceOpeners& open) {
  ImageVerifyResult res;
  std::error_code ec;
  if (!fs::exists(image, ec))
    return make_error(ErrorCode::not_found, "イメージがありません: " + image.string(), "the image does not exist: " + image.string());
  const std::string ext = image.extension().string();
  fs::path stem = image;
  stem.replace_extension();
  std::optional<EwfStoredInfo> stored;
  Result<std::unique_ptr<Source>> opened = make_error(ErrorCode::not_found, "", "");
  if (ext == ".E01" || ext == ".e01") {
    opened = open_image(open, ImageFormat::e01, {image});
    if (auto info = read_e01_info(image); info) stored = info.value();
  } else if (ext == ".001") {
    opened = open_image(open, ImageFormat::split, existing_segments(stem));
  } else {
    opened = open_image(open, ImageFormat::raw, {image});
  }
  if (!opened) return opened.error();
  std::unique_ptr<Source> src = std::move(opened.value());
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
