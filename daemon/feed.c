/*
 * feed.c — calendars built from the store for an audience.
 *
 * feed_select() picks the events (filters, window, classes, how long a
 * cancelled event stays as a tombstone) and hands their stored records to
 * ical-export.c; `kcal export` and every HTTP feed go through it, so the
 * export and the feeds cannot disagree about what an event is.  A feed
 * hands ical-export.c its classes, to judge each override by its own, and
 * feed_hidden(), to leave out what points at an event it does not carry.
 *
 * The feeds' bodies: each feed's body is built when it is first asked for
 * after a change of the store (server.c bumps srv->generation on every
 * write; a feed is a write too), or when the UTC day turns (the window and
 * the tombstones move), and is then served from memory, with its gzipped
 * form, to every poller.  Its ETag is a hash of the bytes; its
 * Last-Modified the time those bytes first appeared (store-feed.c keeps
 * it across restarts).  The same data on the same day gives the same
 * bytes: nothing in a body depends on the request.  Each feed keeps what
 * its last build wrote for each record (ical-export.c's cache), so a
 * rebuild writes again only the records that changed.
 *
 * A briefing feed's page (briefing.c) is built and kept the same way; it
 * reads each record through feed_view_record(), the feed's own export, so
 * it shows what the feed shows and no more.
 *
 * Tokens: 160 random bits from getrandom(2), base32; a request's token is
 * compared with every feed's in constant time, and an unknown one gets the
 * same 404 as any other unknown path.
 */
#include <sys/random.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "access.h"
#include "briefing.h"
#include "config.h"
#include "feed.h"
#include "hash.h"
#include "http-addr.h"
#include "ical.h"
#include "log.h"
#include "recur.h"
#include "server.h"
#include "store.h"
#include "xmalloc.h"

#define TOKEN_BYTES	20		/* 160 bits */
#define TOKEN_LEN	32		/* base32 */

struct select_state {
	struct server		*srv;
	const struct feed_sel	*sel;
	struct ical_out		*out;
	char			*why;
	int			 failed;
};

/* The FEED_* bits are 1 << access_class: what ical-export.c filters by. */
_Static_assert(FEED_PUBLIC == 1 << ACCESS_CLASS_PUBLIC &&
    FEED_PRIVATE == 1 << ACCESS_CLASS_PRIVATE &&
    FEED_CONFIDENTIAL == 1 << ACCESS_CLASS_CONFIDENTIAL,
    "FEED_* bits are 1 << enum access_class");

/* A class's bit; an unknown class is PRIVATE (access_class_of). */
int
feed_class_bit(const char *class)
{
	return 1 << access_class_of(class);
}

static int
found(void *arg, int64_t start, int64_t end)
{
	(void)arg; (void)start; (void)end;
	return 1;
}

/* Does a recurring event have an occurrence inside the window? */
static int
occurs(struct select_state *ss, const char *ical)
{
	const struct store_query	*q = &ss->sel->q;
	char				*why = NULL;
	int				 rc;

	if (q->from == INT64_MIN && q->to == INT64_MAX)
		return 1;
	rc = ical_expand(ical, ss->srv->cfg->home_tz, q->from, q->to, 1,
	    found, NULL, &why);
	free(why);
	return rc == 1;
}

static int
select_row(void *arg, const struct event *ev, const char *ical)
{
	struct select_state	*ss = arg;
	char			*text = NULL;

	if ((feed_class_bit(ev->class) & ss->sel->classes) == 0)
		return 0;
	if (strcmp(ev->status, "cancelled") == 0 &&
	    ev->last_modified < ss->sel->tombstones_since)
		return 0;
	if (ical != NULL && !ical_out_known(ss->out, ical) && !occurs(ss, ical))
		return 0;
	/* A recurring event's record came with the row. */
	if (ical == NULL &&
	    store_get(ss->srv->store, ev->uid, &text, &ss->why) != 0) {
		ss->failed = 1;
		return 1;
	}
	if (ical_out_add(ss->out, ical ? ical : text, &ss->why) != 0)
		ss->failed = 1;
	free(text);
	return ss->failed;
}

