// Evidence register (REQUIREMENTS §4): JSON forms, the hash-chained register file, the fold.
//
// Sections:
//   1. names and labels      — item types, allowed codes
//   2. JSON                  — writers (empty fields omitted) and a reader that names bad fields
//   3. register lines        — parse + verify one line, verify a file
//   4. fold                  — events → current items and transfers
//   5. EvidenceRegister      — open, numbering, the write path (flock, one write + fsync, chronology)
#include "forensics/evidence/evidence.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <map>
#include <set>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "forensics/case/workspace.hpp"
#include "forensics/chronology/entry.hpp"
#include "forensics/core/atomic_file.hpp"
#include "forensics/core/clock.hpp"
#include "forensics/i18n/catalogue.hpp"

namespace shodo::evidence {
namespace fs = std::filesystem;
using nlohmann::json;

// ---------------------------------------------------------------------------------------
// 1. names and labels

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

// Text that holds nothing but spaces (ASCII white space or the ideographic space U+3000, which a
// Japanese input method types): a required field filled this way is as empty as "".
bool blank(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
      ++i;
    } else if (s.substr(i, 3) == "\xE3\x80\x80") {
      i += 3;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

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

// ---------------------------------------------------------------------------------------
// 2. JSON

namespace {

void put(json& j, const char* key, const std::string& v) {
  if (!v.empty()) j[key] = v;
}
void put(json& j, const char* key, const std::vector<std::string>& v) {
  if (!v.empty()) j[key] = v;
}
void put(json& j, const char* key, const Person& p) {
  if (!p.empty()) j[key] = to_json(p);
}

// Reads fields of one JSON object; the first problem is kept and names the field path.
class Reader {
 public:
  Reader(const json& j, std::string where) : m_j(j), m_where(std::move(where)) {
    if (!j.is_object()) fail("", "オブジェクトではありません", "not an object");
  }
  bool ok() const { return !m_error.has_value(); }
  Error error() const { return *m_error; }
  std::string path(const char* key) const { return m_where.empty() ? key : m_where + "." + key; }

  void fail(const char* key, const char* ja, const char* en) {
    if (m_error) return;
    const std::string p = key && *key ? path(key) : m_where;
    m_error = invalid("証拠品記録の項目 " + p + " が不正です（" + ja + "）", "evidence record field " + p + " is invalid (" + en + ")");
  }
  void fail_with(Error e) {
    if (!m_error) m_error = std::move(e);
  }
  const json* get(const char* key) const {
    if (!m_j.is_object()) return nullptr;
    auto it = m_j.find(key);
    return it == m_j.end() || it->is_null() ? nullptr : &*it;
  }
  std::string str(const char* key, bool required = false) {
    const json* v = get(key);
    if (!v) {
      if (required) fail(key, "ありません", "missing");
      return {};
    }
    if (!v->is_string()) {
      fail(key, "文字列ではありません", "not a string");
      return {};
    }
    return v->get<std::string>();
  }
  std::optional<std::int64_t> opt_i64(const char* key) {
    const json* v = get(key);
    if (!v) return std::nullopt;
    if (!v->is_number_integer()) {
      fail(key, "整数ではありません", "not an integer");
      return std::nullopt;
    }
    return v->get<std::int64_t>();
  }
  std::int64_t i64(const char* key, bool required = false) {
    auto v = opt_i64(key);
    if (!v && required && !get(key)) fail(key, "ありません", "missing");
    return v.value_or(0);
  }
  std::optional<bool> opt_bool(const char* key) {
    const json* v = get(key);
    if (!v) return std::nullopt;
    if (!v->is_boolean()) {
      fail(key, "真偽値ではありません", "not true/false");
      return std::nullopt;
    }
    return v->get<bool>();
  }
  std::vector<std::string> strs(const char* key) {
    std::vector<std::string> out;
    const json* v = get(key);
    if (!v) return out;
    if (!v->is_array()) {
      fail(key, "配列ではありません", "not an array");
      return out;
    }
    for (const auto& e : *v) {
      if (!e.is_string()) {
        fail(key, "文字列以外の要素があります", "has an element that is not a string");
        return {};
      }
      out.push_back(e.get<std::string>());
    }
    return out;
  }
  const json* array(const char* key) {
    const json* v = get(key);
    if (v && !v->is_array()) {
      fail(key, "配列ではありません", "not an array");
      return nullptr;
    }
    return v;
  }
  Person person(const char* key) {
    const json* v = get(key);
    if (!v) return {};
    auto p = person_from_json(*v);
    if (!p) {
      fail(key, "人物の記録が不正です", "bad person record");
      return {};
    }
    return p.value();
  }
  std::optional<RecordedTime> time(const char* key) {
    const json* v = get(key);
    if (!v) return std::nullopt;
    Reader r(*v, path(key));
    RecordedTime t;
    t.utc_ns = r.i64("utc_ns", true);
    t.quality = r.str("quality");
    t.sys_utc_ns = r.i64("sys_utc_ns");
    t.boottime_ns = r.i64("boottime_ns");
    t.boot_id = r.str("boot_id");
    if (!r.ok()) {
      fail_with(r.error());
      return std::nullopt;
    }
    return t;
  }

 private:
  const json& m_j;
  std::string m_where;
  std::optional<Error> m_error;
};

// The first string anywhere in `j` that is not valid UTF-8, as a field path; empty when all are.
std::string non_utf8_field(const json& j, const std::string& path) {
  if (j.is_string()) return is_valid_utf8(j.get_ref<const std::string&>()) ? std::string() : (path.empty() ? "?" : path);
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (!is_valid_utf8(it.key())) return path + "." + "?";
      auto p = non_utf8_field(it.value(), path.empty() ? it.key() : path + "." + it.key());
      if (!p.empty()) return p;
    }
  }
  if (j.is_array()) {
    std::size_t i = 0;
    for (const auto& e : j) {
      auto p = non_utf8_field(e, path + "[" + std::to_string(i++) + "]");
      if (!p.empty()) return p;
    }
  }
  return {};
}

Status check_utf8(const json& j) {
  const std::string p = non_utf8_field(j, "");
  if (p.empty()) return ok_status();
  // "item.description" → "品目・説明 (item.description)": the name on the form, then the JSON path.
  const std::string last = p.substr(p.find_last_of('.') == std::string::npos ? 0 : p.find_last_of('.') + 1);
  const std::string key = "evidence.field." + last.substr(0, last.find('['));
  auto name = [&](i18n::Lang l) {
    const std::string label = i18n::tr(key, l);
    return label == key ? p : label + " (" + p + ")";
  };
  return invalid("文字コードが UTF-8 ではありません（項目 " + name(i18n::Lang::ja) + "）。UTF-8 で入力し直してください",
                 "text is not valid UTF-8 (field " + name(i18n::Lang::en) + "); enter it again as UTF-8");
}

}  // namespace

json to_json(const Person& p) {
  json j = json::object();
  put(j, "name", p.name);
  put(j, "role", p.role);
  put(j, "organisation", p.organisation);
  put(j, "phone", p.phone);
  return j;
}

json to_json(const RecordedTime& t) {
  json j = {{"utc_ns", t.utc_ns}};
  put(j, "quality", t.quality);
  if (t.sys_utc_ns) j["sys_utc_ns"] = t.sys_utc_ns;
  if (t.boottime_ns) j["boottime_ns"] = t.boottime_ns;
  put(j, "boot_id", t.boot_id);
  return j;
}

