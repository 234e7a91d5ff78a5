/*
 * remind-plan.c — reminder planning as pure functions: given an event (its
 * master's fields and its series, parsed once by the caller: recur.h), the
 * triggers in force, the reminder state the store remembers and an
 * instant supplied by the caller, which reminders fall in a window and
 * which one comes next.  No clock is read here, so the unit tests drive it
 * with any "now" they like.
 *
 * Occurrences of a recurring event come from the one recurrence engine
 * (recur_each), expanded in the event's own zone, so a reminder 30 minutes
 * before a 09:00 meeting stays at 08:30 local time across a DST change.
 * An occurrence an override moved is reminded of at its own start, and
 * one an override cancelled has none.  A relative trigger gives one
 * reminder per occurrence; an absolute one (--remind-at) fires once.  The
 * triggers are the master's, except an occurrence whose override has
 * relative VALARMs of its own (or X-KCAL-NO-REMIND): it has those, as RFC
 * 5545 has an override replace its occurrence whole (a calendar app that
 * changes one occurrence's alarm writes it so).  An override without any
 * keeps the series' (not none: most writers copy the master's alarms, some
 * do not, and a missed reminder is the worse error); an override's
 * absolute triggers are not used.
 */
#include <stdlib.h>
#include <string.h>

#include "ical.h"
#include "recur.h"
#include "remind.h"
#include "xmalloc.h"

/* The most a DST change moves a wall-clock time (two hours: 1940s UK). */
#define NOMINAL_SLACK	(3 * 3600)
/* How much longer than the first an occurrence reminded of its end may be. */
#define END_SLACK	(31 * 86400)

struct collect {
	const struct remind_input *in;
	int64_t			 from, to;
	int			 relative;	/* 0: absolute and snoozes only */
	struct remind_due	*v;
	size_t			 n, cap;
};

/*
 * The relative triggers in force: the event's own, else the defaults
 * (unless its reminders were all taken away: X-KCAL-NO-REMIND).
 */
void
remind_offsets(const struct event *ev, const struct remind_list *kind,
    const struct remind_list *dflt, const int64_t **offs, size_t *n)
{
	*offs = NULL;
	*n = 0;
	if (ev->no_remind)
		return;
	if (ev->nremind > 0 || ev->nremind_at > 0) {
		*offs = ev->remind;
		*n = ev->nremind;
	} else if (kind != NULL && kind->set) {
		*offs = kind->off;
		*n = kind->n;
	} else if (dflt != NULL && dflt->set) {
		*offs = dflt->off;
		*n = dflt->n;
	}
}

static const struct remind_mark *
find_mark(const struct remind_input *in, int64_t occ, int64_t due)
{
	for (size_t i = 0; i < in->nmarks; i++)
		if (in->marks[i].occ == occ && in->marks[i].due == due)
			return &in->marks[i];
	return NULL;
}

static void
push(struct collect *c, int64_t occ, int64_t due, int64_t at,
    int64_t before, int snoozed)
{
	struct remind_due	*d;

	for (size_t i = 0; i < c->n; i++)	/* two triggers, one instant */
		if (c->v[i].occ == occ && c->v[i].due == due)
			return;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 8;
		c->v = xreallocarray(c->v, c->cap, sizeof *c->v);
	}
	d = &c->v[c->n++];
	d->occ = occ;
	d->due = due;
	d->at = at;
	d->before = before;
	d->snoozed = snoozed;
}

/*
 * A trigger: pending unless the store remembers it (snoozes come later).
 * The store may remember one at the instant an older kcald reckoned:
 * exact (days were exact before they were nominal) or `was` (the whole
 * days of any lead were nominal: ical_trigger_was).  Delivered,
 * acknowledged, it is not taken for another.
 */
static void
consider(struct collect *c, int64_t occ, int64_t due, int64_t before,
    int64_t was, int64_t shown)
{
	if (due < c->from || due > c->to || find_mark(c->in, occ, due) != NULL ||
	    (before != REMIND_ABSOLUTE && due != occ - before &&
	    find_mark(c->in, occ, occ - before) != NULL) ||
	    (was != due && find_mark(c->in, occ, was) != NULL))
		return;
	push(c, occ, due, due, shown, 0);
}

static int
cancelled(const struct event *ev)
{
	return ev->status != NULL && strcmp(ev->status, "cancelled") == 0;
}

