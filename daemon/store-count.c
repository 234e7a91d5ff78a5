/*
 * store-count.c — the counts status reports ("events", "cancelled",
 * "participants": distinct names) of COMMITTED data, known at once even
 * while a group's transaction is open on the loop's connection
 * (server-group.c), so that a status neither waits for the group's
 * commit nor counts writes that may yet be rolled back.
 *
 * On the loop's connection (store_count_track) temporary triggers keep the
 * counts of what the connection sees in a temporary table of one row, as
 * its writes happen: an event inserted or deleted, its status changed, a
 * participant whose name is new to the store or gone from it (one probe of
 * the name index each; no walk on the write path).  The table is written
 * in the writes' transaction, so a savepoint rolled back takes its counts
 * back with it.  Each outermost commit copies the row (store_tally_commit):
 * that copy is what status answers while a transaction is open.
 *
 * The triggers see this connection's writes alone.  Another connection's
 * commit (an import's) changes PRAGMA data_version: the next count outside
 * a transaction walks the store again, and one inside a transaction cannot
 * say (store_counts answers STORE_LATER).  Not for the checkpoint thread's
 * commits, which change nothing (store-ckpt.c, log_restart): a change of
 * data_version while the thread's count of its writes moved is taken for
 * one of them.  The only other connection of kcald's that writes is an
 * import's, whose commit always sets the tally aside (store_counts_hold
 * ends it; store_counts_adopt takes the import's counts, or the next count
 * walks); a write by another program meanwhile would be missed until the
 * next change.  A reader of a limited clearance
 * (store_count_visible), or a connection that keeps no tally, counts by a
 * walk, kept until the store changes (read_version).
 */
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store-int.h"

static const char sql_track[] =
    "CREATE TEMP TABLE kcal_counts (events INTEGER NOT NULL, "
    "  cancelled INTEGER NOT NULL, names INTEGER NOT NULL);"
    "INSERT INTO temp.kcal_counts VALUES (0, 0, 0);"
    "CREATE TEMP TRIGGER kcal_count_add AFTER INSERT ON main.events BEGIN "
    "  UPDATE kcal_counts SET events = events + 1, "
    "  cancelled = cancelled + (NEW.status IS 'cancelled'); END;"
    "CREATE TEMP TRIGGER kcal_count_drop AFTER DELETE ON main.events BEGIN "
    "  UPDATE kcal_counts SET events = events - 1, "
    "  cancelled = cancelled - (OLD.status IS 'cancelled'); END;"
    "CREATE TEMP TRIGGER kcal_count_status AFTER UPDATE OF status ON "
    "  main.events WHEN (OLD.status IS 'cancelled') <> "
    "  (NEW.status IS 'cancelled') BEGIN "
    "  UPDATE kcal_counts SET cancelled = cancelled + "
    "  (NEW.status IS 'cancelled') - (OLD.status IS 'cancelled'); END;"
    /* the same octets: count(DISTINCT name) compares names as they are */
    "CREATE TEMP TRIGGER kcal_count_name AFTER INSERT ON main.participants "
    "  WHEN NOT EXISTS (SELECT 1 FROM main.participants WHERE name = "
    "  NEW.name COLLATE NOCASE AND name = NEW.name AND rowid <> NEW.rowid) "
    "  BEGIN UPDATE kcal_counts SET names = names + 1; END;"
    "CREATE TEMP TRIGGER kcal_count_unname AFTER DELETE ON main.participants "
    "  WHEN NOT EXISTS (SELECT 1 FROM main.participants WHERE name = "
    "  OLD.name COLLATE NOCASE AND name = OLD.name) "
    "  BEGIN UPDATE kcal_counts SET names = names - 1; END;";
static const char sql_read[] =
    "SELECT events, cancelled, names FROM temp.kcal_counts";
static const char sql_set[] =
    "UPDATE temp.kcal_counts SET events = ?1, cancelled = ?2, names = ?3";
static const char sql_version[] = "PRAGMA data_version";

static const char *const count_names[] = { "events", "cancelled",
    "participants" };

