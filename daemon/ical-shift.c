/*
 * ical-shift.c — moving a series moves what names its occurrences.
 *
 * An EXDATE, an RDATE, an override's RECURRENCE-ID and a rule's UNTIL are
 * times of occurrences, written out in full.  When an edit moves a
 * series' start (kcal edit --start, --tz, --all-day), every occurrence
 * moves by the same wall-clock amount, so each of those moves with it:
 * left at the old time, a deleted occurrence came back, an override
 * stood beside the occurrence it had replaced, and an UNTIL could cut the
 * last one off.  The amount is wall-clock (the start's local time in the
 * old zone to its local time in the new one), as occurrences are made on
 * the wall clock (recur.c): a 09:00 meeting moved to 11:00 has its
 * exceptions at 11:00 on both sides of a DST change.  An override's own
 * DTSTART is its writer's choice and stays, unless it was the series'
 * time (the override changed something else): then it moves too.  The
 * wall-clock arithmetic (ical_wall_shift) is recur.c's too, for
 * RANGE=THISANDFUTURE.
 *
 * Unless the rule pins its days: one of INTERVAL 1 with BYDAY (MO,WE;
 * 2TU), BYMONTHDAY, BYYEARDAY or BYWEEKNO, or a DAILY one (every day).  Moving
 * such a series' start to another day moves no occurrence to another day
 * (a Monday-and-Wednesday meeting begun a week later, or on its
 * Wednesday, meets on the same Mondays and Wednesdays): what names an
 * occurrence keeps its day and takes the new time of day only, or it
 * would name another occurrence than the one deleted or changed.  And a
 * time is moved as it is written: an EXDATE of 02:30 on the day the clocks
 * skip it (the occurrence at 03:30) moved an hour earlier is 01:30, not
 * 03:30 less an hour, which is the skipped 02:30 again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "ical.h"
#include "ical-int.h"
#include "tz.h"

struct shift {
	const char	*from_tz, *to_tz;
	int64_t		 delta;		/* wall-clock seconds: what names
					   an occurrence moves by */
	int		 all_day;	/* the series' new form */
	int		 was_all_day;	/* ... and its old one */
	int64_t		 tod;		/* its old start's time of day */
};

static int64_t	wall_instant(const char *, int64_t, int64_t, int);

/* The wall-clock seconds of instant t in tz. */
int64_t
ical_wall(const char *tz, int64_t t)
{
	struct when	w;

	tz_local(tz, t, &w);
	return days_from_civil(w.year, w.mon, w.day) * 86400 + w.hour * 3600 +
	    w.min * 60 + w.sec;
}

/*
 * Instant t moved by delta wall-clock seconds, read in from_tz and
 * written in to_tz (a date: its midnight; in a skipped hour: the offset
 * before it, as RFC 5545 reads such a time).
 */
int64_t
ical_wall_shift(const char *from_tz, const char *to_tz, int64_t t,
    int64_t delta, int is_date)
{
	return wall_instant(to_tz, ical_wall(from_tz, t) + delta, t, is_date);
}

/* Wall-clock seconds l (from 1970-01-01 00:00) as a date and time. */
static void
wall_when(int64_t l, struct when *w)
{
	int64_t	days = l / 86400 - (l % 86400 < 0);

	memset(w, 0, sizeof *w);
	civil_from_days(days, &w->year, &w->mon, &w->day);
	l -= days * 86400;
	w->kind = WHEN_LOCAL;
	w->hour = (int)(l / 3600);
	w->min = (int)(l / 60 % 60);
	w->sec = (int)(l % 60);
}

/* Wall-clock seconds l in tz as an instant (dflt if it cannot be). */
static int64_t
wall_instant(const char *tz, int64_t l, int64_t dflt, int is_date)
{
	struct when	w;
	int64_t		out = dflt;

	wall_when(l, &w);
	if (is_date)
		w.kind = WHEN_DATE;
	tz_to_utc(tz, &w, 0, &out, NULL);
	return out;
}

/* Instant t of the old series, moved. */
static int64_t
moved(const struct shift *s, int64_t t)
{
	return ical_wall_shift(s->from_tz, s->to_tz, t, s->delta, s->all_day);
}

/* t in the series' new form (ical-edit.c's, as DTSTART is written). */
static struct icaltimetype
form(const struct shift *s, int64_t t, int *tzid)
{
	return ical_time_in(s->to_tz, t, s->all_day, tzid);
}

/* Rewrite p's zone parameters for a value written by form(). */
static void
reparam(icalproperty *p, const struct shift *s, int tzid)
{
	icalproperty_remove_parameter_by_kind(p, ICAL_TZID_PARAMETER);
	icalproperty_remove_parameter_by_kind(p, ICAL_VALUE_PARAMETER);
	if (s->all_day)
		icalproperty_add_parameter(p,
		    icalparameter_new_value(ICAL_VALUE_DATE));
	if (tzid)
		icalproperty_add_parameter(p, icalparameter_new_tzid(s->to_tz));
}

