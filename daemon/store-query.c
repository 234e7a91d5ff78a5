/*
 * store-query.c — store_query: the window query's rows as events, read a
 * chunk at a time so that the participants of a chunk come in one query
 * (store-batch.c), not one per row; the itinerary fields are columns of
 * the row.  The statements (S_QUERY, S_QUERY_PARENT, S_PARTS) are
 * store.c's.
 * store_query_settled lets a caller that wants only the first items of a
 * window stop reading rows early.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "store-int.h"
#include "xmalloc.h"

#define QUERY_CHUNK	256	/* rows read ahead, their people in one go */

/* An event's participants: 0, or -1 if the store failed part-way. */
static int
load_parts(struct store *st, struct event *ev)
{
	sqlite3_stmt	*s = st->stmt[S_PARTS];
	int		 rc;

	store_bind_text(s, 1, ev->uid);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct participant *p;

		ev->parts = xreallocarray(ev->parts, ev->nparts + 1,
		    sizeof *ev->parts);
		p = &ev->parts[ev->nparts++];
		p->name = store_col_dup(s, 0);
		p->role = store_col_dup(s, 1);
		p->country = store_col_dup(s, 2);
		p->precedence = sqlite3_column_int(s, 3);
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* One comma-separated list of the reminders column, into *v (*n). */
static const char *
load_times(const char *text, int64_t **v, size_t *n)
{
	char	*end;

	while (*text != '\0' && *text != ';') {
		*v = xreallocarray(*v, *n + 1, sizeof **v);
		(*v)[(*n)++] = strtoll(text, &end, 10);
		if (end == text)
			break;
		text = *end == ',' ? end + 1 : end;
	}
	return text;
}

/* The reminders column (store.c's reminders_text): leads;instants. */
static void
load_reminders(struct event *ev, const char *text)
{
	if (text == NULL)
		return;
	text = load_times(text, &ev->remind, &ev->nremind);
	if (*text == ';')
		load_times(text + 1, &ev->remind_at, &ev->nremind_at);
}

/* A row's own columns and itinerary as an event (its people come after). */
static void
load_columns(sqlite3_stmt *s, struct event *ev)
{
	event_init(ev);
	ev->uid = store_col_dup(s, 0);	ev->summary = store_col_dup(s, 1);
	ev->kind = store_col_dup(s, 2);	ev->status = store_col_dup(s, 3);
	ev->class = store_col_dup(s, 4);	ev->tz = store_col_dup(s, 5);
	ev->end_tz = store_col_dup(s, 6);
	ev->start = sqlite3_column_int64(s, 7);
	ev->end = sqlite3_column_int64(s, 8);
	ev->all_day = sqlite3_column_int(s, 9);
	ev->location = store_col_dup(s, 10);	ev->description = store_col_dup(s, 11);
	ev->url = store_col_dup(s, 12);	ev->parent = store_col_dup(s, 13);
	ev->rrule = store_col_dup(s, 14);
	ev->sequence = sqlite3_column_int(s, 15);
	ev->created = sqlite3_column_int64(s, 16);
	ev->last_modified = sqlite3_column_int64(s, 17);
	load_reminders(ev, (const char *)sqlite3_column_text(s, 18));
	ev->city = store_col_dup(s, 20);
	ev->end_city = store_col_dup(s, 21);
	ev->anchor = store_col_dup(s, 22);
	ev->anchor_offset = sqlite3_column_int64(s, 23);
}

/*
 * The participants of a chunk of rows, in one batch (store-batch.c) or
 * row by row: -1 if any read failed, so that no caller (the conflict
 * check least of all) takes an event without its people for a whole one.
 */
static int
load_rest(struct store *st, struct event *evs, size_t n)
{
	size_t	i;
	int	rc = store_batch_load(st, evs, n);

	for (i = 0; rc == 1 && i < n; i++)
		if (load_parts(st, &evs[i]) != 0)
			return -1;
	if (rc < 0)
		return -1;
	for (i = 0; i < n; i++)
		store_hide_refs(st, &evs[i]);
	return 0;
}

/*
 * The participants of bare rows (store_query's q->bare, store_item_row),
 * each UID once: 0 or -1.
 */
int
store_query_rest(struct store *st, struct event *evs, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i += QUERY_CHUNK)
		if (load_rest(st, evs + i, n - i < QUERY_CHUNK ? n - i :
		    QUERY_CHUNK) != 0)
			return -1;
	return 0;
}

