// The one-way layering of forensics/ (DESIGN.md "Shape"), held by a table of allowed include
// edges between its folders:
//
//   app → capabilities (acquire, collect, backup, isolate, playbook, report, kit)
//       → evidence, chronology, case → integrity, i18n → core
//
// Every `#include "forensics/<folder>/…"` in forensics/** must be an edge of the table (or stay
// inside its own folder), and forensics/ never includes app/, ImGui, GLFW or GL. A new folder,
// or a new edge, is added here on purpose, with the reason, never to make the test pass.
#include "tests/unit/test_support.hpp"  // first: it configures catch.hpp

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

// folder → the folders it may include (besides itself).
const std::map<std::string, std::set<std::string>>& allowed_edges() {
  static const std::set<std::string> k_mid_and_below = {"evidence", "chronology", "case", "integrity", "i18n", "core"};
  static const std::map<std::string, std::set<std::string>> k_edges = {
      // Bottom: Result/Error, jobs, clocks, provenance, atomic files.
      {"core", {}},
      // Above core: digests and keys; the message catalogues.
      {"integrity", {"core"}},
      {"i18n", {"core"}},
      // The record stores. Within this tier the edges form a chain: the chronology is the spine,
      // the case (Workspace) holds a chronology, the evidence register belongs to a case.
      {"chronology", {"integrity", "i18n", "core"}},
      {"case", {"chronology", "integrity", "i18n", "core"}},
      {"evidence", {"case", "chronology", "integrity", "i18n", "core"}},
      // Capabilities: anything below them, never each other (share through a lower folder).
      {"acquire", k_mid_and_below},
      {"collect", k_mid_and_below},
      {"backup", k_mid_and_below},
      {"isolate", k_mid_and_below},
      {"playbook", k_mid_and_below},
      {"report", k_mid_and_below},
      {"kit", k_mid_and_below},
  };
  return k_edges;
}

struct Violation {
  std::string where;  // file:line, relative to the scanned root's parent
  std::string what;   // "case -> report" or "includes <imgui.h>"
};

bool forbidden_outside(const std::string& target) {
  static const std::regex k_forbidden(R"(^(app/|imgui|backends/imgui|GLFW/|GL/|GLES|glad/|epoxy/))",
                                      std::regex::icase);
  return std::regex_search(target, k_forbidden);
}

// Scans every .hpp/.cpp/.h/.inc under `forensics_root` (a folder laid out like forensics/).
std::vector<Violation> scan(const fs::path& forensics_root) {
  static const std::regex k_include(R"(^\s*#\s*include\s*([<"])([^>"]+)[>"])");
  static const std::regex k_forensics(R"(^forensics/([^/]+)/)");
  const auto& edges = allowed_edges();
  std::vector<Violation> out;
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(forensics_root)) {
    const auto ext = e.path().extension();
    if (e.is_regular_file() && (ext == ".hpp" || ext == ".cpp" || ext == ".h" || ext == ".inc"))
      files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    const fs::path rel = fs::relative(file, forensics_root);
    const std::string from = rel.begin()->string();
    const std::string shown = (fs::path("forensics") / rel).string();
    if (rel.has_parent_path() && edges.find(from) == edges.end()) {
      out.push_back({shown + ":1", "folder '" + from + "' is not in the allowed-edges table"});
      continue;
    }
    std::ifstream in(file);
    std::string line;
    int no = 0;
    while (std::getline(in, line)) {
      ++no;
      std::smatch m;
      if (!std::regex_search(line, m, k_include)) continue;
      const std::string target = m[2];
      const std::string where = shown + ":" + std::to_string(no);
      if (forbidden_outside(target)) {
        out.push_back({where, "includes " + m[1].str() + target + (m[1] == "<" ? ">" : "\"") +
                                  " (forensics/ is headless: no app/, ImGui, GLFW or GL)"});
        continue;
      }
      std::smatch f;
      if (!std::regex_search(target, f, k_forensics)) continue;
      const std::string to = f[1];
      if (to == from) continue;
      const auto it = edges.find(from);
      if (it == edges.end() || it->second.count(to) == 0)
        out.push_back({where, from + " -> " + to + " (not an allowed edge: \"" + target + "\")"});
    }
  }
  return out;
}

std::string describe(const std::vector<Violation>& v) {
  std::string s;
  for (const auto& x : v) s += x.where + ": " + x.what + "\n";
  return s;
}

// True when the table's edges contain a cycle (the table itself must be one-way).
bool has_cycle(const std::string& node, std::map<std::string, int>& state) {
  state[node] = 1;
  const auto it = allowed_edges().find(node);
  if (it != allowed_edges().end())
    for (const auto& to : it->second) {
      if (state[to] == 1) return true;
      if (state[to] == 0 && has_cycle(to, state)) return true;
    }
  state[node] = 2;
  return false;
}

}  // namespace

TEST_CASE("layers: the allowed-edges table is one-way and names only known folders", "[layers]") {
  std::map<std::string, int> state;
  for (const auto& [from, tos] : allowed_edges()) {
    INFO("folder " << from);
    CHECK_FALSE(has_cycle(from, state));
    for (const auto& to : tos) {
      INFO("edge " << from << " -> " << to);
      CHECK(allowed_edges().count(to) == 1);
    }
  }
}

TEST_CASE("layers: every include in forensics/ follows DESIGN.md's one-way order", "[layers]") {
  const fs::path root = fs::path(SHODO_SOURCE_DIR) / "forensics";
  REQUIRE(fs::is_directory(root));
  const auto violations = scan(root);
  for (const auto& v : violations) FAIL_CHECK(v.where << ": " << v.what);
  CHECK(violations.empty());
}

TEST_CASE("layers: the scanner finds a forbidden edge, a GUI include and an unknown folder", "[layers]") {
  SHODO_TEST_DIR(dir);
  const fs::path root = dir.path() / "forensics";
  for (const char* d : {"case", "core", "report", "newthing"}) fs::create_directories(root / d);
  shodo::unit::write_bytes(root / "case" / "ok.hpp", "#include \"forensics/chronology/log.hpp\"\n#include <string>\n");
  shodo::unit::write_bytes(root / "case" / "bad.cpp",
                           "// a comment\n#include \"forensics/case/ok.hpp\"\n  #  include \"forensics/report/export.hpp\"\n");
  shodo::unit::write_bytes(root / "core" / "gui.cpp", "#include <imgui.h>\n#include \"app/gui/widgets.hpp\"\n");
  shodo::unit::write_bytes(root / "report" / "x.cpp", "#include <GLFW/glfw3.h>\n#include \"forensics/case/ok.hpp\"\n");
  shodo::unit::write_bytes(root / "newthing" / "y.hpp", "#include \"forensics/core/result.hpp\"\n");
  const auto v = scan(root);
  INFO(describe(v));
  REQUIRE(v.size() == 5);
  CHECK(v[0].where == "forensics/case/bad.cpp:3");
  CHECK(v[0].what.rfind("case -> report", 0) == 0);
  CHECK(v[1].where == "forensics/core/gui.cpp:1");
  CHECK(v[1].what.rfind("includes <imgui.h>", 0) == 0);
  CHECK(v[2].where == "forensics/core/gui.cpp:2");
  CHECK(v[2].what.rfind("includes \"app/gui/widgets.hpp\"", 0) == 0);
  CHECK(v[3].where == "forensics/newthing/y.hpp:1");
  CHECK(v[4].where == "forensics/report/x.cpp:1");
  CHECK(v[4].what.rfind("includes <GLFW/glfw3.h>", 0) == 0);
}
