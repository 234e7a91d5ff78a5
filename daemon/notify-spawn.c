/*
 * notify-spawn.c — one run of a reminder hook, from start to end.  The
 * queue (notify.c) decides which run starts when; this file runs it.
 *
 * The command line is split on spaces and tabs (no quoting, no shell: a
 * summary full of quotes and semicolons can never become a command) and
 * started with posix_spawnp() in a process group of its own, stdin from
 * /dev/null, stdout and stderr into a pipe that the event loop reads line
 * by line into the log.  The reminder's details travel in the environment
 * (KCAL_UID, KCAL_SUMMARY, ...: notify_env).  A hook that hangs is killed,
 * with its whole process group, after the timeout; one that fails is
 * logged; neither delays the loop, other hooks or other deliveries.
 * Children are reaped from a SIGCHLD evsignal (notify_reap), by their own
 * pids only, so other code that starts processes is not robbed of its
 * children.  When a run is over, whatever its end, the queue is told
 * (notify_job_over).
 */
#include <sys/types.h>
#include <sys/wait.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "notify-int.h"
#include "xmalloc.h"

extern char **environ;

static void
strv_free(char **v)
{
	for (size_t i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/* Split on spaces and tabs into a NULL-terminated argv (NULL if empty). */
char **
notify_split(const char *cmd, size_t *argc)
{
	char	**argv = NULL, *copy = xstrdup(cmd), *p = copy, *w;
	size_t	  n = 0;

	while ((w = strsep(&p, " \t")) != NULL) {
		if (*w == '\0')
			continue;
		argv = xreallocarray(argv, n + 2, sizeof *argv);
		argv[n++] = xstrdup(w);
		argv[n] = NULL;
	}
	free(copy);
	*argc = n;
	return argv;
}

/*
 * The reminder object's scalars as "KCAL_KEY=value" (NULL-terminated),
 * KCAL_JSON with all of it, and KCAL_RETRY: 1 when an earlier run of this
 * hook for this reminder was started and not seen to finish.
 */
char **
notify_env(json_t *msg, int retry)
{
	const char	*key;
	json_t		*v;
	char		**env = NULL, *s, *k;
	size_t		 n = 0;

	json_object_foreach(msg, key, v) {
		if (json_is_string(v))
			s = xstrdup(json_string_value(v));
		else if (json_is_integer(v))
			xasprintf(&s, "%lld", (long long)json_integer_value(v));
		else if (json_is_boolean(v))
			s = xstrdup(json_is_true(v) ? "1" : "0");
		else if (json_is_null(v))
			s = xstrdup("");
		else
			continue;
		k = xstrdup(key);
		for (char *c = k; *c != '\0'; c++)
			*c = *c == '-' ? '_' : (char)toupper((unsigned char)*c);
		env = xreallocarray(env, n + 4, sizeof *env);
		xasprintf(&env[n++], "KCAL_%s=%s", k, s);
		free(k);
		free(s);
	}
	env = xreallocarray(env, n + 3, sizeof *env);
	s = json_dumps(msg, JSON_COMPACT);
	xasprintf(&env[n++], "KCAL_JSON=%s", s ? s : "{}");
	free(s);
	env[n++] = xstrdup(retry ? "KCAL_RETRY=1" : "KCAL_RETRY=0");
	env[n] = NULL;
	return env;
}

/* The daemon's environment with the reminder's variables on top. */
static char **
make_env(char *const *add)
{
	size_t	  n = 0, m = 0, k;
	char	**env;

	while (environ[n] != NULL)
		n++;
	while (add != NULL && add[m] != NULL)
		m++;
	env = xcalloc(n + m + 1, sizeof *env);
	for (size_t i = 0; i < m; i++)
		env[i] = xstrdup(add[i]);
	k = m;
	for (size_t i = 0; i < n; i++) {
		size_t	 len = strcspn(environ[i], "=");
		int	 dup = 0;

		for (size_t j = 0; j < m && !dup; j++)
			dup = strncmp(add[j], environ[i], len + 1) == 0;
		if (!dup)
			env[k++] = xstrdup(environ[i]);
	}
	return env;
}

/* A run of cmd for the reminder msg (NULL when cmd is empty). */
struct job *
notify_job_new(struct notify *nt, int64_t id, int n, const char *cmd,
    int64_t timeout, json_t *msg, int retry)
{
	struct job	*j;
	char		**add;
	size_t		 argc;
	const char	*uid = json_string_value(json_object_get(msg, "uid"));

	j = xcalloc(1, sizeof *j);
	if ((j->argv = notify_split(cmd, &argc)) == NULL) {
		free(j);
		return NULL;
	}
	j->nt = nt;
	j->id = id;
	j->cmd = n;
	j->uid = xstrdup(uid != NULL ? uid : "");
	j->fd = -1;
	j->timeout = timeout > 0 ? timeout : 1;
	add = notify_env(msg, retry);
	j->env = make_env(add);
	strv_free(add);
	return j;
}

void
notify_job_free(struct job *j)
{
	if (j->ev_read != NULL)
		event_free(j->ev_read);
	if (j->ev_timeout != NULL)
		event_free(j->ev_timeout);
	if (j->fd != -1)
		close(j->fd);
	free(j->uid);
	strv_free(j->argv);
	strv_free(j->env);
	free(j);
}

static void
job_finish(struct job *j)
{
	struct notify	*nt = j->nt;

	if (j->len > 0 && j->logged < NOTIFY_MAX_OUTPUT)
		log_info("notify[%ld]: %.*s", (long)j->pid, (int)j->len,
		    j->line);
	if (j->dropped > 0)
		log_info("notify[%ld]: %zu more bytes of output not logged",
		    (long)j->pid, j->dropped);
	TAILQ_REMOVE(&nt->running, j, entry);
	nt->nrunning--;
	nt->lanes[j->cmd].nrunning--;
	notify_job_over(nt, j->id);
	notify_job_free(j);
	notify_kick(nt);
}

static void
log_line(struct job *j)
{
	if (j->logged < NOTIFY_MAX_OUTPUT)
		log_info("notify[%ld]: %.*s", (long)j->pid, (int)j->len,
		    j->line);
	else
		j->dropped += j->len;
	j->logged += j->len;
	j->len = 0;
}

/* The hook's output, a line at a time, into the log. */
static void
read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct job	*j = arg;
	char		 buf[4096];
	ssize_t		 n;

	(void)what;
	n = read(fd, buf, sizeof buf);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		event_del(j->ev_read);
		close(j->fd);
		j->fd = -1;
		if (j->exited)
			job_finish(j);
		return;
	}
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == '\n' || j->len == sizeof j->line)
			log_line(j);
		if (buf[i] != '\n')
			j->line[j->len++] = buf[i];
	}
}

