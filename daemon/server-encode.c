/*
 * server-encode.c — a reply's or a pushed message's bytes: its JSON
 * (a list's events already JSON text, json-raw.c) and a newline, in an
 * evbuffer ready to send.  Thread-safe: a read on a worker thread
 * (server-read.c) encodes its reply there, off the loop.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "json-raw.h"
#include "server.h"
#include "xmalloc.h"

/*
 * jansson hands the encoding over in pieces, a key or a comma at a time:
 * they are gathered here and given to the evbuffer a few kilobytes at a
 * time, as one evbuffer_add per piece costs more than the encoding.  A
 * list's events, JSON text already, come as one piece (json-raw.c).
 */
#define DUMP_BUF	(16 * 1024)
struct dump {
	struct evbuffer	*eb;
	size_t		 len;
	char		 buf[DUMP_BUF];
};

static int
dump_flush(struct dump *d)
{
	int	rc = d->len > 0 ? evbuffer_add(d->eb, d->buf, d->len) : 0;

	d->len = 0;
	return rc;
}

static int
dump_cb(const char *buf, size_t size, void *arg)
{
	struct dump	*d = arg;

	if (size > DUMP_BUF - d->len && dump_flush(d) != 0)
		return -1;
	if (size >= DUMP_BUF)
		return evbuffer_add(d->eb, buf, size);
	memcpy(d->buf + d->len, buf, size);
	d->len += size;
	return 0;
}

/* msg's encoding (not freed) and a newline, or NULL; thread-safe. */
struct evbuffer *
server_encode(json_t *msg)
{
	struct dump	*d = xmalloc(sizeof(*d));
	struct evbuffer	*eb = evbuffer_new();

	d->eb = eb;
	d->len = 0;
	if (eb == NULL || json_raw_dump(msg, dump_cb, d) != 0 ||
	    dump_cb("\n", 1, d) != 0 ||
	    dump_flush(d) != 0) {
		if (eb != NULL)
			evbuffer_free(eb);
		eb = NULL;
	}
	free(d);
	return eb;
}
