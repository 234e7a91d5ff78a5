/*
 * http.h — kcald's HTTP server for the iCalendar feeds (http.c, on
 * httpd.c's libmicrohttpd server in the daemon's event loop; http-route.c
 * answers each request, http-addr.c reads the --http setting).
 */
#ifndef KCAL_HTTP_H
#define KCAL_HTTP_H

struct server;
struct http;
struct httpd_req;
struct httpd_resp;

struct http	*http_start(struct server *, char **);
void		 http_free(struct http *);
void		 http_reply_synced(struct server *, struct httpd_req *,
		    struct httpd_resp *);

#endif
