/*
 * cmd-list.c — "list": events overlapping a window, filtered, in start
 * order.  Recurring events are expanded into their occurrences inside the
 * window (series.h: RECURRENCE-ID overrides in place of the occurrences
 * they replace, each with its own fields); the total is capped
 * (max_occurrences) and the reply says so.  An override that no longer
 * answers the filters (another status, kind, text or people) is left out.
 * Paging (limit, cursor): items at or before the cursor's key are skipped
 * before they become JSON; the page is the first "limit" of the sorted
 * rest, and next_cursor names its last.
 * The cap is the first max_occurrences items in the list's order, not in
 * the order rows are read: a series read first (its master starts
 * earlier) used to fill it with its occurrences to the window's end, and
 * the single events between them were cut off, from every later page too
 * (found by a black-box hunt).  So the items kept are the page's (limit +
 * 1, or max_occurrences + 1 without a limit) earliest, however many were
 * seen; a page expands each series from the cursor's start only as far as
 * it needs (add_row), and ends before the first place a series was not
 * expanded (cut_min), so that the next page goes on from there.
 * Items are held as events (list-items.c) and only the page becomes JSON.
 * A page does not read the whole window either: once limit + 1 items are
 * held and the next row starts after all of them, the rows are read no
 * further when the store says no later row can show anything earlier
 * (store_query_settled); "truncated" then speaks of the rows read.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "access.h"
#include "cmd.h"
#include "cursor.h"
#include "kcal-protocol.h"
#include "list-items.h"
#include "log.h"
#include "series.h"
#include "server.h"
#include "store.h"
#include "text-fold.h"
#include "tz.h"
#include "xmalloc.h"

struct list_state {
	struct cmd_ctx		*ctx;
	struct store		*st;
	struct list_items	*items;
	const struct store_query *q;
	const struct event	*ev;		/* the recurring event expanded */
	struct series		*series;
	int64_t			 from, to;
	size_t			 max;
	int			 truncated;
	int			 include_cancelled;
	const struct cursor	*after;		/* the page's cursor, or NULL */
	char			*why;
	int			 unsettled;	/* later rows may come earlier */
	size_t			 limit;		/* the page's, or 0 */
	int			 stopped;	/* rows left unread: page full */
	int64_t			 last_emit;	/* the series' last occurrence */
	int64_t			 cut_min;	/* where a series' expansion
						   stopped first (a page ends
						   before it), or INT64_MAX */
};

/* A page's item by its row (list_fast): the rowid, its place in order. */
struct pick {
	int64_t	rowid;
	size_t	at;
};

