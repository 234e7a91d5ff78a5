/* cmd-delete.c — "delete": remove an event for good (cancel keeps it). */
#include <stdlib.h>

#include "cmd.h"
#include "kcal-protocol.h"
#include "server.h"
#include "store.h"

static json_t *
cmd_delete_exec(struct cmd_ctx *ctx)
{
	char	*uid = NULL, *why = NULL;
	json_t	*res = NULL;

	if (cmd_arg_uid(ctx, "uid", &uid) != 0)
		return NULL;
	if (store_delete(ctx->srv->store, uid, &why) != 0)
		cmd_error(ctx, KCAL_E_STORE, "%s", why);
	else
		res = json_pack("{s:s, s:b}", "uid", uid, "deleted", 1);
	free(why);
	free(uid);
	return res;
}

const struct cmd_entry cmd_delete_entry = {
	"delete", "uid", CMD_WRITE, cmd_delete_exec
};
