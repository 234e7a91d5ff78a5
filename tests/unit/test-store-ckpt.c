/*
 * test-store-ckpt.c — the checkpoint thread (store-ckpt.c) starts the
 * write-ahead log over by a write of its own, and the loop's tally of the
 * counts (store-count.c) takes that write for what it is, no change, while
 * another connection's commit is still counted.
 *
 * On a store file in a temporary directory: a first write when the log
 * is empty (at start); a transaction that fills the log past 1,000 pages
 * wakes the thread, whose copy and write follow; then the log holds a
 * page, not the thousand, and status's counts were not walked for
 * the thread's commit (the count statement did not run again) but are
 * walked for another connection's.  After an import's commit (another
 * connection's, which copies the log itself), the thread starts the log
 * over only when the loop asks it (store_ckpt_imported).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "event.h"
#include "ical.h"
#include "occur.h"
#include "store-int.h"
#include "test.h"
#include "when.h"

void	icaltimezone_free_builtin_timezones(void);

#define HOME	"Asia/Seoul"
#define NOW	((int64_t)1767225600)	/* 2026-01-01T00:00:00Z */

/* One event, uid "ck-<i>", with a description of pad bytes. */
static int
put(struct store *st, int i, size_t pad)
{
	struct event_change	 ch;
	struct participant	 who;
	struct event		 ev;
	char			 uid[32], start[32], *text = NULL, *cause = NULL;
	char			*desc;
	int			 rc;

	desc = malloc(pad + 1);
	memset(desc, 'x', pad);
	desc[pad] = '\0';
	snprintf(uid, sizeof uid, "ck-%d", i);
	event_change_init(&ch);
	ch.summary = "Consultations";
	ch.tz = "Asia/Shanghai";
	ch.kind = "meeting";
	ch.description = desc;
	memset(&who, 0, sizeof who);
	who.name = i % 2 ? "Kim" : "Li";
	ch.parts = &who;
	ch.nparts = 1;
	ch.set_parts = 1;
	snprintf(start, sizeof start, "2026-%02d-%02dT%02d:00",
	    3 + i / (24 * 28) % 9, 1 + i / 24 % 28, i % 24);
	rc = when_parse_abs(start, &ch.start);
	if (rc == 0 && (rc = ical_apply(NULL, &ch, uid, NOW, HOME, &text, &ev,
	    &cause)) == 0) {
		rc = occur_put(st, &ev, text, &cause);
		event_clear(&ev);
	}
	if (rc != 0)
		fprintf(stderr, "put %s: %s\n", uid, cause ? cause : "?");
	free(cause);
	free(text);
	free(desc);
	return rc;
}

/* The times the loop's count of events has walked the store. */
static int
walks(struct store *st)
{
	return sqlite3_stmt_status(st->stmt[S_COUNT_ALL],
	    SQLITE_STMTSTATUS_RUN, 0);
}

/* Wait (10 s at most) until the thread has begun a write past w and ended. */
static int
thread_wrote(struct store *st, uint64_t w)
{
	struct timespec	ts = { 0, 10 * 1000 * 1000 };

	for (int i = 0; i < 1000; i++) {
		if (store_ckpt_wrote(st) > w && !store_ckpt_holding(st))
			return 1;
		nanosleep(&ts, NULL);
	}
	return 0;
}

/* The frames in the log now (a PASSIVE checkpoint of the loop's). */
static int
log_frames(struct store *st)
{
	int	log = -1, copied = -1;

	if (sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
	    &log, &copied) != SQLITE_OK)
		return -1;
	return log;
}

