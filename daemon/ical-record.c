/*
 * ical-record.c — an event's record read: VEVENT text to the struct event
 * kcald indexes and answers with (ical_extract), the checks a new or
 * changed event must pass (the years kcal keeps, rules it can expand), and
 * the time and property readers the rest of the libical boundary shares
 * (ical-int.h).  The record is the text; struct event is only ever derived
 * from it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libical/ical.h>

#include "access.h"
#include "ical.h"
#include "ical-int.h"
#include "ical-serialize.h"
#include "kcal-protocol.h"
#include "tz.h"
#include "xmalloc.h"

icalproperty *
ical_find_x(icalcomponent *c, const char *name)
{
	icalproperty	*p;

	for (p = icalcomponent_get_first_property(c, ICAL_X_PROPERTY); p;
	    p = icalcomponent_get_next_property(c, ICAL_X_PROPERTY))
		if (strcasecmp(icalproperty_get_x_name(p), name) == 0)
			return p;
	return NULL;
}

/*
 * An X- property's value as text, never NULL.  A VALUE parameter
 * (X-KCAL-CITY;VALUE=TEXT:Seoul) makes libical keep it as that type, and
 * icalproperty_get_x then gives NULL: a TEXT one is read unescaped, any
 * other as written (;VALUE=DURATION:-PT15M).
 */
const char *
ical_x_text(icalproperty *p)
{
	icalvalue	*v = icalproperty_get_value(p);
	const char	*s = NULL;

	if (v == NULL)
		return "";
	if (icalvalue_isa(v) == ICAL_X_VALUE)
		s = icalvalue_get_x(v);
	else if (icalvalue_isa(v) == ICAL_TEXT_VALUE)
		s = icalvalue_get_text(v);
	else
		s = icalvalue_as_ical_string(v);
	icalerror_clear_errno();
	return s != NULL ? s : "";
}

static const char *
xparam(icalproperty *p, const char *name)
{
	icalparameter	*q;

	for (q = icalproperty_get_first_parameter(p, ICAL_X_PARAMETER); q;
	    q = icalproperty_get_next_parameter(p, ICAL_X_PARAMETER))
		if (strcasecmp(icalparameter_get_xname(q), name) == 0)
			return icalparameter_get_xvalue(q);
	return NULL;
}

/*
 * A floating date or date-time.  Built through icaltime_from_string:
 * icaltime_null_date() leaves fields that make libical's recurrence
 * iterator skip a day.
 */
struct icaltimetype
ical_local_tt(const struct when *w, int is_date)
{
	char	buf[32];

	if (is_date)
		snprintf(buf, sizeof buf, "%04d%02d%02d", w->year, w->mon, w->day);
	else
		snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02d", w->year,
		    w->mon, w->day, w->hour, w->min, w->sec);
	return icaltime_from_string(buf);
}

/*
 * A date or date-time's fields as seconds since 1970-01-01T00:00 of its
 * own clock (the instant, for a UTC time), in 64 bits: libical's
 * icaltime_as_timet() answers -1 before 1902 and after 9999.
 */
int64_t
ical_tt_secs(struct icaltimetype tt)
{
	int64_t	s = days_from_civil(tt.year, tt.month, tt.day) * 86400;

	return tt.is_date ? s : s + tt.hour * 3600 + tt.minute * 60 +
	    tt.second;
}

/* ndays after t's local date in tz: at its time of day, or midnight. */
static int64_t
add_local(const char *tz, int64_t t, int64_t ndays, int midnight)
{
	struct when	w;
	int64_t		out = t + ndays * 86400;

	tz_local(tz, t, &w);
	civil_from_days(days_from_civil(w.year, w.mon, w.day) + ndays,
	    &w.year, &w.mon, &w.day);
	if (midnight)
		w.kind = WHEN_DATE;
	tz_to_utc(tz, &w, 0, &out, NULL);
	return out;
}

/* Midnight starting the day ndays after the local date of t in tz. */
int64_t
ical_add_days(const char *tz, int64_t t, int64_t ndays)
{
	return add_local(tz, t, ndays, 1);
}

