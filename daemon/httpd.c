/*
 * httpd.c — kcald's HTTP server on GNU libmicrohttpd (MHD), driven by the
 * daemon's libevent loop: no thread of MHD's own.
 *
 * MHD runs in its "external" epoll mode: it keeps its listening socket and
 * its connections in one epoll descriptor, which this module watches with
 * a persistent EV_READ event; MHD_get_timeout says when MHD must run even
 * if nothing is readable (a connection's inactivity timeout, data already
 * buffered), which is a libevent timer.  Each time either fires, MHD_run
 * does the work and the timer is armed again.
 *
 * MHD hands the request over piece by piece; this module collects the body
 * (at most max_body bytes: a longer one is 413) and calls the one callback
 * with the whole request.  The callback answers at once, or defers: the
 * connection is then suspended (MHD watches it no more, nor times it out)
 * until httpd_reply, which may come from another thread: it stores the
 * answer and resumes the connection.  MHD_ALLOW_SUSPEND_RESUME gives MHD
 * a wake-up channel of its own, in its epoll set, but MHD's manual
 * promises an external loop nothing about waking after a resume from
 * another thread, so the module does not count on it and has its own: an
 * eventfd that httpd_reply writes and the loop reads, then runs MHD,
 * which asks again on the loop's thread and gets the stored answer
 * queued.  A mutex orders the two threads' view of the request's state.
 *
 * The listening socket is the loop's (httpd-listen.c), each connection
 * it accepts handed to MHD; the connections' header deadlines and their
 * count against max_conns are httpd-conn.c's.
 *
 * MHD (0.9.75) cannot queue an answer in the middle of a body: a body over
 * max_body announced by Content-Length is refused at once, a chunked one
 * is read to its end and discarded, then refused.
 */
#include <sys/types.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <microhttpd.h>

#include "clock.h"
#include "httpd.h"
#include "httpd-conn.h"
#include "httpd-listen.h"
#include "log.h"
#include "xmalloc.h"

#define DRAIN_MS	2000	/* httpd_stop: answers still going out */

enum req_state {
	REQ_BODY,		/* collecting the body */
	REQ_TOO_BIG,		/* the body is over max_body: discarding */
	REQ_CALLED,		/* in the callback */
	REQ_DEFERRED,		/* the callback deferred its answer */
	REQ_SUSPENDED,		/* waiting for httpd_reply */
	REQ_RESUMED,		/* answered: MHD has yet to ask again */
	REQ_DONE		/* the answer is queued */
};

struct httpd_req {
	struct httpd		*h;
	struct MHD_Connection	*conn;
	const char		*method, *url;
	char			*body;
	size_t			 len, cap;
	struct httpd_resp	*resp;		/* a deferred answer */
	enum req_state		 state;
	char			 peer[NI_MAXHOST];
};

struct httpd_resp {
	unsigned		 status;
	struct MHD_Response	*mhd;
};

void
httpd_limits_default(struct httpd_limits *lim)
{
	lim->max_body = 1024 * 1024;
	lim->conn_memory = 32 * 1024;
	lim->max_header = 0;
	lim->max_conns = 256;
	lim->max_headers = 64;
	lim->timeout = 30;
	lim->header_timeout = 10;
	lim->body_timeout = 30;
}

/* MHD's messages, into our log: most are about what a client sent. */
static void
mhd_log(void *arg, const char *fmt, va_list ap)
{
	char	buf[512];

	(void)arg;
	vsnprintf(buf, sizeof buf, fmt, ap);
	buf[strcspn(buf, "\n")] = '\0';
	log_debug("httpd: %s", buf);
}

/* Run MHD, then arm the timer for when it must run again. */
static void
run(struct httpd *h)
{
	MHD_UNSIGNED_LONG_LONG	ms;
	struct timeval		tv;

	MHD_run(h->mhd);
	if (MHD_get_timeout(h->mhd, &ms) != MHD_YES) {
		evtimer_del(h->ev_timer);
		return;
	}
	tv.tv_sec = (time_t)(ms / 1000);
	tv.tv_usec = (suseconds_t)(ms % 1000) * 1000;
	evtimer_add(h->ev_timer, &tv);
}

