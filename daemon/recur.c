/*
 * recur.c — the one recurrence engine: a series' occurrences, through
 * libical's recurrence iterator.
 *
 * recur_open() parses a stored record once: its master VEVENT, the
 * RECURRENCE-ID overrides that follow it, its EXDATEs, RDATEs and RRULEs,
 * in the master's zone.  recur_each() walks that, as often as a caller
 * likes, each walk with its own window and its own cap, and reports every
 * occurrence with its effective fields (the override's, or the master's at
 * that time).  The cost of a walk is bounded, and add and import refuse
 * the rules it could not bound: recur-rules.c, "The cost of expanding a
 * rule".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libical/ical.h>

#include "ical.h"
#include "ical-int.h"
#include "recur.h"
#include "recur-int.h"
#include "tz.h"
#include "xmalloc.h"

/* The end of an RDATE period starting at t, or INT64_MIN if none. */
static int64_t
period_end(icalproperty *p, const struct icalperiodtype *pd, const char *tz,
    int64_t t)
{
	char	*ptz, *why = NULL;
	int64_t	 end, days, rest;
	int	 d;

	if (!icaltime_is_null_time(pd->end)) {
		if (ical_read_time(p, pd->end, tz, tz, &ptz, &end, &d, &why) != 0) {
			free(why);
			return INT64_MIN;
		}
		free(ptz);
		return end > t ? end : INT64_MIN;
	}
	/* In 64 bits: icaldurationtype_as_int() is an int, and wraps. */
	if (ical_dur_nominal(pd->duration, &days, &rest))
		return ical_add_nominal(tz, t, days) + rest;
	if (pd->duration.is_neg || days != 0 || rest <= 0)
		return INT64_MIN;
	return t + rest;
}

/*
 * The instants of the EXDATEs or RDATEs of c (dates: midnight in tz).  An
 * RDATE period has a length of its own: its end goes in *ends (when ends
 * is not NULL), INT64_MIN for an instant that takes the event's length.
 */
static size_t
collect_dates(icalcomponent *c, icalproperty_kind kind, const char *tz,
    int64_t **out, int64_t **ends)
{
	icalproperty			*p;
	struct icaltimetype		 tt;
	struct icaldatetimeperiodtype	 r;
	size_t				 n = 0;
	char				*ptz, *why = NULL;
	int64_t				 t, end;
	int				 d;

	*out = NULL;
	if (ends != NULL)
		*ends = NULL;
	for (p = icalcomponent_get_first_property(c, kind); p;
	    p = icalcomponent_get_next_property(c, kind)) {
		memset(&r, 0, sizeof r);
		r.period = icalperiodtype_null_period();
		if (kind == ICAL_EXDATE_PROPERTY)
			tt = icalproperty_get_exdate(p);
		else {
			r = icalproperty_get_rdate(p);
			tt = icaltime_is_null_time(r.time) ? r.period.start :
			    r.time;
		}
		if (icaltime_is_null_time(tt) ||
		    ical_read_time(p, tt, tz, tz, &ptz, &t, &d, &why) != 0) {
			free(why);
			why = NULL;
			continue;
		}
		free(ptz);
		end = period_end(p, &r.period, tz, t);
		*out = xreallocarray(*out, n + 1, sizeof **out);
		(*out)[n] = t;
		if (ends != NULL) {
			*ends = xreallocarray(*ends, n + 1, sizeof **ends);
			(*ends)[n] = end;
		}
		n++;
	}
	return n;
}

static int
in_set(const int64_t *set, size_t n, int64_t t)
{
	for (size_t i = 0; i < n; i++)
		if (set[i] == t)
			return 1;
	return 0;
}

/*
 * A RECURRENCE-ID override: the occurrence it replaces, and itself; with
 * RANGE=THISANDFUTURE also every later one (RFC 5545 3.8.4.4), moved by
 * as much wall-clock time as it moved its own and as long as it is.
 */
struct override {
	int64_t		rid;
	struct event	ev;
	int		used;	/* reported by this walk */
	int		future;	/* RANGE=THISANDFUTURE */
	int64_t		shift;	/* ... its wall-clock move */
};

