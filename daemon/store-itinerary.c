/*
 * store-itinerary.c — the itinerary's SQL.  The columns city, end_city,
 * anchor_uid and anchor_offset mirror the X-KCAL-CITY, X-KCAL-END-CITY,
 * X-KCAL-ANCHOR and X-KCAL-ANCHOR-OFFSET properties of the event's VEVENT
 * (the canonical record); store_put writes them with the rest of the
 * row (store.c's S_PUT: a second UPDATE rewrote the whole wide row, its
 * record's text included, once more on every write).  anchor_uid is indexed so
 * that moving an event finds the events anchored to it in O(log n).
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store-int.h"
#include "store-itinerary.h"
#include "xmalloc.h"

static const char sql_anchored[] = "SELECT uid FROM events WHERE "
    "anchor_uid = ?1 AND (?2 OR status <> 'cancelled') "
    "ORDER BY start_utc, uid";
static const char sql_anchor_of[] = "SELECT anchor_uid FROM events WHERE "
    "uid = ?1";
static const char sql_followed[] = "SELECT EXISTS (SELECT 1 FROM events "
    "WHERE anchor_uid = ?1 AND uid <> ?1)";
/*
 * Who takes part in each event: its own participants (the master's, for a
 * series; class and status NULL: the event's) and those of each of its
 * overrides, with the override's class and status.
 */
#define EVERY_PART "(SELECT event_uid, name, role, country, precedence, " \
    "NULL AS class, NULL AS status, 1 AS master FROM participants " \
    "UNION ALL SELECT event_uid, name, role, country, precedence, class, " \
    "status, 0 FROM override_participants)"
/* ... and the rows a reader may see: live, and at or below its clearance */
#define LIVE_PART "e.status <> 'cancelled' AND coalesce(p.status, '') <> " \
    "'cancelled' AND kcal_may_read(e.class) AND " \
    "kcal_may_read(coalesce(p.class, e.class))"
static const char sql_people[] = "SELECT min(p.name), "
    "group_concat(DISTINCT p.role), group_concat(DISTINCT p.country), "
    "min(CASE WHEN p.precedence > 0 THEN p.precedence END), "
    "count(DISTINCT p.event_uid) FROM " EVERY_PART " p JOIN events e ON "
    "e.uid = p.event_uid WHERE " LIVE_PART " AND (?1 IS NULL OR "
    "kcal_holds(p.name, ?1)) GROUP BY p.name COLLATE NOCASE "
    "ORDER BY min(p.country) IS NULL, min(p.country), "
    "min(CASE WHEN p.precedence > 0 THEN p.precedence END) IS NULL, "
    "min(CASE WHEN p.precedence > 0 THEN p.precedence END), "
    "min(p.name) COLLATE NOCASE";
/* The role: the master's when they take part in it, else an override's. */
static const char sql_person_events[] = "SELECT e.uid, CASE WHEN "
    "max(p.master) THEN max(CASE WHEN p.master THEN p.role END) ELSE "
    "max(p.role) END, e.start_utc, e.rrule IS NOT NULL FROM " EVERY_PART
    " p JOIN events e ON e.uid = p.event_uid WHERE p.name = ?1 COLLATE "
    "NOCASE AND " LIVE_PART " AND (e.end_utc > ?2 OR e.rrule IS NOT NULL) "
    "GROUP BY e.uid ORDER BY e.start_utc, e.uid";
static const char sql_del_ovr[] = "DELETE FROM override_participants "
    "WHERE event_uid = ?1";
static const char sql_put_ovr[] = "INSERT OR REPLACE INTO "
    "override_participants (event_uid, rid, pos, name, role, country, "
    "precedence, class, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

static void
done(sqlite3_stmt *s)
{
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

/*
 * Step s to the end, growing *out by one size-byte element a row and
 * filling it with fill: 0, or -1 with a cause naming what was read.
 */
static int
read_rows(struct store *st, sqlite3_stmt *s, void **out, size_t *n,
    size_t size, void (*fill)(sqlite3_stmt *, void *), const char *what,
    char **cause)
{
	int	 rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*out = xreallocarray(*out, *n + 1, size);
		fill(s, (char *)*out + (*n)++ * size);
	}
	done(s);
	if (rc != SQLITE_DONE) {
		store_db_cause(st, cause, what);
		return -1;
	}
	return 0;
}

/* One override's participants (store_put_overrides). */
static int
put_override(struct store *st, sqlite3_stmt *s, const char *uid,
    const struct store_override *o, char **cause)
{
	for (size_t i = 0; i < o->nparts; i++) {
		store_bind_text(s, 1, uid);
		sqlite3_bind_int64(s, 2, o->rid);
		sqlite3_bind_int64(s, 3, (sqlite3_int64)i);
		store_bind_text(s, 4, o->parts[i].name);
		store_bind_text(s, 5, o->parts[i].role);
		store_bind_text(s, 6, o->parts[i].country);
		sqlite3_bind_int(s, 7, o->parts[i].precedence);
		store_bind_text(s, 8, o->class ? o->class : "public");
		store_bind_text(s, 9, o->status ? o->status : "confirmed");
		if (store_step_done(st, s, cause, "cannot write a participant "
		    "of an override") != 0)
			return -1;
	}
	return 0;
}

