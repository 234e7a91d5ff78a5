/*
 * ical-expand.c — calendar-data expand (RFC 4791 9.6.5) for dav-report.c:
 * the occurrences of a series inside a range, found by the one recurrence
 * engine (recur.h) from the record the store hands this reader, each
 * written as a copy of its VEVENT (the master's, or its override's) with
 * DTSTART, DTEND and RECURRENCE-ID in UTC and no RRULE, RDATE or EXDATE,
 * in a VCALENDAR without VTIMEZONEs.  An event that does not recur goes
 * out as it is.  At most max occurrences: one more, or a walk cut by the
 * request's recurrence budget, and the caller is told (*over), so that a
 * daily series over a century is refused, not written.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "ical-expand.h"
#include "ical-int.h"
#include "ical-serialize.h"
#include "recur.h"
#include "store.h"
#include "xmalloc.h"

struct expand {
	icalcomponent	*src, *out, *master;
	const char	*tz;		/* the series' zone (recur_master) */
	size_t		 max, n;
	int		 over;
};

/*
 * A VEVENT's RECURRENCE-ID as UTC seconds, or -1 without one (or INT64_MIN
 * when it cannot be read): a floating time or a date in the series' zone
 * tz, as recur.c reads it, so that both name the same occurrence.
 */
int64_t
ical_rid_of(icalcomponent *c, const char *tz)
{
	icalproperty	*p;
	char		*ptz = NULL, *why = NULL;
	int64_t		 t;
	int		 d;

	p = icalcomponent_get_first_property(c, ICAL_RECURRENCEID_PROPERTY);
	if (p == NULL)
		return -1;
	if (ical_read_time(p, icalproperty_get_recurrenceid(p), tz, tz, &ptz,
	    &t, &d, &why) != 0)
		t = INT64_MIN;
	free(ptz);
	free(why);
	return t;
}

static icalproperty *
utc_prop(icalproperty *(*make)(struct icaltimetype), int64_t t)
{
	return make(icaltime_from_timet_with_zone((time_t)t, 0,
	    icaltimezone_get_utc_timezone()));
}

/*
 * The component an occurrence's fields come from: its override, else the
 * latest RANGE=THISANDFUTURE one before it (recur.c), else the master.
 */
static icalcomponent *
source(struct expand *x, const struct recur_occ *o)
{
	icalcomponent	*c, *best = NULL;
	int64_t		 rid, best_rid = INT64_MIN;

	if (!o->overridden)
		return x->master;
	for (c = icalcomponent_get_first_component(x->src,
	    ICAL_VEVENT_COMPONENT); c != NULL;
	    c = icalcomponent_get_next_component(x->src,
	    ICAL_VEVENT_COMPONENT)) {
		if (c == x->master)
			continue;
		if ((rid = ical_rid_of(c, x->tz)) == o->rid)
			return c;
		if (rid != INT64_MIN && rid < o->rid && rid > best_rid &&
		    ical_this_and_future(c)) {
			best = c;
			best_rid = rid;
		}
	}
	return best != NULL ? best : x->master;
}

static int
one(void *arg, const struct recur_occ *o)
{
	struct expand	*x = arg;
	icalcomponent	*c;
	static const icalproperty_kind gone[] = { ICAL_RRULE_PROPERTY,
	    ICAL_RDATE_PROPERTY, ICAL_EXDATE_PROPERTY, ICAL_EXRULE_PROPERTY,
	    ICAL_DTSTART_PROPERTY, ICAL_DTEND_PROPERTY, ICAL_DURATION_PROPERTY,
	    ICAL_RECURRENCEID_PROPERTY };

	if (x->n++ == x->max) {
		x->over = 1;
		return 1;
	}
	c = ical_clone(source(x, o));
	for (size_t i = 0; i < sizeof gone / sizeof *gone; i++)
		ical_remove_all(c, gone[i]);
	icalcomponent_add_property(c, utc_prop(icalproperty_new_dtstart,
	    o->start));
	icalcomponent_add_property(c, utc_prop(icalproperty_new_dtend,
	    o->end));
	icalcomponent_add_property(c, utc_prop(icalproperty_new_recurrenceid,
	    o->rid));
	icalcomponent_add_component(x->out, c);
	return 0;
}

static int
recurs(icalcomponent *master, icalcomponent *cal)
{
	return icalcomponent_get_first_property(master,
	    ICAL_RRULE_PROPERTY) != NULL ||
	    icalcomponent_get_first_property(master,
	    ICAL_RDATE_PROPERTY) != NULL ||
	    icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT) > 1;
}

/* The VCALENDAR the occurrences go in: the source's own properties. */
static icalcomponent *
new_out(icalcomponent *src)
{
	icalcomponent	*out = icalcomponent_new_vcalendar();
	icalproperty	*p;

	for (p = icalcomponent_get_first_property(src, ICAL_ANY_PROPERTY);
	    p != NULL; p = icalcomponent_get_next_property(src,
	    ICAL_ANY_PROPERTY))
		icalcomponent_add_property(out, ical_clone_prop(p));
	return out;
}

char *
ical_expand(struct store *st, const char *uid, const char *body,
    const char *home, int64_t from, int64_t to, size_t max, size_t *count,
    int *over, char **cause)
{
	struct expand	 x = { NULL, NULL, NULL, NULL, max, 0, 0 };
	struct recur	*r = NULL;
	char		*text = NULL, *out = NULL;
	int		 rc;

	*over = 0;
	if ((x.src = ical_parse(body)) == NULL ||
	    (x.master = icalcomponent_get_first_component(x.src,
	    ICAL_VEVENT_COMPONENT)) == NULL) {
		*cause = xstrdup("an event's text cannot be read again");
		goto done;
	}
	while (x.master != NULL && ical_rid_of(x.master, home) != -1)
		x.master = icalcomponent_get_next_component(x.src,
		    ICAL_VEVENT_COMPONENT);
	if (x.master == NULL || !recurs(x.master, x.src)) {
		out = xstrdup(body);
		goto done;
	}
	if (store_get(st, uid, &text, cause) != 0 ||
	    (r = recur_open(text, home, cause)) == NULL)
		goto done;
	x.out = new_out(x.src);
	x.tz = recur_master(r)->tz;
	rc = recur_each(r, from, to, SIZE_MAX, one, &x, cause);
	if (x.over || rc == 1)		/* too many, or out of budget */
		*over = 1;
	else if (rc >= 0)
		out = ical_serialize(x.out);
	*count += x.n;
done:
	recur_close(r);
	free(text);
	if (x.out != NULL)
		icalcomponent_free(x.out);
	if (x.src != NULL)
		icalcomponent_free(x.src);
	return out;
}
