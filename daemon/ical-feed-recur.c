/*
 * ical-feed-recur.c — a feed's recurring events in the forms every
 * subscribing client reads the same way.  RDATE;VALUE=PERIOD makes some
 * clients skip the event: the periods become plain RDATEs, each with an
 * override that carries the period's end (unless an override of the
 * series or an EXDATE is there already).  An event with several RRULEs
 * (deprecated, and read differently by each client) or an RSCALE rule is
 * flattened into RDATEs inside the feed's window.  A RANGE=THISANDFUTURE
 * override, which many clients apply to its own occurrence alone, gives
 * each later occurrence in the window an override of its own.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "ical-export-int.h"
#include "ical-int.h"
#include "recur.h"
#include "tz.h"
#include "xmalloc.h"

/* An RDATE's time (or period start) in a property of kind, zone and all. */
static icalproperty *
rdate_time(icalproperty_kind kind, icalproperty *rdate, struct icaltimetype t)
{
	icalproperty	*np = icalproperty_new(kind);
	icalparameter	*tz;

	icalproperty_set_value(np, icalvalue_new_datetime(t));
	if ((tz = icalproperty_get_first_parameter(rdate,
	    ICAL_TZID_PARAMETER)) != NULL && !icaltime_is_utc(t))
		icalproperty_add_parameter(np, icalparameter_new_clone(tz));
	return np;
}

/*
 * The instant of t, a time of property p (its TZID says the zone); -1 for
 * a floating time or a date without one, which only compares as written.
 */
static int
instant(icalproperty *p, struct icaltimetype t, int64_t *out)
{
	icalparameter	*tz;
	struct when	 w;

	memset(&w, 0, sizeof w);
	if (icaltime_is_utc(t)) {
		*out = (int64_t)icaltime_as_timet(t);
		return 0;
	}
	if ((tz = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER)) ==
	    NULL)
		return -1;
	w.kind = t.is_date ? WHEN_DATE : WHEN_LOCAL;
	w.year = t.year;
	w.mon = t.month;
	w.day = t.day;
	w.hour = t.hour;
	w.min = t.minute;
	w.sec = t.second;
	return tz_to_utc(icalparameter_get_tzid(tz), &w, 0, out, NULL);
}

/* Are a (a time of property pa) and b (of pb) the same time? */
static int
same_time(icalproperty *pa, struct icaltimetype a, icalproperty *pb,
    struct icaltimetype b)
{
	int64_t	ia, ib;

	if (instant(pa, a, &ia) == 0 && instant(pb, b, &ib) == 0)
		return ia == ib;
	return icaltime_compare(a, b) == 0;
}

/*
 * Does root hold an override of the series at t, the start of rdate's
 * period?  Its VEVENTs are walked with an iterator of our own: the caller
 * (add_series) is walking them with root's internal one, which a
 * get_first_component here would run to the end, so that the series'
 * overrides after the master never went out.
 */
static int
has_override(icalcomponent *root, icalproperty *rdate, struct icaltimetype t)
{
	icalcompiter	 it;
	icalcomponent	*k;
	icalproperty	*p;

	if (icalcomponent_isa(root) != ICAL_VCALENDAR_COMPONENT)
		return 0;
	for (it = icalcomponent_begin_component(root, ICAL_VEVENT_COMPONENT);
	    (k = icalcompiter_deref(&it)) != NULL; icalcompiter_next(&it))
		if ((p = icalcomponent_get_first_property(k,
		    ICAL_RECURRENCEID_PROPERTY)) != NULL && same_time(p,
		    icalproperty_get_recurrenceid(p), rdate, t))
			return 1;
	return 0;
}

/* Does an EXDATE of c take out t, the start of rdate's period? */
static int
excluded(icalcomponent *c, icalproperty *rdate, struct icaltimetype t)
{
	icalproperty	*p;

	for (p = icalcomponent_get_first_property(c, ICAL_EXDATE_PROPERTY); p;
	    p = icalcomponent_get_next_property(c, ICAL_EXDATE_PROPERTY))
		if (same_time(p, icalproperty_get_exdate(p), rdate, t))
			return 1;
	return 0;
}

