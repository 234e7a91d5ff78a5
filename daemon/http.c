/*
 * http.c — the feeds over HTTP (libevent's evhttp, on the daemon's own
 * event base: no threads).
 *
 *   GET|HEAD /                  a small HTML page listing the public feeds
 *   GET|HEAD /feeds/all.ics     the built-in feed (public events)
 *   GET|HEAD /feeds/TOKEN.ics   a feed defined with kcal feed add
 *   GET|HEAD /briefing/TOKEN.html  a briefing feed's page (briefing.c)
 *   anything else               404, the same for a wrong or revoked token
 *
 * Feeds are polled, often and by many: the body comes from feed.c's memory
 * (built once per change of the store), with a strong ETag and
 * Last-Modified, 304 for If-None-Match (which wins, RFC 9110 13.2.2) or
 * If-Modified-Since, the gzipped body when the client accepts it (a
 * different representation, so its own ETag), and a modest Cache-Control.
 * kcald speaks plain HTTP on loopback unless told otherwise; publishing
 * goes through a TLS reverse proxy (contrib/nginx/kcal-feeds.conf).
 *
 * A peer on the HTTP port must not starve the socket: each connection
 * gets http_header_timeout seconds in all for each request's header (not
 * reset by every byte, as evhttp's own timeout is), and at most
 * http_max_connections are open at once: past that, accepting pauses and
 * the kernel's queue holds the rest (struct hconn, below).
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include "config.h"
#include "feed.h"
#include "http.h"
#include "itinerary-html.h"
#include "log.h"
#include "server.h"
#include "when.h"
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

/*
 * A --http / http setting: "ADDR:PORT", "PORT", "ADDR", "[V6]:PORT" or
 * ":PORT".  The address defaults to loopback and the port to 8765.
 */
int
http_parse(const char *spec, char **addr, unsigned *port, char **cause)
{
	const char	*colon, *p;
	char		*end;
	unsigned long	 n;

	*port = HTTP_DEFAULT_PORT;
	if (spec == NULL || *spec == '\0') {
		*addr = xstrdup(HTTP_DEFAULT_ADDR);
		return 0;
	}
	if (*spec == '[') {
		if ((p = strchr(spec, ']')) == NULL)
			goto bad;
		*addr = xstrndup(spec + 1, (size_t)(p - spec - 1));
		colon = p[1] == ':' ? p + 1 : NULL;
		if (p[1] != '\0' && colon == NULL) {
			free(*addr);
			goto bad;
		}
	} else if (strspn(spec, "0123456789") == strlen(spec)) {
		*addr = xstrdup(HTTP_DEFAULT_ADDR);
		colon = spec - 1;
	} else if ((colon = strrchr(spec, ':')) != NULL &&
	    strchr(spec, ':') == colon)
		*addr = colon == spec ? xstrdup(HTTP_DEFAULT_ADDR) :
		    xstrndup(spec, (size_t)(colon - spec));
	else {
		*addr = xstrdup(spec);
		colon = NULL;
	}
	if (colon != NULL) {
		errno = 0;
		n = strtoul(colon + 1, &end, 10);
		if (errno != 0 || end == colon + 1 || *end != '\0' || n == 0 ||
		    n > 65535) {
			free(*addr);
			goto bad;
		}
		*port = (unsigned)n;
	}
	return 0;
bad:
	xasprintf(cause, "http: \"%s\" is not ADDR:PORT, PORT or ADDR (e.g. "
	    "127.0.0.1:%d)", spec, HTTP_DEFAULT_PORT);
	return -1;
}

/* "http://ADDR:PORT" for a setting (NULL: the default address). */
char *
http_base_url(const char *spec)
{
	char		*addr = NULL, *why = NULL, *url;
	unsigned	 port;

	if (http_parse(spec, &addr, &port, &why) != 0) {
		free(why);
		addr = xstrdup(HTTP_DEFAULT_ADDR);
		port = HTTP_DEFAULT_PORT;
	}
	xasprintf(&url, strchr(addr, ':') ? "http://[%s]:%u" : "http://%s:%u",
	    addr, port);
	free(addr);
	return url;
}

