#!/bin/sh
# test-robust.sh — kcald keeps serving whatever arrives on its socket:
# malformed JSON, an over-long line, unknown commands and arguments, bad
# argument types, sent raw (python3) while another client stays connected
# and keeps being answered.  Then the process life: restart keeps data, a
# second daemon on the same socket is refused, a stale socket is replaced,
# kill -9 right after an acknowledged add loses nothing, SIGTERM exits 0,
# SIGHUP reloads a changed config file without dropping data, and --help /
# --version on both binaries.
. "$(dirname "$0")/lib.sh"

# The home zone comes from the config file here (start_daemon would set it
# on the command line, which a SIGHUP reload rightly does not override).
cat >"$T/kcald.conf" <<EOF
# test-robust
home_tz = Asia/Seoul
max_line = 65536
EOF
start_kcald() {
	"$KCALD" --socket "$KCAL_SOCKET" --data-dir "$T/data" \
		--config "$T/kcald.conf" --log-level debug "$@" \
		>>"$T/kcald.out" 2>&1 &
	KCALD_PID=$!
	_i=0
	while [ $_i -lt 100 ]; do
		"$KCAL" status >/dev/null 2>&1 && return 0
		kill -0 "$KCALD_PID" 2>/dev/null || break
		sleep 0.1; _i=$((_i + 1))
	done
	fail "kcald started" "$(tail -n 20 "$T/kcald.out")"
	return 1
}

# py SCRIPT ARGS...: run a python3 scenario; count its ok/FAIL lines.
py() {
	py_scenario "python scenario $2" python3 "$@"
}

# raw.py builds on wire.py's connection.
export KCAL_E2E_DIR="$top/tests/e2e"

if ! have python3; then
	skip "raw protocol tests (python3 is missing)"
	exit 0
fi

cat >"$T/raw.py" <<'EOF'
import json, os, socket, sys, time

path, scenario = sys.argv[1], sys.argv[2]
failures = 0

def check(desc, cond, detail=""):
    global failures
    if not cond:
        failures += 1
    print(("ok   " if cond else "FAIL ") + desc +
          ("" if cond or detail == "" else ": " + repr(detail)))
    sys.stdout.flush()

sys.path.insert(0, os.environ["KCAL_E2E_DIR"])
import wire

class Conn(wire.Conn):
    """wire.py's connection to the daemon, waiting 15 s, plus raw writes."""
    def __init__(self):
        super().__init__(path, timeout=15)

    def recv(self, timeout=15):
        return super().recv(timeout)

    def raw(self, data):
        """Send bytes as they are; return the next message."""
        self.s.sendall(data)
        return self.recv()

    def req(self, obj):
        return self.raw(json.dumps(obj).encode() + b"\n")

    def at_eof(self):
        try:
            while True:
                if self.recv() is None:
                    return True
        except (OSError, ValueError):
            return False

def code(msg):
    if not isinstance(msg, dict) or "error" not in msg:
        return None
    return msg["error"].get("code")

def message(msg):
    try:
        return msg["error"]["message"]
    except (TypeError, KeyError):
        return ""

def expect(c, data, want, desc, mentions=None, want_id="absent"):
    msg = c.raw(data) if isinstance(data, bytes) else c.req(data)
    ok = code(msg) == want and msg.get("ok") is False
    if mentions is not None:
        ok = ok and mentions in message(msg)
    if want_id != "absent":
        ok = ok and msg.get("id") == want_id
    check(desc, ok, msg)

def bystander(b, when):
    msg = b.req({"id": 99, "cmd": "status"})
    check("the other client is still served " + when,
          msg is not None and msg.get("ok") is True and msg.get("id") == 99,
          msg)

