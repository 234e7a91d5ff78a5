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
 * reader waits for: it copies what no reader still needs, and the next
 * write starts the WAL over from its beginning once all of it was copied
 * and no reader is in it (as a rule the thread's own: below).  So the WAL
 * stays bounded under continuous writes, as with SQLite's own
 * checkpoints.  Its file is not shrunk by a checkpoint: both connections
 * have a journal_size_limit, so the commit that starts the WAL over cuts
 * the file back to CKPT_SIZE_LIMIT (after an import); a TRUNCATE
 * checkpoint here would hold the write lock while it cut, and the loop's
 * next write would wait for it.  What the thread
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
 * since, all of the WAL has been copied, and the thread has started it
 * over (below).  The loop's connection used to checkpoint itself here,
 * two syncs on the loop, a whole wait for everyone on a slow disk; it
 * still does past CKPT_LOOP_MAX_PAGES, when the holds did not let the
 * log start over (a reader stayed in it, or writes that are not socket
 * groups never paused: they are not held, but for the reminders' walk,
 * which waits as a group does).  A hold lasts CKPT_HOLD_MS at most.
 *
 * The log starts over at the first write after all of it was copied, and
 * that write syncs the log's new header before anything follows it, as
 * SQLite must (the header's salts tell the new frames from the old).  Were
 * that write the loop's, a slow disk's sync would hold everyone.  So after
 * a checkpoint that copied all of the log, the thread writes first itself
 * (log_restart: the store's user_version rewritten, nothing changed) and
 * the sync is its own.  Meanwhile the loop's groups wait as for a hold
 * (restarting, store_ckpt_holding); a write of the loop's that is not a
 * group's, or that began in the instant between, waits in SQLite's busy
 * handler for it, one sync at most.  If the loop writes first, the log
 * goes on as before; if a reader is still in it (one that began before
 * all was copied), the thread tries again every CKPT_RETRY_MS for a while
 * (ckpt_main), copying its own write too, so that the log is ready to
 * start over when the reader is gone.  The loop's own start-over (its
 * sync) stays possible but is no longer the rule.  After an import (its
 * connection copies the log itself), the loop asks the thread for a run
 * (store_ckpt_imported).  The loop's tally of the counts takes the thread's
 * commit for what it is, no change (store_ckpt_wrote, store-count.c).
 * Like any commit of another connection's, it empties the loop's page
 * cache (SQLite's rule), once per start-over.
 */
#include <sys/stat.h>

#include <errno.h>
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
#define CKPT_RETRY_MS		100	/* a reader kept the log: again after */
#define CKPT_RETRIES		20	/* ... this many times at most */

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
	int			 restarting;	/* under mtx: log_restart runs */
	struct timespec		 restart_since;	/* under mtx */
	uint64_t		 wrote;		/* under mtx: its writes begun */
	int			 pages;		/* the thread's: its last commit's */
};

/* Under mtx: one more run of the thread, which starts after this. */
static uint64_t
ask(struct store_ckpt *ck)
{
	ck->want = 1;
	pthread_cond_signal(&ck->cond);
	return ++ck->asked;
}

/* Loop, under mtx: the next group waits until run has ended. */
static void
hold_for(struct store_ckpt *ck, uint64_t run)
{
	ck->holding = 1;
	ck->hold_run = run;
	clock_gettime(CLOCK_MONOTONIC, &ck->hold_since);
}

static int64_t
ms_since(const struct timespec *t)
{
	struct timespec	now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000 +
	    (now.tv_nsec - t->tv_nsec) / 1000000;
}

/* Loop: is the thread starting the log over (log_restart), not for long? */
static int
restarting(struct store_ckpt *ck)
{
	struct timespec	since;
	int		on;

	pthread_mutex_lock(&ck->mtx);
	on = ck->restarting;
	since = ck->restart_since;
	pthread_mutex_unlock(&ck->mtx);
	return on && ms_since(&since) < CKPT_HOLD_MS;
}

/* Loop: has the run the hold waits for ended (1), or is it too late (2)? */
static int
hold_over(struct store_ckpt *ck)
{
	int	done;

	pthread_mutex_lock(&ck->mtx);
	done = ck->ran >= ck->hold_run;
	pthread_mutex_unlock(&ck->mtx);
	if (done)
		return 1;
	return ms_since(&ck->hold_since) >= CKPT_HOLD_MS ? 2 : 0;
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
	if (pages >= CKPT_LOOP_PAGES && !ck->holding)
		hold_for(ck, ask(ck));
	else
		(void)ask(ck);
	pthread_mutex_unlock(&ck->mtx);
	return SQLITE_OK;
}

/* A pragma's integer on the thread's connection, or -1. */
static int64_t
pragma_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*s;
	int64_t		 v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* The thread's connection's commits: the log's pages after each. */
static int
thread_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	(void)db;
	(void)name;
	((struct store_ckpt *)arg)->pages = pages;
	return SQLITE_OK;
}

/*
 * Thread: all of the log was copied, as of data_version seen (-1: no
 * matter); start it over by a write of this connection's own (see
 * above), so that the new header's sync is the thread's.  It changes
 * nothing: user_version written as it is.  Not if another connection
 * committed since (then the log was not all copied, and the write would
 * only add to it), nor when busy (the loop or an import writes).  1 when
 * it wrote and the log did not start over (a reader was still in it: the
 * write went after the rest), to be tried again once the reader is gone.
 */
static int
log_restart(struct store_ckpt *ck, int64_t seen)
{
	char	*sql = NULL;
	int64_t	 v;
	int	 rc;

	pthread_mutex_lock(&ck->mtx);
	ck->restarting = 1;
	clock_gettime(CLOCK_MONOTONIC, &ck->restart_since);
	pthread_mutex_unlock(&ck->mtx);
	ck->pages = 0;
	rc = sqlite3_exec(ck->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc == SQLITE_OK && (seen < 0 ||
	    pragma_int(ck->db, "PRAGMA data_version") == seen) &&
	    (v = pragma_int(ck->db, "PRAGMA user_version")) >= 0) {
		/* before the commit can be seen; one that fails counts too:
		   at worst a change is walked for nothing (store-count.c) */
		pthread_mutex_lock(&ck->mtx);
		ck->wrote++;
		pthread_mutex_unlock(&ck->mtx);
		xasprintf(&sql, "PRAGMA user_version = %lld; COMMIT",
		    (long long)v);
		rc = sqlite3_exec(ck->db, sql, NULL, NULL, NULL);
		free(sql);
	}
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		log_warnx("checkpoint: starting the log over: %s",
		    sqlite3_errmsg(ck->db));
	if (!sqlite3_get_autocommit(ck->db))
		(void)sqlite3_exec(ck->db, "ROLLBACK", NULL, NULL, NULL);
	pthread_mutex_lock(&ck->mtx);
	ck->restarting = 0;
	pthread_mutex_unlock(&ck->mtx);
	return rc == SQLITE_OK && ck->pages > 1;
}

/*
 * Is the log empty (after a clean stop, SQLite has removed it)?  The
 * first write then begins it, with the same header and sync as a start-
 * over: store_ckpt_start makes that write itself, before the loop serves.
 */
static int
log_empty(sqlite3 *db)
{
	struct stat	 sb;
	const char	*wal;

	wal = sqlite3_filename_wal(sqlite3_db_filename(db, "main"));
	return wal != NULL && (stat(wal, &sb) != 0 || sb.st_size == 0);
}

/*
 * Thread: a PASSIVE checkpoint, then, if it copied all of the log, its
 * start-over (log_restart).  1 when a reader kept either from happening
 * while no one wrote: to run again shortly (ckpt_main), for the loop's
 * next write would otherwise start the log over, or find it not all
 * copied and let it grow.  *last: the data_version of the run before,
 * when this one tries again (-1: not); another connection's commit since
 * ends the retries, as the loop's next wake-up of the thread will come.
 */
static int
ckpt_run(struct store_ckpt *ck, int64_t *last)
{
	int64_t	seen = pragma_int(ck->db, "PRAGMA data_version");
	int	rc, log = -1, copied = -1;

	if (*last >= 0 && seen != *last)
		return 0;
	*last = seen;
	rc = sqlite3_wal_checkpoint_v2(ck->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
	    &log, &copied);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		log_warnx("checkpoint: %s", sqlite3_errmsg(ck->db));
	if (rc != SQLITE_OK || seen < 0 || log <= 0)
		return 0;
	if (copied < log)	/* a reader needs the rest, or a writer goes on */
		return pragma_int(ck->db, "PRAGMA data_version") == seen;
	return log_restart(ck, seen);
}

/* Under mtx: wait ms for an ask (0), or time out (1). */
static int
wait_ms(struct store_ckpt *ck, int ms)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);	/* the cond's clock */
	ts.tv_nsec += (long)ms * 1000000;
	ts.tv_sec += ts.tv_nsec / 1000000000;
	ts.tv_nsec %= 1000000000;
	return pthread_cond_timedwait(&ck->cond, &ck->mtx, &ts) == ETIMEDOUT;
}