/* The same wall-clock time ndays after t in tz (before a skipped hour). */
int64_t
ical_add_nominal(const char *tz, int64_t t, int64_t ndays)
{
	return add_local(tz, t, ndays, 0);
}

/* The end of ev's occurrence that starts at t: as long as ev, nominally. */
int64_t
event_end_at(const struct event *ev, int64_t t)
{
	if (ev->all_day)
		return ical_add_days(ev->tz, t, ical_day_diff(ev->tz,
		    ev->start, ev->end));
	if (ev->dur_days != 0)
		return ical_add_nominal(ev->tz, t, ev->dur_days) +
		    ev->dur_rest;
	return t + (ev->end - ev->start);
}

/*
 * When a reminder `before` seconds ahead of an occurrence at t (zone tz)
 * is due: a lead of whole days is nominal, the same wall-clock time that
 * many days earlier (RFC 5545 3.3.6: a -P1D trigger on the eve of a DST
 * change is 23 or 25 hours ahead); any other is exact, 25 hours being 25
 * hours.  A trigger is kept in seconds, so -PT24H counts as -P1D, and
 * -P1DT1H as 25 hours (kcal writes such a lead in hours: ical-edit-fields.c).
 */
int64_t
ical_trigger_at(const char *tz, int64_t t, int64_t before)
{
	if (before == 0 || before % 86400 != 0 || tz == NULL)
		return t - before;
	return ical_add_nominal(tz, t, -(before / 86400));
}

/*
 * Where an event anchored off seconds after an anchor that starts at t
 * starts, tz being the event's zone (anchor.c): as a reminder's lead, an
 * offset of whole days is nominal, the same wall-clock time that many
 * days away (the advance team a day before a summit on the day the clocks
 * change arrives at the summit's time of day, 23 or 25 hours before it),
 * and any other is exact.  So is one of whole days that X-KCAL-ANCHOR-
 * OFFSET gives in hours (exact, e.g. -PT24H): a client put the event
 * exactly so far from its anchor (write-put.c).
 */
int64_t
ical_anchor_at(const char *tz, int64_t t, int64_t off, int exact)
{
	return exact ? t + off : ical_trigger_at(tz, t, -off);
}

/*
 * X-KCAL-ANCHOR-OFFSET's value for off (ical_anchor_at): in days where it
 * has whole ones (-P1D, -P1DT2H; -P1W, as libical writes a week), or,
 * exact, in hours (-PT24H, -PT26H), which is how it is read back.
 * Counted in 64 bits (libical's icaldurationtype_from_int takes an int).
 * The caller frees it (icalmemory_free_buffer).
 */
char *
ical_anchor_offset_text(int64_t off, int exact)
{
	struct icaldurationtype	d = icaldurationtype_null_duration();
	int64_t			a = off < 0 ? -off : off;

	d.is_neg = off < 0;
	if (!exact && a != 0 && a % (7 * 86400) == 0)
		d.weeks = (unsigned)(a / (7 * 86400));
	else if (!exact) {
		d.days = (unsigned)(a / 86400);
		a %= 86400;
	}
	if (d.weeks == 0) {
		d.hours = (unsigned)(a / 3600);
		d.minutes = (unsigned)(a % 3600 / 60);
		d.seconds = (unsigned)(a % 60);
	}
	return icaldurationtype_as_ical_string_r(d);
}

/* The unit c's place in a dur-value (D, H, M, S), or -1. */
static int
dur_unit(int c, int64_t *secs)
{
	static const char	unit[] = "DHMS";
	static const int64_t	size[] = { 86400, 3600, 60, 1 };
	const char		*u;

	if (c == '\0' || (u = strchr(unit, c)) == NULL)
		return -1;
	*secs = size[u - unit];
	return (int)(u - unit);
}

/*
 * X-KCAL-ANCHOR-OFFSET's value v read (*off, *exact as
 * ical_anchor_offset_text wrote them), or -1, *off and *exact untouched,
 * if it is not RFC 5545's dur-value: [+-]P, then nW alone, or nD and/or T
 * followed by nH, nM, nS, each at most once, in this order (libical writes
 * PT1H1S), a number of at most 8 digits but for leading zeros.  libical's
 * reader takes "P", "P1DT2" or "PT0H5H" too, and sums in an int, which a
 * duration of 70 years wraps.  Exact unless it has days or weeks.  The
 * limit of a year (KCAL_ANCHOR_MAX_OFFSET) is a write's
 * (ical-import-check.c, write-put.c).
 */