static int64_t
max_duration(struct store *st)
{
	sqlite3_stmt	*s = st->stmt[S_MAXDUR];
	int64_t		 d = 0;

	if (sqlite3_step(s) == SQLITE_ROW)
		d = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return d;
}


/*
 * The next row of s into *row: s itself, or for a bare query (s yields
 * rowids in order) the row read by rowid while s keeps the snapshot.
 */
static int
next_row(struct store *st, sqlite3_stmt *s, int bare, sqlite3_stmt **row)
{
	sqlite3_stmt	*r = st->stmt[S_QUERY_ROW];
	int		 rc;

	*row = s;
	if (!bare)
		return sqlite3_step(s);
	sqlite3_reset(r);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		sqlite3_bind_int64(r, 1, sqlite3_column_int64(s, 0));
		if ((rc = sqlite3_step(r)) == SQLITE_ROW) {
			*row = r;
			return rc;
		}
		sqlite3_reset(r);
		if (rc != SQLITE_DONE)
			return rc;
	}
	return rc;
}

/*
 * Step s for up to QUERY_CHUNK visible rows into evs and texts (each
 * recurring row's VEVENT text, redacted for the reader): the sqlite3_step
 * code that ended the chunk (SQLITE_ROW: there may be more).
 */
static int
read_chunk(struct store *st, sqlite3_stmt *s, int bare, struct event *evs,
    char **texts, size_t *n)
{
	sqlite3_stmt	*r;
	const char	*ical;
	char		*text;
	int		 rc = SQLITE_ROW;

	for (*n = 0; *n < QUERY_CHUNK && (rc = next_row(st, s, bare, &r)) ==
	    SQLITE_ROW; ) {
		ical = (const char *)sqlite3_column_text(r, 19);
		if (store_redact(st, ical, &text) != 0)
			continue;	/* its record is above the clearance */
		load_columns(r, &evs[*n]);
		texts[(*n)++] = text ? text : ical ? xstrdup(ical) : NULL;
	}
	sqlite3_reset(st->stmt[S_QUERY_ROW]);
	return rc;
}

/* Hand a chunk to cb, then free it: non-zero when cb said stop. */
static int
hand_over(struct event *evs, char **texts, size_t n, store_row_cb cb,
    void *arg)
{
	size_t	i;
	int	stop = 0;

	for (i = 0; i < n; i++) {
		if (!stop && cb != NULL)
			stop = cb(arg, &evs[i], texts[i]);
		event_clear(&evs[i]);
		free(texts[i]);
	}
	return stop;
}

static void
bind_query(sqlite3_stmt *s, const struct store_query *q, int64_t lo)
{
	sqlite3_bind_int64(s, 1, q->from);
	sqlite3_bind_int64(s, 2, q->to);
	sqlite3_bind_int64(s, 3, lo);
	store_bind_text(s, 4, q->kind);
	store_bind_text(s, 5, q->status);
	sqlite3_bind_int(s, 6, q->include_cancelled ||
	    (q->status && strcmp(q->status, "cancelled") == 0));
	store_bind_text(s, 7, q->parent);
	store_bind_text(s, 8, q->search);
	store_bind_text(s, 9, q->participant);
	store_bind_text(s, 10, q->shares);
	store_bind_text(s, 11, q->shares_or_uid);
	sqlite3_bind_int(s, 12, q->override_people);
}

/*
 * Every event matching q, in start order: single events that overlap the
 * window, and every recurring event that starts before its end (with its
 * VEVENT text, for the caller to expand).  cb returning non-zero stops.
 * Rows are read a chunk at a time so that their participants and
 * participants come in one query per chunk, not one per row.
 */
