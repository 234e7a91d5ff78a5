/*
 * httpd-conn.h — what httpd.c (the server and its requests) and
 * httpd-conn.c (its connections: header deadlines, the peer's end, the
 * count against max_conns) share.  Not for the rest of the daemon: that
 * uses httpd.h.
 */
#ifndef KCAL_HTTPD_CONN_H
#define KCAL_HTTPD_CONN_H

#include <pthread.h>
#include <microhttpd.h>

#include "httpd.h"

struct event;
struct httpd_listen;

struct httpd {
	struct MHD_Daemon	*mhd;
	struct event_base	*base;
	struct event		*ev_epoll;
	struct event		*ev_timer;
	struct event		*ev_wake;
	int			 wake_fd;	/* eventfd: a reply came */
	httpd_cb		 cb;
	httpd_cb		 too_big_cb;	/* httpd_on_too_big */
	void			*arg;
	struct httpd_limits	 lim;
	unsigned		 port;
	unsigned		 deferred;	/* suspended connections */
	unsigned		 sending;	/* answers queued, not sent */
	int			 draining;	/* kcald stops (httpd_stop) */
	struct httpd_listen	*listen;	/* httpd-listen.c */
	unsigned		 nconns;	/* open connections */
	pthread_mutex_t		 mtx;
};

void	httpd_conn_notify(void *, struct MHD_Connection *, void **,
	    enum MHD_ConnectionNotificationCode);
/* What a connection's deadline waits for (httpd_conn_deadline). */
#define HTTPD_DEADLINE_OFF	0
#define HTTPD_DEADLINE_HEADER	1	/* lim.header_timeout */
#define HTTPD_DEADLINE_BODY	2	/* lim.body_timeout */
void	httpd_conn_deadline(struct MHD_Connection *, int);
void	httpd_conn_busy(struct MHD_Connection *);
void	httpd_conn_idle(struct MHD_Connection *);

#endif
