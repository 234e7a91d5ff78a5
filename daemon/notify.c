/*
 * notify.c — the queue of reminder hook runs (notify_cmd / kcald
 * --notify-cmd): which run starts when.  A run itself -- the process, its
 * output, its timeout -- is notify-spawn.c's.
 *
 * The queue.  When a reminder fires, remind-walk.c writes a run of the hook
 * into hook_jobs (store-remind.c) in the same transaction that records the
 * reminder fired, so what is recorded as delivered is owed to the hook
 * too, in the store, not in memory.  This file takes the queued runs, the
 * oldest first and only as many as there are free slots (at most
 * NOTIFY_MAX_RUNNING of each hook at once), and deletes each from the
 * queue once it has finished -- whatever its exit status, killed after
 * its timeout included, or when it could not be started: a failing hook
 * is logged, not retried.  Nothing waits in memory and nothing is ever
 * dropped: a burst of 1,000 reminders due together is 1,000 rows run 8 at
 * a time.
 *
 * Several hooks.  notify_cmd may be given more than once; a reminder
 * queues a run of each, the row's cmd saying which (its position in the
 * list, 0 the first).  Each hook is a lane of its own: its own slots
 * (NOTIFY_MAX_RUNNING each) and its own place in the queue (the last id
 * it took), so a hook whose runs all hang until their timeout holds only
 * its own slots and never delays another's.  Rows for a position that is
 * no longer in the list (a reload removed it) are dropped with a warning,
 * as all are when notify_cmd is removed: the sweep that finds them runs
 * at start-up and whenever the number of hooks changes.
 *
 * At least once.  A run is counted (tries) in the store before it starts.
 * A run that kcald did not see finish -- it was stopped (SIGTERM kills
 * the hooks still running) or killed while the hook ran -- is still in the
 * queue at the next start and runs again, with KCAL_RETRY=1 in its
 * environment: the hook may have done its work already.  Runs that were
 * waiting run then too, with KCAL_RETRY=0.  These small writes (a run
 * started, a run done, several folded into one transaction) commit
 * without waiting for the disk: a killed kcald loses none of them, and a
 * power cut could only repeat a run or miss its KCAL_RETRY=1.
 *
 * When the store cannot queue a run (a full disk, a read-only store;
 * remind-held.h), remind-deliver.c hands it over in memory (notify_run):
 * it waits in a list ahead of the store's queue and is lost to a restart,
 * as the reminder's own state is.
 */
#include <sys/types.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "log.h"
#include "notify-int.h"
#include "store.h"
#include "store-remind.h"
#include "xmalloc.h"

/* The run of queue entry id is over: out of the queue at the next pump. */
void
notify_job_over(struct notify *nt, int64_t id)
{
	struct timeval	tv = { 0, 0 };

	if (id == 0)
		return;
	if (nt->ndone == nt->done_cap) {
		nt->done_cap = nt->done_cap ? nt->done_cap * 2 : 16;
		nt->done = xreallocarray(nt->done, nt->done_cap,
		    sizeof *nt->done);
	}
	nt->done[nt->ndone++] = id;
	event_add(nt->ev_pump, &tv);
}

static void
start_row(struct notify *nt, const struct hook_job *r)
{
	const char	*cmd;
	int64_t		 timeout = 0;
	json_t		*msg;
	struct job	*j = NULL;

	if (r->cmd < 0 || r->cmd >= nt->ncmds ||
	    (cmd = nt->cmd_of(nt->cmd_arg, r->cmd, &timeout)) == NULL) {
		if (nt->ncmds == 0)
			log_warnx("notify: notify_cmd is no longer set; the "
			    "hook run for uid %s is not made", r->uid);
		else
			log_warnx("notify: notify_cmd number %d is no longer "
			    "set (there are %d); the hook run for uid %s is "
			    "not made", r->cmd + 1, nt->ncmds, r->uid);
		notify_job_over(nt, r->id);
		return;
	}
	if ((msg = json_loads(r->msg, 0, NULL)) != NULL)
		j = notify_job_new(nt, r->id, r->cmd, cmd, timeout, msg,
		    r->tries > 0);
	json_decref(msg);
	if (j == NULL) {
		log_warnx("notify: the queued hook run for uid %s cannot be "
		    "read; dropped", r->uid);
		notify_job_over(nt, r->id);
		return;
	}
	if (r->tries > 0)
		log_info("notify: running the hook again for uid %s "
		    "(KCAL_RETRY=1: its last run did not finish)", r->uid);
	notify_job_start(nt, j);
}

/* Move the n rows of add (taken from the store) to the end of *rows. */
static void
rows_append(struct hook_job **rows, size_t *n, struct hook_job *add,
    size_t nadd)
{
	if (nadd > 0) {
		*rows = xreallocarray(*rows, *n + nadd, sizeof **rows);
		memcpy(*rows + *n, add, nadd * sizeof *add);
		*n += nadd;
	}
	free(add);
}

/*
 * The next runs of each hook, as many as its free slots, counted as
 * started; then, when a sweep is due, rows of hooks no longer set.
 */
