#!/usr/bin/env python3
"""remind_prep.py -- test-remind-prep.sh: what kcald prepares ahead of a
burst of reminders (remind-prep.c) never fires stale.

    remind_prep.py SOCKET KCAL LOG

A round: events whose reminders are due together at T, some seconds on;
once the log says they were prepared (PREP_LEAD seconds before T), and
before T, one is renamed, one moved elsewhere, one deleted, one's pending
reminder acknowledged, and one's earlier reminder (fired already) snoozed
until about T.  Each must then be delivered as it is after the change,
the untouched ones once each as prepared, and every live delivery must
equal what a watcher catching up is replayed for it.  A round whose
changes were not all made before T (a loaded machine) is not judged: up
to three rounds are run.  A second watcher asks for the brief form
("brief": true, what `kcal watch` prints from): it must be sent each
delivery the first is, as those keys of it and no others, live and
replayed.  Prints ok/FAIL lines (lib.sh's py_scenario).
"""
import datetime as dt
import json
import os
import re
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from offloop import ok  # noqa: E402
from wire import Conn  # noqa: E402

SOCK = KCAL = LOG = None
# The brief form's keys (remind-deliver.c, kcal-protocol(7)).
BRIEF = {"event", "seq", "uid", "summary", "kind", "status", "class",
         "all_day", "tz", "home_tz", "start", "start_abbr", "start_home",
         "home_abbr", "start_utc", "end", "end_utc", "location", "city",
         "due", "due_abbr", "due_utc", "at", "at_abbr", "at_utc", "before",
         "late", "late_by", "snoozed"}


def kcal(*args):
    return subprocess.run([KCAL] + list(args), capture_output=True,
                          text=True, check=True).stdout.strip()


def iso(t):
    return dt.datetime.fromtimestamp(t, dt.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


class Watcher:
    """A raw watching connection: every pushed reminder, as sent, and
    when it arrived (at[i], time.time())."""

    def __init__(self, sock, brief=False):
        self.c = Conn(sock)
        r = self.c.call("watch", brief=True) if brief else \
            self.c.call("watch")
        assert r and r.get("ok"), r
        self.got, self.at = [], []
        threading.Thread(target=self.run, daemon=True).start()

    def run(self):
        while True:
            try:
                m = self.c.recv(3600)
            except OSError:
                return
            if m is None:
                return
            if m.get("event") == "reminder":
                self.at.append(time.time())
                self.got.append(m)

    def of(self, uid):
        return [m for m in self.got if m.get("uid") == uid]


def wait(cond, secs):
    end = time.time() + secs
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.1)
    return cond()


def log_size():
    return os.path.getsize(LOG)


def logged(pattern, since):
    """Does the log have a line matching pattern past offset since?"""
    with open(LOG, "rb") as f:
        f.seek(since)
        text = f.read().decode("utf-8", "replace")
    return re.search(pattern, text) is not None


def round_(w, n, wb):
    """One round: True when judged, False when it must be run again."""
    since = log_size()
    t = int(time.time()) + 9
    t0 = t - 6
    start = iso(t + 3600)
    ev = {}
    for k in "plain", "renamed", "moved", "deleted", "acked":
        ev[k] = kcal("add", "Prep %d %s" % (n, k), "--start", start,
                     "--remind-at", iso(t))
    ev["snoozed"] = kcal("add", "Prep %d snoozed" % n, "--start", start,
                         "--remind-at", iso(t0), "--remind-at", iso(t))
    ev["daily"] = kcal("add", "Prep %d daily" % n, "--start", iso(t + 600),
                       "--remind", "10m", "--rrule", "FREQ=DAILY;COUNT=3")
    if not wait(lambda: w.of(ev["snoozed"]), 15):
        ok(False, "round %d: the earlier reminder went off" % n)
        return True
    if not wait(lambda: logged(r"7 events prepared for %d\b" % t, since),
                t - time.time() - 0.5) or time.time() > t - 1:
        return False
    kcal("edit", ev["renamed"], "--summary", "Prep %d renamed after" % n)
    kcal("edit", ev["moved"], "--location", "Somewhere else")
    kcal("rm", ev["deleted"], "--yes")
    kcal("ack", ev["acked"])
    c = Conn(SOCK)
    c.call("snooze", uid=ev["snoozed"], duration=max(1, t - int(time.time())))
    c.close()
    if time.time() >= t:
        return False
    want = {"plain": 1, "renamed": 1, "moved": 1, "daily": 1, "snoozed": 3}
    wait(lambda: all(len(w.of(ev[k])) >= v for k, v in want.items()), 20)
    time.sleep(1.5)
    for k, v in want.items():
        ok(len(w.of(ev[k])) == v, "round %d: %s delivered %d time(s)" %
           (n, k, v), [m.get("summary") for m in w.of(ev[k])])
    for k in "deleted", "acked":
        ok(not w.of(ev[k]), "round %d: %s never delivered" % (n, k))
    ok([m["summary"] for m in w.of(ev["renamed"])] ==
       ["Prep %d renamed after" % n], "round %d: the renamed event goes off "
       "under its new summary" % n)
    ok([m.get("location") for m in w.of(ev["moved"])] == ["Somewhere else"],
       "round %d: the moved one with its new location" % n)
    ok(sum(1 for m in w.of(ev["snoozed"]) if m.get("snoozed")) == 1,
       "round %d: the snoozed one goes off once more, snoozed" % n)
    ok(logged(r"\d+ events due fired, 2 of them as prepared", since),
       "round %d: the untouched ones went off as prepared" % n)
    nxt = [r["due_utc"] for r in kcal_json("reminders", "--to", iso(t + 3 *
           86400))["reminders"] if r["uid"] == ev["daily"]]
    ok(nxt[:1] == [t + 86400], "round %d: the daily one's next reminder "
       "is planned a day on" % n, nxt)
    same_as_replay(w, n)
    brief_as_full(w, wb, n)
    return True