static void
test_restart(const char *path)
{
	struct store	*st, *other;
	char		*cause = NULL;
	int64_t		 n[3];
	uint64_t	 w;
	int		 before;

	/* Made, closed (its log removed), opened again: the log is empty. */
	st = store_open(path, &cause);
	CHECK(st != NULL && put(st, 0, 10) == 0);
	store_close(st);
	if ((st = store_open(path, &cause)) == NULL) {
		CHECK(!"store_open");
		return;
	}
	store_count_track(st);
	CHECK_INT(store_counts(st, n), 0);
	CHECK(n[0] == 1);
	before = walks(st);
	CHECK_INT(store_ckpt_start(st, &cause), 0);
	CHECK(store_ckpt_wrote(st) == 1);	/* the log's first write */
	CHECK_INT(store_counts(st, n), 0);
	CHECK(n[0] == 1 && n[2] == 1);
	CHECK_INT(walks(st), before);		/* not walked for it */

	/* Past 1,000 pages in one commit: the thread copies, then writes. */
	w = store_ckpt_wrote(st);
	CHECK_INT(store_begin(st, &cause), 0);
	for (int i = 1; i <= 600; i++)
		if (put(st, i, 6000) != 0)
			break;
	CHECK_INT(store_commit(st, &cause), 0);
	CHECK_INT(store_counts(st, n), 0);
	CHECK(n[0] == 601 && n[2] == 2);
	before = walks(st);
	CHECK(thread_wrote(st, w));
	CHECK_INT(store_counts(st, n), 0);
	CHECK(n[0] == 601);
	CHECK_INT(walks(st), before);
	/* The log started over at the thread's write: its page, not 1,000. */
	before = log_frames(st);
	CHECK(before > 0 && before < 10);
	if (before >= 10)
		fprintf(stderr, "the log holds %d frames\n", before);
	CHECK(put(st, 601, 10) == 0);

	/* Another connection's commit is counted (the store walked). */
	other = store_open(path, &cause);
	CHECK(other != NULL && put(other, 602, 10) == 0);
	store_close(other);
	before = walks(st);
	CHECK_INT(store_counts(st, n), 0);
	CHECK(n[0] == 603);
	CHECK(walks(st) > before);
	store_close(st);
	free(cause);
}

/*
 * An import writes on a connection of its own and copies the log itself:
 * nothing wakes the thread (its hook sees its own connection's commits),
 * until the loop asks it, and then it starts the log over.
 */
static void
test_imported(const char *path)
{
	struct store	*st, *imp;
	struct timespec	 ts = { 0, 300 * 1000 * 1000 };
	char		*cause = NULL;
	uint64_t	 w;
	int		 copied, frames;

	if ((st = store_open(path, &cause)) == NULL ||
	    store_ckpt_start(st, &cause) != 0) {
		CHECK(!"store_open");
		return;
	}
	w = store_ckpt_wrote(st);		/* its start's write made */
	if ((imp = store_open(path, &cause)) == NULL) {
		CHECK(!"store_open (import)");
		store_close(st);
		return;
	}
	store_autocheckpoint(imp, 0);		/* as import-stream.c's */
	CHECK_INT(store_begin(imp, &cause), 0);
	for (int i = 1000; i < 1600; i++)
		if (put(imp, i, 6000) != 0)
			break;
	CHECK_INT(store_commit(imp, &cause), 0);
	copied = store_checkpoint(imp);
	CHECK(copied);
	store_close(imp);
	nanosleep(&ts, NULL);
	CHECK(store_ckpt_wrote(st) == w);	/* not asked: it did not run */
	frames = log_frames(st);
	CHECK(frames > 500);			/* the import's, copied */
	store_ckpt_imported(st, copied);
	CHECK(thread_wrote(st, w));
	frames = log_frames(st);
	CHECK(frames > 0 && frames < 10);	/* started over at its write */
	if (frames >= 10)
		fprintf(stderr, "after the import the log holds %d frames\n",
		    frames);
	store_close(st);
	free(cause);
}

int
main(void)
{
	char	dir[] = "/tmp/kcal-ckpt-XXXXXX", path[64], cmd[96];

	if (mkdtemp(dir) == NULL) {
		CHECK(!"mkdtemp");
		TEST_DONE();
	}
	snprintf(path, sizeof path, "%s/kcal.db", dir);
	test_restart(path);
	test_imported(path);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	icaltimezone_free_builtin_timezones();
	TEST_DONE();
}
