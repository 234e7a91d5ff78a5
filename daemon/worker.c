/*
 * worker.c — the thread that does long reads off the loop (worker.h).
 *
 * kcald's loop parses, dispatches, replies and arms timers; a job that may
 * take long (a feed's build, a socket peer's list or export over a large
 * store) is submitted here instead, and the loop goes on answering
 * everyone else.  Each thread has its own read-only connection to the
 * store (store_open_reader), so nothing of SQLite is shared, and runs each
 * job in one read transaction: in WAL mode that is one consistent state of
 * the store, which the loop's writes neither disturb nor wait for.
 *
 * Jobs wait in a queue under a mutex; WORKER_THREADS threads take them
 * one at a time each: two, so that one long job (a 100k-event export) does
 * not hold up every other read behind it, and no more, since the machine
 * kcald is meant for has few cores and the loop needs one.  A job known to
 * be short (worker_submit_short: one event's get) waits in a queue of its
 * own, which every thread empties first, and one more thread, the short
 * lane, takes only those: under load both threads are busy with month
 * lists, and a get that waited its turn behind them took as long as they
 * did.  Jobs of a queue start in the order submitted; all may finish in
 * another.  A finished job goes to
 * the done list and an eventfd, which the loop watches with libevent,
 * wakes the loop, which runs the job's done function: only there may a
 * job's result meet the loop's state.
 *
 * Something a job submitted earlier may still read (the configuration
 * replaced by a reload) is retired here, not freed: it goes once every job
 * submitted before it is done (the loop keeps the jobs not yet done in
 * submission order: the oldest says which retired things may go).
 */
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/queue.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "store.h"
#include "worker.h"
#include "xmalloc.h"

#define WORKER_LONG	2			/* threads that take any job */
#define WORKER_THREADS	(WORKER_LONG + 1)	/* and the short lane */
#define WORKER_NICE	5	/* the long reads' priority (yield_to_loop) */

struct job {
	worker_run_fn		 run;
	worker_done_fn		 done;
	void			*arg;
	uint64_t		 seq;		/* 1, 2, ... as submitted */
	uint64_t		 stamp;		/* commits it may have seen */
	TAILQ_ENTRY(job)	 entry;		/* todo or done, under mtx;
						   or held, the loop's */
	TAILQ_ENTRY(job)	 all;		/* not yet done: the loop's */
};
TAILQ_HEAD(jobs, job);

struct retired {
	void			(*free_fn)(void *);
	void			*p;
	uint64_t		 after;		/* jobs submitted before it */
	struct retired		*next;
};

struct thread {
	struct worker		*w;
	struct store		*store;		/* the thread's own */
	pthread_t		 id;
	int			 started;
	int			 short_only;	/* the short lane */
};

struct worker {
	struct thread		 th[WORKER_THREADS];
	pthread_mutex_t		 mtx;
	pthread_cond_t		 cond, cond_short;	/* long, short lane */
	struct jobs		 todo, todo_short, done;	/* under mtx */
	int			 stopping;	/* under mtx */
	int			 wake_fd;
	struct event		*ev_wake;
	uint64_t		 submitted;	/* the loop's */
	uint64_t		 committed;	/* the loop's: worker_sync */
	const struct job	*finishing;	/* the loop's: in its done */
	uint64_t		 synced;	/* the loop's: worker_sync */
	struct jobs		 held;		/* the loop's: ended, waiting */
	struct jobs		 pending;	/* the loop's, by entry all */
	struct retired		*retired;
};

static void
wake_loop(struct worker *w)
{
	uint64_t	one = 1;

	if (write(w->wake_fd, &one, sizeof one) != sizeof one)
		log_warn("worker: wake");	/* the counter is full: awake */
}

static void
run_one(struct store *st, struct job *j)
{
	char	*why = NULL;

	if (store_snapshot_begin(st, &why) != 0) {
		log_warnx("worker: %s", why);
		free(why);
	}
	j->run(j->arg, st);
	store_snapshot_end(st);
}

/* Under mtx: t's next job, short ones first; NULL if none it may take. */
static struct job *
next_job(struct thread *t)
{
	struct worker	*w = t->w;
	struct jobs	*q = &w->todo_short;
	struct job	*j;

	if (TAILQ_EMPTY(q) && !t->short_only)
		q = &w->todo;
	if ((j = TAILQ_FIRST(q)) != NULL)
		TAILQ_REMOVE(q, j, entry);
	return j;
}

/*
 * A long-read thread runs at a lower priority (nice WORKER_NICE more, this
 * thread alone: Linux's nice is per thread): when the machine's cores are
 * all busy, the loop (status, writes, replies) and the short lane run
 * first, and the long reads, already the slow part of the answer, take
 * what is left.  A priority lowered needs no privilege.
 */
