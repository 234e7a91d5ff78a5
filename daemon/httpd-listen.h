/*
 * httpd-listen.h — the HTTP server's listening socket (httpd-listen.c):
 * accepting on the event loop, paused at the connection cap or for a
 * second when out of descriptors.  httpd.c hands each socket to MHD.
 */
#ifndef KCAL_HTTPD_LISTEN_H
#define KCAL_HTTPD_LISTEN_H

#include <sys/types.h>
#include <sys/socket.h>

struct event_base;
struct httpd_listen;

typedef void	(*httpd_accept_cb)(void *, int, const struct sockaddr *,
		    socklen_t);

struct httpd_listen *httpd_listen_new(struct event_base *, const char *,
		    unsigned, httpd_accept_cb, void *, char **);
unsigned	 httpd_listen_port(const struct httpd_listen *);
void		 httpd_listen_full(struct httpd_listen *, int);
void		 httpd_listen_free(struct httpd_listen *);

#endif