/* A series as recur_open() read it. */
struct recur {
	icalcomponent			*root;	/* the RRULEs point into it */
	struct event			 master;
	struct icalrecurrencetype	*rules;
	size_t				 nrules;
	int64_t				*ex, *rd, *rdend;
	size_t				 nex, nrd;
	struct override			*ovr;
	size_t				 novr;
	int64_t				 back, ahead;	/* (see expand) */
	int64_t				*rds;	/* the RDATEs, sorted */
	unsigned char			*rd_hit;	/* ... a rule's too */
};

/* One walk of a series. */
struct expand {
	const struct event	*ev;
	int64_t			 from, to;
	const int64_t		*ex;
	size_t			 nex, left;
	struct override		*ovr;
	size_t			 novr;
	recur_cb		 cb;
	void			*arg;
	int			 probe;	/* count_check: walk, make nothing */
	int64_t			 until;	/* a rule's UNTIL in UTC, an instant */
	/*
	 * How much earlier and later than the window a rule's instant may
	 * be whose occurrence a RANGE=THISANDFUTURE override moves (or
	 * lengthens) into it (recur_open, reach).
	 */
	int64_t			 back, ahead;
	/*
	 * The RDATEs (sorted) and, per walk, which a rule also reported: an
	 * instant in both is one occurrence (RFC 5545 3.8.5.2), reported in
	 * the rule's order, as the reminders' "first occurrence" wants.
	 */
	const int64_t		*rds;
	size_t			 nrds;
	unsigned char		*rd_hit;
};

/*
 * Report one occurrence if it overlaps the window; 1 = stop.  Its fields
 * are the override's (o) or a shallow copy of the master's, at its own
 * times.
 */
static int
emit_occ(struct expand *x, int64_t start, int64_t end, int64_t rid,
    const struct override *o)
{
	struct event	 ev = o != NULL ? o->ev : *x->ev;
	struct recur_occ occ = { start, end, rid, &ev, o != NULL,
			     o != NULL ? o->rid : INT64_MIN };

	if (!(end > x->from || (end == start && start >= x->from)) ||
	    start >= x->to)
		return 0;
	if (x->left == 0)
		return 1;
	x->left--;
	ev.start = start;
	ev.end = end;
	return x->cb(x->arg, &occ);
}

/*
 * The occurrence the rule puts at t: excluded, overridden, or itself,
 * ending at end (an RDATE period) or, for INT64_MIN, as long as the event.
 */
static int
emit_len(struct expand *x, int64_t t, int64_t end)
{
	const struct event	*ev = x->ev;
	const struct override	*f = NULL;
	int64_t			 start;

	if (in_set(x->ex, x->nex, t))
		return 0;
	for (size_t i = 0; i < x->novr; i++) {
		if (x->ovr[i].rid == t && !x->ovr[i].used) {
			x->ovr[i].used = 1;
			return emit_occ(x, x->ovr[i].ev.start, x->ovr[i].ev.end,
			    t, &x->ovr[i]);
		}
		if (x->ovr[i].future && x->ovr[i].rid < t &&
		    (f == NULL || x->ovr[i].rid > f->rid))
			f = &x->ovr[i];		/* the latest before t */
	}
	if (f != NULL) {
		start = ical_wall_shift(ev->tz, ev->tz, t, f->shift,
		    f->ev.all_day);
		return emit_occ(x, start, event_end_at(&f->ev, start), t, f);
	}
	if (end == INT64_MIN)
		end = event_end_at(ev, t);
	return emit_occ(x, t, end, t, NULL);
}

static int
emit(struct expand *x, int64_t t)
{
	return emit_len(x, t, INT64_MIN);
}

static int
probe_cb(void *arg, const struct recur_occ *oc)
{
	(void)arg; (void)oc;
	return 0;
}

static int	walk_rrule(struct expand *, struct icalrecurrencetype);

/*
 * Walk rule r of ev from its start to its end, making nothing, on the
 * budget the caller set (recur-rules.c, count_check): 1 = cut short.
 */
int
recur_walk_probe(const struct icalrecurrencetype *r, const struct event *ev)
{
	struct expand	x;

	memset(&x, 0, sizeof x);
	x.ev = ev;
	x.from = INT64_MIN;
	x.to = INT64_MAX;
	x.left = SIZE_MAX;
	x.cb = probe_cb;
	x.probe = 1;
	return walk_rrule(&x, *r);
}

/* The start of the day of wall-clock seconds s. */
static int64_t
floor_day(int64_t s)
{
	return (s / 86400 - (s % 86400 < 0)) * 86400;
}

