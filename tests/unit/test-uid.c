/*
 * test-uid.c — event_new_uid() (daemon/event.c) when the kernel's
 * getrandom(2) fails: UIDs must still be unpredictable (from
 * /dev/urandom), never the same sequence in every process, which an
 * unseeded random() fallback made and which let a new event replace an
 * old one with the same UID.  getrandom is interposed here to fail.
 */
#include <sys/types.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "event.h"
#include "test.h"

static int	fail_getrandom;

ssize_t
getrandom(void *buf, size_t len, unsigned int flags)
{
	FILE	*fp;
	size_t	 got;

	(void)flags;
	if (fail_getrandom) {
		errno = ENOSYS;
		return -1;
	}
	if ((fp = fopen("/dev/urandom", "re")) == NULL)
		return -1;
	got = fread(buf, 1, len, fp);
	fclose(fp);
	return (ssize_t)got;
}

/* A UID made in a fresh child process, as a new kcald would make it. */
static char *
uid_in_child(void)
{
	static char	 buf[128];
	int		 fd[2];
	ssize_t		 n;
	pid_t		 pid;

	if (pipe(fd) != 0 || (pid = fork()) < 0)
		return NULL;
	if (pid == 0) {
		char	*u = event_new_uid();

		close(fd[0]);
		if (u != NULL && write(fd[1], u, strlen(u)) < 0)
			_exit(1);
		_exit(0);
	}
	close(fd[1]);
	n = read(fd[0], buf, sizeof buf - 1);
	close(fd[0]);
	waitpid(pid, NULL, 0);
	buf[n > 0 ? n : 0] = '\0';
	return n > 0 ? buf : NULL;
}

int
main(void)
{
	char	*a, *b, *u;

	u = event_new_uid();
	CHECK(u != NULL && strlen(u) == 36 + 5 && strcmp(u + 36, "@kcal") == 0);
	CHECK(u != NULL && u[14] == '4');
	free(u);
	fail_getrandom = 1;
	a = uid_in_child();
	a = a ? strdup(a) : NULL;
	b = uid_in_child();
	CHECK(a != NULL && b != NULL);
	CHECK(a != NULL && b != NULL && strcmp(a, b) != 0);
	free(a);
	TEST_DONE();
}
