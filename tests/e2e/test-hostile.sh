#!/bin/sh
# test-hostile.sh — the adversarial suite: hostile input for every protocol
# command and for the HTTP listener (tests/e2e/hostile.py has the list)
# while a bystander runs `kcal status` in a loop.  It fails if the
# bystander ever waits more than 3 s or is not answered, if kcald's RSS
# passes 200 MB, or if kcald dies; it prints the worst wait and the peak.
# kcald runs with 256 descriptors (prlimit), so that an HTTP listener
# without a cap of its own would starve the socket.
#   KCAL_HOSTILE_SEED=N    repeat a run's random choices
#   KCAL_HOSTILE_ONLY=a,b  run only some scenarios (see hostile.py)
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
seed=${KCAL_HOSTILE_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
echo "seed $seed"

port=$(free_port)
cat >"$T/kcald.conf" <<CONF
http_header_timeout = 2
http_body_timeout = 2
http_max_connections = 64
max_output_total = 16M
max_line = 8M
CONF
# (max_line 8M: the list scenarios' big event has a description of MBs)
max_wait=3 max_rss=200 idle_rss=120
if [ -n "$KCAL_SANITIZED" ] || [ -n "$KCALD_WRAPPER" ]; then
	# ASan keeps freed memory in quarantine; valgrind is slow.
	max_wait=15 max_rss=1500 idle_rss=1500
fi
if have prlimit; then
	KCALD_WRAPPER="prlimit --nofile=256:256 $KCALD_WRAPPER"
else
	skip "prlimit not installed: kcald keeps its own descriptor limit"
fi
start_daemon --config "$T/kcald.conf" --http "127.0.0.1:$port" || exit 1

"$PY" "$top/tests/e2e/hostile.py" --socket "$KCAL_SOCKET" --pid "$KCALD_PID" \
	--port "$port" --kcal "$KCAL" --top "$top" --seed "$seed" \
	--max-wait "$max_wait" --max-rss "$max_rss" --max-idle-rss "$idle_rss" \
	--max-line 8388608 --http-cap 64 --header-timeout 2 --body-timeout 2 \
	${KCAL_HOSTILE_ONLY:+--only "$KCAL_HOSTILE_ONLY"} >"$T/hostile.out" 2>&1
rc=$?
while IFS= read -r l; do
	case $l in
	"ok   "*) pass "${l#ok   }" ;;
	"FAIL "*) fail "${l#FAIL }" ;;
	"#    "*) echo "$l" ;;
	esac
done <"$T/hostile.out"
if grep -q '^Traceback' "$T/hostile.out"; then
	fail "hostile.py crashed" "$(tail -n 20 "$T/hostile.out")"
elif [ $rc -ne 0 ] && ! grep -q '^FAIL' "$T/hostile.out"; then
	fail "hostile.py: exit $rc" "$(tail -n 20 "$T/hostile.out")"
fi
if kill -0 "$KCALD_PID" 2>/dev/null; then
	check "kcald answers after the suite" kcal status
else
	fail "kcald died" "$(tail -n 30 "$T/kcald.out")"
	KCALD_PID=
fi
done_testing
