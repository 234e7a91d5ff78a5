/*
 * server-client.c — one connection: read newline-framed requests, answer
 * each in order, push notifications to watchers.  A client that breaks the
 * framing gets an error and is closed; a client that fails inside one of its
 * own callbacks is only marked, and freed later from the loop (redis style),
 * so no callback ever runs on freed memory.
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "access.h"
#include "cmd.h"
#include "kcal-protocol.h"
#include "log.h"
#include "server.h"
#include "xmalloc.h"

/* jansson hands the encoding over in pieces: append them to the buffer. */
static int
dump_cb(const char *buf, size_t size, void *arg)
{
	return evbuffer_add(arg, buf, size);
}

/*
 * Queue a message, encoded straight into a buffer that is then handed to
 * the client's without a copy (a 2.4 MB list reply was dumped to a string,
 * copied into a line and copied again into the output: a fifth of the
 * list, make bench).  Output waiting for a client that does not read is
 * bounded by max_output: past it the client is dropped rather than let it
 * grow the daemon's memory.  One reply is always accepted into an empty
 * buffer, so a reader that keeps up can receive a reply larger than that.
 */
void
server_client_send(struct client *c, json_t *msg)
{
	struct evbuffer	*eb;
	size_t		 len, queued;

	if (c->closing) {
		json_decref(msg);
		return;
	}
	eb = evbuffer_new();
	if (eb == NULL || json_dump_callback(msg, dump_cb, eb,
	    JSON_COMPACT) != 0 || evbuffer_add(eb, "\n", 1) != 0) {
		log_warnx("client %llu: cannot encode a reply",
		    (unsigned long long)c->id);
		json_decref(msg);
		if (eb != NULL)
			evbuffer_free(eb);
		return;
	}
	json_decref(msg);
	len = evbuffer_get_length(eb);
	queued = evbuffer_get_length(bufferevent_get_output(c->bev));
	if (queued > 0 && queued + len > c->srv->cfg->max_output) {
		log_warnx("client %llu: not reading its replies (%zu bytes "
		    "queued, max_output is %zu); dropped",
		    (unsigned long long)c->id, queued, c->srv->cfg->max_output);
		evbuffer_free(eb);
		server_client_close(c);
		return;
	}
	bufferevent_write_buffer(c->bev, eb);
	evbuffer_free(eb);
}

/* Mark for freeing from the loop; never free inside a callback. */
void
server_client_close(struct client *c)
{
	struct server	*srv = c->srv;

	if (c->closing == 2)
		return;
	c->closing = 2;
	bufferevent_disable(c->bev, EV_READ | EV_WRITE);
	TAILQ_REMOVE(&srv->clients, c, entry);
	TAILQ_INSERT_TAIL(&srv->dead, c, entry);
	srv->nclients--;
	event_active(srv->ev_reap, 0, 0);
}

