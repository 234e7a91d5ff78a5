/*
 * kcald.c — the daemon's entry point: options, configuration, start-up and
 * shutdown.  Settings come from built-in defaults, then the config file,
 * then the command line (which wins, also after a SIGHUP reload).
 *
 * Everything kcald creates is private: it runs under umask 077 (the store,
 * its -wal and -shm, the lock and log files are 0600, directories 0700;
 * the socket is made 0660 on purpose with socket_group).  Hooks inherit
 * that umask, as they would under systemd's UMask=0077.
 *
 * -D forks first and opens everything in the child.  SQLite's locks are
 * POSIX locks, which belong to a process and are not inherited: a store
 * opened before the fork is held by no one once the parent exits, and the
 * next sqlite3 shell or backup that opens and closes it takes itself for
 * the last user, checkpoints and deletes the WAL under the daemon, whose
 * later acknowledged writes then go to a deleted file.  The parent waits
 * on a pipe until the child is ready (or has failed, having said why on
 * the same stderr), so a failure to start still exits non-zero.
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libical/ical.h>

#include "account.h"
#include "config.h"
#include "ical.h"
#include "kcal-protocol.h"
#include "log.h"
#include "recur.h"
#include "remind.h"
#include "server.h"
#include "users.h"
#include "worker.h"
#include "xmalloc.h"

/* Command-line settings, kept to be re-applied on SIGHUP. */
static struct {
	const char	*key, *value;
} overrides[32];
static int		 noverrides;
static const char	*config_path;
static int		 config_explicit;

static void
usage(FILE *fp)
{
	fprintf(fp,
"usage: kcald [options]\n"
"The kcal calendar daemon: keeps events in SQLite, serves the kcal protocol\n"
"on a Unix socket and iCalendar feeds over HTTP.\n\n"
"  -s, --socket PATH      Unix socket (default $KCAL_SOCKET, else\n"
"                         $XDG_RUNTIME_DIR/kcal/kcald.sock)\n"
"  -d, --data-dir DIR     store directory (default $XDG_DATA_HOME/kcal)\n"
"  -c, --config FILE      config file (default $XDG_CONFIG_HOME/kcal/kcald.conf)\n"
"  -z, --home-tz ZONE     home time zone (default: the system zone)\n"
"      --http ADDR:PORT   serve iCalendar feeds over HTTP (e.g. 127.0.0.1:8765;\n"
"                         a port alone: loopback; default port 8765)\n"
"  -g, --socket-group GROUP  make the socket 0660 and owned by GROUP, whose\n"
"                         members may then read (see kcald.conf(5) for who\n"
"                         may write)\n"
"  -l, --log-level LEVEL  error, warn, info (default) or debug\n"
"      --log-file FILE    log to FILE instead of stderr\n"
"      --notify-cmd CMD   run CMD for every reminder (no shell; split on\n"
"                         spaces; details in KCAL_* variables, see kcald(8));\n"
"                         again for more hooks (replaces the file's notify_cmd)\n"
"  -D, --daemon           detach and run in the background\n"
"  -h, --help             show this help\n"
"  -V, --version          show the version\n\n"
"See kcald(8) and kcald.conf(5).\n");
}

static void
add_override(const char *key, const char *value)
{
	if (noverrides == (int)(sizeof overrides / sizeof *overrides)) {
		fprintf(stderr, "kcald: too many options\n");
		exit(2);
	}
	overrides[noverrides].key = key;
	overrides[noverrides++].value = value;
}

