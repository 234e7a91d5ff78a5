/*
 * driver.c — runs a fuzz target's saved inputs without libFuzzer, built by
 * the normal compiler (and under make test-asan, with the sanitizers): a
 * main() that feeds each file it is given, and every file in each
 * directory it is given, to
 * LLVMFuzzerTestOneInput, each in a child process so that one crash is
 * reported by name and the rest still run.  Prints "N passed, N failed"
 * for tests/run.sh.
 */
#include <sys/stat.h>
#include <sys/wait.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***) __attribute__((weak));

static int
run_one(const char *path)
{
	FILE		*fp;
	uint8_t		*buf;
	struct stat	 sb;
	pid_t		 pid;
	int		 status;

	if ((pid = fork()) == -1) {
		perror("fork");
		return -1;
	}
	if (pid == 0) {
		if ((fp = fopen(path, "rb")) == NULL || fstat(fileno(fp),
		    &sb) != 0)
			_exit(2);
		buf = malloc(sb.st_size ? (size_t)sb.st_size : 1);
		if (buf == NULL || fread(buf, 1, (size_t)sb.st_size, fp) !=
		    (size_t)sb.st_size)
			_exit(2);
		fclose(fp);
		LLVMFuzzerTestOneInput(buf, (size_t)sb.st_size);
		free(buf);
		exit(0);	/* exit, not _exit: leak checkers run at exit */
	}
	if (waitpid(pid, &status, 0) == -1)
		return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		fprintf(stderr, "FAIL %s: signal %d\n", path, WTERMSIG(status));
	else
		fprintf(stderr, "FAIL %s: exit %d\n", path, WEXITSTATUS(status));
	return -1;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file in dir, in name order; counts into *ok and *bad. */
static void
run_dir(const char *dir, int *ok, int *bad)
{
	DIR		*d = opendir(dir);
	struct dirent	*de;
	char		**names = NULL, *p;
	size_t		 n = 0;
	struct stat	 sb;

	if (d == NULL)
		return;		/* no regressions yet */
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || asprintf(&p, "%s/%s", dir,
		    de->d_name) < 0)
			continue;
		if (stat(p, &sb) != 0 || !S_ISREG(sb.st_mode)) {
			free(p);
			continue;
		}
		names = realloc(names, (n + 1) * sizeof *names);
		names[n++] = p;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, by_name);
	for (size_t i = 0; i < n; i++) {
		if (run_one(names[i]) == 0)
			(*ok)++;
		else
			(*bad)++;
		free(names[i]);
	}
	free(names);
}

int
main(int argc, char **argv)
{
	int		ok = 0, bad = 0;
	struct stat	sb;

	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		if (stat(argv[i], &sb) == 0 && S_ISREG(sb.st_mode)) {
			if (run_one(argv[i]) == 0)
				ok++;
			else
				bad++;
		} else
			run_dir(argv[i], &ok, &bad);
	}
	printf("%d passed, %d failed\n", ok, bad);
	return bad != 0;
}