json to_json(const HashRecord& h) {
  json j = {{"algorithm", h.algorithm}, {"value", h.value}, {"computed_utc_ns", h.computed_utc_ns}};
  put(j, "scope", h.scope);
  put(j, "target", h.target);
  put(j, "computed_by", h.computed_by);
  put(j, "tool", h.tool);
  return j;
}

json to_json(const VerificationEvent& v) {
  json j = {{"utc_ns", v.utc_ns}, {"what", v.what}, {"match", v.match}};
  put(j, "by", v.by);
  put(j, "detail", v.detail);
  return j;
}

json to_json(const Acquisition& a) {
  json j = json::object();
  put(j, "method", a.method);
  put(j, "tool_name", a.tool_name);
  put(j, "tool_version", a.tool_version);
  put(j, "kit_version", a.kit_version);
  put(j, "kit_image_sha256", a.kit_image_sha256);
  put(j, "write_protection", a.write_protection);
  put(j, "source_device_path", a.source_device_path);
  put(j, "destination_medium_serial", a.destination_medium_serial);
  put(j, "destination_path", a.destination_path);
  put(j, "image_format", a.image_format);
  j["started"] = to_json(a.started);
  j["ended"] = to_json(a.ended);
  j["bytes_read"] = a.bytes_read;
  j["read_errors"] = a.read_errors;
  put(j, "operator", a.operator_);
  put(j, "witness", a.witness);
  put(j, "deviations", a.deviations);
  put(j, "outcome", a.outcome);
  return j;
}

json to_json(const Disposition& d) {
  json j = {{"action", d.action}, {"utc_ns", d.utc_ns}};
  put(j, "detail", d.detail);
  put(j, "by", d.by);
  put(j, "approved_by", d.approved_by);
  return j;
}

json to_json(const EvidenceItem& i) {
  json j = json::object();
  put(j, "case_no", i.case_no);
  put(j, "evidence_no", i.evidence_no);
  put(j, "label_id", i.label_id);
  put(j, "seal_no", i.seal_no);
  put(j, "bag_no", i.bag_no);
  put(j, "derived_from", i.derived_from);
  put(j, "description", i.description);
  j["item_type"] = std::string(to_string(i.item_type));
  put(j, "make", i.make);
  put(j, "model", i.model);
  put(j, "serial_no", i.serial_no);
  if (i.capacity_bytes) j["capacity_bytes"] = *i.capacity_bytes;
  put(j, "interface", i.interface);
  put(j, "asset_id", i.asset_id);
  put(j, "hostname", i.hostname);
  put(j, "ip_addresses", i.ip_addresses);
  put(j, "mac_addresses", i.mac_addresses);
  put(j, "owner_org", i.owner_org);
  put(j, "condition", i.condition);
  put(j, "found_location", i.found_location);
  if (i.found_time) j["found_time"] = to_json(*i.found_time);
  if (i.collected_time) j["collected_time"] = to_json(*i.collected_time);
  put(j, "collected_by", i.collected_by);
  put(j, "witness", i.witness);
  put(j, "collection_reason", i.collection_reason);
  put(j, "source_clock_reading", i.source_clock_reading);
  if (i.source_clock_offset_ns) j["source_clock_offset_ns"] = *i.source_clock_offset_ns;
  put(j, "source_timezone", i.source_timezone);
  if (!i.photos.empty()) {
    json a = json::array();
    for (const auto& p : i.photos) a.push_back({{"file", p.file}, {"sha256", p.sha256}});
    j["photos"] = a;
  }
  if (i.acquisition) j["acquisition"] = to_json(*i.acquisition);
  if (!i.hashes.empty()) {
    json a = json::array();
    for (const auto& h : i.hashes) a.push_back(to_json(h));
    j["hashes"] = a;
  }
  if (!i.verification_events.empty()) {
    json a = json::array();
    for (const auto& v : i.verification_events) a.push_back(to_json(v));
    j["verification_events"] = a;
  }
  put(j, "storage_location", i.storage_location);
  put(j, "storage_conditions", i.storage_conditions);
  put(j, "access_restriction", i.access_restriction);
  if (i.disposition) j["disposition"] = to_json(*i.disposition);
  put(j, "refs", i.refs);
  return j;
}

json to_json(const Transfer& t) {
  json j = json::object();
  put(j, "transfer_id", t.transfer_id);
  j["evidence_nos"] = t.evidence_nos;
  j["from"] = to_json(t.from);
  j["to"] = to_json(t.to);
  j["time"] = to_json(t.time);
  put(j, "purpose", t.purpose);
  put(j, "method", t.method);
  put(j, "courier", t.courier);
  put(j, "tracking_no", t.tracking_no);
  put(j, "seal_no_before", t.seal_no_before);
  if (t.seal_intact) j["seal_intact"] = *t.seal_intact;
  put(j, "seal_no_after", t.seal_no_after);
  put(j, "condition_on_receipt", t.condition_on_receipt);
  if (t.hash_reverified) j["hash_reverified"] = *t.hash_reverified;
  put(j, "hash_reverified_detail", t.hash_reverified_detail);
  put(j, "signed_form_sha256", t.signed_form_sha256);
  put(j, "signed_form_file", t.signed_form_file);
  return j;
}

Result<Person> person_from_json(const json& j) {
  Reader r(j, "person");
  Person p;
  p.name = r.str("name");
  p.role = r.str("role");
  p.organisation = r.str("organisation");
  p.phone = r.str("phone");
  if (!r.ok()) return r.error();
  return p;
}

Result<HashRecord> hash_from_json(const json& j) {
  Reader r(j, "hashes[]");
  HashRecord h;
  h.algorithm = r.str("algorithm", true);
  h.value = r.str("value", true);
  h.scope = r.str("scope");
  h.target = r.str("target");
  h.computed_utc_ns = r.i64("computed_utc_ns");
  h.computed_by = r.str("computed_by");
  h.tool = r.str("tool");
  if (!r.ok()) return r.error();
  return h;
}

Result<VerificationEvent> verification_from_json(const json& j) {
  Reader r(j, "verification_events[]");
  VerificationEvent v;
  v.utc_ns = r.i64("utc_ns");
  v.by = r.str("by");
  v.what = r.str("what", true);
  v.match = r.opt_bool("match").value_or(false);
  if (!r.get("match")) r.fail("match", "ありません", "missing");
  v.detail = r.str("detail");
  if (!r.ok()) return r.error();
  return v;
}

