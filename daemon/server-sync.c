/*
 * server-sync.c — a group's fsync off the loop (server-group.c).
 *
 * A group commit used to wait for the disk on the loop: SQLite's COMMIT
 * with synchronous=FULL syncs the write-ahead log before it returns, and
 * every client, timer and poller waited with it (milliseconds on a real
 * disk, for every group).  Now a group commits with synchronous=NORMAL
 * (store_lazy): in WAL mode that writes the group's frames, in order and
 * atomically, without syncing them; and this module's thread then syncs
 * the log file (fdatasync), which is what FULL would have done at the
 * commit.  Nobody hears of the group before that sync has ended:
 *
 *  - every socket reply made meanwhile (the group's acknowledgements, any
 *    read) waits in order in one queue, and is sent once the sync that
 *    covers the last commit before it has ended (sync_send); a client's
 *    later replies queue behind its earlier ones.  Not a status, nor the
 *    greeting (server_client_send_now, unless that client's replies
 *    wait): a status may count a group whose sync is under way;
 *  - a worker job's result (a list, a feed build, a CalDAV read, whose
 *    snapshot may hold the group) waits until the disk has every commit
 *    made before the job ended (worker_sync);
 *  - an HTTP request, which reads the loop's own connection and answers
 *    outside the socket's queue, is routed only once the disk has every
 *    commit made before it arrived (sync_after); a CalDAV PUT or DELETE
 *    commits lazily as a group does, and the answer of every CalDAV
 *    request that is not a read waits for the sync (sync_write_begin,
 *    http_reply_synced); any other write's own commit is FULL, which
 *    syncs the log, the group's frames included.
 *
 * So an acknowledged write is on the disk, as before; what changes is that
 * the loop answers status, starts the next group and serves reads that
 * need nothing of it while the disk works.  Syncs that queue up are one:
 * the thread syncs the log once for every commit made by the time it
 * starts.  A failed fdatasync leaves the writes it should have made
 * durable neither safe nor undone, in a store others already read: kcald
 * stops (fatalx) rather than acknowledge them, as a database must.
 */
#include <sys/eventfd.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "log.h"
#include "server.h"
#include "store.h"
#include "worker.h"
#include "xmalloc.h"

struct waiting {
	struct client		*c;
	struct evbuffer		*eb;
	uint64_t		 seq;		/* sent once synced reaches it */
	size_t			 len;		/* counted in srv->queued */
	TAILQ_ENTRY(waiting)	 entry;
};

struct after {
	void			(*fn)(void *, int);
	void			*arg;
	uint64_t		 seq;		/* run once synced reaches it */
	TAILQ_ENTRY(after)	 entry;
};

struct sync {
	struct server		*srv;
	char			*wal;		/* the log's file */
	int			 fd;		/* open on it, for good */
	pthread_t		 thread;
	pthread_mutex_t		 mtx;
	pthread_cond_t		 cond;		/* the thread: work */
	pthread_cond_t		 cond_done;	/* sync_wait: a sync ended */
	uint64_t		 want;		/* under mtx: to sync */
	uint64_t		 done;		/* under mtx: synced */
	int			 err;		/* under mtx: errno */
	int			 stop;		/* under mtx */
	int			 wake_fd;
	struct event		*ev_wake;
	uint64_t		 committed;	/* the loop's: lazy commits */
	uint64_t		 synced;	/* the loop's: known synced */
	TAILQ_HEAD(, waiting)	 queue;		/* the loop's */
	TAILQ_HEAD(, after)	 afters;	/* the loop's: sync_after */
	struct event		*ev_after;	/* runs those due */
};

/* fdatasync the log: 0 or an errno. */
static int
sync_file(int fd)
{
	return fdatasync(fd) == 0 ? 0 : errno;
}

static void *
sync_main(void *arg)
{
	struct sync	*s = arg;
	uint64_t	 target, one = 1;
	int		 err;

	pthread_mutex_lock(&s->mtx);
	for (;;) {
		while (!s->stop && s->want == s->done)
			pthread_cond_wait(&s->cond, &s->mtx);
		if (s->want == s->done)
			break;			/* stopping, nothing owed */
		target = s->want;
		pthread_mutex_unlock(&s->mtx);
		err = sync_file(s->fd);
		pthread_mutex_lock(&s->mtx);
		s->done = target;
		if (err != 0 && s->err == 0)
			s->err = err;
		pthread_cond_broadcast(&s->cond_done);
		while (write(s->wake_fd, &one, sizeof one) < 0 &&
		    errno == EINTR)
			;	/* EAGAIN: the counter is full, the loop awake */
	}
	pthread_mutex_unlock(&s->mtx);
	return NULL;
}

static void
fail(struct sync *s, int err)
{
	fatalx("cannot make the store's log durable (fdatasync %s: %s); "
	    "writes not yet acknowledged may or may not be in the store",
	    s->wal, strerror(err));
}

