#!/bin/sh
# test-roles.sh — a read-only peer reads only up to its clearance
# (kcald.conf(5), POLICY): through every command that reads and through
# the reminders pushed to `kcal watch`, it never meets the text, the UID or
# the time of an event above it, nor a feed token; the writer sees it all;
# readonly_clearance raises what the reader sees.
#
# Every event the reader may not see carries "MARK" in its summary,
# location, description and participants; what it may see carries "PUB".
# The reader is another uid, played with setpriv (needs root).
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ] || ! have setpriv; then
	skip "read-only peers: needs root and setpriv to be another user"
	done_testing; exit
fi

U_RO=12101 G_SOCK=4343
ro() { setpriv --reuid $U_RO --regid $G_SOCK --clear-groups -- "$@"; }
# rw_req JSON / ro_req JSON: one raw request, its reply line.
cat >"$T/req.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rwb")
f.readline()
f.write(sys.argv[2].encode() + b"\n")
f.flush()
print(f.readline().decode().strip())
EOF
rw_req() { /usr/bin/python3 "$T/req.py" "$KCAL_SOCKET" "$1"; }
ro_req() { ro /usr/bin/python3 "$T/req.py" "$KCAL_SOCKET" "$1"; }
chmod 711 "$T"
export KCAL_SOCKET="$T/shared/kcald.sock"
printf 'readonly_users = %s\n' $U_RO >"$T/kcald.conf"
start_daemon --config "$T/kcald.conf" --socket-group $G_SOCK || exit 1

# --- The calendar: one event of each class, and ways to hide in others. ---
D=2027-05-1
add_hidden() { kcal add "$@" || fail "add $*"; }
people="--participant MARK-conf-person;guest;XX"
pub=$(kcal add "PUB talks" --start ${D}0T10:00 --kind bilateral \
	--location "PUB hall, Beijing" --participant "PUB Minister;host;CN" \
	--participant "Shared Aide;aide;KR")
priv=$(add_hidden "MARK-priv summary" --class private --start ${D}0T10:30 \
	--location "MARK-priv place" --description "MARK-priv notes" \
	--participant "MARK-priv person;guest;XX" --participant "Shared Aide;aide;KR")
conf=$(add_hidden "MARK-conf summary" --class confidential --start ${D}0T11:00 \
	--location "MARK-conf place" --description "MARK-conf notes" $people \
	--participant "Shared Aide;aide;KR")
# A public visit: one public item, one confidential item, and a public item
# anchored to the confidential one (its offset would give the time away).
visit=$(kcal add "PUB state visit" --kind state-visit --start ${D}1 --end ${D}4 \
	--participant "PUB President;guest;KR")
item=$(kcal add "PUB banquet" --parent "$visit" --start ${D}1T19:00 \
	--location "PUB Great Hall, Beijing")
citem=$(add_hidden "MARK-item summary" --class confidential --parent "$visit" \
	--start ${D}2T09:00 --location "MARK-item place, Beijing" \
	--participant "MARK-item person;guest;XX")
anch=$(kcal add "PUB motorcade" --parent "$visit" --anchor "$citem" --offset -30m \
	--location "PUB gate, Beijing")
# A confidential visit with a public-looking programme item of its own.
cvisit=$(add_hidden "MARK-cvisit summary" --class confidential --kind official-visit \
	--start ${D}5 --end ${D}7 --participant "MARK-cvisit person;guest;XX")