namespace {

Result<Acquisition> acquisition_from_json(const json& j) {
  Reader r(j, "acquisition");
  Acquisition a;
  a.method = r.str("method");
  a.tool_name = r.str("tool_name");
  a.tool_version = r.str("tool_version");
  a.kit_version = r.str("kit_version");
  a.kit_image_sha256 = r.str("kit_image_sha256");
  a.write_protection = r.str("write_protection");
  a.source_device_path = r.str("source_device_path");
  a.destination_medium_serial = r.str("destination_medium_serial");
  a.destination_path = r.str("destination_path");
  a.image_format = r.str("image_format");
  a.started = r.time("started").value_or(RecordedTime{});
  a.ended = r.time("ended").value_or(RecordedTime{});
  a.bytes_read = r.i64("bytes_read");
  a.read_errors = r.i64("read_errors");
  a.operator_ = r.person("operator");
  a.witness = r.person("witness");
  a.deviations = r.str("deviations");
  a.outcome = r.str("outcome");
  if (!r.ok()) return r.error();
  return a;
}

Result<Disposition> disposition_from_json(const json& j) {
  Reader r(j, "disposition");
  Disposition d;
  d.action = r.str("action", true);
  d.detail = r.str("detail");
  d.by = r.person("by");
  d.approved_by = r.str("approved_by");
  d.utc_ns = r.i64("utc_ns");
  if (!r.ok()) return r.error();
  return d;
}

}  // namespace

Result<EvidenceItem> item_from_json(const json& j) {
  Reader r(j, "item");
  EvidenceItem i;
  i.case_no = r.str("case_no");
  i.evidence_no = r.str("evidence_no");
  i.label_id = r.str("label_id");
  i.seal_no = r.str("seal_no");
  i.bag_no = r.str("bag_no");
  i.derived_from = r.str("derived_from");
  i.description = r.str("description");
  const std::string type = r.str("item_type", true);
  if (r.ok()) {
    if (auto t = item_type_from(type))
      i.item_type = *t;
    else
      r.fail("item_type", "未知の種別です", "unknown item type");
  }
  i.make = r.str("make");
  i.model = r.str("model");
  i.serial_no = r.str("serial_no");
  i.capacity_bytes = r.opt_i64("capacity_bytes");
  i.interface = r.str("interface");
  i.asset_id = r.str("asset_id");
  i.hostname = r.str("hostname");
  i.ip_addresses = r.strs("ip_addresses");
  i.mac_addresses = r.strs("mac_addresses");
  i.owner_org = r.str("owner_org");
  i.condition = r.str("condition");
  i.found_location = r.str("found_location");
  i.found_time = r.time("found_time");
  i.collected_time = r.time("collected_time");
  i.collected_by = r.person("collected_by");
  i.witness = r.person("witness");
  i.collection_reason = r.str("collection_reason");
  i.source_clock_reading = r.str("source_clock_reading");
  i.source_clock_offset_ns = r.opt_i64("source_clock_offset_ns");
  i.source_timezone = r.str("source_timezone");
  if (const json* photos = r.array("photos")) {
    for (const auto& p : *photos) {
      Reader pr(p, "photos[]");
      FileRef f{pr.str("file", true), pr.str("sha256")};
      if (!pr.ok()) r.fail_with(pr.error());
      i.photos.push_back(std::move(f));
    }
  }
  if (const json* a = r.get("acquisition")) {
    auto acq = acquisition_from_json(*a);
    if (acq)
      i.acquisition = acq.value();
    else
      r.fail_with(acq.error());
  }
  if (const json* hashes = r.array("hashes")) {
    for (const auto& h : *hashes) {
      auto hr = hash_from_json(h);
      if (hr)
        i.hashes.push_back(hr.value());
      else
        r.fail_with(hr.error());
    }
  }
  if (const json* vs = r.array("verification_events")) {
    for (const auto& v : *vs) {
      auto vr = verification_from_json(v);
      if (vr)
        i.verification_events.push_back(vr.value());
      else
        r.fail_with(vr.error());
    }
  }
  i.storage_location = r.str("storage_location");
  i.storage_conditions = r.str("storage_conditions");
  i.access_restriction = r.str("access_restriction");
  if (const json* d = r.get("disposition")) {
    auto dr = disposition_from_json(*d);
    if (dr)
      i.disposition = dr.value();
    else
      r.fail_with(dr.error());
  }
  i.refs = r.strs("refs");
  if (!r.ok()) return r.error();
  return i;
}

Result<Transfer> transfer_from_json(const json& j) {
  Reader r(j, "transfer");
  Transfer t;
  t.transfer_id = r.str("transfer_id");
  t.evidence_nos = r.strs("evidence_nos");
  t.from = r.person("from");
  t.to = r.person("to");
  t.time = r.time("time").value_or(RecordedTime{});
  t.purpose = r.str("purpose");
  t.method = r.str("method");
  t.courier = r.str("courier");
  t.tracking_no = r.str("tracking_no");
  t.seal_no_before = r.str("seal_no_before");
  t.seal_intact = r.opt_bool("seal_intact");
  t.seal_no_after = r.str("seal_no_after");
  t.condition_on_receipt = r.str("condition_on_receipt");
  t.hash_reverified = r.opt_bool("hash_reverified");
  t.hash_reverified_detail = r.str("hash_reverified_detail");
  t.signed_form_sha256 = r.str("signed_form_sha256");
  t.signed_form_file = r.str("signed_form_file");
  if (!r.ok()) return r.error();
  return t;
}

// ---------------------------------------------------------------------------------------
// 3. register lines

namespace {

struct LineProblem {
  std::string ja, en;
};

// Parses and verifies line `line_no` (1-based, without its '\n') against the previous hash.
std::optional<LineProblem> parse_line(std::string_view line, std::int64_t line_no, const std::string& prev_hash,
                                      const std::string& incident_id, RegisterEvent& out) {
  auto bad = [&](const std::string& ja, const std::string& en) { return LineProblem{ja, en}; };
  if (!is_valid_utf8(line)) return bad("UTF-8 として読めません", "not valid UTF-8");
  json j = json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("JSON オブジェクトとして読めません", "not a JSON object");
  // Lines are stored in canonical form (FORMATS.md) and the hash covers the canonical form of what
  // was parsed: without this, a reformatted line, or bytes after a NUL (where JSON parsers stop),
  // would still verify although the stored bytes were changed.
  if (chronology::canonical_json(j) != line)
    return bad("正規形（キー順・空白なし）ではありません（行が書き換えられています）",
               "not in canonical form (the line was rewritten)");
  Reader r(j, "");
  const std::string format = r.str("format", true);
  const std::int64_t version = r.i64("version", true);
  out.seq = r.i64("seq", true);
  out.event = r.str("event", true);
  out.event_id = r.str("event_id", true);
  out.evidence_no = r.str("evidence_no");
  const std::string incident = r.str("incident_id", true);
  out.device_id = r.str("device_id");
  out.author = r.str("author");
  out.recorded = r.time("recorded").value_or(RecordedTime{});
  if (!r.get("recorded")) r.fail("recorded", "ありません", "missing");
  out.prev_hash = r.str("prev_hash", true);
  out.event_hash = r.str("event_hash", true);
  if (!r.ok()) return bad(r.error().ja, r.error().en);
  if (format != k_event_format || version != k_event_version)
    return bad("形式が \"" + std::string(k_event_format) + "\" 版 1 ではありません（" + format + " 版 " + std::to_string(version) + "）",
               "format is not \"" + std::string(k_event_format) + "\" version 1 (" + format + " version " +
                   std::to_string(version) + ")");
  if (!incident_id.empty() && incident != incident_id)
    return bad("別のインシデント（" + incident + "）の記録です", "the line belongs to another incident (" + incident + ")");
  if (out.seq != line_no)
    return bad("通番が " + std::to_string(out.seq) + " です（" + std::to_string(line_no) + " のはず。行の削除・挿入の疑い）",
               "sequence number is " + std::to_string(out.seq) + ", expected " + std::to_string(line_no) +
                   " (a line was deleted or inserted?)");
  if (!k_events.count(out.event)) return bad("未知の事象 \"" + out.event + "\"", "unknown event \"" + out.event + "\"");
  if (out.prev_hash != prev_hash)
    return bad("直前の行のハッシュと繋がっていません（行の削除・入れ替えの疑い）",
               "prev_hash does not match the previous line (a line was deleted or reordered?)");
  if (chronology::compute_entry_hash(prev_hash, [&] {
        json c = j;
        c.erase("event_hash");
        return c;
      }()) != out.event_hash)
    return bad("ハッシュ値が一致しません（内容が書き換えられています）", "event_hash does not match (the line was altered)");
  const json* payload = r.get("payload");
  if (!payload || !payload->is_object()) return bad("payload がありません", "payload missing");
  out.payload = *payload;
  if (out.event != "transfer" && out.evidence_no.empty())
    return bad("証拠番号 evidence_no がありません", "evidence_no missing");
  return std::nullopt;
}

// Splits the file into lines and verifies each; stops at the first problem.
RegisterCheck scan(std::string_view data, const std::string& incident_id, std::vector<RegisterEvent>& events) {
  RegisterCheck c;
  c.head_hash = chronology::k_genesis_hash;
  std::string prev = chronology::k_genesis_hash;
  std::size_t pos = 0;
  std::int64_t line_no = 0;
  while (pos < data.size()) {
    ++line_no;
    const std::size_t nl = data.find('\n', pos);
    if (nl == std::string_view::npos) {
      c.bad_line = line_no;
      c.problem_ja = "最後の行が途中で切れています（書き込み中断の疑い）";
      c.problem_en = "the last line is incomplete (interrupted write?)";
      c.torn_tail = true;
      return c;
    }
    ++c.lines;
    RegisterEvent ev;
    if (auto p = parse_line(data.substr(pos, nl - pos), line_no, prev, incident_id, ev)) {
      c.bad_line = line_no;
      c.problem_ja = p->ja;
      c.problem_en = p->en;
      return c;
    }
    prev = ev.event_hash;
    c.head_hash = ev.event_hash;
    events.push_back(std::move(ev));
    ++c.good;
    pos = nl + 1;
  }
  return c;
}

bool all_digits(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }); }

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

