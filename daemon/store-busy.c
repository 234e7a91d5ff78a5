/*
 * store-busy.c — who is busy when, for the conflict check after every
 * write (cmd-conflicts.c, store_query with q->shares).
 *
 * A clash is between events that share a participant (conflict.c), so
 * the check wants, of the events in the written event's window, only
 * those with one of its people.  Filtering the window's rows one by one
 * read every row in the window and looked up each of their participants;
 * at 100,000 events that was most of an add.  Two narrow tables answer it
 * from an index instead (migration 17, store-schema.c):
 *
 *  - busy: per event, each of its participants' names (one row per name
 *    without regard to ASCII case, as conflict.c compares them) with the
 *    event's start and end, keyed by name then start: the events of the
 *    written event's people whose own times overlap the window are a
 *    range of that key.  A series' rows are found by its UID too
 *    (busy_series), for the series whose occurrences (store-occur.c)
 *    fall in the window;
 *  - series_overridden: the series whose record holds RECURRENCE-ID
 *    overrides (an override has people of its own, which participants
 *    does not hold: the window query hands such a series over whoever is
 *    in it), with the master's times.
 *
 * The candidates found here are only a superset: store_query applies the
 * window query's own conditions to them (sql_shares), so the rows handed
 * over are those the whole window with the same filters gives.  Both
 * tables are written by store_put and cleared by store_delete: every
 * write of an event goes through them.
 *
 * A big write (a streamed import, import-stream.c: one transaction) puts
 * off the busy rows of the events it adds (store_busy_defer) and makes
 * them at its end, before its commit (store_busy_fill): row by row, each
 * event's names went into random places of a table larger than the page
 * cache, which was a third of an import; at the end they go in sorted, in
 * the table's order.  The rows are those row-by-row writes would have
 * made, the same case of a name kept (the first of an event's
 * participants).  The events it updates, which were there before it, keep
 * the row-by-row way, and so does series_overridden (a small table).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "event.h"
#include "store-int.h"
#include "xmalloc.h"

/* The series in the window: an indexed occurrence there, or unindexed. */
#define SERIES_IN_WINDOW						\
	"SELECT event_uid AS uid FROM occurrences WHERE start_utc < ?2 AND " \
	"(end_utc > ?1 OR start_utc >= ?1) AND start_utc >= ?1 - (SELECT " \
	"coalesce(max(end_utc - start_utc), 0) FROM occurrences) "	\
	"UNION ALL SELECT uid FROM events WHERE rrule IS NOT NULL AND "	\
	"coalesce(occ_until, 0) < ?2 AND start_utc < ?2"
#define OVERLAPS							\
	"start_utc >= ?3 AND start_utc < ?2 AND (end_utc > ?1 OR "	\
	"start_utc = ?1)"

/*
 * store_query with shares (?10, ?11): the window query (store.c's
 * S_QUERY) over the candidates alone -- the events of those names whose
 * own times overlap the window, the series in the window that have one
 * of those names (each series' few rows read by its UID: by name, a
 * name's every series) or overrides, the series with overrides whose own
 * times overlap it, and the event ?11.
 */
static const char sql_shares[] = QUERY_COLUMNS "uid IN ("
    "SELECT event_uid FROM busy WHERE name IN (SELECT value FROM "
    "json_each(?10)) AND " OVERLAPS " "
    "UNION ALL SELECT w.uid FROM (" SERIES_IN_WINDOW ") w WHERE EXISTS ("
    "SELECT 1 FROM busy b WHERE b.event_uid = w.uid AND b.series = 1 AND "
    "b.name IN (SELECT value FROM json_each(?10))) OR EXISTS (SELECT 1 "
    "FROM series_overridden o WHERE o.uid = w.uid) "
    "UNION ALL SELECT uid FROM series_overridden WHERE " OVERLAPS " "
    "UNION ALL SELECT ?11) AND " QUERY_WINDOW
    "AND (?7 IS NULL OR parent_uid = ?7) " QUERY_MATCH
    "ORDER BY start_utc, uid";

/* Before uid is written again or deleted: its rows, as they were. */
static const char sql_clear[] = "DELETE FROM busy WHERE name IN (SELECT "
    "name FROM participants WHERE event_uid = ?1) AND start_utc = (SELECT "
    "start_utc FROM events WHERE uid = ?1) AND event_uid = ?1";
