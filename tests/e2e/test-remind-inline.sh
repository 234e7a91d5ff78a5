#!/bin/sh
# test-remind-inline.sh — an add plans its reminder in its own transaction
# (write.c, remind_plan_written): the next reminder is committed with the
# add, by the same durable commit, and no "plan again" mark is left for the
# walk.  So after kill -9 right after the acknowledgement, the store
# already holds the planned instant, and the reminder fires once after the
# restart; an update re-plans in its own transaction too; a refused
# (strict) add leaves no plan behind.
. "$(dirname "$0")/lib.sh"

W=''
trap 'kill $W 2>/dev/null; _cleanup' EXIT
DB="$T/data/kcal.db"

sql() { sqlite3 "$DB" "$1" 2>&1; }

start_daemon || exit 1

# --- 1. Acknowledged, then killed at once: planned, and it fires. ---
u1=$(kcal add "Arrival at the airport" --start +75s --remind 60s)
kill9_daemon
# (the walk plans it too, within milliseconds: the log says which did)
check "... planned by the add itself, not left to the walk" \
	grep -q "reminders of $u1: planned with the write" "$T/kcald.out"
if have sqlite3; then
	na=$(sql "SELECT next_alarm FROM alarms WHERE uid = '$u1'")
	now=$(date +%s)
	check "the add's commit holds its planned reminder (next_alarm $na)" \
		test -n "$na" -a "$na" -ge "$now" -a "$na" -le "$((now + 20))"
	check_eq "no event is left for the walk to plan" 0 \
		"$(sql 'SELECT count(*) FROM alarms WHERE next_alarm < 0')"
else
	skip "the store after kill -9: the sqlite3 CLI is not installed"
fi
start_daemon || exit 1
"$KCAL" watch >>"$T/w" 2>>"$T/w.err" & W=$!
wait_for 10 has 1 "watching (" "$T/kcald.out"
check "the reminder of an add acknowledged before kill -9 fires" \
	wait_for 30 has 1 "$u1" "$T/w"
sleep 2
check_eq "it fired once" 1 "$(lines "$u1" "$T/w")"

# --- 2. Many adds in a row: each planned in its add's transaction. ---
i=0
while [ $i -lt 20 ]; do
	kcal add "Bilateral $i" --start "+$((3600 + i * 60))s" --remind 600s \
		>>"$T/uids"
	i=$((i + 1))
done
kill9_daemon
if have sqlite3; then
	check_eq "20 adds: none left unplanned after kill -9" 0 \
		"$(sql 'SELECT count(*) FROM alarms WHERE next_alarm < 0')"
	check_eq "20 adds: each has its reminder planned" 20 \
		"$(sql "SELECT count(*) FROM alarms WHERE next_alarm > CAST(strftime('%s', 'now') AS INTEGER)")"
fi
start_daemon || exit 1

# --- 3. An update re-plans in its own transaction. ---
u3=$(head -n 1 "$T/uids")
kcal edit "$u3" --start +70s --remind 60s >/dev/null
kill9_daemon
if have sqlite3; then
	na=$(sql "SELECT next_alarm FROM alarms WHERE uid = '$u3'")
	now=$(date +%s)
	check "an update's commit holds its new plan (next_alarm $na)" \
		test -n "$na" -a "$na" -ge "$((now - 5))" -a "$na" -le "$((now + 15))"
fi
kill $W 2>/dev/null
start_daemon || exit 1
"$KCAL" watch >>"$T/w" 2>>"$T/w.err" & W=$!
wait_for 10 has 2 "watching (" "$T/kcald.out"
check "the moved event's reminder fires" wait_for 30 has 1 "$u3" "$T/w"
sleep 2
check_eq "once" 1 "$(lines "$u3" "$T/w")"

# --- 4. A refused add (strict, a clash) leaves no plan. ---
kcal add "Talks" --start +2h --duration 1h --participant "Ms Kim" >/dev/null
if kcal add "Clash" --start +2h --duration 1h --participant "Ms Kim" \
	--strict >/dev/null 2>&1; then
	fail "a strict add that clashes is refused"
else
	pass "a strict add that clashes is refused"
fi
stop_daemon
if have sqlite3; then
	check_eq "the refused add left no alarm row" 0 \
		"$(sql "SELECT count(*) FROM alarms a LEFT JOIN events e ON e.uid = a.uid WHERE e.uid IS NULL")"
	check_eq "the store holds only the events acknowledged" 22 \
		"$(sql 'SELECT count(*) FROM events')"
fi
done_testing
