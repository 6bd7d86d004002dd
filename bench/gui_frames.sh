#!/usr/bin/env bash
# GUI on a real chronology of 100,000 entries, under Xvfb with Mesa's llvmpipe (software
# rendering, as on a kit host without a GPU driver). The incident's log is replaced by one of N
# hash-chained entries made by shodo_bench_gen for this incident and this kit, so the GUI opens,
# verifies and lists what a responder would have after a long incident (no synthetic rows).
# Printed: `open_incident_ms` (reading and verifying the log when the incident opens),
# `process_ms` (start of the process to the last frame, as the responder waits for it),
# `first_frame_ms`, and per frame `ui_mean_ms` (ImGui CPU time: building the frame, the list
# through ImGuiListClipper) and `mean_ms`/`p95_ms` (adds llvmpipe rasterisation and the swap).
# Usage: bench/gui_frames.sh [BUILD_DIR] [FRAMES] [ENTRIES] (below 100,000 the GUI adds synthetic rows)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build/test}
frames=${2:-300}
entries=${3:-100000}
root=$(mktemp -d /tmp/shodo-guibench.XXXXXX)
trap 'rm -rf "$root"' EXIT
export SHODO_CASE_ROOT=$root LANG=ja_JP.UTF-8
id=BENCH-20261124-01
"$build/shodo" incident new --id "$id" --title "描画測定" --operator bench --roles SCR >/dev/null
kit=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["kit_id"])' "$root/kit/kit.json")
log="$root/incidents/$id/chronology/$kit.jsonl"
[ -f "$log" ] || { echo "bench: no chronology at $log" >&2; exit 1; }
"$build/shodo_bench_gen" "$log" "$entries" "$id" "$kit" >/dev/null
# The log as the GUI will find it must verify, or the numbers are of a read-only view.
"$build/shodo" chrono verify --incident "$id" >/dev/null
start=$(date +%s%N)
xvfb-run -a -s "-screen 0 1280x800x24" "$build/shodo" --operator bench --roles SCR \
  --incident "$id" --bench-frames "$frames" 2>&1 | grep '^bench:'
end=$(date +%s%N)
echo "bench: process_ms=$(( (end - start) / 1000000 )) (Xvfb start included)"