int
ical_anchor_offset_read(const char *v, int64_t *off, int *exact)
{
	const char	*p = v, *q;
	int64_t		 n, size = 0, sum = 0;
	int		 neg, at = 0, in_time = 0, parts = 0, days = 0, i, dig;

	if (p == NULL)
		return -1;
	if ((neg = *p == '-') || *p == '+')
		p++;
	if (*p++ != 'P')
		return -1;
	while (*p != '\0') {
		if (*p == 'T' && !in_time) {
			in_time = 1;
			at = 1;
			parts = 0;
			p++;
			continue;
		}
		for (q = p, n = 0, dig = 0; *p >= '0' && *p <= '9'; p++) {
			if ((dig += n > 0 || *p != '0') > 8)
				return -1;
			n = n * 10 + (*p - '0');
		}
		if (p == q)
			return -1;
		if (*p == 'W' && !in_time && at == 0 && p[1] == '\0') {
			sum = n * 7 * 86400;
			days = n != 0;
			parts = 1;
			p++;
			break;
		}
		if ((i = dur_unit(*p++, &size)) < at || (i == 0) == in_time)
			return -1;
		at = i + 1;
		sum += n * size;
		days |= i == 0 && n != 0;
		parts++;
	}
	if (parts == 0)
		return -1;
	*off = neg ? -sum : sum;
	*exact = !days;
	return 0;
}

/*
 * The same as kcald reckoned it before: the whole days of any lead
 * nominal, the rest exact (25 hours on the eve of a DST change was 24 or
 * 26).  A reminder delivered then is remembered at that instant
 * (remind-plan.c's consider).
 */
int64_t
ical_trigger_was(const char *tz, int64_t t, int64_t before)
{
	int64_t	days = before / 86400;

	if (days == 0 || tz == NULL)
		return t - before;
	return ical_add_nominal(tz, t, -days) - (before - days * 86400);
}

int
ical_day_diff(const char *tz, int64_t a, int64_t b)
{
	struct when	wa, wb;

	tz_local(tz, a, &wa);
	tz_local(tz, b, &wb);
	return (int)(days_from_civil(wb.year, wb.mon, wb.day) -
	    days_from_civil(wa.year, wa.mon, wa.day));
}

int
ical_check_zone(const char *tz, char **cause)
{
	if (tz_valid(tz))
		return 0;
	xasprintf(cause, "unknown time zone \"%s\" (use an IANA name such as "
	    "Asia/Seoul or Europe/Brussels)", tz);
	return -1;
}

/* Parse text into its VEVENT (a bare VEVENT or the first in a VCALENDAR). */
icalcomponent *
ical_parse_vevent(const char *text, icalcomponent **root, char **cause)
{
	icalcomponent	*c;

	*root = ical_parse(text);
	if (*root == NULL) {
		*cause = xstrdup("not iCalendar data");
		return NULL;
	}
	if (icalcomponent_isa(*root) == ICAL_VEVENT_COMPONENT)
		return *root;
	c = icalcomponent_get_first_component(*root, ICAL_VEVENT_COMPONENT);
	if (c == NULL) {
		*cause = xstrdup("no VEVENT");
		icalcomponent_free(*root);
		*root = NULL;
	}
	return c;
}

/*
 * A DURATION in seconds, in 64 bits (icaldurationtype_as_int() is an int:
 * P99999999W wrapped round to a negative length).
 */
static int64_t
dur_secs(struct icaldurationtype d)
{
	int64_t	s = ((((int64_t)d.weeks * 7 + d.days) * 24 + d.hours) * 60 +
		    d.minutes) * 60 + d.seconds;

	return d.is_neg ? -s : s;
}

/*
 * A DURATION's days (weeks too: nominal, RFC 5545 3.3.6) and its exact
 * seconds after them, in 64 bits: 1, or 0 when it has no days, is
 * negative or is past NOMINAL_DAYS_MAX days (then taken as exact).
 */