/* Add the events sel picks to out, in start order. */
int
feed_select(struct server *srv, const struct feed_sel *sel,
    struct ical_out *out, char **cause)
{
	struct select_state	ss = { srv, sel, out, NULL, 0 };

	if (store_query(srv->store, &sel->q, select_row, &ss, &ss.why) != 0 ||
	    ss.failed) {
		*cause = ss.why ? ss.why : xstrdup("cannot read the store");
		return -1;
	}
	free(ss.why);
	return 0;
}

/*
 * The gzipped body, in pieces.  The body is cut between VEVENTs where an
 * event's own bytes say so (about one event in PIECE_EVERY, as rsync cuts
 * data), so that a change moves no cut but its neighbours'.  Each piece
 * is deflated on its own and ends on a byte boundary (a sync flush), so
 * the pieces join into one deflate stream, closed by an empty final block
 * (as pigz joins its blocks); the CRC is joined with crc32_combine().  A
 * rebuild deflates only the pieces whose bytes changed, or whose window
 * did: each piece is deflated with the 32 KB before it as its dictionary
 * (without, the pieces were 19% bigger), so a change costs its piece and
 * the next, of some 160 in a 10,000-event feed.  The same body gives the
 * same gzip bytes.
 */
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

static void
pieces_free(struct gz_piece *p, size_t n)
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
static char *
gzip_body(const char *body, size_t len, struct gz_piece **pieces,
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
			pieces_free(p, n);
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

/*
 * A body's bytes (or its gzip's): the replies still being sent hold them
 * too (http.c adds them to a reply by reference, not by copy), so they go
 * when neither the feed nor any reply needs them.  All on the one thread.
 */
struct feed_bytes {
	char		*p;
	unsigned	 refs;
};

static struct feed_bytes *
bytes_new(char *p)
{
	struct feed_bytes	*b;

	if (p == NULL)
		return NULL;
	b = xmalloc(sizeof *b);
	b->p = p;
	b->refs = 1;
	return b;
}

void
feed_bytes_hold(struct feed_bytes *b)
{
	b->refs++;
}

void
feed_bytes_release(struct feed_bytes *b)
{
	if (b == NULL || --b->refs > 0)
		return;
	free(b->p);
	free(b);
}

/* A briefing feed's page (briefing.c), built as the feed's body is. */
struct feed_page {
	int			 built;
	uint64_t		 generation;
	int64_t			 day;
	const struct config	*cfg;
	int			 hidden;	/* no visit the audience sees */
	struct feed_bytes	*bytes;
	struct feed_body	 fb;
};

struct feed_entry {
	struct feed_def		 def;
	int			 built;
	uint64_t		 generation;
	int64_t			 day;
	const struct config	*cfg;
	struct feed_bytes	*body, *gz;
	struct feed_body	 fb;
	struct ical_cache	*cache;		/* its records, as last built */
	struct gz_piece		*piece;		/* body's, gzipped */
	size_t			 npiece;
	struct feed_page	 page;		/* a briefing feed's page */
};

struct feeds {
	struct feed_entry	*e;		/* e[0] is "all" */
	size_t			 n;
	uint64_t		 generation;	/* when the list was read */
	int			 loaded;
};

struct feeds *
feeds_new(void)
{
	return xcalloc(1, sizeof (struct feeds));
}

static void
entries_free(struct feeds *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		feed_def_clear(&fs->e[i].def);
		feed_bytes_release(fs->e[i].body);
		feed_bytes_release(fs->e[i].gz);
		feed_bytes_release(fs->e[i].page.bytes);
		ical_cache_free(fs->e[i].cache);
		pieces_free(fs->e[i].piece, fs->e[i].npiece);
	}
	free(fs->e);
	fs->e = NULL;
	fs->n = 0;
	fs->loaded = 0;
}

void
feeds_free(struct feeds *fs)
{
	if (fs == NULL)
		return;
	entries_free(fs);
	free(fs);
}

/* The built-in feed: public events, the default window. */
static void
all_def(struct feed_def *f)
{
	memset(f, 0, sizeof *f);
	f->name = xstrdup("all");
	f->classes = FEED_PUBLIC;
	f->past = f->future = -1;
}

