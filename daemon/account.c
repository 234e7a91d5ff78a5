/*
 * account.c — HTTP Basic logins against the users file (account.h).
 *
 * A password is checked with crypt_r against the user's yescrypt hash and
 * the result compared in constant time.  A name that is not in the file
 * is checked against a dummy hash of the same cost, made at start, so an
 * unknown user costs the same time as a wrong password and the answer is
 * the same: which names exist is not told.
 *
 * yescrypt is slow on purpose, and an app sends its credentials with every
 * request, so a good Authorization header is remembered for CACHE_TTL
 * seconds, keyed by its HMAC-SHA-256 under a key drawn at start (the
 * header itself, which holds the password, is not kept).  The cache is
 * emptied whenever the file is read again.
 *
 * Failed logins are counted by peer address (an IPv6 peer by its /64, what
 * one host is usually given) and by user name: after
 * LIMIT_FREE failures in a row each further failure bars that peer or
 * name for twice as long as the last (1, 2, 4 ... LIMIT_MAX seconds);
 * while barred, a login is refused without being checked (ACCOUNT_LIMITED,
 * with the seconds to wait).  A good login clears its name's count; a
 * count with no failure for LIMIT_FORGET seconds starts again.  Behind a
 * proxy on loopback the peer is the address it names in X-Real-IP (dav.c,
 * login_peer); behind one that does not name it every peer is the proxy:
 * the per-name count is then the one that protects each account, and apps
 * already logged in are served from the cache.
 *
 * Only yescrypt runs elsewhere (account-work.c): a login that needs it is
 * a job, prepared and finished here, on the loop.
 *
 * The file is read again when it changed (kcal user rewrites it by
 * rename), as an inotify watch sees or a stat at most once a second
 * finds (account-watch.c: no stat of it on every login), and on SIGHUP.
 * A file that cannot be read, or is malformed, keeps the accounts already
 * loaded and is logged once; at start it stops kcald (accounts_open).
 */
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <crypt.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <nettle/base64.h>
#include <nettle/hmac.h>
#include <nettle/memops.h>

#include "account-int.h"
#include "log.h"
#include "server.h"
#include "users.h"
#include "xmalloc.h"

#define CACHE_SIZE	64
#define CACHE_TTL	60
#define LIMIT_FREE	5
#define LIMIT_MAX	900
#define LIMIT_FORGET	3600
#define LIMIT_SLOTS	4096
#define HEADER_MAX	4096
#define INFLIGHT_MAX	2	/* checks at once per peer, per name */

struct file_sig {
	int		exists;
	dev_t		dev;
	ino_t		ino;
	off_t		size;
	struct timespec	mtime, ctime;
};

struct cache_ent {
	uint8_t		mac[SHA256_DIGEST_SIZE];
	int64_t		expires;	/* 0: empty */
	struct account	acct;
};

struct limit_ent {
	char		key[USERS_NAME_MAX + 64];	/* "p:PEER", "u:NAME" */
	unsigned	fails;
	unsigned	inflight;	/* checks running for it */
	int64_t		last, until;
};

struct accounts {
	char			*path;
	struct users		 u;
	struct file_sig		 sig, bad_sig;
	char			 dummy[USERS_HASH_MAX + 1];
	struct crypt_data	*cd;
	uint8_t			 key[32];
	struct cache_ent	 cache[CACHE_SIZE];
	struct limit_ent	*limits;
	size_t			 nlimits;
	int64_t			(*clock)(void *);
	void			*clock_arg;
	uint64_t		 hashed;
	uint64_t		 gen;		/* bumped by every load */
	struct account_work	*work;		/* account-work.c */
	struct users_watch	*watch;		/* account-watch.c */
};

