#!/bin/sh
# test-remind-import.sh — reminders that fall due while an import holds
# the store are delivered, once, in order, and never again.
#
# kcald runs with slowsync.so preloaded: every sync of the write-ahead log
# takes KCAL_TEST_SYNC_MS (2 s) longer, so an import's commit holds the
# store's write lock for that long (its own connection; the loop's writes
# fail at once rather than wait).  Bursts A (30) and B (300, more than
# one slice of the walk) fall due a second apart meanwhile.  The reminder
# walk cannot record them: it delivers them from memory (remind-walk.c,
# WALK_HELD), keeps their keys so that they do not go off twice, and
# records them once the store is free again.  Then:
#   - the import held the store when they fell due (the log says the
#     reminders were delivered from memory), and was acknowledged;
#   - every reminder reached the watcher once, none before it fell due
#     and each within a second of it (while the import still held the
#     store: not at its end), all of A's before any of B's, and the
#     delivery numbers rose throughout;
#   - a watcher reconnecting meanwhile is replayed them from memory, and
#     an ack right after the import dismisses the one that went off (not
#     the next, unseen);
#   - the hook ran once for each;
#   - once the import ended and they were recorded, a restart of kcald
#     sends none of them again (a watcher asking from the last number it
#     saw gets nothing back).
. "$(dirname "$0")/lib.sh"

slowsync_setup "reminders during an import"
DELAY_MS=2000
NA=30
NB=300
NIMPORT=${KCAL_REMIND_IMPORT_EVENTS:-300}

cat >"$T/hook.sh" <<EOF
#!/bin/sh
echo "\$KCAL_UID" >>"$T/hook.log"
EOF
chmod +x "$T/hook.sh"
: >"$T/hook.log"
printf 'notify_cmd = %s\nnotify_timeout = 20s\n' "$T/hook.sh" \
    >"$XDG_CONFIG_HOME/kcal/kcald.conf"
# The import: NIMPORT events far from the bursts, each with a participant
# (few: its commit, not its reading, is to hold the store).
"$PY" - "$T/big.ics" "$NIMPORT" <<'PYEOF'
import sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "w", newline="") as f:
    f.write("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kcal//test//EN\r\n")
    for i in range(n):
        f.write("BEGIN:VEVENT\r\nUID:imp-%d@test\r\n"
                "DTSTAMP:20260101T000000Z\r\n"
                "DTSTART:2033%02d%02dT%02d0000Z\r\nDURATION:PT45M\r\n"
                "SUMMARY:Imported consultation %d\r\n"
                "ATTENDEE;CN=Delegate %d:mailto:d%d@example.org\r\n"
                "END:VEVENT\r\n" % (i, 1 + i % 12, 1 + i % 28, i % 24, i,
                                    i % 50, i % 50))
    f.write("END:VCALENDAR\r\n")
PYEOF
# The store made first at the disk's own speed: its schema is many commits.
start_daemon || exit 1
stop_daemon
export KCAL_TEST_SYNC_MS=$DELAY_MS LD_PRELOAD="$SO"
start_daemon || exit 1
unset LD_PRELOAD

py_scenario "reminders during an import" "$PY" - "$KCAL_SOCKET" \
    "$top/tests/e2e" "$NA" "$NB" "$T/hook.log" "$KCAL" \
    "$T/big.ics" "$T/kcald.out" "$T/seen" <<'PYEOF'
import os, subprocess, sys, time
sys.path.insert(0, sys.argv[2])
from wire import Conn, add_bursts, check, ok_reply, watch_reminders

sock = sys.argv[1]
na, nb, hooklog, kcal, ics, dlog, seenf = (int(sys.argv[3]),
    int(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7], sys.argv[8],
    sys.argv[9])
sanitized = bool(os.environ.get("KCAL_SANITIZED"))


seen = []                           # (uid, seq, time), in arrival order
w = watch_reminders(sock, lambda m: seen.append((m.get("uid"),
                                                 m.get("seq"), time.time())))
due = int(time.time()) + (60 if sanitized else 20)
uids = add_bursts(sock, na, nb, due, "During import")
ua, ub = set(uids[:na]), set(uids[na:])
left = due - time.time()
check("the adds took less than their lead (%.1f s left)" % left, left > 1)

# The import's commit holds the store from a moment after it starts.
while time.time() < due - 0.8:
    time.sleep(0.02)
