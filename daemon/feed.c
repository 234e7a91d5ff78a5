/*
 * feed.c — calendars built from the store for an audience.
 *
 * feed_select() picks the events (filters, window, classes, how long a
 * cancelled event stays as a tombstone) and hands their stored records to
 * ical-export.c; `kcal export` and every HTTP feed go through it, so the
 * export and the feeds cannot disagree about what an event is.
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

#include "config.h"
#include "feed.h"
#include "http.h"
#include "ical.h"
#include "log.h"
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

int
feed_class_bit(const char *class)
{
	if (class != NULL && strcmp(class, "private") == 0)
		return FEED_PRIVATE;
	if (class != NULL && strcmp(class, "confidential") == 0)
		return FEED_CONFIDENTIAL;
	return FEED_PUBLIC;
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
	if (ical != NULL && !occurs(ss, ical))
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

struct feed_entry {
	struct feed_def		 def;
	int			 built;
	uint64_t		 generation;
	int64_t			 day;
	const struct config	*cfg;
	char			*body, *gz;
	struct feed_body	 fb;
	struct ical_cache	*cache;		/* its records, as last built */
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
		free(fs->e[i].body);
		free(fs->e[i].gz);
		ical_cache_free(fs->e[i].cache);
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
 * A feed's records as its last build wrote them, for the same feed in the
 * new list (ical-export.c drops them if the feed now writes them
 * differently).
 */
static struct ical_cache *
take_cache(struct feeds *fs, const struct feed_def *d)
{
	struct ical_cache	*c;

	for (size_t i = 0; i < fs->n; i++) {
		if (fs->e[i].cache == NULL ||
		    !same(fs->e[i].def.name, d->name) ||
		    !same(fs->e[i].def.token, d->token))
			continue;
		c = fs->e[i].cache;
		fs->e[i].cache = NULL;
		return c;
	}
	return ical_cache_new();
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
		e[i].cache = take_cache(fs, &e[i].def);
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

/* 128 bits of FNV-1a, as 32 hex digits: the body's identity for its ETag. */
static void
hash_hex(const char *s, size_t len, char out[33])
{
	uint64_t	a = 0xcbf29ce484222325ULL, b = 0x6c62272e07bb0142ULL;

	for (size_t i = 0; i < len; i++) {
		a = (a ^ (unsigned char)s[i]) * 0x100000001b3ULL;
		b = (b ^ (unsigned char)s[i]) * 0x100000001b3ULL;
		b ^= b >> 31;
	}
	snprintf(out, 33, "%016llx%016llx", (unsigned long long)a,
	    (unsigned long long)b);
}

/* gzip (RFC 1952) with no time stamp: the same body, the same bytes. */
static char *
gzip_body(const char *in, size_t len, size_t *outlen)
{
	z_stream	 z;
	char		*out;
	uLong		 bound;

	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	bound = deflateBound(&z, (uLong)len);
	out = xmalloc(bound);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)bound;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&z);
		free(out);
		return NULL;
	}
	*outlen = z.total_out;
	deflateEnd(&z);
	return out;
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

static char *
render(struct server *srv, const struct feed_def *d, struct ical_cache *c,
    int64_t day, size_t *len, char **cause)
{
	const struct config	*cfg = srv->cfg;
	struct ical_out_opts	 o;
	struct ical_out		*out;
	struct feed_sel		 sel;

	feed_window(cfg, d, day, &sel);
	memset(&o, 0, sizeof o);
	o.calname = strcmp(d->name, "all") == 0 && d->token == NULL ?
	    feed_config_name(cfg) : d->name;
	o.feed = 1;
	o.alarms = d->alarms;
	o.redact = d->redact == NULL ? REDACT_NONE :
	    strcmp(d->redact, "busy") == 0 ? REDACT_BUSY : REDACT_TITLE;
	o.refresh = feed_config_refresh(cfg);
	o.from = sel.q.from;
	o.to = sel.q.to;
	o.home = cfg->home_tz;
	o.cache = c;
	out = ical_out_new(&o);
	if (feed_select(srv, &sel, out, cause) != 0) {
		ical_out_free(out);
		return NULL;
	}
	return ical_out_finish(out, len);
}

static int
build(struct server *srv, struct feed_entry *fe, int64_t now, int64_t day,
    char **cause)
{
	struct feed_body	*fb = &fe->fb;
	char			 hash[33], *why = NULL;
	char			*body;
	size_t			 len;

	if ((body = render(srv, &fe->def, fe->cache, day, &len,
	    cause)) == NULL)
		return -1;
	free(fe->body);
	free(fe->gz);
	fe->body = body;
	fe->gz = gzip_body(body, len, &fb->gzlen);
	hash_hex(body, len, hash);
	fb->name = fe->def.name;
	fb->body = fe->body;
	fb->len = len;
	fb->gz = fe->gz;
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
	if (d == &all)
		feed_def_clear(&all);
	return o;
}
