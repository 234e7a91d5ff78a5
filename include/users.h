/*
 * users.h — the users file that gives calendar apps their accounts
 * (kcald.conf(5), "ACCOUNTS"): read by kcald (daemon/account.c) and
 * edited by kcal user (client/user.c), so both share this one reader and
 * writer.  One account a line, NAME:ROLE:CLEARANCE:HASH, '#' comments;
 * the hash is yescrypt, made by libxcrypt.
 */
#ifndef KCAL_USERS_H
#define KCAL_USERS_H

#include <stddef.h>

#define USERS_NAME_MAX	63	/* characters of a user name */
#define USERS_HASH_MAX	255	/* characters of a stored hash */

struct users_entry {
	char	 name[USERS_NAME_MAX + 1];
	int	 write;		/* role read-write, else read-only */
	int	 clearance;	/* 0 public, 1 private, 2 confidential */
	char	 hash[USERS_HASH_MAX + 1];
	int	 line;		/* index in raw, or -1: not in the file yet */
	int	 deleted;
};

/* A file as read: its accounts and all its lines, comments included. */
struct users {
	struct users_entry	*e;
	size_t			 n;
	char			**raw;		/* every line, without '\n' */
	size_t			 nraw;
};

enum { USERS_MODE_ANY, USERS_MODE_PRIVATE };

int	 users_load(const char *, int, struct users *, char **);
int	 users_parse_line(const char *, struct users_entry *, char **);
void	 users_clear(struct users *);
struct users_entry *users_find(struct users *, const char *);
struct users_entry *users_add(struct users *, const char *);
int	 users_save(const char *, const struct users *, char **);
int	 users_valid_name(const char *);
const char *users_role_name(int);
const char *users_clearance_name(int);
int	 users_parse_role(const char *);
int	 users_parse_clearance(const char *);
int	 users_hash(const char *, char *, size_t, char **);
char	*users_default_config(void);
char	*users_beside(const char *, const char *);
char	*users_path_from_config(const char *, char **);

#endif
