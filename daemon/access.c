/*
 * access.c — the socket's access policy: which peers may read and which
 * may also write.  The decision (access_check) is a pure function of the
 * peer's credentials and the configured lists; the rest parses the lists
 * from kcald.conf and collects a peer's groups from the kernel.
 *
 * Order of the rules, most specific first (kcald.conf(5) says the same):
 *   1. root and the user kcald runs as: write;
 *   2. a user in readwrite_users: write; in readonly_users: read;
 *   3. a member of a group in readwrite_groups: write; of a group in
 *      readonly_groups: read;
 *   4. a member of socket_group: read;
 *   5. anyone else: nothing (the connection is refused).
 * A user entry beats the user's groups, so "readonly_users = bob" keeps
 * bob read-only even when he belongs to a readwrite group.
 */
#include <sys/socket.h>
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "access.h"
#include "xmalloc.h"

static int
has_id(const struct access_ids *l, unsigned id)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->ids[i] == id)
			return 1;
	return 0;
}

static int
has_any(const struct access_ids *l, const gid_t *gids, size_t ngids)
{
	for (size_t i = 0; i < ngids; i++)
		if (has_id(l, gids[i]))
			return 1;
	return 0;
}

/* The level of a peer with uid and groups gids, for a daemon running as self. */
enum access_level
access_check(const struct access_config *ac, uid_t self, uid_t uid,
    const gid_t *gids, size_t ngids)
{
	if (uid == 0 || uid == self)
		return ACCESS_WRITE;
	if (has_id(&ac->rw_users, uid))
		return ACCESS_WRITE;
	if (has_id(&ac->ro_users, uid))
		return ACCESS_READ;
	if (has_any(&ac->rw_groups, gids, ngids))
		return ACCESS_WRITE;
	if (has_any(&ac->ro_groups, gids, ngids))
		return ACCESS_READ;
	if (ac->has_socket_group) {
		for (size_t i = 0; i < ngids; i++)
			if (gids[i] == ac->socket_gid)
				return ACCESS_READ;
	}
	return ACCESS_NONE;
}

const char *
access_level_name(enum access_level l)
{
	return l == ACCESS_WRITE ? "write" : l == ACCESS_READ ? "read" : "none";
}

/*
 * A CLASS value (as stored, or as written in iCalendar) as a rank: no
 * class, or an empty one, is PUBLIC (the RFC's default); PUBLIC, PRIVATE
 * and CONFIDENTIAL in any case are themselves; anything else (X-TOP-SECRET,
 * a misspelling) is PRIVATE, as RFC 5545 3.8.1.3 says.
 */
enum access_class
access_class_of(const char *class)
{
	if (class == NULL || *class == '\0' ||
	    strcasecmp(class, "public") == 0)
		return ACCESS_CLASS_PUBLIC;
	if (strcasecmp(class, "confidential") == 0)
		return ACCESS_CLASS_CONFIDENTIAL;
	return ACCESS_CLASS_PRIVATE;
}

const char *
access_class_name(enum access_class c)
{
	return c == ACCESS_CLASS_CONFIDENTIAL ? "confidential" :
	    c == ACCESS_CLASS_PRIVATE ? "private" : "public";
}

/* May a reader cleared up to clearance read an event of class c? */
int
access_may_read(enum access_class clearance, enum access_class c)
{
	return c <= clearance;
}

/*
 * The clearance of a role: the highest class its peers may read.  A peer
 * that may write reads everything: it could publish any event in a feed
 * of its own and fetch it (feed_add, feed_list's tokens), change an
 * event's class, or export the store, so a lower clearance would only
 * look like a limit.  A read-only peer reads up to readonly_clearance
 * (public unless kcald.conf says otherwise).
 */
enum access_class
access_clearance(const struct access_config *ac, enum access_level l)
{
	if (l == ACCESS_WRITE)
		return ACCESS_CLASS_CONFIDENTIAL;
	if (l == ACCESS_READ)
		return ac->ro_clearance;
	return ACCESS_CLASS_PUBLIC;
}

/*
 * May who write an event of class c (change it, delete it, or create it
 * with that class)?  Only a writer, and only up to its clearance: what it
 * may not read it may not overwrite blindly either.
 */
int
access_may_write(const struct access_who *who, enum access_class c)
{
	return who->level == ACCESS_WRITE &&
	    access_may_read(who->clearance, c);
}

