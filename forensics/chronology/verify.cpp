#include "forensics/chronology/verify.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include "forensics/core/atomic_file.hpp"
#include "forensics/integrity/json_line_scanner.hpp"
#include "forensics/integrity/kit_key.hpp"

namespace shodo::chronology {

using integrity::ChainedRecord;
using integrity::Member;
using integrity::RuleProblem;
using integrity::decode_string;
using integrity::parse_int;

std::string checkpoint_message(const std::string& incident_id, const std::string& device_id, std::int64_t seq,
                               const std::string& hash) {
  return "shodo-checkpoint|" + incident_id + "|" + device_id + "|" + std::to_string(seq) + "|" + hash;
}

integrity::ChainFormat chronology_chain_format() { return integrity::ChainFormat{"entry_hash", "prev_hash", "seq"}; }

namespace {

// Without a full parse (streaming mode, a million entries): checks that every field this
// version defines has the right JSON type and, for enumerations, a known value, so that a
// hash-valid line the app could not load is not reported as intact. Returns the bad field or null.
const char* shape_problem(const std::vector<Member>& ms) {
  enum class T { str, integer, boolean, object, array, str_or_null };
  struct Field {
    std::string_view key;
    T type;
    bool required;
  };
  // Sorted by key (binary search: one lookup per member instead of a scan of the table).
  static constexpr Field k_fields[] = {
      {"action", T::str, false},           {"assignee", T::str, false},
      {"attachments", T::array, false},    {"author", T::object, true},
      {"boot_id", T::str, true},           {"category", T::str, true},
      {"channel", T::str, false},          {"checkpoint", T::object, false},
      {"clock_offset_ns", T::integer, true}, {"clock_uncertainty_ns", T::integer, true},
      {"content", T::str, true},           {"content_en", T::str, false},
      {"device_id", T::str, true},
      {"entry_hash", T::str, true},        {"entry_id", T::str, true},
      {"entry_type", T::str, true},        {"event_time", T::object, false},
      {"format", T::str, true},            {"from", T::str, true},
      {"incident_id", T::str, true},       {"prev_hash", T::str, true},
      {"priority", T::str, false},         {"reason", T::str, false},
      {"recorded_mono_ns", T::integer, true}, {"recorded_ref_time", T::str_or_null, false},
      {"recorded_ref_utc", T::str, false}, {"recorded_sys_utc", T::str, true},
      {"refs", T::array, false},           {"seq", T::integer, true},
      {"source", T::object, true},         {"status", T::str, false},
      {"system_event", T::str, false},     {"target_entry_id", T::str, false},
      {"time_check", T::object, false},    {"time_quality", T::str, true},
      {"to", T::array, true},              {"training", T::boolean, true},
      {"v", T::integer, true},             {"witness", T::str, false},
  };
  constexpr std::size_t n_fields = sizeof k_fields / sizeof k_fields[0];
  static_assert(n_fields < 64, "one bit per field");
  std::uint64_t seen = 0;
  const Member* by_field[n_fields] = {};
  // Lines are stored with sorted keys: one merge walk through the table instead of a search per
  // member; a line whose keys are out of order falls back to the search.
  const Field* walk = k_fields;
  std::string_view prev_key;
  bool in_order = true;
  for (const auto& m : ms) {
    const Field* f;
    if (in_order && (prev_key.empty() || prev_key < m.key)) {
      while (walk != k_fields + n_fields && walk->key < m.key) ++walk;
      f = walk;
    } else {
      in_order = false;
      f = std::lower_bound(k_fields, k_fields + n_fields, m.key,
                           [](const Field& x, std::string_view k) { return x.key < k; });
    }
    prev_key = m.key;
    if (f == k_fields + n_fields || f->key != m.key) continue;  // a key this version does not define
    const auto idx = static_cast<std::size_t>(f - k_fields);
    seen |= std::uint64_t{1} << idx;
    by_field[idx] = &m;
    const char c = m.value.empty() ? '\0' : m.value.front();
    bool ok = false;
    switch (f->type) {
      case T::str: ok = c == '"'; break;
      case T::str_or_null: ok = c == '"' || m.value == "null"; break;
      case T::integer: ok = c == '-' || (c >= '0' && c <= '9'); break;
      case T::boolean: ok = m.value == "true" || m.value == "false"; break;
      case T::object: ok = c == '{'; break;
      case T::array: ok = c == '['; break;
    }
    // Integers as from_json reads them (no fraction, no exponent, within 64 bits); times, seq and
    // the nested members through from_json's own readers.
    if (ok && f->type == T::integer) {
      long long n = 0;
      ok = parse_int(m.value, n);
    }
    if (ok && (f->type == T::object || f->type == T::array || f->key == "seq" || f->key == "recorded_sys_utc" ||
               f->key == "recorded_ref_utc"))
      ok = member_valid(m.key, m.value);
    if (!ok) return f->key.data();
  }
  // k_fields keys are string literals: .data() is NUL-terminated.
  for (std::size_t i = 0; i < n_fields; ++i)
    if (k_fields[i].required && !(seen & (std::uint64_t{1} << i))) return k_fields[i].key.data();
  auto field = [&](std::string_view key) {
    const Field* f = std::lower_bound(k_fields, k_fields + n_fields, key,
                                      [](const Field& x, std::string_view k) { return x.key < k; });
    return by_field[f - k_fields];
  };
  // The enumerations: raw values without escapes are compared as they are (no allocation).
  auto raw = [](const Member* m) { return m->value.substr(1, m->value.size() - 2); };
  long long n = 0;
  if (raw(field("format")) != k_entry_format) return "format";
  if (!parse_int(field("v")->value, n) || n != k_entry_version) return "v";
  if (!category_from(raw(field("category")))) return "category";
  if (!entry_type_from(raw(field("entry_type")))) return "entry_type";
  if (!time_quality_from(raw(field("time_quality")))) return "time_quality";
  if (const Member* st = field("status"); st && !status_from(raw(st))) return "status";
  return nullptr;
}

}  // namespace

void EntryRules::reset() {
  entries.clear();
  checkpoints_verified = 0;
  hash_at_expected.clear();
  m_incident = m_opt.incident_id;
  m_device = m_opt.device_id;
  m_key = m_opt.pinned_public_key;
}

std::optional<RuleProblem> EntryRules::identity(const ChainedRecord& r) {
  // Per-thread buffers keep their capacity: no allocation per line.
  thread_local std::string incident, device, type;
  const Member* im = r.find("incident_id");
  const Member* dm = r.find("device_id");
  const Member* tm = r.find("entry_type");
  if (!im || !dm || !tm || !integrity::decode_string(im->value, incident) ||
      !integrity::decode_string(dm->value, device) || !integrity::decode_string(tm->value, type))
    return RuleProblem{Damage::bad_json, "記録に必要な項目がありません（破損または改ざん）",
                       "required fields are missing (damaged or altered)"};
  if (m_incident.empty()) m_incident = incident;
  if (m_device.empty()) m_device = device;
  if (incident != m_incident || device != m_device)
    return RuleProblem{Damage::foreign, "別のインシデントまたは別のキットの記録が混入しています",
                       "an entry of another incident or kit is mixed in"};
  return std::nullopt;
}

std::optional<RuleProblem> EntryRules::accept(const ChainedRecord& r) {
  if (r.find("entry_type")->value == "\"checkpoint\"" && !checkpoint_ok(r, m_incident, m_device))
    return RuleProblem{Damage::bad_signature, "署名チェックポイントの署名が正しくありません",
                       "the signed checkpoint does not verify"};
  if (!m_opt.keep_entries) {
    if (const char* bad = shape_problem(*r.members))
      return RuleProblem{Damage::bad_json, std::string("記録の形式が不正です（項目 ") + bad + "）",
                         std::string("not a valid entry (field ") + bad + ")"};
  } else {
    auto j = nlohmann::json::parse(r.text, nullptr, false);
    auto e = j.is_discarded() ? Result<Entry>(make_error(ErrorCode::invalid_input, "JSON", "JSON")) : from_json(j);
    if (!e)
      return RuleProblem{Damage::bad_json, "記録の形式が不正です — " + e.error().ja, "not a valid entry — " + e.error().en};
    entries.push_back(std::move(e.value()));
  }
  if (m_opt.expected_count && r.seq == *m_opt.expected_count) hash_at_expected = r.hash;
  return std::nullopt;
}

bool EntryRules::checkpoint_ok(const ChainedRecord& r, const std::string& incident, const std::string& device) {
  const Member* cm = r.find("checkpoint");
  if (!cm) return false;
  auto j = nlohmann::json::parse(cm->value, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return false;
  auto str = [&](const char* k) {
    auto it = j.find(k);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  const std::string key = str("public_key"), sig = str("signature"), signed_hash = str("signed_hash");
  auto sq = j.find("signed_seq");
  const std::int64_t signed_seq = sq != j.end() && sq->is_number_integer() ? sq->get<std::int64_t>() : -1;
  if (m_key.empty()) m_key = key;
  const bool ok = key == m_key && signed_seq == r.seq - 1 && signed_hash == r.prev_hash &&
                  verify_signature_hex(key, checkpoint_message(incident, device, signed_seq, signed_hash), sig);
  if (ok) ++checkpoints_verified;
  return ok;
}

namespace {

// The expected head (an export's printed count and hash) against what was verified.
void check_expected_head(const VerifyOptions& opt, const EntryRules& rules, VerifyReport& rep) {
  if (rep.problem || !opt.expected_count) return;
  const std::int64_t count = rep.count;
  const std::int64_t want = *opt.expected_count;
  if (count < want) {
    const std::string ja = "記録数 " + std::to_string(count) + " 件: 印刷・出力時の " + std::to_string(want) +
                           " 件より少なくなっています（最新の記録が削除された可能性）";
    const std::string en = std::to_string(count) + " entries, fewer than the " + std::to_string(want) +
                           " of the printed/exported head (the newest entries may have been removed)";
    rep.problem = Problem{Damage::head_mismatch, 0, count, ja, en, ja, en};
    return;
  }
  // The log may have grown since the head was printed: the entry at that seq must still be
  // the one printed.
  const std::string& h = opt.expected_head_hash;
  if (!h.empty() && rules.hash_at_expected.compare(0, h.size(), h) != 0) {
    const std::string ja = "No. " + std::to_string(want) + " のハッシュが期待値 " + h + " と一致しません（記録が差し替えられた可能性）";
    const std::string en = "the hash of No. " + std::to_string(want) + " does not match the expected " + h +
                           " (entries may have been replaced)";
    rep.problem = Problem{Damage::head_mismatch, 0, want, ja, en, ja, en};
  }
}

VerifyReport report_of(const integrity::ChainVerifier& v, EntryRules& rules, const VerifyOptions& opt) {
  const integrity::ChainState& s = v.state();
  VerifyReport rep;
  rep.entries = std::move(rules.entries);
  rep.count = s.count;
  rep.problem = s.problem;
  rep.torn_tail = s.torn_tail;
  rep.good_bytes = s.good_bytes;
  rep.checkpoints_verified = rules.checkpoints_verified;
  rep.last_hash = s.last_hash;
  check_expected_head(opt, rules, rep);
  return rep;
}

}  // namespace

VerifyReport verify_chronology(std::string_view data, const VerifyOptions& opt) {
  EntryRules rules(opt);
  integrity::ChainVerifier v(chronology_chain_format(), rules, [data] { return std::string(data); });
  v.feed(data, 0);
  return report_of(v, rules, opt);
}

Result<VerifyReport> verify_chronology_file(const std::filesystem::path& path, const VerifyOptions& opt) {
  EntryRules rules(opt);
  integrity::ChainVerifier v(chronology_chain_format(), rules, [&path] {
    auto all = read_file(path);
    return all ? std::move(all.value()) : std::string();
  });
  if (auto st = v.feed_file(path, 0); !st) {
    if (st.error().code == ErrorCode::not_found)
      return make_error(ErrorCode::not_found, "クロノロジーのファイルがありません: " + path.string(),
                        "no such chronology file: " + path.string());
    return st.error();
  }
  return report_of(v, rules, opt);
}

}  // namespace shodo::chronology
