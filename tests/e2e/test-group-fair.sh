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
import json, sys, threading
sys.path.insert(0, sys.argv[2])
from wire import Conn, check

N = 1500
a, b = Conn(sys.argv[1], timeout=120), Conn(sys.argv[1], timeout=120)
lines = b"".join(json.dumps({
    "id": i + 1, "cmd": "add", "summary": "Pipelined %d" % i,
    "start": "2027-03-%02dT%02d:00" % (1 + i % 28, 8 + i % 10),
    "duration": 1800}).encode() + b"\n" for i in range(N))
threading.Thread(target=a.s.sendall, args=(lines,), daemon=True).start()
state = {"a": 0, "b_at": None, "b": None}
oks = 0
while state["a"] < 10:
    m = a.recv(120)
    if m is not None and "id" in m:
        state["a"] += 1
        oks += m.get("ok") is True


def second():
    b.send({"id": 1, "cmd": "add", "summary": "Second writer",
            "start": "2027-04-01T09:00", "duration": 1800})
    state["b"] = b.recv(120)
    state["b_at"] = state["a"]


t = threading.Thread(target=second, daemon=True)
t.start()
while state["a"] < N:
    m = a.recv(120)
    if m is None:
        break
    if "id" in m:
        state["a"] += 1
        oks += m.get("ok") is True
t.join(120)
check("the pipelined client's %d adds are all acknowledged" % N, oks == N,
      oks)
check("the second writer's add is acknowledged",
      state["b"] is not None and state["b"].get("ok") is True, state["b"])
at = state["b_at"]
check("... after a few slices of the pipeline, not after all of it "
      "(%s of %d were answered before it)" % (at, N),
      at is not None and at < N // 3, at)
PYEOF
check_eq "every add is in the store" 1501 \
	"$(kcal status --format json | jq .events)"
stop_daemon
done_testing
