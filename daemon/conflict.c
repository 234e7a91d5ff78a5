/*
 * conflict.c — clash detection (conflict.h).  Per participant, the events
 * are sorted by start; a sweep finds the overlaps (each later event that
 * starts before an earlier one ends) and, keeping the event that ends
 * last, the transfer gaps to the next event that does not overlap.  A pair
 * that clashes for several participants is one conflict naming them all.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "city.h"
#include "conflict.h"
#include "xmalloc.h"

struct entry {			/* one participant in one event */
	const char	*name;
	size_t		 ev;
};

struct ctx {
	const struct event	*evs;
	char			**from, **to;	/* each event's cities */
	conflict_transfer_cb	 cb;
	void			*arg;
	struct conflicts	*out;
};

int
conflict_visit_kind(const char *kind)
{
	return kind != NULL && (strcmp(kind, "state-visit") == 0 ||
	    strcmp(kind, "official-visit") == 0 ||
	    strcmp(kind, "working-visit") == 0);
}

const char *
conflict_type_name(enum conflict_type t)
{
	switch (t) {
	case CONFLICT_OVERLAP: return "overlap";
	case CONFLICT_TRANSFER: return "transfer";
	default: return "outside_visit";
	}
}

static int
live(const struct event *ev)
{
	return ev->status == NULL || strcmp(ev->status, "cancelled") != 0;
}

/* May this event clash with another over time or place? */
static int
timed(const struct event *ev)
{
	return live(ev) && !ev->all_day && ev->nparts > 0 &&
	    !conflict_visit_kind(ev->kind);
}

/* The same event (occurrences of one series), or one contains the other. */
static int
related(const struct event *a, const struct event *b)
{
	return strcmp(a->uid, b->uid) == 0 ||
	    (a->parent != NULL && strcmp(a->parent, b->uid) == 0) ||
	    (b->parent != NULL && strcmp(b->parent, a->uid) == 0);
}

/* A new zeroed slot at the end of o->v, grown by half (not one by one). */
static struct conflict *
slot(struct conflicts *o)
{
	if (o->n == o->alloc) {
		o->alloc = o->alloc < 16 ? 16 : o->alloc + o->alloc / 2;
		o->v = xreallocarray(o->v, o->alloc, sizeof *o->v);
	}
	memset(&o->v[o->n], 0, sizeof *o->v);
	return &o->v[o->n++];
}

/* Record a clash (merge() then joins the same clash for several people). */
static void
add(struct ctx *c, enum conflict_type t, size_t a, size_t b,
    const char *who, int64_t gap, int64_t need)
{
	struct conflicts	*o = c->out;
	struct conflict		*k;

	if (o->only != NULL && !o->only[a] && !o->only[b])
		return;
	if (o->max > 0 && o->n >= o->max) {
		o->truncated = 1;
		return;
	}
	k = slot(o);
	k->type = t;
	k->a = &c->evs[a];
	k->b = &c->evs[b];
	k->who = xstrdup(who);
	k->gap = gap;
	k->need = need;
	if (t == CONFLICT_TRANSFER) {
		k->from = xstrdup(c->to[a]);
		k->to = xstrdup(c->from[b]);
	}
}

struct pair {
	enum conflict_type	 t;
	uintptr_t		 a, b;
	size_t			 i;		/* position in the list */
};

static int
by_pair(const void *x, const void *y)
{
	const struct pair	*p = x, *q = y;

	if (p->t != q->t)
		return p->t < q->t ? -1 : 1;
	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	if (p->b != q->b)
		return p->b < q->b ? -1 : 1;
	return p->i < q->i ? -1 : p->i > q->i;
}

/*
 * One conflict per pair of events and type, naming each participant it
 * clashes for in the order found.  Sorted, not searched for on every find:
 * that is quadratic in the clashes, and a crowded hour (many events
 * sharing names) would hold an add for minutes.
 */
static void
merge(struct conflicts *o)
{
	struct pair	*p;
	struct conflict	*k, *d;
	size_t		 i, j, n = 0;
	char		*s;

	if (o->n < 2)
		return;
	p = xcalloc(o->n, sizeof *p);
	for (i = 0; i < o->n; i++) {
		p[i].t = o->v[i].type;
		p[i].a = (uintptr_t)o->v[i].a;
		p[i].b = (uintptr_t)o->v[i].b;
		p[i].i = i;
	}
	qsort(p, o->n, sizeof *p, by_pair);
	for (i = 0; i < o->n; i = j) {
		k = &o->v[p[i].i];
		for (j = i + 1; j < o->n && p[i].t != CONFLICT_OUTSIDE &&
		    p[j].t == p[i].t && p[j].a == p[i].a && p[j].b == p[i].b;
		    j++) {
			d = &o->v[p[j].i];
			xasprintf(&s, "%s, %s", k->who, d->who);
			free(k->who);
			k->who = s;
			free(d->who);
			free(d->from);
			free(d->to);
			d->a = NULL;		/* merged away */
		}
	}
	for (i = 0; i < o->n; i++)
		if (o->v[i].a != NULL)
			o->v[n++] = o->v[i];
	o->n = n;
	free(p);
}