/* The master c as an override of its RDATE period: its own start and end. */
static icalcomponent *
period_override(icalcomponent *c, icalproperty *rdate, struct icalperiodtype pd)
{
	icalcomponent		*o = ical_clone(c);
	struct icaltimetype	 end = pd.end;

	if (icaltime_is_null_time(end))
		end = icaltime_add(pd.start, pd.duration);
	ical_remove_all(o, ICAL_RRULE_PROPERTY);
	ical_remove_all(o, ICAL_RDATE_PROPERTY);
	ical_remove_all(o, ICAL_EXDATE_PROPERTY);
	ical_remove_all(o, ICAL_DTSTART_PROPERTY);
	ical_remove_all(o, ICAL_DTEND_PROPERTY);
	ical_remove_all(o, ICAL_DURATION_PROPERTY);
	icalcomponent_add_property(o, rdate_time(ICAL_RECURRENCEID_PROPERTY,
	    rdate, pd.start));
	icalcomponent_add_property(o, rdate_time(ICAL_DTSTART_PROPERTY, rdate,
	    pd.start));
	icalcomponent_add_property(o, rdate_time(ICAL_DTEND_PROPERTY, rdate,
	    end));
	return o;
}

/* c's RDATE;VALUE=PERIOD properties, gathered before any is changed. */
static icalproperty **
period_rdates(icalcomponent *c, size_t *n)
{
	icalproperty	**v = NULL, *p;

	*n = 0;
	for (p = icalcomponent_get_first_property(c, ICAL_RDATE_PROPERTY); p;
	    p = icalcomponent_get_next_property(c, ICAL_RDATE_PROPERTY))
		if (!icalperiodtype_is_null_period(
		    icalproperty_get_rdate(p).period)) {
			v = xreallocarray(v, *n + 1, sizeof *v);
			v[(*n)++] = p;
		}
	return v;
}

/*
 * RDATE;VALUE=PERIOD makes some clients skip the event: keep the starts as
 * plain RDATEs, and give each period that no override replaces already and
 * no EXDATE takes out an override of its own with the period's end (*ovr,
 * *novr), which every client reads.  The periods are gathered first:
 * has_override() and excluded() move c's internal property iterator.
 */
void
ical_feed_plain_rdates(icalcomponent *root, icalcomponent *c,
    icalcomponent ***ovr, size_t *novr)
{
	icalproperty			**v, *p, *np;
	struct icaldatetimeperiodtype	  r;
	size_t				  n, i;

	v = period_rdates(c, &n);
	for (i = 0; i < n; i++) {
		p = v[i];
		r = icalproperty_get_rdate(p);
		np = rdate_time(ICAL_RDATE_PROPERTY, p, r.period.start);
		if (!has_override(root, p, r.period.start) &&
		    !excluded(c, p, r.period.start)) {
			*ovr = xreallocarray(*ovr, *novr + 1, sizeof **ovr);
			(*ovr)[(*novr)++] = period_override(c, p, r.period);
		}
		icalcomponent_remove_property(c, p);
		icalproperty_free(p);
		icalcomponent_add_property(c, np);
	}
	free(v);
}

struct flatten {
	icalcomponent	*c;
	const char	*tz;
	int		 all_day;
	int64_t		 start;
};

/* An occurrence as an RDATE: where the rule put it (its RECURRENCE-ID). */
static int
add_rdate(void *arg, const struct recur_occ *occ)
{
	struct flatten			*f = arg;
	struct icaldatetimeperiodtype	 r;
	icalproperty			*p;
	struct when			 w;
	char				 buf[32];
	int				 utc = strcmp(f->tz, "UTC") == 0;
	int64_t				 start = occ->rid;

	if (start == f->start)
		return 0;
	memset(&r, 0, sizeof r);
	r.period = icalperiodtype_null_period();
	if (utc && !f->all_day)
		r.time = icaltime_from_timet_with_zone((time_t)start, 0,
		    icaltimezone_get_utc_timezone());
	else {
		tz_local(f->tz, start, &w);
		if (f->all_day)
			snprintf(buf, sizeof buf, "%04d%02d%02d", w.year, w.mon,
			    w.day);
		else
			snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02d",
			    w.year, w.mon, w.day, w.hour, w.min, w.sec);
		r.time = icaltime_from_string(buf);
	}
	p = icalproperty_new_rdate(r);
	if (!utc && !f->all_day)
		icalproperty_add_parameter(p, icalparameter_new_tzid(f->tz));
	icalcomponent_add_property(f->c, p);
	return 0;
}

/*
 * A budget of its own for one series' walk (saved: the build's, for
 * recur_budget_pop): a record's text is the same however many records
 * the build made before it, and is cached so; its cost is bounded by its
 * own budget, and by what add and import let a rule cost
 * (recur-rules.c).  o->walk_steps, if set, makes it smaller (tests).
 */
