#include "forensics/kit/selfcheck.hpp"

#include <algorithm>
#include <ctime>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <system_error>
#include <type_traits>
#include <unistd.h>

#include "forensics/core/atomic_file.hpp"
#include "forensics/core/json_read.hpp"
#include "forensics/integrity/digest.hpp"

namespace shodo::kit {
namespace fs = std::filesystem;

namespace {

constexpr int k_manifest_version = 1;

bool is_hex64(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// A path from SHA256SUMS must name a file inside the medium: relative, no "..".
bool safe_relative(const std::string& p) {
  if (p.empty() || p.front() == '/') return false;
  for (const auto& part : fs::path(p))
    if (part == "..") return false;
  return true;
}

}  // namespace

const char* to_string(PackageProblem p) {
  switch (p) {
    case PackageProblem::missing: return "missing";
    case PackageProblem::version_differs: return "version_differs";
    case PackageProblem::unexpected: return "unexpected";
  }
  return "missing";
}

const char* to_string(MediumState s) {
  switch (s) {
    case MediumState::unavailable: return "unavailable";
    case MediumState::not_checked: return "not_checked";
    case MediumState::ok: return "ok";
    case MediumState::mismatch: return "mismatch";
  }
  return "unavailable";
}

Result<Manifest> load_manifest(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec))
    return make_error(ErrorCode::not_found,
                      "キットのマニフェスト " + file.string() + " がありません。この PC は Shodo キットから起動されていません",
                      "no kit manifest at " + file.string() + ": this system was not booted from the Shodo kit");
  auto text = read_file(file);
  if (!text) return std::move(text).with_context("reading " + file.string()).error();
  nlohmann::json j = nlohmann::json::parse(text.value(), nullptr, false);
  const auto bad = [&](const std::string& what) {
    return make_error(ErrorCode::invalid_input, "キットのマニフェストが読めません（" + what + "）: " + file.string(),
                      "the kit manifest cannot be read (" + what + "): " + file.string());
  };
  if (j.is_discarded() || !j.is_object()) return bad("JSON ではありません / not JSON");
  if (json_string(j, "format") != "shodo-kit-manifest") return bad("format が shodo-kit-manifest ではありません / wrong format");
  Manifest m;
  const auto version = json_int(j, "format_version", 0);
  if (!version) return bad("format_version");
  m.format_version = *version;
  if (m.format_version != k_manifest_version)
    return bad("format_version " + std::to_string(m.format_version) + " には対応していません / unsupported format_version");
  m.kit_version = json_string(j, "kit_version");
  m.shodo_commit = json_string(j, "shodo_commit");
  m.image_name = json_string(j, "image_name");
  m.built_utc = json_string(j, "built_utc");
  m.debian_suite = json_string(j, "debian_suite");
  m.kernel = json_string(j, "kernel");
  if (auto s = json_string(j, "medium_sums"); !s.empty()) m.medium_sums = s;
  if (!safe_relative(m.medium_sums)) return bad("medium_sums");
  if (auto b = j.find("shodo_binary"); b != j.end() && b->is_object()) {
    m.binary_path = json_string(*b, "path");
    m.binary_sha256 = json_string(*b, "sha256");
  }
  if (!is_hex64(m.binary_sha256)) return bad("shodo_binary.sha256");
  auto pk = j.find("packages");
  if (pk == j.end() || !pk->is_array() || pk->empty()) return bad("packages");
  for (const auto& p : *pk) {
    if (!p.is_object()) return bad("packages");
    ManifestPackage mp{json_string(p, "name"), json_string(p, "version"), json_string(p, "arch")};
    if (mp.name.empty() || mp.version.empty()) return bad("packages");
    m.packages.push_back(std::move(mp));
  }
  std::sort(m.packages.begin(), m.packages.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return m;
}

Result<std::map<std::string, std::string>> read_dpkg_status(const fs::path& file) {
  std::ifstream in(file);
  if (!in) {
    std::error_code ec;
    if (!fs::exists(file, ec))
      return make_error(ErrorCode::not_found, "dpkg の状態ファイル " + file.string() + " がありません",
                        "no dpkg status file at " + file.string());
    return make_errno_error(ErrorCode::io_error, errno, "dpkg の状態ファイルを読めません: " + file.string(),
                            "cannot read the dpkg status file " + file.string());
  }
  std::map<std::string, std::string> installed;
  std::string line, name, version, status;
  const auto flush = [&] {
    if (!name.empty() && status == "install ok installed") installed[name] = version;
    name.clear();
    version.clear();
    status.clear();
  };
  while (std::getline(in, line)) {
    if (line.empty()) {
      flush();
      continue;
    }
    if (line.rfind("Package: ", 0) == 0) name = line.substr(9);
    else if (line.rfind("Version: ", 0) == 0) version = line.substr(9);
    else if (line.rfind("Status: ", 0) == 0) status = line.substr(8);
  }
  flush();
  if (in.bad())
    return make_errno_error(ErrorCode::io_error, errno, "dpkg の状態ファイルを読めません: " + file.string(),
                            "cannot read the dpkg status file " + file.string());
  return installed;
}

std::vector<PackageDiff> compare_packages(const Manifest& manifest, const std::map<std::string, std::string>& installed) {
  std::vector<PackageDiff> diffs;
  std::map<std::string, std::string> expected;
  for (const auto& p : manifest.packages) expected[p.name] = p.version;
  for (const auto& [name, version] : expected) {
    auto it = installed.find(name);
    if (it == installed.end()) diffs.push_back({name, version, "", PackageProblem::missing});
    else if (it->second != version) diffs.push_back({name, version, it->second, PackageProblem::version_differs});
  }
  for (const auto& [name, version] : installed)
    if (!expected.count(name)) diffs.push_back({name, "", version, PackageProblem::unexpected});
  std::sort(diffs.begin(), diffs.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return diffs;
}

MediumCheck check_medium(const fs::path& medium, const std::string& sums_rel, bool verify) {
  MediumCheck m;
  const fs::path sums = medium / sums_rel;
  auto text = read_file(sums);
  if (!text) {
    m.reason = "cannot read " + sums.string();
    return m;
  }
  m.system_sha256 = sha256_hex(text.value());
  std::vector<std::pair<std::string, std::string>> listed;  // path, sha256
  std::istringstream in(text.value());
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    // sha256sum output: 64 hex digits, a space, a space or '*' (binary mode), the path.
    if (line.size() < 67 || !is_hex64(line.substr(0, 64)) || line[64] != ' ' || (line[65] != ' ' && line[65] != '*')) {
      m.state = MediumState::mismatch;
      m.bad_files.push_back("SHA256SUMS: malformed line \"" + line.substr(0, 80) + "\"");
      continue;
    }
    std::string path = line.substr(66);
    if (!safe_relative(path)) {
      m.state = MediumState::mismatch;
      m.bad_files.push_back(path + ": path outside the medium");
      continue;
    }
    listed.emplace_back(std::move(path), line.substr(0, 64));
  }
  m.files_total = listed.size() + m.bad_files.size();
  if (m.state == MediumState::mismatch) return m;
  if (listed.empty()) {
    m.state = MediumState::mismatch;
    m.bad_files.push_back("SHA256SUMS: lists no files");
    return m;
  }
  if (!verify) {
    m.state = MediumState::not_checked;
    return m;
  }
  for (const auto& [path, want] : listed) {
    auto got = sha256_file_hex(medium / path);
    if (!got) m.bad_files.push_back(path + ": unreadable (" + got.error().describe(false) + ")");
    else if (got.value() != want) m.bad_files.push_back(path + ": expected " + want + ", got " + got.value());
    else ++m.files_ok;
  }
  m.checked_unix_s = static_cast<std::int64_t>(std::time(nullptr));
  m.state = m.bad_files.empty() ? MediumState::ok : MediumState::mismatch;
  return m;
}

nlohmann::json to_json(const MediumCheck& m) {
  return {{"state", to_string(m.state)},       {"system_sha256", m.system_sha256}, {"files_total", m.files_total},
          {"files_ok", m.files_ok},            {"bad_files", m.bad_files},         {"checked_unix_s", m.checked_unix_s},
          {"reason", m.reason}};
}

Result<MediumCheck> medium_check_from_json(const nlohmann::json& j) {
  const auto bad = make_error(ErrorCode::invalid_input, "媒体検証の保存結果が読めません", "the saved medium check cannot be read");
  if (!j.is_object()) return bad;
  MediumCheck m;
  const std::string state = json_string(j, "state");
  if (state == "ok") m.state = MediumState::ok;
  else if (state == "mismatch") m.state = MediumState::mismatch;
  else if (state == "not_checked") m.state = MediumState::not_checked;
  else if (state == "unavailable") m.state = MediumState::unavailable;
  else return bad;
  m.system_sha256 = json_string(j, "system_sha256");
  const auto total = json_int(j, "files_total", std::size_t{0});
  const auto ok = json_int(j, "files_ok", std::size_t{0});
  const auto checked = json_int(j, "checked_unix_s", std::int64_t{0});
  if (!total || !ok || !checked) return bad;
  m.files_total = *total;
  m.files_ok = *ok;
  m.checked_unix_s = *checked;
  m.reason = json_string(j, "reason");
  if (auto b = j.find("bad_files"); b != j.end() && b->is_array())
    for (const auto& f : *b)
      if (f.is_string()) m.bad_files.push_back(f.get<std::string>());
  return m;
}

Result<SelfCheck> run_self_check(const KitPaths& paths, bool verify_medium) {
  auto manifest = load_manifest(paths.manifest);
  if (!manifest) return manifest.error();
  auto installed = read_dpkg_status(paths.dpkg_status);
  if (!installed) return installed.error();
  SelfCheck c;
  c.manifest = std::move(manifest.value());
  c.packages_installed = installed->size();
  c.package_diffs = compare_packages(c.manifest, installed.value());
  if (auto h = sha256_file_hex(paths.binary)) c.binary_sha256 = h.value();
  c.binary_ok = !c.binary_sha256.empty() && c.binary_sha256 == c.manifest.binary_sha256;

  c.medium = check_medium(paths.medium, c.manifest.medium_sums, verify_medium);
  if (verify_medium) {
    // Save for the GUI and later CLI runs (only root at boot can write there; that is fine).
    std::error_code ec;
    if (c.medium.state != MediumState::unavailable && fs::is_directory(paths.medium_cache.parent_path(), ec) &&
        ::access(paths.medium_cache.parent_path().c_str(), W_OK) == 0)
      (void)write_file_atomic(paths.medium_cache, to_json(c.medium).dump(1) + "\n", 0644);
  } else if (c.medium.state == MediumState::not_checked) {
    if (auto text = read_file(paths.medium_cache)) {
      auto j = nlohmann::json::parse(text.value(), nullptr, false);
      if (auto saved = medium_check_from_json(j); saved && saved->system_sha256 == c.medium.system_sha256 &&
                                                  (saved->state == MediumState::ok || saved->state == MediumState::mismatch))
        c.medium = saved.value();
    }
  }
  return c;
}

nlohmann::json to_json(const SelfCheck& c) {
  nlohmann::json diffs = nlohmann::json::array();
  for (const auto& d : c.package_diffs)
    diffs.push_back({{"name", d.name}, {"problem", to_string(d.problem)}, {"expected", d.expected}, {"actual", d.actual}});
  return {{"ok", c.ok()},
          {"kit_version", c.manifest.kit_version},
          {"shodo_commit", c.manifest.shodo_commit},
          {"image_name", c.manifest.image_name},
          {"built_utc", c.manifest.built_utc},
          {"kernel", c.manifest.kernel},
          {"system_sha256", c.medium.system_sha256},
          {"medium", to_json(c.medium)},
          {"packages",
           {{"expected", c.manifest.packages.size()}, {"installed", c.packages_installed}, {"differences", diffs}}},
          {"binary", {{"sha256", c.binary_sha256}, {"expected", c.manifest.binary_sha256}, {"ok", c.binary_ok}}}};
}

}  // namespace shodo::kit