#define LIST_LIMIT_MAX	10000
#define SERIES_SLACK	64	/* a page's series: occurrences past limit +
				   1 (the cursor's own, ones that overlap it) */

/* Is the item (start, uid, rid) at or before the cursor: shown already? */
static int
seen(const struct list_state *ls, int64_t start, const char *uid,
    const char *rid)
{
	return ls->after != NULL && cursor_cmp(ls->after, start, uid, rid) >= 0;
}

/*
 * Has the page all it needs before a row starting at start: limit + 1
 * items held, all before it, and no later row able to show one earlier?
 */
static int
page_full(struct list_state *ls, int64_t start)
{
	int64_t	k;

	if (ls->unsettled || !list_items_full(ls->items, start, &k))
		return 0;
	if (store_query_settled(ls->st, ls->from, ls->to, k))
		return 1;
	ls->unsettled = 1;	/* a later check would cost as much again */
	return 0;
}

/*
 * Does an occurrence answer the query's filters?  The store chose its
 * series by the master's fields, or for having overrides (one may answer
 * alone: an override with a kind, status, text or people of its own
 * answers for itself), so each occurrence is checked.
 */
static int
override_matches(const struct store_query *q, const struct event *ev)
{
	size_t	i;

	if (q->kind != NULL && (ev->kind == NULL || strcmp(ev->kind,
	    q->kind) != 0))
		return 0;
	if (q->status != NULL && (ev->status == NULL || strcmp(ev->status,
	    q->status) != 0))
		return 0;
	if (q->search != NULL && !text_holds(ev->summary, q->search) &&
	    !text_holds(ev->location, q->search) &&
	    !text_holds(ev->description, q->search))
		return 0;
	if (q->participant == NULL)
		return 1;
	for (i = 0; i < ev->nparts; i++)
		if (text_holds(ev->parts[i].name, q->participant))
			return 1;
	return 0;
}

/* An occurrence, as its override (if any) says it now is. */
static int
add_occurrence(void *arg, const struct recur_occ *oc)
{
	struct list_state	*ls = arg;
	struct event		 occ = *oc->ev;
	char			 rid[64];

	ls->last_emit = oc->start;
	if (!ls->include_cancelled && series_cancelled(oc))
		return 0;
	/*
	 * The store handed over a series whose master answers the filters,
	 * or that has overrides (override_people): each occurrence is
	 * checked.
	 */
	if ((oc->overridden || ls->q->participant != NULL ||
	    ls->q->kind != NULL || ls->q->status != NULL ||
	    ls->q->search != NULL) && !override_matches(ls->q, oc->ev))
		return 0;
	tz_iso("UTC", oc->rid, rid, sizeof rid);
	if (seen(ls, oc->start, ls->ev->uid, rid))
		return 0;
	occ.rrule = ls->ev->rrule;
	list_items_add(ls->items, ls->ev, oc->overridden ? &occ : NULL,
	    oc->start, oc->end, rid);
	return 0;
}

/*
 * Does the series' record emit its occurrences in start order (one RRULE,
 * no RDATE, no override)?
 */
static int
in_order(const char *ical)
{
	const char	*r = strstr(ical, "\nRRULE");

	return strstr(ical, "RECURRENCE-ID") == NULL &&
	    strstr(ical, "\nRDATE") == NULL &&
	    (r == NULL || strstr(r + 1, "\nRRULE") == NULL);
}

static int
probe_occurrence(void *arg, const struct recur_occ *oc)
{
	((struct list_state *)arg)->last_emit = oc->rid;
	return 0;
}

/*
 * Where a walk of bound occurrences of the series from from ends (the
 * RECURRENCE-ID of its last), or the window's end when it is not cut
 * short: a page expands the series up to there, RDATEs and overrides
 * included.
 */
static int64_t
series_upto(struct list_state *ls, const struct event *ev, const char *ical,
    int64_t from, size_t bound)
{
	int	rc;

	ls->last_emit = INT64_MIN;
	rc = series_each(ls->series, ev, ical, from, ls->to, bound,
	    probe_occurrence, ls, &ls->why);
	free(ls->why);		/* the expansion proper says it again */
	ls->why = NULL;
	return rc == 1 && ls->last_emit > from ? ls->last_emit : ls->to;
}

static int
add_row(void *arg, const struct event *ev, const char *ical)
{
	struct list_state	*ls = arg;
	int64_t			 from = ls->from, to = ls->to, cut;
	size_t			 bound;
	int			 rc, ordered;

	/* The page (or the first max_occurrences) has all it needs. */
	if (page_full(ls, ev->start)) {
		ls->stopped = 1;
		return 1;
	}
	list_items_row(ls->items);
	if (ical == NULL) {
		if (!seen(ls, ev->start, ev->uid, ""))
			list_items_add(ls->items, ev, NULL, ev->start, ev->end,
			    NULL);
		return 0;
	}
	ls->ev = ev;
	/* Nothing before the cursor's start can be on the page. */
	if (ls->after != NULL && ls->after->start > from)
		from = ls->after->start;
	/*
	 * A page needs limit + 1 of a series' occurrences at most: the
	 * expansion stops there, and the page ends before what it did not
	 * expand (cut_min, list_reply).  When they come in start order (no
	 * RDATE, override or second RRULE), up to the last one expanded;
	 * else (recur_each emits those after the rule's walk) the walk is
	 * probed first and the series expanded whole up to where it ends
	 * (series_upto), RDATEs and overrides included.
	 */
	ordered = in_order(ical);
	bound = ls->max;
	if (ls->limit > 0 && ls->limit + 1 + SERIES_SLACK < bound)
		bound = ls->limit + 1 + SERIES_SLACK;
	if (ls->limit > 0 && !ordered) {
		to = series_upto(ls, ev, ical, from, bound);
		bound = 2 * ls->max;	/* the walk's, and its extras */
	}
	ls->last_emit = INT64_MIN;
	rc = series_each(ls->series, ev, ical, from, to, bound,
	    add_occurrence, ls, &ls->why);
	if (rc == 1)
		cut = ordered && ls->last_emit > from ? ls->last_emit + 1 : from;
	else
		cut = to;
	if (cut < ls->to && cut < ls->cut_min)
		ls->cut_min = cut;
	if (rc < 0) {
		/* One unreadable event must not hide all the others. */
		log_warnx("list: cannot expand %s: %s", ev->uid, ls->why);
		free(ls->why);
		ls->why = NULL;
	}
	return 0;
}

/*
 * The items a page needs of the window's items in start order (v, n):
 * those not shown already, limit + 1 of them and every other that starts
 * with the last; all of them without a limit.  Into p: how many.  *whole:
 * an item starting after the last was seen, so that v held all those.
 */
static size_t
page_picks(const struct list_state *ls, const struct store_item *v,
    size_t n, struct pick *p, int *whole)
{
	char	rid[64];
	size_t	i, m = 0;

	*whole = 0;
	for (i = 0; i < n; i++) {
		if (ls->limit > 0 && m > ls->limit &&
		    v[i].start > v[p[m - 1].at].start) {
			*whole = 1;
			break;
		}
		rid[0] = '\0';
		if (ls->after != NULL && v[i].occ)
			tz_iso("UTC", v[i].start, rid, sizeof rid);
		if (ls->after != NULL && seen(ls, v[i].start, v[i].uid, rid))
			continue;
		p[m].rowid = v[i].rowid;
		p[m++].at = i;
	}
	return m;
}

static int
by_row(const void *a, const void *b)
{
	const struct pick	*x = a, *y = b;

	if (x->rowid != y->rowid)
		return x->rowid < y->rowid ? -1 : 1;
	return x->at < y->at ? -1 : x->at > y->at;
}

/*
 * The picked items, each row read once (list_fast has made sure none is
 * of a series with overrides): 1, 0 when a row went away and the list
 * must be made the other way, -1.
 */
static int
add_picks(struct list_state *ls, const struct store_item *v,
    const struct pick *p, size_t m)
{
	struct event	 ev;
	const struct store_item *it;
	char		 rid[64];
	size_t		 i, j;
	int		 rc;

	for (i = 0; i < m; i = j) {
		if ((rc = store_item_row(ls->st, p[i].rowid, &ev)) != 0)
			return rc == STORE_NOT_FOUND ? 0 : -1;
		list_items_row(ls->items);
		for (j = i; j < m && p[j].rowid == p[i].rowid; j++) {
			it = &v[p[j].at];
			if (it->occ)
				tz_iso("UTC", it->start, rid, sizeof rid);
			list_items_add(ls->items, &ev, NULL, it->start,
			    it->end, it->occ ? rid : NULL);
		}
		event_clear(&ev);
	}
	return 1;
}

/*
 * How many items a page reads of the store first: limit + 1, the items of
 * the cursor's start shown already, and those that start with the last.
 * When that was too few (store_items cut a start's items short), four
 * times as many, then all.
 */
#define PAGE_SLACK	32
#define PAGE_TRIES	3

/*
 * The window's items into *v, *n, and the page's picks of them into *p,
 * *m: a page reads only the first of them (store_items' lim) when the
 * indexes say the window holds fewer than max_occurrences items; all of
 * them otherwise, or without a limit.  0, STORE_NOT_INDEXED, or -1.
 */
static int
read_picks(struct list_state *ls, const struct store_query *q,
    struct store_item **v, size_t *n, struct pick **p, size_t *m)
{
	int64_t	 bound, after = ls->after ? ls->after->start : INT64_MIN;
	size_t	 lim = 0;
	int	 rc, whole, tries = 0;

	if (ls->limit > 0) {
		if (store_items_bound(ls->st, q, &bound, &ls->why) != 0)
			return -1;
		if (bound < (int64_t)ls->max)
			lim = ls->limit + 1 + PAGE_SLACK;
	}
	for (;;) {
		if ((rc = store_items(ls->st, q, lim > 0 ? after : INT64_MIN,
		    lim, v, n, &ls->why)) != 0)
			return rc;
		*p = xcalloc(*n + 1, sizeof **p);
		*m = page_picks(ls, *v, *n, *p, &whole);
		if (lim == 0 || *n < lim || whole)
			return 0;
		free(*p);
		store_items_free(*v, *n);
		lim = ++tries < PAGE_TRIES ? 4 * lim : 0;
	}
}

/*
 * Is one of the items read an occurrence of a series with overrides?  The
 * page is then made the old way, even when that item is not shown (before
 * the cursor): an override moved onto another occurrence's start shares
 * its index entry, and only the series' expansion shows both.
 */
static int
any_overridden(const struct store_item *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].overridden)
			return 1;
	return 0;
}