static void
epoll_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	run(arg);
}

/* httpd_reply resumed a connection: run MHD. */
static void
wake_cb(evutil_socket_t fd, short what, void *arg)
{
	uint64_t	n;

	(void)what;
	if (read(fd, &n, sizeof n) == -1)
		log_debug("httpd: wake-up read: nothing pending");
	run(arg);
}

/* --- responses ------------------------------------------------------- */

struct httpd_resp *
httpd_resp(unsigned status, const void *body, size_t len)
{
	struct httpd_resp	*r;

	r = xmalloc(sizeof *r);
	r->status = status;
	r->mhd = MHD_create_response_from_buffer(len,
	    (void *)(uintptr_t)(body != NULL ? body : ""),
	    MHD_RESPMEM_MUST_COPY);
	if (r->mhd == NULL)
		fatalx("httpd: out of memory for a response");
	return r;
}

/* The body by reference: release(arg) when MHD is done with it. */
struct httpd_resp *
httpd_resp_ref(unsigned status, const void *body, size_t len,
    void (*release)(void *), void *arg)
{
	struct httpd_resp	*r;

	r = xmalloc(sizeof *r);
	r->status = status;
	r->mhd = MHD_create_response_from_buffer_with_free_callback_cls(len,
	    (void *)(uintptr_t)body, release, arg);
	if (r->mhd == NULL)
		fatalx("httpd: out of memory for a response");
	return r;
}

/* 0, or -1 if MHD refuses the field (a bad name or value). */
int
httpd_resp_header(struct httpd_resp *r, const char *name, const char *value)
{
	return MHD_add_response_header(r->mhd, name, value) == MHD_YES ? 0 : -1;
}

void
httpd_resp_free(struct httpd_resp *r)
{
	if (r == NULL)
		return;
	MHD_destroy_response(r->mhd);
	free(r);
}

/* Queue the answer (the connection takes its own reference). */
static enum MHD_Result
queue(struct httpd_req *q, struct httpd_resp *r)
{
	enum MHD_Result	ret;

	httpd_conn_busy(q->conn);
	ret = MHD_queue_response(q->conn, r->status, r->mhd);
	httpd_resp_free(r);
	q->state = REQ_DONE;
	q->h->sending++;	/* until completed_cb */
	return ret;
}

static enum MHD_Result
queue_text(struct httpd_req *q, unsigned status, const char *text)
{
	struct httpd_resp	*r = httpd_resp(status, text, strlen(text));

	httpd_resp_header(r, "Content-Type", "text/plain; charset=utf-8");
	return queue(q, r);
}

void
httpd_reply(struct httpd_req *q, struct httpd_resp *r)
{
	struct httpd	*h = q->h;
	uint64_t	 one = 1;
	int		 wake = 0;
	char		 path[256];

	pthread_mutex_lock(&h->mtx);
	if (q->resp != NULL || q->state == REQ_DONE ||
	    q->state == REQ_RESUMED) {
		pthread_mutex_unlock(&h->mtx);
		log_warnx("httpd: %s %s answered twice", q->method,
		    httpd_log_path(q->url, path, sizeof path));
		httpd_resp_free(r);
		return;
	}
	q->resp = r;
	if (q->state == REQ_SUSPENDED) {
		q->state = REQ_RESUMED;
		MHD_resume_connection(q->conn);
		wake = 1;
	}
	pthread_mutex_unlock(&h->mtx);
	if (wake && write(h->wake_fd, &one, sizeof one) != sizeof one)
		log_warn("httpd: wake-up write");
}

void
httpd_reply_text(struct httpd_req *q, unsigned status, const char *text)
{
	struct httpd_resp	*r = httpd_resp(status, text, strlen(text));

	httpd_resp_header(r, "Content-Type", "text/plain; charset=utf-8");
	httpd_reply(q, r);
}

void
httpd_defer(struct httpd_req *q)
{
	pthread_mutex_lock(&q->h->mtx);
	if (q->state == REQ_CALLED)
		q->state = REQ_DEFERRED;
	pthread_mutex_unlock(&q->h->mtx);
}

