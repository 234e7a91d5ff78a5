/*
 * occur.c — a series' occurrences between the store and the recurrence
 * engine.  The store (store*.c) is SQLite and nothing else: it neither
 * parses records nor expands them.  So:
 *
 *  - occur_put() expands a series when it is written, exactly as a reader
 *    would (recur.c: RRULE, RDATE, EXDATE, overrides that move an
 *    occurrence), and hands its occurrences to store_put for the index
 *    (store-occur.c says why there is one), with its overrides'
 *    participants (store-itinerary.c);
 *  - occur_expand() answers a window from that index when it can (a
 *    series without overrides, indexed past the window, read with full
 *    clearance: each occurrence is then the master moved, and its text
 *    need not be parsed), and else from the text;
 *  - occur_visible() says whether a reminder's occurrence survives the
 *    redaction of its series;
 *  - occur_record_ops is what the store reads from a record: its class,
 *    and its text as a reader of a limited clearance may see it.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access.h"
#include "ical.h"
#include "log.h"
#include "occur.h"
#include "recur.h"
#include "store.h"
#include "store-occur.h"
#include "xmalloc.h"

struct occ_list {
	int64_t	*start, *end;
	size_t	 n;
};

static int
occ_add(void *arg, const struct recur_occ *oc)
{
	struct occ_list	*l = arg;

	l->start = xreallocarray(l->start, l->n + 1, sizeof *l->start);
	l->end = xreallocarray(l->end, l->n + 1, sizeof *l->end);
	l->start[l->n] = oc->start;
	l->end[l->n++] = oc->end;
	return 0;
}

/* OCC_YEARS past the later of the start and now, without overflow. */
static int64_t
horizon(int64_t start)
{
	int64_t	now = (int64_t)time(NULL), from = start > now ? start : now;
	int64_t	span = (int64_t)OCC_YEARS * 366 * 86400;

	return from > INT64_MAX - span ? INT64_MAX - 1 : from + span;
}

/*
 * The occurrences of series rc (ev) for the index: 0, or -1 when it does
 * not fit (OCC_MAX, the budget), and is then expanded when read.
 */
static int
index_occs(struct recur *rc, const struct event *ev, struct occ_list *l,
    int64_t *until)
{
	struct recur_budget	 saved;
	char			*why = NULL;
	int64_t			 from;
	int			 stop;

	*until = horizon(ev->start);
	/* Overrides may move an occurrence before DTSTART: a year's margin. */
	from = ev->start > INT64_MIN / 2 ? ev->start - 366 * 86400 : ev->start;
	/*
	 * A series' index has a budget of its own (recur-rules.c): bounded by
	 * OCC_MAX and by the density add and import allow, it must not be cut
	 * short because the import writing it is large.
	 */
	recur_budget_push(&saved);
	stop = recur_each(rc, from, *until, OCC_MAX, occ_add, l, &why);
	recur_budget_pop(&saved);
	free(why);
	return stop == 0 ? 0 : -1;
}

/* Every override of series rc, with its own participants, into *ovr. */
static struct store_override *
overrides(const struct recur *rc, struct store_overrides *ovr)
{
	struct store_override	*v = NULL;
	const struct event	*o;
	int64_t			 rid;
	size_t			 n = 0;

	while ((o = recur_override(rc, n, &rid)) != NULL) {
		v = xreallocarray(v, n + 1, sizeof *v);
		v[n].rid = rid;
		v[n].class = o->class;
		v[n].status = o->status;
		v[n].parts = o->parts;
		v[n++].nparts = o->nparts;
	}
	ovr->v = v;
	ovr->n = n;
	return v;
}

/*
 * A series' expansion for the index (occur.h).  Its overrides' strings
 * and participants are copied into two blocks, so that the libical tree
 * they came from is freed where it was made, and freeing the expansion
 * is a few free()s wherever it is written (a long series' tree took as
 * long to free as to write).
 */
struct occur_prep {
	struct occ_list		 l;
	struct store_occs	 occs;
	struct store_overrides	 ovr;
	struct store_override	*v;
	struct participant	*parts;		/* every override's */
	char			*strings;	/* ... and their text */
	int			 indexed;
};

static size_t
str_size(const char *s)
{
	return s != NULL ? strlen(s) + 1 : 0;
}

static const char *
str_put(char **at, const char *s)
{
	char	*d = *at;
	size_t	 n = str_size(s);

	if (s == NULL)
		return NULL;
	memcpy(d, s, n);
	*at += n;
	return d;
}