/* Keep a tally of this connection's writes: the loop's (server-group.c). */
void
store_count_track(struct store *st)
{
	if (st->readonly || st->tally.tracked)
		return;
	if (store_exec(st, sql_track, NULL) == 0)
		st->tally.tracked = 1;
}

static int
data_version(struct store *st, int64_t *v)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, sql_version, NULL)) == NULL)
		return -1;
	rc = sqlite3_step(s);
	*v = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

static int
tally_read(struct store *st, int64_t out[3])
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, sql_read, NULL)) == NULL)
		return -1;
	rc = sqlite3_step(s);
	for (int i = 0; i < 3; i++)
		out[i] = rc == SQLITE_ROW ? sqlite3_column_int64(s, i) : 0;
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* The outermost transaction committed: what it left is committed now. */
void
store_tally_commit(struct store *st)
{
	if (st->tally.valid && tally_read(st, st->tally.committed) != 0)
		st->tally.valid = 0;
}

/*
 * What status counts has not changed while neither another connection
 * committed (PRAGMA data_version) nor this one wrote an event (store_put,
 * store_delete: st->writes; a reminder's state, which it writes all the
 * time, does not count): the key of store_count's cache.  -1 inside a
 * transaction, whose writes may yet be rolled back.
 */
static int
read_version(struct store *st, int64_t v[2])
{
	if (!sqlite3_get_autocommit(st->db) || data_version(st, &v[0]) != 0)
		return -1;
	v[1] = (int64_t)st->writes;
	return 0;
}

static int
count_now(struct store *st, int what, int64_t *out)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (st->clearance != ACCESS_CLASS_CONFIDENTIAL)
		return store_count_visible(st, count_names[what], out);
	s = st->stmt[S_COUNT_ALL + what];	/* _CANCELLED, _PARTS follow */
	rc = sqlite3_step(s);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

/*
 * The tally's data_version moved to v: if the checkpoint thread began a
 * write since (w, its count read before v, past the tally's), that was
 * it (see above), and v is the tally's version now.  The count kept with
 * a version is read after it (store_ckpt_wrote), so that a write of the
 * thread's that began in between is never taken for one the version
 * holds: were it kept behind, a later change of another connection's
 * would pass for the thread's.  In the other order a change is walked for
 * nothing, at worst.
 */
static void
ckpt_wrote(struct store *st, int64_t v, uint64_t w)
{
	struct store_tally	*t = &st->tally;

	if (w != t->ckpt_wrote) {
		t->version = v;
		t->ckpt_wrote = store_ckpt_wrote(st);
	}
}

/*
 * One count by a walk of a table or an index, long once the store is big:
 * kept, per clearance, until the store changes (read_version).
 */
int
store_count(struct store *st, const char *what, int64_t *out)
{
	int			 w = strcmp(what, "cancelled") == 0 ? 1 :
				    strcmp(what, "participants") == 0 ? 2 : 0;
	struct store_kept_count	*k = &st->counts[st->clearance][w];
	int64_t			 v[2] = { 0, 0 };
	int			 fresh = read_version(st, v) == 0;

	if (fresh && k->valid && k->version[0] == v[0] &&
	    k->version[1] == v[1]) {
		*out = k->n;
		return 0;
	}
	if (count_now(st, w, out) != 0)
		return -1;
	k->valid = fresh;
	k->version[0] = v[0];
	k->version[1] = v[1];
	k->n = *out;
	return 0;
}

/* Count the store again, outside a transaction, and start the tally there. */
static int
tally_reset(struct store *st, int64_t version, int64_t out[3])
{
	sqlite3_stmt	*s;

	st->tally.valid = 0;
	for (int i = 0; i < 3; i++)
		if (count_now(st, i, &out[i]) != 0)
			return -1;
	if ((s = store_stmt(st, sql_set, NULL)) == NULL)
		return -1;
	for (int i = 0; i < 3; i++)
		sqlite3_bind_int64(s, i + 1, out[i]);
	if (store_step_done(st, s, NULL, NULL) != 0)
		return -1;
	memcpy(st->tally.committed, out, sizeof st->tally.committed);
	st->tally.version = version;
	st->tally.ckpt_wrote = store_ckpt_wrote(st);	/* after version */
	st->tally.valid = 1;
	return 0;
}

