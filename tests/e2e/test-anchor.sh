#!/bin/sh
# tests/e2e/test-anchor.sh — anchored logistics with the real daemon: an
# event anchored to another (--anchor UID --offset -15m) takes its start
# from it and moves with it, transitively (a chain of two), each move
# bumping SEQUENCE and re-planning reminders; the anchor survives a
# restart; a cycle, a start given to an anchored event and an offset
# without an anchor are refused and change nothing; an import keeps the
# same rules (followers of an imported anchor move, cycles are refused).
. "$(dirname "$0")/lib.sh"

start_daemon || exit 1
SH=Asia/Shanghai
# Peak memory bounds (kB), and seconds; ASan keeps freed memory in
# quarantine, valgrind is slow.
max_rss=300000 max_secs=20
if [ -n "$KCAL_SANITIZED" ] || [ -n "$KCALD_WRAPPER" ]; then
	max_rss=1500000 max_secs=120
fi
field() { kcal show "$1" --format json | jq -r "$2"; }

visit=$(kcal add "Visit (test)" --kind state-visit --start 2026-01-04 \
	--end 2026-01-08 --tz $SH)
cer=$(kcal add "Welcome ceremony" --kind ceremony --parent "$visit" \
	--start "2026-01-05 15:30" --duration 30m --tz $SH \
	--location "Great Hall of the People, Beijing")
mot=$(kcal add "Motorcade departs" --kind travel --parent "$visit" \
	--anchor "$cer" --offset -15m --duration 15m --tz $SH \
	--location "State Guesthouse -> Great Hall of the People, Beijing")
check_match "add --anchor without --start" '@kcal$' "$mot"
check_eq "the follower starts 15 minutes before its anchor" \
    "2026-01-05T15:15:00+08:00 2026-01-05T15:30:00+08:00" \
    "$(field "$mot" '.start + " " + .end')"
check_eq "anchor and offset in the event object" "$cer -900" \
    "$(field "$mot" '.anchor + " " + (.anchor_offset | tostring)')"
ics=$(kcal show "$mot" --format ics)
check_match "X-KCAL-ANCHOR in the VEVENT" "^X-KCAL-ANCHOR:$cer" "$ics"
check_match "X-KCAL-ANCHOR-OFFSET as a duration" '^X-KCAL-ANCHOR-OFFSET:-PT15M' \
    "$ics"
sweep=$(kcal add "Security sweep" --parent "$visit" --anchor "${mot%@kcal}" \
	--offset -1h --duration 30m --tz $SH)
check_eq "a chain: anchored to the follower" "2026-01-05T14:15:00+08:00" \
    "$(field "$sweep" .start)"

# --- moving the anchor moves the chain -----------------------------------
s_mot=$(field "$mot" .sequence)
s_sweep=$(field "$sweep" .sequence)
kcal edit "$cer" --start "2026-01-05 16:00" --format json \
    >"$T/edit.json" 2>"$T/edit.err"
check_eq "the edit reports what moved, in order" "$mot $sweep" \
    "$(jq -r '.moved | join(" ")' "$T/edit.json")"
check_match "and says so on stderr" "moved with it: $mot" "$(cat "$T/edit.err")"
check_eq "the follower moved with its anchor" "2026-01-05T15:45:00+08:00" \
    "$(field "$mot" .start)"
check_eq "its duration kept" "2026-01-05T16:00:00+08:00" "$(field "$mot" .end)"
check_eq "the chain's second link moved too" "2026-01-05T14:45:00+08:00" \
    "$(field "$sweep" .start)"
check_eq "SEQUENCE bumped on the follower" $((s_mot + 1)) \
    "$(field "$mot" .sequence)"
check_eq "SEQUENCE bumped on the second link" $((s_sweep + 1)) \
    "$(field "$sweep" .sequence)"
check_match "the itinerary says what the motorcade follows" \
    'anchored: 15m before Welcome ceremony' "$(kcal itinerary "$visit")"

