/*
 * maxrss.c — run a command and print its peak resident set (kB) on stderr's
 * last line, as "maxrss KB".
 *
 *   maxrss CMD [ARG...]
 *
 * Why not wait4 from the bench itself: Linux keeps the high-water RSS of
 * the address space a process leaves at exec, and a child forked (or
 * vforked) from the bench's Python starts with Python's.  A 200 MB Python
 * would make every client it starts look 200 MB big.  This process is
 * small, so its child's figure is the command's own.
 */
#include <sys/resource.h>
#include <sys/wait.h>
#include <stdio.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct rusage	ru;
	pid_t		pid;
	int		status;

	if (argc < 2) {
		fprintf(stderr, "usage: maxrss CMD [ARG...]\n");
		return 2;
	}
	if ((pid = fork()) == -1) {
		perror("maxrss: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		perror("maxrss: exec");
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) == -1) {
		perror("maxrss: wait4");
		return 2;
	}
	fprintf(stderr, "maxrss %ld\n", ru.ru_maxrss);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}
