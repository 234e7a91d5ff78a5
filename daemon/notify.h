/*
 * notify.h — the reminder hooks: runs of each notify_cmd wait in the store
 * (hook_jobs, store-remind.c) until a slot of that hook is free, at most
 * NOTIFY_MAX_RUNNING of each hook at a time (the queue: notify.c); each
 * runs without a shell, with the reminder in its environment, its output
 * logged, killed when it outlives its timeout (notify-spawn.c), and leaves
 * the queue when it has finished.  Nothing it does ever blocks the event
 * loop.
 */
#ifndef KCAL_NOTIFY_H
#define KCAL_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct event_base;
struct notify;
struct store;

/* At most this many runs of one hook at once; the others wait in the store. */
#define NOTIFY_MAX_RUNNING	8
/* At most this many hooks (notify_cmd given as many times). */
#define NOTIFY_MAX_CMDS		16
/* Rows of hooks no longer set dropped per turn of the loop. */
#define NOTIFY_SWEEP		64
/* Output of one hook logged at most (the rest is counted, not logged). */
#define NOTIFY_MAX_OUTPUT	(16 * 1024)
/* Seconds between tries while the store cannot record hook runs. */
#define NOTIFY_RETRY_STORE	5

/*
 * The command line of notify_cmd number n (0: the first) and its timeout,
 * or NULL when there is none (any more).
 */
typedef const char *(*notify_cmd_cb)(void *, int, int64_t *);

struct notify	*notify_create(struct event_base *, struct store *,
		     notify_cmd_cb, void *);
void		 notify_free(struct notify *);
void		 notify_kick(struct notify *);
void		 notify_upto(struct notify *, int64_t);
int		 notify_run(struct notify *, int, const char *, int64_t,
		     json_t *, char **);
size_t		 notify_running(const struct notify *);
char		**notify_split(const char *, size_t *);
char		**notify_env(json_t *, int);

#endif
