// libFuzzer harness: incident.json ("shodo-incident" v1, forensics/case/incident.hpp), read from
// the case volume every time an incident is listed or opened (a file anyone with the USB disk can
// edit). Both entry points are fed the same bytes: incident_from_json on the parsed document and
// load_incident on the file.
//
// Contract checked on every input:
//  * never crashes or throws: a damaged file is an `integrity` error;
//  * load_incident and incident_from_json agree;
//  * what is accepted survives to_json → incident_from_json unchanged (the round trip the app does
//    when it rewrites the file).
#include <nlohmann/json.hpp>

#include "forensics/case/incident.hpp"
#include "forensics/core/result.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace shodo;

namespace {

constexpr const char* k_incident = "OGMC-20221031-01";

bool same(const IncidentInfo& a, const IncidentInfo& b) {
  return a.incident_id == b.incident_id && a.title == b.title && a.facility == b.facility && a.profile == b.profile &&
         a.training == b.training && a.created_utc_ns == b.created_utc_ns && a.created_by == b.created_by &&
         a.created_kit == b.created_kit;
}

fuzz::Scratch& scratch() {
  static fuzz::Scratch s;
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::bytes(data, size);
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  const Result<IncidentInfo> parsed = incident_from_json(j);
  if (!parsed) SHODO_FUZZ_CHECK(parsed.error().code == ErrorCode::integrity);

  scratch().write("incidents/" + std::string(k_incident) + "/incident.json", text);
  const Result<IncidentInfo> loaded = load_incident(scratch().dir(), k_incident);
  SHODO_FUZZ_CHECK(loaded.ok() == parsed.ok());
  if (!parsed) return 0;
  SHODO_FUZZ_CHECK(same(loaded.value(), parsed.value()));

  const nlohmann::json again = to_json(parsed.value());
  const Result<IncidentInfo> round = incident_from_json(again);
  SHODO_FUZZ_CHECK(round.ok());
  SHODO_FUZZ_CHECK(same(round.value(), parsed.value()));
  return 0;
}
