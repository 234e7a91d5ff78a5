/*
 * account.h — the accounts calendar apps log in with over HTTP Basic
 * (account.c): the users file (users_file in kcald.conf; include/users.h
 * reads it), checked with yescrypt, good credentials cached for a short
 * while, failed logins rate-limited by peer and by name.  A user's role and
 * clearance become a struct access_who, the one policy the Unix socket's
 * peers also run under (access.h).
 */
#ifndef KCAL_ACCOUNT_H
#define KCAL_ACCOUNT_H

#include <stdint.h>

#include "access.h"

struct server;
struct accounts;

enum account_result {
	ACCOUNT_OK,
	ACCOUNT_NONE,		/* no Authorization header, or not Basic */
	ACCOUNT_BAD,		/* unknown user or wrong password */
	ACCOUNT_LIMITED,	/* too many failures: retry_after seconds */
	ACCOUNT_PENDING		/* account_start: the answer comes later */
};

struct account {
	char			name[64];
	struct access_who	who;		/* who.name points at name */
};

/* The check, yescrypt (when needed) run inline: the loop waits for it. */
enum account_result account_check(struct server *, const char *,
		     const char *, struct account *, unsigned *);

/*
 * account_start: the same check, but yescrypt runs on a worker thread, so
 * the event loop goes on meanwhile.  Any result but ACCOUNT_PENDING is the
 * answer now, as account_check gives it (no yescrypt was needed: no or
 * bad header, a remembered login, a barred peer or name).  On PENDING the
 * callback gets the answer later, from the event loop (never from within
 * account_start), with the account and retry_after; the caller keeps the
 * request waiting (httpd_defer) until then.  When kcald stops, a check
 * still waiting is answered ACCOUNT_LIMITED, 1 s.
 */
typedef void	(*account_done_cb)(void *, enum account_result,
		     const struct account *, unsigned);
enum account_result account_start(struct server *, const char *,
		     const char *, struct account *, unsigned *,
		     account_done_cb, void *);

struct accounts	*accounts_open(const char *, char **);
void		 accounts_free(struct accounts *);
int		 accounts_reload(struct accounts *, const char *);
size_t		 accounts_count(const struct accounts *);
enum account_result accounts_verify(struct accounts *, const char *,
		     const char *, struct account *, unsigned *);
/* For tests: the clock (seconds), and how many checks ran yescrypt. */
void		 accounts_set_clock(struct accounts *, int64_t (*)(void *),
		     void *);
uint64_t	 accounts_hashed(const struct accounts *);

#endif
