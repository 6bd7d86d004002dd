// Evidence register: names and labels of item types, the allowed codes, evidence numbers, and
// the recorded times of register events (REQUIREMENTS §4.2).
#include <algorithm>

#include "forensics/case/workspace.hpp"
#include "forensics/chronology/entry.hpp"
#include "forensics/core/clock.hpp"
#include "forensics/evidence/evidence_detail.hpp"

namespace shodo::evidence {

namespace {


struct TypeName {
  ItemType type;
  const char* name;
  const char* ja;
  const char* en;
};
constexpr TypeName k_types[] = {
    {ItemType::physical_device, "physical_device", "物理機器", "physical device"},
    {ItemType::storage_medium, "storage_medium", "記憶媒体", "storage medium"},
    {ItemType::disk_image, "disk_image", "ディスクイメージ", "disk image"},
    {ItemType::memory_capture, "memory_capture", "メモリダンプ", "memory capture"},
    {ItemType::logical_file_set, "logical_file_set", "論理ファイル群", "logical file set"},
    {ItemType::log_export, "log_export", "ログ出力", "log export"},
    {ItemType::photo, "photo", "写真", "photo"},
    {ItemType::document, "document", "文書", "document"},
    {ItemType::backup_medium, "backup_medium", "バックアップ媒体", "backup medium"},
    {ItemType::kit_record_set, "kit_record_set", "キット記録一式", "kit record set"},
};

}  // namespace

namespace detail {

const std::set<std::string> k_hash_algorithms = {"sha256", "sha512", "sha1", "md5"};
const std::set<std::string> k_hash_scopes = {"whole_device", "image_file", "segment", "logical_file", "partial"};
const std::set<std::string> k_verification_kinds = {"image_reread", "source_reread", "transfer_recheck"};
const std::set<std::string> k_dispositions = {"returned", "destroyed", "retained"};
const std::set<std::string> k_events = {"item_added", "transfer",        "item_updated", "hash_recorded",
                                        "verification", "sealed", "storage_changed", "disposition"};

std::size_t hex_length(const std::string& algo) {
  if (algo == "sha256") return 64;
  if (algo == "sha512") return 128;
  if (algo == "sha1") return 40;
  return 32;  // md5
}

bool is_lower_hex(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

Error invalid(const std::string& ja, const std::string& en) { return make_error(ErrorCode::invalid_input, ja, en); }

bool all_digits(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }); }

namespace {

// Numeric parts of an evidence number after the incident ("E001-01" → {1, 1}) for sorting.
std::vector<long> number_parts(const std::string& no) {
  std::vector<long> parts;
  const auto e = no.rfind("-E");
  if (e == std::string::npos) return parts;
  std::string rest = no.substr(e + 2);
  std::size_t pos = 0;
  while (pos <= rest.size()) {
    const auto dash = rest.find('-', pos);
    const std::string part = rest.substr(pos, dash == std::string::npos ? std::string::npos : dash - pos);
    parts.push_back(part.empty() || part.size() > 9 || !all_digits(part) ? -1 : std::stol(part));
    if (dash == std::string::npos) break;
    pos = dash + 1;
  }
  return parts;
}

}  // namespace

bool evidence_less(const std::string& a, const std::string& b) {
  const auto pa = number_parts(a), pb = number_parts(b);
  if (pa != pb) return pa < pb;
  return a < b;
}

bool is_evidence_no(const std::string& no, const std::string& incident) {
  const std::string prefix = incident + "-E";
  if (no.rfind(prefix, 0) != 0) return false;
  std::string_view rest(no);
  rest.remove_prefix(prefix.size());
  std::size_t dash = rest.find('-');
  if (!all_digits(rest.substr(0, dash)) || rest.substr(0, dash).size() < 3) return false;
  while (dash != std::string_view::npos) {
    rest.remove_prefix(dash + 1);
    dash = rest.find('-');
    if (!all_digits(rest.substr(0, dash)) || rest.substr(0, dash).size() < 2) return false;
  }
  return true;
}

std::string parent_of(const std::string& no) {
  const auto e = no.rfind("-E");
  const auto dash = no.rfind('-');
  if (e == std::string::npos || dash == std::string::npos || dash <= e) return {};
  return no.substr(0, dash);
}


}  // namespace detail


std::string_view to_string(ItemType t) {
  for (const auto& n : k_types)
    if (n.type == t) return n.name;
  return "storage_medium";
}

std::optional<ItemType> item_type_from(std::string_view s) {
  for (const auto& n : k_types)
    if (s == n.name) return n.type;
  return std::nullopt;
}

std::string item_type_label(ItemType t, bool japanese) {
  for (const auto& n : k_types)
    if (n.type == t) return japanese ? n.ja : n.en;
  return std::string(to_string(t));
}

const HashRecord* EvidenceItem::primary_sha256() const {
  for (const char* scope : {"image_file", "whole_device"})
    for (const auto& h : hashes)
      if (h.algorithm == "sha256" && h.scope == scope) return &h;
  for (const auto& h : hashes)
    if (h.algorithm == "sha256") return &h;
  return nullptr;
}

RecordedTime now_time(const Workspace& ws) {
  const Clock* clock = ws.log().options().clock ? ws.log().options().clock : &default_clock();
  const ClockReading r = clock->now();
  const auto c = ws.log().time_reference().correct(r);
  RecordedTime t;
  t.utc_ns = c.corrected_utc_ns.value_or(r.sys_utc_ns);
  t.quality = std::string(chronology::to_string(c.quality));
  t.sys_utc_ns = r.sys_utc_ns;
  t.boottime_ns = r.boottime_ns;
  t.boot_id = r.boot_id;
  return t;
}

RecordedTime entered_time(std::int64_t utc_ns, std::string quality) {
  RecordedTime t;
  t.utc_ns = utc_ns;
  t.quality = std::move(quality);
  return t;
}

}  // namespace shodo::evidence
