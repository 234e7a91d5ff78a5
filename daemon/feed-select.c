/*
 * feed-select.c — which events a calendar holds: feed_select() walks the
 * store's rows for a feed_sel (filters and window, the classes the
 * audience may see, how long a cancelled event stays as a tombstone) and
 * hands each record it keeps to ical-export.c.  `kcal export`, every HTTP
 * feed and a briefing's feed go through it, so they cannot disagree about
 * which events are in.  A recurring event is in when one of its
 * occurrences falls inside the window.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "config.h"
#include "feed.h"
#include "recur.h"
#include "server.h"
#include "store.h"
#include "xmalloc.h"

struct select_state {
	struct store		*store;
	const char		*home_tz;
	const struct feed_sel	*sel;
	struct ical_out		*out;
	char			*why;
	int			 failed;
};

/* The FEED_* bits are 1 << access_class: what ical-export.c filters by. */
_Static_assert(FEED_PUBLIC == 1 << ACCESS_CLASS_PUBLIC &&
    FEED_PRIVATE == 1 << ACCESS_CLASS_PRIVATE &&
    FEED_CONFIDENTIAL == 1 << ACCESS_CLASS_CONFIDENTIAL,
    "FEED_* bits are 1 << enum access_class");

/* A class's bit; an unknown class is PRIVATE (access_class_of). */
int
feed_class_bit(const char *class)
{
	return 1 << access_class_of(class);
}

/*
 * An occurrence its override cancelled does not count, unless the
 * selection says it does (arg: its cancelled_occurs).
 */
static int
found(void *arg, const struct recur_occ *o)
{
	const int	*cancelled_too = arg;

	return *cancelled_too || !(o->overridden && o->ev->status != NULL &&
	    strcmp(o->ev->status, "cancelled") == 0);
}

/*
 * Does a recurring event have an occurrence inside the window?  One parse
 * of the series, one walk that stops at the first occurrence that counts.
 * A walk cut short otherwise says yes too: by the budget (better a feed
 * with one event too many than one missing), or by a second occurrence
 * after one its override cancelled.
 */
static int
occurs(struct select_state *ss, const char *ical)
{
	const struct store_query	*q = &ss->sel->q;
	struct recur			*r;
	char				*why = NULL;
	int				 rc = -1;

	if (q->from == INT64_MIN && q->to == INT64_MAX)
		return 1;
	if ((r = recur_open(ical, ss->home_tz, &why)) != NULL)
		rc = recur_each(r, q->from, q->to, 1, found,
		    (void *)&ss->sel->cancelled_occurs, &why);
	recur_close(r);
	free(why);
	return rc == 1;
}

static int
select_row(void *arg, const struct event *ev, const char *ical)
{
	struct select_state	*ss = arg;
	char			*text = NULL;

	if ((feed_class_bit(ev->class) & ss->sel->classes) == 0)
		return 0;
	if (strcmp(ev->status, "cancelled") == 0 &&
	    ev->last_modified < ss->sel->tombstones_since)
		return 0;
	if (ical != NULL && !ical_out_known(ss->out, ical) && !occurs(ss, ical))
		return 0;
	/* A recurring event's record came with the row. */
	if (ical == NULL &&
	    store_get(ss->store, ev->uid, &text, &ss->why) != 0) {
		ss->failed = 1;
		return 1;
	}
	if (ical_out_add(ss->out, ical ? ical : text, &ss->why) != 0)
		ss->failed = 1;
	free(text);
	return ss->failed;
}

/* Add the events sel picks to out, in start order. */
int
feed_select(struct server *srv, const struct feed_sel *sel,
    struct ical_out *out, char **cause)
{
	return feed_select_in(srv->store, srv->cfg->home_tz, sel, out, cause);
}

/* The same from st, a window's bounds read in home_tz. */
int
feed_select_in(struct store *st, const char *home_tz,
    const struct feed_sel *sel, struct ical_out *out, char **cause)
{
	struct select_state	ss = { st, home_tz, sel, out, NULL, 0 };

	if (store_query(st, &sel->q, select_row, &ss, &ss.why) != 0 ||
	    ss.failed) {
		*cause = ss.why ? ss.why : xstrdup("cannot read the store");
		return -1;
	}
	free(ss.why);
	return 0;
}
