/*
 * list-items.c — the items of one "list" reply (list-items.h).
 *
 * Why: a week of a large store holds over a thousand items, and a client
 * asking for the first screenful (limit) shows a fraction of them.  Making
 * every item JSON and reading every row's participants only to cut the
 * sorted array afterwards was most of a paged list's time.  Here each item
 * is kept as an event (its row copied once, however many occurrences
 * point at it; an override as its own copy) while it may still be on the
 * page: the limit + 1 earliest starts seen are kept in a max-heap, and an
 * item starting after the latest of them cannot be.  At the end the items
 * are sorted in cmd_event_cmp's order (start, UID, RECURRENCE-ID), cut to
 * the page, the page's rows read for their participants and itinerary
 * fields in one batch (store_query_rest, for a bare query), and only then
 * written as JSON text (event-write.c), which the reply carries as it
 * is.  Everything lives in one request: no state is shared.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "config.h"
#include "cursor.h"
#include "event-write.h"
#include "json-raw.h"
#include "list-items.h"
#include "store.h"
#include "xmalloc.h"

struct item {
	int64_t		 start, end;
	char		*rid;		/* NULL: not an occurrence */
	size_t		 row;		/* index into rows */
	struct event	*own;		/* an override as it now is, or NULL */
};

struct list_items {
	size_t		 keep;		/* limit + 1, or 0: every item */
	int64_t		*heap;		/* max-heap of the keep earliest starts */
	size_t		 nheap;
	size_t		 count;		/* items added, kept or not */
	struct item	*v;
	size_t		 n, cap;
	struct event	*rows;
	size_t		 nrows, caprows;
	int		 copied;	/* the current row is rows[nrows - 1] */
};

struct list_items *
list_items_new(size_t limit)
{
	struct list_items	*li = xcalloc(1, sizeof *li);

	if (limit > 0) {
		li->keep = limit + 1;
		li->heap = xcalloc(li->keep, sizeof *li->heap);
	}
	return li;
}

void
list_items_free(struct list_items *li)
{
	size_t	i;

	if (li == NULL)
		return;
	for (i = 0; i < li->n; i++) {
		free(li->v[i].rid);
		if (li->v[i].own != NULL)
			event_clear(li->v[i].own);
		free(li->v[i].own);
	}
	for (i = 0; i < li->nrows; i++)
		event_clear(&li->rows[i]);
	free(li->v);
	free(li->rows);
	free(li->heap);
	free(li);
}

/* The next items come from another store row. */
void
list_items_row(struct list_items *li)
{
	li->copied = 0;
}

size_t
list_items_count(const struct list_items *li)
{
	return li->count;
}

static void
sift_down(int64_t *h, size_t n)
{
	size_t	i, c;
	int64_t	t;

	for (i = 0; (c = 2 * i + 1) < n; i = c) {
		if (c + 1 < n && h[c + 1] > h[c])
			c++;
		if (h[c] <= h[i])
			break;
		t = h[c];
		h[c] = h[i];
		h[i] = t;
	}
}

/* Keep start among the keep earliest; may an item there be on the page? */
static int
heap_add(struct list_items *li, int64_t start)
{
	int64_t	*h = li->heap;
	size_t	 i;

	if (li->keep == 0)
		return 1;
	if (li->nheap < li->keep) {
		for (i = li->nheap++; i > 0 && h[(i - 1) / 2] < start;
		    i = (i - 1) / 2)
			h[i] = h[(i - 1) / 2];
		h[i] = start;
		return 1;
	}
	if (start > h[0])
		return 0;
	h[0] = start;
	sift_down(h, li->nheap);
	return 1;
}

/*
 * Are limit + 1 items held, all starting before start?  Then *k is the
 * latest of their starts, and a row starting at start adds nothing to the
 * page unless the store says a later row may (store_query_settled).
 */
int
list_items_full(const struct list_items *li, int64_t start, int64_t *k)
{
	if (li->keep == 0 || li->nheap < li->keep || start <= li->heap[0])
		return 0;
	*k = li->heap[0];
	return 1;
}

/* The current row, copied on its first item. */
static size_t
row_index(struct list_items *li, const struct event *row)
{
	if (!li->copied) {
		if (li->nrows == li->caprows) {
			li->caprows = li->caprows ? 2 * li->caprows : 64;
			li->rows = xreallocarray(li->rows, li->caprows,
			    sizeof *li->rows);
		}
		event_copy(&li->rows[li->nrows++], row);
		li->copied = 1;
	}
	return li->nrows - 1;
}

/*
 * An item of row (a store row as read): own is the override it is, or
 * NULL (the row itself, at start..end); rid its RECURRENCE-ID, or NULL.
 */
void
list_items_add(struct list_items *li, const struct event *row,
    const struct event *own, int64_t start, int64_t end, const char *rid)
{
	struct item	*it;

	li->count++;
	if (!heap_add(li, start))
		return;
	if (li->n == li->cap) {
		li->cap = li->cap ? 2 * li->cap : 256;
		li->v = xreallocarray(li->v, li->cap, sizeof *li->v);
	}
	it = &li->v[li->n++];
	it->start = start;
	it->end = end;
	it->rid = rid != NULL ? xstrdup(rid) : NULL;
	it->row = row_index(li, row);
	it->own = NULL;
	if (own != NULL) {
		it->own = xmalloc(sizeof *it->own);
		event_copy(it->own, own);
	}
}