static void
walk_begin(const struct ical_out_opts *o, struct recur_budget *saved)
{
	recur_budget_push_steps(saved, o->walk_steps);
}

/* An RFC 7529 rule (RSCALE): few subscribers read one. */
static int
rscale(icalcomponent *c)
{
	icalproperty			*p;
	struct icalrecurrencetype	 r;

	for (p = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY); p;
	    p = icalcomponent_get_next_property(c, ICAL_RRULE_PROPERTY)) {
		r = icalproperty_get_rrule(p);
		if (r.rscale != NULL && *r.rscale != '\0')
			return 1;
	}
	return 0;
}

/*
 * Several RRULEs in one VEVENT (RFC 2445 allowed it, RFC 5545 deprecates
 * it, clients disagree) or an RFC 7529 RSCALE rule (a Hebrew or Chinese
 * calendar, which few clients read): replace the rules with the
 * occurrences inside the feed's window, which every client reads the same
 * way.  The walk has a budget of its own (walk_begin): with the build's,
 * spent by the records before it, the rules went and no occurrence came,
 * and the feed's cache kept the record so.  One that runs out of its own
 * leaves the rules as they are (1: the record is not kept in the cache,
 * ical_out_add, and the feed is built again soon, feed-body.c).
 */
int
ical_feed_flatten(const struct ical_out_opts *o, icalcomponent *c)
{
	const struct event	*ev;
	struct recur		*rc;
	struct recur_budget	 saved;
	struct flatten		 f;
	icalproperty		*p;
	char			*text, *why = NULL;
	int			 cut;

	if (icalcomponent_count_properties(c, ICAL_RRULE_PROPERTY) < 2 &&
	    !rscale(c))
		return 0;
	/* The VEVENT as it goes out (an override left out is an EXDATE). */
	text = icalcomponent_as_ical_string_r(c);
	rc = recur_open(text, o->home, &why);
	icalmemory_free_buffer(text);
	if (rc == NULL) {
		free(why);
		return 0;
	}
	ev = recur_master(rc);
	f.c = icalcomponent_new_vevent();	/* the RDATEs, until done */
	f.tz = ev->tz;
	f.all_day = ev->all_day;
	f.start = ev->start;
	walk_begin(o, &saved);
	recur_each(rc, o->from, o->to, o->max_rdates, add_rdate, &f, &why);
	cut = recur_budget_spent();
	recur_budget_pop(&saved);
	if (!cut) {
		ical_remove_all(c, ICAL_RRULE_PROPERTY);
		ical_remove_all(c, ICAL_RDATE_PROPERTY);
		ical_remove_all(c, ICAL_EXDATE_PROPERTY);
		while ((p = icalcomponent_get_first_property(f.c,
		    ICAL_RDATE_PROPERTY)) != NULL) {
			icalcomponent_remove_property(f.c, p);
			icalcomponent_add_property(c, p);
		}
	}
	icalcomponent_free(f.c);
	free(why);
	recur_close(rc);
	return cut;
}

/*
 * The most overrides one series' RANGE=THISANDFUTURE ones become in a
 * feed: a daily series over the default window (a year back, three
 * ahead), about 400 kB.
 */
#define FUTURE_MAX	1500
#define FUTURE_STEP	(366 * 86400)	/* the walk's window, at a time */

struct future {
	icalcomponent		 *root;		/* the record: its overrides */
	const struct event	 *master;
	int64_t			 *rids;		/* of the overrides made */
	size_t			  n;
	int64_t			  rid;		/* the last override found */
	icalcomponent		 *k;
	int64_t			  lo;		/* the walk's window starts */
	int			  later;	/* not the first window */
};

/* The override of root that replaces the occurrence due at rid. */
static icalcomponent *
override_at(icalcomponent *root, const struct event *master, int64_t rid)
{
	icalcomponent	*k;

	for (k = icalcomponent_get_first_component(root,
	    ICAL_VEVENT_COMPONENT); k != NULL; k =
	    icalcomponent_get_next_component(root, ICAL_VEVENT_COMPONENT))
		if (icalcomponent_get_first_property(k,
		    ICAL_RECURRENCEID_PROPERTY) != NULL &&
		    ical_rid_of(k, master->tz) == rid)
			return k;
	return NULL;
}

