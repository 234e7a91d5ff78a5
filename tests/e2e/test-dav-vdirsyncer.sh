#!/bin/sh
# test-dav-vdirsyncer.sh — vdirsyncer's two-way sync between kcald's CalDAV
# calendar (a `caldav` storage, discovered from the server's root URL) and
# a directory of .ics files (a `filesystem` storage): changes and deletes
# on either side arrive on the other; an event edited on both sides between
# two syncs is a conflict vdirsyncer detects by ETag and reports, and
# neither edit is lost.  Then khal reads the synced directory and shows the
# events at the right local time.  All config and state under $T.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/davlib.sh"

need_client vdirsyncer have vdirsyncer
dav_start || { fail "kcald starts with --http"; done_testing; exit 1; }
dav_user protocol 'vds secret 7' || { done_testing; exit 1; }
dav_ready protocol 'vds secret 7' || fail "kcald serves CalDAV under /dav/ (OPTIONS has DAV: calendar-access)"

V="$T/vds"
DIR="$V/cal/calendar"		# the filesystem side of the one collection
mkdir -p "$V/status" "$V/cal"
# conf [RESOLUTION]: the config, with conflict_resolution when given.
conf() {
	_cr=
	[ -n "$1" ] && _cr="conflict_resolution = \"$1\""
	cat <<EOC
[general]
status_path = "$V/status/"

[pair office]
a = "office_dav"
b = "office_files"
collections = ["from a"]
$_cr

[storage office_dav]
type = "caldav"
url = "$BASE/"
username = "protocol"
password = "vds secret 7"

[storage office_files]
type = "filesystem"
path = "$V/cal/"
fileext = ".ics"
EOC
}
conf >"$V/config"
conf "a wins" >"$V/config-a-wins"
vds() { vdirsyncer -c "$V/config" "$@" >"$T/vds.out" 2>&1; }
sync() { vds sync; }
# synced DESC: a sync succeeds (its output shown when it does not).
synced() {
	if sync; then pass "$1"; else fail "$1" "$(tail -n 15 "$T/vds.out")"; fi
}
# file_of UID: the synced file holding UID.
file_of() { grep -l "^UID:$1" "$DIR"/*.ics 2>/dev/null | head -n 1; }
summary_of() { kcal show "$1" --format json 2>/dev/null | jq -r .summary; }

# --- discovery, the first sync ---------------------------------------------
reception=$(kcal add "Embassy reception" --start "2027-04-06 09:00" \
    --tz Europe/Paris --duration 2h --location "Hôtel de Marigny")
talks=$(kcal add "Working lunch" --start "2027-04-07 12:30" --tz Asia/Seoul)
if yes | vdirsyncer -c "$V/config" discover office >"$T/vds.out" 2>&1; then
	pass "vdirsyncer discovers the calendar from $BASE/"
else
	fail "vdirsyncer discovers the calendar from $BASE/" "$(cat "$T/vds.out")"
	done_testing; exit 1
fi
check "the collection is called calendar" test -d "$DIR"
synced "first sync"
check_eq "both kcal events became files" 2 "$(ls "$DIR" | grep -c '\.ics$')"
f=$(file_of "$reception")
check_match "the file keeps the event's zone" \
    'DTSTART;TZID=Europe/Paris:20270406T090000' "$(tr -d '\r' <"$f" 2>/dev/null)"

# --- kcal side -> files -------------------------------------------------------
kcal edit "$reception" --summary "Embassy reception (garden)" >/dev/null
synced "sync after a kcal edit"
check_match "the kcal edit arrived in the file" 'SUMMARY:Embassy reception \(garden\)' \
    "$(tr -d '\r' <"$(file_of "$reception")" 2>/dev/null)"
kcal rm "$talks" --yes >/dev/null
synced "sync after a kcal delete"
check_eq "the kcal delete removed the file" "" "$(file_of "$talks")"

# --- files -> kcal side -------------------------------------------------------
cat >"$DIR/local-1.ics" <<'EOI'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//kcal tests//vdirsyncer//EN
BEGIN:VTIMEZONE
TZID:Asia/Tokyo
BEGIN:STANDARD
DTSTART:19700101T000000
TZOFFSETFROM:+0900
TZOFFSETTO:+0900
TZNAME:JST
END:STANDARD
END:VTIMEZONE
BEGIN:VEVENT
UID:vds-local-1@test
DTSTAMP:20270101T000000Z
DTSTART;TZID=Asia/Tokyo:20270408T150000
DTEND;TZID=Asia/Tokyo:20270408T160000
SUMMARY:Courtesy call
BEGIN:VALARM
ACTION:DISPLAY
DESCRIPTION:Courtesy call
TRIGGER:-PT10M
END:VALARM
END:VEVENT
END:VCALENDAR
EOI
synced "sync after a new file"
# kcal stores what a client PUT in its own form; what vdirsyncer compares
# (its hash ignores PRODID, DTSTAMP, VTIMEZONEs) must come back the same,
# or an edit of the file before the next sync is a spurious conflict.
synced "a second sync"
check_eq "the server's copy of the new file is what was sent (nothing to update)" \
    "" "$(grep -E 'Copying \(updating\) item vds-local-1@test' "$T/vds.out")"
j=$(kcal show vds-local-1@test --format json 2>&1)
check_eq "the new file is in kcal, 15:00 Asia/Tokyo, reminder 10 min" \
    "Courtesy call|Asia/Tokyo|2027-04-08T15:00:00+09:00|600" \
    "$(printf '%s\n' "$j" | jq -r '[.summary, .tz, .start, (.remind|join(","))]|join("|")' 2>&1)"
sed -i 's/^SUMMARY:Courtesy call/SUMMARY:Courtesy call (postponed)/' \
    "$DIR/local-1.ics"
synced "sync after a file edit"
check_eq "the file edit arrived in kcal" "Courtesy call (postponed)" \
    "$(summary_of vds-local-1@test)"
# kcal stored the edit in its own form and, as RFC 4791 5.3.4 asks, sent
# no ETag; vdirsyncer then keeps the item's old hash, so the next sync
# takes kcal's form (README: sync again before deleting or editing the same
# file, or vdirsyncer reads the server's copy as changed and undoes the
# delete).
synced "a second sync after the edit"
rm -f "$DIR/local-1.ics"
synced "sync after a file delete"
check_eq "the file delete removed the kcal event" 0 \
    "$(kcal list --from 2027-04-01 --to 2027-05-01 --format json |
    jq '[.events[] | select(.uid == "vds-local-1@test")] | length')"

# --- a concurrent edit: both sides changed between two syncs -----------------
f=$(file_of "$reception")
kcal edit "$reception" --location "Residence, salon A" >/dev/null
sed -i 's/^SUMMARY:.*/SUMMARY:Embassy reception (indoors)/' "$f"
if sync; then
	fail "vdirsyncer reports the concurrent edit as a conflict" \
	    "sync succeeded: $(cat "$T/vds.out")"
else
	check_match "vdirsyncer reports the concurrent edit as a conflict" \
	    'changed on both sides' "$(cat "$T/vds.out")"
fi
check_match "the file edit is still in the file" \
    'SUMMARY:Embassy reception \(indoors\)' "$(tr -d '\r' <"$f")"
check_eq "the kcal edit is still in kcal" "Residence, salon A" \
    "$(kcal show "$reception" --format json | jq -r .location)"
check_eq "the file's edit did not overwrite kcal" "Embassy reception (garden)" \
    "$(summary_of "$reception")"
# Resolving it (here: the server wins) brings both sides level again.
if vdirsyncer -c "$V/config-a-wins" sync >"$T/vds.out" 2>&1; then
	pass "sync with conflict_resolution = \"a wins\""
else
	fail "sync with conflict_resolution = \"a wins\"" "$(cat "$T/vds.out")"
fi
check_match "the file now has kcal's version" 'LOCATION:Residence\\?, salon A' \
    "$(tr -d '\r' <"$f")"
synced "a further sync has nothing to do"

# --- khal reads the synced copy ----------------------------------------------
if have khal; then
	mkdir -p "$XDG_CONFIG_HOME/khal"
	cat >"$XDG_CONFIG_HOME/khal/config" <<EOK
[calendars]
[[office]]
path = $DIR
type = calendar

[locale]
local_timezone = Asia/Seoul
default_timezone = Asia/Seoul
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M

[sqlite]
path = $T/khal.db
EOK
	kcal add "Wreath laying" --start "2027-04-09 08:00" --tz America/New_York \
	    --duration 30m >/dev/null
	synced "sync before khal"
	o=$(khal list --format '{start-time}-{end-time} {title}' \
	    2027-04-06 2027-04-10 2>&1)
	# 09:00 Paris (CEST) is 16:00 Seoul; 08:00 New York (EDT) is 21:00.
	check_match "khal list: the reception at 16:00-18:00 Seoul time" \
	    '^16:00-18:00 Embassy reception \(garden\)$' "$o"
	check_match "khal list: the wreath laying at 21:00-21:30 Seoul time" \
	    '^21:00-21:30 Wreath laying$' "$o"
	o=$(khal at --format "{title}" 2027-04-06 17:00 2>&1)
	check_match "khal at 2027-04-06 17:00 (Seoul): the reception" \
	    '^Embassy reception \(garden\)$' "$o"
	o=$(khal at --format "{title}" 2027-04-06 09:30 2>&1)
	check_eq "khal at 09:30 Seoul time (09:30 Paris would be wrong): nothing" \
	    "" "$(printf '%s\n' "$o" | grep -v '^$')"
else
	skip "khal is not installed (apt-get install -y khal; contrib/deps.sh test)"
fi
check_eq "kcald logged no error" "" \
    "$(grep -F 'kcald[error]' "$T/kcald.out" | head -n 5)"
done_testing