static int
same(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

/*
 * What the same feed's last build left (its records as written, its body
 * and that body's gzipped pieces) goes to the same feed in the new list:
 * the next build starts from it (ical-export.c drops the records if the
 * feed now writes them differently).  The new entry is not built.
 */
static void
take_last(struct feeds *fs, struct feed_entry *to)
{
	struct feed_entry	*fe;

	for (size_t i = 0; i < fs->n; i++) {
		fe = &fs->e[i];
		if (fe->cache == NULL || !same(fe->def.name, to->def.name) ||
		    !same(fe->def.token, to->def.token))
			continue;
		to->cache = fe->cache;
		to->body = fe->body;
		to->gz = fe->gz;
		to->piece = fe->piece;
		to->npiece = fe->npiece;
		fe->cache = NULL;
		fe->body = fe->gz = NULL;
		fe->piece = NULL;
		fe->npiece = 0;
		return;
	}
	to->cache = ical_cache_new();
}

/* Read the feed list again after a change of the store. */
static int
load(struct server *srv, struct feeds *fs, char **cause)
{
	struct feed_entry	*e;
	struct feed_def		*defs;
	size_t			 n;

	if (fs->loaded && fs->generation == srv->generation)
		return 0;
	if (store_feed_list(srv->store, &defs, &n, cause) != 0)
		return -1;
	e = xcalloc(n + 1, sizeof *e);
	all_def(&e[0].def);
	for (size_t i = 0; i < n; i++)
		e[i + 1].def = defs[i];
	free(defs);
	for (size_t i = 0; i < n + 1; i++)
		take_last(fs, &e[i]);
	entries_free(fs);
	fs->e = e;
	fs->n = n + 1;
	fs->generation = srv->generation;
	fs->loaded = 1;
	return 0;
}

/* Equal strings, in time that does not depend on where they differ. */
static int
token_equal(const char *a, const char *b)
{
	unsigned char	diff = 0;

	if (strlen(a) != TOKEN_LEN || strlen(b) != TOKEN_LEN)
		return 0;
	for (size_t i = 0; i < TOKEN_LEN; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

static struct feed_entry *
find(struct feeds *fs, const char *token)
{
	struct feed_entry	*found = NULL;

	if (token == NULL)
		return &fs->e[0];
	for (size_t i = 1; i < fs->n; i++)	/* no early exit */
		if (token_equal(token, fs->e[i].def.token))
			found = &fs->e[i];
	return found;
}

/*
 * 128 bits, as 32 hex digits: the body's identity for its ETag.  Two
 * multiply-xorshift lanes over eight bytes at a time (FNV-1a a byte at a
 * time took ~40 ms of a 20 MB body's rebuild; this, ~5 ms).  Not a
 * defence against a forger: a feed's bytes come from its owner's store.
 */
static void
hash_hex(const char *s, size_t len, char out[33])
{
	uint64_t	a = 0xcbf29ce484222325ULL ^ len, b = 0x6c62272e07bb0142ULL;
	uint64_t	w;
	size_t		i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		a = (a ^ w) * 0xff51afd7ed558ccdULL;
		a ^= a >> 32;
		b = (b + w) * 0x9e3779b97f4a7c15ULL;
		b ^= b >> 29;
	}
	w = 0;
	memcpy(&w, s + i, len - i);
	a = (a ^ w ^ len) * 0xc4ceb9fe1a85ec53ULL;
	b = (b + w + len) * 0xff51afd7ed558ccdULL;
	a ^= a >> 33;
	b ^= b >> 31;
	a = (a ^ b) * 0x9e3779b97f4a7c15ULL;
	b = (b ^ (a >> 27)) * 0xc4ceb9fe1a85ec53ULL;
	snprintf(out, 33, "%016llx%016llx", (unsigned long long)(a ^ (a >> 31)),
	    (unsigned long long)(b ^ (b >> 29)));
}

static void
feed_window(const struct config *cfg, const struct feed_def *d, int64_t day,
    struct feed_sel *sel)
{
	int64_t	past = d->past >= 0 ? d->past : feed_config_past(cfg);
	int64_t	future = d->future >= 0 ? d->future : feed_config_future(cfg);

	memset(sel, 0, sizeof *sel);
	sel->q.from = day - past;
	sel->q.to = day + 86400 + future;
	sel->q.kind = d->kind;
	sel->q.status = d->status;
	sel->q.participant = d->participant;
	sel->q.parent = d->parent;
	sel->q.search = d->search;
	sel->q.include_cancelled = 1;
	sel->classes = d->classes;
	sel->tombstones_since = day - feed_config_tombstones(cfg);
}

/*
 * What a build has learnt of the events that others point at (RELATED-TO,
 * X-KCAL-ANCHOR): may the feed show them?  One look-up per UID a build.
 */
struct refs_seen {
	struct server	*srv;
	int		 classes;
	char		**uid;
	unsigned char	*hidden;
	size_t		 size, n;
};

static size_t
refs_slot(const struct refs_seen *rs, const char *uid)
{
	size_t	i = (size_t)hash64(0, uid, strlen(uid)) & (rs->size - 1);

	while (rs->uid[i] != NULL && strcmp(rs->uid[i], uid) != 0)
		i = (i + 1) & (rs->size - 1);
	return i;
}

static void
refs_grow(struct refs_seen *rs)
{
	struct refs_seen	old = *rs;
	size_t			i;

	rs->size = old.size ? old.size * 2 : 64;
	rs->uid = xcalloc(rs->size, sizeof *rs->uid);
	rs->hidden = xcalloc(rs->size, sizeof *rs->hidden);
	for (size_t k = 0; k < old.size; k++) {
		if (old.uid[k] == NULL)
			continue;
		i = refs_slot(rs, old.uid[k]);
		rs->uid[i] = old.uid[k];
		rs->hidden[i] = old.hidden[k];
	}
	free(old.uid);
	free(old.hidden);
}

/*
 * Is uid an event the feed may not show (its class is not one the feed
 * carries)?  A UID of no event in the store hides nothing; a store error
 * hides (the feed then leaves the reference out).
 */
static int
feed_hidden(void *arg, const char *uid)
{
	struct refs_seen	*rs = arg;
	char			*class = NULL, *why = NULL;
	size_t			 i;

	if (rs->n * 2 >= rs->size)
		refs_grow(rs);
	if (rs->uid[i = refs_slot(rs, uid)] != NULL)
		return rs->hidden[i];
	if (store_event_class(rs->srv->store, uid, &class, &why) != 0) {
		log_warnx("feed: %s", why);
		free(why);
		rs->hidden[i] = 1;
	} else
		rs->hidden[i] = class != NULL &&
		    (feed_class_bit(class) & rs->classes) == 0;
	rs->uid[i] = xstrdup(uid);
	rs->n++;
	free(class);
	return rs->hidden[i];
}

static void
refs_clear(struct refs_seen *rs)
{
	for (size_t i = 0; i < rs->size; i++)
		free(rs->uid[i]);
	free(rs->uid);
	free(rs->hidden);
}

/* How a feed redacts its events (and its briefing page). */
enum ical_redact
feed_redaction(const struct feed_def *d)
{
	if (d->redact == NULL)
		return REDACT_NONE;
	return strcmp(d->redact, "busy") == 0 ? REDACT_BUSY : REDACT_TITLE;
}

/* The export options of feed d on day: what its audience sees. */
static void
feed_opts(struct server *srv, const struct feed_def *d, int64_t day,
    struct feed_sel *sel, struct ical_out_opts *o, struct refs_seen *rs)
{
	const struct config	*cfg = srv->cfg;

	feed_window(cfg, d, day, sel);
	memset(o, 0, sizeof *o);
	o->calname = strcmp(d->name, "all") == 0 && d->token == NULL ?
	    feed_config_name(cfg) : d->name;
	o->feed = 1;
	o->alarms = d->alarms;
	o->redact = feed_redaction(d);
	o->refresh = feed_config_refresh(cfg);
	o->from = sel->q.from;
	o->to = sel->q.to;
	o->home = cfg->home_tz;
	o->classes = (unsigned)d->classes;
	memset(rs, 0, sizeof *rs);
	rs->srv = srv;
	rs->classes = d->classes;
	o->hidden = feed_hidden;
	o->hidden_arg = rs;
}

static char *
render(struct server *srv, const struct feed_def *d, struct ical_cache *c,
    int64_t day, size_t *len, char **cause)
{
	struct ical_out_opts	 o;
	struct ical_out		*out;
	struct feed_sel		 sel;
	struct refs_seen	 rs;
	char			*body;

	feed_opts(srv, d, day, &sel, &o, &rs);
	o.cache = c;
	out = ical_out_new(&o);
	if (feed_select(srv, &sel, out, cause) != 0) {
		ical_out_free(out);
		refs_clear(&rs);
		return NULL;
	}
	body = ical_out_finish(out, len);
	refs_clear(&rs);
	return body;
}

/*
 * A feed's audience, for what else it reads (briefing.c): each stored
 * record written as the feed writes it, by the feed's own options.
 */
struct feed_view {
	struct ical_out		*out;
	struct refs_seen	 rs;
};

struct feed_view *
feed_view_new(struct server *srv, const struct feed_def *d)
{
	struct feed_view	*v = xcalloc(1, sizeof *v);
	struct ical_out_opts	 o;
	struct feed_sel		 sel;
	int64_t			 now = server_now(srv);

	feed_opts(srv, d, now - ((now % 86400) + 86400) % 86400, &sel, &o,
	    &v->rs);
	v->out = ical_out_new(&o);
	return v;
}

/*
 * One stored record as the feed's audience sees it, a VCALENDAR; NULL
 * with *cause NULL when the feed shows none of it (its class).
 */
char *
feed_view_record(struct feed_view *v, const char *text, char **cause)
{
	return ical_out_record(v->out, text, cause);
}

void
feed_view_free(struct feed_view *v)
{
	if (v == NULL)
		return;
	ical_out_free(v->out);
	refs_clear(&v->rs);
	free(v);
}

static int
build(struct server *srv, struct feed_entry *fe, int64_t now, int64_t day,
    char **cause)
{
	struct feed_body	*fb = &fe->fb;
	struct gz_piece		*piece;
	char			 hash[33], *why = NULL;
	char			*body, *gz;
	size_t			 len, npiece;

	recur_budget_begin();	/* one build, one budget (recur.c) */
	if ((body = render(srv, &fe->def, fe->cache, day, &len,
	    cause)) == NULL)
		return -1;
	gz = gzip_body(body, len, &piece, &npiece, fe->body ? fe->body->p :
	    NULL, fe->piece, fe->npiece, &fb->gzlen);
	pieces_free(fe->piece, fe->npiece);
	feed_bytes_release(fe->body);
	feed_bytes_release(fe->gz);
	fe->body = bytes_new(body);
	fe->gz = bytes_new(gz);
	fe->piece = piece;
	fe->npiece = npiece;
	hash_hex(body, len, hash);
	fb->name = fe->def.name;
	fb->body = body;
	fb->len = len;
	fb->gz = gz;
	fb->bytes = fe->body;
	fb->gzbytes = fe->gz;
	fb->public = fe->def.token == NULL;
	snprintf(fb->etag, sizeof fb->etag, "\"%s\"", hash);
	snprintf(fb->etag_gz, sizeof fb->etag_gz, "\"%s-gz\"", hash);
	if (store_feed_changed(srv->store, fe->def.name, hash, now,
	    &fb->modified, &why) != 0) {
		log_warnx("feed %s: %s", fe->def.name, why);
		free(why);
		fb->modified = now;
	}
	fe->built = 1;
	fe->generation = srv->generation;
	fe->day = day;
	fe->cfg = srv->cfg;
	log_debug("feed %s built: %zu bytes, %zu gzipped", fe->def.name, len,
	    fb->gzlen);
	return 0;
}

/*
 * The body of the feed a token names (NULL: the built-in "all").  Returns
 * 0 with *out set, 1 when no feed has that token, -1 on error.
 */
int
feed_get(struct server *srv, const char *token, const struct feed_body **out,
    char **cause)
{
	struct feed_entry	*fe;
	int64_t			 now = server_now(srv);
	int64_t			 day = now - ((now % 86400) + 86400) % 86400;

	if (load(srv, srv->feeds, cause) != 0)
		return -1;
	if ((fe = find(srv->feeds, token)) == NULL)
		return 1;
	if (!fe->built || fe->generation != srv->generation ||
	    fe->day != day || fe->cfg != srv->cfg) {
		if (build(srv, fe, now, day, cause) != 0)
			return -1;
	}
	*out = &fe->fb;
	return 0;
}

static int
build_page(struct server *srv, struct feed_entry *fe, int64_t now,
    int64_t day, char **cause)
{
	struct feed_page	*pg = &fe->page;
	struct feed_body	*fb = &pg->fb;
	char			 hash[33], key[80], *body, *why = NULL;
	size_t			 len;

	body = briefing_render(srv, &fe->def, &len, cause);
	if (body == NULL && *cause != NULL)
		return -1;
	feed_bytes_release(pg->bytes);
	pg->bytes = bytes_new(body);
	pg->hidden = body == NULL;
	pg->built = 1;
	pg->generation = srv->generation;
	pg->day = day;
	pg->cfg = srv->cfg;
	if (body == NULL)
		return 0;
	hash_hex(body, len, hash);
	memset(fb, 0, sizeof *fb);
	fb->name = fe->def.name;
	fb->body = body;
	fb->len = len;
	fb->bytes = pg->bytes;
	snprintf(fb->etag, sizeof fb->etag, "\"%s\"", hash);
	/* Feed names have no '/': the page's record cannot be a feed's. */
	snprintf(key, sizeof key, "%s/briefing", fe->def.name);
	if (store_feed_changed(srv->store, key, hash, now, &fb->modified,
	    &why) != 0) {
		log_warnx("feed %s: %s", key, why);
		free(why);
		fb->modified = now;
	}
	return 0;
}

/*
 * The briefing page of the feed a token names: 0 with *out set, 1 when
 * no briefing feed has that token or its audience may not see the visit
 * (a 404 either way), -1 on error.
 */
int
feed_briefing_get(struct server *srv, const char *token,
    const struct feed_body **out, char **cause)
{
	struct feed_entry	*fe;
	struct feed_page	*pg;
	int64_t			 now = server_now(srv);
	int64_t			 day = now - ((now % 86400) + 86400) % 86400;

	*cause = NULL;
	if (load(srv, srv->feeds, cause) != 0)
		return -1;
	if ((fe = find(srv->feeds, token)) == NULL || fe->def.briefing == NULL)
		return 1;
	pg = &fe->page;
	if (!pg->built || pg->generation != srv->generation ||
	    pg->day != day || pg->cfg != srv->cfg) {
		if (build_page(srv, fe, now, day, cause) != 0)
			return -1;
	}
	if (pg->hidden)
		return 1;
	*out = &pg->fb;
	return 0;
}

/* A new feed token: TOKEN_BYTES random bytes in lower-case base32. */
char *
feed_new_token(void)
{
	static const char	 b32[] = "abcdefghijklmnopqrstuvwxyz234567";
	unsigned char		 b[TOKEN_BYTES];
	char			*t = xmalloc(TOKEN_LEN + 1);
	unsigned		 acc = 0, bits = 0;
	size_t			 n = 0;

	if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b)
		fatal("getrandom");
	for (size_t i = 0; i < sizeof b; i++) {
		acc = (acc << 8) | b[i];
		bits += 8;
		while (bits >= 5) {
			t[n++] = b32[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	t[n] = '\0';
	return t;
}

int
feed_name_valid(const char *s)
{
	size_t	n = strlen(s);

	if (n == 0 || n > 64 || strcmp(s, "all") == 0 || *s == '.' ||
	    *s == '-')
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

/*
 * A feed's URL (token NULL: the built-in feed): under feed_url when it is
 * set (the public, https address of a reverse proxy), else under kcald's
 * own HTTP address; webcal replaces the scheme with webcal://.
 */
char *
feed_url(const struct config *cfg, const char *token, int webcal)
{
	const char	*base = feed_config_url(cfg), *rest;
	char		*own = NULL, *url;

	if (base == NULL)
		base = own = http_base_url(cfg->http);
	rest = strstr(base, "://");
	rest = rest ? rest + 3 : base;
	xasprintf(&url, "%s%s/feeds/%s.ics", webcal ? "webcal://" : "",
	    webcal ? rest : base, token ? token : "all");
	free(own);
	return url;
}

/* A briefing feed's page: beside its feed, under the same base. */
char *
feed_briefing_url(const struct config *cfg, const char *token)
{
	const char	*base = feed_config_url(cfg);
	char		*own = NULL, *url;

	if (base == NULL)
		base = own = http_base_url(cfg->http);
	xasprintf(&url, "%s/briefing/%s.html", base, token);
	free(own);
	return url;
}

static void
span_text(char *buf, size_t len, int64_t s)
{
	if (s % (365 * 86400) == 0 && s > 0)
		snprintf(buf, len, "%lldy", (long long)(s / (365 * 86400)));
	else if (s % 86400 == 0)
		snprintf(buf, len, "%lldd", (long long)(s / 86400));
	else
		snprintf(buf, len, "%llds", (long long)s);
}

static json_t *
filters_json(const struct feed_def *d)
{
	json_t	*o = json_object();

	if (d->kind)
		json_object_set_new(o, "kind", json_string(d->kind));
	if (d->status)
		json_object_set_new(o, "status", json_string(d->status));
	if (d->participant)
		json_object_set_new(o, "participant",
		    json_string(d->participant));
	if (d->parent)
		json_object_set_new(o, "parent", json_string(d->parent));
	if (d->search)
		json_object_set_new(o, "search", json_string(d->search));
	return o;
}

/* A feed as feed_list and feed_add show it (d NULL: the built-in feed). */
json_t *
feed_to_json(const struct config *cfg, const struct feed_def *d)
{
	struct feed_def	 all;
	json_t		*o, *inc = json_array(), *f, *v;
	char		*url, *webcal, past[32], future[32], window[80], *s;
	const char	*key;

	if (d == NULL) {
		all_def(&all);
		d = &all;
	}
	url = feed_url(cfg, d->token, 0);
	webcal = feed_url(cfg, d->token, 1);
	json_array_append_new(inc, json_string("public"));
	if (d->classes & FEED_PRIVATE)
		json_array_append_new(inc, json_string("private"));
	if (d->classes & FEED_CONFIDENTIAL)
		json_array_append_new(inc, json_string("confidential"));
	span_text(past, sizeof past, d->past >= 0 ? d->past :
	    feed_config_past(cfg));
	span_text(future, sizeof future, d->future >= 0 ? d->future :
	    feed_config_future(cfg));
	snprintf(window, sizeof window, "%s back, %s ahead", past, future);
	f = filters_json(d);
	s = NULL;
	json_object_foreach(f, key, v) {
		char *t;
		xasprintf(&t, "%s%s%s=%s", s ? s : "", s ? " " : "", key,
		    json_string_value(v));
		free(s);
		s = t;
	}
	o = json_pack("{s:s, s:s, s:s, s:o, s:s?, s:b, s:s, s:o, s:s, s:b}",
	    "name", d->name, "url", url, "webcal", webcal, "include", inc,
	    "redact", d->redact, "alarms", d->alarms, "window", window,
	    "filter", f, "filters", s ? s : "", "builtin", d->token == NULL);
	free(s);
	free(url);
	free(webcal);
	if (d->briefing != NULL && d->token != NULL) {
		url = feed_briefing_url(cfg, d->token);
		json_object_set_new(o, "briefing", json_string(d->briefing));
		json_object_set_new(o, "briefing_url", json_string(url));
		free(url);
	}
	if (d == &all)
		feed_def_clear(&all);
	return o;
}
