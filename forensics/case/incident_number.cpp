#include "forensics/case/incident_number.hpp"

#include <algorithm>
#include <cctype>
#include <system_error>

#include "forensics/case/incident.hpp"
#include "forensics/core/clock.hpp"

namespace shodo {
namespace fs = std::filesystem;

namespace {

bool all_of_class(const std::string& s, int (*pred)(int)) {
  return std::all_of(s.begin(), s.end(), [pred](unsigned char c) { return pred(c) != 0; });
}

bool valid_date(const std::string& d) {
  if (d.size() != 8 || !all_of_class(d, ::isdigit)) return false;
  const int y = std::stoi(d.substr(0, 4)), mo = std::stoi(d.substr(4, 2)), day = std::stoi(d.substr(6, 2));
  if (y < 2000 || mo < 1 || mo > 12 || day < 1) return false;
  static const int k_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return day <= (mo == 2 ? (leap ? 29 : 28) : k_days[mo - 1]);
}

bool valid_code(const std::string& c) {
  return !c.empty() && c.size() <= 16 &&
         std::all_of(c.begin(), c.end(), [](unsigned char ch) { return ch < 0x80 && std::isalnum(ch); });
}

// "YYYYMMDD" of utc_ns in JST.
std::string jst_yyyymmdd(std::int64_t utc_ns) {
  std::string d = format_jst_display(utc_ns).substr(0, 10);
  d.erase(std::remove(d.begin(), d.end(), '-'), d.end());
  return d;
}

}  // namespace

IncidentIdPart incident_id_problem(const std::string& id) {
  const auto a = id.find('-');
  const auto b = a == std::string::npos ? a : id.find('-', a + 1);
  if (a == std::string::npos || b == std::string::npos || id.find('-', b + 1) != std::string::npos)
    return IncidentIdPart::form;
  if (!valid_code(id.substr(0, a))) return IncidentIdPart::code;
  if (!valid_date(id.substr(a + 1, b - a - 1))) return IncidentIdPart::date;
  const std::string nn = id.substr(b + 1);
  if (nn.size() != 2 || !all_of_class(nn, ::isdigit)) return IncidentIdPart::nn;
  return IncidentIdPart::none;
}

const char* facility_code_explained_ja() {
  return "病院コード: 施設を表す短い英数字（1〜16文字、例 OGMC）。施設で一つ決め、すべてのインシデント番号の先頭に付けます";
}
const char* facility_code_explained_en() {
  return "Facility code (病院コード): a short name of letters and digits for your facility (1–16, e.g. OGMC), chosen "
         "once and put at the start of every incident number";
}

Status check_facility_code(const std::string& code) {
  if (valid_code(code)) return ok_status();
  return make_error(ErrorCode::invalid_input,
                    "病院コード「" + code + "」が正しくありません。英数字 1〜16 文字です（例 OGMC）",
                    "the facility code \"" + code + "\" is not valid: 1–16 letters or digits (e.g. OGMC)");
}

Status check_profile(const std::string& profile) {
  if (profile == "hospital" || profile == "clinic") return ok_status();
  return make_error(ErrorCode::invalid_input, "種別は hospital（病院）か clinic（診療所）です",
                    "profile must be hospital or clinic");
}

Status check_incident_id(const std::string& id) {
  const std::string q_ja = "インシデント番号「" + id + "」の", q_en = "in the incident number \"" + id + "\", ";
  switch (incident_id_problem(id)) {
    case IncidentIdPart::none: return ok_status();
    case IncidentIdPart::form:
      return make_error(ErrorCode::invalid_input,
                        "インシデント番号「" + id + "」は 病院コード-YYYYMMDD-NN の形ではありません（例 OGMC-20221031-01）",
                        "the incident number \"" + id + "\" is not CODE-YYYYMMDD-NN (e.g. OGMC-20221031-01)");
    case IncidentIdPart::code:
      return make_error(ErrorCode::invalid_input, q_ja + "病院コード（先頭）が正しくありません: 英数字 1〜16 文字です（例 OGMC）",
                        q_en + "the facility code (first part) is wrong: 1–16 letters or digits (e.g. OGMC)");
    case IncidentIdPart::date:
      return make_error(ErrorCode::invalid_input, q_ja + "日付（2番目）が正しくありません: 実在する日付を YYYYMMDD で（例 20221031）",
                        q_en + "the date (second part) is wrong: a real date as YYYYMMDD (e.g. 20221031)");
    case IncidentIdPart::nn:
      return make_error(ErrorCode::invalid_input, q_ja + "通し番号（最後）が正しくありません: 01〜99 の2桁です",
                        q_en + "the sequence number (last part) is wrong: two digits, 01–99");
  }
  return ok_status();
}

Result<std::string> propose_incident_id(const fs::path& case_root, const std::string& code, std::int64_t now_utc_ns) {
  if (auto st = check_facility_code(code); !st) return st.error();
  const std::string prefix = code + "-" + jst_yyyymmdd(now_utc_ns) + "-";
  int highest = 0;
  std::error_code ec;
  for (const auto& d : fs::directory_iterator(case_root / "incidents", ec)) {
    const std::string name = d.path().filename().string();
    if (name.size() == prefix.size() + 2 && name.rfind(prefix, 0) == 0 && incident_id_problem(name) == IncidentIdPart::none)
      highest = std::max(highest, std::stoi(name.substr(prefix.size())));
  }
  if (highest >= 99)
    return make_error(ErrorCode::already_exists, "本日の " + code + " の番号（01〜99）はすべて使われています",
                      "every number of " + code + " today (01–99) is taken");
  const int next = highest + 1;
  return prefix + (next < 10 ? "0" : "") + std::to_string(next);
}

}  // namespace shodo
