/*
 * remind-int.h — private to the running side of the reminders (remind.c
 * and the remind-*.c files it is split into).  struct remind is the
 * reminder subsystem's state; each file owns one job over it:
 *
 *   remind.c          the object: create/free, settings, loading one event
 *                     for planning (remind_plan_load), writes -> re-plan
 *   remind-timer.c    the one wall-clock timer: arming it, waking the walk
 *   remind-prep.c     events parsed just ahead of a burst of reminders
 *   remind-walk.c     the walk: what is due, recorded then delivered
 *   remind-deliver.c  the reminder object (JSON), its delivery to the log,
 *                     the watchers and the hooks, and replay to a watcher
 *
 * Nothing here knows the server or its clients: what the reminders need of
 * the daemon around them comes in a struct remind_host (remind.h).
 */
#ifndef KCAL_REMIND_INT_H
#define KCAL_REMIND_INT_H

#include <stddef.h>
#include <stdint.h>

#include "remind.h"

/* The walk's next try (remind-timer.c), after it failed (remind-walk.c). */
#define RETRY_AFTER	60	/* seconds, after a store error */
#define RETRY_HELD	5	/* seconds, while the store cannot record */

struct event;
struct notify;
struct prep;
struct remind_held;

/* An event's next reminder, stored once what fired was delivered. */
struct walk_plan {
	char	*uid;
	int64_t	 was;	/* its next_alarm when it was read */
	int64_t	 next;
	int	 set;	/* 0: nothing to store */
};

struct remind {
	struct remind_host host;	/* base, store, watchers (remind.h) */
	const struct config *cfg;	/* the settings in force */
	struct event	*ev_timer;
	struct event	*ev_work;
	int		 tfd;		/* timerfd, or -1 */
	int64_t		 started;
	int64_t		 seq;		/* the last recorded delivery's number */
	int64_t		 shown;		/* the last one delivered */
	json_t		*fired;		/* recorded, to deliver (burst_flush) */
	struct notify	*notify;
	struct remind_held *held;	/* delivered, not yet recorded */
	int		 degraded;	/* the store cannot record reminders */
	int		 batching;	/* inside walk_batch's transaction */
	size_t		 draining;	/* watchers' output after a batch */
	int		 walking;	/* inside walk: take prepared events */
	int64_t		 fire_at;	/* a burst walked so far: (at, uid) */
	char		*fire_uid;	/* NULL: none under way */
	struct walk_plan *pend;		/* its plans, stored once all fired */
	size_t		 npend, pend_cap;
	int64_t		 prep_at;	/* the instant prepared for */
	int		 prep_done;
	char		*prep_last;	/* the last uid looked at */
	struct prep	*prep;		/* sorted by uid (remind-prep.c) */
	size_t		 nprep, prep_cap;
};

/* remind-timer.c */
int64_t		 remind_wall_now(void);
void		 remind_soon(struct remind *);
void		 remind_timer_init(struct remind *);
void		 remind_timer_free(struct remind *);

/* remind-prep.c */
int		 remind_prep_take(struct remind *, const char *,
		     struct remind_plan *);
void		 remind_prep_some(struct remind *, int64_t);
void		 remind_prep_reset(struct remind *, int64_t);

/* remind-walk.c: 1 more to walk, 0 done, -1 store error, -2 held */
int		 remind_walk(struct remind *);
void		 remind_walk_free(struct remind *);

/* remind-deliver.c */
int64_t		 remind_describe_start(const struct remind_plan *,
		     const struct remind_due *);
json_t		*remind_describe_event(struct remind *,
		     const struct remind_plan *, int64_t);
void		 remind_deliver(struct remind *, json_t *);
int		 remind_queue_hook(struct remind *, const char *,
		     const struct remind_due *, json_t *, int64_t, char **);
void		 remind_hook_held(struct remind *, json_t *);
const char	*remind_hook_cmd(void *, int, int64_t *);

#endif
