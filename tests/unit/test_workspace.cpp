// Incidents and the Workspace facade (P1-01, CHR-04): incident numbers, the case root, creating
// and opening incidents, operator changes, and chronology exports recorded in the chronology.
#include "tests/unit/test_support.hpp"  // first: it configures catch.hpp

#include "forensics/report/export.hpp"
#include "forensics/case/incident.hpp"
#include "forensics/case/workspace.hpp"
#include "forensics/chronology/verify.hpp"
#include "forensics/integrity/digest.hpp"

using namespace shodo;
using namespace shodo::chronology;
using namespace shodo::unit;
namespace fs = std::filesystem;

namespace {

IncidentInfo sample_incident(const std::string& id = k_incident) {
  IncidentInfo i;
  i.incident_id = id;
  i.title = "電子カルテ停止（ランサムウェア疑い）";
  i.facility = "大阪総合医療センター";
  return i;
}

struct WsFixture {
  TempDir dir;
  EnvGuard env{{"SHODO_MIRROR_ROOT"}};
  FixedClock clock = t0_clock();
  WorkspaceOptions opt;
  WsFixture() {
    ::unsetenv("SHODO_MIRROR_ROOT");
    opt.case_root = dir / "case";
    opt.incident_id = k_incident;
    opt.op = {"山田 花子", {"SCR"}};
    opt.clock = &clock;
  }
  std::unique_ptr<Workspace> create(const IncidentInfo& info = sample_incident()) {
    auto ws = Workspace::create(opt, info);
    if (!ws) throw std::runtime_error("create failed: " + ws.error().describe(false));
    return std::move(ws.value());
  }
};

}  // namespace

TEST_CASE("incident numbers: CODE-YYYYMMDD-NN with a real date", "[workspace]") {
  CHECK(is_valid_incident_id("OGMC-20221031-01"));
  CHECK(is_valid_incident_id("A-20240229-99"));              // leap day
  CHECK(is_valid_incident_id("ABCDEFGHIJKLMNOP-20221031-01"));  // 16-character code
  CHECK(is_valid_incident_id("ogmc-20221031-01"));           // lower case is accepted ([A-Za-z0-9])
  CHECK(is_valid_incident_id("H123-20000101-00"));

  CHECK_FALSE(is_valid_incident_id(""));
  CHECK_FALSE(is_valid_incident_id("OGMC-20230230-01"));      // 30 February
  CHECK_FALSE(is_valid_incident_id("OGMC-20230229-01"));      // not a leap year
  CHECK_FALSE(is_valid_incident_id("OGMC-21000229-01"));      // century rule
  CHECK_FALSE(is_valid_incident_id("OGMC-20221331-01"));      // month 13
  CHECK_FALSE(is_valid_incident_id("OGMC-20221000-01"));      // day 0
  CHECK_FALSE(is_valid_incident_id("OGMC-20220431-01"));      // 31 April
  CHECK_FALSE(is_valid_incident_id("OGMC-19991231-01"));      // before 2000
  CHECK_FALSE(is_valid_incident_id("OGMC-20221031"));         // missing NN
  CHECK_FALSE(is_valid_incident_id("20221031-01"));           // missing code
  CHECK_FALSE(is_valid_incident_id("-20221031-01"));
  CHECK_FALSE(is_valid_incident_id("OGMC-2022103-01"));
  CHECK_FALSE(is_valid_incident_id("OGMC-20221031-1"));
  CHECK_FALSE(is_valid_incident_id("OGMC-20221031-001"));
  CHECK_FALSE(is_valid_incident_id("ABCDEFGHIJKLMNOPQ-20221031-01"));  // 17-character code
  CHECK_FALSE(is_valid_incident_id("OG MC-20221031-01"));
  CHECK_FALSE(is_valid_incident_id("大阪-20221031-01"));
  CHECK_FALSE(is_valid_incident_id("../x-20221031-01"));
  CHECK_FALSE(is_valid_incident_id("OGMC-20221031-01\n"));
  CHECK_FALSE(is_valid_incident_id("OGMC_20221031_01"));
}

