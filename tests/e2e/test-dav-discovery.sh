#!/bin/sh
# test-dav-discovery.sh — the requests iOS/macOS Calendar and DAVx5 send to
# find and sync a calendar, made with curl and read with xml.etree
# (tests/e2e/davxml.py): /.well-known/caldav (301, followed), the principal
# from / and from /dav/, the calendar home set, PROPFIND Depth 1 on the home
# with the properties DAVx5 asks for, the privileges of a read-write and a
# read-only account, a calendar-query by time range as iOS does,
# sync-collection from nothing and then incremental (changes, a 404 for a
# delete, nothing when nothing changed, tokens that survive a restart),
# calendar-multiget of what changed, and an upload with If-Match that
# loses to kcal's edit made meanwhile (412) and then wins.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/davlib.sh"

have curl || { skip "curl is not installed"; done_testing; exit $?; }
dav_start || { fail "kcald starts with --http"; done_testing; exit 1; }
dav_user desk 'desk pw 1' || { done_testing; exit 1; }
dav_ready desk 'desk pw 1' || fail "kcald serves CalDAV under /dav/ (OPTIONS has DAV: calendar-access)"
dav_user reader 'reader pw 2' --read-only || { done_testing; exit 1; }
xq() { /usr/bin/python3 "$top/tests/e2e/davxml.py" "$T/body" "$@"; }
# pf PATH DEPTH PROPS...: PROPFIND as desk asking for PROPS (XML elements
# with the prefixes d c cs a), prints the status.
pf() {
	_p=$1 _dp=$2; shift 2
	dav PROPFIND "$_p" -u 'desk:desk pw 1' -H "Depth: $_dp" \
	    -H 'Content-Type: application/xml; charset=utf-8' --data-binary \
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><d:propfind xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:caldav\" xmlns:cs=\"http://calendarserver.org/ns/\" xmlns:a=\"http://apple.com/ns/ical/\"><d:prop>$*</d:prop></d:propfind>"
}
ME=/dav/principals/desk/
HOME_=/dav/calendars/desk/
CAL=/dav/calendars/desk/calendar/

# --- well-known, principal -----------------------------------------------------
st=$(dav GET /.well-known/caldav)
check_eq "GET /.well-known/caldav without login: 301" 301 "$st"
check_match "... to /dav/" "^(http://127\\.0\\.0\\.1:$PORT)?/dav/\$" "$(dav_hdr Location)"
st=$(dav PROPFIND /.well-known/caldav -u 'desk:desk pw 1' -H 'Depth: 0')
check_eq "PROPFIND /.well-known/caldav (iOS): 301" 301 "$st"
st=$(dav PROPFIND /.well-known/caldav -L -u 'desk:desk pw 1' -H 'Depth: 0' \
    --data-binary '<d:propfind xmlns:d="DAV:"><d:prop><d:current-user-principal/><d:principal-URL/><d:resourcetype/></d:prop></d:propfind>')
check_eq "... followed: 207" 207 "$st"
check_eq "... current-user-principal" "$ME" "$(xq prop /dav/ d:current-user-principal)"
st=$(pf / 0 '<d:current-user-principal/>')
check_eq "PROPFIND / (the URL typed in DAVx5): 207" 207 "$st"
check_eq "... current-user-principal" "$ME" \
    "$(xq prop / d:current-user-principal 2>&1)"
st=$(dav PROPFIND /dav/ -H 'Depth: 0')
check_eq "PROPFIND /dav/ without login: 401" 401 "$st"
check_match "... WWW-Authenticate: Basic realm=\"kcal\"" '^Basic realm="kcal"' \
    "$(dav_hdr WWW-Authenticate)"
st=$(dav PROPFIND /dav/ -u 'desk:wrong' -H 'Depth: 0')
check_eq "PROPFIND /dav/ with a wrong password: 401" 401 "$st"

# iOS's principal PROPFIND (abridged): what it must have, and scheduling
# properties that must be absent (404) so that it does not try RFC 6638.
st=$(pf "$ME" 0 '<c:calendar-home-set/><d:displayname/><d:principal-URL/><d:resourcetype/><d:current-user-principal/><c:calendar-user-address-set/><c:schedule-inbox-URL/><c:schedule-outbox-URL/><cs:email-address-set/><d:supported-report-set/>')
check_eq "PROPFIND principal: 207" 207 "$st"
check_eq "calendar-home-set" "$HOME_" "$(xq prop "$ME" c:calendar-home-set)"
check_eq "principal-URL" "$ME" "$(xq prop "$ME" d:principal-URL)"
check_match "resourcetype principal" '(^| )principal( |$)' "$(xq prop "$ME" d:resourcetype)"
check_match "displayname" '.' "$(xq prop "$ME" d:displayname)"
check_eq "no schedule-inbox-URL (no scheduling): 404 propstat" 404 \
    "$(xq propstatus "$ME" c:schedule-inbox-URL)"