static int
loopback(const char *addr)
{
	return strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0 ||
	    strcmp(addr, "localhost") == 0;
}

/* An IMF-fixdate (RFC 9110 5.6.7), in English whatever the locale. */
static void
http_date(int64_t t, char *buf, size_t len)
{
	static const char	*days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
				    "Fri", "Sat" };
	static const char	*mons[] = { "Jan", "Feb", "Mar", "Apr", "May",
				    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
				    "Dec" };
	time_t			 tt = (time_t)t;
	struct tm		 tm;

	gmtime_r(&tt, &tm);
	snprintf(buf, len, "%s, %02d %s %04d %02d:%02d:%02d GMT",
	    days[tm.tm_wday], tm.tm_mday, mons[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static int
parse_http_date(const char *s, int64_t *t)
{
	static const char	*mons = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char			 wd[4], mon[4];
	const char		*m;
	int			 d, y, hh, mm, ss;

	if (sscanf(s, "%3s, %d %3s %d %d:%d:%d GMT", wd, &d, mon, &y, &hh,
	    &mm, &ss) != 7 || strlen(mon) != 3 ||
	    (m = strstr(mons, mon)) == NULL || (m - mons) % 3 != 0 ||
	    !when_valid_date(y, (int)(m - mons) / 3 + 1, d))
		return -1;
	*t = days_from_civil(y, (int)(m - mons) / 3 + 1, d) * 86400 +
	    hh * 3600 + mm * 60 + ss;
	return 0;
}

/* Does an If-None-Match list name one of our tags (weak comparison)? */
static int
etag_matches(const char *list, const struct feed_body *fb)
{
	char	*copy = xstrdup(list), *tok, *save = NULL;
	int	 hit = 0;

	for (tok = strtok_r(copy, ",", &save); tok != NULL && !hit;
	    tok = strtok_r(NULL, ",", &save)) {
		while (isspace((unsigned char)*tok))
			tok++;
		tok[strcspn(tok, " \t")] = '\0';
		if (strncmp(tok, "W/", 2) == 0)
			tok += 2;
		hit = strcmp(tok, "*") == 0 || strcmp(tok, fb->etag) == 0 ||
		    strcmp(tok, fb->etag_gz) == 0;
	}
	free(copy);
	return hit;
}

/* Does Accept-Encoding allow gzip (not with q=0)? */
static int
accepts_gzip(const char *ae)
{
	char	*copy, *tok, *save = NULL, *q;
	int	 ok = 0;

	if (ae == NULL)
		return 0;
	copy = xstrdup(ae);
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		while (isspace((unsigned char)*tok))
			tok++;
		q = strchr(tok, ';');
		if (q != NULL)
			*q++ = '\0';
		tok[strcspn(tok, " \t")] = '\0';
		if (strcasecmp(tok, "gzip") != 0 && strcasecmp(tok, "x-gzip") != 0 &&
		    strcmp(tok, "*") != 0)
			continue;
		while (q != NULL && isspace((unsigned char)*q))
			q++;
		ok = q == NULL || strncasecmp(q, "q=", 2) != 0 ||
		    strtod(q + 2, NULL) > 0;
		if (strcasecmp(tok, "gzip") == 0)
			break;
	}
	free(copy);
	return ok;
}

static void
send_body(struct evhttp_request *req, int code, const char *reason,
    const char *body, size_t len)
{
	struct evkeyvalq	*out = evhttp_request_get_output_headers(req);
	struct evbuffer		*b;
	char			 n[32];

	/* HEAD: the headers of the GET, no body. */
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		snprintf(n, sizeof n, "%zu", len);
		evhttp_add_header(out, "Content-Length", n);
		evhttp_send_reply(req, code, reason, NULL);
		return;
	}
	b = evbuffer_new();
	evbuffer_add(b, body, len);
	evhttp_send_reply(req, code, reason, b);
	evbuffer_free(b);
}

static void
release(const void *data, size_t len, void *arg)
{
	(void)data; (void)len;
	feed_bytes_release(arg);
}