# An unknown class (RFC 5545: PRIVATE) and a public series with a
# confidential override, moved to another day and hour.
cat >"$T/in.ics" <<'EOF'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//roles//EN
BEGIN:VEVENT
UID:roles-xclass-0001
DTSTAMP:20270101T000000Z
DTSTART:20270510T020000Z
DURATION:PT1H
CLASS:X-TOP-SECRET
SUMMARY:MARK-xclass summary
LOCATION:MARK-xclass place
DESCRIPTION:MARK-xclass notes
ATTENDEE;CN=MARK-xclass person:mailto:x@example.org
END:VEVENT
BEGIN:VEVENT
UID:roles-series-0001
DTSTAMP:20270101T000000Z
DTSTART:20270503T000000Z
DURATION:PT1H
RRULE:FREQ=WEEKLY;COUNT=4
CLASS:PUBLIC
SUMMARY:PUB weekly briefing
LOCATION:PUB press room
END:VEVENT
BEGIN:VEVENT
UID:roles-series-0001
DTSTAMP:20270101T000000Z
RECURRENCE-ID:20270510T000000Z
DTSTART:20270512T063300Z
DURATION:PT1H
CLASS:CONFIDENTIAL
SUMMARY:MARK-ovr summary
LOCATION:MARK-ovr place
DESCRIPTION:MARK-ovr notes
ATTENDEE;CN=MARK-ovr person:mailto:o@example.org
ATTENDEE;CN=Shared Aide:mailto:aide@example.org
END:VEVENT
END:VCALENDAR
EOF
check "import an X- class and a series with a confidential override" \
	kcal import "$T/in.ics"
# The override takes the aide to a call at its time: a clash the writer
# sees and the reader must not (conflicts walk each occurrence as it is).
kcal add "PUB aide call" --start 2027-05-12T15:30 --duration 30m \
	--participant "Shared Aide;aide;KR" >/dev/null 2>&1
check_match "the writer's conflicts: the override clashes" \
	'Shared Aide: .*overlaps "MARK-ovr summary"' \
	"$(kcal conflicts --from 2027-05-01 --to 2027-06-01)"
kcal feed add secret --include confidential >/dev/null || fail "feed add"
token=$(kcal feed list --format json | jq -r '.feeds[] | select(.name == "secret") | .url' |
	sed 's|.*/||; s|\.ics$||')
check_match "the writer's feed list has the token" '^[A-Za-z0-9_-]{16,}$' "$token"
# A briefing feed: its page's URL carries the same token, and its filters
# name the hidden visit and a confidential search.
kcal feed add brief --briefing "$cvisit" --include confidential \
	--search MARK-search >/dev/null || fail "feed add --briefing"
btoken=$(kcal feed list --format json | jq -r '.feeds[] | select(.name == "brief") | .briefing_url' |
	sed 's|.*/||; s|\.html$||')
check_match "the writer's feed list has the briefing page's token" \
	'^[A-Za-z0-9_-]{16,}$' "$btoken"

# --- Reminders: a confidential and a public one due in a few seconds. ---
# setpriv itself in the background (not the function ro, whose subshell
# would be $!): the kill at the end must reach the watcher, which would
# otherwise reconnect forever.
setpriv --reuid $U_RO --regid $G_SOCK --clear-groups -- \
	"$KCAL" watch --format json >"$T/ro-watch" 2>&1 & RW=$!
"$KCAL" watch --format json >"$T/rw-watch" 2>&1 & WW=$!
i=0; until [ "$(grep -c 'watching (' "$T/kcald.out")" -ge 2 ] || [ $i -ge 100 ]; do
	sleep 0.1; i=$((i + 1)); done
rem=$(add_hidden "MARK-rem summary" --class confidential --start +63s --remind 60s \
	--location "MARK-rem place")
# The public one follows the confidential one: its push must not name it.
prem=$(kcal add "PUB rem" --anchor "$rem" --offset 1s --remind 60s)

# The UIDs the reader must never see.
hidden="$priv $conf $citem $cvisit $rem roles-xclass-0001"
check_eq "six hidden events" 6 "$(echo $hidden | wc -w)"

# --- The writer sees everything. ---
W=$T/writer.out
{ kcal list --from 2027-05-01 --to 2027-06-01 --format json
  kcal show "$conf"; kcal itinerary "$visit" --format json
  kcal export --from 2027-05-01 --to 2027-06-01; kcal people --from 2027-05-01
} >"$W" 2>&1
for m in MARK-priv MARK-conf MARK-item MARK-xclass MARK-ovr "$conf" "$citem"; do
	check_match "the writer sees $m" "$m" "$(cat "$W")"