dav OPTIONS "$ME" -u 'desk:desk pw 1' >/dev/null
dv=$(dav_hdr DAV)
check_match "OPTIONS: DAV 1" '(^|[ ,])1([ ,]|$)' "$dv"
check_match "OPTIONS: DAV 3" '(^|[ ,])3([ ,]|$)' "$dv"
check_match "OPTIONS: calendar-access" 'calendar-access' "$dv"
check_eq "OPTIONS: no calendar-auto-schedule" "" \
    "$(printf '%s\n' "$dv" | grep -o 'calendar-auto-schedule')"

# --- the home, Depth 1, as DAVx5 asks -----------------------------------------
DAVX5='<d:resourcetype/><d:displayname/><a:calendar-color/><c:calendar-description/><c:calendar-timezone/><c:supported-calendar-component-set/><d:current-user-privilege-set/><cs:getctag/><d:sync-token/><cs:source/><d:supported-report-set/>'
st=$(pf "$HOME_" 1 "$DAVX5")
check_eq "PROPFIND home Depth 1: 207" 207 "$st"
check_eq "... the home and its one calendar" "$HOME_ $CAL" \
    "$(xq hrefs | sort | tr '\n' ' ' | sed 's/ $//')"
check_eq "home: a collection" "collection" "$(xq prop "$HOME_" d:resourcetype)"
check_eq "calendar: a calendar collection" "calendar collection" \
    "$(xq prop "$CAL" d:resourcetype)"
check_match "calendar: displayname" '.' "$(xq prop "$CAL" d:displayname)"
check_match "calendar: calendar-color #RRGGBB[AA]" '^#[0-9A-Fa-f]{6}([0-9A-Fa-f]{2})?$' \
    "$(xq prop "$CAL" a:calendar-color)"
check_eq "calendar: components VEVENT only" VEVENT \
    "$(xq prop "$CAL" c:supported-calendar-component-set)"
priv=$(xq prop "$CAL" d:current-user-privilege-set)
check_match "calendar: desk may read" '(^| )read( |$)' "$priv"
check_match "calendar: desk may write" '(^| )(write|write-content)( |$)' "$priv"
check_match "calendar: getctag" '.' "$(xq prop "$CAL" cs:getctag)"
check_match "calendar: sync-token" '.' "$(xq prop "$CAL" d:sync-token)"
rep=$(xq prop "$CAL" d:supported-report-set)
for r in calendar-query calendar-multiget sync-collection; do
	check_match "calendar: supported-report-set has $r" "(^| )$r( |\$)" "$rep"
done
ctag0=$(xq prop "$CAL" cs:getctag)
st=$(pf /dav/calendars/reader/ 0 '<d:resourcetype/>')
check_eq "another user's home: 404" 404 "$st"
st=$(dav PROPFIND /dav/calendars/reader/calendar/ -u 'reader:reader pw 2' \
    -H 'Depth: 0' --data-binary \
    '<d:propfind xmlns:d="DAV:"><d:prop><d:current-user-privilege-set/></d:prop></d:propfind>')
priv=$(xq prop /dav/calendars/reader/calendar/ d:current-user-privilege-set)
check_match "read-only account: may read" '(^| )read( |$)' "$priv"
check_eq "read-only account: no write privilege (DAVx5 shows it read-only)" "" \
    "$(printf '%s\n' "$priv" | tr ' ' '\n' | grep -E '^(all|write|write-content|bind|unbind)$')"

# --- sync-collection, as DAVx5 does it ------------------------------------------
SYNC0='<?xml version="1.0" encoding="UTF-8"?><d:sync-collection xmlns:d="DAV:"><d:sync-token>'
SYNC1='</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>'
sc() { dav REPORT "$CAL" -u 'desk:desk pw 1' -H 'Depth: 0' \
    -H 'Content-Type: application/xml' --data-binary "$SYNC0$1$SYNC1"; }
e1=$(kcal add "Credentials ceremony" --start "2027-05-03 11:00" --tz Asia/Seoul)
e2=$(kcal add "Bilateral with Canada" --start "2027-05-04 14:00" --tz America/Toronto)
st=$(sc "")
check_eq "sync-collection from nothing: 207" 207 "$st"
t1=$(xq token)
check_match "... a sync-token" '.' "$t1"
hrefs=$(xq hrefs | grep "^/" | sort)
check_eq "... both events" 2 "$(printf '%s\n' "$hrefs" | grep -c "^$CAL.*\\.ics\$")"
h1= h2=
for h in $hrefs; do
	dav GET "$h" -u 'desk:desk pw 1' >/dev/null
	case $(tr -d '\r' <"$T/body") in
	*"UID:$e1"*) h1=$h ;; *"UID:$e2"*) h2=$h ;;
	esac
done
check "each href GETs one of the events" test -n "$h1" -a -n "$h2"
sc "" >/dev/null
etag1=$(xq prop "$h1" d:getetag)
dav GET "$h1" -u 'desk:desk pw 1' >/dev/null
check_eq "GET's ETag is the getetag of sync-collection" "$etag1" "$(dav_hdr ETag)"
check_match "a strong ETag" '^"[^"]+"$' "$etag1"

