/*
 * feed.c — calendars built from the store for an audience.
 *
 * feed_select() picks the events (filters, window, classes, how long a
 * cancelled event stays as a tombstone) and hands their stored records to
 * ical-export.c; `kcal export` and every HTTP feed go through it, so the
 * export and the feeds cannot disagree about what an event is.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "ical.h"
#include "server.h"
#include "store.h"
#include "xmalloc.h"

struct select_state {
	struct server		*srv;
	const struct feed_sel	*sel;
	struct ical_out		*out;
	char			*why;
	int			 failed;
};

int
feed_class_bit(const char *class)
{
	if (class != NULL && strcmp(class, "private") == 0)
		return FEED_PRIVATE;
	if (class != NULL && strcmp(class, "confidential") == 0)
		return FEED_CONFIDENTIAL;
	return FEED_PUBLIC;
}

static int
found(void *arg, int64_t start, int64_t end)
{
	(void)arg; (void)start; (void)end;
	return 1;
}

/* Does a recurring event have an occurrence inside the window? */
static int
occurs(struct select_state *ss, const char *ical)
{
	const struct store_query	*q = &ss->sel->q;
	char				*why = NULL;
	int				 rc;

	if (q->from == INT64_MIN && q->to == INT64_MAX)
		return 1;
	rc = ical_expand(ical, ss->srv->cfg->home_tz, q->from, q->to, 1,
	    found, NULL, &why);
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
	if (ical != NULL && !occurs(ss, ical))
		return 0;
	if (store_get(ss->srv->store, ev->uid, &text, &ss->why) != 0) {
		ss->failed = 1;
		return 1;
	}
	if (ical_out_add(ss->out, text, &ss->why) != 0)
		ss->failed = 1;
	free(text);
	return ss->failed;
}

/* Add the events sel picks to out, in start order. */
int
feed_select(struct server *srv, const struct feed_sel *sel,
    struct ical_out *out, char **cause)
{
	struct select_state	ss = { srv, sel, out, NULL, 0 };

	if (store_query(srv->store, &sel->q, select_row, &ss, &ss.why) != 0 ||
	    ss.failed) {
		*cause = ss.why ? ss.why : xstrdup("cannot read the store");
		return -1;
	}
	free(ss.why);
	return 0;
}
