// GUI tests without a window (label "gui"): every screen rendered through the real ImGui frame
// with a real Workspace on a temp case root, scripts driving the same widgets a user clicks,
// the glyph coverage of the font atlas, and the list model. Nothing here measures time.
#include "tests/unit/test_support.hpp"

#include <sys/resource.h>

#include <csignal>
#include <string>
#include <vector>

#include "app/gui/app_model.hpp"
#include "app/gui/chronology_list.hpp"
#include "app/gui/fonts.hpp"
#include "app/gui/headless.hpp"
#include "app/gui/ime_key_filter.hpp"
#include "app/gui/keys.hpp"
#include "app/gui/screen_home.hpp"
#include "app/gui/script_runner.hpp"
#include "app/gui/synthetic_entries.hpp"
#include "app/gui/screen_chronology.hpp"
#include "forensics/case/kit_settings.hpp"
#include "forensics/core/time_input.hpp"
#include "forensics/chronology/verify.hpp"
#include "forensics/report/export.hpp"
#include "forensics/integrity/digest.hpp"
#include "forensics/i18n/catalogue.hpp"

using namespace shodo;
using namespace shodo::gui;
using shodo::unit::k_s;
using shodo::unit::read_bytes;

namespace {

constexpr std::int64_t k_t0 = 1667173200LL * k_s;  // 2022-10-31 08:40 JST

AppModelOptions model_options(const std::filesystem::path& root, const Clock* clock) {
  AppModelOptions o;
  o.case_root = root;
  o.clock = clock;
  return o;
}

IncidentInfo incident(const std::string& id = "OGMC-20221031-01") {
  IncidentInfo i;
  i.incident_id = id;
  i.title = "電子カルテ停止";
  i.facility = "大阪総合医療センター";
  return i;
}

// The operator set, the incident created and one report recorded: where most dialogs start.
void open_with_one_entry(AppModel& model) {
  REQUIRE(model.set_operator({"山田 花子", {"SCR"}}));
  REQUIRE(model.create_incident(incident()));
  chronology::Entry d;
  d.from = "救急外来";
  d.to = {"対策本部"};
  d.content = "サーバ室で暗号化を確認";
  REQUIRE(model.append(d).ok());
}

// Runs frames and checks that each one produced geometry and left no error for the modal.
void render_frames(HeadlessGui& gui, AppModel& model, int frames) {
  for (int i = 0; i < frames; ++i) {
    const FrameStats s = gui.frame();
    REQUIRE(s.draw_lists > 0);
    REQUIRE(s.vertices > 0);
  }
  if (const UiError* e = model.current_error()) FAIL(e->title_key << ": " << e->error.describe(false));
}

void render_every_screen(HeadlessGui& gui, AppModel& model) {
  for (Screen s : {Screen::home, Screen::chronology, Screen::settings}) {
    INFO("screen " << screen_name(s));
    gui.app().show(s);
    render_frames(gui, model, 4);
    REQUIRE(gui.app().screen() == s);
  }
}

// Runs a script to its end (bounded), failing the test with the script's own message.
void run_script(HeadlessGui& gui, const std::string& text, int max_frames = 3000) {
  auto script = ScriptRunner::parse(text, "inline");
  REQUIRE(script.ok());
  int n = 0;
  while (!script->finished() && n++ < max_frames) gui.frame(&script.value());
  INFO(script->failure());
  REQUIRE(script->finished());
  REQUIRE(script->exit_code() == 0);
}

}  // namespace

TEST_CASE("every screen renders with no incident, 3 entries and 100,000 entries", "[gui]") {
  SHODO_TEST_DIR(dir);
  FixedClock clock(shodo::unit::reading(k_t0, 1000 * k_s));
  AppModel model(model_options(dir.path(), &clock));
  HeadlessGui gui(model);

  SECTION("no incident, no operator") {
    REQUIRE(model.entries().empty());
    render_every_screen(gui, model);
  }
  SECTION("a real incident with 3 entries") {
    REQUIRE(model.set_operator({"山田 花子", {"SCR"}}));
    REQUIRE(model.create_incident(incident()));
    for (int i = 0; i < 3; ++i) {
      chronology::Entry d;
      d.from = "救急外来";
      d.to = {"対策本部"};
      d.content = "端末" + std::to_string(i) + "で暗号化の表示";
      REQUIRE(model.append(d).ok());
    }
    render_every_screen(gui, model);
    REQUIRE(gui.app().chronology().list().rows().size() == model.entries().size());
  }
  SECTION("100,000 entries in memory, at 1024x768 too") {
    model.show_synthetic(make_synthetic_entries(100000, "OGMC-20221031-01", "KIT-TEST"));
    render_every_screen(gui, model);
    const auto& list = gui.app().chronology().list();
    REQUIRE(list.rows().size() == 100000);
    // Every ninth entry is the app's own (app_start): hidden until asked for (issue 11).
    REQUIRE(list.bookkeeping_rows() == 11112);
    REQUIRE(list.visible().size() == 100000 - 11112);
    gui.set_display_size(ImVec2(1024, 768));
    render_every_screen(gui, model);
  }
}

TEST_CASE("a script sets the operator, creates an incident and records an entry by typing", "[gui][script]") {
  SHODO_TEST_DIR(dir);
  FixedClock clock(shodo::unit::reading(k_t0, 1000 * k_s));
  AppModel model(model_options(dir.path(), &clock));
  HeadlessGui gui(model);
  run_script(gui, R"(
    wait_frames 2
    click home.operator.name
    type 山田 花子
    click home.role.SCR
    click home.operator.set
    click home.new_incident
    click home.new.id
    key ctrl+a
    type OGMC-20221031-01
    click home.new.title
    type 電子カルテ停止
    click home.new.create
    expect_no_error
    screen chronology
    expect_screen chronology
    click chron.cat.report
    click chron.from
    type 救急外来
    click chron.to
    type 対策本部
    click chron.content
    type サーバ室で暗号化を確認
    key ctrl+enter
    wait_frames 3
    expect_no_error
  )");
  REQUIRE(model.workspace());
  const auto& entries = model.entries();
  REQUIRE(!entries.empty());
  const auto& e = entries.back();
  CHECK(e.content == "サーバ室で暗号化を確認");
  CHECK(e.from == "救急外来");
  CHECK(e.to == std::vector<std::string>{"対策本部"});
  CHECK(e.category == chronology::Category::report);
  CHECK(e.author == "山田 花子");
  CHECK(e.author_roles == std::vector<std::string>{"SCR"});
  // Durable: the line is in this kit's JSONL file.
  const std::string file = read_bytes(model.workspace()->log().file());
  CHECK(file.find("サーバ室で暗号化を確認") != std::string::npos);
  // The form was cleared for the next line, and Ctrl+D brings the sender and receiver back.
  CHECK(gui.app().chronology().form().draft().content.empty());
  run_script(gui, "key ctrl+d\nwait_frames 2\n");
  CHECK(gui.app().chronology().form().draft().from == "救急外来");
  CHECK(gui.app().chronology().form().draft().to == "対策本部");
}