/*
 * A feed's body goes into the reply by reference: fifty pollers of a
 * 20 MB feed cost no copies, and the bytes stay until the last reply that
 * sends them is done (feed.c).
 */
static void
send_feed_body(struct evhttp_request *req, const char *body, size_t len,
    struct feed_bytes *bytes)
{
	struct evbuffer	*b;

	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD || bytes == NULL) {
		send_body(req, HTTP_OK, "OK", body, len);
		return;
	}
	b = evbuffer_new();
	feed_bytes_hold(bytes);
	if (evbuffer_add_reference(b, body, len, release, bytes) != 0) {
		feed_bytes_release(bytes);
		evbuffer_add(b, body, len);
	}
	evhttp_send_reply(req, HTTP_OK, "OK", b);
	evbuffer_free(b);
}

/* The same answer for every unknown path and every wrong token. */
static void
not_found(struct evhttp_request *req)
{
	struct evkeyvalq	*out = evhttp_request_get_output_headers(req);
	static const char	 msg[] = "Not Found\n";

	evhttp_add_header(out, "Content-Type", "text/plain; charset=utf-8");
	evhttp_add_header(out, "Cache-Control", "no-store");
	send_body(req, HTTP_NOTFOUND, "Not Found", msg, sizeof msg - 1);
}

static void
server_error(struct evhttp_request *req, const char *why)
{
	struct evkeyvalq	*out = evhttp_request_get_output_headers(req);
	static const char	 msg[] = "Internal Server Error\n";

	log_warnx("http: %s", why);
	evhttp_add_header(out, "Content-Type", "text/plain; charset=utf-8");
	evhttp_add_header(out, "Cache-Control", "no-store");
	send_body(req, HTTP_INTERNAL, "Internal Server Error", msg,
	    sizeof msg - 1);
}

/*
 * More header fields than http_max_headers: 431.  (evhttp itself bounds
 * their total size, http_max_header_size, and the body, http_max_body_size,
 * answering 413 or closing before we are called.)
 */
static int
too_many_headers(struct http *h, struct evhttp_request *req)
{
	struct evkeyvalq	*in = evhttp_request_get_input_headers(req);
	struct evkeyvalq	*out = evhttp_request_get_output_headers(req);
	struct evkeyval		*kv;
	unsigned		 n = 0, max = h->srv->cfg->http_max_headers;
	char			*msg;
	int			 len;

	TAILQ_FOREACH(kv, in, next)
		n++;
	if (n <= max)
		return 0;
	log_warnx("http: a request with %u header fields refused "
	    "(http_max_headers is %u)", n, max);
	len = asprintf(&msg, "Request Header Fields Too Large: %u fields, more "
	    "than http_max_headers (%u)\n", n, max);
	evhttp_add_header(out, "Content-Type", "text/plain; charset=utf-8");
	evhttp_add_header(out, "Connection", "close");
	send_body(req, 431, "Request Header Fields Too Large", len > 0 ? msg :
	    "", len > 0 ? (size_t)len : 0);
	if (len > 0)
		free(msg);
	return 1;
}

static int
not_modified(struct evhttp_request *req, const struct feed_body *fb)
{
	struct evkeyvalq	*in = evhttp_request_get_input_headers(req);
	const char		*inm = evhttp_find_header(in, "If-None-Match");
	const char		*ims = evhttp_find_header(in, "If-Modified-Since");
	int64_t			 t;

	if (inm != NULL)
		return etag_matches(inm, fb);
	return ims != NULL && parse_http_date(ims, &t) == 0 &&
	    fb->modified <= t;
}

