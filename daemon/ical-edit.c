/*
 * ical-edit.c — an event's record changed: ical_apply() edits an event's
 * canonical VEVENT (or makes a new one) and reads the result back
 * (ical-record.c).  An edit touches only the properties it changes, so
 * whatever else an imported event carried (X- properties, overrides)
 * survives every edit; an edit that changes nothing leaves the text as it
 * was (ICAL_UNCHANGED).  The times are planned and written here; the other
 * fields are set by ical-edit-fields.c.
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
#include "tz.h"
#include "xmalloc.h"

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
 * Instant t as a time value shown in zone tz: a date (all_day), its wall
 * clock there (*tzid set: the value needs TZID=tz), or UTC when that wall
 * clock would be misread (see round_trips).  ical-shift.c's too.
 */
struct icaltimetype
ical_time_in(const char *tz, int64_t t, int all_day, int *tzid)
{
	struct when	w;

	*tzid = 0;
	if (!all_day && (strcmp(tz, "UTC") == 0 || !round_trips(tz, t)))
		return utc_time(t);
	tz_local(tz, t, &w);
	*tzid = !all_day;
	return ical_local_tt(&w, all_day);
}

/*
 * A DTSTART, DTEND or RECURRENCE-ID property for instant t shown in zone
 * tz (ical_time_in).
 */
