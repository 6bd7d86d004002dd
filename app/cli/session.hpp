// Operator session for CLI commands: --operator/--roles, or SHODO_OPERATOR/SHODO_ROLES.
#pragma once
#include <memory>

#include "app/cli/cli.hpp"
#include "forensics/case/workspace.hpp"

namespace shodo::cli {

// Parses the operator; roles must be codes of REQUIREMENTS §2.3. Errors: invalid_input.
// An empty name is allowed only when `required` is false.
Result<chronology::Operator> session_operator(const Globals& g, bool required = true);
// Opens the current incident with the session operator (writes operator_changed if new).
Result<std::unique_ptr<Workspace>> open_workspace(const Globals& g, bool need_operator = true);

}  // namespace shodo::cli
