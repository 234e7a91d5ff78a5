/*
 * http.c — kcald's HTTP server for the feeds: libevent's evhttp on the
 * daemon's own event base (no threads), listening where --http says
 * (http-addr.c), GET and HEAD only; what each request gets is
 * http-route.c's.  kcald speaks plain HTTP on loopback unless told
 * otherwise; publishing goes through a TLS reverse proxy
 * (contrib/nginx/kcal-feeds.conf).
 *
 * This file owns the connections and their limits.  A peer on the HTTP
 * port must not starve the socket: each connection gets
 * http_header_timeout seconds in all for each request's header (not reset
 * by every byte, as evhttp's own timeout is), and at most
 * http_max_connections are open at once: past that, accepting pauses and
 * the kernel's queue holds the rest (struct hconn, below).
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http.h>
#include <event2/listener.h>

#include "config.h"
#include "http.h"
#include "http-addr.h"
#include "http-route.h"
#include "log.h"
#include "server.h"
#include "xmalloc.h"

#define HTTP_TIMEOUT	30	/* seconds of silence on a connection */
#define HTTP_MAX_WRITE	(1024 * 1024)	/* bytes per write(2) */

/*
 * One open connection, as far as kcald counts it.  evhttp 2.1 tells the
 * application nothing when it accepts: the only hook is the bufferevent
 * callback (new_bev), called before the connection object exists.  So the
 * hconn is created there and bound to its evhttp_connection just after,
 * from an event activated for the same turn of the loop; from then on
 * evhttp's close callback tells when it goes.  Until bound, the hconn holds
 * a reference to the bufferevent: if evhttp gave the connection up in
 * between (it can only fail to allocate), the bufferevent is still there,
 * with its callbacks cleared, and the hconn goes with it.  The same event
 * then serves as the header deadline.
 */
struct hconn {
	struct http			*h;
	struct bufferevent		*bev;
	struct evhttp_connection	*evcon;	/* NULL until bound */
	struct event			*ev;	/* bind, then the deadline */
	unsigned			 requests, seen;
	TAILQ_ENTRY(hconn)		 entry;
};

struct http {
	struct server		*srv;
	struct evhttp		*eh;
	struct evconnlistener	*listener;
	TAILQ_HEAD(, hconn)	 conns;
	unsigned		 nconns;
	int			 full;	/* accepting paused at the cap */
	int			 waiting; /* accepting paused, out of fds */
};

static int
loopback(const char *addr)
{
	return strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0 ||
	    strcmp(addr, "localhost") == 0;
}

/* A request's header is complete: its connection met the deadline. */
static void
hconn_request(struct http *h, struct evhttp_connection *evcon)
{
	struct hconn	*hc;

	TAILQ_FOREACH(hc, &h->conns, entry) {
		if (hc->evcon == evcon) {
			hc->requests++;
			return;
		}
	}
}

/* A request's header is in: it counts for its connection, then is answered. */
static void
request_cb(struct evhttp_request *req, void *arg)
{
	struct http	*h = arg;

	hconn_request(h, evhttp_request_get_connection(req));
	http_route(h->srv, req);
}

/* The listener's own argument is evhttp's: its error callback finds us here. */
static struct http	*http_running;

static void
accept_pause(struct http *h)
{
	if (h->listener != NULL)
		evconnlistener_disable(h->listener);
}

static void
accept_maybe_resume(struct http *h)
{
	if (h->listener != NULL && !h->full && !h->waiting)
		evconnlistener_enable(h->listener);
}

static void
hconn_arm(struct hconn *hc)
{
	struct timeval	tv = { hc->h->srv->cfg->http_header_timeout, 0 };

	event_add(hc->ev, &tv);
}

/* Forget a connection, and accept again under the cap. */
static void
hconn_forget(struct hconn *hc)
{
	struct http	*h = hc->h;

	TAILQ_REMOVE(&h->conns, hc, entry);
	h->nconns--;
	if (hc->evcon == NULL)	/* never bound: drop our reference */
		bufferevent_decref(hc->bev);
	event_free(hc->ev);
	free(hc);
	if (h->full && h->nconns < h->srv->cfg->http_max_connections) {
		h->full = 0;
		accept_maybe_resume(h);
	}
}

/* evhttp closes a connection (its close callback). */
static void
hconn_closed(struct evhttp_connection *evcon, void *arg)
{
	(void)evcon;
	hconn_forget(arg);
}

/*
 * First call: bind to the connection evhttp has just made.  Later calls:
 * the deadline.  A connection that completed a request since the last
 * call, or is still sending a reply (a slow reader of a big feed; evhttp's
 * own timeout covers a stalled one), gets another period; one that has
 * only dribbled bytes is closed.
 */
static void
hconn_timer(evutil_socket_t fd, short what, void *arg)
{
	struct hconn	*hc = arg;
	void		*cbarg = NULL;

	(void)fd; (void)what;
	if (hc->evcon == NULL) {
		bufferevent_getcb(hc->bev, NULL, NULL, NULL, &cbarg);
		if ((hc->evcon = cbarg) == NULL) {
			log_warnx("http: a connection evhttp could not set up");
			hconn_forget(hc);	/* and the bufferevent */
			return;
		}
		evhttp_connection_set_closecb(hc->evcon, hconn_closed, hc);
		hconn_arm(hc);
		bufferevent_decref(hc->bev);	/* evhttp's from now on */
		return;
	}
	if (hc->requests != hc->seen ||
	    evbuffer_get_length(bufferevent_get_output(hc->bev)) > 0) {
		hc->seen = hc->requests;
		hconn_arm(hc);
		return;
	}
	log_debug("http: no complete request in %u s (http_header_timeout); "
	    "connection closed", hc->h->srv->cfg->http_header_timeout);
	evhttp_connection_free(hc->evcon);	/* calls hconn_closed */
}

