#!/bin/sh
# tests/e2e/test-conflicts.sh — `kcal conflicts` and the checks of add and
# edit with the real daemon: the example visit is a clean programme; then
# each kind of clash is made and found (a participant in two overlapping
# events, too little time between cities for the configured transfer, an
# item outside its visit's dates); add and edit warn on stderr and succeed,
# --strict refuses with the error "conflict" and changes nothing (an
# anchored follower included); an occurrence overridden clashes with its
# own time and people; transfer times come from kcald.conf and are
# re-read on SIGHUP.
. "$(dirname "$0")/lib.sh"

cat >"$T/kcald.conf" <<'EOF'
transfer_default = 1h
transfer Beijing Shanghai = 2h30m
transfer "Hong Kong" Beijing = 3h30m
EOF
start_daemon --config "$T/kcald.conf" || exit 1
visit=$(sh "$top/contrib/examples/state-visit.sh" "$KCAL")
check_match "the example visit loads" '@kcal$' "$visit"
W="--from 2025-01-01 --to 2027-01-01"
SH=Asia/Shanghai
LEE="Lee Jae-myung;guest;KR;1"
count() { kcal conflicts $W --format json | jq "$1"; }

check_eq "the example is a clean programme" "No conflicts." \
    "$(kcal conflicts $W)"
check_eq "... in JSON too" 0 "$(count .count)"

# --- (a) one participant in two overlapping events ----------------------
ov=$(kcal add "Side meeting (test)" --parent "$visit" --kind meeting \
	--start "2026-01-05 16:30" --duration 30m --tz $SH --location Beijing \
	--participant "lee jae-myung;guest;KR" 2>"$T/add.err"); rc=$?
check_eq "add with a clash succeeds" 0 "$rc"
check_match "... and warns on stderr" \
    'warning: overlap conflict: Lee Jae-myung: "Korea-China summit" \(Mon 2026-01-05 16:00 CST to 17:30 CST\) overlaps "Side meeting \(test\)"' \
    "$(cat "$T/add.err")"
check "... and the event is stored" kcal show "$ov"
j=$(kcal conflicts $W --format json)
check_eq "conflicts finds the overlap" "overlap" "$(jget "$j" '[.conflicts[].type] | join(",")')"
check_eq "... naming both events" "Korea-China summit|Side meeting (test)" \
    "$(jget "$j" '.conflicts[0].events | map(.summary) | join("|")')"
check_eq "... and the participant (names without regard to case)" \
    "Lee Jae-myung" "$(jget "$j" '.conflicts[0].participants | join(",")')"
kcal rm "$ov" --yes >/dev/null

# --- (b) consecutive events in different cities, too close -------------
sh1=$(kcal add "Lunch in Shanghai (test)" --parent "$visit" --kind banquet \
	--start "2026-01-06 14:00" --duration 30m --tz $SH \
	--location "The Bund, Shanghai" --participant "$LEE" 2>"$T/add.err")
check_match "a tight transfer warns" \
    'warning: transfer conflict: Lee Jae-myung: only 30m from "Luncheon with Premier Li Qiang" in Beijing \(ends 13:30 CST\) to "Lunch in Shanghai \(test\)" in Shanghai' \
    "$(cat "$T/add.err")"
j=$(kcal conflicts $W --format json)
check_eq "conflicts finds the transfer with the configured time" \
    "transfer Beijing Shanghai 1800 9000" \
    "$(jget "$j" '.conflicts[0] | "\(.type) \(.from_city) \(.to_city) \(.gap) \(.transfer)"')"
kcal rm "$sh1" --yes >/dev/null
# transfer_default for a pair not configured.
kcal add "Seoul briefing (test)" --start "2026-02-02 10:00" --duration 1h \
	--location "Blue House, Seoul" --participant "Kim Test" >/dev/null
