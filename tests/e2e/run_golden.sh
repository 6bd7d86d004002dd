#!/usr/bin/env bash
# CLI end-to-end golden cases (STYLE.md "Tests": folders with cmd, in/, expected/, as in Kakoune's test/).
#
# Usage:  tests/e2e/run_golden.sh SHODO_BIN CASES_DIR [CASE_NAME...]
#         UPDATE_GOLDEN=1 tests/e2e/run_golden.sh ...   (re)writes expected/stdout, expected/stderr and
#                                                      the existing expected/file-* from the actual run
# Run by ctest once per case, as the test e2e_golden_<case> (label "golden"); with no CASE_NAME every
# case runs. `UPDATE_GOLDEN=1 ctest -R e2e_golden_<case>` updates one case, `-L golden` all of them.
# Exit status: 0 if every case passed, 1 otherwise, 2 on bad usage.
#
# A case is a folder CASES_DIR/<name>/ (named after what it pins) holding:
#   cmd         bash script, run with cwd = a fresh temp dir; it calls "$SHODO_BIN" ... and echoes
#               `rc=$?` after every command so that the expected stdout pins the exit codes.
#   in/         optional; its contents are copied into the temp dir first.
#   clock       optional; the SHODO_FAKE_CLOCK value ("<utc_ns>,<boottime_ns>,<boot_id>").
#   lang        optional; the LANG value (default ja_JP.UTF-8).
#   expected/stdout, expected/stderr     the normalised output of cmd (both always present).
#   expected/files       optional, written by hand: one glob per line (relative to the temp dir) that
#                        must match at least one existing path afterwards; '#' lines are comments.
#   expected/file-NAME   optional: the normalised contents of the file NAME afterwards, where NAME is
#                        the path relative to the temp dir with every '/' written as '__'
#                        (expected/file-export__chronology.csv is export/chronology.csv).
#
# Environment of cmd (nothing else is inherited, so a developer's LC_ALL, DISPLAY or HOME cannot leak in):
#   SHODO_BIN, SHODO_CASE_ROOT=$tmp/cases, SHODO_FAKE_CLOCK, LANG, TZ=UTC, HOME=$tmp,
#   PATH=/usr/local/bin:/usr/bin:/bin, and two shell helpers (loaded through BASH_ENV):
#     step TEXT          prints "== TEXT" to stdout and stderr, so the two goldens line up by step
#     advance_clock SEC  moves both fake clocks SEC seconds forward. The fake clock restarts at its
#                        start value in every process, so without this each command of a case would
#                        record times from the same starting point, earlier than the previous one's.
#
# Normalisation (applied to stdout, stderr and file-NAME contents, in this order):
#   the temp dir path → <TMP>; the tool version "0.1.0 (abcdef123456)" → <VERSION> (it names the git
#   commit, which changes with every commit); key fingerprints "xxxx xxxx ... xxxx" (8 groups) → <FPR>;
#   UUIDs → <UUID>; 128-hex signatures → <SIG>; 64-hex hashes → <HASH>; on lines that mention
#   "No. N", "hash", "head", "ハッシュ" or "先頭", and inside "(...)", and after "件 / " or
#   "entries / " (the paper anchor), 16-hex hash prefixes → <H16>;
#   kit IDs KIT-XXXXXXXX → <KIT>.
#
# On failure the case's temp dir is kept (its path is printed) with the raw output in
# .golden-actual/ inside it; passing cases' temp dirs are removed.
set -u
export LC_ALL=C  # byte-wise sed/sort in the runner itself; cases get their own locale below