done

# --- The reader, through every command that reads. ---
R=$T/reader.out
: >"$R"
run() { echo "## $*" >>"$R"; ro "$KCAL" "$@" >>"$R" 2>&1; }
run list --from 2027-05-01 --to 2027-06-01
run list --from 2027-05-01 --to 2027-06-01 --format json
run list --from 2027-05-01 --to 2027-06-01 --search mark- --format json
run list --from 2027-05-01 --to 2027-06-01 --participant mark- --format json
run list --from 2027-05-01 --to 2027-06-01 --parent "$visit" --format json
for f in text markdown html ics json; do run itinerary "$visit" --format $f; done
run export --from 2027-05-01 --to 2027-06-01
run export
run people --from 2027-05-01
run people --from 2027-05-01 --format json
run people mark- --format json
run conflicts --from 2027-05-01 --to 2027-06-01 --format json
run conflicts --from 2027-05-01 --to 2027-06-01
run reminders --format json
run reminders --missed --format json
run feed list
run feed list --format json
run status
run show "$pub"
run show "$visit"
run show roles-series-0001
for u in $hidden; do
	out=$(ro "$KCAL" show "$u" 2>&1); rc=$?
	check_match "show of a hidden event: not_found, as for no event (exit $rc)" \
		"no event $u \(not_found\)" "$out"
	out=$(ro "$KCAL" itinerary "$u" 2>&1)
	check_match "itinerary of a hidden event: not_found" "\(not_found\)" "$out"
done
out=$(ro "$KCAL" show "$(echo "$conf" | cut -c1-8)" 2>&1)
check_match "a prefix of a hidden UID: not_found too" "\(not_found\)" "$out"
for u in $conf $cvisit $citem; do
	check_eq "get $u over the socket: the very reply a missing UID gets" \
		"$(ro_req '{"id":1,"cmd":"get","uid":"no-such-event"}' |
		sed 's/no-such-event/UID/')" \
		"$(ro_req "{\"id\":1,\"cmd\":\"get\",\"uid\":\"$u\"}" | sed "s/$u/UID/")"
done

# The pushed reminders: the public one arrives, the confidential one not.
check "the writer's watch gets the confidential reminder" \
	sh -c "i=0; until grep -q '$rem' '$T/rw-watch' && grep -q '$prem' '$T/rw-watch'; do
		i=\$((i+1)); [ \$i -gt 300 ] && exit 1; sleep 0.1; done"
check "the reader's watch gets the public reminder" \
	sh -c "i=0; until grep -q '$prem' '$T/ro-watch'; do
		i=\$((i+1)); [ \$i -gt 100 ] && exit 1; sleep 0.1; done"
echo "## watch" >>"$R"; cat "$T/ro-watch" >>"$R"
check_eq "... without its hidden anchor" "null null" \
	"$(grep "$prem" "$T/ro-watch" | jq -r '"\(.anchor) \(.anchor_offset)"')"
check_match "the writer's push names the anchor" "\"anchor\":\"$rem\"" \
	"$(grep "$prem" "$T/rw-watch")"
# A watcher that reconnects asks for what it missed: the replay too.
echo "## watch since 0 (replay)" >>"$R"
out=$(ro_req '{"id":1,"cmd":"watch","since":0}')
printf '%s\n' "$out" >>"$R"
check_match "the reader's replay has the public reminder" "$prem" "$out"
run reminders --missed --format json

# A member of the socket group alone is a reader too, with the same clearance.
out=$(setpriv --reuid 12102 --regid $G_SOCK --clear-groups -- "$KCAL" list \
	--from 2027-05-01 --to 2027-06-01 --format json 2>&1)
check_match "a socket_group member reads public events" "PUB talks" "$out"
check_eq "... and nothing hidden" 0 "$(printf '%s\n' "$out" | grep -c MARK)"