kcal add "Incheon departure (test)" --start "2026-02-02 11:30" --duration 1h \
	--location "Incheon" --participant "Kim Test" >/dev/null 2>&1
check_eq "transfer_default between other cities" "transfer 1800 3600" \
    "$(kcal conflicts --from 2026-02-01 --to 2026-02-03 --format json |
	jq -r '.conflicts[0] | "\(.type) \(.gap) \(.transfer)"')"
# A quoted city in kcald.conf.
kcal add "Hong Kong call (test)" --start "2026-03-02 09:00" --duration 1h \
	--city "Hong Kong" --participant "Kim Test" >/dev/null 2>&1
kcal add "Beijing call (test)" --start "2026-03-02 12:00" --duration 1h \
	--city Beijing --participant "Kim Test" >/dev/null 2>&1
check_eq "a quoted city pair" "12600" \
    "$(kcal conflicts --from 2026-03-01 --to 2026-03-03 --format json |
	jq -r '.conflicts[0].transfer')"
# SIGHUP re-reads the transfer times.
printf 'transfer "Hong Kong" Beijing = 1h\n' >"$T/kcald.conf"
kill -HUP "$KCALD_PID"
i=0
until [ "$(kcal conflicts --from 2026-03-01 --to 2026-03-03 --format json |
    jq .count)" = 0 ] || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
check_eq "SIGHUP: the new transfer time applies" 0 \
    "$(kcal conflicts --from 2026-03-01 --to 2026-03-03 --format json | jq .count)"
check_eq "... and the default is back to 1h" "3600" \
    "$(kcal conflicts --from 2026-02-01 --to 2026-02-03 --format json |
	jq -r '.conflicts[0].transfer')"
printf 'transfer Beijing Shanghai = 2h30m\n' >"$T/kcald.conf"
kill -HUP "$KCALD_PID"
sleep 0.3

# --- (c) a programme item outside the visit's dates ----------------------
late=$(kcal add "Follow-up (test)" --parent "$visit" --start "2026-01-09 10:00" \
	--tz $SH --location Beijing 2>"$T/add.err")
check_match "an item outside the visit warns" \
    'warning: outside_visit conflict: "Follow-up \(test\)" \(Fri 2026-01-09 10:00 CST to 11:00 CST\) is outside the dates of its visit "State visit of President Lee Jae-myung to China" \(Sun 2026-01-04 to Wed 2026-01-07\)' \
    "$(cat "$T/add.err")"
check_eq "conflicts finds it" "outside_visit" \
    "$(kcal conflicts --from 2026-01-01 --to 2026-01-31 --format json |
	jq -r '[.conflicts[].type] | join(",")')"
kcal edit "$late" --start "2026-01-07 09:00" >/dev/null 2>"$T/edit.err"
check_eq "moved inside the visit: no warning" "" "$(cat "$T/edit.err")"
kcal edit "$visit" --start 2026-01-05 --end 2026-01-08 >/dev/null \
    2>"$T/edit.err"
check_match "shortening the visit warns about what falls outside" \
    'outside_visit conflict: "Flight Seoul - Beijing"' "$(cat "$T/edit.err")"
kcal edit "$visit" --start 2026-01-04 --end 2026-01-08 >/dev/null 2>&1
check_eq "the visit is a clean programme again" "No conflicts." \
    "$(kcal conflicts --from 2026-01-01 --to 2026-01-31)"

# --- --strict refuses and changes nothing -------------------------------
n0=$(kcal list $W --format json | jq .count)
out=$(kcal add "Strict clash (test)" --parent "$visit" --kind meeting \
	--start "2026-01-05 16:30" --duration 30m --tz $SH --location Beijing \
	--participant "Xi Jinping;host;CN;1" --strict 2>&1); rc=$?
check_eq "--strict refuses a clash (exit 1)" 1 "$rc"
check_match "... with the error code conflict and what clashes" \
    'refused \(strict\), 1 conflict:.*Xi Jinping: "Korea-China summit".*\(conflict\)' \
    "$(printf '%s' "$out" | tr '\n' ' ')"