static void
send_feed(struct http *h, struct evhttp_request *req,
    const struct feed_body *fb)
{
	struct evkeyvalq	*in = evhttp_request_get_input_headers(req);
	struct evkeyvalq	*out = evhttp_request_get_output_headers(req);
	int			 gz = fb->gz != NULL &&
				    accepts_gzip(evhttp_find_header(in,
				    "Accept-Encoding"));
	char			 buf[64];

	evhttp_add_header(out, "Content-Type", "text/calendar; charset=utf-8");
	evhttp_add_header(out, "ETag", gz ? fb->etag_gz : fb->etag);
	http_date(fb->modified, buf, sizeof buf);
	evhttp_add_header(out, "Last-Modified", buf);
	snprintf(buf, sizeof buf, "%s, max-age=%lld", fb->public ? "public" :
	    "private", (long long)feed_config_max_age(h->srv->cfg));
	evhttp_add_header(out, "Cache-Control", buf);
	evhttp_add_header(out, "Vary", "Accept-Encoding");
	evhttp_add_header(out, "X-Content-Type-Options", "nosniff");
	if (not_modified(req, fb)) {
		evhttp_send_reply(req, HTTP_NOTMODIFIED, "Not Modified", NULL);
		return;
	}
	snprintf(buf, sizeof buf, "inline; filename=\"%s.ics\"", fb->name);
	evhttp_add_header(out, "Content-Disposition", buf);
	if (gz) {
		evhttp_add_header(out, "Content-Encoding", "gzip");
		send_feed_body(req, fb->gz, fb->gzlen, fb->gzbytes);
	} else
		send_feed_body(req, fb->body, fb->len, fb->bytes);
}

/*
 * A briefing page: HTML that runs nothing.  The policy allows no script,
 * no fetch, no frame, no form and no base, and the page's one style sheet
 * by its hash (include/itinerary-html.c); no Referer leaks the token to
 * a link followed from it.
 */
static void
send_page(struct evhttp_request *req, const struct feed_body *fb)
{
	struct evkeyvalq	*out = evhttp_request_get_output_headers(req);
	char			 buf[64];

	evhttp_add_header(out, "Content-Type", "text/html; charset=utf-8");
	evhttp_add_header(out, "Content-Security-Policy", "default-src 'none'; "
	    "style-src '" ITIN_HTML_CSS_HASH "'; frame-ancestors 'none'; "
	    "base-uri 'none'; form-action 'none'");
	evhttp_add_header(out, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(out, "Referrer-Policy", "no-referrer");
	evhttp_add_header(out, "X-Frame-Options", "DENY");
	evhttp_add_header(out, "Cache-Control", "private, no-cache");
	evhttp_add_header(out, "ETag", fb->etag);
	http_date(fb->modified, buf, sizeof buf);
	evhttp_add_header(out, "Last-Modified", buf);
	if (not_modified(req, fb)) {
		evhttp_send_reply(req, HTTP_NOTMODIFIED, "Not Modified", NULL);
		return;
	}
	send_feed_body(req, fb->body, fb->len, fb->bytes);
}

static void
html_escaped(struct evbuffer *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': evbuffer_add_printf(b, "&amp;"); break;
		case '<': evbuffer_add_printf(b, "&lt;"); break;
		case '>': evbuffer_add_printf(b, "&gt;"); break;
		case '"': evbuffer_add_printf(b, "&quot;"); break;
		default: evbuffer_add(b, s, 1);
		}
	}
}

/* The index: the public feeds, with subscribe (webcal) and .ics links. */
static void
send_index(struct http *h, struct evhttp_request *req)
{
	const struct config	*cfg = h->srv->cfg;
	struct evkeyvalq	*out = evhttp_request_get_output_headers(req);
	struct evbuffer		*b = evbuffer_new();
	char			*url = feed_url(cfg, NULL, 0);
	char			*webcal = feed_url(cfg, NULL, 1);
	const char		*name = feed_config_name(cfg);

	evbuffer_add_printf(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<title>");
	html_escaped(b, name);
	evbuffer_add_printf(b, " — calendar feeds</title>\n</head>\n<body>\n"
	    "<h1>");
	html_escaped(b, name);
	evbuffer_add_printf(b, "</h1>\n<p>Public calendar feeds. Subscribe in "
	    "your calendar app (it keeps the calendar up to date).</p>\n<ul>\n"
	    "<li><a href=\"");
	html_escaped(b, webcal);
	evbuffer_add_printf(b, "\">Subscribe to ");
	html_escaped(b, name);
	evbuffer_add_printf(b, "</a> — <a href=\"");
	html_escaped(b, url);
	evbuffer_add_printf(b, "\">");
	html_escaped(b, url);
	evbuffer_add_printf(b, "</a></li>\n</ul>\n</body>\n</html>\n");
	evhttp_add_header(out, "Content-Type", "text/html; charset=utf-8");
	evhttp_add_header(out, "Cache-Control", "public, max-age=300");
	evhttp_add_header(out, "X-Content-Type-Options", "nosniff");
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		char n[32];
		snprintf(n, sizeof n, "%zu", evbuffer_get_length(b));
		evhttp_add_header(out, "Content-Length", n);
		evhttp_send_reply(req, HTTP_OK, "OK", NULL);
	} else
		evhttp_send_reply(req, HTTP_OK, "OK", b);
	evbuffer_free(b);
	free(url);
	free(webcal);
}

