/*
 * remind.h — reminders: planning (remind-plan.c, pure functions of an
 * event, its reminder state and an injected "now") and the running side
 * (remind.c and the files beside it, remind-int.h: one timer for the
 * earliest due reminder, the walk that fires what is due, and delivery to
 * watchers, the hooks and the log).
 *
 * A reminder is identified by (event UID, occurrence start, due instant):
 * the occurrence start is 0 for an absolute trigger (--remind-at), so
 * moving the event does not re-fire one that was delivered.  Editing an
 * event changes the due instants of its relative triggers: a changed
 * trigger is a new reminder and fires; an unchanged one is recognised by
 * its key and does not fire again.
 *
 * The store keeps, per event, only the instant of its earliest pending
 * reminder (alarms.next_alarm, with a partial index), and one row per
 * reminder that has been delivered, missed, acknowledged or snoozed
 * (store-remind.c).  A negative next_alarm means "changed, plan again";
 * see store-remind.c for the encoding.
 */
#ifndef KCAL_REMIND_H
#define KCAL_REMIND_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

struct config;
struct event_base;
struct recur;
struct store;
struct worker;

/* No instant: "never" for next_alarm (stored as NULL). */
#define REMIND_NEVER		INT64_MAX
/* An absolute trigger's occurrence key (and "before" in remind_due). */
#define REMIND_ABSOLUTE		INT64_MIN
/* How far ahead one planning step looks into a recurrence. */
#define REMIND_HORIZON		(400LL * 86400)
/* Delivered this much after its due instant, a reminder is "late". */
#define REMIND_LATE_SLACK	30

enum remind_state {
	REMIND_FIRED, REMIND_ACKED, REMIND_SNOOZED, REMIND_MISSED
};

/* A reminder the store remembers (a row of reminder_state). */
struct remind_mark {
	int64_t		 occ;		/* occurrence start; 0: absolute */
	int64_t		 due;		/* its trigger instant */
	int		 state;		/* enum remind_state */
	int64_t		 until;		/* snoozed: fires again then */
};

/* One reminder found by the planner. */
struct remind_due {
	int64_t		 occ;		/* occurrence start; 0: absolute */
	int64_t		 due;		/* the trigger instant */
	int64_t		 at;		/* when it fires: due, or a snooze's end */
	int64_t		 before;	/* seconds before occ, or REMIND_ABSOLUTE */
	int		 snoozed;
};

/* Default triggers from kcald.conf: remind_default, remind_<kind>. */
#define REMIND_MAX_DEFAULTS	8
struct remind_list {
	int		 set;
	size_t		 n;
	int64_t		 off[REMIND_MAX_DEFAULTS];
};

/* What the planner reads (nothing here is owned). */
struct remind_input {
	const struct event	*ev;	/* the master: triggers, status */
	struct recur		*series; /* its occurrences, parsed once */
	const int64_t		*offs;	/* relative triggers in force */
	size_t			 noffs;
	const struct remind_mark *marks;
	size_t			 nmarks;
	size_t			 max_occ;
};

/* remind-plan.c */
void	 remind_offsets(const struct event *, const struct remind_list *,
	     const struct remind_list *, const int64_t **, size_t *);
int	 remind_collect(const struct remind_input *, int64_t, int64_t,
	     struct remind_due **, size_t *, char **);
int	 remind_next(const struct remind_input *, int64_t, int64_t *, char **);
int64_t	 remind_occurrence(const struct remind_input *, int64_t);
int64_t	 remind_before(const struct remind_input *, int64_t, int64_t);
void	 remind_occurrence_fields(const struct remind_input *, int64_t,
	     void (*)(void *, const struct event *), void *);
int	 remind_classify(int64_t, int64_t, int64_t, int64_t);
int	 remind_parse_list(const char *, struct remind_list *, char **);
char	*remind_format_list(const struct remind_list *);
const char *remind_state_name(int);
int	 remind_state_parse(const char *);

/* remind_classify() results. */
#define REMIND_ON_TIME	0
#define REMIND_LATE	1
#define REMIND_TOO_OLD	2

/* remind-config.c: the settings' keys in kcald.conf. */
struct remind_config;
int	 remind_config_set(struct config *, const char *, const char *,
	     char **);
void	 remind_config_free(struct remind_config *);
char	*remind_config_fingerprint(const struct config *);
const struct remind_list *remind_config_default(const struct config *);
const struct remind_list *remind_config_kind(const struct config *,
	     const char *);
int64_t	 remind_config_grace(const struct config *);
int64_t	 remind_config_notify_timeout(const struct config *);
const char *remind_config_notify_cmd(const struct config *, int);
int	 remind_config_notify_ncmds(const struct config *);

/* remind.c: the running side. */
struct remind;

/*
 * What the running side needs of the daemon around it (server.c fills it
 * in): the loop, the store, and a way to its watchers.  The reminders know
 * nothing of the server or its clients.
 */
struct remind_host {
	struct event_base	*base;
	struct store		*store;
	/* to every watcher: the message (its reference taken) and its
	   encoding and that of its brief form (remind_brief), lines
	   (taken; NULL: encode the message), with which the message need
	   carry only the keys that say who may see it (uid, start_utc,
	   parent, anchor) */
	void			(*push)(void *, json_t *, char *, size_t,
				    char *, size_t);
	size_t			(*backlog)(void *);	/* bytes the watchers
							   have yet to get */
	/* the commits made so far, lazy ones included: fn(fn_arg, 1) once
	   they are on the disk, or fn(fn_arg, 0) if the daemon stops
	   first, in the order asked (1 returned); 0 when nothing would
	   sync them off the loop (the caller makes them durable itself).
	   NULL: always 0 */
	int			(*durable)(void *, void (*)(void *, int),
				    void *);
	/* every commit made so far on the disk now, the loop waiting (0),
	   or -1 when only a commit of the caller's can; NULL: -1 */
	int			(*sync_now)(void *);
	/* the threads that read off the loop (worker.h), started if need
	   be; NULL, or NULL returned: everything is parsed on the loop */
	struct worker		*(*worker)(void *);
	void			*arg;
};

/* One event loaded for planning (remind_plan_load, remind_plan_marks). */
struct remind_plan {
	struct recur		*series; /* the event's record, parsed once */
	const struct event	*ev;	/* its master (recur_master) */
	char			*ical;
	int			 large;	/* ical is (remind-ahead.c) */
	int64_t			 next_alarm;
	struct remind_mark	*marks;
	size_t			 nmarks;
	struct remind_input	 in;
};

struct remind	*remind_create(const struct remind_host *,
		     const struct config *, char **);
void		 remind_stop(struct remind *);
void		 remind_free(struct remind *);
void		 remind_changed(struct remind *);
void		 remind_plan_written(struct remind *, const char *);
void		 remind_reconfigure(struct remind *, const struct config *);
void		 remind_run(struct remind *);
int		 remind_walk_due(const struct remind *);
int		 remind_replan(struct remind *, const char *, char **);
int		 remind_record_held(struct remind *, const char *, char **);
int64_t		 remind_started(const struct remind *);
int64_t		 remind_seq(const struct remind *);
json_t		*remind_brief(json_t *);
int		 remind_plan_load(struct remind *, const char *,
		     struct remind_plan *, char **);
int		 remind_plan_marks(struct remind *, struct remind_plan *,
		     int64_t, char **);
void		 remind_plan_clear(struct remind_plan *);
json_t		*remind_describe(struct remind *, const struct remind_plan *,
		     const struct remind_due *, int64_t, int64_t);
json_t		*remind_replay(struct remind *, int64_t, size_t, int64_t *,
		     char **);

#endif
