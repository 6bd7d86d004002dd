// Internal helpers of the evidence register, shared by its implementation files (not a public
// API: nothing outside forensics/evidence/ includes this). One concept per file:
//   evidence_names.cpp     names, labels, allowed codes, evidence numbers, recorded times
//   evidence_json.cpp      JSON writers (empty fields omitted) and a reader that names bad fields
//   evidence_lines.cpp     register lines on the shared chain verifier; verify_register()
//   evidence_fold.cpp      events → current items and transfers
//   evidence_register.cpp  EvidenceRegister: open, numbering, the write path
#pragma once
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "forensics/evidence/evidence.hpp"
#include "forensics/integrity/chain_verifier.hpp"

namespace shodo::evidence::detail {
using nlohmann::json;

// --- names and codes (evidence_names.cpp)
extern const std::set<std::string> k_hash_algorithms;
extern const std::set<std::string> k_hash_scopes;
extern const std::set<std::string> k_verification_kinds;
extern const std::set<std::string> k_dispositions;
extern const std::set<std::string> k_events;
// Hex digits of a digest of `algo` ("sha256" → 64).
std::size_t hex_length(const std::string& algo);
bool is_lower_hex(const std::string& s);
Error invalid(const std::string& ja, const std::string& en);
bool all_digits(std::string_view s);
// Evidence-number order: numeric parts after the incident ("E001-01" → {1, 1}), then text.
bool evidence_less(const std::string& a, const std::string& b);
// "<incident>-E###" (3+ digits) optionally followed by "-##" groups (2+ digits each).
bool is_evidence_no(const std::string& no, const std::string& incident);
// "<incident>-E001-01" → "<incident>-E001"; empty for a top-level number.
std::string parent_of(const std::string& no);

// --- JSON (evidence_json.cpp)
void put(json& j, const char* key, const std::string& v);
void put(json& j, const char* key, const std::vector<std::string>& v);
void put(json& j, const char* key, const Person& p);
// invalid_input naming the first string in `j` that is not valid UTF-8.
Status check_utf8(const json& j);
Result<Acquisition> acquisition_from_json(const json& j);
Result<Disposition> disposition_from_json(const json& j);

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

// --- fold (evidence_fold.cpp)
struct Folded {
  std::map<std::string, EvidenceItem> items;
  std::vector<Transfer> transfers;
};
// Applies one event. A problem here (event for an unknown item, unreadable payload) is damage of
// a line whose hash is intact: a hand-made line or a newer format. Returns {ja, en}.
std::optional<std::pair<std::string, std::string>> apply_event(const RegisterEvent& ev, Folded& f);
// Applies the events in order; the problem names the line of the first event that does not fit.
std::optional<RegisterCheck> fold(const std::vector<RegisterEvent>& events, Folded& f);
Error unknown_item(const std::string& no);
// integrity error "the evidence register is damaged (<file> line N: …)".
Error damaged(const std::filesystem::path& file, const RegisterCheck& c);

// --- register lines (evidence_lines.cpp)
integrity::ChainFormat register_chain_format();
// The register's own checks for the shared chain verifier: format, incident (foreign), the
// event's fields, and that the events fold. Keeps the accepted events. Not thread-safe.
class RegisterRules : public integrity::RecordRules {
 public:
  explicit RegisterRules(std::string incident_id) : m_incident(std::move(incident_id)) {}
  std::optional<integrity::RuleProblem> identity(const integrity::ChainedRecord& r) override;
  std::optional<integrity::RuleProblem> accept(const integrity::ChainedRecord& r) override;
  std::optional<integrity::RuleProblem> wording(integrity::Damage kind, std::int64_t seq, std::int64_t expected) override;
  void reset() override;
  // An event the owner appended itself.
  void add(const RegisterEvent& ev);

  std::vector<RegisterEvent> events;
  Folded folded;

 private:
  std::string m_incident;
};
// The register check of a verifier's state (lines, good, bad line, problem text, head).
RegisterCheck check_of(const integrity::ChainState& s);
// Chain and consistency of a register file; `events` gets the verified lines.
RegisterCheck check_file(const std::filesystem::path& register_file, const std::string& incident_id,
                         std::vector<RegisterEvent>& events);
// The chronology names every register event it recorded: a missing one means lines were cut off
// the end of the register (the hash chain alone cannot show a truncation).
std::optional<RegisterCheck> missing_from_register(const std::vector<RegisterEvent>& events, const Workspace& ws);

}  // namespace shodo::evidence::detail
