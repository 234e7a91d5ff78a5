/*
 * slowsync.c — for tests: preloaded into kcald (LD_PRELOAD), it makes every
 * fsync and fdatasync of a file whose name ends in "-wal" (SQLite's
 * write-ahead log) take KCAL_TEST_SYNC_MS milliseconds longer, as on a slow
 * disk, so that a test can tell whether the loop waits for the disk
 * (test-sync-offloop.sh).  The store's own file and the directory are left
 * alone, so only commits are slowed (with KCAL_TEST_SYNC_DB set, the
 * store's syncs too, a checkpoint's).  With KCAL_TEST_SYNC_LOG set, each
 * sync of the log appends "sync TID PID" to that file, each of the store
 * "dbsync TID PID", and each write of the log's header (32 bytes at
 * offset 0: the log starts over) "restart TID PID": the loop's thread is
 * the one whose TID is the PID.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int	fsync(int);
int	fdatasync(int);
ssize_t	pwrite(int, const void *, size_t, off_t);
ssize_t	pwrite64(int, const void *, size_t, off64_t);

/* Is fd's file name's end suffix? */
static int
ends(int fd, const char *suffix)
{
	char		link[64], path[PATH_MAX];
	ssize_t		n;
	size_t		k = strlen(suffix);

	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	if ((n = readlink(link, path, sizeof path - 1)) < (ssize_t)k)
		return 0;
	path[n] = '\0';
	return strcmp(path + n - k, suffix) == 0;
}

/* Is fd SQLite's write-ahead log? */
static int
is_wal(int fd)
{
	return ends(fd, "-wal");
}

static void
note(const char *what)
{
	const char	*log = getenv("KCAL_TEST_SYNC_LOG");
	FILE		*f;

	if (log == NULL || (f = fopen(log, "a")) == NULL)
		return;
	fprintf(f, "%s %ld %ld\n", what, (long)gettid(), (long)getpid());
	fclose(f);
}

static void
slow(int fd)
{
	const char	*ms = getenv("KCAL_TEST_SYNC_MS");
	struct timespec	 ts;
	long		 v;

	if (ms == NULL || (v = strtol(ms, NULL, 10)) <= 0)
		return;
	if (is_wal(fd))
		note("sync");
	else if (getenv("KCAL_TEST_SYNC_DB") != NULL && ends(fd, ".db"))
		note("dbsync");
	else
		return;
	ts.tv_sec = v / 1000;
	ts.tv_nsec = (v % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0)
		;
}

int
fsync(int fd)
{
	int	(*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "fsync");

	slow(fd);
	return real(fd);
}

int
fdatasync(int fd)
{
	int	(*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");

	slow(fd);
	return real(fd);
}

/* The log's header written: it starts over (noted only). */
static void
header(int fd, size_t len, off64_t off)
{
	if (off == 0 && len == 32 && is_wal(fd))
		note("restart");
}

ssize_t
pwrite(int fd, const void *buf, size_t len, off_t off)
{
	ssize_t	(*real)(int, const void *, size_t, off_t) =
	    (ssize_t (*)(int, const void *, size_t, off_t))dlsym(RTLD_NEXT,
	    "pwrite");

	header(fd, len, off);
	return real(fd, buf, len, off);
}

ssize_t
pwrite64(int fd, const void *buf, size_t len, off64_t off)
{
	ssize_t	(*real)(int, const void *, size_t, off64_t) =
	    (ssize_t (*)(int, const void *, size_t, off64_t))dlsym(RTLD_NEXT,
	    "pwrite64");

	header(fd, len, off);
	return real(fd, buf, len, off);
}
