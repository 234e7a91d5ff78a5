/*
 * server-client.c — one connection: read newline-framed requests, answer
 * each in order, push notifications to watchers.  A long read runs off the
 * loop (server-read.c), the client not read until it is answered.  A
 * client that breaks the framing gets an error and is closed; a client
 * that fails inside one of its own callbacks is only marked, and freed
 * later from the loop (redis style), so no callback ever runs on freed
 * memory.  A client whose replies pile up is not read until they drain
 * (hold: flow control).  What a reply costs and where it waits
 * (max_output, the disk, a watcher's shared message) is server-output.c's.
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "access.h"
#include "cmd.h"
#include "frame.h"
#include "import-run.h"
#include "kcal-protocol.h"
#include "log.h"
#include "server.h"
#include "xmalloc.h"

#define OUTPUT_STALL	60	/* seconds a client may take none of its output */
#define HELD_MAX	1000	/* replies held for the group: not read */

/* Mark for freeing from the loop; never free inside a callback. */
void
server_client_close(struct client *c)
{
	struct server	*srv = c->srv;

	if (c->closing == 2)
		return;
	c->closing = 2;
	import_client_gone(c);
	server_read_forget(c);
	json_decref(c->parked);
	json_decref(c->awaiting);
	c->awaiting = NULL;
	c->parked = NULL;
	bufferevent_disable(c->bev, EV_READ | EV_WRITE);
	TAILQ_REMOVE(&srv->clients, c, entry);
	TAILQ_INSERT_TAIL(&srv->dead, c, entry);
	srv->nclients--;
	if (srv->ev_reap != NULL)	/* NULL: stopping, reaped by server_free */
		event_active(srv->ev_reap, 0, 0);
}

/* Every byte into or out of a client's output counts in srv->queued. */
static void
out_count(struct evbuffer *b, const struct evbuffer_cb_info *info, void *arg)
{
	struct client	*c = arg;

	(void)b;
	c->srv->queued += info->n_added;
	c->srv->queued -= info->n_deleted;
}

static void
out_forget(struct client *c)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);
	size_t		 left = evbuffer_get_length(out);

	if (c->out_cb == NULL)
		return;
	evbuffer_remove_cb_entry(out, c->out_cb);
	c->out_cb = NULL;
	c->srv->queued -= left;
	if (c->big || left > BIG_REPLY)
		server_trim_soon(c->srv);
}

void
server_client_reap(struct server *srv)
{
	struct client	*c;

	while ((c = TAILQ_FIRST(&srv->dead)) != NULL) {
		TAILQ_REMOVE(&srv->dead, c, entry);
		log_debug("client %llu: closed", (unsigned long long)c->id);
		group_forget(srv, c);
		sync_forget(srv, c);
		out_forget(c);
		bufferevent_free(c->bev);
		free(c->peer_gids);
		free(c);
	}
}

/*
 * Send an error, then close once it has been written (or after ten
 * seconds, if the peer does not read it).
 */
static void
fail_and_close(struct client *c, json_t *err)
{
	struct timeval	tv = { 10, 0 };

	server_client_send(c, err);
	if (c->closing == 0)
		c->closing = 1;
	bufferevent_disable(c->bev, EV_READ);
	bufferevent_set_timeouts(c->bev, NULL, &tv);
}

static int	owes(struct client *);

/*
 * A request that breaks the framing (a line too long, a count of bytes
 * that is not one): nothing after it can be read as a request.  Its error
 * is answered after the replies owed before it (writes of the open group,
 * replies waiting for the disk: fail_and_close dropped them, and a client
 * could not tell whether its writes were made), then the connection is
 * closed (as one that half-closed: write_cb); what came after is dropped.
 */
static void
fail_after_owed(struct client *c, json_t *err)
{
	struct evbuffer	*in = bufferevent_get_input(c->bev);

	evbuffer_drain(in, evbuffer_get_length(in));
	c->eof = 1;
	bufferevent_disable(c->bev, EV_READ);
	group_reply(c, err);	/* after those held before it */
	if (c->closing == 0 && !owes(c))
		server_client_close(c);
}

/*
 * A write that arrives while an import holds the store waits for it to
 * end, and the client is not read meanwhile (its requests are answered in
 * order): 1 if req (kept) was parked so.  server_client_unpark() runs it.
 */
