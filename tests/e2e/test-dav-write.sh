#!/bin/sh
# test-dav-write.sh — CalDAV writes with curl (daemon/dav-put.c,
# daemon/write-put.c): PUT (new 201, update 204, If-Match, If-None-Match:
# *), DELETE, the same event in kcal list, the feed, an itinerary and the
# reminders, a recurring event with overrides and unknown properties back
# from GET and the feed property by property, and what is refused (a
# 100 MB body, a UID of another resource, not iCalendar, a VTODO, a
# read-only account, an event above the account's clearance) with the
# store unchanged and kcald still serving.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
start_daemon --http "127.0.0.1:$PORT" || exit 1

add_user() {
	_n=$1; shift
	printf 'pw-%s\n' "$_n" | kcal user add "$_n" "$@" >/dev/null 2>&1 ||
	    fail "kcal user add $_n"
}
add_user alice --clearance confidential
add_user bob --read-only --clearance confidential
add_user intern --clearance public
login() {
	[ "$(curl -s -o /dev/null -w '%{http_code}' -u alice:pw-alice \
	    -X PROPFIND -H 'Depth: 0' "$BASE/dav/")" = 207 ]
}
wait_for 5 login || fail "kcald accepts the accounts"

CAL=/dav/calendars/alice/calendar
# dav USER METHOD PATH [curl options]: the status; body $T/body, head $T/hdr.
dav() {
	_u=$1 _m=$2 _p=$3; shift 3
	curl -s -u "$_u:pw-$_u" -X "$_m" -o "$T/body" -D "$T/hdr" \
	    -w '%{http_code}' "$@" "$BASE$_p"
}
put() {		# put USER PATH FILE [curl options]
	_u=$1 _p=$2 _f=$3; shift 3
	dav "$_u" PUT "$_p" -H 'Content-Type: text/calendar; charset=utf-8' \
	    --data-binary "@$_f" "$@"
}
hdr() { tr -d '\r' <"$T/hdr" | sed -n "s/^$1: //Ip" | tail -n 1; }
snapshot() { kcal export >"$T/store.$1" 2>&1; }
same_store() {	# same_store DESC: the store as it was at the last snapshot
	kcal export >"$T/store.now" 2>&1
	if cmp -s "$T/store.now" "$T/store.before"; then pass "$1"; else
		fail "$1" "$(diff "$T/store.before" "$T/store.now" | head)"; fi
}
cal() {		# cal FILE: wrap the VEVENT text on stdin in a VCALENDAR
	{ printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n'
	  sed 's/$/\r/'
	  printf 'END:VCALENDAR\r\n'; } >"$1"
}

# --- a new event, in its own zone, with an alarm
cal "$T/one.ics" <<'EOF'
BEGIN:VEVENT
UID:one@example.org
DTSTAMP:20260101T000000Z
DTSTART;TZID=Europe/Paris:20270301T100000
DTEND;TZID=Europe/Paris:20270301T110000
SUMMARY:Working lunch
LOCATION:Quai d'Orsay
BEGIN:VALARM
ACTION:DISPLAY
DESCRIPTION:Lunch
TRIGGER:-PT15M
END:VALARM
END:VEVENT
EOF
check_eq "PUT of a new event: 201" 201 "$(put alice $CAL/one.ics "$T/one.ics")"
check_eq "GET it back: 200" 200 "$(dav alice GET $CAL/one.ics)"
check_match "GET has the event" "SUMMARY:Working lunch" "$(cat "$T/body")"
etag=$(hdr ETag)
check_match "GET gives a strong ETag" '^"[0-9a-f]+"$' "$etag"
check_match "kcal list shows it in its zone" "10:00-11:00 CET.*Working lunch" \
	"$(kcal list --from 2027-03-01 --to 2027-03-02 2>&1)"
check_match "kcal reminders has its alarm" "Working lunch" \
	"$(kcal reminders --from 2027-03-01 --to 2027-03-02 2>&1)"
