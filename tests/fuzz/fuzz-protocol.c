/*
 * fuzz-protocol.c — the wire protocol without a daemon: the bytes a client
 * sends are framed (proto_frame) into lines, each line is validated
 * (proto_parse_request), and a valid request runs through the command
 * table (cmd_dispatch: argument checks, then the command) against an
 * in-memory store, emptied after each input so that an input's outcome does
 * not depend on the ones before it (opening a fresh store per input would
 * be cleaner, but costs four times the executions).  Commands that need a
 * live connection or subsystem (watch, feeds, reminders) are left out.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "config.h"
#include "kcal-protocol.h"
#include "log.h"
#include "occur.h"
#include "server.h"
#include "store.h"

#define FUZZ_MAX_LINE	65536

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***);

static struct server	srv;
static int		debug;	/* $KCAL_FUZZ_DEBUG: print the replies */

static const char *allowed[] = {
	"hello", "add", "get", "list", "update", "cancel", "delete", "status",
	"itinerary", "people", "conflicts", "import", "export", NULL
};

/* server.c wants these from kcald.c and the socket side; not used here. */
void
server_reload(struct server *s)
{
	(void)s;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	*cause = NULL;

	(void)argc; (void)argv;
	debug = getenv("KCAL_FUZZ_DEBUG") != NULL;
	log_set_level(debug ? LOG_LVL_DEBUG : LOG_LVL_ERROR);
	srv.cfg = config_new();
	if (config_set(srv.cfg, "home_tz", "Asia/Seoul", &cause) != 0 ||
	    config_set(srv.cfg, "socket", "/nonexistent/kcald.sock",
	    &cause) != 0 ||
	    config_set(srv.cfg, "data_dir", "/nonexistent", &cause) != 0 ||
	    config_set(srv.cfg, "max_occurrences", "200", &cause) != 0 ||
	    config_finish(srv.cfg, &cause) != 0)
		abort();
	store_set_record_ops(&occur_record_ops);
	if ((srv.store = store_open(":memory:", &cause)) == NULL)
		abort();
	srv.started = 1767225600;
	return 0;
}

static int
collect(void *arg, const struct event *ev, const char *ical)
{
	json_t	*uids = arg;

	(void)ical;
	json_array_append_new(uids, json_string(ev->uid));
	return 0;
}

/* Delete every event an input left behind (participants go with them). */
static void
empty_store(void)
{
	struct store_query	 q;
	json_t			*uids = json_array(), *u;
	size_t			 i;
	char			*why = NULL;

	memset(&q, 0, sizeof q);
	q.from = INT64_MIN;
	q.to = INT64_MAX;
	q.include_cancelled = 1;
	if (store_query(srv.store, &q, collect, uids, &why) != 0)
		abort();
	json_array_foreach(uids, i, u)
		if (store_delete(srv.store, json_string_value(u), &why) != 0)
			abort();
	json_decref(uids);
}

static int
is_allowed(const json_t *req)
{
	const char	*name = json_string_value(json_object_get(req, "cmd"));

	if (cmd_find(name) == NULL)
		return 1;		/* unknown_command */
	for (const char **a = allowed; *a != NULL; a++)
		if (strcmp(name, *a) == 0)
			return 1;
	return 0;
}

static void
one_line(const char *line, size_t len)
{
	json_t		*req, *reply;
	const char	*code;
	char		*cause = NULL, *out;

	if (proto_parse_request(line, len, &req, &code, &cause) != 0) {
		reply = proto_err(req ? proto_request_id(req) : NULL, code,
		    "%s", cause);
		free(cause);
	} else if (is_allowed(req))
		reply = cmd_dispatch(&srv, NULL, req);
	else
		reply = NULL;
	json_decref(req);
	if (reply != NULL) {
		if ((out = proto_encode(reply, NULL)) == NULL)
			abort();	/* every reply must encode */
		if (debug)
			fputs(out, stderr);
		free(out);
		json_decref(reply);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*p = (const char *)data;
	ssize_t		 n;

	if (srv.cfg == NULL)
		LLVMFuzzerInitialize(NULL, NULL);
	while (size > 0) {
		n = proto_frame(p, size, FUZZ_MAX_LINE);
		if (n == PROTO_TOO_LONG || n == PROTO_NEED_MORE)
			break;		/* the daemon closes, or waits */
		if (n < 0 || (size_t)n >= size || p[n] != '\n')
			abort();	/* framing broke its contract */
		one_line(p, (size_t)n);
		p += n + 1;
		size -= (size_t)n + 1;
	}
	store_rollback(srv.store);	/* a transaction a command left open */
	empty_store();
	return 0;
}
