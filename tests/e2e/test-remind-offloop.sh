#!/bin/sh
# test-remind-offloop.sh — reminders reach the disk off the loop
# (remind-flush.c, server-sync.c's thread).  kcald runs with
# slowsync.so preloaded: every sync of the write-ahead log takes
# KCAL_TEST_SYNC_MS (1.5 s) longer, as on a slow disk.  A burst of 40
# reminders falls due at one instant and one of 20 a second later, each
# synced on its own; a hook is set and a watcher watches.  Then:
#   - every reminder reaches the watcher once, none sooner than a sync
#     after it fell due (delivered only once its record is on the disk);
#   - the hook runs once for each, none before its reminder was delivered:
#     the first burst's hooks finish while the second waits for its sync,
#     and the queue they wake must not start the second's runs, queued in
#     the store with a record not yet on the disk (notify_upto);
#   - a bystander's status is never held for the bursts' syncs (the
#     commit that waited for the disk on the loop held it a whole sync).
. "$(dirname "$0")/lib.sh"

slowsync_setup "reminders off the loop"
DELAY_MS=1500
NA=40
NB=20

cat >"$T/hook.sh" <<EOF
#!/bin/sh
echo "\$KCAL_UID \$(date +%s.%N)" >>"$T/hook.log"
EOF
chmod +x "$T/hook.sh"
: >"$T/hook.log"
printf 'notify_cmd = %s\nnotify_timeout = 20s\n' "$T/hook.sh" \
    >"$XDG_CONFIG_HOME/kcal/kcald.conf"
# The store made first at the disk's own speed: its schema is many commits.
start_daemon || exit 1
stop_daemon
export KCAL_TEST_SYNC_MS=$DELAY_MS LD_PRELOAD="$SO"
start_daemon || exit 1
unset LD_PRELOAD

py_scenario "reminders off the loop" "$PY" - "$KCAL_SOCKET" "$top/tests/e2e" \
    "$DELAY_MS" "$NA" "$NB" "$T/hook.log" <<'PYEOF'
import os, sys, time
sys.path.insert(0, sys.argv[2])
from wire import (Conn, add_bursts, check, check_worst, ok_reply,
                  watch_reminders)

sock, delay = sys.argv[1], int(sys.argv[3]) / 1000.0
na, nb, hooklog = int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
sanitized = bool(os.environ.get("KCAL_SANITIZED"))


got, seen = {}, []


def reminder(m):
    seen.append(m.get("uid"))
    got.setdefault(m.get("uid"), time.time())


w = watch_reminders(sock, reminder)
# Due at a whole second far enough ahead for the adds (a few syncs).
due = int(time.time()) + (40 if sanitized else 12)
uids = add_bursts(sock, na, nb, due, "Burst")
burst = {"A": (due, uids[:na]), "B": (due + 1, uids[na:])}
left = due - time.time()
check("the adds took less than their lead (%.1f s left)" % left, left > 0.5)

st = Conn(sock, timeout=60)
lat = []
while time.time() < due - 0.5:
    time.sleep(0.05)
end = due + 60
while time.time() < end and (len(got) < len(uids) or time.time() < due + 4):
    t = time.monotonic()
    r = st.call("status", timeout=60)
    lat.append(time.monotonic() - t)
    if not ok_reply(r):
        check("status answered during the bursts", False, r)
        break
    time.sleep(0.01)

check("every reminder reached the watcher once",
      sorted(seen) == sorted(uids), (len(seen), len(set(seen)), len(uids)))
for name, (at, us) in sorted(burst.items()):
    first = min([got[u] for u in us if u in got] or [0])
    check("burst %s: none sooner than a sync after it fell due (first "
          "%.3f s after)" % (name, first - at), first - at >= delay * 0.9)

hooks = {}
deadline = time.time() + 60
while time.time() < deadline:
    with open(hooklog) as f:
        rows = [l.split() for l in f if l.strip()]
    if len(rows) >= len(uids):
        break
    time.sleep(0.2)
time.sleep(0.5)                     # a run twice would show by now
with open(hooklog) as f:
    rows = [l.split() for l in f if l.strip()]
for u, t in rows:
    hooks.setdefault(u, []).append(float(t))
check("the hook ran once for each reminder",
      sorted(hooks) == sorted(uids) and len(rows) == len(uids),
      (len(rows), len(hooks)))
early = sorted((round(got[u] - ts[0], 3), u) for u, ts in hooks.items()
               if u in got and ts[0] < got[u] - 0.25)
check("no hook ran before its reminder was delivered (%d of %d did)"
      % (len(early), len(hooks)), not early, early[:3])
check_worst("the bystander's status is never held for the bursts' syncs",
            lat, delay / 2)
PYEOF
py_skips
stop_daemon
done_testing
