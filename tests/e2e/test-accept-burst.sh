#!/bin/sh
# test-accept-burst.sh — a burst of clients connecting at once waits in the
# socket's queue instead of being refused.  kcald is stopped (SIGSTOP) while
# 200 non-blocking connects are made, so none is accepted meanwhile: each
# must find room in the listen queue (a queue of 64 refused the rest with
# EAGAIN, which asyncio clients then reported as EINVAL), and once kcald
# goes on, each must get its greeting.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
# The kernel caps every listen queue at net.core.somaxconn (4096 since
# Linux 5.4; 128 before).
max=$(cat /proc/sys/net/core/somaxconn 2>/dev/null || echo 0)
if [ "$max" -lt 201 ]; then
	skip "net.core.somaxconn is $max: no listen queue holds 200 here"
	done_testing
	exit
fi
start_daemon || exit 1
kill -STOP "$KCALD_PID"
out=$("$PY" - "$KCAL_SOCKET" "$KCALD_PID" <<'PYEOF' 2>&1
import errno, json, os, select, signal, socket, sys, time
path, pid, n = sys.argv[1], int(sys.argv[2]), 200
socks, refused = [], 0
for _ in range(n):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.setblocking(False)
    try:
        s.connect(path)
        socks.append(s)
    except OSError as e:
        refused += 1
        print("refused: %s" % errno.errorcode.get(e.errno, e.errno))
        s.close()
os.kill(pid, signal.SIGCONT)
print("queued %d refused %d" % (len(socks), refused))
greeted, deadline, buf = 0, time.monotonic() + 60, {}
pending = set(socks)
while pending and time.monotonic() < deadline:
    r, _, _ = select.select(list(pending), [], [], 1.0)
    for s in r:
        data = s.recv(65536)
        buf[s] = buf.get(s, b"") + data
        if b"\n" in buf[s] or not data:
            pending.discard(s)
            line = buf[s].split(b"\n", 1)[0]
            try:
                if "hello" in json.loads(line):
                    greeted += 1
            except ValueError:
                print("not JSON: %r" % line[:80])
print("greeted %d" % greeted)
PYEOF
)
kill -CONT "$KCALD_PID" 2>/dev/null
printf '%s\n' "$out" | sed -n 's/^refused: //p' | sort | uniq -c | head -n 3
check_match "200 connects while kcald is stopped all queue" \
	"queued 200 refused 0" "$out"
check_match "... and each gets kcald's greeting once it goes on" \
	"greeted 200" "$out"
check "the daemon still answers" kcal status
stop_daemon
done_testing
