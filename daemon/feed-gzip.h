/*
 * feed-gzip.h — a feed body gzipped in pieces (feed-gzip.c): a rebuild
 * hands in the body before and its pieces, and deflates only what changed.
 */
#ifndef KCAL_FEED_GZIP_H
#define KCAL_FEED_GZIP_H

#include <stddef.h>

struct gz_piece;

char	*feed_gzip(const char *, size_t, struct gz_piece **, size_t *,
	     const char *, struct gz_piece *, size_t, size_t *);
void	 feed_gzip_free(struct gz_piece *, size_t);

#endif