def sc_malformed():
    b = Conn()
    check("the greeting names the daemon and protocol",
          b.greeting.get("hello") == "kcald" and
          b.greeting.get("protocol") == 1, b.greeting)
    c = Conn()
    expect(c, b'{"id": 1, "cmd":\n', "bad_json", "truncated JSON: bad_json")
    expect(c, b'{"id": 1, "cmd": "status",}\n', "bad_json",
           "a trailing comma: bad_json")
    expect(c, b"hello there\n", "bad_json", "plain text: bad_json")
    expect(c, b'{"cmd": "\xff\xfe"}\n', "bad_json", "invalid UTF-8: bad_json")
    expect(c, b'{"cmd": "sta\x00tus"}\n', "bad_json", "a NUL byte: bad_json")
    expect(c, b'{"cmd": "add", "summary": "x\\u0000y"}\n', "bad_json",
           "an escaped NUL in a string: bad_json", "NUL")
    expect(c, b'{"cmd":"a","cmd":"b"}\n', "bad_json",
           "a duplicated key: bad_json")
    expect(c, b"[1, 2]\n", "bad_request", "an array: bad_request")
    expect(c, b"42\n", "bad_request", "a number: bad_request")
    expect(c, b'"status"\n', "bad_request", "a string: bad_request")
    expect(c, b'{"id": [1], "cmd": "status"}\n', "bad_request",
           "an array id: bad_request", '"id"')
    expect(c, b'{"id": 5}\n', "bad_request", "no cmd: bad_request, id echoed",
           "cmd", want_id=5)
    expect(c, b'{"id": 6, "cmd": 7}\n', "bad_request",
           "a numeric cmd: bad_request")
    msg = c.req({"id": 7, "cmd": "status"})
    check("the same client is served after all that",
          msg.get("ok") is True and msg.get("id") == 7, msg)
    bystander(b, "after malformed JSON")
    # Framing: CR LF, blank lines, pipelining, a line split across writes.
    msg = c.raw(b'{"id": 8, "cmd": "hello"}\r\n')
    check("CR LF is accepted", msg.get("ok") is True and msg["id"] == 8, msg)
    c.s.sendall(b'\n\r\n{"id": 9, "cmd": "hello"}\n')
    msgs = [c.recv() for _ in range(3)]
    check("each empty line gets bad_request, then the request is answered",
          [code(m) for m in msgs[:2]] == ["bad_request"] * 2 and
          "empty" in msgs[0]["error"]["message"] and
          msgs[2].get("id") == 9 and msgs[2].get("ok") is True, msgs)
    c.s.sendall(b'{"id": 10, "cmd": "hello"}\n{"id": 11, "cmd": "bogus"}\n'
                b'{"id": 12, "cmd": "status"}\n')
    ids = [c.recv().get("id") for _ in range(3)]
    check("pipelined requests are answered in order", ids == [10, 11, 12],
          ids)
    c.s.sendall(b'{"id": 13, "cm')
    time.sleep(0.2)
    msg = c.raw(b'd": "hello"}\n')
    check("a line split across writes is one request",
          msg.get("ok") is True and msg.get("id") == 13, msg)
    msg = c.req({"id": "s-1", "cmd": "hello"})
    check("a string id is echoed", msg.get("id") == "s-1", msg)
    # Half-closed: a request, then EOF; the reply still comes.
    h = Conn()
    h.s.sendall(b'{"id": 14, "cmd": "status"}\n')
    h.s.shutdown(socket.SHUT_WR)
    msg = h.recv()
    check("a request followed by EOF is still answered",
          msg is not None and msg.get("id") == 14 and msg.get("ok"), msg)

