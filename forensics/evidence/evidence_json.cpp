// Evidence register: JSON writers (empty fields omitted) and readers that name the bad field
// (REQUIREMENTS §4.2; docs/FORMATS.md §evidence register).
#include "forensics/core/atomic_file.hpp"
#include "forensics/evidence/evidence_detail.hpp"
#include "forensics/i18n/catalogue.hpp"

namespace shodo::evidence {
using nlohmann::json;
using namespace detail;

namespace detail {

void put(json& j, const char* key, const std::string& v) {
  if (!v.empty()) j[key] = v;
}
void put(json& j, const char* key, const std::vector<std::string>& v) {
  if (!v.empty()) j[key] = v;
}
void put(json& j, const char* key, const Person& p) {
  if (!p.empty()) j[key] = to_json(p);
}
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

}  // namespace detail

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

namespace detail {

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

}  // namespace detail

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

}  // namespace shodo::evidence
