/*
 * test-account.c — the users file and HTTP Basic logins (include/users.c,
 * daemon/account.c): parsing with errors that name file:line, the mode
 * refused, good, wrong and unknown credentials (the last two costing one
 * yescrypt each), the cache of good credentials, the rate limit under an
 * injected clock, reloading when the file changes and keeping the old
 * accounts when the new file is bad, the atomic rewrite, and where kcald
 * and kcal find the file.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <nettle/base64.h>

#include "account.h"
#include "account-int.h"
#include "config.h"
#include "log.h"
#include "server.h"
#include "test.h"
#include "users.h"
#include "xmalloc.h"

/* server.o wants kcald.c's; this test never reloads a configuration. */
void	server_reload(struct server *);
void
server_reload(struct server *s)
{
	(void)s;
}

static char	 dir[] = "/tmp/kcal-test-account.XXXXXX";
static char	 path[256];
static char	 hash_a[USERS_HASH_MAX + 1], hash_b[USERS_HASH_MAX + 1];
static int64_t	 fake_now = 1000;

static int64_t
fake_clock(void *arg)
{
	(void)arg;
	return fake_now;
}

static void
write_file(const char *p, const char *text, mode_t mode)
{
	FILE	*fp;

	unlink(p);
	if ((fp = fopen(p, "w")) == NULL) {
		perror(p);
		exit(1);
	}
	fputs(text, fp);
	fclose(fp);
	chmod(p, mode);
}

/* "Basic base64(user:pw)" into a static buffer. */
static const char *
basic(const char *user, const char *pw)
{
	static char	 out[1024];
	char		 plain[512];
	size_t		 n;

	snprintf(plain, sizeof plain, "%s:%s", user, pw);
	strcpy(out, "Basic ");
	n = BASE64_ENCODE_RAW_LENGTH(strlen(plain));
	base64_encode_raw(out + 6, strlen(plain), (const uint8_t *)plain);
	out[6 + n] = '\0';
	return out;
}

static char *
load_error(const char *text, mode_t mode)
{
	struct users	 u;
	char		*cause = NULL;

	write_file(path, text, mode);
	if (users_load(path, USERS_MODE_PRIVATE, &u, &cause) == 0) {
		users_clear(&u);
		return NULL;
	}
	CHECK_INT(u.n, 0);
	return cause;
}

static void
check_error(const char *text, const char *want)
{
	char	*cause = load_error(text, 0600), *w;

	xasprintf(&w, "%s:%s", path, want);
	CHECK_STR(cause, w);
	free(cause);
	free(w);
}

static void
test_parse(void)
{
	struct users	 u;
	char		*cause = NULL, *text;

	xasprintf(&text, "# accounts\n\nalice:read-write:confidential:%s\n"
	    "  # desk\nbob.x_1-2:read-only:public:%s\n", hash_a, hash_b);
	write_file(path, text, 0600);
	CHECK(users_load(path, USERS_MODE_PRIVATE, &u, &cause) == 0);
	CHECK_INT(u.n, 2);
	CHECK_INT(u.nraw, 5);
	CHECK_STR(u.e[0].name, "alice");
	CHECK_INT(u.e[0].write, 1);
	CHECK_INT(u.e[0].clearance, 2);
	CHECK_INT(u.e[1].write, 0);
	CHECK_INT(u.e[1].clearance, 0);
	CHECK_INT(u.e[1].line, 4);
	CHECK(users_find(&u, "bob.x_1-2") == &u.e[1]);
	CHECK(users_find(&u, "carol") == NULL);
	users_clear(&u);
	free(text);

	check_error("alice:read-write:public\n",
	    "1: expected NAME:ROLE:CLEARANCE:HASH");
	check_error("# x\nal ice:read-write:public:$y$j9T$a$b\n",
	    "2: bad user name \"al ice\" (1 to 63 of A-Z a-z 0-9 . _ -)");
	check_error("alice:admin:public:$y$j9T$a$b\n",
	    "1: role is read-only or read-write, not \"admin\"");
	check_error("alice:read-only:secret:$y$j9T$a$b\n",
	    "1: clearance is public, private or confidential, not \"secret\"");
	check_error("alice:read-only:public:hunter2\n",
	    "1: the password hash is not a yescrypt hash ($y$...); set it "
	    "with kcal user passwd alice");
	check_error("alice:read-only:public:$6$salt$abc\n",
	    "1: the password hash is not a yescrypt hash ($y$...); set it "
	    "with kcal user passwd alice");
	check_error("alice:read-only:public:$y$j9T$a$b:x\n",
	    "1: expected NAME:ROLE:CLEARANCE:HASH");
	check_error("a:read-only:public:$y$j9T$a$b\n\na:read-write:public:"
	    "$y$j9T$a$b\n", "3: user \"a\" is already on an earlier line");

	/* Readable by others: refused, as kcald.conf(5) says. */
	cause = load_error("# nothing\n", 0640);
	CHECK(cause != NULL && strstr(cause, "mode 0640 lets other users see "
	    "the password hashes; chmod 600 it") != NULL);
	free(cause);
	/* A missing file has no accounts. */
	unlink(path);
	CHECK(users_load(path, USERS_MODE_PRIVATE, &u, &cause) == 0);
	CHECK_INT(u.n, 0);

	CHECK(users_valid_name("a"));
	CHECK(!users_valid_name(""));
	CHECK(!users_valid_name("a/b"));
	CHECK(!users_valid_name("a:b"));
	CHECK(users_valid_name("0123456789012345678901234567890123456789"
	    "01234567890123456789012"));
	CHECK(!users_valid_name("0123456789012345678901234567890123456789"
	    "012345678901234567890123"));
}

