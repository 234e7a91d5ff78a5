/*
 * test-worker.c — the worker threads (daemon/worker.c): jobs run off the
 * loop, on a thread's own read-only connection, and come back to the loop
 * through its event; what is retired waits for every job submitted before
 * it, even when a later one ends first; stopping runs what finished and
 * tells the rest; a short job (a get) is not held up by long ones holding
 * every other thread.
 * An in-memory store has no worker.  Meant to run under ThreadSanitizer
 * too (make test-tsan).
 */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include <event2/event.h>

#include "store.h"
#include "test.h"
#include "worker.h"

struct job {
	pthread_t	 loop;
	int		 order, ran_on_loop, off_loop, done, ran;
	int		 readonly;
	int		*next;		/* the order done functions run in */
	useconds_t	 sleep;
	int		*gate;		/* run waits while *gate is 0 */
};

static void
run(void *arg, struct store *st)
{
	struct job	*j = arg;

	j->off_loop = !pthread_equal(pthread_self(), j->loop);
	j->readonly = store_readonly(st);
	usleep(j->sleep > 0 ? j->sleep : 1000);
	while (j->gate != NULL && !__atomic_load_n(j->gate, __ATOMIC_ACQUIRE))
		usleep(1000);
}

static void
done(void *arg, int ran)
{
	struct job	*j = arg;

	j->ran_on_loop = pthread_equal(pthread_self(), j->loop);
	j->done = 1;
	j->ran = ran;
	j->order = (*j->next)++;
}

static int	freed;

static void
retired_free(void *p)
{
	freed++;
	free(p);
}

static void
until_done(struct event_base *base, struct job *j)
{
	for (int i = 0; i < 5000 && !j->done; i++)
		event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK), usleep(1000);
}

int
main(void)
{
	char			 dir[] = "/tmp/kcal-test-worker.XXXXXX", path[64];
	char			*cause = NULL;
	struct event_base	*base = event_base_new();
	struct store		*st, *mem;
	struct worker		*w;
	struct job		 j[6] = { 0 };
	int			 next = 0;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof path, "%s/kcal.db", dir);
	st = store_open(path, &cause);
	CHECK(st != NULL);
	mem = store_open(":memory:", NULL);
	CHECK(worker_new(base, mem, &cause) == NULL && cause != NULL);
	free(cause);
	cause = NULL;
	store_close(mem);

	w = worker_new(base, st, &cause);
	CHECK(w != NULL);
	for (int i = 0; i < 6; i++) {
		j[i].loop = pthread_self();
		j[i].next = &next;
	}
	worker_submit(w, run, done, &j[0]);
	worker_submit(w, run, done, &j[1]);
	worker_retire(w, retired_free, malloc(8));
	CHECK_INT(freed, 0);			/* two jobs may still read it */
	until_done(base, &j[0]);
	until_done(base, &j[1]);
	CHECK(j[0].done && j[1].done && j[0].ran && j[1].ran);
	CHECK(j[0].off_loop && j[1].off_loop);
	CHECK(j[0].ran_on_loop && j[1].ran_on_loop);
	CHECK(j[0].readonly);
	CHECK(j[0].order != j[1].order);
	CHECK_INT(freed, 1);			/* both done: freed */
	worker_retire(w, retired_free, malloc(8));
	CHECK_INT(freed, 2);			/* nothing running: at once */

	/* A slow job, then a retirement, then a quick job that ends first. */
	j[4].sleep = 300000;
	worker_submit(w, run, done, &j[4]);
	worker_retire(w, retired_free, malloc(8));
	worker_submit(w, run, done, &j[5]);
	until_done(base, &j[5]);
	CHECK(j[5].done);
	CHECK_INT(freed, j[4].done ? 3 : 2);	/* the slow one may read it */
	until_done(base, &j[4]);
	CHECK(j[4].done && j[4].ran);
	CHECK_INT(freed, 3);

	/*
	 * Long jobs hold every thread that takes them, and one more waits:
	 * a short job still runs, on the lane, and the waiting long one does
	 * not take the lane.
	 */
	{
		struct job	lj[3] = { 0 }, sj = { 0 };
		int		gate = 0;

		for (int i = 0; i < 3; i++) {
			lj[i].loop = pthread_self();
			lj[i].next = &next;
			lj[i].gate = &gate;
			worker_submit(w, run, done, &lj[i]);
		}
		sj.loop = pthread_self();
		sj.next = &next;
		usleep(20000);		/* the long ones are taken */
		worker_submit_short(w, run, done, &sj);
		until_done(base, &sj);
		CHECK(sj.done && sj.ran && sj.off_loop);
		CHECK(!lj[0].done && !lj[1].done && !lj[2].done);
		__atomic_store_n(&gate, 1, __ATOMIC_RELEASE);
		for (int i = 0; i < 3; i++) {
			until_done(base, &lj[i]);
			CHECK(lj[i].done && lj[i].ran);
		}
	}

	/* Stopping: a finished or running job is done; a queued one, told. */
	worker_submit(w, run, done, &j[2]);
	worker_submit(w, run, done, &j[3]);
	worker_free(w);
	CHECK(j[2].done && j[3].done);
	CHECK(j[2].ran_on_loop && j[3].ran_on_loop);
	CHECK(j[2].order != j[3].order);
	worker_retire(NULL, retired_free, malloc(8));
	CHECK_INT(freed, 4);

	store_close(st);
	event_base_free(base);
	unlink(path);
	snprintf(path, sizeof path, "%s/kcal.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/kcal.db-shm", dir);
	unlink(path);
	rmdir(dir);
	TEST_DONE();
}