static int
park(struct client *c, json_t *req)
{
	const struct cmd_entry	*ce;

	if (!import_busy(c->srv) || (ce = cmd_find(json_string_value(
	    json_object_get(req, "cmd")))) == NULL || !(ce->flags & CMD_WRITE))
		return 0;
	log_debug("client %llu: %s waits for the import",
	    (unsigned long long)c->id, ce->name);
	c->parked = req;
	c->parked_at = ++c->srv->parks;
	bufferevent_disable(c->bev, EV_READ);
	return 1;
}

/*
 * Is c waiting for the answer to a request that is not read on (a parked
 * write, a long read, its import's end)?  It is not read meanwhile: what
 * it sent next is answered after, in order.
 */
static int
waits(const struct client *c)
{
	return c->parked != NULL || c->reading != NULL || import_ending(c);
}

/* Answer a parsed request (stolen) unless it must wait for an import. */
static void
handle_request(struct client *c, json_t *req)
{
	json_t	*reply;

	if (park(c, req))
		return;
	if ((reply = server_client_too_much(c, req)) != NULL) {
		import_refused(c, json_string_value(json_object_get(req,
		    "cmd")));
		group_reply(c, reply);	/* after the replies held before it */
	} else if (!server_read_submit(c, req))	/* a long read: off the loop */
		group_request(c, req);	/* answered there (server-group.c) */
	json_decref(req);
}

/* Is req (parsed, or NULL) followed by bytes?  A null is no count. */
static int
has_bytes(const json_t *req)
{
	json_t	*b = json_object_get(req, "bytes");

	return b != NULL && !json_is_null(b);
}

/*
 * A request with "bytes": N is followed on the socket by N bytes that are
 * not JSON (an import's piece: kcal-protocol(7), framing), read as they
 * are instead of as a JSON string, which cost kcald a seventh of an
 * import's time on the loop.  req waits for them (read_cb, take_bytes);
 * so does a refusal of it (an error reply: its bytes are then dropped),
 * so that the next request is found after them.  A count that is not one
 * leaves no way to find it: the error, then the connection is closed.
 */
static void
await_bytes(struct client *c, json_t *req)
{
	json_t	*b = json_object_get(req, "bytes");
	size_t	 max = c->srv->cfg->max_line;
	json_t	*id = json_object_get(req, "ok") != NULL ?
		    json_object_get(req, "id") : proto_request_id(req);

	if (!json_is_integer(b) || json_integer_value(b) < 0 ||
	    (uint64_t)json_integer_value(b) > max) {
		fail_after_owed(c, proto_err(id, KCAL_E_BAD_REQUEST,
		    "\"bytes\" must be the count of the bytes that follow "
		    "the request's line, at most %zu (max_line); closing the "
		    "connection", max));
		json_decref(req);
		return;
	}
	c->awaiting = req;
	c->awaiting_n = (size_t)json_integer_value(b);
}

/*
 * The bytes the awaiting request announced are in: as its "bytes"; or
 * dropped, and the refusal that waited for them sent.
 */
static void
take_bytes(struct client *c, struct evbuffer *in)
{
	json_t	*req = c->awaiting;
	size_t	 n = c->awaiting_n;
	char	*p;

	c->awaiting = NULL;
	if (json_object_get(req, "ok") != NULL) {	/* a refusal */
		if (evbuffer_drain(in, n) != 0)
			fatalx("take_bytes: the buffer lost its bytes");
		json_object_del(req, "bytes");
		group_reply(c, req);
		return;
	}
	p = xmalloc(n + 1);
	if (evbuffer_remove(in, p, n) != (int)n)
		fatalx("take_bytes: the buffer lost its bytes");
	json_object_set_new(req, "bytes", json_stringn_nocheck(p, n));
	free(p);
	handle_request(c, req);
}

/*
 * Answer one request line, and free it.  It is freed as soon as it is
 * parsed: an import's line is the whole file, and the command makes its
 * own copies of it (lines unfolded), so keeping the line too would add one
 * more file-sized buffer to the peak.
 */