static int
take_rows(struct notify *nt, int64_t now, struct hook_job **rows, size_t *n,
    char **cause)
{
	struct hook_job	*add;
	size_t		 nadd, want;

	for (int c = 0; c < nt->ncmds; c++) {
		want = NOTIFY_MAX_RUNNING - nt->lanes[c].nrunning;
		if (want == 0)
			continue;
		if (store_hook_next_cmds(nt->store, c, c, nt->lanes[c].last,
		    nt->upto, want, &add, &nadd, cause) != 0)
			return -1;
		for (size_t i = 0; i < nadd; i++)
			if (store_hook_started(nt->store, add[i].id, now,
			    cause) != 0) {
				store_hook_jobs_free(add, nadd);
				return -1;
			}
		rows_append(rows, n, add, nadd);
	}
	if (!nt->sweep)
		return 0;
	if (store_hook_next_cmds(nt->store, nt->ncmds, INT_MAX, nt->swept,
	    INT64_MAX, NOTIFY_SWEEP, &add, &nadd, cause) != 0)
		return -1;
	rows_append(rows, n, add, nadd);
	return 0;
}

/*
 * One transaction: the runs that finished leave the queue, and the next
 * ones are taken (take_rows).  -1 when the store cannot record that
 * (nothing is then started from it).
 */
static int
pump_store(struct notify *nt, int take, struct hook_job **rows, size_t *n,
    char **cause)
{
	struct store	*st = nt->store;
	size_t		 i;

	*rows = NULL;
	*n = 0;
	store_lazy(st, 1);
	if (store_begin(st, cause) != 0)
		goto fail;
	for (i = 0; i < nt->ndone; i++)
		if (store_hook_done(st, nt->done[i], cause) != 0)
			goto fail;
	if (take && take_rows(nt, time(NULL), rows, n, cause) != 0)
		goto fail;
	if (store_commit(st, cause) != 0)
		goto fail;
	store_lazy(st, 0);
	nt->ndone = 0;
	return 0;
fail:
	store_rollback(st);
	store_lazy(st, 0);
	store_hook_jobs_free(*rows, *n);
	*rows = NULL;
	*n = 0;
	return -1;
}

/* How many hooks are set now; a change calls for a sweep. */
static void
count_cmds(struct notify *nt)
{
	int64_t	timeout;
	int	n = 0;

	while (n < NOTIFY_MAX_CMDS && nt->cmd_of(nt->cmd_arg, n,
	    &timeout) != NULL)
		n++;
	if (n != nt->ncmds) {
		nt->ncmds = n;
		nt->sweep = 1;
		nt->swept = 0;
	}
}

/* Whether the run of queue entry id is running now. */
static int
is_running(struct notify *nt, int64_t id)
{
	struct job	*j;

	TAILQ_FOREACH(j, &nt->running, entry)
		if (j->id == id)
			return 1;
	return 0;
}

/* Start the rows taken; a sweep's rows are dropped unless still running. */
static void
start_rows(struct notify *nt, struct hook_job *rows, size_t n)
{
	size_t	swept = 0;

	for (size_t i = 0; i < n; i++) {
		if (rows[i].cmd >= 0 && rows[i].cmd < nt->ncmds) {
			nt->lanes[rows[i].cmd].last = rows[i].id;
			start_row(nt, &rows[i]);
			continue;
		}
		swept++;
		if (rows[i].id > nt->swept)
			nt->swept = rows[i].id;
		if (!is_running(nt, rows[i].id))
			start_row(nt, &rows[i]);	/* drops it */
	}
	if (nt->sweep && swept < NOTIFY_SWEEP)
		nt->sweep = 0;
	else if (nt->sweep)
		notify_kick(nt);
}

/* The free slots of each hook, from the runs held in memory. */
static int
pump_held(struct notify *nt)
{
	struct job	*j, *next;
	int		 want = nt->sweep;

	for (j = TAILQ_FIRST(&nt->queued); j != NULL; j = next) {
		next = TAILQ_NEXT(j, entry);
		if (nt->lanes[j->cmd].nrunning >= NOTIFY_MAX_RUNNING)
			continue;
		TAILQ_REMOVE(&nt->queued, j, entry);
		nt->nqueued--;
		notify_job_start(nt, j);
	}
	for (int c = 0; c < nt->ncmds; c++)
		if (nt->lanes[c].nrunning < NOTIFY_MAX_RUNNING)
			want = 1;
	return want;
}

/* Fill the free slots: the runs held in memory first, then the store's. */
static void
pump(struct notify *nt)
{
	struct timeval	 retry = { NOTIFY_RETRY_STORE, 0 };
	struct hook_job	*rows;
	size_t		 n;
	int64_t		 left;
	int		 want;
	char		*why = NULL;

	count_cmds(nt);
	want = pump_held(nt);
	if (nt->store == NULL || store_readonly(nt->store) ||
	    (!want && nt->ndone == 0))
		return;
	if (nt->stalled && (left = nt->stalled_at + NOTIFY_RETRY_STORE -
	    time(NULL)) > 0) {
		retry.tv_sec = (time_t)left;	/* a kick: the timer stands */
		event_add(nt->ev_pump, &retry);
		return;
	}
	if (pump_store(nt, want, &rows, &n, &why) != 0) {
		if (!nt->stalled)
			log_warnx("notify: %s; the hook's queue waits, trying "
			    "every %d s", why, NOTIFY_RETRY_STORE);
		free(why);
		nt->stalled = 1;
		nt->stalled_at = time(NULL);
		event_add(nt->ev_pump, &retry);
		return;
	}
	if (nt->stalled)
		log_info("notify: the hook's queue is recorded again");
	nt->stalled = 0;
	start_rows(nt, rows, n);
	store_hook_jobs_free(rows, n);
}

