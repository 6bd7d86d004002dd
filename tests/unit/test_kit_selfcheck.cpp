// Kit self-check (P0-04): the manifest build-usb.sh writes, the dpkg status file, the boot
// medium's SHA256SUMS and the saved boot-time result, in a fake tree (KitPaths).
#include "tests/unit/test_support.hpp"  // first: it configures catch.hpp

#include <nlohmann/json.hpp>

#include "forensics/integrity/digest.hpp"
#include "forensics/kit/selfcheck.hpp"

using namespace shodo;
using namespace shodo::unit;
namespace fs = std::filesystem;

namespace {

const std::string k_dpkg_status =
    "Package: adduser\nStatus: install ok installed\nArchitecture: all\nVersion: 3.134\n\n"
    "Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\nMulti-Arch: same\nVersion: 3.0.16-1~deb12u1\n\n"
    "Package: removed-one\nStatus: deinstall ok config-files\nVersion: 1.0\n\n"
    "Package: shodo-tools\nStatus: install ok installed\nVersion: 2:1.2-3\n";  // no trailing blank line

struct KitTree {
  TempDir dir;
  kit::KitPaths paths;
  std::string binary = "\x7f" "ELF fake shodo binary";
  KitTree() {
    paths.manifest = dir / "kit-manifest.json";
    paths.dpkg_status = dir / "status";
    paths.medium = dir / "medium";
    paths.medium_cache = dir / "run" / "medium-check.json";
    paths.binary = dir / "shodo";
    fs::create_directories(paths.medium / "live");
    fs::create_directories(dir / "run");
    write_bytes(paths.binary, binary);
    write_bytes(paths.dpkg_status, k_dpkg_status);
    write_manifest({{"adduser", "3.134"}, {"libssl3", "3.0.16-1~deb12u1"}, {"shodo-tools", "2:1.2-3"}});
    write_bytes(paths.medium / "live" / "vmlinuz", "kernel bytes");
    write_bytes(paths.medium / "live" / "filesystem.squashfs", std::string(100000, 's'));
    write_sums();
  }
  void write_manifest(const std::vector<std::pair<std::string, std::string>>& packages, int version = 1) {
    nlohmann::json pk = nlohmann::json::array();
    for (const auto& [n, v] : packages) pk.push_back({{"name", n}, {"version", v}, {"arch", "amd64"}});
    nlohmann::json m = {{"format", "shodo-kit-manifest"},
                        {"format_version", version},
                        {"kit_version", "0.1.0"},
                        {"shodo_commit", "abcdef123456"},
                        {"image_name", "shodo-kit-0.1.0-abcdef123456"},
                        {"built_utc", "2025-05-20T00:00:00Z"},
                        {"kernel", "6.1.0-35-amd64"},
                        {"medium_sums", "live/SHA256SUMS"},
                        {"shodo_binary", {{"path", "/usr/bin/shodo"}, {"sha256", sha256_hex(binary)}}},
                        {"packages", pk}};
    write_bytes(paths.manifest, m.dump(1));
  }
  std::string sums_text() const {
    return sha256_hex(read_bytes(paths.medium / "live" / "filesystem.squashfs")) + "  live/filesystem.squashfs\n" +
           sha256_hex(read_bytes(paths.medium / "live" / "vmlinuz")) + "  live/vmlinuz\n";
  }
  void write_sums() { write_bytes(paths.medium / "live" / "SHA256SUMS", sums_text()); }
};

}  // namespace

TEST_CASE("kit self-check: the kit as built passes, with the system hash of SHA256SUMS", "[kit]") {
  KitTree t;
  auto c = kit::run_self_check(t.paths, true);
  REQUIRE(c.ok());
  CHECK(c->ok());
  CHECK(c->packages_installed == 3);  // "deinstall ok config-files" is not installed
  CHECK(c->package_diffs.empty());
  CHECK(c->binary_ok);
  CHECK(c->binary_sha256 == sha256_hex(t.binary));
  CHECK(c->medium.state == kit::MediumState::ok);
  CHECK(c->medium.files_total == 2);
  CHECK(c->medium.files_ok == 2);
  CHECK(c->medium.system_sha256 == sha256_hex(t.sums_text()));
  CHECK(c->medium.checked_unix_s > 0);
  const auto j = kit::to_json(c.value());
  CHECK(j["ok"] == true);
  CHECK(j["system_sha256"] == sha256_hex(t.sums_text()));
  CHECK(j["packages"]["expected"] == 3);
  CHECK(j["medium"]["state"] == "ok");
}

TEST_CASE("kit self-check: no manifest means not booted from the kit (exit 3)", "[kit]") {
  KitTree t;
  fs::remove(t.paths.manifest);
  auto c = kit::run_self_check(t.paths, false);
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().code == ErrorCode::not_found);
  CHECK(exit_code_for(c.error().code) == 3);
  CHECK(c.error().describe(true).find("キットから起動されていません") != std::string::npos);
  CHECK(c.error().describe(false).find("not booted from the Shodo kit") != std::string::npos);
}

TEST_CASE("kit self-check: a damaged or foreign manifest is refused with the reason", "[kit]") {
  KitTree t;
  write_bytes(t.paths.manifest, "{not json");
  auto a = kit::load_manifest(t.paths.manifest);
  REQUIRE_FALSE(a.ok());
  CHECK(a.error().code == ErrorCode::invalid_input);
  CHECK(a.error().describe(false).find("not JSON") != std::string::npos);

  write_bytes(t.paths.manifest, R"({"format":"something-else","format_version":1})");
  auto b = kit::load_manifest(t.paths.manifest);
  REQUIRE_FALSE(b.ok());
  CHECK(b.error().describe(false).find("wrong format") != std::string::npos);

  t.write_manifest({{"adduser", "3.134"}}, 2);
  auto c = kit::load_manifest(t.paths.manifest);
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().describe(false).find("unsupported format_version") != std::string::npos);
}