/*
 * The relative triggers of the occurrence whose fields are oev (the
 * master's, a shallow copy of them, or an override's): an override's own
 * relative ones when it has any (or none, by X-KCAL-NO-REMIND), else the
 * series' (in->offs, the defaults included): an override with absolute
 * alarms alone, which are not used, would otherwise remind of nothing.  A
 * copy of the master's gives the same as in->offs.
 */
static void
occ_offsets(const struct remind_input *in, const struct event *oev,
    const int64_t **offs, size_t *n)
{
	if (oev == NULL || (!oev->no_remind && oev->nremind == 0)) {
		*offs = in->offs;
		*n = in->noffs;
	} else {
		*offs = oev->no_remind ? NULL : oev->remind;
		*n = oev->no_remind ? 0 : oev->nremind;
	}
}

/*
 * Which of offs (occ_offsets) are related to the end, and the length of
 * the event that counted in them: an override's own, or the master's (an
 * occurrence not overridden has a copy of its fields, with that
 * occurrence's times).  NULL for the defaults, which never are.
 */
static const unsigned char *
occ_ends(const struct remind_input *in, const struct event *oev,
    int overridden, const int64_t *offs, int64_t *len)
{
	*len = in->ev->end - in->ev->start;
	if (oev != NULL && offs == oev->remind) {
		if (overridden)
			*len = oev->end - oev->start;
		return oev->remind_end;
	}
	return offs == in->ev->remind ? in->ev->remind_end : NULL;
}

/*
 * When offs[i] of the occurrence [start, end) is due (was: as an older
 * kcald reckoned it, ical_trigger_was): one related to the end counts
 * from this occurrence's end, of len seconds.
 */
static int64_t
trigger(const char *tz, int64_t start, int64_t end, const int64_t *offs,
    const unsigned char *ends, int64_t len, size_t i, int was)
{
	int64_t	base = start, lead = offs[i];

	if (ends != NULL && ends[i]) {
		base = end;
		lead += len;
	}
	return was ? ical_trigger_was(tz, base, lead) :
	    ical_trigger_at(tz, base, lead);
}

/*
 * Its reminders: whole days ahead are nominal in its zone (ical.h); one
 * related to the end counts from this occurrence's end, however long it
 * is (a nominal day across DST, an override's, an RDATE period's).
 */
static void
occurrence(struct collect *c, int64_t start, int64_t end,
    const struct event *oev, int overridden)
{
	const int64_t		*offs;
	const unsigned char	*ends;
	const char		*tz = oev != NULL && oev->tz != NULL ? oev->tz :
				    c->in->ev->tz;
	int64_t			 len = 0;
	size_t			 n;

	occ_offsets(c->in, oev, &offs, &n);
	ends = occ_ends(c->in, oev, overridden, offs, &len);
	for (size_t i = 0; i < n; i++) {
		int64_t	due = trigger(tz, start, end, offs, ends, len, i, 0);
		int64_t	was = trigger(tz, start, end, offs, ends, len, i, 1);

		/* another trigger's due is that one's, not this one's */
		for (size_t j = 0; j < n && was != due; j++)
			if (j != i && trigger(tz, start, end, offs, ends, len,
			    j, 0) == was)
				was = due;
		/*
		 * Shown as "before": the lead, or for one related to the end
		 * the time from its due to this occurrence's start (offs[i]
		 * counts the series' length: an RDATE period's or an
		 * override's own length said -3590 for one due 20 s after the
		 * start).  offs[i] still finds a mark an older kcald made at
		 * start - offs[i] (nominal days), so that none fires twice.
		 */
		consider(c, start, due, offs[i], was, ends != NULL && ends[i] ?
		    start - due : offs[i]);
	}
}

static int
occurrence_cb(void *arg, const struct recur_occ *o)
{
	if (!cancelled(o->ev))
		occurrence(arg, o->start, o->end, o->ev, o->overridden);
	return 0;
}

static int
recurs(const struct remind_input *in)
{
	return in->ev->rrule != NULL && in->series != NULL;
}

static void
widen(const int64_t *offs, size_t n, int64_t *lo, int64_t *hi)
{
	for (size_t i = 0; i < n; i++) {
		if (offs[i] < *lo)
			*lo = offs[i];
		if (offs[i] > *hi)
			*hi = offs[i];
	}
}