def sc_commands():
    b = Conn()
    c = Conn()
    expect(c, {"id": 1, "cmd": "frobnicate"}, "unknown_command",
           "an unknown command: unknown_command", "frobnicate", want_id=1)
    expect(c, {"id": 2, "cmd": "list", "form": "2026-01-01"},
           "bad_argument", "an unknown argument: bad_argument", '"form"',
           want_id=2)
    expect(c, {"cmd": "get", "": "x"}, "bad_argument",
           "an empty argument name: bad_argument")
    expect(c, {"cmd": "hello", "": 1}, "bad_argument",
           "an empty argument name to hello: bad_argument")
    expect(c, {"cmd": "list", "from to": "2026-01-01"}, "bad_argument",
           "an argument name with a space: bad_argument")
    expect(c, {"cmd": "list", "fro": "2026-01-01"}, "bad_argument",
           "a prefix of an argument name: bad_argument")
    expect(c, {"cmd": "status", "verbose": True}, "bad_argument",
           "status takes no arguments")
    bad = [
        ({"cmd": "add", "summary": 5, "start": "2026-01-05T10:00"},
         "summary", "a numeric summary"),
        ({"cmd": "add", "summary": "x", "start": 1767600000},
         "start", "a numeric start"),
        ({"cmd": "add", "summary": "x", "start": "2026-02-30"},
         "start", "an impossible date"),
        ({"cmd": "add", "summary": "x", "start": "2026-01-05T25:00"},
         "start", "an impossible time"),
        ({"cmd": "add", "summary": "x", "start": "3001-01-01T10:00"},
         "past 3000", "a year past 3000 (was called the year -1)"),
        ({"cmd": "add", "summary": "x", "start": "tomorrow"},
         "start", "a relative time on the wire"),
        ({"cmd": "add", "summary": "x", "start": "2026-01-05T10:00",
          "tz": "Mars/Olympus_Mons"}, "Mars/Olympus_Mons", "an unknown zone"),
        ({"cmd": "add", "summary": "x", "start": "2026-01-05T10:00",
          "tz": 9}, "tz", "a numeric zone"),
        ({"cmd": "add", "summary": "x", "start": "2026-01-05T10:00",
          "all_day": "yes"}, "all_day", "a string for a boolean"),
        ({"cmd": "add", "summary": "x", "start": "2026-01-05T10:00",
          "duration": "2h"}, "duration", "a string duration"),
        ({"cmd": "add", "summary": "x", "start": "2026-01-05T10:00",
          "duration": -60}, "duration", "a negative duration"),
        ({"cmd": "add", "summary": "x", "start": "2026-01-05T10:00",
          "duration": 1.5}, "duration", "a fractional duration"),
        ({"cmd": "add", "summary": "x", "start": "2026-01-05T10:00",
          "duration": 3600, "end": "2026-01-05T12:00"}, "duration",
         "both end and duration"),
        ({"cmd": "add", "summary": "x", "start": "2026-01-05T10:00",
          "participants": "Xi"}, "participants", "participants not a list"),
        ({"cmd": "add", "summary": "x", "start": "2026-01-05T10:00",
          "participants": [5]}, "participant", "a participant not an object"),
        ({"cmd": "add", "summary": "x", "start": "2026-01-05T10:00",
          "participants": [{"name": ""}]}, "name", "an empty name"),
        ({"cmd": "add", "summary": "x", "start": "2026-01-05T10:00",
          "participants": [{"name": "Xi", "precedence": "1"}]},
         "precedence", "a string precedence"),
        ({"cmd": "add", "summary": "x", "start": "2026-01-05T10:00",
          "participants": [{"name": "Xi", "precedence": 4294967299}]},
         "precedence", "a precedence past an int (was cut to 3)"),
        ({"cmd": "add", "summary": "x", "start": "2026-01-05T10:00",
          "participants": [{"name": "Xi", "precedence": -5}]},
         "precedence", "a negative precedence"),
        ({"cmd": "add", "summary": "x", "start": "2026-01-05T10:00",
          "participants": [{"name": "Xi", "role": 5}]},
         "role", "a numeric role (was dropped)"),
        ({"cmd": "add", "summary": "x", "start": "2026-01-05T10:00",
          "participants": [{"name": "Xi", "country": True}]},
         "country", "a boolean country"),
        ({"cmd": "add", "summary": "x", "start": "2026-01-05T10:00",
          "participants": [{"name": "Xi", "contry": "CN"}]},
         "contry", "a misspelt participant field (was ignored)"),
        ({"cmd": "add", "summary": "x", "start": "2026-01-05T10:00",
          "remind": [-5]}, "remind", "a negative reminder"),
        ({"cmd": "add", "summary": "x", "start": "2026-01-05T10:00",
          "remind": "1h"}, "remind", "a string reminder"),
        ({"cmd": "add", "summary": "x", "start": "2026-01-05T10:00",
          "kind": "party"}, "party", "an unknown kind"),
        ({"cmd": "add", "summary": "x", "start": "2026-01-05T10:00",
          "class": "secret"}, "secret", "an unknown class"),
        ({"cmd": "add", "summary": "x", "start": "2026-01-05T10:00",
          "rrule": "FREQ=SOMETIMES"}, "FREQ=SOMETIMES", "an invalid rrule"),
        ({"cmd": "add", "summary": "x", "start": "2026-01-05T10:00",
          "uid": "has space"}, "uid", "a UID with a space"),
        ({"cmd": "add", "start": "2026-01-05T10:00"}, "summary",
         "no summary"),
        ({"cmd": "add", "summary": "x"}, "start", "no start"),
        ({"cmd": "get", "uid": 123}, "uid", "a numeric uid"),
        ({"cmd": "get"}, "uid", "get without a uid"),
        ({"cmd": "update", "uid": "nosuch-event-uid", "summary": "y"},
         None, "update of an unknown event"),
        ({"cmd": "list", "include_cancelled": "yes"}, "include_cancelled",
         "a string for include_cancelled"),
        ({"cmd": "list", "from": "next week"}, "from", "an unreadable from"),
        ({"cmd": "list", "from": "2026-02-01", "to": "2026-01-01"}, "from",
         "from after to"),
        ({"cmd": "list", "kind": 3}, "kind", "a numeric kind filter"),
        ({"cmd": "list", "status": "maybe"}, "maybe", "an unknown status"),
        ({"cmd": "cancel", "uid": ["a"]}, "uid", "an array uid"),
        ({"cmd": "delete", "uid": None}, "uid", "a null uid"),
    ]
    for i, (req, mentions, desc) in enumerate(bad):
        req["id"] = 100 + i
        msg = c.req(req)
        want = "not_found" if desc.startswith("update of") else "bad_argument"
        ok = code(msg) == want and msg.get("id") == 100 + i
        if mentions is not None:
            ok = ok and mentions in message(msg)
        check(desc + ": " + want, ok, msg)
    msg = c.req({"id": 200, "cmd": "list", "from": "2026-01-01",
                 "to": "2027-01-01"})
    check("nothing was added by the refused requests",
          msg.get("ok") is True and msg["result"]["count"] == 0, msg)
    bystander(b, "after bad arguments")