check_match "the feed has it" "UID:one@example.org" \
	"$(curl -s "$BASE/feeds/all.ics")"

check_eq "If-Match with another ETag: 412" 412 \
	"$(put alice $CAL/one.ics "$T/one.ics" -H 'If-Match: "0bad"')"
check_eq "If-None-Match: * on an existing resource: 412" 412 \
	"$(put alice $CAL/one.ics "$T/one.ics" -H 'If-None-Match: *')"
check_eq "If-Match on a resource that is not there: 412" 412 \
	"$(put alice $CAL/none.ics "$T/one.ics" -H 'If-Match: *')"
sed 's/^SUMMARY:Working lunch/SUMMARY:Working dinner/;
     s/T100000/T190000/; s/T110000/T210000/' "$T/one.ics" >"$T/one2.ics"
check_eq "an update with the ETag: 204" 204 \
	"$(put alice $CAL/one.ics "$T/one2.ics" -H "If-Match: $etag")"
check_match "kcal list shows the move" "19:00-21:00 CET.*Working dinner" \
	"$(kcal list --from 2027-03-01 --to 2027-03-03 2>&1)"
dav alice GET $CAL/one.ics >/dev/null
check_match "SEQUENCE went up with the move" "SEQUENCE:1" "$(cat "$T/body")"

# --- the same bytes PUT back: the ETag of what GET serves
cp "$T/body" "$T/served.ics"
check_eq "PUT of what GET served: 204" 204 \
	"$(put alice $CAL/one.ics "$T/served.ics")"
check_eq "... with GET's ETag, the bytes being the same" "$(hdr ETag)" \
	"$(dav alice GET $CAL/one.ics >/dev/null; hdr ETag)"

# --- in a visit's itinerary, in the venue's zone
visit=$(kcal add "State visit to France" --kind state-visit --tz Europe/Paris \
	--start "2027-03-01 08:00" --end "2027-03-03 18:00" 2>&1)
cal "$T/prog.ics" <<EOF
BEGIN:VEVENT
UID:prog@example.org
DTSTAMP:20260101T000000Z
DTSTART;TZID=Europe/Paris:20270302T093000
DTEND;TZID=Europe/Paris:20270302T103000
SUMMARY:Wreath laying
RELATED-TO:$visit
END:VEVENT
EOF
check_eq "PUT of a programme item: 201" 201 \
	"$(put alice $CAL/prog.ics "$T/prog.ics")"
kcal itinerary "$visit" >"$T/itin" 2>&1
check_match "the itinerary has it at 09:30 Paris time" \
	"09:30-10:30 CET +\(home 17:30-18:30 KST\)" "$(cat "$T/itin")"
check_match "... named" "Wreath laying" "$(cat "$T/itin")"

# --- kcal watch hears the reminder of an event PUT
soon=$(date -u -d '+70 seconds' +%Y%m%dT%H%M%SZ)
cal "$T/soon.ics" <<EOF
BEGIN:VEVENT
UID:soon@example.org
DTSTAMP:20260101T000000Z
DTSTART:$soon
DURATION:PT30M
SUMMARY:Call the embassy
BEGIN:VALARM
ACTION:DISPLAY
DESCRIPTION:Call
TRIGGER:-PT1M
END:VALARM
END:VEVENT
EOF
"$KCAL" watch >"$T/watch.out" 2>&1 &	# not the function: $! must be kcal
WATCH=$!
sleep 0.5
check_eq "PUT of an event with an alarm in a few seconds: 201" 201 \
	"$(put alice $CAL/soon.ics "$T/soon.ics")"
if wait_for 30 grep -q "Call the embassy" "$T/watch.out"; then
	pass "kcal watch shows its reminder"
else
	fail "kcal watch shows its reminder" "$(cat "$T/watch.out")"
fi
kill "$WATCH" 2>/dev/null

