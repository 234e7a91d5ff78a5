/*
 * httpd-listen.c — the HTTP server's listening socket, accepted from on
 * the daemon's event loop (a libevent evconnlistener) rather than by
 * libmicrohttpd: MHD, out of descriptors with no connection open, retries
 * accept() on every run and the loop would spin at full CPU.  Here an
 * accept() failing for want of descriptors or memory pauses accepting for
 * a second, as the Unix socket's listener does (server.c); and at the
 * connection cap (httpd_listen_full, told by httpd.c, which counts what MHD
 * opens and closes) accepting pauses until a connection goes: the kernel's
 * queue holds the rest.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "httpd-listen.h"
#include "log.h"
#include "xmalloc.h"

struct httpd_listen {
	struct evconnlistener	*lev;
	struct event		*ev_resume;
	httpd_accept_cb		 cb;
	void			*arg;
	unsigned		 port;
	int			 full;		/* paused at the cap */
	int			 waiting;	/* paused, out of descriptors */
};

static void
maybe_resume(struct httpd_listen *l)
{
	if (!l->full && !l->waiting)
		evconnlistener_enable(l->lev);
}

static void
accept_cb(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct httpd_listen	*l = arg;

	(void)lev;
	l->cb(l->arg, fd, sa, (socklen_t)salen);
}

static void
resume_cb(evutil_socket_t fd, short what, void *arg)
{
	struct httpd_listen	*l = arg;

	(void)fd;
	(void)what;
	l->waiting = 0;
	maybe_resume(l);
}

static void
error_cb(struct evconnlistener *lev, void *arg)
{
	struct httpd_listen	*l = arg;
	struct timeval		 tv = { 1, 0 };
	int			 err = EVUTIL_SOCKET_ERROR();

	if (err != EMFILE && err != ENFILE && err != ENOBUFS &&
	    err != ENOMEM) {
		log_warnx("http: accept: %s", strerror(err));
		return;
	}
	log_warnx("http: accept: %s; pausing for a second", strerror(err));
	evconnlistener_disable(lev);
	l->waiting = 1;
	evtimer_add(l->ev_resume, &tv);
}

/*
 * Answers go out at once (TCP_NODELAY), set on the listening socket, whose
 * connections inherit it (Linux, the BSDs): once, not a call per request.
 */
static void
no_delay(int fd)
{
	int	one = 1;

	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0)
		log_warn("http: TCP_NODELAY");
}

static unsigned
bound_port(int fd)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof ss;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		return 0;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

/* Listen on addr (numeric) and port (0: any free one). */
struct httpd_listen *
httpd_listen_new(struct event_base *base, const char *addr, unsigned port,
    httpd_accept_cb cb, void *arg, char **cause)
{
	struct httpd_listen	*l;
	struct addrinfo		 hints, *ai;
	char			 serv[16];
	int			 e;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	snprintf(serv, sizeof serv, "%u", port);
	if ((e = getaddrinfo(addr, serv, &hints, &ai)) != 0) {
		xasprintf(cause, "%s: %s", addr, gai_strerror(e));
		return NULL;
	}
	l = xcalloc(1, sizeof *l);
	l->cb = cb;
	l->arg = arg;
	l->lev = evconnlistener_new_bind(base, accept_cb, l,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC | LEV_OPT_REUSEABLE,
	    SOMAXCONN, ai->ai_addr, (int)ai->ai_addrlen);
	freeaddrinfo(ai);
	if (l->lev == NULL) {
		xasprintf(cause, "%s", strerror(errno));
		free(l);
		return NULL;
	}
	if ((l->ev_resume = evtimer_new(base, resume_cb, l)) == NULL)
		fatalx("http: evtimer_new failed");
	evconnlistener_set_error_cb(l->lev, error_cb);
	no_delay(evconnlistener_get_fd(l->lev));
	l->port = bound_port(evconnlistener_get_fd(l->lev));
	return l;
}

unsigned
httpd_listen_port(const struct httpd_listen *l)
{
	return l->port;
}

/* At the cap (full) or under it again. */
void
httpd_listen_full(struct httpd_listen *l, int full)
{
	if (l == NULL || full == l->full)
		return;
	l->full = full;
	if (full)
		evconnlistener_disable(l->lev);
	else
		maybe_resume(l);
}

void
httpd_listen_free(struct httpd_listen *l)
{
	if (l == NULL)
		return;
	evconnlistener_free(l->lev);
	event_free(l->ev_resume);
	free(l);
}