def sc_longline(maxline):
    maxline = int(maxline)
    b = Conn()
    c = Conn()
    c.s.sendall(b'{"id": 1, "cmd": "status", "pad": "' + b"x" * (maxline + 10))
    msg = c.recv()
    check("an over-long line: too_long", code(msg) == "too_long", msg)
    check("... naming the limit", str(maxline) in message(msg), msg)
    check("... and the connection is closed", c.at_eof())
    d = Conn()
    msg = d.raw(b'{"id": 2, "cmd": "status", "pad": "' +
                b"y" * (maxline + 10) + b'"}\n')
    check("a complete over-long line: too_long", code(msg) == "too_long",
          msg)
    bystander(b, "after over-long lines")
    e = Conn()
    msg = e.req({"id": 3, "cmd": "status"})
    check("a new client is served after them", msg.get("ok") is True, msg)

def sc_writer(count_file):
    """Add events as fast as acknowledgements come, until killed; record
    each acknowledged UID at once."""
    c = Conn()
    out = open(count_file, "a", buffering=1)
    i = 0
    while True:
        i += 1
        try:
            msg = c.req({"id": i, "cmd": "add", "summary": "burst %d" % i,
                         "start": "2026-05-01T10:00"})
        except (OSError, ValueError):
            break
        if msg is None:
            break
        if msg.get("ok"):
            out.write(msg["result"]["uid"] + "\n")
    out.close()

globals()["sc_" + scenario](*sys.argv[3:])
sys.exit(1 if failures else 0)
EOF