# --- a series with overrides and unknown properties, back as it went
cal "$T/series.ics" <<'EOF'
BEGIN:VEVENT
UID:series@example.org
DTSTAMP:20260101T000000Z
DTSTART;TZID=Europe/Paris:20270401T100000
DTEND;TZID=Europe/Paris:20270401T110000
RRULE:FREQ=WEEKLY;COUNT=6
EXDATE;TZID=Europe/Paris:20270415T100000
SUMMARY:Weekly talks
LOCATION:Quai d'Orsay
DESCRIPTION:Line one\nline two\, with a comma
CATEGORIES:bilateral
X-APP-COLOR;X-SHADE=dark:blue
X-APP-FLAGS;X-A="quoted;value";X-B=1:on
ATTENDEE;CN=Minister;ROLE=CHAIR;X-SEAT=3:mailto:m@example.org
END:VEVENT
BEGIN:VEVENT
UID:series@example.org
DTSTAMP:20260101T000000Z
RECURRENCE-ID;TZID=Europe/Paris:20270408T100000
DTSTART;TZID=Europe/Paris:20270408T140000
DTEND;TZID=Europe/Paris:20270408T150000
SUMMARY:Weekly talks (moved)
X-APP-NOTE;LANGUAGE=fr:gardé
END:VEVENT
BEGIN:VEVENT
UID:series@example.org
DTSTAMP:20260101T000000Z
RECURRENCE-ID;TZID=Europe/Paris:20270422T100000
DTSTART;TZID=Europe/Paris:20270422T100000
DTEND;TZID=Europe/Paris:20270422T120000
SUMMARY:Weekly talks (long)
STATUS:TENTATIVE
END:VEVENT
EOF
check_eq "PUT of a series with overrides: 201" 201 \
	"$(put alice "$CAL/weekly%20talks.ics" "$T/series.ics")"
dav alice GET "$CAL/weekly%20talks.ics" >/dev/null
cp "$T/body" "$T/series.get"
curl -s "$BASE/feeds/all.ics" >"$T/feed.ics"
cat >"$T/same.py" <<'EOF'
# same.py SENT GOT [UID]: every property and parameter of each VEVENT
# sent (by RECURRENCE-ID) is in the one got with the same value.
import sys
import icalendar

def events(path, uid):
    cal = icalendar.Calendar.from_ical(open(path, 'rb').read())
    out = {}
    for c in cal.walk('VEVENT'):
        if str(c.get('UID')) != uid:
            continue
        rid = c.get('RECURRENCE-ID')
        key = rid.to_ical().decode() if rid is not None else ''
        props = set()
        for name, v in c.property_items(recursive=False):
            if name in ('BEGIN', 'END', 'DTSTAMP', 'SEQUENCE'):
                continue
            params = tuple(sorted((k, str(p)) for k, p in v.params.items())
                           ) if hasattr(v, 'params') else ()
            val = v.to_ical() if hasattr(v, 'to_ical') else str(v).encode()
            props.add((name, params, val))
        out[key] = props
    return out

sent = events(sys.argv[1], sys.argv[3])
got = events(sys.argv[2], sys.argv[3])
bad = 0
if set(sent) != set(got):
    print('occurrences differ: sent %s, got %s' % (sorted(sent), sorted(got)))
    bad = 1
for k in sent:
    missing = sent[k] - got.get(k, set())
    for m in sorted(missing, key=str):
        print('%s: missing %r' % (k or 'master', m))
        bad = 1
sys.exit(bad)
EOF
if $PY -c 'import icalendar' 2>/dev/null; then
	check "GET gives back every property and parameter sent" \
		$PY "$T/same.py" "$T/series.ics" "$T/series.get" series@example.org
	check "the feed gives back every property and parameter sent" \
		$PY "$T/same.py" "$T/series.ics" "$T/feed.ics" series@example.org
else
	skip "python3-icalendar is not installed (apt-get install -y python3-icalendar)"
fi
check_match "the series' occurrences in kcal list, the override moved" \
	"2027-04-08 +14:00-15:00 CEST.*Weekly talks \(moved\)" \
	"$(kcal list --from 2027-04-01 --to 2027-05-01 2>&1)"

