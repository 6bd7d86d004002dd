#include "forensics/case/incident.hpp"

#include "forensics/case/incident_number.hpp"

#include <algorithm>
#include <cstdlib>

#include "forensics/core/atomic_file.hpp"
#include "forensics/core/clock.hpp"

namespace shodo {
namespace fs = std::filesystem;

nlohmann::json to_json(const IncidentInfo& i) {
  return {{"format", k_incident_format},
          {"v", k_incident_version},
          {"incident_id", i.incident_id},
          {"title", i.title},
          {"facility", i.facility},
          {"profile", i.profile},
          {"training", i.training},
          {"created_utc", format_rfc3339_utc_ns(i.created_utc_ns)},
          {"created_by", i.created_by},
          {"created_kit", i.created_kit}};
}

Result<IncidentInfo> incident_from_json(const nlohmann::json& j) {
  auto bad = make_error(ErrorCode::integrity, "incident.json が壊れています", "incident.json is damaged");
  if (!j.is_object()) return bad;
  try {
    // Inside the try: value() throws when "format" is there with another type than a string.
    if (j.value("format", "") != k_incident_format) return bad;
    IncidentInfo i;
    i.incident_id = j.at("incident_id").get<std::string>();
    i.title = j.at("title").get<std::string>();
    i.facility = j.at("facility").get<std::string>();
    i.profile = j.at("profile").get<std::string>();
    i.training = j.at("training").get<bool>();
    if (!parse_time(j.at("created_utc").get<std::string>(), i.created_utc_ns)) return bad;
    i.created_by = j.value("created_by", "");
    i.created_kit = j.value("created_kit", "");
    return i;
  } catch (const nlohmann::json::exception&) {
    return bad;
  }
}

bool is_valid_incident_id(const std::string& id) { return incident_id_problem(id) == IncidentIdPart::none; }

fs::path resolve_case_root(const std::string& cli_override) {
  if (!cli_override.empty()) return fs::path(cli_override);
  if (const char* v = std::getenv("SHODO_CASE_ROOT"); v && *v) return fs::path(v);
  if (const char* v = std::getenv("XDG_DATA_HOME"); v && *v) return fs::path(v) / "shodo";
  const char* home = std::getenv("HOME");
  return fs::path(home && *home ? home : "/root") / ".local" / "share" / "shodo";
}

fs::path incident_dir(const fs::path& case_root, const std::string& incident_id) {
  return case_root / "incidents" / incident_id;
}

std::vector<fs::path> chronology_files(const fs::path& case_root, const std::string& incident_id) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& f : fs::directory_iterator(incident_dir(case_root, incident_id) / "chronology", ec))
    if (f.path().extension() == ".jsonl") files.push_back(f.path());
  std::sort(files.begin(), files.end());
  return files;
}

Status create_incident(const fs::path& case_root, const IncidentInfo& info) {
  if (auto st = check_incident_id(info.incident_id); !st) return st;
  if (!is_valid_utf8(info.title) || !is_valid_utf8(info.facility))
    return make_error(ErrorCode::invalid_input, "件名または施設名が UTF-8 ではありません",
                      "the title or facility name is not valid UTF-8");
  if (info.title.empty())
    return make_error(ErrorCode::invalid_input, "件名を入力してください", "enter a title for the incident");
  if (auto st = check_profile(info.profile); !st) return st;
  const fs::path dir = incident_dir(case_root, info.incident_id);
  std::error_code ec;
  if (fs::exists(dir / "incident.json", ec))
    return make_error(ErrorCode::already_exists, "このインシデント番号はすでにあります: " + info.incident_id,
                      "an incident with this number already exists: " + info.incident_id);
  if (auto st = create_directories_durable(dir / "chronology"); !st) return st;
  return write_file_atomic(dir / "incident.json", to_json(info).dump(2) + "\n");
}

Result<IncidentInfo> load_incident(const fs::path& case_root, const std::string& incident_id) {
  const fs::path file = incident_dir(case_root, incident_id) / "incident.json";
  auto text = read_file(file);
  if (!text) {
    if (text.error().code == ErrorCode::not_found)
      return make_error(ErrorCode::not_found, "インシデントが見つかりません: " + incident_id + "（" + case_root.string() + "）",
                        "no such incident: " + incident_id + " (in " + case_root.string() + ")");
    return text.error();
  }
  auto j = nlohmann::json::parse(*text, nullptr, false);
  auto info = incident_from_json(j);
  if (!info) return std::move(info).with_context(file.string());
  return info;
}

std::vector<IncidentInfo> list_incidents(const fs::path& case_root) {
  std::vector<IncidentInfo> out;
  std::error_code ec;
  for (const auto& d : fs::directory_iterator(case_root / "incidents", ec)) {
    auto i = load_incident(case_root, d.path().filename().string());
    if (i) out.push_back(std::move(i.value()));
  }
  std::sort(out.begin(), out.end(),
            [](const IncidentInfo& a, const IncidentInfo& b) { return a.created_utc_ns > b.created_utc_ns; });
  return out;
}

}  // namespace shodo
