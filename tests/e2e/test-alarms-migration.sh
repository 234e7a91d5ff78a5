#!/bin/sh
# test-alarms-migration.sh — the move of each event's next reminder instant
# from events.next_alarm to the narrow alarms table: a store of the old
# schema keeps its plans (and its "plan again" marks), and running the
# migrations again (the schema rewound, as test-feed-leaks.sh does) keeps
# them too.  Edits still mark an event "plan again".
. "$(dirname "$0")/lib.sh"

DB="$T/data/kcal.db"

start_daemon || exit 1
keep=$(kcal add "Keep" --start +3d --remind 1h)
dirty=$(kcal add "Dirty" --start +4d --remind 1h)
never=$(kcal add "Never" --start +5d)
planned() { [ "$(sql "SELECT count(*) FROM alarms WHERE next_alarm < 0")" -eq 0 ]; }
check "the events are planned" wait_for 10 planned
stop_daemon
want=$(sql "SELECT next_alarm FROM alarms WHERE uid = '$keep'")
version=$(sql "PRAGMA user_version")
# The schema version the alarms table came with (store-schema.c's 12th
# migration); the later ones run again on top, which they must survive.
ALARMS_VERSION=12

# The store as the schema before the move left it.
python3 - "$DB" "$keep" "$dirty" "$want" "$((ALARMS_VERSION - 1))" <<'PY' ||
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
keep, dirty, want, v = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
db.executescript("""
DROP TABLE alarms;
DROP TRIGGER events_remind_insert;
DROP TRIGGER events_remind_update;
CREATE INDEX events_next_alarm ON events(next_alarm)
  WHERE next_alarm IS NOT NULL;
CREATE TRIGGER events_remind_insert AFTER INSERT ON events BEGIN
  UPDATE events SET next_alarm = -1 WHERE uid = NEW.uid; END;
CREATE TRIGGER events_remind_update AFTER UPDATE OF ical, start_utc,
  end_utc, status, kind, reminders ON events BEGIN
  UPDATE events SET next_alarm = CASE WHEN OLD.next_alarm IS NULL
  THEN -1 WHEN OLD.next_alarm < 0 THEN OLD.next_alarm
  ELSE -1 - OLD.next_alarm END WHERE uid = NEW.uid; END;
""")
db.execute("UPDATE events SET next_alarm = ? WHERE uid = ?", (want, keep))
db.execute("UPDATE events SET next_alarm = -1 WHERE uid = ?", (dirty,))
db.execute("PRAGMA user_version = %d" % v)
db.commit()
PY
	fail "make an old-schema store"
check_eq "the old store has its plans in events" 2 \
	"$(sql "SELECT count(*) FROM events WHERE next_alarm IS NOT NULL")"

start_daemon || exit 1
check_eq "upgraded" "$version" "$(sql "PRAGMA user_version")"
check_eq "the plan moved to alarms" "$want" \
	"$(sql "SELECT next_alarm FROM alarms WHERE uid = '$keep'")"
check "the marked event is planned" wait_for 10 planned
check_match "the marked event got a plan" '^[0-9]+$' \
	"$(sql "SELECT next_alarm FROM alarms WHERE uid = '$dirty'")"
check_eq "no event without reminders has one" "" \
	"$(sql "SELECT next_alarm FROM alarms WHERE uid = '$never'")"
check_eq "events.next_alarm is no longer used" 0 \
	"$(sql "SELECT count(*) FROM events WHERE next_alarm IS NOT NULL")"
check_match "kcal reminders lists the plan" "Keep" "$(kcal reminders 2>&1)"
stop_daemon

# Run the migrations again from schema 6: the plans stay.
before=$(sql "SELECT group_concat(uid || '=' || next_alarm) FROM (SELECT * FROM alarms ORDER BY uid)")
sql "PRAGMA user_version = 6" >/dev/null
start_daemon || exit 1
check_eq "upgraded again" "$version" "$(sql "PRAGMA user_version")"
check_eq "the plans survive a second run" "$before" \
	"$(sql "SELECT group_concat(uid || '=' || next_alarm) FROM (SELECT * FROM alarms ORDER BY uid)")"
# An edit still marks its event "plan again", and it is planned again.
kcal edit "$keep" --start +6d >/dev/null || fail "edit Keep"
moved() { [ "$(sql "SELECT next_alarm FROM alarms WHERE uid = '$keep'")" -gt "$want" ]; }
check "an edit plans the event again" wait_for 10 moved
kcal rm "$keep" --yes >/dev/null || fail "remove Keep"
check_eq "a removed event's plan goes with it" 0 \
	"$(sql "SELECT count(*) FROM alarms WHERE uid = '$keep'")"
stop_daemon
done_testing