static void *
ckpt_main(void *arg)
{
	struct store_ckpt	*ck = arg;
	uint64_t		 run;
	int64_t			 last = -1;
	int			 left = 0;	/* runs again for a reader */

	pthread_mutex_lock(&ck->mtx);
	for (;;) {
		while (!ck->want && !ck->stopping) {
			if (left == 0)
				pthread_cond_wait(&ck->cond, &ck->mtx);
			else if (wait_ms(ck, CKPT_RETRY_MS))
				break;
		}
		if (ck->stopping)
			break;
		if (ck->want) {
			ck->want = 0;
			left = CKPT_RETRIES;
			last = -1;
		} else
			left--;
		run = ck->asked;
		pthread_mutex_unlock(&ck->mtx);
		if (ckpt_run(ck, &last) == 0)
			left = 0;
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
	pthread_condattr_t	 ca;

	if (st->ckpt != NULL)
		return 0;
	if (st->readonly || strcmp(st->path, ":memory:") == 0) {
		*cause = xstrdup("no checkpoints to run");
		return -1;
	}
	ck = xcalloc(1, sizeof *ck);
	pthread_mutex_init(&ck->mtx, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);	/* wait_ms */
	pthread_cond_init(&ck->cond, &ca);
	pthread_condattr_destroy(&ca);
	/*
	 * NORMAL: a checkpoint syncs the log before it copies and the store
	 * after, as at FULL; log_restart's commit, which changes nothing,
	 * is not synced itself (its header is).  The size limit: the write
	 * that starts the log over cuts its file back.
	 */
	if (sqlite3_open_v2(st->path, &ck->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_exec(ck->db, "PRAGMA synchronous = NORMAL; "
	    "PRAGMA journal_size_limit = " CKPT_SIZE_LIMIT, NULL, NULL,
	    NULL) != SQLITE_OK) {
		xasprintf(cause, "cannot open store %s to checkpoint: %s",
		    st->path, ck->db ? sqlite3_errmsg(ck->db) : "out of memory");
		ckpt_free(ck);
		return -1;
	}
	sqlite3_busy_timeout(ck->db, 0);
	sqlite3_wal_hook(ck->db, thread_hook, ck);	/* no autocheckpoint */
	if (log_empty(ck->db))	/* its header written here, not later */
		log_restart(ck, -1);
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
 * log past CKPT_LOOP_PAGES asked for, or while the thread starts the log
 * over (log_restart)?  Once the run has ended, the log has started over
 * (if no reader was still in it).  After CKPT_HOLD_MS the writes go on.
 * The reminders' walk asks too (remind-timer.c): a write of its during
 * the run would keep the log from starting over.
 */
int
store_ckpt_holding(struct store *st)
{
	struct store_ckpt	*ck = st->ckpt;
	int			 over;

	if (ck == NULL)
		return 0;
	if (ck->holding) {
		if ((over = hold_over(ck)) == 0)
			return 1;
		if (over == 2)
			log_info("checkpoint: the thread's copy of the log "
			    "took over %d ms; the writes go on", CKPT_HOLD_MS);
		ck->holding = 0;
	}
	return restarting(ck);
}

/*
 * How many writes of its own the thread has begun (log_restart): another
 * connection's commit that the loop sees while this moved is one of them,
 * which changed nothing (store-count.c).
 */
uint64_t
store_ckpt_wrote(struct store *st)
{
	struct store_ckpt	*ck = st->ckpt;
	uint64_t		 n;

	if (ck == NULL)
		return 0;
	pthread_mutex_lock(&ck->mtx);
	n = ck->wrote;
	pthread_mutex_unlock(&ck->mtx);
	return n;
}

/*
 * Another connection (an import's) has committed, and its checkpoint
 * copied all of the log into the store (copied) or not: the thread is to
 * run, to start the log over -- the next group of writes waiting for it
 * as in a hold, if it was all copied (the next write would start the log
 * over itself) -- or to copy the rest (a reader, a checkpoint of the
 * thread's under way), which nothing else would ask for before the loop's
 * next commit.  Loop only.
 */
void
store_ckpt_imported(struct store *st, int copied)
{
	struct store_ckpt	*ck = st->ckpt;
	uint64_t		 run;

	if (ck == NULL)
		return;
	pthread_mutex_lock(&ck->mtx);
	run = ask(ck);
	if (copied)
		hold_for(ck, run);
	pthread_mutex_unlock(&ck->mtx);
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