int
httpd_may_defer(struct httpd_req *q)
{
	int	may;

	pthread_mutex_lock(&q->h->mtx);
	may = q->state == REQ_CALLED || q->state == REQ_DEFERRED ||
	    q->state == REQ_SUSPENDED;
	pthread_mutex_unlock(&q->h->mtx);
	return may;
}

/* --- the request ----------------------------------------------------- */

const char *
httpd_method(const struct httpd_req *q)
{
	return q->method;
}

const char *
httpd_url(const struct httpd_req *q)
{
	return q->url;
}

const char *
httpd_header(const struct httpd_req *q, const char *name)
{
	return MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, name);
}

/* The body, NUL-terminated (a NUL inside is the caller's to judge). */
const char *
httpd_body(const struct httpd_req *q, size_t *len)
{
	*len = q->len;
	return q->body != NULL ? q->body : "";
}

const char *
httpd_peer(const struct httpd_req *q)
{
	return q->peer;
}

/*
 * Does an If-Match / If-None-Match list (entity-tags, comma-separated, or
 * "*") name etag?  weak: the weak comparison of If-None-Match (a W/ tag
 * matches its strong twin); else the strong one of If-Match (RFC 9110
 * 8.8.3.2), where a weak tag matches nothing.
 */
int
httpd_etag_in(const char *list, const char *etag, int weak)
{
	char	*copy, *tok, *save = NULL;
	int	 hit = 0;

	if (list == NULL)
		return 0;
	copy = xstrdup(list);
	for (tok = strtok_r(copy, ",", &save); tok != NULL && !hit;
	    tok = strtok_r(NULL, ",", &save)) {
		tok += strspn(tok, " \t");
		tok[strcspn(tok, " \t")] = '\0';
		if (strcmp(tok, "*") == 0) {
			hit = 1;
			break;
		}
		if (strncmp(tok, "W/", 2) == 0) {
			if (!weak)
				continue;
			tok += 2;
		}
		hit = strcmp(tok, etag) == 0;
	}
	free(copy);
	return hit;
}

unsigned
httpd_header_count(const struct httpd_req *q)
{
	int	n;

	n = MHD_get_connection_values(q->conn, MHD_HEADER_KIND, NULL, NULL);
	return n > 0 ? (unsigned)n : 0;
}

static struct httpd_req *
req_new(struct httpd *h, struct MHD_Connection *conn, const char *url,
    const char *method)
{
	struct httpd_req		*q;
	const union MHD_ConnectionInfo	*ci;
	const struct sockaddr		*sa;
	socklen_t			 salen;

	q = xcalloc(1, sizeof *q);
	q->h = h;
	q->conn = conn;
	q->url = url;
	q->method = method;
	q->state = REQ_BODY;
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci != NULL && (sa = ci->client_addr) != NULL) {
		salen = sa->sa_family == AF_INET6 ?
		    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
		if (getnameinfo(sa, salen, q->peer, sizeof q->peer, NULL, 0,
		    NI_NUMERICHOST) != 0)
			q->peer[0] = '\0';
	}
	return q;
}

/* Does the announced body exceed max_body? */
static int
announced_too_big(struct httpd *h, struct MHD_Connection *conn)
{
	const char		*cl;
	char			*end;
	unsigned long long	 n;

	cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl == NULL)
		return 0;
	n = strtoull(cl, &end, 10);
	return end != cl && n > h->lim.max_body;
}

/* More header fields than max_headers (MHD bounds only their size)? */
static int
too_many_headers(struct httpd *h, struct MHD_Connection *conn)
{
	int	n;

	n = MHD_get_connection_values(conn, MHD_HEADER_KIND, NULL, NULL);
	return h->lim.max_headers != 0 && n > 0 &&
	    (unsigned)n > h->lim.max_headers;
}

static enum MHD_Result
add_len(void *arg, enum MHD_ValueKind kind, const char *name,
    const char *value)
{
	size_t	*n = arg;

	(void)kind;
	*n += strlen(name) + (value != NULL ? strlen(value) : 0) + 4;
	return MHD_YES;
}

