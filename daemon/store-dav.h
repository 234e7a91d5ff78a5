/*
 * store-dav.h — what CalDAV keeps in the store (store-dav.c): the change
 * log that sync tokens and getctag are read from, and the resource names
 * clients chose for events.
 *
 * Names here are decoded (the last segment of a URL after percent
 * decoding); an event no client named is "UID.ics".  The name mapping
 * does not apply the reader's clearance: a caller checks store_visible()
 * or reads the event with store_get(), which does.
 */
#ifndef KCAL_STORE_DAV_H
#define KCAL_STORE_DAV_H

#include <stdint.h>

struct store;

/*
 * The event named name: 0 and *uid (freed by the caller), or
 * STORE_NOT_FOUND when no event has that name.
 */
int	store_dav_lookup(struct store *, const char *, char **, char **);
/*
 * uid's name (*name freed by the caller): its own, or "UID.ics"; for a
 * deleted event, the name it had.
 */
int	store_dav_name(struct store *, const char *, char **, char **);
/*
 * Name the event uid name (in the transaction that writes it); "UID.ics" removes its own
 * name.  STORE_AMBIGUOUS when another event has that name.
 */
int	store_dav_set_name(struct store *, const char *, const char *,
	    char **);
/* uid's last change's number (0: none logged), for caching what it gives. */
int	store_dav_seq(struct store *, const char *, int64_t *);
/* The last change's number: the collection's sync token and ctag. */
int	store_dav_token(struct store *, int64_t *);
/*
 * Each UID changed after since, oldest first, with whether it is now
 * deleted; the callback stops the walk by returning non-zero (which is
 * returned).  Every event, whatever the clearance: the caller reports
 * an event it may not see as removed.
 */
int	store_dav_changes(struct store *, int64_t,
	    int (*)(void *, const char *, int), void *, char **);

#endif
