#!/bin/sh
# tests/e2e/test-anchor.sh — anchored logistics with the real daemon: an
# event anchored to another (--anchor UID --offset -15m) takes its start
# from it and moves with it, transitively (a chain of two), each move
# bumping SEQUENCE and re-planning reminders; the anchor survives a
# restart; a cycle, a start given to an anchored event and an offset
# without an anchor are refused and change nothing.
. "$(dirname "$0")/lib.sh"

start_daemon || exit 1
SH=Asia/Shanghai
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

done_testing