static int64_t
mono_clock(void *arg)
{
	struct timespec	ts;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

static void
file_sig(const char *path, struct file_sig *s)
{
	struct stat	st;

	memset(s, 0, sizeof *s);
	if (stat(path, &st) != 0)
		return;
	s->exists = 1;
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	s->size = st.st_size;
	s->mtime = st.st_mtim;
	s->ctime = st.st_ctim;
}

static int
sig_eq(const struct file_sig *a, const struct file_sig *b)
{
	return a->exists == b->exists && a->dev == b->dev &&
	    a->ino == b->ino && a->size == b->size &&
	    a->mtime.tv_sec == b->mtime.tv_sec &&
	    a->mtime.tv_nsec == b->mtime.tv_nsec &&
	    a->ctime.tv_sec == b->ctime.tv_sec &&
	    a->ctime.tv_nsec == b->ctime.tv_nsec;
}

/* Read path (its signature sig, taken before) into a; -1 keeps a as is. */
static int
load(struct accounts *a, const char *path, const struct file_sig *sig,
    char **cause)
{
	struct users	u;

	if (users_load(path, USERS_MODE_PRIVATE, &u, cause) != 0)
		return -1;
	users_clear(&a->u);
	a->u = u;
	a->sig = *sig;
	a->gen++;
	memset(&a->bad_sig, 0, sizeof a->bad_sig);
	explicit_bzero(a->cache, sizeof a->cache);
	if (a->path != path) {
		free(a->path);
		a->path = xstrdup(path);
		users_watch_free(a->watch);
		a->watch = users_watch_new(path);
	}
	return 0;
}

/* A hash of a password no one knows, at libxcrypt's default cost. */
static int
make_dummy(struct accounts *a, char **cause)
{
	uint8_t	 pw[24];
	char	 text[sizeof pw * 2 + 1];

	if (getrandom(pw, sizeof pw, 0) != (ssize_t)sizeof pw ||
	    getrandom(a->key, sizeof a->key, 0) != (ssize_t)sizeof a->key) {
		xasprintf(cause, "getrandom: %s", strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < sizeof pw; i++)
		snprintf(text + 2 * i, 3, "%02x", pw[i]);
	return users_hash(text, a->dummy, sizeof a->dummy, cause);
}

struct accounts *
accounts_open(const char *path, char **cause)
{
	struct accounts	*a = xcalloc(1, sizeof *a);
	struct file_sig	 sig;

	a->cd = xcalloc(1, sizeof *a->cd);
	a->clock = mono_clock;
	file_sig(path, &sig);
	if (make_dummy(a, cause) != 0 || load(a, path, &sig, cause) != 0) {
		accounts_free(a);
		return NULL;
	}
	if (sig.exists)
		log_info("accounts: %zu from %s", a->u.n, path);
	return a;
}

void
accounts_free(struct accounts *a)
{
	if (a == NULL)
		return;
	account_work_stop(a);
	users_watch_free(a->watch);
	users_clear(&a->u);
	free(a->path);
	free(a->limits);
	explicit_bzero(a->cd, sizeof *a->cd);
	free(a->cd);
	explicit_bzero(a, sizeof *a);
	free(a);
}

/* SIGHUP (path: kcald.conf's users_file, perhaps changed): read it now. */
int
accounts_reload(struct accounts *a, const char *path)
{
	struct file_sig	 sig;
	char		*cause = NULL;

	file_sig(path, &sig);
	if (load(a, path, &sig, &cause) != 0) {
		log_warnx("accounts: %s; keeping the %zu accounts loaded "
		    "before", cause, a->u.n);
		free(cause);
		return -1;
	}
	log_info("accounts: %zu from %s", a->u.n, path);
	return 0;
}

/* Read the file again when it changed since it was last read. */
static void
maybe_reload(struct accounts *a)
{
	struct file_sig	 sig;
	char		*cause = NULL;

	if (a->watch != NULL && !users_watch_changed(a->watch))
		return;
	file_sig(a->path, &sig);
	if (sig_eq(&sig, &a->sig) || (a->bad_sig.exists &&
	    sig_eq(&sig, &a->bad_sig)))
		return;
	if (load(a, a->path, &sig, &cause) != 0) {
		log_warnx("accounts: %s; keeping the %zu accounts loaded "
		    "before", cause, a->u.n);
		free(cause);
		a->bad_sig = sig;
		return;
	}
	log_info("accounts: %s changed: %zu accounts", a->path, a->u.n);
}

size_t
accounts_count(const struct accounts *a)
{
	return a->u.n;
}

void
accounts_set_clock(struct accounts *a, int64_t (*clock)(void *), void *arg)
{
	a->clock = clock;
	a->clock_arg = arg;
}

uint64_t
accounts_hashed(const struct accounts *a)
{
	return a->hashed;
}

struct account_work **
account_work_slot(struct accounts *a)
{
	return &a->work;
}

struct crypt_data *
account_crypt_data(struct accounts *a)
{
	return a->cd;
}

/* The account of a user line: its role and clearance as an access_who. */
static void
fill_account(struct account *out, const struct users_entry *e)
{
	static const enum access_class cls[] = {
		ACCESS_CLASS_PUBLIC, ACCESS_CLASS_PRIVATE,
		ACCESS_CLASS_CONFIDENTIAL
	};

	memset(out, 0, sizeof *out);
	snprintf(out->name, sizeof out->name, "%s", e->name);
	out->who.level = e->write ? ACCESS_WRITE : ACCESS_READ;
	out->who.clearance = cls[e->clearance >= 0 && e->clearance <= 2 ?
	    e->clearance : 0];
	out->who.name = out->name;
}

/* ---- the cache of good credentials ---- */

static void
header_mac(const struct accounts *a, const char *h, uint8_t *mac)
{
	struct hmac_sha256_ctx	ctx;

	hmac_sha256_set_key(&ctx, sizeof a->key, a->key);
	hmac_sha256_update(&ctx, strlen(h), (const uint8_t *)h);
	hmac_sha256_digest(&ctx, SHA256_DIGEST_SIZE, mac);
	explicit_bzero(&ctx, sizeof ctx);
}

static struct cache_ent *
cache_find(struct accounts *a, const uint8_t *mac, int64_t now)
{
	for (size_t i = 0; i < CACHE_SIZE; i++)
		if (a->cache[i].expires > now &&
		    memeql_sec(a->cache[i].mac, mac, SHA256_DIGEST_SIZE))
			return &a->cache[i];
	return NULL;
}

static void
cache_put(struct accounts *a, const uint8_t *mac, const struct account *acct,
    int64_t now)
{
	struct cache_ent	*c = &a->cache[0];

	for (size_t i = 1; i < CACHE_SIZE; i++)	/* the one expiring first */
		if (a->cache[i].expires < c->expires)
			c = &a->cache[i];
	memcpy(c->mac, mac, SHA256_DIGEST_SIZE);
	c->expires = now + CACHE_TTL;
	c->acct = *acct;
}

/* ---- failed logins ---- */

static struct limit_ent *
limit_find(struct accounts *a, const char *key)
{
	for (size_t i = 0; i < a->nlimits; i++)
		if (strcmp(a->limits[i].key, key) == 0)
			return &a->limits[i];
	return NULL;
}

/* Seconds key is still barred for, or 0. */
static unsigned
limit_wait(struct accounts *a, const char *key, int64_t now)
{
	struct limit_ent	*l = limit_find(a, key);

	return l != NULL && l->until > now ? (unsigned)(l->until - now) : 0;
}

/*
 * key's entry, made if new (in place of the one failed longest ago when
 * the table is full); NULL when every entry has a check running.
 */
static struct limit_ent *
limit_slot(struct accounts *a, const char *key, int64_t now)
{
	struct limit_ent	*l = NULL;

	if ((l = limit_find(a, key)) != NULL)
		return l;
	if (a->nlimits < LIMIT_SLOTS) {
		a->limits = xreallocarray(a->limits, a->nlimits + 1,
		    sizeof *a->limits);
		l = &a->limits[a->nlimits++];
	} else {
		for (size_t i = 0; i < a->nlimits; i++)
			if (a->limits[i].inflight == 0 && (l == NULL ||
			    a->limits[i].last < l->last))
				l = &a->limits[i];
		if (l == NULL)
			return NULL;
	}
	memset(l, 0, sizeof *l);
	snprintf(l->key, sizeof l->key, "%s", key);
	l->last = now;
	return l;
}

/* One more check running for key; -1 when it has too many already. */
static int
limit_hold(struct accounts *a, const char *key, int64_t now)
{
	struct limit_ent	*l;

	if ((l = limit_slot(a, key, now)) == NULL || l->inflight >= INFLIGHT_MAX)
		return -1;
	l->inflight++;
	return 0;
}

/* A check for key is over; an entry with nothing to remember goes. */
static void
limit_release(struct accounts *a, const char *key, int forget)
{
	struct limit_ent	*l;

	if (*key == '\0' || (l = limit_find(a, key)) == NULL)
		return;
	if (l->inflight > 0)
		l->inflight--;
	if (forget) {
		l->fails = 0;
		l->until = 0;
	}
	if (l->inflight == 0 && l->fails == 0)
		*l = a->limits[--a->nlimits];
}

static void
limit_fail(struct accounts *a, const char *key, int64_t now)
{
	struct limit_ent	*l;
	unsigned		 shift;

	if ((l = limit_slot(a, key, now)) == NULL)
		return;
	if (now - l->last > LIMIT_FORGET)
		l->fails = 0;
	l->fails++;
	l->last = now;
	if (l->fails < LIMIT_FREE)
		return;
	shift = l->fails - LIMIT_FREE;
	l->until = now + (shift >= 10 ? LIMIT_MAX :
	    (1 << shift) < LIMIT_MAX ? (1 << shift) : LIMIT_MAX);
	log_warnx("accounts: %u failed logins from %s; refused for %lld s",
	    l->fails, key[0] == 'p' ? key + 2 : "user", (long long)(l->until -
	    now));
}

/* ---- the check ---- */

/*
 * "Basic TOKEN" into user and password (within buf); 0, or -1 when it is
 * not Basic at all (ACCOUNT_NONE), -2 when it is but is malformed.
 */
static int
split_basic(const char *h, char *buf, size_t len, char **user, char **pw)
{
	struct base64_decode_ctx	 ctx;
	size_t				 n = len - 1, tl;
	char				*colon;

	while (*h == ' ' || *h == '\t')
		h++;
	if (strncasecmp(h, "Basic", 5) != 0 || (h[5] != ' ' && h[5] != '\t'))
		return -1;
	for (h += 5; *h == ' ' || *h == '\t'; h++)
		;
	tl = strcspn(h, " \t");
	if (h[tl + strspn(h + tl, " \t")] != '\0' ||
	    BASE64_DECODE_LENGTH(tl) > n)
		return -2;
	base64_decode_init(&ctx);
	if (!base64_decode_update(&ctx, &n, (uint8_t *)buf, tl, h) ||
	    !base64_decode_final(&ctx))
		return -2;
	buf[n] = '\0';
	if (strlen(buf) != n || (colon = strchr(buf, ':')) == NULL)
		return -2;
	*colon = '\0';
	*user = buf;
	*pw = colon + 1;
	return 0;
}

/*
 * The key a peer's failures are counted under: "p:" and its IPv4 address
 * (also when IPv4-mapped), or its IPv6 /64, or the text as it is.
 */
static void
peer_key(const char *peer, char *key, size_t len)
{
	struct in6_addr	a6;
	char		text[INET6_ADDRSTRLEN];

	if (peer != NULL && inet_pton(AF_INET6, peer, &a6) == 1) {
		if (IN6_IS_ADDR_V4MAPPED(&a6))
			inet_ntop(AF_INET, &a6.s6_addr[12], text, sizeof text);
		else {
			memset(&a6.s6_addr[8], 0, 8);
			inet_ntop(AF_INET6, &a6, text, sizeof text);
			strcat(text, "/64");
		}
		snprintf(key, len, "p:%s", text);
	} else
		snprintf(key, len, "p:%s", peer != NULL ? peer : "?");
}

/* A job for user's password, barred or busy peers and names refused. */
static enum account_result
make_job(struct accounts *a, const char *user, const char *pw,
    const char *peer, unsigned *retry_after, struct account_job *j)
{
	const struct users_entry	*e = NULL;
	int64_t				 now = a->clock(a->clock_arg);
	unsigned			 w1, w2;

	peer_key(peer, j->pkey, sizeof j->pkey);
	if (users_valid_name(user)) {
		snprintf(j->ukey, sizeof j->ukey, "u:%.*s", USERS_NAME_MAX,
		    user);
		e = users_find(&a->u, user);
	}
	w1 = limit_wait(a, j->pkey, now);
	w2 = j->ukey[0] ? limit_wait(a, j->ukey, now) : 0;
	if (w1 > 0 || w2 > 0) {
		*retry_after = w1 > w2 ? w1 : w2;
		return ACCOUNT_LIMITED;
	}
	if (limit_hold(a, j->pkey, now) != 0) {
		*retry_after = 1;
		return ACCOUNT_LIMITED;
	}
	if (j->ukey[0] && limit_hold(a, j->ukey, now) != 0) {
		limit_release(a, j->pkey, 0);
		*retry_after = 1;
		return ACCOUNT_LIMITED;
	}
	j->pw = xstrdup(pw);
	snprintf(j->hash, sizeof j->hash, "%s", e != NULL ? e->hash : a->dummy);
	j->known = e != NULL;
	j->gen = a->gen;
	return ACCOUNT_PENDING;
}

/*
 * What can be answered without yescrypt is answered here; otherwise
 * ACCOUNT_PENDING and a job (*jobp) for account_job_run, then
 * account_finish (or account_cancel).
 */
enum account_result
account_prepare(struct accounts *a, const char *authorization,
    const char *peer, struct account *out, unsigned *retry_after,
    struct account_job **jobp)
{
	struct account_job	*j;
	struct cache_ent	*c;
	uint8_t			 mac[SHA256_DIGEST_SIZE];
	char			 buf[HEADER_MAX], *user = "", *pw = "";
	enum account_result	 r;
	int			 rc;

	*retry_after = 0;
	*jobp = NULL;
	if (authorization == NULL)
		return ACCOUNT_NONE;
	maybe_reload(a);
	header_mac(a, authorization, mac);
	if ((c = cache_find(a, mac, a->clock(a->clock_arg))) != NULL) {
		*out = c->acct;
		out->who.name = out->name;
		return ACCOUNT_OK;
	}
	if ((rc = split_basic(authorization, buf, sizeof buf, &user, &pw)) ==
	    -1)
		return ACCOUNT_NONE;
	if (rc != 0)	/* malformed: checked like an unknown user */
		user = pw = "";
	j = xcalloc(1, sizeof *j);
	memcpy(j->mac, mac, sizeof mac);
	if ((r = make_job(a, user, pw, peer, retry_after, j)) == ACCOUNT_PENDING)
		*jobp = j;
	else
		free(j);
	explicit_bzero(buf, sizeof buf);
	return r;
}

/* Does the job's password match its hash?  Touches nothing but the job. */
int
account_job_run(struct account_job *j, struct crypt_data *cd)
{
	char		 got[USERS_HASH_MAX + 1], want[USERS_HASH_MAX + 1];
	const char	*h;

	memset(got, 0, sizeof got);
	memset(want, 0, sizeof want);
	snprintf(want, sizeof want, "%s", j->hash);
	h = crypt_r(j->pw, j->hash, cd);
	if (h != NULL && *h == '$')
		snprintf(got, sizeof got, "%s", h);
	j->ok = memeql_sec(got, want, sizeof got) && got[0] == '$';
	explicit_bzero(got, sizeof got);
	explicit_bzero(j->pw, strlen(j->pw));
	free(j->pw);
	j->pw = NULL;
	return j->ok;
}

static void
job_free(struct account_job *j)
{
	if (j->pw != NULL) {
		explicit_bzero(j->pw, strlen(j->pw));
		free(j->pw);
	}
	free(j);
}

/* A job not run (kcald stops): its hold on the counts let go. */
void
account_cancel(struct accounts *a, struct account_job *j)
{
	limit_release(a, j->pkey, 0);
	limit_release(a, j->ukey, 0);
	job_free(j);
}

/*
 * A job run: failures counted, a good login remembered.  A login checked
 * against a file since replaced holds only if the user still has the same
 * hash (and then gets the role and clearance the file now says).
 */
enum account_result
account_finish(struct accounts *a, struct account_job *j,
    struct account *out, unsigned *retry_after)
{
	const struct users_entry	*e = NULL;
	int64_t				 now = a->clock(a->clock_arg);
	const char			*user = j->ukey[0] ? j->ukey + 2 : "";
	int				 ok = j->ok && j->known;

	*retry_after = 0;
	a->hashed++;
	if (ok && ((e = users_find(&a->u, user)) == NULL ||
	    strcmp(e->hash, j->hash) != 0))
		ok = 0;
	if (!ok) {
		log_info("accounts: failed login%s%s from %s", *user ?
		    " as " : "", user, j->pkey + 2);
		limit_fail(a, j->pkey, now);
		if (j->ukey[0])
			limit_fail(a, j->ukey, now);
		account_cancel(a, j);
		return ACCOUNT_BAD;
	}
	limit_release(a, j->pkey, 0);
	limit_release(a, j->ukey, 1);
	fill_account(out, e);
	cache_put(a, j->mac, out, now);
	job_free(j);
	return ACCOUNT_OK;
}
