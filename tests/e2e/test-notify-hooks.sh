#!/bin/sh
# test-notify-hooks.sh — contrib/notify's hooks for mail and phone push,
# each run by the real kcald for a real reminder and checked at a stand-in
# started here: a fake sendmail that spools what it is given
# (kcal-notify-mail), and a local HTTP server that records what an ntfy or
# a Gotify server would receive (kcal-notify-push).  Each must get the
# reminder exactly once, with the start in the event's own zone and on the
# home clock, and the place.  Reminders are set a few seconds ahead
# (--start +63s --remind 60s); bounds are generous.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
SRV=''
trap 'kill $SRV 2>/dev/null; _cleanup' EXIT

count() { ls "$1" 2>/dev/null | wc -l | tr -d ' '; }
spooled() { [ "$(count "$T/spool")" -ge 1 ]; }

# The expected "when" line for an event starting at UTC instant $1.
when_re() {
	_l=$(TZ=Asia/Shanghai date -d "@$1" '+%Y-%m-%d %H:%M')
	_h=$(TZ=Asia/Seoul date -d "@$1" '+%H:%M')
	echo "$_l CST \\(Asia/Shanghai\\), $_h KST at home"
}
add_reminded() {	# SUMMARY: prints the start instant
	_s=$(($(date +%s) + 63))
	kcal add "$1" --start "$(date -u -d "@$_s" +%Y-%m-%dT%H:%M:%SZ)" \
		--remind 60s --tz Asia/Shanghai \
		--location "Diaoyutai State Guesthouse, Villa 18" >/dev/null
	echo "$_s"
}

# --- mail, through the sendmail interface ---------------------------------
mkdir -p "$T/bin" "$T/spool"
cat >"$T/bin/sendmail" <<SH
#!/bin/sh
f="$T/spool/msg.\$\$"
echo "ARGS: \$*" >"\$f.tmp"
cat >>"\$f.tmp"
mv "\$f.tmp" "\$f"
SH
chmod +x "$T/bin/sendmail"
start_daemon --notify-cmd "$top/contrib/notify/kcal-notify-mail -f kcal@example.org -S $T/bin/sendmail protocol@example.org desk@example.org" \
	-c /dev/null || exit 1
start=$(add_reminded "국빈 만찬 — State banquet")
check "the mail hook hands a message to sendmail" \
	wait_for 20 spooled
sleep 4
check_eq "... exactly once" 1 "$(count "$T/spool")"
msg=$(cat "$T/spool"/msg.* 2>/dev/null)
check_match "... as sendmail -oi -t" "^ARGS: -oi -t$" "$(echo "$msg" | head -n 1)"
check_match "... to both recipients" "^To: protocol@example.org, desk@example.org$" "$msg"
check_match "... from the given sender" "^From: kcal@example.org$" "$msg"
subj=$(echo "$msg" | sed -n 's/^Subject: //p')
check_eq "... the subject is the summary (RFC 2047, UTF-8)" \
	"국빈 만찬 — State banquet" \
	"$("$PY" -c 'import sys, email.header as h; print(str(h.make_header(h.decode_header(sys.argv[1]))))' "$subj")"
check_match "... the body has the start in the event's zone and at home" \
	"$(when_re "$start")" "$msg"
check_match "... and the place" "^Diaoyutai State Guesthouse, Villa 18$" "$msg"
check_match "... UTF-8, marked as such" "^Content-Type: text/plain; charset=utf-8$" "$msg"
check_match "... and as automatic" "^Auto-Submitted: auto-generated$" "$msg"
stop_daemon
out=$("$top/contrib/notify/kcal-notify-mail" -S /nonexistent x@example.org 2>&1)
check_eq "without sendmail it exits 127" 127 "$?"
check_match "... naming what to install" "msmtp-mta" "$out"
# One Message-ID per delivery: a retry repeats it (a mail client folds
# them), a reminder back from a snooze has its own (it must not be folded).
mid() {	# mid SNOOZED SEQ: the Message-ID the hook writes
	rm -f "$T/spool"/msg.*
	KCAL_UID=u@t KCAL_START_UTC=100 KCAL_DUE_UTC=40 KCAL_SNOOZED=$1 \
	    KCAL_SEQ=$2 KCAL_SUMMARY=x "$top/contrib/notify/kcal-notify-mail" \
	    -S "$T/bin/sendmail" x@example.org >/dev/null 2>&1
	sed -n 's/^Message-ID: //p' "$T/spool"/msg.*
}
first=$(mid 0 1) again=$(mid 0 1) snoozed=$(mid 1 2) twice=$(mid 1 3)
check "a retry has the same Message-ID, a snoozed one another" \
	test -n "$first" -a "$first" = "$again" -a "$first" != "$snoozed" \
	-a "$snoozed" != "$twice"

