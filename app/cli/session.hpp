// Operator session for CLI commands (issue 11, CHR-03). Who operates, in this order:
//   1. --operator NAME (roles: --roles; without --roles, those remembered for the same name);
//   2. SHODO_OPERATOR / SHODO_ROLES;
//   3. the operator remembered for this kit session (forensics/case/session_operator.hpp), set by
//      `shodo operator`, by any writing command given --operator (or SHODO_OPERATOR), or by the
//      window.
// Every command that writes prints who it writes as (stderr), so a forgotten change shows.
#pragma once
#include <memory>

#include "app/cli/cli.hpp"
#include "forensics/case/workspace.hpp"

namespace shodo::cli {

// The operator of this command; roles are a set of codes of REQUIREMENTS §2.3. Errors:
// invalid_input (no operator anywhere, when `required`; an unknown role; not UTF-8).
Result<chronology::Operator> session_operator(const Globals& g, bool required = true);
// Remembers the operator for the kit session when it was given on this command line (--operator)
// or in SHODO_OPERATOR. Errors: not_saved.
Status remember_session_operator(const Globals& g, const chronology::Operator& op);
// Opens the current incident. With `need_operator` (a command that writes): with the operator of
// this command (operator_changed written if it differs; remembered for the session) and said on
// stderr; without: read-only use, no operator set, nothing written for it.
Result<std::unique_ptr<Workspace>> open_workspace(const Globals& g, bool need_operator = true);
// "山田 花子 [SCR,CSIRT]".
std::string operator_text(const chronology::Operator& op);

}  // namespace shodo::cli