static void
yield_to_loop(void)
{
	id_t	tid = (id_t)syscall(SYS_gettid);
	int	nice;

	errno = 0;
	nice = getpriority(PRIO_PROCESS, tid);
	if (errno != 0 || setpriority(PRIO_PROCESS, tid, nice + WORKER_NICE)
	    != 0)
		log_debug("worker: cannot lower its priority");
}

static void *
thread_main(void *arg)
{
	struct thread	*t = arg;
	struct worker	*w = t->w;
	struct job	*j = NULL;

	if (!t->short_only)
		yield_to_loop();
	pthread_mutex_lock(&w->mtx);
	for (;;) {
		while (!w->stopping && (j = next_job(t)) == NULL)
			pthread_cond_wait(t->short_only ? &w->cond_short :
			    &w->cond, &w->mtx);
		if (w->stopping)
			break;
		pthread_mutex_unlock(&w->mtx);
		run_one(t->store, j);
		pthread_mutex_lock(&w->mtx);
		TAILQ_INSERT_TAIL(&w->done, j, entry);
		wake_loop(w);
	}
	pthread_mutex_unlock(&w->mtx);
	return NULL;
}

/* Free what was retired before the oldest job not yet done was submitted. */
static void
reap_retired(struct worker *w)
{
	struct retired	**rp = &w->retired, *r;
	struct job	 *oldest = TAILQ_FIRST(&w->pending);
	uint64_t	  first = oldest ? oldest->seq : w->submitted + 1;

	while ((r = *rp) != NULL) {
		if (r->after >= first) {
			rp = &r->next;
			continue;
		}
		*rp = r->next;
		r->free_fn(r->p);
		free(r);
	}
}

/* On the loop: each finished job's done function, in the order they ended. */
static void
finish_jobs(struct worker *w, struct jobs *list, int ran)
{
	struct job	*j;

	while ((j = TAILQ_FIRST(list)) != NULL) {
		TAILQ_REMOVE(list, j, entry);
		TAILQ_REMOVE(&w->pending, j, all);
		w->finishing = j;
		j->done(j->arg, ran);
		w->finishing = NULL;
		free(j);
	}
	reap_retired(w);
}

/*
 * The jobs that ended, stamped with the commits made by now (their
 * snapshots saw none later), wait until the disk has those commits
 * (worker_sync); the done functions of those it has run, in the order
 * the jobs ended.
 */
static void
drain(struct worker *w)
{
	struct jobs	 ready = TAILQ_HEAD_INITIALIZER(ready);
	struct job	*j;

	pthread_mutex_lock(&w->mtx);
	while ((j = TAILQ_FIRST(&w->done)) != NULL) {
		TAILQ_REMOVE(&w->done, j, entry);
		j->stamp = w->committed;
		TAILQ_INSERT_TAIL(&w->held, j, entry);
	}
	pthread_mutex_unlock(&w->mtx);
	while ((j = TAILQ_FIRST(&w->held)) != NULL && j->stamp <= w->synced) {
		TAILQ_REMOVE(&w->held, j, entry);
		TAILQ_INSERT_TAIL(&ready, j, entry);
	}
	finish_jobs(w, &ready, 1);
}

static void
wake_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker	*w = arg;
	uint64_t	 n;

	(void)what;
	if (read(fd, &n, sizeof n) < 0 && errno != EAGAIN)
		return;
	drain(w);
}

/*
 * Inside a job's done function: 1, and *stamp the commits its snapshot may
 * have seen (what its reply waits for, server-sync.c); else 0.
 */
int
worker_done_stamp(const struct worker *w, uint64_t *stamp)
{
	if (w == NULL || w->finishing == NULL)
		return 0;
	*stamp = w->finishing->stamp;
	return 1;
}

/*
 * server-sync.c: commits made so far, and how many of them are on the
 * disk.  A job's result goes out only once every commit made before it
 * ended is (its snapshot may hold any of them); those now free run in a
 * callback of their own, not inside the caller's.
 */
void
worker_sync(struct worker *w, uint64_t committed, uint64_t synced)
{
	struct job	*j;

	if (w == NULL)
		return;
	w->committed = committed;
	w->synced = synced;
	if ((j = TAILQ_FIRST(&w->held)) != NULL && j->stamp <= synced)
		event_active(w->ev_wake, EV_READ, 0);
}

/* Stop the threads started and wait for them: the job running ends first. */
static void
stop_threads(struct worker *w)
{
	pthread_mutex_lock(&w->mtx);
	w->stopping = 1;
	pthread_cond_broadcast(&w->cond);
	pthread_cond_broadcast(&w->cond_short);
	pthread_mutex_unlock(&w->mtx);
	for (int i = 0; i < WORKER_THREADS; i++)
		if (w->th[i].started)
			pthread_join(w->th[i].id, NULL);
}

