#!/bin/sh
# test-conflict-diff.sh — the conflict check after every add (it keeps the
# rows that share a participant with the event written) against
# conflict_find over every row of the same window (the conflicts command),
# on random stores: tests/e2e/conflict_diff.py, with the seed printed.
# CONFLICT_DIFF_SEED replays one store.
. "$(dirname "$0")/lib.sh"

seeds=${CONFLICT_DIFF_SEED:-"$(od -An -N4 -tu4 /dev/urandom) 1 2"}
for seed in $seeds; do
	start_daemon || { fail "kcald starts"; break; }
	py_scenario "conflict_diff.py seed $seed" \
	    python3 "$top/tests/e2e/conflict_diff.py" "$KCAL_SOCKET" "$seed" 200
	sed -n 's/^seed /     seed /p' "$T/py.out"
	stop_daemon
	rm -rf "$T/data"
done
done_testing
