/*
 * cmd.h — protocol commands: a file per command (cmd-<verb>.c; the four
 * feed commands share cmd-feed.c), gathered in a static table in cmd.c
 * (tmux style).  A command gets the validated request and returns a result
 * object.  Helpers here validate arguments so every command refuses bad
 * input the same way, naming the argument.
 *
 * A command whose reply comes later (import_end: the import runs a slice
 * at a time) sets ctx->later and returns NULL; cmd_dispatch then returns
 * NULL and the command sends the reply itself.
 *
 * A command reads through ctx->store and ctx->cfg, never srv's: a read
 * flagged CMD_OFFLOOP runs on a worker thread (server-read.c) with the
 * worker's own connection and the configuration of the moment it was
 * submitted, and ctx->srv NULL; ctx->now is the time it was asked.
 *
 * Conventions (store.h's, with the error reply in the place of cause):
 *  - A command, and a helper here that returns json_t *, returns NULL once
 *    cmd_error() has set the error reply (the first one set wins).
 *  - A helper that returns int returns 0 (an optional argument that is
 *    absent included), or -1 once cmd_error() has set the error reply.
 *  - A message a callee hands back through char **cause (store.h) is the
 *    command's: it goes into cmd_error() and the command frees it.
 */
#ifndef KCAL_CMD_H
#define KCAL_CMD_H

#include <stdint.h>
#include <jansson.h>

#include "access.h"
#include "event.h"

struct client;
struct config;
struct server;
struct store;

#define CMD_WRITE	0x1	/* changes the store */
#define CMD_GROUP	0x2	/* a write that may share a group commit */
#define CMD_OFFLOOP	0x4	/* a read that may run on a worker thread */
#define CMD_HELD	0x8	/* a small read on the loop of committed data,
				   answered at once unless its client waits
				   for the open group (server-group.c) */
#define CMD_SHORT	0x10	/* an off-loop read of a few rows: the
				   worker's short lane (worker.c) */

struct cmd_ctx {
	struct server	*srv;		/* NULL on a worker thread */
	struct client	*client;	/* NULL: not a socket peer */
	struct store	*store;		/* the connection to read and write */
	const struct config *cfg;
	int64_t		 now;
	struct access_who who;		/* what the request may do */
	json_t		*req;
	json_t		*error;		/* the error reply, once set */
	int		 depth;		/* nested writes (write.c) */
	json_t		*moved;		/* UIDs moved with the write */
	int		 later;		/* the reply is sent later, not returned */
	int		 unchanged;	/* a write that changed nothing (dry run) */
};

struct cmd_entry {
	const char	*name;
	const char	*args;		/* accepted arguments, space-separated */
	int		 flags;
	json_t		*(*exec)(struct cmd_ctx *);
};

json_t	*cmd_dispatch(struct server *, struct client *, json_t *);
json_t	*cmd_dispatch_who(struct server *, struct client *,
	     const struct access_who *, json_t *);
json_t	*cmd_dispatch_read(struct store *, const struct config *, int64_t,
	     const struct access_who *, json_t *);
const struct cmd_entry *cmd_find(const char *);
int	 cmd_offloop(const json_t *);

void	 cmd_error(struct cmd_ctx *, const char *, const char *, ...)
	     __attribute__((format(printf, 3, 4)));
int	 cmd_arg_str(struct cmd_ctx *, const char *, int, const char **);
int	 cmd_arg_bool(struct cmd_ctx *, const char *, int *);
int	 cmd_arg_when(struct cmd_ctx *, const char *, struct when *);
int	 cmd_arg_time(struct cmd_ctx *, const char *, int64_t, int64_t *);
int	 cmd_arg_uid(struct cmd_ctx *, const char *, char **);
json_t	*cmd_event_json(struct cmd_ctx *, const struct event *);
int	 cmd_event_cmp(const json_t *, const json_t *);
json_t	*cmd_events_sorted(json_t *);

#define CMD_DECL(n) extern const struct cmd_entry cmd_##n##_entry
CMD_DECL(hello);
CMD_DECL(add);
CMD_DECL(get);
CMD_DECL(list);
CMD_DECL(update);
CMD_DECL(cancel);
CMD_DECL(delete);
CMD_DECL(status);
CMD_DECL(watch);
CMD_DECL(reminders);
CMD_DECL(snooze);
CMD_DECL(ack);
CMD_DECL(itinerary);
CMD_DECL(people);
CMD_DECL(conflicts);
CMD_DECL(import);
CMD_DECL(import_begin);
CMD_DECL(import_chunk);
CMD_DECL(import_end);
CMD_DECL(export);
CMD_DECL(feed_add);
CMD_DECL(feed_list);
CMD_DECL(feed_rotate);
CMD_DECL(feed_delete);

#endif
