#!/usr/bin/env bash
# Self-test of tests/tools/powercut_fs: does the simulated power cut keep
# exactly what was fsync'ed (file data via fsync, names via fsync of the
# directory), and do the fault-injection knobs behave?
#
#   tests/crash/powercut_fs_selftest.sh [PATH_TO_powercut_fs]
#
# The tool: the argument, else $POWERCUT_FS, else $SHODO_BUILD_DIR/tests/powercut_fs
# (set by ctest), else it is compiled into a temp dir.
# Exit status: 0 all passed, 1 some check failed, 77 FUSE unavailable (skip).
# File operations go through python3 so every fsync is explicit.
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src="$here/../tools/powercut_fs.c"
BIN=${1:-${POWERCUT_FS:-}}
if [[ -z $BIN && -x ${SHODO_BUILD_DIR:-/nonexistent}/tests/powercut_fs ]]; then
    BIN=$SHODO_BUILD_DIR/tests/powercut_fs
fi

if [[ ! -w /dev/fuse ]] || ! command -v fusermount3 >/dev/null; then
    echo "SKIP: FUSE not available (/dev/fuse, fusermount3)"
    exit 77
fi

TMP=$(mktemp -d /tmp/powercut_selftest.XXXXXX)
B=$TMP/backing
M=$TMP/mnt
LOG=$TMP/powercut_fs.log
PID=
FAILS=0
KEEP_TMP=0 # set on failure: the log stays for inspection
mkdir -p "$M"

# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
    if mountpoint -q "$M" 2>/dev/null; then
        fusermount3 -u "$M" 2>/dev/null || umount -l "$M" 2>/dev/null
    fi
    if [[ -n $PID ]] && kill -0 "$PID" 2>/dev/null; then
        kill "$PID" 2>/dev/null
        wait "$PID" 2>/dev/null
    fi
    if [[ $KEEP_TMP -eq 0 ]] && ! mountpoint -q "$M" 2>/dev/null; then
        rm -rf "$TMP"
    fi
}
trap cleanup EXIT

if [[ -z $BIN ]]; then
    BIN=$TMP/powercut_fs
    # shellcheck disable=SC2046
    gcc -std=c11 -Wall -Wextra -Werror -O2 -o "$BIN" "$src" $(pkg-config --cflags --libs fuse3) \
        || { echo "FAIL: cannot build $src"; exit 1; }
fi

fail() { echo "  FAIL: $*"; FAILS=$((FAILS + 1)); }
pass() { echo "  ok: $*"; }

# start_fs [VAR=value ...] — mount $B on $M in the background, with env.
start_fs() {
    env "$@" "$BIN" "$B" "$M" -f 2>>"$LOG" &
    PID=$!
    for _ in $(seq 200); do
        mountpoint -q "$M" && return 0
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.05
    done
    echo "FATAL: powercut_fs did not mount within 10 s; log:"; cat "$LOG"
    KEEP_TMP=1
    exit 1
}

# wait_exit — the cut is complete once the process is gone (BACKING_DIR written).
wait_exit() {
    local rc
    for _ in $(seq 200); do
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.05
    done
    if kill -0 "$PID" 2>/dev/null; then
        fail "powercut_fs still running 10 s after the cut"
        kill "$PID"; wait "$PID"; PID=; return 1
    fi
    wait "$PID"; rc=$?; PID=
    [[ $rc -eq 0 ]] || fail "powercut_fs exited with status $rc"
    mountpoint -q "$M" && fail "$M still mounted after the cut"
    return 0
}

cut() { echo 1 >"$M/.powercut"; wait_exit; }

# new_case NAME — empty durable state.
new_case() { echo "== $1"; rm -rf "$B"; mkdir -p "$B"; }

PRELUDE='
import os, sys
M = os.environ["M"]
def p(name): return os.path.join(M, name)
def write(name, data, flags=os.O_WRONLY | os.O_CREAT | os.O_TRUNC, sync=False):
    fd = os.open(p(name), flags, 0o644)
    os.write(fd, data.encode())
    if sync: os.fsync(fd)
    os.close(fd)