def kcal_json(*args):
    return json.loads(kcal(*(list(args) + ["--format", "json"])))


def same_as_replay(w, n):
    """Each live delivery equals its replay (keys, order and values)."""
    c = Conn(SOCK)
    r = c.call("watch", since=0)
    c.close()
    replay = {m["seq"]: m for m in r["result"]["replay"]}
    live = [m for m in w.got if m["seq"] in replay]
    bad = [m["seq"] for m in live if list(m.items()) !=
           [(k, v) for k, v in replay[m["seq"]].items() if k != "replay"]]
    ok(len(live) >= 5 and not bad, "round %d: every live delivery (%d) is "
       "what a replay gives" % (n, len(live)), bad)
    seqs = [m["seq"] for m in w.got]
    ok(seqs == list(range(seqs[0], seqs[0] + len(seqs))),
       "round %d: delivery numbers in order, none missing" % n, seqs)


def brief_as_full(w, wb, n):
    """The brief watcher got what the full one did, as its brief form.
    Only this round's deliveries count: a round run again may have
    cleared the two lists a delivery apart."""
    full = {m["seq"]: m for m in w.got}
    if not full:
        ok(False, "round %d: the full watcher was sent deliveries" % n)
        return
    first = min(full)
    wait(lambda: set(full) <= {m["seq"] for m in wb.got}, 10)
    got = [m for m in wb.got if m["seq"] >= first]
    ok(sorted(m["seq"] for m in got) == sorted(full),
       "round %d: the brief watcher was sent the same deliveries" % n,
       [m["seq"] for m in got])
    bad = [m["seq"] for m in got if m["seq"] not in full or m !=
           {k: v for k, v in full[m["seq"]].items() if k in BRIEF}]
    ok(got and not bad, "round %d: each brief delivery is the full "
       "one's brief keys, and only those" % n, bad)
    ok(all("description" in m and "participants" in m for m in w.got) and
       not any("description" in m for m in got),
       "round %d: the description is sent in full, not in brief" % n)
    c = Conn(SOCK)
    r = c.call("watch", since=first - 1, brief=True)
    c.close()
    rep = {m["seq"]: m for m in r["result"]["replay"]}
    common = [m for m in got if m["seq"] in rep]
    ok(common and all(rep[m["seq"]].get("replay") is True and m ==
                      {k: v for k, v in rep[m["seq"]].items()
                       if k != "replay"} for m in common),
       "round %d: a brief replay gives what was pushed in brief, marked "
       "replayed" % n, [m["seq"] for m in common])
    c = Conn(SOCK)
    r = c.call("watch", brief="yes")
    c.close()
    ok(not r.get("ok") and "brief" in r["error"]["message"],
       "round %d: a \"brief\" that is not true or false is refused" % n, r)


def main():
    global SOCK, KCAL, LOG
    SOCK, KCAL, LOG = sys.argv[1], sys.argv[2], sys.argv[3]
    w, wb = Watcher(SOCK), Watcher(SOCK, brief=True)
    for n in range(1, 4):
        if round_(w, n, wb):
            return
        w.got.clear()
        wb.got.clear()
    ok(False, "a round whose changes landed before its reminders were due")


if __name__ == "__main__":
    main()
