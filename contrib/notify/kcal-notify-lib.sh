# kcal-notify-lib.sh — sourced by the kcal-notify-* hooks: the reminder's
# text, the same in every channel.  kcald passes the reminder in KCAL_*
# variables (kcald(8)); these functions turn them into a title and a body
# that give the start in the event's own zone and on the home clock, the
# place, and how late a late reminder is.

# "2026-01-05T10:00:00+08:00" -> "10:00", or the date for an all-day event.
kcal_hhmm() {
	case "$1" in
	????-??-??T??:??*) _t=${1#*T}; echo "${_t%"${_t#??:??}"}" ;;
	*) echo "$1" ;;
	esac
}
kcal_day() { echo "${1%%T*}"; }

# 3900 -> "1h5m"
kcal_dur() {
	_s=$1 _o=
	[ "$_s" -ge 86400 ] && _o="${_o}$((_s / 86400))d" && _s=$((_s % 86400))
	[ "$_s" -ge 3600 ] && _o="${_o}$((_s / 3600))h" && _s=$((_s % 3600))
	[ "$_s" -ge 60 ] && _o="${_o}$((_s / 60))m" && _s=$((_s % 60))
	[ "$_s" -gt 0 ] && _o="${_o}${_s}s"
	echo "${_o:-0s}"
}

kcal_title() { echo "${KCAL_SUMMARY:-Reminder}"; }

# "2026-01-05 10:00 CST (Asia/Shanghai), 11:00 KST at home"
kcal_when() {
	if [ "$KCAL_ALL_DAY" = 1 ]; then
		echo "$(kcal_day "$KCAL_START") (all day)"
		return
	fi
	_w="$(kcal_day "$KCAL_START") $(kcal_hhmm "$KCAL_START") $KCAL_START_ABBR"
	[ -n "$KCAL_TZ" ] && _w="$_w ($KCAL_TZ)"
	if [ -n "$KCAL_HOME_TZ" ] && [ "$KCAL_HOME_TZ" != "$KCAL_TZ" ]; then
		_w="$_w, $(kcal_hhmm "$KCAL_START_HOME") $KCAL_HOME_ABBR at home"
	fi
	echo "$_w"
}

# The body: when, where, and lateness, one per line.
kcal_body() {
	kcal_when
	[ -n "$KCAL_LOCATION" ] && echo "$KCAL_LOCATION"
	[ "$KCAL_LATE" = 1 ] && echo "(late by $(kcal_dur "${KCAL_LATE_BY:-0}"))"
	return 0
}

# RFC 2047 encoded-word for a header that may hold any UTF-8 text.
kcal_header_word() {
	printf '=?UTF-8?B?%s?=' "$(printf '%s' "$1" | base64 -w 0)"
}
