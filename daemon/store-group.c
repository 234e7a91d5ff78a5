/*
 * store-group.c — the store's side of group commit (server-group.c): one
 * transaction that the writes of several requests share, committed once.
 * The group's requests each run in a savepoint of their own (plain
 * store_begin, nested).  Anyone else who begins a write while a group is
 * open -- a reminder recorded, an import, a CalDAV request -- has the
 * group committed first through the hook, so that its own commit stays
 * its own and durable when it returns, as it was before groups.
 */
#include <stdlib.h>

#include <sqlite3.h>

#include "store.h"
#include "store-int.h"
#include "xmalloc.h"

/*
 * Open a group: the outermost transaction, which store_commit ends.
 * lazy: it commits without syncing (synchronous=NORMAL), for whoever
 * syncs the log before anyone hears of it (server-sync.c); when it ends,
 * committed or not, commits wait for the disk again (store_group_ended).
 */
int
store_group_begin(struct store *st, int lazy, char **cause)
{
	if (st->depth != 0) {
		if (cause != NULL)
			*cause = xstrdup("a transaction is already open");
		return -1;
	}
	st->group_lazy = lazy && store_lazy(st, 1);
	if (store_begin(st, cause) != 0) {
		store_group_ended(st);
		return -1;
	}
	st->group = 1;
	return 0;
}

/* Is a group marked open that SQLite has ended (rolled back)? */
int
store_group_stale(const struct store *st)
{
	return st->group && !store_group_open(st);
}

/* Did the open group begin lazy (it commits without syncing)? */
int
store_group_lazy(const struct store *st)
{
	return st->group_lazy;
}

/* The group's transaction ended: the next commits are durable again. */
void
store_group_ended(struct store *st)
{
	st->group = 0;
	if (st->group_lazy) {
		st->group_lazy = 0;
		store_lazy(st, 0);	/* fatal if it cannot */
	}
}

/* Is a group open (and not rolled back under it, by SQLite or anyone)? */
int
store_group_open(const struct store *st)
{
	return st->group && st->depth > 0 && !sqlite3_get_autocommit(st->db);
}

/* The group's own requests run (1) or have finished (0). */
void
store_group_enter(struct store *st, int on)
{
	st->in_group = on;
}

void
store_group_hook(struct store *st, void (*flush)(void *), void *arg)
{
	st->flush = flush;
	st->flush_arg = arg;
}

/* A write from outside the group is about to begin: commit the group. */
void
store_group_check(struct store *st)
{
	if (st->group && !st->in_group && st->flush != NULL)
		st->flush(st->flush_arg);
}

/* Commits that waited for the disk (synchronous=FULL): one fsync each. */
uint64_t
store_durable_commits(const struct store *st)
{
	return st->durable;
}

/* A lazy group's log was made durable by server-sync.c: one fsync. */
void
store_group_synced(struct store *st)
{
	st->durable++;
}

/*
 * The file of the write-ahead log SQLite keeps beside the store, which
 * holds every commit until a checkpoint copies it into the store: NULL
 * for a store that has none (in memory, or not in WAL mode).
 */
const char *
store_wal_path(const struct store *st)
{
	const char	*db = sqlite3_db_filename(st->db, "main");
	sqlite3_stmt	*s;
	int		 wal = 0;

	if (db == NULL || *db == '\0' || st->readonly)
		return NULL;
	if (sqlite3_prepare_v2(st->db, "PRAGMA journal_mode", -1, &s,
	    NULL) != SQLITE_OK)
		return NULL;
	if (sqlite3_step(s) == SQLITE_ROW)
		wal = sqlite3_stricmp((const char *)sqlite3_column_text(s, 0),
		    "wal") == 0;
	sqlite3_finalize(s);
	return wal ? sqlite3_filename_wal(db) : NULL;
}
