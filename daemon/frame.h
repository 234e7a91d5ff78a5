/*
 * frame.h — the daemon's side of the protocol's framing (frame.c):
 * proto_frame_eol()'s rule over a client's libevent input buffer, so that
 * kcald and kcal split a stream into lines by the same code.
 */
#ifndef KCAL_FRAME_H
#define KCAL_FRAME_H

#include <sys/types.h>
#include <stddef.h>

struct evbuffer;

ssize_t	 frame_next(struct evbuffer *, size_t *, size_t);
char	*frame_take(struct evbuffer *, size_t);

#endif
