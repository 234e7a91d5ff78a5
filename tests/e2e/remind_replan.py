#!/usr/bin/env python3
"""remind_replan.py -- test-remind-replan.sh: while kcald plans the
reminders of a big import (thousands of events marked "plan again"), a
reminder that falls due is delivered at once, not after the re-plan, and
a bystander's `kcal status` keeps being answered.

    remind_replan.py SOCKET KCAL DB GEN N BOUND_S

A first import of N events measures how long importing and re-planning
take here; a second, of N more, is imported with a reminder set to fall
due halfway through its re-plan.  The re-plan is watched in the store
(alarms rows still marked "plan again"); a round whose re-plan ended
before the reminder was due is run again with twice the events (at most
four rounds).  Bounds (BOUND_S seconds) are generous: the test is about
starvation, not speed; the figures are printed.
"""
import datetime as dt
import math
import os
import sqlite3
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from offloop import ok, p99, timed_status  # noqa: E402
from remind_prep import Watcher, iso  # noqa: E402

SOCK, KCAL, DB, GEN = sys.argv[1:5]
N, BOUND = int(sys.argv[5]), float(sys.argv[6])
TMP = os.path.dirname(os.path.dirname(DB))


def kcal(*args):
    return subprocess.run([KCAL, "--timeout", "60"] + list(args),
                          capture_output=True, text=True,
                          check=True).stdout.strip()


def dirty():
    """Events still to be planned again."""
    db = sqlite3.connect("file:%s?mode=ro" % DB, uri=True, timeout=30)
    try:
        return db.execute("SELECT count(*) FROM alarms WHERE "
                          "next_alarm < 0").fetchone()[0]
    finally:
        db.close()


def gen(n, prefix):
    """n generated events, each with a reminder: the file."""
    ics = os.path.join(TMP, prefix + ".ics")
    start = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    subprocess.run([sys.executable, GEN, str(n), "--remind-ratio", "1",
                    "--start", start, "--uid-prefix", prefix, "-o", ics],
                   check=True)
    return ics


def import_(ics):
    """Import the file; the seconds it took."""
    t0 = time.time()
    kcal("import", ics)
    return time.time() - t0


def replan(samples):
    """Poll the store until nothing is left to plan; (time, count)s."""
    while True:
        n = dirty()
        samples.append((time.time(), n))
        if n == 0:
            return samples[-1][0]
        time.sleep(0.05)


def bystander(stop, lat):
    while not stop.is_set():
        lat.append(timed_status(KCAL))


def round_(w, n, r):
    ics = gen(n, "calib%d-" % r)
    t = time.time()
    imp = import_(ics)
    plan = replan([]) - t - imp
    ics = gen(n, "big%d-" % r)
    due = math.ceil(time.time() + imp + plan / 2)
    uid = kcal("add", "Due during the re-plan %d" % r, "--start",
               iso(due + 7200), "--remind-at", iso(due))
    stop, lat, samples = threading.Event(), [], []
    th = threading.Thread(target=bystander, args=(stop, lat))
    import_(ics)
    th.start()
    end = replan(samples)
    stop.set()
    th.join()
    left = [c for (at, c) in samples if at >= due]
    if not left or left[0] == 0:
        print("     round %d: %d events re-planned in %.1f s, before the "
              "reminder was due; again with more" % (r, n, plan))
        return False
    got = [a for m, a in zip(w.got, w.at) if m.get("uid") == uid]
    t_end = time.time() + 30
    while not got and time.time() < t_end:
        time.sleep(0.1)
        got = [a for m, a in zip(w.got, w.at) if m.get("uid") == uid]
    ok(len(got) == 1, "the reminder due during the re-plan of %d events "
       "is delivered once" % n, got)
    if got:
        ok(got[0] - due < BOUND, "... %.0f ms after it was due, %d events "
           "still to plan then, the re-plan ending %.1f s after it "
           "(bound %.0f s)" % ((got[0] - due) * 1000, left[0], end - due,
                               BOUND), got[0] - due)
    ok(len(lat) > 0 and max(lat) < BOUND, "a bystander's status during "
       "the re-plan: %d answered, p99 %.0f ms, max %.0f ms (bound %.0f s)"
       % (len(lat), p99(lat) * 1000, max(lat or [0]) * 1000, BOUND))
    return True


def main():
    w = Watcher(SOCK)
    n = N
    for r in range(1, 5):
        if round_(w, n, r):
            return
        n *= 2
    ok(False, "a re-plan that outlasts the instant of its reminder")


main()
