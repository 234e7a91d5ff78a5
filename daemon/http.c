/*
 * http.c — kcald's HTTP server for the feeds: daemon/httpd.c (GNU
 * libmicrohttpd run by the daemon's own event loop) listening where --http
 * says (http-addr.c); what each request gets is http-route.c's.  kcald
 * speaks plain HTTP on loopback unless told otherwise; publishing goes
 * through a TLS reverse proxy (contrib/nginx/kcal-feeds.conf).
 *
 * This file turns kcald.conf's limits into httpd's.  A peer on the HTTP
 * port must not starve the socket: each connection gets
 * http_header_timeout seconds in all for each request's header (not reset
 * by every byte) and http_body_timeout for its body, at most
 * http_max_connections are open at once (past that, the kernel's queue
 * holds the rest; the Unix socket has its own cap), a header must fit in
 * http_max_header_size (else 431) and a body in http_max_body_size (else
 * 413).  The count of header fields is checked in
 * http-route.c, so that the refusal names http_max_headers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "config.h"
#include "dav.h"
#include "dav-xml.h"
#include "http.h"
#include "http-addr.h"
#include "http-route.h"
#include "httpd.h"
#include "log.h"
#include "server.h"
#include "xmalloc.h"

#define HTTP_TIMEOUT	30	/* seconds of silence on a connection */

struct http {
	struct httpd	*hd;
};

static int
loopback(const char *addr)
{
	return strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0 ||
	    strcmp(addr, "localhost") == 0;
}

/*
 * The header's bytes are counted once it is in (httpd.c); the connection's
 * memory bounds what MHD reads before that, with room beside it for the
 * reply's header: twice the setting.
 */
static void
limits(const struct config *cfg, struct httpd_limits *lim)
{
	httpd_limits_default(lim);
	lim->max_body = cfg->http_max_body_size;
	lim->max_header = cfg->http_max_header_size;
	lim->conn_memory = cfg->http_max_header_size * 2;
	if (lim->conn_memory < 8192)
		lim->conn_memory = 8192;
	lim->max_conns = cfg->http_max_connections;
	lim->max_headers = 0;		/* http-route.c's, to name the setting */
	lim->timeout = HTTP_TIMEOUT;
	lim->header_timeout = cfg->http_header_timeout;
	lim->body_timeout = cfg->http_body_timeout;
}

/*
 * Route a request (http-route.c); one that held the loop LOOP_HELD_MS or
 * more (a CalDAV write: a PUT that moves an event many others follow) is
 * logged with its method, path (httpd_log_path: no feed token) and peer,
 * as a socket request is (server-group.c).  Named before it runs: its
 * reply may end it.
 */
static void
route(struct server *srv, struct httpd_req *req)
{
	char		 path[256], name[300], peer[64];
	const char	*p = httpd_peer(req), *m = httpd_method(req);
	int64_t		 t0 = clock_mono_ms(), held;

	snprintf(name, sizeof name, "%s %s", m != NULL ? m : "?",
	    httpd_log_path(httpd_url(req), path, sizeof path));
	snprintf(peer, sizeof peer, "%s", p != NULL ? p : "?");
	http_route(srv, req);
	if ((held = clock_mono_ms() - t0) >= LOOP_HELD_MS)
		log_info("HTTP \"%s\" from %s held the loop %lld ms", name,
		    peer, (long long)held);
}

/* A request routed once the disk has what it may read (server-sync.c). */
struct later {
	struct server	*srv;
	struct httpd_req *req;
};

static void
route_later(void *arg, int ok)
{
	struct later	*l = arg;

	if (ok)
		route(l->srv, l->req);
	else	/* kcald stops: a 503, sent if httpd still runs to send it */
		httpd_reply_text(l->req, 503, "kcald is stopping\n");
	free(l);
}

/*
 * It reads committed data only (the open group is committed first), and
 * data on the disk: while a group's sync is under way it waits, deferred,
 * not the loop.
 */
static void
request_cb(void *arg, struct httpd_req *req)
{
	struct later	*l;

	group_commit(arg);
	l = xmalloc(sizeof *l);
	l->srv = arg;
	l->req = req;
	if (sync_after(arg, route_later, l)) {
		httpd_defer(req);
		return;
	}
	free(l);
	route(arg, req);
}

/* An answer that waits for the disk (http_reply_synced). */
struct synced {
	struct server		*srv;
	struct httpd_req	*req;
	struct httpd_resp	*resp;
};

static void
reply_later(void *arg, int ok)
{
	struct synced	*y = arg;

	if (!ok)	/* kcald stops: it syncs the write first (fatal if not) */
		sync_wait(y->srv);
	httpd_reply(y->req, y->resp);
	free(y);
}

/*
 * Answer req with resp once the disk has every commit made so far: for a
 * write of the loop's own that committed without syncing
 * (sync_write_begin), as a socket group's acknowledgements wait.  At once
 * if req cannot be deferred (an answer made before its body was read,
 * httpd_on_too_big's): it showed no commit.
 */
void
http_reply_synced(struct server *srv, struct httpd_req *req,
    struct httpd_resp *resp)
{
	struct synced	*y;

	if (!httpd_may_defer(req)) {
		httpd_reply(req, resp);
		return;
	}
	y = xmalloc(sizeof *y);
	y->srv = srv;
	y->req = req;
	y->resp = resp;
	if (sync_after(srv, reply_later, y)) {
		httpd_defer(req);
		return;
	}
	free(y);
	httpd_reply(req, resp);
}

/* A body over http_max_body_size: CalDAV's own 413 (dav-put.c). */
static void
too_big_cb(void *arg, struct httpd_req *req)
{
	dav_too_big(arg, req);
}

struct http *
http_start(struct server *srv, char **cause)
{
	const struct config	*cfg = srv->cfg;
	struct httpd_limits	 lim;
	struct http		*h;
	char			*addr, *why = NULL;
	unsigned		 port;

	if (http_parse(cfg->http, &addr, &port, cause) != 0)
		return NULL;
	dav_xml_init();		/* CalDAV's reads use libxml2 on threads */
	limits(cfg, &lim);
	h = xcalloc(1, sizeof *h);
	if (strcmp(addr, "localhost") == 0) {
		free(addr);
		addr = xstrdup("127.0.0.1");
	}
	h->hd = httpd_start(srv->base, addr, port, &lim, request_cb, srv, &why);
	if (h->hd == NULL) {
		xasprintf(cause, "cannot serve HTTP: %s", why ? why :
		    "unknown error");
		free(why);
		free(addr);
		free(h);
		return NULL;
	}
	httpd_on_too_big(h->hd, too_big_cb);
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
	if (h == NULL)
		return;
	httpd_stop(h->hd);
	free(h);
}
