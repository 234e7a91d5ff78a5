/*
 * feed-body.c — the feeds' bodies, built once and served from memory.
 *
 * Each feed's body is built when it is first asked for after a change of
 * the store (server.c bumps srv->generation on every write; a feed is a
 * write too), or when the UTC day turns (the window and the tombstones
 * move), and is then served from memory, with its gzipped form
 * (feed-gzip.c), to every poller.  Its ETag is a hash of the bytes; its
 * Last-Modified the time those bytes first appeared (store-feed.c keeps
 * it across restarts).  The same data on the same day gives the same
 * bytes: nothing in a body depends on the request.  Each feed keeps what
 * its last build wrote for each record (ical-export-cache.c), so a
 * rebuild writes again only the records that changed.  What a body holds
 * is feed-audience.c's to say.
 *
 * A build runs off the loop, on the worker's thread (worker.c) and its
 * own snapshot of the store: the request waits (feed_get returns 2 and
 * calls back), and so do the requests for the same feed that come while
 * it runs; the loop answers everyone else meanwhile.  The job gets a copy
 * of the feed's definition and takes its record cache and gzip pieces,
 * so nothing it touches is the loop's until it is back (build_done).
 * Without a worker (an in-memory store) the build runs on the loop.
 *
 * A briefing feed's page is kept the same way, once per change; briefing.c
 * builds it (off the loop too), so the feeds need nothing of the
 * itinerary code that reads the feed.
 *
 * A request's token is compared with every feed's in constant time, and
 * an unknown one gets the same 404 as any other unknown path.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "feed-gzip.h"
#include "log.h"
#include "recur.h"
#include "server.h"
#include "store.h"
#include "worker.h"
#include "xmalloc.h"

#define FEED_PARTIAL_SECS	60	/* a body with a walk cut: fresh */

/*
 * A body's bytes (or its gzip's): the replies still being sent hold them
 * too (http-route.c adds them to a reply by reference, not by copy), so they go
 * when neither the feed nor any reply needs them.  Counted on the loop
 * only (a build job holds the last body from submission to build_done).
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

/* A request waiting for a body being built. */
struct feed_wait {
	feed_wait_fn		 fn;
	void			*arg;
	struct feed_wait	*next;
};

struct feed_job;

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
	struct feed_job		*job;		/* a build under way */
	int64_t			 partial_until;	/* a walk was cut: fresh till */
	struct feed_wait	*next_round;	/* for a build after it */
	struct feed_page	 page;		/* a briefing feed's page */
};

/*
 * One build: what it reads, taken from the loop when it is submitted (the
 * feed's definition copied, its record cache and gzipped pieces moved
 * here, its last body held), and what it makes.  Between submission and
 * build_done, only the worker's thread touches it (but waiters, the
 * loop's).
 */
struct feed_job {
	struct server		*srv;		/* the loop's: build_done only */
	struct feed_entry	*fe;		/* NULL once the feed is gone */
	struct feed_def		 def;
	const struct config	*cfg;
	uint64_t		 generation;
	int64_t			 now, day;
	struct ical_cache	*cache;
	struct feed_bytes	*last;		/* the body before, held */
	struct gz_piece		*piece;		/* last's, then the new body's */
	size_t			 npiece;
	char			*body, *gz, *cause;
	size_t			 len, gzlen;
	char			 hash[33];
	int			 partial;	/* a series' walk was cut */
	struct feed_wait	*waiters;
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
	struct feed_wait	*w;