TEST_CASE("resolve_case_root: --case-root > SHODO_CASE_ROOT > XDG_DATA_HOME/shodo > ~/.local/share/shodo",
          "[workspace]") {
  EnvGuard env({"SHODO_CASE_ROOT", "XDG_DATA_HOME", "HOME"});
  ::setenv("SHODO_CASE_ROOT", "/media/kit/case", 1);
  ::setenv("XDG_DATA_HOME", "/home/u/.data", 1);
  ::setenv("HOME", "/home/u", 1);
  CHECK(resolve_case_root("/mnt/usb/case") == fs::path("/mnt/usb/case"));
  CHECK(resolve_case_root("") == fs::path("/media/kit/case"));
  ::unsetenv("SHODO_CASE_ROOT");
  CHECK(resolve_case_root("") == fs::path("/home/u/.data/shodo"));
  ::setenv("SHODO_CASE_ROOT", "", 1);  // empty counts as unset
  CHECK(resolve_case_root("") == fs::path("/home/u/.data/shodo"));
  ::unsetenv("XDG_DATA_HOME");
  CHECK(resolve_case_root("") == fs::path("/home/u/.local/share/shodo"));
  CHECK(incident_dir("/c", "OGMC-20221031-01") == fs::path("/c/incidents/OGMC-20221031-01"));
}

TEST_CASE("create_incident: writes incident.json — twice → already_exists — bad input refused", "[workspace]") {
  SHODO_TEST_DIR(dir);
  const fs::path root = dir / "case";
  IncidentInfo info = sample_incident();
  info.training = true;
  info.created_utc_ns = k_t0_s * k_s;
  info.created_by = "山田 花子";
  info.created_kit = "KIT-0A1B2C3D";
  REQUIRE(create_incident(root, info).ok());
  const fs::path file = incident_dir(root, k_incident) / "incident.json";
  REQUIRE(fs::exists(file));
  CHECK(fs::is_directory(incident_dir(root, k_incident) / "chronology"));
  const std::string first = read_bytes(file);
  const auto j = nlohmann::json::parse(first);
  CHECK(j["format"] == "shodo-incident");
  CHECK(j["incident_id"] == k_incident);
  CHECK(j["created_utc"] == "2022-10-30T23:40:00.000000000Z");

  auto loaded = load_incident(root, k_incident);
  REQUIRE(loaded.ok());
  CHECK(loaded->title == info.title);
  CHECK(loaded->facility == info.facility);
  CHECK(loaded->training);
  CHECK(loaded->created_utc_ns == info.created_utc_ns);
  CHECK(loaded->created_by == "山田 花子");
  CHECK(loaded->created_kit == "KIT-0A1B2C3D");

  IncidentInfo again = info;
  again.title = "別件";
  auto st = create_incident(root, again);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code == ErrorCode::already_exists);
  CHECK(st.error().en.find(k_incident) != std::string::npos);
  CHECK(read_bytes(file) == first);

  auto bad = [&](IncidentInfo i, ErrorCode code) {
    auto s = create_incident(root, i);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code == code);
    CHECK_FALSE(s.error().ja.empty());
  };
  IncidentInfo i2 = sample_incident("OGMC-20230230-01");
  bad(i2, ErrorCode::invalid_input);
  CHECK_FALSE(fs::exists(incident_dir(root, "OGMC-20230230-01")));
  i2 = sample_incident("OGMC-20221031-02");
  i2.title = "";
  bad(i2, ErrorCode::invalid_input);
  i2.title = "\xff";
  bad(i2, ErrorCode::invalid_input);
  i2.title = "ok";
  i2.profile = "pharmacy";
  bad(i2, ErrorCode::invalid_input);

  auto none = load_incident(root, "OGMC-20221031-09");
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().code == ErrorCode::not_found);

  write_bytes(file, "{\"format\":\"shodo-incident\",\"incident_id\":1}");
  auto damaged = load_incident(root, k_incident);
  REQUIRE_FALSE(damaged.ok());
  CHECK(damaged.error().code == ErrorCode::integrity);
  CHECK(damaged.error().describe(false).find("incident.json") != std::string::npos);
}

TEST_CASE("list_incidents: newest first, damaged folders skipped", "[workspace]") {
  SHODO_TEST_DIR(dir);
  const fs::path root = dir / "case";
  for (int k = 1; k <= 3; ++k) {
    IncidentInfo i = sample_incident("OGMC-2022110" + std::to_string(k) + "-01");
    i.created_utc_ns = (k_t0_s + k * 86400) * k_s;
    REQUIRE(create_incident(root, i).ok());
  }
  write_bytes(incident_dir(root, "OGMC-20221102-01") / "incident.json", "garbage");
  fs::create_directories(root / "incidents" / "not-an-incident");
  const auto list = list_incidents(root);
  REQUIRE(list.size() == 2);
  CHECK(list[0].incident_id == "OGMC-20221103-01");
  CHECK(list[1].incident_id == "OGMC-20221101-01");
  CHECK(list_incidents(dir / "nowhere").empty());
}