# --- push: ntfy and Gotify ------------------------------------------------
if ! have curl; then
	skip "push hooks: curl is not installed (apt-get install curl)"
	done_testing; exit
fi
PORT=$(free_port)
cat >"$T/push.py" <<'PY'
import json, sys
from http.server import BaseHTTPRequestHandler, HTTPServer
log = open(sys.argv[2], "a")
class H(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(204)
        self.end_headers()
    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(n).decode("utf-8", "replace")
        log.write(json.dumps({"path": self.path, "headers": dict(self.headers),
                              "body": body}) + "\n")
        log.flush()
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")
    def log_message(self, *a):
        pass
HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
cat >"$T/decode.py" <<'PY'
import json, sys, email.header as eh
from email.parser import BytesParser
from email.policy import default
r = json.loads(open(sys.argv[1]).readline())
print("PATH", r["path"])
if sys.argv[2] == "ntfy":
    t = r["headers"].get("X-Title", "")
    print("TITLE", str(eh.make_header(eh.decode_header(t))))
    print(r["body"])
else:
    raw = ("Content-Type: %s\r\n\r\n" % r["headers"]["Content-Type"]).encode() + r["body"].encode()
    form = {}
    for part in BytesParser(policy=default).parsebytes(raw).iter_parts():
        form[part.get_param("name", header="content-disposition")] = part.get_payload(decode=True).decode("utf-8")
    print("KEY", r["headers"].get("X-Gotify-Key"))
    print("TITLE", form.get("title"))
    print("PRIO", form.get("priority"))
    print(form.get("message"))
PY
: >"$T/push.log"
"$PY" "$T/push.py" "$PORT" "$T/push.log" & SRV=$!
wait_for 10 curl -s -o /dev/null "http://127.0.0.1:$PORT/" ||
	fail "the stand-in push server starts"
lines() { grep -c . "$T/push.log" 2>/dev/null || true; }
pushed() { [ "$(lines)" -ge 1 ]; }

echo "s3cret-app-token" >"$T/gotify.token"
for kind in ntfy gotify; do
	: >"$T/push.log"
	if [ $kind = ntfy ]; then
		cmd="$top/contrib/notify/kcal-notify-push ntfy http://127.0.0.1:$PORT/protocol-office"
	else
		cmd="$top/contrib/notify/kcal-notify-push gotify http://127.0.0.1:$PORT @$T/gotify.token"
	fi
	start_daemon --notify-cmd "$cmd" -c /dev/null || exit 1
	start=$(add_reminded "Motorcade departs — 车队出发")
	check "$kind: the server receives the reminder" wait_for 20 pushed
	sleep 4
	check_eq "$kind: exactly once" 1 "$(lines)"
	req=$("$PY" "$T/decode.py" "$T/push.log" "$kind" 2>&1)

	if [ $kind = ntfy ]; then
		check_match "ntfy: posted to the topic" "^PATH /protocol-office$" "$req"
	else
		check_match "gotify: posted to /message" "^PATH /message$" "$req"
		check_match "gotify: with the token read from its file" \
			"^KEY s3cret-app-token$" "$req"
		check_match "gotify: normal priority" "^PRIO 5$" "$req"
	fi
	check_match "$kind: the title is the summary" \
		"^TITLE Motorcade departs — 车队出发$" "$req"
	check_match "$kind: both times in the message" "$(when_re "$start")" "$req"
	check_match "$kind: and the place" "^Diaoyutai State Guesthouse, Villa 18$" "$req"
	stop_daemon
done
done_testing
