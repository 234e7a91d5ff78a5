/*
 * store-schema.c — a store file made ready to use: refused when it is
 * empty or damaged (store_empty_file, quick_check), configured (WAL,
 * synchronous=FULL, foreign keys, cache) and brought up to date by the
 * forward migrations, one per schema change.  Every table and index of
 * every store module is made here, so that one user_version says what a
 * store file holds.
 *
 * Durability: WAL with synchronous=FULL.  In WAL mode, NORMAL already
 * survives a killed process, but FULL also syncs the WAL on every commit so
 * an acknowledged write survives a power cut or a kernel crash too; the
 * cost (one fsync per write) is what `make bench` measures.
 */
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store-int.h"
#include "xmalloc.h"

/*
 * CalDAV's change log (migration 13): the events that refer to e (its
 * programme, those anchored to it) logged as changed, for a reader who
 * may not see e gets them without the reference (ical-redact.c).
 */
#define DAV_RELOG(e)							\
	"  DELETE FROM dav_changes WHERE uid IN (SELECT uid FROM events"	\
	"  WHERE parent_uid = " e ".uid OR anchor_uid = " e ".uid);"	\
	"  INSERT INTO dav_changes (uid, deleted) SELECT uid, 0 FROM events" \
	"  WHERE parent_uid = " e ".uid OR anchor_uid = " e ".uid;"

/* A class's rank (access.h's order), and dav_seen's upsert (migration 14). */
#define DAV_RANK(c)							\
	" CASE " c " WHEN 'public' THEN 0 WHEN 'private' THEN 1 ELSE 2 END "
#define DAV_SEEN							\
	"  INSERT INTO dav_seen (uid, low) VALUES (NEW.uid," DAV_RANK("NEW.class") \
	"  ) ON CONFLICT (uid) DO UPDATE SET low = min(low, excluded.low); "

