#!/bin/sh
# test-remind-replay.sh — a watcher that was away while more reminders
# went off than one watch reply replays (cmd-watch.c's REPLAY_MAX, 1,000)
# is replayed every one of them when it reconnects, page by page, each
# exactly once and in order, in text and in JSON; a watcher of lower
# clearance (when the test may play another user) gets exactly the public
# ones, though a whole page of what it reads is hidden from it.  After
# the last page the connection watches: a reminder due then is pushed live.
#
# The watchers are kept away by SIGSTOP across a restart of kcald: they
# cannot reconnect until the whole burst has gone off.
. "$(dirname "$0")/lib.sh"

have python3 || { skip "python3 is not installed"; done_testing; exit; }
N=${KCAL_REPLAY_BURST:-2500}
LEAD=30
[ -n "$KCAL_SANITIZED" ] && N=${KCAL_REPLAY_BURST:-1500} LEAD=90
W='' J='' R=''
trap 'kill -CONT $W $J $R 2>/dev/null; kill $W $J $R 2>/dev/null; _cleanup' EXIT
cat >"$T/kcald.conf" <<EOC
max_import_events = 1000000
max_line = 1073741824
max_import_size = 1073741824
EOC
# The reader: another uid (needs root and setpriv), as in test-roles.sh.
U_RO=12102 G_SOCK=4344 nw=2
if [ "$(id -u)" -eq 0 ] && have setpriv; then
	chmod 711 "$T"
	export KCAL_SOCKET="$T/shared/kcald.sock"
	printf 'readonly_users = %s\n' $U_RO >>"$T/kcald.conf"
	set -- --socket-group $G_SOCK
	nw=3
else
	set --
fi
start_daemon --config "$T/kcald.conf" "$@" || exit 1
"$KCAL" watch >"$T/w" 2>"$T/w.err" & W=$!
"$KCAL" watch --format json >"$T/j" 2>"$T/j.err" & J=$!
if [ $nw -eq 3 ]; then
	setpriv --reuid $U_RO --regid $G_SOCK --clear-groups -- \
	    "$KCAL" watch --format json >"$T/r" 2>"$T/r.err" & R=$!
else
	skip "a watcher of lower clearance: needs root and setpriv"
fi
watching() { [ "$(grep -c 'watching (' "$T/kcald.out")" -ge "$1" ]; }
wait_for 10 watching $nw || fail "the watchers connect"

due=$(($(date +%s) + LEAD))
python3 "$top/tests/bench/gen-events.py" "$N" --due "$due" \
	--uid-prefix zzrep -o "$T/burst.ics"
# The first 1,200 confidential: a whole page the reader may not see.
python3 - "$T/burst.ics" <<'EOF'
import re, sys
n = [0]
def cls(m):
    n[0] += 1
    return "CLASS:CONFIDENTIAL" if n[0] <= 1200 else m.group(0)
s = open(sys.argv[1]).read()
open(sys.argv[1], "w").write(re.sub(r"CLASS:[A-Z]+", cls, s))
EOF
check "the burst of $N is imported" kcal import "$T/burst.ics"
kill -STOP $W $J $R
stop_daemon
start_daemon --config "$T/kcald.conf" "$@" || exit 1
if [ "$(date +%s)" -ge $((due - 1)) ]; then
	skip "the import and restart outlasted the burst's lead"
	done_testing; exit
fi
fired() { [ "$(grep -c 'reminder.*uid zzrep' "$T/kcald.out")" -ge "$N" ]; }
check "the burst goes off while the watchers are away" \
	wait_for $((LEAD + 60)) fired
kill -CONT $W $J $R

pub=$(grep -c '^CLASS:PUBLIC' "$T/burst.ics")
lines() { [ "$(grep -c "$2" "$1")" -ge "$3" ]; }
check "the text watcher prints the whole burst" \
	wait_for 60 lines "$T/w" '  zzrep' "$N"
check "the JSON watcher prints the whole burst" \
	wait_for 60 lines "$T/j" '"uid":"zzrep' "$N"
[ $nw -eq 3 ] && check "the reader prints the public part of it ($pub)" \
	wait_for 60 lines "$T/r" '"uid":"zzrep' "$pub"
# What is left of the burst after the last page: one more, pushed live.
python3 "$top/tests/bench/gen-events.py" 1 --due $(($(date +%s) + 4)) \
	--all-public --uid-prefix zzlive -o "$T/live.ics"
check "one more is imported" kcal import "$T/live.ics"
check "it is pushed to the JSON watcher" wait_for 30 lines "$T/j" zzlive 1
check "and to the text watcher" wait_for 10 lines "$T/w" zzlive 1
[ $nw -eq 3 ] && check "and to the reader" wait_for 10 lines "$T/r" zzlive 1
sleep 1

# uids FILE: the burst's UIDs in the order printed.
uids() { grep -o 'zzrep[^" ]*' "$1"; }
once() { uids "$1" | sort | uniq -d | wc -l; }
check_eq "the text watcher printed each once" "$N 0" \
	"$(uids "$T/w" | wc -l) $(once "$T/w")"
check_eq "the JSON watcher printed each once" "$N 0" \
	"$(uids "$T/j" | wc -l) $(once "$T/j")"
check_eq "in the order of their delivery numbers" "" "$(python3 -c '
import json, sys
seqs = [json.loads(l)["seq"] for l in open(sys.argv[1])]
print("" if seqs == sorted(seqs) and len(set(seqs)) == len(seqs) else seqs)
' "$T/j")"
check_eq "the text watcher printed them in the same order" \
	"$(uids "$T/j")" "$(uids "$T/w")"
check_eq "each was replayed, none pushed live" "$N" \
	"$(grep '"uid":"zzrep' "$T/j" | grep -c '"replay":true')"
check_eq "the live one once, not replayed" "1 0" \
	"$(grep -c zzlive "$T/j") $(grep zzlive "$T/j" | grep -c '"replay":true')"
check_match "the replay came in pages" "more after" "$(cat "$T/kcald.out")"
if [ $nw -eq 3 ]; then
	check_eq "the reader printed each public one once, nothing else" \
		"$pub 0 0" "$(uids "$T/r" | wc -l) $(once "$T/r") \
$(grep zzrep "$T/r" | grep -vc '"class":"public"')"
	check_eq "the reader's are the writer's public ones, in order" \
		"$(grep '"class":"public"' "$T/j" | uids /dev/stdin)" \
		"$(uids "$T/r")"
	check_match "a page of nothing it may see still went on" \
		"client [0-9]+: 0 replayed, more after" "$(cat "$T/kcald.out")"
fi
kill $W $J $R 2>/dev/null
done_testing
