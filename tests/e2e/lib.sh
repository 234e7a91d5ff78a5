# tests/e2e/lib.sh — shared by the end-to-end scripts (sourced, POSIX sh).
#
# Each script starts the real kcald on a private socket, data dir and (when
# it needs one) HTTP port under a fresh temporary directory, drives it with
# the real kcal, and prints "N passed, N failed, N skipped" at the end.
# HOME and the XDG variables point into the temporary directory, so a test
# can never touch the user's real socket or data.

top=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$top/$BUILD" ;; esac
KCAL="$BUILD/kcal"
KCALD="$BUILD/kcald"
DATA="$top/tests/data"
SHARED="$top/../shared"
# validate-feed builds its node consumer once, outside the throw-away HOME.
export VALIDATE_FEED_CACHE="${VALIDATE_FEED_CACHE:-$BUILD/validate-feed-cache}"

T=$(mktemp -d "${TMPDIR:-/tmp}/kcal-test.XXXXXX")
export HOME="$T/home" XDG_RUNTIME_DIR="$T/run" XDG_DATA_HOME="$T/data" \
	XDG_CONFIG_HOME="$T/config" XDG_CACHE_HOME="$T/cache"
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" "$XDG_CONFIG_HOME/kcal"
chmod 700 "$XDG_RUNTIME_DIR"
export KCAL_SOCKET="$T/run/kcald.sock"
export TZ=Asia/Seoul NO_COLOR=1 LC_ALL=C.UTF-8
unset KCAL_HOME_TZ
KCALD_PID=
_passed=0 _failed=0 _skipped=0

_cleanup() {
	[ -n "$KCALD_PID" ] && kill -9 "$KCALD_PID" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$T"
}
trap _cleanup EXIT
trap 'exit 1' INT TERM

pass() { _passed=$((_passed + 1)); echo "ok   $1"; }
fail() { _failed=$((_failed + 1)); echo "FAIL $1"; [ -n "$2" ] && printf '%s\n' "$2" | sed 's/^/     /'; return 0; }
skip() { _skipped=$((_skipped + 1)); echo "SKIP $1"; }

# check DESC CMD...: passes when CMD exits 0.
check() {
	_d=$1; shift
	if _o=$("$@" 2>&1); then pass "$_d"; else fail "$_d" "$_o"; fi
}

# check_rc DESC RC CMD...: passes when CMD exits with status RC.
check_rc() {
	_d=$1 _want=$2; shift 2
	_o=$("$@" 2>&1); _rc=$?
	if [ "$_rc" -eq "$_want" ]; then pass "$_d"; else
		fail "$_d" "exit $_rc, want $_want: $_o"; fi
}

# check_eq DESC WANT GOT
check_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else
		fail "$1" "want: $2
got:  $3"; fi
}

# check_match DESC REGEX TEXT (grep -E)
check_match() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then pass "$1"; else
		fail "$1" "no match for /$2/ in:
$3"; fi
}

kcal() { "$KCAL" "$@"; }

# start_daemon [kcald options...]: start and wait until it answers.
# $KCALD_WRAPPER, if set, runs kcald under a tool (make test-valgrind).
start_daemon() {
	$KCALD_WRAPPER "$KCALD" --socket "$KCAL_SOCKET" --data-dir "$T/data" \
		--home-tz Asia/Seoul --log-level debug "$@" \
		>>"$T/kcald.out" 2>&1 &
	KCALD_PID=$!
	_i=0 _max=100
	[ -n "$KCALD_WRAPPER" ] && _max=600	# valgrind starts slowly
	while [ $_i -lt $_max ]; do
		"$KCAL" status >/dev/null 2>&1 && return 0
		kill -0 "$KCALD_PID" 2>/dev/null || break
		sleep 0.1; _i=$((_i + 1))
	done
	echo "kcald did not start:"; cat "$T/kcald.out"
	return 1
}

# stop_daemon: SIGTERM and wait, at most KCAL_STOP_SECS (default 60)
# seconds; fails the test if it crashed, a sanitizer reported anything,
# or it was still running then (it is killed, so that one hang fails one
# check rather than the whole file's time limit; the threads' stacks are
# printed when gdb is there).  A child that has exited answers kill -0
# until it is waited for, hence the look at its state.
stop_daemon() {
	[ -n "$KCALD_PID" ] || return 0
	_lim=${KCAL_STOP_SECS:-60}
	kill -TERM "$KCALD_PID" 2>/dev/null
	# The loop decides, not a second look: while its threads exit, the
	# process can show as a zombie and then, for a moment, not.
	_i=0 _hung=1
	while [ $_i -lt $((_lim * 10)) ]; do
		running "$KCALD_PID" || { _hung=0; break; }
		sleep 0.1
		_i=$((_i + 1))
	done
	if [ $_hung -eq 1 ]; then
		_st=
		have gdb && _st=$(gdb -p "$KCALD_PID" -batch \
		    -ex 'thread apply all bt' 2>&1 | grep '^#')
		kill -9 "$KCALD_PID"
		wait "$KCALD_PID" 2>/dev/null
		KCALD_PID=
		fail "kcald stopped within $_lim s of SIGTERM" \
		    "$(tail -n 20 "$T/kcald.out"; echo "$_st")"
		return
	fi
	wait "$KCALD_PID"; _rc=$?
	KCALD_PID=
	if [ "$_rc" -ne 0 ] || grep -Eq 'Sanitizer|runtime error' "$T/kcald.out"; then
		fail "kcald exited cleanly (status $_rc)" "$(tail -n 40 "$T/kcald.out")"
	fi
}

