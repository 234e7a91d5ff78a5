/* conn.h — kcal's blocking connection to kcald: one request, one reply. */
#ifndef KCAL_CONN_H
#define KCAL_CONN_H

#include <jansson.h>

#define CONN_TIMEOUT	10	/* seconds: kcal --timeout's default */

struct conn;

void		 conn_default_timeout(unsigned);
void		 conn_set_timeout(struct conn *, unsigned);
struct conn	*conn_open(const char *, char **);
void		 conn_close(struct conn *);
json_t		*conn_read(struct conn *, char **);
json_t		*conn_call(struct conn *, json_t *, char **);
typedef void	(*conn_progress_cb)(json_t *, void *);
json_t		*conn_call_cb(struct conn *, json_t *, conn_progress_cb, void *,
		     char **);
json_t		*conn_call_bytes(struct conn *, json_t *, const char *, size_t,
		    conn_progress_cb, void *, char **);
int		 conn_write_all(int, const char *, size_t);

#endif