static const char *
uid_of(const struct list_items *li, const struct item *it)
{
	return li->rows[it->row].uid ? li->rows[it->row].uid : "";
}

/* qsort has no argument: the items being sorted, one request at a time. */
static _Thread_local const struct list_items *sorting;

/* cmd_event_cmp's order: start, then UID, then RECURRENCE-ID. */
static int
by_key(const void *a, const void *b)
{
	const struct item	*x = a, *y = b;
	int			 c;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if ((c = strcmp(uid_of(sorting, x), uid_of(sorting, y))) != 0)
		return c;
	return strcmp(x->rid ? x->rid : "", y->rid ? y->rid : "");
}

/* Read the participants and itinerary of the rows the first n items show. */
static int
load_shown(struct list_items *li, struct store *st, size_t n)
{
	struct event	*tmp;
	size_t		*at, i, m = 0;
	char		*want = xcalloc(li->nrows + 1, 1);
	int		 rc;

	for (i = 0; i < n; i++)
		if (li->v[i].own == NULL)
			want[li->v[i].row] = 1;
	tmp = xcalloc(li->nrows + 1, sizeof *tmp);
	at = xcalloc(li->nrows + 1, sizeof *at);
	for (i = 0; i < li->nrows; i++)
		if (want[i]) {
			at[m] = i;
			tmp[m++] = li->rows[i];
		}
	rc = store_query_rest(st, tmp, m);
	for (i = 0; i < m; i++)
		li->rows[at[i]] = tmp[i];	/* what it read now belongs here */
	free(tmp);
	free(at);
	free(want);
	return rc;
}

/*
 * KCAL_LIST_SLOW=1, for tests only: every list is made the old way, the
 * row walk (cmd-list.c) and each event a jansson object, so that a test
 * can compare the fast path's replies with it byte for byte
 * (test-list-diff.sh).
 */
int
list_items_slow(void)
{
	const char	*v = getenv("KCAL_LIST_SLOW");

	return v != NULL && strcmp(v, "1") == 0;
}

/* One event of the page, when event_write_json cannot write it. */
static void
write_slow(struct jbuf *b, struct cmd_ctx *ctx, const struct event *ev,
    const char *rid)
{
	json_t	*o = cmd_event_json(ctx, ev);

	if (rid != NULL)
		json_object_set_new(o, "recurrence_id", json_string(rid));
	json_dump_callback(o, jbuf_dump_cb, b, JSON_COMPACT);
	json_decref(o);
}

/* The first n items as a JSON array, written as text (json-raw.h). */
static json_t *
page_json(struct list_items *li, struct cmd_ctx *ctx, size_t n)
{
	struct jbuf	 b = { NULL, 0, 0 };
	struct item	*it;
	struct event	 ev;
	const char	*home = ctx->cfg->home_tz;
	json_t		*a;
	int		 slow = list_items_slow();

	jbuf_add(&b, "[", 1);
	for (size_t i = 0; i < n; i++) {
		it = &li->v[i];
		if (it->own != NULL)
			ev = *it->own;
		else {
			ev = li->rows[it->row];
			ev.start = it->start;
			ev.end = it->end;
		}
		if (i > 0)
			jbuf_add(&b, ",", 1);
		if (slow || event_write_json(&b, &ev, home, it->rid) != 0)
			write_slow(&b, ctx, &ev, it->rid);
	}
	jbuf_add(&b, "]", 1);
	a = json_raw(&b);
	free(b.p);
	return a;
}

/* The earliest start of the items held (INT64_MAX: none). */
int64_t
list_items_first(const struct list_items *li)
{
	int64_t	t = INT64_MAX;

	for (size_t i = 0; i < li->n; i++)
		if (li->v[i].start < t)
			t = li->v[i].start;
	return t;
}

/*
 * The page: the items sorted, the first limit of them (all without a
 * limit) as JSON text (json_raw), their number in *count, and in *next
 * the cursor after them when more follow.  With a limit, only items that
 * start before before (a series was expanded no further: the page ends
 * there, and the next goes on) when any does.  bare: the rows were read
 * without their participants (store_query).  NULL if the store failed.
 */
json_t *
list_items_page(struct list_items *li, struct cmd_ctx *ctx, struct store *st,
    int bare, int64_t before, char **next, size_t *count)
{
	struct item	*it;
	size_t		 n = li->n, k;

	*next = NULL;
	sorting = li;
	if (li->n > 1)		/* qsort's array may not be NULL, even empty */
		qsort(li->v, li->n, sizeof *li->v, by_key);
	sorting = NULL;
	if (li->keep > 0 && n >= li->keep)
		n = li->keep - 1;
	for (k = 0; li->keep > 0 && k < n && li->v[k].start < before; k++)
		;
	if (k > 0 && k < n)
		n = k;
	if (li->keep > 0 && n > 0 && (n < li->n || before != INT64_MAX)) {
		/*
		 * Items held past the page, or a series whose expansion
		 * stopped at before (more of it may follow, however few of
		 * its occurrences the filters kept): the next page goes on
		 * after the last shown.
		 */
		it = &li->v[n - 1];
		*next = cursor_encode(it->start, uid_of(li, it), it->rid ?
		    it->rid : "");
	}
	if (bare && load_shown(li, st, n) != 0) {
		free(*next);
		*next = NULL;
		return NULL;
	}
	*count = n;
	return page_json(li, ctx, n);
}
