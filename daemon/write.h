/*
 * write.h — the write path of add, update and cancel (write.c): the event
 * fields of a request, and one change applied and stored in one
 * transaction with the anchored events that move with it and the clashes
 * it makes; and before a delete, its followers detached.
 */
#ifndef KCAL_WRITE_H
#define KCAL_WRITE_H

#include <jansson.h>

#include "event.h"

struct cmd_ctx;

int	 cmd_arg_change(struct cmd_ctx *, struct event_change *);
json_t	*cmd_write_event(struct cmd_ctx *, const char *, const char *,
	     const struct event_change *);
int	 write_followers(struct cmd_ctx *, const struct event *);
int	 write_detach(struct cmd_ctx *, const char *, json_t *);

#endif
