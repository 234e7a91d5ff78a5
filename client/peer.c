/*
 * peer.c — before kcal sends a byte, it asks the kernel who is at the other
 * end of the socket (SO_PEERCRED, taken when the server called listen()).
 * A socket path can be squatted: with XDG_RUNTIME_DIR unset the default is
 * under /tmp, where another local user may create the directory first and
 * listen there, and receive the user's requests.  So the server must run
 * as the user, as root, or as the uid KCAL_SERVER_UID names (a shared
 * kcald run by a service account, reached through its socket group).
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "peer.h"
#include "xmalloc.h"

/* KCAL_SERVER_UID: a uid or a user name; 0, or -1 and *cause. */
static int
trusted_uid(uid_t *uid, int *set, char **cause)
{
	const char	*v = getenv("KCAL_SERVER_UID");
	struct passwd	*pw;
	char		*end;
	unsigned long	 n;

	*set = 0;
	if (v == NULL || *v == '\0')
		return 0;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (*end == '\0' && errno == 0 && *v != '-' && n <= (uid_t)-2) {
		*uid = (uid_t)n;
		*set = 1;
		return 0;
	}
	if ((pw = getpwnam(v)) == NULL) {
		xasprintf(cause, "KCAL_SERVER_UID: no such user \"%s\"", v);
		return -1;
	}
	*uid = pw->pw_uid;
	*set = 1;
	return 0;
}

/* 0 when fd's server may be trusted with what kcal sends, else -1. */
int
peer_check(int fd, const char *path, char **cause)
{
	struct ucred	cred;
	socklen_t	len = sizeof cred;
	uid_t		extra = 0;
	int		set;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
		xasprintf(cause, "cannot tell who serves the socket %s (%s); "
		    "refusing to send", path, strerror(errno));
		return -1;
	}
	if (cred.uid == geteuid() || cred.uid == 0)
		return 0;
	if (trusted_uid(&extra, &set, cause) != 0)
		return -1;
	if (set && cred.uid == extra)
		return 0;
	if (set)
		xasprintf(cause, "the socket %s is served by uid %ld, not by you, "
		    "root or KCAL_SERVER_UID (%ld); refusing to send", path,
		    (long)cred.uid, (long)extra);
	else
		xasprintf(cause, "the socket %s is served by uid %ld, not by you "
		    "or root; refusing to send (set KCAL_SERVER_UID to trust it)",
		    path, (long)cred.uid);
	return -1;
}