/* A rewrite keeps comments and order, changes only what changed, 0600. */
static void
test_save(void)
{
	struct users		 u;
	struct users_entry	*e;
	struct stat		 st;
	char			*cause = NULL, *text, buf[2048];
	FILE			*fp;
	size_t			 n;

	xasprintf(&text, "# top\nalice:read-write:confidential:%s\n# mid\n"
	    "bob:read-only:public:%s\n", hash_a, hash_b);
	write_file(path, text, 0600);
	CHECK(users_load(path, USERS_MODE_PRIVATE, &u, &cause) == 0);
	users_find(&u, "alice")->deleted = 1;
	users_find(&u, "bob")->clearance = 1;
	e = users_add(&u, "carol");
	e->write = 1;
	strcpy(e->hash, hash_a);
	CHECK(users_save(path, &u, &cause) == 0);
	users_clear(&u);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	fp = fopen(path, "r");
	n = fread(buf, 1, sizeof buf - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	free(text);
	xasprintf(&text, "# top\n# mid\nbob:read-only:private:%s\n"
	    "carol:read-write:public:%s\n", hash_b, hash_a);
	CHECK_STR(buf, text);
	free(text);
}

static struct accounts *
open_with(const char *text)
{
	struct accounts	*a;
	char		*cause = NULL;

	write_file(path, text, 0600);
	a = accounts_open(path, &cause);
	CHECK(a != NULL);
	if (a == NULL) {
		fprintf(stderr, "%s\n", cause);
		exit(1);
	}
	accounts_set_clock(a, fake_clock, NULL);
	return a;
}

static double
seconds(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
test_verify(void)
{
	struct accounts	*a;
	struct account	 acct;
	unsigned	 wait;
	char		*text;
	uint64_t	 h;
	double		 t0, t_wrong, t_unknown;

	xasprintf(&text, "alice:read-write:private:%s\n"
	    "bob:read-only:confidential:%s\n", hash_a, hash_b);
	a = open_with(text);
	free(text);
	CHECK_INT(accounts_count(a), 2);
	CHECK_INT(accounts_verify(a, NULL, "1.2.3.4", &acct, &wait),
	    ACCOUNT_NONE);
	CHECK_INT(accounts_verify(a, "Bearer abc", "1.2.3.4", &acct, &wait),
	    ACCOUNT_NONE);
	CHECK_INT(accounts_verify(a, "Basicx", "1.2.3.4", &acct, &wait),
	    ACCOUNT_NONE);

	CHECK_INT(accounts_verify(a, basic("alice", "pw-a"), "1.2.3.4", &acct,
	    &wait), ACCOUNT_OK);
	CHECK_STR(acct.name, "alice");
	CHECK_STR(acct.who.name, "alice");
	CHECK(acct.who.name == acct.name);
	CHECK_INT(acct.who.level, ACCESS_WRITE);
	CHECK_INT(acct.who.clearance, ACCESS_CLASS_PRIVATE);
	CHECK_INT(accounts_verify(a, basic("bob", "pw-b"), "1.2.3.4", &acct,
	    &wait), ACCOUNT_OK);
	CHECK_INT(acct.who.level, ACCESS_READ);
	CHECK_INT(acct.who.clearance, ACCESS_CLASS_CONFIDENTIAL);
	/* The scheme in another case, more than one space. */
	CHECK_INT(accounts_verify(a, "basic  Ym9iOnB3LWI=", "1.2.3.4", &acct,
	    &wait), ACCOUNT_OK);

	/* Cached: no second yescrypt for the same header, also from a peer
	 * that has failed. */
	h = accounts_hashed(a);
	CHECK_INT(accounts_verify(a, basic("alice", "pw-a"), "5.6.7.8", &acct,
	    &wait), ACCOUNT_OK);
	CHECK_INT(accounts_hashed(a), h);
	fake_now += 61;			/* the cache's time is up */
	CHECK_INT(accounts_verify(a, basic("alice", "pw-a"), "1.2.3.4", &acct,
	    &wait), ACCOUNT_OK);
	CHECK_INT(accounts_hashed(a), h + 1);

	/* Wrong password, unknown user, malformed: one yescrypt each. */
	h = accounts_hashed(a);
	t0 = seconds();
	CHECK_INT(accounts_verify(a, basic("alice", "nope"), "9.9.9.1", &acct,
	    &wait), ACCOUNT_BAD);
	t_wrong = seconds() - t0;
	t0 = seconds();
	CHECK_INT(accounts_verify(a, basic("mallory", "pw-a"), "9.9.9.2", &acct,
	    &wait), ACCOUNT_BAD);
	t_unknown = seconds() - t0;
	CHECK_INT(accounts_verify(a, "Basic !!!", "9.9.9.3", &acct, &wait),
	    ACCOUNT_BAD);
	CHECK_INT(accounts_verify(a, basic("a/b", "x"), "9.9.9.3", &acct,
	    &wait), ACCOUNT_BAD);
	CHECK_INT(accounts_hashed(a), h + 4);
	CHECK(t_unknown > t_wrong / 3 && t_unknown < t_wrong * 3);
	accounts_free(a);
}

static void
test_limit(void)
{
	struct accounts	*a;
	struct account	 acct;
	unsigned	 wait;
	char		*text;
	uint64_t	 h;

	xasprintf(&text, "alice:read-write:private:%s\n"
	    "bob:read-only:public:%s\n", hash_a, hash_b);
	a = open_with(text);
	free(text);
	/* Five failures by one peer, then the peer is barred 1, 2, 4 s. */
	for (int i = 0; i < 4; i++)
		CHECK_INT(accounts_verify(a, basic("mallory", "x"), "10.0.0.1",
		    &acct, &wait), ACCOUNT_BAD);
	CHECK_INT(accounts_verify(a, basic("eve", "x"), "10.0.0.1", &acct,
	    &wait), ACCOUNT_BAD);
	h = accounts_hashed(a);
	CHECK_INT(accounts_verify(a, basic("alice", "pw-a"), "10.0.0.1", &acct,
	    &wait), ACCOUNT_LIMITED);
	CHECK_INT(wait, 1);
	CHECK_INT(accounts_hashed(a), h);	/* refused unchecked */
	/* Another peer is not barred. */
	CHECK_INT(accounts_verify(a, basic("bob", "pw-b"), "10.0.0.2", &acct,
	    &wait), ACCOUNT_OK);
	fake_now += 1;
	CHECK_INT(accounts_verify(a, basic("mallory", "x"), "10.0.0.1", &acct,
	    &wait), ACCOUNT_BAD);
	CHECK_INT(accounts_verify(a, basic("mallory", "x"), "10.0.0.1", &acct,
	    &wait), ACCOUNT_LIMITED);
	CHECK_INT(wait, 2);
	fake_now += 2;
	CHECK_INT(accounts_verify(a, basic("mallory", "x"), "10.0.0.1", &acct,
	    &wait), ACCOUNT_BAD);
	CHECK_INT(accounts_verify(a, basic("mallory", "x"), "10.0.0.1", &acct,
	    &wait), ACCOUNT_LIMITED);
	CHECK_INT(wait, 4);

	/* An IPv6 peer counts by its /64; an IPv4-mapped one as IPv4. */
	for (int i = 0; i < 5; i++) {
		char	peer[64];

		snprintf(peer, sizeof peer, "2001:db8:1:2::%x", i + 1);
		CHECK_INT(accounts_verify(a, basic("zed", "x"), peer, &acct,
		    &wait), ACCOUNT_BAD);
	}
	CHECK_INT(accounts_verify(a, basic("alice", "pw-a"),
	    "2001:db8:1:2:ffff::9", &acct, &wait), ACCOUNT_LIMITED);
	CHECK_INT(accounts_verify(a, basic("eve", "x"), "2001:db8:1:3::1",
	    &acct, &wait), ACCOUNT_BAD);
	CHECK_INT(accounts_verify(a, basic("alice", "pw-a"),
	    "::ffff:10.0.0.1", &acct, &wait), ACCOUNT_LIMITED);

	/* By name, from many peers: alice barred, from a fresh peer too. */
	for (int i = 0; i < 5; i++) {
		char	peer[32];

		snprintf(peer, sizeof peer, "10.1.0.%d", i);
		CHECK_INT(accounts_verify(a, basic("alice", "guess"), peer,
		    &acct, &wait), ACCOUNT_BAD);
	}
	CHECK_INT(accounts_verify(a, basic("alice", "pw-a"), "10.2.0.1", &acct,
	    &wait), ACCOUNT_LIMITED);
	CHECK_INT(wait, 1);
	fake_now += 1;
	CHECK_INT(accounts_verify(a, basic("alice", "pw-a"), "10.2.0.1", &acct,
	    &wait), ACCOUNT_OK);
	/* A good login cleared alice's count. */
	CHECK_INT(accounts_verify(a, basic("alice", "guess"), "10.2.0.2", &acct,
	    &wait), ACCOUNT_BAD);
	CHECK_INT(accounts_verify(a, basic("alice", "pw-a"), "10.2.0.3", &acct,
	    &wait), ACCOUNT_OK);
	/* After an hour without failures a count starts again. */
	fake_now += 3601 + 4;
	CHECK_INT(accounts_verify(a, basic("mallory", "x"), "10.0.0.1", &acct,
	    &wait), ACCOUNT_BAD);
	CHECK_INT(accounts_verify(a, basic("mallory", "x"), "10.0.0.1", &acct,
	    &wait), ACCOUNT_BAD);
	accounts_free(a);
}

/*
 * The watch (account-watch.c): nothing to look at until the file changes
 * (written, replaced by rename, removed); another file of the directory
 * does not count.
 */
static void
test_watch(void)
{
	struct users_watch	*w;
	char			 other[300], tmp[300];

	snprintf(other, sizeof other, "%s/other", dir);
	snprintf(tmp, sizeof tmp, "%s/users.new", dir);
	write_file(path, "# none\n", 0600);
	w = users_watch_new(path);
	CHECK_INT(users_watch_changed(w), 0);
	write_file(other, "x\n", 0600);
	CHECK_INT(users_watch_changed(w), 0);
	write_file(path, "# one\n", 0600);
	CHECK_INT(users_watch_changed(w), 1);
	CHECK_INT(users_watch_changed(w), 0);
	write_file(tmp, "# two\n", 0600);
	CHECK(rename(tmp, path) == 0);
	CHECK_INT(users_watch_changed(w), 1);
	CHECK_INT(users_watch_changed(w), 0);
	unlink(path);
	CHECK_INT(users_watch_changed(w), 1);
	unlink(other);
	users_watch_free(w);
}

static void
test_reload(void)
{
	struct accounts	*a;
	struct account	 acct;
	unsigned	 wait;
	char		*text, *cause = NULL;

	xasprintf(&text, "alice:read-write:private:%s\n", hash_a);
	a = open_with(text);
	free(text);
	CHECK_INT(accounts_verify(a, basic("alice", "pw-a"), "1.1.1.1", &acct,
	    &wait), ACCOUNT_OK);
	/* Changed (a new inode, as kcal user writes it): read again, the
	 * cache emptied, so alice's cached login no longer counts. */
	xasprintf(&text, "bob:read-only:public:%s\n", hash_b);
	write_file(path, text, 0600);
	free(text);
	CHECK_INT(accounts_verify(a, basic("alice", "pw-a"), "1.1.1.1", &acct,
	    &wait), ACCOUNT_BAD);
	CHECK_INT(accounts_verify(a, basic("bob", "pw-b"), "1.1.1.1", &acct,
	    &wait), ACCOUNT_OK);
	/* A bad file keeps the accounts loaded before. */
	write_file(path, "bob:read-only\n", 0600);
	CHECK_INT(accounts_verify(a, basic("bob", "pw-b"), "1.1.1.2", &acct,
	    &wait), ACCOUNT_OK);
	CHECK_INT(accounts_count(a), 1);
	CHECK(accounts_reload(a, path) == -1);
	CHECK_INT(accounts_count(a), 1);
	/* Made readable by others: also kept, also at start refused. */
	write_file(path, "# none\n", 0644);
	CHECK(accounts_reload(a, path) == -1);
	CHECK(accounts_open(path, &cause) == NULL);
	CHECK(cause != NULL && strstr(cause, "chmod 600") != NULL);
	free(cause);
	/* Removed: no accounts. */
	unlink(path);
	CHECK(accounts_reload(a, path) == 0);
	CHECK_INT(accounts_count(a), 0);
	CHECK_INT(accounts_verify(a, basic("bob", "pw-b"), "1.1.1.3", &acct,
	    &wait), ACCOUNT_BAD);
	accounts_free(a);
}

/* account_start: answers that need yescrypt come later, on the loop. */
struct got {
	struct event_base	*base;
	int			 n, want;
	enum account_result	 r[8];
	char			 name[8][64];
	unsigned		 retry[8];
};

static void
got_cb(void *arg, enum account_result r, const struct account *acct,
    unsigned retry)
{
	struct got	*g = arg;

	if (g->n < 8) {
		g->r[g->n] = r;
		snprintf(g->name[g->n], sizeof g->name[0], "%s", acct->name);
		g->retry[g->n] = retry;
	}
	if (++g->n == g->want)
		event_base_loopbreak(g->base);
}

static void
run_until(struct got *g, int want)
{
	struct timeval	tv = { 20, 0 };

	g->want = want;
	if (g->n < want) {
		event_base_loopexit(g->base, &tv);
		event_base_dispatch(g->base);
	}
	CHECK_INT(g->n, want);
}

static void
test_async(void)
{
	struct server	 srv;
	struct got	 g;
	struct account	 acct;
	unsigned	 wait;
	char		*text;
	int		 bad = -1, good = -1;

	memset(&srv, 0, sizeof srv);
	memset(&g, 0, sizeof g);
	g.base = srv.base = event_base_new();
	xasprintf(&text, "alice:read-write:private:%s\n"
	    "bob:read-only:public:%s\n", hash_a, hash_b);
	srv.accounts = open_with(text);
	free(text);
	CHECK_INT(account_start(&srv, NULL, "1.1.1.1", &acct, &wait, got_cb,
	    &g), ACCOUNT_NONE);
	CHECK_INT(account_start(&srv, basic("alice", "pw-a"), "1.1.1.1", &acct,
	    &wait, got_cb, &g), ACCOUNT_PENDING);
	CHECK_INT(account_start(&srv, basic("bob", "no"), "1.1.1.2", &acct,
	    &wait, got_cb, &g), ACCOUNT_PENDING);
	CHECK_INT(g.n, 0);		/* never from within account_start */
	run_until(&g, 2);
	for (int i = 0; i < 2; i++) {
		if (strcmp(g.name[i], "alice") == 0)
			good = i;
		else
			bad = i;
	}
	CHECK(good >= 0 && g.r[good] == ACCOUNT_OK);
	CHECK(bad >= 0 && g.r[bad] == ACCOUNT_BAD);
	/* Remembered: answered at once. */
	CHECK_INT(account_start(&srv, basic("alice", "pw-a"), "1.1.1.3", &acct,
	    &wait, got_cb, &g), ACCOUNT_OK);
	CHECK_STR(acct.who.name, "alice");
	/* Two checks at once per peer; a third waits a second. */
	CHECK_INT(account_start(&srv, basic("u1", "x"), "1.1.1.4", &acct,
	    &wait, got_cb, &g), ACCOUNT_PENDING);
	CHECK_INT(account_start(&srv, basic("u2", "x"), "1.1.1.4", &acct,
	    &wait, got_cb, &g), ACCOUNT_PENDING);
	CHECK_INT(account_start(&srv, basic("u3", "x"), "1.1.1.4", &acct,
	    &wait, got_cb, &g), ACCOUNT_LIMITED);
	CHECK_INT(wait, 1);
	run_until(&g, 4);
	CHECK(g.r[2] == ACCOUNT_BAD && g.r[3] == ACCOUNT_BAD);
	/* Stopping answers what still waits. */
	CHECK_INT(account_start(&srv, basic("bob", "pw-b"), "1.1.1.5", &acct,
	    &wait, got_cb, &g), ACCOUNT_PENDING);
	CHECK_INT(account_start(&srv, basic("bob", "pw-b"), "1.1.1.6", &acct,
	    &wait, got_cb, &g), ACCOUNT_PENDING);
	accounts_free(srv.accounts);
	CHECK_INT(g.n, 6);
	event_base_free(srv.base);
}

/* users_file: beside kcald.conf by default, relative to its directory. */
static void
test_config(void)
{
	struct config	*cfg;
	char		*cause = NULL, *p;

	cfg = config_new();
	cfg->config_file = xstrdup("/etc/kcal/kcald.conf");
	CHECK(config_finish(cfg, &cause) == 0);
	CHECK_STR(cfg->users_file, "/etc/kcal/users");
	config_free(cfg);
	cfg = config_new();
	cfg->config_file = xstrdup("/etc/kcal/kcald.conf");
	CHECK(config_set(cfg, "users_file", "sub/accounts", &cause) == 0);
	CHECK(config_finish(cfg, &cause) == 0);
	CHECK_STR(cfg->users_file, "/etc/kcal/sub/accounts");
	config_free(cfg);
	cfg = config_new();
	cfg->config_file = xstrdup("/etc/kcal/kcald.conf");
	CHECK(config_set(cfg, "users_file", "/var/lib/kcal/users", &cause) == 0);
	CHECK(config_finish(cfg, &cause) == 0);
	CHECK_STR(cfg->users_file, "/var/lib/kcal/users");
	config_free(cfg);

	/* kcal finds the same: the config's users_file, comments ignored. */
	snprintf(path, sizeof path, "%s/kcald.conf", dir);
	write_file(path, "# users_file = no\n  users_file = x/u  # here\n",
	    0600);
	p = users_path_from_config(path, &cause);
	xasprintf(&cause, "%s/x/u", dir);
	CHECK_STR(p, cause);
	free(p);
	free(cause);
	cause = NULL;
	write_file(path, "http = 8765\n", 0600);
	p = users_path_from_config(path, &cause);
	xasprintf(&cause, "%s/users", dir);
	CHECK_STR(p, cause);
	free(p);
	free(cause);
	cause = NULL;
	CHECK(users_path_from_config("/nonexistent/kcald.conf", &cause) ==
	    NULL);
	free(cause);
	unlink(path);
	snprintf(path, sizeof path, "%s/users", dir);
}

int
main(void)
{
	char	*cause = NULL;

	log_set_level(0);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof path, "%s/users", dir);
	if (users_hash("pw-a", hash_a, sizeof hash_a, &cause) != 0 ||
	    users_hash("pw-b", hash_b, sizeof hash_b, &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		return 1;
	}
	CHECK(strncmp(hash_a, "$y$", 3) == 0);
	CHECK(strcmp(hash_a, hash_b) != 0);
	test_parse();
	test_save();
	test_verify();
	test_limit();
	test_reload();
	test_watch();
	test_async();
	test_config();
	unlink(path);
	rmdir(dir);
	TEST_DONE();
}
