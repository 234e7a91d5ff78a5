/*
 * notify.c — the reminder hook (notify_cmd / kcald --notify-cmd).
 *
 * The queue.  When a reminder fires, remind.c writes a run of the hook
 * into hook_jobs (store-remind.c) in the same transaction that records the
 * reminder fired, so what is recorded as delivered is owed to the hook
 * too, in the store, not in memory.  This file takes the queued runs, the
 * oldest first and only as many as there are free slots (at most
 * NOTIFY_MAX_RUNNING of each hook at once), and deletes each from the
 * queue once it has finished -- whatever its exit status, killed after
 * its timeout included, or when it could not be started: a failing hook
 * is logged, not retried.  Nothing waits in memory and nothing is ever dropped: a
 * burst of 1,000 reminders due together is 1,000 rows run 8 at a time.
 *
 * Several hooks.  notify_cmd may be given more than once; a reminder
 * queues a run of each, the row's cmd saying which (its position in the
 * list, 0 the first).  Each hook is a lane of its own: its own slots
 * (NOTIFY_MAX_RUNNING each) and its own place in the queue (the last id
 * it took), so a hook whose runs all hang until their timeout holds only
 * its own slots and never delays another's.  Rows for a position that is
 * no longer in the list (a reload removed it) are dropped with a warning,
 * as all are when notify_cmd is removed: the sweep that finds them runs
 * at start-up and whenever the number of hooks changes.
 *
 * At least once.  A run is counted (tries) in the store before it starts.
 * A run that kcald did not see finish -- it was stopped (SIGTERM kills
 * the hooks still running) or killed while the hook ran -- is still in the
 * queue at the next start and runs again, with KCAL_RETRY=1 in its
 * environment: the hook may have done its work already.  Runs that were
 * waiting run then too, with KCAL_RETRY=0.  These small writes (a run
 * started, a run done, several folded into one transaction) commit
 * without waiting for the disk: a killed kcald loses none of them, and a
 * power cut could only repeat a run or miss its KCAL_RETRY=1.
 *
 * When the store cannot queue a run (a full disk, a read-only store;
 * remind-held.h), remind.c hands it over in memory (notify_run): it waits
 * in a list ahead of the store's queue and is lost to a restart, as the
 * reminder's own state is.
 *
 * A run.  The command line is split on spaces and tabs (no quoting, no
 * shell: a summary full of quotes and semicolons can never become a
 * command) and started with posix_spawnp() in a process group of its own,
 * stdin from /dev/null, stdout and stderr into a pipe that the event loop
 * reads line by line into the log.  The reminder's details travel in the
 * environment (KCAL_UID, KCAL_SUMMARY, ...: notify_env).  A hook that
 * hangs is killed, with its whole process group, after the timeout; one
 * that fails is logged; neither delays the loop, other hooks or other
 * deliveries.  Children are reaped from a SIGCHLD evsignal, by their own
 * pids only, so other code that starts processes is not robbed of its
 * children.
 */
#include <sys/queue.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "notify.h"
#include "store.h"
#include "store-remind.h"
#include "xmalloc.h"

extern char **environ;

struct job {
	struct notify		*nt;
	int64_t			 id;		/* in hook_jobs; 0: memory only */
	int			 cmd;		/* which notify_cmd: its lane */
	char			*uid;
	char			**argv, **env;
	int64_t			 timeout;
	pid_t			 pid;
	int			 fd;		/* read end of the output pipe */
	struct event		*ev_read, *ev_timeout;
	char			 line[1024];
	size_t			 len, logged, dropped;
	int			 exited, killed;
	TAILQ_ENTRY(job)	 entry;
};
TAILQ_HEAD(jobs, job);

/* One hook's share of the runner: its slots, its place in the queue. */
struct lane {
	int64_t			 last;		/* the last id taken */
	size_t			 nrunning;
};

