/* cmd-hello.c — "hello": the daemon's name and versions (as in the greeting). */
#include "cmd.h"
#include "kcal-protocol.h"

static json_t *
cmd_hello_exec(struct cmd_ctx *ctx)
{
	(void)ctx;
	return proto_greeting();
}

const struct cmd_entry cmd_hello_entry = { "hello", "", 0, cmd_hello_exec };
