#include "forensics/chronology/entry.hpp"

#include <array>
#include <openssl/rand.h>

#include "forensics/core/atomic_file.hpp"
#include "forensics/core/clock.hpp"
#include "forensics/core/json_read.hpp"
#include "forensics/integrity/digest.hpp"
#include "forensics/integrity/json_line_scanner.hpp"

namespace shodo::chronology {
namespace {

template <class E, std::size_t N>
std::optional<E> lookup(const std::array<std::string_view, N>& names, std::string_view s) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == s) return static_cast<E>(i);
  return std::nullopt;
}

constexpr std::array<std::string_view, 9> k_categories = {
    "report", "instruction", "request", "decision", "notice", "information", "action", "assessment", "system"};
constexpr std::array<std::string_view, 7> k_types = {
    "normal", "correction", "void", "addendum", "status_change", "time_check", "checkpoint"};
constexpr std::array<std::string_view, 5> k_statuses = {"", "open", "in_progress", "done", "not_needed"};
constexpr std::array<std::string_view, 4> k_qualities = {"ref-confirmed", "ref-interpolated", "uncorrected",
                                                         "estimated"};
constexpr std::array<std::string_view, 4> k_precisions = {"exact", "minute", "approx", "range"};
constexpr std::array<std::string_view, 3> k_sources = {"live", "paper", "system"};

Error field_error(const std::string& field) {
  return make_error(ErrorCode::invalid_input, "項目が不正です: " + field, "invalid or missing field: " + field);
}

}  // namespace

std::string_view to_string(Category c) { return k_categories[static_cast<std::size_t>(c)]; }
std::string_view to_string(EntryType t) { return k_types[static_cast<std::size_t>(t)]; }
std::string_view to_string(ItemStatus s) { return k_statuses[static_cast<std::size_t>(s)]; }
std::string_view to_string(TimeQuality q) { return k_qualities[static_cast<std::size_t>(q)]; }
std::string_view to_string(Precision p) { return k_precisions[static_cast<std::size_t>(p)]; }
std::string_view to_string(SourceKind s) { return k_sources[static_cast<std::size_t>(s)]; }
std::optional<Category> category_from(std::string_view s) { return lookup<Category>(k_categories, s); }
std::optional<EntryType> entry_type_from(std::string_view s) { return lookup<EntryType>(k_types, s); }
std::optional<ItemStatus> status_from(std::string_view s) { return lookup<ItemStatus>(k_statuses, s); }
std::optional<TimeQuality> time_quality_from(std::string_view s) { return lookup<TimeQuality>(k_qualities, s); }
std::optional<Precision> precision_from(std::string_view s) { return lookup<Precision>(k_precisions, s); }
std::optional<SourceKind> source_from(std::string_view s) { return lookup<SourceKind>(k_sources, s); }