void
server_client_reap(struct server *srv)
{
	struct client	*c;

	while ((c = TAILQ_FIRST(&srv->dead)) != NULL) {
		TAILQ_REMOVE(&srv->dead, c, entry);
		log_debug("client %llu: closed", (unsigned long long)c->id);
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

	if (len == 0 || (len == 1 && line[0] == '\r')) {
		free(line);
		return;		/* a blank line, LF or CR LF */
	}
	rc = proto_parse_request(line, len, &req, &code, &cause);
	free(line);
	if (rc != 0) {
		reply = proto_err(req ? proto_request_id(req) : NULL, code, "%s",
		    cause);
		free(cause);
	} else
		reply = cmd_dispatch(c->srv, c, req);
	json_decref(req);
	server_client_send(c, reply);
}

/*
 * After a big request (an import: the line, its JSON string, the unfolded
 * copy), hand the freed heap back to the system.  glibc keeps it
 * otherwise (its mmap threshold rises after the first big free, so later
 * big buffers come from the heap): after a 10,000-event import kcald
 * stayed at 44 MB instead of 15 MB (make bench's file).
 */
#define CLIENT_MAX_WRITE	(1024 * 1024)	/* bytes a turn, per client */
#define BIG_REQUEST	(1024 * 1024)

static void
heap_trim(void)
{
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

static void
read_cb(struct bufferevent *bev, void *arg)
{
	struct client	*c = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	size_t		 max = c->srv->cfg->max_line;
	char		*line;
	size_t		 len;
	struct evbuffer_ptr p;

	/*
	 * A long request (an import) arrives in many reads: search for its
	 * newline only in what is new, or a 200 MB line costs thousands of
	 * scans from its start.
	 */
	while (c->closing == 0) {
		if (c->scanned > evbuffer_get_length(in))
			c->scanned = 0;
		evbuffer_ptr_set(in, &p, c->scanned, EVBUFFER_PTR_SET);
		p = evbuffer_search_eol(in, &p, NULL, EVBUFFER_EOL_LF);
		if (p.pos < 0 || (size_t)p.pos > max) {
			c->scanned = evbuffer_get_length(in);
			if (evbuffer_get_length(in) > max || p.pos >= 0)
				fail_and_close(c, proto_err(NULL, KCAL_E_TOO_LONG,
				    "request line longer than %zu bytes "
				    "(max_line)", max));
			return;
		}
		c->scanned = 0;
		line = evbuffer_readln(in, &len, EVBUFFER_EOL_LF);
		if (line == NULL)
			return;
		handle_line(c, line, len);
		if (len > BIG_REQUEST)
			heap_trim();
	}
}

static void
write_cb(struct bufferevent *bev, void *arg)
{
	struct client	*c = arg;

	if (c->closing == 1 &&
	    evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		server_client_close(c);
}

static void
event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct client	*c = arg;

	if ((what & BEV_EVENT_TIMEOUT) && c->closing == 0 && c->watching) {
		/* A watcher waits for reminders: silence is its job. */
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
	if ((what & BEV_EVENT_EOF) && !(what & BEV_EVENT_ERROR) &&
	    c->closing == 0 &&
	    evbuffer_get_length(bufferevent_get_output(bev)) > 0) {
		/* A client that half-closed after its request still gets the reply. */
		c->closing = 1;
		bufferevent_disable(bev, EV_READ);
		return;
	}
	server_client_close(c);	/* EOF, error, or a timeout while closing */
}

/*
 * The peer's credentials as the kernel recorded them at connect(): they
 * cannot be forged by the peer and do not change afterwards.  The access
 * level is computed from them on every write (server_client_access), so a
 * SIGHUP that changes the lists applies to connected clients too.
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
	return access_check(&c->srv->cfg->access, getuid(), c->peer_uid,
	    c->peer_gids, c->npeer_gids);
}

/* The highest class the peer may read (kcald.conf(5), POLICY). */
int
server_client_clearance(struct client *c)
{
	return access_clearance(&c->srv->cfg->access,
	    server_client_access(c));
}

void
server_client_accept(struct server *srv, int fd)
{
	struct client	*c;
	struct timeval	 tv = { srv->cfg->idle_timeout, 0 };

	c = xcalloc(1, sizeof *c);
	c->srv = srv;
	c->id = ++srv->next_client_id;
	c->peer_uid = (uid_t)-1;
	c->bev = bufferevent_socket_new(srv->base, fd, BEV_OPT_CLOSE_ON_FREE);
	/*
	 * libevent writes at most 16 KB a turn by default: a 2 MB list took
	 * 128 turns, and a burst of reminders reached `kcal watch` some
	 * eight per turn while the walk went on.
	 */
	bufferevent_set_max_single_write(c->bev, CLIENT_MAX_WRITE);
	bufferevent_setcb(c->bev, read_cb, write_cb, event_cb, c);
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
	if (srv->cfg->idle_timeout > 0)
		bufferevent_set_timeouts(c->bev, &tv, NULL);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	server_client_send(c, proto_greeting());
	log_debug("client %llu: connected (uid %ld, %s, reads %s)",
	    (unsigned long long)c->id, (long)c->peer_uid,
	    access_level_name(server_client_access(c)),
	    access_class_name(server_client_clearance(c)));
}
