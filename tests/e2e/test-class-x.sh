#!/bin/sh
# test-class-x.sh — a CLASS kcald does not know (X-TOP-SECRET) is private
# and stays so through every copy of its record.  libical's copies drop an
# X- value of CLASS ("CLASS:"), and kcald read a record without a CLASS as
# public: importing a file of overrides alone into a stored series (a
# merge of copies) published the series, or one private occurrence of a
# public one; an export wrote "CLASS:" and its import was public.
# (A black-box hunt found it.)
. "$(dirname "$0")/lib.sh"
PORT=$(free_port)
start_daemon --http "127.0.0.1:$PORT" || exit 1
feed() {
	if have curl; then curl -s "http://127.0.0.1:$PORT/feeds/all.ics"
	else echo "no curl"; fi
}
have curl || skip "the public feed checks: curl is not installed (apt-get install curl)"
ics() {	# ics FILE UID DTSTART CLASS SUMMARY [RRULE|RID]
	printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n'
	printf 'BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20261201T000000Z\r\n' "$2"
	case "$6" in
	RRULE*) printf '%s\r\n' "$6" ;;
	RID*) printf 'RECURRENCE-ID:%s\r\n' "${6#RID }" ;;
	esac
	printf 'DTSTART:%s\r\nDURATION:PT1H\r\nSUMMARY:%s\r\n' "$3" "$5"
	[ -n "$4" ] && printf 'CLASS:%s\r\n' "$4"
	printf 'END:VEVENT\r\nEND:VCALENDAR\r\n'
}
cls() { kcal show "$1" --format json | jq -r .class; }

# A private series (by its unknown CLASS), then a file of one override.
ics x 'secret@t' 20271206T100000Z X-TOP-SECRET SECRET-MASTER \
	'RRULE:FREQ=WEEKLY;COUNT=4' >"$T/m.ics"
ics x 'secret@t' 20271213T120000Z '' moved 'RID 20271213T100000Z' \
	>"$T/m-ovr.ics"
check "an X- class series imports" kcal import "$T/m.ics"
check_eq "... as private" private "$(cls secret@t)"
check "a file of one of its overrides imports" kcal import "$T/m-ovr.ics"
check_eq "... the series stays private" private "$(cls secret@t)"
check_eq "... its record keeps the master's CLASS" 1 \
	"$(kcal show secret@t --format ics | grep -c '^CLASS:X-TOP-SECRET')"
if have curl; then
	check_eq "... and the public feed has none of it" 0 \
		"$(feed | grep -c SECRET)"
fi

# A public series with one X- class occurrence, then another override.
{
	ics x 'pub@t' 20271206T090000Z PUBLIC Weekly 'RRULE:FREQ=WEEKLY;COUNT=4' |
	    sed '/^END:VCALENDAR/d'
	ics x 'pub@t' 20271213T090000Z X-TOP-SECRET SECRET-OCC \
	    'RID 20271213T090000Z' | sed -n '/^BEGIN:VEVENT/,/^END:VEVENT/p'
	printf 'END:VCALENDAR\r\n'
} >"$T/p.ics"
ics x 'pub@t' 20271220T110000Z '' 'moved public' 'RID 20271220T090000Z' \
	>"$T/p-ovr.ics"
check "a public series with an X- class occurrence imports" \
	kcal import "$T/p.ics"
check "a file of another override imports" kcal import "$T/p-ovr.ics"
check_eq "... the X- class occurrence keeps its CLASS" 1 \
	"$(kcal show pub@t --format ics | grep -c '^CLASS:X-TOP-SECRET')"
if have curl; then
	check_eq "... the public feed has the series, not that occurrence" \
		"0 1" "$(f=$(feed); echo $(printf '%s' "$f" | grep -c SECRET-OCC) \
		$(printf '%s' "$f" | grep -c '^SUMMARY:moved public'))"
fi

# Export keeps the class, and so does an import of the export.
kcal export -o "$T/all.ics"
check_eq "export writes the X- class as it came" 2 \
	"$(grep -c '^CLASS:X-TOP-SECRET' "$T/all.ics")"
check_eq "... and no CLASS without a value" 0 "$(grep -c '^CLASS:.$' "$T/all.ics")"
kcal delete --yes secret@t >/dev/null 2>&1 || kcal rm --yes secret@t >/dev/null
check "the export imports again" kcal import "$T/all.ics"
check_eq "... the series private again" private "$(cls secret@t)"

# A store an older kcald damaged: the record's CLASS without a value, its
# class column public.  Opened again, the record is read again: private.
DB="$T/data/kcal.db"
if have python3; then
	stop_daemon
	sql "UPDATE events SET class = 'public', ical = replace(ical,
		'CLASS:X-TOP-SECRET', 'CLASS:') WHERE uid = 'secret@t'" >/dev/null
	# as before the 20th migration of store-schema.c, the one that mends it
	sql "PRAGMA user_version = 19" >/dev/null
	check_eq "a damaged store: the class column says public" public \
		"$(sql "SELECT class FROM events WHERE uid = 'secret@t'")"
	start_daemon --http "127.0.0.1:$PORT" || exit 1
	check_eq "... opened again, the event is private" private \
		"$(cls secret@t)"
	check_eq "... in the class column too (what a reader's list is cut by)" \
		private "$(sql "SELECT class FROM events WHERE uid = 'secret@t'")"
	if have curl; then
		check_eq "... and out of the public feed" 0 \
			"$(feed | grep -c SECRET-MASTER)"
	fi
	check_eq "... its record says so (CLASS:PRIVATE, no empty CLASS)" "1 0" \
		"$(f=$(kcal show secret@t --format ics | tr -d '\r')
		echo $(printf '%s\n' "$f" | grep -c '^CLASS:PRIVATE$') \
		$(printf '%s\n' "$f" | grep -c '^CLASS:$'))"
	kcal export -o "$T/mended.ics" 2>/dev/null
	kcal rm --yes secret@t >/dev/null
	check "... and its export imports again" kcal import "$T/mended.ics"
	check_eq "... as private" private "$(cls secret@t)"
else
	skip "a damaged store read again: python3 is not installed"
fi
done_testing
