// Reference-time correction (CHR-10 … CHR-13): offsets from operator confirmations, linear
// interpolation against CLOCK_BOOTTIME, extrapolation, other boots, the ±9 h hint, and the
// time_check entry written through the Workspace.
#include "tests/unit/test_support.hpp"  // first: it configures catch.hpp

#include "forensics/case/workspace.hpp"
#include "forensics/chronology/log.hpp"
#include "forensics/chronology/time_reference.hpp"
#include "forensics/chronology/verify.hpp"

using namespace shodo;
using namespace shodo::chronology;
using namespace shodo::unit;

namespace {

constexpr std::int64_t k_sys0 = k_t0_s * k_s;  // wall clock at boottime 0 in these tests

// A time_check entry as the log would store it: confirmed at `boot_s` after boot with `offset`.
Entry check_entry(std::int64_t boot_s, std::int64_t offset_ns, const std::string& boot_id = k_boot_a,
                  std::int64_t uncertainty_ns = k_s) {
  Entry e;
  e.type = EntryType::time_check;
  e.boot_id = boot_id;
  e.recorded_mono_ns = boot_s * k_s;
  e.recorded_sys_utc_ns = k_sys0 + boot_s * k_s;
  e.author = "山田 花子";
  e.time_check = TimeCheck{"117", e.recorded_sys_utc_ns + offset_ns, offset_ns, uncertainty_ns};
  return e;
}

// A reading `boot_ns` after boot (the wall clock runs with boottime).
ClockReading at_boot(std::int64_t boot_ns, const std::string& boot_id = k_boot_a) {
  return reading(k_sys0 + boot_ns, boot_ns, boot_id);
}

}  // namespace

TEST_CASE("no confirmation: uncorrected, no corrected time", "[time]") {
  TimeReference tr;
  const Correction c = tr.correct(at_boot(100 * k_s));
  CHECK(c.quality == TimeQuality::uncorrected);
  CHECK_FALSE(c.corrected_utc_ns.has_value());
  CHECK(c.offset_ns == 0);
  CHECK(tr.latest() == nullptr);
  CHECK_FALSE(tr.drift(k_boot_a).has_value());
  // Entries that are not time checks are ignored.
  Entry normal = check_entry(100, 5 * k_s);
  normal.type = EntryType::normal;
  tr.observe(normal);
  CHECK(tr.confirmations().empty());
}

TEST_CASE("one confirmation: confirmed within 1 s of it, interpolated later, corrected = sys + offset", "[time]") {
  TimeReference tr;
  tr.observe(check_entry(100, 5 * k_s));
  REQUIRE(tr.latest() != nullptr);
  CHECK(tr.latest()->offset_ns == 5 * k_s);
  CHECK(tr.latest()->source == "117");
  CHECK(tr.latest()->operator_name == "山田 花子");

  Correction c = tr.correct(at_boot(100 * k_s));
  CHECK(c.quality == TimeQuality::ref_confirmed);
  REQUIRE(c.corrected_utc_ns);
  CHECK(*c.corrected_utc_ns == k_sys0 + 105 * k_s);
  CHECK(c.offset_ns == 5 * k_s);
  CHECK(c.uncertainty_ns == k_s);

  CHECK(tr.correct(at_boot(101 * k_s)).quality == TimeQuality::ref_confirmed);   // exactly 1 s
  c = tr.correct(at_boot(101 * k_s + 1));
  CHECK(c.quality == TimeQuality::ref_interpolated);
  c = tr.correct(at_boot(3700 * k_s));
  CHECK(c.quality == TimeQuality::ref_interpolated);
  CHECK(*c.corrected_utc_ns == k_sys0 + 3705 * k_s);
  // Before the only confirmation of this boot: its offset applies backwards too.
  c = tr.correct(at_boot(40 * k_s));
  CHECK(c.quality == TimeQuality::ref_interpolated);
  CHECK(*c.corrected_utc_ns == k_sys0 + 45 * k_s);
}