/* A header (line and fields) longer than max_header bytes? */
static int
header_too_long(struct httpd *h, struct MHD_Connection *conn,
    const char *url, const char *method)
{
	size_t	n;

	if (h->lim.max_header == 0)
		return 0;
	n = strlen(method) + strlen(url) + sizeof " HTTP/1.1\r\n";
	MHD_get_connection_values(conn, MHD_HEADER_KIND, add_len, &n);
	return n > h->lim.max_header;
}

/* Append to the body: -1 past max_body. */
static int
body_add(struct httpd_req *q, const char *data, size_t n)
{
	size_t	cap;

	if (n > q->h->lim.max_body - q->len)
		return -1;
	if (q->len + n + 1 > q->cap) {
		cap = q->cap != 0 ? q->cap : 1024;
		while (cap < q->len + n + 1)
			cap *= 2;
		q->body = xreallocarray(q->body, cap, 1);
		q->cap = cap;
	}
	memcpy(q->body + q->len, data, n);
	q->len += n;
	q->body[q->len] = '\0';
	return 0;
}

/* 413: httpd_on_too_big's answer, else the plain one. */
static enum MHD_Result
too_big(struct httpd_req *q)
{
	struct httpd		*h = q->h;
	struct httpd_resp	*r = NULL;
	char			 path[256];

	log_debug("httpd: %s %s from %s: body over %zu bytes", q->method,
	    httpd_log_path(q->url, path, sizeof path), q->peer,
	    h->lim.max_body);
	if (h->too_big_cb != NULL) {
		h->too_big_cb(h->arg, q);
		pthread_mutex_lock(&h->mtx);
		r = q->resp;
		q->resp = NULL;
		pthread_mutex_unlock(&h->mtx);
	}
	if (r != NULL)
		return queue(q, r);
	return queue_text(q, MHD_HTTP_CONTENT_TOO_LARGE, "request body too "
	    "large\n");
}

/*
 * cb is called for a request whose body is over max_body (its body then
 * empty), on the loop's thread: it may answer at once (httpd_reply, never
 * httpd_defer) with a 413 of its own; without an answer the plain one goes.
 */
void
httpd_on_too_big(struct httpd *h, httpd_cb cb)
{
	h->too_big_cb = cb;
}

/* The whole request is here: the callback's turn. */
static enum MHD_Result
dispatch(struct httpd *h, struct httpd_req *q)
{
	struct httpd_resp	*r;
	char			 path[256];

	q->state = REQ_CALLED;
	httpd_conn_busy(q->conn);
	h->cb(h->arg, q);
	pthread_mutex_lock(&h->mtx);
	if ((r = q->resp) != NULL) {
		q->resp = NULL;
		pthread_mutex_unlock(&h->mtx);
		return queue(q, r);
	}
	if (q->state == REQ_DEFERRED) {
		q->state = REQ_SUSPENDED;
		h->deferred++;
		MHD_suspend_connection(q->conn);
		pthread_mutex_unlock(&h->mtx);
		return MHD_YES;
	}
	pthread_mutex_unlock(&h->mtx);
	log_warnx("httpd: %s %s: no answer", q->method,
	    httpd_log_path(q->url, path, sizeof path));
	return queue_text(q, MHD_HTTP_INTERNAL_SERVER_ERROR, "no answer\n");
}

/* After a resume: the stored answer. */
static enum MHD_Result
resumed(struct httpd *h, struct httpd_req *q)
{
	struct httpd_resp	*r;

	pthread_mutex_lock(&h->mtx);
	r = q->resp;
	q->resp = NULL;
	h->deferred--;
	pthread_mutex_unlock(&h->mtx);
	return queue(q, r);
}

/*
 * MHD's access handler: called first with the header, then with each piece
 * of the body, then once more with none; again after a resume.
 */
