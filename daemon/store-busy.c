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
 */
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

/* ev's rows, once its events row is written; names: store_busy_names. */
int
store_busy_put(struct store *st, const struct event *ev, const char *ical,
    const char *names, char **cause)
{
	sqlite3_stmt	*s;
	int		 ovr;

	if ((s = store_stmt(st, sql_add, cause)) == NULL)
		return -1;
	store_bind_text(s, 1, names);
	sqlite3_bind_int64(s, 2, ev->start);
	store_bind_text(s, 3, ev->uid);
	sqlite3_bind_int64(s, 4, ev->end);
	sqlite3_bind_int(s, 5, ev->rrule != NULL);
	if (store_step_done(st, s, cause, "cannot write") != 0)
		return -1;
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