/*
 * The least and greatest relative trigger of any occurrence (the series'
 * and its overrides' own); 0 when there is none at all.
 */
static int
offs_span(const struct remind_input *in, int64_t *lo, int64_t *hi)
{
	const struct event	*o;
	int64_t			 rid, len;
	int			 ends;

	*lo = INT64_MAX;
	*hi = INT64_MIN;
	widen(in->offs, in->noffs, lo, hi);
	ends = occ_ends(in, NULL, 0, in->offs, &len) != NULL;
	if (recurs(in))
		for (size_t i = 0; (o = recur_override(in->series, i, &rid)) !=
		    NULL; i++)
			if (!o->no_remind) {
				widen(o->remind, o->nremind, lo, hi);
				ends |= o->remind_end != NULL;
			}
	/* one related to the end: an occurrence may be longer than the first */
	if (ends && *lo <= *hi)
		*lo -= END_SLACK;
	return *lo <= *hi;
}

static int
cmp_due(const void *a, const void *b)
{
	const struct remind_due	*x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	if (x->occ != y->occ)
		return x->occ < y->occ ? -1 : 1;
	return x->due < y->due ? -1 : x->due > y->due;
}

/* Relative triggers: every occurrence whose reminders can fall in range. */
static int
collect_relative(struct collect *c, char **cause)
{
	const struct remind_input	*in = c->in;
	int64_t				 lo, hi;

	if (!c->relative || !offs_span(in, &lo, &hi))
		return 0;
	if (!recurs(in)) {
		occurrence(c, in->ev->start, in->ev->end, NULL, 0);
		return 0;
	}
	/*
	 * due = start - off in [from, to]: start in [from + lo, to + hi],
	 * give or take a DST change for a trigger of whole days (nominal).
	 */
	if (recur_each(in->series, recur_sat_add(c->from, lo - NOMINAL_SLACK),
	    recur_sat_add(recur_sat_add(c->to, hi + NOMINAL_SLACK), 1),
	    in->max_occ, occurrence_cb, c, cause) < 0)
		return -1;
	return 0;
}

struct alive {
	const struct remind_input *in;
	int64_t	occ;
	int	seen, found;
};

/* The occurrence still there, not cancelled, with a relative trigger. */
static int
alive_cb(void *arg, const struct recur_occ *o)
{
	struct alive	*a = arg;
	const int64_t	*offs;
	size_t		 n;

	if (o->start != a->occ)
		return 0;
	a->seen = 1;
	occ_offsets(a->in, o->ev, &offs, &n);
	a->found = !cancelled(o->ev) && n > 0;
	return 1;
}

/*
 * Does the reminder a snooze brings back (of the occurrence starting at
 * m->occ; 0: an absolute trigger's, due at m->due) still stand?  Not once
 * an edit moved its occurrence or an override or EXDATE took it away (it
 * would remind of what is no longer there, at its old time), nor once its
 * trigger was removed: an absolute one no longer in remind_at, a relative
 * one when its occurrence has no relative trigger left (its own, an
 * override's, or the defaults: none when the event has only absolute ones
 * or none by request, or the defaults were taken away).  A walk cut short
 * proves nothing: the snooze stands.
 */
static int
snooze_stands(const struct remind_input *in, const struct remind_mark *m)
{
	const struct event	*ev = in->ev;
	struct alive		 a = { in, m->occ, 0, 0 };
	char			*why = NULL;
	int			 rc;

	if (m->occ == 0) {
		for (size_t i = 0; i < ev->nremind_at; i++)
			if (ev->remind_at[i] == m->due)
				return 1;
		return 0;
	}
	if (!recurs(in))
		return m->occ == ev->start && in->noffs > 0;
	if ((rc = recur_each(in->series, m->occ, recur_sat_add(m->occ, 1),
	    in->max_occ, alive_cb, &a, &why)) < 0)
		free(why);
	return a.seen ? a.found : rc != 0;
}

static int	collect(const struct remind_input *, int64_t, int64_t, int,
		    struct remind_due **, size_t *, char **);

/*
 * Every reminder of the event that fires in [from, to] and is still
 * pending, in firing order: triggers the store has no record of, and
 * snoozed ones at the end of their snooze, if their occurrence still
 * takes place.  A cancelled event has none.
 */
