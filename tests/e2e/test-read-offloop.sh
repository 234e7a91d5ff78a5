#!/bin/sh
# test-read-offloop.sh — a socket peer's long reads (list, get, export,
# itinerary, people, conflicts) run on a worker thread (server-read.c):
# while one peer lists (max_occurrences of them) and exports 20,000
# events, another's `status` stays
# answered (read-offloop.py bystander: p99 printed, under a generous
# bound); a peer's pipelined list, add, get come back in order and a read
# after an acknowledged write sees it; a public-clearance peer gets no
# event above public from the thread; an in-memory store (no worker)
# answers the same reads on the loop, the same replies.
#
# KCAL_OFFLOOP_EVENTS (default 20000) sizes the store (lib.sh,
# offloop_setup).
. "$(dirname "$0")/lib.sh"

offloop_setup "$T/kcald.conf" || { done_testing; exit $?; }
FROM=2026-01-01 TO=2029-01-01
U_RO=12111 G_SOCK=4344
echo "readonly_users = $U_RO" >>"$T/kcald.conf"
chmod 711 "$T"
export KCAL_SOCKET="$T/shared/kcald.sock"
start_daemon --config "$T/kcald.conf" --socket-group $G_SOCK ||
	{ fail "kcald starts"; done_testing; exit 1; }
offloop_import rdoff
conf=$(kcal add "Offloop secret" --start 2026-05-04T10:00 --class confidential)
any=$(kcal list --from 2026-01-01 --to 2026-01-31 --format tsv | cut -f1 |
	head -n 1)
check "a confidential event added" test -n "$conf"

if [ -n "$KCAL_SANITIZED" ]; then
	skip "status during 20,000-event lists: timing under a sanitizer"
else
	py_scenario "bystander" python3 "$top/tests/e2e/read-offloop.py" \
		"$KCAL_SOCKET" bystander $FROM $TO $N
	sed -n 's/^     list/list/p' "$T/py.out"
fi
py_scenario "order" python3 "$top/tests/e2e/read-offloop.py" \
	"$KCAL_SOCKET" order "$any" $FROM $TO
if [ "$(id -u)" -ne 0 ] || ! have setpriv; then
	skip "a public-clearance peer: needs root and setpriv"
else
	py_scenario "clearance" setpriv --reuid $U_RO --regid $G_SOCK \
		--clear-groups -- /usr/bin/python3 \
		"$top/tests/e2e/read-offloop.py" "$KCAL_SOCKET" clearance \
		"$conf" $FROM $TO
fi
check_rc "no read ran on the loop (there is a worker)" 1 \
	grep -q 'long reads run on the loop' "$T/kcald.out"

# Every read off the loop answers as the loop does: the same requests to
# a kcald on an in-memory store (no worker) holding the same events.
cat >"$T/pipe.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rwb")
f.readline()
reqs = sys.stdin.read().splitlines()
f.write("".join(r + "\n" for r in reqs).encode())
f.flush()
for _ in reqs:
    sys.stdout.write(f.readline().decode())
EOF
pipe() { python3 "$T/pipe.py" "$KCAL_SOCKET"; }
python3 "$top/tests/bench/gen-events.py" 200 --seed 9 --format jsonl \
	--uid-prefix same -o "$T/same.jsonl"
U=same-000113@bench.kcal.example
reads() {
	pipe <"$T/same.jsonl" | grep -c '"ok":true' >"$T/added"
	pipe <<EOF
{"cmd":"list","from":"$FROM","to":"$TO"}
{"cmd":"list","from":"$FROM","to":"$TO","limit":7}
{"cmd":"get","uid":"$U"}
{"cmd":"export","from":"$FROM","to":"$TO"}
{"cmd":"people","from":"$FROM"}
{"cmd":"conflicts","from":"$FROM","to":"$TO"}
{"cmd":"itinerary","uid":"$U","ics":true}
{"cmd":"list","from":"x"}
EOF
}
stop_daemon
rm -rf "$T/data"
start_daemon || { fail "kcald restarts"; done_testing; exit 1; }
reads >"$T/file.out"
check_eq "200 events added to the file store" 200 "$(cat "$T/added")"
stop_daemon
printf 'db = :memory:\n' >"$T/mem.conf"
start_daemon --config "$T/mem.conf" ||
	{ fail "kcald starts on :memory:"; done_testing; exit 1; }
reads >"$T/mem.out"
check_eq "200 events added to the in-memory store" 200 "$(cat "$T/added")"
check "an in-memory store runs its reads on the loop" \
	grep -q 'long reads run on the loop' "$T/kcald.out"
check_eq "eight replies from each" "8 8" \
	"$(wc -l <"$T/file.out") $(wc -l <"$T/mem.out")"
check "the replies hold the events" grep -q "$U" "$T/file.out"
# Byte for byte but for the times the events were written.
for f in file mem; do
	sed -E 's/"(created|last_modified)":"[^"]*"/"\1":"T"/g
		s/(CREATED|LAST-MODIFIED|DTSTAMP):[0-9TZ]+/\1:T/g' \
		"$T/$f.out" >"$T/$f.norm"
done
if cmp -s "$T/file.norm" "$T/mem.norm"; then
	pass "off the loop and on it: the same replies, byte for byte"
else
	fail "off the loop and on it: the same replies, byte for byte" \
		"$(diff "$T/file.norm" "$T/mem.norm" | cut -c1-300 | head -n 9)"
fi
stop_daemon
done_testing
