// Time formatting and parsing (CHR-15: store UTC, show JST, explicit offsets), the host clock
// readings (CHR-10), and the error values every failure travels in (exit codes, messages).
#include "tests/unit/test_support.hpp"  // first: it configures catch.hpp

#include <cerrno>
#include <ctime>
#include <regex>

#include "forensics/core/clock.hpp"
#include "forensics/core/result.hpp"
#include "forensics/core/time_input.hpp"

using namespace shodo;
using namespace shodo::unit;

namespace {

std::int64_t parsed(const std::string& text) {
  std::int64_t ns = -1;
  INFO("parse_time(\"" << text << "\")");
  REQUIRE(parse_time(text, ns));
  return ns;
}

bool rejects(const std::string& text) {
  std::int64_t ns = 12345;
  const bool ok = parse_time(text, ns);
  return !ok && ns == 12345;  // and leaves the output alone
}

constexpr std::int64_t k_osaka = std::int64_t{1667173200} * 1'000'000'000;  // 2022-10-31T08:40:00+09:00

}  // namespace

TEST_CASE("format_rfc3339_utc_ns / _jst / jst_display on known instants", "[clock]") {
  CHECK(format_rfc3339_utc_ns(k_osaka) == "2022-10-30T23:40:00.000000000Z");
  CHECK(format_rfc3339_utc_ns(k_osaka + 123'456'789) == "2022-10-30T23:40:00.123456789Z");
  CHECK(format_rfc3339_jst(k_osaka) == "2022-10-31T08:40:00+09:00");
  CHECK(format_rfc3339_jst(k_osaka + 999'999'999) == "2022-10-31T08:40:00+09:00");  // truncated, not rounded
  CHECK(format_jst_display(k_osaka) == "2022-10-31 08:40:00");
  CHECK(format_jst_hm(k_osaka + 5 * k_s) == "08:40:05");

  // JST midnight is 15:00 UTC: the JST date changes before the UTC one.
  const std::int64_t new_year_jst = 1798729200* k_s;  // 2026-12-31T15:00:00Z
  CHECK(format_rfc3339_utc_ns(new_year_jst) == "2026-12-31T15:00:00.000000000Z");
  CHECK(format_rfc3339_jst(new_year_jst) == "2027-01-01T00:00:00+09:00");
  CHECK(format_jst_display(new_year_jst - 1) == "2026-12-31 23:59:59");
  CHECK(format_jst_display(new_year_jst) == "2027-01-01 00:00:00");

  // Leap days.
  CHECK(format_rfc3339_utc_ns(1709164800* k_s) == "2024-02-29T00:00:00.000000000Z");
  CHECK(format_jst_display(1709134200* k_s) == "2024-02-29 00:30:00");  // 2024-02-28T15:30Z
  CHECK(format_rfc3339_jst(951836400* k_s) == "2000-03-01T00:00:00+09:00");

  // The epoch and just before it (floor, not truncation towards zero).
  CHECK(format_rfc3339_utc_ns(0) == "1970-01-01T00:00:00.000000000Z");
  CHECK(format_rfc3339_utc_ns(-1) == "1969-12-31T23:59:59.999999999Z");
  CHECK(format_jst_display(-1) == "1970-01-01 08:59:59");
}

TEST_CASE("parse_time accepts Z, offsets, JST wall time and fractions", "[clock]") {
  CHECK(parsed("2022-10-30T23:40:00Z") == k_osaka);
  CHECK(parsed("2022-10-30T23:40:00z") == k_osaka);
  CHECK(parsed("2022-10-31T08:40:00+09:00") == k_osaka);
  CHECK(parsed("2022-10-30T18:40:00-05:00") == k_osaka);
  CHECK(parsed("2022-10-31T08:40+09:00") == k_osaka);
  CHECK(parsed("2022-10-31 08:40") == k_osaka);     // as typed on screen: JST
  CHECK(parsed("2022-10-31 08:40:00") == k_osaka);
  CHECK(parsed("2022-10-30 23:40:00Z") == k_osaka);
  CHECK(parsed("2022-10-30T23:40:00.5Z") == k_osaka + 500'000'000);
  CHECK(parsed("2022-10-30T23:40:00.123456789Z") == k_osaka + 123'456'789);
  CHECK(parsed("2022-10-31T08:40:00.000000001+09:00") == k_osaka + 1);
  CHECK(parsed("2024-02-29 09:00") == 1709164800* k_s);
  CHECK(parsed("1970-01-01T00:00:00Z") == 0);
}

TEST_CASE("parse_time rejects garbage and zone-less ISO times", "[clock]") {
  CHECK(rejects(""));
  CHECK(rejects("garbage"));
  CHECK(rejects("2026-11-24T10:00:00"));       // ISO form without a zone (CHR-15)
  CHECK(rejects("2026-11-24T10:00"));
  CHECK(rejects("2026-11-24"));                // date only
  CHECK(rejects("10:00"));
  CHECK(rejects("2026/11/24 10:00"));
  CHECK(rejects("2026-11-24T10:00:00+0900"));  // offset without colon
  CHECK(rejects("2026-11-24T10:00:00+09"));
  CHECK(rejects("2026-11-24T10:00:00Z junk"));
  CHECK(rejects("2026-11-24X10:00:00Z"));
  CHECK(rejects("2026-13-01 10:00"));
  CHECK(rejects("2026-00-10 10:00"));
  CHECK(rejects("2026-11-32 10:00"));
  CHECK(rejects("2026-11-24 24:00"));
  CHECK(rejects("2026-11-24 10:60"));
}

