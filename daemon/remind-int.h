/*
 * remind-int.h — private to the running side of the reminders (remind.c
 * and the remind-*.c files it is split into).  struct remind is the
 * reminder subsystem's state; each file owns one job over it:
 *
 *   remind.c          the object: create/free, settings, loading one event
 *                     for planning (remind_plan_load), writes -> re-plan
 *   remind-timer.c    the one wall-clock timer: arming it, waking the walk
 *   remind-ahead.c    a large event's record parsed off the loop
 *   remind-prep.c     a burst's reminders worked out and encoded ahead
 *   remind-walk.c     the walk: what is due, recorded then delivered,
 *                     then the next reminders planned
 *   remind-flush.c    what the walk recorded, delivered in order once on
 *                     the disk (the sync runs off the loop)
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
struct ahead;
struct prep;
struct recur;
struct remind_held;
struct flushing;

/*
 * A reminder ready to deliver: the object, and its encoding as a watcher
 * is sent it (one line; NULL: encoded when delivered).
 */
struct remind_out {
	json_t	*msg;
	char	*text;
	size_t	 len;
	char	*brief;		/* its brief form encoded, or NULL */
	size_t	 blen;
};

/* Reminders recorded, in the order they are delivered. */
struct remind_outq {
	struct remind_out *v;
	size_t		 n, cap;
};

/*
 * One reminder prepared ahead (remind-prep.c): what is due, the object
 * as it is pushed on time, and its encoding around the delivery number
 * ("seq": 0 there, text[at] the 0).
 */
struct prep_text {
	char		*text;
	size_t		 len, at;
};

struct prep_msg {
	struct remind_due due;
	json_t		*msg;
	struct prep_text full, brief;
};

/* An event's reminders at the prepared instant, and its next after it. */
struct prep {
	char		*uid;
	char		*ical;		/* the text prepared; NULL once taken */
	char		*home;
	int64_t		 next;		/* remind_next after the instant */
	struct prep_msg	*msgs;
	size_t		 nmsgs;
};

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
	int		 seq_unsaved;	/* numbers given from memory since */
	int64_t		 pruned_at;	/* held keys last pruned (mono ms) */
	int64_t		 shown;		/* the last one delivered */
	struct remind_outq fired;	/* recorded, to deliver (remind_flush) */
	struct flushing	*flushing;	/* then waiting for the disk, in */
	struct flushing	*flushing_last;	/* order (remind-flush.c) */
	struct remind_outq logq;	/* delivered, to log */
	struct notify	*notify;
	struct remind_held *held;	/* delivered, not yet recorded */
	int64_t		 walked_at;	/* the last walk's now */
	int		 pass_more;	/* it stopped held, mid-burst */
	int		 degraded;	/* the store cannot record reminders */
	int		 batching;	/* inside walk_batch's transaction */
	size_t		 draining;	/* watchers' output after a batch */
	int64_t		 fire_at;	/* a burst walked so far: (at, uid) */
	char		*fire_uid;	/* NULL: none under way */
	struct walk_plan *pend;		/* its plans, stored once all fired */
	size_t		 npend, pend_cap;
	size_t		 planned;	/* pend[0..planned) stored */
	int		 planning;	/* the burst is over: store its plans */
	size_t		 burst_events;	/* walked in it, and of those */
	size_t		 burst_prepared; /* taken from what was prepared */
	int64_t		 prep_at;	/* the instant prepared for */
	int		 prep_done;
	char		*prep_last;	/* the last uid looked at */
	struct prep	*prep;		/* sorted by uid (remind-prep.c) */
	size_t		 nprep, prep_cap;
	struct ahead	*ahead;		/* records parsed off the loop */
	size_t		 nahead;	/* (remind-ahead.c) */
	size_t		 deferred;	/* events the walk left for that */
	int		 ahead_wait;	/* and only those are left */
	int		 freeing;	/* remind_free under way */
};

/* remind-timer.c */
int64_t		 remind_wall_now(void);
void		 remind_soon(struct remind *);
void		 remind_timer_init(struct remind *);
void		 remind_timer_free(struct remind *);

/* remind-ahead.c */
int		 remind_ahead_take(struct remind *, const char *, const char *,
		     const char *, int, struct recur **);
void		 remind_ahead_free(struct remind *);
void		 remind_plan_release(struct remind *, struct remind_plan *);
int		 remind_ahead_large(const char *);
int		 remind_ahead_pending(const struct remind *, const char *);
int		 remind_plan_defer(struct remind *, const char *,
		     struct remind_plan *, char **);

/* remind-prep.c */
struct prep	*remind_prep_get(struct remind *, const char *, int64_t,
		     int64_t);
void		 remind_prep_drop(struct remind *, const char *);
void		 remind_prep_out(struct prep_msg *, int64_t,
		     struct remind_out *);
void		 remind_prep_some(struct remind *, int64_t);
void		 remind_prep_reset(struct remind *, int64_t);

/* remind-walk.c: 1 more to walk, 0 done, -1 store error, -2 held */
int		 remind_walk(struct remind *);
void		 remind_walk_free(struct remind *);

/* remind-flush.c */
void		 remind_flush(struct remind *);
void		 remind_flush_now(struct remind *);
void		 remind_hooks_gate(struct remind *);
void		 remind_flush_close(struct remind *);

/* remind-deliver.c */
int		 remind_encode(json_t *, struct remind_out *);
void		 remind_outq_add(struct remind_outq *, struct remind_out *);
void		 remind_outq_clear(struct remind_outq *);
void		 remind_deliver(struct remind *, struct remind_out *);
void		 remind_log_delivered(struct remind *);
int		 remind_queue_hook(struct remind *, const char *,
		     const struct remind_due *, const struct remind_out *,
		     int64_t, int64_t, char **);
void		 remind_hook_held(struct remind *, json_t *);
const char	*remind_hook_cmd(void *, int, int64_t *);

#endif
