/*
 * server.h — the one small struct that ties the daemon's subsystems
 * together, and the connection object.  Each subsystem owns its own state;
 * struct server only points at them.
 */
#ifndef KCAL_SERVER_H
#define KCAL_SERVER_H

#include <sys/queue.h>
#include <sys/types.h>
#include <stdint.h>
#include <time.h>

#include <event2/event.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>
#include <jansson.h>

#include "config.h"

struct access_who;

struct accounts;
struct remind;
struct store;
struct feeds;
struct http;
struct group;
struct worker;
struct sync;

/* Event priorities: everything runs at the default (1); a group commit
 * (server-group.c) only once nothing else is ready. */
#define SERVER_PRIORITIES	3
#define SERVER_PRI_LAST		2
/* A request that holds the loop this long is logged (server-group.c, http.c). */
#define LOOP_HELD_MS		100
#define BIG_REPLY	(1024 * 1024)	/* a reply whose memory is given back */

struct client {
	struct server		*srv;
	struct bufferevent	*bev;
	uint64_t		 id;
	uid_t			 peer_uid;
	char			 who_name[32];	/* "uid N", for messages */
	gid_t			*peer_gids;	/* primary, then supplementary */
	size_t			 npeer_gids;
	int			 watching;	/* receives pushed reminders */
	int			 brief;		/* ... in their brief form */
	int			 closing;	/* free once output drains */
	int			 eof;		/* half-closed: free once owed */
	size_t			 scanned;	/* input bytes known to hold no LF */
	json_t			*awaiting;	/* a request whose "bytes" come */
	size_t			 awaiting_n;	/* how many */
	int			 held;		/* not read until output drains */
	int			 big;		/* a big reply went out: trim after */
	size_t			 reply_max;	/* largest reply since drained */
	struct evbuffer_cb_entry *out_cb;	/* counts into srv->queued */
	struct import_job	*import;	/* import-stream.c: its import */
	int			 import_dropped; /* ... refused part-way */
	json_t			*parked;	/* a write waiting for an import */
	uint64_t		 parked_at;	/* srv->parks then: their order */
	struct read_job		*reading;	/* server-read.c: its read */
	size_t			 sync_waits;	/* server-sync.c: replies queued */
	size_t			 sync_bytes;	/* ... their length */
	size_t			 group_held;	/* server-group.c: replies held */
	int			 sync_blocked;	/* server-sync.c: advance's mark */
	TAILQ_ENTRY(client)	 entry;
};
TAILQ_HEAD(clients, client);

struct server {
	struct event_base	*base;
	struct config		*cfg;
	struct store		*store;
	struct remind		*remind;	/* remind.c: the reminder timer */
	struct feeds		*feeds;		/* feed-body.c: the feeds' bodies */
	struct http		*http;		/* http.c: NULL without --http */
	struct group		*group;		/* server-group.c: group commit */
	struct sync		*sync;		/* server-sync.c: its fsync */
	struct worker		*worker;	/* worker.c: long reads */
	int			 no_worker;	/* could not start one */
	struct accounts		*accounts;	/* account.c: the users file */
	struct evconnlistener	*listener;
	struct event		*ev_accept_retry;
	struct event		*ev_signals[4];
	struct event		*ev_reap;	/* frees closed clients later */
	struct event		*ev_trim;	/* gives freed memory back */
	size_t			 queued;	/* output bytes, all clients */
	struct clients		 clients, dead;
	unsigned		 nclients;
	uint64_t		 next_client_id;
	uint64_t		 generation;	/* bumped by every write */
	uint64_t		 parks;		/* requests parked so far */
	time_t			 started;
	uid_t			 uid;		/* kcald's own, for access_check */
	int			 socket_fd;
	int			 lock_fd;	/* trust.c: the data dir's lock */
	struct import_job	*importing;	/* holds the store (import-stream.c) */
};

int	 server_init(struct server *, struct config *, char **);
int	 server_loop(struct server *);
void	 server_free(struct server *);
void	 server_changed(struct server *);
int64_t	 server_now(struct server *);
struct worker *server_worker(struct server *);
void	 server_broadcast(struct server *, json_t *, char *, size_t, char *,
	     size_t);
int	 server_may_see(struct server *, json_t *, int);
void	 server_reload(struct server *);	/* kcald.c */
int	 mkdir_p(const char *, mode_t);

/* server-client.c */
void	 server_client_accept(struct server *, int);
void	 server_client_send(struct client *, json_t *);
json_t	*server_client_too_much(struct client *, json_t *);
void	 server_client_send_now(struct client *, json_t *);
struct evbuffer *server_encode(json_t *);
void	 server_client_send_encoded(struct client *, const json_t *,
	     struct evbuffer *);
void	 server_client_deliver(struct client *, struct evbuffer *);
void	 server_client_send_stamped(struct client *, const json_t *,
	     struct evbuffer *, uint64_t);
struct shared_msg;
struct shared_msg *server_shared_new(json_t *, char *, size_t);
void	 server_shared_unref(struct shared_msg *);
void	 server_client_send_shared(struct client *, struct shared_msg *);
void	 server_client_close(struct client *);
void	 server_client_reap(struct server *);
void	 server_output_drain(struct server *, int);
void	 server_trim_soon(struct server *);
int	 server_client_access(struct client *);	/* enum access_level */
/* server-group.c */
void	 group_init(struct server *);
void	 group_free(struct server *);
void	 group_request(struct client *, json_t *);
void	 group_reply(struct client *, json_t *);
void	 group_forget(struct server *, struct client *);
void	 group_commit(struct server *);
int	 group_waits(struct client *);
int	 group_defer_changed(struct server *);
json_t	*group_stats(struct server *);
int	 server_client_clearance(struct client *);	/* enum access_class */
void	 server_client_who(struct client *, struct access_who *);
void	 server_client_unpark(struct server *);
void	 server_client_resume(struct client *);
/* server-sync.c */
void	 sync_init(struct server *);
void	 sync_free(struct server *);
int	 sync_lazy(struct server *);
void	 sync_committed(struct server *);
int	 sync_write_begin(struct server *, char **);
void	 sync_write_end(struct server *, int, int);
void	 sync_wait(struct server *);
void	 sync_worker_started(struct server *);
int	 sync_send(struct client *, struct evbuffer *, const uint64_t *);
int	 sync_after(struct server *, void (*)(void *, int), void *);
void	 sync_forget(struct server *, struct client *);
/* server-read.c */
int	 server_read_submit(struct client *, json_t *);
void	 server_read_forget(struct client *);

#endif