TEST_CASE("a correction through the dialog keeps the original, double-struck, with its number", "[gui][script]") {
  SHODO_TEST_DIR(dir);
  FixedClock clock(shodo::unit::reading(k_t0, 1000 * k_s));
  AppModel model(model_options(dir.path(), &clock));
  REQUIRE(model.set_operator({"Suzuki", {"SCR"}}));
  REQUIRE(model.create_incident(incident()));
  chronology::Entry d;
  d.from = "看護部";
  d.to = {"対策本部"};
  d.content = "3階の端末が停止";
  auto first = model.append(d);
  REQUIRE(first.ok());
  HeadlessGui gui(model);
  gui.app().show(Screen::chronology);
  const long long seq = first->seq;
  run_script(gui, "wait_frames 3\nclick chron.row." + std::to_string(seq) +
                      "\nclick chron.act.correct\nwait_frames 2\nclick dlg.content\nkey ctrl+a\ntype 4階の端末が停止\n"
                      "click dlg.reason\ntype 聞き間違い\nclick dlg.ok\nwait_frames 3\nexpect_no_error\n");
  const auto& entries = model.entries();
  const auto& c = entries.back();
  REQUIRE(c.type == chronology::EntryType::correction);
  CHECK(c.target_entry_id == first->entry_id);
  CHECK(c.reason == "聞き間違い");
  CHECK(c.content == "4階の端末が停止");
  const auto& rows = gui.app().chronology().list().rows();
  const ListRow& original = rows[static_cast<std::size_t>(seq - 1)];
  CHECK((original.flags & k_row_superseded) != 0);
  CHECK(original.note.find(std::to_string(c.seq)) != std::string::npos);
  // The original text is still what the row shows (struck, not replaced).
  CHECK(entries[original.index].content == "3階の端末が停止");
}

TEST_CASE("a void needs a reason: without one nothing is written", "[gui][script]") {
  SHODO_TEST_DIR(dir);
  FixedClock clock(shodo::unit::reading(k_t0, 1000 * k_s));
  AppModel model(model_options(dir.path(), &clock));
  REQUIRE(model.set_operator({"Suzuki", {"SCR"}}));
  REQUIRE(model.create_incident(incident()));
  chronology::Entry d;
  d.from = "A";
  d.to = {"B"};
  d.content = "誤記";
  auto e = model.append(d);
  REQUIRE(e.ok());
  HeadlessGui gui(model);
  gui.app().show(Screen::chronology);
  const std::size_t before = model.entries().size();
  run_script(gui, "wait_frames 3\nclick chron.row." + std::to_string(e->seq) +
                      "\nclick chron.act.void\nwait_frames 2\nclick dlg.ok\nwait_frames 2\n");
  CHECK(model.entries().size() == before);  // the button is disabled while the reason is empty
  run_script(gui, "click dlg.reason\ntype 別インシデントの記録\nclick dlg.ok\nwait_frames 3\n");
  REQUIRE(model.entries().size() == before + 1);
  CHECK(model.entries().back().type == chronology::EntryType::void_entry);
  const ListRow& row = gui.app().chronology().list().rows()[static_cast<std::size_t>(e->seq - 1)];
  CHECK((row.flags & k_row_voided) != 0);
  CHECK(row.note.find("別インシデントの記録") != std::string::npos);
}

TEST_CASE("a failed write says NOT saved and keeps everything typed", "[gui]") {
  SHODO_TEST_DIR(dir);
  // RLIMIT_FSIZE makes the append's write() fail with EFBIG; in a child so the limit stays there.
  const auto r = shodo::unit::run_in_child([&]() -> std::string {
    std::signal(SIGXFSZ, SIG_IGN);
    FixedClock clock(shodo::unit::reading(k_t0, 1000 * k_s));
    AppModel model(model_options(dir.path(), &clock));
    if (!model.set_operator({"Suzuki", {"SCR"}}) || !model.create_incident(incident())) return "setup failed";
    HeadlessGui gui(model);
    gui.app().show(Screen::chronology);
    const auto size = std::filesystem::file_size(model.workspace()->log().file());
    struct rlimit lim {};
    lim.rlim_cur = lim.rlim_max = static_cast<rlim_t>(size + 16);
    ::setrlimit(RLIMIT_FSIZE, &lim);
    auto script = ScriptRunner::parse(
        "wait_frames 2\nclick chron.from\ntype 救急外来\nclick chron.to\ntype 対策本部\nclick chron.content\n"
        "type 停電で記録できるか\nkey ctrl+enter\nwait_frames 3\n",
        "inline");
    if (!script) return "parse failed";
    for (int i = 0; i < 2000 && !script->finished(); ++i) gui.frame(&script.value());
    const auto& form = gui.app().chronology().form();
    std::string out;
    out += form.not_saved() ? "not_saved;" : "saved?;";
    out += form.draft().content + ";" + form.draft().from + ";";
    out += model.current_error() ? model.current_error()->title_key : std::string("no-modal");
    return out;
  });
  INFO(r.output);
  CHECK(r.output == "not_saved;停電で記録できるか;救急外来;gui.error.not_saved");
}

