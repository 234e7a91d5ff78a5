/*
 * http-route.c — what kcald answers to each HTTP request (http_route(),
 * called by http.c once a request is in):
 *
 *   GET|HEAD /                  a small HTML page listing the public feeds
 *   GET|HEAD /feeds/all.ics     the built-in feed (public events)
 *   GET|HEAD /feeds/TOKEN.ics   a feed defined with kcal feed add
 *   GET|HEAD /briefing/TOKEN.html  a briefing feed's page (briefing.c)
 *   /.well-known/caldav, /dav/...  CalDAV, any method (dav.c)
 *   anything else               404, the same for a wrong or revoked token
 *
 * Feeds are polled, often and by many: the body comes from memory
 * (feed-body.c, built once per change of the store), with a strong ETag
 * and Last-Modified, 304 for If-None-Match (which wins, RFC 9110 13.2.2)
 * or If-Modified-Since, the gzipped body when the client accepts it (a
 * different representation, so its own ETag), and a modest Cache-Control.
 * A request with more header fields than http_max_headers is refused here
 * (431), a method other than GET and HEAD is 405; the limits on
 * connections, sizes and time are http.c's.  HEAD gets the GET's header
 * and no body (httpd.c, by libmicrohttpd).  A feed whose body must be
 * built again is built off the loop (feed-body.c, worker.c): the request
 * is deferred and answered when the body is there.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "briefing.h"
#include "config.h"
#include "dav.h"
#include "feed.h"
#include "http-route.h"
#include "httpd.h"
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
	return httpd_etag_in(list, fb->etag, 1) ||
	    httpd_etag_in(list, fb->etag_gz, 1);
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

/*
 * An answer being built: its header fields, then its body (httpd.h wants
 * the body first, so the fields wait here).
 */
#define MAX_FIELDS	12

struct reply {
	struct httpd_req	*req;
	size_t			 n;
	const char		*name[MAX_FIELDS];
	char			*value[MAX_FIELDS];
};

static void
add(struct reply *rp, const char *name, const char *value)
{
	if (rp->n == MAX_FIELDS)
		fatalx("http: too many header fields in a reply");
	rp->name[rp->n] = name;
	rp->value[rp->n++] = xstrdup(value);
}

static void
finish(struct reply *rp, struct httpd_resp *r)
{
	size_t	i;

	for (i = 0; i < rp->n; i++) {
		if (httpd_resp_header(r, rp->name[i], rp->value[i]) != 0)
			log_warnx("http: header field %s refused", rp->name[i]);
		free(rp->value[i]);
	}
	rp->n = 0;
	httpd_reply(rp->req, r);
}

static void
send_body(struct reply *rp, unsigned code, const char *body, size_t len)
{
	finish(rp, httpd_resp(code, body, len));
}

static void
release(void *arg)
{
	feed_bytes_release(arg);
}

/*
 * A feed's body goes into the reply by reference: fifty pollers of a
 * 20 MB feed cost no copies, and the bytes stay until the last reply that
 * sends them is done (feed-body.c), even if the feed is rebuilt meanwhile.
 */
static void
send_feed_body(struct reply *rp, const char *body, size_t len,
    struct feed_bytes *bytes)
{
	if (bytes == NULL) {
		send_body(rp, 200, body, len);
		return;
	}
	feed_bytes_hold(bytes);
	finish(rp, httpd_resp_ref(200, body, len, release, bytes));
}

/* The same answer for every unknown path and every wrong token. */
static void
not_found(struct reply *rp)
{
	static const char	 msg[] = "Not Found\n";

	add(rp, "Content-Type", "text/plain; charset=utf-8");
	add(rp, "Cache-Control", "no-store");
	send_body(rp, 404, msg, sizeof msg - 1);
}

/* Only GET and HEAD, whatever the path (a token is not revealed). */
static void
not_allowed(struct reply *rp)
{
	static const char	 msg[] = "Method Not Allowed\n";

	add(rp, "Content-Type", "text/plain; charset=utf-8");
	add(rp, "Cache-Control", "no-store");
	add(rp, "Allow", "GET, HEAD");
	send_body(rp, 405, msg, sizeof msg - 1);
}

/*
 * A path with a "." or ".." segment (decoded: %2e is a dot, and %2F, kept
 * apart as HTTPD_SLASH, counts as the slash a proxy may take it for) is
 * refused: a reverse proxy resolves them to choose where a request goes
 * and passes them on as they came (nginx does), so kcald would answer it
 * as another path than the proxy's rules saw, with headers the proxy set
 * for that one (X-Real-IP: dav.c).  No path kcald serves has one.
 */
static int
is_sep(char c)
{
	return c == '/' || c == HTTPD_SLASH;
}