int
store_query(struct store *st, const struct store_query *q, store_row_cb cb,
    void *arg, char **cause)
{
	sqlite3_stmt	*s;
	struct event	*evs = xcalloc(QUERY_CHUNK, sizeof *evs);
	char		**texts = xcalloc(QUERY_CHUNK, sizeof *texts);
	size_t		 n;
	int64_t		 lo = q->from;
	int		 rc, stop = 0;

	if (q->bare)
		s = st->stmt[q->parent ? S_QUERY_KEYS_PARENT : S_QUERY_KEYS];
	else if (q->shares == NULL || q->parent != NULL ||
	    (s = store_shares_stmt(st, NULL)) == NULL)	/* store-busy.c */
		s = st->stmt[q->parent ? S_QUERY_PARENT : S_QUERY];
	if (lo != INT64_MIN)
		lo -= max_duration(st);
	bind_query(s, q, lo);
	do {
		rc = read_chunk(st, s, q->bare, evs, texts, &n);
		if (n > 0 && !q->bare && load_rest(st, evs, n) != 0) {
			hand_over(evs, texts, n, NULL, NULL);
			rc = SQLITE_ERROR;
			break;
		}
		stop = hand_over(evs, texts, n, cb, arg);
	} while (!stop && rc == SQLITE_ROW);
	if (stop)
		rc = SQLITE_DONE;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	free(evs);
	free(texts);
	if (rc != SQLITE_DONE) {
		store_db_cause(st, cause, "cannot read the store");
		return -1;
	}
	return 0;
}

/*
 * Rows come in their own start order, but a series may have an occurrence
 * before its master's start (an override moved earlier) or be expanded by
 * the caller (not indexed as far as the window's end).  Is there such a
 * series starting after k that may show something at or before k in the
 * window [from, to)?
 */
static const char sql_settled[] = "SELECT EXISTS (SELECT 1 FROM "
    "occurrences o JOIN events e ON e.uid = o.event_uid WHERE "
    "o.start_utc >= ?1 - (SELECT coalesce(max(end_utc - start_utc), 0) "
    "FROM occurrences) AND o.start_utc <= ?3 AND (o.end_utc > ?1 OR "
    "o.start_utc >= ?1) AND e.start_utc > ?3) OR EXISTS (SELECT 1 FROM "
    "events WHERE coalesce(occ_until, 0) < ?2 AND rrule IS NOT NULL AND "
    "start_utc > ?3 AND start_utc < ?2)";

/*
 * May a window query [from, to) stop at the first row starting after k:
 * can no later row show anything that starts at or before k?  1 yes, 0
 * no (or the store could not tell).
 */
int
store_query_settled(struct store *st, int64_t from, int64_t to, int64_t k)
{
	sqlite3_stmt	*s;
	int		 yes = 0;

	if ((s = store_stmt(st, sql_settled, NULL)) == NULL)
		return 0;
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	sqlite3_bind_int64(s, 3, k);
	if (sqlite3_step(s) == SQLITE_ROW)
		yes = sqlite3_column_int(s, 0) == 0;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return yes;
}

/*
 * store_items: the items of a window in their own start order, for a
 * caller that wants the first of them (a list's page) without expanding
 * every series that recurs in the window first (rows come in their
 * masters' start order, so each series that began before the window came
 * before its first single event).  Single events as rows; indexed series
 * as their occurrences, each the window store_occurrences would give
 * (within its master's length and two days before the window; for a
 * series with overrides, any that overlaps it: an override may last
 * longer than its master, and the page is then made the old way).  Only
 * when every series that may recur in the window is indexed that far.
 */
static const char sql_unindexed[] = "SELECT EXISTS (SELECT 1 FROM events "
    "WHERE coalesce(occ_until, 0) < ?2 AND rrule IS NOT NULL AND "
    "start_utc < ?2)";
static const char sql_items[] = "SELECT rowid, start_utc, end_utc, 0, uid, 0 "
    "FROM events WHERE rrule IS NULL AND start_utc < ?2 AND (end_utc > ?1 "
    "OR start_utc = ?1) AND start_utc >= ?3 AND start_utc >= ?13 AND (?7 IS "
    "NULL OR parent_uid = ?7) " QUERY_MATCH
    "UNION ALL SELECT events.rowid, o.s, o.e, 1, uid, uid IN (SELECT uid "
    "FROM series_overridden) FROM (SELECT event_uid, "
    "start_utc AS s, end_utc AS e FROM occurrences WHERE start_utc < ?2 "
    "AND (end_utc > ?1 OR start_utc >= ?1) AND start_utc >= ?1 - (SELECT "
    "coalesce(max(end_utc - start_utc), 0) FROM occurrences) AND start_utc "
    ">= ?13) AS o JOIN events ON events.uid = o.event_uid WHERE rrule IS NOT "
    "NULL AND coalesce(occ_until, 0) >= ?2 AND (o.s >= ?1 - (end_utc - "
    "start_utc) - 2 * 86400 OR uid IN (SELECT uid FROM series_overridden)) "
    "AND (?7 IS NULL OR parent_uid = ?7) "
    QUERY_MATCH "ORDER BY 2 LIMIT ?14";
