/*
 * http-route.c — what kcald answers to each HTTP request (http_route(),
 * called by http.c once a request's header is in):
 *
 *   GET|HEAD /                  a small HTML page listing the public feeds
 *   GET|HEAD /feeds/all.ics     the built-in feed (public events)
 *   GET|HEAD /feeds/TOKEN.ics   a feed defined with kcal feed add
 *   GET|HEAD /briefing/TOKEN.html  a briefing feed's page (briefing.c)
 *   anything else               404, the same for a wrong or revoked token
 *
 * Feeds are polled, often and by many: the body comes from memory
 * (feed-body.c, built once per change of the store), with a strong ETag
 * and Last-Modified, 304 for If-None-Match (which wins, RFC 9110 13.2.2)
 * or If-Modified-Since, the gzipped body when the client accepts it (a
 * different representation, so its own ETag), and a modest Cache-Control.
 * A request with more header fields than http_max_headers is refused here
 * (431); the limits on connections and time are http.c's.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "briefing.h"
#include "config.h"
#include "feed.h"
#include "http-route.h"
#include "itinerary-html.h"
#include "log.h"
#include "server.h"
#include "when.h"
#include "xmalloc.h"

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
 * sends them is done (feed-body.c).
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
too_many_headers(struct server *srv, struct evhttp_request *req)
{
	struct evkeyvalq	*in = evhttp_request_get_input_headers(req);
	struct evkeyvalq	*out = evhttp_request_get_output_headers(req);
	struct evkeyval		*kv;
	unsigned		 n = 0, max = srv->cfg->http_max_headers;
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
send_feed(struct server *srv, struct evhttp_request *req,
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
	    "private", (long long)feed_config_max_age(srv->cfg));
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
send_index(struct server *srv, struct evhttp_request *req)
{
	const struct config	*cfg = srv->cfg;
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
serve_briefing(struct server *srv, struct evhttp_request *req,
    char *token)
{
	const struct feed_body	*fb;
	char			*why = NULL;
	int			 rc;

	rc = feed_briefing_get(srv, token, briefing_render, &fb, &why);
	free(token);
	if (rc < 0) {
		server_error(req, why ? why : "cannot build the briefing");
		free(why);
	} else if (rc > 0)
		not_found(req);
	else
		send_page(req, fb);
}

void
http_route(struct server *srv, struct evhttp_request *req)
{
	const struct evhttp_uri		*u = evhttp_request_get_evhttp_uri(req);
	const char			*path = u ? evhttp_uri_get_path(u) : NULL;
	const struct feed_body		*fb;
	char				*token, *why = NULL;
	int				 rc;

	if (path == NULL || *path == '\0')
		path = "/";
	log_debug("http: %s %s", evhttp_request_get_command(req) ==
	    EVHTTP_REQ_HEAD ? "HEAD" : "GET", path);
	if (too_many_headers(srv, req))
		return;
	if (strcmp(path, "/") == 0 || strcmp(path, "/index.html") == 0) {
		send_index(srv, req);
		return;
	}
	if (briefing_path(path, &token) == 0) {
		serve_briefing(srv, req, token);
		return;
	}
	if (feed_path(path, &token) != 0) {
		not_found(req);
		return;
	}
	rc = feed_get(srv, token, &fb, &why);
	free(token);
	if (rc < 0) {
		server_error(req, why ? why : "cannot build the feed");
		free(why);
	} else if (rc > 0)
		not_found(req);
	else
		send_feed(srv, req, fb);
}
