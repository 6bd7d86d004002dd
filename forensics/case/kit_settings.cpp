#include "forensics/case/kit_settings.hpp"

#include <system_error>

#include <nlohmann/json.hpp>

#include "forensics/case/incident_number.hpp"
#include "forensics/core/atomic_file.hpp"
#include "forensics/core/json_read.hpp"

namespace shodo {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* k_format = "shodo-kit-settings";
constexpr int k_version = 1;

Error bad(const std::string& what) {
  return make_error(ErrorCode::invalid_input, "キットの設定ファイルが読めません（" + what + "）",
                    "the kit's settings file cannot be read (" + what + ")");
}

Status check(const KitSettings& s) {
  if (!s.facility_code.empty())
    if (auto st = check_facility_code(s.facility_code); !st) return st;
  if (auto st = check_profile(s.profile); !st) return st;
  if (!is_valid_utf8(s.facility_name))
    return make_error(ErrorCode::invalid_input, "施設名が UTF-8 ではありません", "the facility name is not valid UTF-8");
  return ok_status();
}

}  // namespace

fs::path kit_settings_file(const fs::path& case_root) { return case_root / "kit" / "settings.json"; }

Result<KitSettings> parse_kit_settings(std::string_view text) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
  if (json_string(j, "format") != k_format) return bad("format");
  if (json_int(j, "v", 0) != std::optional<int>(k_version)) return bad("v");
  KitSettings s;
  for (auto [key, out] : {std::pair{"facility_code", &s.facility_code}, std::pair{"facility_name", &s.facility_name},
                          std::pair{"profile", &s.profile}}) {
    auto it = j.find(key);
    if (it == j.end()) continue;
    if (!it->is_string()) return bad(key);
    *out = it->get<std::string>();
  }
  if (auto st = check(s); !st) return bad(st.error().en);
  return s;
}

std::string kit_settings_json(const KitSettings& s) {
  const json j = {{"format", k_format},
                  {"v", k_version},
                  {"facility_code", s.facility_code},
                  {"facility_name", s.facility_name},
                  {"profile", s.profile}};
  return j.dump(2, ' ', false, json::error_handler_t::strict) + "\n";
}

Result<KitSettings> load_kit_settings(const fs::path& case_root) {
  std::error_code ec;
  const fs::path file = kit_settings_file(case_root);
  if (!fs::exists(file, ec)) return KitSettings{};
  auto text = read_file(file);
  if (!text) return text.error();
  auto s = parse_kit_settings(text.value());
  if (!s) {
    Error e = s.error();
    e.context.push_back(file.string());
    return e;
  }
  return s;
}

Status save_kit_settings(const fs::path& case_root, const KitSettings& s) {
  if (auto st = check(s); !st) return st;
  if (auto st = create_directories_durable(kit_settings_file(case_root).parent_path()); !st) return st;
  return write_file_atomic(kit_settings_file(case_root), kit_settings_json(s));
}

Status remember_facility(const fs::path& case_root, const IncidentInfo& info, bool code_given) {
  auto s = load_kit_settings(case_root);
  KitSettings keep = s ? s.value() : KitSettings{};  // a damaged file is replaced by what was just used
  if (!keep.facility_code.empty() && !code_given && s) return ok_status();
  keep.facility_code = info.incident_id.substr(0, info.incident_id.find('-'));
  if (!info.facility.empty()) keep.facility_name = info.facility;
  keep.profile = info.profile;
  return save_kit_settings(case_root, keep);
}

}  // namespace shodo