static int
by_name_start(const void *x, const void *y, void *arg)
{
	const struct event	*evs = arg;
	const struct entry	*p = x, *q = y;
	const struct event	*a = &evs[p->ev], *b = &evs[q->ev];
	int			 r = strcasecmp(p->name, q->name);

	if (r != 0)
		return r;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (a->end != b->end)
		return a->end < b->end ? -1 : 1;
	return p->ev < q->ev ? -1 : p->ev > q->ev;
}

/* Overlaps and transfer gaps of one participant's events e[0..n). */
static void
sweep(struct ctx *c, const struct entry *e, size_t n)
{
	const struct event	*evs = c->evs;
	size_t			 i, j, last = e[0].ev;
	int64_t			 need;

	for (i = 0; i < n; i++) {
		const struct event *a = &evs[e[i].ev];

		for (j = i + 1; j < n && evs[e[j].ev].start < a->end; j++)
			if (!related(a, &evs[e[j].ev]))
				add(c, CONFLICT_OVERLAP, e[i].ev, e[j].ev,
				    e[i].name, 0, 0);
		if (i == 0)
			continue;
		if (a->start >= evs[last].end && c->to[last] != NULL &&
		    c->from[e[i].ev] != NULL &&
		    !city_same(c->to[last], c->from[e[i].ev]) &&
		    !related(a, &evs[last])) {
			need = c->cb(c->arg, c->to[last], c->from[e[i].ev]);
			if (a->start - evs[last].end < need)
				add(c, CONFLICT_TRANSFER, last, e[i].ev,
				    e[i].name, a->start - evs[last].end, need);
		}
		if (a->end >= evs[last].end)
			last = e[i].ev;
	}
}

/* Events outside the dates of their visit (a live parent in visits). */
static void
outside(struct ctx *c, size_t n, const struct event *visits, size_t nv)
{
	const struct event	*ev, *v;
	struct conflicts	*o = c->out;
	struct conflict		*x;

	for (size_t i = 0; i < n; i++) {
		ev = &c->evs[i];
		if (!live(ev) || ev->parent == NULL)
			continue;
		for (size_t k = 0; k < nv; k++) {
			v = &visits[k];
			if (strcmp(v->uid, ev->parent) != 0)
				continue;
			if (o->only != NULL && !o->only[i])
				break;
			if (o->max > 0 && o->n >= o->max) {
				o->truncated = 1;
				break;
			}
			if (live(v) && (ev->start < v->start || ev->end > v->end)) {
				x = slot(o);
				x->type = CONFLICT_OUTSIDE;
				x->a = ev;
				x->b = v;
			}
			break;
		}
	}
}

static int
by_time(const void *x, const void *y)
{
	const struct conflict	*p = x, *q = y;

	if (p->a->start != q->a->start)
		return p->a->start < q->a->start ? -1 : 1;
	if (p->type != q->type)
		return p->type < q->type ? -1 : 1;
	if (p->b->start != q->b->start)
		return p->b->start < q->b->start ? -1 : 1;
	return strcmp(p->a->uid, q->a->uid);
}

/*
 * Find the clashes among evs[0..n), with visits[0..nv) the parents known
 * (for the outside-the-visit check).  out is appended to, in time order;
 * its conflicts point into evs and visits.  With out->only, only the
 * clashes of the events marked there; with out->max, at most that many
 * (then out->truncated).
 */
void
conflict_find(const struct event *evs, size_t n, const struct event *visits,
    size_t nv, conflict_transfer_cb cb, void *arg, struct conflicts *out)
{
	struct ctx	 c = { evs, NULL, NULL, cb, arg, out };
	struct entry	*e = NULL;
	size_t		 ne = 0, i, j;

	c.from = xcalloc(n + 1, sizeof *c.from);
	c.to = xcalloc(n + 1, sizeof *c.to);
	for (i = 0; i < n; i++) {
		if (!timed(&evs[i]))
			continue;
		c.from[i] = city_of(&evs[i], 0);
		c.to[i] = city_of(&evs[i], 1);
		e = xreallocarray(e, ne + evs[i].nparts, sizeof *e);
		for (j = 0; j < evs[i].nparts; j++) {
			e[ne].name = evs[i].parts[j].name;
			e[ne++].ev = i;
		}
	}
	if (ne > 1)
		qsort_r(e, ne, sizeof *e, by_name_start, (void *)evs);
	for (i = 0; i < ne; i = j) {
		for (j = i + 1; j < ne && strcasecmp(e[i].name, e[j].name) == 0;
		    j++)
			;
		sweep(&c, e + i, j - i);
	}
	merge(out);
	outside(&c, n, visits, nv);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, by_time);
	for (i = 0; i < n; i++) {
		free(c.from[i]);
		free(c.to[i]);
	}
	free(c.from);
	free(c.to);
	free(e);
}

void
conflicts_clear(struct conflicts *cs)
{
	for (size_t i = 0; i < cs->n; i++) {
		free(cs->v[i].who);
		free(cs->v[i].from);
		free(cs->v[i].to);
	}
	free(cs->v);
	cs->v = NULL;
	cs->n = 0;
	cs->alloc = 0;
}

/* Does the conflict involve the event with this UID? */
int
conflict_involves(const struct conflict *k, const char *uid)
{
	return strcmp(k->a->uid, uid) == 0 || strcmp(k->b->uid, uid) == 0;
}
