/*
 * notify.h — the reminder hook runner (notify.c): runs notify_cmd for a
 * reminder without a shell, with the details in its environment, logs its
 * output, and kills it when it outlives its timeout.  Nothing it does ever
 * blocks the event loop.
 */
#ifndef KCAL_NOTIFY_H
#define KCAL_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct notify;

/* At most this many hooks run at once; later ones wait in a queue. */
#define NOTIFY_MAX_RUNNING	8
#define NOTIFY_MAX_QUEUED	256
/* Output of one hook logged at most (the rest is counted, not logged). */
#define NOTIFY_MAX_OUTPUT	(16 * 1024)

struct notify	*notify_create(struct event_base *);
void		 notify_free(struct notify *);
int		 notify_run(struct notify *, const char *, int64_t,
		     char *const *, char **);
size_t		 notify_running(const struct notify *);
char		**notify_split(const char *, size_t *);

#endif