static void
handle_line(struct client *c, char *line, size_t len)
{
	json_t		*req, *reply;
	const char	*code;
	char		*cause = NULL;
	int		 rc;

	rc = proto_parse_request(line, len, &req, &code, &cause);
	free(line);
	if (rc != 0) {
		reply = proto_err(req ? proto_request_id(req) : NULL, code,
		    "%s", cause);
		free(cause);
		/* it may have been a piece of an import: all or nothing */
		import_refused(c, json_string_value(json_object_get(req,
		    "cmd")));
		if (has_bytes(req)) {	/* refused, its bytes read all the same */
			json_object_set_new(reply, "bytes",
			    json_incref(json_object_get(req, "bytes")));
			await_bytes(c, reply);
		} else
			group_reply(c, reply);	/* after those held before */
		json_decref(req);
		return;
	}
	if (has_bytes(req))
		await_bytes(c, req);
	else
		handle_request(c, req);
}

#define CLIENT_MAX_WRITE	(1024 * 1024)	/* bytes a turn, per client */
#define BIG_REQUEST	(1024 * 1024)

/*
 * After a big request (an import: the line, its JSON string, the unfolded
 * copy), hand the freed heap back to the system.  glibc keeps it
 * otherwise (its mmap threshold rises after the first big free, so later
 * big buffers come from the heap), and an idle kcald would stay at the
 * size of its biggest import for good.
 */
