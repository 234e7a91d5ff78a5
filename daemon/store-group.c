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

/* Open a group: the outermost transaction, which store_commit ends. */
int
store_group_begin(struct store *st, char **cause)
{
	if (st->depth != 0) {
		if (cause != NULL)
			*cause = xstrdup("a transaction is already open");
		return -1;
	}
	if (store_begin(st, cause) != 0)
		return -1;
	st->group = 1;
	return 0;
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
