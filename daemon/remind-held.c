/*
 * remind-held.c — the keys (event UID, occurrence, due instant) of the
 * reminders delivered while the store could not record them; see
 * remind-held.h.  A small array: an outage holds a handful of reminders,
 * and a linear scan of a few thousand keys is nothing next to a walk.
 */
#include <stdlib.h>
#include <string.h>

#include "remind-held.h"
#include "xmalloc.h"

struct held_key {
	char			*uid;
	int64_t			 occ, due;
	struct remind_held_fact	 fact;
};

struct remind_held {
	struct held_key	*keys;
	size_t		 n;
};

struct remind_held *
remind_held_create(void)
{
	return xcalloc(1, sizeof (struct remind_held));
}

void
remind_held_free(struct remind_held *h)
{
	if (h == NULL)
		return;
	for (size_t i = 0; i < h->n; i++)
		free(h->keys[i].uid);
	free(h->keys);
	free(h);
}

const struct remind_held_fact *
remind_held_get(const struct remind_held *h, const char *uid, int64_t occ,
    int64_t due)
{
	for (size_t i = 0; i < h->n; i++)
		if (h->keys[i].occ == occ && h->keys[i].due == due &&
		    strcmp(h->keys[i].uid, uid) == 0)
			return &h->keys[i].fact;
	return NULL;
}

int
remind_held_has(const struct remind_held *h, const char *uid, int64_t occ,
    int64_t due)
{
	return remind_held_get(h, uid, occ, due) != NULL;
}

void
remind_held_add(struct remind_held *h, const char *uid, int64_t occ,
    int64_t due, const struct remind_held_fact *fact)
{
	if (remind_held_has(h, uid, occ, due))
		return;
	if (h->n == REMIND_HELD_MAX) {
		free(h->keys[0].uid);
		memmove(h->keys, h->keys + 1, --h->n * sizeof *h->keys);
	}
	h->keys = xreallocarray(h->keys, h->n + 1, sizeof *h->keys);
	h->keys[h->n].uid = xstrdup(uid);
	h->keys[h->n].occ = occ;
	h->keys[h->n].fact = *fact;
	h->keys[h->n++].due = due;
}

/* The store has recorded uid's reminders: forget them here. */
void
remind_held_forget(struct remind_held *h, const char *uid)
{
	size_t	i = 0;

	while (i < h->n) {
		if (strcmp(h->keys[i].uid, uid) != 0) {
			i++;
			continue;
		}
		free(h->keys[i].uid);
		h->keys[i] = h->keys[--h->n];
	}
}

/*
 * Forget the keys of the events gone(arg, uid) says are no longer there
 * (deleted once the store could be written again, before the walk came
 * to record them): nothing is left to record, and a key kept would hold
 * the fast planning path off (remind.c) until a restart.  The count left.
 */
size_t
remind_held_prune(struct remind_held *h, int (*gone)(void *, const char *),
    void *arg)
{
	size_t	 i = 0;
	char	*uid;

	while (i < h->n) {
		if (!gone(arg, h->keys[i].uid)) {
			i++;
			continue;
		}
		uid = xstrdup(h->keys[i].uid);	/* forget frees the key's */
		remind_held_forget(h, uid);	/* and swaps another into i */
		free(uid);
	}
	return h->n;
}

/* Forget one key (the last takes its place). */
void
remind_held_forget_key(struct remind_held *h, const char *uid, int64_t occ,
    int64_t due)
{
	for (size_t i = 0; i < h->n; i++)
		if (h->keys[i].occ == occ && h->keys[i].due == due &&
		    strcmp(h->keys[i].uid, uid) == 0) {
			free(h->keys[i].uid);
			h->keys[i] = h->keys[--h->n];
			return;
		}
}

/* The i-th key (NULL past the last): its UID, occurrence and due instant. */
const struct remind_held_fact *
remind_held_nth(const struct remind_held *h, size_t i, const char **uid,
    int64_t *occ, int64_t *due)
{
	if (i >= h->n)
		return NULL;
	*uid = h->keys[i].uid;
	*occ = h->keys[i].occ;
	*due = h->keys[i].due;
	return &h->keys[i].fact;
}

size_t
remind_held_count(const struct remind_held *h)
{
	return h->n;
}
