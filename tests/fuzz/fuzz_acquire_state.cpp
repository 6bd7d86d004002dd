// libFuzzer harness: the acquisition state file (<dest>/<name>.state.json, "shodo-acquire-state")
// that `shodo acquire --resume` and the GUI's resume read after a crash or a power cut — a file
// on the destination disk that may be torn, damaged or edited. Entry point:
// acquire::read_resume_state (forensics/acquire/acquisition.hpp), which resume_acquisition uses.
//
// Contract checked on every input:
//  * never crashes, never throws (a state file of `[]`, a missing key or a wrong type once ended
//    in std::terminate): a bad file is an invalid_input error with both messages;
//  * an accepted state names an incident, a source, a destination and at least one hash, and its
//    device is an object.
#include "forensics/acquire/acquisition.hpp"
#include "forensics/core/result.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace shodo;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto state = acquire::read_resume_state(fuzz::bytes(data, size), "state.json");
  if (!state) {
    SHODO_FUZZ_CHECK(state.error().code == ErrorCode::invalid_input);
    SHODO_FUZZ_CHECK(!state.error().ja.empty() && !state.error().en.empty());
    return 0;
  }
  SHODO_FUZZ_CHECK(state->device.is_object());
  SHODO_FUZZ_CHECK(!state->request.algos.empty());
  return 0;
}