TEST_CASE("kit self-check: missing, changed and extra packages are each named (exit 4)", "[kit]") {
  KitTree t;
  t.write_manifest({{"adduser", "3.134"}, {"libssl3", "3.0.15-1~deb12u1"}, {"ewf-tools", "20140814-1"}});
  auto c = kit::run_self_check(t.paths, false);
  REQUIRE(c.ok());
  CHECK_FALSE(c->ok());
  REQUIRE(c->package_diffs.size() == 3);
  const auto& d = c->package_diffs;  // sorted by name
  CHECK(d[0].name == "ewf-tools");
  CHECK(d[0].problem == kit::PackageProblem::missing);
  CHECK(d[0].expected == "20140814-1");
  CHECK(d[0].actual.empty());
  CHECK(d[1].name == "libssl3");
  CHECK(d[1].problem == kit::PackageProblem::version_differs);
  CHECK(d[1].expected == "3.0.15-1~deb12u1");
  CHECK(d[1].actual == "3.0.16-1~deb12u1");
  CHECK(d[2].name == "shodo-tools");
  CHECK(d[2].problem == kit::PackageProblem::unexpected);
  CHECK(d[2].actual == "2:1.2-3");
  CHECK(kit::to_json(c.value())["packages"]["differences"].size() == 3);
  CHECK(exit_code_for(ErrorCode::integrity) == 4);
}

TEST_CASE("kit self-check: a replaced shodo binary is a mismatch", "[kit]") {
  KitTree t;
  write_bytes(t.paths.binary, "\x7f" "ELF another binary");
  auto c = kit::run_self_check(t.paths, false);
  REQUIRE(c.ok());
  CHECK_FALSE(c->binary_ok);
  CHECK_FALSE(c->ok());
}

TEST_CASE("kit self-check: a changed medium file is found, named, and the result is saved", "[kit]") {
  KitTree t;
  std::string sq = read_bytes(t.paths.medium / "live" / "filesystem.squashfs");
  sq[5000] = 'X';  // one byte flipped after the sums were written
  write_bytes(t.paths.medium / "live" / "filesystem.squashfs", sq);
  auto c = kit::run_self_check(t.paths, true);
  REQUIRE(c.ok());
  CHECK(c->medium.state == kit::MediumState::mismatch);
  CHECK(c->medium.files_ok == 1);
  REQUIRE(c->medium.bad_files.size() == 1);
  CHECK(c->medium.bad_files[0].rfind("live/filesystem.squashfs: expected ", 0) == 0);
  CHECK_FALSE(c->ok());

  // Without --verify-medium the saved boot-time result is used (same system hash) ...
  auto again = kit::run_self_check(t.paths, false);
  REQUIRE(again.ok());
  CHECK(again->medium.state == kit::MediumState::mismatch);
  CHECK(again->medium.bad_files == c->medium.bad_files);
  // ... but never for another SHA256SUMS (another kit, or a rewritten list).
  write_bytes(t.paths.medium / "live" / "SHA256SUMS", t.sums_text());
  auto other = kit::run_self_check(t.paths, false);
  REQUIRE(other.ok());
  CHECK(other->medium.state == kit::MediumState::not_checked);
  CHECK(other->ok());
}

TEST_CASE("kit self-check: SHA256SUMS may not point outside the medium or be malformed", "[kit]") {
  KitTree t;
  write_bytes(t.paths.medium / "live" / "SHA256SUMS", std::string(64, 'a') + "  ../../etc/passwd\n");
  auto a = kit::check_medium(t.paths.medium, "live/SHA256SUMS", true);
  CHECK(a.state == kit::MediumState::mismatch);
  REQUIRE(a.bad_files.size() == 1);
  CHECK(a.bad_files[0] == "../../etc/passwd: path outside the medium");

  write_bytes(t.paths.medium / "live" / "SHA256SUMS", "not a sums line\n");
  auto b = kit::check_medium(t.paths.medium, "live/SHA256SUMS", false);
  CHECK(b.state == kit::MediumState::mismatch);

  fs::remove(t.paths.medium / "live" / "SHA256SUMS");
  auto c = kit::check_medium(t.paths.medium, "live/SHA256SUMS", true);
  CHECK(c.state == kit::MediumState::unavailable);
  CHECK(c.system_sha256.empty());
}

TEST_CASE("kit self-check: the saved medium result round-trips through JSON", "[kit]") {
  kit::MediumCheck m;
  m.state = kit::MediumState::ok;
  m.system_sha256 = std::string(64, 'b');
  m.files_total = m.files_ok = 250;
  m.checked_unix_s = 1747699200;
  auto back = kit::medium_check_from_json(kit::to_json(m));
  REQUIRE(back.ok());
  CHECK(back->state == kit::MediumState::ok);
  CHECK(back->system_sha256 == m.system_sha256);
  CHECK(back->files_ok == 250);
  CHECK(back->checked_unix_s == 1747699200);
  CHECK_FALSE(kit::medium_check_from_json(nlohmann::json{{"state", "great"}}).ok());
}
