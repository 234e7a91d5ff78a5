/*
 * account-watch.c — whether the users file may have changed, without a
 * stat() of it on every login (account.c asks before each one).
 *
 * An inotify watch on the file's directory sees it written, replaced by
 * rename (as kcal user writes it), removed or its mode changed; the
 * kernel queues the event when that happens, so a read of the watch
 * (non-blocking, no path walked) before a login already sees a change
 * made just before the request.  Events for other names in the
 * directory are skipped.  What inotify cannot see (a symbolic link's
 * target changed, a file on a network file system changed elsewhere, a
 * watch that could not be set up) is caught by a look at most once a
 * second anyway; without a watch the file is looked at before every
 * login, as it was before watches.
 */
#include <sys/inotify.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "account-int.h"
#include "clock.h"
#include "xmalloc.h"

#define LOOK_MS		1000	/* at least this often, whatever the watch */
#define DIR_EVENTS	(IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB | IN_CREATE | \
			 IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | \
			 IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

struct users_watch {
	int		 fd;		/* inotify's, or -1 */
	int		 wd;		/* the directory's watch, or -1 */
	char		*dir;
	char		*base;
	int64_t		 looked;	/* ms, the last "look" answered */
};

static void
arm(struct users_watch *w)
{
	if (w->fd >= 0)
		w->wd = inotify_add_watch(w->fd, w->dir, DIR_EVENTS);
}

struct users_watch *
users_watch_new(const char *path)
{
	struct users_watch	*w = xcalloc(1, sizeof *w);
	const char		*slash = strrchr(path, '/');

	if (slash == NULL) {
		w->dir = xstrdup(".");
		w->base = xstrdup(path);
	} else {
		w->dir = slash == path ? xstrdup("/") :
		    xstrndup(path, (size_t)(slash - path));
		w->base = xstrdup(slash + 1);
	}
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	w->wd = -1;
	arm(w);
	w->looked = clock_mono_ms();
	return w;
}

void
users_watch_free(struct users_watch *w)
{
	if (w == NULL)
		return;
	if (w->fd >= 0)
		close(w->fd);
	free(w->dir);
	free(w->base);
	free(w);
}

/* The events queued: 1 if one may concern the file, 0 if none. */
static int
drain(struct users_watch *w)
{
	char				 buf[4096]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event	*ev;
	ssize_t				 n;
	int				 hit = 0, rearm = 0;

	while ((n = read(w->fd, buf, sizeof buf)) > 0) {
		for (char *p = buf; p < buf + n; p += sizeof *ev + ev->len) {
			ev = (const struct inotify_event *)p;
			if (ev->mask & (IN_Q_OVERFLOW | IN_IGNORED |
			    IN_DELETE_SELF | IN_MOVE_SELF))
				hit = rearm = 1;
			if (ev->mask & IN_IGNORED)
				w->wd = -1;
			if (ev->len > 0 && strcmp(ev->name, w->base) == 0)
				hit = 1;
		}
	}
	if (n < 0 && errno != EAGAIN && errno != EINTR)
		hit = 1;
	if (rearm) {	/* the directory was moved, removed or replaced */
		if (w->wd >= 0)
			inotify_rm_watch(w->fd, w->wd);
		arm(w);
	}
	return hit;
}

/*
 * Should the file be looked at (stat'ed) now?  1 when the watch saw a
 * change of it, or a second after the last look; without a watch (none
 * could be set up: no inotify instance left, no directory) always, as
 * before there were watches.
 */
int
users_watch_changed(struct users_watch *w)
{
	int64_t	now = clock_mono_ms();
	int	hit = 0;

	if (w->fd >= 0 && w->wd >= 0 && drain(w))
		hit = 1;
	if (w->fd >= 0 && w->wd < 0)
		arm(w);
	if (w->wd < 0 || now - w->looked >= LOOK_MS)
		hit = 1;
	if (hit)
		w->looked = now;
	return hit;
}