check_eq "... and nothing is stored" "$n0" "$(kcal list $W --format json | jq .count)"
ok=$(kcal add "Strict but clean (test)" --start "2026-01-05 22:00" --tz $SH \
	--location Beijing --participant "$LEE" --strict 2>&1)
check_match "--strict without a clash succeeds" '@kcal$' "$ok"
summit=$(kcal list --from 2026-01-05 --to 2026-01-06 --search "Korea-China summit" \
    --format json | jq -r '.events[0].uid')
before=$(kcal show "$summit" --format json | jq -c '[.start, .sequence]')
check_rc "edit --strict into a clash is refused" 1 \
    kcal edit "$summit" --start "2026-01-05 19:30" --strict
check_eq "... and the event is unchanged" "$before" \
    "$(kcal show "$summit" --format json | jq -c '[.start, .sequence]')"
check_rc "the same edit without --strict succeeds" 0 \
    kcal edit "$summit" --start "2026-01-05 19:30"
# Now it clashes (with the dinner): an edit --strict that makes no new
# clash (a description) passes; one that makes another (a new time that
# clashes with something else) is refused.
check_rc "edit --strict of an event that already clashed, making none: ok" 0 \
    kcal edit "$summit" --description "Room 2 instead" --strict
kcal edit "$summit" --start "2026-01-05 16:00" >/dev/null 2>&1

# The protocol: the error object carries the conflicts.
reply=$(python3 - "$KCAL_SOCKET" <<'EOF'
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); f = s.makefile("rwb")
f.readline()
req = {"id": 1, "cmd": "add", "summary": "Raw clash", "start": "2026-01-05T16:30",
       "tz": "Asia/Shanghai", "participants": [{"name": "Xi Jinping"}], "strict": True}
f.write((json.dumps(req) + "\n").encode()); f.flush()
r = json.loads(f.readline())
print(r["ok"], r["error"]["code"], len(r["error"]["conflicts"]),
      r["error"]["conflicts"][0]["type"])
EOF
)
check_eq "protocol: ok false, code conflict, the conflicts listed" \
    "False conflict 1 overlap" "$reply"

# --strict covers what moves with an anchor, and rolls it all back.
cer=$(kcal list --from 2026-01-05 --to 2026-01-06 --search "welcome ceremony" \
    --format json | jq -r '.events[0].uid')
mot=$(kcal add "Motorcade (test)" --anchor "$cer" --offset -15m --duration 15m \
	--tz $SH --location Beijing --participant "Wi Seong-lac;delegate;KR;2")
kcal add "Wi's briefing (test)" --start "2026-01-05 11:45" --duration 30m \
	--tz $SH --location Beijing --participant "Wi Seong-lac" >/dev/null
out=$(kcal edit "$cer" --start "2026-01-05 12:00" --strict 2>&1); rc=$?
check_eq "moving the anchor into a follower's clash is refused" 1 "$rc"
check_match "... naming the follower's clash" 'Motorcade \(test\)' "$out"
check_eq "... the anchor did not move" "2026-01-05T15:30:00+08:00" \
    "$(kcal show "$cer" --format json | jq -r .start)"
check_eq "... nor the follower" "2026-01-05T15:15:00+08:00" \
    "$(kcal show "$mot" --format json | jq -r .start)"

# --- an occurrence overridden (tests/data/override-series.ics) ----------
# The talks of 3 March moved from 10:00 Seoul to 15:00 Beijing (16:00 in
# Seoul), Park Ji-ho in for Lee Su-jin; those of 4 March cancelled.  Each
# clashes as it now is, not as the series says.
kcal import "$DATA/override-series.ics" >/dev/null
M="--from 2026-03-01 --to 2026-03-08"
check_eq "override: a clean series" "No conflicts." "$(kcal conflicts $M)"
lunch=$(kcal add "Lunch with Park" --start "2026-03-03 16:30" --duration 30m \
	--tz Asia/Seoul --participant "Park Ji-ho;guest;KR" 2>"$T/add.err")