static enum MHD_Result
access_cb(void *arg, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *data, size_t *size,
    void **ctx)
{
	struct httpd		*h = arg;
	struct httpd_req	*q = *ctx;

	(void)version;
	if (q == NULL) {
		httpd_conn_deadline(conn, HTTPD_DEADLINE_BODY);
		*ctx = q = req_new(h, conn, url, method);
		if (h->draining)	/* nothing of the server's is left */
			return queue_text(q, MHD_HTTP_SERVICE_UNAVAILABLE,
			    "kcald is stopping\n");
		if (too_many_headers(h, conn))
			return queue_text(q,
			    MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE,
			    "too many header fields\n");
		if (header_too_long(h, conn, url, method))
			return queue_text(q,
			    MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE,
			    "request header too large\n");
		if (announced_too_big(h, conn))
			return too_big(q);
		return MHD_YES;
	}
	if (*size != 0) {
		if (q->state == REQ_BODY && body_add(q, data, *size) == -1) {
			free(q->body);
			q->body = NULL;
			q->len = q->cap = 0;
			q->state = REQ_TOO_BIG;
		}
		*size = 0;
		return MHD_YES;
	}
	if (q->state == REQ_BODY || q->state == REQ_TOO_BIG)
		httpd_conn_deadline(conn, HTTPD_DEADLINE_OFF);	/* all in */
	switch (q->state) {
	case REQ_BODY:
		if (h->draining)
			return queue_text(q, MHD_HTTP_SERVICE_UNAVAILABLE,
			    "kcald is stopping\n");
		return dispatch(h, q);
	case REQ_TOO_BIG:
		return too_big(q);
	case REQ_RESUMED:
		return resumed(h, q);
	default:
		return MHD_YES;
	}
}

/* The request is over (answered, or its connection gone). */
static void
completed_cb(void *arg, struct MHD_Connection *conn, void **ctx,
    enum MHD_RequestTerminationCode why)
{
	struct httpd		*h = arg;
	struct httpd_req	*q = *ctx;

	(void)why;
	httpd_conn_idle(conn);
	httpd_conn_deadline(conn, HTTPD_DEADLINE_HEADER);	/* the next */
	if (q == NULL)
		return;
	if (q->state == REQ_DONE)
		h->sending--;
	/*
	 * A deferred request whose client left before its answer was sent:
	 * resumed, MHD found the connection gone and asked no more (resumed()
	 * never ran), so it was counted unanswered for good and every stop
	 * waited its whole drain for it.
	 */
	if (q->state == REQ_RESUMED || q->state == REQ_SUSPENDED) {
		pthread_mutex_lock(&h->mtx);
		h->deferred--;
		pthread_mutex_unlock(&h->mtx);
	}
	httpd_resp_free(q->resp);
	free(q->body);
	free(q);
	*ctx = NULL;
}

/* --- the server ------------------------------------------------------ */

/* httpd-listen.c accepted a connection: MHD's from now on. */
static void
accepted(void *arg, int fd, const struct sockaddr *sa, socklen_t salen)
{
	struct httpd	*h = arg;

	if (MHD_add_connection(h->mhd, fd, sa, salen) != MHD_YES)
		log_debug("httpd: a connection MHD could not take");
	run(h);
}

/* MHD's decoder of the URL: ours (httpd-path.c). */
static size_t
unescape_cb(void *arg, struct MHD_Connection *conn, char *s)
{
	(void)arg;
	(void)conn;
	return httpd_unescape(s);
}

/* MHD without a listening socket of its own: httpd-listen.c's. */
static struct MHD_Daemon *
mhd_start(struct httpd *h)
{
	unsigned	flags;

	flags = MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG |
	    MHD_USE_NO_LISTEN_SOCKET;
	return MHD_start_daemon(flags, 0, NULL, NULL, access_cb, h,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, h,
	    MHD_OPTION_CONNECTION_LIMIT, h->lim.max_conns,
	    MHD_OPTION_CONNECTION_TIMEOUT, h->lim.timeout,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, h->lim.conn_memory,
	    MHD_OPTION_NOTIFY_COMPLETED, completed_cb, h,
	    MHD_OPTION_NOTIFY_CONNECTION, httpd_conn_notify, h,
	    MHD_OPTION_UNESCAPE_CALLBACK, unescape_cb, h,
	    MHD_OPTION_END);
}