# A new offset moves the follower and its own followers.
kcal edit "$mot" --offset -30m >/dev/null 2>&1
check_eq "--offset moves the follower" "2026-01-05T15:30:00+08:00" \
    "$(field "$mot" .start)"
check_eq "... and the chain below it" "2026-01-05T14:30:00+08:00" \
    "$(field "$sweep" .start)"
# An edit that does not touch the time leaves the follower where it is.
kcal edit "$mot" --summary "Motorcade leaves the guesthouse" >/dev/null 2>&1
check_eq "a rename keeps the follower's time" "2026-01-05T15:30:00+08:00" \
    "$(field "$mot" .start)"

# --- refusals -------------------------------------------------------------
s_cer=$(field "$cer" .sequence)
out=$(kcal edit "$cer" --anchor "$sweep" 2>&1); rc=$?
check_eq "an anchor cycle is refused (exit 1)" 1 "$rc"
check_match "... naming the cycle" \
    "would make a cycle \\($cer -> $sweep -> $mot -> $cer\\).*\\(bad_argument\\)" \
    "$out"
check_eq "... and changes nothing" "null $s_cer 2026-01-05T16:00:00+08:00" \
    "$(field "$cer" '"\(.anchor) \(.sequence) \(.start)"')"
check_rc "an event cannot follow itself" 1 kcal edit "$cer" --anchor "$cer"
check_match "a start for an anchored event is refused" \
    'anchored to .* which sets its start' \
    "$(kcal edit "$mot" --start "2026-01-05 09:00" 2>&1)"
check_eq "... and it stays" "2026-01-05T15:30:00+08:00" "$(field "$mot" .start)"
check_match "--offset needs an anchor" 'needs an anchor' \
    "$(kcal edit "$cer" --offset 10m 2>&1)"
check_match "an unknown anchor" 'not_found' \
    "$(kcal add "Orphan" --anchor nonesuch-anchor 2>&1)"
check_rc "an all-day event cannot be anchored" 1 \
    kcal add "Day" --all-day --start 2026-01-05 --anchor "$cer"

# --no-anchor: it stays put and no longer follows.
kcal edit "$sweep" --no-anchor >/dev/null 2>&1
check_eq "--no-anchor keeps the time" "2026-01-05T14:30:00+08:00 null" \
    "$(field "$sweep" '"\(.start) \(.anchor)"')"
check_eq "... and removes the properties" "" \
    "$(kcal show "$sweep" --format ics | grep X-KCAL-ANCHOR)"
kcal edit "$cer" --start "2026-01-05 17:00" >/dev/null 2>&1
check_eq "the anchored follower still moves" "2026-01-05T16:30:00+08:00" \
    "$(field "$mot" .start)"
check_eq "the detached one does not" "2026-01-05T14:30:00+08:00" \
    "$(field "$sweep" .start)"

# --- the anchor survives a restart --------------------------------------
stop_daemon
start_daemon || exit 1
kcal edit "$cer" --start "2026-01-05 15:30" >/dev/null 2>&1
check_eq "after a restart the follower still moves" "2026-01-05T15:00:00+08:00" \
    "$(field "$mot" .start)"

# --- reminders are planned again -------------------------------------------
fa=$(kcal add "Future ceremony" --start "2027-03-10 10:00" --tz Asia/Seoul)
ff=$(kcal add "Future motorcade" --anchor "$fa" --offset -15m --duration 15m \
	--tz Asia/Seoul --remind 10m)
rem() {
	kcal reminders --from 2027-03-10 --to 2027-03-11 --format json |
	    jq -r --arg u "$ff" '[.reminders[] | select(.uid == $u) | .at] | join(" ")'
}
check_eq "the follower's reminder" "2027-03-10T09:35:00+09:00" "$(rem)"
kcal edit "$fa" --start "2027-03-10 11:00" >/dev/null 2>&1
check_eq "moves with the anchor" "2027-03-10T10:35:00+09:00" "$(rem)"