static struct icaltimetype
wall_tt(int64_t secs, int is_date)
{
	struct when	w;
	int64_t		days = secs / 86400 - (secs % 86400 < 0);

	memset(&w, 0, sizeof w);
	civil_from_days(days, &w.year, &w.mon, &w.day);
	secs -= days * 86400;
	w.hour = (int)(secs / 3600);
	w.min = (int)(secs / 60 % 60);
	w.sec = (int)(secs % 60);
	return ical_local_tt(&w, is_date);
}

/* How far ahead one chunk reaches: about CHUNK_STEPS candidates. */
static int64_t
chunk_secs(double rate, int is_date)
{
	double	s = CHUNK_STEPS / (rate > 1 ? rate : 1) * YEAR_SECS;

	if (s > 100 * YEAR_SECS)
		s = 100 * YEAR_SECS;
	if (s < (is_date ? 86400 : 3600))
		s = is_date ? 86400 : 3600;
	return is_date ? (int64_t)s / 86400 * 86400 : (int64_t)s;
}

#define GAP_SLACK	(3 * 3600)	/* more than any DST change */

static int
cmp_instant(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * A rule reports instant t (within its UNTIL: one past it is not an
 * occurrence, and must not hide the RDATE there): if an RDATE names it
 * too, the RDATEs' walk leaves it out.
 */
static unsigned char *
rdate_mark(const struct expand *x, int64_t t)
{
	const int64_t	*r;

	r = x->nrds > 0 ? bsearch(&t, x->rds, x->nrds, sizeof *x->rds,
	    cmp_instant) : NULL;
	return r != NULL ? &x->rd_hit[r - x->rds] : NULL;
}

static void
rdate_hit(struct expand *x, int64_t t)
{
	unsigned char	*m = rdate_mark(x, t);

	if (m != NULL)
		*m = 1;
}

/* Did a rule of this walk report the RDATE at t? */
static int
rdate_made(const struct expand *x, int64_t t)
{
	const unsigned char	*m = rdate_mark(x, t);

	return m != NULL && *m;
}

/*
 * Report one instance of the rule at wall-clock time next: 0, 1 = stop
 * (cut short), 2 = past the window.
 */
static int
walk_one(struct expand *x, struct icaltimetype next)
{
	struct when	w;
	int64_t		t, end;

	memset(&w, 0, sizeof w);
	w.kind = next.is_date ? WHEN_DATE : WHEN_LOCAL;
	w.year = next.year; w.mon = next.month; w.day = next.day;
	w.hour = next.hour; w.min = next.minute; w.sec = next.second;
	if (tz_to_utc(x->ev->tz, &w, 0, &t, NULL) != 0)
		return 0;
	/*
	 * Instants come in order but for a wall-clock time a DST change
	 * skips, read with the offset before it (an hour or two late): one
	 * past the window or UNTIL by less than GAP_SLACK is passed over,
	 * not taken as the end, and the wall-clock bound ends the walk.
	 */
	end = recur_sat_add(x->to, x->ahead);
	if (t >= end)
		return t >= recur_sat_add(end, GAP_SLACK) ? 2 : 0;
	if (t > x->until)
		return 0;
	rdate_hit(x, t);
	return emit(x, t) ? 1 : 0;
}

/*
 * An iterator for rule r of DTSTART dt that starts at wall-clock second
 * *pos.  libical's icalrecur_iterator_set_start() aligns an HOURLY,
 * MINUTELY or SECONDLY INTERVAL by the hour (minute, second) of the day
 * alone (INTERVAL=5 from 00:00 would start the next day at 00:00, not
 * 01:00), so those start at the rule's next candidate as their own
 * DTSTART: the same series from there on, as their BY* defaults come from
 * the minute and second, which whole steps keep.
 */
static icalrecur_iterator *
chunk_iterator(const struct icalrecurrencetype *r, struct icaltimetype dt,
    int64_t *pos)
{
	icalrecur_iterator	*it;
	int64_t			 ds = ical_tt_secs(dt), unit, k;

	if (*pos <= ds)
		return icalrecur_iterator_new(*r, dt);
	if (r->freq < ICAL_DAILY_RECURRENCE) {
		unit = r->freq == ICAL_HOURLY_RECURRENCE ? 3600 :
		    r->freq == ICAL_MINUTELY_RECURRENCE ? 60 : 1;
		unit *= r->interval > 1 ? r->interval : 1;
		k = (*pos - ds + unit - 1) / unit;
		*pos = ds + k * unit;
		return icalrecur_iterator_new(*r, wall_tt(*pos, 0));
	}
	if ((it = icalrecur_iterator_new(*r, dt)) != NULL)
		icalrecur_iterator_set_start(it, wall_tt(*pos, dt.is_date));
	return it;
}

/*
 * Walk one RRULE in the event's own zone (wall-clock times, then
 * instants), a chunk at a time (see above).  A rule without COUNT starts
 * at the window instead of at DTSTART (less a day and the event's length,
 * so that an occurrence under way is not missed): a minutely rule from
 * 2020 then costs nothing in 2026.  1 = stop (cut short, or cb said so).
 */
static int
walk_rrule(struct expand *x, struct icalrecurrencetype r)
{
	const struct event	*ev = x->ev;
	struct icalrecurrencetype c = r;
	struct icaltimetype	 dt, next;
	icalrecur_iterator	*it;
	struct when		 w;
	int64_t			 pos, until, end, last, n = 0, step;
	double			 rate = recur_rule_rate(&r);
	int			 stop = 0, is_date = ev->all_day;

	if (recur_rule_density(&r, ev->start) > (double)recur_max_yearly())
		return 1;	/* stored before the limit: never walked */
	if (recur_rule_void(&r))
		return 0;	/* stored before add refused it: libical
				   would look a second for its first */
	if (!recur_count_reached(&r, ev->start))
		r.count = 0;	/* it ends nothing kcal keeps */
	tz_local(ev->tz, ev->start, &w);
	/* A start in a gap repeats the time written, not the one after it. */
	dt = ev->start_wall != 0 ? wall_tt(ev->start_wall, 0) :
	    ical_local_tt(&w, is_date);
	pos = ical_tt_secs(dt);
	until = days_from_civil(ICAL_YEAR_MAX + 1, 1, 1) * 86400 - 1;
	x->until = INT64_MAX;
	if (!icaltime_is_null_time(r.until)) {
		/*
		 * An UNTIL in UTC bounds the set as an instant (walk_one):
		 * compared on the wall clock, an occurrence in the hour a
		 * DST change skips or repeats fell on the wrong side of it.
		 * The walk's wall-clock bound is a day later, past any
		 * zone's change of offset.
		 */
		if (icaltime_is_utc(r.until) && !is_date) {
			x->until = ical_tt_secs(r.until);
			if (ical_wall(ev->tz, x->until) + 86400 < until)
				until = ical_wall(ev->tz, x->until) + 86400;
		} else if (ical_tt_secs(r.until) + (r.until.is_date ? 86399 :
		    0) < until)
			until = ical_tt_secs(r.until) + (r.until.is_date ? 86399 : 0);
	}
	/*
	 * Nor past the window (a day past its wall clock, the slack of
	 * walk_one): an instance past it ends the walk, but a rule that has
	 * none (FREQ=MONTHLY;BYDAY=+53MO, stored before add refused it) was
	 * walked to the last year libical reaches, a second a read.
	 */
	if (x->to < INT64_MAX / 2) {
		int64_t wend = ical_wall(ev->tz, recur_sat_add(recur_sat_add(
		    x->to, x->ahead), GAP_SLACK)) + 86400;
		if (wend < until)
			until = wend;
	}
	if (r.count == 0 && x->from != INT64_MIN) {
		int64_t at = recur_sat_add(x->from, -(ev->end - ev->start) -
		    86400 - x->back);
		if (at > ev->start) {
			tz_local(ev->tz, at, &w);
			if (ical_tt_secs(ical_local_tt(&w, 0)) > pos)
				pos = ical_tt_secs(ical_local_tt(&w, 0));
		}
	}
	if (is_date)
		pos = floor_day(pos);
	c.count = 0;
	step = chunk_secs(rate, is_date);
	while (!stop && pos <= until) {
		if (recur_spend(1))
			return 1;
		end = pos + step - 1 < until ? pos + step - 1 : until;
		c.until = wall_tt(is_date ? floor_day(end) : end, is_date);
		if ((it = chunk_iterator(&c, dt, &pos)) == NULL) {
			if (pos <= end)
				return 0;	/* past what libical reaches */
			pos = end + 1;		/* aligned past this chunk */
			continue;
		}
		last = pos;
		while (!stop) {
			next = icalrecur_iterator_next(it);
			if (icaltime_is_null_time(next))
				break;
			last = ical_tt_secs(next);
			if (r.count > 0 && ++n > r.count) {
				stop = 2;
				break;
			}
			stop = x->probe ? 0 : walk_one(x, next);
			if (!stop && recur_spend(OCC_STEPS))
				stop = 1;
		}
		icalrecur_iterator_free(it);
		/* the candidates walked, by the share of the chunk gone */
		if (!stop)
			last = end;
		if (recur_spend((int64_t)(rate * (double)(last - pos + 1) /
		    YEAR_SECS)) && !stop)
			stop = 1;
		pos = end + 1;
	}
	return stop == 1;
}

/* The overrides that follow the master in a record (ical-import-record.c). */
static void
load_overrides(struct recur *rc, icalcomponent *master, const char *home)
{
	icalcomponent	*k;
	icalproperty	*p;
	icalparameter	*q;
	struct override	*o;
	char		*ptz, *why = NULL;
	int		 d;

	if (rc->root == master)
		return;
	for (k = icalcomponent_get_first_component(rc->root,
	    ICAL_VEVENT_COMPONENT); k != NULL; k =
	    icalcomponent_get_next_component(rc->root, ICAL_VEVENT_COMPONENT)) {
		if (k == master || (p = icalcomponent_get_first_property(k,
		    ICAL_RECURRENCEID_PROPERTY)) == NULL)
			continue;
		rc->ovr = xreallocarray(rc->ovr, rc->novr + 1, sizeof *rc->ovr);
		o = &rc->ovr[rc->novr];
		memset(o, 0, sizeof *o);
		if (ical_read_time(p, icalproperty_get_recurrenceid(p),
		    rc->master.tz, rc->master.tz, &ptz, &o->rid, &d, &why) != 0 ||
		    ical_extract_from(k, home, &o->ev, &why) != 0) {
			free(why);
			why = NULL;
			continue;
		}
		free(ptz);
		q = icalproperty_get_first_parameter(p, ICAL_RANGE_PARAMETER);
		o->future = q != NULL &&
		    icalparameter_get_range(q) == ICAL_RANGE_THISANDFUTURE;
		o->shift = ical_wall(rc->master.tz, o->ev.start) -
		    ical_wall(rc->master.tz, o->rid);
		rc->novr++;
	}
}

/*
 * How far a RANGE=THISANDFUTURE override moves the occurrences after it:
 * a walk of a window then looks as much earlier (a later move, a longer
 * override) and later (an earlier move) for the rule's instants.
 */
static void
reach(struct recur *rc)
{
	int64_t	len = rc->master.end - rc->master.start, d;

	for (size_t i = 0; i < rc->novr; i++) {
		if (!rc->ovr[i].future)
			continue;
		d = rc->ovr[i].ev.end - rc->ovr[i].ev.start - len;
		if (rc->ovr[i].shift + (d > 0 ? d : 0) + GAP_SLACK > rc->back)
			rc->back = rc->ovr[i].shift + (d > 0 ? d : 0) +
			    GAP_SLACK;
		if (-rc->ovr[i].shift + GAP_SLACK > rc->ahead)
			rc->ahead = -rc->ovr[i].shift + GAP_SLACK;
	}
}

/*
 * Read a stored record (a bare VEVENT, or a VCALENDAR of a master and its
 * overrides) for recur_each(): NULL and *cause when it has no event kcal
 * can read.
 */
struct recur *
recur_open(const char *text, const char *home, char **cause)
{
	struct recur	*rc = xcalloc(1, sizeof *rc);
	icalcomponent	*c;
	icalproperty	*p;

	if ((c = ical_parse_vevent(text, &rc->root, cause)) == NULL) {
		free(rc);
		return NULL;
	}
	if (ical_extract_from(c, home, &rc->master, cause) != 0) {
		icalcomponent_free(rc->root);
		free(rc);
		return NULL;
	}
	load_overrides(rc, c, home);
	reach(rc);
	rc->nex = collect_dates(c, ICAL_EXDATE_PROPERTY, rc->master.tz,
	    &rc->ex, NULL);
	rc->nrd = collect_dates(c, ICAL_RDATE_PROPERTY, rc->master.tz,
	    &rc->rd, &rc->rdend);
	if (rc->nrd > 0) {
		rc->rds = xreallocarray(NULL, rc->nrd, sizeof *rc->rds);
		memcpy(rc->rds, rc->rd, rc->nrd * sizeof *rc->rds);
		qsort(rc->rds, rc->nrd, sizeof *rc->rds, cmp_instant);
		rc->rd_hit = xcalloc(rc->nrd, 1);
	}
	for (p = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY); p;
	    p = icalcomponent_get_next_property(c, ICAL_RRULE_PROPERTY)) {
		rc->rules = xreallocarray(rc->rules, rc->nrules + 1,
		    sizeof *rc->rules);
		rc->rules[rc->nrules++] = icalproperty_get_rrule(p);
	}
	return rc;
}

