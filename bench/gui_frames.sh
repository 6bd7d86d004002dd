#!/usr/bin/env bash
# GUI frame time with 100,000 entries in the chronology list, under Xvfb with Mesa's llvmpipe
# (software rendering, as on a kit host without a GPU driver). `ui_mean_ms` is the ImGui CPU
# time per frame (building the frame, list through ImGuiListClipper); `mean_ms` adds llvmpipe
# rasterisation and the buffer swap. Usage: bench/gui_frames.sh [BUILD_DIR] [FRAMES]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build/test}
frames=${2:-300}
root=$(mktemp -d /tmp/shodo-guibench.XXXXXX)
trap 'rm -rf "$root"' EXIT
export SHODO_CASE_ROOT=$root LANG=ja_JP.UTF-8
"$build/shodo" incident new --id BENCH-20261124-01 --title "描画測定" --operator bench --roles SCR >/dev/null
# The list shows 100,000 entries (synthetic rows when the log has fewer; see app/gui/synthetic_entries.cpp).
xvfb-run -a -s "-screen 0 1280x800x24" "$build/shodo" --operator bench --roles SCR \
  --incident BENCH-20261124-01 --bench-frames "$frames" 2>&1 | grep '^bench:'