/* Listen on addr (NULL: loopback) and port (0: any free one). */
struct httpd *
httpd_start(struct event_base *base, const char *addr, unsigned port,
    const struct httpd_limits *lim, httpd_cb cb, void *arg, char **cause)
{
	struct httpd			*h;
	const union MHD_DaemonInfo	*di;
	char				*why = NULL;

	if (MHD_is_feature_supported(MHD_FEATURE_EPOLL) != MHD_YES) {
		*cause = xstrdup("libmicrohttpd was built without epoll");
		return NULL;
	}
	if (addr == NULL)
		addr = "127.0.0.1";
	h = xcalloc(1, sizeof *h);
	h->base = base;
	h->cb = cb;
	h->arg = arg;
	if (lim != NULL)
		h->lim = *lim;
	else
		httpd_limits_default(&h->lim);
	pthread_mutex_init(&h->mtx, NULL);
	h->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	h->mhd = h->wake_fd != -1 ? mhd_start(h) : NULL;
	if (h->mhd == NULL) {
		*cause = xstrdup("cannot start libmicrohttpd");
		httpd_stop(h);
		return NULL;
	}
	if ((h->listen = httpd_listen_new(base, addr, port, accepted, h,
	    &why)) == NULL) {
		xasprintf(cause, "cannot listen on %s port %u: %s", addr, port,
		    why);
		free(why);
		httpd_stop(h);
		return NULL;
	}
	h->port = httpd_listen_port(h->listen);
	di = MHD_get_daemon_info(h->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	h->ev_epoll = event_new(base, di->epoll_fd, EV_READ | EV_PERSIST,
	    epoll_cb, h);
	h->ev_timer = evtimer_new(base, epoll_cb, h);
	h->ev_wake = event_new(base, h->wake_fd, EV_READ | EV_PERSIST,
	    wake_cb, h);
	if (h->ev_epoll == NULL || h->ev_timer == NULL || h->ev_wake == NULL ||
	    event_add(h->ev_epoll, NULL) == -1 ||
	    event_add(h->ev_wake, NULL) == -1) {
		xasprintf(cause, "cannot watch the HTTP server's descriptor");
		httpd_stop(h);
		return NULL;
	}
	run(h);
	return h;
}

unsigned
httpd_port(const struct httpd *h)
{
	return h->port;
}

/*
 * kcald stops, its loop no longer runs: the answers given and not yet
 * sent go out (a CalDAV write's, given once the sync of its commit ended
 * in kcald's last steps, would otherwise be lost with its connection, the
 * write stored), for DRAIN_MS at most.  A request that comes meanwhile
 * gets 503: nothing of the server's is left to answer it.
 */
static void
drain(struct httpd *h)
{
	const union MHD_DaemonInfo	*di;
	struct pollfd			 pfd;
	int64_t				 end = clock_mono_ms() + DRAIN_MS;

	di = MHD_get_daemon_info(h->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	h->draining = 1;
	while ((h->deferred > 0 || h->sending > 0) && clock_mono_ms() < end) {
		MHD_run(h->mhd);	/* takes the resumed ones: no wake-up */
		pfd.fd = di->epoll_fd;
		pfd.events = POLLIN;
		(void)poll(&pfd, 1, 10);
	}
}

void
httpd_stop(struct httpd *h)
{
	if (h == NULL)
		return;
	if (h->mhd != NULL && h->ev_epoll != NULL)
		drain(h);
	if (h->ev_epoll != NULL)
		event_free(h->ev_epoll);
	if (h->ev_timer != NULL)
		event_free(h->ev_timer);
	if (h->ev_wake != NULL)
		event_free(h->ev_wake);
	httpd_listen_free(h->listen);
	h->listen = NULL;
	if (h->deferred != 0)
		log_warnx("httpd: stopping with %u requests unanswered",
		    h->deferred);
	if (h->mhd != NULL)
		MHD_stop_daemon(h->mhd);
	if (h->wake_fd != -1)
		close(h->wake_fd);
	pthread_mutex_destroy(&h->mtx);
	free(h);
}
