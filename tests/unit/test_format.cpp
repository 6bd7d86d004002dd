// The one formatter per kind of value (forensics/i18n/format.hpp), in both languages: the texts a
// responder reads in the CLI, the GUI and the reports.
#include "tests/unit/test_support.hpp"  // first: it configures catch.hpp

#include <limits>

#include "forensics/i18n/format.hpp"

using namespace shodo::i18n;

TEST_CASE("format: digits are grouped by thousands", "[format][i18n]") {
  CHECK(group_digits(0) == "0");
  CHECK(group_digits(999) == "999");
  CHECK(group_digits(1000) == "1,000");
  CHECK(group_digits(960197124096ull) == "960,197,124,096");
  CHECK(group_digits(18446744073709551615ull) == "18,446,744,073,709,551,615");
}

TEST_CASE("format: byte sizes in binary units with two decimals, exact below 1 KiB", "[format][i18n]") {
  CHECK(format_bytes(0, Lang::ja) == "0 バイト");
  CHECK(format_bytes(0, Lang::en) == "0 bytes");
  CHECK(format_bytes(1023, Lang::ja) == "1023 バイト");
  CHECK(format_bytes(1023, Lang::en) == "1023 bytes");
  CHECK(format_bytes(1024, Lang::en) == "1.00 KiB");
  CHECK(format_bytes(1536, Lang::ja) == "1.50 KiB");
  CHECK(format_bytes(1048575, Lang::en) == "1.00 MiB");  // rounds up into the next unit, never "1024.00 KiB"
  CHECK(format_bytes(4ull << 30, Lang::en) == "4.00 GiB");
  CHECK(format_bytes(500107862016ull, Lang::en) == "465.76 GiB");
  CHECK(format_bytes(500107862016ull, Lang::ja) == "465.76 GiB");
  CHECK(format_bytes(3ull << 50, Lang::en) == "3.00 PiB");
  CHECK(format_bytes(18446744073709551615ull, Lang::en) == "16384.00 PiB");  // largest unit, no overflow
}

TEST_CASE("format: exact byte counts carry the human size", "[format][i18n]") {
  CHECK(format_bytes_exact(960197124096ull, Lang::ja) == "960,197,124,096 バイト（894.25 GiB）");
  CHECK(format_bytes_exact(960197124096ull, Lang::en) == "960,197,124,096 bytes (894.25 GiB)");
  CHECK(format_bytes_exact(512, Lang::en) == "512 bytes (512 bytes)");
}

TEST_CASE("format: remaining time as h:mm:ss, unknown as a dash", "[format][i18n]") {
  CHECK(format_eta(0) == "0:00:00");
  CHECK(format_eta(245.4) == "0:04:05");
  CHECK(format_eta(245.6) == "0:04:06");
  CHECK(format_eta(43200) == "12:00:00");
  CHECK(format_eta(-1) == "—");
  CHECK(format_eta(std::numeric_limits<double>::quiet_NaN()) == "—");
  CHECK(format_eta(std::numeric_limits<double>::infinity()) == "—");
}

TEST_CASE("format: a person is the name with the given details in brackets", "[format][i18n]") {
  CHECK(format_person("鈴木 一郎", {"情報システム課", "DEFR", "内線 1234"}, Lang::ja) ==
        "鈴木 一郎 (情報システム課, DEFR, 内線 1234)");
  CHECK(format_person("Ichiro Suzuki", {"IT", "", "ext. 1234"}, Lang::en) == "Ichiro Suzuki (IT, ext. 1234)");
  CHECK(format_person("看護師長 田中", {"", "", ""}, Lang::ja) == "看護師長 田中");
  CHECK(format_person("", {"看護部"}, Lang::ja) == "看護部");
  CHECK(format_person("", {"", ""}, Lang::en) == "—");
}

TEST_CASE("format: time quality codes show their catalogue label, never the raw code", "[format][i18n]") {
  CHECK(format_time_quality("ref-confirmed", Lang::ja) == "補正済");
  CHECK(format_time_quality("ref-confirmed", Lang::en) == "Corrected");
  CHECK(format_time_quality("ref-interpolated", Lang::en) == "Corrected (interpolated)");
  CHECK(format_time_quality("uncorrected", Lang::ja) == "未補正");
  CHECK(format_time_quality("estimated", Lang::en) == "Estimated");
  CHECK(format_time_quality("", Lang::en).empty());
  CHECK(format_time_quality("from-the-future", Lang::en) == "from-the-future");  // unknown: shown, not hidden
}