# --- an anchored event happens in its anchor's zone ------------------------
bj=$(kcal add "Beijing ceremony (zone)" --start "2026-02-10 10:00" --tz $SH)
mc=$(kcal add "Motorcade (zone)" --anchor "$bj" --offset -15m --duration 15m)
check_eq "a follower takes its anchor's zone, not the home zone" \
    "Asia/Shanghai 2026-02-10T09:45:00+08:00" "$(field "$mc" '"\(.tz) \(.start)"')"
check_match "... and is shown at 09:45 CST" '09:45.*CST' "$(kcal show "$mc")"
mk=$(kcal add "Motorcade (home zone)" --anchor "$bj" --offset -15m \
	--duration 15m --tz Asia/Seoul)
check_eq "--tz still wins" "Asia/Seoul 2026-02-10T10:45:00+09:00" \
    "$(field "$mk" '"\(.tz) \(.start)"')"

# --- chains: what is accepted can be moved ---------------------------------
# A root and 64 events following one another: the deepest allowed.
prev=$(kcal add "Chain root" --start "2026-03-01 08:00" --duration 5m --uid chain-0)
i=1
while [ $i -le 64 ]; do
	prev=$(kcal add "Chain $i" --anchor "$prev" --offset 1m --duration 1m \
	    --uid "chain-$i") || break
	i=$((i + 1))
done
check_eq "a chain 64 deep is accepted" chain-64 "$prev"
out=$(kcal add "Chain 65" --anchor chain-64 --offset 1m 2>&1); rc=$?
check_eq "the 65th link is refused (exit 1)" 1 "$rc"
check_match "... naming the limit" 'more than 64 deep; at most 64 may follow' "$out"
kcal edit chain-0 --start "2026-03-01 09:00" --format json >"$T/chain.json" \
    2>"$T/chain.err"
check_eq "the root of a 64-deep chain moves" 64 \
    "$(jq '.moved | length' "$T/chain.json" 2>/dev/null)"
check_eq "... and its deepest link with it" "2026-03-01T10:04:00+09:00" \
    "$(field chain-64 .start)"
# An event with followers of its own counts them: X (followed by Y)
# under chain-63 would put Y 65 deep.
kcal add "X" --start "2026-03-02 09:00" --uid chain-x >/dev/null
kcal add "Y" --anchor chain-x --offset 5m --uid chain-y >/dev/null
out=$(kcal edit chain-x --anchor chain-63 2>&1)
check_match "an edit that would make a chain too deep below is refused" \
    '65 deep \(with its own followers\); at most 64' "$out"
check_eq "... and changes nothing" "null" "$(field chain-x .anchor)"
check_rc "one level higher it fits" 0 kcal edit chain-x --anchor chain-62
kcal edit chain-0 --start "2026-03-01 08:00" >/dev/null 2>&1
check_eq "... and the root still moves all of it" "2026-03-01T09:07:00+09:00" \
    "$(field chain-y .start)"
rss=$(awk '/^VmHWM/ { print $2 }' "/proc/$KCALD_PID/status" 2>/dev/null)
check "kcald's peak memory stays small (${rss} kB)" test "${rss:-0}" -lt $max_rss

# --- a cancelled follower moves with its anchor (restored, it is where its
# anchor says; it stayed behind, anchored, at the old time) ---------------
kcal add "Arrival (cf)" --start "2026-04-10 10:00" --tz $SH --uid cf-anchor \
	>/dev/null
kcal add "Press (cf)" --anchor cf-anchor --offset 2h --uid cf-f >/dev/null
kcal cancel cf-f >/dev/null
out=$(kcal edit cf-anchor --start "2026-04-11 10:00" --format json 2>/dev/null)
check_eq "moving an anchor moves its cancelled follower too" '["cf-f"]' \
	"$(jget "$out" ".moved | tostring")"
check_eq "... to its anchor's start plus its offset, still cancelled" \
	"2026-04-11T12:00:00+08:00 cancelled" "$(field cf-f '"\(.start) \(.status)"')"
