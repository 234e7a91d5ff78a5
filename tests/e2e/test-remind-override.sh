#!/bin/sh
# test-remind-override.sh — a reminder of an overridden occurrence speaks
# for that occurrence.  A daily public series whose occurrence of today is
# overridden (another summary, place and zone, CLASS:CONFIDENTIAL, moved
# to a minute from now): `kcal reminders`, the JSON pushed to `kcal watch`
# and the hook's environment carry the override's own fields, it is due
# before the moved start and goes off exactly once (a restart included),
# and the master's original slot has no reminder.  A read-only watcher,
# cleared only up to public, is never told of it (the push is filtered by
# the override's own class), nor does `kcal reminders` list it to it.
. "$(dirname "$0")/lib.sh"

WW='' RW=''
trap 'kill $WW $RW 2>/dev/null; _cleanup' EXIT

U_RO=12102 G_SOCK=4344
roles=0
if [ "$(id -u)" -eq 0 ] && have setpriv; then
	roles=1
	chmod 711 "$T"
	export KCAL_SOCKET="$T/shared/kcald.sock"
fi
ro() { setpriv --reuid $U_RO --regid $G_SOCK --clear-groups -- "$@"; }

cat >"$T/hook.sh" <<EOF
#!/bin/sh
echo "\$KCAL_UID start_utc=\$KCAL_START_UTC tz=\$KCAL_TZ class=\$KCAL_CLASS loc=\$KCAL_LOCATION summary=\$KCAL_SUMMARY" >>"$T/hook.log"
EOF
chmod +x "$T/hook.sh"
: >"$T/hook.log"
{
	echo "notify_cmd = $T/hook.sh"
	echo "remind_default = 60s"
	[ $roles -eq 1 ] && echo "readonly_users = $U_RO"
} >"$T/kcald.conf"
group=
[ $roles -eq 1 ] && group="--socket-group $G_SOCK"
start_daemon -c "$T/kcald.conf" $group || exit 1

# The series: daily at a whole minute about two hours ahead, since
# yesterday; today's occurrence moved to 80 s from now, in another zone
# (its reminder, 60 s before, leaves time to list it first).
now=$(date +%s)
slot=$(( (now / 60 + 120) * 60 ))
moved=$((now + 80))
day=86400
sh_t() { TZ=Asia/Shanghai date -d "@$1" +%Y%m%dT%H%M%S; }
uid=remind-override-0001
cat >"$T/series.ics" <<EOF
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//remind-override//EN
BEGIN:VEVENT
UID:$uid
DTSTAMP:20260101T000000Z
DTSTART;TZID=Asia/Shanghai:$(sh_t $((slot - day)))
DURATION:PT1H
RRULE:FREQ=DAILY;COUNT=4
CLASS:PUBLIC
SUMMARY:PUB daily briefing
LOCATION:PUB press room
END:VEVENT
BEGIN:VEVENT
UID:$uid
DTSTAMP:20260101T000000Z
RECURRENCE-ID;TZID=Asia/Shanghai:$(sh_t $slot)
DTSTART;TZID=Asia/Tokyo:$(TZ=Asia/Tokyo date -d "@$moved" +%Y%m%dT%H%M%S)
DURATION:PT2H
CLASS:CONFIDENTIAL
SUMMARY:MARK moved briefing
LOCATION:MARK embassy
END:VEVENT
END:VCALENDAR
EOF

"$KCAL" watch --format json >"$T/rw-watch" 2>&1 & WW=$!
n=1
if [ $roles -eq 1 ]; then
	# setpriv itself is $! (not a subshell running the function ro),
	# so that the kill at the end reaches the watcher
	setpriv --reuid $U_RO --regid $G_SOCK --clear-groups -- \
	    "$KCAL" watch --format json >"$T/ro-watch" 2>&1 & RW=$!
	n=2
fi
wait_for 10 sh -c "[ \$(grep -c 'watching (' '$T/kcald.out') -ge $n ]" ||
	fail "the watchers connect"
check "import a daily series with a moved, confidential override" \
	kcal import "$T/series.ics"

# --- Planned: the override's own reminder, none at the master's slot. ---
up=$(kcal reminders --format json)
mine() { jget "$up" "[.reminders[] | select(.uid == \"$uid\") | $1]"; }
check_eq "kcal reminders: the moved occurrence's, due 60 s before it" \
	"$((moved - 60)) MARK moved briefing|MARK embassy|confidential|Asia/Tokyo" \
	"$(jget "$up" ".reminders[] | select(.uid == \"$uid\" and .start_utc == $moved) |
	    \"\(.due_utc) \(.summary)|\(.location)|\(.class)|\(.tz)\"")"
check_eq "kcal reminders: nothing at the master's original slot" 0 \
	"$(mine "select(.start_utc == $slot)" | jq length)"
check_eq "kcal reminders: tomorrow's is the master's" \
	"PUB daily briefing|PUB press room|public|Asia/Shanghai" \
	"$(jget "$up" ".reminders[] | select(.uid == \"$uid\" and .start_utc == $((slot + day))) |
	    \"\(.summary)|\(.location)|\(.class)|\(.tz)\"")"
if [ $roles -eq 1 ]; then
	rup=$(ro "$KCAL" reminders --format json)
	check_eq "the reader's kcal reminders: the next two, not the moved one" \
		"$((slot + day)) $((slot + 2 * day))" \
		"$(jget "$rup" "[.reminders[] | select(.uid == \"$uid\") | .start_utc] | join(\" \")")"
	check_eq "the reader's kcal reminders: no trace of the override" 0 \
		"$(printf '%s' "$rup" | grep -c MARK)"
fi

# --- Delivered: once, with the override's fields, to whom may see it. ---
check "the moved occurrence's reminder goes off" \
	wait_for 40 grep -q "$uid" "$T/hook.log"
sleep 2
push=$(grep -F "\"$uid\"" "$T/rw-watch")
check_eq "the writer's watch got it once" 1 "$(printf '%s\n' "$push" | grep -c .)"
check_eq "the push carries the override's fields and moved start" \
	"$moved|MARK moved briefing|MARK embassy|confidential|Asia/Tokyo|60" \
	"$(jget "$push" '"\(.start_utc)|\(.summary)|\(.location)|\(.class)|\(.tz)|\(.before)"')"
check_eq "the hook ran once, with the override's fields" \
	"$uid start_utc=$moved tz=Asia/Tokyo class=confidential loc=MARK embassy summary=MARK moved briefing" \
	"$(cat "$T/hook.log")"
if [ $roles -eq 1 ]; then
	check_eq "the reader's watch never heard of it" 0 \
		"$(grep -c -e "$uid" -e MARK "$T/ro-watch")"
fi

# --- Exactly once: a restart does not fire it again. ---
stop_daemon
kill $WW $RW 2>/dev/null
start_daemon -c "$T/kcald.conf" $group || exit 1
sleep 3
check_eq "after a restart the hook has still run once" 1 \
	"$(grep -c "$uid" "$T/hook.log")"
up=$(kcal reminders --format json)
check_eq "nothing pending today, at either time" 0 \
	"$(mine "select(.start_utc == $slot or .start_utc == $moved)" | jq length)"

done_testing