TEST_CASE("parse_time rejects dates that do not exist", "[clock]") {
  // A user typing an event time of "2月30日" must get an error, not 3月2日.
  CHECK(rejects("2026-02-30 10:00"));
  CHECK(rejects("2023-02-29T00:00:00Z"));  // not a leap year
  CHECK(rejects("2026-04-31T10:00:00+09:00"));
  CHECK(rejects("2100-02-29 10:00"));      // century, not a leap year
}

TEST_CASE("format → parse round trips", "[clock]") {
  const std::vector<std::int64_t> instants = {k_osaka,     k_osaka + 1, k_osaka + 999'999'999, 0,
                                              1798729200 * k_s - 1, 4102444800 * k_s + 42};
  for (std::int64_t ns : instants) {
    INFO(ns);
    CHECK(parsed(format_rfc3339_utc_ns(ns)) == ns);
    CHECK(parsed(format_rfc3339_jst(ns)) == ns - ((ns % k_s) + k_s) % k_s);
    CHECK(parsed(format_jst_display(ns)) == ns - ((ns % k_s) + k_s) % k_s);
  }
}

TEST_CASE("SystemClock reads CLOCK_REALTIME, CLOCK_BOOTTIME and the boot ID", "[clock]") {
  SystemClock c;
  const ClockReading a = c.now();
  const std::int64_t wall = static_cast<std::int64_t>(std::time(nullptr)) * k_s;
  CHECK(a.sys_utc_ns > wall - 5 * k_s);
  CHECK(a.sys_utc_ns < wall + 5 * k_s);
  CHECK(a.boottime_ns > 0);
  CHECK(std::regex_match(a.boot_id, std::regex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")));
  CHECK(a.boot_id == read_boot_id());
  const ClockReading b = c.now();
  CHECK(b.boottime_ns >= a.boottime_ns);

  FixedClock f(reading(10 * k_s, 20 * k_s));
  f.advance(3 * k_s);
  CHECK(f.now().sys_utc_ns == 13 * k_s);
  CHECK(f.now().boottime_ns == 23 * k_s);
  CHECK(f.now().boot_id == k_boot_a);
}

TEST_CASE("error codes map to the documented CLI exit codes", "[clock][errors]") {
  CHECK(exit_code_for(ErrorCode::invalid_input) == 2);
  CHECK(exit_code_for(ErrorCode::not_found) == 3);
  CHECK(exit_code_for(ErrorCode::already_exists) == 3);
  CHECK(exit_code_for(ErrorCode::integrity) == 4);
  CHECK(exit_code_for(ErrorCode::io_error) == 5);
  CHECK(exit_code_for(ErrorCode::not_saved) == 5);
  CHECK(exit_code_for(ErrorCode::no_space) == 5);
  CHECK(exit_code_for(ErrorCode::read_only) == 6);
  CHECK(exit_code_for(ErrorCode::unsupported) == 7);
}

TEST_CASE("errors: context chain and errno messages", "[clock][errors]") {
  Result<int> inner = make_error(ErrorCode::not_found, "ありません", "missing");
  Result<int> r = std::move(inner).with_context("reading a.jsonl").with_context("opening OGMC-20221031-01");
  CHECK(r.error().describe(false) == "opening OGMC-20221031-01: reading a.jsonl: missing");
  CHECK(r.error().describe(true) == "opening OGMC-20221031-01: reading a.jsonl: ありません");

  const Error full = make_errno_error(ErrorCode::not_saved, ENOSPC, "書けません", "cannot write");
  CHECK(full.code == ErrorCode::no_space);
  CHECK(full.en.find("cannot write (") == 0);
  CHECK(full.en.find("full") != std::string::npos);
  CHECK(full.ja.find("空き容量") != std::string::npos);
  const Error quota = make_errno_error(ErrorCode::not_saved, EDQUOT, "書けません", "cannot write");
  CHECK(quota.code == ErrorCode::no_space);
  const Error io = make_errno_error(ErrorCode::not_saved, EIO, "書けません", "cannot write");
  CHECK(io.code == ErrorCode::not_saved);
  CHECK(io.en.find("full") == std::string::npos);
}

TEST_CASE("a time typed without seconds is known to the minute (issue 11: precision not overstated)", "[time]") {
  for (const char* t : {"07:30", "7:30", "11/23 07:30", "2022/10/31 08:40", "2022-10-31 08:40"}) {
    INFO(t);
    CHECK(typed_to_the_minute(t));
  }
  for (const char* t : {"07:30:15", "2022/10/31 08:40:00", "2022-10-31T08:40:00+09:00", "2022-10-30T23:40:00Z"}) {
    INFO(t);
    CHECK_FALSE(typed_to_the_minute(t));
  }
}