/*
 * The participants of the overrides of series ev (none: ovr NULL), in
 * place of those it had: a hook called by store_put in its transaction.
 */
int
store_put_overrides(struct store *st, const struct event *ev,
    const struct store_overrides *ovr, char **cause)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, sql_del_ovr, cause)) == NULL)
		return -1;
	store_bind_text(s, 1, ev->uid);
	if (store_step_done(st, s, cause, "cannot write the participants "
	    "of the overrides") != 0)
		return -1;
	if (ovr == NULL)
		return 0;
	if ((s = store_stmt(st, sql_put_ovr, cause)) == NULL)
		return -1;
	for (size_t i = 0; i < ovr->n; i++)
		if (put_override(st, s, ev->uid, &ovr->v[i], cause) != 0)
			return -1;
	return 0;
}

static void
fill_uid(sqlite3_stmt *s, void *row)
{
	*(char **)row = store_col_dup(s, 0);
}

/* The UIDs of the live events anchored to uid (all: cancelled ones too). */
int
store_anchored(struct store *st, const char *uid, int all, char ***uids,
    size_t *n, char **cause)
{
	sqlite3_stmt	*s;

	*uids = NULL;
	*n = 0;
	if ((s = store_stmt(st, sql_anchored, cause)) == NULL)
		return -1;
	store_bind_text(s, 1, uid);
	sqlite3_bind_int(s, 2, all);
	return read_rows(st, s, (void **)uids, n, sizeof **uids, fill_uid,
	    "cannot read the anchors", cause);
}

/* Is any other event anchored to uid (a cancelled one too)?  1, 0, -1. */
int
store_followed(struct store *st, const char *uid)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, sql_followed, NULL)) == NULL)
		return -1;
	store_bind_text(s, 1, uid);
	rc = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) != 0 : -1;
	done(s);
	return rc;
}

/* The anchor of uid (*anchor NULL if none): 0, STORE_NOT_FOUND or -1. */
int
store_anchor_of(struct store *st, const char *uid, char **anchor,
    char **cause)
{
	sqlite3_stmt	*s;
	int		 rc;

	*anchor = NULL;
	if ((s = store_stmt(st, sql_anchor_of, cause)) == NULL)
		return -1;
	store_bind_text(s, 1, uid);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*anchor = store_col_dup(s, 0);
	else if (rc != SQLITE_DONE)
		store_db_cause(st, cause, "cannot read the anchors");
	done(s);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? STORE_NOT_FOUND : -1;
}

static void
fill_person(sqlite3_stmt *s, void *row)
{
	struct store_person	*p = row;

	p->name = store_col_dup(s, 0);
	p->role = store_col_dup(s, 1);
	p->country = store_col_dup(s, 2);
	p->precedence = sqlite3_column_int(s, 3);
	p->nevents = sqlite3_column_int64(s, 4);
}

/*
 * Everyone who takes part in a live event (names compared without case),
 * ordered by country, precedence and name; search filters by a substring.
 */
int
store_people(struct store *st, const char *search, struct store_person **out,
    size_t *n, char **cause)
{
	sqlite3_stmt	*s;

	*out = NULL;
	*n = 0;
	if ((s = store_stmt(st, sql_people, cause)) == NULL)
		return -1;
	store_bind_text(s, 1, search);
	return read_rows(st, s, (void **)out, n, sizeof **out, fill_person,
	    "cannot read the participants", cause);
}

void
store_people_free(struct store_person *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(p[i].name);
		free(p[i].role);
		free(p[i].country);
	}
	free(p);
}

static void
fill_person_event(sqlite3_stmt *s, void *row)
{
	struct store_person_event	*e = row;

	e->uid = store_col_dup(s, 0);
	e->role = store_col_dup(s, 1);
	e->start = sqlite3_column_int64(s, 2);
	e->recurring = sqlite3_column_int(s, 3);
}

/*
 * The live events of one person that end after from (and every recurring
 * one, for the caller to expand), in start order.
 */
int
store_person_events(struct store *st, const char *name, int64_t from,
    struct store_person_event **out, size_t *n, char **cause)
{
	sqlite3_stmt	*s;

	*out = NULL;
	*n = 0;
	if ((s = store_stmt(st, sql_person_events, cause)) == NULL)
		return -1;
	store_bind_text(s, 1, name);
	sqlite3_bind_int64(s, 2, from);
	return read_rows(st, s, (void **)out, n, sizeof **out,
	    fill_person_event, "cannot read the participants", cause);
}

void
store_person_events_free(struct store_person_event *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].uid);
		free(e[i].role);
	}
	free(e);
}
