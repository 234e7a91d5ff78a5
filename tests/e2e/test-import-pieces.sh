#!/bin/sh
# test-import-pieces.sh — kcal import cuts a line longer than a request may
# be (max_line 64K here: pieces of 8K, a line cut past 32K) into pieces
# the daemon puts back together: an unfolded line of 1-4 byte characters,
# one folded every 7 octets (CRLF and a space), one folded with LF and a
# tab; and a fold that cuts a character (as Outlook folds) falling exactly
# where a piece could end, which kcal refused as "not UTF-8".  Each
# imports whole.  (A review of the piece cutting found the last.)
. "$(dirname "$0")/lib.sh"
printf 'max_line = 64K\n' >"$T/c.conf"
start_daemon --config "$T/c.conf" || exit 1
for mode in nofold fold7 foldcr; do
	python3 - "$T/$mode.ics" $mode >"$T/$mode.len" <<'PY'
import sys
mode = sys.argv[2]
text = ("a\u00e9\u5916\U0001F600 " * 40000 + "end")
line = ("DESCRIPTION:" + text).encode()
if mode == "fold7":
    line = b"\r\n ".join(line[i:i + 7] for i in range(0, len(line), 7))
elif mode == "foldcr":
    line = b"\n\t".join(line[i:i + 8191] for i in range(0, len(line), 8191))
with open(sys.argv[1], "wb") as f:
    f.write(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
            b"BEGIN:VEVENT\r\nUID:" + mode.encode() + b"@t\r\n"
            b"DTSTAMP:20260101T000000Z\r\nDTSTART:20270501T100000Z\r\n"
            b"DURATION:PT1H\r\nSUMMARY:Long\r\n" + line +
            b"\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
print(len(text))
PY
	check "a long line ($mode) imports" kcal import "$T/$mode.ics"
	check_eq "... whole" "$(cat "$T/$mode.len")" \
		"$(kcal show $mode@t --format json | jq -r '.description | length')"
done

# A fold inside a character where a piece may end: the byte after the
# fold's space is the first of the next read.
python3 - "$T/edge.ics" <<'PY'
import sys
head = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
        b"BEGIN:VEVENT\r\nUID:edge@t\r\nDTSTAMP:20260101T000000Z\r\n"
        b"DTSTART:20270501T100000Z\r\nDURATION:PT1H\r\n")
summ = b"SUMMARY:"
head += summ + b"x" * (8191 - len(head) - len(summ) - 2) + b"\r\n"
d = b"DESCRIPTION:"
d += b"y" * (32765 - len(d))
d += b"\xc3\r\n \xa9" + b"z" * 50000
open(sys.argv[1], "wb").write(head + d + b"\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
PY
check "a fold inside a character where a piece may end imports" \
	kcal import "$T/edge.ics"
check_eq "... whole" 82754 \
	"$(kcal show edge@t --format json | jq -r '.description | length')"
done_testing
