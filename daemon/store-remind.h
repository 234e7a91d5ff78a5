/*
 * store-remind.h — the reminder tables (store-remind.c): each event's next
 * reminder instant (alarms.next_alarm), the state of every reminder
 * that was delivered, missed, acknowledged or snoozed (reminder_state),
 * and the hook's queue (hook_jobs: notify.c runs it).
 */
#ifndef KCAL_STORE_REMIND_H
#define KCAL_STORE_REMIND_H

#include <stddef.h>
#include <stdint.h>

#include "remind.h"

struct store;

/* A dirty next_alarm (< 0) and the baseline it remembers (0: none). */
#define REMIND_DIRTY(t)		((t) < 0)
#define REMIND_BASELINE(t)	(-1 - (t))

/* One row of reminder_state, with the columns a listing needs. */
struct remind_row {
	char			*uid;
	struct remind_mark	 mark;
	int64_t			 fired_at, late, updated, seq;
	int			 deliveries;
};

int	 store_remind_min(struct store *, int64_t *, char **);
int	 store_remind_min_after(struct store *, int64_t, int64_t *, char **);
int	 store_remind_due(struct store *, int64_t, size_t, char ***,
	     size_t *, char **);
int	 store_remind_fire(struct store *, int64_t, int64_t, const char *,
	     size_t, char ***, int64_t **, size_t *, char **);
int	 store_remind_exists(struct store *, const char *);
int	 store_remind_event(struct store *, const char *, char **, int64_t *,
	     char **);
int	 store_remind_marks(struct store *, const char *, int64_t,
	     struct remind_mark **, size_t *, char **);
int	 store_remind_set_next(struct store *, const char *, int64_t,
	     char **);
int	 store_remind_plan_next(struct store *, const char *, int64_t,
	     int64_t, char **);
int	 store_remind_mark(struct store *, const char *,
	     const struct remind_mark *, int64_t, int64_t, int64_t, int64_t,
	     char **);
int	 store_remind_seq(struct store *, int64_t *, char **);
/* One run of the hook waiting in the queue (a row of hook_jobs). */
struct hook_job {
	int64_t		 id;		/* increasing, never reused */
	int		 cmd;		/* which notify_cmd (0: the first) */
	char		*uid;
	int64_t		 occ, due, seq;	/* the reminder, as fired */
	char		*msg;		/* its pushed object, JSON */
	int64_t		 queued;
	int		 tries;		/* runs started, none seen to finish */
};

int	 store_remind_since(struct store *, int64_t, size_t,
	     struct remind_row **, size_t *, char **);
int	 store_remind_touch(struct store *, const char *, char **);
int	 store_remind_current(struct store *, const char *,
	     struct remind_row *, char **);
int	 store_remind_missed(struct store *, int64_t, int64_t, size_t,
	     struct remind_row **, size_t *, char **);
int	 store_remind_upcoming(struct store *, int64_t, size_t, char ***,
	     size_t *, char **);
int	 store_remind_at(struct store *, int64_t, const char *, size_t,
	     char ***, size_t *, char **);
int	 store_remind_meta_get(struct store *, const char *, char **, char **);
int	 store_remind_meta_set(struct store *, const char *, const char *,
	     char **);
int	 store_hook_add(struct store *, const struct hook_job *, char **);
int	 store_hook_next(struct store *, int64_t, size_t, struct hook_job **,
	     size_t *, char **);
int	 store_hook_next_cmds(struct store *, int, int, int64_t, int64_t,
	     size_t, struct hook_job **, size_t *, char **);
int	 store_hook_started(struct store *, int64_t, int64_t, char **);
int	 store_hook_done(struct store *, int64_t, char **);
int	 store_hook_count(struct store *, int64_t *, int64_t *, char **);
void	 store_hook_jobs_free(struct hook_job *, size_t);
void	 store_remind_rows_free(struct remind_row *, size_t);
void	 store_remind_uids_free(char **, size_t);

#endif
