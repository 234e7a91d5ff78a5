#!/bin/sh
# test-remind.sh — reminders end to end with the real kcald: delivery to two
# `kcal watch` clients, the hook and the log exactly once; restarts before
# and after a reminder is due; a reminder due while kcald was down arrives
# late once, an older one is recorded missed; edits and cancellations
# re-plan; a hook that hangs is killed and one that fails blocks nothing;
# kcal reminders / snooze / ack; the notify-send hook with a stand-in.
#
# Reminders are set a few seconds ahead (--start +63s --remind 60s) and
# waited for with generous bounds (15 s); nothing depends on finer timing.
. "$(dirname "$0")/lib.sh"

W1='' W2=''
trap 'kill $W1 $W2 2>/dev/null; _cleanup' EXIT

# The hook: records each reminder; hangs or fails on request.
reminder_hook '$KCAL_UID late=$KCAL_LATE kind=$KCAL_KIND tz=$KCAL_TZ start=$KCAL_START loc=$KCAL_LOCATION summary=$KCAL_SUMMARY'
cat >"$T/kcald.conf" <<EOF
notify_cmd = $T/hook.sh
notify_timeout = 2s
EOF

watchers=0
# start_watchers: two `kcal watch` clients, text and JSON.
start_watchers() {
	"$KCAL" watch >>"$T/w1" 2>>"$T/w1.err" & W1=$!
	"$KCAL" watch --format json >>"$T/w2" 2>>"$T/w2.err" & W2=$!
	watchers=$((watchers + 2))
	wait_for 10 has "$watchers" "watching (" "$T/kcald.out"
}
# restarted: the daemon is back and both watchers have reconnected.
restart() {
	stop_daemon
	start_daemon -c "$T/kcald.conf"
	watchers=$((watchers + 2))
	wait_for 10 has "$watchers" "watching (" "$T/kcald.out"
}
# once WHAT UID: exactly one line about UID in each watcher and the hook.
once() {
	check_eq "$1: watcher 1 printed it once" 1 "$(lines "$2" "$T/w1")"
	check_eq "$1: watcher 2 printed it once" 1 "$(lines "$2" "$T/w2")"
	check_eq "$1: the hook ran once" 1 "$(lines "$2" "$T/hook.log")"
}
delivered() {	# UID: in both watchers and the hook
	has 1 "$1" "$T/w1" && has 1 "$1" "$T/w2" && has 1 "$1" "$T/hook.log"
}

start_daemon -c "$T/kcald.conf" || exit 1
start_watchers || fail "two watchers connect"

# --- 1. On time, to both watchers, the hook and the log, exactly once. ---
u1=$(kcal add "Motorcade to the Great Hall" --start +63s --remind 60s \
	--tz Asia/Shanghai --location "Great Hall of the People" --kind ceremony)
check "a reminder due in 3 s is delivered within 15 s" \
	wait_for 15 delivered "$u1"
sleep 2
once "on time" "$u1"
line=$(grep -F "$u1" "$T/w1")
# (home shows its date too when it is another day there: 23:30 CST is 00:30 KST)
check_match "the watch line has the summary, the start in the event's zone, home and the location" \
	'Motorcade to the Great Hall +starts [0-9-]+ [0-9:]+ CST \(Asia/Shanghai\), ([0-9-]+ )?[0-9:]+ KST home +at Great Hall of the People' "$line"
json=$(grep -F "$u1" "$T/w2")
check_eq "the JSON line is a pushed reminder (no id)" "reminder null false" \
	"$(jget "$json" '"\(.event) \(.id) \(.late)"')"
check_eq "the JSON line carries the trigger" 60 "$(jget "$json" .before)"
check_match "the hook got the details in its environment" \
	"^$u1 late=0 kind=ceremony tz=Asia/Shanghai start=20[0-9-]+T[0-9:]+\+08:00 loc=Great Hall of the People summary=Motorcade" \
	"$(grep -F "$u1" "$T/hook.log")"
check_eq "the log has it once" 1 "$(grep -F "$u1" "$T/kcald.out" | grep -c 'reminder: ')"