bool evidence_less(const std::string& a, const std::string& b) {
  const auto pa = number_parts(a), pb = number_parts(b);
  if (pa != pb) return pa < pb;
  return a < b;
}

// "<incident>-E###" (3+ digits) optionally followed by "-##" groups (2+ digits each).
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

}  // namespace

// ---------------------------------------------------------------------------------------
// 4. fold

namespace {

struct Folded {
  std::map<std::string, EvidenceItem> items;
  std::vector<Transfer> transfers;
};

// Applies the events in order. A problem here (event for an unknown item, unreadable payload) is
// damage of a line whose hash is intact: a hand-made line or a newer format.
std::optional<RegisterCheck> fold(const std::vector<RegisterEvent>& events, Folded& f) {
  for (const auto& ev : events) {
    auto bad = [&](const std::string& ja, const std::string& en) {
      RegisterCheck c;
      c.lines = static_cast<std::int64_t>(events.size());
      c.good = ev.seq - 1;
      c.bad_line = ev.seq;
      c.problem_ja = ja;
      c.problem_en = en;
      return c;
    };
    const json& p = ev.payload;
    if (ev.event == "transfer") {
      if (!p.contains("transfer")) return bad("transfer の内容がありません", "transfer payload missing");
      auto t = transfer_from_json(p["transfer"]);
      if (!t) return bad(t.error().ja, t.error().en);
      for (const auto& no : t->evidence_nos) {
        auto it = f.items.find(no);
        if (it == f.items.end()) return bad("未登録の証拠品 " + no + " の受け渡しです", "transfer of unregistered item " + no);
        it->second.current_custodian = t->to;
        if (!t->seal_no_after.empty()) it->second.seal_no = t->seal_no_after;
        if (t->hash_reverified)
          it->second.verification_events.push_back(
              {t->time.utc_ns, t->to.name, "transfer_recheck", *t->hash_reverified,
               t->transfer_id + (t->hash_reverified_detail.empty() ? "" : ": " + t->hash_reverified_detail)});
      }
      f.transfers.push_back(t.value());
      continue;
    }
    if (ev.event == "item_added") {
      if (!p.contains("item")) return bad("item の内容がありません", "item payload missing");
      auto item = item_from_json(p["item"]);
      if (!item) return bad(item.error().ja, item.error().en);
      if (item->evidence_no != ev.evidence_no || f.items.count(ev.evidence_no))
        return bad("証拠番号 " + ev.evidence_no + " が重複または不一致です", "evidence number " + ev.evidence_no + " duplicated or inconsistent");
      item->current_custodian = item->collected_by;
      item->registered_utc_ns = ev.recorded.utc_ns;
      item->registered_by = ev.author;
      f.items.emplace(ev.evidence_no, std::move(item.value()));
      continue;
    }
    auto it = f.items.find(ev.evidence_no);
    if (it == f.items.end())
      return bad("未登録の証拠品 " + ev.evidence_no + " への記録です", "event for unregistered item " + ev.evidence_no);
    EvidenceItem& item = it->second;
    if (ev.event == "item_updated") {
      if (!p.contains("changes") || !p["changes"].is_object()) return bad("changes がありません", "changes missing");
      json j = to_json(item);
      for (auto c = p["changes"].begin(); c != p["changes"].end(); ++c) {
        if (c.value().is_null())
          j.erase(c.key());
        else
          j[c.key()] = c.value();
      }
      auto updated = item_from_json(j);
      if (!updated) return bad(updated.error().ja, updated.error().en);
      updated->current_custodian = item.current_custodian;
      updated->registered_utc_ns = item.registered_utc_ns;
      updated->registered_by = item.registered_by;
      item = std::move(updated.value());
    } else if (ev.event == "hash_recorded") {
      if (!p.contains("hash")) return bad("hash がありません", "hash missing");
      auto h = hash_from_json(p["hash"]);
      if (!h) return bad(h.error().ja, h.error().en);
      item.hashes.push_back(h.value());
    } else if (ev.event == "verification") {
      if (!p.contains("verification")) return bad("verification がありません", "verification missing");
      auto v = verification_from_json(p["verification"]);
      if (!v) return bad(v.error().ja, v.error().en);
      item.verification_events.push_back(v.value());
    } else if (ev.event == "sealed") {
      Reader r(p, "payload");
      item.seal_no = r.str("seal_no", true);
      const std::string bag = r.str("bag_no");
      if (!bag.empty()) item.bag_no = bag;
      if (!r.ok()) return bad(r.error().ja, r.error().en);
    } else if (ev.event == "storage_changed") {
      Reader r(p, "payload");
      item.storage_location = r.str("storage_location");
      item.storage_conditions = r.str("storage_conditions");
      item.access_restriction = r.str("access_restriction");
      if (!r.ok()) return bad(r.error().ja, r.error().en);
    } else if (ev.event == "disposition") {
      if (!p.contains("disposition")) return bad("disposition がありません", "disposition missing");
      auto d = disposition_from_json(p["disposition"]);
      if (!d) return bad(d.error().ja, d.error().en);
      item.disposition = d.value();
    }
  }
  return std::nullopt;
}

Error unknown_item(const std::string& no) {
  auto text = [&](i18n::Lang l) {
    std::string s = i18n::tr("evidence.error.not_registered", l);
    const auto at = s.find("{no}");
    if (at != std::string::npos) s.replace(at, 4, no);
    return s;
  };
  return make_error(ErrorCode::not_found, text(i18n::Lang::ja), text(i18n::Lang::en));
}

Error damaged(const fs::path& file, const RegisterCheck& c) {
  const std::string line = c.bad_line ? std::to_string(*c.bad_line) : "?";
  return make_error(ErrorCode::integrity,
                    "証拠品台帳が損傷しています（" + file.string() + " の " + line + " 行目: " + c.problem_ja +
                        "）。台帳には書き込みません。ファイルを保全し、責任者に報告してください",
                    "the evidence register is damaged (" + file.string() + " line " + line + ": " + c.problem_en +
                        "). Nothing is written to it; preserve the file and report to the incident lead");
}

}  // namespace