/* w leaves the queue: no longer counted as its client's or as output. */
static void
unqueue(struct sync *s, struct waiting *w)
{
	TAILQ_REMOVE(&s->queue, w, entry);
	w->c->sync_waits--;
	w->c->sync_bytes -= w->len;
	s->srv->queued -= w->len;
}

/* The commits up to seq are on the disk: what waited for them goes. */
static void
advance(struct sync *s, uint64_t seq)
{
	struct waiting	*w, *next;

	if (seq <= s->synced)
		return;
	s->synced = seq;
	store_group_synced(s->srv->store);
	/*
	 * What the disk now covers goes, in order; a client's replies wait
	 * behind its first one that must still wait (blocked, for this walk).
	 */
	for (w = TAILQ_FIRST(&s->queue); w != NULL; w = next) {
		next = TAILQ_NEXT(w, entry);
		if (w->seq > s->synced || w->c->sync_blocked) {
			w->c->sync_blocked = 1;
			continue;
		}
		unqueue(s, w);
		server_client_deliver(w->c, w->eb);
		free(w);
	}
	TAILQ_FOREACH(w, &s->queue, entry)
		w->c->sync_blocked = 0;
	worker_sync(s->srv->worker, s->committed, s->synced);
	if (!TAILQ_EMPTY(&s->afters) && TAILQ_FIRST(&s->afters)->seq <=
	    s->synced)	/* in a callback of their own, not inside the caller */
		event_active(s->ev_after, 0, 0);
}

/* Those waiting for sync_after whose commits are on the disk: ok, or not. */
static void
run_afters(struct sync *s, int ok)
{
	struct after	*a;

	while ((a = TAILQ_FIRST(&s->afters)) != NULL &&
	    (!ok || a->seq <= s->synced)) {
		TAILQ_REMOVE(&s->afters, a, entry);
		a->fn(a->arg, ok);
		free(a);
	}
}

static void
after_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	run_afters(arg, 1);
}

/* Under mtx: what the thread has synced goes out, or kcald stops. */
static void
take_done(struct sync *s)
{
	uint64_t	done = s->done;
	int		err = s->err;

	pthread_mutex_unlock(&s->mtx);
	if (err != 0)
		fail(s, err);
	advance(s, done);
}

static void
wake_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sync	*s = arg;
	uint64_t	 n;

	(void)what;
	if (read(fd, &n, sizeof n) < 0)
		return;
	pthread_mutex_lock(&s->mtx);
	take_done(s);
}

/* What sync_init made (all of it, or as far as it got). */
static void
destroy(struct sync *s)
{
	if (s->ev_after != NULL)
		event_free(s->ev_after);
	if (s->ev_wake != NULL)
		event_free(s->ev_wake);
	if (s->wake_fd != -1)
		close(s->wake_fd);
	if (s->fd != -1)
		close(s->fd);
	pthread_mutex_destroy(&s->mtx);
	pthread_cond_destroy(&s->cond);
	pthread_cond_destroy(&s->cond_done);
	free(s->wal);
	free(s);
}

/*
 * Start the thread if the store has a log to sync (a file in WAL mode):
 * without it (an in-memory or read-only store, no thread) groups commit
 * with synchronous=FULL on the loop, as before.
 */
void
sync_init(struct server *srv)
{
	struct sync	*s;
	const char	*wal = store_wal_path(srv->store);

	if (wal == NULL)
		return;
	s = xcalloc(1, sizeof *s);
	s->srv = srv;
	s->wal = xstrdup(wal);
	s->wake_fd = -1;
	/*
	 * Opened once: SQLite keeps the log's file (truncated, never
	 * replaced) while a connection is open, and the loop's stays open.
	 */
	s->fd = open(wal, O_RDONLY | O_CLOEXEC);
	TAILQ_INIT(&s->queue);
	TAILQ_INIT(&s->afters);
	s->ev_after = event_new(srv->base, -1, 0, after_cb, s);
	pthread_mutex_init(&s->mtx, NULL);
	pthread_cond_init(&s->cond, NULL);
	pthread_cond_init(&s->cond_done, NULL);
	if (s->fd == -1 || s->ev_after == NULL ||
	    (s->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1 ||
	    (s->ev_wake = event_new(srv->base, s->wake_fd, EV_READ | EV_PERSIST,
	    wake_cb, s)) == NULL || event_add(s->ev_wake, NULL) != 0 ||
	    pthread_create(&s->thread, NULL, sync_main, s) != 0) {
		log_warn("group commits sync on the loop: no sync thread");
		destroy(s);
		return;
	}
	srv->sync = s;
}

/* May a group commit without waiting for the disk (1: this syncs it)? */
int
sync_lazy(struct server *srv)
{
	return srv->sync != NULL;
}

/*
 * A lazy commit ended: the thread is to sync it, and until it has,
 * nothing made from now on goes out.
 */
void
sync_committed(struct server *srv)
{
	struct sync	*s = srv->sync;

	if (s == NULL)
		return;
	s->committed++;
	worker_sync(srv->worker, s->committed, s->synced);
	pthread_mutex_lock(&s->mtx);
	s->want = s->committed;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->mtx);
}