/* p's overrides, now pointing into rc, made p's own. */
static void
own_overrides(struct occur_prep *p)
{
	struct store_override	*o;
	const struct participant *q;
	size_t			 i, k, nparts = 0, bytes = 0;
	char			*at;

	for (i = 0; i < p->ovr.n; i++) {
		o = &p->v[i];
		bytes += str_size(o->class) + str_size(o->status);
		for (k = 0; k < o->nparts; k++, nparts++)
			bytes += str_size(o->parts[k].name) +
			    str_size(o->parts[k].role) +
			    str_size(o->parts[k].country);
	}
	p->parts = xcalloc(nparts + 1, sizeof *p->parts);
	at = p->strings = xmalloc(bytes + 1);
	for (i = 0, nparts = 0; i < p->ovr.n; i++) {
		o = &p->v[i];
		o->class = str_put(&at, o->class);
		o->status = str_put(&at, o->status);
		q = o->parts;
		o->parts = &p->parts[nparts];
		for (k = 0; k < o->nparts; k++, nparts++) {
			p->parts[nparts] = q[k];
			p->parts[nparts].name = (char *)str_put(&at, q[k].name);
			p->parts[nparts].role = (char *)str_put(&at, q[k].role);
			p->parts[nparts].country = (char *)str_put(&at,
			    q[k].country);
		}
	}
}

/*
 * The expansion of series ev (its record ical) that occur_put_prepared
 * writes: its occurrences for the index and its overrides.  It reads
 * nothing of the store, so it can be made on another thread, ahead of the
 * write (import-pipe.c): parsing a long series' record and walking it is
 * most of writing it.
 */
struct occur_prep *
occur_prepare(const struct event *ev, const char *ical)
{
	struct occur_prep	*p = xcalloc(1, sizeof *p);
	struct recur		*rc;
	char			*why = NULL;

	if (ev->rrule != NULL && (rc = recur_open(ical, ev->tz, &why)) != NULL) {
		p->indexed = index_occs(rc, ev, &p->l, &p->occs.until) == 0;
		p->v = overrides(rc, &p->ovr);
		own_overrides(p);
		recur_close(rc);
	}
	free(why);
	p->occs.start = p->l.start;
	p->occs.end = p->l.end;
	p->occs.n = p->l.n;
	return p;
}

void
occur_prep_free(struct occur_prep *p)
{
	if (p == NULL)
		return;
	free(p->v);
	free(p->parts);
	free(p->strings);
	free(p->l.start);
	free(p->l.end);
	free(p);
}

/* store_put of ev and ical, with p made from them (occur_prepare). */
int
occur_put_prepared(struct store *st, const struct event *ev,
    const char *ical, const struct occur_prep *p, char **cause)
{
	return store_put(st, ev, ical, p->indexed ? &p->occs : NULL, &p->ovr,
	    cause);
}

/*
 * Insert or replace an event, and for a series the index of its
 * occurrences and its overrides' participants (for people and list
 * --participant: store-itinerary.c).
 */
int
occur_put(struct store *st, const struct event *ev, const char *ical,
    char **cause)
{
	struct occur_prep	*p = occur_prepare(ev, ical);
	int			 rv;

	rv = occur_put_prepared(st, ev, ical, p, cause);
	occur_prep_free(p);
	return rv;
}

#define REINDEX_BATCH	500	/* events a commit */

/*
 * One listed event written again, in a savepoint of its own: one that
 * cannot be (its record unreadable, a write refused) is logged and left
 * as it was, not allowed to keep kcald from starting.
 */
static int
reindex_one(struct store *st, const char *uid, const char *home)
{
	struct event	 ev;
	char		*text = NULL, *why = NULL;
	int		 rc;

	if (store_begin(st, &why) != 0) {
		log_warnx("upgrade: %s left as it was: %s", uid, why);
		free(why);
		return 0;
	}
	if ((rc = store_get(st, uid, &text, &why)) == 0 &&
	    (rc = ical_extract(text, home, &ev, &why)) == 0) {
		rc = occur_put(st, &ev, text, &why);
		event_clear(&ev);
	}
	if (rc == 0 || rc == STORE_NOT_FOUND)
		store_commit(st, NULL);
	else {
		log_warnx("upgrade: %s left as it was: %s", uid,
		    why ? why : "cannot be read again");
		store_rollback(st);
	}
	free(text);
	free(why);
	return rc == 0;
}