kcal edit cf-f --status confirmed >/dev/null
check_eq "... and restored, it is there" "2026-04-11T12:00:00+08:00 confirmed" \
	"$(field cf-f '"\(.start) \(.status)"')"

# --- deleting an anchor detaches its followers ------------------------------
ra=$(kcal add "Arrival (rm)" --start "2026-04-01 10:00" --tz $SH --uid rm-anchor)
f1=$(kcal add "Motorcade (rm)" --anchor rm-anchor --offset -30m --uid rm-f1)
f2=$(kcal add "Press (rm)" --anchor rm-anchor --offset 1h --uid rm-f2)
kcal cancel rm-f2 >/dev/null
g1=$(kcal add "Sweep (rm)" --anchor rm-f1 --offset -1h --uid rm-g1)
s_f1=$(field rm-f1 .sequence)
kcal rm rm-anchor --yes >"$T/rm.out" 2>"$T/rm.err"
check_eq "rm says it deleted" "deleted rm-anchor" "$(cat "$T/rm.out")"
check_match "... and which events no longer follow it" \
    'no longer anchored, kept at its time: rm-f1' "$(cat "$T/rm.err")"
check_match "... cancelled ones too" 'kept at its time: rm-f2' "$(cat "$T/rm.err")"
check_eq "a follower keeps its time and follows nothing" \
    "2026-04-01T09:30:00+08:00 null null" \
    "$(field rm-f1 '"\(.start) \(.anchor) \(.anchor_offset)"')"
check_eq "... its SEQUENCE bumped" $((s_f1 + 1)) "$(field rm-f1 .sequence)"
check_eq "... X-KCAL-ANCHOR gone" "" \
    "$(kcal show rm-f1 --format ics | grep X-KCAL-ANCHOR)"
check_eq "its own follower still follows it" "rm-f1" "$(field rm-g1 .anchor)"
check_rc "the detached follower can be edited" 0 \
    kcal edit rm-f1 --start "2026-04-01 09:00"
check_eq "... and its follower moves with it" "2026-04-01T08:00:00+08:00" \
    "$(field rm-g1 .start)"
kcal add "Someone else (rm)" --start "2026-05-01 10:00" --uid rm-anchor >/dev/null
check_eq "an event added later under the UID moves nothing" \
    "2026-04-01T09:00:00+08:00" "$(field rm-f1 .start)"
