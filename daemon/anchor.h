/*
 * anchor.h — anchored logistics: an event can follow another at an offset
 * ("the motorcade leaves 15 minutes before the welcome ceremony").  The
 * anchor is the X-KCAL-ANCHOR property (the anchor's UID) and
 * X-KCAL-ANCHOR-OFFSET (a DURATION, e.g. -PT15M, from the anchor's start:
 * whole days are calendar days in the event's zone, any other offset is
 * exact, ical_anchor_at), mirrored in indexed columns (store-itinerary.c).
 *
 * anchor_prepare() runs before a write: it resolves the anchor, refuses a
 * cycle, and turns the anchor and offset into the event's start.  After
 * the write, in the same transaction, every event anchored to the one
 * written moves with it (write.c, where anchor_follower() says where to)
 * through cmd_write_event() — the same path as an edit, so SEQUENCE bumps,
 * the reminders are re-planned, and its own followers move in turn.
 *
 * A chain (an event following one that follows another...) may be at
 * most ANCHOR_MAX_DEPTH deep; anchor_prepare() refuses the write that
 * would make it deeper, so that every chain accepted can be moved from
 * its root.  Before a delete (write_detach), the events that follow the
 * one deleted stay where they are and follow nothing.
 *
 * These are the anchor's rules only: the writes they lead to are
 * write.c's, so that anchors and the write path do not depend on each
 * other.
 */
#ifndef KCAL_ANCHOR_H
#define KCAL_ANCHOR_H

#include <stdint.h>

#include "event.h"

struct cmd_ctx;
struct store;

/* How many anchors may be above an event (a deeper chain is refused). */
#define ANCHOR_MAX_DEPTH	64

int	anchor_args(struct cmd_ctx *, struct event_change *);
int	anchor_hidden_followers(struct store *, const char *, char **);
int	anchor_prepare(struct cmd_ctx *, const char *, const char *,
	    struct event_change *);
int	anchor_follower(struct cmd_ctx *, const struct event *, const char *,
	    int64_t *);
int	anchor_check_chain(struct store *, const char *, const char *,
	    char **);

#endif
