/*
 * access.h — who may read and who may write through the Unix socket.
 *
 * The socket's file mode decides who can connect at all (0600 by default;
 * 0660 with socket_group).  Once connected, the peer's credentials, taken
 * from the kernel (SO_PEERCRED, SO_PEERGROUPS) when it connects, are
 * checked against the lists in kcald.conf: at once (a peer in no list is
 * refused), on every request that writes, and for the clearance that
 * bounds what each request and each push may read (access_clearance).
 * access_check() is a pure function so the policy is unit-tested alone.
 */
#ifndef KCAL_ACCESS_H
#define KCAL_ACCESS_H

#include <stddef.h>
#include <sys/types.h>

enum access_level { ACCESS_NONE, ACCESS_READ, ACCESS_WRITE };

/*
 * An event's CLASS as a rank, lowest first, so that "may this role read
 * it" is one comparison with the role's clearance (the highest rank it may
 * read).  RFC 5545 3.8.1.3: a CLASS the reader does not know is PRIVATE.
 */
enum access_class {
	ACCESS_CLASS_PUBLIC,
	ACCESS_CLASS_PRIVATE,
	ACCESS_CLASS_CONFIDENTIAL
};

struct access_ids {
	unsigned	*ids;
	size_t		 n;
};

struct access_config {
	struct access_ids	 ro_users, rw_users;	/* uids */
	struct access_ids	 ro_groups, rw_groups;	/* gids */
	int			 has_socket_group;
	gid_t			 socket_gid;
	/* readonly_clearance; zero (the default) is PUBLIC */
	enum access_class	 ro_clearance;
};

/*
 * Who a request runs as, whatever it came through: a Unix-socket peer
 * (access_who_peer: its role from the uid/gid lists, its clearance from
 * access_clearance) or a CalDAV account (its role and clearance from the
 * users file).  Every command, store read and write checks this one pair:
 * level says whether it may write at all, clearance the highest class it
 * may read, and so also change (a write may not touch, or create, an event
 * above it).  name is for messages and logs.
 */
struct access_who {
	enum access_level	 level;
	enum access_class	 clearance;
	const char		*name;
};

enum access_level access_check(const struct access_config *, uid_t, uid_t,
		     const gid_t *, size_t);
const char	*access_level_name(enum access_level);
enum access_class access_class_of(const char *);
const char	*access_class_name(enum access_class);
int		 access_may_read(enum access_class, enum access_class);
enum access_class access_clearance(const struct access_config *,
		     enum access_level);
int		 access_may_write(const struct access_who *, enum access_class);
int		 access_parse_class(const char *, const char *,
		     enum access_class *, char **);
int		 access_parse_users(const char *, const char *,
		     struct access_ids *, char **);
int		 access_parse_groups(const char *, const char *,
		     struct access_ids *, char **);
int		 access_parse_group(const char *, gid_t *, char **);
int		 access_validate(const struct access_config *, char **);
void		 access_clear(struct access_config *);
int		 access_peer_groups(int, gid_t, gid_t **, size_t *);

#endif