/* Defaults, then the file, then the command line. */
static struct config *
load_config(char **cause)
{
	struct config	*cfg = config_new();
	char		*why = NULL;

	cfg->config_file = config_path ? xstrdup(config_path) :
	    users_default_config();
	if (config_load(cfg, cfg->config_file, config_explicit, cause) != 0)
		goto fail;
	/* --notify-cmd, once or more, replaces the file's list of hooks. */
	for (int i = 0; i < noverrides; i++)
		if (strcmp(overrides[i].key, "notify_cmd") == 0) {
			config_set(cfg, "notify_cmd", "", &why);
			break;
		}
	for (int i = 0; i < noverrides; i++) {
		if (config_set(cfg, overrides[i].key, overrides[i].value,
		    &why) != 0) {
			xasprintf(cause, "command line: %s", why);
			free(why);
			goto fail;
		}
	}
	if (config_finish(cfg, cause) != 0)
		goto fail;
	recur_set_max_yearly(cfg->max_yearly_occurrences);
	return cfg;
fail:
	config_free(cfg);
	return NULL;
}

static void
free_config(void *cfg)
{
	config_free(cfg);
}

/* SIGHUP: re-read the file; keep what needs a restart; reopen the log. */
void
server_reload(struct server *srv)
{
	struct config	*cfg, *old = srv->cfg;
	char		*cause = NULL;

	if ((cfg = load_config(&cause)) == NULL) {
		log_warnx("reload: %s; keeping the old configuration", cause);
		free(cause);
		return;
	}
	free(cfg->socket_path); cfg->socket_path = xstrdup(old->socket_path);
	free(cfg->data_dir); cfg->data_dir = xstrdup(old->data_dir);
	free(cfg->db_path); cfg->db_path = xstrdup(old->db_path);
	free(cfg->http);
	cfg->http = old->http ? xstrdup(old->http) : NULL;
	free(cfg->socket_group);	/* the bound socket keeps its group */
	cfg->socket_group = old->socket_group ? xstrdup(old->socket_group) :
	    NULL;
	cfg->access.has_socket_group = old->access.has_socket_group;
	cfg->access.socket_gid = old->access.socket_gid;
	srv->cfg = cfg;
	/* A feed's build off the loop may still read the old one. */
	worker_retire(srv->worker, free_config, old);
	if (log_init(cfg->log_file, cfg->log_level) != 0)
		log_warn("reload: cannot open log %s", cfg->log_file);
	log_info("configuration reloaded (home zone %s)", cfg->home_tz);
	remind_reconfigure(srv->remind, cfg);
	accounts_reload(srv->accounts, cfg->users_file);
}

