// The evidence register on the shared hash-chained writer (issue 10 §2): a torn last line no longer
// blocks the register — it is set aside (side file + chronology entry) and writes go on — and
// real processes adding items at the same time give one intact register with unique numbers.
#include "tests/unit/test_support.hpp"  // first: it configures catch.hpp

#include <fstream>
#include <set>
#include <sys/wait.h>
#include <unistd.h>

#include "forensics/case/workspace.hpp"
#include "forensics/chronology/verify.hpp"
#include "forensics/evidence/evidence.hpp"
#include "forensics/integrity/digest.hpp"
#include "tests/unit/test_evidence_support.hpp"

using namespace shodo;
using namespace shodo::evidence;
using namespace shodo::unit;
using namespace shodo::evidence_test;
namespace fs = std::filesystem;

namespace {

std::vector<fs::path> torn_files(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& f : fs::directory_iterator(dir))
    if (f.path().filename().string().find(".torn-") != std::string::npos) out.push_back(f.path());
  return out;
}

}  // namespace

TEST_CASE("evidence: a torn last line is set aside and recorded, and the register is written again", "[evidence][chain_log]") {
  EvFixture fx;
  auto ws = fx.create();
  {
    auto reg = EvidenceRegister::open(*ws).value();
    REQUIRE(reg.add_item(*ws, sample_disk()).ok());
    REQUIRE(reg.add_item(*ws, sample_disk()).ok());
  }
  const fs::path file = ws->dir() / "evidence" / "register.jsonl";
  const std::string torn = "{\"author\":\"山田 花子\",\"device_id\":\"KIT";  // a write cut by a power loss
  {
    std::ofstream f(file, std::ios::binary | std::ios::app);
    f << torn;
  }
  const auto check = verify_register(file);
  CHECK(check.torn_tail);  // `evidence verify` still reports it (exit 8) and changes nothing

  auto reg = EvidenceRegister::open(*ws);
  REQUIRE(reg.ok());  // reading is not blocked
  CHECK(reg->items().size() == 2);
  auto third = reg->add_item(*ws, sample_disk());
  REQUIRE(third.ok());
  CHECK(third->evidence_no == std::string(k_incident) + "-E003");

  const auto sides = torn_files(file.parent_path());
  REQUIRE(sides.size() == 1);
  CHECK(read_bytes(sides[0]) == torn);
  CHECK(sides[0].filename().string().rfind("register.jsonl.torn-", 0) == 0);
  const auto after = verify_register(*ws);
  INFO(after.problem_en);
  CHECK(after.ok());
  CHECK(after.lines == 3);
  // The chronology says what happened, with the side file's name and the bytes' SHA-256.
  int recovered = 0;
  for (const auto& e : ws->log().entries()) {
    if (e.system_event != "evidence_register_recovered") continue;
    ++recovered;
    CHECK(e.content.find(std::to_string(torn.size()) + " bytes") != std::string::npos);
    CHECK(e.content.find(sides[0].filename().string()) != std::string::npos);
    CHECK(e.content.find(sha256_hex(torn)) != std::string::npos);
  }
  CHECK(recovered == 1);
  CHECK(chronology::verify_chronology_file(ws->log().file()).value().intact());
}

TEST_CASE("evidence: processes adding items and transfers at the same time give one register with unique numbers", "[evidence][chain_log]") {
  EvFixture fx;
  {
    auto ws = fx.create();
  }
  constexpr int k_writers = 3;
  constexpr int k_each = 15;
  constexpr int k_transfers = 8;
  std::vector<pid_t> pids;
  for (int w = 0; w < k_writers; ++w) {
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      WorkspaceOptions o = fx.opt;
      o.clock = nullptr;  // each process its own real clock
      auto ws = Workspace::open(o);
      if (!ws) ::_exit(3);
      auto reg = EvidenceRegister::open(**ws);
      if (!reg) ::_exit(4);
      std::string mine;
      for (int i = 0; i < k_each; ++i) {
        EvidenceItem item = sample_disk();
        item.description = "writer " + std::to_string(w) + " item " + std::to_string(i);
        auto added = reg->add_item(**ws, item);
        if (!added) ::_exit(5);
        mine = added->evidence_no;
      }
      // Transfer numbers are given under the lock too (issue 10 §2): no two alike.
      for (int i = 0; i < k_transfers; ++i) {
        Transfer t;
        t.evidence_nos = {mine};
        t.from = {"writer " + std::to_string(w), "", "", ""};
        t.to = {"保管担当 " + std::to_string(i), "", "", ""};
        t.purpose = "保管";
        if (!reg->record_transfer(**ws, t)) ::_exit(6);
      }
      ::_exit(0);
    }
    pids.push_back(pid);
  }
  for (auto pid : pids) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  auto ws = Workspace::open(fx.opt);
  REQUIRE(ws.ok());
  const auto check = verify_register(**ws);
  INFO(check.problem_en);
  REQUIRE(check.ok());
  CHECK(check.lines == k_writers * (k_each + k_transfers));
  auto reg = EvidenceRegister::open(**ws);
  REQUIRE(reg.ok());
  const auto items = reg->items();
  REQUIRE(items.size() == static_cast<std::size_t>(k_writers * k_each));
  std::set<std::string> numbers, descriptions;
  for (const auto& i : items) {
    numbers.insert(i.evidence_no);
    descriptions.insert(i.description);
  }
  CHECK(numbers.size() == items.size());
  CHECK(descriptions.size() == items.size());
  CHECK(numbers.count(std::string(k_incident) + "-E001") == 1);
  CHECK(numbers.count(std::string(k_incident) + "-E045") == 1);
  std::set<std::string> transfer_ids;
  for (const auto& t : reg->transfers()) transfer_ids.insert(t.transfer_id);
  CHECK(reg->transfers().size() == static_cast<std::size_t>(k_writers * k_transfers));
  CHECK(transfer_ids.size() == reg->transfers().size());
  CHECK(transfer_ids.count(std::string(k_incident) + "-T024") == 1);
  const auto v = chronology::verify_chronology_file((*ws)->log().file());
  REQUIRE(v.ok());
  CHECK(v->intact());
}