def append(name, data, sync=False):
    write(name, data, os.O_WRONLY | os.O_CREAT | os.O_APPEND, sync)
def fsync_dir(name="."):
    fd = os.open(p(name), os.O_RDONLY | os.O_DIRECTORY)
    os.fsync(fd)
    os.close(fd)
'
# The system interpreter unless $PYTHON says otherwise: a pyenv shim costs ~1 s a call.
if [[ -z ${PYTHON:-} ]]; then
    PYTHON=python3
    [[ -x /usr/bin/python3 ]] && PYTHON=/usr/bin/python3
fi
py() { M=$M "$PYTHON" -c "$PRELUDE"$'\n'"$1"; }

# expect_content NAME CONTENT — checked through a fresh mount of the backing dir.
expect_content() {
    if [[ ! -f $M/$1 ]]; then fail "$1 absent, expected '${2//$'\n'/\\n}'"; return; fi
    local got; got=$(cat "$M/$1"; echo x); got=${got%x}
    if [[ $got == "$2" ]]; then pass "$1 = '${2//$'\n'/\\n}'"
    else fail "$1 = '${got//$'\n'/\\n}', expected '${2//$'\n'/\\n}'"; fi
}
expect_absent() {
    if [[ -e $M/$1 ]]; then fail "$1 exists, expected absent"; else pass "$1 absent"; fi
}

# ---------------------------------------------------------------------------
new_case "1. write + fsync + fsync dir survives"
start_fs
py 'write("a", "hello\n", sync=True); fsync_dir()'
cut; start_fs
expect_content a $'hello\n'
cut

new_case "2. unsynced data is dropped"
printf 'old\n' >"$B/existing"
start_fs
py '
write("entry_only", "data not synced\n")       # name committed, data not
fsync_dir()
write("nothing", "never synced\n")             # no fsync at all
write("existing", "overwritten, not synced\n") # O_TRUNC + write, no fsync
'
cut; start_fs
expect_absent nothing
expect_content entry_only ""
expect_content existing $'old\n'
cut

new_case "3. fsync'ed file in a never-fsync'ed directory is lost"
start_fs
py 'write("f", "synced data\n", sync=True)'
cut; start_fs
expect_absent f
cut

new_case "4. atomic replace needs the directory fsync"
printf 'old\n' >"$B/cfg"
start_fs
py 'write("cfg.tmp", "new\n", sync=True); os.rename(p("cfg.tmp"), p("cfg")); fsync_dir()'
cut; start_fs
expect_content cfg $'new\n'
expect_absent cfg.tmp
py 'write("cfg.tmp", "newer\n", sync=True); os.rename(p("cfg.tmp"), p("cfg"))'
expect_content cfg $'newer\n'   # visible before the cut...
cut; start_fs
expect_content cfg $'new\n'     # ...but not durable
expect_absent cfg.tmp
cut

new_case "5. append log: fsync'ed lines survive, the unsynced one does not"
start_fs
py '
append("log", "line1\n", sync=True); fsync_dir()
append("log", "line2\n", sync=True)
append("log", "line3\n", sync=True)
append("log", "line4\n")
'
cut; start_fs
expect_content log $'line1\nline2\nline3\n'
cut

