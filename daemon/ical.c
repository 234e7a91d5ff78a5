/*
 * ical.c — events as VEVENT text, through libical (with tz.c, the only
 * code that includes it).
 *
 * ical_apply() edits an event's canonical VEVENT (or makes a new one) and
 * ical_extract() derives the indexed struct event from the text.  An edit
 * touches only the properties it changes, so whatever else an imported
 * event carried survives every edit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libical/ical.h>

#include "access.h"
#include "ical.h"
#include "ical-int.h"
#include "ical-serialize.h"
#include "tz.h"
#include "xmalloc.h"

#define X_TZ		"X-KCAL-TZ"		/* zone of an all-day event */
#define X_ROLE		"X-KCAL-ROLE"
#define X_COUNTRY	"X-KCAL-COUNTRY"
#define X_PRECEDENCE	"X-KCAL-PRECEDENCE"
#define X_CITY		"X-KCAL-CITY"		/* itineraries: city.h */
#define X_END_CITY	"X-KCAL-END-CITY"
#define X_ANCHOR	"X-KCAL-ANCHOR"		/* anchor.h */
#define X_ANCHOR_OFFSET	"X-KCAL-ANCHOR-OFFSET"	/* a DURATION, e.g. -PT15M */

static int	check_new(icalcomponent *, const struct event *, char **);

static void
remove_all(icalcomponent *c, icalproperty_kind kind)
{
	icalproperty	*p;

	while ((p = icalcomponent_get_first_property(c, kind)) != NULL) {
		icalcomponent_remove_property(c, p);
		icalproperty_free(p);
	}
}

static icalproperty *
find_x(icalcomponent *c, const char *name)
{
	icalproperty	*p;

	for (p = icalcomponent_get_first_property(c, ICAL_X_PROPERTY); p;
	    p = icalcomponent_get_next_property(c, ICAL_X_PROPERTY))
		if (strcasecmp(icalproperty_get_x_name(p), name) == 0)
			return p;
	return NULL;
}