int
remind_collect(const struct remind_input *in, int64_t from, int64_t to,
    struct remind_due **out, size_t *n, char **cause)
{
	return collect(in, from, to, 1, out, n, cause);
}

/* remind_collect; relative 0: the absolute triggers and snoozes alone. */
static int
collect(const struct remind_input *in, int64_t from, int64_t to,
    int relative, struct remind_due **out, size_t *n, char **cause)
{
	struct collect		 c = { in, from, to, relative, NULL, 0, 0 };
	const struct remind_mark *m;

	*out = NULL;
	*n = 0;
	if (cancelled(in->ev))
		return 0;
	if (collect_relative(&c, cause) != 0) {
		free(c.v);
		return -1;
	}
	for (size_t i = 0; i < in->ev->nremind_at; i++)
		consider(&c, 0, in->ev->remind_at[i], REMIND_ABSOLUTE,
		    in->ev->remind_at[i], REMIND_ABSOLUTE);
	for (size_t i = 0; i < in->nmarks; i++) {
		m = &in->marks[i];
		if (m->state == REMIND_SNOOZED && m->until >= from &&
		    m->until <= to && snooze_stands(in, m))
			push(&c, m->occ, m->due, m->until,
			    remind_before(in, m->occ, m->due), 1);
	}
	if (c.n > 1)
		qsort(c.v, c.n, sizeof *c.v, cmp_due);
	*out = c.v;
	*n = c.n;
	return 0;
}

/* The first occurrence an override did not cancel: its start. */
static int
first_cb(void *arg, const struct recur_occ *o)
{
	if (cancelled(o->ev))
		return 0;
	*(int64_t *)arg = o->start;
	return 1;
}

/* The earliest pending reminder in [from, to], or REMIND_NEVER. */
static int
first_in(const struct remind_input *in, int64_t from, int64_t to,
    int relative, int64_t *first, char **cause)
{
	struct remind_due	*v;
	size_t			 n;

	*first = REMIND_NEVER;
	if (collect(in, from, to, relative, &v, &n, cause) != 0)
		return -1;
	if (n > 0)
		*first = v[0].at;
	free(v);
	return 0;
}

/*
 * The instant the event next needs attention after `after`: its earliest
 * pending reminder, REMIND_NEVER, or, for a recurrence with nothing within
 * REMIND_HORIZON but occurrences beyond, the horizon itself (a checkpoint
 * at which planning looks further).  Windows widen step by step so a daily
 * meeting does not expand a year of occurrences.
 */
int
remind_next(const struct remind_input *in, int64_t after, int64_t *next,
    char **cause)
{
	static const int64_t	 steps[] = { 2 * 86400, 40 * 86400,
				     REMIND_HORIZON };
	int64_t			 hi = after, t, more = REMIND_NEVER, lo_off, hi_off;
	int			 any = offs_span(in, &lo_off, &hi_off);

	*next = REMIND_NEVER;
	if (!recurs(in))
		return first_in(in, recur_sat_add(after, 1), INT64_MAX, 1, next,
		    cause);
	for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
		if (!any)
			break;
		hi = recur_sat_add(after, steps[i]);
		if (first_in(in, recur_sat_add(after, 1), hi, 1, next,
		    cause) != 0)
			return -1;
		if (*next != REMIND_NEVER)
			return 0;
	}
	/* Absolute triggers and snoozes beyond the windows, then a checkpoint. */
	if (first_in(in, recur_sat_add(hi, 1), INT64_MAX, 0, next, cause) != 0)
		return -1;
	if (!any || cancelled(in->ev))
		return 0;
	if (recur_each(in->series, hi, INT64_MAX, in->max_occ, first_cb,
	    &more, cause) < 0)
		return -1;
	t = recur_sat_add(hi, 1);
	if (more != REMIND_NEVER && t < *next)
		*next = t;
	return 0;
}

/*
 * The trigger (seconds before the start) that made a reminder of the
 * occurrence at occ due at due, for one recorded as a mark: the event's
 * trigger that gives it (whole days are nominal), else the time between.
 */
int64_t
remind_before(const struct remind_input *in, int64_t occ, int64_t due)
{
	if (occ == 0)
		return REMIND_ABSOLUTE;
	for (size_t i = 0; i < in->noffs; i++)
		if (ical_trigger_at(in->ev->tz, occ, in->offs[i]) == due)
			return in->offs[i];
	return occ - due;
}

