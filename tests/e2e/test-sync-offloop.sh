#!/bin/sh
# test-sync-offloop.sh — a group's fsync does not hold the loop
# (server-sync.c).  kcald runs with slowsync.so preloaded, which makes every
# sync of SQLite's write-ahead log take KCAL_TEST_SYNC_MS longer, as on a
# slow disk.  While one client adds, one at a time:
#   - each add is acknowledged only after its sync: it takes at least the
#     delay (an acknowledgement sent before the disk had the write would
#     come sooner);
#   - a bystander's status, sent again and again meanwhile, is answered
#     within half the delay (with the sync on the loop, it waited for it);
#   - a bystander's get of an event added before is answered too (once
#     the sync under way has ended: its reply waits for it);
#   - a feed poller's GETs are answered, each showing every add
#     acknowledged before it was sent, while status stays quick (an HTTP
#     request waited for the sync on the loop before: now it waits
#     deferred);
# and every acknowledged add is there after a kill -9.
. "$(dirname "$0")/lib.sh"

SO="$BUILD/tests/slowsync.so"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
if [ ! -f "$SO" ]; then
	skip "sync off the loop: $SO not built (make tests)"
	done_testing; exit
fi
if [ -n "$KCALD_WRAPPER" ]; then
	skip "sync off the loop: kcald runs under $KCALD_WRAPPER"
	done_testing; exit
fi
DELAY_MS=400
# The sanitizers' runtimes want to come first; this library has none.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
PORT=$(free_port)
export KCAL_TEST_SYNC_MS=$DELAY_MS LD_PRELOAD="$SO"
start_daemon --http "127.0.0.1:$PORT" || exit 1
unset LD_PRELOAD

py_scenario "sync off the loop" "$PY" - "$KCAL_SOCKET" "$top/tests/e2e" \
    "$DELAY_MS" "$PORT" <<'PYEOF'
import sys, threading, time, urllib.request
sys.path.insert(0, sys.argv[2])
from wire import Conn, check, ok_reply

sock, delay = sys.argv[1], int(sys.argv[3]) / 1000.0
url = "http://127.0.0.1:%s/feeds/all.ics" % sys.argv[4]
N = 6
a, b, r = Conn(sock, timeout=60), Conn(sock, timeout=60), Conn(sock, timeout=60)
first = a.call("add", summary="Before", start="2027-05-01T09:00",
               duration=1800, timeout=60)
check("an add is acknowledged", ok_reply(first), first)
uid = first.get("result", {}).get("uid")
adds, status, gets, errors = [], [], [], []
done = threading.Event()


def writer():
    try:
        for i in range(N):
            t = time.monotonic()
            m = a.call("add", summary="Slow disk %d" % i,
                       start="2027-05-%02dT10:00" % (2 + i), duration=1800,
                       timeout=60)
            adds.append((time.monotonic() - t, ok_reply(m)))
    except Exception as e:          # reported below
        errors.append(repr(e))
    done.set()


polls = []


def poller():
    try:
        while not done.is_set():
            acked = len(adds)
            t = time.monotonic()
            with urllib.request.urlopen(url, timeout=60) as resp:
                body = resp.read().decode()
            polls.append((time.monotonic() - t, acked,
                          body.count("SUMMARY:Slow disk")))
    except Exception as e:          # reported below
        errors.append("feed: %r" % e)


th = threading.Thread(target=writer)
th.start()
tp = threading.Thread(target=poller)
tp.start()
while not done.is_set():
    t = time.monotonic()
    m = b.call("status", timeout=60)
    status.append((time.monotonic() - t, ok_reply(m)))
    t = time.monotonic()
    m = r.call("get", uid=uid, timeout=60)
    gets.append((time.monotonic() - t, ok_reply(m)))
    time.sleep(0.02)
th.join()
tp.join()
check("the writer and the poller saw no error", not errors, errors)
check("the feed was fetched meanwhile (%d times), each time with every add "
      "acknowledged before" % len(polls),
      polls and all(seen >= acked for _, acked, seen in polls), polls)
check("all %d adds acknowledged" % N, len(adds) == N and
      all(ok for _, ok in adds), adds)
low = min(t for t, _ in adds) if adds else 0
check("each add is acknowledged after its sync (fastest %.0f ms, the "
      "sync %.0f ms)" % (low * 1000, delay * 1000), low >= delay * 0.95,
      adds)
worst = max(t for t, _ in status)
check("status is answered while the log syncs (%d asked, worst %.0f ms, "
      "under %.0f)" % (len(status), worst * 1000, delay * 500),
      worst < delay / 2 and all(ok for _, ok in status), status[:5])
check("gets are answered meanwhile (%d)" % len(gets),
      all(ok for _, ok in gets), gets[:5])
PYEOF
check_eq "every add is in the store" 7 \
	"$(kcal status --format json | jq .events)"
kill -9 "$KCALD_PID"
wait "$KCALD_PID" 2>/dev/null
KCALD_PID=
unset KCAL_TEST_SYNC_MS
start_daemon --http "127.0.0.1:$PORT" || exit 1
check_eq "... and after a kill -9" 7 \
	"$(kcal status --format json | jq .events)"
stop_daemon
done_testing