r=$(printf '{"id":1,"cmd":"delete","uid":"rm-anchor"}\n' | python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
f = s.makefile("rwb"); f.readline()
f.write(sys.stdin.buffer.read()); f.flush()
sys.stdout.buffer.write(f.readline())' "$KCAL_SOCKET")
check_eq "the delete reply lists what it detached (none here)" "true []" \
    "$(jget "$r" '"\(.result.deleted) \(.result.detached | tojson)"')"

# --- a damaged record is damaged, not missing -----------------------------
da=$(kcal add "Damaged anchor" --start "2026-06-01 10:00" --uid dmg-anchor)
df=$(kcal add "Its follower" --anchor dmg-anchor --offset -15m --uid dmg-f)
python3 - "$T/data/kcal.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=10)
(text,) = db.execute("SELECT ical FROM events WHERE uid = 'dmg-anchor'").fetchone()
text = "\r\n".join(l for l in text.split("\r\n") if not l.startswith("DTSTART"))
db.execute("UPDATE events SET ical = ? WHERE uid = 'dmg-anchor'", (text,))
db.commit()
PY
out=$(kcal edit dmg-f --offset -20m 2>&1)
check_match "a record without DTSTART: 'damaged', a store error" \
    'anchor dmg-anchor: the stored record is damaged .*DTSTART.*\(store_error\)' "$out"
check_eq "... not not_found" "" "$(printf '%s' "$out" | grep not_found)"

# --- durations and offsets as typed ------------------------------------------
out=$(kcal add "Twice a week" --start "2026-07-01 10:00" --duration 1w1w 2>&1); rc=$?
check_eq "--duration 1w1w is refused (exit 2)" 2 "$rc"
check_match "... saying each unit goes once" 'each once' "$out"
z=$(kcal add "At the anchor" --anchor "$bj" --offset -0s --duration 10m)
check_eq "--offset -0s is no offset" "2026-02-10T10:00:00+08:00 0" \
    "$(field "$z" '"\(.start) \(.anchor_offset)"')"
check_rc "--offset 15m15m is refused" 2 kcal edit "$z" --offset 15m15m

# --- imports keep the anchors' rules ---------------------------------------
# An imported anchor that moved moves the stored events that follow it; the
# file's own followers keep the file's times; a file that would make a
# cycle is refused whole.
kcal add "Imported anchor" --start "2026-10-01T10:00:00Z" --uid imp-a >/dev/null
kcal add "Its stored follower" --anchor imp-a --offset -15m --duration 15m \
    --uid imp-f >/dev/null
kcal add "Its follower's follower" --anchor imp-f --offset -5m --duration 5m \
    --uid imp-g >/dev/null
s_f=$(field imp-f .sequence)
utc() { date -u -d "$(field "$1" .start)" +%Y-%m-%dT%H:%M:%SZ; }
vcal() {
	printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n'
	for v in "$@"; do printf '%s\n' "$v"; done
	printf 'END:VCALENDAR\r\n'
}
vev() {	# UID START SEQUENCE [ANCHOR OFFSET]
	printf 'BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\n' "$1"
	printf 'DTSTART:%s\r\nDURATION:PT15M\r\nSEQUENCE:%s\r\n' "$2" "$3"
	printf 'SUMMARY:%s\r\n' "$1"
	[ -n "$4" ] && printf 'X-KCAL-ANCHOR:%s\r\nX-KCAL-ANCHOR-OFFSET:%s\r\n' \
	    "$4" "$5"
	printf 'END:VEVENT\r\n'
}
vcal "$(vev imp-a 20261001T110000Z 5)" >"$T/imp-a.ics"
kcal import "$T/imp-a.ics" --format json >"$T/imp-a.json" 2>"$T/imp-a.err"
check_eq "an imported anchor's move moves its stored followers, in order" \
    "imp-f imp-g" "$(jq -r '.moved | join(" ")' "$T/imp-a.json")"
check_eq "the follower is 15 minutes before the anchor's new start" \
    "2026-10-01T10:45:00Z" "$(utc imp-f)"
check_eq "... its own follower 5 minutes before that" "2026-10-01T10:40:00Z" \
    "$(utc imp-g)"
check_eq "... its SEQUENCE bumped" $((s_f + 1)) "$(field imp-f .sequence)"
vcal "$(vev imp-a 20261001T120000Z 6)" \
    "$(vev imp-f 20261001T080000Z 9 imp-a -PT15M)" >"$T/imp-af.ics"
kcal import "$T/imp-af.ics" --format json >"$T/imp-af.json" 2>/dev/null
check_eq "a follower in the file keeps the file's time" \
    "2026-10-01T08:00:00Z" "$(utc imp-f)"
check_eq "... and is not reported as moved" "imp-g" \
    "$(jq -r '.moved | join(" ")' "$T/imp-af.json")"
vcal "$(vev imp-a 20261001T130000Z 7)" >"$T/imp-a2.ics"
check_match "a text import names what moved on stderr" \
    "imp-a2.ics: moved with its anchor: imp-f" \
    "$(kcal import "$T/imp-a2.ics" 2>&1 >/dev/null)"
check_eq "... which follows the anchor from the file's offset" \
    "2026-10-01T12:45:00Z" "$(utc imp-f)"
vcal "$(vev imp-a 20261001T140000Z 8)" >"$T/imp-a3.ics"
r=$(python3 - "$KCAL_SOCKET" "$T/imp-a3.ics" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
f = s.makefile("rwb"); f.readline()
req = {"id": 1, "cmd": "import", "ical": open(sys.argv[2]).read()}
f.write((json.dumps(req) + "\n").encode()); f.flush()
sys.stdout.write(f.readline().decode())
PY
)
check_eq "the one-request import moves them too" "imp-f imp-g" \
    "$(jget "$r" '.result.moved | join(" ")')"
check_eq "... to the anchor's new start less the offset" \
    "2026-10-01T13:45:00Z" "$(utc imp-f)"
vcal "$(vev cyc-a 20261101T100000Z 0 cyc-b PT0S)" \
    "$(vev cyc-b 20261101T100000Z 0 cyc-a PT0S)" >"$T/cyc.ics"
out=$(kcal import "$T/cyc.ics" 2>&1); rc=$?
check_eq "a file whose anchors make a cycle is refused (exit 1)" 1 "$rc"
check_match "... naming the cycle" \
    "would make a cycle \\(cyc-a -> cyc-b -> cyc-a\\).*nothing imported.*\\(bad_ical\\)" \
    "$out"
check_rc "... and nothing of it is stored" 1 kcal show cyc-a
# The chains are those the file leaves, whatever its order: two stored
# pairs, each follower becoming the anchor, the file in either order.
for o in "ordp-b ordp-a" "ordq-a ordq-b"; do
	set -- $o
	vcal "$(vev "${1%-?}-a" 20261101T100000Z 0)" \
	    "$(vev "${1%-?}-b" 20261101T100000Z 0 "${1%-?}-a" PT0S)" \
	    >"$T/ord.ics"
	kcal import "$T/ord.ics" >/dev/null 2>&1
	if [ "$1" = "${1%-?}-b" ]; then
		vcal "$(vev "$1" 20261101T100000Z 1)" \
		    "$(vev "$2" 20261101T100000Z 1 "$1" PT0S)" >"$T/ord2.ics"
	else
		vcal "$(vev "$1" 20261101T100000Z 1 "$2" PT0S)" \
		    "$(vev "$2" 20261101T100000Z 1)" >"$T/ord2.ics"
	fi
	check "the anchor and its follower trade places ($o)" \
	    kcal import "$T/ord2.ics"
done
check_eq "... the follower now the anchor" "ordp-b" "$(field ordp-a .anchor)"
check_eq "... and the anchor the follower" "null" "$(field ordq-b .anchor)"
vcal "$(vev imp-a 20261001T120000Z 9 imp-g PT1H)" >"$T/cyc2.ics"
out=$(kcal import "$T/cyc2.ics" 2>&1)
check_match "a cycle through stored events is refused too" \
    "anchoring imp-a to imp-g would make a cycle" "$out"
check_eq "... the stored anchor unchanged" 8 "$(field imp-a .sequence)"
out=$(kcal import --dry-run "$T/cyc.ics" 2>&1); rc=$?
check_eq "a dry run refuses the cycle as the import would (exit 1)" 1 "$rc"
vcal "$(vev imp-a 20261001T150000Z 9)" >"$T/imp-a4.ics"
check_eq "a dry run names what would move" "imp-f imp-g" \
    "$(kcal import --dry-run --format json "$T/imp-a4.ics" |
    jq -r '.moved | join(" ")')"
