#!/bin/sh
# tests/e2e/test-participants.sh — max_participants and the cost of
# `people`: an event at the limit (500 by default) gives a quick reply of
# reasonable size while a bystander's `status` stays quick (the reply was
# quadratic: each person carried the whole event with everyone in it, read
# again per person); one over the limit is refused by add, update and
# import with a `limit` error naming the setting; 2,500 (which crashed
# kcald) is refused and the daemon lives on; the setting is read from
# kcald.conf.
. "$(dirname "$0")/lib.sh"

have python3 || { skip "python3 is needed for the bystander"; done_testing; exit; }

# parts N [FROM]: N --participant options (word-split by the caller).
parts() {
	_i=${2:-0}
	while [ "$_i" -lt "$1" ]; do
		printf ' --participant Delegate_%s;delegate;KR;%s' "$_i" $((_i + 1))
		_i=$((_i + 1))
	done
}

# A bystander: `kcal status` in a loop until $T/stop appears (it touches
# $T/ready after its first answer); prints the slowest answer in seconds.
cat >"$T/bystander.py" <<'EOF'
import os, subprocess, sys, time
kcal, stop, ready = sys.argv[1], sys.argv[2], sys.argv[3]
worst = 0.0
while True:
    done = os.path.exists(stop)
    t = time.monotonic()
    r = subprocess.run([kcal, "status"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=60)
    worst = max(worst, time.monotonic() - t)
    if r.returncode != 0:
        print("status failed")
        sys.exit(1)
    open(ready, "w").close()
    if done:
        break
    time.sleep(0.02)
print("%.3f" % worst)
EOF

# request JSON: one raw request; prints the reply line.
cat >"$T/request.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(60)
s.connect(sys.argv[1])
f = s.makefile("rwb")
f.readline()
f.write(sys.stdin.buffer.read().rstrip(b"\n") + b"\n")
f.flush()
sys.stdout.buffer.write(f.readline())
EOF

start_daemon || exit 1

# shellcheck disable=SC2046
big=$(kcal add "Plenary (test)" --start "2030-05-01 10:00" --duration 2h \
	$(parts 500))
check_match "an event with 500 participants (the default limit)" '@kcal$' "$big"
# The same people in a yearly event: each has two next events.
# shellcheck disable=SC2046
kcal add "Annual forum (test)" --start "2020-05-02 10:00" --duration 1h \
	--rrule FREQ=YEARLY $(parts 500) >/dev/null

rm -f "$T/stop" "$T/ready"
python3 "$T/bystander.py" "$KCAL" "$T/stop" "$T/ready" >"$T/bystander.out" 2>&1 &
bpid=$!
i=0
while [ ! -e "$T/ready" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
t0=$(date +%s)
kcal people --from 2026-01-01 --format json >"$T/people.json"
rc=$?
t1=$(date +%s)
kcal people --from 2026-01-01 >"$T/people.txt"
touch "$T/stop"
wait "$bpid"
check_eq "people answers" 0 "$rc"
check "people answers within 5 s" test $((t1 - t0)) -le 5
size=$(wc -c <"$T/people.json")
check "the reply is reasonably sized ($size bytes for 500 people)" \
    test "$size" -lt 2000000
check_eq "everyone is listed" 500 "$(jq '.count' "$T/people.json")"
check_eq "each with both next events, in start order" \
    "Annual forum (test)|Plenary (test)" \
    "$(jq -r '.people[0].next | map(.summary) | join("|")' "$T/people.json")"
check_eq "the recurring one at its next occurrence" "2026-05-02T10:00:00+09:00" \
    "$(jq -r '.people[0].next[0].start' "$T/people.json")"
check_eq "next events carry the person's role, not everyone" "delegate null" \
    "$(jq -r '.people[7].next[1] | "\(.role) \(.participants)"' "$T/people.json")"
check_match "the text output" '^Delegate_0 \(delegate; KR\), precedence 1, 2 events$' \
    "$(cat "$T/people.txt")"
worst=$(tail -n 1 "$T/bystander.out")
check "the bystander's status stayed quick (slowest ${worst}s)" \
    python3 -c "import sys; sys.exit(0 if float('$worst') < 3 else 1)"

# --- over the limit -------------------------------------------------------
# shellcheck disable=SC2046
out=$(kcal add "Too many (test)" --start "2030-05-03 10:00" $(parts 501) 2>&1)
check_match "add: 501 participants refused, naming the setting" \
    '501 participants.*\(500; kcald.conf max_participants\)' "$out"
# shellcheck disable=SC2046
check_rc "... with exit status 1" 1 kcal add "Too many (test)" \
    --start "2030-05-03 10:00" $(parts 501)
# shellcheck disable=SC2046
out=$(kcal edit "$big" $(parts 501) 2>&1)
check_match "update: 501 participants refused" 'max_participants' "$out"
check_eq "... and the event keeps its 500" 500 \
    "$(kcal show "$big" --format json | jq '.participants | length')"

python3 - "$T/many.json" <<'EOF'
import json, sys
parts = [{"name": "P%d" % i, "role": "delegate"} for i in range(2500)]
json.dump({"id": 9, "cmd": "add", "summary": "Crowd", "start":
    "2030-06-01T10:00", "participants": parts}, open(sys.argv[1], "w"))
EOF
r=$(python3 "$T/request.py" "$KCAL_SOCKET" <"$T/many.json")
check_eq "2,500 participants over the protocol: a limit error" limit \
    "$(jget "$r" '.error.code')"
check "kcald is still there" kcal status
check_eq "nothing was added" 2 \
    "$(kcal list --from 2020-01-01 --to 2031-01-01 --format json |
	jq '[.events[].uid] | unique | length')"

# Import: an event of 501 attendees is refused whole.
{
	printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n'
	printf 'BEGIN:VEVENT\r\nUID:fine@test\r\nDTSTAMP:20260101T000000Z\r\n'
	printf 'DTSTART:20300701T010000Z\r\nSUMMARY:Fine\r\nEND:VEVENT\r\n'
	printf 'BEGIN:VEVENT\r\nUID:crowd@test\r\nDTSTAMP:20260101T000000Z\r\n'
	printf 'DTSTART:20300701T010000Z\r\nSUMMARY:Crowd\r\n'
	i=0
	while [ $i -lt 501 ]; do
		printf 'ATTENDEE;CN=Guest %s:mailto:g%s@example.org\r\n' $i $i
		i=$((i + 1))
	done
	printf 'END:VEVENT\r\nEND:VCALENDAR\r\n'
} >"$T/crowd.ics"
out=$(kcal import "$T/crowd.ics" 2>&1)
check_match "import: 501 attendees refused, naming the setting" \
    'crowd@test has 501 participants.*max_participants.*nothing imported' "$out"
check_rc "... and kcal import fails" 1 kcal import "$T/crowd.ics"
check_rc "... nothing imported" 1 kcal show fine@test
check_eq "import's error code is limit" limit "$(printf '%s' \
    "{\"id\":1,\"cmd\":\"import\",\"ical\":$(jq -Rs . "$T/crowd.ics")}" |
    python3 "$T/request.py" "$KCAL_SOCKET" | jq -r '.error.code')"

# --- the setting ------------------------------------------------------------
stop_daemon
printf 'max_participants = 3\n' >"$T/kcald.conf"
start_daemon --config "$T/kcald.conf" || exit 1
# shellcheck disable=SC2046
check_rc "max_participants = 3: three are fine" 0 kcal add "Three (test)" \
    --start "2030-05-03 10:00" $(parts 3)
# shellcheck disable=SC2046
out=$(kcal add "Four (test)" --start "2030-05-03 10:00" $(parts 4) 2>&1)
check_match "... four are refused" '\(3; kcald.conf max_participants\)' "$out"
printf 'max_participants = lots\n' >"$T/bad.conf"
out=$("$KCALD" --config "$T/bad.conf" --socket "$T/bad.sock" \
    --data-dir "$T/bad" 2>&1)
check_match "a bad max_participants stops kcald at start-up" \
    'max_participants must be a whole number' "$out"

done_testing
