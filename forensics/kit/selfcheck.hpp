// Kit self-check (REQUIREMENTS P0-04): is the running system the image the build made?
//
// build-usb.sh writes two things this module reads:
//  * the manifest inside the image, /usr/share/shodo/kit-manifest.json: every Debian package and
//    version, the SHA-256 of /usr/bin/shodo, kit version and build time (format
//    "shodo-kit-manifest", version 1; docs/usb-image.en.md describes it);
//  * live/SHA256SUMS on the boot medium (outside the image's file system): the SHA-256 of every
//    file of the system partition (kernel, initramfs, squashfs, boot loader). Its own SHA-256 is
//    the kit's "system hash" that the build prints and the responder compares with the published
//    value.
// The check compares the dpkg database and the running binary with the manifest, and (when asked,
// or from the result the boot-time service saved) every medium file with SHA256SUMS.
// Headless and synchronous; hashing the medium reads a few hundred MB, so callers on a UI thread
// use verify_medium = false (cheap: a dpkg status file and one binary).
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "forensics/core/result.hpp"

namespace shodo::kit {

// Where the check looks. The defaults are the paths on the booted kit; tests point them at a
// temporary tree.
struct KitPaths {
  std::filesystem::path manifest = "/usr/share/shodo/kit-manifest.json";
  std::filesystem::path dpkg_status = "/var/lib/dpkg/status";
  std::filesystem::path medium = "/run/live/medium";                // live-boot's mount of the ISO
  std::filesystem::path medium_cache = "/run/shodo/medium-check.json";  // last full verification
  std::filesystem::path binary = "/proc/self/exe";                  // the running shodo
};

struct ManifestPackage {
  std::string name;
  std::string version;
  std::string arch;
};

struct Manifest {
  int format_version = 0;
  std::string kit_version;
  std::string shodo_commit;
  std::string image_name;
  std::string built_utc;   // "2025-05-20T00:00:00Z"
  std::string debian_suite;
  std::string kernel;
  std::string medium_sums = "live/SHA256SUMS";  // relative to the medium root
  std::string binary_path;
  std::string binary_sha256;
  std::vector<ManifestPackage> packages;  // sorted by name
};

// Reads the manifest. Errors: not_found (no manifest: this system was not booted from the kit),
// invalid_input (not JSON, not a shodo-kit-manifest, or a format version this build cannot read).
Result<Manifest> load_manifest(const std::filesystem::path& file);

// Package name → version for every package the dpkg status file records as "install ok
// installed" (multi-arch packages keep their plain name). Errors: not_found, io_error.
Result<std::map<std::string, std::string>> read_dpkg_status(const std::filesystem::path& file);

enum class PackageProblem {
  missing,          // in the manifest, not installed
  version_differs,  // installed with another version
  unexpected,       // installed, not in the manifest
};

struct PackageDiff {
  std::string name;
  std::string expected;  // manifest version ("" for unexpected)
  std::string actual;    // installed version ("" for missing)
  PackageProblem problem = PackageProblem::missing;
};

// Every difference, sorted by package name.
std::vector<PackageDiff> compare_packages(const Manifest& manifest, const std::map<std::string, std::string>& installed);

enum class MediumState {
  unavailable,  // no medium or no SHA256SUMS (e.g. copied to RAM and ejected)
  not_checked,  // SHA256SUMS read and its hash known; the files were not hashed yet
  ok,           // every listed file has its listed SHA-256
  mismatch,     // at least one file differs or cannot be read
};

struct MediumCheck {
  MediumState state = MediumState::unavailable;
  std::string system_sha256;             // SHA-256 of SHA256SUMS: the published system hash
  std::size_t files_total = 0;
  std::size_t files_ok = 0;
  std::vector<std::string> bad_files;    // "live/filesystem.squashfs: expected …, got …"
  std::int64_t checked_unix_s = 0;       // when the files were hashed (0: not hashed)
  std::string reason;                    // why unavailable, in English (for logs)
};

// Reads <medium>/<sums_rel>; with verify, hashes every file listed (paths must stay inside the
// medium). Never fails: problems show in the state.
MediumCheck check_medium(const std::filesystem::path& medium, const std::string& sums_rel, bool verify);

nlohmann::json to_json(const MediumCheck& m);
// Errors: invalid_input.
Result<MediumCheck> medium_check_from_json(const nlohmann::json& j);

struct SelfCheck {
  Manifest manifest;
  std::size_t packages_installed = 0;
  std::vector<PackageDiff> package_diffs;
  std::string binary_sha256;  // of paths.binary
  bool binary_ok = false;     // equals the manifest's value
  MediumCheck medium;

  // Packages and binary match, and the medium is not known to differ.
  bool ok() const { return package_diffs.empty() && binary_ok && medium.state != MediumState::mismatch; }
};

// The whole check. verify_medium = true hashes every medium file now and saves the result to
// paths.medium_cache (best effort: only where that directory is writable, i.e. as root at boot);
// false uses that saved result when its system hash is the current one, else reports
// not_checked. Errors: those of load_manifest (not_found means "not running from the kit") and
// of read_dpkg_status.
Result<SelfCheck> run_self_check(const KitPaths& paths, bool verify_medium);

// Machine-readable result (`shodo kit check --json`); "ok" is SelfCheck::ok().
nlohmann::json to_json(const SelfCheck& c);

const char* to_string(PackageProblem p);
const char* to_string(MediumState s);

}  // namespace shodo::kit