/*
 * status's counts of committed data, out[] in the order events, cancelled,
 * participants: 0, -1, or STORE_LATER when they cannot be known before the
 * open transaction ends (another connection committed since the tally was
 * counted, or the reader's clearance is limited).
 */
int
store_counts(struct store *st, int64_t out[3])
{
	struct store_tally	*t = &st->tally;
	int			 open = !sqlite3_get_autocommit(st->db);
	uint64_t		 w = store_ckpt_wrote(st);	/* before v */
	int64_t			 v;

	if (t->tracked && st->clearance == ACCESS_CLASS_CONFIDENTIAL &&
	    data_version(st, &v) == 0) {
		if (t->held)		/* an import commits: not yet told */
			v = t->version;
		else if (t->valid && v != t->version)
			ckpt_wrote(st, v, w);
		if (t->valid && v == t->version && open) {
			memcpy(out, t->committed, sizeof t->committed);
			return 0;
		}
		if (open)
			return STORE_LATER;
		if (t->valid && v == t->version &&
		    tally_read(st, t->committed) == 0) {
			memcpy(out, t->committed, sizeof t->committed);
			return 0;
		}
		return tally_reset(st, v, out);
	}
	if (open)
		return STORE_LATER;
	for (int i = 0; i < 3; i++)
		if (store_count(st, count_names[i], &out[i]) != 0)
			return -1;
	return 0;
}

/*
 * The counts by a walk, at full clearance: an import's, in its own
 * transaction before it commits (on its commit thread, off the loop), for
 * store_counts_adopt.
 */
int
store_counts_walk(struct store *st, int64_t out[3])
{
	enum access_class	saved;
	int			rc = 0;

	saved = store_set_clearance(st, ACCESS_CLASS_CONFIDENTIAL);
	for (int i = 0; i < 3 && rc == 0; i++)
		rc = count_now(st, i, &out[i]);
	store_set_clearance(st, saved);
	return rc;
}

/*
 * Another connection (an import's) has just committed, and these are the
 * counts it walked before its commit, while it alone could write: the
 * tally starts from them, so that the next status does not walk the store
 * on the loop.  Only outside a transaction; otherwise the next count
 * outside one walks, as after any other connection's commit.
 */
void
store_counts_adopt(struct store *st, const int64_t n[3])
{
	sqlite3_stmt	*s;
	int64_t		 v;

	st->tally.held = 0;
	st->tally.valid = 0;	/* not ckpt_wrote's to take for nothing */
	if (!st->tally.tracked || !sqlite3_get_autocommit(st->db) ||
	    data_version(st, &v) != 0 || (s = store_stmt(st, sql_set, NULL)) ==
	    NULL)
		return;
	for (int i = 0; i < 3; i++)
		sqlite3_bind_int64(s, i + 1, n[i]);
	if (store_step_done(st, s, NULL, NULL) != 0)
		return;
	memcpy(st->tally.committed, n, sizeof st->tally.committed);
	st->tally.version = v;
	st->tally.ckpt_wrote = store_ckpt_wrote(st);	/* after v */
	st->tally.valid = 1;
	st->tally.held = 0;
}

/*
 * An import's commit runs (1) or has ended (0): meanwhile the counts stay
 * those before it, though SQLite may show its rows already; the import is
 * not acknowledged before it ends, and no one else writes events meanwhile.
 * So a status during the commit's fsync and checkpoint does not walk the
 * store on the loop; the end adopts the import's counts (or, after a
 * failed commit, nothing changed).  Its end, or any other commit of an
 * import's connection (0), sets the tally aside until store_counts_adopt:
 * the next count outside a transaction walks the store, whatever the
 * checkpoint thread wrote meanwhile.
 */
void
store_counts_hold(struct store *st, int on)
{
	st->tally.held = on;
	if (!on)
		st->tally.valid = 0;
}
