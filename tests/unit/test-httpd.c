/*
 * test-httpd.c — daemon/httpd.c on a real event base and a free loopback
 * port, with raw-socket clients on a thread of their own: any method
 * (PROPFIND with a body, REPORT, MKCALENDAR) reaches the callback, a body
 * over the limit is 413 (announced or chunked), a deferred answer given
 * from another thread arrives (one, and many racing the loop), a client
 * silent in its body is timed out, one dripping its header meets the
 * header deadline, the connection limit holds, a client that ends its side
 * mid-request is closed at once (one ending it after a whole request is
 * answered), a header over max_header bytes is 431, a body given by
 * reference is released once per response, while the loop keeps running
 * its other events.
 */
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "httpd.h"
#include "test.h"

static struct httpd	*srv;
static unsigned		 port;
static int		 ticks;		/* the loop's other work */
static int		 done_pipe[2];
static int		 released;	/* httpd_resp_ref's bodies let go */
static const char	 shared[] = "a body by reference\n";

/* --- the server side (the loop's thread) ----------------------------- */

static void *
late_reply(void *arg)
{
	struct httpd_req	*q = arg;
	struct httpd_resp	*r;

	usleep(200 * 1000);
	r = httpd_resp(200, "deferred\n", 9);
	httpd_resp_header(r, "X-Answered-By", "worker");
	httpd_reply(q, r);
	return NULL;
}

/* A worker answering at once or a little later, racing the loop. */
static void *
quick_reply(void *arg)
{
	struct httpd_req	*q = arg;
	struct httpd_resp	*r;
	static unsigned		 n;

	usleep(__atomic_fetch_add(&n, 1, __ATOMIC_RELAXED) % 3 * 1000);
	r = httpd_resp(200, "quick\n", 6);
	httpd_reply(q, r);
	return NULL;
}

static void
release(void *arg)
{
	(void)arg;
	__atomic_add_fetch(&released, 1, __ATOMIC_RELAXED);
}

static void
handler(void *arg, struct httpd_req *q)
{
	const char	*m = httpd_method(q), *url = httpd_url(q), *body, *d;
	char		*out;
	size_t		 len;
	pthread_t	 t;
	int		 n;

	(void)arg;
	if (strcmp(url, "/hello") == 0) {
		httpd_reply_text(q, 200, "hello\n");
		return;
	}
	if (strcmp(url, "/defer") == 0) {
		httpd_defer(q);
		pthread_create(&t, NULL, late_reply, q);
		pthread_detach(t);
		return;
	}
	if (strcmp(url, "/quick") == 0) {
		httpd_defer(q);
		pthread_create(&t, NULL, quick_reply, q);
		pthread_detach(t);
		return;
	}
	if (strcmp(url, "/noanswer") == 0)
		return;
	if (strcmp(url, "/ref") == 0) {
		httpd_reply(q, httpd_resp_ref(200, shared, sizeof shared - 1,
		    release, NULL));
		return;
	}
	body = httpd_body(q, &len);
	d = httpd_header(q, "Depth");
	n = asprintf(&out, "%s %s len=%zu depth=%s peer=%s\n%s", m, url, len,
	    d != NULL ? d : "-", httpd_peer(q), body);
	if (n == -1)
		abort();
	httpd_reply_text(q, 207, out);
	free(out);
}

/* A body over max_body under /own/: an answer of its own. */
static void
too_big_handler(void *arg, struct httpd_req *q)
{
	(void)arg;
	if (strncmp(httpd_url(q), "/own/", 5) == 0)
		httpd_reply_text(q, 413, "own 413");
}

static void
tick_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	__atomic_add_fetch(&ticks, 1, __ATOMIC_RELAXED);
}

static void
done_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	event_base_loopbreak(arg);
}

/* --- the clients (their own thread) ---------------------------------- */