check_match "the reader saw the public events" "PUB talks" "$(cat "$R")"
check_match "... the public series" "PUB weekly briefing" "$(cat "$R")"
check_match "... the visit's public programme" "PUB banquet" "$(cat "$R")"
check_match "... and its own feed list" "secret" "$(cat "$R")"
n=$(grep -c 'MARK' "$R")
check_eq "no text of a hidden event reached the reader" 0 "$n"
[ "$n" -eq 0 ] || grep -n MARK "$R" | head -n 20
for u in $hidden; do
	check_eq "hidden UID $u never reached the reader" 0 "$(grep -c -- "$u" "$R")"
done
check_eq "no feed token reached the reader" 0 "$(grep -c -- "$token" "$R")"
check_eq "... nor the briefing page's" 0 "$(grep -c -- "$btoken" "$R")"
check_match "... which the reader sees withheld" '"name":"brief".*"withheld":true' \
	"$(ro "$KCAL" feed list --format json | jq -c '.feeds[]')"
# The override's occurrence (12 May, 06:33Z = 15:33 Seoul) is not shown in
# its series either: the series shows three of its four occurrences.
check_eq "the series: the occurrence the override hid is gone" 3 \
	"$(ro "$KCAL" list --from 2027-05-01 --to 2027-06-01 --format json |
	jq '[.events[] | select(.uid == "roles-series-0001")] | length')"
check_eq "... its time is nowhere" 0 "$(grep -Ec \
	'2027-05-12T(06|15):33|(06|15):33-|20270512T063300|1810103580' "$R")"
check_eq "the anchored item does not name its hidden anchor or offset" "null null" \
	"$(ro "$KCAL" list --from 2027-05-01 --to 2027-06-01 --format json |
	jq -r ".events[] | select(.uid == \"$anch\") | \"\(.anchor) \(.anchor_offset)\"")"
check_eq "hello: the reader's role and clearance" "read public" \
	"$(ro_req '{"id":1,"cmd":"hello"}' | jq -r '"\(.result.access) \(.result.clearance)"')"
check_eq "hello: the writer's" "write confidential" \
	"$(rw_req '{"id":1,"cmd":"hello"}' | jq -r '"\(.result.access) \(.result.clearance)"')"
kill $RW $WW 2>/dev/null; wait $RW $WW 2>/dev/null
stop_daemon

# --- readonly_clearance raises what the reader sees. ---
printf 'readonly_users = %s\nreadonly_clearance = private\n' $U_RO >"$T/kcald.conf"
start_daemon --config "$T/kcald.conf" --socket-group $G_SOCK || exit 1
out=$(ro "$KCAL" list --from 2027-05-01 --to 2027-06-01 --format json 2>&1)
check_match "readonly_clearance = private: private events show" "MARK-priv summary" "$out"
check_match "... and an unknown class (private)" "MARK-xclass summary" "$out"
check_eq "... confidential ones not" 0 "$(printf '%s\n' "$out" | grep -c 'MARK-conf\|MARK-ovr\|MARK-item')"
stop_daemon
printf 'readonly_users = %s\nreadonly_clearance = confidential\n' $U_RO >"$T/kcald.conf"
start_daemon --config "$T/kcald.conf" --socket-group $G_SOCK || exit 1
out=$(ro "$KCAL" list --from 2027-05-01 --to 2027-06-01 --format json 2>&1)
for m in MARK-priv MARK-conf MARK-item MARK-xclass MARK-ovr; do
	check_match "readonly_clearance = confidential: $m shows" "$m" "$out"
done
check_match "... show of a confidential event works" "MARK-conf notes" \
	"$(ro "$KCAL" show "$conf" 2>&1)"
check_eq "... but feed tokens still go to writers only" 0 \
	"$(ro "$KCAL" feed list --format json 2>&1 | grep -c -- "$token")"
printf 'readonly_clearance = secret\n' >"$T/bad.conf"
out=$("$KCALD" --config "$T/bad.conf" --socket "$T/bad.sock" --data-dir "$T/bad" 2>&1)
check_match "a bad readonly_clearance is refused, naming the choices" \
	"readonly_clearance is public, private or confidential" "$out"

done_testing