/*
 * A write of the loop's own outside the socket groups (a CalDAV PUT or
 * DELETE), made as a group is: its commit does not sync, the thread does,
 * and its answer waits for that (http_reply_synced).  Begins the
 * transaction; 1 if it is lazy, 0 if its commit syncs itself (no thread),
 * -1 with *cause if it could not begin.  sync_write_end once it has been
 * committed (committed 1) or rolled back.
 */
int
sync_write_begin(struct server *srv, char **cause)
{
	int	lazy;

	lazy = srv->sync != NULL && store_lazy(srv->store, 1);
	if (store_begin(srv->store, cause) == 0)
		return lazy;
	if (lazy)
		store_lazy(srv->store, 0);	/* fatal if it cannot */
	return -1;
}

void
sync_write_end(struct server *srv, int lazy, int committed)
{
	if (lazy != 1)
		return;
	store_lazy(srv->store, 0);	/* fatal if it cannot */
	if (committed)
		sync_committed(srv);
}

/* The worker has just started: it holds its jobs while a sync is owed. */
void
sync_worker_started(struct server *srv)
{
	struct sync	*s = srv->sync;

	if (s != NULL)
		worker_sync(srv->worker, s->committed, s->synced);
}

/*
 * Every lazy commit on the disk before returning, the loop waiting: for
 * the fallbacks without a worker (a list, a feed built on the loop) and
 * for kcald's stop.  The thread syncs, as for any other: a
 * writeback error is reported once per open file, so only its sync may
 * say whether the log is on the disk.
 */
void
sync_wait(struct server *srv)
{
	struct sync	*s = srv->sync;

	if (s == NULL || s->synced == s->committed)
		return;
	pthread_mutex_lock(&s->mtx);
	s->want = s->committed;
	pthread_cond_signal(&s->cond);
	while (s->done < s->committed && s->err == 0)
		pthread_cond_wait(&s->cond_done, &s->mtx);
	take_done(s);
}

/*
 * Queue eb for c if a commit may be in it that is not yet on the disk (1:
 * queued, taken), or if c has replies queued already (its order).  stamp:
 * the commits it may show, for a worker job's reply (those made before
 * the job ended, which the worker waited for already: not again for those
 * made since); NULL: every commit made so far.
 */
int
sync_send(struct client *c, struct evbuffer *eb, const uint64_t *stamp)
{
	struct sync	*s = c->srv->sync;
	struct waiting	*w;
	uint64_t	 seq;

	if (s == NULL)
		return 0;
	seq = stamp != NULL && *stamp < s->committed ? *stamp : s->committed;
	if (seq <= s->synced && c->sync_waits == 0)
		return 0;
	w = xcalloc(1, sizeof *w);
	w->c = c;
	w->eb = eb;
	w->seq = seq;
	w->len = evbuffer_get_length(eb);
	c->sync_waits++;
	c->sync_bytes += w->len;
	c->srv->queued += w->len;
	TAILQ_INSERT_TAIL(&s->queue, w, entry);
	return 1;
}

/*
 * Run fn(arg, 1) once every commit made so far is on the disk, from a
 * callback of its own (1: queued), or now if none waits (0: not queued,
 * the caller goes on).  fn(arg, 0) if kcald stops first.  For a request
 * that reads committed data and answers outside the socket's queue (HTTP).
 */
int
sync_after(struct server *srv, void (*fn)(void *, int), void *arg)
{
	struct sync	*s = srv->sync;
	struct after	*a;

	if (s == NULL || (s->synced == s->committed &&
	    TAILQ_EMPTY(&s->afters)))
		return 0;
	a = xcalloc(1, sizeof *a);
	a->fn = fn;
	a->arg = arg;
	a->seq = s->committed;
	TAILQ_INSERT_TAIL(&s->afters, a, entry);
	return 1;
}

/* c is about to be freed: what waits for it goes nowhere. */
void
sync_forget(struct server *srv, struct client *c)
{
	struct sync	*s = srv->sync;
	struct waiting	*w, *next;

	if (s == NULL || c->sync_waits == 0)
		return;
	for (w = TAILQ_FIRST(&s->queue); w != NULL; w = next) {
		next = TAILQ_NEXT(w, entry);
		if (w->c != c)
			continue;
		unqueue(s, w);
		evbuffer_free(w->eb);
		free(w);
	}
}

/* kcald stops: the last commits synced, their replies queued to go. */
void
sync_free(struct server *srv)
{
	struct sync	*s = srv->sync;

	if (s == NULL)
		return;
	run_afters(s, 0);
	sync_wait(srv);
	pthread_mutex_lock(&s->mtx);
	s->stop = 1;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->mtx);
	pthread_join(s->thread, NULL);
	if (s->err != 0)		/* joined: no lock needed */
		fail(s, s->err);
	destroy(s);
	srv->sync = NULL;
}