/* Up to REINDEX_BATCH of them in one transaction: 1 when none is left. */
static int
reindex_batch(struct store *st, const char *home, size_t *n, char **cause)
{
	char	*uid = NULL;
	int	 rc = 0, k;

	if (store_begin(st, cause) != 0)
		return -1;
	for (k = 0; k < REINDEX_BATCH && (rc = store_reindex_next(st, &uid,
	    cause)) == 0; k++) {
		*n += (size_t)reindex_one(st, uid, home);
		rc = store_reindex_done(st, uid, cause);
		free(uid);
		uid = NULL;
		if (rc != 0)
			break;
	}
	if (rc < 0) {
		store_rollback(st);
		return -1;
	}
	if (store_commit(st, cause) != 0)
		return -1;
	return rc == STORE_NOT_FOUND;
}

int
occur_reindex(struct store *st, const char *home, size_t *n, char **cause)
{
	enum access_class	 cl;
	int			 rc;

	*n = 0;
	if (store_readonly(st))
		return 0;
	cl = store_set_clearance(st, ACCESS_CLASS_CONFIDENTIAL);
	while ((rc = reindex_batch(st, home, n, cause)) == 0)
		log_info("upgrade: %zu events read again so far", *n);
	store_set_clearance(st, cl);
	return rc < 0 ? -1 : 0;
}

struct from_index {
	const struct event	*ev;
	recur_cb		 cb;
	void			*arg;
};

/* An indexed occurrence: the master moved, its RECURRENCE-ID its start. */
static int
index_cb(void *arg, int64_t start, int64_t end)
{
	struct from_index	*fi = arg;
	struct event		 ev = *fi->ev;
	struct recur_occ	 oc = { start, end, start, &ev, 0, INT64_MIN };

	ev.start = start;
	ev.end = end;
	return fi->cb(fi->arg, &oc);
}

/*
 * Expand a recurring row of a window query (ev, and its text as
 * store_query hands it over) inside [from, to): recur_each's answers, but
 * read from the index when the series is indexed past the window and has
 * no RECURRENCE-ID overrides.  Parsing and expanding every series in a
 * window was most of the cost of a one-week list and of the conflict
 * check of every add.  0, 1 = cut short, -1.
 */
int
occur_expand(struct store *st, const struct event *ev, const char *ical,
    const char *home, int64_t from, int64_t to, size_t max, recur_cb cb,
    void *arg, char **cause)
{
	struct from_index	 fi = { ev, cb, arg };
	int			 rv;

	/*
	 * The index holds every occurrence, those of overrides a limited
	 * clearance may not see too (the store cut them out of ical).
	 */
	if (to != INT64_MAX && strstr(ical, "RECURRENCE-ID") == NULL &&
	    store_clearance(st) == ACCESS_CLASS_CONFIDENTIAL &&
	    (rv = store_occurrences(st, ev, from, to, max, index_cb, &fi,
	    cause)) != STORE_NOT_INDEXED)
		return rv;
	return recur_expand(ical, home, from, to, max, cb, arg, cause);
}

struct occ_seek {
	int64_t	start;
	int	found;
};

static int
occ_seek(void *arg, const struct recur_occ *oc)
{
	struct occ_seek	*s = arg;

	if (oc->start == s->start)
		s->found = 1;
	return s->found;
}

/*
 * May the store's current clearance see event uid's occurrence that
 * starts at start (a reminder about to be pushed or replayed)?  The event
 * must be readable, and for a series the occurrence must still be there
 * once the overrides above the clearance are cut out (store_get hands the
 * record out so).
 */
int
occur_visible(struct store *st, const char *uid, int64_t start,
    const char *home)
{
	struct occ_seek	 s = { start, 0 };
	char		*text = NULL, *why = NULL;

	if (store_clearance(st) == ACCESS_CLASS_CONFIDENTIAL)
		return 1;
	if (uid == NULL || store_get(st, uid, &text, &why) != 0) {
		free(why);
		return 0;
	}
	if (strcasestr(text, "RRULE") == NULL &&
	    strcasestr(text, "RDATE") == NULL)
		s.found = 1;
	else if (recur_expand(text, home, start, start + 1, 64, occ_seek, &s,
	    &why) < 0)
		free(why);
	free(text);
	return s.found;
}

/* store_record_ops.redact: ical_redact's answer as the store's. */
static int
redact(const char *stored, enum access_class clearance,
    int (*visible)(void *, const char *), void *arg, char **text)
{
	if (ical_redact(stored, clearance, visible, arg, text) ==
	    ICAL_REDACT_HIDDEN)
		return STORE_NOT_FOUND;
	return 0;
}

const struct store_record_ops occur_record_ops = {
	redact,
	ical_record_class
};
