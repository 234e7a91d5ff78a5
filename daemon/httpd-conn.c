/*
 * httpd-conn.c — the HTTP server's connections, as httpd.c counts and
 * watches them (MHD's socket context: struct hconn).
 *
 * MHD times a connection out only after a silence: a client sending a byte
 * now and then would hold it for ever.  So each connection has a deadline
 * for each request's header (header_timeout, as the feeds have had since
 * evhttp): armed when MHD takes the connection and after each request; and
 * one for its body (body_timeout), armed when MHD hands over a complete
 * header and cleared when the body is in (a body sent a byte a second
 * held a connection for good, and enough of them the whole port); when
 * either passes, the socket is shut down and MHD, seeing it end, closes
 * the connection.
 *
 * The count of open connections pauses accepting at max_conns
 * (httpd-listen.c) and resumes it when one closes.
 */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <pthread.h>
#include <stdlib.h>

#include <event2/event.h>
#include <microhttpd.h>

#include "httpd.h"
#include "httpd-conn.h"
#include "httpd-listen.h"
#include "log.h"
#include "xmalloc.h"

/* One connection (MHD's socket context): its deadline, the peer's end. */
struct hconn {
	struct httpd		*h;
	struct event		*deadline;
	int			 waits_for;	/* HTTPD_DEADLINE_* */
	struct event		*closed;	/* the peer's end of sending */
	struct event		*recheck;	/* after MHD has read */
	int			 fd;
	int			 busy;		/* a request is being answered */
	int			 peer_closed;
};

static void
deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hconn	*c = arg;

	(void)fd;
	(void)what;
	if (c->waits_for == HTTPD_DEADLINE_BODY)
		log_debug("httpd: no complete request body in %u s "
		    "(body_timeout); connection closed", c->h->lim.body_timeout);
	else
		log_debug("httpd: no complete request header in %u s "
		    "(header_timeout); connection closed",
		    c->h->lim.header_timeout);
	shutdown(c->fd, SHUT_RDWR);	/* MHD sees the end, and closes */
}

static struct hconn *
hconn_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo	*ci;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci != NULL ? ci->socket_context : NULL;
}

/* Arm the connection's deadline for a header or a body, or clear it. */
void
httpd_conn_deadline(struct MHD_Connection *conn, int what)
{
	struct hconn	*c = hconn_of(conn);
	struct timeval	 tv;
	unsigned	 secs;

	if (c == NULL)
		return;
	secs = what == HTTPD_DEADLINE_HEADER ? c->h->lim.header_timeout :
	    what == HTTPD_DEADLINE_BODY ? c->h->lim.body_timeout : 0;
	c->waits_for = what;
	if (secs == 0) {
		evtimer_del(c->deadline);
		return;
	}
	tv.tv_sec = secs;
	tv.tv_usec = 0;
	evtimer_add(c->deadline, &tv);
}

/*
 * The peer has ended its side.  MHD, woken once by epoll (edge-triggered)
 * for the last bytes and the end together, reads the bytes and never sees
 * the end: a half-sent request would hold the connection until the
 * inactivity timeout.  So, unless a request is being answered (a client
 * may send its request and shut its side, then read), the socket is shut
 * down and MHD, woken again, closes it; after an answer, likewise.  Bytes
 * MHD has yet to read may be a whole request: look again on the next turn
 * of the loop, once MHD has run.
 */
static void
closed_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hconn	*c = arg;
	struct timeval	 tv = { 0, 0 };
	int		 unread = 0;

	(void)what;
	c->peer_closed = 1;
	if (c->busy)
		return;
	if (ioctl(fd, FIONREAD, &unread) == 0 && unread > 0)
		evtimer_add(c->recheck, &tv);
	else
		shutdown(fd, SHUT_RDWR);
}

static void
recheck_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hconn	*c = arg;

	(void)fd;
	(void)what;
	if (!c->busy)
		shutdown(c->fd, SHUT_RDWR);
}

void
httpd_conn_busy(struct MHD_Connection *conn)
{
	struct hconn	*c = hconn_of(conn);

	if (c != NULL)
		c->busy = 1;
}

void
httpd_conn_idle(struct MHD_Connection *conn)
{
	struct hconn	*c = hconn_of(conn);

	if (c == NULL)
		return;
	c->busy = 0;
	if (c->peer_closed)
		shutdown(c->fd, SHUT_RDWR);
}

void
httpd_conn_notify(void *arg, struct MHD_Connection *conn, void **sctx,
    enum MHD_ConnectionNotificationCode what)
{
	struct httpd			*h = arg;
	struct hconn			*c = *sctx;
	const union MHD_ConnectionInfo	*ci;

	if (what == MHD_CONNECTION_NOTIFY_CLOSED) {
		if (h->nconns-- == h->lim.max_conns)
			httpd_listen_full(h->listen, 0);
		if (c != NULL) {
			event_free(c->deadline);
			if (c->closed != NULL)
				event_free(c->closed);
			event_free(c->recheck);
			free(c);
		}
		*sctx = NULL;
		return;
	}
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	c = xcalloc(1, sizeof *c);
	c->h = h;
	c->fd = ci != NULL ? ci->connect_fd : -1;
	if ((c->deadline = evtimer_new(h->base, deadline_cb, c)) == NULL ||
	    (c->recheck = evtimer_new(h->base, recheck_cb, c)) == NULL)
		fatalx("httpd: out of memory for a connection");
	*sctx = c;
	httpd_conn_deadline(conn, HTTPD_DEADLINE_HEADER);
	if (c->fd != -1 && (c->closed = event_new(h->base, c->fd, EV_CLOSED,
	    closed_cb, c)) != NULL)
		event_add(c->closed, NULL);
	if (++h->nconns == h->lim.max_conns) {
		log_warnx("http: %u connections open (http_max_connections); "
		    "accepting paused", h->nconns);
		httpd_listen_full(h->listen, 1);
	}
}
