/*
 * cmd-status.c — "status": versions, uptime, store and counts.  The counts
 * are of committed data (store_counts), so a status runs at once even while
 * a group of writes is open (server-group.c).
 */
#include <unistd.h>

#include "cmd.h"
#include "kcal-protocol.h"
#include "server.h"
#include "store.h"

static json_t *
cmd_status_exec(struct cmd_ctx *ctx)
{
	struct server	*srv = ctx->srv;
	int64_t		 n[3] = { 0, 0, 0 };
	int		 rc;

	if ((rc = store_counts(srv->store, n)) == STORE_LATER) {
		group_commit(srv);	/* rare: after another connection's commit */
		rc = store_counts(srv->store, n);
	}
	if (rc != 0) {
		cmd_error(ctx, KCAL_E_STORE, "cannot count the store's events");
		return NULL;
	}
	return json_pack("{s:s, s:i, s:I, s:I, s:s, s:s, s:s, s:s*, s:I, s:I, "
	    "s:I, s:i, s:I, s:b, s:o}",
	    "version", KCAL_VERSION, "protocol", KCAL_PROTOCOL_VERSION,
	    "pid", (json_int_t)getpid(),
	    "uptime", (json_int_t)(server_now(srv) - srv->started),
	    "store", store_path(srv->store), "socket", srv->cfg->socket_path,
	    "home_tz", srv->cfg->home_tz, "http", srv->cfg->http,
	    "events", (json_int_t)n[0], "cancelled", (json_int_t)n[1],
	    "participants", (json_int_t)n[2], "clients", (int)srv->nclients,
	    "generation", (json_int_t)srv->generation,
	    "read_only", store_readonly(srv->store),
	    "commits", group_stats(srv));
}

const struct cmd_entry cmd_status_entry = {
	"status", "", CMD_HELD, cmd_status_exec
};