/*
 * At least as many as the items of [?1, ?2) (?3: where single events may
 * start): every row and every occurrence there, read from the indexes
 * alone.
 */
static const char sql_bound[] = "SELECT (SELECT count(*) FROM events "
    "WHERE start_utc < ?2 AND (end_utc > ?1 OR start_utc = ?1) AND "
    "start_utc >= ?3) + (SELECT count(*) FROM occurrences WHERE start_utc "
    "< ?2 AND (end_utc > ?1 OR start_utc >= ?1) AND start_utc >= ?1 - "
    "(SELECT coalesce(max(end_utc - start_utc), 0) FROM occurrences))";

/* May a series not indexed past the window's end recur in it? 1, 0, -1. */
static int
unindexed(struct store *st, int64_t to, char **cause)
{
	sqlite3_stmt	*s;
	int		 rc, yes = -1;

	if ((s = store_stmt(st, sql_unindexed, cause)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 2, to);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		yes = sqlite3_column_int(s, 0) != 0;
	sqlite3_reset(s);
	if (yes < 0)
		store_db_cause(st, cause, "cannot read the store");
	return yes;
}

void
store_items_free(struct store_item *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].uid);
	free(v);
}

/*
 * No fewer than the items of q's window (a bounded one), counted in the
 * indexes without reading a row: into *n, 0 or -1.
 */
int
store_items_bound(struct store *st, const struct store_query *q,
    int64_t *n, char **cause)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, sql_bound, cause)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, q->from);
	sqlite3_bind_int64(s, 2, q->to);
	sqlite3_bind_int64(s, 3, q->from - max_duration(st));
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		*n = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW) {
		store_db_cause(st, cause, "cannot read the store");
		return -1;
	}
	return 0;
}

/*
 * The items of q's window (a bounded one) in start order into *v, *n:
 * those starting at or after after, the first lim of them (0: all).  0,
 * STORE_NOT_INDEXED when a series in it is not indexed (nothing read),
 * or -1.  Items with one start come in no set order, so a caller that
 * gets lim items knows the last start's items whole only up to the
 * start before it.
 */
int
store_items(struct store *st, const struct store_query *q, int64_t after,
    size_t lim, struct store_item **v, size_t *n, char **cause)
{
	sqlite3_stmt	*s;
	struct store_item *it;
	size_t		 cap = 0;
	int64_t		 lo = q->from;
	int		 rc;

	*v = NULL;
	*n = 0;
	if ((rc = unindexed(st, q->to, cause)) != 0)
		return rc < 0 ? -1 : STORE_NOT_INDEXED;
	if ((s = store_stmt(st, sql_items, cause)) == NULL)
		return -1;
	if (lo != INT64_MIN)
		lo -= max_duration(st);
	bind_query(s, q, lo);
	sqlite3_bind_int64(s, 13, after);
	sqlite3_bind_int64(s, 14, lim > 0 ? (int64_t)lim : -1);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 256;
			*v = xreallocarray(*v, cap, sizeof **v);
		}
		it = &(*v)[(*n)++];
		it->rowid = sqlite3_column_int64(s, 0);
		it->start = sqlite3_column_int64(s, 1);
		it->end = sqlite3_column_int64(s, 2);
		it->occ = sqlite3_column_int(s, 3);
		it->uid = store_col_dup(s, 4);
		it->overridden = sqlite3_column_int(s, 5);
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE) {
		store_items_free(*v, *n);
		*v = NULL;
		*n = 0;
		store_db_cause(st, cause, "cannot read the store");
		return -1;
	}
	return 0;
}

/* A row by rowid for store_item_row (column 19, the window query's, unused). */
static const char sql_item_row[] = "SELECT " ROW_COLUMNS ", 0, "
    ROW_ITINERARY " FROM events WHERE rowid = ?1";

/*
 * The events row rowid, bare (store_query_rest reads its people): 0,
 * STORE_NOT_FOUND, or -1.
 */
int
store_item_row(struct store *st, int64_t rowid, struct event *ev)
{
	sqlite3_stmt	*r;
	int		 rc;

	if ((r = store_stmt(st, sql_item_row, NULL)) == NULL)
		return -1;
	sqlite3_bind_int64(r, 1, rowid);
	if ((rc = sqlite3_step(r)) == SQLITE_ROW)
		load_columns(r, ev);
	sqlite3_reset(r);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? STORE_NOT_FOUND : -1;
}
