// Message catalogue coverage (DESIGN.md "Bilingual"): every key has both languages, keys are
// unique, placeholders agree between the languages, and every key the sources use exists.
// The sources are scanned under SHODO_SOURCE_DIR (app/ and forensics/).
#include "tests/unit/test_support.hpp"  // first: it configures catch.hpp

#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "forensics/chronology/entry.hpp"
#include "forensics/core/atomic_file.hpp"
#include "forensics/i18n/catalogue.hpp"

using namespace shodo;
using namespace shodo::unit;
namespace fs = std::filesystem;

namespace {

struct SourceFile {
  fs::path path;  // relative to the source dir
  std::string text;
};

std::vector<SourceFile> sources() {
  std::vector<SourceFile> out;
  const fs::path root = SHODO_SOURCE_DIR;
  for (const char* sub : {"app", "forensics"}) {
    if (!fs::is_directory(root / sub)) continue;
    for (const auto& f : fs::recursive_directory_iterator(root / sub)) {
      if (!f.is_regular_file()) continue;
      const std::string ext = f.path().extension().string();
      if (ext != ".cpp" && ext != ".hpp" && ext != ".h" && ext != ".cc") continue;
      out.push_back({fs::relative(f.path(), root), read_bytes(f.path())});
    }
  }
  std::sort(out.begin(), out.end(), [](const SourceFile& a, const SourceFile& b) { return a.path < b.path; });
  return out;
}

std::set<std::string> catalogue_keys() {
  std::set<std::string> keys;
  for (const auto& m : i18n::all_messages()) keys.insert(m.key);
  return keys;
}

std::multiset<std::string> placeholders(const std::string& s) {
  static const std::regex re(R"(\{[A-Za-z0-9_:.]*\})");
  std::multiset<std::string> out;
  for (auto it = std::sregex_iterator(s.begin(), s.end(), re); it != std::sregex_iterator(); ++it) out.insert(it->str());
  return out;
}

std::string listing(const std::map<std::string, std::set<std::string>>& missing) {
  std::ostringstream os;
  for (const auto& [key, files] : missing) {
    os << "  " << key << "  (";
    bool first = true;
    for (const auto& f : files) {
      os << (first ? "" : ", ") << f;
      first = false;
    }
    os << ")\n";
  }
  return os.str();
}

}  // namespace

TEST_CASE("every catalogue message has Japanese and English text — keys are unique", "[i18n]") {
  const auto& all = i18n::all_messages();
  REQUIRE(all.size() > 50);
  std::map<std::string, int> seen;
  const std::regex key_re(R"(^[a-z][a-z0-9_]*(\.[A-Za-z0-9_\-]+)+$)");
  for (const auto& m : all) {
    INFO("key " << m.key);
    REQUIRE(m.key != nullptr);
    REQUIRE(m.ja != nullptr);
    REQUIRE(m.en != nullptr);
    CHECK(std::regex_match(m.key, key_re));
    CHECK(std::string(m.ja).size() > 0);
    CHECK(std::string(m.en).size() > 0);
    CHECK(is_valid_utf8(m.ja));
    CHECK(is_valid_utf8(m.en));
    // fmt placeholders must agree, or fmt::format throws in one language only.
    CHECK(placeholders(m.ja) == placeholders(m.en));
    ++seen[m.key];
  }
  std::vector<std::string> dups;
  for (const auto& [k, n] : seen)
    if (n > 1) dups.push_back(k);
  INFO("duplicate keys: " << ::Catch::Detail::stringify(dups));
  CHECK(dups.empty());
}

TEST_CASE("tr looks up both languages — unknown keys come back as themselves", "[i18n]") {
  CHECK(std::string(i18n::tr("category.report", i18n::Lang::ja)) == "報告");
  CHECK(std::string(i18n::tr("category.report", i18n::Lang::en)) == "Report");
  CHECK(std::string(i18n::tr("status.open", i18n::Lang::ja)) == "未");
  CHECK(std::string(i18n::tr("time_quality.uncorrected", i18n::Lang::ja)) == "未補正");
  CHECK(i18n::tr_both("category.report") == "報告 / Report");
  CHECK(std::string(i18n::tr("no.such.key", i18n::Lang::ja)) == "no.such.key");
  const i18n::Lang before = i18n::current_lang();
  i18n::set_lang(i18n::Lang::ja);
  CHECK(std::string(i18n::tr("status.done")) == "済");
  CHECK(i18n::japanese());
  i18n::set_lang(i18n::Lang::en);
  CHECK(std::string(i18n::tr("status.done")) == "Done");
  i18n::set_lang(before);
}

