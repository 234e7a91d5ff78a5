/*
 * cmd-delete.c — "delete": remove an event for good (cancel keeps it).
 * The events that followed it are detached first, in the same
 * transaction (write_detach), and the reply lists them.
 */
#include <stdlib.h>

#include "cmd.h"
#include "kcal-protocol.h"
#include "server.h"
#include "store.h"
#include "write.h"

static json_t *
cmd_delete_exec(struct cmd_ctx *ctx)
{
	struct store	*st = ctx->srv->store;
	char		*uid = NULL, *why = NULL;
	json_t		*res = NULL, *detached = json_array();

	if (cmd_arg_uid(ctx, "uid", &uid) != 0)
		goto out;
	if (store_begin(st, &why) != 0) {
		cmd_error(ctx, KCAL_E_STORE, "%s", why);
		goto out;
	}
	if (write_detach(ctx, uid, detached) != 0)
		store_rollback(st);
	else if (store_delete(st, uid, &why) != 0 ||
	    store_commit(st, &why) != 0) {
		store_rollback(st);
		cmd_error(ctx, KCAL_E_STORE, "%s", why);
	} else
		res = json_pack("{s:s, s:b, s:O}", "uid", uid, "deleted", 1,
		    "detached", detached);
out:
	json_decref(ctx->moved);	/* detaching moves nothing */
	ctx->moved = NULL;
	json_decref(detached);
	free(why);
	free(uid);
	return res;
}

const struct cmd_entry cmd_delete_entry = {
	"delete", "uid", CMD_WRITE | CMD_GROUP, cmd_delete_exec
};
