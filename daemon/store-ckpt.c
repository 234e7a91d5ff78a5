/*
 * store-ckpt.c — the WAL checkpoints of the loop's connection, run by a
 * thread of their own (store_ckpt_start), never by a commit.
 *
 * Left to SQLite, the commit that takes the WAL past its autocheckpoint
 * size copies the WAL into the database and syncs it, on the loop: every
 * request waiting on another socket waits for that copy too.  Here the
 * loop's connection, as a rule, checkpoints nothing (its WAL hook replaces
 * the autocheckpoint) and only tells this thread, after a commit that leaves
 * CKPT_PAGES or more in the WAL; the thread, on a read-write connection of
 * its own, runs a PASSIVE checkpoint, which takes no lock a writer or a
 * reader waits for: it copies what no reader still needs, and the writer
 * starts the WAL over from its beginning once all of it was copied and no
 * reader is in it.  So the WAL stays bounded under continuous writes, as
 * with SQLite's own checkpoints.  Its file is not shrunk by a checkpoint:
 * the loop's connection has a journal_size_limit, so the commit that
 * starts the WAL over cuts the file back to CKPT_SIZE_LIMIT (after an
 * import); a TRUNCATE checkpoint here would hold the write lock while it
 * cut, and the loop's next write would wait for it.  What the thread
 * touches of the store is the file and its own connection; the loop's side
 * is the mutex and the flag.
 *
 * The WAL starts over only at a write that begins when all of it has been
 * copied.  Under writes that never pause, each commit lands while the
 * thread still copies the last ones, and the WAL would grow without end.
 * (Nor is the thread woken again before CKPT_STEP_PAGES more were
 * written: each of its checkpoints syncs the WAL and the database, and a
 * copy per commit would double the disk's syncs.)  So once the WAL holds
 * CKPT_LOOP_PAGES, the next group of socket writes waits until a run of
 * the thread that starts after that commit has ended (store_ckpt_holding,
 * asked by server-group.c before it opens a group; the writes are parked
 * meanwhile, the loop serves everyone else): then nothing was written
 * since, all of the WAL has been copied, and the group's first write
 * starts it over.  The loop's connection used to checkpoint itself here,
 * two syncs on the loop, a whole wait for everyone on a slow disk; it
 * still does past CKPT_LOOP_MAX_PAGES, when the holds did not let the
 * log start over (a reader stayed in it, or writes that are not socket
 * groups never paused: they are not held).  A hold lasts CKPT_HOLD_MS at
 * most.  (The first commit after the log starts over still syncs its header on
 * the loop, as SQLite must: see README, "What remains".)
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "store-int.h"
#include "xmalloc.h"

#define CKPT_PAGES		1000	/* SQLite's autocheckpoint default */
#define CKPT_STEP_PAGES		(CKPT_PAGES / 4)	/* more since the last */
#define CKPT_LOOP_PAGES		(4 * CKPT_PAGES)	/* then groups wait */
#define CKPT_LOOP_MAX_PAGES	(5 * CKPT_PAGES)	/* then on the loop */
#define CKPT_SIZE_LIMIT		"67108864"	/* the WAL file, once reset: bytes */
#define CKPT_HOLD_MS		5000	/* writes wait for the thread, at most */

struct store_ckpt {
	int			 holding;	/* the loop's: store_ckpt_holding */
	uint64_t		 hold_run;	/* ... until this run has ended */
	struct timespec		 hold_since;
	sqlite3			*db;		/* the thread's */
	pthread_t		 id;
	pthread_mutex_t		 mtx;
	pthread_cond_t		 cond;
	int			 woke;		/* the WAL's pages then: loop's */
	int			 want;		/* under mtx */
	int			 stopping;	/* under mtx */
	uint64_t		 asked;		/* under mtx: runs asked for */
	uint64_t		 ran;		/* under mtx: the last run's ask */
};

/* Under mtx: one more run of the thread, which starts after this. */
static uint64_t
ask(struct store_ckpt *ck)
{
	ck->want = 1;
	pthread_cond_signal(&ck->cond);
	return ++ck->asked;
}

/* Loop: has the run the hold waits for ended (1), or is it too late (2)? */
static int
hold_over(struct store_ckpt *ck)
{
	struct timespec	now;
	int		done;

	pthread_mutex_lock(&ck->mtx);
	done = ck->ran >= ck->hold_run;
	pthread_mutex_unlock(&ck->mtx);
	if (done)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - ck->hold_since.tv_sec) * 1000 +
	    (now.tv_nsec - ck->hold_since.tv_nsec) / 1000000 >= CKPT_HOLD_MS ?
	    2 : 0;
}

/*
 * After each commit of the loop's connection: wake the thread if due;
 * past CKPT_LOOP_PAGES, hold the next group for its run (see above), and
 * when the hold is over and the log did not start over (a reader was
 * still in it; writes that are not a group's never paused), hold it
 * again; past CKPT_LOOP_MAX_PAGES, the loop copies the rest itself, as
 * before, so that the log stays bounded whoever writes.
 */
