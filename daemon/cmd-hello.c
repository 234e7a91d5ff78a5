/*
 * cmd-hello.c — "hello": the daemon's name and versions (as in the
 * greeting), and what this peer may do: "access" (read or write) and
 * "clearance" (the highest class it may read; kcald.conf(5), POLICY).
 */
#include "access.h"
#include "cmd.h"
#include "kcal-protocol.h"
#include "server.h"
#include "store.h"

static json_t *
cmd_hello_exec(struct cmd_ctx *ctx)
{
	json_t	*o = proto_greeting();

	if (ctx->client != NULL)
		json_object_set_new(o, "access", json_string(access_level_name(
		    server_client_access(ctx->client))));
	json_object_set_new(o, "clearance", json_string(access_class_name(
	    store_clearance(ctx->srv->store))));
	return o;
}

const struct cmd_entry cmd_hello_entry = { "hello", "", 0, cmd_hello_exec };