namespace {

// Chain (scan) and consistency (fold) of a register file; `events` gets the verified lines.
RegisterCheck check_file(const fs::path& register_file, const std::string& incident_id, std::vector<RegisterEvent>& events) {
  RegisterCheck c;
  c.head_hash = chronology::k_genesis_hash;
  std::error_code ec;
  if (!fs::exists(register_file, ec)) return c;
  auto data = read_file(register_file);
  if (!data) {
    c.bad_line = 0;
    c.problem_ja = data.error().ja;
    c.problem_en = data.error().en;
    return c;
  }
  c = scan(data.value(), incident_id, events);
  if (!c.ok()) return c;
  // Lines whose chain is intact but whose events do not fit together (a transfer of an item never
  // added, a second item_added): written by hand with the hashes recomputed, or a newer format.
  Folded f;
  if (auto p = fold(events, f)) {
    p->head_hash = c.head_hash;
    return *p;
  }
  return c;
}

// The chronology names every register event it recorded: a missing one means lines were cut off
// the end of the register (the hash chain alone cannot show a truncation).
std::optional<RegisterCheck> missing_from_register(const std::vector<RegisterEvent>& events, const Workspace& ws) {
  std::set<std::string> ids;
  for (const auto& e : events) ids.insert(e.event_id);
  for (const auto& e : ws.log().entries()) {
    if (e.system_event.rfind("evidence_", 0) != 0) continue;
    for (const auto& ref : e.refs) {
      if (ref.rfind("evidence-event:", 0) != 0) continue;
      const std::string id = ref.substr(15);
      if (ids.count(id)) continue;
      RegisterCheck c;
      c.lines = static_cast<std::int64_t>(events.size());
      c.good = c.lines;
      c.bad_line = c.lines + 1;
      c.problem_ja = "クロノロジー No. " + std::to_string(e.seq) + " が記録した事象 " + id + " が台帳にありません（末尾の行が削除された疑い）";
      c.problem_en = "event " + id + " recorded in chronology No. " + std::to_string(e.seq) +
                     " is missing from the register (lines cut off the end?)";
      return c;
    }
  }
  return std::nullopt;
}

}  // namespace

RegisterCheck verify_register(const fs::path& register_file) {
  std::vector<RegisterEvent> events;
  return check_file(register_file, {}, events);
}

RegisterCheck verify_register(const Workspace& ws) {
  std::vector<RegisterEvent> events;
  RegisterCheck c = check_file(ws.dir() / "evidence" / k_register_file, ws.incident().incident_id, events);
  if (!c.ok()) return c;
  if (auto missing = missing_from_register(events, ws)) return *missing;
  return c;
}

// ---------------------------------------------------------------------------------------
// 5. EvidenceRegister

Result<EvidenceRegister> EvidenceRegister::open_dir(const fs::path& incident_dir, const std::string& incident_id) {
  EvidenceRegister reg;
  reg.m_file = incident_dir / "evidence" / k_register_file;
  reg.m_incident_id = incident_id;
  if (auto st = reg.reload(); !st) return st.error();
  return reg;
}

Result<EvidenceRegister> EvidenceRegister::open(const Workspace& ws) {
  auto reg = open_dir(ws.dir(), ws.incident().incident_id);
  if (!reg) return reg;
  if (auto missing = missing_from_register(reg->m_events, ws)) return damaged(reg->m_file, *missing);
  return reg;
}

Status EvidenceRegister::reload() {
  m_events.clear();
  m_size = 0;
  std::error_code ec;
  if (!fs::exists(m_file, ec)) return ok_status();
  auto data = read_file(m_file);
  if (!data) return std::move(data.error());
  std::vector<RegisterEvent> events;
  RegisterCheck c = scan(data.value(), m_incident_id, events);
  if (!c.ok()) return damaged(m_file, c);
  Folded f;
  if (auto p = fold(events, f)) return damaged(m_file, *p);
  m_events = std::move(events);
  m_size = data->size();
  return ok_status();
}

std::string EvidenceRegister::full_number(const std::string& typed) const {
  if (typed.size() > 1 && (typed[0] == 'E' || typed[0] == 'e') && typed[1] >= '0' && typed[1] <= '9') {
    std::string s = typed;
    s[0] = 'E';
    return m_incident_id + "-" + s;
  }
  return typed;
}

Result<std::string> EvidenceRegister::next_evidence_no(const std::string& parent) const {
  const auto all = items();
  std::string prefix;
  int width = 3;
  if (parent.empty()) {
    prefix = m_incident_id + "-E";
  } else {
    if (!is_evidence_no(parent, m_incident_id))
      return invalid("親の証拠番号「" + parent + "」はこのインシデント（" + m_incident_id + "）の証拠番号ではありません",
                     "parent \"" + parent + "\" is not an evidence number of incident " + m_incident_id);
    if (!find(parent))
      return unknown_item(parent);
    prefix = parent + "-";
    width = 2;
  }
  long max = 0;
  for (const auto& i : all) {
    if (i.evidence_no.rfind(prefix, 0) != 0) continue;
    const std::string rest = i.evidence_no.substr(prefix.size());
    if (!all_digits(rest) || rest.size() > 9) continue;
    max = std::max(max, std::stol(rest));
  }
  return fmt::format("{}{:0{}}", prefix, max + 1, width);
}

std::vector<EvidenceItem> EvidenceRegister::items() const {
  Folded f;
  (void)fold(m_events, f);  // verified when loaded
  std::vector<EvidenceItem> out;
  for (auto& [no, item] : f.items) out.push_back(std::move(item));
  std::sort(out.begin(), out.end(), [](const EvidenceItem& a, const EvidenceItem& b) { return evidence_less(a.evidence_no, b.evidence_no); });
  return out;
}

std::optional<EvidenceItem> EvidenceRegister::find(const std::string& evidence_no) const {
  Folded f;
  (void)fold(m_events, f);
  auto it = f.items.find(evidence_no);
  if (it == f.items.end()) return std::nullopt;
  return it->second;
}

std::vector<Transfer> EvidenceRegister::transfers() const {
  Folded f;
  (void)fold(m_events, f);
  return f.transfers;
}

