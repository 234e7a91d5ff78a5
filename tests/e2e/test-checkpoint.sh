#!/bin/sh
# test-checkpoint.sh — the WAL's checkpoints run on kcald's checkpoint
# thread (daemon/store-ckpt.c), not in the loop's commits: under writes
# that do not stop, the database file is written while kcald runs (in WAL
# mode only a checkpoint writes it) and the WAL stays bounded; every write
# acknowledged is there after a restart, and kill -9 while the writers
# and the checkpoints run loses none of them.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
GC="$top/tests/e2e/groupcommit.py"
DB="$T/data/kcal.db"
WRITERS=${KCAL_CKPT_WRITERS:-8}
SECS=${KCAL_CKPT_SECS:-8}
MAX_WAL=$((24 * 1024 * 1024))	# store-ckpt.c: writes wait for a checkpoint at 4,000 pages of 4 kB

wal_size() { stat -c %s "$DB-wal" 2>/dev/null || echo 0; }

# run_writers ROUND: WRITERS writers for SECS seconds, the WAL's size
# sampled meanwhile (its largest in $T/walmax); they stop once kcald does.
run_writers() {
	w=1 logs= pids=
	while [ $w -le "$WRITERS" ]; do
		"$PY" "$GC" "$KCAL_SOCKET" writer "$1-$w" "$T/$1-$w.log" \
		    2>/dev/null &
		logs="$logs $T/$1-$w.log"
		pids="$pids $!"
		w=$((w + 1))
	done
	max=0 i=0
	while [ $i -lt $((SECS * 10)) ]; do
		s=$(wal_size)
		[ "$s" -gt "$max" ] && max=$s
		sleep 0.1
		i=$((i + 1))
	done
	echo "$max" >"$T/walmax"
}

start_daemon || exit 1
py_scenario "anchor" "$PY" "$GC" "$KCAL_SOCKET" anchor
sum0=$(md5sum <"$DB")
run_writers c
sum1=$(md5sum <"$DB")	# kcald still runs: no checkpoint at close yet
acked=$(cat $logs | grep -c '^acked')
echo "# $acked adds acknowledged, the WAL at most $(cat "$T/walmax") bytes"
check "writes were acknowledged" test "$acked" -gt 100
check "the database file was checkpointed into while kcald ran" \
    test "$sum0" != "$sum1"
check "the WAL stayed under $MAX_WAL bytes" test "$(cat "$T/walmax")" -lt "$MAX_WAL"
check "the checkpoint thread ran, and failed no checkpoint" sh -c "! grep -Eq \
    'checkpoint:|journal_size_limit:|checkpoints run on the loop' '$T/kcald.out'"
stop_daemon
# shellcheck disable=SC2086
wait $pids
start_daemon || exit 1
# shellcheck disable=SC2086
py_scenario "after a restart" "$PY" "$GC" "$KCAL_SOCKET" verify $logs

# kill -9 while the writers run and the thread checkpoints.
run_writers k &
sleep $((SECS / 2))
kill -9 "$KCALD_PID"
wait "$KCALD_PID" 2>/dev/null
KCALD_PID=
wait
start_daemon || exit 1
if have sqlite3; then
	check_eq "integrity after kill -9" ok \
	    "$(sqlite3 "$DB" 'PRAGMA integrity_check' 2>&1)"
fi
# shellcheck disable=SC2086
py_scenario "after kill -9" "$PY" "$GC" "$KCAL_SOCKET" verify $T/k-*.log
stop_daemon
done_testing
