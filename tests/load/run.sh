#!/bin/sh
# tests/load/run.sh — make load: start a private kcald (temporary socket,
# store and loopback HTTP port), seed it with a few hundred events, run
# load.py against it (LOAD_CLIENTS, default 200, for LOAD_SECONDS, default
# 20; LOAD_PROCS generator processes, default one per CPU up to 4), then
# stop it and check it exited cleanly.  Exit 0 only when no
# request failed and every acknowledged write was found in the store.
top=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$top/$BUILD" ;; esac
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
CLIENTS=${LOAD_CLIENTS:-200}
SECONDS_=${LOAD_SECONDS:-20}
T=$(mktemp -d "${TMPDIR:-/tmp}/kcal-load.XXXXXX")
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$T"' EXIT
export KCAL_SOCKET="$T/kcald.sock" HOME="$T" XDG_CONFIG_HOME="$T/config"
port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# 200 clients plus the verifier need more than the default max_clients
# headroom only if raised; the default (256) is enough.
"$BUILD/kcald" --socket "$KCAL_SOCKET" --data-dir "$T/data" \
	--home-tz Asia/Seoul --http "127.0.0.1:$port" --log-level warn \
	>"$T/kcald.out" 2>&1 &
pid=$!
i=0
until "$BUILD/kcal" status >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -lt 100 ] && kill -0 "$pid" 2>/dev/null ||
		{ echo "kcald did not start:"; cat "$T/kcald.out"; exit 1; }
	sleep 0.1
done
"$PY" "$top/tests/load/load.py" --socket "$KCAL_SOCKET" --seconds 1 \
	--clients 10 >/dev/null 2>&1	# seed the store a little
"$PY" "$top/tests/load/load.py" --socket "$KCAL_SOCKET" \
	--http "127.0.0.1:$port" --clients "$CLIENTS" --seconds "$SECONDS_" \
	--pid "$pid" ${LOAD_PROCS:+--procs "$LOAD_PROCS"} \
	${LOAD_JSON:+--json "$LOAD_JSON"}
rc=$?
echo "kcald peak memory: $(awk '/VmHWM/ { print $2, $3 }' "/proc/$pid/status")"
kill -TERM "$pid"
wait "$pid"
drc=$?
pid=
if [ $drc -ne 0 ]; then
	echo "kcald exited with status $drc:"; tail -n 20 "$T/kcald.out"
	rc=1
fi
if grep -q '\[warn\]\|\[error\]' "$T/kcald.out"; then
	echo "kcald warned during the run:"; grep '\[warn\]\|\[error\]' "$T/kcald.out" | head
fi
exit $rc
