/*
 * server-output.c — a client's replies on their way out: encoded straight
 * into a buffer, bounded (max_output per client, max_output_total for all,
 * the replies that wait for the disk counted in both), held for the disk
 * when they could show a write not yet on it (server-sync.c), and a
 * pushed message encoded once for all the watchers that see it (struct
 * shared_msg).  Also the refusal, before any work, of a request whose
 * reply grows with the data while most of max_output_total waits, and
 * the last writing of the outputs when kcald stops (server_output_drain).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include "clock.h"
#include "kcal-protocol.h"
#include "log.h"
#include "server.h"
#include "xmalloc.h"

#define OUTPUT_SMALL	(64 * 1024)	/* always queued, whatever the total */

/*
 * One warning a second about max_output_total, with the count of those
 * left out: a hundred refusals in a burst are one story, not a hundred.
 */
static int
warn_now(struct server *srv)
{
	static time_t	 last;
	static unsigned	 quiet;
	time_t		 now = time(NULL);

	(void)srv;
	if (now == last) {
		quiet++;
		return 0;
	}
	if (quiet > 0)
		log_warnx("%u more refusals for max_output_total not logged",
		    quiet);
	last = now;
	quiet = 0;
	return 1;
}

/*
 * Past max_output_total (bytes waiting for all clients together), a big
 * reply is not queued: the client gets a limit error for that request
 * instead, and may ask again once the clients that do not read are gone.
 * Small replies (status, errors, reminders) always pass, so the overshoot
 * is at most max_clients small replies.
 */
static struct evbuffer *
over_total(struct client *c, const json_t *msg, struct evbuffer *eb)
{
	struct server	*srv = c->srv;
	size_t		 len = evbuffer_get_length(eb), max;
	json_t		*err;

	max = srv->cfg->max_output_total;
	if (len <= OUTPUT_SMALL || srv->queued + len <= max)
		return eb;
	if (warn_now(srv))
		log_warnx("client %llu: a %zu-byte reply refused: %zu bytes "
		    "already wait for clients (max_output_total is %zu)",
		    (unsigned long long)c->id, len, srv->queued, max);
	evbuffer_free(eb);
	err = proto_err(proto_request_id(msg), KCAL_E_LIMIT, "the daemon "
	    "holds %zu bytes of replies for clients that do not read them "
	    "(max_output_total is %zu); this %zu-byte reply is not sent, try "
	    "again later", srv->queued, max, len);
	eb = server_encode(err);
	json_decref(err);
	return eb;
}

/* A big message: its memory is given back once it is sent (write_cb). */
static void
mark_big(struct client *c, size_t len)
{
	if (len > BIG_REPLY)
		c->big = 1;
}

/*
 * A reply of len bytes is queued for c: the largest since its output last
 * drained (write_cb resets it) widens push_room by as much.
 */
static void
note_reply(struct client *c, size_t len)
{
	if (len > c->reply_max)
		c->reply_max = len;
}

/*
 * Is there room in a watcher's output for a pushed message of len bytes?
 * 0, or -1 when it is dropped for not reading: a push is the daemon's to
 * send, and a watcher that takes none would otherwise grow without end.
 * Its replies stop at about max_output (a client is not read past it:
 * server-client.c's hold) plus the one that crossed it, which may be far
 * larger (an export), so pushes get max_output of their own beyond
 * max_output and its largest reply queued, and a watcher that also asks
 * for big replies or pipelines requests is not dropped for its replies.
 * A reply always has room:
 * what a client asked for is bounded by its asking, and a pipelining
 * client that reads slowly is slowed, not dropped.  Replies waiting for
 * the disk (server-sync.c) count: they go to the output as the sync ends.
 */
static int
push_room(struct client *c, size_t len)
{
	size_t	queued, max = c->srv->cfg->max_output;

	queued = evbuffer_get_length(bufferevent_get_output(c->bev)) +
	    c->sync_bytes;
	if (queued > 0 && queued + len > 2 * max + c->reply_max) {
		log_warnx("client %llu: not reading what it watches (%zu bytes "
		    "queued, twice max_output is %zu, its largest reply %zu); "
		    "dropped", (unsigned long long)c->id, queued, 2 * max,
		    c->reply_max);
		server_client_close(c);
		return -1;
	}
	mark_big(c, len);
	return 0;
}