TEST_CASE("entries a terminal command appends appear in the open window within a second, in order (issue 10 §2)",
          "[gui]") {
  SHODO_TEST_DIR(dir);
  FixedClock clock(shodo::unit::reading(k_t0, 1000 * k_s));
  AppModel model(model_options(dir.path(), &clock));
  REQUIRE(model.set_operator({"Suzuki", {"SCR"}}));
  REQUIRE(model.create_incident(incident()));
  HeadlessGui gui(model);
  gui.app().show(Screen::chronology);
  render_frames(gui, model, 2);
  const auto before = model.entries().size();

  // The terminal next to the GUI: its own Workspace on the same incident (its own lock).
  WorkspaceOptions o;
  o.case_root = dir.path();
  o.incident_id = "OGMC-20221031-01";
  o.op = {"Tanaka", {"CSIRT"}};
  o.clock = &clock;
  auto terminal = Workspace::open(o);
  REQUIRE(terminal.ok());
  chronology::Entry d;
  d.from = "サーバ室";
  d.to = {"対策本部"};
  d.content = "端末から追記";
  REQUIRE((*terminal)->log().append(d).ok());

  model.tick(10.0);  // the frame loop's tick, a second or more after the last one
  REQUIRE(model.entries().size() > before);
  CHECK(model.entries().back().content == "端末から追記");
  CHECK(model.entries().back().author == "Tanaka");
  // The window's own next entry chains onto the terminal's: one chain, nothing forked.
  chronology::Entry w = d;
  w.content = "画面から記録";
  auto mine = model.append(w);
  REQUIRE(mine.ok());
  CHECK(mine->prev_hash == (*terminal)->log().entries().back().entry_hash);
  render_frames(gui, model, 2);
  CHECK(chronology::verify_chronology(read_bytes(model.workspace()->log().file())).intact());
}

TEST_CASE("the font atlas has a glyph for every character of every catalogue string", "[gui][fonts]") {
  ImGui::CreateContext();
  FontLibrary fonts;
  const bool ok = fonts.build(*ImGui::GetIO().Fonts);
  INFO(fonts.problem());
  REQUIRE(ok);  // fonts-noto-cjk (or IPAexGothic) is a dependency of the kit
  std::vector<std::string> missing;
  for (const auto& m : i18n::all_messages()) {
    for (const char* text : {m.ja, m.en}) {
      const std::string_view s(text);
      for (std::size_t i = 0; i < s.size();) {
        const unsigned cp = next_codepoint(s, i);
        if (cp < 0x20) continue;
        if (!fonts.body()->FindGlyphNoFallback(static_cast<ImWchar>(cp)) ||
            !fonts.large()->FindGlyphNoFallback(static_cast<ImWchar>(cp)))
          missing.push_back(std::string(m.key) + " U+" + std::to_string(cp));
      }
    }
  }
  CHECK(missing.empty());
  if (!missing.empty()) WARN(missing.front());
  // A kanji outside GetGlyphRangesJapanese() (髙, U+9AD9) is added on demand.
  CHECK(fonts.body()->FindGlyphNoFallback(0x9AD9) == nullptr);
  fonts.want_text("髙橋");
  REQUIRE(fonts.needs_rebuild());
  REQUIRE(fonts.rebuild(*ImGui::GetIO().Fonts));
  CHECK(fonts.body()->FindGlyphNoFallback(0x9AD9) != nullptr);
  CHECK(fonts.texture_width() <= 4096);
  ImGui::DestroyContext();
}

TEST_CASE("list model: filter, open items, pick lists and the previous line", "[gui]") {
  i18n::set_lang(i18n::Lang::ja);  // the notes below are checked in Japanese
  const auto entries = make_synthetic_entries(1000, "OGMC-20221031-01", "KIT-TEST");
  ChronologyListModel list;
  REQUIRE(list.update(entries, 1, i18n::Lang::ja));
  REQUIRE_FALSE(list.update(entries, 1, i18n::Lang::ja));  // unchanged: no rebuild
  REQUIRE(list.rows().size() == 1000);
  ListFilter f;
  f.open_only = true;
  list.set_filter(f);
  REQUIRE(!list.visible().empty());
  for (auto r : list.visible()) REQUIRE((list.rows()[r].flags & k_row_open) != 0);
  CHECK(list.visible().size() == list.open_items().size());
  f = {};
  f.text = "RANSOM";  // ASCII case-insensitive
  list.set_filter(f);
  REQUIRE(!list.visible().empty());
  for (auto r : list.visible()) CHECK(entries[list.rows()[r].index].content.find("Ransom") != std::string::npos);
  f.text = "暗号化";
  list.set_filter(f);
  REQUIRE(!list.visible().empty());
  CHECK(!list.recent_from().empty());
  CHECK(list.recent_from().size() <= 40);
  CHECK(!list.previous_from().empty());
  // Superseded rows name the correcting entry.
  bool saw = false;
  for (const auto& r : list.rows())
    if (r.flags & k_row_superseded) {
      saw = true;
      CHECK(r.note.rfind("→ 訂正 No. ", 0) == 0);
    }
  CHECK(saw);
  CHECK(split_list("救急外来、看護部, 薬剤部") == std::vector<std::string>{"救急外来", "看護部", "薬剤部"});
}

TEST_CASE("list model: the app's own entries in the UI language, a person's words as typed (issue 11)", "[gui]") {
  const auto entries = make_synthetic_entries(30, "OGMC-20221031-01", "KIT-TEST");
  auto shown = [&](i18n::Lang lang, const std::string& event) {
    ChronologyListModel list;
    list.update(entries, 1, lang);
    for (const auto& r : list.rows())
      if (entries[r.index].system_event == event) return r.content.empty() ? entries[r.index].content : r.content;
    return std::string("(none)");
  };
  CHECK(shown(i18n::Lang::ja, "app_start") == "アプリ起動");
  CHECK(shown(i18n::Lang::en, "app_start") == "app started");
  ChronologyListModel list;
  list.update(entries, 1, i18n::Lang::en);
  for (const auto& r : list.rows())
    if (entries[r.index].category != chronology::Category::system && entries[r.index].content.find('\n') == std::string::npos)
      CHECK(r.content.empty());  // the table shows the entry's content as typed
  // A search finds a system row by the words of either language.
  ListFilter f;
  f.show_system = true;
  f.text = "app started";
  list.set_filter(f);
  CHECK_FALSE(list.visible().empty());
}