start_kcald || { done_testing; exit 1; }

# --- the socket --------------------------------------------------------------
check_eq "the socket is 0600" 600 "$(stat -c %a "$KCAL_SOCKET")"

# --- bad input on the wire -------------------------------------------------------
py "$T/raw.py" "$KCAL_SOCKET" malformed
py "$T/raw.py" "$KCAL_SOCKET" commands
py "$T/raw.py" "$KCAL_SOCKET" longline 65536
if have socat; then
	out=$(printf '{"id":1,"cmd":"hello"}\n' | socat -t 5 - "UNIX-CONNECT:$KCAL_SOCKET")
	check_match "socat: greeting and reply" '"id":1,"ok":true' "$out"
else
	skip "socat is not installed"
fi
check "kcald survived all of it" kill -0 "$KCALD_PID"

# --- restart keeps data ------------------------------------------------------
u1=$(kcal add "Summit with Xi Jinping" --start "2026-01-05 16:00" \
	--tz Asia/Shanghai --kind summit --participant "Xi Jinping;host;CN")
stop_daemon
check_eq "SIGTERM: the socket is removed" "" "$(ls "$KCAL_SOCKET" 2>/dev/null)"
check_match "SIGTERM: logged" "shutting down" "$(cat "$T/kcald.out")"
start_kcald
check_eq "restart keeps the event" "Summit with Xi Jinping Xi Jinping" \
	"$(kcal show "$u1" --format json | jq -r '"\(.summary) \(.participants[0].name)"')"

# --- a second daemon on the same socket -------------------------------------
# (its own data dir: on the same one the data dir's lock refuses it first,
# test-trust.sh)
timeout 20 "$KCALD" --socket "$KCAL_SOCKET" --data-dir "$T/data-second" \
	--home-tz UTC >"$T/second.out" 2>&1
rc=$?
check_eq "a second kcald on the same socket exits 1" 1 "$rc"
check_match "... saying one is already running" \
	"already running on $KCAL_SOCKET" "$(cat "$T/second.out")"
check "the first one still answers" kcal show "$u1"
check_eq "... on the same socket file" 600 "$(stat -c %a "$KCAL_SOCKET")"

# --- kill -9 right after an acknowledged add ----------------------------------
ok=0
i=1
while [ $i -le 5 ]; do
	u=$(kcal add "Acknowledged $i" --start "2026-02-0$i 10:00") &&
		kill -9 "$KCALD_PID"
	wait "$KCALD_PID" 2>/dev/null
	KCALD_PID=
	check_eq "after kill -9 the stale socket file is still there ($i)" \
		yes "$([ -S "$KCAL_SOCKET" ] && echo yes)"
	start_kcald || break
	[ "$(kcal show "$u" --format json | jq -r .summary)" = "Acknowledged $i" ] &&
		ok=$((ok + 1))
	i=$((i + 1))
done
check_eq "each event acknowledged just before kill -9 was kept" 5 "$ok"
check_match "a stale socket was replaced, not refused" "listening on $KCAL_SOCKET" \
	"$(tail -n 5 "$T/kcald.out")"
# A writer adding as fast as it can, killed mid-stream.
: >"$T/acked"
python3 "$T/raw.py" "$KCAL_SOCKET" writer "$T/acked" >/dev/null 2>&1 &
wpid=$!
_i=0
while [ "$(wc -l <"$T/acked")" -lt 20 ] && [ $_i -lt 300 ]; do
	sleep 0.1; _i=$((_i + 1))
done
kill -9 "$KCALD_PID"
wait "$KCALD_PID" 2>/dev/null
KCALD_PID=
wait "$wpid" 2>/dev/null
n=$(wc -l <"$T/acked" | tr -d ' ')
start_kcald
have_n=$(kcal list --from 2026-05-01 --to 2026-05-02 --format tsv | wc -l | tr -d ' ')
check_match "the burst writer got acknowledgements ($n)" '^[1-9][0-9]*$' "$n"
missing=$(kcal list --from 2026-05-01 --to 2026-05-02 --format tsv | cut -f1 |
	sort >"$T/stored"; sort "$T/acked" | comm -23 - "$T/stored" | wc -l | tr -d ' ')
