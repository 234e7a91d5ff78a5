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
	char	*uid;
	int64_t	 occ, due;
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

int
remind_held_has(const struct remind_held *h, const char *uid, int64_t occ,
    int64_t due)
{
	for (size_t i = 0; i < h->n; i++)
		if (h->keys[i].occ == occ && h->keys[i].due == due &&
		    strcmp(h->keys[i].uid, uid) == 0)
			return 1;
	return 0;
}

void
remind_held_add(struct remind_held *h, const char *uid, int64_t occ,
    int64_t due)
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

size_t
remind_held_count(const struct remind_held *h)
{
	return h->n;
}
