#!/bin/sh
# test-remind-burst.sh — a burst of reminders due at the same instant is
# recorded in full before any of their next reminders is planned: the
# store logs (with a trigger of its own on the alarms table) how many
# reminders were recorded fired whenever a plan is written, and no plan may be written while only
# part of the burst is recorded.  Every reminder of the burst reaches a
# watcher once.
. "$(dirname "$0")/lib.sh"

N=40
W=''
trap 'kill $W 2>/dev/null; _cleanup' EXIT
DB="$T/data/kcal.db"

# sql QUERY: one value from the store (python3 is a test dependency).

start_daemon || exit 1
kcal add "Seed" --start +2d >/dev/null
stop_daemon

# The planning writes, logged with the count of fired reminders then.
python3 - "$DB" <<'PY' || fail "install the plan log"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("""
CREATE TABLE burst_log (fired INTEGER NOT NULL);
CREATE TRIGGER burst_plan AFTER UPDATE OF next_alarm ON alarms
  WHEN NEW.next_alarm IS NULL OR NEW.next_alarm >= 0 BEGIN
  INSERT INTO burst_log SELECT count(*) FROM reminder_state
  WHERE state = 'fired'; END;
""")
db.close()
PY

start_daemon || exit 1
"$KCAL" watch --format json >"$T/w" 2>"$T/w.err" & W=$!
wait_for 10 grep -q "watching (" "$T/kcald.out"
at=$(date -u -d '+8 seconds' +%Y-%m-%dT%H:%M:%SZ)
start=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)
i=0
while [ $i -lt $N ]; do
	kcal add "Burst $i" --start "$start" --remind-at "$at" >/dev/null ||
		fail "add Burst $i"
	i=$((i + 1))
done
fired() { [ "$(sql "SELECT count(*) FROM reminder_state WHERE state = 'fired'")" -eq "$N" ]; }
planned() { [ "$(sql "SELECT count(*) FROM burst_log WHERE fired = $N")" -ge "$N" ]; }
check "the burst was recorded" wait_for 30 fired
check "the burst's events were planned after it" wait_for 10 planned
check_eq "no plan was written while the burst was half recorded" 0 \
	"$(sql "SELECT count(*) FROM burst_log WHERE fired > 0 AND fired < $N")"
check_eq "nothing is left to plan" 0 \
	"$(sql "SELECT count(*) FROM alarms WHERE next_alarm < 0")"
seen() { [ "$(grep -c '"Burst ' "$T/w")" -ge "$N" ]; }
check "every reminder reached the watcher" wait_for 10 seen
check_eq "each one once" "$N" "$(grep -o '"Burst [0-9]*"' "$T/w" | sort -u | wc -l)"
kill $W 2>/dev/null
stop_daemon
done_testing