/*
 * evhttp accepted a connection and asks for its bufferevent: count it,
 * and pause accepting at http_max_connections (the listener stops at
 * once, even inside a burst of accepts).
 *
 * Each connection's bufferevent writes up to a megabyte per turn of the
 * loop, not libevent's default 16 KB: a feed body is megabytes, and a
 * writev() per 16 KB of it is a turn of the loop each.
 */
static struct bufferevent *
new_bev(struct event_base *base, void *arg)
{
	struct http		*h = arg;
	struct bufferevent	*bev;
	struct hconn		*hc;

	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		return NULL;
	bufferevent_set_max_single_write(bev, HTTP_MAX_WRITE);
	hc = xcalloc(1, sizeof *hc);
	hc->h = h;
	hc->bev = bev;
	bufferevent_incref(bev);	/* until bound: hconn_timer */
	if ((hc->ev = event_new(base, -1, 0, hconn_timer, hc)) == NULL)
		fatalx("http: event_new failed");
	event_active(hc->ev, EV_TIMEOUT, 0);
	TAILQ_INSERT_TAIL(&h->conns, hc, entry);
	if (++h->nconns >= h->srv->cfg->http_max_connections && !h->full) {
		log_warnx("http: %u connections open (http_max_connections); "
		    "accepting paused", h->nconns);
		h->full = 1;
		accept_pause(h);
	}
	return bev;
}

/*
 * Answers go out at once (TCP_NODELAY): with Nagle's algorithm the last
 * small segment of a large body waited for the poller's delayed ACK, up to
 * 40 ms on Linux, on a keep-alive connection.  Set on the listening
 * socket, whose connections inherit it (Linux, the BSDs): once, not a
 * system call per request.
 */
static void
no_delay(evutil_socket_t fd)
{
	int	one = 1;

	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0)
		log_warn("http: TCP_NODELAY");
}

static void
accept_resume(evutil_socket_t fd, short what, void *arg)
{
	struct http	*h = http_running;

	(void)fd; (void)what; (void)arg;
	if (h == NULL)
		return;
	h->waiting = 0;
	accept_maybe_resume(h);
}

/*
 * evhttp's listener has no error callback of its own: out of descriptors,
 * accept() fails at once on every turn of the loop and libevent only warns,
 * so kcald would spin at full CPU.  Pause for a second instead, as the
 * socket's listener does (server.c).
 */
static void
accept_error(struct evconnlistener *l, void *arg)
{
	struct http	*h = http_running;
	struct timeval	 tv = { 1, 0 };
	int		 err = EVUTIL_SOCKET_ERROR();

	(void)arg;
	if (err != EMFILE && err != ENFILE && err != ENOBUFS && err != ENOMEM) {
		log_warnx("http: accept: %s", strerror(err));
		return;
	}
	log_warnx("http: accept: %s; pausing for a second", strerror(err));
	evconnlistener_disable(l);
	if (!h->waiting) {
		h->waiting = 1;
		event_base_once(evconnlistener_get_base(l), -1, EV_TIMEOUT,
		    accept_resume, NULL, &tv);
	}
}

struct http *
http_start(struct server *srv, char **cause)
{
	const struct config		*cfg = srv->cfg;
	struct http			*h;
	struct evhttp_bound_socket	*bound;
	char				*addr;
	unsigned			 port;

	if (http_parse(cfg->http, &addr, &port, cause) != 0)
		return NULL;
	h = xcalloc(1, sizeof *h);
	h->srv = srv;
	TAILQ_INIT(&h->conns);
	if ((h->eh = evhttp_new(srv->base)) == NULL)
		fatalx("evhttp_new failed");
	evhttp_set_allowed_methods(h->eh, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_timeout(h->eh, HTTP_TIMEOUT);
	evhttp_set_max_headers_size(h->eh, (ev_ssize_t)cfg->http_max_header_size);
	evhttp_set_max_body_size(h->eh, (ev_ssize_t)cfg->http_max_body_size);
	evhttp_set_gencb(h->eh, request_cb, h);
	evhttp_set_bevcb(h->eh, new_bev, h);
	if ((bound = evhttp_bind_socket_with_handle(h->eh, addr,
	    (ev_uint16_t)port)) == NULL) {
		xasprintf(cause, "cannot serve HTTP on %s port %u: %s", addr,
		    port, strerror(errno));
		free(addr);
		http_free(h);
		return NULL;
	}
	h->listener = evhttp_bound_socket_get_listener(bound);
	http_running = h;
	evconnlistener_set_error_cb(h->listener, accept_error);
	no_delay(evhttp_bound_socket_get_fd(bound));
	if (!loopback(addr))
		log_warnx("http: serving feeds on %s, not only on loopback; "
		    "put a TLS reverse proxy in front (kcald(8))", addr);
	log_info("http: feeds on port %u of %s", port, addr);
	free(addr);
	return h;
}

void
http_free(struct http *h)
{
	struct hconn	*hc;

	if (h == NULL)
		return;
	if (http_running == h)
		http_running = NULL;
	h->listener = NULL;	/* evhttp_free frees it first */
	if (h->eh != NULL)
		evhttp_free(h->eh);	/* closes each bound connection */
	while ((hc = TAILQ_FIRST(&h->conns)) != NULL)	/* never bound */
		hconn_forget(hc);
	free(h);
}