static void
parse_options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "data-dir", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "home-tz", required_argument, NULL, 'z' },
		{ "http", required_argument, NULL, 'H' },
		{ "socket-group", required_argument, NULL, 'g' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "log-file", required_argument, NULL, 'L' },
		{ "notify-cmd", required_argument, NULL, 'N' },
		{ "daemon", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int	ch;

	while ((ch = getopt_long(argc, argv, "s:d:c:z:g:l:DhV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 's': add_override("socket", optarg); break;
		case 'd': add_override("data_dir", optarg); break;
		case 'c': config_path = optarg; config_explicit = 1; break;
		case 'z': add_override("home_tz", optarg); break;
		case 'H': add_override("http", optarg); break;
		case 'g': add_override("socket_group", optarg); break;
		case 'l': add_override("log_level", optarg); break;
		case 'L': add_override("log_file", optarg); break;
		case 'N': add_override("notify_cmd", optarg); break;
		case 'D': add_override("daemonize", "1"); break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("kcald %s (protocol %d)\n", KCAL_VERSION,
		    KCAL_PROTOCOL_VERSION); exit(0);
		default: usage(stderr); exit(2);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "kcald: unexpected argument \"%s\"\n",
		    argv[optind]);
		exit(2);
	}
}

/*
 * -D: fork and return in the child, in a session of its own; the parent
 * exits 0 when the child says it is ready (detach_ready), else with the
 * child's status.  The child's start-up messages reach the terminal.
 */
static int
detach(void)
{
	int	 p[2], status;
	pid_t	 pid;
	char	 c;
	ssize_t	 n;

	if (pipe2(p, O_CLOEXEC) != 0 || (pid = fork()) == -1) {
		fprintf(stderr, "kcald: cannot detach: %s\n", strerror(errno));
		exit(1);
	}
	if (pid == 0) {
		close(p[0]);
		setsid();
		return p[1];
	}
	/* The parent leaves with _exit: the atexit work is the child's. */
	close(p[1]);
	while ((n = read(p[0], &c, 1)) == -1 && errno == EINTR)
		;
	if (n == 1)
		_exit(0);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (WIFEXITED(status))
		_exit(WEXITSTATUS(status) != 0 ? WEXITSTATUS(status) : 1);
	fprintf(stderr, "kcald: the daemon died while starting (signal %d)\n",
	    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	_exit(1);
}

/* The child is ready: standard streams to /dev/null, the parent told. */
static void
detach_ready(int fd)
{
	int	null;

	if ((null = open("/dev/null", O_RDWR)) != -1) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		if (null > STDERR_FILENO)
			close(null);
	}
	if (write(fd, "r", 1) != 1)
		log_warn("cannot tell the parent process kcald is ready");
	close(fd);
}

/*
 * Descriptors: the soft limit (often 1024) up to the hard one, so that
 * max_clients socket clients, http_max_connections HTTP connections and
 * the store fit; warn when even the hard limit leaves too few.
 */
static void
raise_nofile(const struct config *cfg)
{
	struct rlimit	rl;
	rlim_t		want = (rlim_t)cfg->max_clients +
			    (cfg->http != NULL ? cfg->http_max_connections : 0) +
			    64;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			log_warn("setrlimit RLIMIT_NOFILE");
		else if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
			return;
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want)
		log_warnx("only %llu file descriptors (RLIMIT_NOFILE) for "
		    "max_clients %u and http_max_connections %u: some clients "
		    "will wait", (unsigned long long)rl.rlim_cur,
		    cfg->max_clients, cfg->http_max_connections);
}

int
main(int argc, char **argv)
{
	struct server	 srv;
	struct config	*cfg;
	char		*cause = NULL;
	int		 daemonize = 0, ready_fd = -1;

	umask(077);
	/*
	 * Descriptors 0 to 2 open before anything else is: one the caller
	 * left closed would be the store's, the socket's or a client's, and
	 * the log written to standard error would land in it.
	 */
	for (int fd, i = 0; i <= 2; i++)
		if (fcntl(i, F_GETFD) == -1 && errno == EBADF &&
		    (fd = open("/dev/null", i == 0 ? O_RDONLY : O_WRONLY)) !=
		    -1 && fd != i) {
			dup2(fd, i);
			close(fd);
		}
	parse_options(argc, argv);
	for (int i = 0; i < noverrides; i++)
		if (strcmp(overrides[i].key, "daemonize") == 0) {
			daemonize = 1;
			overrides[i] = overrides[--noverrides];
		}
	if ((cfg = load_config(&cause)) == NULL) {
		fprintf(stderr, "kcald: %s\n", cause);
		free(cause);
		return 1;
	}
	if (log_init(cfg->log_file, cfg->log_level) != 0) {
		fprintf(stderr, "kcald: cannot open log %s: %s\n", cfg->log_file,
		    strerror(errno));
		config_free(cfg);
		return 1;
	}
	if (daemonize)
		ready_fd = detach();
	raise_nofile(cfg);
	if (server_init(&srv, cfg, &cause) != 0) {
		fprintf(stderr, "kcald: %s\n", cause);
		free(cause);
		server_free(&srv);
		config_free(cfg);
		return 1;
	}
	log_info("kcald %s listening on %s (store %s, home zone %s)",
	    KCAL_VERSION, cfg->socket_path, cfg->db_path, cfg->home_tz);
	if (ready_fd != -1)
		detach_ready(ready_fd);
	server_loop(&srv);
	server_free(&srv);
	log_info("stopped");
	config_free(srv.cfg);
	log_close();
	icaltimezone_free_builtin_timezones();
	return 0;
}