TEST_CASE("language from the environment: SHODO_LANG, then LC_ALL, LC_MESSAGES, LANG", "[i18n]") {
  EnvGuard env({"SHODO_LANG", "LC_ALL", "LC_MESSAGES", "LANG"});
  for (const char* v : {"SHODO_LANG", "LC_ALL", "LC_MESSAGES", "LANG"}) ::unsetenv(v);
  CHECK(i18n::lang_from_environment() == i18n::Lang::en);
  ::setenv("LANG", "ja_JP.UTF-8", 1);
  CHECK(i18n::lang_from_environment() == i18n::Lang::ja);
  ::setenv("LC_ALL", "C.UTF-8", 1);
  CHECK(i18n::lang_from_environment() == i18n::Lang::en);
  ::setenv("SHODO_LANG", "ja", 1);
  CHECK(i18n::lang_from_environment() == i18n::Lang::ja);
}

TEST_CASE("every tr(\"key\") / tr_both(\"key\") literal in the sources exists in the catalogue", "[i18n]") {
  const auto keys = catalogue_keys();
  const std::regex call(R"re((?:^|[^A-Za-z0-9_])tr(?:_both)?\(\s*"([a-z0-9_.\-]+)")re");
  std::map<std::string, std::set<std::string>> missing;
  std::size_t used = 0;
  for (const auto& f : sources()) {
    for (auto it = std::sregex_iterator(f.text.begin(), f.text.end(), call); it != std::sregex_iterator(); ++it) {
      const std::string key = (*it)[1].str();
      if (!key.empty() && key.back() == '.') continue;  // dynamic: tr("category." + name), checked below
      ++used;
      if (!keys.count(key)) missing[key].insert(f.path.string());
    }
  }
  CHECK(used > 20);  // the scan found the calls at all
  INFO("keys used in the sources but missing from forensics/i18n/messages_*.inc:\n" << listing(missing));
  CHECK(missing.empty());
}

TEST_CASE("keys built at run time from enum names exist for every value", "[i18n]") {
  using namespace shodo::chronology;
  const auto keys = catalogue_keys();
  std::vector<std::string> wanted;
  for (auto c : {Category::report, Category::instruction, Category::request, Category::decision, Category::notice,
                 Category::information, Category::action, Category::assessment, Category::system})
    wanted.push_back("category." + std::string(to_string(c)));
  for (auto s : {ItemStatus::open, ItemStatus::in_progress, ItemStatus::done, ItemStatus::not_needed})
    wanted.push_back("status." + std::string(to_string(s)));
  for (auto t : {EntryType::normal, EntryType::correction, EntryType::void_entry, EntryType::addendum,
                 EntryType::status_change, EntryType::time_check, EntryType::checkpoint})
    wanted.push_back("entry_type." + std::string(to_string(t)));
  for (auto q : {TimeQuality::ref_confirmed, TimeQuality::ref_interpolated, TimeQuality::uncorrected,
                 TimeQuality::estimated})
    wanted.push_back("time_quality." + std::string(to_string(q)));
  for (auto p : {Precision::exact, Precision::minute, Precision::approx, Precision::range})
    wanted.push_back("precision." + std::string(to_string(p)));
  for (auto s : {SourceKind::live, SourceKind::paper, SourceKind::system})
    wanted.push_back("source." + std::string(to_string(s)));
  for (const char* p : {"hospital", "clinic"}) wanted.push_back(std::string("incident.profile.") + p);
  std::vector<std::string> missing;
  for (const auto& k : wanted)
    if (!keys.count(k)) missing.push_back(k);
  INFO("missing: " << ::Catch::Detail::stringify(missing));
  CHECK(missing.empty());
}

TEST_CASE("key-like literals in files that use the catalogue exist (key tables)", "[i18n]") {
  // Key tables such as app/gui/labels.hpp or the CSV column list pass keys around as plain
  // literals. In every file that includes the catalogue, a literal "<family>.<name>" whose family
  // is a catalogue family must be a key (file names like "incident.json" are not keys).
  const auto keys = catalogue_keys();
  std::set<std::string> families;
  for (const auto& k : keys) families.insert(k.substr(0, k.find('.')));
  const std::regex lit(R"re("([a-z][a-z0-9_]*(?:\.[A-Za-z0-9_\-]+)+)")re");
  const std::regex file_name(R"(\.(json|jsonl|pdf|csv|pem|sha256|bin|txt|hpp|cpp|inc|md|log|png|ttf|otf)$)");
  std::map<std::string, std::set<std::string>> missing;
  for (const auto& f : sources()) {
    if (f.text.find("i18n/catalogue.hpp") == std::string::npos) continue;
    for (auto it = std::sregex_iterator(f.text.begin(), f.text.end(), lit); it != std::sregex_iterator(); ++it) {
      const std::string k = (*it)[1].str();
      if (!families.count(k.substr(0, k.find('.'))) || std::regex_search(k, file_name)) continue;
      if (!keys.count(k)) missing[k].insert(f.path.string());
    }
  }
  INFO("key-like literals missing from the catalogue:\n" << listing(missing));
  CHECK(missing.empty());
}
