#!/bin/sh
# test-remind-snooze.sh — kcal reminders (upcoming, in order, in a window),
# kcal snooze and kcal ack with the real kcald; default triggers from
# kcald.conf for all events and per kind, re-planned on SIGHUP; absolute
# reminders (--remind-at).
#
# Reminders are set a few seconds ahead and waited for with generous
# bounds (15 s); nothing depends on finer timing.
. "$(dirname "$0")/lib.sh"

W1=''
trap 'kill $W1 2>/dev/null; _cleanup' EXIT

# befores UID: the "before" of each upcoming reminder of UID, in order.
befores() {
	kcal reminders --to +3d --format json |
	    jq -r "[.reminders[] | select(.uid == \"$1\") | .before] | join(\",\")"
}

cat >"$T/kcald.conf" <<EOF
remind_default = 30m
remind_summit = 1d, 1h
EOF
start_daemon -c "$T/kcald.conf" || exit 1
W1_OUT="$T/w1"
"$KCAL" watch --format json >>"$W1_OUT" 2>>"$T/w1.err" & W1=$!
wait_for 10 has 1 "watching (" "$T/kcald.out" || fail "the watcher connects"

# --- 1. Upcoming reminders, in the order they go off. ---
a=$(kcal add "Summit plenary" --start +2h --remind 1h --remind 30m --kind summit)
b=$(kcal add "State banquet" --start +90m --remind 15m --kind banquet)
up=$(kcal reminders --format json)
check_eq "kcal reminders lists them in the order they go off" \
	"$a 3600 pending
$b 900 pending
$a 1800 pending" \
	"$(jget "$up" '.reminders[] | "\(.uid) \(.before) \(.state)"')"
check_eq "--to narrows the window" 2 \
	"$(kcal reminders --to +80m --format json | jq '.reminders | length')"
check_match "the text form names the summary, the trigger and the UID" \
	"1h +Summit plenary +starts .* $a" "$(kcal reminders)"

# --- 2. Defaults: per kind, else remind_default; an event's own win. ---
s=$(kcal add "Leaders' summit" --start +2d --kind summit)
m=$(kcal add "Working lunch" --start +2d --kind meeting)
o=$(kcal add "Summit side event" --start +2d --kind summit --remind 5m)
check_eq "a summit gets remind_summit (1d, 1h)" "86400,3600" "$(befores "$s")"
check_eq "a meeting gets remind_default (30m)" 1800 "$(befores "$m")"
check_eq "an event's own reminders replace the defaults" 300 "$(befores "$o")"
echo "remind_default = 45m" >>"$T/kcald.conf"
kill -HUP "$KCALD_PID"
check "after SIGHUP every event is planned again" \
	wait_for 10 has 1 "default triggers are now" "$T/kcald.out"
check_eq "... with the new default" 2700 "$(befores "$m")"
check_eq "... and the per-kind ones kept" "86400,3600" "$(befores "$s")"

# --- 3. Snooze: the reminder goes off again, once, after DUR. ---
c=$(kcal add "Motorcade" --start +63s --remind 60s)
check "the reminder goes off" wait_for 15 has 1 "$c" "$T/w1"
check_match "kcal snooze says until when" "^snoozed $c until 20" \
	"$(kcal snooze "$c" 3s)"
check_eq "kcal reminders shows it snoozed" snoozed \
	"$(kcal reminders --format json | jq -r ".reminders[] | select(.uid == \"$c\") | .state")"
check "the snoozed reminder goes off again" wait_for 15 has 2 "$c" "$T/w1"
check_eq "... marked snoozed" true \
	"$(grep -F "$c" "$T/w1" | tail -n 1 | jq .snoozed)"
check_eq "... at the snooze's end (at_utc), not when it was due" \
	"yes" "$(grep -F "$c" "$T/w1" | tail -n 1 |
	    jq -r 'if .at_utc >= .due_utc + 3 then "yes" else "no: \(.at_utc) \(.due_utc)" end')"
sleep 2
check_eq "... and only once more" 2 "$(lines "$c" "$T/w1")"
check_rc "snoozing an event whose reminder never went off is refused" 1 \
	kcal snooze "$b" 5m
check_match "... as not_found" "not_found" "$(kcal snooze "$b" 5m 2>&1)"

