#!/usr/bin/env bash
# `shodo --version` names the commit the source tree is at, even in a build directory configured
# many commits ago (the commit is read at build time, cmake/commit_header.cmake): the reports, the
# PDFs, the chronology's app-start entry and the kit image's name all carry it.
set -euo pipefail
bin=${SHODO_BIN:?}; src=${SHODO_SOURCE_DIR:?}
head=$(git -C "$src" rev-parse --short=12 HEAD 2>/dev/null) || { echo "SKIP: $src is not a git work tree"; exit 77; }
want="$(sed -n 's/^project(shodo VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt") ($head)"
got=$("$bin" --version | tail -1)
if [ "$got" != "$want" ]; then
  echo "FAIL: shodo --version says '$got', the source tree is at '$want'"; exit 1
fi
echo "ok: shodo --version = $got"