static void
heap_trim(void)
{
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

/*
 * Flow control: a client is not read while max_output of its replies
 * wait (written to the output or waiting for the disk), nor while
 * HELD_MAX of them are held for the open group (server-group.c: a status
 * or an error behind its write; they are counted, not measured), nor, while all clients' output is past max_output_total,
 * while any of its own waits.  It is read again once its output drains
 * (write_cb: what was held goes out there too); meanwhile its requests
 * wait in the socket, so a client that pipelines requests and reads
 * slowly is slowed, not dropped, and one that never reads costs the
 * daemon about max_output and the replies to the requests read before
 * it stopped (and is dropped after OUTPUT_STALL seconds of taking none).
 */
static int
hold(struct client *c)
{
	struct server	*srv = c->srv;
	size_t		 own;

	own = evbuffer_get_length(bufferevent_get_output(c->bev)) +
	    c->sync_bytes;
	if (own < srv->cfg->max_output && c->group_held < HELD_MAX &&
	    (srv->queued < srv->cfg->max_output_total ||
	    (own == 0 && c->sync_waits == 0)))
		return 0;
	if (!c->held)
		log_debug("client %llu: not read until its replies drain (%s)",
		    (unsigned long long)c->id, own >= srv->cfg->max_output ?
		    "max_output" : c->group_held >= HELD_MAX ? "held for the "
		    "group" : "max_output_total");
	c->held = 1;
	bufferevent_disable(c->bev, EV_READ);
	return 1;
}

static void
read_cb(struct bufferevent *bev, void *arg)
{
	struct client	*c = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	size_t		 max = c->srv->cfg->max_line;
	ssize_t		 n;

	while (c->closing == 0 && !waits(c)) {
		if (c->awaiting != NULL) {
			if (evbuffer_get_length(in) < c->awaiting_n)
				return;
			if (hold(c))
				return;
			take_bytes(c, in);
			continue;
		}
		if ((n = frame_next(in, &c->scanned, max)) == PROTO_NEED_MORE)
			return;
		if (n == PROTO_TOO_LONG) {
			fail_after_owed(c, proto_err(NULL, KCAL_E_TOO_LONG,
			    "request line longer than %zu bytes (max_line)",
			    max));
			return;
		}
		if (hold(c))
			return;
		handle_line(c, frame_take(in, (size_t)n), (size_t)n);
		if ((size_t)n > BIG_REQUEST)
			heap_trim();
	}
	/*
	 * While its import ends, the client is read on (so that kcald sees
	 * it leave: it is not sent much meanwhile) but not answered; what it
	 * sends is kept, up to max_line, then waits in the socket.
	 */
	if (c->closing == 0 && import_ending(c) &&
	    evbuffer_get_length(in) > max)
		bufferevent_disable(bev, EV_READ);
}

/*
 * Does c still have replies coming: output not yet written, replies held
 * for the open group or for the disk, a parked write, a long read, or a
 * whole request line not yet read?  A client that half-closed (eof) is
 * kept until it has none.
 */
static int
owes(struct client *c)
{
	struct evbuffer	*in = bufferevent_get_input(c->bev);

	return evbuffer_get_length(bufferevent_get_output(c->bev)) > 0 ||
	    c->sync_waits > 0 || c->parked != NULL || c->reading != NULL ||
	    c->group_held > 0 || (c->awaiting != NULL ?
	    evbuffer_get_length(in) >= c->awaiting_n :
	    evbuffer_search(in, "\n", 1, NULL).pos >= 0);
}

/* The requests already buffered; more from the socket unless it ended. */
static void
read_again(struct client *c)
{
	if (!c->eof)
		bufferevent_enable(c->bev, EV_READ);
	read_cb(c->bev, c);
}

/* The output drained: close, or trim after a big reply, or read again. */
static void
write_cb(struct bufferevent *bev, void *arg)
{
	struct client	*c = arg;

	if (evbuffer_get_length(bufferevent_get_output(bev)) != 0)
		return;
	if (c->closing == 1) {	/* unless replies still wait for the disk */
		if (c->sync_waits == 0)
			server_client_close(c);
		return;
	}
	if (c->sync_bytes == 0)
		c->reply_max = 0;	/* server-output.c: push_room */
	if (c->big) {
		c->big = 0;
		server_trim_soon(c->srv);
	}
	if (c->held && c->closing == 0 && !waits(c)) {
		c->held = 0;
		read_again(c);
	}
	if (c->eof && c->closing == 0 && !owes(c))
		server_client_close(c);
}

/* c's parked write or long read was answered: read it again (if not held). */
void
server_client_resume(struct client *c)
{
	if (c->closing != 0 || waits(c) || hold(c))
		return;
	read_again(c);
	if (c->eof && c->closing == 0 && !owes(c))	/* nothing came of it */
		server_client_close(c);
}

static int
by_parked_at(const void *a, const void *b)
{
	const struct client	*ca = *(struct client *const *)a;
	const struct client	*cb = *(struct client *const *)b;

	return (ca->parked_at > cb->parked_at) -
	    (ca->parked_at < cb->parked_at);
}

/*
 * The import ended, or the group's next slice is due (server-group.c): the
 * writes that waited run, in the order they were parked, each client then
 * read again (unless a write among them was the next import: the rest wait
 * for that one).  A write parked again (the slice is used up) goes behind
 * the others.  Called from a callback of its own, never from within a
 * client's.
 */
void
server_client_unpark(struct server *srv)
{
	struct client	**v, *c;
	size_t		  n = 0, i;
	json_t		 *req;

	TAILQ_FOREACH(c, &srv->clients, entry)
		n += c->parked != NULL;
	if (n == 0)
		return;
	v = xcalloc(n, sizeof *v);
	n = 0;
	TAILQ_FOREACH(c, &srv->clients, entry)
		if (c->parked != NULL)
			v[n++] = c;
	qsort(v, n, sizeof *v, by_parked_at);
	/*
	 * Each parked request first, then each client is read again: a client
	 * with a deep pipeline would otherwise fill the slice (server-group.c)
	 * before the next client's parked write ran.  Closed clients are freed
	 * only by the reaper, later.
	 */
	for (i = 0; i < n && !import_busy(srv); i++) {
		c = v[i];
		if (c->closing != 0 || (req = c->parked) == NULL) {
			v[i] = NULL;
			continue;
		}
		c->parked = NULL;
		handle_request(c, req);
	}
	n = i;
	for (i = 0; i < n; i++)
		if (v[i] != NULL)
			server_client_resume(v[i]);
	free(v);
}

static void
event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct client	*c = arg;

	if ((what & BEV_EVENT_TIMEOUT) && (what & BEV_EVENT_WRITING) &&
	    c->closing == 0) {
		log_warnx("client %llu: took none of its replies for %d s "
		    "(%zu bytes waiting); dropped", (unsigned long long)c->id,
		    OUTPUT_STALL, evbuffer_get_length(bufferevent_get_output(
		    bev)));
		server_client_close(c);
		return;
	}
	if ((what & BEV_EVENT_TIMEOUT) && c->closing == 0 && (c->watching ||
	    import_ending(c))) {
		/* A watcher waits for reminders: silence is its job; and a
		 * client whose import is being written waits for its reply. */
		bufferevent_enable(bev, EV_READ);
		return;
	}
	if ((what & BEV_EVENT_TIMEOUT) && c->closing == 0) {
		log_debug("client %llu: idle, closing",
		    (unsigned long long)c->id);
		fail_and_close(c, proto_err(NULL, KCAL_E_LIMIT, "idle for %u "
		    "seconds (idle_timeout); closing",
		    c->srv->cfg->idle_timeout));
		return;
	}
	/*
	 * A client that half-closed after its requests still gets their
	 * replies, also those of writes still in the open group; not an
	 * import's client: an import cut short stores nothing.
	 */
	if ((what & BEV_EVENT_EOF) && !(what & BEV_EVENT_ERROR) &&
	    c->closing == 0 && c->import == NULL && owes(c)) {
		c->eof = 1;
		bufferevent_disable(bev, EV_READ);
		return;
	}
	server_client_close(c);	/* EOF, error, or a timeout while closing */
}