/*
 * The list from the window's items in start order (store_items), when
 * the store has them: a page then reads only the rows it shows, and no
 * series is expanded.  Not for a series with overrides (each occurrence
 * as its override says), a participant (checked per occurrence), a
 * reader of limited clearance (the index knows the overrides cut out of
 * a series), or a window where the items alone reach max_occurrences
 * (the rows' order then decides which are shown).  1 done, 0 not
 * applicable (nothing added), -1 with ls->why.
 */
static int
list_fast(struct list_state *ls, const struct store_query *q)
{
	struct store_item	*v;
	struct pick		*p;
	size_t			 n, m;
	int			 rc;

	if (list_items_slow() || !q->bare || q->from == INT64_MIN ||
	    q->to == INT64_MAX ||
	    store_clearance(ls->st) != ACCESS_CLASS_CONFIDENTIAL)
		return 0;
	if ((rc = read_picks(ls, q, &v, &n, &p, &m)) != 0)
		return rc == STORE_NOT_INDEXED ? 0 : -1;
	rc = 0;
	if (n < ls->max && !any_overridden(v, n)) {
		if (m > 1)
			qsort(p, m, sizeof *p, by_row);
		if ((rc = add_picks(ls, v, p, m)) < 0)
			ls->why = xstrdup("cannot read the store");
	}
	free(p);
	store_items_free(v, n);
	return rc;
}

