/*
 * store-remind.h — the reminder tables (store-remind.c): each event's next
 * reminder instant (events.next_alarm) and the state of every reminder
 * that was delivered, missed, acknowledged or snoozed (reminder_state).
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
int	 store_remind_due(struct store *, int64_t, size_t, char ***,
	     size_t *, char **);
int	 store_remind_event(struct store *, const char *, char **, int64_t *,
	     char **);
int	 store_remind_marks(struct store *, const char *, int64_t,
	     struct remind_mark **, size_t *, char **);
int	 store_remind_set_next(struct store *, const char *, int64_t,
	     char **);
int	 store_remind_mark(struct store *, const char *,
	     const struct remind_mark *, int64_t, int64_t, int64_t, int64_t,
	     char **);
int	 store_remind_seq(struct store *, int64_t *, char **);
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
void	 store_remind_rows_free(struct remind_row *, size_t);
void	 store_remind_uids_free(char **, size_t);

#endif