/* Has an override due at rid been made already (or recur given it twice)? */
static int
made(const struct future *f, int64_t rid)
{
	for (size_t i = f->n; i > 0; i--)
		if (f->rids[i - 1] == rid)
			return 1;
	return 0;
}

/* Replace c's property of kind with one for instant t in zone tz. */
static void
set_time(icalcomponent *c, icalproperty_kind kind, const char *tz, int64_t t,
    int all_day)
{
	ical_remove_all(c, kind);
	icalcomponent_add_property(c, ical_time_prop(kind, tz, t, all_day));
}

/*
 * An occurrence that a RANGE=THISANDFUTURE override governs (not its own):
 * a copy of that override, due at the occurrence and moved where it is.
 */
static int
future_occ(void *arg, const struct recur_occ *oc)
{
	struct future		*f = arg;
	icalcomponent		*k, *c;

	if (f->n >= FUTURE_MAX)
		return 1;
	if (oc->by == INT64_MIN || oc->by == oc->rid ||
	    (f->later && oc->start < f->lo) || made(f, oc->rid))
		return 0;
	if (f->k == NULL || f->rid != oc->by) {
		f->rid = oc->by;
		f->k = override_at(f->root, f->master, oc->by);
	}
	if ((k = f->k) == NULL)
		return 0;
	c = ical_clone(k);		/* libical's copy loses X- values */
	ical_remove_all(c, ICAL_RRULE_PROPERTY);
	ical_remove_all(c, ICAL_RDATE_PROPERTY);
	ical_remove_all(c, ICAL_EXDATE_PROPERTY);
	set_time(c, ICAL_RECURRENCEID_PROPERTY, f->master->tz, oc->rid,
	    f->master->all_day);
	set_time(c, ICAL_DTSTART_PROPERTY, oc->ev->tz, oc->start,
	    oc->ev->all_day);
	if (icalcomponent_get_first_property(c, ICAL_DTEND_PROPERTY) != NULL)
		set_time(c, ICAL_DTEND_PROPERTY, oc->ev->end_tz ?
		    oc->ev->end_tz : oc->ev->tz, oc->end, oc->ev->all_day);
	f->rids = xreallocarray(f->rids, f->n + 1, sizeof *f->rids);
	f->rids[f->n++] = oc->rid;
	icalcomponent_add_component(f->root, c);
	return 0;
}

/*
 * A RANGE=THISANDFUTURE override (RFC 5545 3.8.4.4) moves every later
 * occurrence too, as kcal shows them, but many subscribing clients apply
 * it to its own occurrence alone.  Each occurrence one governs inside the
 * feed's window gets an override of its own, a copy of that one, due and
 * moved where kcal puts it (FUTURE_MAX of them at most), added to root:
 * so an RDATE period (ical_feed_plain_rdates) sees it is overridden.  The
 * RANGE stays, for the clients that read it, past the window.  text is
 * the series as it goes out (its master and the overrides the audience
 * sees), root the record they are in.  The walk has a budget of its own
 * (walk_begin): 1 when it ran out, the copies then short of the window's
 * (the record is not kept in the feed's cache, ical_out_add, and the feed
 * is built again soon, feed-body.c).
 */
int
ical_feed_future(const struct ical_out_opts *o, const char *text,
    icalcomponent *root)
{
	struct future		 f;
	struct recur		*rc;
	struct recur_budget	 saved;
	char			*why = NULL;
	int64_t			 lo, hi;
	int			 cut;

	memset(&f, 0, sizeof f);
	if ((rc = recur_open(text, o->home, &why)) == NULL) {
		free(why);
		return 0;
	}
	f.root = root;
	f.master = recur_master(rc);
	walk_begin(o, &saved);
	/*
	 * The whole window (an occurrence may move to before the override
	 * that moves it), a year at a time, so that the nearest occurrences
	 * are the ones made when there are too many (a walk gives its rules'
	 * occurrences before its RDATEs).  One that overlaps two years is
	 * made once, in the first (f.lo: what starts before a later year is
	 * left out).
	 */
	for (lo = f.lo = o->from; lo < o->to && f.n < FUTURE_MAX &&
	    why == NULL; lo = f.lo = hi) {
		hi = lo < o->to - FUTURE_STEP ? lo + FUTURE_STEP : o->to;
		recur_each(rc, lo, hi, SIZE_MAX, future_occ, &f, &why);
		f.later = 1;
	}
	cut = recur_budget_spent();
	recur_budget_pop(&saved);
	free(why);
	free(f.rids);
	recur_close(rc);
	return cut;
}
