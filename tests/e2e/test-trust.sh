#!/bin/sh
# test-trust.sh — what kcald trusts on its file system and what kcal trusts
# at the other end of the socket, tried as another local user would:
#  - the store, its -wal and -shm and the lock are 0600, the data dir 0700,
#    whatever the umask; an old 0755/0644 layout is made private;
#  - a data dir or socket dir that another user owns or can write is
#    refused at start-up, in one line naming the path;
#  - one kcald per data dir (a second is refused with the holder's pid);
#  - kcald -D, then a sqlite3 reader opening and closing the store, then
#    more acknowledged writes, then kill -9: every write is still there;
#  - a squatted socket directory with an impostor listening as `nobody`:
#    kcald refuses the directory, kcal refuses to talk and the impostor
#    receives not one byte (root and setpriv; SKIP otherwise);
#  - a zero-length kcal.db is refused, not taken for a new store; a
#    damaged page is refused with what the check found;
#  - control characters that a client sends reach the log escaped.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
umask 022	# what kcald creates must not depend on the caller's umask
IMPOSTOR_PID= DPID=
trap '[ -n "$IMPOSTOR_PID" ] && kill -9 "$IMPOSTOR_PID" 2>/dev/null
	[ -n "$DPID" ] && kill -9 "$DPID" 2>/dev/null; _cleanup' EXIT

mode_of() { stat -c %a "$1"; }
# stray SOCKET: a kcald -D that should not have started is stopped.
stray() {
	_p=$(KCAL_SOCKET=$1 "$KCAL" status --format json 2>/dev/null | jq -r .pid)
	[ -n "$_p" ] && [ "$_p" != null ] && kill -9 "$_p" 2>/dev/null
}

# refused DESC PATTERN KCALD-ARGS...: kcald exits 1 at once, its error one
# line, "kcald: " and PATTERN (info lines may come before it).
refused() {
	_d=$1 _p=$2; shift 2
	_o=$(timeout 10 "$KCALD" --home-tz Asia/Seoul "$@" 2>&1); _rc=$?
	check_eq "$_d: kcald refuses to start (exit 1)" 1 "$_rc"
	check_match "... saying why, naming the path, in its last line" \
		"^kcald: $_p" "$(printf '%s\n' "$_o" | tail -n 1)"
	check_eq "... the one error line" 1 "$(printf '%s\n' "$_o" | grep -c '^kcald: ')"
}

#
# Modes.
#
start_daemon || exit 1
kcal add "Modes" --start 2026-05-01T10:00 >/dev/null
check_eq "the data dir is 0700" 700 "$(mode_of "$T/data")"
for f in kcal.db kcal.db-wal kcal.db-shm kcald.lock; do
	if [ -e "$T/data/$f" ]; then
		check_eq "$f is 0600 (umask 022)" 600 "$(mode_of "$T/data/$f")"
	else
		fail "$f exists while kcald runs"
	fi
done
check_eq "the lock file holds the daemon's pid" "$KCALD_PID" "$(cat "$T/data/kcald.lock")"

# An older kcald's layout: a 0755 data dir, 0644 files (kept by kill -9).
kill9_daemon
chmod 755 "$T/data"
chmod 644 "$T/data/kcal.db" "$T/data/kcal.db-wal" "$T/data/kcal.db-shm"
start_daemon || exit 1
check_eq "a 0755 data dir of our own is made 0700" 700 "$(mode_of "$T/data")"
for f in kcal.db kcal.db-wal kcal.db-shm; do
	check_eq "... a 0644 $f is made 0600" 600 "$(mode_of "$T/data/$f")"
done
check_match "... and the log says so" "data dir $T/data was mode 0755, readable by others; made it 0700" \
	"$(cat "$T/kcald.out")"
check_match "... the event is still there" "Modes" "$(kcal list --from 2026-05-01 --to 2026-05-02)"