static void
timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct job	*j = arg;

	(void)fd; (void)what;
	if (!j->exited) {
		log_warnx("notify[%ld]: %s still running after %llds; killed",
		    (long)j->pid, j->argv[0], (long long)j->timeout);
		kill(-j->pid, SIGKILL);
		j->killed = 1;
		return;
	}
	/* Exited, but something it started still holds the pipe open. */
	kill(-j->pid, SIGKILL);
	job_finish(j);
}

/* Every run's end is logged, with the reminder's UID. */
static void
report_exit(struct job *j, int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		log_info("notify[%ld]: %s done (exit status 0); uid %s",
		    (long)j->pid, j->argv[0], j->uid);
	else if (WIFEXITED(status))
		log_warnx("notify[%ld]: %s failed (exit status %d); uid %s",
		    (long)j->pid, j->argv[0], WEXITSTATUS(status), j->uid);
	else if (WIFSIGNALED(status))
		log_warnx("notify[%ld]: %s %s (signal %d); uid %s",
		    (long)j->pid, j->argv[0], j->killed ?
		    "killed after its timeout" : "killed", WTERMSIG(status),
		    j->uid);
}

/* SIGCHLD: reap our hooks, by pid. */
void
notify_reap(evutil_socket_t sig, short what, void *arg)
{
	struct notify	*nt = arg;
	struct job	*j, *next;
	int		 status;

	(void)sig; (void)what;
	for (j = TAILQ_FIRST(&nt->running); j != NULL; j = next) {
		next = TAILQ_NEXT(j, entry);
		if (j->exited || waitpid(j->pid, &status, WNOHANG) != j->pid)
			continue;
		j->exited = 1;
		report_exit(j, status);
		if (j->fd == -1)
			job_finish(j);
		else
			read_cb(j->fd, EV_READ, j);	/* usually EOF now */
	}
}

static int
spawn(struct job *j, char **cause)
{
	posix_spawn_file_actions_t	 fa;
	posix_spawnattr_t		 attr;
	sigset_t			 none, dflt;
	int				 p[2], rc;

	if (pipe2(p, O_CLOEXEC) != 0) {
		xasprintf(cause, "pipe: %s", strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_adddup2(&fa, p[1], 2);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	sigemptyset(&dflt);
	sigaddset(&dflt, SIGPIPE);
	sigaddset(&dflt, SIGCHLD);
	sigaddset(&dflt, SIGHUP);
	sigaddset(&dflt, SIGINT);
	sigaddset(&dflt, SIGTERM);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dflt);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawnp(&j->pid, j->argv[0], &fa, &attr, j->argv, j->env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(p[1]);
	if (rc != 0) {
		close(p[0]);
		xasprintf(cause, "cannot run %s: %s", j->argv[0], strerror(rc));
		return -1;
	}
	j->fd = p[0];
	evutil_make_socket_nonblocking(j->fd);
	return 0;
}

/* Start j, or log why it cannot start (its run is then over). */
void
notify_job_start(struct notify *nt, struct job *j)
{
	struct timeval	 tv = { (time_t)j->timeout, 0 };
	char		*why = NULL;

	if (spawn(j, &why) != 0) {
		log_warnx("notify: %s; uid %s", why, j->uid);
		free(why);
		notify_job_over(nt, j->id);
		notify_job_free(j);
		return;
	}
	log_debug("notify[%ld]: started %s; uid %s", (long)j->pid, j->argv[0],
	    j->uid);
	j->ev_read = event_new(nt->base, j->fd, EV_READ | EV_PERSIST, read_cb,
	    j);
	j->ev_timeout = evtimer_new(nt->base, timeout_cb, j);
	event_add(j->ev_read, NULL);
	evtimer_add(j->ev_timeout, &tv);
	TAILQ_INSERT_TAIL(&nt->running, j, entry);
	nt->nrunning++;
	nt->lanes[j->cmd].nrunning++;
}

/*
 * At shutdown: the hooks still running are killed (they stay queued, to
 * run again at the next start); the runs that have finished are over.
 * How many were killed.
 */
size_t
notify_stop_running(struct notify *nt)
{
	struct job	*j;
	size_t		 killed = 0;
	int		 status;

	while ((j = TAILQ_FIRST(&nt->running)) != NULL) {
		TAILQ_REMOVE(&nt->running, j, entry);
		if (!j->exited) {
			kill(-j->pid, SIGKILL);
			waitpid(j->pid, &status, 0);
			killed++;
		} else
			notify_job_over(nt, j->id);
		notify_job_free(j);
	}
	return killed;
}