static int
wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct store_ckpt	*ck = arg;

	if (pages < ck->woke)		/* the WAL started over */
		ck->woke = 0;
	if (pages < CKPT_PAGES || pages < ck->woke + CKPT_STEP_PAGES)
		return SQLITE_OK;
	ck->woke = pages;
	if (pages >= CKPT_LOOP_MAX_PAGES) {
		ck->holding = 0;
		(void)sqlite3_wal_checkpoint_v2(db, name,
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		return SQLITE_OK;
	}
	if (pages >= CKPT_LOOP_PAGES && ck->holding && hold_over(ck) != 0)
		ck->holding = 0;
	pthread_mutex_lock(&ck->mtx);
	if (pages >= CKPT_LOOP_PAGES && !ck->holding) {
		ck->holding = 1;
		ck->hold_run = ask(ck);
		clock_gettime(CLOCK_MONOTONIC, &ck->hold_since);
	} else
		(void)ask(ck);
	pthread_mutex_unlock(&ck->mtx);
	return SQLITE_OK;
}

static void
ckpt_run(struct store_ckpt *ck)
{
	int	rc;

	rc = sqlite3_wal_checkpoint_v2(ck->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
	    NULL, NULL);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		log_warnx("checkpoint: %s", sqlite3_errmsg(ck->db));
}

static void *
ckpt_main(void *arg)
{
	struct store_ckpt	*ck = arg;
	uint64_t		 run;

	pthread_mutex_lock(&ck->mtx);
	for (;;) {
		while (!ck->want && !ck->stopping)
			pthread_cond_wait(&ck->cond, &ck->mtx);
		if (ck->stopping)
			break;
		ck->want = 0;
		run = ck->asked;
		pthread_mutex_unlock(&ck->mtx);
		ckpt_run(ck);
		pthread_mutex_lock(&ck->mtx);
		ck->ran = run;
	}
	pthread_mutex_unlock(&ck->mtx);
	return NULL;
}

static void
ckpt_free(struct store_ckpt *ck)
{
	sqlite3_close(ck->db);
	pthread_mutex_destroy(&ck->mtx);
	pthread_cond_destroy(&ck->cond);
	free(ck);
}

/*
 * Checkpoint st's WAL on a thread from now on: -1 (and *cause) if it
 * cannot (an in-memory or read-only store), and SQLite's checkpoints stay.
 */
int
store_ckpt_start(struct store *st, char **cause)
{
	struct store_ckpt	*ck;

	if (st->ckpt != NULL)
		return 0;
	if (st->readonly || strcmp(st->path, ":memory:") == 0) {
		*cause = xstrdup("no checkpoints to run");
		return -1;
	}
	ck = xcalloc(1, sizeof *ck);
	pthread_mutex_init(&ck->mtx, NULL);
	pthread_cond_init(&ck->cond, NULL);
	if (sqlite3_open_v2(st->path, &ck->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_exec(ck->db, "PRAGMA synchronous = FULL", NULL, NULL,
	    NULL) != SQLITE_OK) {
		xasprintf(cause, "cannot open store %s to checkpoint: %s",
		    st->path, ck->db ? sqlite3_errmsg(ck->db) : "out of memory");
		ckpt_free(ck);
		return -1;
	}
	sqlite3_busy_timeout(ck->db, 0);
	if (pthread_create(&ck->id, NULL, ckpt_main, ck) != 0) {
		*cause = xstrdup("cannot start the checkpoint thread");
		ckpt_free(ck);
		return -1;
	}
	st->ckpt = ck;
	sqlite3_wal_hook(st->db, wal_hook, ck);
	if (sqlite3_exec(st->db, "PRAGMA journal_size_limit = " CKPT_SIZE_LIMIT,
	    NULL, NULL, NULL) != SQLITE_OK)
		log_warnx("journal_size_limit: %s", sqlite3_errmsg(st->db));
	return 0;
}

/*
 * Is the next group of writes to wait (1), for the thread's run that the
 * log past CKPT_LOOP_PAGES asked for?  Once it has ended, the group's
 * first write starts the log over (if no reader is still in it).  After
 * CKPT_HOLD_MS the writes go on.
 */
int
store_ckpt_holding(struct store *st)
{
	struct store_ckpt	*ck = st->ckpt;
	int			 over;

	if (ck == NULL || !ck->holding)
		return 0;
	if ((over = hold_over(ck)) == 0)
		return 1;
	if (over == 2)
		log_info("checkpoint: the thread's copy of the log took over "
		    "%d ms; the writes go on", CKPT_HOLD_MS);
	ck->holding = 0;
	return 0;
}

/* The thread ends (after its checkpoint under way); SQLite's come back. */
void
store_ckpt_stop(struct store *st)
{
	struct store_ckpt	*ck = st->ckpt;

	if (ck == NULL)
		return;
	sqlite3_wal_autocheckpoint(st->db, CKPT_PAGES);
	pthread_mutex_lock(&ck->mtx);
	ck->stopping = 1;
	pthread_cond_signal(&ck->cond);
	pthread_mutex_unlock(&ck->mtx);
	pthread_join(ck->id, NULL);
	ckpt_free(ck);
	st->ckpt = NULL;
}