TEST_CASE("Workspace::create writes incident_opened as the first entry", "[workspace]") {
  WsFixture f;
  INFO("test directory: " << f.dir.path().string());
  auto ws = f.create();
  CHECK(fs::exists(ws->dir() / "incident.json"));
  CHECK(ws->incident().created_by == "山田 花子");
  CHECK(ws->incident().created_kit == ws->key().kit_id());
  CHECK(ws->incident().created_utc_ns == k_t0_s * k_s);
  REQUIRE(ws->log().count() == 1);
  const Entry& e = ws->log().entries()[0];
  CHECK(e.seq == 1);
  CHECK(e.system_event == "incident_opened");
  CHECK(e.category == Category::system);
  CHECK(e.source == SourceKind::system);
  CHECK(e.author == "山田 花子");
  CHECK(e.device_id == ws->key().kit_id());
  CHECK(e.incident_id == k_incident);
  CHECK(e.content.find(k_incident) != std::string::npos);
  CHECK(e.content.find("ランサムウェア疑い") != std::string::npos);
  CHECK(e.content.find("山田 花子 [SCR]") != std::string::npos);
  CHECK(ws->log().file() == ws->chronology_dir() / (ws->key().kit_id() + ".jsonl"));
  auto v = verify_chronology_file(ws->log().file());
  REQUIRE(v.ok());
  CHECK(v->intact());

  // A second create of the same number is refused and writes nothing.
  auto again = Workspace::create(f.opt, sample_incident());
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == ErrorCode::already_exists);

  WorkspaceOptions nobody = f.opt;
  nobody.op = {};
  auto anon = Workspace::create(nobody, sample_incident("OGMC-20221031-05"));
  REQUIRE_FALSE(anon.ok());
  CHECK(anon.error().code == ErrorCode::invalid_input);
}

TEST_CASE("Workspace::create for a training incident marks every entry", "[workspace]") {
  WsFixture f;
  INFO("test directory: " << f.dir.path().string());
  IncidentInfo info = sample_incident();
  info.training = true;
  auto ws = f.create(info);
  CHECK(ws->log().entries()[0].training);
  CHECK(ws->log().entries()[0].content.find("訓練") != std::string::npos);
  auto e = ws->log().append(draft("訓練中の記録"));
  REQUIRE(e.ok());
  CHECK(e->training);
}

TEST_CASE("Workspace::open: another operator → operator_changed — same operator → nothing", "[workspace]") {
  WsFixture f;
  INFO("test directory: " << f.dir.path().string());
  { auto ws = f.create(); }
  {
    f.clock.advance(60 * k_s);
    auto ws = Workspace::open(f.opt);  // same operator as before
    REQUIRE(ws.ok());
    CHECK(ws.value()->log().count() == 1);
    CHECK(ws.value()->log().current_operator().name == "山田 花子");
  }
  WorkspaceOptions o = f.opt;
  o.op = {"佐藤 次郎", {"CSIRT", "IT"}};
  f.clock.advance(60 * k_s);
  auto ws = Workspace::open(o);
  REQUIRE(ws.ok());
  Workspace& w = *ws.value();
  REQUIRE(w.log().count() == 2);
  const Entry& e = w.log().entries()[1];
  CHECK(e.system_event == "operator_changed");
  CHECK(e.author == "佐藤 次郎");
  CHECK(e.author_roles == std::vector<std::string>{"CSIRT", "IT"});
  CHECK(e.content.find("山田 花子 [SCR] → 佐藤 次郎 [CSIRT,IT]") != std::string::npos);
  auto user = w.log().append(draft("交代後の記録"));
  REQUIRE(user.ok());
  CHECK(user->author == "佐藤 次郎");

  // set_operator to the same person writes nothing; a bad name is refused.
  REQUIRE(w.set_operator({"佐藤 次郎", {"CSIRT", "IT"}}).ok());
  CHECK(w.log().count() == 3);
  auto bad = w.set_operator({"\xff\xfe", {}});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::invalid_input);
  CHECK(w.log().count() == 3);

  WorkspaceOptions missing = f.opt;
  missing.incident_id = "OGMC-20221031-09";
  auto none = Workspace::open(missing);
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().code == ErrorCode::not_found);
}