/* Forward migrations: migrations[v] takes a store from version v to v+1. */
static const char *migrations[] = {
	"CREATE TABLE events ("
	"  uid TEXT PRIMARY KEY,"
	"  summary TEXT, kind TEXT NOT NULL, status TEXT NOT NULL,"
	"  class TEXT NOT NULL, tz TEXT NOT NULL, end_tz TEXT,"
	"  start_utc INTEGER NOT NULL, end_utc INTEGER NOT NULL,"
	"  all_day INTEGER NOT NULL, location TEXT, description TEXT, url TEXT,"
	"  parent_uid TEXT, rrule TEXT, sequence INTEGER NOT NULL,"
	"  created INTEGER, last_modified INTEGER, reminders TEXT,"
	"  next_alarm INTEGER, ical TEXT NOT NULL);"
	"CREATE INDEX events_start ON events(start_utc);"
	"CREATE INDEX events_duration ON events(end_utc - start_utc);"
	"CREATE INDEX events_parent ON events(parent_uid);"
	"CREATE INDEX events_next_alarm ON events(next_alarm)"
	"  WHERE next_alarm IS NOT NULL;"
	"CREATE TABLE participants ("
	"  event_uid TEXT NOT NULL REFERENCES events(uid) ON DELETE CASCADE,"
	"  pos INTEGER NOT NULL, name TEXT NOT NULL, role TEXT, country TEXT,"
	"  precedence INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (event_uid, pos));"
	"CREATE INDEX participants_name ON participants(name COLLATE NOCASE);",
	/* Itineraries (store-itinerary.c): cities and anchors. */
	"ALTER TABLE events ADD COLUMN city TEXT;"
	"ALTER TABLE events ADD COLUMN end_city TEXT;"
	"ALTER TABLE events ADD COLUMN anchor_uid TEXT;"
	"ALTER TABLE events ADD COLUMN anchor_offset INTEGER;"
	"CREATE INDEX events_anchor ON events(anchor_uid)"
	"  WHERE anchor_uid IS NOT NULL;",
	/* Reminders (store-remind.c): state per reminder, "plan again" marks. */
	"CREATE TABLE reminder_state ("
	"  uid TEXT NOT NULL REFERENCES events(uid) ON DELETE CASCADE,"
	"  occ INTEGER NOT NULL, due INTEGER NOT NULL, state TEXT NOT NULL,"
	"  snooze_until INTEGER, fired_at INTEGER,"
	"  late INTEGER NOT NULL DEFAULT 0,"
	"  deliveries INTEGER NOT NULL DEFAULT 0, updated INTEGER NOT NULL,"
	"  seq INTEGER,"
	"  PRIMARY KEY (uid, occ, due)) WITHOUT ROWID;"
	"CREATE INDEX reminder_state_missed ON reminder_state(due)"
	"  WHERE state = 'missed';"
	"CREATE INDEX reminder_state_seq ON reminder_state(seq)"
	"  WHERE seq IS NOT NULL;"
	"CREATE TABLE remind_meta (key TEXT PRIMARY KEY, value TEXT);"
	"CREATE TRIGGER events_remind_insert AFTER INSERT ON events BEGIN"
	"  UPDATE events SET next_alarm = -1 WHERE uid = NEW.uid; END;"
	"CREATE TRIGGER events_remind_update AFTER UPDATE OF ical, start_utc,"
	"  end_utc, status, kind, reminders ON events BEGIN"
	"  UPDATE events SET next_alarm = CASE WHEN OLD.next_alarm IS NULL"
	"  THEN -1 WHEN OLD.next_alarm < 0 THEN OLD.next_alarm"
	"  ELSE -1 - OLD.next_alarm END WHERE uid = NEW.uid; END;"
	"UPDATE events SET next_alarm = -1",
	/* Feeds (store-feed.c): definitions, and when each feed last changed. */
	"CREATE TABLE feeds ("
	"  name TEXT PRIMARY KEY, token TEXT NOT NULL UNIQUE,"
	"  kind TEXT, status TEXT, participant TEXT, parent TEXT, search TEXT,"
	"  redact TEXT, classes INTEGER NOT NULL, past INTEGER, future INTEGER,"
	"  alarms INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL);"
	"CREATE TABLE feed_state (name TEXT PRIMARY KEY, hash TEXT NOT NULL,"
	"  changed INTEGER NOT NULL)",
	/* Occurrences of recurring events (store-occur.c), for S_QUERY. */
	"CREATE TABLE occurrences ("
	"  event_uid TEXT NOT NULL REFERENCES events(uid) ON DELETE CASCADE,"
	"  start_utc INTEGER NOT NULL, end_utc INTEGER NOT NULL,"
	"  PRIMARY KEY (event_uid, start_utc)) WITHOUT ROWID;"
	"CREATE INDEX occurrences_start ON occurrences(start_utc);"
	"CREATE INDEX occurrences_duration ON occurrences(end_utc - start_utc);"
	"ALTER TABLE events ADD COLUMN occ_until INTEGER;"
	"CREATE INDEX events_unexpanded ON events(coalesce(occ_until, 0))"
	"  WHERE rrule IS NOT NULL;"
	"CREATE TRIGGER events_occ_stale AFTER UPDATE OF ical, start_utc,"
	"  end_utc, rrule, tz ON events WHEN NEW.occ_until IS NOT NULL BEGIN"
	"  UPDATE events SET occ_until = NULL WHERE uid = NEW.uid; END",
	/*
	 * Window queries: the end beside the start in the index, so that the
	 * rows that start within the longest event's length before the window
	 * but end before it are passed over in the index, without reading
	 * their rows (the conflict check of every add reads a short window,
	 * and reading the rows it then drops was most of its cost).
	 */
	"CREATE INDEX events_window ON events(start_utc, end_utc);"
	"DROP INDEX events_start;"
	"CREATE INDEX occurrences_window ON occurrences(start_utc, end_utc);"
	"DROP INDEX occurrences_start",
	/*
	 * An unknown CLASS (X-TOP-SECRET) is PRIVATE (RFC 5545 3.8.1.3), not
	 * PUBLIC as kcald once stored it: the class column is the effective
	 * class, read again from each record that names one (kcal_class(),
	 * registered by store_open).
	 */
	"UPDATE events SET class = kcal_class(ical) WHERE class = 'public' "
	"  AND ical LIKE '%CLASS%' AND kcal_class(ical) <> 'public'",
	/*
	 * The reminder hook's queue (store-remind.c, notify.c): a run of
	 * notify_cmd per fired reminder, written in the transaction that
	 * records it fired and deleted when the hook has finished.  Not tied
	 * to the event (no foreign key): a reminder that fired still reaches
	 * the hook if its event is deleted meanwhile.  AUTOINCREMENT so that
	 * an id is never reused: notify.c reads the queue past the last id
	 * it took.  IF NOT EXISTS: a test rewinds the schema to run the class
	 * migration above again, and this one with it.
	 */
	"CREATE TABLE IF NOT EXISTS hook_jobs ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  cmd INTEGER NOT NULL DEFAULT 0,"
	"  uid TEXT NOT NULL, occ INTEGER NOT NULL, due INTEGER NOT NULL,"
	"  seq INTEGER, msg TEXT NOT NULL, queued INTEGER NOT NULL,"
	"  tries INTEGER NOT NULL DEFAULT 0, started INTEGER)",
	/*
	 * A feed's briefing page (briefing.c): the visit it shows.  Its own
	 * table, made only if missing, so that running this again is
	 * harmless (test-feed-leaks.sh runs the class migration again).
	 */
	"CREATE TABLE IF NOT EXISTS feed_briefings ("
	"  name TEXT PRIMARY KEY REFERENCES feeds(name) ON DELETE CASCADE,"
	"  visit TEXT NOT NULL)",
	/*
	 * Several hooks (notify_cmd given more than once): each takes its
	 * own rows of the queue, in order, from this index (notify.c).
	 */
	"CREATE INDEX IF NOT EXISTS hook_jobs_cmd ON hook_jobs(cmd, id)",
	/*
	 * The participants of each RECURRENCE-ID override of a series
	 * (store-itinerary.c), with the override's own class and status, for
	 * people and list --participant: participants keeps the master's
	 * alone, which is what an event's participants are when it is read.
	 * A table of its own (not columns of participants) so that running
	 * this again is harmless (IF NOT EXISTS; ADD COLUMN fails when run
	 * twice) and each row has a key: an override's RECURRENCE-ID, never
	 * NULL.  Filled as each series is written: a store upgraded from an
	 * older kcald has none for a series until it is written again.
	 */
	"CREATE TABLE IF NOT EXISTS override_participants ("
	"  event_uid TEXT NOT NULL REFERENCES events(uid) ON DELETE CASCADE,"
	"  rid INTEGER NOT NULL, pos INTEGER NOT NULL, name TEXT NOT NULL,"
	"  role TEXT, country TEXT, precedence INTEGER NOT NULL DEFAULT 0,"
	"  class TEXT NOT NULL, status TEXT NOT NULL,"
	"  PRIMARY KEY (event_uid, rid, pos)) WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS override_participants_name ON"
	"  override_participants(name COLLATE NOCASE)",
	/*
	 * Each event's next reminder instant in a narrow table of its own
	 * (store-remind.c): planning rewrites this small row, not the wide
	 * event row.  The values are moved over and events.next_alarm is
	 * left NULL (unused), so that running this again (test-feed-leaks.sh
	 * rewinds the schema) copies nothing and keeps the plans.
	 */
	"CREATE TABLE IF NOT EXISTS alarms ("
	"  uid TEXT PRIMARY KEY REFERENCES events(uid) ON DELETE CASCADE,"
	"  next_alarm INTEGER) WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS alarms_next ON alarms(next_alarm)"
	"  WHERE next_alarm IS NOT NULL;"
	"INSERT OR IGNORE INTO alarms (uid, next_alarm) SELECT uid, next_alarm"
	"  FROM events WHERE next_alarm IS NOT NULL;"
	"DROP INDEX IF EXISTS events_next_alarm;"
	"DROP TRIGGER IF EXISTS events_remind_insert;"
	"DROP TRIGGER IF EXISTS events_remind_update;"
	"CREATE TRIGGER events_remind_insert AFTER INSERT ON events BEGIN"
	"  INSERT INTO alarms (uid, next_alarm) VALUES (NEW.uid, -1)"
	"  ON CONFLICT (uid) DO UPDATE SET next_alarm = -1; END;"
	"CREATE TRIGGER events_remind_update AFTER UPDATE OF ical, start_utc,"
	"  end_utc, status, kind, reminders ON events BEGIN"
	"  INSERT INTO alarms (uid, next_alarm) VALUES (NEW.uid, -1)"
	"  ON CONFLICT (uid) DO UPDATE SET next_alarm = CASE WHEN next_alarm"
	"  IS NULL THEN -1 WHEN next_alarm < 0 THEN next_alarm"
	"  ELSE -1 - next_alarm END; END;"
	"UPDATE events SET next_alarm = NULL WHERE next_alarm IS NOT NULL",
	/*
	 * CalDAV (store-dav.c).  dav_changes: one row per UID, its last
	 * change (seq grows, never reused: AUTOINCREMENT), so a sync token
	 * is a seq and survives a restart; a deleted event keeps a row,
	 * deleted = 1.  Filled by triggers, so that every writer (kcal,
	 * import, CalDAV) is seen; an update counts only when the record or
	 * its class changed (planning reminders or expanding occurrences
	 * rewrites other columns).  dav_names: the resource name a client
	 * chose when it is not the UID; when its event is deleted the name
	 * moves to the event's row of the log (a sync reports the name the
	 * client knew gone).  No foreign key: the delete trigger moves it
	 * first.  Every statement
	 * may run twice (test-feed-leaks.sh rewinds the schema): the events
	 * already there are logged only once.
	 */
	"CREATE TABLE IF NOT EXISTS dav_changes ("
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  uid TEXT NOT NULL UNIQUE, deleted INTEGER NOT NULL, name TEXT);"
	"CREATE TABLE IF NOT EXISTS dav_names ("
	"  uid TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
	"INSERT OR IGNORE INTO dav_changes (uid, deleted) SELECT uid, 0"
	"  FROM events ORDER BY uid;"
	"DROP TRIGGER IF EXISTS events_dav_insert;"
	"DROP TRIGGER IF EXISTS events_dav_update;"
	"DROP TRIGGER IF EXISTS events_dav_delete;"
	"CREATE TRIGGER events_dav_insert AFTER INSERT ON events BEGIN"
	"  DELETE FROM dav_changes WHERE uid = NEW.uid;"
	"  INSERT INTO dav_changes (uid, deleted) VALUES (NEW.uid, 0); END;"
	"CREATE TRIGGER events_dav_update AFTER UPDATE OF ical, class ON events"
	"  WHEN OLD.ical IS NOT NEW.ical OR OLD.class IS NOT NEW.class BEGIN"
	"  DELETE FROM dav_changes WHERE uid = NEW.uid;"
	"  INSERT INTO dav_changes (uid, deleted) VALUES (NEW.uid, 0); END;"
	"DROP TRIGGER IF EXISTS events_dav_refs;"
	"CREATE TRIGGER events_dav_refs AFTER UPDATE OF class ON events"
	"  WHEN OLD.class IS NOT NEW.class BEGIN" DAV_RELOG("NEW") "END;"
	"CREATE TRIGGER events_dav_delete AFTER DELETE ON events BEGIN"
	DAV_RELOG("OLD")
	"  DELETE FROM dav_changes WHERE uid = OLD.uid;"
	"  INSERT INTO dav_changes (uid, deleted, name) VALUES (OLD.uid, 1,"
	"  (SELECT name FROM dav_names WHERE uid = OLD.uid));"
	"  DELETE FROM dav_names WHERE uid = OLD.uid; END",
	/*
	 * dav_seen: per UID the lowest class its event has had (0 public,
	 * 1 private, 2 confidential), kept after it is deleted.  A sync
	 * reports an event gone (404) only to a reader who may once have
	 * seen it: one that was always above their clearance is not named.
	 */
	"CREATE TABLE IF NOT EXISTS dav_seen ("
	"  uid TEXT PRIMARY KEY, low INTEGER NOT NULL);"
	"INSERT OR IGNORE INTO dav_seen (uid, low) SELECT uid," DAV_RANK("class")
	"  FROM events;"
	"DROP TRIGGER IF EXISTS events_dav_seen_insert;"
	"DROP TRIGGER IF EXISTS events_dav_seen_update;"
	"CREATE TRIGGER events_dav_seen_insert AFTER INSERT ON events BEGIN"
	DAV_SEEN "END;"
	"CREATE TRIGGER events_dav_seen_update AFTER UPDATE OF class ON events"
	"  BEGIN" DAV_SEEN "END",
	/*
	 * status counts the cancelled events (and a reader of a limited
	 * clearance the events of the classes they may read) in this index,
	 * not by a walk of the whole table.
	 */
	"CREATE INDEX IF NOT EXISTS events_status ON events(status, class)",
	/*
	 * The conflict check after every write keeps, of the rows in the
	 * written event's window, those that share a participant with it
	 * (store.c, QUERY_FILTERS): with the names in this index beside the
	 * UID, that test reads the index alone and not the participants'
	 * rows, which were most of the check's reads.
	 */
	"CREATE INDEX IF NOT EXISTS participants_uid_name ON"
	"  participants(event_uid, name COLLATE NOCASE)",
	/*
	 * Who is busy when (store-busy.c), for the same check: each event's
	 * participants' names with its times, keyed by name then start, so
	 * that the check reads the rows of the written event's people in its
	 * window and no others (a series is also found by its UID, for its
	 * occurrences in the window); and the series with RECURRENCE-ID
	 * overrides, which the check hands over whoever is in them.  Filled
	 * from what the store holds; run again, it adds nothing.  Migration
	 * 16's index, which these replace, goes.  The rows go in sorted by
	 * busy's key (the events walked in the order they are stored, then
	 * one sort, in temporary files: store_migrate): walked by name, each
	 * event was read from a random place and each row went into one.  Of
	 * an event's names that differ in case only, the first goes in, as
	 * with store_put.  The key's columns come first: SQLite 3.40's
	 * quick_check misreads a NOT NULL column declared between those of a
	 * WITHOUT ROWID key.
	 */
	"CREATE TABLE IF NOT EXISTS busy ("
	"  name TEXT NOT NULL COLLATE NOCASE, start_utc INTEGER NOT NULL,"
	"  event_uid TEXT NOT NULL, end_utc INTEGER NOT NULL,"
	"  series INTEGER NOT NULL,"
	"  PRIMARY KEY (name, start_utc, event_uid)) WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS busy_series ON busy(event_uid)"
	"  WHERE series = 1;"
	"INSERT OR IGNORE INTO busy (name, start_utc, event_uid, end_utc,"
	"  series) SELECT p.name, e.start_utc, e.uid, e.end_utc,"
	"  e.rrule IS NOT NULL FROM events e CROSS JOIN participants p"
	"  ON p.event_uid = e.uid"
	"  ORDER BY p.name COLLATE NOCASE, e.start_utc, e.uid, p.pos;"
	"CREATE TABLE IF NOT EXISTS series_overridden ("
	"  uid TEXT PRIMARY KEY REFERENCES events(uid) ON DELETE CASCADE,"
	"  start_utc INTEGER NOT NULL, end_utc INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS series_overridden_window ON"
	"  series_overridden(start_utc, end_utc);"
	"INSERT OR IGNORE INTO series_overridden (uid, start_utc, end_utc)"
	"  SELECT uid, start_utc, end_utc FROM events WHERE rrule IS NOT NULL"
	"  AND instr(ical, 'RECURRENCE-ID');"
	"DROP INDEX IF EXISTS participants_uid_name",
	/*
	 * The events a newer kcald reads differently, to be written again
	 * from their records at start (occur_reindex): a DURATION of days is
	 * nominal, an UNTIL in UTC an instant, a RANGE=THISANDFUTURE override
	 * moves what follows it, a REPEAT repeats.  Their indexed ends and
	 * occurrences were the old reading's.
	 */
	"CREATE TABLE IF NOT EXISTS reindex (uid TEXT PRIMARY KEY)"
	"  WITHOUT ROWID;"
	"INSERT OR IGNORE INTO reindex SELECT uid FROM events WHERE"
	"  instr(ical, 'DURATION:P') OR instr(ical, 'THISANDFUTURE') OR"
	"  (rrule IS NOT NULL AND instr(ical, 'UNTIL='))",
	/*
	 * An event deleted and made again (one UID; a client may PUT it
	 * under another name) keeps its deletion in the change log, under
	 * "UID\nseq" with the name it had: a sync from before both reports
	 * the old name gone as well as the new one (dav-report.c).  It was
	 * replaced by the new row, and a client kept the old copy for good.
	 */
	"DROP TRIGGER IF EXISTS events_dav_insert;"
	"CREATE TRIGGER events_dav_insert AFTER INSERT ON events BEGIN"
	"  UPDATE dav_changes SET uid = NEW.uid || char(10) || seq,"
	"  name = coalesce(name, NEW.uid || '.ics')"
	"  WHERE uid = NEW.uid AND deleted;"
	"  DELETE FROM dav_changes WHERE uid = NEW.uid;"
	"  INSERT INTO dav_changes (uid, deleted) VALUES (NEW.uid, 0); END",
	/*
	 * A record whose X- CLASS an older kcald's copy of it wrote as
	 * "CLASS:" (ical-clone.c says how) was read as public.  The class
	 * kcald read it as is private (ical_class_of): written so, so that
	 * its export imports again, and its class column read again.  (A
	 * copy kept the CLASS's parameters; a line "CLASS;X-...:" alone is
	 * left to ical_class_of, and its row read again all the same.)
	 */
	"INSERT OR IGNORE INTO reindex SELECT uid FROM events WHERE"
	"  ical LIKE '%' || char(10) || 'CLASS%:' || char(13) || char(10) || '%'"
	"  OR ical LIKE '%' || char(10) || 'CLASS%:' || char(10) || '%';"
	"UPDATE events SET ical = replace(replace(ical,"
	"  char(10) || 'CLASS:' || char(13) || char(10),"
	"  char(10) || 'CLASS:PRIVATE' || char(13) || char(10)),"
	"  char(10) || 'CLASS:' || char(10), char(10) || 'CLASS:PRIVATE' ||"
	"  char(10)) WHERE uid IN (SELECT uid FROM reindex)",
	/*
	 * The reminders column holds the absolute reminders too (store.c's
	 * reminders_text): rows with any, read again from their records (a
	 * TRIGGER;VALUE=DATE-TIME; LIKE ignores ASCII case, as parameters do).
	 */
	"INSERT OR IGNORE INTO reindex SELECT uid FROM events WHERE"
	"  ical LIKE '%VALUE=DATE-TIME%'",
	/*
	 * "Plan again" keeps when the write was, as the baseline of a row
	 * that had nothing pending (it was plain -1): the reminders of an
	 * event written and not yet planned when kcald stopped (an import,
	 * planned by the walk after its commit) were planned from the start
	 * after, and those that fell due between were lost, neither late nor
	 * missed (store-remind.c, DIRTY_EXPR, says the same for its own).
	 */
	"DROP TRIGGER IF EXISTS events_remind_insert;"
	"DROP TRIGGER IF EXISTS events_remind_update;"
	"CREATE TRIGGER events_remind_insert AFTER INSERT ON events BEGIN"
	"  INSERT INTO alarms (uid, next_alarm) VALUES (NEW.uid,"
	"  -1 - CAST(strftime('%s', 'now') AS INTEGER))"
	"  ON CONFLICT (uid) DO UPDATE SET next_alarm ="
	"  -1 - CAST(strftime('%s', 'now') AS INTEGER); END;"
	"CREATE TRIGGER events_remind_update AFTER UPDATE OF ical, start_utc,"
	"  end_utc, status, kind, reminders ON events BEGIN"
	"  INSERT INTO alarms (uid, next_alarm) VALUES (NEW.uid,"
	"  -1 - CAST(strftime('%s', 'now') AS INTEGER))"
	"  ON CONFLICT (uid) DO UPDATE SET next_alarm = CASE WHEN next_alarm"
	"  IS NULL THEN -1 - CAST(strftime('%s', 'now') AS INTEGER)"
	"  WHEN next_alarm < 0 THEN next_alarm"
	"  ELSE -1 - min(next_alarm, CAST(strftime('%s', 'now') AS INTEGER))"
	"  END; END",
};
#define NMIGRATIONS ((int)(sizeof migrations / sizeof *migrations))