#
# One kcald per data dir.
#
refused "a second kcald on the same data dir (another socket)" \
	"data dir $T/data is in use by kcald pid $KCALD_PID\$" \
	--socket "$T/run/second.sock" --data-dir "$T/data"
check "... it binds no socket" test ! -e "$T/run/second.sock"
check "... the first one still answers" kcal status
kill9_daemon
start_daemon || exit 1
pass "after kill -9 the lock is free: kcald starts again"
stop_daemon

#
# Directories others may write are refused.
#
mkdir -p "$T/wd"; chmod 775 "$T/wd"
refused "a group-writable data dir" \
	"data dir $T/wd can be written by its group \\(mode 0775\\); refusing to use it" \
	--socket "$T/r.sock" --data-dir "$T/wd"
chmod 757 "$T/wd"
refused "an other-writable data dir" "data dir $T/wd can be written by others" \
	--socket "$T/r.sock" --data-dir "$T/wd"
check "... no socket was left" test ! -e "$T/r.sock"
check "... and nothing was created in it" test -z "$(ls -A "$T/wd")"
mkdir -p "$T/ws"; chmod 1777 "$T/ws"
refused "a world-writable socket dir (even sticky, as /tmp)" \
	"socket dir $T/ws can be written by others \\(mode 1777\\)" \
	--socket "$T/ws/kcald.sock" --data-dir "$T/d-ws"
check "... no socket in it" test ! -e "$T/ws/kcald.sock"

#
# Zero-length store, damaged page.
#
mkdir -p "$T/z"; : >"$T/z/kcal.db"
refused "a zero-length kcal.db" \
	"$T/z/kcal.db: the store file is empty \\(0 bytes\\)" \
	--socket "$T/r.sock" --data-dir "$T/z"
check_eq "... it is left as it was" 0 "$(stat -c %s "$T/z/kcal.db")"
check "... no socket" test ! -e "$T/r.sock"

start_daemon --data-dir "$T/ic" || exit 1
for i in 1 2 3 4 5 6 7 8; do
	kcal add "Page filler $i" --start "2026-06-0${i}T10:00" >/dev/null
done
stop_daemon
pg=$("$PY" -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("SELECT rootpage FROM sqlite_master WHERE name = ?",
    ("events_window",)).fetchone()[0])
db.close()' "$T/ic/kcal.db")
dd if=/dev/zero of="$T/ic/kcal.db" bs=4096 seek=$((pg - 1)) count=1 \
	conv=notrunc 2>/dev/null
refused "a damaged index page ($pg)" \
	"$T/ic/kcal.db: the store failed its integrity check: .*Page $pg" \
	--socket "$T/r.sock" --data-dir "$T/ic"
check "... the message is what the check found, not SQLite's 'not an error'" \
	test -n "${_o##*not an error*}"

#
# Log injection: an import's name with a newline and an ESC.
#
start_daemon || exit 1
reply=$("$PY" - "$KCAL_SOCKET" <<'EOF'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rwb")
f.readline()
ics = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//trust//EN\r\n"
       "BEGIN:VEVENT\r\nUID:inject-1@test\r\nDTSTAMP:20260101T000000Z\r\n"
       "DTSTART:20260301T100000Z\r\nSUMMARY:Injected\r\nEND:VEVENT\r\n"
       "END:VCALENDAR\r\n")
name = ("a.ics\n2026-01-01T00:00:00Z kcald[warn]: store: integrity check "
        "FAILED\x1b[2J")
f.write((json.dumps({"id": 1, "cmd": "import", "ical": ics,
                     "name": name}) + "\n").encode())
f.flush()
print(json.loads(f.readline())["ok"])
EOF
)
check_eq "an import named with a newline and an ESC is accepted" True "$reply"
log=$(cat "$T/kcald.out")
if printf '%s\n' "$log" | grep -q '^2026-01-01T00:00:00Z kcald\[warn\]'; then
	fail "the name forged a log line" "$log"
