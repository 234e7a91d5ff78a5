#!/bin/sh
# test-group-commit.sh — group commit (server-group.c): writes that arrive
# together share one transaction and one durable commit, a refused write
# refuses only itself, a status beside a group counts committed writes
# alone (and the same as a walk of the store after a restart), kill -9 during group commits loses no
# acknowledged write and keeps every unacknowledged one whole or absent
# (an add with its participants; an anchor's move with its followers);
# a SIGTERM under the same load stops kcald promptly and loses nothing.
#   KCAL_GC_KILLS=20 sh tests/run.sh e2e/test-group-commit.sh   (more kills)
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
GC="$top/tests/e2e/groupcommit.py"
KILLS=${KCAL_GC_KILLS:-3}
WRITERS=${KCAL_GC_WRITERS:-20}
DB="$T/data/kcal.db"

start_daemon || exit 1
py_scenario "pipelined" "$PY" "$GC" "$KCAL_SOCKET" pipelined 50
py_scenario "concurrent" "$PY" "$GC" "$KCAL_SOCKET" concurrent 50
py_scenario "mixed" "$PY" "$GC" "$KCAL_SOCKET" mixed 30
py_scenario "snapshot" "$PY" "$GC" "$KCAL_SOCKET" snapshot 300
grep "^#" "$T/py.out"
py_scenario "tally" "$PY" "$GC" "$KCAL_SOCKET" tally "$T/tally.json"
stop_daemon
start_daemon || exit 1
py_scenario "tallycheck" "$PY" "$GC" "$KCAL_SOCKET" tallycheck "$T/tally.json"

# 50 concurrent `kcal add`s, each its own process.
i=0 pids=
while [ $i -lt 50 ]; do
	kcal add --uid "kc-$i" "Concurrent $i" --start 2026-08-01T10:00 \
	    >"$T/add-$i.out" 2>&1 &
	pids="$pids $!"
	i=$((i + 1))
done
# shellcheck disable=SC2086
wait $pids	# not kcald
n=$(kcal list --from 2026-08-01 --to 2026-08-02 --format json |
	jq '[.. | objects | .uid? | strings | select(startswith("kc-"))] |
	unique | length')
check_eq "50 concurrent kcal add all stored" 50 "$n"
bad=$(cat "$T"/add-*.out | grep -ci error)
check_eq "50 concurrent kcal add all acknowledged" 0 "$bad"
py_scenario "anchor" "$PY" "$GC" "$KCAL_SOCKET" anchor
stop_daemon

# SIGTERM while writers and a status pinger keep the group busy: kcald
# stops (within 20 s: stop_daemon fails a stop that hangs) and keeps every
# write it acknowledged.
STOPS=${KCAL_GC_STOPS:-3}
s=1
while [ $s -le "$STOPS" ]; do
	start_daemon >"$T/start.out" 2>&1 ||
		{ fail "stop $s: kcald did not start" "$(cat "$T/start.out")"; break; }
	w=1 logs= pids=
	while [ $w -le "$WRITERS" ]; do
		"$PY" "$GC" "$KCAL_SOCKET" writer "s$s-$w" "$T/s$s-$w.log" 2>/dev/null &
		logs="$logs $T/s$s-$w.log"
		pids="$pids $!"
		w=$((w + 1))
	done
	( while kcal status >/dev/null 2>&1; do :; done ) &
	pids="$pids $!"
	# shellcheck disable=SC2086
	wait_for 30 sh -c 'for f; do [ -s "$f" ] || exit 1; done' - $logs ||
		fail "stop $s: the writers did not all connect"
	sleep 0.5
	KCAL_STOP_SECS=20 stop_daemon
	# shellcheck disable=SC2086
	wait $pids
	start_daemon >"$T/start.out" 2>&1 ||
		{ fail "stop $s: kcald did not start again" "$(cat "$T/start.out")"; break; }
	# shellcheck disable=SC2086
	py_scenario "after stop $s" "$PY" "$GC" "$KCAL_SOCKET" verify $logs
	stop_daemon
	s=$((s + 1))
done

if have sqlite3; then integrity=1; else
	integrity=0
	skip "PRAGMA integrity_check after each kill: the sqlite3 CLI is not installed"
fi
seed=${KCAL_KILL_SEED:-$$}
echo "seed $seed (KCAL_KILL_SEED=$seed repeats this run)"
k=1
while [ $k -le $KILLS ]; do
	start_daemon >"$T/start.out" 2>&1 ||
		{ fail "kill $k: kcald did not start" "$(cat "$T/start.out")"; break; }
	w=1 logs= pids=
	while [ $w -le "$WRITERS" ]; do
		name="w$k-$w"
		[ $w -le 2 ] && name="mover$k-$w"
		"$PY" "$GC" "$KCAL_SOCKET" writer "$name" "$T/$name.log" 2>/dev/null &
		logs="$logs $T/$name.log"
		pids="$pids $!"
		w=$((w + 1))
	done
	# every writer connected first (20 pythons take a while to start)
	# shellcheck disable=SC2086
	wait_for 30 sh -c 'for f; do [ -s "$f" ] || exit 1; done' - $logs ||
		fail "kill $k: the writers did not all connect"
	d=$(awk -v s="$seed" -v n="$k" 'BEGIN { srand(s + n); printf "%.2f", 0.3 + rand() * 1.2 }')
	sleep "$d"
	kill9_daemon
	# shellcheck disable=SC2086
	wait $pids
	if [ $integrity -eq 1 ]; then
		ic=$(sqlite3 "$DB" 'PRAGMA integrity_check' 2>&1)
		check_eq "kill $k: integrity_check" ok "$ic"
	fi
	start_daemon >"$T/start.out" 2>&1 ||
		{ fail "kill $k: kcald did not start after the kill" "$(cat "$T/start.out")"; break; }
	echo "# kill $k after $d s with $WRITERS writers:"
	# shellcheck disable=SC2086
	py_scenario "verify $k" "$PY" "$GC" "$KCAL_SOCKET" verify $logs
	grep '^#' "$T/py.out"
	stop_daemon
	k=$((k + 1))
done

start_daemon || exit 1
check "kcald answers after the last kill" kcal status
stop_daemon

# A full disk (a 3 MB tmpfs, root only) under a group of pipelined adds.
MNT=
umount_all() { [ -n "$MNT" ] && umount "$MNT" 2>/dev/null; MNT=; }
trap 'umount_all; _cleanup' EXIT
mkdir -p "$T/full"
if mount -t tmpfs -o size=3m,mode=0700 tmpfs "$T/full" 2>/dev/null; then
	MNT="$T/full"
	start_daemon --data-dir "$T/full/data" || exit 1
	dd if=/dev/zero of="$T/full/fill" bs=64k 2>/dev/null
	py_scenario "heavy" "$PY" "$GC" "$KCAL_SOCKET" heavy 20 "$T/heavy.json"
	rm -f "$T/full/fill"
	py_scenario "heavycheck" "$PY" "$GC" "$KCAL_SOCKET" heavycheck "$T/heavy.json"
	check "space freed: writes work again" \
		kcal add "After the disk was freed" --start 2026-06-03T10:00
	stop_daemon
	if have sqlite3; then
		check_eq "the store is sound afterwards" ok \
			"$(sqlite3 "$T/full/data/kcal.db" 'PRAGMA integrity_check')"
	fi
	umount_all
else
	skip "full disk during a group: needs root to mount a small tmpfs"
fi
start_daemon || exit 1
done_testing