	for (size_t i = 0; i < fs->n; i++) {
		if (fs->e[i].job != NULL) {	/* the feed is gone: 404s */
			fs->e[i].job->fe = NULL;
			while ((w = fs->e[i].next_round) != NULL) {
				fs->e[i].next_round = w->next;
				w->next = fs->e[i].job->waiters;
				fs->e[i].job->waiters = w;
			}
		}
		feed_def_clear(&fs->e[i].def);
		feed_bytes_release(fs->e[i].body);
		feed_bytes_release(fs->e[i].gz);
		feed_bytes_release(fs->e[i].page.bytes);
		ical_cache_free(fs->e[i].cache);
		feed_gzip_free(fs->e[i].piece, fs->e[i].npiece);
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

static int
same(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

/*
 * What the same feed's last build left (its records as written, its body
 * and that body's gzipped pieces) goes to the same feed in the new list:
 * the next build starts from it (ical-export-cache.c drops the records if
 * the feed now writes them differently).  The new entry is not built.
 */
static void
take_last(struct feeds *fs, struct feed_entry *to)
{
	struct feed_entry	*fe;

	for (size_t i = 0; i < fs->n; i++) {
		fe = &fs->e[i];
		if ((fe->cache == NULL && fe->job == NULL) ||
		    !same(fe->def.name, to->def.name) ||
		    !same(fe->def.token, to->def.token))
			continue;
		to->cache = fe->cache;		/* NULL while a job has it */
		to->job = fe->job;
		to->next_round = fe->next_round;
		if (to->job != NULL)
			to->job->fe = to;
		fe->job = NULL;
		fe->next_round = NULL;
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
	feed_def_all(&e[0].def);
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

	if (strlen(a) != FEED_TOKEN_LEN || strlen(b) != FEED_TOKEN_LEN)
		return 0;
	for (size_t i = 0; i < FEED_TOKEN_LEN; i++)
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
 * multiply-xorshift lanes over eight bytes at a time (a byte-at-a-time
 * hash such as FNV-1a is a large part of a big body's rebuild).  Not a
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

/*
 * The body, its gzip and its hash, from the store st (the worker's, or the
 * loop's when there is no worker): no state of the loop is touched.  srv
 * stands for the server in what feed_render reads (its store and
 * configuration): the job's configuration, and st.
 */
static void
build_run(void *arg, struct store *st)
{
	struct feed_job		*job = arg;
	struct server		 view;
	struct gz_piece		*piece;
	size_t			 npiece;

	memset(&view, 0, sizeof view);
	view.cfg = (struct config *)job->cfg;
	view.store = st;
	recur_budget_begin();	/* one build, one budget (recur.c) */
	if ((job->body = feed_render(&view, &job->def, job->cache, job->day,
	    &job->len, &job->partial, &job->cause)) == NULL)
		return;
	job->gz = feed_gzip(job->body, job->len, &piece, &npiece,
	    job->last ? job->last->p : NULL, job->piece, job->npiece,
	    &job->gzlen);
	feed_gzip_free(job->piece, job->npiece);
	job->piece = piece;
	job->npiece = npiece;
	hash_hex(job->body, job->len, job->hash);
}

/* A build of fe as the store is now, with its waiters. */
static struct feed_job *
job_new(struct server *srv, struct feed_entry *fe, int64_t now, int64_t day)
{
	struct feed_job	*job = xcalloc(1, sizeof *job);

	job->srv = srv;
	job->fe = fe;
	feed_def_copy(&job->def, &fe->def);
	job->cfg = srv->cfg;
	job->generation = srv->generation;
	job->now = now;
	job->day = day;
	job->cache = fe->cache;
	fe->cache = NULL;
	job->piece = fe->piece;
	job->npiece = fe->npiece;
	fe->piece = NULL;
	fe->npiece = 0;
	if ((job->last = fe->body) != NULL)
		feed_bytes_hold(job->last);
	return job;
}

/* The new body becomes fe's. */
static void
install(struct feed_job *job, struct feed_entry *fe)
{
	struct feed_body	*fb = &fe->fb;
	char			*why = NULL;

	feed_bytes_release(fe->body);
	feed_bytes_release(fe->gz);
	fe->body = bytes_new(job->body);
	fe->gz = bytes_new(job->gz);
	job->body = job->gz = NULL;
	fb->name = fe->def.name;
	fb->body = fe->body->p;
	fb->len = job->len;
	fb->gz = fe->gz ? fe->gz->p : NULL;
	fb->gzlen = job->gzlen;
	fb->bytes = fe->body;
	fb->gzbytes = fe->gz;
	fb->public = fe->def.token == NULL;
	snprintf(fb->etag, sizeof fb->etag, "\"%s\"", job->hash);
	snprintf(fb->etag_gz, sizeof fb->etag_gz, "\"%s-gz\"", job->hash);
	if (store_feed_changed(job->srv->store, fe->def.name, job->hash,
	    job->now, &fb->modified, &why) != 0) {
		log_warnx("feed %s: %s", fe->def.name, why);
		free(why);
		fb->modified = job->now;
	}
	fe->built = 1;
	/*
	 * A series' walk ran out of its budget (a machine that slow): that
	 * record went out as stored, and out of the cache (ical-feed-recur.c);
	 * the body is built again after FEED_PARTIAL_SECS, not at every
	 * request, in case it always runs out.
	 */
	fe->partial_until = job->partial ? job->now + FEED_PARTIAL_SECS : 0;
	if (job->partial)
		log_info("feed %s: a series' recurrence ran out of its budget; "
		    "built again in %d s", fe->def.name, FEED_PARTIAL_SECS);
	fe->generation = job->generation;
	fe->day = job->day;
	fe->cfg = job->cfg;
	log_debug("feed %s built: %zu bytes, %zu gzipped", fe->def.name,
	    job->len, fb->gzlen);
}

static void
job_free(struct feed_job *job)
{
	feed_def_clear(&job->def);
	ical_cache_free(job->cache);
	feed_bytes_release(job->last);
	feed_gzip_free(job->piece, job->npiece);
	free(job->body);
	free(job->gz);
	free(job->cause);
	free(job);
}

/*
 * On the loop, the build over: what it took goes back to the feed (if
 * the feed is still there), its body is installed, and each waiting
 * request is answered with it.  The body is installed as of the
 * generation the build was submitted at: the worker's snapshot holds
 * every write up to it (server_changed is called after a commit), maybe
 * more, never less; a write since makes it stale, and the next request
 * builds again.  Requests that waited for this build get it even so: they
 * came before that write.  Returns 0 (installed), 1 (the feed is gone),
 * -1 (*cause).
 */
static int
job_finish(struct feed_job *job, int ran, char **cause)
{
	struct feed_entry	*fe = job->fe;
	struct feed_wait	*w;
	int			 rc;

	if (job->body == NULL && job->cause == NULL)
		job->cause = xstrdup(ran ? "cannot build the feed" :
		    "kcald is stopping");
	if (fe != NULL) {
		fe->job = NULL;
		fe->cache = job->cache;
		fe->piece = job->piece;
		fe->npiece = job->npiece;
		job->cache = NULL;
		job->piece = NULL;
		job->npiece = 0;
	}
	if (fe == NULL)
		rc = 1;
	else if (!ran || job->body == NULL)
		rc = -1;
	else {
		install(job, fe);
		rc = 0;
	}
	if (rc < 0)
		log_warnx("feed %s: %s", job->def.name, job->cause);
	while ((w = job->waiters) != NULL) {
		job->waiters = w->next;
		w->fn(w->arg, rc == 0 ? &fe->fb : NULL, rc, job->cause);
		free(w);
	}
	if (cause != NULL && rc < 0) {
		*cause = job->cause;
		job->cause = NULL;
	}
	job_free(job);
	return rc;
}

static int	start(struct server *, struct feed_entry *, int64_t, int64_t);
static int	fresh(struct server *, const struct feed_entry *, int64_t);

/* The worker's done function: then the requests that came after it. */
static void
build_done(void *arg, int ran)
{
	struct feed_job		*job = arg;
	struct feed_entry	*fe = job->fe;
	struct server		*srv = job->srv;
	struct feed_wait	*w;
	int64_t			 now = server_now(srv);

	int64_t			 day = now - ((now % 86400) + 86400) % 86400;

	job_finish(job, ran, NULL);
	if (fe == NULL || fe->next_round == NULL)
		return;
	if (ran && start(srv, fe, now, day) == 0) {
		fe->job->waiters = fe->next_round;
		fe->next_round = NULL;
		return;
	}
	while ((w = fe->next_round) != NULL) {
		fe->next_round = w->next;
		if (ran && fresh(srv, fe, day))
			w->fn(w->arg, &fe->fb, 0, NULL);
		else
			w->fn(w->arg, NULL, -1, ran ? "cannot build the feed" :
			    "kcald is stopping");
		free(w);
	}
}

static int
fresh(struct server *srv, const struct feed_entry *fe, int64_t day)
{
	return fe->built && fe->generation == srv->generation &&
	    fe->day == day && fe->cfg == srv->cfg &&
	    (fe->partial_until == 0 || server_now(srv) < fe->partial_until);
}

/*
 * Submit a build of fe to the worker: 0, fe->job set.  Nonzero: fe is
 * fresh already (nothing to build), there is no worker, or it is stopping.
 */
static int
start(struct server *srv, struct feed_entry *fe, int64_t now, int64_t day)
{
	struct worker	*w;
	struct feed_job	*job;

	if (fresh(srv, fe, day) || (w = server_worker(srv)) == NULL)
		return -1;
	job = job_new(srv, fe, now, day);
	if (worker_submit(w, build_run, build_done, job) != 0) {
		job_finish(job, 0, NULL);	/* stopping: all back to fe */
		return -1;
	}
	fe->job = job;
	return 0;
}

static void
wait_on(struct feed_wait **list, feed_wait_fn fn, void *arg)
{
	struct feed_wait	*w = xcalloc(1, sizeof *w), **end = list;

	w->fn = fn;
	w->arg = arg;
	while (*end != NULL)
		end = &(*end)->next;
	*end = w;
}

/*
 * The body of the feed a token names (NULL: the built-in "all").  Returns
 * 0 with *out set, 1 when no feed has that token, -1 on error (*cause),
 * 2 when the body is being built off the loop: fn(arg, body, rc, cause)
 * is called on the loop when it is (rc and body as here; cause on -1).
 * Requests for a feed being built wait for that one build, unless the
 * store changed since it began: those wait for the next.
 */
int
feed_get(struct server *srv, const char *token, feed_wait_fn fn, void *arg,
    const struct feed_body **out, char **cause)
{
	struct feed_entry	*fe;
	struct feed_job		*job;
	int64_t			 now = server_now(srv);
	int64_t			 day = now - ((now % 86400) + 86400) % 86400;
	int			 rc;

	if (load(srv, srv->feeds, cause) != 0)
		return -1;
	if ((fe = find(srv->feeds, token)) == NULL)
		return 1;
	if ((job = fe->job) != NULL) {
		if (job->generation == srv->generation && job->day == day &&
		    job->cfg == srv->cfg)
			wait_on(&job->waiters, fn, arg);
		else
			wait_on(&fe->next_round, fn, arg);
		return 2;
	}
	if (fresh(srv, fe, day)) {
		*out = &fe->fb;
		return 0;
	}
	if (start(srv, fe, now, day) == 0) {
		wait_on(&fe->job->waiters, fn, arg);
		return 2;
	}
	/* No worker: built here, on the loop, of data on the disk only. */
	sync_wait(srv);
	job = job_new(srv, fe, now, day);
	build_run(job, srv->store);
	if ((rc = job_finish(job, 1, cause)) == 0)
		*out = &fe->fb;
	return rc;
}

/* The page body (NULL: hidden) built as of as, kept. */
static void
put_page(struct server *srv, struct feed_entry *fe, char *body, size_t len,
    const struct feed_page_as *as)
{
	struct feed_page	*pg = &fe->page;
	struct feed_body	*fb = &pg->fb;
	char			 hash[33], key[80], *why = NULL;

	feed_bytes_release(pg->bytes);
	pg->bytes = bytes_new(body);
	pg->hidden = body == NULL;
	pg->built = 1;
	pg->generation = as->generation;
	pg->day = as->day;
	pg->cfg = as->cfg;
	if (body == NULL)
		return;
	hash_hex(body, len, hash);
	memset(fb, 0, sizeof *fb);
	fb->name = fe->def.name;
	fb->body = body;
	fb->len = len;
	fb->bytes = pg->bytes;
	snprintf(fb->etag, sizeof fb->etag, "\"%s\"", hash);
	/* Feed names have no '/': the page's record cannot be a feed's. */
	snprintf(key, sizeof key, "%s/briefing", fe->def.name);
	if (store_feed_changed(srv->store, key, hash, as->now, &fb->modified,
	    &why) != 0) {
		log_warnx("feed %s: %s", key, why);
		free(why);
		fb->modified = as->now;
	}
}

/*
 * The briefing page of the feed a token names, as last built: 0 with *out
 * set; 1 when no briefing feed has that token or its audience may not see
 * the visit (a 404 either way); 2 when it must be built again after a
 * change of the store or of the day (briefing.c does, off the loop): *def
 * a copy of the feed's definition, *as what the build is of; -1 on error.
 */
int
feed_briefing_cached(struct server *srv, const char *token,
    const struct feed_body **out, struct feed_def *def, struct feed_page_as *as,
    char **cause)
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
		feed_def_copy(def, &fe->def);
		as->generation = srv->generation;
		as->now = now;
		as->day = day;
		as->cfg = srv->cfg;
		return 2;
	}
	if (pg->hidden)
		return 1;
	*out = &pg->fb;
	return 0;
}

/*
 * A page built (feed_briefing_cached returned 2): kept for the feed token
 * names, if it is still a briefing feed, as of as (a later change makes it
 * stale).  0 with *out set, 1 when the feed is gone or the page hidden,
 * -1 on error.  body is taken (NULL: hidden).
 */
int
feed_briefing_put(struct server *srv, const char *token, char *body,
    size_t len, const struct feed_page_as *as, const struct feed_body **out,
    char **cause)
{
	struct feed_entry	*fe;

	*cause = NULL;
	if (load(srv, srv->feeds, cause) != 0) {
		free(body);
		return -1;
	}
	if ((fe = find(srv->feeds, token)) == NULL ||
	    fe->def.briefing == NULL) {
		free(body);
		return 1;
	}
	put_page(srv, fe, body, len, as);
	if (fe->page.hidden)
		return 1;
	*out = &fe->page.fb;
	return 0;
}