else
	pass "the name forged no log line"
fi
check_match "... it is logged escaped, on the import's line" \
	'kcald\[info\]: import a\.ics\\n2026-01-01T00:00:00Z kcald\[warn\]: store: integrity check FAILED\\x1b\[2J: 1 added' \
	"$log"
if printf '%s' "$log" | grep -q "$(printf '\033')"; then
	fail "no raw ESC in the log"
else
	pass "no raw ESC in the log"
fi
stop_daemon

#
# kcald -D, an outside reader, kill -9.
#
if have sqlite3; then
	reader() { sqlite3 "$1" 'SELECT count(*) FROM events' >/dev/null; }
	how="the sqlite3 shell"
else
	reader() { "$PY" -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); db.execute("SELECT count(*) FROM events").fetchone(); db.close()' "$1"; }
	how="python3's sqlite3 module (no sqlite3 shell)"
fi
export KCAL_SOCKET="$T/run/d.sock"
out=$("$KCALD" -D --socket "$KCAL_SOCKET" --data-dir "$T/dd" --home-tz Asia/Seoul \
	--log-file "$T/d.log" 2>&1); rc=$?
check_eq "kcald -D detaches and exits 0" 0 "$rc"
DPID=$(kcal status --format json 2>/dev/null | jq -r .pid)
check "... and the daemon answers at once (pid $DPID)" kill -0 "$DPID"
check_eq "... it holds the data dir's lock" "$DPID" "$(cat "$T/dd/kcald.lock")"
kcal add "Before the reader" --start 2026-07-01T10:00 >/dev/null
reader "$T/dd/kcal.db"
check "a reader ($how) opened and closed the store" test $? -eq 0
ok=0
for i in 1 2 3; do
	kcal add "After the reader $i" --start "2026-07-0${i}T12:00" >/dev/null && ok=$((ok + 1))
done
check_eq "three writes after it were acknowledged" 3 "$ok"
check "... the WAL is still there for them" test -s "$T/dd/kcal.db-wal"
out=$("$KCALD" -D --socket "$T/run/d2.sock" --data-dir "$T/dd" --home-tz Asia/Seoul 2>&1); rc=$?
check_eq "a second kcald -D on that data dir exits 1" 1 "$rc"
[ "$rc" -eq 0 ] && stray "$T/run/d2.sock"
check_match "... and its error reaches the terminal" \
	"^kcald: data dir $T/dd is in use by kcald pid $DPID\$" "$out"
kill -9 "$DPID"
i=0; while kill -0 "$DPID" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
DPID=
start_daemon --data-dir "$T/dd" || exit 1
got=$(kcal list --from 2026-07-01 --to 2026-07-05 --format json |
	jq -r '.events[].summary' | sort | tr '\n' '|')
check_eq "after kill -9 and a restart every acknowledged write is there" \
	"After the reader 1|After the reader 2|After the reader 3|Before the reader|" "$got"
stop_daemon
out=$("$KCALD" -D --socket "$T/run/d3.sock" --data-dir "$T/z" --home-tz Asia/Seoul 2>&1); rc=$?
check_eq "kcald -D that cannot start exits 1" 1 "$rc"
[ "$rc" -eq 0 ] && stray "$T/run/d3.sock"
check_match "... saying why" "^kcald: $T/z/kcal.db: the store file is empty" "$out"
export KCAL_SOCKET="$T/run/kcald.sock"

#
# A squatted socket directory: another user got there first.
#
if [ "$(id -u)" -ne 0 ] || ! have setpriv; then
	skip "squatted socket dir and impostor: needs root and setpriv"
	done_testing; exit
fi
NOBODY=65534
chmod 711 "$T"
mkdir "$T/squat"; chown "$NOBODY:$NOBODY" "$T/squat"; chmod 755 "$T/squat"
refused "a socket dir owned by another user" \
	"socket dir $T/squat is owned by uid $NOBODY, not by kcald's uid 0; refusing to use it" \
	--socket "$T/squat/kcald.sock" --data-dir "$T/d-squat"