# --- 1b. Home on another day than the event's zone, whatever the clock: ---
# 23:30 in Shanghai is 00:30 the next day in Seoul (neither has DST); the
# reminder, set that long before, is due in 4 s.
now=$(date +%s)
D=$(TZ=Asia/Shanghai date -d "@$((now + 86400))" +%F)
S=$(date -d "TZ=\"Asia/Shanghai\" $D 23:30" +%s)
due=$((now + 4))
uh=$(kcal add "Late banquet" --start "$D 23:30" --tz Asia/Shanghai \
	--remind "$((S - due))s" --location "Diaoyutai State Guesthouse")
check "a reminder due in 4 s for 23:30 CST is delivered within 15 s" \
	wait_for 15 delivered "$uh"
home=$(TZ=Asia/Seoul date -d "@$S" '+%F %H:%M')
check_eq "home is on the next day" "$(date -d "$D + 1 day" +%F) 00:30" "$home"
check_eq "the watch line carries home's date" \
	"$(TZ=Asia/Seoul date -d "@$due" '+%F %H:%M') KST  Late banquet  starts $D 23:30 CST (Asia/Shanghai), $home KST home  at Diaoyutai State Guesthouse  $uh" \
	"$(grep -F "$uh" "$T/w1")"

# --- 2. A restart before it is due neither loses nor repeats it. ---
u2=$(kcal add "Wreath laying" --start +66s --remind 60s)
restart || fail "restarted before the reminder was due; watchers back"
check "after a restart before it was due it is delivered" \
	wait_for 15 delivered "$u2"
sleep 1
once "restart before due" "$u2"
check_eq "... on time, not late" false \
	"$(jget "$(grep -F "$u2" "$T/w2")" .late)"

# --- 3. A restart after it was delivered does not repeat it. ---
restart || fail "restarted after delivery; watchers back"
sleep 2
once "restart after delivery" "$u2"
once "restart after delivery (the first one)" "$u1"

# --- 4. Due while kcald was down: delivered once, late, on start. ---
u4=$(kcal add "Talks with the Premier" --start +63s --remind 60s)
stop_daemon
sleep 5
start_daemon -c "$T/kcald.conf" || fail "restart after downtime"
watchers=$((watchers + 2))
check "a reminder due while kcald was down arrives after the restart" \
	wait_for 15 delivered "$u4"
sleep 1
once "due during downtime" "$u4"
check_eq "... marked late (JSON)" true "$(jget "$(grep -F "$u4" "$T/w2")" .late)"
check_match "... marked late (text)" "\(late by [0-9]+s\)" "$(grep -F "$u4" "$T/w1")"
check_match "... marked late (hook)" "^$u4 late=1 " "$(grep -F "$u4" "$T/hook.log")"
check_match "... marked late (log)" "reminder \(late\): .*$u4" "$(cat "$T/kcald.out")"

# --- 5. Older than remind_grace: recorded missed, not delivered. ---
wait_for 10 has "$watchers" "watching (" "$T/kcald.out"
u5=$(kcal add "Signing ceremony" --start +62s --remind 60s)
stop_daemon
sleep 5
cp "$T/kcald.conf" "$T/grace.conf"
echo "remind_grace = 1s" >>"$T/grace.conf"
start_daemon -c "$T/grace.conf" || fail "restart with remind_grace = 1s"
watchers=$((watchers + 2))
wait_for 10 has "$watchers" "watching (" "$T/kcald.out"
sleep 2
check_eq "a reminder older than the grace period is not delivered" "0 0 0" \
	"$(lines "$u5" "$T/w1") $(lines "$u5" "$T/w2") $(lines "$u5" "$T/hook.log")"
check_match "... the log says it was missed" "reminder missed: \"Signing ceremony\"" \
	"$(cat "$T/kcald.out")"
missed=$(kcal reminders --missed --format json)
check_eq "... kcal reminders --missed lists it" "$u5 missed" \
	"$(jget "$missed" '.reminders[] | "\(.uid) \(.state)"')"
check_match "... in text too" "Signing ceremony +starts .*$u5 +\(missed by [0-9]+s\)" \
	"$(kcal reminders --missed)"
restart || fail "restart with the default grace"
sleep 1
check_eq "... and is not delivered by a later restart either" "0 0 0" \
	"$(lines "$u5" "$T/w1") $(lines "$u5" "$T/w2") $(lines "$u5" "$T/hook.log")"