TEST_CASE("typed reference times pick the right day, even with the RTC 9 h off", "[gui]") {
  // The host clock reads 2022-10-31 17:00 JST but real time is 08:00 JST (RTC kept in local time).
  const std::int64_t host = 1667203200LL * k_s;  // 2022-10-31 08:00 UTC = 17:00 JST
  auto t = parse_jst_input("08:00:00", host, DayChoice::nearest);
  REQUIRE(t);
  CHECK(*t == 1667170800LL * k_s);  // 2022-10-30 23:00 UTC = 2022-10-31 08:00 JST
  // An event at 23:50 typed at 00:10 is yesterday's.
  const std::int64_t just_after_midnight = (1667141400LL + 600) * k_s;  // 2022-10-31 00:10 JST
  auto ev = parse_jst_input("23:50", just_after_midnight, DayChoice::not_future);
  REQUIRE(ev);
  CHECK(format_jst_display(*ev) == "2022-10-30 23:50:00");
  CHECK_FALSE(parse_jst_input("25:00", host, DayChoice::nearest));
  CHECK(parse_jst_input("2022-10-31 08:00", host, DayChoice::nearest));
}

TEST_CASE("keys the input method consumed do not reach the widgets (GLFW 3.3 reports them anyway)", "[gui][ime]") {
  constexpr int press = 1, release = 0, ctrl = 0x2;
  ImeKeyFilter f;
  SECTION("direct typing: every key passes") {
    CHECK(f.on_key(key_letter('A'), press, 0));
    f.on_char();  // GLFW delivers the character right after the key
    CHECK(f.on_key(k_key_enter, press, 0));
    CHECK(f.on_key(k_key_backspace, press, 0));
    CHECK_FALSE(f.composing());
  }
  SECTION("nihon + space + Enter: the committing Enter is withheld, the next one passes") {
    for (char c : std::string("NIHON")) CHECK(f.on_key(key_letter(c), press, 0));
    CHECK(f.on_key(k_key_space, press, 0));  // conversion: no character either
    CHECK(f.composing());
    CHECK_FALSE(f.on_key(k_key_tab, press, 0));    // Mozc: select a candidate
    CHECK_FALSE(f.on_key(k_key_down, press, 0));
    CHECK_FALSE(f.on_key(k_key_enter, press, 0));  // commits 日本 ...
    CHECK(f.on_key(k_key_enter, release, 0));
    f.on_char();  // ... which arrives as characters
    f.on_char();
    CHECK_FALSE(f.composing());
    CHECK(f.on_key(k_key_enter, press, 0));  // now a real Enter
  }
  SECTION("Backspace shortens the preedit first, then edits the field") {
    CHECK(f.on_key(key_letter('K'), press, 0));
    CHECK(f.on_key(key_letter('A'), press, 0));
    CHECK_FALSE(f.on_key(k_key_backspace, press, 0));
    CHECK_FALSE(f.on_key(k_key_backspace, press, 0));
    CHECK_FALSE(f.composing());
    CHECK(f.on_key(k_key_backspace, press, 0));
  }
  SECTION("shortcuts are not typing") {
    CHECK(f.on_key(key_letter('D'), press, ctrl));
    CHECK_FALSE(f.composing());
    CHECK(f.on_key(k_key_enter, press, ctrl));
  }
}

TEST_CASE("a new incident takes the proposed number with Enter: the kit's facility code, today, the next NN", "[gui][script]") {
  // Issue 11: nothing to invent at 08:40. The kit remembers OGMC; OGMC-20221031-01 exists.
  SHODO_TEST_DIR(dir);
  FixedClock clock(shodo::unit::reading(k_t0, 1000 * k_s));
  REQUIRE(save_kit_settings(dir.path(), KitSettings{"OGMC", "大阪総合医療センター", "hospital"}).ok());
  AppModel model(model_options(dir.path(), &clock));
  REQUIRE(model.set_operator({"山田 花子", {"SCR"}}));
  IncidentInfo first = incident();
  first.incident_id = "OGMC-20221031-01";
  REQUIRE(model.create_incident(first));
  HeadlessGui gui(model);
  gui.app().show(Screen::home);
  // The form opens with the number filled in and the typing in the title; Enter creates.
  run_script(gui, "wait_frames 2\nclick home.new_incident\nwait_frames 2\ntype 二件目\nkey enter\nwait_frames 2\n"
                  "expect_no_error\n");
  REQUIRE(model.workspace());
  CHECK(model.workspace()->incident().incident_id == "OGMC-20221031-02");
  CHECK(model.workspace()->incident().title == "二件目");
  CHECK(model.workspace()->incident().facility == "大阪総合医療センター");
}