t_imp = time.time()
imp = subprocess.Popen([kcal, "import", ics], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
# A watcher back while they are delivered from memory is sent them too.
while time.time() < due + 15 and len(seen) < na and imp.poll() is None:
    time.sleep(0.02)
if imp.poll() is None and len(seen) >= na:
    c = Conn(sock, timeout=30)
    r = c.call("watch", since=min(s for u, s, t in seen) - 1, timeout=30)
    back = [m.get("uid") for m in r["result"]["replay"]] if ok_reply(r) \
        else []
    # A slow build's replay comes in pages (a slice of the loop each):
    # "more" says to ask again from its "seq".
    while ok_reply(r) and r["result"].get("more"):
        r = c.call("watch", since=r["result"]["seq"], timeout=30)
        back += [m.get("uid") for m in r["result"]["replay"]] \
            if ok_reply(r) else []
    check("a watcher back during the import is replayed those from memory "
          "(%d of A's %d)" % (len(set(back) & ua), na),
          ua <= set(back), r if not ok_reply(r) else len(back))
    c.close()
err = imp.communicate(timeout=600)[1]
t_done = time.time()
check("the import was acknowledged (%.1f s)" % (t_done - t_imp),
      imp.returncode == 0, err[-300:])
# Before they are recorded, an ack acts on the one that went off.
r = Conn(sock, timeout=30).call("ack", uid=uids[0], timeout=30)
check("an ack right after the import dismisses the reminder that went off",
      ok_reply(r) and r["result"].get("was") == "fired", r)
with open(dlog, errors="replace") as f:
    held = "delivering from memory" in f.read()
check("the import held the store when the reminders fell due (it ran "
      "from %+.1f s to %+.1f s; they were delivered from memory)"
      % (t_imp - due, t_done - due), held)

deadline = time.time() + 60
while time.time() < deadline and len(seen) < na + nb:
    time.sleep(0.1)
time.sleep(7)                       # B recorded (5 s retry); none twice
got = [u for u, s, t in seen]
check("every reminder reached the watcher once",
      sorted(got) == sorted(uids), (len(got), len(set(got)), len(uids)))
late = [t - due - (u in ub) for u, s, t in seen]
bound = 3.0 if sanitized else 1.0       # a sanitizer slows the walk
check("none before it fell due, each within %g s of it (%+.3f s to "
      "%+.3f s)" % (bound, min(late or [0]), max(late or [0])),
      late and min(late) >= -0.05 and max(late) < bound)
last = max([t for u, s, t in seen] or [0])
check("... while the import still held the store (the last %.1f s before "
      "its end)" % (t_done - last), last < t_done)
last_a = max([i for i, (u, s, t) in enumerate(seen) if u in ua] or [-1])
first_bi = min([i for i, (u, s, t) in enumerate(seen) if u in ub] or [-1])
check("all of A's were delivered before any of B's",
      0 <= last_a < first_bi, (last_a, first_bi))
seqs = [s for u, s, t in seen]
check("the delivery numbers rose throughout",
      all(isinstance(s, int) for s in seqs) and
      all(x < y for x, y in zip(seqs, seqs[1:])), seqs[:8])

deadline = time.time() + 60
while time.time() < deadline:
    with open(hooklog) as f:
        rows = [l.strip() for l in f if l.strip()]
    if len(rows) >= len(uids):
        break
    time.sleep(0.2)
time.sleep(0.5)
with open(hooklog) as f:
    rows = [l.strip() for l in f if l.strip()]
check("the hook ran once for each reminder",
      sorted(rows) == sorted(uids), (len(rows), len(set(rows))))
with open(seenf, "w") as f:
    f.write("%d\n" % max(seqs or [0]))
PYEOF
py_skips

# After a restart, nothing of A or B comes again.
last=$(cat "$T/seen" 2>/dev/null || echo 0)
stop_daemon
unset KCAL_TEST_SYNC_MS
start_daemon || exit 1
sleep 2
"$PY" - "$KCAL_SOCKET" "$top/tests/e2e" "$last" >"$T/again" 2>&1 <<'PYEOF'
import sys, time
sys.path.insert(0, sys.argv[2])
from wire import Conn
c = Conn(sys.argv[1], timeout=30)
r = c.call("watch", since=int(sys.argv[3]), timeout=30)
pushed, end = [], time.time() + 3
while time.time() < end:
    try:
        m = c.recv(max(0.1, end - time.time()))
    except OSError:
        break
    if m is None:
        break
    if m.get("event") == "reminder":
        pushed.append(m.get("uid"))
print("%s replayed %d pushed %d"
      % ("ok" if r and r.get("ok") else "refused: %r" % (r,),
         len(r.get("result", {}).get("replay", [])) if r else -1,
         len(pushed)))
PYEOF
check_eq "after a restart none of them comes again" "ok replayed 0 pushed 0" \
	"$(cat "$T/again")"
stop_daemon
done_testing
