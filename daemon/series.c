/*
 * series.c — the occurrences of the recurring rows of one request
 * (series.h), for the commands that show them.
 *
 * An occurrence the master describes is shown as the caller's row (the
 * store's columns, or a feed's view of the event: what the command showed
 * before it recurred); one an override replaced, as the override says it
 * now is, with its own summary, place, class, status, participants and
 * times in its own zone.  The record handed over is the one the reader may
 * see (store-access.c cuts the overrides above a reader's clearance out of
 * their series, a feed's view its own), so an override hidden from the
 * reader never reaches recur_open().
 *
 * A stored series without overrides goes through occur_expand(), which
 * reads its occurrences from the store's index when it can (occur.c) and
 * need not parse it at all; every occurrence is then its master's.  Not a
 * record rewritten for a feed (series_new without a store): the index
 * knows the occurrences of the overrides the feed cut out of it.  A
 * series with overrides is parsed once per request and kept, by UID, for
 * the other windows that walk it (the conflict check of a write walks
 * several).
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "occur.h"
#include "series.h"
#include "store.h"
#include "xmalloc.h"

struct parsed {
	char		*text;
	struct recur	*rc;
};

struct series {
	struct store	*st;
	const char	*home;
	json_t		*index;		/* UID -> position in v */
	struct parsed	*v;
	size_t		 n;
};

struct walk {
	const struct event	*row;
	recur_cb		 cb;
	void			*arg;
};

struct series *
series_new(struct store *st, const char *home)
{
	struct series	*s = xcalloc(1, sizeof *s);

	s->st = st;
	s->home = home;
	s->index = json_object();
	return s;
}

void
series_free(struct series *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].text);
		recur_close(s->v[i].rc);
	}
	free(s->v);
	json_decref(s->index);
	free(s);
}

/* Did its override cancel this occurrence? */
int
series_cancelled(const struct recur_occ *oc)
{
	return oc->overridden && oc->ev->status != NULL &&
	    strcmp(oc->ev->status, "cancelled") == 0;
}

/* An occurrence the master describes is the row, at its own times. */
static int
from_recur(void *arg, const struct recur_occ *oc)
{
	struct walk		*w = arg;
	struct event		 ev;
	struct recur_occ	 occ = *oc;

	if (oc->overridden)
		return w->cb(w->arg, oc);
	ev = *w->row;
	ev.start = oc->start;
	ev.end = oc->end;
	occ.ev = &ev;
	return w->cb(w->arg, &occ);
}

/* The series uid as parsed from text in this request, parsed if need be. */
static struct recur *
parsed(struct series *s, const char *uid, const char *text, char **cause)
{
	json_t		*at = json_object_get(s->index, uid);
	struct parsed	*p;
	struct recur	*rc;

	if (at != NULL) {
		p = &s->v[json_integer_value(at)];
		if (strcmp(p->text, text) == 0)
			return p->rc;
	}
	if ((rc = recur_open(text, s->home, cause)) == NULL)
		return NULL;
	if (at != NULL) {		/* changed within the request */
		free(p->text);
		recur_close(p->rc);
	} else {
		s->v = xreallocarray(s->v, s->n + 1, sizeof *s->v);
		p = &s->v[s->n];
		json_object_set_new(s->index, uid, json_integer(s->n++));
	}
	p->text = xstrdup(text);
	p->rc = rc;
	return rc;
}

/*
 * Call cb for each occurrence of the recurring row (its record text) that
 * overlaps [from, to), at most max: 0, 1 when max, cb or the budget cut
 * the walk short, -1 with *cause.  An occurrence cancelled by its
 * override is reported too (series_cancelled).
 */
int
series_each(struct series *s, const struct event *row, const char *text,
    int64_t from, int64_t to, size_t max, recur_cb cb, void *arg,
    char **cause)
{
	struct walk	 w = { row, cb, arg };
	struct recur	*rc;

	if (s->st != NULL && strstr(text, "RECURRENCE-ID") == NULL)
		return occur_expand(s->st, row, text, s->home, from, to, max,
		    from_recur, &w, cause);
	if ((rc = parsed(s, row->uid, text, cause)) == NULL)
		return -1;
	return recur_each(rc, from, to, max, from_recur, &w, cause);
}
