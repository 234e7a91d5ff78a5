/*
 * feed-gzip.c — a feed body's gzip (RFC 1952), in pieces, so that a
 * rebuild deflates again only what changed.
 *
 * The body is cut between VEVENTs where an event's own bytes say so (about
 * one event in PIECE_EVERY, as rsync cuts data), so that a change moves no
 * cut but its neighbours'.  Each piece is deflated on its own and ends on a
 * byte boundary (a sync flush), so the pieces join into one deflate
 * stream, closed by an empty final block (as pigz joins its blocks); the
 * CRC is joined with crc32_combine().  A rebuild deflates only the pieces
 * whose bytes changed, or whose window did: each piece is deflated with
 * the 32 KB before it as its dictionary (without, the pieces compress
 * worse), so a change costs its piece and the next, not the whole body.  The same body gives the same gzip bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "feed-gzip.h"
#include "hash.h"
#include "log.h"
#include "xmalloc.h"

#define GZ_LEVEL	9
#define GZ_XFL		2		/* RFC 1952: "maximum compression" */
#define PIECE_EVERY	64		/* events per piece, on average */
#define PIECE_MIN	(32 * 1024)
#define PIECE_MAX	(1024 * 1024)
#define GZ_WINDOW	32768		/* deflate's, with windowBits 15 */

struct gz_piece {
	size_t		 off, len;	/* bytes of the body */
	uint64_t	 hash;
	uLong		 crc;
	unsigned char	*z;		/* raw deflate, ending on a byte */
	size_t		 zlen;
};

void
feed_gzip_free(struct gz_piece *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(p[i].z);
	free(p);
}

static void
piece_add(struct gz_piece **p, size_t *n, size_t off, size_t len,
    uint64_t hash)
{
	*p = xreallocarray(*p, *n + 1, sizeof **p);
	memset(&(*p)[*n], 0, sizeof **p);
	(*p)[*n].off = off;
	(*p)[*n].len = len;
	(*p)[(*n)++].hash = hash;
}

/*
 * Cut a body into pieces: the calendar's head (up to the first VEVENT),
 * then runs of VEVENTs, the last with the calendar's end.
 */
static void
cut(const char *body, size_t len, struct gz_piece **p, size_t *n)
{
	static const char	 vev[] = "\r\nBEGIN:VEVENT\r\n";
	const size_t		 vlen = sizeof vev - 1;
	const char		*at, *next;
	size_t			 start = 0, end;
	uint64_t		 h = 0, eh;

	*p = NULL;
	*n = 0;
	if ((at = memmem(body, len, vev, vlen)) != NULL) {
		start = (size_t)(at + 2 - body);
		piece_add(p, n, 0, start, hash64(0, body, start));
	}
	for (; at != NULL; at = next) {
		at += 2;			/* an event starts here */
		next = memmem(at, len - (size_t)(at - body), vev, vlen);
		end = next != NULL ? (size_t)(next + 2 - body) : len;
		eh = hash64(0, at, end - (size_t)(at - body));
		h = hash64(h, (const char *)&eh, sizeof eh);
		if (end == len || end - start >= PIECE_MAX ||
		    (end - start >= PIECE_MIN && eh % PIECE_EVERY == 0)) {
			piece_add(p, n, start, end - start, h);
			start = end;
			h = 0;
		}
	}
	if (start < len)		/* no VEVENT */
		piece_add(p, n, start, len - start,
		    hash64(0, body + start, len - start));
}

/* What a piece is deflated after: the window's worth of bytes before it. */
static size_t
dict_len(const struct gz_piece *p)
{
	return p->off < GZ_WINDOW ? p->off : GZ_WINDOW;
}

static int
deflate_piece(const char *s, struct gz_piece *p)
{
	z_stream	 z;
	uLong		 bound;

	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, GZ_LEVEL, Z_DEFLATED, -15, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	if (deflateSetDictionary(&z, (const Bytef *)s - dict_len(p),
	    (uInt)dict_len(p)) != Z_OK) {
		deflateEnd(&z);
		return -1;
	}
	bound = deflateBound(&z, (uLong)p->len) + 64;
	p->z = xmalloc(bound);
	z.next_in = (Bytef *)(uintptr_t)s;
	z.avail_in = (uInt)p->len;
	z.next_out = p->z;
	z.avail_out = (uInt)bound;
	if (deflate(&z, Z_SYNC_FLUSH) != Z_OK || z.avail_in != 0 ||
	    z.avail_out == 0) {
		deflateEnd(&z);
		free(p->z);
		p->z = NULL;
		return -1;
	}
	p->zlen = z.total_out;
	p->crc = crc32(0, (const Bytef *)s, (uInt)p->len);
	deflateEnd(&z);
	return 0;
}

/* Take the deflated bytes of an old piece with the same bytes, if any. */
static void
reuse(const char *body, struct gz_piece *p, const char *obody,
    struct gz_piece *old, size_t nold, size_t *hint)
{
	struct gz_piece	*o;

	for (size_t k = 0; k < nold; k++) {
		o = &old[(*hint + k) % nold];
		if (o->z == NULL || o->hash != p->hash || o->len != p->len ||
		    dict_len(o) != dict_len(p) ||
		    memcmp(obody + o->off - dict_len(o), body + p->off -
		    dict_len(p), dict_len(p) + p->len) != 0)
			continue;
		p->z = o->z;
		p->zlen = o->zlen;
		p->crc = o->crc;
		o->z = NULL;
		*hint = (size_t)(o - old) + 1;
		return;
	}
}

/*
 * gzip (RFC 1952, no time stamp) of body, from its pieces (*pieces, set
 * here) and those of the body before (obody, old).  NULL if zlib fails.
 */
char *
feed_gzip(const char *body, size_t len, struct gz_piece **pieces,
    size_t *npieces, const char *obody, struct gz_piece *old, size_t nold,
    size_t *outlen)
{
	static const unsigned char	 head[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0,
					    0, GZ_XFL, 3 };
	struct gz_piece			*p;
	size_t				 n, hint = 0, total, fresh = 0;
	uLong				 crc = 0;
	unsigned char			*out, *o;

	cut(body, len, &p, &n);
	total = sizeof head + 2 + 8;
	for (size_t i = 0; i < n; i++) {
		if (obody != NULL)
			reuse(body, &p[i], obody, old, nold, &hint);
		if (p[i].z != NULL)
			;
		else if (deflate_piece(body + p[i].off, &p[i]) == 0)
			fresh++;
		else {
			feed_gzip_free(p, n);
			*pieces = NULL;
			*npieces = 0;
			return NULL;
		}
		total += p[i].zlen;
		crc = crc32_combine(crc, p[i].crc, (z_off_t)p[i].len);
	}
	o = out = xmalloc(total);
	memcpy(o, head, sizeof head);
	o += sizeof head;
	for (size_t i = 0; i < n; i++) {
		memcpy(o, p[i].z, p[i].zlen);
		o += p[i].zlen;
	}
	*o++ = 3;			/* an empty final block */
	*o++ = 0;
	for (int i = 0; i < 4; i++)
		*o++ = (unsigned char)(crc >> (8 * i));
	for (int i = 0; i < 4; i++)
		*o++ = (unsigned char)((uint64_t)len >> (8 * i));
	log_debug("feed gzip: %zu of %zu pieces deflated", fresh, n);
	*pieces = p;
	*npieces = n;
	*outlen = total;
	return (char *)out;
}