TEST_CASE("Workspace::open on a damaged chronology → read_only", "[workspace]") {
  WsFixture f;
  INFO("test directory: " << f.dir.path().string());
  fs::path file;
  {
    auto ws = f.create();
    append_n(ws->log(), f.clock, 3);
    file = ws->log().file();
  }
  auto lines = split_lines(read_bytes(file));
  lines.erase(lines.begin() + 1);
  write_bytes(file, join(lines));
  const std::string before = read_bytes(file);
  auto ws = Workspace::open(f.opt);
  REQUIRE_FALSE(ws.ok());
  CHECK(ws.error().code == ErrorCode::read_only);
  CHECK(read_bytes(file) == before);
}

TEST_CASE("Workspace mirror root (SHODO_MIRROR_ROOT) keeps a copy per kit", "[workspace][mirror]") {
  WsFixture f;
  INFO("test directory: " << f.dir.path().string());
  { auto ws = f.create(); }
  ::setenv("SHODO_MIRROR_ROOT", (f.dir / "usb2").c_str(), 1);
  OpenReport rep;
  auto ws = Workspace::open(f.opt, &rep);
  REQUIRE(ws.ok());
  CHECK(rep.mirror_ok);
  CHECK(ws.value()->log().mirrored());
  const fs::path mirror =
      f.dir / "usb2" / "incidents" / k_incident / "chronology" / (ws.value()->key().kit_id() + ".jsonl");
  REQUIRE(fs::exists(mirror));
  append_n(ws.value()->log(), f.clock, 2);
  CHECK(read_bytes(mirror) == read_bytes(ws.value()->log().file()));
}

TEST_CASE("export full set: manifest.sha256 verifies, export entry names the files", "[workspace][export]") {
  WsFixture f;
  INFO("test directory: " << f.dir.path().string());
  auto ws = f.create();
  append_n(ws->log(), f.clock, 4);
  const std::int64_t count_before = ws->log().count();
  const std::string head_before = ws->log().head_hash();
  const fs::path out = ws->dir() / "exports" / "full";

  auto r = export_chronology(*ws, ExportKind::full_set, out, ExportOptions{});
  REQUIRE(r.ok());
  REQUIRE(fs::exists(out / "manifest.sha256"));

  // Every line "<sha256>  <relative path>" matches the file; every file of the set is listed.
  const auto lines = split_lines(read_bytes(out / "manifest.sha256"));
  REQUIRE(lines.size() >= 4);
  std::set<std::string> listed;
  for (const auto& l : lines) {
    INFO("manifest line: " << l);
    REQUIRE(l.size() > 67);
    REQUIRE(l.back() == '\n');
    CHECK(l.substr(64, 2) == "  ");
    const std::string rel = l.substr(66, l.size() - 67);
    listed.insert(rel);
    auto h = sha256_file_hex(out / rel);
    REQUIRE(h.ok());
    CHECK(h.value() == l.substr(0, 64));
    CHECK(openssl_sha256_file(out / rel) == l.substr(0, 64));
  }
  std::set<std::string> present;
  for (const auto& e : fs::recursive_directory_iterator(out))
    if (e.is_regular_file() && e.path().filename() != "manifest.sha256")
      present.insert(fs::relative(e.path(), out).string());
  CHECK(listed == present);
  const std::string chrono_rel = "chronology/" + ws->key().kit_id() + ".jsonl";
  CHECK(present.count(chrono_rel) == 1);
  CHECK(present.count("incident.json") == 1);
  CHECK(present.count("kit.json") == 1);
  CHECK(present.count("export.json") == 1);
  // The complete hand-over set (issue 11): the readable reports are in it too, under the manifest.
  const std::string base = ws->incident().incident_id + "_chronology";
  for (const char* ext : {".pdf", ".csv", "_timesketch.jsonl", "_timesketch.csv"}) {
    INFO(base + ext);
    CHECK(present.count(base + ext) == 1);
  }
  CHECK(read_bytes(out / (base + ".pdf")).rfind("%PDF-", 0) == 0);
  // The private key never leaves the kit.
  for (const auto& p : present) CHECK(p.find("kit_key") == std::string::npos);
  // And the same check with coreutils, as a recipient would run it.
  int status = -1;
  run_command("cd '" + out.string() + "' && sha256sum --quiet -c manifest.sha256 2>&1", &status);
  CHECK(status == 0);

  // The exported chronology is exactly the entries up to the export.
  auto v = verify_chronology_file(out / chrono_rel);
  REQUIRE(v.ok());
  CHECK(v->intact());
  CHECK(v->count == count_before);
  CHECK(v->last_hash == head_before);
  const auto info = nlohmann::json::parse(read_bytes(out / "export.json"));
  CHECK(info["heads"][0]["count"] == count_before);
  CHECK(info["heads"][0]["last_hash"] == head_before);
  CHECK(info["kit_id"] == ws->key().kit_id());

  // The export is recorded in the chronology, naming every file with its hash.
  REQUIRE(ws->log().count() == count_before + 1);
  const Entry& e = ws->log().entries().back();
  CHECK(e.system_event == "export");
  CHECK(e.content.find("full") != std::string::npos);
  CHECK(e.content.find(head_before.substr(0, 16)) != std::string::npos);
  for (const auto& fe : r->files) {
    INFO("file " << fe.path);
    CHECK(e.content.find(fs::relative(fe.path, ws->dir()).string() + " sha256:" + fe.sha256) != std::string::npos);
  }
  CHECK(r->files.size() == lines.size() + 1);  // the set plus the manifest itself
}