/*
 * Queue a message, encoded straight into a buffer that is then handed to
 * the client's without a copy: a big reply (a list, an export) is not
 * dumped to a string, copied into a line and copied again into the output,
 * which cost a large share of the request.  Output waiting for a client
 * that does not read is bounded by max_output: past it the client is not
 * read (server-client.c), so a reply to what it asked is always queued,
 * and one reply may be larger than max_output; all clients' output
 * together is bounded by max_output_total (over_total).
 */
void
server_client_send(struct client *c, json_t *msg)
{
	struct evbuffer	*eb = NULL;

	if (c->closing == 0)
		eb = server_encode(msg);
	server_client_send_encoded(c, msg, eb);
	json_decref(msg);
}

/*
 * The same, not held for the disk (server-sync.c) unless replies of c's
 * are: for a status, which shows no write's content.
 */
void
server_client_send_now(struct client *c, json_t *msg)
{
	struct evbuffer	*eb;

	if (c->sync_waits > 0 || c->closing) {
		server_client_send(c, msg);
		return;
	}
	if ((eb = server_encode(msg)) == NULL ||
	    (eb = over_total(c, msg, eb)) == NULL)
		log_warnx("client %llu: cannot encode a reply",
		    (unsigned long long)c->id);
	else {
		note_reply(c, evbuffer_get_length(eb));
		server_client_deliver(c, eb);
	}
	json_decref(msg);
}

static void	send_encoded(struct client *, const json_t *, struct evbuffer *,
		    const uint64_t *);

/* The same for msg encoded already (eb, freed; NULL: it could not be). */
void
server_client_send_encoded(struct client *c, const json_t *msg,
    struct evbuffer *eb)
{
	send_encoded(c, msg, eb, NULL);
}

/*
 * The same for a worker job's reply, which shows no commit made after
 * stamp (server-sync.c waits for those alone).
 */
void
server_client_send_stamped(struct client *c, const json_t *msg,
    struct evbuffer *eb, uint64_t stamp)
{
	send_encoded(c, msg, eb, &stamp);
}

static void
send_encoded(struct client *c, const json_t *msg, struct evbuffer *eb,
    const uint64_t *stamp)
{
	if (c->closing) {
		if (eb != NULL)
			evbuffer_free(eb);
		return;
	}
	if (eb == NULL || (eb = over_total(c, msg, eb)) == NULL) {
		log_warnx("client %llu: cannot encode a reply",
		    (unsigned long long)c->id);
		return;
	}
	note_reply(c, evbuffer_get_length(eb));
	if (sync_send(c, eb, stamp) == 0)	/* server-sync.c: after the disk */
		server_client_deliver(c, eb);
}

/*
 * Into c's output (eb, freed), unless c is gone: also for a client closing
 * once its output is written (closing 1), whose last reply waited for the
 * disk (server-sync.c).
 */
void
server_client_deliver(struct client *c, struct evbuffer *eb)
{
	if (c->closing != 2) {
		mark_big(c, evbuffer_get_length(eb));
		bufferevent_write_buffer(c->bev, eb);
	}
	evbuffer_free(eb);
}

/*
 * A message pushed to every watcher of one clearance (server_broadcast),
 * encoded once: each watcher's output holds a reference to the same
 * bytes, not a copy, and the last to send them frees them.
 */
struct shared_msg {
	json_t	*msg;
	char	*data;
	size_t	 len, refs;
};

/* msg encoded (text, len bytes, a line, taken; NULL: encode it here). */
struct shared_msg *
server_shared_new(json_t *msg, char *text, size_t len)
{
	struct shared_msg	*sm;
	struct evbuffer		*eb = NULL;

	if (text == NULL && (eb = server_encode(msg)) == NULL) {
		log_warnx("cannot encode a pushed message");
		return NULL;
	}
	sm = xcalloc(1, sizeof *sm);
	sm->msg = json_incref(msg);
	sm->len = eb != NULL ? evbuffer_get_length(eb) : len;
	sm->data = eb != NULL ? xmalloc(sm->len) : text;
	if (eb != NULL) {
		evbuffer_remove(eb, sm->data, sm->len);
		evbuffer_free(eb);
	}
	sm->refs = 1;
	return sm;
}

void
server_shared_unref(struct shared_msg *sm)
{
	if (sm == NULL || --sm->refs > 0)
		return;
	json_decref(sm->msg);
	free(sm->data);
	free(sm);
}

static void
shared_sent(const void *data, size_t len, void *arg)
{
	(void)data;
	(void)len;
	server_shared_unref(arg);
}

