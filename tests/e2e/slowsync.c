/*
 * slowsync.c — for tests: preloaded into kcald (LD_PRELOAD), it makes every
 * fsync and fdatasync of a file whose name ends in "-wal" (SQLite's
 * write-ahead log) take KCAL_TEST_SYNC_MS milliseconds longer, as on a slow
 * disk, so that a test can tell whether the loop waits for the disk
 * (test-sync-offloop.sh).  The store's own file and the directory are left
 * alone, so only commits are slowed.
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

static void
slow(int fd)
{
	char		 link[64], path[PATH_MAX];
	const char	*ms = getenv("KCAL_TEST_SYNC_MS");
	struct timespec	 ts;
	ssize_t		 n;
	long		 v;

	if (ms == NULL || (v = strtol(ms, NULL, 10)) <= 0)
		return;
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	if ((n = readlink(link, path, sizeof path - 1)) < 4)
		return;
	path[n] = '\0';
	if (strcmp(path + n - 4, "-wal") != 0)
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
