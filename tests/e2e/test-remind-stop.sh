#!/bin/sh
# test-remind-stop.sh — SIGTERM as a burst of reminders falls due: what
# the burst recorded and had not delivered yet is sent to the watchers
# before kcald stops (remind_stop), a watcher that reconnects after the
# restart is replayed the rest, and each reminder of the burst reaches it
# exactly once, wherever in the burst the signal landed.  The burst is
# more than one watch reply replays (cmd-watch.c's REPLAY_MAX, 1,000): what
# is left after the restart may take pages (test-remind-replay.sh).
# The lead before the burst is generous; a machine too slow to import it
# in time skips.
. "$(dirname "$0")/lib.sh"

have python3 || { skip "python3 is not installed"; done_testing; exit; }
N=${KCAL_STOP_BURST:-1500}
[ -n "$KCAL_SANITIZED" ] && N=${KCAL_STOP_BURST:-300}
W=''
trap 'kill $W 2>/dev/null; _cleanup' EXIT
cat >"$T/kcald.conf" <<EOC
max_import_events = 1000000
max_line = 1073741824
max_import_size = 1073741824
EOC
start_daemon --config "$T/kcald.conf" || exit 1
"$KCAL" watch --format json >"$T/w" 2>"$T/w.err" & W=$!
wait_for 10 grep -q "watching (" "$T/kcald.out" || fail "the watcher connects"

due=$(($(date +%s) + 20))
python3 "$top/tests/bench/gen-events.py" "$N" --due "$due" \
	--uid-prefix zzstop -o "$T/burst.ics"
check "the burst of $N is imported" kcal import "$T/burst.ics"
if [ "$(date +%s)" -ge $((due - 1)) ]; then
	skip "the import outlasted the burst's lead"
	kill $W; done_testing; exit
fi
python3 -c 'import sys, time
time.sleep(max(0, int(sys.argv[1]) - time.time()) + 0.005)' "$due"
stop_daemon	# SIGTERM as the burst falls due
start_daemon --config "$T/kcald.conf" || exit 1
all() { [ "$(grep -c '"uid":"zzstop' "$T/w")" -ge "$N" ]; }
check "after the restart the watcher has the whole burst" wait_for 60 all
sleep 1
check_eq "each reminder of the burst once" "$N $N" \
	"$(grep -o '"uid":"zzstop[^"]*"' "$T/w" | sort | uniq | wc -l) $(grep -c '"uid":"zzstop' "$T/w")"
check_eq "the store recorded each one fired" "$N" "$(python3 -c '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("SELECT count(*) FROM reminder_state WHERE uid LIKE ? AND "
    "state = ?", ("zzstop%", "fired")).fetchone()[0])' "$T/data/kcal.db")"
echo "# $(grep '"uid":"zzstop' "$T/w" | grep -vc '"replay":true') of $N" \
	"pushed live, the rest replayed after the restart"
kill $W 2>/dev/null
done_testing
