#!/bin/sh
# test-log-offloop.sh — under writes that never pause, the write-ahead log
# is copied into the store by the checkpoint thread, never by the loop
# (store-ckpt.c: past 4,000 pages the next group waits for the thread's
# copy).  kcald runs with slowsync.so preloaded: every sync of the log and
# of the store takes KCAL_TEST_SYNC_MS longer, and each one, and each
# time the log starts over, is noted with the thread that did it.  Eight
# clients add, pipelined, until the log has started over three times.
# Then:
#   - no sync of the store on the loop's thread (in WAL mode only a
#     checkpoint syncs it; the loop's own checkpoint at 4,000 pages did);
#   - no sync of the log on the loop's thread either, nor a start-over of
#     the log: the thread starts it over by a write of its own, whose
#     header sync SQLite must make (the loop's first write after the copy
#     used to);
#   - a bystander's status never waited for a sync (the loop's checkpoint
#     held it two: the log's and the store's; the header's, one);
#   - every acknowledged add is there, after a kill -9 too;
#   - reminders fall due every second meanwhile, so that the reminders'
#     walk writes while the groups wait for the thread (a hold) or while
#     it starts the log over: the walk waits as the groups do (it did
#     not, and its writes kept the log from starting over until the loop
#     copied it itself: the checks above failed), each reminder reaches
#     a watcher once, and the bystander is not held.
. "$(dirname "$0")/lib.sh"

slowsync_setup "the log off the loop"
DELAY_MS=400
# The store made first at the disk's own speed: its schema is many commits.
start_daemon || exit 1
stop_daemon
export KCAL_TEST_SYNC_MS=$DELAY_MS KCAL_TEST_SYNC_LOG="$T/sync.log" \
    KCAL_TEST_SYNC_DB=1
export LD_PRELOAD="$SO"
start_daemon || exit 1
unset LD_PRELOAD
: >"$T/sync.log"		# from here on: what the writes cause

py_scenario "the log off the loop" "$PY" - "$KCAL_SOCKET" "$top/tests/e2e" \
    "$DELAY_MS" "$T/sync.log" "$T/kcald.out" <<'PYEOF'
import datetime, os, sys, threading, time
sys.path.insert(0, sys.argv[2])
from wire import Conn, check, check_worst, iso_utc, ok_reply, watch_reminders

sock, delay, log = sys.argv[1], int(sys.argv[3]) / 1000.0, sys.argv[4]
daemon_log = sys.argv[5]
sanitized = bool(os.environ.get("KCAL_SANITIZED"))
limit = time.time() + (240 if sanitized else 60)
acked, errors, done = [0], [], [False]


def restarts():
    with open(log) as f:
        return sum(1 for l in f if l.startswith("restart "))


def writer(k):
    try:
        c = Conn(sock, timeout=120)
        base = datetime.datetime(2031, 1, 1) + datetime.timedelta(days=k)
        i = 0
        while not done[0]:
            for j in range(20):
                t = base + datetime.timedelta(minutes=30 * (i + j))
                c.send({"id": j + 1, "cmd": "add", "summary": "Log %d %d"
                        % (k, i + j), "start": t.strftime("%Y-%m-%dT%H:%M"),
                        "duration": 1200, "description": "x" * 400,
                        "participants": [{"name": "Writer %d" % k}]})
            for j in range(20):
                m = c.recv(120)
                if not ok_reply(m):
                    raise RuntimeError(m)
                acked[0] += 1
            i += 20
    except Exception as e:          # reported below
        errors.append(repr(e))


# A reminder due every second of the run, on a watcher's connection.
seen = []
watch_reminders(sock, lambda m: seen.append(m.get("uid")))
first = int(time.time()) + 3
a = Conn(sock, timeout=120)
ndue = int(limit - first) + 5
for i in range(ndue):
    a.send({"id": i + 1, "cmd": "add", "summary": "Due %d" % i,
            "start": iso_utc(first + i + 3600), "duration": 600,
            "remind_at": [iso_utc(first + i)]})
due = {}
for i in range(ndue):
    m = a.recv(120)
    if ok_reply(m):
        due[m["result"]["uid"]] = first + m["id"] - 1
check("the reminders' %d adds acknowledged" % ndue, len(due) == ndue)

ths = [threading.Thread(target=writer, args=(k,), daemon=True)
       for k in range(8)]
for t in ths:
    t.start()
st = Conn(sock, timeout=120)
lat = []
while time.time() < limit and restarts() < 3 and not errors:
    t = time.monotonic()
    r = st.call("status", timeout=120)
    lat.append(time.monotonic() - t)
    if not ok_reply(r):
        errors.append(r)
    time.sleep(0.01)
done[0] = True
for t in ths:
    t.join(120)
stopped = time.time()
time.sleep(3)
fell = sorted(u for u, t in due.items() if t < stopped - 2)
check("each reminder due during the writes reached the watcher once "
      "(%d due, %d pushed)" % (len(fell), len(seen)),
      len(fell) > 0 and sorted(u for u in seen if u in fell) == fell and
      len(seen) == len(set(seen)), (len(seen), len(set(seen))))
check("the writers' adds were all acknowledged", not errors, errors[:2])
n = restarts()
check("the log started over under the writes (%d times; %d adds)"
      % (n, acked[0]), n >= 3)
with open(log) as f:
    rows = [l.split() for l in f if l.strip()]
loop = [r[0] for r in rows if r[1] == r[2]]
with open(daemon_log, errors="replace") as f:
    late = "the loop copies the rest" in f.read()
if sanitized and late and "dbsync" in loop:
    print("SKIP no sync of the store on the loop's thread: under a "
          "sanitizer the thread's copy took over its 5 s")
else:
    check("no sync of the store on the loop's thread (%d of %d)"
          % (loop.count("dbsync"), sum(r[0] == "dbsync" for r in rows)),
          "dbsync" not in loop and any(r[0] == "dbsync" for r in rows))
if sanitized and late:
    print("SKIP no sync of the log on the loop's thread: under a "
          "sanitizer the thread's copy took over its 5 s")
else:
    check("no sync of the log on the loop's thread, nor a start-over "
          "(%d syncs, %d start-overs there; %d and %d in all)"
          % (loop.count("sync"), loop.count("restart"),
             sum(r[0] == "sync" for r in rows),
             sum(r[0] == "restart" for r in rows)),
          "sync" not in loop and "restart" not in loop, loop[:12])
check_worst("the bystander's status never waited for a sync",
            lat, delay * 0.5)
print("ACKED %d" % acked[0])
print("DUE %d" % len(due))
PYEOF
py_skips
acked=$(sed -n 's/^ACKED //p' "$T/py.out")
acked=$((acked + $(sed -n 's/^DUE //p' "$T/py.out")))
check_eq "every acknowledged add is in the store" "$acked" \
	"$(kcal status --format json | jq .events)"
kill -9 "$KCALD_PID"
wait "$KCALD_PID" 2>/dev/null
KCALD_PID=
unset KCAL_TEST_SYNC_MS KCAL_TEST_SYNC_LOG KCAL_TEST_SYNC_DB
start_daemon || exit 1
check_eq "... and after a kill -9" "$acked" \
	"$(kcal status --format json | jq .events)"
stop_daemon
done_testing