#define NOMINAL_DAYS_MAX	400000

int
ical_dur_nominal(struct icaldurationtype d, int64_t *days, int64_t *rest)
{
	*days = (int64_t)d.weeks * 7 + d.days;
	*rest = ((int64_t)d.hours * 60 + d.minutes) * 60 + d.seconds;
	return !d.is_neg && *days > 0 && *days <= NOMINAL_DAYS_MAX;
}

/* Read a DTSTART/DTEND: its instant, its zone, whether it is a date. */
int
ical_read_time(icalproperty *p, struct icaltimetype tt, const char *datetz,
    const char *home, char **tzout, int64_t *t, int *is_date, char **cause)
{
	icalparameter	*tzid = icalproperty_get_first_parameter(p,
			    ICAL_TZID_PARAMETER);
	const char	*tz;
	struct when	 w;

	*is_date = tt.is_date;
	if (tt.year == 0) {	/* libical reads no year past 3000 */
		*cause = xstrdup("a time libical cannot read (a year past "
		    "3000?); kcal keeps events in the years 1583 to 2582");
		return -1;
	}
	if (icaltime_is_utc(tt) && !tt.is_date) {
		/* A UTC time; its event's zone may be given by X-KCAL-TZ. */
		tz = datetz ? datetz : "UTC";
		*t = ical_tt_secs(tt);
		*tzout = xstrdup(tz);
		return 0;
	} else if (tt.is_date)
		tz = datetz ? datetz : home;
	else if (tzid != NULL)
		tz = icalparameter_get_tzid(tzid);
	else
		tz = home;
	if (ical_check_zone(tz, cause) != 0)
		return -1;
	memset(&w, 0, sizeof w);
	w.kind = tt.is_date ? WHEN_DATE : WHEN_LOCAL;
	w.year = tt.year; w.mon = tt.month; w.day = tt.day;
	w.hour = tt.hour; w.min = tt.minute; w.sec = tt.second;
	if (tz_to_utc(tz, &w, 0, t, cause) != 0)
		return -1;
	*tzout = xstrdup(tz);
	return 0;
}

static int
extract_times(icalcomponent *c, const char *home, struct event *ev,
    char **cause)
{
	icalproperty	*ps, *pe, *pd, *xtz;
	struct icaltimetype tt;
	const char	*datetz = NULL;
	char		*etz = NULL;
	int		 d;

	if ((ps = icalcomponent_get_first_property(c,
	    ICAL_DTSTART_PROPERTY)) == NULL) {
		*cause = xstrdup("the event has no DTSTART");
		return -1;
	}
	if ((xtz = ical_find_x(c, X_TZ)) != NULL && tz_valid(ical_x_text(xtz)))
		datetz = ical_x_text(xtz);
	if (ical_read_time(ps, icalproperty_get_dtstart(ps), datetz, home, &ev->tz,
	    &ev->start, &ev->all_day, cause) != 0)
		return -1;
	tt = icalproperty_get_dtstart(ps);
	ev->start_wall = 0;
	if (!ev->all_day && !icaltime_is_utc(tt) &&
	    ical_wall(ev->tz, ev->start) != ical_tt_secs(tt))
		ev->start_wall = ical_tt_secs(tt);	/* in a gap */
	pe = icalcomponent_get_first_property(c, ICAL_DTEND_PROPERTY);
	pd = icalcomponent_get_first_property(c, ICAL_DURATION_PROPERTY);
	if (pe != NULL) {
		if (ical_read_time(pe, icalproperty_get_dtend(pe), datetz, home, &etz,
		    &ev->end, &d, cause) != 0)
			return -1;
		if (strcmp(etz, ev->tz) != 0 && !ev->all_day)
			ev->end_tz = etz;
		else
			free(etz);
	} else if (pd != NULL) {
		struct icaldurationtype du = icalproperty_get_duration(pd);
		int64_t secs = dur_secs(du);

		if (!ev->all_day && ical_dur_nominal(du, &ev->dur_days,
		    &ev->dur_rest))
			ev->end = event_end_at(ev, ev->start);
		else {
			ev->dur_days = ev->dur_rest = 0;
			ev->end = ev->all_day && secs % 86400 == 0 ?
			    ical_add_days(ev->tz, ev->start, secs / 86400) :
			    ev->start + secs;
		}
	} else
		ev->end = ev->all_day ? ical_add_days(ev->tz, ev->start, 1) : ev->start;
	if (ev->end < ev->start) {
		xasprintf(cause, "the event ends before it starts");
		return -1;
	}
	return 0;
}

