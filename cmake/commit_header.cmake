# Writes OUT with the source tree's current git commit (`cmake -DSRC=... -DOUT=... -P`). Run at
# every build, not at configure time, so a long-lived build directory never stamps an old commit
# into `shodo --version`, the reports and the image name. The file is rewritten only when the
# commit changed, so an unchanged tree rebuilds nothing.
execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY "${SRC}"
                OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT commit)
  set(commit "unknown")
endif()
set(text "// Generated at build time by cmake/commit_header.cmake. Do not edit.\n#pragma once\n#define SHODO_GIT_COMMIT \"${commit}\"\n")
set(old "")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUT}" "${text}")
endif()