nlohmann::json to_json(const Entry& e) {
  using nlohmann::json;
  json j = json::object();
  j["format"] = k_entry_format;
  j["v"] = k_entry_version;
  j["entry_id"] = e.entry_id;
  j["seq"] = e.seq;
  j["incident_id"] = e.incident_id;
  j["device_id"] = e.device_id;
  j["boot_id"] = e.boot_id;
  j["recorded_sys_utc"] = format_rfc3339_utc_ns(e.recorded_sys_utc_ns);
  j["recorded_mono_ns"] = e.recorded_mono_ns;
  j["recorded_ref_time"] = e.recorded_ref_utc_ns ? json(format_rfc3339_jst(*e.recorded_ref_utc_ns)) : json(nullptr);
  if (e.recorded_ref_utc_ns) j["recorded_ref_utc"] = format_rfc3339_utc_ns(*e.recorded_ref_utc_ns);
  j["time_quality"] = to_string(e.time_quality);
  j["clock_offset_ns"] = e.clock_offset_ns;
  j["clock_uncertainty_ns"] = e.clock_uncertainty_ns;
  j["author"] = {{"name", e.author}, {"roles", e.author_roles}};
  j["training"] = e.training;
  j["entry_type"] = to_string(e.type);
  if (!e.system_event.empty()) j["system_event"] = e.system_event;
  if (e.event_time) {
    json et{{"time", format_rfc3339_utc_ns(e.event_time->utc_ns)}, {"precision", to_string(e.event_time->precision)}};
    if (e.event_time->end_utc_ns) et["end"] = format_rfc3339_utc_ns(*e.event_time->end_utc_ns);
    j["event_time"] = et;
  }
  j["from"] = e.from;
  j["to"] = e.to;
  j["category"] = to_string(e.category);
  j["content"] = e.content;
  if (!e.content_en.empty()) j["content_en"] = e.content_en;
  if (!e.action.empty()) j["action"] = e.action;
  if (!e.assignee.empty()) j["assignee"] = e.assignee;
  if (e.status != ItemStatus::none) j["status"] = to_string(e.status);
  if (!e.priority.empty()) j["priority"] = e.priority;
  if (!e.channel.empty()) j["channel"] = e.channel;
  if (!e.refs.empty()) j["refs"] = e.refs;
  if (!e.attachments.empty()) {
    json a = json::array();
    for (const auto& at : e.attachments) a.push_back({{"file", at.file}, {"sha256", at.sha256}});
    j["attachments"] = a;
  }
  json src{{"kind", to_string(e.source)}};
  if (e.source == SourceKind::paper) {
    src["sheet"] = e.paper_sheet;
    src["line"] = e.paper_line;
    if (!e.transcriber.empty()) src["transcriber"] = e.transcriber;
  }
  j["source"] = src;
  if (!e.witness.empty()) j["witness"] = e.witness;
  if (!e.target_entry_id.empty()) j["target_entry_id"] = e.target_entry_id;
  if (!e.reason.empty()) j["reason"] = e.reason;
  if (e.time_check) {
    j["time_check"] = {{"source", e.time_check->source},
                       {"reference_utc", format_rfc3339_utc_ns(e.time_check->reference_utc_ns)},
                       {"offset_ns", e.time_check->offset_ns},
                       {"uncertainty_ns", e.time_check->uncertainty_ns}};
  }
  if (e.checkpoint) {
    j["checkpoint"] = {{"signed_seq", e.checkpoint->signed_seq},
                       {"signed_hash", e.checkpoint->signed_hash},
                       {"public_key", e.checkpoint->public_key},
                       {"signature", e.checkpoint->signature}};
  }
  j["prev_hash"] = e.prev_hash;
  if (!e.entry_hash.empty()) j["entry_hash"] = e.entry_hash;
  return j;
}

namespace {

bool get_str(const nlohmann::json& j, const char* key, std::string& out, bool required) {
  auto it = j.find(key);
  if (it == j.end()) return !required;
  if (!it->is_string()) return false;
  out = it->get<std::string>();
  return true;
}

bool get_int(const nlohmann::json& j, const char* key, std::int64_t& out, bool required) {
  auto it = j.find(key);
  if (it == j.end()) return !required;
  const auto v = json_int_value<std::int64_t>(*it);  // not an unsigned beyond INT64_MAX wrapped around
  if (!v) return false;
  out = *v;
  return true;
}

bool get_time(const nlohmann::json& j, const char* key, std::int64_t& out) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() && parse_time(it->get<std::string>(), out);
}

bool get_str_list(const nlohmann::json& j, const char* key, std::vector<std::string>& out) {
  auto it = j.find(key);
  if (it == j.end()) return true;
  if (!it->is_array()) return false;
  for (const auto& v : *it) {
    if (!v.is_string()) return false;
    out.push_back(v.get<std::string>());
  }
  return true;
}

// The readers of the members that are more than a scalar (nested objects, lists, times): from_json
// uses them, and member_valid() lets the streaming verifier check one member exactly as they do.
bool read_author(const nlohmann::json& au, Entry& e) {
  return au.is_object() && get_str(au, "name", e.author, true) && get_str_list(au, "roles", e.author_roles);
}

bool read_event_time(const nlohmann::json& et, Entry& e) {
  EventTime t;
  std::string p;
  if (!et.is_object() || !get_time(et, "time", t.utc_ns) || !get_str(et, "precision", p, true) || !precision_from(p))
    return false;
  t.precision = *precision_from(p);
  if (et.contains("end")) {
    std::int64_t end = 0;
    if (!get_time(et, "end", end)) return false;
    t.end_utc_ns = end;
  }
  e.event_time = t;
  return true;
}

bool read_attachments(const nlohmann::json& at, Entry& e) {
  if (!at.is_array()) return false;
  for (const auto& a : at) {
    Attachment x;
    if (!a.is_object() || !get_str(a, "file", x.file, true) || !get_str(a, "sha256", x.sha256, true)) return false;
    e.attachments.push_back(x);
  }
  return true;
}

bool read_source(const nlohmann::json& src, Entry& e) {
  std::string s;
  if (!src.is_object() || !get_str(src, "kind", s, true) || !source_from(s)) return false;
  e.source = *source_from(s);
  if (e.source == SourceKind::paper) {
    std::int64_t sheet = 0, line = 0;
    if (!get_int(src, "sheet", sheet, true) || !get_int(src, "line", line, true)) return false;
    e.paper_sheet = static_cast<int>(sheet);
    e.paper_line = static_cast<int>(line);
    if (!get_str(src, "transcriber", e.transcriber, false)) return false;
  }
  return true;
}

