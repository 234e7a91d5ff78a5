/*
 * cmd-cancel.c — "cancel": mark an event STATUS:CANCELLED.  It stays in the
 * store as a tombstone so that feed subscribers learn to remove it.
 */
#include <stdlib.h>

#include "cmd.h"
#include "write.h"

static json_t *
cmd_cancel_exec(struct cmd_ctx *ctx)
{
	struct event_change	 ch;
	char			*uid = NULL;
	json_t			*res = NULL;

	event_change_init(&ch);
	if (cmd_arg_uid(ctx, "uid", &uid) == 0) {
		ch.status = "cancelled";
		res = cmd_write_event(ctx, uid, NULL, &ch);
	}
	free(uid);
	event_change_clear(&ch);
	return res;
}

const struct cmd_entry cmd_cancel_entry = {
	"cancel", "uid", CMD_WRITE | CMD_GROUP, cmd_cancel_exec
};