# --- a clash, reported in Kcal-Conflicts
kcal add "Press briefing" --start "2027-04-01 10:30" --tz Europe/Paris \
	--participant "Minister;host;FR" >/dev/null 2>&1
cal "$T/clash.ics" <<'EOF'
BEGIN:VEVENT
UID:clash@example.org
DTSTAMP:20260101T000000Z
DTSTART;TZID=Europe/Paris:20270401T100000
DTEND;TZID=Europe/Paris:20270401T110000
SUMMARY:Signing
ATTENDEE;CN=Minister:mailto:m@example.org
END:VEVENT
EOF
check_eq "PUT of an event that clashes: 201" 201 \
	"$(put alice $CAL/clash.ics "$T/clash.ics")"
check_match "Kcal-Conflicts names the other event" \
	'overlap [^ ]+ "Press briefing"' "$(hdr Kcal-Conflicts)"

# --- refusals, each leaving the store as it was
snapshot before
head -c 100000000 /dev/zero | tr '\0' 'x' >"$T/big"
code=$(put alice $CAL/big.ics "$T/big")
check_eq "a 100 MB PUT: 413" 413 "$code"
check_match "... CALDAV:max-resource-size" "max-resource-size" "$(cat "$T/body")"
head -c 100000 "$T/big" >"$T/big100k"
check_eq "a 100 kB PUT (over http_max_body_size): 413" 413 \
	"$(put alice $CAL/big.ics "$T/big100k" -H 'Transfer-Encoding: chunked')"
check_match "... CALDAV:max-resource-size" "max-resource-size" "$(cat "$T/body")"
check_eq "a 100 kB feed request body is still the plain 413" \
	"413 request body too large" \
	"$(curl -s -o "$T/fb" -w '%{http_code}' --data-binary @"$T/big100k" \
	"$BASE/feeds/all.ics"; printf ' '; cat "$T/fb")"
check "kcald still serves another client" kcal status
same_store "... and stored nothing"
rm -f "$T/big"

sed 's/^SUMMARY:.*/SUMMARY:Impostor/' "$T/one.ics" >"$T/dup.ics"
check_eq "a UID another resource holds: 409" 409 \
	"$(put alice $CAL/other.ics "$T/dup.ics")"
check_match "... no-uid-conflict with the other's href" \
	"no-uid-conflict>.*href>$CAL/one.ics<" "$(cat "$T/body")"
same_store "... and stored nothing"

printf 'this is not a calendar\n' >"$T/junk"
check_eq "a body that is not iCalendar: 403" 403 \
	"$(put alice $CAL/junk.ics "$T/junk")"
check_match "... valid-calendar-data, with the import's words" \
	"valid-calendar-data.*junk.ics:1: " "$(cat "$T/body")"
# Bytes that are not UTF-8 (Latin-1), whatever the Content-Type says: once
# stored, they broke every export of the whole store.
sed 's/^SUMMARY:.*/SUMMARY:Caf\xe9/; s/^UID:.*/UID:latin1@example.org/' \
	"$T/one.ics" >"$T/latin1.ics"
check_eq "a gzipped body (Content-Encoding): 415" 415 \
	"$(gzip -c "$T/one.ics" >"$T/one.ics.gz"; put alice $CAL/gz.ics "$T/one.ics.gz" \
	    -H 'Content-Encoding: gzip')"
check_eq "a partial PUT (Content-Range): 400" 400 \
	"$(put alice $CAL/range.ics "$T/one.ics" -H 'Content-Range: bytes 0-9/100')"
check_eq "a body that is not UTF-8: 403" 403 \
	"$(put alice $CAL/latin1.ics "$T/latin1.ics")"
check_match "... valid-calendar-data, naming the byte" \
	"valid-calendar-data.*not UTF-8 \(byte 0xe9" "$(cat "$T/body")"