std::vector<Transfer> EvidenceRegister::transfers_of(const std::string& evidence_no) const {
  std::vector<Transfer> out;
  for (auto& t : transfers())
    if (std::find(t.evidence_nos.begin(), t.evidence_nos.end(), evidence_no) != t.evidence_nos.end()) out.push_back(std::move(t));
  return out;
}

namespace {

// RAII fd with flock(LOCK_EX): other processes writing the same register wait.
class LockedFile {
 public:
  ~LockedFile() {
    if (fd >= 0) ::close(fd);  // releases the lock
  }
  int fd = -1;
};

Error not_saved(int err, const fs::path& file) {
  Error e = make_errno_error(ErrorCode::not_saved, err,
                             "証拠品台帳への記録は保存されていません。ケース用ボリュームへの書き込みに失敗しました: " + file.string(),
                             "the evidence register event was NOT saved: writing to the case volume failed: " + file.string());
  if (e.code != ErrorCode::no_space) e.code = ErrorCode::not_saved;
  return e;
}

std::string person_text(const Person& p) {
  std::string s = p.name;
  std::string extra;
  for (const auto* part : {&p.organisation, &p.role})
    if (!part->empty()) extra += (extra.empty() ? "" : " ") + *part;
  if (!extra.empty()) s += "（" + extra + "）";
  return s.empty() ? "—" : s;
}

Status require_operator(const Workspace& ws) {
  if (!ws.log().current_operator().name.empty()) return ok_status();
  return invalid("操作者が設定されていません。証拠品の記録には操作者名が必要です（--operator または SHODO_OPERATOR）",
                 "no operator is set; evidence records need the operator's name (--operator or SHODO_OPERATOR)");
}

Status validate_hash(const HashRecord& h) {
  if (!k_hash_algorithms.count(h.algorithm))
    return invalid("ハッシュ方式「" + h.algorithm + "」は使えません（sha256, sha512, sha1, md5）",
                   "hash algorithm \"" + h.algorithm + "\" is not supported (sha256, sha512, sha1, md5)");
  if (!is_lower_hex(h.value) || h.value.size() != hex_length(h.algorithm))
    return invalid("ハッシュ値が " + h.algorithm + " の16進小文字 " + std::to_string(hex_length(h.algorithm)) + " 桁ではありません",
                   "hash value is not " + std::to_string(hex_length(h.algorithm)) + " lower-case hex digits of " + h.algorithm);
  if (!h.scope.empty() && !k_hash_scopes.count(h.scope))
    return invalid("ハッシュの範囲「" + h.scope + "」は使えません（whole_device, image_file, segment, logical_file, partial）",
                   "hash scope \"" + h.scope + "\" is not one of whole_device, image_file, segment, logical_file, partial");
  // A file hash without the file's name cannot be checked by anyone (nor listed in the EV-03 manifest).
  if ((h.scope == "image_file" || h.scope == "segment" || h.scope == "logical_file") && blank(h.target))
    return invalid("範囲 " + h.scope + " のハッシュには対象のファイル名（target）が必要です",
                   "a hash of scope " + h.scope + " needs the name of the file it was computed over (target)");
  return ok_status();
}

std::string hash_text(const HashRecord& h) {
  std::string s = h.algorithm + " " + h.value;
  if (!h.scope.empty()) s += " (" + h.scope + ")";
  if (!h.target.empty()) s += " " + h.target;
  return s;
}

}  // namespace