/* "/feeds/TOKEN.ics": the token (NULL for all.ics); -1: not a feed path. */
static int
feed_path(const char *path, char **token)
{
	size_t	n;

	*token = NULL;
	if (strncmp(path, "/feeds/", 7) != 0)
		return -1;
	path += 7;
	n = strlen(path);
	if (n <= 4 || strcmp(path + n - 4, ".ics") != 0 ||
	    memchr(path, '/', n) != NULL)
		return -1;
	if (n - 4 != 3 || strncmp(path, "all", 3) != 0)
		*token = xstrndup(path, n - 4);
	return 0;
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

/* "/briefing/TOKEN.html": the token; -1: not a briefing path. */
static int
briefing_path(const char *path, char **token)
{
	size_t	n;

	*token = NULL;
	if (strncmp(path, "/briefing/", 10) != 0)
		return -1;
	path += 10;
	n = strlen(path);
	if (n <= 5 || strcmp(path + n - 5, ".html") != 0 ||
	    memchr(path, '/', n) != NULL)
		return -1;
	*token = xstrndup(path, n - 5);
	return 0;
}

static void
serve_briefing(struct http *h, struct evhttp_request *req, char *token)
{
	const struct feed_body	*fb;
	char			*why = NULL;
	int			 rc;

	rc = feed_briefing_get(h->srv, token, &fb, &why);
	free(token);
	if (rc < 0) {
		server_error(req, why ? why : "cannot build the briefing");
		free(why);
	} else if (rc > 0)
		not_found(req);
	else
		send_page(req, fb);
}

static void
request_cb(struct evhttp_request *req, void *arg)
{
	struct http			*h = arg;
	const struct evhttp_uri		*u = evhttp_request_get_evhttp_uri(req);
	const char			*path = u ? evhttp_uri_get_path(u) : NULL;
	const struct feed_body		*fb;
	char				*token, *why = NULL;
	int				 rc;

	if (path == NULL || *path == '\0')
		path = "/";
	hconn_request(h, evhttp_request_get_connection(req));
	log_debug("http: %s %s", evhttp_request_get_command(req) ==
	    EVHTTP_REQ_HEAD ? "HEAD" : "GET", path);
	if (too_many_headers(h, req))
		return;
	if (strcmp(path, "/") == 0 || strcmp(path, "/index.html") == 0) {
		send_index(h, req);
		return;
	}
	if (briefing_path(path, &token) == 0) {
		serve_briefing(h, req, token);
		return;
	}
	if (feed_path(path, &token) != 0) {
		not_found(req);
		return;
	}
	rc = feed_get(h->srv, token, &fb, &why);
	free(token);
	if (rc < 0) {
		server_error(req, why ? why : "cannot build the feed");
		free(why);
	} else if (rc > 0)
		not_found(req);
	else
		send_feed(h, req, fb);
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
 * loop, not libevent's default 16 KB: a 20 MB body was 1,300 writev()s.
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
 * 40 ms on Linux, on a keep-alive connection (make bench: 1 poller of a
 * 1,000-event feed, p99 49 ms, 78 GETs/s).  Set on the listening socket,
 * whose connections inherit it (Linux, the BSDs): once, not a system call
 * per request (a 304 took ten).
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