void
recur_close(struct recur *rc)
{
	if (rc == NULL)
		return;
	for (size_t i = 0; i < rc->novr; i++)
		event_clear(&rc->ovr[i].ev);
	free(rc->ovr);
	free(rc->rules);
	free(rc->ex);
	free(rc->rd);
	free(rc->rds);
	free(rc->rd_hit);
	free(rc->rdend);
	event_clear(&rc->master);
	icalcomponent_free(rc->root);
	free(rc);
}

/* The series' master event, as its record says (its first occurrence). */
const struct event *
recur_master(const struct recur *rc)
{
	return &rc->master;
}

/*
 * The series' i-th RECURRENCE-ID override as its record says (*rid: the
 * occurrence it replaces), NULL past the last: what its writer stores of
 * each override (occur.c), whatever window it falls in.
 */
const struct event *
recur_override(const struct recur *rc, size_t i, int64_t *rid)
{
	if (i >= rc->novr)
		return NULL;
	*rid = rc->ovr[i].rid;
	return &rc->ovr[i].ev;
}

/*
 * Call cb for each occurrence of the series (RRULE, RDATE, minus EXDATE,
 * with its RECURRENCE-ID overrides in place of the occurrences they
 * replace) that overlaps [from, to), at most max of them, expanded in the
 * event's own zone so a 09:00 meeting stays at 09:00 across DST.  An
 * override with RANGE=THISANDFUTURE replaces its occurrence and gives the
 * later ones its fields, moved as it moved (struct override); one that
 * says STATUS:CANCELLED is reported all the same.  Returns 0, or 1 when
 * max, cb or the budget cut the walk short.
 */
