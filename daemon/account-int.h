/*
 * account-int.h — between account.c (the users file, the cache, the
 * counts of failures: what a login is decided by) and account-work.c
 * (where the one slow step, yescrypt, runs: inline for account_check, on
 * worker threads for account_start).  A login that needs yescrypt becomes
 * a job: prepared on the loop, run anywhere (account_job_run touches only
 * the job), finished on the loop.
 */
#ifndef KCAL_ACCOUNT_INT_H
#define KCAL_ACCOUNT_INT_H

#include <sys/queue.h>
#include <stdint.h>

#include <nettle/sha2.h>

#include "account.h"
#include "users.h"

struct crypt_data;
struct event_base;
struct account_work;

struct account_job {
	uint8_t			 mac[SHA256_DIGEST_SIZE];	/* header's */
	char			 pkey[128];	/* "p:PEER" */
	char			 ukey[USERS_NAME_MAX + 3]; /* "u:NAME" or "" */
	char			*pw;
	char			 hash[USERS_HASH_MAX + 1]; /* or the dummy's */
	int			 known;		/* the name is in the file */
	uint64_t		 gen;		/* of the file it was made with */
	int			 ok;		/* run's answer */
	account_done_cb		 done;
	void			*arg;
	TAILQ_ENTRY(account_job) entry;
};
TAILQ_HEAD(account_jobs, account_job);

/* account.c */
enum account_result account_prepare(struct accounts *, const char *,
		     const char *, struct account *, unsigned *,
		     struct account_job **);
enum account_result account_finish(struct accounts *, struct account_job *,
		     struct account *, unsigned *);
void		 account_cancel(struct accounts *, struct account_job *);
int		 account_job_run(struct account_job *, struct crypt_data *);
struct account_work **account_work_slot(struct accounts *);
struct crypt_data *account_crypt_data(struct accounts *);

/* account-watch.c: may the users file have changed since last asked? */
struct users_watch;
struct users_watch *users_watch_new(const char *);
int		 users_watch_changed(struct users_watch *);
void		 users_watch_free(struct users_watch *);

/* account-work.c */
int		 account_work_queue(struct accounts *, struct event_base *,
		     struct account_job *);
void		 account_work_stop(struct accounts *);

#endif