# DAVx5 then fetches what changed with calendar-multiget.
st=$(dav REPORT "$CAL" -u 'desk:desk pw 1' -H 'Depth: 1' \
    -H 'Content-Type: application/xml' --data-binary \
    "<c:calendar-multiget xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:caldav\"><d:prop><d:getetag/><c:calendar-data/></d:prop><d:href>$h1</d:href><d:href>$h2</d:href></c:calendar-multiget>")
check_eq "calendar-multiget: 207" 207 "$st"
check_match "... the first event's data" "UID:$e1" "$(xq data "$h1" | tr -d '\r')"
check_match "... the second event's data" "UID:$e2" "$(xq data "$h2" | tr -d '\r')"

# iOS: calendar-query by time range, etags only.
st=$(dav REPORT "$CAL" -u 'desk:desk pw 1' -H 'Depth: 1' \
    -H 'Content-Type: application/xml' --data-binary \
    '<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="20270503T000000Z" end="20270504T000000Z"/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>')
check_eq "calendar-query 3 May (UTC): 207" 207 "$st"
check_eq "... only the ceremony" "$h1" "$(xq hrefs)"

# Changes: an edit, a delete, an add.
kcal edit "$e1" --summary "Credentials ceremony (Hall B)" >/dev/null
kcal rm "$e2" --yes >/dev/null
e3=$(kcal add "Press briefing" --start "2027-05-05 10:00")
st=$(sc "$t1")
check_eq "incremental sync-collection: 207" 207 "$st"
t2=$(xq token)
check "... a new token" test -n "$t2" -a "$t2" != "$t1"
check_eq "... three changed members" 3 "$(xq hrefs | wc -l)"
check_eq "... the deleted event: a 404 member" 404 "$(xq status "$h2")"
e1tag=$(xq prop "$h1" d:getetag)
check "... the edited event with a new ETag" test -n "$e1tag" -a "$e1tag" != "$etag1"
h3=$(xq hrefs | grep -vxF -e "$h1" -e "$h2")
check_match "... the new event" "^$CAL" "$h3"
# DAVx5 uploads an edit with If-Match: the ETag it last saw.  One from
# before kcal's edit is refused and kcal's edit stays; the current one wins.
dav GET "$h1" -u 'desk:desk pw 1' >/dev/null
tr -d '\r' <"$T/body" | sed 's/^SUMMARY:.*/SUMMARY:Ceremony (from the phone)/' |
    sed 's/$/\r/' >"$T/edit.ics"
st=$(dav PUT "$h1" -u 'desk:desk pw 1' -H "If-Match: $etag1" \
    -H 'Content-Type: text/calendar; charset=utf-8' --data-binary @"$T/edit.ics")
check_eq "PUT with a stale If-Match (edited meanwhile with kcal): 412" 412 "$st"
check_eq "... kcal's edit stays" "Credentials ceremony (Hall B)" \
    "$(kcal show "$e1" --format json | jq -r .summary)"
st=$(dav PUT "$h1" -u 'desk:desk pw 1' -H "If-Match: $e1tag" \
    -H 'Content-Type: text/calendar; charset=utf-8' --data-binary @"$T/edit.ics")
check_eq "PUT with the current If-Match: 204" 204 "$st"
check_eq "... the phone's edit is in kcal" "Ceremony (from the phone)" \
    "$(kcal show "$e1" --format json | jq -r .summary)"
sc "$t2" >/dev/null
check_eq "... and the next sync-collection lists it" "$h1" "$(xq hrefs)"
t2=$(xq token)
pf "$CAL" 0 '<cs:getctag/>' >/dev/null
check "getctag changed" test "$(xq prop "$CAL" cs:getctag)" != "$ctag0"
sc "$t2" >/dev/null
check_eq "sync-collection with the newest token: nothing" "" "$(xq hrefs)"

# Tokens survive a restart.
stop_daemon
start_daemon --http "127.0.0.1:$PORT" || { fail "kcald restarts"; done_testing; exit 1; }
st=$(sc "$t2")
check_eq "after a restart, the old token is still valid: 207" 207 "$st"
check_eq "... and nothing changed" "" "$(xq hrefs)"
e4=$(kcal add "Farewell call" --start "2027-05-06 16:00")
sc "$t2" >/dev/null
check_eq "... then one add: one member" 1 "$(xq hrefs | wc -l)"
st=$(sc "http://kcal.invalid/sync/nonesuch")
check_match "an unknown token: 403 or 409 (DAVx5 then syncs from nothing)" \
    '^40[39]$' "$st"
check_match "... valid-sync-token" 'valid-sync-token' "$(cat "$T/body")"
check_eq "kcald logged no error" "" \
    "$(grep -F 'kcald[error]' "$T/kcald.out" | head -n 5)"
done_testing