check_eq "every acknowledged add survived kill -9 ($n acked, $have_n stored)" \
	0 "$missing"

# --- SIGHUP reloads the config file -------------------------------------------
before=$(kcal list --from 2026-01-01 --to 2027-01-01 --format json | jq .count)
check_eq "home zone from the config file" Asia/Seoul \
	"$(kcal status --format json | jq -r .home_tz)"
sed 's|^home_tz = .*|home_tz = Europe/Brussels|' "$T/kcald.conf" >"$T/new.conf"
mv "$T/new.conf" "$T/kcald.conf"
kill -HUP "$KCALD_PID"
_i=0
while [ $_i -lt 100 ]; do
	[ "$(kcal status --format json | jq -r .home_tz)" = Europe/Brussels ] && break
	sleep 0.1; _i=$((_i + 1))
done
check_eq "SIGHUP: the new home zone" Europe/Brussels \
	"$(kcal status --format json | jq -r .home_tz)"
check_eq "SIGHUP: home times now in Brussels" "2026-01-05T09:00:00+01:00 CET" \
	"$(kcal show "$u1" --format json | jq -r '"\(.start_home) \(.home_abbr)"')"
check_eq "SIGHUP: no data dropped" "$before" \
	"$(kcal list --from 2026-01-01 --to 2027-01-01 --format json | jq .count)"
check "SIGHUP: same process" kill -0 "$KCALD_PID"
echo "home_tz = Mars/Olympus_Mons" >>"$T/kcald.conf"
kill -HUP "$KCALD_PID"
_i=0
while [ $_i -lt 100 ]; do
	grep -q "keeping the old configuration" "$T/kcald.out" && break
	sleep 0.1; _i=$((_i + 1))
done
check_match "SIGHUP with a broken file: logged, old settings kept" \
	"Mars/Olympus_Mons.*keeping the old configuration" "$(cat "$T/kcald.out")"
check_eq "... and still serving with them" Europe/Brussels \
	"$(kcal status --format json | jq -r .home_tz)"

# --- SIGTERM and SIGINT exit 0 --------------------------------------------------
kill -TERM "$KCALD_PID"
wait "$KCALD_PID"
check_eq "SIGTERM: exit 0" 0 "$?"
KCALD_PID=
sed -i '/Mars/d' "$T/kcald.conf"
start_kcald
kill -INT "$KCALD_PID"
wait "$KCALD_PID"
check_eq "SIGINT: exit 0" 0 "$?"
KCALD_PID=
check_rc "the client then says the daemon is not running (exit 3)" 3 kcal status

# --- a new socket directory is private ----------------------------------------
"$KCALD" --socket "$T/run/sub/dir/kcald.sock" --data-dir "$T/data-b" \
	--home-tz UTC >>"$T/kcald-b.out" 2>&1 &
bpid=$!
_i=0
while [ ! -S "$T/run/sub/dir/kcald.sock" ] && [ $_i -lt 100 ]; do
	sleep 0.1; _i=$((_i + 1))
done
check_eq "the socket's directory is created 0700, the socket 0600" "700 600" \
	"$(stat -c %a "$T/run/sub/dir") $(stat -c %a "$T/run/sub/dir/kcald.sock")"
check_eq "the data directory is created 0700" 700 "$(stat -c %a "$T/data-b")"
kill -TERM "$bpid"
wait "$bpid"
check_eq "... and that daemon exits 0 too" 0 "$?"

# --- options of both binaries ----------------------------------------------------
check_rc "kcald --help: exit 0" 0 "$KCALD" --help
check_match "kcald --help: usage on stdout" '^usage: kcald' "$("$KCALD" --help 2>/dev/null)"
check_rc "kcald --version: exit 0" 0 "$KCALD" --version
check_match "kcald --version: the version" '^kcald [0-9]+\.[0-9]+\.[0-9]+' \
	"$("$KCALD" --version)"
