/*
 * import-pipe.c — a streamed import's records (import-stream.c) made on a
 * thread of their own while the loop writes them.
 *
 * Making a record (its VEVENTs read back from the spool and parsed by
 * libical, checked and repaired, its text serialised: ical-import.c) was
 * about a third of an import's time on the loop, and writing it
 * (cmd-import.c) the rest: on two cores they now overlap.  A series'
 * expansion for the occurrences' index (occur_prepare) is made here too:
 * parsing a series' record again and walking it was most of writing it,
 * and one with 20,000 overrides held the loop 300 ms in one slice.  The thread owns
 * the struct imp from import_pipe_run until it has made the last record
 * (the loop then joins it) or is stopped (import_pipe_free), and hands the
 * records over through a queue of at most PIPE_DEPTH, waiting while it is
 * full: memory stays bounded whatever the file's size.  Stopped (the
 * client left), it ends at the next record, or within a piece of the
 * file when it re-reads the whole file for a refusal's first problem.  The loop takes
 * them in the file's order, so an import does what it did on the loop
 * alone: the same records, and the same error (a record the loop refuses
 * before the thread reaches the file's problem is the import's error, as
 * it was).  When the loop found none (PIPE_WAIT), the thread tells it of
 * the next through a pipe that libevent watches.  The thread runs at a
 * lower priority, as the long reads do (worker.c): with the cores busy,
 * the loop's clients come first.  Without a thread (pthread_create
 * failed), the loop makes each record itself as it takes it.
 */
#include <sys/resource.h>
#include <sys/syscall.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "import-pipe.h"
#include "log.h"
#include "occur.h"
#include "xmalloc.h"

#define PIPE_DEPTH	64	/* records made ahead, at most */
#define PIPE_NICE	5	/* as worker.c's long reads */

struct queued {
	struct ical_record	 r;
	struct occur_prep	*prep;	/* a series': its expansion */
	size_t			 upto;	/* VEVENTs handed over with it */
};

struct import_pipe {
	struct imp		*im;
	pthread_mutex_t		 mtx;
	pthread_cond_t		 room;
	pthread_t		 thread;
	int			 threaded;	/* not joined yet */
	struct queued		 q[PIPE_DEPTH];
	size_t			 head, n;
	size_t			 total;		/* VEVENTs in the file so far */
	int			 stop;		/* the loop wants no more:
						   atomic, the reading's long
						   passes read it unlocked
						   (ical_import_cancel) */
	int			 waiting;	/* the loop found none */
	int			 ended;		/* the last step was made */
	int			 rc;		/* its ical_import_step's */
	char			*why;
	int			 fd[2];
	struct event		*ev;
	event_callback_fn	 ready;
	void			*arg;
};

/* Tell the loop (one byte; it drains them all). */
static void
wake(struct import_pipe *p)
{
	char	b = 1;

	if (p->fd[1] >= 0)
		while (write(p->fd[1], &b, 1) < 0 && errno == EINTR)
			;
}

static void
ready_cb(evutil_socket_t fd, short what, void *arg)
{
	struct import_pipe	*p = arg;
	char			 buf[64];

	while (read(fd, buf, sizeof buf) > 0)
		;
	p->ready(fd, what, p->arg);
}

static int
stopped(struct import_pipe *p)
{
	return __atomic_load_n(&p->stop, __ATOMIC_RELAXED);
}

/* The records' callback (ical_record_cb) on the thread: into the queue. */
static int
push(struct ical_record *r, void *arg)
{
	struct import_pipe	*p = arg;
	struct queued		*q;
	struct occur_prep	*prep = NULL;
	int			 tell;

	if (r->ev.rrule != NULL && !stopped(p))
		prep = occur_prepare(&r->ev, r->text);
	pthread_mutex_lock(&p->mtx);
	while (p->threaded && p->n == PIPE_DEPTH && !stopped(p))
		pthread_cond_wait(&p->room, &p->mtx);
	if (stopped(p) || p->n == PIPE_DEPTH) {
		pthread_mutex_unlock(&p->mtx);
		occur_prep_free(prep);
		return -1;	/* ical_import_step frees r */
	}
	q = &p->q[(p->head + p->n) % PIPE_DEPTH];
	q->r = *r;
	q->prep = prep;
	memset(r, 0, sizeof *r);
	q->upto = ical_import_handing(p->im);
	p->n++;
	tell = p->waiting;
	p->waiting = 0;
	pthread_mutex_unlock(&p->mtx);
	if (tell)
		wake(p);
	return 0;
}

ical_record_cb
import_pipe_cb(void)
{
	return push;
}

/* One step of the reading (one UID's record at most): 1 if more follow. */
static int
produce(struct import_pipe *p)
{
	char	*why = NULL;
	size_t	 total;
	int	 rc, tell = 0;

	rc = ical_import_step(p->im, 1, &why);
	ical_import_done(p->im, &total);
	pthread_mutex_lock(&p->mtx);
	p->total = total;
	if (rc != 1) {
		p->ended = 1;
		p->rc = rc;
		p->why = why;
		tell = p->waiting;
		p->waiting = 0;
	}
	pthread_mutex_unlock(&p->mtx);
	if (tell)
		wake(p);
	return rc == 1;
}

