#!/bin/sh
# test-import-busy.sh — a streamed import makes the busy rows of the events
# it adds at its end, in one sorted insert (store-busy.c, store_busy_fill);
# every other write keeps them row by row.  Two stores get the same events
# added, then two files imported: one by kcal import (streamed), one by
# the one-request "import" (row by row).  busy and series_overridden must
# be the same in both, and what the events and participants say, and the
# conflicts of adds after the imports (which the check finds through busy)
# the same: tests/e2e/import_busy.py, whose files the seed picks (printed;
# IMPORT_BUSY_SEED replays one).
. "$(dirname "$0")/lib.sh"

have python3 || { skip "python3 is not installed"; done_testing; exit; }
seed=${IMPORT_BUSY_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
echo "     seed $seed"
py=$top/tests/e2e/import_busy.py
check "the files are made" python3 "$py" gen "$seed" "$T"

for how in streamed whole; do
	start_daemon || { fail "kcald starts"; break; }
	check "$how: the events before the imports added" \
	    python3 "$py" pre "$KCAL_SOCKET" "$T"
	for f in one two; do
		if [ $how = streamed ]; then
			check "$how: $f.ics imported" kcal import --tz UTC "$T/$f.ics"
		else
			check "$how: $f.ics imported" \
			    python3 "$py" whole "$KCAL_SOCKET" "$T/$f.ics"
		fi
	done
	kcal status --json 2>/dev/null | jq -r .result.events >"$T/$how.n"
	check "$how: adds after the imports report what conflicts finds" \
	    python3 "$py" adds "$KCAL_SOCKET" "$seed" "$T/$how.adds"
	stop_daemon
	mv "$T/data" "$T/$how"
done
check_eq "as many events either way" "$(cat "$T/whole.n")" \
    "$(cat "$T/streamed.n")"
py_scenario "import_busy.py compare" python3 "$py" compare \
    "$T/streamed/kcal.db" "$T/whole/kcal.db" "$T/streamed.adds" "$T/whole.adds"
done_testing