static int
dot_segments(const char *p)
{
	for (; *p != '\0'; p++)
		if (is_sep(p[0]) && p[1] == '.' &&
		    (is_sep(p[2]) || p[2] == '\0' || (p[2] == '.' &&
		    (is_sep(p[3]) || p[3] == '\0'))))
			return 1;
	return 0;
}

static void
bad_path(struct reply *rp)
{
	static const char	 msg[] = "Bad Request: a path with . or .. "
				     "segments\n";

	add(rp, "Content-Type", "text/plain; charset=utf-8");
	add(rp, "Cache-Control", "no-store");
	send_body(rp, 400, msg, sizeof msg - 1);
}

static void
server_error(struct reply *rp, const char *why)
{
	static const char	 msg[] = "Internal Server Error\n";

	log_warnx("http: %s", why);
	add(rp, "Content-Type", "text/plain; charset=utf-8");
	add(rp, "Cache-Control", "no-store");
	send_body(rp, 500, msg, sizeof msg - 1);
}

/*
 * More header fields than http_max_headers: 431.  (http.c bounds their
 * total size, http_max_header_size, and the body, http_max_body_size:
 * httpd.c answers 431 or 413 before we are called.)
 */
static int
too_many_headers(struct server *srv, struct reply *rp)
{
	unsigned	 n = httpd_header_count(rp->req);
	unsigned	 max = srv->cfg->http_max_headers;
	char		*msg;
	int		 len;

	if (n <= max)
		return 0;
	log_warnx("http: a request with %u header fields refused "
	    "(http_max_headers is %u)", n, max);
	len = asprintf(&msg, "Request Header Fields Too Large: %u fields, more "
	    "than http_max_headers (%u)\n", n, max);
	add(rp, "Content-Type", "text/plain; charset=utf-8");
	add(rp, "Connection", "close");
	send_body(rp, 431, len > 0 ? msg : "", len > 0 ? (size_t)len : 0);
	if (len > 0)
		free(msg);
	return 1;
}

static int
not_modified(struct reply *rp, const struct feed_body *fb)
{
	const char	*inm = httpd_header(rp->req, "If-None-Match");
	const char	*ims = httpd_header(rp->req, "If-Modified-Since");
	int64_t		 t;

	if (inm != NULL)
		return etag_matches(inm, fb);
	/* A date later than now is not valid (RFC 9110 13.1.3): ignored. */
	return ims != NULL && parse_http_date(ims, &t) == 0 &&
	    t <= (int64_t)time(NULL) && fb->modified <= t;
}

static void
send_feed(struct server *srv, struct reply *rp, const struct feed_body *fb)
{
	int	gz = fb->gz != NULL &&
		    accepts_gzip(httpd_header(rp->req, "Accept-Encoding"));
	char	buf[64];

	add(rp, "Content-Type", "text/calendar; charset=utf-8");
	add(rp, "ETag", gz ? fb->etag_gz : fb->etag);
	http_date(fb->modified, buf, sizeof buf);
	add(rp, "Last-Modified", buf);
	snprintf(buf, sizeof buf, "%s, max-age=%lld", fb->public ? "public" :
	    "private", (long long)feed_config_max_age(srv->cfg));
	add(rp, "Cache-Control", buf);
	add(rp, "Vary", "Accept-Encoding");
	add(rp, "X-Content-Type-Options", "nosniff");
	if (not_modified(rp, fb)) {
		send_body(rp, 304, NULL, 0);
		return;
	}
	snprintf(buf, sizeof buf, "inline; filename=\"%s.ics\"", fb->name);
	add(rp, "Content-Disposition", buf);
	if (gz) {
		add(rp, "Content-Encoding", "gzip");
		send_feed_body(rp, fb->gz, fb->gzlen, fb->gzbytes);
	} else
		send_feed_body(rp, fb->body, fb->len, fb->bytes);
}

/*
 * A briefing page: HTML that runs nothing.  The policy allows no script,
 * no fetch, no frame, no form and no base, and the page's one style sheet
 * by its hash (include/itinerary-html.c); no Referer leaks the token to
 * a link followed from it.
 */
static void
send_page(struct reply *rp, const struct feed_body *fb)
{
	char	buf[64];

	add(rp, "Content-Type", "text/html; charset=utf-8");
	add(rp, "Content-Security-Policy", "default-src 'none'; "
	    "style-src '" ITIN_HTML_CSS_HASH "'; frame-ancestors 'none'; "
	    "base-uri 'none'; form-action 'none'");
	add(rp, "X-Content-Type-Options", "nosniff");
	add(rp, "Referrer-Policy", "no-referrer");
	add(rp, "X-Frame-Options", "DENY");
	add(rp, "Cache-Control", "private, no-cache");
	add(rp, "ETag", fb->etag);
	http_date(fb->modified, buf, sizeof buf);
	add(rp, "Last-Modified", buf);
	if (not_modified(rp, fb)) {
		send_body(rp, 304, NULL, 0);
		return;
	}
	send_feed_body(rp, fb->body, fb->len, fb->bytes);
}