# running PID: the process is there and has not exited.
running() {
	[ -e "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

# offloop_setup CONF: for the tests of work done off kcald's loop.  Sets N,
# the store's size (KCAL_OFFLOOP_EVENTS, default 20000, big enough that
# the work takes noticeably long; 300 under a sanitizer, where races count,
# not time), and writes CONF lifting the import and output limits; returns
# 1 after a SKIP when python3 is missing.
offloop_setup() {
	N=${KCAL_OFFLOOP_EVENTS:-20000}
	[ -n "$KCAL_SANITIZED" ] && N=${KCAL_OFFLOOP_EVENTS:-300}
	have python3 || { skip "python3 is not installed"; return 1; }
	cat >"$1" <<EOC
max_line = 1073741824
max_import_size = 1073741824
max_import_events = 10000000
max_output = 1073741824
EOC
}

# offloop_import PREFIX [gen-events.py options]: N generated events, UIDs
# PREFIX1... to PREFIX4..., in four imports (one of 20,000 can outlast
# kcald's patience with a client that takes no reply on a loaded machine).
offloop_import() {
	_pre=$1; shift
	for _part in 1 2 3 4; do
		python3 "$top/tests/bench/gen-events.py" $((N / 4)) "$@" \
		    --seed "$_part" --uid-prefix "$_pre$_part" -o "$T/big$_part.ics"
		check "$((N / 4)) generated events imported ($_part of 4)" \
			kcal import "$T/big$_part.ics"
	done
}

# kill9_daemon: simulate a crash.
kill9_daemon() {
	[ -n "$KCALD_PID" ] && kill -9 "$KCALD_PID" 2>/dev/null
	wait "$KCALD_PID" 2>/dev/null
	KCALD_PID=
}

# free_port: an unused TCP port on 127.0.0.1.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# py_scenario LABEL CMD...: run a python scenario that prints "ok   DESC"
# and "FAIL DESC" lines and count them; a traceback, or an exit status
# that no FAIL line explains, fails too (LABEL names the scenario).
py_scenario() {
	_lbl=$1; shift
	"$@" >"$T/py.out" 2>&1
	_prc=$?
	while IFS= read -r _l; do
		case $_l in
		"ok   "*) pass "${_l#ok   }" ;;
		"FAIL "*) fail "${_l#FAIL }" ;;
		esac
	done <"$T/py.out"
	grep -q '^Traceback' "$T/py.out" &&
		fail "$_lbl crashed" "$(tail -n 15 "$T/py.out")"
	[ $_prc -eq 0 ] || grep -q '^FAIL' "$T/py.out" ||
		fail "$_lbl: exit $_prc" "$(tail -n 15 "$T/py.out")"
}

# reminder_hook LOGLINE: write $T/hook.sh, a notify_cmd that appends
# LOGLINE (its own shell expands the $KCAL_* in it) to $T/hook.log, which
# starts empty; a summary "Hang..." makes it hang (its sleep's pid in
# $T/hang.pid), "Fail..." makes it fail.  $T/bin is made for stand-ins.
reminder_hook() {
	mkdir -p "$T/bin"
	cat >"$T/hook.sh" <<EOF
#!/bin/sh
case "\$KCAL_SUMMARY" in
Hang*)	sleep 1000 & echo \$! >"$T/hang.pid"; wait; exit 0 ;;
Fail*)	echo "failing on purpose" >&2; exit 3 ;;
esac
echo "$1" >>"$T/hook.log"
EOF
	chmod +x "$T/hook.sh"
	: >"$T/hook.log"
}

# slowsync_setup LABEL: $SO, the slow-disk library (slowsync.c) to
# preload into kcald, and $PY; or a visible SKIP and the test's end when
# it is not built or kcald runs under a wrapper (which the preload would
# slow instead).  The sanitizers' runtimes want to come first; the
# library has none.
slowsync_setup() {
	SO="$BUILD/tests/slowsync.so"
	PY=/usr/bin/python3
	[ -x "$PY" ] || PY=python3
	if [ ! -f "$SO" ]; then
		skip "$1: $SO not built (make tests)"
		done_testing; exit
	fi
	if [ -n "$KCALD_WRAPPER" ]; then
		skip "$1: kcald runs under $KCALD_WRAPPER"
		done_testing; exit
	fi
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
}

# py_skips: the SKIP lines of the last py_scenario, each a visible skip.
py_skips() {
	grep '^SKIP ' "$T/py.out" >"$T/skips"
	while IFS= read -r _l; do skip "${_l#SKIP }"; done <"$T/skips"
}

# have TOOL: is it installed?  (Use skip, never pass, when it is not.)
have() { command -v "$1" >/dev/null 2>&1; }

# wait_for SECONDS CMD...: poll (0.2 s) until CMD succeeds.
wait_for() {
	_n=$(($1 * 5)); shift
	while [ "$_n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2; _n=$((_n - 1))
	done
	return 1
}

# lines PATTERN FILE: how many lines of FILE hold PATTERN (grep -F; nothing
# when FILE is not there yet); has N PATTERN FILE: at least N of them (false
# while FILE is not there).
lines() { grep -cF -- "$1" "$2" 2>/dev/null || true; }
has() { [ "$(lines "$2" "$3")" -ge "$1" ]; }

# jget JSON FILTER: a field with jq (jq is a test dependency).
jget() { printf '%s\n' "$1" | jq -r "$2"; }

done_testing() {
	stop_daemon
	echo "$_passed passed, $_failed failed, $_skipped skipped"
	[ "$_failed" -eq 0 ]
}

# sql QUERY: run QUERY on the store $DB (python3's sqlite3, no sqlite3
# tool needed), each row's first column on a line of its own.
sql() {
	python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=10)
for r in db.execute(sys.argv[2]): print(r[0])
db.commit()' "$DB" "$1"
}
