#include "forensics/core/provenance.hpp"

#include <cairo.h>
#include <openssl/crypto.h>
#include <pango/pango.h>
#include <sys/utsname.h>

#include "shodo_commit.hpp"  // generated at build time: SHODO_GIT_COMMIT

namespace shodo {

std::string tool_version() { return SHODO_VERSION; }
std::string tool_commit() { return SHODO_GIT_COMMIT; }
std::string tool_version_string() { return tool_version() + " (" + tool_commit() + ")"; }

std::string host_name() {
  utsname u{};
  if (uname(&u) != 0) return "unknown";
  return u.nodename;
}

nlohmann::json provenance_json() {
  return {{"tool", "shodo"},
          {"version", tool_version()},
          {"commit", tool_commit()},
          {"openssl", OpenSSL_version(OPENSSL_VERSION)},
          {"cairo", cairo_version_string()},
          {"pango", pango_version_string()},
          {"host", host_name()}};
}

}  // namespace shodo
