/*
 * http-route.h — the answer to one HTTP request: a feed, a briefing page,
 * the index or a 404 (http-route.c).  http.c owns the connections.
 */
#ifndef KCAL_HTTP_ROUTE_H
#define KCAL_HTTP_ROUTE_H

struct server;
struct httpd_req;

void	 http_route(struct server *, struct httpd_req *);

#endif