static int
pragma_int(struct store *st, const char *sql, int *out)
{
	sqlite3_stmt	*s;
	int		 rc = -1;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW) {
		*out = sqlite3_column_int(s, 0);
		rc = 0;
	}
	sqlite3_finalize(s);
	return rc;
}

/*
 * kcal_class(ical): a record's effective class, for the migrations; an
 * error (the upgrade refused) when no store_record_ops can read it.
 */
static void
sql_kcal_class(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char	*text = sqlite3_value_text(argv[0]);
	const char		*class = NULL;

	(void)argc;
	if (text != NULL &&
	    store_record_class((const char *)text, &class) != 0)
		sqlite3_result_error(ctx, "no record reader to upgrade with", -1);
	else if (class == NULL)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_text(ctx, class, -1, SQLITE_STATIC);
}

/* Bring the schema up to date, or refuse a store from a newer kcald. */
int
store_migrate(struct store *st, char **cause)
{
	int	 v;
	char	*sql;

	if (pragma_int(st, "PRAGMA user_version", &v) != 0) {
		store_db_cause(st, cause, "cannot read the store (corrupt or not a "
		    "kcal store?)");
		return -1;
	}
	if (v > NMIGRATIONS) {
		xasprintf(cause, "the store has schema version %d, newer than "
		    "this kcald understands (%d); refusing to touch it", v,
		    NMIGRATIONS);
		return -1;
	}
	if (st->readonly && v < NMIGRATIONS) {
		xasprintf(cause, "the store has schema version %d and needs "
		    "upgrading to %d, but it is read-only (%s)", v, NMIGRATIONS,
		    st->ro_reason);
		return -1;
	}
	if (v < NMIGRATIONS && sqlite3_create_function(st->db, "kcal_class", 1,
	    SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sql_kcal_class, NULL,
	    NULL) != SQLITE_OK) {
		store_db_cause(st, cause, "cannot upgrade the store");
		return -1;
	}
	/*
	 * A migration's sorts (an index made, busy filled) keep a page
	 * cache's worth in memory and the rest in temporary files; with
	 * temporary storage in memory (store_configure) they would hold it
	 * all.  Set back after them.
	 */
	if (v == NMIGRATIONS)
		return 0;
	store_exec(st, "PRAGMA temp_store = FILE", NULL);
	for (; v < NMIGRATIONS; v++) {
		xasprintf(&sql, "BEGIN IMMEDIATE; %s; PRAGMA user_version = %d;"
		    " COMMIT;", migrations[v], v + 1);
		if (store_exec(st, sql, cause) != 0) {
			free(sql);
			store_exec(st, "ROLLBACK", NULL);
			return -1;
		}
		free(sql);
	}
	return store_exec(st, "PRAGMA temp_store = MEMORY", cause);
}

