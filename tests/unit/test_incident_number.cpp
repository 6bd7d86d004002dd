// Incident numbers and the kit's settings (issue 11): which part of a number is wrong, the
// proposed next free number, and the settings file that keeps the facility code.
#include "tests/unit/test_support.hpp"  // first: it configures catch.hpp

#include "forensics/case/incident_number.hpp"
#include "forensics/case/kit_settings.hpp"
#include "forensics/core/atomic_file.hpp"

using namespace shodo;

namespace {
// 2022-10-31 08:40 JST = 2022-10-30 23:40 UTC. 2022-10-31 15:30 UTC is still the 31st in UTC but
// already 2022-11-01 00:30 in JST: the number takes the JST date.
constexpr std::int64_t k_morning = 1667173200LL * 1'000'000'000;
constexpr std::int64_t k_late_utc_next_day_jst = (1667173200LL + 15 * 3600 + 50 * 60) * 1'000'000'000;

void make_incident_dir(const std::filesystem::path& root, const std::string& id) {
  std::filesystem::create_directories(root / "incidents" / id);
}
}  // namespace

TEST_CASE("incident numbers: the wrong part is named", "[incident]") {
  CHECK(incident_id_problem("OGMC-20221031-01") == IncidentIdPart::none);
  CHECK(incident_id_problem("A-20240229-99") == IncidentIdPart::none);
  CHECK(incident_id_problem("OGMC20221031") == IncidentIdPart::form);
  CHECK(incident_id_problem("OGMC-20221031-01-2") == IncidentIdPart::form);
  CHECK(incident_id_problem("OG_MC-20221031-01") == IncidentIdPart::code);
  CHECK(incident_id_problem("-20221031-01") == IncidentIdPart::code);
  CHECK(incident_id_problem("ABCDEFGHIJKLMNOPQ-20221031-01") == IncidentIdPart::code);  // 17
  CHECK(incident_id_problem("病院-20221031-01") == IncidentIdPart::code);
  CHECK(incident_id_problem("OGMC-20221331-01") == IncidentIdPart::date);
  CHECK(incident_id_problem("OGMC-20230229-01") == IncidentIdPart::date);
  CHECK(incident_id_problem("OGMC-2022103-01") == IncidentIdPart::date);
  CHECK(incident_id_problem("OGMC-20221031-1") == IncidentIdPart::nn);
  CHECK(incident_id_problem("OGMC-20221031-00") == IncidentIdPart::none);  // numbers made before 01 was the first
  CHECK(incident_id_problem("OGMC-20221031-0a") == IncidentIdPart::nn);
  const Status st = check_incident_id("OGMC-20221331-01");
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code == ErrorCode::invalid_input);
  CHECK(st.error().ja.find("日付") != std::string::npos);
  CHECK(st.error().en.find("the date") != std::string::npos);
}

TEST_CASE("the proposal: today's JST date and the next free NN of the code", "[incident]") {
  SHODO_TEST_DIR(dir);
  const auto root = dir.path();
  CHECK(propose_incident_id(root, "OGMC", k_morning).value() == "OGMC-20221031-01");
  make_incident_dir(root, "OGMC-20221031-01");
  make_incident_dir(root, "OGMC-20221031-07");
  make_incident_dir(root, "OGMC-20221030-12");  // another day
  make_incident_dir(root, "KIDS-20221031-20");  // another facility
  make_incident_dir(root, "OGMC-20221031-xx");  // not a number
  CHECK(propose_incident_id(root, "OGMC", k_morning).value() == "OGMC-20221031-08");
  CHECK(propose_incident_id(root, "OGMC", k_late_utc_next_day_jst).value() == "OGMC-20221101-01");
  CHECK(propose_incident_id(root, "KIDS", k_morning).value() == "KIDS-20221031-21");
  make_incident_dir(root, "FULL-20221031-99");
  CHECK(propose_incident_id(root, "FULL", k_morning).error().code == ErrorCode::already_exists);
  CHECK(propose_incident_id(root, "bad code", k_morning).error().code == ErrorCode::invalid_input);
}

TEST_CASE("kit settings: defaults without a file, round trip, damaged files refused by member", "[incident]") {
  SHODO_TEST_DIR(dir);
  const auto root = dir.path();
  auto none = load_kit_settings(root);
  REQUIRE(none.ok());
  CHECK(none->facility_code.empty());
  CHECK(none->profile == "hospital");

  KitSettings s{"OGMC", "大阪総合医療センター", "clinic"};
  REQUIRE(save_kit_settings(root, s).ok());
  auto back = load_kit_settings(root);
  REQUIRE(back.ok());
  CHECK(back->facility_code == "OGMC");
  CHECK(back->facility_name == "大阪総合医療センター");
  CHECK(back->profile == "clinic");

  CHECK_FALSE(save_kit_settings(root, KitSettings{"O G", "", "hospital"}).ok());
  for (const char* text : {"[]", "{\"format\":\"other\",\"v\":1}", "{\"format\":\"shodo-kit-settings\",\"v\":2}",
                           "{\"format\":\"shodo-kit-settings\",\"v\":1,\"facility_code\":7}",
                           "{\"format\":\"shodo-kit-settings\",\"v\":1,\"facility_code\":\"O-G\"}",
                           "{\"format\":\"shodo-kit-settings\",\"v\":1,\"profile\":\"ward\"}", "{\"format\":"}) {
    INFO(text);
    CHECK(parse_kit_settings(text).error().code == ErrorCode::invalid_input);
  }
  REQUIRE(write_file_atomic(kit_settings_file(root), "{\"format\":").ok());
  CHECK_FALSE(load_kit_settings(root).ok());
}

TEST_CASE("the facility is remembered the first time, and when a code is given on purpose", "[incident]") {
  SHODO_TEST_DIR(dir);
  const auto root = dir.path();
  IncidentInfo a;
  a.incident_id = "OGMC-20221031-01";
  a.facility = "大阪総合医療センター";
  REQUIRE(remember_facility(root, a, false).ok());
  CHECK(load_kit_settings(root)->facility_code == "OGMC");
  IncidentInfo b;
  b.incident_id = "TEST-20221031-01";
  REQUIRE(remember_facility(root, b, false).ok());
  CHECK(load_kit_settings(root)->facility_code == "OGMC");  // a one-off number does not replace it
  REQUIRE(remember_facility(root, b, true).ok());
  CHECK(load_kit_settings(root)->facility_code == "TEST");
  CHECK(load_kit_settings(root)->facility_name == "大阪総合医療センター");  // b named none
}
