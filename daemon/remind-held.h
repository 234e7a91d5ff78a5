/*
 * remind-held.h — reminders delivered while the store could not record
 * them (a full disk, a read-only store).  Normally a reminder's state is
 * committed before it is delivered; when that commit fails, the walk
 * (remind-walk.c) still delivers it and remembers its key here, so that
 * later walks do not deliver it again, and records it as fired (without
 * delivering it) once the store can be written, as it was delivered: at
 * that instant, that late, with that delivery number, however long the
 * outage (not missed past remind_grace: it went off) (the walk tries every
 * RETRY_HELD seconds, and as each reminder not yet due falls due, so that
 * it goes off on time: remind-timer.c, arm_held).  Memory only: a restart
 * during the outage may deliver such a reminder once more, which beats
 * not delivering it.
 */
#ifndef KCAL_REMIND_HELD_H
#define KCAL_REMIND_HELD_H

#include <stddef.h>
#include <stdint.h>

/*
 * At most this many keys (remind_held_add forgets the oldest past it; the
 * walk delivers no more from memory once it is reached, so that none
 * forgotten goes off twice: the rest goes off late, once recorded).
 */
#define REMIND_HELD_MAX	4096

struct remind_held;

/* How a held reminder was delivered, to be recorded so. */
struct remind_held_fact {
	int64_t	fired_at;	/* when it went off */
	int64_t	late;		/* seconds late then */
	int64_t	seq;		/* its delivery number */
	int	snoozed;	/* it came back from a snooze */
};

struct remind_held *remind_held_create(void);
void	remind_held_free(struct remind_held *);
const struct remind_held_fact *remind_held_get(const struct remind_held *,
	    const char *, int64_t, int64_t);
int	remind_held_has(const struct remind_held *, const char *, int64_t,
	    int64_t);
void	remind_held_add(struct remind_held *, const char *, int64_t, int64_t,
	    const struct remind_held_fact *);
void	remind_held_forget(struct remind_held *, const char *);
void	remind_held_forget_key(struct remind_held *, const char *, int64_t,
	    int64_t);
size_t	remind_held_prune(struct remind_held *,
	    int (*)(void *, const char *), void *);
size_t	remind_held_count(const struct remind_held *);
const struct remind_held_fact *remind_held_nth(const struct remind_held *,
	    size_t, const char **, int64_t *, int64_t *);

#endif
