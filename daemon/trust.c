/*
 * trust.c — what kcald checks before it trusts a directory with its store
 * or its socket, the store files' modes, and the data directory's lock.
 *
 * The store holds confidential events and every feed token; the socket
 * takes writes.  So the directory that holds either (the leaf only: a
 * root-owned parent such as /run or /tmp is fine) must be kcald's own and
 * writable by no one else, or a local user could swap the store or put an
 * impostor's socket in place: such a directory is refused at start-up, not
 * warned about.  A data directory that is only readable by others (0755,
 * as mkdir -p leaves it) is made private instead, as are store files an
 * older kcald created 0644: kcald runs under umask 077 (kcald.c), so what
 * it creates now is 0600 and 0700 from birth, and SQLite gives the -wal
 * and -shm files the mode of the database file.
 *
 * The lock: one kcald per data directory, or two daemons on one store
 * would fire every reminder twice.  flock() on data_dir/kcald.lock, held
 * for the daemon's life (the kernel drops it when the process dies, also on
 * kill -9); the file holds the holder's pid for the refusal's message.
 * flock and not fcntl: it works on a descriptor opened read-only, which is
 * all a read-only store's directory allows.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "trust.h"
#include "xmalloc.h"

/* 0, or -1 and *cause: dir is not a directory of kcald's own. */
int
trust_dir(const char *dir, const char *what, char **cause)
{
	struct stat	sb;
	uid_t		me = geteuid();

	if (stat(dir, &sb) != 0) {
		xasprintf(cause, "%s %s: %s", what, dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(sb.st_mode)) {
		xasprintf(cause, "%s %s is not a directory", what, dir);
		return -1;
	}
	if (sb.st_uid != me) {
		xasprintf(cause, "%s %s is owned by uid %ld, not by kcald's "
		    "uid %ld; refusing to use it", what, dir, (long)sb.st_uid,
		    (long)me);
		return -1;
	}
	if (sb.st_mode & (S_IWGRP | S_IWOTH)) {
		xasprintf(cause, "%s %s can be written by %s (mode %04o); "
		    "refusing to use it (chmod go-w it)", what, dir,
		    (sb.st_mode & S_IWOTH) ? "others" : "its group",
		    (unsigned)(sb.st_mode & 07777));
		return -1;
	}
	return 0;
}

/* Take group and others' bits from path; say so, or why it cannot be. */
static void
tighten(const char *what, const char *path, mode_t keep)
{
	struct stat	sb;
	mode_t		to;

	if (lstat(path, &sb) != 0 || (sb.st_mode & 077) == 0 ||
	    (!S_ISDIR(sb.st_mode) && !S_ISREG(sb.st_mode)))
		return;
	to = sb.st_mode & keep;
	if (chmod(path, to) == 0)
		log_info("%s %s was mode %04o, readable by others; made it "
		    "%04o", what, path, (unsigned)(sb.st_mode & 07777),
		    (unsigned)to);
	else
		log_warnx("%s %s is mode %04o, readable by others, and cannot "
		    "be made private: %s", what, path,
		    (unsigned)(sb.st_mode & 07777), strerror(errno));
}

/* The data directory (trusted by trust_dir) made 0700, or 0500 if 0555. */
void
trust_tighten_dir(const char *dir)
{
	tighten("data dir", dir, 0700);
}

/* The store and its companions made 0600 (0400 if read-only). */
void
trust_tighten_store(const char *db)
{
	static const char	*suffix[] = { "", "-wal", "-shm", "-journal" };
	char			*path;

	if (strcmp(db, ":memory:") == 0)
		return;
	for (size_t i = 0; i < sizeof suffix / sizeof *suffix; i++) {
		xasprintf(&path, "%s%s", db, suffix[i]);
		tighten("store file", path, 0600);
		free(path);
	}
}

/* The pid the lock file names, or -1. */
static long
lock_holder(int fd)
{
	char	 buf[32], *end;
	ssize_t	 n;
	long	 pid;

	if ((n = pread(fd, buf, sizeof buf - 1, 0)) <= 0)
		return -1;
	buf[n] = '\0';
	pid = strtol(buf, &end, 10);
	return (end == buf || pid <= 0) ? -1 : pid;
}

/* The lock file, created 0600; -2 when a read-only dir has none. */
static int
lock_open(const char *path, char **cause)
{
	int	fd;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd == -1 && (errno == EROFS || errno == EACCES)) {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd == -1 && errno == ENOENT)
			return -2;
	}
	if (fd == -1)
		xasprintf(cause, "cannot open the lock file %s: %s", path,
		    strerror(errno));
	return fd;
}

/*
 * Lock dir for this process's life: the descriptor (keep it open), -2
 * when a read-only directory has no lock file to lock (a warning says so),
 * or -1 and *cause -- another kcald holds it, named with its pid.
 */
int
trust_lock(const char *dir, char **cause)
{
	char	*path, buf[32];
	int	 fd, n;
	long	 pid;

	xasprintf(&path, "%s/%s", dir, TRUST_LOCK_NAME);
	if ((fd = lock_open(path, cause)) < 0) {
		if (fd == -2)
			log_warnx("data dir %s is read-only and has no %s: it is "
			    "not locked against a second kcald", dir,
			    TRUST_LOCK_NAME);
		free(path);
		return fd;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK && (pid = lock_holder(fd)) > 0)
			xasprintf(cause, "data dir %s is in use by kcald pid %ld",
			    dir, pid);
		else if (errno == EWOULDBLOCK)
			xasprintf(cause, "data dir %s is in use by another "
			    "kcald (%s)", dir, path);
		else
			xasprintf(cause, "cannot lock %s: %s", path,
			    strerror(errno));
		close(fd);
		free(path);
		return -1;
	}
	n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, buf, (size_t)n, 0) != n)
		log_debug("lock file %s: pid not recorded: %s", path,
		    strerror(errno));
	free(path);
	return fd;
}