static void
pump_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	pump(arg);
}

/*
 * Runs were queued in the store, or a slot came free: fill the slots on
 * the next turn of the loop (never from inside a caller's transaction or
 * a walk over the running list).  While the store cannot record, only
 * the runs held in memory start; the store is tried again every
 * NOTIFY_RETRY_STORE seconds.
 */
void
notify_kick(struct notify *nt)
{
	struct timeval	tv = { 0, 0 };

	if (nt != NULL)
		event_add(nt->ev_pump, &tv);
}

/*
 * Only the runs queued for deliveries numbered up to seq may start
 * (INT64_MAX: all): the reminders recorded after it are not on the disk
 * yet (remind-flush.c's remind_hooks_gate).
 */
void
notify_upto(struct notify *nt, int64_t seq)
{
	if (nt != NULL)
		nt->upto = seq;
}

/*
 * A run the store could not queue (remind-held.h): cmd (split on
 * whitespace) with msg in its environment, killed after timeout seconds,
 * held in memory until a slot is free.  -1 only when cmd is empty.
 */
int
notify_run(struct notify *nt, int n, const char *cmd, int64_t timeout,
    json_t *msg, char **cause)
{
	struct job	*j;

	if (n < 0 || n >= NOTIFY_MAX_CMDS) {
		xasprintf(cause, "no notify_cmd number %d", n + 1);
		return -1;
	}
	if ((j = notify_job_new(nt, 0, n, cmd, timeout, msg, 0)) == NULL) {
		*cause = xstrdup("notify_cmd is empty");
		return -1;
	}
	TAILQ_INSERT_TAIL(&nt->queued, j, entry);
	nt->nqueued++;
	notify_kick(nt);
	return 0;
}

size_t
notify_running(const struct notify *nt)
{
	return nt->nrunning + nt->nqueued;
}

/*
 * The runs the store holds are started on the first turn of the loop:
 * what a previous kcald left queued or running goes first.
 */
struct notify *
notify_create(struct event_base *base, struct store *st, notify_cmd_cb cmd_of,
    void *arg)
{
	struct notify	*nt = xcalloc(1, sizeof *nt);
	int64_t		 queued, started;
	char		*why = NULL;

	nt->base = base;
	nt->store = st;
	nt->cmd_of = cmd_of;
	nt->cmd_arg = arg;
	nt->ncmds = -1;		/* the first pump counts them, and sweeps */
	nt->upto = INT64_MAX;	/* until the reminders say (notify_upto) */
	TAILQ_INIT(&nt->running);
	TAILQ_INIT(&nt->queued);
	nt->ev_sigchld = evsignal_new(base, SIGCHLD, notify_reap, nt);
	evsignal_add(nt->ev_sigchld, NULL);
	nt->ev_pump = evtimer_new(base, pump_cb, nt);
	if (st != NULL && store_hook_count(st, &queued, &started, &why) == 0 &&
	    queued > 0)
		log_info("notify: %lld hook runs queued by the last run of "
		    "kcald, %lld of them interrupted (run again with "
		    "KCAL_RETRY=1)", (long long)queued, (long long)started);
	free(why);
	notify_kick(nt);
	return nt;
}

/*
 * At shutdown: hooks still running are killed and stay queued in the
 * store, to run again at the next start (KCAL_RETRY=1); the runs that
 * finished leave the queue now.  Runs held in memory are lost.
 */
void
notify_free(struct notify *nt)
{
	struct job	*j;
	size_t		 killed, lost = nt != NULL ? nt->nqueued : 0;
	char		*why = NULL;

	if (nt == NULL)
		return;
	while ((j = TAILQ_FIRST(&nt->queued)) != NULL) {
		TAILQ_REMOVE(&nt->queued, j, entry);
		notify_job_free(j);
	}
	killed = notify_stop_running(nt);
	if (killed > 0)
		log_info("notify: %zu hooks killed at shutdown; they run again "
		    "at the next start", killed);
	if (lost > 0)
		log_warnx("notify: %zu hook runs the store could not queue are "
		    "lost", lost);
	if (nt->ndone > 0 && nt->store != NULL && !store_readonly(nt->store)) {
		struct hook_job	*rows;
		size_t		 n;

		if (pump_store(nt, 0, &rows, &n, &why) != 0) {
			log_warnx("notify: %s", why);
			free(why);
		}
	}
	event_free(nt->ev_pump);
	event_free(nt->ev_sigchld);
	free(nt->done);
	free(nt);
}
