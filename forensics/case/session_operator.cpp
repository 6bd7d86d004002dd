#include "forensics/case/session_operator.hpp"

#include <system_error>

#include <nlohmann/json.hpp>

#include "forensics/core/atomic_file.hpp"
#include "forensics/core/json_read.hpp"

namespace shodo {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* k_format = "shodo-session-operator";
constexpr int k_version = 1;

Error bad(const std::string& what) {
  return make_error(ErrorCode::invalid_input, "操作者の記憶ファイルが読めません（" + what + "）",
                    "the remembered operator cannot be read (" + what + ")");
}

}  // namespace

fs::path session_operator_file(const fs::path& case_root) { return case_root / "kit" / "session_operator.json"; }

Result<SessionOperator> parse_session_operator(std::string_view text) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
  if (json_string(j, "format") != k_format) return bad("format");
  if (json_int(j, "v", 0) != std::optional<int>(k_version)) return bad("v");
  SessionOperator s;
  s.op.name = json_string(j, "name");
  if (s.op.name.empty()) return bad("name");
  s.boot_id = json_string(j, "boot_id");
  if (s.boot_id.empty()) return bad("boot_id");
  const auto t = json_int(j, "set_utc_ns", std::int64_t{-1});
  if (!t || *t < 0) return bad("set_utc_ns");
  s.set_utc_ns = *t;
  auto roles = j.find("roles");
  if (roles == j.end() || !roles->is_array()) return bad("roles");
  std::string csv;
  for (const auto& r : *roles) {
    if (!r.is_string()) return bad("roles");
    csv += r.get<std::string>() + ",";
  }
  auto set = chronology::parse_roles(csv);
  if (!set) return bad("roles");
  s.op.roles = std::move(set.value());
  return s;
}

std::string session_operator_json(const SessionOperator& s) {
  const json j = {{"format", k_format},          {"v", k_version},        {"name", s.op.name},
                  {"roles", chronology::role_set(s.op.roles)}, {"boot_id", s.boot_id}, {"set_utc_ns", s.set_utc_ns}};
  return j.dump(2, ' ', false, json::error_handler_t::strict) + "\n";
}

std::optional<SessionOperator> load_session_operator(const fs::path& case_root, const std::string& boot_id,
                                                     Error* problem) {
  std::error_code ec;
  const fs::path file = session_operator_file(case_root);
  if (!fs::exists(file, ec)) return std::nullopt;
  auto text = read_file(file);
  if (!text) {
    if (problem) *problem = text.error();
    return std::nullopt;
  }
  auto s = parse_session_operator(text.value());
  if (!s) {
    if (problem) {
      *problem = s.error();
      problem->context.push_back(file.string());
    }
    return std::nullopt;
  }
  if (s->boot_id != boot_id) return std::nullopt;  // set before the kit restarted
  return std::move(s.value());
}

Status save_session_operator(const fs::path& case_root, const chronology::Operator& op, const ClockReading& now) {
  if (op.name.empty())
    return make_error(ErrorCode::invalid_input, "操作者の名前が空です", "the operator's name is empty");
  if (!is_valid_utf8(op.name))
    return make_error(ErrorCode::invalid_input, "操作者名が UTF-8 ではありません", "the operator name is not valid UTF-8");
  SessionOperator s{{op.name, chronology::role_set(op.roles)}, now.boot_id, now.sys_utc_ns};
  if (auto st = create_directories_durable(session_operator_file(case_root).parent_path()); !st) return st;
  return write_file_atomic(session_operator_file(case_root), session_operator_json(s), 0600);
}

Status clear_session_operator(const fs::path& case_root) {
  std::error_code ec;
  fs::remove(session_operator_file(case_root), ec);
  if (ec)
    return make_errno_error(ErrorCode::not_saved, ec.value(), "操作者の記憶を消せません: " + session_operator_file(case_root).string(),
                            "cannot forget the operator: " + session_operator_file(case_root).string());
  return ok_status();
}

}  // namespace shodo