/*
 * Were items left out?  Without a limit: more than max_occurrences were
 * seen, or rows were left unread once the first max_occurrences + 1 were
 * held, or a series was cut short.  A page ends before where a series'
 * expansion stopped (list_items_page): only when its first item is not
 * before it (a series with over twice max_occurrences RDATEs and
 * overrides from the cursor on) may items be missing.
 */
static void
cut_short(struct list_state *ls)
{
	if (ls->limit == 0)
		ls->truncated |= list_items_count(ls->items) > ls->max ||
		    ls->stopped || ls->cut_min != INT64_MAX;
	else
		ls->truncated |= ls->cut_min != INT64_MAX &&
		    list_items_count(ls->items) > 0 &&
		    list_items_first(ls->items) >= ls->cut_min;
}

/* The list's items, the fast way when it can (list_fast): 0 or -1. */
static int
list_items_read(struct list_state *ls, const struct store_query *q)
{
	int	rc;

	if ((rc = list_fast(ls, q)) != 0)
		return rc < 0 ? -1 : 0;
	list_items_free(ls->items);
	ls->items = list_items_new(ls->limit > 0 ? ls->limit : ls->max);
	ls->series = series_new(ls->st, ls->ctx->cfg->home_tz);
	rc = store_query(ls->st, q, add_row, ls, &ls->why);
	series_free(ls->series);
	ls->series = NULL;
	cut_short(ls);
	return rc;
}

/* "limit" (0 when absent) and "cursor": 0, or -1 with the error set. */
static int
page_args(struct cmd_ctx *ctx, json_int_t *limit, struct cursor *after,
    int *has_cursor)
{
	json_t		*v = json_object_get(ctx->req, "limit");
	const char	*s;

	*limit = 0;
	*has_cursor = 0;
	if (v != NULL && !json_is_null(v)) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > LIST_LIMIT_MAX) {
			cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"limit\" must be "
			    "a whole number from 1 to %d", LIST_LIMIT_MAX);
			return -1;
		}
		*limit = json_integer_value(v);
	}
	if (cmd_arg_str(ctx, "cursor", 0, &s) != 0)
		return -1;
	if (s == NULL)
		return 0;
	if (cursor_decode(s, after) != 0) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"cursor\" is not one "
		    "this list returned as \"next_cursor\"; start again "
		    "without it");
		return -1;
	}
	*has_cursor = 1;
	return 0;
}