check_rc "kcal --help: exit 0" 0 "$KCAL" --help
check_match "kcal --version: the version" '^kcal [0-9]+\.[0-9]+\.[0-9]+' \
	"$("$KCAL" --version)"
check_rc "kcald with an unknown option: exit 2" 2 "$KCALD" --bogus
check_rc "kcald with a stray argument: exit 2" 2 "$KCALD" stray
check_rc "kcald with an unknown home zone: exit 1" 1 timeout 20 "$KCALD" \
	--socket "$T/run/z.sock" --data-dir "$T/data-z" --home-tz Mars/Olympus_Mons
check_match "... naming it" 'unknown time zone "Mars/Olympus_Mons"' \
	"$(timeout 20 "$KCALD" --socket "$T/run/z.sock" --data-dir "$T/data-z" \
	--home-tz Mars/Olympus_Mons 2>&1)"
check_rc "kcald with a missing --config file: exit 1" 1 timeout 20 "$KCALD" \
	--socket "$T/run/z.sock" --data-dir "$T/data-z" --config "$T/nonexistent.conf"

# A regular file where the socket should be is not "stale": never deleted.
echo "keep me" >"$T/run/file.sock"
check_rc "kcald refuses a --socket that is a regular file" 1 timeout 20 \
	"$KCALD" --socket "$T/run/file.sock" --data-dir "$T/data-f"
check_eq "... and leaves the file alone" "keep me" "$(cat "$T/run/file.sock")"

# A client that half-closes its side after a request still gets the whole
# (large) reply.
start_daemon || exit 1
for i in 1 2 3 4 5 6; do
	sh "$top/contrib/examples/state-visit.sh" "$KCAL" >/dev/null 2>&1
done
n=$(printf '{"id":1,"cmd":"list","from":"2025-01-01","to":"2027-01-01"}\n' | python3 -c '
import socket, sys, json
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(sys.stdin.buffer.read()); s.shutdown(socket.SHUT_WR)
buf = b""
while True:
	d = s.recv(65536)
	if not d: break
	buf += d
lines = buf.split(b"\n")
print(json.loads(lines[1])["result"]["count"])' "$KCAL_SOCKET" 2>&1)
check_eq "a half-closed client gets its whole reply" \
	"$(kcal list --from 2025-01-01 --to 2027-01-01 --format json | jq .count)" "$n"

# One that half-closes right after writes (as `printf ... | socat` does)
# gets every acknowledgement, in order, though the writes' group commits
# after its EOF; and the replies of the reads sent behind them.  Twenty
# connections, each: two adds, a status, a list, a third add.
before=$(kcal status --format json | jq .events)
got=$(python3 -c '
import socket, sys, json
good = 0
for i in range(20):
	s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
	s.settimeout(30)	# a client never closed fails, not hangs
	add = lambda n: json.dumps({"id": n, "cmd": "add", "summary":
		"Half-closed %d/%d" % (i, n), "start": "2026-11-0%dT10:00" %
		(1 + n), "duration": 600})
	reqs = [add(1), add(2), json.dumps({"id": 3, "cmd": "status"}),
		json.dumps({"id": 4, "cmd": "list", "from": "2026-11-01",
		"to": "2026-11-08"}), add(5)]
	s.sendall(("\n".join(reqs) + "\n").encode()); s.shutdown(socket.SHUT_WR)
	buf = b""
	while True:
		d = s.recv(65536)
		if not d: break
		buf += d
	r = [json.loads(l) for l in buf.split(b"\n")[1:] if l]
	good += [m.get("id") for m in r] == [1, 2, 3, 4, 5] and \
		all(m.get("ok") for m in r)
print(good)' "$KCAL_SOCKET" 2>&1)
check_eq "20 half-closed clients each get all 5 replies in order" 20 "$got"
check_eq "... and all 60 of their adds are stored" $((before + 60)) \
	"$(kcal status --format json | jq .events)"

done_testing