TEST_CASE("export kinds csv, timesketch and pdf produce their files", "[workspace][export]") {
  WsFixture f;
  INFO("test directory: " << f.dir.path().string());
  auto ws = f.create();
  append_n(ws->log(), f.clock, 3);
  struct Kind {
    ExportKind kind;
    const char* name;
    std::string file;
    std::string magic;
  };
  const std::string id = k_incident;
  const std::vector<Kind> kinds = {
      {ExportKind::csv_utf8, "csv", id + "_chronology.csv", "\xef\xbb\xbf"},
      {ExportKind::csv_cp932, "csv-cp932", id + "_chronology_cp932.csv", ""},
      {ExportKind::timesketch_csv, "timesketch-csv", id + "_chronology_timesketch.csv", ""},
      {ExportKind::timesketch_jsonl, "timesketch-jsonl", id + "_chronology_timesketch.jsonl", "{"},
      {ExportKind::pdf, "pdf", id + "_chronology.pdf", "%PDF-"},
      {ExportKind::open_items_pdf, "open-items", id + "_open_items.pdf", "%PDF-"},
      {ExportKind::blank_sheets_pdf, "blank-sheets", id + "_blank_sheets.pdf", "%PDF-"},
  };
  for (const auto& k : kinds) {
    INFO("kind " << k.name);
    ExportKind parsed{};
    CHECK(export_kind_from(k.name, parsed));
    CHECK(parsed == k.kind);
    const std::int64_t before = ws->log().count();
    const fs::path out = f.dir / "out" / k.name;
    auto r = export_chronology(*ws, k.kind, out, ExportOptions{});
    if (!r) FAIL_CHECK(r.error().describe(false));
    if (!r) continue;
    REQUIRE(r->files.size() == 1);
    CHECK(r->files[0].path == out / k.file);
    REQUIRE(fs::exists(out / k.file));
    CHECK(size_of(out / k.file) > 100);
    CHECK(read_bytes(out / k.file).rfind(k.magic, 0) == 0);
    CHECK(r->files[0].sha256 == openssl_sha256_file(out / k.file));
    CHECK(ws->log().count() == before + 1);
    CHECK(ws->log().entries().back().system_event == "export");
    CHECK(ws->log().entries().back().content.find(std::string("(") + k.name + ")") != std::string::npos);
    // Exported outside the incident folder: the entry names the file by its absolute path.
    CHECK(ws->log().entries().back().content.find((out / k.file).string() + " sha256:" + r->files[0].sha256) !=
          std::string::npos);
  }
  ExportKind unused{};
  CHECK_FALSE(export_kind_from("xlsx", unused));
  CHECK_FALSE(export_kind_from("", unused));
  auto v = verify_chronology_file(ws->log().file());
  REQUIRE(v.ok());
  CHECK(v->intact());
}

TEST_CASE("import_attachment copies and hashes the file", "[workspace]") {
  WsFixture f;
  INFO("test directory: " << f.dir.path().string());
  auto ws = f.create();
  write_bytes(f.dir / "photo.jpg", "abc");
  auto a = ws->import_attachment(f.dir / "photo.jpg");
  REQUIRE(a.ok());
  CHECK(a->sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(a->file == "attachments/ba7816bf8f01-photo.jpg");
  CHECK(read_bytes(ws->dir() / a->file) == "abc");
  auto missing = ws->import_attachment(f.dir / "none.jpg");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::not_found);
}