static const char sql_add[] = "INSERT OR IGNORE INTO busy (name, "
    "start_utc, event_uid, end_utc, series) SELECT value, ?2, ?3, ?4, ?5 "
    "FROM json_each(?1)";
static const char sql_ovr_put[] = "INSERT INTO series_overridden (uid, "
    "start_utc, end_utc) VALUES (?1, ?2, ?3) ON CONFLICT (uid) DO UPDATE "
    "SET start_utc = ?2, end_utc = ?3";
static const char sql_ovr_del[] = "DELETE FROM series_overridden WHERE "
    "uid = ?1";
/*
 * store_busy_fill: the rows of the events added since store_busy_defer,
 * read in rowid order (the order they were written in) and sorted by
 * busy's key; an event's names in their order, so that of two names that
 * differ only in case the first goes in, as json_each put it; a name
 * that store_busy_names leaves out (not UTF-8) left out too
 * (kcal_busy_name).
 */
#define FILL_ROWS							\
	"INSERT OR IGNORE INTO busy (name, start_utc, event_uid, end_utc, " \
	"series) SELECT p.name, e.start_utc, e.uid, e.end_utc, e.rrule IS " \
	"NOT NULL FROM events e CROSS JOIN participants p ON p.event_uid = " \
	"e.uid WHERE e.rowid > ?1 AND kcal_busy_name(p.name)"
static const char sql_fill[] = FILL_ROWS " ORDER BY p.name COLLATE NOCASE, "
    "e.start_utc, e.uid, p.pos";
static const char sql_fill_unsorted[] = FILL_ROWS;
static const char sql_last[] = "SELECT coalesce(max(rowid), 0) FROM events";
static const char sql_rowid[] = "SELECT rowid FROM events WHERE uid = ?1";
static const char sql_cache[] = "PRAGMA cache_size";
static const char sql_temp[] = "PRAGMA temp_store";
#define FILL_CACHE_KIB	2048	/* the page cache's and the sort's memory */

sqlite3_stmt *
store_shares_stmt(struct store *st, char **cause)
{
	return store_stmt(st, sql_shares, cause);
}

/*
 * ev's participants' names as a JSON array (the caller frees it); *lost
 * set when one could not go in (not UTF-8: nor does it go into the
 * conflict check's names, cmd-conflicts.c).
 */
char *
store_busy_names(const struct event *ev, int *lost)
{
	json_t	*a = json_array();
	char	*s;

	*lost = 0;
	for (size_t i = 0; i < ev->nparts; i++)
		if (json_array_append_new(a,
		    json_string(ev->parts[i].name)) != 0)
			*lost = 1;
	s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

/* Drop uid's rows, before its events row and participants change. */
int
store_busy_clear(struct store *st, const char *uid, char **cause)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, sql_clear, cause)) == NULL)
		return -1;
	store_bind_text(s, 1, uid);
	return store_step_done(st, s, cause, "cannot write");
}

/*
 * Is uid's events row one added since store_busy_defer (its rowid above
 * every one there was then: a table without AUTOINCREMENT takes the next
 * after the largest, and nothing is deleted meanwhile)?  -1 on error.
 */
static int
added_since_defer(struct store *st, const char *uid, char **cause)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, sql_rowid, cause)) == NULL)
		return -1;
	store_bind_text(s, 1, uid);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		rc = sqlite3_column_int64(s, 0) > st->busy_from;
	else {
		store_db_cause(st, cause, "cannot read the store");
		rc = -1;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc;
}