static char *
dup_str(icalcomponent *c, icalproperty_kind kind, const char *(*get)(const icalproperty *))
{
	icalproperty	*p = icalcomponent_get_first_property(c, kind);
	const char	*v = p ? get(p) : NULL;

	return v && *v ? xstrdup(v) : NULL;
}

static void
extract_participants(icalcomponent *c, struct event *ev)
{
	icalproperty	*p;
	icalparameter	*q;
	const char	*v, *pr;
	size_t		 n = icalcomponent_count_properties(c,
			    ICAL_ATTENDEE_PROPERTY) + icalcomponent_count_properties(c,
			    ICAL_ORGANIZER_PROPERTY);

	ev->parts = xcalloc(n, sizeof *ev->parts);
	for (p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY); p;
	    p = icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY)) {
		icalproperty_kind k = icalproperty_isa(p);
		struct participant *pt;

		if (k != ICAL_ATTENDEE_PROPERTY && k != ICAL_ORGANIZER_PROPERTY)
			continue;
		pt = &ev->parts[ev->nparts++];
		q = icalproperty_get_first_parameter(p, ICAL_CN_PARAMETER);
		v = icalproperty_get_value_as_string(p);
		if (q != NULL)
			pt->name = xstrdup(icalparameter_get_cn(q));
		else
			pt->name = xstrdup(v && strncasecmp(v, "mailto:", 7) == 0 ?
			    v + 7 : v ? v : "");
		if ((v = xparam(p, X_ROLE)) != NULL)
			pt->role = xstrdup(v);
		else if (k == ICAL_ORGANIZER_PROPERTY)
			pt->role = xstrdup("organizer");
		else if ((q = icalproperty_get_first_parameter(p,
		    ICAL_ROLE_PARAMETER)) != NULL &&
		    icalparameter_get_role(q) == ICAL_ROLE_CHAIR)
			pt->role = xstrdup("chair");
		else
			pt->role = xstrdup("attendee");
		if ((v = xparam(p, X_COUNTRY)) != NULL)
			pt->country = xstrdup(v);
		/* As the protocol takes it (write.c): 0 (unset) to the most. */
		if ((pr = xparam(p, X_PRECEDENCE)) != NULL) {
			pt->precedence = atoi(pr);
			if (pt->precedence < 0)
				pt->precedence = 0;
			else if (pt->precedence > KCAL_PRECEDENCE_MAX)
				pt->precedence = KCAL_PRECEDENCE_MAX;
		}
	}
}

/*
 * A VALARM's REPEAT and its DURATION (RFC 5545 3.8.6.2): it goes off
 * again that many times, that far apart; both or neither.  At most
 * ALARM_REPEAT_MAX more times (a REPEAT of a million is ignored past it).
 */
#define ALARM_REPEAT_MAX	16

static int
alarm_repeat(icalcomponent *a, int64_t *step)
{
	icalproperty	*r, *d;
	int		 n;

	r = icalcomponent_get_first_property(a, ICAL_REPEAT_PROPERTY);
	d = icalcomponent_get_first_property(a, ICAL_DURATION_PROPERTY);
	if (r == NULL || d == NULL || (n = icalproperty_get_repeat(r)) <= 0 ||
	    (*step = dur_secs(icalproperty_get_duration(d))) <= 0)
		return 0;
	return n < ALARM_REPEAT_MAX ? n : ALARM_REPEAT_MAX;
}

/*
 * The reminders of c's VALARMs: seconds before the start (a trigger
 * related to the end counts the event's length), or instants; each
 * repetition of an alarm (REPEAT) one more.
 */