usage() {
  sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
[[ $# -ge 2 ]] || usage
bin=$1
cases_dir=$2
shift 2
[[ -x $bin ]] || { echo "run_golden: not an executable: $bin" >&2; exit 2; }
[[ -d $cases_dir ]] || { echo "run_golden: no such folder: $cases_dir" >&2; exit 2; }
bin=$(cd "$(dirname "$bin")" && pwd -P)/$(basename "$bin")
cases_dir=$(cd "$cases_dir" && pwd -P)
update=${UPDATE_GOLDEN:-0}
k_default_clock="1795500000000000000,1000000000000,00000000-0000-4000-8000-000000000001"
k_default_lang="ja_JP.UTF-8"
k_timeout_s=120

scratch=$(mktemp -d "${TMPDIR:-/tmp}/shodo-golden-run.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# Helpers for cmd scripts, loaded by bash through BASH_ENV.
cat >"$scratch/helpers.bash" <<'EOF'
step() { printf '== %s\n' "$*"; printf '== %s\n' "$*" >&2; }
advance_clock() {
  local utc boot id
  IFS=, read -r utc boot id <<<"$SHODO_FAKE_CLOCK"
  export SHODO_FAKE_CLOCK="$((utc + $1 * 1000000000)),$((boot + $1 * 1000000000)),$id"
}
EOF

# Escapes a literal string for use in a sed -E pattern.
sed_literal() { printf '%s' "$1" | sed -e 's/[][\\.*^$/+?(){}|]/\\&/g'; }

# normalise TMPDIR < in > out
normalise() {
  local t1 t2
  t1=$(sed_literal "$1")
  t2=$(sed_literal "$(cd "$1" && pwd -P)")
  sed -E \
    -e "s/$t1/<TMP>/g" -e "s/$t2/<TMP>/g" \
    -e 's/\b[0-9]+\.[0-9]+\.[0-9]+ \(([0-9a-f]{7,40}|unknown)\)/<VERSION>/g' \
    -e 's/\b([0-9a-f]{4} ){7}[0-9a-f]{4}\b/<FPR>/g' \
    -e 's/\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b/<UUID>/g' \
    -e 's/\b[0-9a-f]{128}\b/<SIG>/g' \
    -e 's/\b[0-9a-f]{64}\b/<HASH>/g' \
    -e '/No\. [0-9]|[Hh]ash|[Hh]ead|ハッシュ|先頭/s/\b[0-9a-f]{16}\b/<H16>/g' \
    -e 's/\(([0-9a-f]{16})\)/(<H16>)/g' \
    -e 's/(件 \/ |entries \/ )[0-9a-f]{16}\b/\1<H16>/g' \
    -e 's/\bKIT-[0-9A-F]{8}\b/<KIT>/g'
}

# compare LABEL EXPECTED_FILE ACTUAL_FILE: diff -u, or (re)write under UPDATE_GOLDEN=1.
compare() {
  local label=$1 want=$2 got=$3
  if [[ $update == 1 ]]; then
    if ! cmp -s "$want" "$got"; then
      cp "$got" "$want"
      echo "  updated $label"
    fi
    return 0
  fi
  if [[ ! -f $want ]]; then
    echo "  missing expected/$label (run with UPDATE_GOLDEN=1 to create it, then read it)"
    return 1
  fi
  if ! cmp -s "$want" "$got"; then
    diff -u --label "expected/$label" --label "actual/$label" "$want" "$got" | sed 's/^/  /'
    return 1
  fi
  return 0
}

# run_case CASE_DIR → 0 pass, 1 fail
run_case() {
  local dir=$1 name tmp clock lang rc failed=0
  name=$(basename "$dir")
  if [[ ! -f $dir/cmd ]]; then
    echo "FAIL $name: no cmd file"
    return 1
  fi
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/shodo-golden.$name.XXXXXX")
  [[ -d $dir/in ]] && cp -a "$dir/in/." "$tmp/"
  clock=$k_default_clock
  [[ -f $dir/clock ]] && clock=$(<"$dir/clock")
  lang=$k_default_lang
  [[ -f $dir/lang ]] && lang=$(<"$dir/lang")

  local out="$scratch/$name"
  mkdir -p "$out"
  (cd "$tmp" && exec env -i \
    PATH=/usr/local/bin:/usr/bin:/bin HOME="$tmp" TZ=UTC LANG="$lang" \
    SHODO_BIN="$bin" SHODO_CASE_ROOT="$tmp/cases" SHODO_FAKE_CLOCK="$clock" \
    BASH_ENV="$scratch/helpers.bash" \
    timeout "$k_timeout_s" bash "$dir/cmd" </dev/null >"$out/stdout.raw" 2>"$out/stderr.raw")
  rc=$?

  local report="$out/report"
  : >"$report"
  if [[ $rc == 124 ]]; then
    echo "  cmd timed out after ${k_timeout_s}s" >>"$report"
    failed=1
  fi
  [[ $update == 1 ]] && mkdir -p "$dir/expected"
  for s in stdout stderr; do
    normalise "$tmp" <"$out/$s.raw" >"$out/$s"
    compare "$s" "$dir/expected/$s" "$out/$s" >>"$report" || failed=1
  done
  if [[ -f $dir/expected/files ]]; then
    local pattern
    while IFS= read -r pattern || [[ -n $pattern ]]; do
      [[ -z $pattern || $pattern == \#* ]] && continue
      if ! compgen -G "$tmp/$pattern" >/dev/null; then
        echo "  expected/files: nothing matches $pattern" >>"$report"
        failed=1
      fi
    done <"$dir/expected/files"
  fi
  local f rel
  for f in "$dir"/expected/file-*; do
    [[ -e $f ]] || continue
    rel=$(basename "$f")
    rel=${rel#file-}
    rel=${rel//__//}
    if [[ ! -f $tmp/$rel ]]; then
      echo "  $(basename "$f"): $rel was not created" >>"$report"
      failed=1
      continue
    fi
    normalise "$tmp" <"$tmp/$rel" >"$out/$(basename "$f")"
    compare "$(basename "$f")" "$f" "$out/$(basename "$f")" >>"$report" || failed=1
  done

  if [[ $failed == 0 ]]; then
    echo "ok   $name"
    cat "$report"
    rm -rf "$tmp"
    return 0
  fi
  mkdir -p "$tmp/.golden-actual"
  cp "$out"/stdout.raw "$out"/stderr.raw "$tmp/.golden-actual/"
  echo "FAIL $name"
  cat "$report"
  echo "  kept: $tmp (raw output in .golden-actual/)"
  return 1
}

for w in "$@"; do
  [[ -f $cases_dir/$w/cmd ]] || { echo "run_golden: no such case: $w" >&2; exit 2; }
done

total=0
failures=()
for dir in "$cases_dir"/*/; do
  dir=${dir%/}
  name=$(basename "$dir")
  if [[ $# -gt 0 ]]; then
    wanted=0
    for w in "$@"; do [[ $w == "$name" ]] && wanted=1; done
    [[ $wanted == 1 ]] || continue
  fi
  total=$((total + 1))
  run_case "$dir" || failures+=("$name")
done

echo "$total cases, ${#failures[@]} failed${failures[*]:+: ${failures[*]}}"
[[ $total -gt 0 && ${#failures[@]} -eq 0 ]]