check_match "override: its new time and people clash on add" \
    'overlap conflict: Park Ji-ho: "Talks moved to Beijing" \(Tue 2026-03-03 15:00 CST to 16:30 CST\) overlaps "Lunch with Park"' \
    "$(cat "$T/add.err")"
kcal add "Lee in the moved slot" --start "2026-03-03 16:00" --duration 1h \
	--tz Asia/Seoul --participant "Lee Su-jin;aide;KR" 2>"$T/add.err" >/dev/null
check_eq "override: one who left it does not clash with it" "" "$(cat "$T/add.err")"
kcal add "Kim at the old slot" --start "2026-03-03 10:00" --duration 1h \
	--tz Asia/Seoul --participant "Kim Min-ji;host;KR" 2>"$T/add.err" >/dev/null
check_eq "override: the slot it left is free" "" "$(cat "$T/add.err")"
kcal add "Kim on the 4th" --start "2026-03-04 10:00" --duration 1h \
	--tz Asia/Seoul --participant "Kim Min-ji;host;KR" 2>"$T/add.err" >/dev/null
check_eq "override: a cancelled occurrence clashes with none" "" "$(cat "$T/add.err")"
j=$(kcal conflicts $M --format json)
check_eq "override: conflicts finds the one clash, with the override's own fields" \
    "overlap|Park Ji-ho|Talks moved to Beijing@2026-03-03T15:00:00+08:00 Beijing Diaoyutai,Lunch with Park@2026-03-03T16:30:00+09:00 null null" \
    "$(jget "$j" '.conflicts[] | "\(.type)|\(.participants | join(","))|\([.events[] | "\(.summary)@\(.start) \(.city) \(.location)"] | join(","))"')"
check_rc "override: --strict refuses a clash with its new time" 1 \
    kcal add "Kim strict" --start "2026-03-03 15:30" --duration 30m --tz Asia/Shanghai \
	--participant "Kim Min-ji;host;KR" --strict
kcal edit "$lunch" --start "2026-03-03 18:00" >/dev/null 2>"$T/add.err"
check_eq "override: moved away, the lunch clashes no more" "0" \
    "$(kcal conflicts $M --format json | jq .count)"

# --- errors -----------------------------------------------------------------
check_rc "from after to is refused" 1 kcal conflicts --from 2026-02-01 --to 2026-01-01
bad="$T/bad.conf"
printf 'transfer Beijing = 2h\n' >"$bad"
# --- the clashes' events as get shows them: their reminders too --------
r1=$(kcal add "Remind A (test)" --start "2026-04-06 10:00" --duration 1h \
	--participant "Remind Person;guest;KR" --remind 10m 2>/dev/null)
kcal add "Remind B (test)" --start "2026-04-06 10:30" --duration 1h \
	--participant "Remind Person;guest;KR" --remind 5m >/dev/null 2>&1
check_eq "a clash's events carry their reminders, as get shows them" "600 300" \
	"$(kcal conflicts --from 2026-04-06 --to 2026-04-07 --format json |
	jq -r '[.conflicts[0].events[].remind[]] | map(tostring) | join(" ")')"
check_eq "... the first as get shows it" "$(kcal show "$r1" --format json | jq -c .remind)" \
	"$(kcal conflicts --from 2026-04-06 --to 2026-04-07 --format json |
	jq -c '.conflicts[0].events[0].remind')"

check_match "kcald refuses a transfer line with one city" \
    'bad.conf:1: .*CITY CITY' \
    "$("$KCALD" --config "$bad" --socket "$T/other.sock" --data-dir "$T/d2" 2>&1)"

done_testing