TEST_CASE("the one-step reference time check records the offset measured at the press", "[gui][script]") {
  SHODO_TEST_DIR(dir);
  // The host clock reads 2022-10-31 08:40:00 JST and stands still (FixedClock).
  FixedClock clock(shodo::unit::reading(k_t0, 1000 * k_s));
  AppModel model(model_options(dir.path(), &clock));
  REQUIRE(model.set_operator({"山田 花子", {"SCR"}}));
  REQUIRE(model.create_incident(incident()));
  HeadlessGui gui(model);
  gui.app().show(Screen::home);
  REQUIRE(next_step(model) == NextStep::confirm_time);
  // No reference is preselected (issue 11): the operator says which clock was read.
  const std::string choose_117 = "wait_frames 2\nclick home.time.source\nwait_frames 2\nclick home.time.source.117\nwait_frames 2\n";
  SECTION("without a source chosen, nothing can be recorded") {
    run_script(gui, "wait_frames 2\nclick home.time.reference\ntype 08:40:05\nclick home.time.now\nwait_frames 2\n");
    CHECK(model.workspace()->log().time_reference().latest() == nullptr);
  }
  SECTION("117 says 08:40:05: the host is 5 s slow") {
    run_script(gui, choose_117 + "click home.time.reference\ntype 08:40:05\nclick home.time.now\nwait_frames 2\n"
                    "expect_no_error\n");
    const auto* c = model.workspace()->log().time_reference().latest();
    REQUIRE(c);
    CHECK(c->offset_ns == 5 * k_s);
    CHECK(c->uncertainty_ns == 1 * k_s);  // the default for 117
    CHECK(c->source == "117");
    CHECK(model.entries().back().type == chronology::EntryType::time_check);
    CHECK(model.correction_now().quality == chronology::TimeQuality::ref_confirmed);
    CHECK(next_step(model) == NextStep::attach_mirror);
  }
  SECTION("the wall shows 17:40: the RTC keeps local time (+9 h); recorded only after 'record it'") {
    run_script(gui, choose_117 + "click home.time.reference\ntype 17:40:00\nclick home.time.now\nwait_frames 2\n");
    CHECK(model.workspace()->log().time_reference().latest() == nullptr);  // asked first
    run_script(gui, "expect_tag home.time.record_anyway\nclick home.time.record_anyway\nwait_frames 2\n");
    const auto* c = model.workspace()->log().time_reference().latest();
    REQUIRE(c);
    CHECK(c->offset_ns == 9 * 3600 * k_s);
    CHECK(chronology::TimeReference::looks_like_rtc_local_time(c->offset_ns));
  }
  SECTION("a misread hour is not recorded when the operator tries again") {
    run_script(gui, choose_117 + "click home.time.reference\ntype 09:40:00\nclick home.time.now\nwait_frames 2\n"
                                 "click home.time.try_again\nwait_frames 2\n");
    CHECK(model.workspace()->log().time_reference().latest() == nullptr);
    CHECK(model.entries().back().type != chronology::EntryType::time_check);
  }
  SECTION("a check recorded by mistake is replaced by the next one, which says why") {
    run_script(gui, choose_117 + "click home.time.reference\ntype 09:40:00\nclick home.time.now\nwait_frames 2\n"
                                 "click home.time.record_anyway\nwait_frames 2\n");
    const auto* wrong = model.workspace()->log().time_reference().latest();
    REQUIRE(wrong);
    const std::string wrong_id = wrong->entry_id;
    run_script(gui, "click home.time.replace_last\nwait_frames 2\nclick home.time.replace_reason\ntype 時の読み違い\n"
                    "click home.time.reference\ntype 08:40:03\nclick home.time.now\nwait_frames 2\nexpect_no_error\n");
    const auto& tref = model.workspace()->log().time_reference();
    CHECK(tref.superseded(wrong_id));
    REQUIRE(tref.latest());
    CHECK(tref.latest()->offset_ns == 3 * k_s);
    const auto& e = model.entries().back();
    CHECK(e.target_entry_id == wrong_id);
    CHECK(e.reason == "時の読み違い");
  }
}

TEST_CASE("the export dialog writes the CSV into <incident>/exports and lists it with its SHA-256", "[gui][script]") {
  SHODO_TEST_DIR(dir);
  FixedClock clock(shodo::unit::reading(k_t0, 1000 * k_s));
  AppModel model(model_options(dir.path(), &clock));
  open_with_one_entry(model);
  const std::size_t before = model.entries().size();
  HeadlessGui gui(model);
  gui.app().show(Screen::chronology);
  run_script(gui, "wait_frames 2\nclick chron.export\nwait_frames 2\nclick exp.csv_utf8\nclick exp.run\nwait_job 60\n"
                  "wait_frames 2\nexpect_no_error\nexpect_tag exp.sha.0\nclick exp.close\nwait_frames 2\n",
             1000000);  // the job may outlast many cheap headless frames under load
  // The export is itself recorded (CHR-04).
  REQUIRE(model.entries().size() == before + 1);
  CHECK(model.entries().back().category == chronology::Category::system);
  const auto exports = model.workspace()->dir() / "exports";
  std::vector<std::filesystem::path> csv;
  for (const auto& f : std::filesystem::recursive_directory_iterator(exports))
    if (f.path().extension() == ".csv") csv.push_back(f.path());
  REQUIRE(csv.size() == 1);
  CHECK(read_bytes(csv.front()).find("サーバ室で暗号化を確認") != std::string::npos);
}

// Issue 11 "Printing and the paper anchor": after an export at 1024×768 the paper anchor, the
// print row and the file list are all on screen without scrolling; with no printing service the
// print row says so (and how to set one up) in place of the button.
TEST_CASE("the export result at 1024x768 shows the paper anchor, the print row and the files without scrolling",
          "[gui][script][export]") {
  SHODO_TEST_DIR(dir);
  shodo::unit::EnvGuard env({"CUPS_SERVER"});
  ::setenv("CUPS_SERVER", (dir.path() / "no-cups.sock").c_str(), 1);
  FixedClock clock(shodo::unit::reading(k_t0, 1000 * k_s));
  AppModel model(model_options(dir.path(), &clock));
  open_with_one_entry(model);
  HeadlessGui gui(model, ImVec2(1024, 768));
  gui.app().show(Screen::chronology);
  for (const char* kind : {"exp.pdf", "exp.full_set"}) {
    INFO(kind);
    run_script(gui, std::string("wait_frames 2\nclick chron.export\nwait_frames 2\nclick ") + kind +
                        "\nclick exp.run\nwait_job 120\nwait_frames 3\nexpect_no_error\n"
                        "expect_tag exp.anchor\nexpect_tag exp.print_unavailable\nexpect_tag exp.sha.0\n",
               1000000);  // frames are cheap here: the PDF job may outlast many of them under load
    for (const char* t : {"exp.anchor", "exp.print_unavailable", "exp.sha.0", "exp.close"}) {
      INFO(t);
      const auto r = gui.app().tags().find(t);
      REQUIRE(r.has_value());
      CHECK(r->min.y >= 0);
      CHECK(r->max.y <= 768);
      CHECK(r->max.x <= 1024);
    }
    run_script(gui, "click exp.close\nwait_frames 2\n");
  }
}