new_case "6. POWERCUT_FAIL_FSYNC_AFTER=1: second fsync fails with EIO, data not saved"
start_fs POWERCUT_FAIL_FSYNC_AFTER=1
out=$(py '
import errno
write("f", "one\n", sync=True)          # fsync #1 ok
try:
    append("f", "two\n", sync=True)     # fsync #2 -> EIO
    print("no error")
except OSError as e:
    print("errno", e.errno)
fsync_dir()                             # fsync #3 ok again
' 2>&1)
if [[ $out == "errno 5" ]]; then pass "fsync raised OSError errno 5"; else fail "fsync #2: got '$out'"; fi
cut; start_fs
expect_content f $'one\n'
cut

new_case "7. SIGUSR1 cuts power too"
start_fs
py 'write("kept", "k\n", sync=True); fsync_dir(); write("lost", "l\n")'
kill -USR1 "$PID"; wait_exit; start_fs
expect_content kept $'k\n'
expect_absent lost
cut

new_case "8. unlink and mkdir are durable only after the parent's fsync"
printf 'x\n' >"$B/gone"; printf 'y\n' >"$B/back"
start_fs
py '
os.unlink(p("gone")); fsync_dir()
os.unlink(p("back"))                    # not committed
os.mkdir(p("d")); write("d/f", "in d\n", sync=True); fsync_dir("d")  # root not fsynced
'
cut; start_fs
expect_absent gone
expect_content back $'y\n'
expect_absent d
py 'os.mkdir(p("d")); write("d/f", "in d\n", sync=True); fsync_dir("d"); fsync_dir()'
cut; start_fs
expect_content d/f $'in d\n'
cut

new_case "9. POWERCUT_CUT_AFTER_WRITES=3 + POWERCUT_TEAR=1"
# Writes 1-2 are fsync'ed; write 3 is torn and the power is cut.
logger='
try:
    append("log", "", sync=True); fsync_dir()
    for i in range(1, 6):
        append("log", "line-%d-abcdef\n" % i, sync=True)
except OSError:
    pass                                # the cut: the FS is gone
'
start_fs POWERCUT_CUT_AFTER_WRITES=3 POWERCUT_TEAR=1
py "$logger"; wait_exit; start_fs
expect_content log $'line-1-abcdef\nline-2-abcdef\n'
cut
echo "   ... with POWERCUT_KEEP_UNSYNCED_PREFIX=all the torn half-line survives"
rm -rf "$B"; mkdir -p "$B"
start_fs POWERCUT_CUT_AFTER_WRITES=3 POWERCUT_TEAR=1 POWERCUT_KEEP_UNSYNCED_PREFIX=all
py "$logger"; wait_exit; start_fs
expect_content log $'line-1-abcdef\nline-2-abcdef\nline-3-'
cut

new_case "10. POWERCUT_KEEP_UNSYNCED_PREFIX=1 keeps a prefix of the unsynced tail"
durable=$'synced\n'
full=$'synced\nunsynced-1\nunsynced-2\n'
for seed in 1 2 3 4 5 6; do
    rm -rf "$B"; mkdir -p "$B"
    start_fs POWERCUT_KEEP_UNSYNCED_PREFIX=1 POWERCUT_SEED=$seed
    py 'append("log", "synced\n", sync=True); fsync_dir(); append("log", "unsynced-1\nunsynced-2\n")'
    cut
    got=$(cat "$B/log" 2>/dev/null; echo x); got=${got%x}
    if [[ $full == "$got"* && $got == "$durable"* ]]; then
        pass "seed $seed: kept ${#got} of ${#full} bytes"
    else
        fail "seed $seed: '$got' is not between the durable content and the full file"
    fi
done

new_case "11. POWERCUT_CUT_AFTER_OPS sweep: atomic replace is all-or-nothing"
# create, write, fsync, rename, fsyncdir = 5 state-changing requests.
for n in 1 2 3 4 5 6; do
    rm -rf "$B"; mkdir -p "$B"; printf 'old\n' >"$B/cfg"
    start_fs POWERCUT_CUT_AFTER_OPS=$n
    py '
try:
    write("cfg.tmp", "new\n", sync=True); os.rename(p("cfg.tmp"), p("cfg")); fsync_dir()
except OSError:
    pass
'
    if [[ $n -eq 6 ]]; then cut; else wait_exit; fi
    got=$(cat "$B/cfg" 2>/dev/null)
    want=old; [[ $n -ge 5 ]] && want=new
    if [[ $got == "$want" && ! -e $B/cfg.tmp ]]; then pass "cut after op $n: cfg=$got"
    else fail "cut after op $n: cfg='$got' (want $want), cfg.tmp $( [[ -e $B/cfg.tmp ]] && echo present || echo absent)"; fi
done

echo
if [[ $FAILS -eq 0 ]]; then
    echo "powercut_fs self-test: all checks passed"
    exit 0
fi
echo "powercut_fs self-test: $FAILS check(s) FAILED; powercut_fs log: $LOG"
KEEP_TMP=1
exit 1