/* The threads, each with its own connection; -1 (*cause) if one cannot. */
static int
start_threads(struct worker *w, const struct store *main, char **cause)
{
	struct thread	*t;

	for (int i = 0; i < WORKER_THREADS; i++) {
		t = &w->th[i];
		t->w = w;
		t->short_only = i >= WORKER_LONG;
		if ((t->store = store_open_reader(main, cause)) == NULL)
			return -1;
		if (pthread_create(&t->id, NULL, thread_main, t) != 0) {
			*cause = xstrdup("worker: cannot start its thread");
			return -1;
		}
		t->started = 1;
	}
	return 0;
}

static void
close_stores(struct worker *w)
{
	for (int i = 0; i < WORKER_THREADS; i++)
		store_close(w->th[i].store);
}

struct worker *
worker_new(struct event_base *base, const struct store *main, char **cause)
{
	struct worker	*w = xcalloc(1, sizeof *w);

	TAILQ_INIT(&w->todo);
	TAILQ_INIT(&w->todo_short);
	TAILQ_INIT(&w->done);
	TAILQ_INIT(&w->held);
	TAILQ_INIT(&w->pending);
	pthread_mutex_init(&w->mtx, NULL);
	pthread_cond_init(&w->cond, NULL);
	pthread_cond_init(&w->cond_short, NULL);
	if ((w->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1 ||
	    (w->ev_wake = event_new(base, w->wake_fd, EV_READ | EV_PERSIST,
	    wake_cb, w)) == NULL || event_add(w->ev_wake, NULL) != 0) {
		*cause = xstrdup("worker: cannot watch its eventfd");
		goto fail;
	}
	if (start_threads(w, main, cause) != 0)
		goto fail;
	return w;
fail:
	stop_threads(w);
	close_stores(w);
	if (w->ev_wake != NULL)
		event_free(w->ev_wake);
	if (w->wake_fd != -1)
		close(w->wake_fd);
	pthread_mutex_destroy(&w->mtx);
	pthread_cond_destroy(&w->cond);
	pthread_cond_destroy(&w->cond_short);
	free(w);
	return NULL;
}

static int
submit(struct worker *w, worker_run_fn run, worker_done_fn done, void *arg,
    int is_short)
{
	struct job	*j;

	if (w->stopping)
		return -1;
	j = xcalloc(1, sizeof *j);
	j->run = run;
	j->done = done;
	j->arg = arg;
	j->seq = ++w->submitted;
	TAILQ_INSERT_TAIL(&w->pending, j, all);
	pthread_mutex_lock(&w->mtx);
	TAILQ_INSERT_TAIL(is_short ? &w->todo_short : &w->todo, j, entry);
	if (is_short)	/* the lane, or a long thread that is idle */
		pthread_cond_signal(&w->cond_short);
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->mtx);
	return 0;
}

/*
 * Queue a job: run on the thread, then done on the loop.  -1 once the
 * worker is stopping (a done function asking again): not queued.
 */
int
worker_submit(struct worker *w, worker_run_fn run, worker_done_fn done,
    void *arg)
{
	return submit(w, run, done, arg, 0);
}

/* The same for a job that reads a few rows: before every long one. */
int
worker_submit_short(struct worker *w, worker_run_fn run,
    worker_done_fn done, void *arg)
{
	return submit(w, run, done, arg, 1);
}

/*
 * p, which a job submitted until now may still read, is freed by free_fn
 * once those jobs are done (now if there are none).
 */
void
worker_retire(struct worker *w, void (*free_fn)(void *), void *p)
{
	struct retired	*r;

	if (w == NULL || TAILQ_EMPTY(&w->pending)) {
		free_fn(p);
		return;
	}
	r = xcalloc(1, sizeof *r);
	r->free_fn = free_fn;
	r->p = p;
	r->after = w->submitted;
	r->next = w->retired;
	w->retired = r;
}

/*
 * Stop: the jobs running end first; those finished get their done
 * function, those never started too, told so.  On the loop.
 */
void
worker_free(struct worker *w)
{
	struct jobs	 left = TAILQ_HEAD_INITIALIZER(left);

	if (w == NULL)
		return;
	stop_threads(w);
	TAILQ_CONCAT(&left, &w->todo_short, entry);
	TAILQ_CONCAT(&left, &w->todo, entry);
	finish_jobs(w, &w->held, 1);
	finish_jobs(w, &w->done, 1);
	finish_jobs(w, &left, 0);
	event_free(w->ev_wake);
	close(w->wake_fd);
	close_stores(w);
	pthread_mutex_destroy(&w->mtx);
	pthread_cond_destroy(&w->cond);
	pthread_cond_destroy(&w->cond_short);
	free(w);
}
