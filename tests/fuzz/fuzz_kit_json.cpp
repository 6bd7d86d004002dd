// libFuzzer harness: the kit's own JSON (forensics/kit/selfcheck.hpp) read at every start: the
// image manifest (load_manifest, "shodo-kit-manifest") on the boot medium and the saved medium
// check (medium_check_from_json) in the kit's cache; plus the dpkg status file the manifest is
// compared with (read_dpkg_status). The medium is a USB stick that may have been damaged or
// altered: that is what the self-check exists to detect, so reading it must never crash.
// Also the operator remembered for the kit session (parse_session_operator, case/session_operator),
// read by every command from the case volume, and the kit's settings (parse_kit_settings,
// case/kit_settings) that number new incidents.
//
// Contract checked on every input:
//  * never crashes or throws: a bad manifest is invalid_input, a bad saved check invalid_input;
//  * an accepted medium check survives to_json → medium_check_from_json unchanged;
//  * an accepted manifest's medium_sums stays a relative path inside the medium;
//  * an accepted session operator has a name and known roles as a set, and survives
//    session_operator_json → parse_session_operator unchanged;
//  * accepted kit settings have an empty or valid facility code (one that numbers incidents) and a
//    known profile, and survive kit_settings_json → parse_kit_settings unchanged.
#include <nlohmann/json.hpp>

#include "forensics/case/incident_number.hpp"
#include "forensics/case/kit_settings.hpp"
#include "forensics/case/session_operator.hpp"
#include "forensics/core/result.hpp"
#include "forensics/kit/selfcheck.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace shodo;

namespace {

fuzz::Scratch& scratch() {
  static fuzz::Scratch s;
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::bytes(data, size);
  const auto file = scratch().write("kit.json", text);

  const auto manifest = kit::load_manifest(file);
  if (!manifest) {
    SHODO_FUZZ_CHECK(manifest.error().code == ErrorCode::invalid_input);
  } else {
    const std::filesystem::path sums = manifest->medium_sums;
    SHODO_FUZZ_CHECK(sums.is_relative());
    for (const auto& part : sums) SHODO_FUZZ_CHECK(part != "..");
  }

  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  const auto check = kit::medium_check_from_json(j);
  if (!check) {
    SHODO_FUZZ_CHECK(check.error().code == ErrorCode::invalid_input);
  } else {
    const auto again = kit::medium_check_from_json(kit::to_json(check.value()));
    SHODO_FUZZ_CHECK(again.ok());
    SHODO_FUZZ_CHECK(again->state == check->state && again->system_sha256 == check->system_sha256 &&
                     again->files_total == check->files_total && again->files_ok == check->files_ok &&
                     again->bad_files == check->bad_files && again->checked_unix_s == check->checked_unix_s &&
                     again->reason == check->reason);
  }

  const auto session = parse_session_operator(text);
  if (!session) {
    SHODO_FUZZ_CHECK(session.error().code == ErrorCode::invalid_input && !session.error().ja.empty());
  } else {
    SHODO_FUZZ_CHECK(!session->op.name.empty() && !session->boot_id.empty() && session->set_utc_ns >= 0);
    SHODO_FUZZ_CHECK(chronology::role_set(session->op.roles) == session->op.roles);
    for (const auto& r : session->op.roles) SHODO_FUZZ_CHECK(chronology::is_role_code(r));
    const auto again = parse_session_operator(session_operator_json(session.value()));
    SHODO_FUZZ_CHECK(again.ok() && again->op.name == session->op.name && again->op.roles == session->op.roles &&
                     again->boot_id == session->boot_id && again->set_utc_ns == session->set_utc_ns);
  }

  const auto settings = parse_kit_settings(text);
  if (!settings) {
    SHODO_FUZZ_CHECK(settings.error().code == ErrorCode::invalid_input && !settings.error().ja.empty());
  } else {
    SHODO_FUZZ_CHECK(settings->profile == "hospital" || settings->profile == "clinic");
    if (!settings->facility_code.empty())
      SHODO_FUZZ_CHECK(incident_id_problem(settings->facility_code + "-20221031-01") == IncidentIdPart::none);
    const auto again = parse_kit_settings(kit_settings_json(settings.value()));
    SHODO_FUZZ_CHECK(again.ok() && again->facility_code == settings->facility_code &&
                     again->facility_name == settings->facility_name && again->profile == settings->profile);
  }
  const auto status = kit::read_dpkg_status(file);
  SHODO_FUZZ_CHECK(status.ok());  // the file exists: any content is read, never an error
  return 0;
}