static void
html_escaped(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

/* The index: the public feeds, with subscribe (webcal) and .ics links. */
static void
send_index(struct server *srv, struct reply *rp)
{
	const struct config	*cfg = srv->cfg;
	char			*url = feed_url(cfg, NULL, 0);
	char			*webcal = feed_url(cfg, NULL, 1);
	const char		*name = feed_config_name(cfg);
	char			*page = NULL;
	size_t			 len = 0;
	FILE			*f;

	if ((f = open_memstream(&page, &len)) == NULL)
		fatal("http: open_memstream");
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<title>", f);
	html_escaped(f, name);
	fputs(" — calendar feeds</title>\n</head>\n<body>\n<h1>", f);
	html_escaped(f, name);
	fputs("</h1>\n<p>Public calendar feeds. Subscribe in your calendar "
	    "app (it keeps the calendar up to date).</p>\n<ul>\n"
	    "<li><a href=\"", f);
	html_escaped(f, webcal);
	fputs("\">Subscribe to ", f);
	html_escaped(f, name);
	fputs("</a> — <a href=\"", f);
	html_escaped(f, url);
	fputs("\">", f);
	html_escaped(f, url);
	fputs("</a></li>\n</ul>\n</body>\n</html>\n", f);
	if (fclose(f) != 0)
		fatal("http: the index page");
	add(rp, "Content-Type", "text/html; charset=utf-8");
	add(rp, "Cache-Control", "public, max-age=300");
	add(rp, "X-Content-Type-Options", "nosniff");
	send_body(rp, 200, page, len);
	free(page);
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

/* A briefing page built off the loop (briefing.c): the answer. */
static void
page_ready(void *arg, const struct feed_body *fb, int rc, const char *cause)
{
	struct reply	rp = { .req = arg };

	if (rc < 0)
		server_error(&rp, cause ? cause : "cannot build the briefing");
	else if (rc > 0)
		not_found(&rp);
	else
		send_page(&rp, fb);
}

static void
serve_briefing(struct server *srv, struct reply *rp, char *token)
{
	const struct feed_body	*fb;
	char			*why = NULL;
	int			 rc;

	rc = briefing_get(srv, token, page_ready, rp->req, &fb, &why);
	free(token);
	if (rc == 2) {
		httpd_defer(rp->req);	/* page_ready answers */
		return;
	}
	if (rc < 0) {
		server_error(rp, why ? why : "cannot build the briefing");
		free(why);
	} else if (rc > 0)
		not_found(rp);
	else
		send_page(rp, fb);
}

/*
 * A request whose feed is being built off the loop (feed-body.c): the
 * answer, on the loop, once the body is there.  The request's header
 * fields are still readable: it is not answered yet.
 */
struct feed_waiter {
	struct server		*srv;
	struct httpd_req	*req;
};

static void
feed_ready(void *arg, const struct feed_body *fb, int rc, const char *cause)
{
	struct feed_waiter	*w = arg;
	struct reply		 rp = { .req = w->req };

	if (rc < 0)
		server_error(&rp, cause ? cause : "cannot build the feed");
	else if (rc > 0)
		not_found(&rp);
	else
		send_feed(w->srv, &rp, fb);
	free(w);
}

void
http_route(struct server *srv, struct httpd_req *req)
{
	struct reply		 rp = { .req = req };
	const char		*path = httpd_url(req);
	const char		*method = httpd_method(req);
	const struct feed_body	*fb;
	struct feed_waiter	*w;
	char			*token, *why = NULL, logged[256];
	int			 rc;

	if (path == NULL || *path == '\0')
		path = "/";
	log_debug("http: %s %s", method, httpd_log_path(path, logged,
	    sizeof logged));
	if (too_many_headers(srv, &rp))
		return;
	if (dot_segments(path)) {
		bad_path(&rp);
		return;
	}
	if (dav_route(srv, req))	/* CalDAV: /.well-known/caldav, /dav/ */
		return;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		not_allowed(&rp);
		return;
	}
	if (strcmp(path, "/") == 0 || strcmp(path, "/index.html") == 0) {
		send_index(srv, &rp);
		return;
	}
	if (briefing_path(path, &token) == 0) {
		serve_briefing(srv, &rp, token);
		return;
	}
	if (feed_path(path, &token) != 0) {
		not_found(&rp);
		return;
	}
	w = xcalloc(1, sizeof *w);
	w->srv = srv;
	w->req = req;
	rc = feed_get(srv, token, feed_ready, w, &fb, &why);
	free(token);
	if (rc == 2) {
		httpd_defer(req);	/* feed_ready answers */
		return;
	}
	free(w);
	if (rc < 0) {
		server_error(&rp, why ? why : "cannot build the feed");
		free(why);
	} else if (rc > 0)
		not_found(&rp);
	else
		send_feed(srv, &rp, fb);
}
