#!/bin/sh
# test-feed-budget.sh — a feed build that runs out of its recurrence
# budget (recur.c: steps and time, one budget a build) is not served as if
# it were whole.  Each series of several RRULEs goes out flattened to its
# occurrences (ical-feed-recur.c); the walks of this many use up a
# build's steps, and each record the budget did not reach goes out with
# its rules as they are (not without them) and stays out of the feed's
# cache; the body is not kept as fresh (feed-body.c), so each GET builds
# on from the records made, until every series is flattened.
#   KCAL_FEED_BUDGET_SERIES (default 300) sizes it.
. "$(dirname "$0")/lib.sh"

have curl || { skip "curl is not installed"; done_testing; exit $?; }
N=${KCAL_FEED_BUDGET_SERIES:-300}
PORT=$(free_port)
URL="http://127.0.0.1:$PORT/feeds/all.ics"
start_daemon --http "127.0.0.1:$PORT" ||
	{ fail "kcald starts with --http"; done_testing; exit 1; }

# Daily series from a month ago, each with a second rule: over the
# feed's window (a year back, three ahead) each walks a thousand or more
# occurrences, the most a flattened series gets (max_rdates).
first=$(date -u -d '-30 days' +%Y%m%d)
awk -v n="$N" -v d="$first" 'BEGIN {
	printf "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kcal//test//EN\r\n"
	for (i = 0; i < n; i++) {
		printf "BEGIN:VEVENT\r\nUID:two-rules-%04d@budget\r\n", i
		printf "DTSTAMP:20260101T000000Z\r\nCLASS:PUBLIC\r\n"
		printf "DTSTART:%sT%02d0000Z\r\nDURATION:PT30M\r\n", d, i % 24
		printf "SUMMARY:Liaison call %d\r\n", i
		printf "RRULE:FREQ=DAILY\r\nRRULE:FREQ=WEEKLY;BYDAY=SA\r\n"
		printf "END:VEVENT\r\n"
	}
	printf "END:VCALENDAR\r\n"
}' >"$T/series.ics"
check "import $N series of two rules" kcal import "$T/series.ics"

rules() { tr -d '\r' <"$T/feed" | grep -c '^RRULE:FREQ=DAILY$'; }
etag() { tr -d '\r' <"$T/hdr" | sed -n 's/^ETag: //Ip'; }
curl -sS --noproxy '*' -o "$T/feed" -D "$T/hdr" "$URL"
r0=$(rules) e0=$(etag)
check "the first build ran out of its budget: some series keep their rules" \
	test "$r0" -gt 0
check_eq "... and every series is there" "$N" \
	"$(tr -d '\r' <"$T/feed" | grep -c '^UID:two-rules-')"
gets=1 r=$r0 etags=$e0
while [ "$r" -gt 0 ] && [ $gets -lt 100 ]; do
	curl -sS --noproxy '*' -o "$T/feed" -D "$T/hdr" "$URL"
	gets=$((gets + 1)) r=$(rules) etags="$etags $(etag)"
done
echo "     $gets GETs; series unflattened after the first: $r0 of $N"
check_eq "GETs build on until every series is flattened" 0 "$r"
check "... each a new body" test "$(echo "$etags" | tr ' ' '\n' | sort -u |
	wc -l)" -eq "$gets"
check_match "... of its occurrences" '^RDATE:' "$(tr -d '\r' <"$T/feed")"
curl -sS --noproxy '*' -o "$T/feed2" -D "$T/hdr" "$URL"
check_eq "then the body is kept: the same ETag again" \
	"$(echo "$etags" | tr ' ' '\n' | tail -n 1)" "$(etag)"
stop_daemon
done_testing