/* ev's rows, once its events row is written; names: store_busy_names. */
int
store_busy_put(struct store *st, const struct event *ev, const char *ical,
    const char *names, char **cause)
{
	sqlite3_stmt	*s;
	int		 ovr, later = 0;

	if (st->busy_defer &&
	    (later = added_since_defer(st, ev->uid, cause)) < 0)
		return -1;
	if (!later) {
		if ((s = store_stmt(st, sql_add, cause)) == NULL)
			return -1;
		store_bind_text(s, 1, names);
		sqlite3_bind_int64(s, 2, ev->start);
		store_bind_text(s, 3, ev->uid);
		sqlite3_bind_int64(s, 4, ev->end);
		sqlite3_bind_int(s, 5, ev->rrule != NULL);
		if (store_step_done(st, s, cause, "cannot write") != 0)
			return -1;
	}
	/* As the window query tells them: instr(ical, 'RECURRENCE-ID'). */
	ovr = ev->rrule != NULL && ical != NULL &&
	    strstr(ical, "RECURRENCE-ID") != NULL;
	if ((s = store_stmt(st, ovr ? sql_ovr_put : sql_ovr_del,
	    cause)) == NULL)
		return -1;
	store_bind_text(s, 1, ev->uid);
	if (ovr) {
		sqlite3_bind_int64(s, 2, ev->start);
		sqlite3_bind_int64(s, 3, ev->end);
	}
	return store_step_done(st, s, cause, "cannot write");
}

/* kcal_busy_name(name): would store_busy_names take it? */
static void
sql_busy_name(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char	*name = (const char *)sqlite3_value_text(argv[0]);
	json_t		*j = name != NULL ? json_string(name) : NULL;

	(void)argc;
	sqlite3_result_int(ctx, j != NULL);
	json_decref(j);
}

/*
 * From now on, until store_busy_fill, the events added have no busy rows
 * (store_busy_put); an event there before keeps its rows in step.  In a
 * transaction that store_busy_fill ends before it commits.
 */
int
store_busy_defer(struct store *st, char **cause)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (sqlite3_create_function(st->db, "kcal_busy_name", 1, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, NULL, sql_busy_name, NULL, NULL) !=
	    SQLITE_OK) {
		store_db_cause(st, cause, "cannot define kcal_busy_name");
		return -1;
	}
	if ((s = store_stmt(st, sql_last, cause)) == NULL)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		st->busy_from = sqlite3_column_int64(s, 0);
		st->busy_defer = 1;
	} else
		store_db_cause(st, cause, "cannot read the store");
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* A pragma's value (sql_cache, sql_temp), or dflt when it cannot be read. */
static int
pragma_int(struct store *st, const char *sql, int dflt)
{
	sqlite3_stmt	*s;
	int		 n = dflt;

	if ((s = store_stmt(st, sql, NULL)) == NULL)
		return dflt;
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	return n;
}

static void
set_pragma(struct store *st, const char *name, int n)
{
	char	sql[64];

	snprintf(sql, sizeof sql, "PRAGMA %s = %d", name, n);
	store_exec(st, sql, NULL);
}

/*
 * The busy rows put off since store_busy_defer, in one statement.  Its
 * sort keeps as much in memory as the page cache may hold, and the rest
 * in temporary files (with temporary storage in memory, store_configure,
 * it would hold every row): both small meanwhile (FILL_CACHE_KIB), so
 * that kcald's memory does not grow past what the write used.  When the
 * storage cannot change (a temporary table is open), the rows go in
 * unsorted, as they would have row by row.
 */
int
store_busy_fill(struct store *st, char **cause)
{
	sqlite3_stmt	*s;
	const char	*sql = sql_fill;
	int		 rc, cache, temp;

	if (!st->busy_defer)
		return 0;
	st->busy_defer = 0;
	temp = pragma_int(st, sql_temp, 2);	/* MEMORY: store_configure's */
	if (store_exec(st, "PRAGMA temp_store = FILE", NULL) != 0)
		sql = sql_fill_unsorted;
	/*
	 * The cache's changed pages to the WAL first (the commit would write
	 * them), so that they are let go of as it shrinks; else each is let
	 * go of only as a page is read in its place, and a commit on a thread
	 * of its own (import-stream.c) would allocate the new ones anew.
	 */
	if ((cache = pragma_int(st, sql_cache, 0)) != 0 &&
	    sqlite3_db_cacheflush(st->db) == SQLITE_OK)
		set_pragma(st, "cache_size", -FILL_CACHE_KIB);
	if ((s = store_stmt(st, sql, cause)) == NULL)
		rc = -1;
	else {
		sqlite3_bind_int64(s, 1, st->busy_from);
		rc = store_step_done(st, s, cause, "cannot write");
	}
	if (cache != 0)
		set_pragma(st, "cache_size", cache);
	if (sql == sql_fill)		/* as it was */
		set_pragma(st, "temp_store", temp);
	return rc;
}
