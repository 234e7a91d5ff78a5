/* conn.h — kcal's blocking connection to kcald: one request, one reply. */
#ifndef KCAL_CONN_H
#define KCAL_CONN_H

#include <jansson.h>

struct conn;

struct conn	*conn_open(const char *, char **);
void		 conn_close(struct conn *);
json_t		*conn_read(struct conn *, char **);
json_t		*conn_call(struct conn *, json_t *, char **);

#endif
