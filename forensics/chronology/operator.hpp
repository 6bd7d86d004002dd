// Who is operating the kit (REQUIREMENTS §2.3, CHR-03): a name and a set of role codes.
//
// Roles are a set: {"SCR","CSIRT"} and {"CSIRT","SCR"} are the same operator, and an operator
// change is recorded only when the person or the set really changed (the entry can never be
// voided, so it must never be written by mistake). role_set() gives the one stored form: the
// codes of the §2.3 table in table order, each once.
#pragma once
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "forensics/core/result.hpp"

namespace shodo::chronology {

struct Operator {
  std::string name;
  std::vector<std::string> roles;  // role codes (REQUIREMENTS §2.3), e.g. "SCR"
};

// The role codes of REQUIREMENTS §2.3, in table order; their labels are "role.<code>".
inline constexpr std::array<std::string_view, 11> k_role_codes = {"MGT", "ISM", "CSIRT", "SCR", "IT", "VEN",
                                                                  "STF", "CLN", "PR",    "LEG", "EXT"};

bool is_role_code(std::string_view code);
// The stored form of a set of roles: known codes in table order, each once; codes this version
// does not know (from an older or newer record) follow in their first order, each once.
std::vector<std::string> role_set(const std::vector<std::string>& roles);
// "SCR,CSIRT" (spaces around codes allowed, upper or lower case) → the role set. Errors:
// invalid_input naming the unknown code and listing the known ones, in both languages.
Result<std::vector<std::string>> parse_roles(std::string_view comma_separated);
// "SCR,CSIRT" for the record.
std::string roles_text(const std::vector<std::string>& roles);
// The same person with the same set of roles.
bool same_operator(const Operator& a, const Operator& b);

}  // namespace shodo::chronology