Result<RegisterEvent> EvidenceRegister::append_event(Workspace& ws, const std::string& event, const std::string& evidence_no,
                                                     json payload) {
  if (auto st = require_operator(ws); !st) return st.error();
  if (auto st = check_utf8(payload); !st) return st.error();
  if (auto st = create_directories_durable(m_file.parent_path()); !st) return st.error();
  std::error_code ec;
  const bool created = !fs::exists(m_file, ec);
  LockedFile lf;
  lf.fd = ::open(m_file.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (lf.fd < 0) return not_saved(errno, m_file);
  while (::flock(lf.fd, LOCK_EX) != 0)
    if (errno != EINTR) return not_saved(errno, m_file);
  // Re-read under the lock: picks up other processes' events and re-verifies the whole chain
  // (refuses to write after any damage).
  if (auto st = reload(); !st) return st.error();
  struct stat sb {};
  if (::fstat(lf.fd, &sb) != 0) return not_saved(errno, m_file);
  if (static_cast<std::uint64_t>(sb.st_size) != m_size) {
    RegisterCheck c;
    c.bad_line = static_cast<std::int64_t>(m_events.size()) + 1;
    c.problem_ja = "読み込み中にファイルが変わりました";
    c.problem_en = "the file changed while it was read";
    return damaged(m_file, c);
  }

  RegisterEvent ev;
  ev.seq = static_cast<std::int64_t>(m_events.size()) + 1;
  ev.event = event;
  ev.event_id = chronology::new_uuid();
  ev.evidence_no = evidence_no;
  ev.recorded = now_time(ws);
  ev.author = ws.log().current_operator().name;
  ev.device_id = ws.log().options().device_id;
  ev.payload = std::move(payload);
  ev.prev_hash = m_events.empty() ? std::string(chronology::k_genesis_hash) : m_events.back().event_hash;
  json j = {{"format", k_event_format},
            {"version", k_event_version},
            {"seq", ev.seq},
            {"event", ev.event},
            {"event_id", ev.event_id},
            {"incident_id", m_incident_id},
            {"device_id", ev.device_id},
            {"author", ev.author},
            {"recorded", to_json(ev.recorded)},
            {"payload", ev.payload},
            {"prev_hash", ev.prev_hash}};
  if (!evidence_no.empty()) j["evidence_no"] = evidence_no;
  ev.event_hash = chronology::compute_entry_hash(ev.prev_hash, j);
  j["event_hash"] = ev.event_hash;
  const std::string line = chronology::canonical_json(j) + "\n";

  // Check that the event folds before it is written (e.g. an update that makes a field invalid).
  {
    std::vector<RegisterEvent> all = m_events;
    all.push_back(ev);
    Folded f;
    if (auto p = fold(all, f)) return invalid(p->problem_ja, p->problem_en);
  }
  auto fail = [&](int err) -> Error {
    if (::ftruncate(lf.fd, static_cast<off_t>(m_size)) == 0) ::fsync(lf.fd);
    return not_saved(err, m_file);
  };
  if (auto st = write_fully(lf.fd, line); !st) return fail(errno ? errno : EIO);
  if (::fsync(lf.fd) != 0) return fail(errno);
  if (created)
    if (auto st = fsync_directory(m_file.parent_path()); !st) return st.error();
  m_size += line.size();
  m_events.push_back(ev);
  return ev;
}

Status EvidenceRegister::write_chronology(Workspace& ws, const std::string& system_event, const std::string& content,
                                          std::vector<std::string> refs, const RegisterEvent& ev) {
  refs.push_back("evidence-event:" + ev.event_id);
  auto e = ws.log().append_system(system_event, content, refs);
  if (e) return ok_status();
  Error err = e.error();
  err.ja = "証拠品台帳には記録しました（" + std::to_string(ev.seq) + " 行目）が、クロノロジーへの記録に失敗しました: " + err.ja;
  err.en = "the evidence register event was saved (line " + std::to_string(ev.seq) +
           ") but the chronology entry was NOT: " + err.en;
  return err;
}

Result<EvidenceItem> EvidenceRegister::add_item(Workspace& ws, EvidenceItem item) {
  if (auto st = require_operator(ws); !st) return st.error();
  if (auto st = reload(); !st) return st.error();
  if (item.case_no.empty()) item.case_no = m_incident_id;
  if (item.case_no != m_incident_id)
    return invalid("事案番号「" + item.case_no + "」がこのインシデント（" + m_incident_id + "）と違います",
                   "case number \"" + item.case_no + "\" differs from this incident (" + m_incident_id + ")");
  if (blank(item.description))
    return invalid("品目・説明（description）が空です。何の証拠品か記入してください", "the description is empty; say what the item is");
  if (!item.derived_from.empty() && !find(item.derived_from))
    return make_error(ErrorCode::not_found, "派生元の証拠番号 " + item.derived_from + " は登録されていません",
                      "derived_from item " + item.derived_from + " is not registered");
  if (item.evidence_no.empty()) {
    auto no = next_evidence_no();
    if (!no) return no.error();
    item.evidence_no = no.value();
  } else {
    if (!is_evidence_no(item.evidence_no, m_incident_id))
      return invalid("証拠番号「" + item.evidence_no + "」の形式が違います（例: " + m_incident_id + "-E001、" + m_incident_id + "-E001-01）",
                     "evidence number \"" + item.evidence_no + "\" is malformed (e.g. " + m_incident_id + "-E001, " + m_incident_id +
                         "-E001-01)");
    if (find(item.evidence_no))
      return make_error(ErrorCode::already_exists, "証拠番号 " + item.evidence_no + " は登録済みです",
                        "evidence number " + item.evidence_no + " is already registered");
    const std::string parent = parent_of(item.evidence_no);
    if (!parent.empty() && !find(parent))
      return make_error(ErrorCode::not_found, "親の証拠番号 " + parent + " は登録されていません", "parent item " + parent + " is not registered");
  }
  const RecordedTime now = now_time(ws);
  if (!item.collected_time) item.collected_time = now;
  const std::string op = ws.log().current_operator().name;
  for (auto& h : item.hashes) {
    if (auto st = validate_hash(h); !st) return st.error();
    if (h.computed_utc_ns == 0) h.computed_utc_ns = now.utc_ns;
    if (h.computed_by.empty()) h.computed_by = op;
  }
  for (auto& v : item.verification_events) {
    if (!k_verification_kinds.count(v.what))
      return invalid("検証の種類「" + v.what + "」は使えません（image_reread, source_reread, transfer_recheck）",
                     "verification kind \"" + v.what + "\" is not one of image_reread, source_reread, transfer_recheck");
    if (v.utc_ns == 0) v.utc_ns = now.utc_ns;
    if (v.by.empty()) v.by = op;
  }
  if (item.acquisition && item.acquisition->destination_medium_serial.empty())
    return invalid("取得先媒体の製造番号（destination_medium_serial）は必須です（REQUIREMENTS §4.2）",
                   "the destination medium serial number is required for an acquisition (REQUIREMENTS §4.2)");
  if (item.disposition)
    return invalid("処分は登録後に record_disposition で記録してください", "record a disposition after registration (record_disposition)");
  item.current_custodian = {};
  item.registered_utc_ns = 0;
  item.registered_by.clear();

  const std::string no = item.evidence_no;
  auto ev = append_event(ws, "item_added", no, {{"item", to_json(item)}});
  if (!ev) return ev.error();

  std::string content = "証拠品登録 / evidence registered: " + no + " [" + item_type_label(item.item_type, true) + " / " +
                        item_type_label(item.item_type, false) + "] " + item.description;
  if (!item.derived_from.empty()) content += "; 派生元 / derived from: " + item.derived_from;
  if (!item.serial_no.empty()) content += "; 製造番号 / serial: " + item.serial_no;
  if (!item.collected_by.empty()) content += "; 収集者 / collected by: " + person_text(item.collected_by);
  if (!item.witness.empty()) content += "; 立会人 / witness: " + person_text(item.witness);
  if (const HashRecord* h = item.primary_sha256()) content += "; SHA-256: " + h->value;
  std::vector<std::string> refs = {no};
  if (!item.derived_from.empty()) refs.push_back(item.derived_from);
  if (auto st = write_chronology(ws, "evidence_added", content, refs, ev.value()); !st) return st.error();
  return *find(no);
}

Status EvidenceRegister::update_item(Workspace& ws, const std::string& evidence_no, const json& changes,
                                     const std::string& reason) {
  if (auto st = reload(); !st) return st.error();
  auto item = find(evidence_no);
  if (!item) return unknown_item(evidence_no);
  if (reason.empty()) return invalid("変更には理由が必要です", "a change needs a reason");
  if (!changes.is_object() || changes.empty()) return invalid("変更する項目がありません", "nothing to change");
  static const std::set<std::string> k_fixed = {"evidence_no", "case_no", "hashes", "verification_events", "disposition"};
  const json current = to_json(*item);
  json previous = json::object();
  std::string fields;
  for (auto it = changes.begin(); it != changes.end(); ++it) {
    if (k_fixed.count(it.key()))
      return invalid("項目 " + it.key() + " はこの方法では変更できません", "field " + it.key() + " cannot be changed this way");
    previous[it.key()] = current.contains(it.key()) ? current[it.key()] : json(nullptr);
    fields += (fields.empty() ? "" : ", ") + it.key();
  }
  auto ev = append_event(ws, "item_updated", evidence_no, {{"changes", changes}, {"previous", previous}, {"reason", reason}});
  if (!ev) return ev.error();
  return write_chronology(ws, "evidence_updated",
                          "証拠品記録変更 / evidence record changed: " + evidence_no + "; 項目 / fields: " + fields +
                              "; 理由 / reason: " + reason,
                          {evidence_no}, ev.value());
}

Status EvidenceRegister::record_hash(Workspace& ws, const std::string& evidence_no, HashRecord h) {
  if (auto st = reload(); !st) return st.error();
  if (!find(evidence_no)) return unknown_item(evidence_no);
  if (auto st = validate_hash(h); !st) return st;
  if (h.computed_utc_ns == 0) h.computed_utc_ns = now_time(ws).utc_ns;
  if (h.computed_by.empty()) h.computed_by = ws.log().current_operator().name;
  auto ev = append_event(ws, "hash_recorded", evidence_no, {{"hash", to_json(h)}});
  if (!ev) return ev.error();
  return write_chronology(ws, "evidence_hashed", "ハッシュ値記録 / hash recorded: " + evidence_no + " " + hash_text(h),
                          {evidence_no}, ev.value());
}

Status EvidenceRegister::record_verification(Workspace& ws, const std::string& evidence_no, VerificationEvent v) {
  if (auto st = reload(); !st) return st.error();
  if (!find(evidence_no)) return unknown_item(evidence_no);
  if (!k_verification_kinds.count(v.what))
    return invalid("検証の種類「" + v.what + "」は使えません（image_reread, source_reread, transfer_recheck）",
                   "verification kind \"" + v.what + "\" is not one of image_reread, source_reread, transfer_recheck");
  if (v.utc_ns == 0) v.utc_ns = now_time(ws).utc_ns;
  if (v.by.empty()) v.by = ws.log().current_operator().name;
  auto ev = append_event(ws, "verification", evidence_no, {{"verification", to_json(v)}});
  if (!ev) return ev.error();
  std::string content = "同一性検証 / verification: " + evidence_no + " " + v.what + ": " +
                        (v.match ? "一致 / match" : "不一致 / MISMATCH");
  if (!v.detail.empty()) content += "; " + v.detail;
  return write_chronology(ws, "evidence_verified", content, {evidence_no}, ev.value());
}

Result<Transfer> EvidenceRegister::record_transfer(Workspace& ws, Transfer t) {
  if (auto st = reload(); !st) return st.error();
  if (t.evidence_nos.empty()) return invalid("受け渡す証拠番号がありません", "no evidence number to transfer");
  {
    std::set<std::string> seen;
    for (const auto& no : t.evidence_nos) {
      if (!find(no)) return unknown_item(no);
      if (!seen.insert(no).second) return invalid("証拠番号 " + no + " が重複しています", "evidence number " + no + " is listed twice");
    }
  }
  if (blank(t.from.name) || blank(t.to.name))
    return invalid("引渡者と受領者の氏名が必要です", "the names of the person handing over and the receiver are required");
  if (blank(t.purpose)) return invalid("受け渡しの目的が必要です（例: 解析、保管、警察への提出、返却）",
                                        "the purpose of the transfer is required (e.g. analysis, storage, police submission, return)");
  if (!t.signed_form_sha256.empty() && (!is_lower_hex(t.signed_form_sha256) || t.signed_form_sha256.size() != 64))
    return invalid("署名済み用紙の SHA-256 が16進小文字64桁ではありません", "signed_form_sha256 is not 64 lower-case hex digits");
  if (t.transfer_id.empty()) {
    const auto all = transfers();
    t.transfer_id = fmt::format("{}-T{:03}", m_incident_id, all.size() + 1);
  } else {
    for (const auto& other : transfers())
      if (other.transfer_id == t.transfer_id)
        return make_error(ErrorCode::already_exists, "受け渡し番号 " + t.transfer_id + " は記録済みです",
                          "transfer " + t.transfer_id + " is already recorded");
  }
  if (t.time.utc_ns == 0) t.time = now_time(ws);
  auto ev = append_event(ws, "transfer", "", {{"transfer", to_json(t)}});
  if (!ev) return ev.error();
  std::string nos;
  for (const auto& no : t.evidence_nos) nos += (nos.empty() ? "" : ", ") + no;
  std::string content = "証拠品受け渡し / evidence transfer " + t.transfer_id + ": " + nos + "; 引渡者 / from: " +
                        person_text(t.from) + " → 受領者 / to: " + person_text(t.to) + "; 目的 / purpose: " + t.purpose;
  if (!t.method.empty()) content += "; 方法 / method: " + t.method;
  if (!t.courier.empty()) content += "; 運送業者 / courier: " + t.courier;
  if (!t.tracking_no.empty()) content += "; 追跡番号 / tracking: " + t.tracking_no;
  if (!t.seal_no_before.empty()) content += "; 封印（前）/ seal before: " + t.seal_no_before;
  if (t.seal_intact) content += *t.seal_intact ? "; 封印異常なし / seal intact" : "; 封印破損 / SEAL BROKEN";
  if (!t.seal_no_after.empty()) content += "; 封印（後）/ seal after: " + t.seal_no_after;
  if (t.hash_reverified) content += *t.hash_reverified ? "; 再検証一致 / re-hash match" : "; 再検証不一致 / RE-HASH MISMATCH";
  std::vector<std::string> refs = t.evidence_nos;
  refs.push_back(t.transfer_id);
  if (auto st = write_chronology(ws, "evidence_transferred", content, refs, ev.value()); !st) return st.error();
  return t;
}

Status EvidenceRegister::record_seal(Workspace& ws, const std::string& evidence_no, const std::string& seal_no,
                                     const std::string& bag_no, const std::string& note) {
  if (auto st = reload(); !st) return st.error();
  auto item = find(evidence_no);
  if (!item) return unknown_item(evidence_no);
  if (blank(seal_no)) return invalid("封印番号が必要です", "a seal number is required");
  json p = {{"seal_no", seal_no}};
  put(p, "bag_no", bag_no);
  put(p, "note", note);
  put(p, "previous_seal_no", item->seal_no);
  auto ev = append_event(ws, "sealed", evidence_no, p);
  if (!ev) return ev.error();
  std::string content = "封印 / sealed: " + evidence_no + "; 封印番号 / seal no.: " + seal_no;
  if (!bag_no.empty()) content += "; 袋番号 / bag no.: " + bag_no;
  if (!item->seal_no.empty()) content += "; 旧封印 / previous seal: " + item->seal_no;
  if (!note.empty()) content += "; " + note;
  return write_chronology(ws, "evidence_sealed", content, {evidence_no}, ev.value());
}

Status EvidenceRegister::update_storage(Workspace& ws, const std::string& evidence_no, const std::string& location,
                                        const std::string& conditions, const std::string& access_restriction,
                                        const std::string& reason) {
  if (auto st = reload(); !st) return st.error();
  if (!find(evidence_no)) return unknown_item(evidence_no);
  if (blank(location)) return invalid("保管場所が必要です", "a storage location is required");
  json p = {{"storage_location", location}};
  put(p, "storage_conditions", conditions);
  put(p, "access_restriction", access_restriction);
  put(p, "reason", reason);
  auto ev = append_event(ws, "storage_changed", evidence_no, p);
  if (!ev) return ev.error();
  std::string content = "保管場所 / storage: " + evidence_no + " → " + location;
  if (!conditions.empty()) content += "; 保管条件 / conditions: " + conditions;
  if (!access_restriction.empty()) content += "; アクセス制限 / access: " + access_restriction;
  if (!reason.empty()) content += "; 理由 / reason: " + reason;
  return write_chronology(ws, "evidence_storage_changed", content, {evidence_no}, ev.value());
}

Status EvidenceRegister::record_disposition(Workspace& ws, const std::string& evidence_no, Disposition d) {
  if (auto st = reload(); !st) return st.error();
  if (!find(evidence_no)) return unknown_item(evidence_no);
  if (!k_dispositions.count(d.action))
    return invalid("処分の種類「" + d.action + "」は使えません（returned, destroyed, retained）",
                   "disposition \"" + d.action + "\" is not one of returned, destroyed, retained");
  if (d.utc_ns == 0) d.utc_ns = now_time(ws).utc_ns;
  if (d.by.empty()) d.by.name = ws.log().current_operator().name;
  auto ev = append_event(ws, "disposition", evidence_no, {{"disposition", to_json(d)}});
  if (!ev) return ev.error();
  std::string content = "処分 / disposition: " + evidence_no + " " + d.action;
  if (!d.detail.empty()) content += "; " + d.detail;
  content += "; 実施者 / by: " + person_text(d.by);
  if (!d.approved_by.empty()) content += "; 承認者 / approved by: " + d.approved_by;
  return write_chronology(ws, "evidence_disposition", content, {evidence_no}, ev.value());
}

}  // namespace shodo::evidence