static void *
pipe_main(void *arg)
{
	struct import_pipe	*p = arg;
	id_t			 tid = (id_t)syscall(SYS_gettid);
	int			 nice;

	errno = 0;
	nice = getpriority(PRIO_PROCESS, tid);
	if (errno == 0)
		(void)setpriority(PRIO_PROCESS, tid, nice + PIPE_NICE);
	while (!stopped(p) && produce(p))
		;
	return NULL;
}

/*
 * ready(fd, what, arg) on base's loop when a PIPE_WAIT is over.  Without
 * a base (a test's), no thread: each record is made as it is taken.
 */
struct import_pipe *
import_pipe_new(struct event_base *base, event_callback_fn ready, void *arg)
{
	struct import_pipe	*p = xcalloc(1, sizeof *p);

	pthread_mutex_init(&p->mtx, NULL);
	pthread_cond_init(&p->room, NULL);
	p->ready = ready;
	p->arg = arg;
	p->fd[0] = p->fd[1] = -1;
	if (base == NULL)
		return p;
	if (pipe2(p->fd, O_CLOEXEC | O_NONBLOCK) != 0 ||
	    (p->ev = event_new(base, p->fd[0], EV_READ | EV_PERSIST, ready_cb,
	    p)) == NULL || event_add(p->ev, NULL) != 0) {
		log_warn("import: cannot make its records' pipe");
		if (p->ev != NULL)
			event_free(p->ev);
		p->ev = NULL;	/* no thread: made on the loop */
	}
	return p;
}

/* Make im's records, on the thread if one starts (im's cb is push). */
void
import_pipe_run(struct import_pipe *p, struct imp *im)
{
	p->im = im;
	ical_import_cancel(im, &p->stop);
	if (p->ev == NULL)
		return;
	p->threaded = 1;	/* before the thread reads it */
	if (pthread_create(&p->thread, NULL, pipe_main, p) != 0) {
		p->threaded = 0;
		log_warnx("import: no thread for its records; made on the "
		    "loop");
	}
}

/*
 * The next record in the file's order (with *prep, a series' expansion,
 * or NULL: occur_put_prepared; the caller frees both), or why there is
 * none now.
 */
enum pipe_take
import_pipe_take(struct import_pipe *p, struct ical_record *r,
    struct occur_prep **prep, size_t *upto, char **why)
{
	struct queued	*q;
	int		 rc;

	for (;;) {
		pthread_mutex_lock(&p->mtx);
		if (p->n > 0) {
			q = &p->q[p->head];
			*r = q->r;
			*prep = q->prep;
			*upto = q->upto;
			p->head = (p->head + 1) % PIPE_DEPTH;
			p->n--;
			pthread_cond_signal(&p->room);
			pthread_mutex_unlock(&p->mtx);
			return PIPE_RECORD;
		}
		if (p->ended) {
			rc = p->rc;
			*why = p->why;
			p->why = NULL;
			pthread_mutex_unlock(&p->mtx);
			if (p->threaded)
				pthread_join(p->thread, NULL);
			p->threaded = 0;
			return rc == 0 ? PIPE_END : PIPE_FAILED;
		}
		if (p->threaded) {
			p->waiting = 1;
			pthread_mutex_unlock(&p->mtx);
			return PIPE_WAIT;
		}
		pthread_mutex_unlock(&p->mtx);
		/* No thread: a step on the loop, then its turn (a step of
		 * the first pass makes no record). */
		if (produce(p) && p->n == 0)
			return PIPE_AGAIN;
	}
}

/* The VEVENTs in the file, as far as it has been read. */
size_t
import_pipe_total(struct import_pipe *p)
{
	size_t	total;

	pthread_mutex_lock(&p->mtx);
	total = p->total;
	pthread_mutex_unlock(&p->mtx);
	return total;
}

/* Stop the thread (it makes no more), and free what it made. */
void
import_pipe_free(struct import_pipe *p)
{
	struct queued	*q;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mtx);
	__atomic_store_n(&p->stop, 1, __ATOMIC_RELAXED);
	pthread_cond_broadcast(&p->room);
	pthread_mutex_unlock(&p->mtx);
	if (p->threaded)
		pthread_join(p->thread, NULL);
	for (; p->n > 0; p->n--, p->head = (p->head + 1) % PIPE_DEPTH) {
		q = &p->q[p->head];
		free(q->r.text);
		event_clear(&q->r.ev);
		occur_prep_free(q->prep);
	}
	free(p->why);
	if (p->ev != NULL)
		event_free(p->ev);
	if (p->fd[0] >= 0) {
		close(p->fd[0]);
		close(p->fd[1]);
	}
	pthread_mutex_destroy(&p->mtx);
	pthread_cond_destroy(&p->room);
	free(p);
}