/*
 * PRAGMA quick_check: "ok", or the problems it found (the first few, on one
 * line, and how many more), or the error that stopped it -- never SQLite's
 * last error code, which a check that ran to the end leaves at "not an
 * error".
 */
static int
quick_check(struct store *st, char **cause)
{
	sqlite3_stmt	*s;
	char		*found = NULL, *p;
	const char	*row;
	int		 rc, rows = 0;

	if (sqlite3_prepare_v2(st->db, "PRAGMA quick_check", -1, &s,
	    NULL) != SQLITE_OK) {
		store_db_cause(st, cause, "the store cannot be checked");
		return -1;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((row = (const char *)sqlite3_column_text(s, 0)) == NULL)
			row = "(null)";
		if (rows++ < 3) {
			p = found;
			xasprintf(&found, "%s%s%s", p ? p : "", p ? "; " : "",
			    row);
			free(p);
		}
	}
	sqlite3_finalize(s);
	for (p = found; p != NULL && *p != '\0'; p++)
		if (*p == '\n')
			*p = ' ';	/* "*** in database main ***\nPage 5..." */
	if (rc == SQLITE_DONE && rows == 1 && strcmp(found, "ok") == 0)
		rc = 0;
	else if (rc != SQLITE_DONE)
		store_db_cause(st, cause, "the store failed its integrity check");
	else
		xasprintf(cause, "the store failed its integrity check: %s%s",
		    found != NULL ? found : "no answer", rows > 3 ?
		    " (and more)" : "");
	free(found);
	return rc == 0 ? 0 : -1;
}