// Issue 10 §3: an export is a job. While a PDF of thousands of entries is written the window keeps
// drawing frames, the GUI thread keeps appending to the log it owns (the worker works from the
// plan's copy), and the result is right: the PDF holds the entries up to the head the export
// covers and not the one appended meanwhile; its SHA-256 is the one listed and recorded; the
// export's own entry follows the one appended meanwhile.
TEST_CASE("an export of 2,000 entries runs as a job: frames keep coming, appends go on, the PDF is right",
          "[gui][script][export]") {
  SHODO_TEST_DIR(dir);
  FixedClock clock(shodo::unit::reading(k_t0, 1000 * k_s));
  AppModel model(model_options(dir.path(), &clock));
  REQUIRE(model.set_operator({"山田 花子", {"SCR"}}));
  REQUIRE(model.create_incident(incident()));
  constexpr int k_entries = 2000;
  for (int i = 1; i <= k_entries; ++i) {
    chronology::Entry d;
    d.from = "救急外来";
    d.to = {"対策本部"};
    d.content = "確認事項 " + std::to_string(i);
    REQUIRE(model.append(d).ok());
  }
  const std::size_t covered = model.entries().size();
  HeadlessGui gui(model);
  gui.app().show(Screen::chronology);
  run_script(gui, "wait_frames 2\nclick chron.export\nwait_frames 2\nclick exp.pdf\nclick exp.run\n");
  const ExportDialog& ex = gui.app().chronology().export_dialog();
  REQUIRE(ex.busy());
  // Frames while the worker is still writing the PDF (it reports the file done only at its end).
  int frames_while_writing = 0;
  bool appended = false;
  while (ex.busy()) {
    const bool writing = ex.job().progress().phase.load() <= static_cast<int>(ExportPhase::writing) &&
                         ex.job().progress().done.load() == 0;
    const FrameStats s = gui.frame();
    REQUIRE(s.vertices > 0);
    if (writing) {
      ++frames_while_writing;
      if (!appended) {
        // The GUI thread records while the worker writes: no race (the TSan stage runs this).
        chronology::Entry d;
        d.from = "対策本部";
        d.to = {"全体"};
        d.content = "出力中に追加した記録";
        REQUIRE(model.append(d).ok());
        appended = true;
      }
    }
  }
  INFO("frames drawn while the PDF was being written: " << frames_while_writing);
  CHECK(frames_while_writing >= 3);
  REQUIRE(appended);
  render_frames(gui, model, 2);
  REQUIRE(gui.app().tags().find("exp.sha.0"));

  // The export's entry comes after the one appended meanwhile and covers the head before it.
  const auto& entries = model.entries();
  REQUIRE(entries.size() == covered + 2);
  CHECK(entries[covered].content == "出力中に追加した記録");
  const chronology::Entry& rec = entries.back();
  CHECK(rec.system_event == "export");
  CHECK(rec.content.find("#" + std::to_string(covered) + ":") != std::string::npos);

  std::vector<std::filesystem::path> pdfs;
  for (const auto& f : std::filesystem::recursive_directory_iterator(model.workspace()->dir() / "exports"))
    if (f.path().extension() == ".pdf") pdfs.push_back(f.path());
  REQUIRE(pdfs.size() == 1);
  const auto sha = sha256_file_hex(pdfs.front());
  REQUIRE(sha.ok());
  CHECK(rec.content.find("sha256:" + sha.value()) != std::string::npos);
  // The text a reader gets: the last covered entry is in it, the one appended meanwhile is not.
  const std::string text = shodo::unit::run_command("pdftotext -enc UTF-8 '" + pdfs.front().string() + "' - 2>/dev/null");
  CHECK(text.find("確認事項 " + std::to_string(k_entries)) != std::string::npos);
  CHECK(text.find("確認事項 1") != std::string::npos);
  CHECK(text.find("出力中に追加した記録") == std::string::npos);
}

TEST_CASE("rows added after a commit equal a full rebuild (incremental update)", "[gui]") {
  const auto all = make_synthetic_entries(3000, "OGMC-20221031-01", "KIT-TEST");
  std::vector<chronology::Entry> grown(all.begin(), all.begin() + 2000);
  const std::uint64_t gen = 7ull << 40;
  ChronologyListModel incremental;
  incremental.update(grown, gen + grown.size(), i18n::Lang::ja);
  // One by one, as commits arrive (the vector reallocates along the way).
  for (std::size_t i = 2000; i < all.size(); ++i) {
    grown.push_back(all[i]);
    incremental.update(grown, gen + grown.size(), i18n::Lang::ja);
  }
  ChronologyListModel full;
  full.update(grown, 1, i18n::Lang::ja);
  REQUIRE(incremental.rows().size() == full.rows().size());
  for (std::size_t i = 0; i < full.rows().size(); ++i) {
    const ListRow& a = incremental.rows()[i];
    const ListRow& b = full.rows()[i];
    INFO("row " << i);
    REQUIRE(a.flags == b.flags);
    REQUIRE(a.status == b.status);
    REQUIRE(a.time == b.time);
    REQUIRE(a.from_to == b.from_to);
    REQUIRE(a.prefix == b.prefix);
    REQUIRE(a.content == b.content);
    REQUIRE(a.note == b.note);
  }
  CHECK(incremental.open_items().size() == full.open_items().size());
  CHECK(incremental.previous_from() == full.previous_from());
}