/*
 * The instant of p's time tt, read as the old series reads it (recur.c):
 * a floating time or a date in the series' zone.
 */
static int
instant(const struct shift *s, icalproperty *p, struct icaltimetype tt,
    int64_t *t)
{
	char	*tz = NULL, *why = NULL;
	int	 d;

	if (icaltime_is_null_time(tt) || ical_read_time(p, tt, s->from_tz,
	    s->from_tz, &tz, t, &d, &why) != 0) {
		free(why);
		return -1;
	}
	free(tz);
	return 0;
}

/*
 * p's time tt, an occurrence's of the old series, moved: *out its instant,
 * *wall its wall-clock seconds as it is to be written (see written), or
 * INT64_MIN.  As written when it is a local time of the series' zone (or
 * floating), so that a time the zone skips moves as written; else
 * through its instant.
 */
static int
moved_time(const struct shift *s, icalproperty *p, struct icaltimetype tt,
    int64_t *out, int64_t *wall)
{
	icalparameter	*z;
	const char	*tzid;
	int64_t		 t;

	*wall = INT64_MIN;
	if (instant(s, p, tt, &t) != 0)
		return -1;
	z = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
	tzid = z != NULL ? icalparameter_get_tzid(z) : NULL;
	if (!tt.is_date && !icaltime_is_utc(tt) && !s->all_day &&
	    (tzid == NULL || strcmp(tzid, s->from_tz) == 0)) {
		*wall = ical_tt_secs(tt) + s->delta;
		*out = wall_instant(s->to_tz, *wall, moved(s, t), 0);
	} else
		*out = moved(s, t);
	return 0;
}

/*
 * t in the series' new form (form), but a local time as its wall-clock
 * seconds wall say (not INT64_MIN): a time the zone skips stays written
 * as it was meant (02:30, not the 03:30 it is read as), as recur.c reads
 * the occurrences it names.
 */
static struct icaltimetype
written(const struct shift *s, int64_t t, int64_t wall, int *tzid)
{
	struct icaltimetype	tt = form(s, t, tzid);
	struct when		w;

	if (!*tzid || wall == INT64_MIN)
		return tt;
	wall_when(wall, &w);
	return ical_local_tt(&w, 0);
}

static void
shift_times(icalcomponent *c, icalproperty_kind kind, const struct shift *s)
{
	icalproperty			*p;
	struct icaldatetimeperiodtype	 r;
	struct icaltimetype		 tt;
	int64_t				 t, wall;
	int				 tzid;

	for (p = icalcomponent_get_first_property(c, kind); p != NULL;
	    p = icalcomponent_get_next_property(c, kind)) {
		if (kind == ICAL_RDATE_PROPERTY) {
			r = icalproperty_get_rdate(p);
			if (!icaltime_is_null_time(r.period.start))
				continue;	/* a period: its writer's times */
			tt = r.time;
		} else
			tt = kind == ICAL_EXDATE_PROPERTY ?
			    icalproperty_get_exdate(p) :
			    icalproperty_get_recurrenceid(p);
		if (moved_time(s, p, tt, &t, &wall) != 0)
			continue;
		tt = written(s, t, wall, &tzid);
		if (kind == ICAL_RDATE_PROPERTY) {
			r.time = tt;
			icalproperty_set_rdate(p, r);
		} else if (kind == ICAL_EXDATE_PROPERTY)
			icalproperty_set_exdate(p, tt);
		else
			icalproperty_set_recurrenceid(p, tt);
		reparam(p, s, tzid);
	}
}

/*
 * A rule's UNTIL, moved, in its own form (UTC, a date, local time).  A
 * date ends a timed series' last day: it moves with that day's
 * occurrence.
 */
static void
shift_until(icalcomponent *c, const struct shift *s)
{
	icalproperty			*p;
	struct icalrecurrencetype	 r;
	struct when			 w;
	int64_t				 t, l, days;
	int				 tzid;

	for (p = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY);
	    p != NULL; p = icalcomponent_get_next_property(c,
	    ICAL_RRULE_PROPERTY)) {
		r = icalproperty_get_rrule(p);
		if (icaltime_is_null_time(r.until) ||
		    instant(s, p, r.until, &t) != 0)
			continue;
		if (r.until.is_date) {
			/* the last day's occurrence, moved: its day */
			l = ical_wall(s->from_tz, t) + s->tod + s->delta;
			days = l / 86400 - (l % 86400 < 0);
			memset(&w, 0, sizeof w);
			civil_from_days(days, &w.year, &w.mon, &w.day);
			r.until = ical_local_tt(&w, 1);
			if (s->was_all_day && !s->all_day)	/* UTC now */
				r.until = icaltime_from_timet_with_zone(
				    (time_t)ical_wall_shift(s->from_tz,
				    s->to_tz, t, s->delta, 0), 0,
				    icaltimezone_get_utc_timezone());
			icalproperty_set_rrule(p, r);
			continue;
		}
		t = moved(s, t);
		r.until = icaltime_is_utc(r.until) && !s->all_day ?
		    icaltime_from_timet_with_zone((time_t)t, 0,
		    icaltimezone_get_utc_timezone()) : form(s, t, &tzid);
		icalproperty_set_rrule(p, r);
	}
}