/*
 * Configure a connection; check: run the integrity check too, which reads
 * every page (a second connection to a store already checked skips it).
 */
int
store_configure(struct store *st, int check, char **cause)
{
	sqlite3_busy_timeout(st->db, STORE_BUSY_MS);
	if (store_exec(st, "PRAGMA foreign_keys = ON", cause) != 0)
		return -1;
	if (!st->readonly && strcmp(st->path, ":memory:") != 0 &&
	    store_exec(st, "PRAGMA journal_mode = WAL", cause) != 0)
		return -1;
	if (!st->readonly &&
	    store_exec(st, "PRAGMA synchronous = FULL", cause) != 0)
		return -1;
	if (check && quick_check(st, cause) != 0)
		return -1;
	/*
	 * A write inside a transaction is a savepoint (store_begin nests;
	 * group commit runs each request in one), and SQLite keeps the pages
	 * a savepoint changes in a journal of their old contents: past 64 kB
	 * that journal went to a temporary file, created, written a page at a
	 * time and unlinked for every add.  In memory it is one write's pages
	 * (released with the savepoint).  Readers (store-ro.c) keep files.
	 */
	if (!st->readonly &&
	    store_exec(st, "PRAGMA temp_store = MEMORY", cause) != 0)
		return -1;
	/*
	 * 16 MB of page cache, not SQLite's 2 MB: a one-week list of a large
	 * store reads more pages than 2 MB holds and would re-read each from
	 * the kernel every time.  Set after the integrity check, which reads
	 * every page: the cache fills only as queries read pages, so the idle
	 * daemon stays small.
	 */
	return store_exec(st, "PRAGMA cache_size = -16384", cause);
}

/*
 * A store file of zero bytes is not a new store (that is a file that does
 * not exist): it is one that was truncated or never finished, and SQLite
 * would take it for an empty database -- feeds would then publish an empty
 * calendar.  Refused, to be looked at.
 */
int
store_empty_file(const char *path, char **cause)
{
	struct stat	sb;

	if (strcmp(path, ":memory:") == 0 || stat(path, &sb) != 0 ||
	    !S_ISREG(sb.st_mode) || sb.st_size != 0)
		return 0;
	xasprintf(cause, "the store file is empty (0 bytes): truncated or "
	    "never written, not a new store; restore it from a backup, or "
	    "remove it to start an empty store");
	return 1;
}
