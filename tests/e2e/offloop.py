"""offloop.py -- shared by the bystanders of the off-the-loop tests
(feed-offloop.py, dav-offloop.py, read-offloop.py): the ok/FAIL lines
lib.sh's py_scenario counts, and the timing of a bystander's requests."""

import subprocess
import sys
import time


def ok(cond, desc, why=""):
    print(("ok   " if cond else "FAIL ") + desc)
    if not cond and why:
        print("     " + str(why).replace("\n", "\n     "))
    sys.stdout.flush()


def p99(lat):
    lat = sorted(lat)
    return lat[min(len(lat) - 1, int(len(lat) * 0.99))] if lat else 0


def timed_status(kcal):
    """Seconds one `kcal status` took, start to exit."""
    t0 = time.monotonic()
    subprocess.run([kcal, "status"], capture_output=True, check=True)
    return time.monotonic() - t0
