/*
 * store-batch.c — the participants of a chunk of store_query's rows, read
 * with one query for the whole chunk instead of one per row: the UIDs go
 * in as one JSON array (json_each) and each answer is matched to its row
 * by UID.  The participants keep their stored order (pos).  (The
 * itinerary fields come with the rows: store-int.h, ROW_ITINERARY.)
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "event.h"
#include "store-int.h"
#include "xmalloc.h"

static const char sql_parts[] = "SELECT event_uid, name, role, country, "
    "precedence FROM participants WHERE event_uid IN (SELECT value FROM "
    "json_each(?1)) ORDER BY event_uid, pos";

static int
by_uid(const void *a, const void *b)
{
	const struct event *const *x = a, *const *y = b;

	return strcmp((*x)->uid, (*y)->uid);
}

/* The row whose UID is uid, in idx (sorted by UID), or NULL. */
static struct event *
find(struct event **idx, size_t n, const char *uid)
{
	struct event	 key, *kp = &key, **hit;

	if (uid == NULL)
		return NULL;
	key.uid = (char *)uid;
	hit = bsearch(&kp, idx, n, sizeof *idx, by_uid);
	return hit ? *hit : NULL;
}

static void
add_part(struct event *ev, sqlite3_stmt *s)
{
	struct participant	*p;

	ev->parts = xreallocarray(ev->parts, ev->nparts + 1, sizeof *ev->parts);
	p = &ev->parts[ev->nparts++];
	p->name = store_col_dup(s, 1);
	p->role = store_col_dup(s, 2);
	p->country = store_col_dup(s, 3);
	p->precedence = sqlite3_column_int(s, 4);
}

/* Run sql over the UIDs, handing each answer to its row: 0 or -1. */
static int
each_row(struct store *st, const char *sql, const char *uids,
    struct event **idx, size_t n, void (*fill)(struct event *, sqlite3_stmt *))
{
	sqlite3_stmt	*s;
	struct event	*ev;
	int		 rc;

	if ((s = store_stmt(st, sql, NULL)) == NULL)
		return -1;
	store_bind_text(s, 1, uids);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if ((ev = find(idx, n, (const char *)sqlite3_column_text(s,
		    0))) != NULL)
			fill(ev, s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * The participants of evs[0..n): 0, -1 if the store
 * failed, or 1 (nothing read) when a UID cannot go into JSON (it is not
 * UTF-8) and the caller must read the rows one by one.
 */
int
store_batch_load(struct store *st, struct event *evs, size_t n)
{
	struct event	**idx;
	json_t		 *a = json_array();
	char		 *uids;
	size_t		  i;
	int		  rc;

	for (i = 0; i < n; i++)
		if (json_array_append_new(a, json_string(evs[i].uid)) != 0) {
			json_decref(a);
			return 1;
		}
	idx = xcalloc(n + 1, sizeof *idx);
	for (i = 0; i < n; i++)
		idx[i] = &evs[i];
	qsort(idx, n, sizeof *idx, by_uid);
	uids = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	rc = uids == NULL ? -1 : each_row(st, sql_parts, uids, idx, n,
	    add_part);
	free(uids);
	free(idx);
	return rc;
}