int
recur_each(struct recur *rc, int64_t from, int64_t to, size_t max,
    recur_cb cb, void *arg, char **cause)
{
	const struct event	*ev = &rc->master;
	struct expand		 x = { ev, from, to, rc->ex, rc->nex, max,
				    rc->ovr, rc->novr, cb, arg, 0, INT64_MAX,
				    rc->back, rc->ahead, rc->rds, rc->nrd,
				    rc->rd_hit };
	size_t			 i;
	int			 stop = 0;

	(void)cause;
	recur_budget_ensure();
	for (i = 0; i < rc->novr; i++)
		rc->ovr[i].used = 0;
	if (rc->nrd > 0)
		memset(rc->rd_hit, 0, rc->nrd);
	if (rc->nrules == 0)
		stop = emit(&x, ev->start);	/* DTSTART is an occurrence */
	for (i = 0; i < rc->nrules && !stop; i++)
		stop = walk_rrule(&x, rc->rules[i]);
	for (i = 0; i < rc->nrd && !stop; i++)
		if (!in_set(rc->rd, i, rc->rd[i]) && rc->rd[i] != ev->start &&
		    !rdate_made(&x, rc->rd[i]))
			stop = emit_len(&x, rc->rd[i], rc->rdend[i]);
	/* Overrides moved here from occurrences the walk did not reach. */
	for (i = 0; i < rc->novr && !stop; i++)
		if (!rc->ovr[i].used && !in_set(rc->ex, rc->nex, rc->ovr[i].rid))
			stop = emit_occ(&x, rc->ovr[i].ev.start,
			    rc->ovr[i].ev.end, rc->ovr[i].rid, &rc->ovr[i]);
	return stop ? 1 : 0;
}

/*
 * A series walked once: recur_open, recur_each, recur_close.  -1 when its
 * record cannot be read.
 */
int
recur_expand(const char *text, const char *home, int64_t from, int64_t to,
    size_t max, recur_cb cb, void *arg, char **cause)
{
	struct recur	*rc;
	int		 rv;

	if ((rc = recur_open(text, home, cause)) == NULL)
		return -1;
	rv = recur_each(rc, from, to, max, cb, arg, cause);
	recur_close(rc);
	return rv;
}