TEST_CASE("a damaged chronology opens read-only: verified entries, the damage named, the file never written",
          "[gui][read_only]") {
  SHODO_TEST_DIR(dir);
  FixedClock clock(shodo::unit::reading(k_t0, 1000 * k_s));
  const std::string id = "OGMC-20221031-01";
  std::filesystem::path file;
  std::int64_t damaged_seq = 0;
  {
    // What `shodo incident create` + `shodo chrono add` do, through the same core calls.
    WorkspaceOptions o;
    o.case_root = dir.path();
    o.incident_id = id;
    o.op = {"Suzuki", {"SCR"}};
    o.clock = &clock;
    auto ws = Workspace::create(o, incident(id));
    REQUIRE(ws.ok());
    for (const char* text : {"第一報 救急外来より", "第二報 3階端末停止", "第三報 対策本部設置"}) {
      chronology::Entry d;
      d.from = "救急外来";
      d.to = {"対策本部"};
      d.content = text;
      auto e = (*ws)->log().append(d);
      REQUIRE(e.ok());
      if (std::string(text).rfind("第二報", 0) == 0) damaged_seq = e->seq;
    }
    file = (*ws)->log().file();
  }
  // Change one character of the second report's content ("二" → "四", same length).
  std::string bytes = read_bytes(file);
  const auto at = bytes.find("第二報");
  REQUIRE(at != std::string::npos);
  bytes.replace(at, std::string("第二報").size(), "第四報");
  shodo::unit::write_bytes(file, bytes);
  const std::string sha_before = shodo::unit::openssl_sha256_file(file);
  REQUIRE(sha_before.size() == 64);
  const auto files_before = std::distance(std::filesystem::directory_iterator(file.parent_path()), {});

  i18n::set_lang(i18n::Lang::ja);
  {
    AppModelOptions mo = model_options(dir.path(), &clock);
    mo.op = {"Suzuki", {"SCR"}};
    AppModel model(mo);
    REQUIRE(model.set_operator({"Suzuki", {"SCR"}}));
    CHECK_FALSE(model.open_incident(id));  // not opened for writing...
    REQUIRE(model.read_only());            // ...but shown read-only
    CHECK(model.workspace() == nullptr);
    CHECK(model.open_incident_id() == id);
    // The modal still says why.
    REQUIRE(model.current_error() != nullptr);
    CHECK(model.current_error()->title_key == "gui.error.open_incident");
    CHECK(model.current_error()->error.code == ErrorCode::read_only);

    // The entries before the damaged one, and none from it on.
    const auto& entries = model.entries();
    REQUIRE(!entries.empty());
    bool has_first = false;
    for (const auto& e : entries) {
      CHECK(e.seq < damaged_seq);
      CHECK(e.content.find("第四報") == std::string::npos);
      CHECK(e.content.find("第三報") == std::string::npos);
      has_first = has_first || e.content == "第一報 救急外来より";
    }
    CHECK(has_first);
    CHECK(entries.back().seq == damaged_seq - 1);

    // The damage is named, per chain, in either language.
    const ReadOnlyDocument* ro = model.read_only_document();
    REQUIRE(ro != nullptr);
    CHECK(ro->damaged());
    const auto ja = model.read_only_problems(true);
    const auto en = model.read_only_problems(false);
    REQUIRE(ja.size() == 1);
    REQUIRE(en.size() == 1);
    CHECK(ja[0].find(file.filename().string()) != std::string::npos);
    CHECK(ja[0] != en[0]);
    CHECK(ro->chains.front().problem->seq == damaged_seq);

    // Nothing can be recorded.
    CHECK(std::string(model.append_blocker()) == "gui.blocker.read_only");
    chronology::Entry d;
    d.from = "A";
    d.to = {"B"};
    d.content = "書けてはいけない";
    CHECK_FALSE(model.append(d).ok());
    CHECK_FALSE(model.confirm_time(clock.now(), k_t0, k_s, "117", "").has_value());
    CHECK(model.set_operator({"Tanaka", {"SCR"}}));  // the session only: there is no log to write to

    // The Chronology screen lists them, with the red banner and the READ-ONLY chip, and no form.
    HeadlessGui gui(model);
    gui.app().tags().set_enabled(true);
    CHECK(gui.app().screen() == Screen::chronology);  // started read-only: where the damage is shown
    for (int i = 0; i < 4; ++i) gui.frame();          // with the modal up
    while (model.current_error()) model.pop_error();
    for (i18n::Lang lang : {i18n::Lang::ja, i18n::Lang::en}) {
      i18n::set_lang(lang);
      gui.app().show(Screen::chronology);
      render_frames(gui, model, 5);
      CHECK(gui.app().chronology().list().rows().size() == entries.size());
      CHECK(gui.app().tags().find("banner.read_only").has_value());
      CHECK(gui.app().tags().find("bar.read_only").has_value());
      CHECK_FALSE(gui.app().tags().find("chron.content").has_value());
      run_script(gui, "click chron.row." + std::to_string(entries.back().seq) + "\nwait_frames 2\n");
      render_frames(gui, model, 2);
      CHECK_FALSE(gui.app().tags().find("chron.act.correct").has_value());
      CHECK_FALSE(gui.app().tags().find("chron.act.void").has_value());
      gui.app().show(Screen::home);
      render_frames(gui, model, 3);
      CHECK(gui.app().tags().find("banner.read_only").has_value());
      gui.app().show(Screen::settings);
      render_frames(gui, model, 3);
    }
    i18n::set_lang(i18n::Lang::ja);
    CHECK(model.entries().size() == entries.size());
  }
  // Never rewritten, nothing added beside it.
  CHECK(shodo::unit::openssl_sha256_file(file) == sha_before);
  CHECK(std::distance(std::filesystem::directory_iterator(file.parent_path()), {}) == files_before);
}