icalproperty *
ical_time_prop(icalproperty_kind kind, const char *tz, int64_t t,
    int all_day)
{
	struct icaltimetype	 tt;
	icalproperty		*p;
	int			 tzid;

	tt = ical_time_in(tz, t, all_day, &tzid);
	p = kind == ICAL_DTSTART_PROPERTY ? icalproperty_new_dtstart(tt) :
	    kind == ICAL_DTEND_PROPERTY ? icalproperty_new_dtend(tt) :
	    icalproperty_new_recurrenceid(tt);
	if (tzid)
		icalproperty_add_parameter(p, icalparameter_new_tzid(tz));
	return p;
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
		/* a start in a gap stays the wall-clock time it was written */
		if (strcmp(nt->tz, cur->tz) == 0)
			nt->start_wall = cur->start_wall;
		if (cur->all_day && strcmp(nt->tz, cur->tz) != 0) {
			/* Another zone for an all-day event: the same dates. */
			struct when	w;

			tz_local(cur->tz, cur->start, &w);
			w.kind = WHEN_DATE;
			return tz_to_utc(nt->tz, &w, 1, &nt->start, cause);
		}
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

/*
 * A timed event's length of whole days on its wall clock (the same time of
 * day at both ends, in one zone): *days set, 1; else 0.
 */
static int
wall_days(const struct event *ev, int64_t *days)
{
	int64_t	w;

	if (ev->all_day || ev->end_tz != NULL)
		return 0;
	w = ical_wall(ev->tz, ev->end) - ical_wall(ev->tz, ev->start);
	if (w <= 0 || w % 86400 != 0)
		return 0;
	*days = w / 86400;
	return 1;
}

/*
 * The end of a timed event that lasts secs from start: whole days of it
 * calendar days (the same time of day, across a daylight-saving change),
 * the rest exact; an event that ends in another zone (a flight), exact.
 */
static int64_t
timed_end(const struct event *nt, int64_t secs)
{
	if (nt->end_tz != NULL || secs < 86400)
		return nt->start + secs;
	return ical_add_nominal(nt->tz, nt->start, secs / 86400) +
	    secs % 86400;
}

static int
plan_end(const struct event_change *ch, const struct event *cur,
    struct event *nt, char **cause)
{
	int64_t		 days;
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
		    ch->duration / 86400) : timed_end(nt, ch->duration);
		/* kept as a DURATION of days: each occurrence's are nominal */
		if (!nt->all_day && nt->end_tz == NULL &&
		    ch->duration >= 86400) {
			nt->dur_days = ch->duration / 86400;
			nt->dur_rest = ch->duration % 86400;
		}
	} else if (cur != NULL && !nt->all_day && !cur->all_day &&
	    cur->dur_days != 0 && nt->end_tz == NULL) {
		/* Moving the start keeps the duration, nominal days too. */
		nt->dur_days = cur->dur_days;
		nt->dur_rest = cur->dur_rest;
		nt->end = event_end_at(nt, nt->start);
	} else if (cur != NULL && ch->start.kind != WHEN_NONE &&
	    !nt->all_day && nt->end_tz == NULL && wall_days(cur, &days)) {
		/* Whole days on the wall clock stay whole days. */
		nt->end = ical_add_nominal(nt->tz, nt->start, days);
		nt->dur_days = days;
	} else if (cur != NULL) {
		/*
		 * Moving the start keeps the duration; a timed event made
		 * all-day (a date for its start) lasts the days it touched,
		 * one at least.
		 */
		if (nt->all_day && (days = ical_day_diff(cur->tz, cur->start,
		    cur->end)) < 1)
			days = 1;
		nt->end = nt->all_day ? ical_add_days(nt->tz, nt->start,
		    days) : nt->start + (cur->end - cur->start);
	} else
		nt->end = nt->all_day ? ical_add_days(nt->tz, nt->start, 1) :
		    nt->start + 3600;
	if (nt->all_day && nt->end == nt->start) {
		*cause = xstrdup("an all-day event ends on the day after its "
		    "last day (the end is exclusive): for one day, the next "
		    "date");
		return -1;
	}
	if (nt->end < nt->start) {
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

	if (ical_check_zone(tz, cause) != 0)
		return -1;
	if (etz != NULL && (*etz == '\0' || strcmp(etz, tz) == 0))
		etz = NULL;
	if (etz != NULL && ical_check_zone(etz, cause) != 0)
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

/* nt's length as a DURATION: its nominal days, then exact time. */
static struct icaldurationtype
duration(const struct event *nt)
{
	struct icaldurationtype	d = icaldurationtype_null_duration();
	int64_t			rest = nt->dur_days != 0 ? nt->dur_rest :
				    nt->end - nt->start;

	d.days = (unsigned int)nt->dur_days;
	d.hours = (unsigned int)(rest / 3600);
	d.minutes = (unsigned int)(rest / 60 % 60);
	d.seconds = (unsigned int)(rest % 60);
	return d;
}

/* A DTSTART at wall-clock time wall in tz, as written (in a gap). */
static icalproperty *
gap_start(const char *tz, int64_t wall)
{
	icalproperty	*p = icalproperty_new_dtstart(
			    icaltime_from_timet_with_zone((time_t)wall, 0, NULL));

	icalproperty_add_parameter(p, icalparameter_new_tzid(tz));
	return p;
}

static void
write_times(icalcomponent *c, const struct event *nt)
{
	ical_remove_all(c, ICAL_DTSTART_PROPERTY);
	ical_remove_all(c, ICAL_DTEND_PROPERTY);
	ical_remove_all(c, ICAL_DURATION_PROPERTY);
	icalcomponent_add_property(c, nt->start_wall != 0 ?
	    gap_start(nt->tz, nt->start_wall) :
	    ical_time_prop(ICAL_DTSTART_PROPERTY, nt->tz, nt->start,
	    nt->all_day));
	/*
	 * A nominal length stays a DURATION of days; an end in a repeated
	 * hour is kept exact as one of hours alone (days would be nominal).
	 */
	if (!nt->all_day && nt->end_tz == NULL && (nt->dur_days != 0 ||
	    !round_trips(nt->tz, nt->end)))
		icalcomponent_add_property(c, icalproperty_new_duration(
		    duration(nt)));
	else
		icalcomponent_add_property(c, ical_time_prop(
		    ICAL_DTEND_PROPERTY, nt->end_tz ? nt->end_tz : nt->tz,
		    nt->end, nt->all_day));
	/* The zone travels separately when DTSTART cannot carry it. */
	ical_set_x(c, X_TZ, nt->all_day || (strcmp(nt->tz, "UTC") != 0 &&
	    !round_trips(nt->tz, nt->start)) ? nt->tz : NULL);
}


/*
 * DTSTAMP is required: a VEVENT without one takes its LAST-MODIFIED, else
 * its CREATED, else fallback.  The fallback is the caller's, as only it
 * knows what the stamp means: an import stamps the time it imported
 * (ical-import.c), an export 1970 so that the same record always exports
 * as the same bytes (ical-export.c).
 */
void
ical_ensure_dtstamp(icalcomponent *c, int64_t fallback)
{
	icalproperty		*p;
	struct icaltimetype	 t;

	if (icalcomponent_get_first_property(c, ICAL_DTSTAMP_PROPERTY))
		return;
	if ((p = icalcomponent_get_first_property(c,
	    ICAL_LASTMODIFIED_PROPERTY)) != NULL)
		t = icalproperty_get_lastmodified(p);
	else if ((p = icalcomponent_get_first_property(c,
	    ICAL_CREATED_PROPERTY)) != NULL)
		t = icalproperty_get_created(p);
	else
		t = utc_time(fallback);
	icalcomponent_add_property(c, icalproperty_new_dtstamp(t));
}

static void
stamp(icalcomponent *c, icalproperty_kind kind, int64_t now)
{
	ical_remove_all(c, kind);
	icalcomponent_add_property(c, icalproperty_new(kind));
	icalproperty_set_value(icalcomponent_get_first_property(c, kind),
	    icalvalue_new_datetime(utc_time(now)));
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
 * A series repeats its start's wall-clock time, so it cannot start at the
 * second pass through a repeated hour: written with its zone, that time
 * is the first pass (RFC 5545 3.3.5); written in UTC, calendar apps would
 * repeat it in UTC while kcald repeats it in the zone.  Refused, saying
 * what to give instead.
 */
static int
series_start_ok(const struct event *ev, char **cause)
{
	char	at[64], first[64];
	int64_t	back;
	struct when w;

	if (ev->rrule == NULL || ev->all_day || ev->tz == NULL ||
	    strcmp(ev->tz, "UTC") == 0 || round_trips(ev->tz, ev->start))
		return 0;
	tz_local(ev->tz, ev->start, &w);
	if (tz_to_utc(ev->tz, &w, 0, &back, NULL) != 0)
		back = ev->start;
	tz_iso(ev->tz, ev->start, at, sizeof at);
	tz_iso(ev->tz, back, first, sizeof first);
	xasprintf(cause, "a recurring event cannot start at %s in %s: that "
	    "wall-clock time comes twice that night and each occurrence "
	    "repeats the first (%s); start at that one, or give --tz UTC to "
	    "repeat in UTC", at, ev->tz, first);
	return -1;
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
		if (old != NULL)
			ical_shift_series(root, c, &cur, &nt,
			    ch->rrule != NULL);
	}
	ical_edit_fields(root, c, ch);
	/* root is c, or the VCALENDAR of c and its overrides (ical-import-record.c) */
	if (old != NULL && same_content(old, root)) {
		/* Nothing really changed: no new SEQUENCE for subscribers. */
		*text = xstrdup(old);
		rc = ical_extract_from(c, home, out, cause) == 0 ? ICAL_UNCHANGED : -1;
		goto out;
	}
	ical_remove_all(c, ICAL_SEQUENCE_PROPERTY);
	icalcomponent_add_property(c, icalproperty_new_sequence(
	    old ? cur.sequence + 1 : 0));
	stamp(c, ICAL_DTSTAMP_PROPERTY, now);
	stamp(c, ICAL_LASTMODIFIED_PROPERTY, now);
	*text = ical_serialize(root);
	rc = ical_extract_checked(c, home, out, cause);
	/* (a stored series it would refuse may still be edited in place) */
	if (rc == 0 && (old == NULL || ch->rrule != NULL ||
	    (times_changed(ch) && (nt.start != cur.start ||
	    strcmp(nt.tz, cur.tz) != 0))) && series_start_ok(out, cause) != 0) {
		event_clear(out);
		rc = -1;
	}
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
