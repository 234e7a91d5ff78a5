/*
 * json-raw.h — a member of a reply that is JSON text already (a list's
 * events, written straight from its rows: event-write.c), carried in the
 * reply's json_t and written as it is when the reply is encoded.
 */
#ifndef KCAL_JSON_RAW_H
#define KCAL_JSON_RAW_H

#include <stddef.h>

#include <jansson.h>

/* A growing block of bytes: a reply, or a part of one. */
struct jbuf {
	char	*p;
	size_t	 len, cap;
};

void	 jbuf_add(struct jbuf *, const char *, size_t);
void	 jbuf_str(struct jbuf *, const char *);
int	 jbuf_dump_cb(const char *, size_t, void *);

json_t	*json_raw(const struct jbuf *);
int	 json_raw_dump(json_t *, json_dump_callback_t, void *);

#endif