static void
extract_reminders(icalcomponent *c, struct event *ev)
{
	icalcomponent		*a;
	icalproperty		*t;
	icalparameter		*rel;
	struct icaltriggertype	 tr;
	int64_t			 before, at, step = 0;
	int			 n, end;

	for (a = icalcomponent_get_first_component(c, ICAL_VALARM_COMPONENT);
	    a; a = icalcomponent_get_next_component(c, ICAL_VALARM_COMPONENT)) {
		if ((t = icalcomponent_get_first_property(a,
		    ICAL_TRIGGER_PROPERTY)) == NULL)
			continue;
		tr = icalproperty_get_trigger(t);
		n = alarm_repeat(a, &step);
		if (!icaltime_is_null_time(tr.time)) {
			at = (int64_t)icaltime_as_timet_with_zone(tr.time,
			    tr.time.zone ? tr.time.zone :
			    icaltimezone_get_utc_timezone());
			ev->remind_at = xreallocarray(ev->remind_at,
			    ev->nremind_at + n + 1, sizeof *ev->remind_at);
			for (int i = 0; i <= n; i++)
				ev->remind_at[ev->nremind_at++] = at + i * step;
			continue;
		}
		before = -dur_secs(tr.duration);
		rel = icalproperty_get_first_parameter(t, ICAL_RELATED_PARAMETER);
		end = rel && icalparameter_get_related(rel) == ICAL_RELATED_END;
		if (end)
			before -= ev->end - ev->start;
		ev->remind = xreallocarray(ev->remind, ev->nremind + n + 1,
		    sizeof *ev->remind);
		if (end && ev->remind_end == NULL)
			ev->remind_end = xcalloc(ev->nremind + 1, 1);
		if (ev->remind_end != NULL)
			ev->remind_end = xreallocarray(ev->remind_end,
			    ev->nremind + n + 1, 1);
		for (int i = 0; i <= n; i++) {
			if (ev->remind_end != NULL)
				ev->remind_end[ev->nremind] = end;
			ev->remind[ev->nremind++] = before - i * step;
		}
	}
	t = ical_find_x(c, X_NO_REMIND);
	ev->no_remind = ev->nremind == 0 && ev->nremind_at == 0 && t != NULL &&
	    strcasecmp(ical_x_text(t), "TRUE") == 0;
}

/* The first CATEGORIES value naming a known kind, or NULL. */
static const char *
find_kind(icalcomponent *c)
{
	icalproperty	*p;
	const char	*v;

	for (p = icalcomponent_get_first_property(c, ICAL_CATEGORIES_PROPERTY);
	    p; p = icalcomponent_get_next_property(c, ICAL_CATEGORIES_PROPERTY)) {
		v = icalproperty_get_categories(p);
		for (size_t i = 0; v && event_kinds[i]; i++) {
			size_t n = strlen(event_kinds[i]);
			if (strncasecmp(v, event_kinds[i], n) == 0 &&
			    (v[n] == '\0' || v[n] == ','))
				return event_kinds[i];
		}
	}
	return NULL;
}

static void
extract_enums(icalcomponent *c, struct event *ev)
{
	icalproperty	*p;
	const char	*kind = find_kind(c);

	ev->status = xstrdup("confirmed");
	if ((p = icalcomponent_get_first_property(c, ICAL_STATUS_PROPERTY))) {
		switch (icalproperty_get_status(p)) {
		case ICAL_STATUS_TENTATIVE:
			free(ev->status);
			ev->status = xstrdup("tentative");
			break;
		case ICAL_STATUS_CANCELLED:
			free(ev->status);
			ev->status = xstrdup("cancelled");
			break;
		default:
			break;
		}
	}
	ev->class = xstrdup(access_class_name(ical_class_of(c)));
	ev->kind = xstrdup(kind ? kind : "other");
}