check_eq "... and moves nothing" "2026-10-01T13:45:00Z" "$(utc imp-f)"
# a follower the file holds unchanged keeps its time: it is the file's
kcal show imp-f --format ics >"$T/imp-f.ics"
vcal "$(vev imp-a 20261001T160000Z 10)" "$(sed -n '/^BEGIN:VEVENT/,/^END:VEVENT/p' \
    "$T/imp-f.ics")" >"$T/imp-af2.ics"
kcal import --format json "$T/imp-af2.ics" >"$T/imp-af2.json" 2>/dev/null
check_eq "a follower in the file, unchanged, is not moved (nor is its own)" \
    "2026-10-01T13:45:00Z unchanged []" \
    "$(utc imp-f) $(jq -r '(.events[] | select(.uid == "imp-f") | .action)
    + " " + (.moved | tojson)' "$T/imp-af2.json")"
# an all-day anchor moves its followers as an edit does
kcal add "All-day anchor" --start 2026-11-02 --uid imp-day >/dev/null
kcal add "Its follower" --anchor imp-day --offset 10h --duration 1h \
    --uid imp-dayf >/dev/null
printf 'BEGIN:VEVENT\r\nUID:imp-day\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20261105\r\nSEQUENCE:3\r\nSUMMARY:All-day anchor\r\nEND:VEVENT\r\n' \
    >"$T/day.vev"