// Issue 11 "Keyboard and help": a whole first round without the mouse. Home opens with the focus
// in the operator's name (Enter sets it); the chronology opens with the focus in the sender; Enter
// walks to the next empty field and Ctrl+Enter records; F6 moves to the list and selects the
// newest row, Ctrl+E corrects it (the dialog's focus is in the content, Ctrl+Enter records);
// F1 shows the keys of the screen and closes with Esc.
TEST_CASE("keyboard only: operator, entry, list, correction and help without the mouse", "[gui][script][keys]") {
  SHODO_TEST_DIR(dir);
  FixedClock clock(shodo::unit::reading(k_t0, 1000 * k_s));
  AppModel model(model_options(dir.path(), &clock));
  HeadlessGui gui(model, ImVec2(1024, 768));
  run_script(gui, "wait_frames 3\ntype 山田 花子\nkey enter\nwait_frames 2\nexpect_no_error\n");
  REQUIRE(model.operator_confirmed());
  CHECK(model.session_operator().name == "山田 花子");
  REQUIRE(model.create_incident(incident()));
  run_script(gui, R"(
    key f3
    wait_frames 3
    expect_screen chronology
    type 救急外来
    key enter
    wait_frames 2
    type 対策本部
    key enter
    wait_frames 2
    type サーバ室で暗号化を確認
    key ctrl+enter
    wait_frames 3
    expect_no_error
  )");
  REQUIRE(model.entries().back().content == "サーバ室で暗号化を確認");
  CHECK(model.entries().back().from == "救急外来");
  const std::int64_t recorded = model.entries().back().seq;

  run_script(gui, "key f6\nwait_frames 3\n");
  const auto& list = gui.app().chronology().list();
  REQUIRE(gui.app().chronology().table().selected_row >= 0);
  CHECK(list.rows()[static_cast<std::size_t>(gui.app().chronology().table().selected_row)].index ==
        model.entries().size() - 1);
  CHECK(gui.app().chronology().table().focused);
  run_script(gui, R"(
    key ctrl+e
    wait_frames 3
    expect_tag dlg.reason
    key ctrl+a
    type サーバ室と PACS で暗号化を確認
    click dlg.reason
    type 聞き違い
    key ctrl+enter
    wait_frames 3
    expect_no_error
  )");
  const auto& c = model.entries().back();
  REQUIRE(c.type == chronology::EntryType::correction);
  CHECK(c.content == "サーバ室と PACS で暗号化を確認");
  CHECK(c.reason == "聞き違い");
  CHECK(c.target_entry_id == model.entries()[static_cast<std::size_t>(recorded - 1)].entry_id);

  run_script(gui, "key f1\nwait_frames 2\nexpect_tag help.keys\n");
  CHECK(gui.app().help_open());
  run_script(gui, "key esc\nwait_frames 2\n");
  CHECK_FALSE(gui.app().help_open());
}

// Issue 11 "Keyboard and help": the evidence and settings screens take the focus when they open.
// On the evidence screen it is on "I have read it" while the "do not" list waits for that, so
// Space records the confirmation (once: the list then stays closed, for every later session too);
// on Settings it is on the first field, the language.
TEST_CASE("evidence and settings open with the focus on their first control", "[gui][script][keys]") {
  SHODO_TEST_DIR(dir);
  FixedClock clock(shodo::unit::reading(k_t0, 1000 * k_s));
  AppModel model(model_options(dir.path(), &clock));
  REQUIRE(model.set_operator({"山田 花子", {"SCR"}}));
  REQUIRE(model.create_incident(incident()));
  HeadlessGui gui(model, ImVec2(1024, 768));
  gui.app().show(Screen::chronology);
  auto guard_reads = [&] {
    return std::count_if(model.entries().begin(), model.entries().end(),
                         [](const chronology::Entry& e) { return e.system_event == "evidence_guard_read"; });
  };
  run_script(gui, "wait_frames 3\nkey f5\nwait_frames 3\nexpect_screen evidence\nexpect_tag ev.guard.read\nkey space\nwait_frames 3\nexpect_no_error\n");
  CHECK(guard_reads() == 1);
  CHECK(model.entries().back().content_en == "read the evidence \"do not\" list");
  // Seen: the button is gone, and coming back to the screen records nothing more.
  run_script(gui, "key f3\nwait_frames 2\nkey f5\nwait_frames 3\n");
  CHECK_FALSE(gui.app().tags().find("ev.guard.read"));
  run_script(gui, "key space\nwait_frames 3\n");
  CHECK(guard_reads() == 1);

  i18n::set_lang(i18n::Lang::ja);
  run_script(gui, "key f4\nwait_frames 3\nexpect_screen settings\nkey right\nwait_frames 2\nkey space\nwait_frames 2\n");
  CHECK(i18n::current_lang() == i18n::Lang::en);
  i18n::set_lang(i18n::Lang::ja);
}

// Issue 11 "Human entries in front": the app's own rows (start, export, checkpoint, operator
// change …) are hidden by default and counted; a time check is a person's act and stays; ticking
// "System entries" shows every row.
TEST_CASE("the chronology list shows the human entries and hides the app's bookkeeping until asked", "[gui][script]") {
  SHODO_TEST_DIR(dir);
  FixedClock clock(shodo::unit::reading(k_t0, 1000 * k_s));
  AppModel model(model_options(dir.path(), &clock));
  REQUIRE(model.set_operator({"山田 花子", {"SCR"}}));
  REQUIRE(model.create_incident(incident()));
  REQUIRE(model.confirm_time(clock.now(), k_t0 + 1000 * k_s, k_s, "117", ""));
  for (int i = 0; i < 5; ++i) {
    chronology::Entry d;
    d.from = "救急外来";
    d.to = {"対策本部"};
    d.content = "報告 " + std::to_string(i + 1);
    REQUIRE(model.append(d).ok());
    if (i == 2) REQUIRE(model.workspace()->log().append_checkpoint().ok());
  }
  REQUIRE(model.set_operator({"佐藤 次郎", {"CSIRT"}}));  // an operator_changed row
  HeadlessGui gui(model, ImVec2(1024, 768));
  gui.app().show(Screen::chronology);
  run_script(gui, "wait_frames 3\n");
  const auto& list = gui.app().chronology().list();
  std::size_t human = 0, bookkeeping = 0;
  for (const auto& e : model.entries()) {
    const bool book = (e.category == chronology::Category::system && e.type != chronology::EntryType::time_check) ||
                      e.type == chronology::EntryType::checkpoint;
    (book ? bookkeeping : human)++;
  }
  REQUIRE(bookkeeping >= 4);  // incident opened, app start, checkpoint, operator changed
  CHECK(list.bookkeeping_rows() == bookkeeping);
  CHECK(list.visible().size() == human);  // 5 reports and the time check
  for (std::uint32_t v : list.visible()) CHECK_FALSE(list.rows()[v].flags & k_row_bookkeeping);
  run_script(gui, "click chron.show_system\nwait_frames 2\n");
  CHECK(list.visible().size() == model.entries().size());
}
