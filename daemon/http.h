/*
 * http.h — kcald's HTTP server for the iCalendar feeds (http.c, libevent's
 * evhttp on the daemon's event base).
 */
#ifndef KCAL_HTTP_H
#define KCAL_HTTP_H

#define HTTP_DEFAULT_ADDR	"127.0.0.1"
#define HTTP_DEFAULT_PORT	8765

struct server;
struct http;

struct http	*http_start(struct server *, char **);
void		 http_free(struct http *);
int		 http_parse(const char *, char **, unsigned *, char **);
char		*http_base_url(const char *);

#endif