/* A DTSTART or DTEND of k, moved, in the series' new form. */
static void
shift_time(icalcomponent *k, icalproperty_kind kind, const struct shift *s)
{
	icalproperty	*p = icalcomponent_get_first_property(k, kind);
	int64_t		 t, wall;
	int		 tzid;

	if (p == NULL || moved_time(s, p, kind == ICAL_DTSTART_PROPERTY ?
	    icalproperty_get_dtstart(p) : icalproperty_get_dtend(p), &t,
	    &wall) != 0)
		return;
	if (kind == ICAL_DTSTART_PROPERTY)
		icalproperty_set_dtstart(p, written(s, t, wall, &tzid));
	else
		icalproperty_set_dtend(p, written(s, t, wall, &tzid));
	reparam(p, s, tzid);
}

/*
 * An override moves its occurrence's RECURRENCE-ID; one that kept the
 * series' time (it changed a title, a place) keeps it, so it moves too.
 */
static void
shift_override(icalcomponent *k, const struct shift *s)
{
	icalproperty	*rid, *ds;
	int64_t		 r, d;

	rid = icalcomponent_get_first_property(k, ICAL_RECURRENCEID_PROPERTY);
	ds = icalcomponent_get_first_property(k, ICAL_DTSTART_PROPERTY);
	if (rid != NULL && ds != NULL && instant(s, rid,
	    icalproperty_get_recurrenceid(rid), &r) == 0 && instant(s, ds,
	    icalproperty_get_dtstart(ds), &d) == 0 && r == d) {
		shift_time(k, ICAL_DTSTART_PROPERTY, s);
		shift_time(k, ICAL_DTEND_PROPERTY, s);
	}
	shift_times(k, ICAL_RECURRENCEID_PROPERTY, s);
}

/* The wall-clock time of e's start, as written (event.h: start_wall). */
static int64_t
start_wall(const struct event *e)
{
	return e->start_wall != 0 ? e->start_wall : ical_wall(e->tz, e->start);
}

/* Does every rule of c pin its occurrences' days (and c has one)? */
static int
days_pinned(icalcomponent *c)
{
	icalproperty			*p;
	struct icalrecurrencetype	 r;
	int				 n = 0;

	for (p = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY);
	    p != NULL; p = icalcomponent_get_next_property(c,
	    ICAL_RRULE_PROPERTY), n++) {
		r = icalproperty_get_rrule(p);
		if (r.interval > 1)	/* every other week: not pinned */
			return 0;
		if (!(r.by_day[0] != ICAL_RECURRENCE_ARRAY_MAX ||
		    r.by_month_day[0] != ICAL_RECURRENCE_ARRAY_MAX ||
		    r.by_year_day[0] != ICAL_RECURRENCE_ARRAY_MAX ||
		    r.by_week_no[0] != ICAL_RECURRENCE_ARRAY_MAX ||
		    r.freq == ICAL_DAILY_RECURRENCE))
			return 0;
	}
	return n > 0;
}

/*
 * Series master c of root (with its overrides) moved from cur's start to
 * nt's: its EXDATEs, plain RDATEs and UNTIL (unless rule_given: the edit
 * writes a rule of its own) and its overrides' RECURRENCE-IDs move too;
 * by the start's time of day only when c's rule pins the days (and the
 * zone stays: a new zone may change the days of the start itself).
 */
void
ical_shift_series(icalcomponent *root, icalcomponent *c,
    const struct event *cur, const struct event *nt, int rule_given)
{
	struct shift	 s = { cur->tz, nt->tz, 0, nt->all_day, cur->all_day,
			    0 };
	icalcomponent	*k;

	s.delta = start_wall(nt) - start_wall(cur);
	s.tod = (start_wall(cur) % 86400 + 86400) % 86400;
	if (cur->all_day == nt->all_day && strcmp(cur->tz, nt->tz) == 0 &&
	    days_pinned(c))
		s.delta = (start_wall(nt) % 86400 + 86400) % 86400 - s.tod;
	if (s.delta == 0 && strcmp(cur->tz, nt->tz) == 0 &&
	    cur->all_day == nt->all_day)
		return;
	shift_times(c, ICAL_EXDATE_PROPERTY, &s);
	shift_times(c, ICAL_RDATE_PROPERTY, &s);
	if (!rule_given)
		shift_until(c, &s);
	if (root == c)
		return;
	for (k = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT);
	    k != NULL; k = icalcomponent_get_next_component(root,
	    ICAL_VEVENT_COMPONENT))
		if (k != c)
			shift_override(k, &s);
}
