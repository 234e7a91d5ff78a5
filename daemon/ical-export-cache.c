/*
 * ical-export-cache.c — what a feed's last build wrote for each stored
 * record (struct ical_cache), so that the next build parses and writes
 * again only the records that changed, not ten thousand.  A record is
 * found again by its exact stored text; it goes when the build options
 * change, when a build no longer takes it, or when an event it points at
 * is hidden now and was not then (or the other way round).
 *
 * A feed's window moves every day.  What a single event writes does not
 * depend on it, so its record stays; one that recurs (a series, RRULE or
 * RDATE: struct ical_rec's windowed) goes, since it may be flattened to
 * the window's occurrences (ical-feed-recur.c) and ical_out_known tells
 * the build that a record found recurs in the window.  So the first build
 * of the day makes again only the series, not every record.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ical-export-int.h"
#include "xmalloc.h"

void
ical_rec_free(struct ical_rec *r)
{
	for (size_t i = 0; i < r->ntzid; i++)
		free(r->tzid[i]);
	free(r->tzid);
	for (size_t i = 0; i < r->nref; i++)
		free(r->ref[i]);
	free(r->ref);
	free(r->refhid);
	free(r->src);
	free(r->text);
	free(r);
}

struct ical_cache *
ical_cache_new(void)
{
	return xcalloc(1, sizeof (struct ical_cache));
}

static void
cache_clear(struct ical_cache *c)
{
	struct ical_rec	*r, *next;

	for (size_t i = 0; i < c->size; i++)
		for (r = c->tab[i]; r != NULL; r = next) {
			next = r->next;
			ical_rec_free(r);
		}
	free(c->tab);
	free(c->home);
	c->tab = NULL;
	c->home = NULL;
	c->size = c->n = 0;
	c->filled = 0;
}

void
ical_cache_free(struct ical_cache *c)
{
	if (c == NULL)
		return;
	cache_clear(c);
	free(c);
}

/*
 * Were the cached records made with what o asks for?  1 if so, 0 if not;
 * 2 if with all of it but the window (from, to).
 */
static int
cache_fits(const struct ical_cache *c, const struct ical_out_opts *o)
{
	if (!c->filled)
		return 0;
	if (c->o.feed != o->feed || c->o.alarms != o->alarms ||
	    c->o.redact != o->redact || c->o.max_rdates != o->max_rdates ||
	    c->o.classes != o->classes ||
	    (c->o.hidden == NULL) != (o->hidden == NULL))
		return 0;
	if (c->home == NULL || o->home == NULL ? c->home != o->home :
	    strcmp(c->home, o->home) != 0)
		return 0;
	return c->o.from == o->from && c->o.to == o->to ? 1 : 2;
}

/*
 * Drop the records that recur (window: they were made for another one),
 * or those the last build did not use.
 */
static void
cache_drop(struct ical_cache *c, int window)
{
	struct ical_rec	**rp, *r;

	for (size_t i = 0; i < c->size; i++)
		for (rp = &c->tab[i]; (r = *rp) != NULL;) {
			if (window ? !r->windowed : r->mark == c->mark) {
				rp = &r->next;
				continue;
			}
			*rp = r->next;
			ical_rec_free(r);
			c->n--;
		}
}

/*
 * A build begins: the records go if they were made for other options,
 * those that recur if only the window moved.
 */
void
ical_cache_begin(struct ical_cache *c, const struct ical_out_opts *o)
{
	int	fits = cache_fits(c, o);

	if (fits == 2) {
		cache_drop(c, 1);
		c->o.from = o->from;
		c->o.to = o->to;
	} else if (fits == 0) {
		cache_clear(c);
		c->o = *o;
		c->o.calname = NULL;
		c->o.hidden_arg = NULL;
		c->home = o->home ? xstrdup(o->home) : NULL;
		c->o.home = NULL;
		c->filled = 1;
	}
	c->mark++;
}

/* Drop what the last build did not use. */
void
ical_cache_sweep(struct ical_cache *c)
{
	cache_drop(c, 0);
}

void
ical_cache_insert(struct ical_cache *c, struct ical_rec *r)
{
	struct ical_rec	**tab, *e, *next;
	size_t		  size;

	if (c->n >= c->size) {
		size = c->size ? c->size * 2 : 1024;
		tab = xcalloc(size, sizeof *tab);
		for (size_t i = 0; i < c->size; i++)
			for (e = c->tab[i]; e != NULL; e = next) {
				next = e->next;
				e->next = tab[e->hash & (size - 1)];
				tab[e->hash & (size - 1)] = e;
			}
		free(c->tab);
		c->tab = tab;
		c->size = size;
	}
	r->next = c->tab[r->hash & (c->size - 1)];
	c->tab[r->hash & (c->size - 1)] = r;
	c->n++;
}

static struct ical_rec *
cache_find(struct ical_cache *c, const char *src, size_t len, uint64_t hash)
{
	struct ical_rec	*r;

	if (c->size == 0)
		return NULL;
	for (r = c->tab[hash & (c->size - 1)]; r != NULL; r = r->next)
		if (r->hash == hash && r->srclen == len &&
		    memcmp(r->src, src, len) == 0)
			return r;
	return NULL;
}

/*
 * A record found in the cache, if what it was written from still holds:
 * its text is the key, but whether each event it points at is hidden can
 * change without it (a parent made confidential); then it goes.
 */
struct ical_rec *
ical_cache_lookup(struct ical_cache *c, const struct ical_out_opts *o,
    const char *src, size_t len, uint64_t hash)
{
	struct ical_rec	*r, **rp;

	if ((r = cache_find(c, src, len, hash)) == NULL)
		return NULL;
	for (size_t i = 0; i < r->nref; i++) {
		if (ical_out_hides(o, r->ref[i]) == r->refhid[i])
			continue;
		for (rp = &c->tab[hash & (c->size - 1)]; *rp != r;
		    rp = &(*rp)->next)
			;
		*rp = r->next;
		ical_rec_free(r);
		c->n--;
		return NULL;
	}
	return r;
}
