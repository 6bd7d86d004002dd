#include "forensics/report/timesketch.hpp"

#include <cstdio>

#include "forensics/chronology/view.hpp"
#include "forensics/core/atomic_file.hpp"
#include "forensics/core/clock.hpp"
#include "forensics/i18n/catalogue.hpp"
#include "forensics/report/csv_writer.hpp"

namespace shodo::report {
namespace {

using chronology::Entry;
using chronology::EntryState;
using nlohmann::json;
using nlohmann::ordered_json;

constexpr std::int64_t k_ns_per_us = 1000;
constexpr std::int64_t k_us_per_s = 1'000'000;

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a >= 0 ? a / b : (a - b + 1) / b; }

// "YYYY-MM-DDTHH:MM:SS.ffffff+09:00" (jst) or "...+00:00"; truncated to the µs that `timestamp`
// carries, so the two always name the same instant.
std::string iso8601_us(std::int64_t utc_ns, bool jst) {
  const std::int64_t us = floor_div(utc_ns, k_ns_per_us);
  const std::int64_t s = floor_div(us, k_us_per_s);
  char frac[32];
  std::snprintf(frac, sizeof frac, ".%06lld", static_cast<long long>(us - s * k_us_per_s));
  // Both formatters start with the 19 characters "YYYY-MM-DDTHH:MM:SS".
  const std::string base = jst ? format_rfc3339_jst(s * k_ns_per_s) : format_rfc3339_utc_ns(s * k_ns_per_s);
  return base.substr(0, 19) + frac + (jst ? "+09:00" : "+00:00");
}

json seconds(std::int64_t ns) { return static_cast<double>(ns) / static_cast<double>(k_ns_per_s); }

// Evidence numbers have the shape "<incident>-E###" or "<incident>-E###-nn" (§4.2).
bool is_evidence_no(const std::string& ref) {
  auto digits = [&](std::size_t from, std::size_t n) {
    if (from + n > ref.size()) return false;
    for (std::size_t i = from; i < from + n; ++i)
      if (ref[i] < '0' || ref[i] > '9') return false;
    return true;
  };
  const std::size_t p = ref.rfind("-E");
  if (p == std::string::npos || p == 0 || !digits(p + 2, 3)) return false;
  const std::size_t after = p + 5;
  return after == ref.size() || (ref.size() == after + 3 && ref[after] == '-' && digits(after + 1, 2));
}

std::string message_for(const Entry& e, i18n::Lang lang) {
  std::string cat = i18n::tr("category." + std::string(chronology::to_string(e.category)), lang);
  std::string to;
  for (std::size_t i = 0; i < e.to.size(); ++i) {
    if (i != 0) to += i18n::tr("export.list_separator", lang);
    to += e.to[i];
  }
  // "発信元 → 受信先", leaving out whichever side is empty (system entries often have neither).
  std::string who = e.from;
  if (!to.empty()) who += (who.empty() ? "→ " : " → ") + to;
  std::string msg = "[" + cat + "] ";
  if (!who.empty()) msg += who + ": ";
  msg += content_for(e, lang == i18n::Lang::en);
  if (!e.action.empty()) msg += std::string(" / ") + i18n::tr("export.timesketch.action_label", lang) + ": " + e.action;
  return msg;
}

// The attributes of one entry; `state` may be null for an entry outside any view (header only).
ordered_json attributes_for(const ChronologyDocument& doc, const Entry& e, const EntryState* state) {
  const bool voided = state && state->voided;
  const bool superseded = state && state->superseded;
  json superseded_by = nullptr;
  if (superseded)
    superseded_by = state->superseded_by_seq;
  else if (voided)
    superseded_by = state->voided_by_seq;

  json evidence = json::array();
  for (const auto& r : e.refs)
    if (is_evidence_no(r)) evidence.push_back(r);

  ordered_json a = ordered_json::object();
  a["incident_id"] = e.incident_id;
  a["entry_id"] = e.entry_id;
  a["seq"] = e.seq;
  a["device_id"] = e.device_id;
  a["boot_id"] = e.boot_id;
  a["entry_type"] = chronology::to_string(e.type);
  a["category"] = chronology::to_string(e.category);
  a["from"] = e.from;
  a["to"] = e.to;
  a["content"] = e.content;
  a["content_en"] = e.content_en;
  a["action"] = e.action;
  a["assignee"] = e.assignee;
  a["status"] = chronology::to_string(e.status);
  a["priority"] = e.priority;
  a["channel"] = e.channel;
  a["time_quality"] = chronology::to_string(e.time_quality);
  a["time_basis"] = "";  // set per row
  a["clock_offset_s"] = seconds(e.clock_offset_ns);
  a["clock_uncertainty_s"] = seconds(e.clock_uncertainty_ns);
  a["recorded_sys_utc"] = format_rfc3339_utc_ns(e.recorded_sys_utc_ns);
  a["recorded_ref_time"] = e.recorded_ref_utc_ns ? format_rfc3339_jst(*e.recorded_ref_utc_ns) : "";
  a["recorded_mono_ns"] = e.recorded_mono_ns;
  a["event_time"] = e.event_time ? format_rfc3339_jst(e.event_time->utc_ns) : "";
  a["event_time_end"] =
      e.event_time && e.event_time->end_utc_ns ? format_rfc3339_jst(*e.event_time->end_utc_ns) : "";
  a["event_time_precision"] = e.event_time ? chronology::to_string(e.event_time->precision) : "";
  // The target of any modifying entry (correction, void, addendum, status change); entry_type
  // says which relation it is.
  a["corrects_entry_id"] = e.target_entry_id;
  a["superseded"] = superseded || voided;  // no longer in force
  a["superseded_by_seq"] = superseded_by;
  a["voided"] = voided;
  a["reason"] = e.reason;
  a["source"] = chronology::to_string(e.source);
  a["paper_ref"] = e.source == chronology::SourceKind::paper
                       ? std::to_string(e.paper_sheet) + "-" + std::to_string(e.paper_line)
                       : std::string();
  a["author"] = e.author;
  a["author_roles"] = e.author_roles;
  a["evidence_ids"] = evidence;
  a["refs"] = e.refs;
  a["system_event"] = e.system_event;
  a["time_check_source"] = e.time_check ? e.time_check->source : "";
  a["time_check_reference_time"] = e.time_check ? format_rfc3339_jst(e.time_check->reference_utc_ns) : "";
  a["time_check_offset_s"] = e.time_check ? seconds(e.time_check->offset_ns) : json(nullptr);
  a["time_check_uncertainty_s"] = e.time_check ? seconds(e.time_check->uncertainty_ns) : json(nullptr);
  a["entry_hash"] = e.entry_hash;
  a["prev_hash"] = e.prev_hash;
  a["training"] = e.training || doc.incident.training;
  a["data_type"] = k_ts_data_type_entry;
  return a;
}

// A CSV cell for an attribute value: strings raw, null empty, everything else as JSON text.
std::string csv_cell(const ordered_json& v) {
  if (v.is_null()) return std::string();
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

Status check_extension(const std::filesystem::path& out, const char* ext, const char* key) {
  if (out.extension() == ext) return ok_status();
  return make_error(ErrorCode::invalid_input, std::string(i18n::tr(key, i18n::Lang::ja)) + ": " + out.string(),
                    std::string(i18n::tr(key, i18n::Lang::en)) + ": " + out.string());
}

}  // namespace

std::vector<TimesketchRow> timesketch_rows(const ChronologyDocument& doc) {
  const i18n::Lang lang = doc.japanese ? i18n::Lang::ja : i18n::Lang::en;
  const chronology::ChronologyView view(doc.entries);
  std::vector<TimesketchRow> rows;
  rows.reserve(doc.entries.size());
  for (std::size_t i = 0; i < doc.entries.size(); ++i) {
    const Entry& e = doc.entries[i];
    TimesketchRow row;
    row.message = message_for(e, lang);
    row.attributes = attributes_for(doc, e, &view.states()[i]);

    const bool corrected = e.recorded_ref_utc_ns.has_value();
    const std::int64_t utc_ns = e.display_utc_ns();
    row.datetime = iso8601_us(utc_ns, corrected);
    row.timestamp = floor_div(utc_ns, k_ns_per_us);
    row.timestamp_desc = e.type == chronology::EntryType::time_check ? k_ts_desc_time_check : k_ts_desc_recorded;
    row.attributes["time_basis"] = corrected ? "ref-corrected" : "system-clock";

    if (e.event_time) {
      // A time someone reported (late report, paper sheet): JST wall-clock, not a clock reading.
      TimesketchRow ev = row;
      ev.datetime = iso8601_us(e.event_time->utc_ns, true);
      ev.timestamp = floor_div(e.event_time->utc_ns, k_ns_per_us);
      ev.timestamp_desc = k_ts_desc_event;
      ev.attributes["time_basis"] = "reported";
      rows.push_back(std::move(row));
      rows.push_back(std::move(ev));
    } else {
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

std::vector<std::string> timesketch_csv_header() {
  std::vector<std::string> header = {"message", "datetime", "timestamp_desc", "timestamp"};
  // The names come from the same builder as the values, so header and rows cannot drift apart.
  const ChronologyDocument empty;
  const ordered_json names = attributes_for(empty, Entry{}, nullptr);
  for (const auto& item : names.items()) header.push_back(item.key());
  return header;
}

Status write_timesketch_jsonl(const ChronologyDocument& doc, const std::filesystem::path& out) {
  if (auto st = check_extension(out, ".jsonl", "export.error.timesketch_extension_jsonl"); !st) return st;
  std::string bytes;
  for (const auto& row : timesketch_rows(doc)) {
    ordered_json line = ordered_json::object();
    line["message"] = row.message;
    line["datetime"] = row.datetime;
    line["timestamp_desc"] = row.timestamp_desc;
    line["timestamp"] = row.timestamp;
    for (const auto& item : row.attributes.items()) line[item.key()] = item.value();
    try {
      bytes += line.dump();  // strict: invalid UTF-8 throws rather than being altered
    } catch (const nlohmann::json::exception&) {
      return make_error(ErrorCode::invalid_input,
                        std::string(i18n::tr("export.error.not_utf8", i18n::Lang::ja)) + " (No. " +
                            std::to_string(row.attributes["seq"].get<std::int64_t>()) + ")",
                        std::string(i18n::tr("export.error.not_utf8", i18n::Lang::en)) + " (No. " +
                            std::to_string(row.attributes["seq"].get<std::int64_t>()) + ")");
    }
    bytes += '\n';
  }
  return write_file_atomic(out, bytes);
}

Status write_timesketch_csv(const ChronologyDocument& doc, const std::filesystem::path& out) {
  if (auto st = check_extension(out, ".csv", "export.error.timesketch_extension_csv"); !st) return st;
  const auto header = timesketch_csv_header();
  CsvWriter writer;
  writer.add_record(header);
  for (const auto& row : timesketch_rows(doc)) {
    std::vector<std::string> cells = {row.message, iso8601_us(row.timestamp * k_ns_per_us, false),
                                      row.timestamp_desc, std::to_string(row.timestamp)};
    for (std::size_t c = 4; c < header.size(); ++c) cells.push_back(csv_cell(row.attributes.at(header[c])));
    writer.add_record(cells);
  }
  return write_file_atomic(out, writer.bytes());
}

}  // namespace shodo::report