# --- 4. Ack: a snoozed reminder dismissed does not go off again. ---
d=$(kcal add "Press conference" --start +63s --remind 60s)
check "the reminder goes off" wait_for 15 has 1 "$d" "$T/w1"
kcal snooze "$d" 4s >/dev/null
check_match "kcal ack dismisses the snoozed reminder" \
	"^acknowledged $d .*snoozed" "$(kcal ack "$d")"
sleep 6
check_eq "... which does not go off again" 1 "$(lines "$d" "$T/w1")"
check_rc "nothing left to acknowledge" 1 kcal ack "$d"

# Acknowledged in advance, the next reminder never goes off.
e=$(kcal add "Wreath laying" --start +63s --remind 60s)
check_match "kcal ack before it goes off dismisses the next one" \
	"^acknowledged $e .*pending" "$(kcal ack "$e")"
sleep 6
check_eq "... which never goes off" 0 "$(lines "$e" "$T/w1")"

# --- 5. Absolute reminders (--remind-at). ---
f=$(kcal add "Departure for the airport" --start +2d --remind-at +3s)
check_match "kcal show lists the absolute reminder" "remind at +20" \
	"$(kcal show "$f")"
check "an absolute reminder goes off at its time" wait_for 15 has 1 "$f" "$T/w1"
check_eq "... with no relative trigger" null \
	"$(grep -F "$f" "$T/w1" | jq .before)"
check_eq "... and no default added to it" "" "$(befores "$f")"
g=$(kcal add "Airport" --start +2d --remind-at +1h --remind 2h)
kcal edit "$g" --no-remind >/dev/null
check_eq "--no-remind removes absolute and relative reminders" \
	"[] []" "$(kcal show "$g" --format json | jq -c '.remind, .remind_at' | tr '\n' ' ' | sed 's/ $//')"
check_eq "... and remind_default does not take their place" "" \
	"$(befores "$g")"
kcal edit "$g" --remind 10m >/dev/null
check_eq "... until it is given one again" 600 "$(befores "$g")"

# A snooze ends with what it reminds of: moved by an edit, or its
# reminders removed.
h=$(kcal add "Courtesy call" --start +63s --remind 60s)
i=$(kcal add "Signing rehearsal" --start +63s --remind 60s)
check "both reminders go off" wait_for 15 has 1 "$i" "$T/w1"
wait_for 15 has 1 "$h" "$T/w1"
kcal snooze "$h" 4s >/dev/null
kcal snooze "$i" 4s >/dev/null
kcal edit "$h" --start +2h >/dev/null
kcal edit "$i" --no-remind >/dev/null
sleep 6
check_eq "a snoozed reminder of a moved or silenced event does not come back" \
	"1 1" "$(lines "$h" "$T/w1") $(lines "$i" "$T/w1")"
check_rc "--remind-at refuses what is not a time" 2 \
	kcal add "Bad" --start +1d --remind-at soonish

# --- 6. A recurring event reminds for each occurrence. ---
r=$(kcal add "Shuttle" --start +63s --remind 60s --rrule "FREQ=SECONDLY;INTERVAL=3;COUNT=3")
check "each of three occurrences reminds" wait_for 15 has 3 "$r" "$W1_OUT"
sleep 1
check_eq "... once each, for each occurrence's start" 3 \
	"$(grep -F "$r" "$W1_OUT" | jq -r .start_utc | sort -u | wc -l)"

# --- 7. The VALARMs of an imported event are its reminders. ---
now=$(date -u +%s)
dt() { date -u -d "@$1" +%Y%m%dT%H%M%SZ; }
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:imported-alarm@test\r\nDTSTAMP:%s\r\nDTSTART:%s\r\nDTEND:%s\r\nSUMMARY:Imported with an alarm\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:soon\r\nTRIGGER:-PT60S\r\nEND:VALARM\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:abs\r\nTRIGGER;VALUE=DATE-TIME:%s\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
	"$(dt "$now")" "$(dt $((now + 63)))" "$(dt $((now + 3663)))" \
	"$(dt $((now + 5)))" >"$T/alarm.ics"
check "kcal import of an event with VALARMs" kcal import "$T/alarm.ics"
check "its relative alarm goes off" \
	wait_for 15 sh -c "grep -F imported-alarm@test '$W1_OUT' | grep -q '\"before\":60'"
check "its absolute alarm goes off" \
	wait_for 15 sh -c "grep -F imported-alarm@test '$W1_OUT' | grep -q '\"before\":null'"
sleep 1
check_eq "... each once" 2 "$(lines imported-alarm@test "$W1_OUT")"

done_testing