bool read_time_check(const nlohmann::json& tc, Entry& e) {
  TimeCheck t;
  if (!tc.is_object() || !get_str(tc, "source", t.source, true) || !get_time(tc, "reference_utc", t.reference_utc_ns) ||
      !get_int(tc, "offset_ns", t.offset_ns, true) || !get_int(tc, "uncertainty_ns", t.uncertainty_ns, true))
    return false;
  e.time_check = t;
  return true;
}

bool read_checkpoint(const nlohmann::json& cp, Entry& e) {
  Checkpoint c;
  if (!cp.is_object() || !get_int(cp, "signed_seq", c.signed_seq, true) ||
      !get_str(cp, "signed_hash", c.signed_hash, true) || !get_str(cp, "public_key", c.public_key, true) ||
      !get_str(cp, "signature", c.signature, true))
    return false;
  e.checkpoint = c;
  return true;
}

}  // namespace

// The parse proper; may throw nlohmann::json::exception on crafted input (from_json catches).
Result<Entry> from_json_checked(const nlohmann::json& j);

Result<Entry> from_json(const nlohmann::json& j) {
  // Crafted input (a key present with another type) must be reported, never thrown.
  try {
    return from_json_checked(j);
  } catch (const nlohmann::json::exception&) {
    return field_error("(type)");
  }
}

namespace {

// A JSON array (already checked as JSON by the line scanner) whose every element is a string.
bool is_string_array(std::string_view v) {
  std::size_t i = 0;
  const auto ws = [&] {
    while (i < v.size() && (v[i] == ' ' || v[i] == '\t' || v[i] == '\r' || v[i] == '\n')) ++i;
  };
  ws();
  if (i >= v.size() || v[i] != '[') return false;
  ++i;
  ws();
  if (i < v.size() && v[i] == ']') return true;
  for (;;) {
    if (i >= v.size() || v[i] != '"') return false;
    for (++i; i < v.size() && v[i] != '"'; ++i)
      if (v[i] == '\\') ++i;
    if (i >= v.size()) return false;
    ++i;
    ws();
    if (i < v.size() && v[i] == ',') {
      ++i;
      ws();
      continue;
    }
    return i < v.size() && v[i] == ']';
  }
}

}  // namespace

bool member_valid(std::string_view key, std::string_view raw_value) {
  // Fast paths for what nearly every line holds (the streaming verifier runs this per line): a
  // time without escapes, and the two source kinds without details. The rest is parsed.
  if ((key == "recorded_sys_utc" || key == "recorded_ref_utc") && raw_value.size() >= 2 && raw_value.front() == '"' &&
      raw_value.back() == '"' && raw_value.find('\\') == std::string_view::npos) {
    std::int64_t t = 0;
    return parse_time(std::string(raw_value.substr(1, raw_value.size() - 2)), t);
  }
  if (key == "source" && (raw_value == R"({"kind":"system"})" || raw_value == R"({"kind":"live"})")) return true;
  if (key == "to" || key == "refs") return is_string_array(raw_value);
  if (key == "author") {
    // {"name":"…","roles":[…]}: every "name" a string (there must be one), every "roles" a list of
    // strings — as strict as from_json, which reads the last of a repeated key.
    thread_local std::vector<integrity::Member> ms;
    if (!integrity::scan_object(raw_value, ms)) return false;
    bool named = false;
    for (const auto& m : ms) {
      if (m.key == "name") {
        if (m.value.empty() || m.value.front() != '"') return false;
        named = true;
      } else if (m.key == "roles" && !is_string_array(m.value)) {
        return false;
      }
    }
    return named;
  }
  const auto v = nlohmann::json::parse(raw_value, nullptr, false);
  if (v.is_discarded()) return false;
  Entry e;
  std::int64_t t = 0;
  try {
    if (key == "recorded_sys_utc" || key == "recorded_ref_utc") return v.is_string() && parse_time(v.get<std::string>(), t);
    if (key == "seq") return v.is_number_integer() && json_int_value<std::int64_t>(v).value_or(0) >= 1;
    if (key == "source") return read_source(v, e);
    if (key == "event_time") return read_event_time(v, e);
    if (key == "attachments") return read_attachments(v, e);
    if (key == "time_check") return read_time_check(v, e);
    if (key == "checkpoint") return read_checkpoint(v, e);
  } catch (const nlohmann::json::exception&) {
    return false;
  }
  return true;
}