/* The reply: the page, and where the next one starts when there is one. */
static json_t *
list_reply(struct list_state *ls, int bare)
{
	json_t	*res, *events;
	char	*next;
	size_t	 count = 0;

	events = list_items_page(ls->items, ls->ctx, ls->st, bare,
	    ls->limit > 0 ? ls->cut_min : INT64_MAX, &next, &count);
	if (ls->limit == 0) {	/* the first max_occurrences: no pages */
		free(next);
		next = NULL;
	} else if (next == NULL && count == 0 && ls->cut_min != INT64_MAX) {
		/*
		 * Nothing the filters kept before where a series' expansion
		 * stopped: the next page goes on from there, after every item
		 * that starts before it (0xff, in no UTF-8, is after any
		 * UID); unless it stopped where this page began (then the
		 * page says it is cut short).
		 */
		if (ls->cut_min > (ls->after != NULL ? ls->after->start :
		    ls->from) + 1)
			next = cursor_encode(ls->cut_min - 1, "\xff", "");
		else
			ls->truncated = 1;
	}
	if (events == NULL) {
		cmd_error(ls->ctx, KCAL_E_STORE, "cannot read the store");
		return NULL;
	}
	res = json_pack("{s:o, s:I, s:b, s:I}", "events", events,
	    "count", (json_int_t)count, "truncated",
	    ls->truncated, "limit", (json_int_t)ls->max);
	if (next != NULL)
		json_object_set_new(res, "next_cursor", json_string(next));
	free(next);
	return res;
}

static json_t *
cmd_list_exec(struct cmd_ctx *ctx)
{
	struct list_state	 ls;
	struct store_query	 q;
	struct cursor		 after;
	json_t			*res;
	json_int_t		 limit;
	char			*why = NULL;
	int			 rc, paged;

	memset(&ls, 0, sizeof ls);
	memset(&q, 0, sizeof q);
	ls.ctx = ctx;
	if (page_args(ctx, &limit, &after, &paged) != 0)
		return NULL;
	/*
	 * A page reads limit + 1 items to know whether more follow: past
	 * max_occurrences it could not, and ended without a next_cursor.
	 */
	if (limit > 0 && ctx->cfg->max_occurrences > 1 &&
	    (size_t)limit >= ctx->cfg->max_occurrences)
		limit = (json_int_t)ctx->cfg->max_occurrences - 1;
	if (cmd_arg_time(ctx, "from", INT64_MIN, &q.from) ||
	    cmd_arg_time(ctx, "to", INT64_MAX, &q.to) ||
	    cmd_arg_str(ctx, "kind", 0, &q.kind) ||
	    cmd_arg_str(ctx, "status", 0, &q.status) ||
	    cmd_arg_str(ctx, "participant", 0, &q.participant) ||
	    cmd_arg_str(ctx, "search", 0, &q.search) ||
	    cmd_arg_bool(ctx, "include_cancelled", &q.include_cancelled))
		goto fail;
	q.override_people = 1;
	if (json_object_get(ctx->req, "parent") != NULL) {
		if (cmd_arg_uid(ctx, "parent", &why) != 0)
			goto fail;
		q.parent = why;
	}
	if (q.kind && !event_kind_valid(q.kind)) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "unknown kind \"%s\"", q.kind);
		goto fail;
	}
	if (q.status && !event_status_valid(q.status)) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "unknown status \"%s\" (one "
		    "of: tentative, confirmed, cancelled)", q.status);
		goto fail;
	}
	if (q.from >= q.to) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"from\" must be before "
		    "\"to\"");
		goto fail;
	}
	ls.st = ctx->store;
	ls.items = list_items_new((size_t)limit);
	q.bare = q.participant == NULL;	/* the page's rows read at the end */
	ls.q = &q;
	ls.from = q.from;
	ls.to = q.to;
	ls.max = ctx->cfg->max_occurrences;
	ls.cut_min = INT64_MAX;
	/* status cancelled lists cancelled ones (the store's ?6 too) */
	ls.include_cancelled = q.include_cancelled || (q.status != NULL &&
	    strcmp(q.status, "cancelled") == 0);
	ls.after = paged ? &after : NULL;
	ls.limit = (size_t)limit;
	rc = list_items_read(&ls, &q);
	if (rc != 0) {
		cmd_error(ctx, KCAL_E_STORE, "%s", ls.why ? ls.why : "query failed");
		list_items_free(ls.items);
		free(ls.why);
		goto fail;
	}
	free(ls.why);
	res = list_reply(&ls, q.bare);
	list_items_free(ls.items);
	free(why);
	if (paged)
		cursor_clear(&after);
	return res;
fail:
	free(why);
	if (paged)
		cursor_clear(&after);
	return NULL;
}

const struct cmd_entry cmd_list_entry = {
	"list", "from to kind status participant parent search "
	"include_cancelled limit cursor", CMD_OFFLOOP, cmd_list_exec
};
