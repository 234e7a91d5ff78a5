/*
 * frame.c — a client's requests out of its input buffer, one line at a
 * time, by the rule both sides share (proto_frame_eol).  A long request
 * (an import) arrives in many reads: the newline is searched for only in
 * what is new since the last call, or a line of hundreds of megabytes
 * would be scanned from its start thousands of times.
 */
#include <sys/types.h>
#include <string.h>

#include <event2/buffer.h>

#include "frame.h"
#include "kcal-protocol.h"
#include "log.h"
#include "xmalloc.h"

/*
 * The length of the first line in in (without its '\n'), PROTO_NEED_MORE
 * or PROTO_TOO_LONG (max bytes and no newline).  *scanned is the caller's
 * memory of how many bytes are known to hold no newline: 0 for a fresh
 * buffer, and left for the next call.
 */
ssize_t
frame_next(struct evbuffer *in, size_t *scanned, size_t max)
{
	size_t			len = evbuffer_get_length(in);
	struct evbuffer_ptr	p;
	ssize_t			n;

	if (*scanned > len)
		*scanned = 0;
	if (evbuffer_ptr_set(in, &p, *scanned, EVBUFFER_PTR_SET) != 0)
		p.pos = -1;
	else
		p = evbuffer_search_eol(in, &p, NULL, EVBUFFER_EOL_LF);
	n = proto_frame_eol(p.pos, len, max);
	*scanned = n == PROTO_NEED_MORE ? len : 0;
	return n;
}

/*
 * Remove the line of n bytes frame_next() found, and its newline, without
 * searching it again; the line is returned NUL-terminated (it may hold
 * NULs of its own).  n is within max_line, at most 1 GB (config.c), so
 * libevent's int count holds it.
 */
char *
frame_take(struct evbuffer *in, size_t n)
{
	char	*line = xmalloc(n + 1);

	if (evbuffer_remove(in, line, n) != (int)n || evbuffer_drain(in, 1) != 0)
		fatalx("frame_take: the buffer lost its line");
	line[n] = '\0';
	return line;
}