same_store "... and stored nothing"
cal "$T/todo.ics" <<'EOF'
BEGIN:VTODO
UID:todo@example.org
DTSTAMP:20260101T000000Z
SUMMARY:Buy flowers
END:VTODO
EOF
check_eq "a VTODO: 403" 403 "$(put alice $CAL/todo.ics "$T/todo.ics")"
check_match "... supported-calendar-component" \
	"supported-calendar-component" "$(cat "$T/body")"
{ printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nMETHOD:REQUEST\r\n'
  sed -n '/BEGIN:VEVENT/,/END:VEVENT/p' "$T/clash.ics" |
  sed 's/clash@/invite@/'; printf 'END:VCALENDAR\r\n'; } >"$T/invite.ics"
check_eq "a scheduling message (METHOD): 403" 403 \
	"$(put alice $CAL/invite.ics "$T/invite.ics")"
check_eq "a body that is not text/calendar: 415" 415 \
	"$(dav alice PUT $CAL/x.ics -H 'Content-Type: application/json' \
	--data-binary '{}')"
check_eq "MKCALENDAR: 403" 403 "$(dav alice MKCALENDAR $CAL/)"
check_eq "PROPPATCH: 403" 403 "$(dav alice PROPPATCH $CAL/ \
	-H 'Content-Type: application/xml' --data-binary \
	'<propertyupdate xmlns="DAV:"><set><prop><displayname>x</displayname></prop></set></propertyupdate>')"
same_store "refusals stored nothing"

# --- who may write what
check_eq "a read-only account's PUT: 403" 403 \
	"$(put bob /dav/calendars/bob/calendar/ro.ics "$T/clash.ics")"
check_eq "a read-only account's DELETE: 403" 403 \
	"$(dav bob DELETE /dav/calendars/bob/calendar/one.ics)"
same_store "... and changed nothing"
kcal add "Confidential talks" --class confidential --start "2027-05-01 10:00" \
	>"$T/conf.uid" 2>&1
cuid=$(cat "$T/conf.uid")
snapshot before
sed 's/one@example.org/new@example.org/; s/^SUMMARY:.*/SUMMARY:x/' \
	"$T/one.ics" | sed 's/^END:VALARM\r$/END:VALARM\r\nCLASS:CONFIDENTIAL\r/' \
	>"$T/conf.ics"
grep -q CLASS:CONFIDENTIAL "$T/conf.ics" || fail "test data: CLASS"
ICAL=/dav/calendars/intern/calendar
check_eq "a public-clearance account creating a confidential event: 403" 403 \
	"$(put intern $ICAL/conf.ics "$T/conf.ics")"
sed "s/one@example.org/$cuid/" "$T/one.ics" >"$T/over.ics"
check_eq "... overwriting a confidential event by its name: 403" 403 \
	"$(put intern "$ICAL/$cuid.ics" "$T/over.ics")"
check_eq "... putting its UID under another name: 403" 403 \
	"$(put intern "$ICAL/mine.ics" "$T/over.ics")"
check_eq "... deleting it: 404 (not there for this account)" 404 \
	"$(dav intern DELETE "$ICAL/$cuid.ics")"
same_store "the confidential event is as it was"
# Above its clearance in parts: a confidential override of a public series
# (it could then neither read nor delete its own event), and a child of a
# hidden visit (an item planted in its programme).
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:ovr@t\r\nDTSTAMP:20261201T000000Z\r\nDTSTART:20270601T100000Z\r\nDURATION:PT1H\r\nRRULE:FREQ=DAILY;COUNT=3\r\nSUMMARY:Public series\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:ovr@t\r\nDTSTAMP:20261201T000000Z\r\nRECURRENCE-ID:20270602T100000Z\r\nDTSTART:20270602T110000Z\r\nDURATION:PT1H\r\nSUMMARY:Hidden part\r\nCLASS:CONFIDENTIAL\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' >"$T/ovr.ics"
check_eq "... a public series with a confidential override: 403" 403 \
	"$(put intern "$ICAL/ovr.ics" "$T/ovr.ics")"
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:planted@t\r\nDTSTAMP:20261201T000000Z\r\nDTSTART:20270501T120000Z\r\nDURATION:PT1H\r\nSUMMARY:Planted\r\nRELATED-TO:%s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' "$cuid" >"$T/planted.ics"
check_eq "... a child of a confidential event: 403" 403 \
	"$(put intern "$ICAL/planted.ics" "$T/planted.ics")"
