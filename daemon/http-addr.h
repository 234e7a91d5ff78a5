/*
 * http-addr.h — the --http setting (http-addr.c): where kcald serves its
 * feeds, and the base of the URLs it hands out.  Apart from http.h so that
 * what builds a feed's URL (feed-def.c) needs nothing of the server.
 */
#ifndef KCAL_HTTP_ADDR_H
#define KCAL_HTTP_ADDR_H

#define HTTP_DEFAULT_ADDR	"127.0.0.1"
#define HTTP_DEFAULT_PORT	8765

int		 http_parse(const char *, char **, unsigned *, char **);
char		*http_base_url(const char *);

#endif