/*
 * The peer's credentials as the kernel recorded them at connect(): they
 * cannot be forged by the peer and do not change afterwards.  The access
 * level and clearance are computed from them each time they are asked for
 * (every write, every request's clearance, every push), so a SIGHUP that
 * changes the lists applies to connected clients too.
 */
static int
peer_credentials(struct client *c, int fd)
{
	struct ucred	cred;
	socklen_t	len = sizeof cred;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
		log_warn("client %llu: SO_PEERCRED", (unsigned long long)c->id);
		return -1;
	}
	c->peer_uid = cred.uid;
	return access_peer_groups(fd, cred.gid, &c->peer_gids,
	    &c->npeer_gids);
}

int
server_client_access(struct client *c)
{
	if (c->peer_gids == NULL)
		return ACCESS_NONE;
	return access_check(&c->srv->cfg->access, c->srv->uid, c->peer_uid,
	    c->peer_gids, c->npeer_gids);
}

/* The highest class the peer may read (kcald.conf(5), POLICY). */
int
server_client_clearance(struct client *c)
{
	return access_clearance(&c->srv->cfg->access,
	    server_client_access(c));
}

/* Who the peer's requests run as (access.h): its role and clearance. */
void
server_client_who(struct client *c, struct access_who *who)
{
	snprintf(c->who_name, sizeof c->who_name, "uid %ld",
	    (long)c->peer_uid);
	who->level = server_client_access(c);
	who->clearance = server_client_clearance(c);
	who->name = c->who_name;
}

void
server_client_accept(struct server *srv, int fd)
{
	struct client	*c;
	struct timeval	 tv = { srv->cfg->idle_timeout, 0 };
	struct timeval	 stall = { OUTPUT_STALL, 0 };

	c = xcalloc(1, sizeof *c);
	c->srv = srv;
	c->id = ++srv->next_client_id;
	c->peer_uid = (uid_t)-1;
	c->bev = bufferevent_socket_new(srv->base, fd, BEV_OPT_CLOSE_ON_FREE);
	/*
	 * libevent writes at most 16 KB a turn by default: a big list would
	 * take a turn of the loop per 16 KB, and a burst of reminders would
	 * reach `kcal watch` a few per turn while the walk went on.
	 */
	bufferevent_set_max_single_write(c->bev, CLIENT_MAX_WRITE);
	bufferevent_setcb(c->bev, read_cb, write_cb, event_cb, c);
	c->out_cb = evbuffer_add_cb(bufferevent_get_output(c->bev), out_count,
	    c);
	TAILQ_INSERT_TAIL(&srv->clients, c, entry);
	srv->nclients++;
	if (peer_credentials(c, fd) != 0 ||
	    server_client_access(c) == ACCESS_NONE) {
		log_warnx("client %llu: refused uid %ld (not in kcald.conf's "
		    "access lists)", (unsigned long long)c->id,
		    (long)c->peer_uid);
		fail_and_close(c, proto_err(NULL, KCAL_E_FORBIDDEN, "uid %ld "
		    "may not use this calendar", (long)c->peer_uid));
		bufferevent_enable(c->bev, EV_WRITE);
		return;
	}
	if (srv->nclients > srv->cfg->max_clients) {
		fail_and_close(c, proto_err(NULL, KCAL_E_LIMIT, "too many "
		    "clients (max_clients is %u)", srv->cfg->max_clients));
		bufferevent_enable(c->bev, EV_WRITE);
		return;
	}
	bufferevent_set_timeouts(c->bev, srv->cfg->idle_timeout > 0 ? &tv :
	    NULL, &stall);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	server_client_send_now(c, proto_greeting());
	log_debug("client %llu: connected (uid %ld, %s, reads %s)",
	    (unsigned long long)c->id, (long)c->peer_uid,
	    access_level_name(server_client_access(c)),
	    access_class_name(server_client_clearance(c)));
}
