#!/bin/sh
# test-remind-limits.sh — an event has at most 64 reminders (KCAL_REMIND_MAX),
# however it comes.  A "remind" array had no bound, and the reminders
# column was built by copying the whole text once per entry: an add whose
# "remind" held 8 MB of zeros held the loop for more than ten minutes (a
# hunt), and one of 20,000 distinct offsets stalled it 300 ms at every one
# of its reminders, once a second.  So:
#   - "remind" and "remind_at" of 65 entries are refused (bad_argument,
#     naming the limit), the store unchanged; 64 of each are kept, all of
#     them, in order;
#   - a "remind" of 300,000 entries (a 900 KB line) is refused at once, and
#     a bystander is answered meanwhile; an 8 MB line is past the default
#     max_line (1 MiB): too_long, naming it;
#   - an .ics file with an event of 65 VALARMs is refused naming its line
#     and the limit, the store unchanged; 64 are imported.
. "$(dirname "$0")/lib.sh"

start_daemon || exit 1
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
py_scenario "reminder limits" "$PY" - "$KCAL_SOCKET" "$top/tests/e2e" <<'PYEOF'
import json, sys, threading, time
sys.path.insert(0, sys.argv[2])
from wire import Conn, check, err_of, ok_reply

sock = sys.argv[1]
c = Conn(sock)
start = "2031-05-04T09:00:00Z"


def count():
    return c.call("status")["result"]["events"]


n0 = count()
r = c.call("add", summary="Too many leads", start=start,
           remind=list(range(60, 60 * 66, 60)))
code, msg = err_of(r)
check("a remind of 65 offsets is refused: bad_argument", code == "bad_argument",
      r)
check("... naming the limit", "at most 64" in (msg or ""), msg)
r = c.call("add", summary="Too many instants", start=start,
           remind_at=["2031-05-0%dT0%d:%02d" % (1 + i // 60 % 3, 1 + i // 20,
                                               i % 60) for i in range(65)])
code, msg = err_of(r)
check("a remind_at of 65 instants is refused: bad_argument",
      code == "bad_argument" and "at most 64" in (msg or ""), r)
check("... and the store is unchanged", count() == n0)

leads = list(range(60, 60 * 65, 60))
ats = ["2031-05-03T%02d:%02d" % (i // 60, i % 60) for i in range(64)]
r = c.call("add", summary="Sixty-four of each", start=start, remind=leads,
           remind_at=ats)
check("64 offsets and 64 instants are kept", ok_reply(r), r)
uid = r.get("result", {}).get("uid") if ok_reply(r) else None
g = c.call("get", uid=uid) if uid else None
ev = (g or {}).get("result", {}).get("event", {})
check("... every offset, in order", ev.get("remind") == leads,
      ev.get("remind"))
check("... and every instant", len(ev.get("remind_at") or []) == 64,
      ev.get("remind_at"))

# 300,000 zeros: refused at once, and a bystander answered meanwhile.
b = Conn(sock)
lat = []
stop = threading.Event()


def bystand():
    while not stop.is_set():
        t = time.time()
        b.call("status", timeout=120)
        lat.append(time.time() - t)
        time.sleep(0.01)


th = threading.Thread(target=bystand)
th.start()
t = time.time()
r = c.call("add", summary="Many leads", start=start, remind=[0] * 300000,
           timeout=120)
took = time.time() - t
time.sleep(0.3)
stop.set()
th.join()
code, msg = err_of(r)
check("a remind of 300,000 zeros is refused (in %.2f s)" % took,
      code == "bad_argument" and took < 30, r)
check("... the bystander was answered throughout (worst %.2f s of %d)"
      % (max(lat or [0]), len(lat)), len(lat) > 3 and max(lat) < 30)
check("... and the store is unchanged", count() == n0 + 1)
o = Conn(sock)
try:        # kcald answers and closes once the line is past max_line
    o.s.sendall(json.dumps({"id": 9, "cmd": "add", "summary": "Long",
                            "start": start, "description": "x" * (8 << 20)})
                .encode() + b"\n")
except OSError:
    pass
code, msg = err_of(o.recv(60))
check("an 8 MB line is past the default max_line: too_long",
      code == "too_long" and "1048576" in (msg or ""), (code, msg))
check("... and the store is unchanged", count() == n0 + 1)
PYEOF

# gen N: an event with N VALARMs.
gen() {
	{
		printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kcal tests//EN\r\n'
		printf 'BEGIN:VEVENT\r\nUID:alarms-%s@test\r\n' "$1"
		printf 'DTSTAMP:20260101T000000Z\r\nDTSTART:20310601T090000Z\r\n'
		printf 'SUMMARY:Alarms\r\n'
		i=1
		while [ $i -le "$1" ]; do
			printf 'BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:r\r\n'
			printf 'TRIGGER:-PT%dM\r\nEND:VALARM\r\n' $i
			i=$((i + 1))
		done
		printf 'END:VEVENT\r\nEND:VCALENDAR\r\n'
	} >"$T/a$1.ics"
}
gen 65
gen 64
before=$(kcal list --from 2031-06-01 --to 2031-06-02 --format json | jq ".events | length")
check_rc "an event of 65 VALARMs is refused" 1 kcal import "$T/a65.ics"
out=$(kcal import "$T/a65.ics" 2>&1)
check_match "... naming its line and the limit" \
	'a65.ics:4: the event has 65 reminders \(VALARM\); at most 64; nothing imported' \
	"$out"
check_eq "... and nothing is imported" "$before" \
	"$(kcal list --from 2031-06-01 --to 2031-06-02 --format json | jq ".events | length")"
check "an event of 64 VALARMs is imported" kcal import "$T/a64.ics"
check_eq "... with its 64 reminders" 64 \
	"$(kcal show alarms-64@test --format json | jq '.remind | length')"
py_skips
done_testing