sed 's/^RELATED-TO:.*/RELATED-TO:not-yet-here@t/' "$T/planted.ics" \
	>"$T/early.ics"
check_eq "... a child of an event not (yet) in the store: 201" 201 \
	"$(put intern "$ICAL/early.ics" "$T/early.ics")"
# The account reads no reference to an event not in the store (it could be
# a deleted confidential one); writing back what it read keeps it.
dav intern GET "$ICAL/early.ics" >/dev/null
cp "$T/body" "$T/early.got"
sed 's/^SUMMARY:.*/SUMMARY:Planted, renamed\r/' "$T/early.got" >"$T/early.put"
check_eq "... written back as read, renamed: 204, the relation kept" \
	"0 204 1" "$(grep -c RELATED-TO "$T/early.got") $(put intern "$ICAL/early.ics" "$T/early.put") $(kcal show planted@t --format ics | grep -c 'RELATED-TO:not-yet-here@t')"
dav intern DELETE "$ICAL/early.ics" >/dev/null
same_store "the store is as it was"

# --- an event a hidden one follows: changing it would move what the
# account may not see, and a refusal of the chain would name it.
kcal add "Pub anchor" --uid pub-a@t --start 2027-06-01T12:00 --duration 1h \
	--class public >/dev/null && kcal add "Hidden follower" \
	--uid hid-h@t --anchor pub-a@t --offset 2h --duration 1h \
	--class confidential >/dev/null && kcal add "Pub follower" \
	--uid pub-q@t --anchor hid-h@t --offset 1h --duration 30m \
	--class public >/dev/null || fail "the anchored events"
kcal add "Pub lone" --uid pub-l@t --start 2027-06-02T12:00 --duration 1h \
	--class public >/dev/null && kcal add "Pub next" --uid pub-n@t \
	--anchor pub-l@t --offset 1h --duration 1h --class public >/dev/null ||
	fail "the public chain"
snapshot before
dav intern GET "$ICAL/pub-a@t.ics" >/dev/null
sed 's/^DTSTART\(.*\)T12/DTSTART\1T14/; s/^DTEND\(.*\)T13/DTEND\1T15/' \
	"$T/body" >"$T/pa-moved.ics"
check_eq "moving an event a hidden one follows: 403" 403 \
	"$(put intern "$ICAL/pub-a@t.ics" "$T/pa-moved.ics")"
check_eq "... naming no hidden event" 0 "$(grep -c 'hid-h' "$T/body")"
sed 's/^SEQUENCE:/X-KCAL-ANCHOR:pub-q@t\r\nX-KCAL-ANCHOR-OFFSET:PT1H\r\nSEQUENCE:/' \
	"$T/pa-moved.ics" >"$T/pa-cycle.ics"
check_eq "anchoring it where a hidden one closes a cycle: 403" 403 \
	"$(put intern "$ICAL/pub-a@t.ics" "$T/pa-cycle.ics")"
check_eq "... naming no hidden event" 0 "$(grep -c 'hid-h' "$T/body")"
check_eq "deleting it: 403" 403 "$(dav intern DELETE "$ICAL/pub-a@t.ics")"
same_store "the hidden follower did not move"
dav intern GET "$ICAL/pub-l@t.ics" >/dev/null
sed 's/^DTSTART\(.*\)T12/DTSTART\1T14/; s/^DTEND\(.*\)T13/DTEND\1T15/' \
	"$T/body" >"$T/pl-moved.ics"
check_eq "moving one only visible events follow: 204" 204 \
	"$(put intern "$ICAL/pub-l@t.ics" "$T/pl-moved.ics")"