mkdir "$T/dsq"; chown "$NOBODY" "$T/dsq"; chmod 700 "$T/dsq"
refused "a data dir owned by another user" \
	"data dir $T/dsq is owned by uid $NOBODY, not by kcald's uid 0" \
	--socket "$T/r.sock" --data-dir "$T/dsq"

cat >"$T/impostor.py" <<'EOF'
# Listens where kcald would, greets as kcald, records what it receives.
import json, os, socket, sys
path, log = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX)
s.bind(path)
s.listen(8)
open(log, "w").close()
while True:
    c, _ = s.accept()
    c.settimeout(3)
    got = b""
    try:
        c.sendall(b'{"hello": "kcald", "version": "0.1.0", "protocol": 1}\n')
        while True:
            d = c.recv(65536)
            if not d:
                break
            got += d
            while b"\n" in d:
                line, _, d = d.partition(b"\n")
                req = json.loads(line)
                c.sendall(json.dumps({"id": req.get("id"), "ok": True,
                    "result": {"uid": "captured@impostor"}}).encode() + b"\n")
    except (OSError, ValueError):
        pass
    c.close()
    with open(log, "a") as f:
        f.write("%d\n" % len(got))
EOF
setpriv --reuid $NOBODY --regid $NOBODY --clear-groups -- \
	"$PY" "$T/impostor.py" "$T/squat/kcald.sock" "$T/squat/got" &
IMPOSTOR_PID=$!
i=0; while [ ! -e "$T/squat/got" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
out=$(KCAL_SOCKET="$T/squat/kcald.sock" timeout 10 "$KCAL" add "Secret talks" \
	--start 2026-08-01T10:00 2>&1); rc=$?
check_eq "kcal refuses the impostor's socket (exit 3)" 3 "$rc"
check_eq "... in one line naming the socket and the uid" \
	"kcal: the socket $T/squat/kcald.sock is served by uid $NOBODY, not by you or root; refusing to send (set KCAL_SERVER_UID to trust it)" \
	"$out"
sleep 0.5
check_eq "... the impostor received nothing" "0" "$(cat "$T/squat/got")"
out=$(KCAL_SOCKET="$T/squat/kcald.sock" KCAL_SERVER_UID=4242 timeout 10 "$KCAL" status 2>&1); rc=$?
check_eq "KCAL_SERVER_UID naming another uid does not help it (exit 3)" 3 "$rc"
check_match "... and says whom kcal trusts" "not by you, root or KCAL_SERVER_UID \\(4242\\)" "$out"
out=$(KCAL_SOCKET="$T/squat/kcald.sock" KCAL_SERVER_UID=$NOBODY timeout 10 "$KCAL" \
	add "Trusted on purpose" --start 2026-08-01T10:00 2>&1); rc=$?
check_eq "KCAL_SERVER_UID=$NOBODY: kcal then talks to that server" "0 captured@impostor" "$rc $out"
if name=$(getent passwd $NOBODY | cut -d: -f1) && [ -n "$name" ]; then
	check "... KCAL_SERVER_UID may be a user name ($name)" \
		env KCAL_SOCKET="$T/squat/kcald.sock" KCAL_SERVER_UID="$name" timeout 10 "$KCAL" status
else
	skip "KCAL_SERVER_UID as a user name: uid $NOBODY has no passwd entry"
fi
sleep 0.5
check_match "... (the server received those requests: the check is what stopped the first)" \
	"^0 0 [1-9]" "$(tr '\n' ' ' <"$T/squat/got")"
kill "$IMPOSTOR_PID" 2>/dev/null; wait "$IMPOSTOR_PID" 2>/dev/null; IMPOSTOR_PID=
start_daemon || exit 1
check "root's own kcald is trusted by root's kcal" kcal status

done_testing