Result<Entry> from_json_checked(const nlohmann::json& j) {
  if (!j.is_object()) return field_error("(object)");
  std::int64_t v = 0;
  std::string fmt;
  if (!get_str(j, "format", fmt, true) || fmt != k_entry_format) return field_error("format");
  if (!get_int(j, "v", v, true) || v != k_entry_version)
    return make_error(ErrorCode::unsupported, "未対応の形式バージョンです", "unsupported entry format version");
  Entry e;
  std::string s;
  if (!get_str(j, "entry_id", e.entry_id, true)) return field_error("entry_id");
  if (!get_int(j, "seq", e.seq, true) || e.seq < 1) return field_error("seq");
  if (!get_str(j, "incident_id", e.incident_id, true)) return field_error("incident_id");
  if (!get_str(j, "device_id", e.device_id, true)) return field_error("device_id");
  if (!get_str(j, "boot_id", e.boot_id, true)) return field_error("boot_id");
  if (!get_time(j, "recorded_sys_utc", e.recorded_sys_utc_ns)) return field_error("recorded_sys_utc");
  if (!get_int(j, "recorded_mono_ns", e.recorded_mono_ns, true)) return field_error("recorded_mono_ns");
  if (j.contains("recorded_ref_utc")) {
    std::int64_t t = 0;
    if (!get_time(j, "recorded_ref_utc", t)) return field_error("recorded_ref_utc");
    e.recorded_ref_utc_ns = t;
  }
  if (!get_str(j, "time_quality", s, true) || !time_quality_from(s)) return field_error("time_quality");
  e.time_quality = *time_quality_from(s);
  if (!get_int(j, "clock_offset_ns", e.clock_offset_ns, true)) return field_error("clock_offset_ns");
  if (!get_int(j, "clock_uncertainty_ns", e.clock_uncertainty_ns, true)) return field_error("clock_uncertainty_ns");
  if (auto au = j.find("author"); au == j.end() || !read_author(*au, e)) return field_error("author");
  auto tr = j.find("training");
  if (tr == j.end() || !tr->is_boolean()) return field_error("training");
  e.training = tr->get<bool>();
  if (!get_str(j, "entry_type", s, true) || !entry_type_from(s)) return field_error("entry_type");
  e.type = *entry_type_from(s);
  if (!get_str(j, "system_event", e.system_event, false)) return field_error("system_event");
  if (auto et = j.find("event_time"); et != j.end() && !read_event_time(*et, e)) return field_error("event_time");
  if (!get_str(j, "from", e.from, true)) return field_error("from");
  if (!get_str_list(j, "to", e.to)) return field_error("to");
  if (!get_str(j, "category", s, true) || !category_from(s)) return field_error("category");
  e.category = *category_from(s);
  if (!get_str(j, "content", e.content, true)) return field_error("content");
  if (!get_str(j, "content_en", e.content_en, false)) return field_error("content_en");
  if (!get_str(j, "action", e.action, false)) return field_error("action");
  if (!get_str(j, "assignee", e.assignee, false)) return field_error("assignee");
  s.clear();
  if (!get_str(j, "status", s, false) || !status_from(s)) return field_error("status");
  e.status = *status_from(s);
  if (!get_str(j, "priority", e.priority, false)) return field_error("priority");
  if (!get_str(j, "channel", e.channel, false)) return field_error("channel");
  if (!get_str_list(j, "refs", e.refs)) return field_error("refs");
  if (auto at = j.find("attachments"); at != j.end() && !read_attachments(*at, e)) return field_error("attachments");
  if (auto src = j.find("source"); src == j.end() || !read_source(*src, e)) return field_error("source");
  if (!get_str(j, "witness", e.witness, false)) return field_error("witness");
  if (!get_str(j, "target_entry_id", e.target_entry_id, false)) return field_error("target_entry_id");
  if (!get_str(j, "reason", e.reason, false)) return field_error("reason");
  if (auto tc = j.find("time_check"); tc != j.end() && !read_time_check(*tc, e)) return field_error("time_check");
  if (auto cp = j.find("checkpoint"); cp != j.end() && !read_checkpoint(*cp, e)) return field_error("checkpoint");
  if (!get_str(j, "prev_hash", e.prev_hash, true)) return field_error("prev_hash");
  if (!get_str(j, "entry_hash", e.entry_hash, false)) return field_error("entry_hash");
  return e;
}

std::string compute_entry_hash(const std::string& prev_hash, nlohmann::json j) {
  return integrity::chain_hash(prev_hash, std::move(j), "entry_hash");
}

