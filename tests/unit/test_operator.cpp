// The operator (issue 11, CHR-03): roles are a set, an operator change is recorded only when the
// person or the set really changed, and the operator of a kit session is remembered for that boot.
#include "tests/unit/test_support.hpp"  // first: it configures catch.hpp

#include <fstream>

#include "forensics/case/session_operator.hpp"
#include "forensics/case/workspace.hpp"
#include "tests/unit/test_evidence_support.hpp"

using namespace shodo;
using namespace shodo::chronology;

namespace {

std::size_t operator_changes(const Workspace& ws) {
  std::size_t n = 0;
  for (const auto& e : ws.log().entries()) n += e.system_event == "operator_changed" ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("roles: one stored form for a set — table order, each once, case and spaces forgiven", "[operator]") {
  CHECK(role_set({"SCR", "CSIRT", "SCR"}) == std::vector<std::string>{"CSIRT", "SCR"});
  CHECK(role_set({"EXT", "MGT"}) == std::vector<std::string>{"MGT", "EXT"});
  CHECK(role_set({"NEW", "SCR", "NEW"}) == std::vector<std::string>{"SCR", "NEW"});  // a newer code is kept
  auto parsed = parse_roles(" scr , CSIRT,,");
  REQUIRE(parsed.ok());
  CHECK(parsed.value() == std::vector<std::string>{"CSIRT", "SCR"});
  CHECK(parse_roles("").value().empty());
  auto bad = parse_roles("SCR,XYZ");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::invalid_input);
  CHECK(bad.error().ja.find("XYZ") != std::string::npos);
  CHECK(bad.error().en.find("unknown role: XYZ") != std::string::npos);
  CHECK(bad.error().en.find("MGT ISM CSIRT SCR") != std::string::npos);
  CHECK(same_operator({"山田 花子", {"SCR", "CSIRT"}}, {"山田 花子", {"CSIRT", "SCR"}}));
  CHECK_FALSE(same_operator({"山田 花子", {"SCR"}}, {"山田 花子", {"SCR", "CSIRT"}}));
  CHECK_FALSE(same_operator({"山田 花子", {"SCR"}}, {"山田 太郎", {"SCR"}}));
}

TEST_CASE("an operator change is written only when the person or the set of roles changed", "[operator]") {
  evidence_test::EvFixture fx;
  fx.opt.op = {"山田 花子", {"SCR", "CSIRT"}};
  auto ws = fx.create();
  REQUIRE(operator_changes(*ws) == 0);
  CHECK(ws->log().entries().front().author_roles == std::vector<std::string>{"CSIRT", "SCR"});
  REQUIRE(ws->set_operator({"山田 花子", {"CSIRT", "SCR"}}).ok());
  REQUIRE(ws->set_operator({"山田 花子", {"SCR", "CSIRT", "SCR"}}).ok());
  CHECK(operator_changes(*ws) == 0);
  REQUIRE(ws->set_operator({"山田 花子", {"SCR"}}).ok());
  CHECK(operator_changes(*ws) == 1);
  REQUIRE(ws->set_operator({"鈴木 一郎", {"SCR"}}).ok());
  CHECK(operator_changes(*ws) == 2);
  CHECK(ws->log().entries().back().content.find("山田 花子 [SCR] → 鈴木 一郎 [SCR]") != std::string::npos);
}

TEST_CASE("the session operator is remembered for one boot, forgotten by clear or a restart, never guessed",
          "[operator]") {
  unit::TempDir dir;
  ClockReading now;
  now.sys_utc_ns = unit::k_s * 1795500000LL;
  now.boot_id = "00000000-0000-4000-8000-000000000001";
  CHECK_FALSE(load_session_operator(dir.path(), now.boot_id));
  REQUIRE(save_session_operator(dir.path(), {"山田 花子", {"SCR", "CSIRT"}}, now).ok());
  auto s = load_session_operator(dir.path(), now.boot_id);
  REQUIRE(s);
  CHECK(s->op.name == "山田 花子");
  CHECK(s->op.roles == std::vector<std::string>{"CSIRT", "SCR"});
  CHECK(s->set_utc_ns == now.sys_utc_ns);
  CHECK_FALSE(load_session_operator(dir.path(), "00000000-0000-4000-8000-000000000002"));  // restarted

  // A damaged or edited file is no operator, and the reason is given.
  for (const std::string& text : {std::string("{"), std::string(R"({"format":"shodo-session-operator","v":1})"),
                                 std::string(R"({"format":"shodo-session-operator","v":1,"name":"x","roles":["BOSS"],)"
                                             R"("boot_id":"00000000-0000-4000-8000-000000000001","set_utc_ns":1})"),
                                 std::string(R"({"format":"shodo-session-operator","v":1,"name":"x","roles":[],)"
                                             R"("boot_id":"00000000-0000-4000-8000-000000000001","set_utc_ns":1.5})")}) {
    INFO(text);
    std::ofstream(session_operator_file(dir.path()), std::ios::trunc) << text;
    Error problem;
    CHECK_FALSE(load_session_operator(dir.path(), now.boot_id, &problem));
    CHECK(problem.code == ErrorCode::invalid_input);
    CHECK(problem.ja.find("操作者の記憶ファイル") != std::string::npos);
  }
  REQUIRE(clear_session_operator(dir.path()).ok());
  CHECK_FALSE(std::filesystem::exists(session_operator_file(dir.path())));
  CHECK(clear_session_operator(dir.path()).ok());  // nothing to clear is no error
  CHECK_FALSE(save_session_operator(dir.path(), {"", {}}, now).ok());
}
