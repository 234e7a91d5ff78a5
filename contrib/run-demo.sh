#!/bin/sh
# contrib/run-demo.sh BUILD — `make run`: start kcald in the foreground on a
# demo store under BUILD/demo (never the user's own), seeded once with the
# example state visit, and say how to talk to it.  Ctrl-C stops it.
BUILD=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
case "$BUILD" in /*) ;; *) BUILD="$top/$BUILD" ;; esac
demo="$BUILD/demo"
sock="$demo/kcald.sock"
port=${KCAL_DEMO_PORT:-8765}
mkdir -p "$demo" && chmod 700 "$demo"
export KCAL_SOCKET="$sock"
fresh=0
[ -e "$demo/data/kcal.db" ] || fresh=1

"$BUILD/kcald" --socket "$sock" --data-dir "$demo/data" --home-tz Asia/Seoul \
	--http "127.0.0.1:$port" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid; exit 0' INT TERM
i=0
until "$BUILD/kcal" status >/dev/null 2>&1; do
	kill -0 $pid 2>/dev/null || { echo "kcald failed to start" >&2; exit 1; }
	i=$((i + 1)); [ $i -gt 100 ] && { echo "kcald did not answer" >&2; exit 1; }
	sleep 0.1
done
if [ $fresh -eq 1 ]; then
	visit=$(sh "$top/contrib/examples/state-visit.sh" "$BUILD/kcal") ||
		{ echo "seeding the demo store failed" >&2; kill $pid; exit 1; }
	echo "Seeded the example state visit ($visit)."
fi
cat <<MSG

kcald is running (pid $pid), home zone Asia/Seoul.
  socket:  $sock
  feed:    http://127.0.0.1:$port/feeds/all.ics
Try, in another terminal:
  export KCAL_SOCKET=$sock PATH=$BUILD:\$PATH
  kcal list --from 2026-01-04 --to 2026-01-08
Ctrl-C stops the daemon.
MSG
wait $pid
