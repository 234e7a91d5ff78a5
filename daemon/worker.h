/*
 * worker.h — work that takes long, off the loop (worker.c): a few threads,
 * each with its own read-only connection to the store, which run the jobs
 * in the order submitted (short ones first: worker_submit_short), one at a
 * time each, each in one read transaction
 * (one consistent state of the store), and hand each finished job back to
 * the loop, where its done function runs (jobs may end in another order).  A job's run function may touch nothing the loop touches until
 * done: it gets what it needs when submitted and leaves its result in its
 * own memory.
 */
#ifndef KCAL_WORKER_H
#define KCAL_WORKER_H

struct event_base;
struct store;
struct worker;

/* On the worker's thread, in a read transaction of its store. */
typedef void	(*worker_run_fn)(void *, struct store *);
/* On the loop; ran 0: the job never ran (the worker is stopping). */
typedef void	(*worker_done_fn)(void *, int);

struct worker	*worker_new(struct event_base *, const struct store *,
		    char **);
int		 worker_submit(struct worker *, worker_run_fn, worker_done_fn,
		    void *);
int		 worker_submit_short(struct worker *, worker_run_fn,
		    worker_done_fn, void *);
void		 worker_retire(struct worker *, void (*)(void *), void *);
void		 worker_sync(struct worker *, uint64_t, uint64_t);
int		 worker_done_stamp(const struct worker *, uint64_t *);
void		 worker_free(struct worker *);

#endif