/*
 * The occurrence an absolute trigger at `due` reminds of: the first that
 * has not started by then, else the event's start.
 */
int64_t
remind_occurrence(const struct remind_input *in, int64_t due)
{
	int64_t	 occ = in->ev->start;
	char	*why = NULL;

	if (recurs(in) && due > in->ev->start) {
		if (recur_each(in->series, due, INT64_MAX, in->max_occ,
		    first_cb, &occ, &why) < 0)
			free(why);
	}
	return occ;
}

struct fields {
	int64_t		 start;
	void		(*cb)(void *, const struct event *);
	void		*arg;
	int		 found;
};

static int
fields_cb(void *arg, const struct recur_occ *o)
{
	struct fields	*f = arg;

	if (o->start != f->start)
		return 0;
	f->found = 1;
	f->cb(f->arg, o->ev);
	return 1;
}

/*
 * Call cb with the fields of the occurrence that starts at start, as a
 * reminder of it shows them: an override's own (its summary, place, zone,
 * class...), else the master's moved to start.
 */
void
remind_occurrence_fields(const struct remind_input *in, int64_t start,
    void (*cb)(void *, const struct event *), void *arg)
{
	struct fields	 f = { start, cb, arg, 0 };
	struct event	 ev = *in->ev;
	char		*why = NULL;

	if (recurs(in) && recur_each(in->series, start, recur_sat_add(start, 1),
	    in->max_occ, fields_cb, &f, &why) < 0)
		free(why);
	if (f.found)
		return;
	ev.end = in->ev->dur_days != 0 ? event_end_at(in->ev, start) :
	    recur_sat_add(start, in->ev->end - in->ev->start);
	ev.start = start;
	cb(arg, &ev);
}

/*
 * A reminder that fires at `at`, looked at `now` by a daemon started at
 * `started`: on time; late (it fell due while the daemon was down or the
 * machine slept); or too old to deliver (beyond the grace period): missed.
 */
int
remind_classify(int64_t at, int64_t now, int64_t started, int64_t grace)
{
	if (now - at > grace)
		return REMIND_TOO_OLD;
	if (at < started || now - at > REMIND_LATE_SLACK)
		return REMIND_LATE;
	return REMIND_ON_TIME;
}

/* "30m, 1h" (DUR before the start, "0" at the start) or "none". */
int
remind_parse_list(const char *s, struct remind_list *l, char **cause)
{
	char	*copy = xstrdup(s), *p = copy, *item;
	int64_t	 secs;

	memset(l, 0, sizeof *l);
	l->set = 1;
	if (strcmp(s, "none") == 0 || *s == '\0') {
		free(copy);
		return 0;
	}
	while ((item = strsep(&p, ",")) != NULL) {
		item += strspn(item, " \t");
		item[strcspn(item, " \t")] = '\0';
		if (dur_parse_lead(item, &secs) != 0) {
			xasprintf(cause, "cannot read \"%s\" as a duration (%s)",
			    item, DUR_FORMS);
			break;
		}
		if (l->n == REMIND_MAX_DEFAULTS) {
			xasprintf(cause, "at most %d reminders",
			    REMIND_MAX_DEFAULTS);
			break;
		}
		l->off[l->n++] = secs;
	}
	free(copy);
	return item == NULL ? 0 : -1;
}

char *
remind_format_list(const struct remind_list *l)
{
	char	 d[32], *s = NULL, *t;

	if (!l->set)
		return xstrdup("unset");
	if (l->n == 0)
		return xstrdup("none");
	for (size_t i = 0; i < l->n; i++) {
		dur_format(l->off[i], d, sizeof d);
		xasprintf(&t, "%s%s%s", s ? s : "", s ? "," : "", d);
		free(s);
		s = t;
	}
	return s;
}

static const char *state_names[] = { "fired", "acked", "snoozed", "missed" };

const char *
remind_state_name(int st)
{
	if (st < 0 || st > REMIND_MISSED)
		return "unknown";
	return state_names[st];
}

int
remind_state_parse(const char *s)
{
	for (int i = 0; i <= REMIND_MISSED; i++)
		if (s != NULL && strcmp(s, state_names[i]) == 0)
			return i;
	return -1;
}