static void
extract_misc(icalcomponent *c, struct event *ev)
{
	icalproperty	*p;
	icalparameter	*rt;

	ev->summary = dup_str(c, ICAL_SUMMARY_PROPERTY, icalproperty_get_summary);
	ev->location = dup_str(c, ICAL_LOCATION_PROPERTY,
	    icalproperty_get_location);
	ev->description = dup_str(c, ICAL_DESCRIPTION_PROPERTY,
	    icalproperty_get_description);
	ev->url = dup_str(c, ICAL_URL_PROPERTY, icalproperty_get_url);
	for (p = icalcomponent_get_first_property(c, ICAL_RELATEDTO_PROPERTY);
	    p && ev->parent == NULL;
	    p = icalcomponent_get_next_property(c, ICAL_RELATEDTO_PROPERTY)) {
		rt = icalproperty_get_first_parameter(p, ICAL_RELTYPE_PARAMETER);
		if (rt == NULL ||
		    icalparameter_get_reltype(rt) == ICAL_RELTYPE_PARENT)
			ev->parent = xstrdup(icalproperty_get_relatedto(p));
	}
	if ((p = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY))) {
		struct icalrecurrencetype r = icalproperty_get_rrule(p);
		char *s = icalrecurrencetype_as_string_r(&r);
		ev->rrule = xstrdup(s ? s : "");
		icalmemory_free_buffer(s);
	} else if (icalcomponent_get_first_property(c, ICAL_RDATE_PROPERTY))
		ev->rrule = xstrdup("");	/* RDATEs alone recur too */
	if ((p = icalcomponent_get_first_property(c, ICAL_SEQUENCE_PROPERTY)))
		ev->sequence = icalproperty_get_sequence(p);
	if ((p = icalcomponent_get_first_property(c, ICAL_CREATED_PROPERTY)))
		ev->created = ical_tt_secs(icalproperty_get_created(p));
	if ((p = icalcomponent_get_first_property(c,
	    ICAL_LASTMODIFIED_PROPERTY)))
		ev->last_modified = ical_tt_secs(icalproperty_get_lastmodified(p));
	else
		ev->last_modified = ev->created;
}

static void
extract_itinerary(icalcomponent *c, struct event *ev)
{
	icalproperty		*p;
	struct icaldurationtype	 d;
	const char		*v;

	if ((p = ical_find_x(c, X_CITY)) != NULL && *(v = ical_x_text(p)))
		ev->city = xstrdup(v);
	if ((p = ical_find_x(c, X_END_CITY)) != NULL && *(v = ical_x_text(p)))
		ev->end_city = xstrdup(v);
	if ((p = ical_find_x(c, X_ANCHOR)) == NULL || !*(v = ical_x_text(p)))
		return;
	ev->anchor = xstrdup(v);
	if ((p = ical_find_x(c, X_ANCHOR_OFFSET)) == NULL ||
	    ical_anchor_offset_read(v = ical_x_text(p), &ev->anchor_offset,
	    &ev->anchor_exact) == 0)
		return;
	/*
	 * Stored before it was checked: as libical reads it, in 64 bits, but
	 * for a number of more than 8 digits, which libical wraps.
	 */
	for (const char *q = v, *n = v; *q != '\0'; q++)
		if (*q < '0' || *q > '9')
			n = q + 1;
		else if (q - n >= 8)
			return;
	d = icaldurationtype_from_string(v);
	icalerror_clear_errno();
	if (icaldurationtype_is_bad_duration(d))
		return;
	ev->anchor_offset = (((int64_t)d.weeks * 7 + d.days) * 24 +
	    d.hours) * 3600 + (int64_t)d.minutes * 60 + d.seconds;
	if (d.is_neg)
		ev->anchor_offset = -ev->anchor_offset;
	ev->anchor_exact = d.days == 0 && d.weeks == 0;
}

int
ical_extract_from(icalcomponent *c, const char *home, struct event *ev,
    char **cause)
{
	const char	*uid = icalcomponent_get_uid(c);

	event_init(ev);
	if (uid == NULL || *uid == '\0') {
		*cause = xstrdup("the event has no UID");
		return -1;
	}
	ev->uid = xstrdup(uid);
	if (extract_times(c, home, ev, cause) != 0) {
		event_clear(ev);
		return -1;
	}
	extract_enums(c, ev);
	extract_misc(c, ev);
	extract_participants(c, ev);
	extract_reminders(c, ev);
	extract_itinerary(c, ev);
	return 0;
}