check_match "... and its follower moved with it" "2027-06-02T15:00" \
	"$(kcal show pub-n@t --format json | jq -r .start)"
check_eq "a writer who sees all moves the first: 204" 204 \
	"$(dav alice GET "$CAL/pub-a@t.ics" >/dev/null;
	put alice "$CAL/pub-a@t.ics" "$T/pa-moved.ics")"
check_match "... its hidden follower with it" "2027-06-01T16:00" \
	"$(kcal show hid-h@t --format json | jq -r .start)"
for u in pub-q hid-h pub-a pub-n pub-l; do
	kcal rm $u@t --yes >/dev/null || fail "removing $u@t"
done

# --- a chain too deep, through hidden events above: the refusal does
# not count them.  deep-0 (public) <- deep-1..deep-40 (confidential) <-
# deep-41 (public); x-0 (public) <- x-1..x-30 (public).  Anchoring x-0 to
# deep-41 makes 42 above it and 30 below: 72, more than the 64 allowed.
kcal add "Deep 0" --uid deep-0@t --start 2027-07-01T08:00 --duration 10m \
	--class public >/dev/null || fail "the deep chain's root"
i=1
while [ $i -le 41 ]; do
	cl=confidential; [ $i -eq 41 ] && cl=public
	kcal add "Deep $i" --uid deep-$i@t --anchor deep-$((i - 1))@t \
		--offset 1m --duration 10m --class $cl >/dev/null ||
		fail "the deep chain's link $i"
	i=$((i + 1))
done
kcal add "X 0" --uid x-0@t --start 2027-07-02T08:00 --duration 10m \
	--class public >/dev/null || fail "the x chain's root"
i=1
while [ $i -le 30 ]; do
	kcal add "X $i" --uid x-$i@t --anchor x-$((i - 1))@t --offset 1m \
		--duration 10m --class public >/dev/null ||
		fail "the x chain's link $i"
	i=$((i + 1))
done
snapshot before
dav intern GET "$ICAL/x-0@t.ics" >/dev/null
sed 's/^SEQUENCE:/X-KCAL-ANCHOR:deep-41@t\r\nX-KCAL-ANCHOR-OFFSET:PT1H\r\nSEQUENCE:/' \
	"$T/body" >"$T/x-deep.ics"
code=$(put intern "$ICAL/x-0@t.ics" "$T/x-deep.ics")
check_match "a chain too deep through hidden events above: refused" '^4' "$code"
check_match "... saying too deep" 'too deep; at most 64' "$(cat "$T/body")"
check_eq "... counting no hidden event" 0 "$(grep -c '72' "$T/body")"
same_store "... and nothing moved"
out=$(kcal edit x-0@t --anchor deep-41@t --offset 1h 2>&1)
check_match "a writer who sees all is told how deep" '72 deep \(with its own followers\)' "$out"
i=41; while [ $i -ge 0 ]; do kcal rm deep-$i@t --yes >/dev/null; i=$((i - 1)); done
i=30; while [ $i -ge 0 ]; do kcal rm x-$i@t --yes >/dev/null; i=$((i - 1)); done

# --- DELETE
dav alice GET $CAL/one.ics >/dev/null
etag=$(hdr ETag)
check_eq "DELETE with another ETag: 412" 412 \
	"$(dav alice DELETE $CAL/one.ics -H 'If-Match: "0bad"')"
check_eq "DELETE with the ETag: 204" 204 \
	"$(dav alice DELETE $CAL/one.ics -H "If-Match: $etag")"
check_eq "GET after DELETE: 404" 404 "$(dav alice GET $CAL/one.ics)"
check_eq "DELETE again: 404" 404 "$(dav alice DELETE $CAL/one.ics)"
check_eq "kcal list no longer has it" "" \
	"$(kcal list --from 2027-03-01 --to 2027-03-03 2>&1 | grep dinner)"
check_eq "the client's name went with it: DELETE of the series by its name" \
	204 "$(dav alice DELETE "$CAL/weekly%20talks.ics")"

done_testing