struct notify {
	struct event_base	*base;
	struct store		*store;
	notify_cmd_cb		 cmd_of;
	void			*cmd_arg;
	struct event		*ev_sigchld;
	struct event		*ev_pump;
	struct jobs		 running, queued;	/* queued: memory only */
	size_t			 nrunning, nqueued;
	struct lane		 lanes[NOTIFY_MAX_CMDS];
	int			 ncmds;		/* hooks set at the last pump */
	int			 sweep;		/* look for rows of no hook */
	int64_t			 swept;		/* ... past this id */
	int64_t			*done;		/* finished, not yet recorded */
	size_t			 ndone, done_cap;
	int			 stalled;	/* the store cannot record */
	int64_t			 stalled_at;	/* since this last try */
};

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
static struct job *
job_new(struct notify *nt, int64_t id, int n, const char *cmd,
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

static void
job_free(struct job *j)
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

/* The run of queue entry id is over: out of the queue at the next pump. */
static void
record_done(struct notify *nt, int64_t id)
{
	struct timeval	tv = { 0, 0 };

	if (id == 0)
		return;
	if (nt->ndone == nt->done_cap) {
		nt->done_cap = nt->done_cap ? nt->done_cap * 2 : 16;
		nt->done = xreallocarray(nt->done, nt->done_cap,
		    sizeof *nt->done);
	}
	nt->done[nt->ndone++] = id;
	event_add(nt->ev_pump, &tv);
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
	record_done(nt, j->id);
	job_free(j);
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
static void
sigchld_cb(evutil_socket_t sig, short what, void *arg)
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
static void
job_start(struct notify *nt, struct job *j)
{
	struct timeval	 tv = { (time_t)j->timeout, 0 };
	char		*why = NULL;

	if (spawn(j, &why) != 0) {
		log_warnx("notify: %s; uid %s", why, j->uid);
		free(why);
		record_done(nt, j->id);
		job_free(j);
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

/* A run taken from the store: its command now, its reminder, its try. */
static void
start_row(struct notify *nt, const struct hook_job *r)
{
	const char	*cmd;
	int64_t		 timeout = 0;
	json_t		*msg;
	struct job	*j = NULL;

	if (r->cmd < 0 || r->cmd >= nt->ncmds ||
	    (cmd = nt->cmd_of(nt->cmd_arg, r->cmd, &timeout)) == NULL) {
		if (nt->ncmds == 0)
			log_warnx("notify: notify_cmd is no longer set; the "
			    "hook run for uid %s is not made", r->uid);
		else
			log_warnx("notify: notify_cmd number %d is no longer "
			    "set (there are %d); the hook run for uid %s is "
			    "not made", r->cmd + 1, nt->ncmds, r->uid);
		record_done(nt, r->id);
		return;
	}
	if ((msg = json_loads(r->msg, 0, NULL)) != NULL)
		j = job_new(nt, r->id, r->cmd, cmd, timeout, msg,
		    r->tries > 0);
	json_decref(msg);
	if (j == NULL) {
		log_warnx("notify: the queued hook run for uid %s cannot be "
		    "read; dropped", r->uid);
		record_done(nt, r->id);
		return;
	}
	if (r->tries > 0)
		log_info("notify: running the hook again for uid %s "
		    "(KCAL_RETRY=1: its last run did not finish)", r->uid);
	job_start(nt, j);
}

/* Move the n rows of add (taken from the store) to the end of *rows. */
static void
rows_append(struct hook_job **rows, size_t *n, struct hook_job *add,
    size_t nadd)
{
	if (nadd > 0) {
		*rows = xreallocarray(*rows, *n + nadd, sizeof **rows);
		memcpy(*rows + *n, add, nadd * sizeof *add);
		*n += nadd;
	}
	free(add);
}

/*
 * The next runs of each hook, as many as its free slots, counted as
 * started; then, when a sweep is due, rows of hooks no longer set.
 */
static int
take_rows(struct notify *nt, int64_t now, struct hook_job **rows, size_t *n,
    char **cause)
{
	struct hook_job	*add;
	size_t		 nadd, want;

	for (int c = 0; c < nt->ncmds; c++) {
		want = NOTIFY_MAX_RUNNING - nt->lanes[c].nrunning;
		if (want == 0)
			continue;
		if (store_hook_next_cmds(nt->store, c, c, nt->lanes[c].last,
		    want, &add, &nadd, cause) != 0)
			return -1;
		for (size_t i = 0; i < nadd; i++)
			if (store_hook_started(nt->store, add[i].id, now,
			    cause) != 0) {
				store_hook_jobs_free(add, nadd);
				return -1;
			}
		rows_append(rows, n, add, nadd);
	}
	if (!nt->sweep)
		return 0;
	if (store_hook_next_cmds(nt->store, nt->ncmds, INT_MAX, nt->swept,
	    NOTIFY_SWEEP, &add, &nadd, cause) != 0)
		return -1;
	rows_append(rows, n, add, nadd);
	return 0;
}

/*
 * One transaction: the runs that finished leave the queue, and the next
 * ones are taken (take_rows).  -1 when the store cannot record that
 * (nothing is then started from it).
 */
static int
pump_store(struct notify *nt, int take, struct hook_job **rows, size_t *n,
    char **cause)
{
	struct store	*st = nt->store;
	size_t		 i;

	*rows = NULL;
	*n = 0;
	store_lazy(st, 1);
	if (store_begin(st, cause) != 0)
		goto fail;
	for (i = 0; i < nt->ndone; i++)
		if (store_hook_done(st, nt->done[i], cause) != 0)
			goto fail;
	if (take && take_rows(nt, time(NULL), rows, n, cause) != 0)
		goto fail;
	if (store_commit(st, cause) != 0)
		goto fail;
	store_lazy(st, 0);
	nt->ndone = 0;
	return 0;
fail:
	store_rollback(st);
	store_lazy(st, 0);
	store_hook_jobs_free(*rows, *n);
	*rows = NULL;
	*n = 0;
	return -1;
}

/* How many hooks are set now; a change calls for a sweep. */
static void
count_cmds(struct notify *nt)
{
	int64_t	timeout;
	int	n = 0;

	while (n < NOTIFY_MAX_CMDS && nt->cmd_of(nt->cmd_arg, n,
	    &timeout) != NULL)
		n++;
	if (n != nt->ncmds) {
		nt->ncmds = n;
		nt->sweep = 1;
		nt->swept = 0;
	}
}

/* Whether the run of queue entry id is running now. */
static int
is_running(struct notify *nt, int64_t id)
{
	struct job	*j;

	TAILQ_FOREACH(j, &nt->running, entry)
		if (j->id == id)
			return 1;
	return 0;
}

/* Start the rows taken; a sweep's rows are dropped unless still running. */
static void
start_rows(struct notify *nt, struct hook_job *rows, size_t n)
{
	size_t	swept = 0;

	for (size_t i = 0; i < n; i++) {
		if (rows[i].cmd >= 0 && rows[i].cmd < nt->ncmds) {
			nt->lanes[rows[i].cmd].last = rows[i].id;
			start_row(nt, &rows[i]);
			continue;
		}
		swept++;
		if (rows[i].id > nt->swept)
			nt->swept = rows[i].id;
		if (!is_running(nt, rows[i].id))
			start_row(nt, &rows[i]);	/* drops it */
	}
	if (nt->sweep && swept < NOTIFY_SWEEP)
		nt->sweep = 0;
	else if (nt->sweep)
		notify_kick(nt);
}

/* The free slots of each hook, from the runs held in memory. */
static int
pump_held(struct notify *nt)
{
	struct job	*j, *next;
	int		 want = nt->sweep;

	for (j = TAILQ_FIRST(&nt->queued); j != NULL; j = next) {
		next = TAILQ_NEXT(j, entry);
		if (nt->lanes[j->cmd].nrunning >= NOTIFY_MAX_RUNNING)
			continue;
		TAILQ_REMOVE(&nt->queued, j, entry);
		nt->nqueued--;
		job_start(nt, j);
	}
	for (int c = 0; c < nt->ncmds; c++)
		if (nt->lanes[c].nrunning < NOTIFY_MAX_RUNNING)
			want = 1;
	return want;
}

/* Fill the free slots: the runs held in memory first, then the store's. */
static void
pump(struct notify *nt)
{
	struct timeval	 retry = { NOTIFY_RETRY_STORE, 0 };
	struct hook_job	*rows;
	size_t		 n;
	int64_t		 left;
	int		 want;
	char		*why = NULL;

	count_cmds(nt);
	want = pump_held(nt);
	if (nt->store == NULL || store_readonly(nt->store) ||
	    (!want && nt->ndone == 0))
		return;
	if (nt->stalled && (left = nt->stalled_at + NOTIFY_RETRY_STORE -
	    time(NULL)) > 0) {
		retry.tv_sec = (time_t)left;	/* a kick: the timer stands */
		event_add(nt->ev_pump, &retry);
		return;
	}
	if (pump_store(nt, want, &rows, &n, &why) != 0) {
		if (!nt->stalled)
			log_warnx("notify: %s; the hook's queue waits, trying "
			    "every %d s", why, NOTIFY_RETRY_STORE);
		free(why);
		nt->stalled = 1;
		nt->stalled_at = time(NULL);
		event_add(nt->ev_pump, &retry);
		return;
	}
	if (nt->stalled)
		log_info("notify: the hook's queue is recorded again");
	nt->stalled = 0;
	start_rows(nt, rows, n);
	store_hook_jobs_free(rows, n);
}

static void
pump_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	pump(arg);
}

/*
 * Runs were queued in the store, or a slot came free: fill the slots on
 * the next turn of the loop (never from inside a caller's transaction or
 * a walk over the running list).  While the store cannot record, only
 * the runs held in memory start; the store is tried again every
 * NOTIFY_RETRY_STORE seconds.
 */
void
notify_kick(struct notify *nt)
{
	struct timeval	tv = { 0, 0 };

	if (nt != NULL)
		event_add(nt->ev_pump, &tv);
}

/*
 * A run the store could not queue (remind-held.h): cmd (split on
 * whitespace) with msg in its environment, killed after timeout seconds,
 * held in memory until a slot is free.  -1 only when cmd is empty.
 */
int
notify_run(struct notify *nt, int n, const char *cmd, int64_t timeout,
    json_t *msg, char **cause)
{
	struct job	*j;

	if (n < 0 || n >= NOTIFY_MAX_CMDS) {
		xasprintf(cause, "no notify_cmd number %d", n + 1);
		return -1;
	}
	if ((j = job_new(nt, 0, n, cmd, timeout, msg, 0)) == NULL) {
		*cause = xstrdup("notify_cmd is empty");
		return -1;
	}
	TAILQ_INSERT_TAIL(&nt->queued, j, entry);
	nt->nqueued++;
	notify_kick(nt);
	return 0;
}

size_t
notify_running(const struct notify *nt)
{
	return nt->nrunning + nt->nqueued;
}

/*
 * The runs the store holds are started on the first turn of the loop:
 * what a previous kcald left queued or running goes first.
 */
struct notify *
notify_create(struct event_base *base, struct store *st, notify_cmd_cb cmd_of,
    void *arg)
{
	struct notify	*nt = xcalloc(1, sizeof *nt);
	int64_t		 queued, started;
	char		*why = NULL;

	nt->base = base;
	nt->store = st;
	nt->cmd_of = cmd_of;
	nt->cmd_arg = arg;
	nt->ncmds = -1;		/* the first pump counts them, and sweeps */
	TAILQ_INIT(&nt->running);
	TAILQ_INIT(&nt->queued);
	nt->ev_sigchld = evsignal_new(base, SIGCHLD, sigchld_cb, nt);
	evsignal_add(nt->ev_sigchld, NULL);
	nt->ev_pump = evtimer_new(base, pump_cb, nt);
	if (st != NULL && store_hook_count(st, &queued, &started, &why) == 0 &&
	    queued > 0)
		log_info("notify: %lld hook runs queued by the last run of "
		    "kcald, %lld of them interrupted (run again with "
		    "KCAL_RETRY=1)", (long long)queued, (long long)started);
	free(why);
	notify_kick(nt);
	return nt;
}

/*
 * At shutdown: hooks still running are killed and stay queued in the
 * store, to run again at the next start (KCAL_RETRY=1); the runs that
 * finished leave the queue now.  Runs held in memory are lost.
 */
void
notify_free(struct notify *nt)
{
	struct job	*j;
	size_t		 killed = 0, lost = nt != NULL ? nt->nqueued : 0;
	int		 status;
	char		*why = NULL;

	if (nt == NULL)
		return;
	while ((j = TAILQ_FIRST(&nt->queued)) != NULL) {
		TAILQ_REMOVE(&nt->queued, j, entry);
		job_free(j);
	}
	while ((j = TAILQ_FIRST(&nt->running)) != NULL) {
		TAILQ_REMOVE(&nt->running, j, entry);
		if (!j->exited) {
			kill(-j->pid, SIGKILL);
			waitpid(j->pid, &status, 0);
			killed++;
		} else
			record_done(nt, j->id);
		job_free(j);
	}
	if (killed > 0)
		log_info("notify: %zu hooks killed at shutdown; they run again "
		    "at the next start", killed);
	if (lost > 0)
		log_warnx("notify: %zu hook runs the store could not queue are "
		    "lost", lost);
	if (nt->ndone > 0 && nt->store != NULL && !store_readonly(nt->store)) {
		struct hook_job	*rows;
		size_t		 n;

		if (pump_store(nt, 0, &rows, &n, &why) != 0) {
			log_warnx("notify: %s", why);
			free(why);
		}
	}
	event_free(nt->ev_pump);
	event_free(nt->ev_sigchld);
	free(nt->done);
	free(nt);
}