/* A clearance as kcald.conf names it: public, private or confidential. */
int
access_parse_class(const char *key, const char *v, enum access_class *out,
    char **cause)
{
	if (strcasecmp(v, "public") == 0)
		*out = ACCESS_CLASS_PUBLIC;
	else if (strcasecmp(v, "private") == 0)
		*out = ACCESS_CLASS_PRIVATE;
	else if (strcasecmp(v, "confidential") == 0)
		*out = ACCESS_CLASS_CONFIDENTIAL;
	else {
		xasprintf(cause, "%s is public, private or confidential, not "
		    "\"%s\"", key, v);
		return -1;
	}
	return 0;
}

/* A decimal id, or -1. */
static long long
parse_id(const char *s)
{
	char		*end;
	long long	 n;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || n < 0 || n >= UINT_MAX)
		return -1;
	return n;
}

/* The id of a group (group 1) or user, given by number or name; or -1. */
static long long
name_id(const char *name, int group)
{
	struct passwd	*pw;
	struct group	*gr;
	long long	 n;

	if ((n = parse_id(name)) >= 0)
		return n;
	if (group)
		return (gr = getgrnam(name)) != NULL ? (long long)gr->gr_gid : -1;
	return (pw = getpwnam(name)) != NULL ? (long long)pw->pw_uid : -1;
}

/* A list of names or numbers, separated by spaces or commas. */
static int
parse_list(const char *key, const char *v, struct access_ids *out,
    int group, const char *what, char **cause)
{
	char		*copy = xstrdup(v), *tok, *save = NULL;
	long long	 id;

	free(out->ids);
	out->ids = NULL;
	out->n = 0;
	for (tok = strtok_r(copy, " \t,", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t,", &save)) {
		if ((id = name_id(tok, group)) < 0) {
			xasprintf(cause, "%s: no %s \"%s\"", key, what, tok);
			free(copy);
			return -1;
		}
		out->ids = xreallocarray(out->ids, out->n + 1, sizeof *out->ids);
		out->ids[out->n++] = (unsigned)id;
	}
	free(copy);
	return 0;
}

int
access_parse_users(const char *key, const char *v, struct access_ids *out,
    char **cause)
{
	return parse_list(key, v, out, 0, "such user", cause);
}

int
access_parse_groups(const char *key, const char *v, struct access_ids *out,
    char **cause)
{
	return parse_list(key, v, out, 1, "such group", cause);
}

int
access_parse_group(const char *v, gid_t *gid, char **cause)
{
	long long	id = name_id(v, 1);

	if (id < 0) {
		xasprintf(cause, "socket_group: no such group \"%s\"", v);
		return -1;
	}
	*gid = (gid_t)id;
	return 0;
}

/* A user or group may not be both read-only and read-write. */
int
access_validate(const struct access_config *ac, char **cause)
{
	for (size_t i = 0; i < ac->ro_users.n; i++)
		if (has_id(&ac->rw_users, ac->ro_users.ids[i])) {
			xasprintf(cause, "uid %u is in both readonly_users and "
			    "readwrite_users", ac->ro_users.ids[i]);
			return -1;
		}
	for (size_t i = 0; i < ac->ro_groups.n; i++)
		if (has_id(&ac->rw_groups, ac->ro_groups.ids[i])) {
			xasprintf(cause, "gid %u is in both readonly_groups and "
			    "readwrite_groups", ac->ro_groups.ids[i]);
			return -1;
		}
	return 0;
}

void
access_clear(struct access_config *ac)
{
	free(ac->ro_users.ids);
	free(ac->rw_users.ids);
	free(ac->ro_groups.ids);
	free(ac->rw_groups.ids);
	memset(ac, 0, sizeof *ac);
}

/*
 * The peer's groups as the kernel saw them when it connected: its primary
 * group plus its supplementary groups (SO_PEERGROUPS, Linux 4.13 and
 * later; without it, only the primary group counts).  *gids is allocated.
 */
int
access_peer_groups(int fd, gid_t primary, gid_t **gids, size_t *n)
{
	gid_t		*g = xcalloc(1, sizeof *g);
	size_t		 ng = 1;
#ifdef SO_PEERGROUPS
	socklen_t	 len = 64 * sizeof *g;
	gid_t		*sup = xmalloc(len);
	int		 rc;

	rc = getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, sup, &len);
	if (rc != 0 && errno == ERANGE) {	/* len is now the size needed */
		sup = xreallocarray(sup, 1, len);
		rc = getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, sup, &len);
	}
	if (rc != 0)
		len = 0;
	g = xreallocarray(g, 1 + len / sizeof *g, sizeof *g);
	memcpy(g + 1, sup, len);
	ng += len / sizeof *g;
	free(sup);
#else
	(void)fd;
#endif
	g[0] = primary;
	*gids = g;
	*n = ng;
	return 0;
}
