#!/bin/sh
# test-group-fair.sh — a client that pipelines a long run of writes does not
# starve another writer.  Writes that wait for the group's next slice are
# parked and run in the order they were parked, all of them before any
# client is read again (server-group.c): so a second client's single add,
# sent while the first's 1,500 adds are under way, is answered after a few
# slices of them, not after all.  Not timed: the order of the replies
# decides.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
start_daemon || exit 1
py_scenario "group fairness" "$PY" - "$KCAL_SOCKET" "$top/tests/e2e" <<'PYEOF'
import json, select, sys, threading
sys.path.insert(0, sys.argv[2])
from wire import Conn, check

N = 1500
a, b = Conn(sys.argv[1], timeout=120), Conn(sys.argv[1], timeout=120)
lines = b"".join(json.dumps({
    "id": i + 1, "cmd": "add", "summary": "Pipelined %d" % i,
    "start": "2027-03-%02dT%02d:00" % (1 + i % 28, 8 + i % 10),
    "duration": 1800}).encode() + b"\n" for i in range(N))
threading.Thread(target=a.s.sendall, args=(lines,), daemon=True).start()
n = oks = 0
at = b_reply = None


def take_a():
    global n, oks
    m = a.recv()
    if "id" in m:
        n += 1
        oks += m.get("ok") is True


while n < 10:
    take_a()
b.send({"id": 1, "cmd": "add", "summary": "Second writer",
        "start": "2027-04-01T09:00", "duration": 1800})
# One thread reads both, the second writer's line first: at is how many
# of the pipeline's replies had come when its reply came (to within one
# read of 4 kB).
while n < N or b_reply is None:
    if b_reply is None and b"\n" in b.buf:
        b_reply, at = b.recv(), n
    elif n < N and b"\n" in a.buf:
        take_a()
    else:
        want = ([a.s] if n < N else []) + ([b.s] if b_reply is None else [])
        ready, _, _ = select.select(want, [], [], 120)
        if not ready:
            break
        for c, size in ((b, 65536), (a, 4096)):
            if c.s in ready:
                data = c.s.recv(size)
                if not data:
                    raise SystemExit("kcald closed a connection")
                c.buf += data
check("the pipelined client's %d adds are all acknowledged" % N, oks == N,
      oks)
check("the second writer's add is acknowledged",
      b_reply is not None and b_reply.get("ok") is True, b_reply)
check("... after a few slices of the pipeline, not after all of it "
      "(%s of %d were answered before it)" % (at, N),
      at is not None and at < N // 3, at)
PYEOF
check_eq "every add is in the store" 1501 \
	"$(kcal status --format json | jq .events)"
stop_daemon
done_testing