Status validate_draft(const Entry& d) {
  auto bad = [](const std::string& ja, const std::string& en) {
    return make_error(ErrorCode::invalid_input, ja, en);
  };
  const std::pair<const std::string*, const char*> texts[] = {
      {&d.from, "from"},     {&d.content, "content"}, {&d.action, "action"}, {&d.assignee, "assignee"},
      {&d.witness, "witness"}, {&d.reason, "reason"},  {&d.author, "author"}, {&d.transcriber, "transcriber"},
      {&d.content_en, "content_en"}};
  for (const auto& [p, name] : texts)
    if (!is_valid_utf8(*p))
      return bad(std::string("文字コードが UTF-8 ではありません（項目 ") + name + "）。UTF-8 で入力し直してください",
                 std::string("text is not valid UTF-8 (field ") + name + "); enter it again as UTF-8");
  for (const auto& t : d.to)
    if (!is_valid_utf8(t))
      return bad("文字コードが UTF-8 ではありません（項目 to）。UTF-8 で入力し直してください",
                 "text is not valid UTF-8 (field to); enter it again as UTF-8");
  for (const auto& r : d.refs)
    if (!is_valid_utf8(r)) return bad("参照IDが UTF-8 ではありません", "a reference ID is not valid UTF-8");
  if (blank_text(d.author)) return bad("記録者（操作者）が設定されていません", "no operator (author) is set");
  // An English text is the app's own translation of what it wrote; a person's words are kept as typed.
  if (!d.content_en.empty() && d.source != SourceKind::system && d.type != EntryType::time_check)
    return bad("英語の内容（content_en）はアプリが書く記録だけに付きます",
               "an English content (content_en) belongs only to entries the app writes");
  switch (d.type) {
    case EntryType::normal:
      if (d.category == Category::system && d.source != SourceKind::system)
        return bad("区分「システム」はアプリだけが使います", "category 'system' is reserved for the app");
      if (blank_text(d.from)) return bad("発信元を入力してください", "enter the sender (from)");
      if (d.to.empty() || blank_text(d.to.front())) return bad("受信先を入力してください", "enter the receiver (to)");
      if (blank_text(d.content)) return bad("内容を入力してください", "enter the content");
      if (!d.action.empty() && d.status == ItemStatus::none)
        return bad("対応を記入したときは状態（未・対応中・済・不要）を選んでください",
                   "an action needs a status (open, in progress, done, not needed)");
      break;
    case EntryType::correction:
      if (d.target_entry_id.empty()) return bad("訂正する記録を指定してください", "name the entry to correct");
      if (blank_text(d.reason)) return bad("訂正の理由を入力してください", "a correction needs a reason");
      if (blank_text(d.content)) return bad("訂正後の内容を入力してください", "enter the corrected content");
      break;
    case EntryType::void_entry:
      if (d.target_entry_id.empty()) return bad("取り消す記録を指定してください", "name the entry to void");
      if (blank_text(d.reason)) return bad("取消の理由を入力してください", "a void needs a reason");
      break;
    case EntryType::addendum:
      if (d.target_entry_id.empty()) return bad("追記する記録を指定してください", "name the entry to add to");
      if (blank_text(d.content)) return bad("追記の内容を入力してください", "enter the addendum text");
      break;
    case EntryType::status_change:
      if (d.target_entry_id.empty()) return bad("状態を変える記録を指定してください", "name the entry whose status changes");
      if (d.status == ItemStatus::none) return bad("新しい状態を選んでください", "choose the new status");
      break;
    case EntryType::time_check:
      if (!d.time_check) return bad("時刻合わせの情報がありません", "time check data missing");
      if (!d.target_entry_id.empty() && d.reason.empty())
        return bad("前の確認を置き換える理由を入力してください", "say why the earlier check is replaced (reason)");
      break;
    case EntryType::checkpoint:
      if (!d.checkpoint) return bad("チェックポイント情報がありません", "checkpoint data missing");
      break;
  }
  if (d.source == SourceKind::paper && (d.paper_sheet < 1 || d.paper_line < 1))
    return bad("紙から転記した記録にはシート番号と行番号（1以上）が必要です",
               "an entry transcribed from paper needs a sheet and a line number (1 or more)");
  if (d.event_time && d.event_time->end_utc_ns && *d.event_time->end_utc_ns < d.event_time->utc_ns)
    return bad("事象の終了時刻が開始時刻より前です", "the event end time is before its start");
  return ok_status();
}

std::string new_uuid() {
  unsigned char b[16];
  RAND_bytes(b, sizeof b);
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
  const std::string h = to_hex(std::string_view(reinterpret_cast<char*>(b), 16));
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

}  // namespace shodo::chronology