/* Queue a shared message, under the same limits as server_client_send. */
void
server_client_send_shared(struct client *c, struct shared_msg *sm)
{
	struct evbuffer	*eb;

	if (c->closing)
		return;
	if (c->sync_waits > 0) {	/* behind its replies (server-sync.c) */
		if (push_room(c, sm->len) != 0)	/* they count */
			return;
		if ((eb = evbuffer_new()) != NULL &&
		    (evbuffer_add(eb, sm->data, sm->len) != 0 ||
		    sync_send(c, eb, NULL) == 0))
			server_client_deliver(c, eb);
		return;
	}
	if (sm->len > OUTPUT_SMALL && c->srv->queued + sm->len >
	    c->srv->cfg->max_output_total) {	/* refused: over_total says */
		if ((eb = evbuffer_new()) != NULL)	/* sm->msg may be partial */
			evbuffer_add(eb, sm->data, sm->len);
		server_client_send_encoded(c, sm->msg, eb);
		return;
	}
	if (push_room(c, sm->len) != 0)
		return;
	if ((eb = evbuffer_new()) == NULL)
		return;
	sm->refs++;
	if (evbuffer_add_reference(eb, sm->data, sm->len, shared_sent,
	    sm) != 0) {
		sm->refs--;
		evbuffer_free(eb);
		return;
	}
	bufferevent_write_buffer(c->bev, eb);
	evbuffer_free(eb);
}

/*
 * Once three quarters of max_output_total wait, a request whose reply
 * grows with the data is answered limit at once, without the work: a
 * hundred clients that ask for a 3 MB list and never read would otherwise
 * each cost the loop the whole list, only for it to be refused
 * (over_total), while the other clients wait.  Everything else (status,
 * writes, reminders) is served.
 */
json_t *
server_client_too_much(struct client *c, json_t *req)
{
	static const char	*big[] = { "list", "export", "get", "itinerary",
				    "people", "conflicts", "reminders", NULL };
	struct server		*srv = c->srv;
	const char		*cmd;

	if (srv->queued < srv->cfg->max_output_total / 4 * 3)
		return NULL;
	cmd = json_string_value(json_object_get(req, "cmd"));
	for (size_t i = 0; big[i] != NULL; i++) {
		if (strcmp(cmd, big[i]) != 0)
			continue;
		if (warn_now(srv))
			log_warnx("client %llu: %s refused: %zu bytes already "
			    "wait for clients (max_output_total is %zu)",
			    (unsigned long long)c->id, cmd, srv->queued,
			    srv->cfg->max_output_total);
		return proto_err(proto_request_id(req), KCAL_E_LIMIT, "the "
		    "daemon holds %zu bytes of replies for clients that do not "
		    "read them (max_output_total is %zu); try again later",
		    srv->queued, srv->cfg->max_output_total);
	}
	return NULL;
}

/* Write what c's output holds now, without waiting: 1 if some is left. */
static int
drain_one(struct client *c)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);
	int		 n = 0, left;

	/* a bufferevent's output is written only by it: frozen at its start */
	evbuffer_unfreeze(out, 1);
	while (evbuffer_get_length(out) > 0 &&
	    (n = evbuffer_write(out, bufferevent_getfd(c->bev))) > 0)
		;
	left = evbuffer_get_length(out) > 0 && n < 0 && (errno == EAGAIN ||
	    errno == EWOULDBLOCK || errno == EINTR);
	evbuffer_freeze(out, 1);
	return left;
}

/*
 * kcald stops, its loop no longer runs: the replies queued for the
 * clients go out (the acknowledgements of the writes committed in its
 * last steps, the open group's and an import's, made durable by
 * sync_free; reminders recorded), each as far as its client takes them
 * within ms in all.  The clients are all written to together (poll), so
 * one that does not read holds up none of the others.
 */
void
server_output_drain(struct server *srv, int ms)
{
	struct client	*c;
	struct pollfd	*pfd;
	int64_t		 end = clock_mono_ms() + ms, left;
	size_t		 n, i;

	pfd = xcalloc(srv->nclients + 1, sizeof *pfd);
	for (;;) {
		n = 0;
		TAILQ_FOREACH(c, &srv->clients, entry)
			if (c->closing != 2 && n < srv->nclients + 1 &&
			    drain_one(c)) {
				pfd[n].fd = bufferevent_getfd(c->bev);
				pfd[n++].events = POLLOUT;
			}
		if (n == 0 || (left = end - clock_mono_ms()) <= 0)
			break;
		if (poll(pfd, n, (int)left) == -1 && errno != EINTR)
			break;
		for (i = 0; i < n; i++)
			pfd[i].revents = 0;
	}
	free(pfd);
}