TEST_CASE("two confirmations: linear interpolation, drift, extrapolation", "[time]") {
  TimeReference tr;
  tr.observe(check_entry(100, 5 * k_s, k_boot_a, k_s));
  tr.observe(check_entry(300, 7 * k_s, k_boot_a, 2 * k_s));

  Correction c = tr.correct(at_boot(200 * k_s));
  CHECK(c.quality == TimeQuality::ref_interpolated);
  CHECK(c.offset_ns == 6 * k_s);
  REQUIRE(c.corrected_utc_ns);
  CHECK(*c.corrected_utc_ns == k_sys0 + 206 * k_s);
  CHECK(c.uncertainty_ns == 2 * k_s);  // the larger of the two

  c = tr.correct(at_boot(150 * k_s));
  CHECK(c.offset_ns == 5'500'000'000);

  // 2 s over 200 s with ±1 s and ±2 s checks: 10 000 ± 15 000 ppm is noise, never shown.
  CHECK_FALSE(tr.drift(k_boot_a).has_value());
  CHECK_FALSE(tr.drift(k_boot_b).has_value());

  // After the last: its offset, held constant.
  c = tr.correct(at_boot(1000 * k_s));
  CHECK(c.quality == TimeQuality::ref_interpolated);
  CHECK(c.offset_ns == 7 * k_s);
  CHECK(*c.corrected_utc_ns == k_sys0 + 1007 * k_s);
  c = tr.correct(at_boot(300 * k_s + 500'000'000));
  CHECK(c.quality == TimeQuality::ref_confirmed);
  CHECK(c.offset_ns == 7 * k_s);
}

TEST_CASE("ref-confirmed within 1 s of the NEAREST confirmation, before or after the reading", "[time]") {
  // time_reference.hpp: "ref-confirmed within 1 s of a confirmation". A reading half a second
  // before the second confirmation is as well confirmed as one half a second after it.
  TimeReference tr;
  tr.observe(check_entry(100, 5 * k_s));
  tr.observe(check_entry(300, 7 * k_s));
  CHECK(tr.correct(at_boot(300 * k_s + 500'000'000)).quality == TimeQuality::ref_confirmed);
  CHECK(tr.correct(at_boot(100 * k_s + 500'000'000)).quality == TimeQuality::ref_confirmed);
  CHECK(tr.correct(at_boot(300 * k_s - 500'000'000)).quality == TimeQuality::ref_confirmed);
  CHECK(tr.correct(at_boot(200 * k_s)).quality == TimeQuality::ref_interpolated);
}

TEST_CASE("confirmations observed out of order interpolate the same", "[time]") {
  TimeReference tr;
  tr.observe(check_entry(300, 7 * k_s));
  tr.observe(check_entry(100, 5 * k_s));
  CHECK(tr.correct(at_boot(200 * k_s)).offset_ns == 6 * k_s);
}

TEST_CASE("confirmations of another boot only: estimated with the newest offset", "[time]") {
  TimeReference tr;
  tr.observe(check_entry(100, 5 * k_s, k_boot_a));
  tr.observe(check_entry(300, 7 * k_s, k_boot_a));
  const Correction c = tr.correct(reading(k_sys0 + 50 * k_s, 50 * k_s, k_boot_b));
  CHECK(c.quality == TimeQuality::estimated);
  CHECK(c.offset_ns == 7 * k_s);
  REQUIRE(c.corrected_utc_ns);
  CHECK(*c.corrected_utc_ns == k_sys0 + 57 * k_s);
  // A confirmation in the new boot takes over.
  tr.observe(check_entry(60, -2 * k_s, k_boot_b));
  const Correction d = tr.correct(reading(k_sys0 + 70 * k_s, 70 * k_s, k_boot_b));
  CHECK(d.quality == TimeQuality::ref_interpolated);
  CHECK(d.offset_ns == -2 * k_s);
}

TEST_CASE("looks_like_rtc_local_time: about ±9 h only", "[time]") {
  const std::int64_t h = 3600 * k_s, m = 60 * k_s;
  CHECK(TimeReference::looks_like_rtc_local_time(9 * h));
  CHECK(TimeReference::looks_like_rtc_local_time(9 * h + 10 * m));
  CHECK(TimeReference::looks_like_rtc_local_time(9 * h - 10 * m));
  CHECK(TimeReference::looks_like_rtc_local_time(-9 * h));
  CHECK(TimeReference::looks_like_rtc_local_time(-9 * h + 3 * k_s));
  CHECK(TimeReference::looks_like_rtc_local_time(9 * h + 30 * m));       // the documented 30 min edge
  CHECK_FALSE(TimeReference::looks_like_rtc_local_time(9 * h + 31 * m));
  CHECK_FALSE(TimeReference::looks_like_rtc_local_time(8 * h));
  CHECK_FALSE(TimeReference::looks_like_rtc_local_time(m));
  CHECK_FALSE(TimeReference::looks_like_rtc_local_time(0));
  CHECK_FALSE(TimeReference::looks_like_rtc_local_time(-8 * h));
}

TEST_CASE("detect_clock_jump compares wall clock against boottime", "[time]") {
  const ClockReading now = at_boot(1000 * k_s);
  CHECK_FALSE(detect_clock_jump(now.sys_utc_ns - 500 * k_s, now.boottime_ns - 500 * k_s, now).has_value());
  CHECK_FALSE(detect_clock_jump(now.sys_utc_ns - 2 * k_s, now.boottime_ns, now).has_value());  // = tolerance
  auto j = detect_clock_jump(now.sys_utc_ns - 600 * k_s, now.boottime_ns - 1 * k_s, now);
  REQUIRE(j.has_value());
  CHECK(*j == 599 * k_s);
  j = detect_clock_jump(now.sys_utc_ns + 3600 * k_s, now.boottime_ns, now);
  REQUIRE(j.has_value());
  CHECK(*j == -3600 * k_s);
  CHECK(detect_clock_jump(now.sys_utc_ns, now.boottime_ns, now, 0) == std::nullopt);
}

TEST_CASE("make_time_check_draft stores offset = reference − system", "[time]") {
  const ClockReading r = at_boot(100 * k_s);
  const Entry d = make_time_check_draft(r, r.sys_utc_ns + 5 * k_s, k_s, "117", "田中");
  CHECK(d.type == EntryType::time_check);
  CHECK(d.source == SourceKind::system);
  CHECK(d.witness == "田中");
  REQUIRE(d.time_check);
  CHECK(d.time_check->offset_ns == 5 * k_s);
  CHECK(d.time_check->reference_utc_ns == r.sys_utc_ns + 5 * k_s);
  CHECK(d.time_check->uncertainty_ns == k_s);
  CHECK(d.time_check->source == "117");
}

TEST_CASE("Workspace::confirm_time writes the time_check — later entries are corrected", "[time][workspace]") {
  SHODO_TEST_DIR(dir);
  EnvGuard env({"SHODO_MIRROR_ROOT"});
  ::unsetenv("SHODO_MIRROR_ROOT");
  FixedClock clock = t0_clock();
  WorkspaceOptions wo;
  wo.case_root = dir / "case";
  wo.op = {"山田 花子", {"SCR"}};
  wo.clock = &clock;
  IncidentInfo info;
  info.incident_id = k_incident;
  info.title = "ランサムウェア疑い";
  info.facility = "大阪総合医療センター";
  auto ws = Workspace::create(wo, info);
  REQUIRE(ws.ok());
  Workspace& w = *ws.value();
  // Before any confirmation: uncorrected.
  CHECK(w.log().entries().front().time_quality == TimeQuality::uncorrected);
  CHECK_FALSE(w.time_status().confirmed);

  clock.advance(30 * k_s);
  const ClockReading at = clock.now();  // the key press on the 117 tone
  auto tc = w.confirm_time(at, at.sys_utc_ns + 5 * k_s, k_s, "117", "田中");
  REQUIRE(tc.ok());
  CHECK(tc->type == EntryType::time_check);
  REQUIRE(tc->time_check);
  CHECK(tc->time_check->offset_ns == 5 * k_s);
  CHECK(tc->time_check->reference_utc_ns == at.sys_utc_ns + 5 * k_s);
  CHECK(tc->time_quality == TimeQuality::ref_confirmed);
  REQUIRE(tc->recorded_ref_utc_ns);
  CHECK(*tc->recorded_ref_utc_ns == at.sys_utc_ns + 5 * k_s);
  CHECK(tc->clock_offset_ns == 5 * k_s);
  CHECK(tc->clock_uncertainty_ns == k_s);
  CHECK(tc->witness == "田中");
  CHECK(tc->author == "山田 花子");
  CHECK(tc->content.find("+5.000 s") != std::string::npos);
  CHECK(tc->content.find("RTC probably set to local time") == std::string::npos);

  const TimeStatus ts = w.time_status();
  CHECK(ts.confirmed);
  CHECK(ts.offset_ns == 5 * k_s);
  CHECK(ts.source == "117");
  CHECK(ts.confirmed_by == "山田 花子");

  clock.advance(10 * k_s);
  auto e = w.log().append(draft("補正後の記録"));
  REQUIRE(e.ok());
  CHECK(e->time_quality == TimeQuality::ref_interpolated);
  REQUIRE(e->recorded_ref_utc_ns);
  CHECK(*e->recorded_ref_utc_ns == e->recorded_sys_utc_ns + 5 * k_s);
  CHECK(to_json(e.value())["recorded_ref_time"] == format_rfc3339_jst(e->recorded_sys_utc_ns + 5 * k_s));
  CHECK(to_json(e.value())["recorded_ref_time"] == "2022-10-31T08:40:45+09:00");

  // The correction survives a reopen (confirmations are rebuilt from the stored entries).
  const auto file = w.log().file();
  ws.value().reset();
  wo.incident_id = k_incident;
  auto again = Workspace::open(wo);
  INFO((again.ok() ? std::string() : again.error().describe(false)));
  REQUIRE(again.ok());
  clock.advance(10 * k_s);
  auto e2 = again.value()->log().append(draft("再起動後"));
  REQUIRE(e2.ok());
  REQUIRE(e2->recorded_ref_utc_ns);
  CHECK(*e2->recorded_ref_utc_ns == e2->recorded_sys_utc_ns + 5 * k_s);
  auto v = verify_chronology_file(file);
  REQUIRE(v.ok());
  CHECK(v->intact());
}

TEST_CASE("confirm_time with a ~9 h offset hints that the RTC keeps local time", "[time][workspace]") {
  SHODO_TEST_DIR(dir);
  EnvGuard env({"SHODO_MIRROR_ROOT"});
  ::unsetenv("SHODO_MIRROR_ROOT");
  // The host's RTC runs on JST but Linux reads it as UTC: the system clock is 9 h ahead.
  FixedClock clock(reading(k_t0_s * k_s + 9 * 3600 * k_s, 1000 * k_s));
  WorkspaceOptions wo;
  wo.case_root = dir / "case";
  wo.op = {"山田 花子", {"SCR"}};
  wo.clock = &clock;
  IncidentInfo info;
  info.incident_id = k_incident;
  info.title = "時刻確認";
  auto ws = Workspace::create(wo, info);
  REQUIRE(ws.ok());
  const ClockReading at = clock.now();
  auto tc = ws.value()->confirm_time(at, k_t0_s * k_s + 2 * k_s, 30 * k_s, "wall_clock");
  REQUIRE(tc.ok());
  CHECK(tc->time_check->offset_ns == -9 * 3600 * k_s + 2 * k_s);
  CHECK(tc->content_en.find("RTC probably set to local time") != std::string::npos);
  CHECK(tc->content.find("現地時刻") != std::string::npos);
  REQUIRE(tc->recorded_ref_utc_ns);
  CHECK(*tc->recorded_ref_utc_ns == k_t0_s * k_s + 2 * k_s);
}

TEST_CASE("after a wall-clock jump the corrected time is not shifted by the jump", "[time][log]") {
  // CHR-10/12: the correction is anchored to CLOCK_BOOTTIME precisely so that someone setting the
  // host clock does not move the chronology. After a confirmed offset, a +10 min step of
  // CLOCK_REALTIME is detected (clock_jump entry) — the entries after it must either still carry
  // the true (reference) time, or at least not claim ref-confirmed/ref-interpolated quality for a
  // time that is 600 s off.
  SHODO_TEST_DIR(dir);
  FixedClock clock = t0_clock();  // sys = T, boot = 1000 s
  auto log = open_log(log_options(dir / "c.jsonl", &clock));
  REQUIRE(log->append(draft("before")).ok());
  clock.advance(k_s);
  const ClockReading at = clock.now();
  REQUIRE(log->append(make_time_check_draft(at, at.sys_utc_ns + 5 * k_s, k_s, "117", "")).ok());
  // 10 s later someone sets the host clock 10 minutes ahead.
  const std::int64_t true_ref = at.sys_utc_ns + 5 * k_s + 10 * k_s;
  clock.set(reading(at.sys_utc_ns + 10 * k_s + 600 * k_s, at.boottime_ns + 10 * k_s));
  auto e = log->append(draft("after the jump"));
  REQUIRE(e.ok());
  REQUIRE(log->count() == 4);
  CHECK(log->entries()[2].system_event == "clock_jump");
  INFO("recorded_ref - true time = " << (e->recorded_ref_utc_ns.value_or(0) - true_ref) / k_s << " s, quality "
                                      << to_string(e->time_quality));
  const bool true_time = e->recorded_ref_utc_ns && *e->recorded_ref_utc_ns == true_ref;
  const bool flagged = e->time_quality == TimeQuality::estimated || e->time_quality == TimeQuality::uncorrected;
  CHECK((true_time || flagged));
}

TEST_CASE("drift is shown only once the checks are far enough apart to mean something (issue 11)", "[time]") {
  // The first report: two checks seconds apart showed "+885602502.6 ppm".
  TimeReference close;
  close.observe(check_entry(100, 0));
  close.observe(check_entry(103, 3 * k_s));
  CHECK_FALSE(close.drift(k_boot_a).has_value());

  // ±1 s twice over 6 h: 2 s / 21 600 s = 92.6 ppm of uncertainty, under the limit of 100.
  TimeReference apart;
  apart.observe(check_entry(100, 5 * k_s));
  apart.observe(check_entry(100 + 6 * 3600, 5 * k_s + 432'000'000));  // +0.432 s over 6 h = 20 ppm
  const auto d = apart.drift(k_boot_a);
  REQUIRE(d.has_value());
  CHECK(d->ppm == Approx(20.0));
  CHECK(d->uncertainty_ppm == Approx(2e6 / 21600.0));
  CHECK(d->uncertainty_ppm <= k_drift_max_uncertainty_ppm);
  CHECK(d->interval_ns == 6 * 3600 * k_s);

  // ±1 s twice over 5 h: 111 ppm of uncertainty, not yet shown.
  TimeReference short_span;
  short_span.observe(check_entry(100, 5 * k_s));
  short_span.observe(check_entry(100 + 5 * 3600, 5 * k_s));
  CHECK_FALSE(short_span.drift(k_boot_a).has_value());
}

TEST_CASE("a check that names an earlier one supersedes it: only the new offset corrects (issue 11)", "[time]") {
  TimeReference tr;
  Entry wrong = check_entry(100, 3600 * k_s);  // the reference was misread by an hour
  wrong.entry_id = "check-1";
  tr.observe(wrong);
  CHECK(tr.correct(at_boot(200 * k_s)).offset_ns == 3600 * k_s);
  CHECK_FALSE(tr.superseded("check-1"));

  Entry fixed = check_entry(150, 3 * k_s);
  fixed.entry_id = "check-2";
  fixed.target_entry_id = "check-1";
  fixed.reason = "読み違い";
  tr.observe(fixed);
  CHECK(tr.superseded("check-1"));
  CHECK_FALSE(tr.superseded("check-2"));
  REQUIRE(tr.confirmations().size() == 1);
  CHECK(tr.latest()->entry_id == "check-2");
  // Before and after the new check: its offset only, never an interpolation with the wrong one.
  CHECK(tr.correct(at_boot(120 * k_s)).offset_ns == 3 * k_s);
  CHECK(tr.correct(at_boot(200 * k_s)).offset_ns == 3 * k_s);
}

TEST_CASE("offset concern: over 5 min is asked about, about ±9 h is the RTC-local-time case", "[time]") {
  CHECK(offset_concern(0) == OffsetConcern::none);
  CHECK(offset_concern(3 * k_s) == OffsetConcern::none);
  CHECK(offset_concern(-5 * 60 * k_s) == OffsetConcern::none);
  CHECK(offset_concern(5 * 60 * k_s + 1) == OffsetConcern::large);
  CHECK(offset_concern(-3600 * k_s) == OffsetConcern::large);
  CHECK(offset_concern(9 * 3600 * k_s) == OffsetConcern::rtc_local_time);
  CHECK(offset_concern(-9 * 3600 * k_s + 20 * 60 * k_s) == OffsetConcern::rtc_local_time);
}