# --- 6. Edits re-plan; cancelled and deleted events never remind. ---
u9=$(kcal add "Forum plenary" --start +75s --remind 72s)
u6=$(kcal add "Bilateral talks" --start +64s --remind 60s)
kcal edit "$u6" --start +1h >/dev/null
u7=$(kcal add "Cancelled dinner" --start +63s --remind 60s)
kcal cancel "$u7" >/dev/null
u8=$(kcal add "Deleted lunch" --start +63s --remind 60s)
kcal rm --yes "$u8" >/dev/null
check "a reminder is delivered" wait_for 15 delivered "$u9"
kcal edit "$u9" --summary "Forum plenary (Hall B)" >/dev/null
kcal edit "$u9" --location "Hall B" >/dev/null
sleep 1
once "an edit that keeps the time does not re-fire" "$u9"
kcal edit "$u9" --remind 65s >/dev/null
check "a changed trigger fires again" wait_for 15 has 2 "$u9" "$T/hook.log"
check_eq "... once more in each watcher" "2 2" \
	"$(lines "$u9" "$T/w1") $(lines "$u9" "$T/w2")"
check_match "... with the new summary" "Forum plenary \(Hall B\)" \
	"$(grep -F "$u9" "$T/w1" | tail -n 1)"
check_eq "a moved event does not fire at its old time" "0 0 0" \
	"$(lines "$u6" "$T/w1") $(lines "$u6" "$T/w2") $(lines "$u6" "$T/hook.log")"
check_eq "a cancelled event never reminds" "0 0 0" \
	"$(lines "$u7" "$T/w1") $(lines "$u7" "$T/w2") $(lines "$u7" "$T/hook.log")"
check_eq "a deleted event never reminds" "0 0 0" \
	"$(lines "$u8" "$T/w1") $(lines "$u8" "$T/w2") $(lines "$u8" "$T/hook.log")"
up=$(kcal reminders --format json)
check_eq "kcal reminders shows the moved event's new reminder" 1 \
	"$(jget "$up" "[.reminders[] | select(.uid == \"$u6\")] | length")"
kcal edit "$u6" --start +63s >/dev/null
check "moved back, it fires at its new time" wait_for 15 delivered "$u6"
sleep 1
once "moved back" "$u6"

# A lead of whole days is calendar days: 09:00 the day before, 23 hours
# ahead on the eve of the spring change (28 March 2027 in Berlin).
u9=$(kcal add "Nominal day" --start "2027-03-28 09:00" --tz Europe/Berlin \
	--remind 1d --remind 1h)
up=$(kcal reminders --from 2027-03-26 --to 2027-03-29 --format json)
check_eq "--remind 1d is 09:00 the day before, across the DST change" \
	"2027-03-27T08:00:00Z 86400 2027-03-28T06:00:00Z 3600" \
	"$(jget "$up" "[.reminders[] | select(.uid == \"$u9\") |
	    \"\\(.at_utc | todate) \\(.before)\"] | join(\" \")")"
# Any other lead is exact: 25 hours are 25 hours across the change (not
# a calendar day and an hour), written so (PT25H, not P1DT1H, which apps
# would read as a calendar day), and so is a file's -PT36H.
u10=$(kcal add "Exact hours" --start "2027-03-28 09:00" --tz Europe/Berlin \
	--remind 25h)
check_eq "--remind 25h is written as 25 hours" "TRIGGER:-PT25H" \
	"$(kcal show "$u10" --format ics | tr -d '\r' | grep '^TRIGGER')"
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:pt36h@t\r\nDTSTAMP:20261201T000000Z\r\nSUMMARY:PT36H\r\nDTSTART;TZID=Europe/Berlin:20270328T090000\r\nDURATION:PT1H\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:x\r\nTRIGGER:-PT36H\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' >"$T/pt36h.ics"
kcal import "$T/pt36h.ics" >/dev/null
up=$(kcal reminders --from 2027-03-26 --to 2027-03-29 --format json)
check_eq "... and fires 25 hours ahead, across the DST change" \
	"2027-03-27T06:00:00Z 90000" \
	"$(jget "$up" "[.reminders[] | select(.uid == \"$u10\") |
	    \"\\(.at_utc | todate) \\(.before)\"] | join(\" \")")"
check_eq "an imported -PT36H: 36 hours ahead" "2027-03-26T19:00:00Z 129600" \
	"$(jget "$up" "[.reminders[] | select(.uid == \"pt36h@t\") |
	    \"\\(.at_utc | todate) \\(.before)\"] | join(\" \")")"

done_testing
