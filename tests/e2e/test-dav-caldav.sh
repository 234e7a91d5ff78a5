#!/bin/sh
# test-dav-caldav.sh — python3-caldav (the CalDAV library behind many
# tools) against the real kcald: principal discovery, creating events (one
# in Asia/Shanghai, one recurring, one all-day with an alarm), time-range
# searches, an edit and a delete, each seen by `kcal list --format json`;
# and the reverse, kcal's adds, edits and deletes seen by the client through
# queries and sync-collection (tests/e2e/dav_caldav.py does the talking).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/davlib.sh"

need_client python3-caldav /usr/bin/python3 -c 'import caldav'
dav_start || { fail "kcald starts with --http"; done_testing; exit 1; }
dav_user attache 'caldav pass 1' || { done_testing; exit 1; }
dav_ready attache 'caldav pass 1' || fail "kcald serves CalDAV under /dav/ (OPTIONS has DAV: calendar-access)"

py_scenario "python3-caldav scenario" /usr/bin/python3 \
    "$top/tests/e2e/dav_caldav.py" "$BASE" attache 'caldav pass 1' "$KCAL"

# The client did nothing the daemon had to complain about.
check_eq "kcald logged no error" "" \
    "$(grep -F 'kcald[error]' "$T/kcald.out" | head -n 5)"
done_testing