/* A year of instant t in zone tz inside the years kcal keeps? */
static int
check_year(const char *what, const char *tz, int64_t t, char **cause)
{
	struct when	w;

	tz_local(tz, t, &w);
	if (w.year >= ICAL_YEAR_MIN && w.year <= ICAL_YEAR_MAX)
		return 0;
	xasprintf(cause, "the event %s in the year %d; kcal keeps events in "
	    "the years %d to %d", what, w.year, ICAL_YEAR_MIN, ICAL_YEAR_MAX);
	return -1;
}

/*
 * What add, update and import check beyond reading an event: its times
 * inside the years kcal keeps (ICAL_YEAR_MIN..MAX: the Gregorian calendar
 * in full, to the last year libical's recurrence iterator reaches), and
 * every RRULE one kcald will expand (rule_check).
 */
static int
check_new(icalcomponent *c, const struct event *ev, char **cause)
{
	if (check_year("starts", ev->tz, ev->start, cause) != 0 ||
	    check_year("ends", ev->end_tz ? ev->end_tz : ev->tz,
	    ev->end > ev->start ? ev->end - 1 : ev->end, cause) != 0)
		return -1;
	return recur_rules_check(c, ev, cause);
}


/* ical_extract_from() for a new or changed event: what add and import accept. */
int
ical_extract_checked(icalcomponent *c, const char *home, struct event *ev,
    char **cause)
{
	if (ical_extract_from(c, home, ev, cause) != 0)
		return -1;
	if (check_new(c, ev, cause) != 0) {
		event_clear(ev);
		return -1;
	}
	return 0;
}

/* The same from a VEVENT already parsed (ical-serialize.h), to import. */
int
ical_extract_component(icalcomponent *c, const char *home, struct event *ev,
    char **cause)
{
	return ical_extract_checked(c, home, ev, cause);
}

/* ical_extract() for a record to import: the same checks as add. */
int
ical_extract_new(const char *text, const char *home, struct event *ev,
    char **cause)
{
	icalcomponent	*root, *c;
	int		 rc;

	if ((c = ical_parse_vevent(text, &root, cause)) == NULL)
		return -1;
	rc = ical_extract_checked(c, home, ev, cause);
	icalcomponent_free(root);
	return rc;
}

/*
 * A VEVENT's effective CLASS: none is PUBLIC; one kcal does not know
 * (X-TOP-SECRET, a misspelling) is PRIVATE, as RFC 5545 3.8.1.3 says
 * (access_class_of).  The stored class column holds this, so that every
 * reader (feeds, roles) compares ranks, never the text.
 */
enum access_class
ical_class_of(icalcomponent *c)
{
	icalproperty	*p;
	const char	*s;

	p = icalcomponent_get_first_property(c, ICAL_CLASS_PROPERTY);
	if (p != NULL) {
		s = icalproperty_get_value_as_string(p);
		/* an empty one (a libical that keeps it) says nothing known */
		return s == NULL || *s == '\0' ? ACCESS_CLASS_PRIVATE :
		    access_class_of(s);
	}
	/*
	 * A CLASS libical could not read ("CLASS:", which its own copies
	 * made of an X- class: ical-clone.c) is one kcal does not know.
	 */
	for (p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY);
	    p != NULL; p = icalcomponent_get_next_property(c,
	    ICAL_XLICERROR_PROPERTY))
		if ((s = icalproperty_get_xlicerror(p)) != NULL &&
		    strstr(s, "for CLASS property") != NULL)
			return ACCESS_CLASS_PRIVATE;
	return ACCESS_CLASS_PUBLIC;
}

/* The effective class of a stored record's event (its master), or NULL. */
const char *
ical_record_class(const char *text)
{
	icalcomponent		*root, *c;
	enum access_class	 k;
	char			*why = NULL;

	if ((c = ical_parse_vevent(text, &root, &why)) == NULL) {
		free(why);
		return NULL;
	}
	k = ical_class_of(c);
	icalcomponent_free(root);
	return access_class_name(k);
}

/* Derive the indexed fields of an event from its VEVENT text. */
int
ical_extract(const char *text, const char *home, struct event *ev,
    char **cause)
{
	icalcomponent	*root, *c;
	int		 rc;

	if ((c = ical_parse_vevent(text, &root, cause)) == NULL)
		return -1;
	rc = ical_extract_from(c, home, ev, cause);
	icalcomponent_free(root);
	return rc;
}
