#!/bin/sh
# test-load.sh — a 3-second smoke run of the load client (tests/load/):
# 200 concurrent clients with mixed reads and writes, feed polling when
# kcald serves HTTP; no request may fail and every acknowledged write must
# be in the store afterwards.  `make load` is the 20-second run.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
PORT=$(free_port)
start_daemon --http "127.0.0.1:$PORT" --log-level info || exit 1
http="--http 127.0.0.1:$PORT"
out=$("$PY" "$top/tests/load/load.py" --socket "$KCAL_SOCKET" $http \
	--clients 200 --seconds "${KCAL_LOAD_SECONDS:-3}" --json "$T/load.json" 2>&1)
rc=$?
printf '%s\n' "$out"
check_eq "load: the client's verdict (exit 0)" 0 "$rc"
check_eq "no request failed" 0 "$(jq .failed "$T/load.json" 2>/dev/null)"
check_eq "every acknowledged write is in the store" 0 \
	"$(jq .missing "$T/load.json" 2>/dev/null)"
n=$(jq .acked "$T/load.json" 2>/dev/null)
check "writes were acknowledged under load ($n)" test "${n:-0}" -gt 0
[ -n "$http" ] && check "the feed was polled" \
	test "$(jq '.latency_ms.feed.p50 != null' "$T/load.json")" = true
check "the daemon still answers" kcal status
done_testing