vcal "$(cat "$T/day.vev")" >"$T/day.ics"
check_eq "an imported all-day anchor moves its followers" "imp-dayf" \
    "$(kcal import --format json "$T/day.ics" | jq -r '.moved | join(" ")')"
# a follower that cannot be moved refuses the file, naming it
kcal add "Second-pass anchor" --start 2026-10-25T00:30:00Z --tz UTC \
    --uid imp-sp >/dev/null
kcal add "Monthly follower" --anchor imp-sp --offset 0s --duration 30m \
    --tz Europe/Berlin --rrule FREQ=MONTHLY --uid imp-spf >/dev/null
vcal "$(vev imp-sp 20261025T013000Z 4)" >"$T/sp.ics"
out=$(kcal import "$T/sp.ics" 2>&1); rc=$?
check_eq "a follower that cannot move refuses the import (exit 1)" 1 "$rc"
check_match "... naming it and why" \
    'imp-spf cannot move with its anchor imp-sp: a recurring event cannot start.*\(bad_ical\)' \
    "$out"

# --- an anchor with hundreds of followers moves in bounded memory ----------
# 400 followers at the same hour, all with one participant: moving their
# anchor made every pair of them a conflict to report (gigabytes).
{
	printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n'
	printf 'BEGIN:VEVENT\r\nUID:crowd-root\r\nDTSTAMP:20260101T000000Z\r\n'
	printf 'DTSTART:20260901T010000Z\r\nDTEND:20260901T020000Z\r\n'
	printf 'SUMMARY:Crowd root\r\nATTENDEE;CN=Kim:mailto:kim@example.org\r\n'
	printf 'END:VEVENT\r\n'
	i=1
	while [ $i -le 400 ]; do
		printf 'BEGIN:VEVENT\r\nUID:crowd-%s\r\nDTSTAMP:20260101T000000Z\r\n' $i
		printf 'DTSTART:20260901T010000Z\r\nDTEND:20260901T020000Z\r\n'
		printf 'SUMMARY:Follower %s\r\n' $i
		printf 'ATTENDEE;CN=Kim:mailto:kim@example.org\r\n'
		printf 'X-KCAL-ANCHOR:crowd-root\r\nX-KCAL-ANCHOR-OFFSET:PT0S\r\n'
		printf 'END:VEVENT\r\n'
		i=$((i + 1))
	done
	printf 'END:VCALENDAR\r\n'
} >"$T/crowd.ics"
check_rc "400 followers of one anchor imported" 0 kcal import "$T/crowd.ics"
t0=$(date +%s)
kcal edit crowd-root --start "2026-09-02T01:00:00Z" --format json \
    >"$T/crowd.json" 2>/dev/null
t1=$(date +%s)
check_eq "moving their anchor moves all 400" 400 \
    "$(jq '.moved | length' "$T/crowd.json" 2>/dev/null)"
check "... within $max_secs s" test $((t1 - t0)) -le $max_secs
size=$(wc -c <"$T/crowd.json")
check "... with a bounded reply ($size bytes)" test "$size" -lt 5000000
check_eq "... that says its conflicts are cut" true \
    "$(jq '.conflicts_truncated' "$T/crowd.json" 2>/dev/null)"
rss=$(awk '/^VmHWM/ { print $2 }' "/proc/$KCALD_PID/status" 2>/dev/null)
check "... and kcald's peak memory stays small (${rss} kB)" \
    test "${rss:-0}" -lt $max_rss

done_testing