static int
dial(void)
{
	struct sockaddr_in	sin;
	struct timeval		tv = { 5, 0 };
	int			fd;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Read to EOF (or timeout): bytes read, -1 on a timeout. */
static ssize_t
slurp(int fd, char *out, size_t size)
{
	size_t	n = 0;
	ssize_t	r;

	while (n < size - 1) {
		r = read(fd, out + n, size - 1 - n);
		if (r == 0 || (r == -1 && errno == ECONNRESET))
			break;
		if (r == -1) {
			out[n] = '\0';
			return -1;
		}
		n += (size_t)r;
	}
	out[n] = '\0';
	return (ssize_t)n;
}

/* Send a whole request, read the answer: its status, or -1. */
static int
roundtrip(const char *req, size_t len, char *out, size_t size)
{
	int	fd, status = -1;

	out[0] = '\0';
	if ((fd = dial()) == -1)
		return -1;
	if (write(fd, req, len) == (ssize_t)len && slurp(fd, out, size) > 0)
		sscanf(out, "HTTP/1.%*d %d", &status);
	close(fd);
	return status;
}

static int
send_str(const char *req, char *out, size_t size)
{
	return roundtrip(req, strlen(req), out, size);
}

static const char *
body_of(const char *resp)
{
	const char	*p = strstr(resp, "\r\n\r\n");

	return p != NULL ? p + 4 : "";
}

static const char propfind[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<D:propfind xmlns:D=\"DAV:\"><D:prop><D:displayname/>"
    "</D:prop></D:propfind>\n";

static void
test_methods(void)
{
	char	 out[8192], req[1024];

	CHECK_INT(send_str("GET /hello HTTP/1.1\r\nHost: x\r\n"
	    "Connection: close\r\n\r\n", out, sizeof out), 200);
	CHECK_STR(body_of(out), "hello\n");
	CHECK_INT(send_str("HEAD /hello HTTP/1.1\r\nHost: x\r\n"
	    "Connection: close\r\n\r\n", out, sizeof out), 200);
	CHECK_STR(body_of(out), "");
	CHECK(strstr(out, "Content-Length: 6\r\n") != NULL);

	snprintf(req, sizeof req, "PROPFIND /cal/x%%20y/ HTTP/1.1\r\n"
	    "Host: x\r\nDepth: 1\r\nContent-Type: application/xml\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
	    strlen(propfind), propfind);
	CHECK_INT(send_str(req, out, sizeof out), 207);
	snprintf(req, sizeof req, "PROPFIND /cal/x y/ len=%zu depth=1 "
	    "peer=127.0.0.1\n%s", strlen(propfind), propfind);
	CHECK_STR(body_of(out), req);

	CHECK_INT(send_str("REPORT /cal/ HTTP/1.1\r\nHost: x\r\n"
	    "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
	    "5\r\n<a/>\n\r\n0\r\n\r\n", out, sizeof out), 207);
	CHECK_STR(body_of(out), "REPORT /cal/ len=5 depth=- peer=127.0.0.1\n"
	    "<a/>\n");
	CHECK_INT(send_str("MKCALENDAR /cal/new/ HTTP/1.1\r\nHost: x\r\n"
	    "Connection: close\r\n\r\n", out, sizeof out), 207);
	CHECK(strncmp(body_of(out), "MKCALENDAR /cal/new/ len=0", 26) == 0);
	CHECK_INT(send_str("GET /noanswer HTTP/1.1\r\nHost: x\r\n"
	    "Connection: close\r\n\r\n", out, sizeof out), 500);
}

static void
test_limits(void)
{
	char	 out[8192], *req, *big, *p;
	int	 n;

	/* Announced too big: 413 at once, without sending the body. */
	CHECK_INT(send_str("PUT /cal/a.ics HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: 100000000\r\nConnection: close\r\n\r\n", out,
	    sizeof out), 413);
	/* Exactly the limit is fine; one byte more is not, chunked. */
	big = malloc(4097);
	memset(big, 'a', 4096);
	big[4096] = '\0';
	n = asprintf(&req, "PUT /cal/b.ics HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: 4096\r\nConnection: close\r\n\r\n%s", big);
	CHECK_INT(roundtrip(req, (size_t)n, out, sizeof out), 207);
	CHECK(strstr(out, "len=4096") != NULL);
	free(req);
	n = asprintf(&req, "PUT /cal/c.ics HTTP/1.1\r\nHost: x\r\n"
	    "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
	    "1000\r\n%s\r\n1\r\nb\r\n0\r\n\r\n", big);
	CHECK_INT(roundtrip(req, (size_t)n, out, sizeof out), 413);
	free(req);
	/* httpd_on_too_big's own 413, announced and chunked; else plain. */
	CHECK_INT(send_str("PUT /own/a.ics HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: 100000000\r\nConnection: close\r\n\r\n", out,
	    sizeof out), 413);
	CHECK(strcmp(body_of(out), "own 413") == 0);
	n = asprintf(&req, "PUT /own/c.ics HTTP/1.1\r\nHost: x\r\n"
	    "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
	    "1000\r\n%s\r\n1\r\nb\r\n0\r\n\r\n", big);
	CHECK_INT(roundtrip(req, (size_t)n, out, sizeof out), 413);
	CHECK(strcmp(body_of(out), "own 413") == 0);
	free(req);
	free(big);
	CHECK_INT(send_str("PUT /cal/a.ics HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: 100000000\r\nConnection: close\r\n\r\n", out,
	    sizeof out), 413);
	CHECK(strcmp(body_of(out), "request body too large\n") == 0);
	/* More header fields than max_headers. */
	big = malloc(20000);
	for (p = big, n = 0; n < 20; n++)
		p += sprintf(p, "X-H%d: v\r\n", n);
	n = asprintf(&req, "GET /hello HTTP/1.1\r\nHost: x\r\n%s"
	    "Connection: close\r\n\r\n", big);
	CHECK_INT(roundtrip(req, (size_t)n, out, sizeof out), 431);
	free(req);
	free(big);
	/* A header over the connection's memory. */
	big = malloc(20000);
	memset(big, 'h', 19999);
	big[19999] = '\0';
	n = asprintf(&req, "GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n"
	    "Connection: close\r\n\r\n", big);
	n = roundtrip(req, (size_t)n, out, sizeof out);
	CHECK(n == 431 || n == -1);
	free(req);
	free(big);
}

/* Two requests on one connection (the deadline is armed again between). */
static void
test_keepalive(void)
{
	static const char	 get[] = "GET /hello HTTP/1.1\r\n"
	    "Host: x\r\n\r\n";
	char			 out[512];
	ssize_t			 n;
	int			 fd;

	if ((fd = dial()) == -1) {
		CHECK(0);
		return;
	}
	CHECK(write(fd, get, sizeof get - 1) == sizeof get - 1);
	n = read(fd, out, sizeof out - 1);
	CHECK(n > 0 && strncmp(out, "HTTP/1.1 200", 12) == 0);
	CHECK(write(fd, get, sizeof get - 1) == sizeof get - 1);
	n = read(fd, out, sizeof out - 1);
	CHECK(n > 0 && strncmp(out, "HTTP/1.1 200", 12) == 0);
	/* Then silent: closed at the header deadline. */
	CHECK(slurp(fd, out, sizeof out) == 0);
	close(fd);
}

static void
test_defer(void)
{
	char	 out[8192];

	CHECK_INT(send_str("GET /defer HTTP/1.1\r\nHost: x\r\n"
	    "Connection: close\r\n\r\n", out, sizeof out), 200);
	CHECK_STR(body_of(out), "deferred\n");
	CHECK(strstr(out, "X-Answered-By: worker\r\n") != NULL);
}

/* Many clients at once, each answered by its own worker thread. */
static void *
quick_client(void *arg)
{
	char	 out[512];
	int	*ok = arg;

	for (int i = 0; i < 25; i++)
		if (send_str("GET /quick HTTP/1.1\r\nHost: x\r\n"
		    "Connection: close\r\n\r\n", out, sizeof out) == 200 &&
		    strcmp(body_of(out), "quick\n") == 0)
			++*ok;
	return NULL;
}

static void
test_defer_many(void)
{
	pthread_t	t[6];
	int		ok[6] = { 0 }, sum = 0;

	for (int i = 0; i < 6; i++)
		pthread_create(&t[i], NULL, quick_client, &ok[i]);
	for (int i = 0; i < 6; i++) {
		pthread_join(t[i], NULL);
		sum += ok[i];
	}
	CHECK_INT(sum, 6 * 25);
}

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * A client that stops in the middle of its body is closed after the
 * inactivity timeout; others are served meanwhile, and the loop's timer
 * keeps ticking.
 */
static void
test_slow(void)
{
	char	 out[8192];
	int	 fd, t0;
	double	 start;
	ssize_t	 n;

	if ((fd = dial()) == -1) {
		CHECK(0);
		return;
	}
	n = write(fd, "PUT /x HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n"
	    "\r\nab", 51);
	CHECK_INT(n, 51);
	start = now();
	t0 = __atomic_load_n(&ticks, __ATOMIC_RELAXED);
	CHECK_INT(send_str("GET /hello HTTP/1.1\r\nHost: x\r\n"
	    "Connection: close\r\n\r\n", out, sizeof out), 200);
	n = slurp(fd, out, sizeof out);
	CHECK(n == 0 || (n > 0 && strncmp(out, "HTTP/1.1 408", 12) == 0));
	CHECK(now() - start < 4.5);
	CHECK(now() - start > 1.5);
	CHECK(__atomic_load_n(&ticks, __ATOMIC_RELAXED) - t0 >= 10);
	close(fd);
}

/*
 * A client that sends its header a line now and then, never silent for
 * the timeout, is closed at the header deadline.
 */
static void
test_drip(void)
{
	struct pollfd	 pfd;
	char		 buf[256];
	int		 fd, i, closed = 0;
	double		 start;

	if ((fd = dial()) == -1) {
		CHECK(0);
		return;
	}
	start = now();
	CHECK(write(fd, "GET /hello HTTP/1.1\r\n", 21) == 21);
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (i = 0; i < 20 && !closed; i++) {
		if (write(fd, "X-A: b\r\n", 8) != 8 ||
		    (poll(&pfd, 1, 250) == 1 && read(fd, buf, sizeof buf) <= 0))
			closed = 1;
	}
	CHECK(closed);
	CHECK(now() - start > 0.9);
	CHECK(now() - start < 2.5);
	close(fd);
}

/*
 * max_conns open (and silent): the next waits in the kernel's queue,
 * unanswered, until some close; then it is served.
 */
static void
test_conn_limit(void)
{
	static const char	 get[] = "GET /hello HTTP/1.1\r\nHost: x\r\n"
	    "Connection: close\r\n\r\n";
	struct pollfd		 pfd;
	char			 out[256];
	int			 fds[8], fd, i, ok = 1;

	for (i = 0; i < 8; i++)
		ok &= (fds[i] = dial()) != -1;
	CHECK(ok);
	usleep(100 * 1000);
	if ((fd = dial()) == -1) {
		CHECK(0);
		return;
	}
	CHECK(write(fd, get, sizeof get - 1) == sizeof get - 1);
	pfd.fd = fd;
	pfd.events = POLLIN;
	CHECK_INT(poll(&pfd, 1, 300), 0);
	for (i = 0; i < 8; i++)
		if (fds[i] != -1)
			close(fds[i]);
	CHECK(slurp(fd, out, sizeof out) > 0);
	CHECK(strncmp(out, "HTTP/1.1 200", 12) == 0);
	close(fd);
	CHECK_INT(send_str(get, out, sizeof out), 200);
}

/*
 * A client ending its side mid-request is closed at once, not at the
 * timeout; one ending it after a whole request still gets its answer.
 */
static void
test_half_close(void)
{
	static const char	 part[] = "POST /x HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: 100\r\n\r\nabc";
	static const char	 whole[] = "GET /hello HTTP/1.1\r\nHost: x\r\n"
	    "\r\n";
	char			 out[256];
	int			 fd;
	double			 start;

	if ((fd = dial()) == -1) {
		CHECK(0);
		return;
	}
	start = now();
	CHECK(write(fd, part, sizeof part - 1) == sizeof part - 1);
	shutdown(fd, SHUT_WR);
	CHECK(slurp(fd, out, sizeof out) == 0);
	CHECK(now() - start < 0.5);
	close(fd);
	if ((fd = dial()) == -1) {
		CHECK(0);
		return;
	}
	CHECK(write(fd, whole, sizeof whole - 1) == sizeof whole - 1);
	shutdown(fd, SHUT_WR);
	CHECK(slurp(fd, out, sizeof out) > 0);
	CHECK(strncmp(out, "HTTP/1.1 200", 12) == 0);
	close(fd);
}

/* A header over max_header bytes: 431; a body by reference, released. */
static void
test_ref_and_header(void)
{
	char	 out[4096], req[4096];

	snprintf(req, sizeof req, "GET /hello HTTP/1.1\r\nHost: x\r\n"
	    "X-Big: %03000d\r\nConnection: close\r\n\r\n", 0);
	CHECK_INT(send_str(req, out, sizeof out), 431);
	CHECK_INT(send_str("GET /ref HTTP/1.1\r\nHost: x\r\n"
	    "Connection: close\r\n\r\n", out, sizeof out), 200);
	CHECK(strcmp(body_of(out), shared) == 0);
	CHECK_INT(send_str("HEAD /ref HTTP/1.1\r\nHost: x\r\n"
	    "Connection: close\r\n\r\n", out, sizeof out), 200);
	CHECK(strstr(out, "Content-Length: 20\r\n") != NULL);
	CHECK(strcmp(body_of(out), "") == 0);
	usleep(50 * 1000);
	CHECK_INT(__atomic_load_n(&released, __ATOMIC_RELAXED), 2);
}

static void *
clients(void *arg)
{
	(void)arg;
	test_methods();
	test_limits();
	test_keepalive();
	test_defer();
	test_defer_many();
	test_slow();
	test_drip();
	test_conn_limit();
	test_half_close();
	test_ref_and_header();
	if (write(done_pipe[1], "x", 1) != 1)
		abort();
	return NULL;
}

/* If-Match compares strongly, If-None-Match weakly; "*" is any tag. */
static void
test_etag_in(void)
{
	CHECK(httpd_etag_in("\"a\"", "\"a\"", 0));
	CHECK(httpd_etag_in(" \"x\" , \"a\"", "\"a\"", 0));
	CHECK(!httpd_etag_in("\"ab\"", "\"a\"", 0));
	CHECK(!httpd_etag_in("\"a\"x", "\"a\"", 1));
	CHECK(!httpd_etag_in("W/\"a\"", "\"a\"", 0));
	CHECK(httpd_etag_in("W/\"a\"", "\"a\"", 1));
	CHECK(httpd_etag_in("*", "\"a\"", 0));
	CHECK(httpd_etag_in("\"b\", *", "\"a\"", 1));
	CHECK(!httpd_etag_in(NULL, "\"a\"", 1));
	CHECK(!httpd_etag_in("", "\"a\"", 1));
	CHECK(!httpd_etag_in(",,", "\"a\"", 1));
}

/* A feed's or a briefing's token never reaches the log. */
static void
test_log_path(void)
{
	char	buf[64];

	CHECK_STR(httpd_log_path("/feeds/abcdefghijklmnop.ics", buf,
	    sizeof buf), "/feeds/...");
	CHECK_STR(httpd_log_path("/briefing/abcdefgh.html", buf, sizeof buf),
	    "/briefing/...");
	CHECK_STR(httpd_log_path("/feeds/", buf, sizeof buf), "/feeds/");
	CHECK_STR(httpd_log_path("/dav/calendars/a/calendar/x.ics", buf,
	    sizeof buf), "/dav/calendars/a/calendar/x.ics");
	CHECK_STR(httpd_log_path("/feedsX/secret", buf, sizeof buf),
	    "/feedsX/secret");
	CHECK_STR(httpd_log_path("//feeds/abcdef.ics", buf, sizeof buf),
	    "//feeds/...");
	CHECK_STR(httpd_log_path("/x/../feeds/abcdef.ics", buf, sizeof buf),
	    "/x/../feeds/...");
	CHECK_STR(httpd_log_path("/dav/..\001feeds\001abc.ics", buf,
	    sizeof buf), "/dav/..\001feeds\001...");
	CHECK_STR(httpd_log_path(NULL, buf, sizeof buf), "");
}

/*
 * The URL decoded as kcald reads it: a '/' inside a segment is not one
 * between segments, a NUL does not cut the path short.
 */
static void
test_unescape(void)
{
	static const struct { const char *in, *out; } t[] = {
		{ "/dav/a%40b.ics", "/dav/a@b.ics" },
		{ "/dav/x%2Fy.ics", "/dav/x\001y.ics" },
		{ "/dav/x%2fy", "/dav/x\001y" },
		{ "/x%00y.ics", "/x\177y.ics" },
		{ "/x%01y", "/x\177y" },
		{ "/%zz%4", "/%zz%4" },
		{ "%e5%8c%97", "\345\214\227" },
		{ "", "" },
	};
	char	buf[64];

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		snprintf(buf, sizeof buf, "%s", t[i].in);
		CHECK_INT(httpd_unescape(buf), strlen(t[i].out));
		CHECK_STR(buf, t[i].out);
	}
}

int
main(void)
{
	struct event_base	*base;
	struct event		*tick, *done;
	struct httpd_limits	 lim;
	struct timeval		 tv = { 0, 50 * 1000 };
	pthread_t		 t;
	char			*cause = NULL;

	test_etag_in();
	test_log_path();
	test_unescape();
	base = event_base_new();
	httpd_limits_default(&lim);
	lim.max_body = 4096;
	lim.conn_memory = 16 * 1024;
	lim.max_conns = 8;
	lim.max_headers = 16;
	lim.timeout = 2;
	lim.header_timeout = 1;
	lim.max_header = 2048;
	srv = httpd_start(base, NULL, 0, &lim, handler, NULL, &cause);
	CHECK(srv != NULL);
	if (srv == NULL) {
		fprintf(stderr, "%s\n", cause);
		TEST_DONE();
	}
	httpd_on_too_big(srv, too_big_handler);
	port = httpd_port(srv);
	CHECK(port != 0);
	CHECK(httpd_start(base, "not-an-address", 0, &lim, handler, NULL,
	    &cause) == NULL);
	free(cause);

	tick = event_new(base, -1, EV_PERSIST, tick_cb, NULL);
	event_add(tick, &tv);
	if (pipe(done_pipe) == -1)
		return 1;
	done = event_new(base, done_pipe[0], EV_READ, done_cb, base);
	event_add(done, NULL);
	pthread_create(&t, NULL, clients, NULL);
	event_base_dispatch(base);
	pthread_join(t, NULL);

	httpd_stop(srv);
	event_free(tick);
	event_free(done);
	event_base_free(base);
	close(done_pipe[0]);
	close(done_pipe[1]);
	TEST_DONE();
}
