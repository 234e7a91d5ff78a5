/*
 * conflict-check.h — the conflict check after every add and update
 * (cmd-conflicts.c), called by cmd_write_event (write.c) inside the
 * write's transaction: the clashes that involve the events written go
 * into the reply res, or with "strict" set the error and return -1 so
 * that the write is rolled back.
 */
#ifndef KCAL_CONFLICT_CHECK_H
#define KCAL_CONFLICT_CHECK_H

#include <jansson.h>

#include "event.h"

struct cmd_ctx;

int	conflicts_after_write(struct cmd_ctx *, const struct event *,
	    const struct event_change *, json_t *, json_t *);
json_t	*conflicts_before(struct cmd_ctx *, const struct event *);

#endif