static void
set_x(icalcomponent *c, const char *name, const char *value)
{
	icalproperty	*p;

	while ((p = find_x(c, name)) != NULL) {
		icalcomponent_remove_property(c, p);
		icalproperty_free(p);
	}
	if (value != NULL) {
		p = icalproperty_new_x(value);
		icalproperty_set_x_name(p, name);
		icalcomponent_add_property(c, p);
	}
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

static void
add_xparam(icalproperty *p, const char *name, const char *value)
{
	icalparameter	*q;

	if (value == NULL || *value == '\0')
		return;
	q = icalparameter_new_x(value);
	icalparameter_set_xname(q, name);
	icalproperty_add_parameter(p, q);
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

static struct icaltimetype
utc_time(int64_t t)
{
	return icaltime_from_timet_with_zone((time_t)t, 0,
	    icaltimezone_get_utc_timezone());
}

/*
 * Does instant t survive being written as wall-clock time in tz?  Not when
 * it is the second pass through a repeated hour (01:30 EST on a fall-back
 * night reads back as the first, 01:30 EDT).
 */
static int
round_trips(const char *tz, int64_t t)
{
	struct when	w;
	int64_t		back;

	tz_local(tz, t, &w);
	return tz_to_utc(tz, &w, 0, &back, NULL) == 0 && back == t;
}

/*
 * A DTSTART/DTEND property for instant t shown in zone tz; in UTC when the
 * wall-clock form would be misread (see round_trips).
 */
static icalproperty *
time_prop(icalproperty_kind kind, const char *tz, int64_t t, int all_day)
{
	struct icaltimetype	 tt;
	struct when		 w;
	icalproperty		*p;
	int			 utc = strcmp(tz, "UTC") == 0 ||
				    (!all_day && !round_trips(tz, t));

	if (utc && !all_day)
		tt = utc_time(t);
	else {
		tz_local(tz, t, &w);
		tt = ical_local_tt(&w, all_day);
	}
	p = kind == ICAL_DTSTART_PROPERTY ? icalproperty_new_dtstart(tt) :
	    icalproperty_new_dtend(tt);
	if (!utc && !all_day)
		icalproperty_add_parameter(p, icalparameter_new_tzid(tz));
	return p;
}

static void
set_text(icalcomponent *c, icalproperty_kind kind, const char *v)
{
	icalproperty	*p;

	if (v == NULL)
		return;
	remove_all(c, kind);
	if (*v == '\0')
		return;
	p = icalproperty_new(kind);
	icalproperty_set_value(p, kind == ICAL_URL_PROPERTY ?
	    icalvalue_new_uri(v) : icalvalue_new_text(v));
	icalcomponent_add_property(c, p);
}

static void
set_status(icalcomponent *c, const char *s)
{
	if (s == NULL)
		return;
	remove_all(c, ICAL_STATUS_PROPERTY);
	icalcomponent_add_property(c, icalproperty_new_status(
	    strcmp(s, "tentative") == 0 ? ICAL_STATUS_TENTATIVE :
	    strcmp(s, "cancelled") == 0 ? ICAL_STATUS_CANCELLED :
	    ICAL_STATUS_CONFIRMED));
}

static void
set_class(icalcomponent *c, const char *s)
{
	if (s == NULL)
		return;
	remove_all(c, ICAL_CLASS_PROPERTY);
	icalcomponent_add_property(c, icalproperty_new_class(
	    strcmp(s, "private") == 0 ? ICAL_CLASS_PRIVATE :
	    strcmp(s, "confidential") == 0 ? ICAL_CLASS_CONFIDENTIAL :
	    ICAL_CLASS_PUBLIC));
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

/* Replace the kind's CATEGORIES entry, keeping any other categories. */
static void
set_kind(icalcomponent *c, const char *kind)
{
	icalproperty	*p, *next;

	if (kind == NULL)
		return;
	for (p = icalcomponent_get_first_property(c, ICAL_CATEGORIES_PROPERTY);
	    p; p = next) {
		next = icalcomponent_get_next_property(c, ICAL_CATEGORIES_PROPERTY);
		if (event_kind_valid(icalproperty_get_categories(p))) {
			icalcomponent_remove_property(c, p);
			icalproperty_free(p);
		}
	}
	icalcomponent_add_property(c, icalproperty_new_categories(kind));
}

static void
set_parent(icalcomponent *c, const char *uid)
{
	icalproperty	*p, *next;
	icalparameter	*rt;

	if (uid == NULL)
		return;
	for (p = icalcomponent_get_first_property(c, ICAL_RELATEDTO_PROPERTY);
	    p; p = next) {
		next = icalcomponent_get_next_property(c, ICAL_RELATEDTO_PROPERTY);
		rt = icalproperty_get_first_parameter(p, ICAL_RELTYPE_PARAMETER);
		if (rt == NULL ||
		    icalparameter_get_reltype(rt) == ICAL_RELTYPE_PARENT) {
			icalcomponent_remove_property(c, p);
			icalproperty_free(p);
		}
	}
	if (*uid == '\0')
		return;
	p = icalproperty_new_relatedto(uid);
	icalproperty_add_parameter(p, icalparameter_new_reltype(
	    ICAL_RELTYPE_PARENT));
	icalcomponent_add_property(c, p);
}

int
ical_rrule_valid(const char *s, char **cause)
{
	struct icalrecurrencetype r;

	icalerror_clear_errno();
	r = icalrecurrencetype_from_string(s);
	if (r.freq == ICAL_NO_RECURRENCE || icalerrno != ICAL_NO_ERROR) {
		icalerror_clear_errno();
		xasprintf(cause, "invalid recurrence rule \"%s\" (RFC 5545 "
		    "RRULE, e.g. FREQ=WEEKLY;BYDAY=MO or FREQ=YEARLY)", s);
		return -1;
	}
	return 0;
}

static void
set_rrule(icalcomponent *c, const char *s)
{
	if (s == NULL)
		return;
	remove_all(c, ICAL_RRULE_PROPERTY);
	if (*s != '\0')
		icalcomponent_add_property(c, icalproperty_new_rrule(
		    icalrecurrencetype_from_string(s)));
}

static void
set_participants(icalcomponent *c, const struct event_change *ch)
{
	icalproperty	*p;
	char		*uri, precedence[16];

	if (!ch->set_parts)
		return;
	remove_all(c, ICAL_ATTENDEE_PROPERTY);
	for (size_t i = 0; i < ch->nparts; i++) {
		const struct participant *pt = &ch->parts[i];

		xasprintf(&uri, "urn:x-kcal:participant:%zu", i + 1);
		p = icalproperty_new_attendee(uri);
		free(uri);
		icalproperty_add_parameter(p, icalparameter_new_cn(pt->name));
		add_xparam(p, X_ROLE, pt->role);
		add_xparam(p, X_COUNTRY, pt->country);
		if (pt->precedence > 0) {
			snprintf(precedence, sizeof precedence, "%d",
			    pt->precedence);
			add_xparam(p, X_PRECEDENCE, precedence);
		}
		icalcomponent_add_property(c, p);
	}
}

/* Is the VALARM's trigger an absolute instant (TRIGGER;VALUE=DATE-TIME)? */
static int
alarm_absolute(icalcomponent *a)
{
	icalproperty	*t = icalcomponent_get_first_property(a,
			    ICAL_TRIGGER_PROPERTY);

	return t != NULL &&
	    !icaltime_is_null_time(icalproperty_get_trigger(t).time);
}

/* Remove the VALARMs with absolute (or else relative) triggers. */
static void
remove_alarms(icalcomponent *c, int absolute)
{
	icalcomponent	*a, *next;

	for (a = icalcomponent_get_first_component(c, ICAL_VALARM_COMPONENT);
	    a != NULL; a = next) {
		next = icalcomponent_get_next_component(c,
		    ICAL_VALARM_COMPONENT);
		if (alarm_absolute(a) == absolute) {
			icalcomponent_remove_component(c, a);
			icalcomponent_free(a);
		}
	}
}

static void
add_alarm(icalcomponent *c, struct icaltriggertype tr, const char *summary)
{
	icalcomponent	*a = icalcomponent_new_valarm();

	icalcomponent_add_property(a,
	    icalproperty_new_action(ICAL_ACTION_DISPLAY));
	icalcomponent_add_property(a, icalproperty_new_trigger(tr));
	icalcomponent_add_property(a, icalproperty_new_description(
	    summary ? summary : "Reminder"));
	icalcomponent_add_component(c, a);
}

/*
 * Reminders are DISPLAY VALARMs with a trigger relative to the start
 * (remind) or at an absolute instant (remind_at, TRIGGER;VALUE=DATE-TIME
 * in UTC).  Setting one kind replaces only the alarms of that kind.
 */
static void
set_reminders(icalcomponent *c, const struct event_change *ch,
    const char *summary)
{
	struct icaltriggertype	tr;

	if (ch->set_remind) {
		remove_alarms(c, 0);
		for (size_t i = 0; i < ch->nremind; i++)
			add_alarm(c, icaltriggertype_from_int(
			    (int)-ch->remind[i]), summary);
	}
	if (ch->set_remind_at) {
		remove_alarms(c, 1);
		for (size_t i = 0; i < ch->nremind_at; i++) {
			memset(&tr, 0, sizeof tr);
			tr.time = utc_time(ch->remind_at[i]);
			add_alarm(c, tr, summary);
		}
	}
}

/* Midnight starting the day ndays after the local date of t in tz. */
int64_t
ical_add_days(const char *tz, int64_t t, int64_t ndays)
{
	struct when	w;
	int64_t		out = t + ndays * 86400;

	tz_local(tz, t, &w);
	civil_from_days(days_from_civil(w.year, w.mon, w.day) + ndays,
	    &w.year, &w.mon, &w.day);
	w.kind = WHEN_DATE;
	tz_to_utc(tz, &w, 0, &out, NULL);
	return out;
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

static int
check_zone(const char *tz, char **cause)
{
	if (tz_valid(tz))
		return 0;
	xasprintf(cause, "unknown time zone \"%s\" (use an IANA name such as "
	    "Asia/Seoul or Europe/Brussels)", tz);
	return -1;
}

/* The all-day flag and start instant of a change (see plan_times). */
static int
plan_start(const struct event_change *ch, const struct event *cur,
    struct event *nt, char **cause)
{
	if (ch->start.kind == WHEN_NONE) {
		if (cur == NULL) {
			*cause = xstrdup("a start time is required");
			return -1;
		}
		if (ch->all_day >= 0 && ch->all_day != cur->all_day) {
			*cause = xstrdup("changing between all-day and timed "
			    "needs a new start (a date, or a date and time)");
			return -1;
		}
		nt->all_day = cur->all_day;
		nt->start = cur->start;
		return 0;
	}
	nt->all_day = ch->start.kind == WHEN_DATE;
	if (ch->all_day == 1 && !nt->all_day) {
		*cause = xstrdup("an all-day event starts on a date "
		    "(YYYY-MM-DD), not at a time");
		return -1;
	}
	if (ch->all_day == 0 && nt->all_day) {
		*cause = xstrdup("a timed event needs a time as well as a date");
		return -1;
	}
	return tz_to_utc(nt->tz, &ch->start, 1, &nt->start, cause);
}

static int
plan_end(const struct event_change *ch, const struct event *cur,
    struct event *nt, char **cause)
{
	const char	*etz = nt->end_tz ? nt->end_tz : nt->tz;

	if (ch->end.kind != WHEN_NONE) {
		if (nt->all_day != (ch->end.kind == WHEN_DATE)) {
			*cause = xstrdup(nt->all_day ? "the end of an all-day "
			    "event is a date (the day after its last day)" :
			    "the end of a timed event needs a time");
			return -1;
		}
		if (tz_to_utc(etz, &ch->end, 1, &nt->end, cause) != 0)
			return -1;
	} else if (ch->duration > 0) {
		if (nt->all_day && ch->duration % 86400 != 0) {
			*cause = xstrdup("an all-day event lasts whole days");
			return -1;
		}
		nt->end = nt->all_day ? ical_add_days(nt->tz, nt->start,
		    ch->duration / 86400) : nt->start + ch->duration;
	} else if (cur != NULL) {
		/* Moving the start keeps the duration. */
		nt->end = nt->all_day ? ical_add_days(nt->tz, nt->start,
		    ical_day_diff(cur->tz, cur->start, cur->end)) :
		    nt->start + (cur->end - cur->start);
	} else
		nt->end = nt->all_day ? ical_add_days(nt->tz, nt->start, 1) :
		    nt->start + 3600;
	if (nt->end < nt->start || (nt->all_day && nt->end == nt->start)) {
		*cause = xstrdup("the end is before the start");
		return -1;
	}
	return 0;
}

/*
 * New zone, start and end for an add (cur NULL) or an edit.  A time is read
 * in the event's zone (--tz, else its current zone, else home); an end in
 * end_tz when the event ends elsewhere (a flight).  Moving the start keeps
 * the duration; changing only the zone keeps the instant.
 */
static int
plan_times(const struct event_change *ch, const struct event *cur,
    const char *home, struct event *nt, char **cause)
{
	const char	*tz = ch->tz ? ch->tz : cur ? cur->tz : home;
	const char	*etz = ch->end_tz ? ch->end_tz : cur ? cur->end_tz : NULL;

	if (check_zone(tz, cause) != 0)
		return -1;
	if (etz != NULL && (*etz == '\0' || strcmp(etz, tz) == 0))
		etz = NULL;
	if (etz != NULL && check_zone(etz, cause) != 0)
		return -1;
	nt->tz = xstrdup(tz);
	nt->end_tz = etz ? xstrdup(etz) : NULL;
	if (plan_start(ch, cur, nt, cause) != 0)
		return -1;
	if (nt->all_day && nt->end_tz != NULL) {
		*cause = xstrdup("an all-day event has one time zone");
		return -1;
	}
	return plan_end(ch, cur, nt, cause);
}

static int
times_changed(const struct event_change *ch)
{
	return ch->start.kind != WHEN_NONE || ch->end.kind != WHEN_NONE ||
	    ch->duration > 0 || ch->tz != NULL || ch->end_tz != NULL ||
	    ch->all_day >= 0;
}

static void
write_times(icalcomponent *c, const struct event *nt)
{
	remove_all(c, ICAL_DTSTART_PROPERTY);
	remove_all(c, ICAL_DTEND_PROPERTY);
	remove_all(c, ICAL_DURATION_PROPERTY);
	icalcomponent_add_property(c, time_prop(ICAL_DTSTART_PROPERTY,
	    nt->tz, nt->start, nt->all_day));
	/* An end in a repeated hour is kept exact as a duration. */
	if (!nt->all_day && nt->end_tz == NULL && !round_trips(nt->tz, nt->end))
		icalcomponent_add_property(c, icalproperty_new_duration(
		    icaldurationtype_from_int((int)(nt->end - nt->start))));
	else
		icalcomponent_add_property(c, time_prop(ICAL_DTEND_PROPERTY,
		    nt->end_tz ? nt->end_tz : nt->tz, nt->end, nt->all_day));
	/* The zone travels separately when DTSTART cannot carry it. */
	set_x(c, X_TZ, nt->all_day || (strcmp(nt->tz, "UTC") != 0 &&
	    !round_trips(nt->tz, nt->start)) ? nt->tz : NULL);
}

/* Parse text into its VEVENT (a bare VEVENT or the first in a VCALENDAR). */
icalcomponent *
ical_parse_vevent(const char *text, icalcomponent **root, char **cause)
{
	icalcomponent	*c;

	*root = icalparser_parse_string(text);
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
	if (check_zone(tz, cause) != 0)
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
	const char	*datetz = NULL;
	char		*etz = NULL;
	int		 d;

	if ((ps = icalcomponent_get_first_property(c,
	    ICAL_DTSTART_PROPERTY)) == NULL) {
		*cause = xstrdup("the event has no DTSTART");
		return -1;
	}
	if ((xtz = find_x(c, X_TZ)) != NULL && tz_valid(icalproperty_get_x(xtz)))
		datetz = icalproperty_get_x(xtz);
	if (ical_read_time(ps, icalproperty_get_dtstart(ps), datetz, home, &ev->tz,
	    &ev->start, &ev->all_day, cause) != 0)
		return -1;
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
		int64_t secs = dur_secs(icalproperty_get_duration(pd));
		ev->end = ev->all_day && secs % 86400 == 0 ?
		    ical_add_days(ev->tz, ev->start, secs / 86400) : ev->start + secs;
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
		if ((pr = xparam(p, X_PRECEDENCE)) != NULL)
			pt->precedence = atoi(pr);
	}
}

static void
extract_reminders(icalcomponent *c, struct event *ev)
{
	icalcomponent		*a;
	icalproperty		*t;
	icalparameter		*rel;
	struct icaltriggertype	 tr;
	int64_t			 before;

	for (a = icalcomponent_get_first_component(c, ICAL_VALARM_COMPONENT);
	    a; a = icalcomponent_get_next_component(c, ICAL_VALARM_COMPONENT)) {
		if ((t = icalcomponent_get_first_property(a,
		    ICAL_TRIGGER_PROPERTY)) == NULL)
			continue;
		tr = icalproperty_get_trigger(t);
		if (!icaltime_is_null_time(tr.time)) {
			ev->remind_at = xreallocarray(ev->remind_at,
			    ev->nremind_at + 1, sizeof *ev->remind_at);
			ev->remind_at[ev->nremind_at++] =
			    (int64_t)icaltime_as_timet_with_zone(tr.time,
			    tr.time.zone ? tr.time.zone :
			    icaltimezone_get_utc_timezone());
			continue;
		}
		before = -dur_secs(tr.duration);
		rel = icalproperty_get_first_parameter(t, ICAL_RELATED_PARAMETER);
		if (rel && icalparameter_get_related(rel) == ICAL_RELATED_END)
			before -= ev->end - ev->start;
		ev->remind = xreallocarray(ev->remind, ev->nremind + 1,
		    sizeof *ev->remind);
		ev->remind[ev->nremind++] = before;
	}
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

/* The itinerary's X- properties: cities and the anchor (anchor.c). */
static void
set_itinerary(icalcomponent *c, const struct event_change *ch)
{
	char	*d;

	if (ch->city != NULL)
		set_x(c, X_CITY, *ch->city ? ch->city : NULL);
	if (ch->end_city != NULL)
		set_x(c, X_END_CITY, *ch->end_city ? ch->end_city : NULL);
	if (ch->anchor != NULL)
		set_x(c, X_ANCHOR, *ch->anchor ? ch->anchor : NULL);
	if (ch->anchor != NULL && *ch->anchor == '\0')
		set_x(c, X_ANCHOR_OFFSET, NULL);
	else if (ch->set_anchor_offset) {
		d = icaldurationtype_as_ical_string_r(icaldurationtype_from_int(
		    (int)ch->anchor_offset));
		set_x(c, X_ANCHOR_OFFSET, d);
		icalmemory_free_buffer(d);
	}
}

static void
extract_itinerary(icalcomponent *c, struct event *ev)
{
	icalproperty		*p;
	struct icaldurationtype	 d;
	const char		*v;

	if ((p = find_x(c, X_CITY)) != NULL && *(v = icalproperty_get_x(p)))
		ev->city = xstrdup(v);
	if ((p = find_x(c, X_END_CITY)) != NULL && *(v = icalproperty_get_x(p)))
		ev->end_city = xstrdup(v);
	if ((p = find_x(c, X_ANCHOR)) == NULL || !*(v = icalproperty_get_x(p)))
		return;
	ev->anchor = xstrdup(v);
	if ((p = find_x(c, X_ANCHOR_OFFSET)) != NULL) {
		d = icaldurationtype_from_string(icalproperty_get_x(p));
		icalerror_clear_errno();
		if (!icaldurationtype_is_bad_duration(d))
			ev->anchor_offset = icaldurationtype_as_int(d);
	}
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

/* ical_extract_from() for a new or changed event: what add and import accept. */
static int
extract_new(icalcomponent *c, const char *home, struct event *ev,
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
	return extract_new(c, home, ev, cause);
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
	rc = extract_new(c, home, ev, cause);
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

	p = icalcomponent_get_first_property(c, ICAL_CLASS_PROPERTY);
	if (p == NULL)
		return ACCESS_CLASS_PUBLIC;
	return access_class_of(icalproperty_get_value_as_string(p));
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

static void
stamp(icalcomponent *c, icalproperty_kind kind, int64_t now)
{
	remove_all(c, kind);
	icalcomponent_add_property(c, icalproperty_new(kind));
	icalproperty_set_value(icalcomponent_get_first_property(c, kind),
	    icalvalue_new_datetime(utc_time(now)));
}

static void
apply_fields(icalcomponent *c, const struct event_change *ch)
{
	set_text(c, ICAL_SUMMARY_PROPERTY, ch->summary);
	set_text(c, ICAL_LOCATION_PROPERTY, ch->location);
	set_text(c, ICAL_DESCRIPTION_PROPERTY, ch->description);
	set_text(c, ICAL_URL_PROPERTY, ch->url);
	set_status(c, ch->status);
	set_class(c, ch->class);
	set_kind(c, ch->kind);
	set_parent(c, ch->parent);
	set_rrule(c, ch->rrule);
	set_participants(c, ch);
	set_itinerary(c, ch);
	set_reminders(c, ch, ch->summary ? ch->summary :
	    icalcomponent_get_summary(c));
}

static int
cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines of text, sorted: the same properties in any order compare equal. */
static char **
sorted_lines(const char *text, size_t *n)
{
	char	*copy = xstrdup(text), *line, *save = NULL, **v = NULL;

	*n = 0;
	for (line = strtok_r(copy, "\r\n", &save); line != NULL;
	    line = strtok_r(NULL, "\r\n", &save)) {
		v = xreallocarray(v, *n + 2, sizeof *v);
		v[(*n)++] = xstrdup(line);
	}
	free(copy);
	if (v != NULL)
		qsort(v, *n, sizeof *v, cmp_line);
	return v;
}

/* Does component c say the same as the stored text old (order aside)? */
static int
same_content(const char *old, icalcomponent *c)
{
	char	*now = ical_serialize(c), **a, **b;
	size_t	 na, nb, i;
	int	 same;

	a = sorted_lines(old, &na);
	b = sorted_lines(now, &nb);
	free(now);
	same = na == nb;
	for (i = 0; same && i < na; i++)
		same = strcmp(a[i], b[i]) == 0;
	for (i = 0; i < na; i++)
		free(a[i]);
	for (i = 0; i < nb; i++)
		free(b[i]);
	free(a);
	free(b);
	return same;
}

/*
 * Apply a change to an event's VEVENT text (old NULL: a new event with UID
 * uid).  On success return 0 with the new text in *text and its fields in
 * *out; an edit bumps SEQUENCE and LAST-MODIFIED.  An edit that changes
 * nothing returns ICAL_UNCHANGED with the old text, to be left as it is.
 */
int
ical_apply(const char *old, const struct event_change *ch, const char *uid,
    int64_t now, const char *home, char **text, struct event *out,
    char **cause)
{
	icalcomponent	*root = NULL, *c;
	struct event	 cur, nt;
	int		 rc = -1;

	event_init(&cur);
	event_init(&nt);
	if (ch->rrule && *ch->rrule && ical_rrule_valid(ch->rrule, cause) != 0)
		return -1;
	if (old != NULL) {
		if ((c = ical_parse_vevent(old, &root, cause)) == NULL ||
		    ical_extract_from(c, home, &cur, cause) != 0)
			goto out;
	} else {
		root = c = icalcomponent_new_vevent();
		icalcomponent_set_uid(c, uid);
		stamp(c, ICAL_CREATED_PROPERTY, now);
	}
	if (old == NULL || times_changed(ch)) {
		if (plan_times(ch, old ? &cur : NULL, home, &nt, cause) != 0)
			goto out;
		write_times(c, &nt);
	}
	apply_fields(c, ch);
	/* root is c, or the VCALENDAR of c and its overrides (ical-import.c) */
	if (old != NULL && same_content(old, root)) {
		/* Nothing really changed: no new SEQUENCE for subscribers. */
		*text = xstrdup(old);
		rc = ical_extract_from(c, home, out, cause) == 0 ? ICAL_UNCHANGED : -1;
		goto out;
	}
	remove_all(c, ICAL_SEQUENCE_PROPERTY);
	icalcomponent_add_property(c, icalproperty_new_sequence(
	    old ? cur.sequence + 1 : 0));
	stamp(c, ICAL_DTSTAMP_PROPERTY, now);
	stamp(c, ICAL_LASTMODIFIED_PROPERTY, now);
	*text = ical_serialize(root);
	rc = extract_new(c, home, out, cause);
	if (rc != 0) {
		free(*text);
		*text = NULL;
	}
out:
	event_clear(&cur);
	event_clear(&nt);
	if (root != NULL)
		icalcomponent_free(root);
	return rc;
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
