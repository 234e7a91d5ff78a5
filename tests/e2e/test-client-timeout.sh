#!/bin/sh
# test-client-timeout.sh — kcal never hangs on a kcald that does not answer:
# --timeout SECONDS (default 10) bounds the connect (a full listen queue),
# the greeting and each reply, with one clear line and exit status 3; 0
# waits forever; watch waits for pushes without a bound.  The silent
# "daemons" are small Python listeners.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

# mute MODE SOCKET: a listener that never greets (accept), greets and never
# replies (greet), or never accepts at all with a full queue (full).
mute() {
	"$PY" - "$1" "$2" <<'PYEOF' &
import socket, sys, time
mode, path = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(0 if mode == "full" else 16)
held = []
if mode == "full":
    # Fill the queue so that one more connect() would wait.
    for _ in range(8):
        c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        c.setblocking(False)
        try:
            c.connect(path)
        except OSError:
            break
        held.append(c)
    open(path + ".ready", "w").close()
    time.sleep(60)
open(path + ".ready", "w").close()
while True:
    c, _ = s.accept()
    held.append(c)
    if mode == "greet":
        c.sendall(b'{"hello":"kcald","version":"0","protocol":1}\n')
PYEOF
	_mute_pid=$!
	_i=0
	while [ ! -e "$2.ready" ] && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
}

# timed DESC WANT_SECONDS_MAX CMD...: runs CMD, expects exit 3 and the
# message, in less than WANT_SECONDS_MAX.
timed() {
	_d=$1 _max=$2; shift 2
	_t0=$(date +%s%N)
	_o=$(timeout 30 "$@" 2>&1); _rc=$?
	_el=$((($(date +%s%N) - _t0) / 1000000))
	if [ "$_rc" -eq 3 ] && echo "$_o" | grep -q "kcald did not answer within" &&
	    [ "$_el" -lt $((_max * 1000)) ]; then
		pass "$_d ($_el ms)"
	else
		fail "$_d" "exit $_rc after $_el ms: $_o"
	fi
}

S1="$T/run/mute-accept.sock"
mute accept "$S1"; P1=$_mute_pid
timed "no greeting: --timeout 1 gives up in about a second" 5 \
	"$KCAL" --socket "$S1" --timeout 1 status
timed "the message names the socket" 5 "$KCAL" --timeout=1 --socket "$S1" list
_o=$("$KCAL" --socket "$S1" --timeout 1 status 2>&1)
check_eq "one line: what, how long, which socket" \
	"kcal: kcald did not answer within 1 s (socket $S1)" "$_o"
timed "the default is a bound too (10 s)" 20 "$KCAL" --socket "$S1" status

S2="$T/run/mute-greet.sock"
mute greet "$S2"; P2=$_mute_pid
timed "greeted, then no reply: gives up" 6 "$KCAL" --socket "$S2" --timeout 2 status
_o=$("$KCAL" --socket "$S2" --timeout 1 cancel abcdef123 2>&1)
check_eq "a request sent: the message says it may yet be carried out" \
	"kcal: kcald did not answer within 1 s (socket $S2); the request was sent, and kcald may still carry it out" "$_o"
timed "export keeps the bound when --timeout is given" 6 \
	"$KCAL" --socket "$S2" --timeout 2 export
timeout 4 "$KCAL" --socket "$S2" --timeout 0 status >/dev/null 2>&1
check_eq "--timeout 0 waits (killed by timeout(1) after 4 s)" 124 $?

S3="$T/run/mute-full.sock"
mute full "$S3"; P3=$_mute_pid
timed "a full listen queue: connect gives up" 6 "$KCAL" --socket "$S3" --timeout 2 status

check_rc "--timeout takes seconds" 2 "$KCAL" --timeout 2s status
check_rc "--timeout takes no negative" 2 "$KCAL" --timeout -1 status
check_match "--help lists --timeout" "--timeout SECONDS" "$("$KCAL" --help)"

# The real daemon: answers as usual; watch waits for pushes past the bound.
start_daemon || exit 1
check "status answers with --timeout 1" "$KCAL" --timeout 1 status
"$KCAL" --timeout 1 watch >"$T/watch.out" 2>&1 &
W=$!
sleep 3
if kill -0 $W 2>/dev/null; then pass "watch waits for pushes past --timeout"
else fail "watch waits for pushes past --timeout" "$(cat "$T/watch.out")"; fi
kill $W 2>/dev/null
kill $P1 $P2 $P3 2>/dev/null
done_testing
