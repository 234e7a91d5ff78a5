/*
 * account-work.c — where a login's yescrypt runs (account-int.h).
 *
 * account_check runs it inline, on the caller's thread: simple, and what
 * the unit tests use, but each check of a password not remembered holds
 * the event loop for as long as yescrypt takes.  account_start hands it to
 * one of WORKERS threads, started on first use, so socket clients, feeds
 * and other HTTP requests are served meanwhile; the answer comes back to
 * the loop through an eventfd, and everything but yescrypt (the file, the
 * cache, the counts of failures) stays on the loop thread.  At most
 * QUEUE_MAX checks wait at once (and INFLIGHT_MAX per peer and per name,
 * account.c); beyond that a login is refused for a second, as if barred.
 */
#include <sys/eventfd.h>

#include <crypt.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "account-int.h"
#include "log.h"
#include "server.h"
#include "xmalloc.h"

#define WORKERS		2
#define QUEUE_MAX	64

struct account_work {
	struct accounts		*a;
	pthread_mutex_t		 mtx;
	pthread_cond_t		 cv;
	pthread_t		 th[WORKERS];
	int			 nth;
	struct account_jobs	 todo, done;
	size_t			 queued;	/* todo, running and done */
	int			 stop;
	int			 efd;
	struct event		*ev;
};

enum account_result
accounts_verify(struct accounts *a, const char *authorization,
    const char *peer, struct account *out, unsigned *retry_after)
{
	struct account_job	*j;
	enum account_result	 r;

	r = account_prepare(a, authorization, peer, out, retry_after, &j);
	if (r != ACCOUNT_PENDING)
		return r;
	account_job_run(j, account_crypt_data(a));
	return account_finish(a, j, out, retry_after);
}

enum account_result
account_check(struct server *srv, const char *authorization,
    const char *peer, struct account *out, unsigned *retry_after)
{
	*retry_after = 0;
	if (srv->accounts == NULL)
		return authorization == NULL ? ACCOUNT_NONE : ACCOUNT_BAD;
	return accounts_verify(srv->accounts, authorization, peer, out,
	    retry_after);
}

static void *
worker(void *arg)
{
	struct account_work	*w = arg;
	struct account_job	*j;
	struct crypt_data	*cd = xcalloc(1, sizeof *cd);
	uint64_t		 one = 1;

	pthread_mutex_lock(&w->mtx);
	for (;;) {
		while (!w->stop && TAILQ_EMPTY(&w->todo))
			pthread_cond_wait(&w->cv, &w->mtx);
		if (w->stop)
			break;
		j = TAILQ_FIRST(&w->todo);
		TAILQ_REMOVE(&w->todo, j, entry);
		pthread_mutex_unlock(&w->mtx);
		account_job_run(j, cd);
		pthread_mutex_lock(&w->mtx);
		TAILQ_INSERT_TAIL(&w->done, j, entry);
		if (write(w->efd, &one, sizeof one) != sizeof one &&
		    errno != EAGAIN)
			log_warn("accounts: eventfd");
	}
	pthread_mutex_unlock(&w->mtx);
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	return NULL;
}

/* On the loop: the answers of the jobs run, to their callbacks. */
static void
deliver(struct account_work *w)
{
	struct account_jobs	 jobs;
	struct account_job	*j;
	struct account		 acct;
	enum account_result	 r;
	account_done_cb		 done;
	unsigned		 retry;
	void			*arg;

	TAILQ_INIT(&jobs);
	pthread_mutex_lock(&w->mtx);
	TAILQ_CONCAT(&jobs, &w->done, entry);
	pthread_mutex_unlock(&w->mtx);
	while ((j = TAILQ_FIRST(&jobs)) != NULL) {
		TAILQ_REMOVE(&jobs, j, entry);
		w->queued--;
		done = j->done;
		arg = j->arg;
		memset(&acct, 0, sizeof acct);
		r = account_finish(w->a, j, &acct, &retry);
		done(arg, r, &acct, retry);
	}
}

static void
efd_cb(evutil_socket_t fd, short what, void *arg)
{
	uint64_t	n;

	(void)what;
	if (read(fd, &n, sizeof n) == -1 && errno != EAGAIN)
		log_warn("accounts: eventfd");
	deliver(arg);
}

static struct account_work *
work_new(struct accounts *a, struct event_base *base)
{
	struct account_work	*w = xcalloc(1, sizeof *w);

	w->a = a;
	pthread_mutex_init(&w->mtx, NULL);
	pthread_cond_init(&w->cv, NULL);
	TAILQ_INIT(&w->todo);
	TAILQ_INIT(&w->done);
	if ((w->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1)
		fatal("accounts: eventfd");
	w->ev = event_new(base, w->efd, EV_READ | EV_PERSIST, efd_cb, w);
	if (w->ev == NULL || event_add(w->ev, NULL) != 0)
		fatalx("accounts: cannot watch the eventfd");
	for (; w->nth < WORKERS; w->nth++)
		if (pthread_create(&w->th[w->nth], NULL, worker, w) != 0)
			fatalx("accounts: cannot start a thread");
	return w;
}

/* Queue a prepared job; -1 (job untouched) when too many wait. */
int
account_work_queue(struct accounts *a, struct event_base *base,
    struct account_job *j)
{
	struct account_work	**slot = account_work_slot(a), *w;

	if (*slot == NULL)
		*slot = work_new(a, base);
	w = *slot;
	if (w->queued >= QUEUE_MAX)
		return -1;
	w->queued++;
	pthread_mutex_lock(&w->mtx);
	TAILQ_INSERT_TAIL(&w->todo, j, entry);
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mtx);
	return 0;
}

/*
 * The threads stopped (each finishes the check in hand); checks run are
 * answered, those not run yet answered ACCOUNT_LIMITED, so that every
 * request waiting for one is answered before the HTTP server stops.
 */
void
account_work_stop(struct accounts *a)
{
	struct account_work	**slot = account_work_slot(a), *w = *slot;
	struct account_job	*j;
	struct account		 acct;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mtx);
	w->stop = 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mtx);
	for (int i = 0; i < w->nth; i++)
		pthread_join(w->th[i], NULL);
	deliver(w);
	while ((j = TAILQ_FIRST(&w->todo)) != NULL) {
		TAILQ_REMOVE(&w->todo, j, entry);
		memset(&acct, 0, sizeof acct);
		j->done(j->arg, ACCOUNT_LIMITED, &acct, 1);
		account_cancel(a, j);
	}
	event_free(w->ev);
	close(w->efd);
	pthread_mutex_destroy(&w->mtx);
	pthread_cond_destroy(&w->cv);
	free(w);
	*slot = NULL;
}

enum account_result
account_start(struct server *srv, const char *authorization,
    const char *peer, struct account *out, unsigned *retry_after,
    account_done_cb done, void *arg)
{
	struct account_job	*j;
	enum account_result	 r;

	*retry_after = 0;
	if (srv->accounts == NULL)
		return authorization == NULL ? ACCOUNT_NONE : ACCOUNT_BAD;
	r = account_prepare(srv->accounts, authorization, peer, out,
	    retry_after, &j);
	if (r != ACCOUNT_PENDING)
		return r;
	j->done = done;
	j->arg = arg;
	if (account_work_queue(srv->accounts, srv->base, j) != 0) {
		account_cancel(srv->accounts, j);
		*retry_after = 1;
		return ACCOUNT_LIMITED;
	}
	return ACCOUNT_PENDING;
}
