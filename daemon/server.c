/*
 * server.c — the event loop: the listening socket, signals, and the
 * subsystems' shared state.
 *
 * Socket hygiene (after OpenSMTPD's control.c): refuse to start when a daemon
 * already answers on the socket, remove a stale one, create the directory
 * 0700 and bind under a tight umask so the socket is 0600 from birth (with
 * socket_group: then given to the group and made 0660, its new directory
 * 0710), refuse a directory that is not kcald's own (trust.c), and pause
 * accepting (rather than spin) when out of file descriptors.
 * The data directory is checked, locked and its store files made private
 * (trust.c) before the store is opened.
 * Signals are handled in the loop (libevent evsignal), never in a handler.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <errno.h>
#include <fcntl.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "config.h"
#include "feed.h"
#include "http.h"
#include "import-run.h"
#include "log.h"
#include "occur.h"
#include "remind.h"
#include "account.h"
#include "server.h"
#include "store.h"
#include "trust.h"
#include "worker.h"
#include "xmalloc.h"

/* mkdir -p with mode for each created component. */
int
mkdir_p(const char *path, mode_t mode)
{
	char	*p = xstrdup(path), *s;
	int	 rc = 0;

	for (s = p + 1; rc == 0 && *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) != 0 && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	if (rc == 0 && mkdir(p, mode) != 0 && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

/*
 * With socket_group, the socket's directory must let the group through: a
 * directory kcald creates is made 0710 and given to the group; one that
 * already existed is left alone, with a warning if the group cannot pass.
 */
static int
socket_dir_group(const char *dir, int created, const struct config *cfg,
    char **cause)
{
	struct stat	sb;

	if (created && (chown(dir, (uid_t)-1, cfg->access.socket_gid) != 0 ||
	    chmod(dir, 0710) != 0)) {
		xasprintf(cause, "cannot give %s to group %s: %s", dir,
		    cfg->socket_group, strerror(errno));
		return -1;
	}
	if (stat(dir, &sb) == 0 && (sb.st_mode & 001) == 0 &&
	    ((sb.st_mode & 010) == 0 || sb.st_gid != cfg->access.socket_gid))
		log_warnx("members of group %s cannot reach the socket: %s is "
		    "mode %o, group %ld (make it 0710 and group %s)",
		    cfg->socket_group, dir, (unsigned)(sb.st_mode & 0777),
		    (long)sb.st_gid, cfg->socket_group);
	return 0;
}

static int
socket_dir(const char *path, const struct config *cfg, char **cause)
{
	char		*dir = xstrdup(path), *slash = strrchr(dir, '/');
	struct stat	 sb;
	int		 created, rc = 0;

	if (slash != NULL && slash != dir) {
		*slash = '\0';
		created = stat(dir, &sb) != 0;
		if (mkdir_p(dir, 0700) != 0 || stat(dir, &sb) != 0) {
			xasprintf(cause, "cannot create %s: %s", dir,
			    strerror(errno));
			free(dir);
			return -1;
		}
		if (trust_dir(dir, "socket dir", cause) != 0)
			rc = -1;
		else if (cfg->access.has_socket_group)
			rc = socket_dir_group(dir, created, cfg, cause);
	}
	free(dir);
	return rc;
}

/* Born 0600 (umask); with socket_group, given to the group, then 0660. */
static int
socket_perms(int fd, const char *path, const struct config *cfg,
    char **cause)
{
	if (!cfg->access.has_socket_group)
		return 0;
	if (chown(path, (uid_t)-1, cfg->access.socket_gid) != 0 ||
	    chmod(path, 0660) != 0) {
		xasprintf(cause, "cannot give %s to group %s: %s", path,
		    cfg->socket_group, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	return 0;
}

static int
server_bind(const struct config *cfg, char **cause)
{
	const char		*path = cfg->socket_path;
	struct sockaddr_un	 sun;
	struct stat		 sb;
	int			 fd, err;
	mode_t			 old;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		xasprintf(cause, "socket path too long: %s", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	if (socket_dir(path, cfg, cause) != 0)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		fatal("socket");
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0) {
		xasprintf(cause, "a kcald is already running on %s", path);
		close(fd);
		return -1;
	}
	err = errno;
	if (lstat(path, &sb) == 0 && !S_ISSOCK(sb.st_mode)) {
		xasprintf(cause, "%s exists and is not a socket; not replacing "
		    "it", path);
		close(fd);
		return -1;
	}
	if (err == ECONNREFUSED)
		unlink(path);		/* stale: its daemon is gone */
	old = umask(0177);
	/*
	 * A long queue: clients that connect together while the loop is busy
	 * wait in it; a full one refuses a non-blocking connect (EAGAIN).
	 * The listener below is told the socket listens already (backlog 0),
	 * or it would listen again with a queue of its own default size.
	 */
	if (bind(fd, (struct sockaddr *)&sun, sizeof sun) == -1 ||
	    listen(fd, SOMAXCONN) == -1) {
		umask(old);
		xasprintf(cause, "cannot listen on %s: %s", path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	umask(old);
	if (socket_perms(fd, path, cfg, cause) != 0)
		return -1;
	evutil_make_socket_nonblocking(fd);
	return fd;
}

static void
accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int len, void *arg)
{
	(void)l; (void)sa; (void)len;
	server_client_accept(arg, fd);
}

static void
accept_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server	*srv = arg;

	(void)fd; (void)what;
	evconnlistener_enable(srv->listener);
}

/* Out of descriptors: stop accepting for a second instead of spinning. */
static void
accept_error_cb(struct evconnlistener *l, void *arg)
{
	struct server	*srv = arg;
	struct timeval	 tv = { 1, 0 };
	int		 err = EVUTIL_SOCKET_ERROR();

	if (err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM) {
		log_warnx("accept: %s; pausing for a second", strerror(err));
		evconnlistener_disable(l);
		evtimer_add(srv->ev_accept_retry, &tv);
	} else
		log_warnx("accept: %s", strerror(err));
}

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct server	*srv = arg;

	(void)what;
	switch (sig) {
	case SIGTERM:
	case SIGINT:
		log_info("signal %d: shutting down", (int)sig);
		event_base_loopexit(srv->base, NULL);
		break;
	case SIGHUP:
		log_info("SIGHUP: reloading configuration");
		server_reload(srv);
		break;
	}
}

/*
 * Give the heap's free memory back to the system, a second after a big
 * reply drained or a client holding one went (once for a burst of them).
 * glibc keeps freed memory otherwise: once many readers of a big list are
 * done, kcald would stay at the size of all their replies together.
 */
static void
trim_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

/*
 * glibc gives the top of the heap back at every free past 128 KB, and
 * takes it again at the next request: a write allocates and frees that
 * much, so each one paid a brk shrink (a TLB flush on every CPU) and the
 * page faults to grow again.  The heap keeps up to HEAP_KEEP free at its
 * top instead, and blocks below it come from the heap rather than mmap;
 * trim_cb still hands it all back a second after the work (a group
 * commit, a big reply), so an idle kcald is as small as before.
 */
#define HEAP_KEEP	(16 * 1024 * 1024)

static void
heap_tune(void)
{
#ifdef __GLIBC__
	mallopt(M_TRIM_THRESHOLD, HEAP_KEEP);
	mallopt(M_MMAP_THRESHOLD, HEAP_KEEP / 4);
#endif
}

void
server_trim_soon(struct server *srv)
{
	struct timeval	tv = { 1, 0 };

	if (srv->ev_trim != NULL && !evtimer_pending(srv->ev_trim, NULL))
		evtimer_add(srv->ev_trim, &tv);
}

static void
reap_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	server_client_reap(arg);
}

/*
 * The event base, with epoll's changelist: a reply to a feed poller (a
 * 304) changes the same socket's events several times in one turn, and the
 * changelist folds those changes before they reach the kernel, so each
 * 304 makes fewer system calls.  libevent warns that it misbehaves with
 * dup()ed descriptors: kcald hands it none (the hook's pipe is duplicated
 * only in the child, notify.c).
 */
static struct event_base *
base_new(void)
{
	struct event_config	*ec;
	struct event_base	*base;

	if ((ec = event_config_new()) == NULL)
		return NULL;
	event_config_set_flag(ec, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
	base = event_base_new_with_config(ec);
	event_config_free(ec);
	if (base != NULL && event_base_priority_init(base,
	    SERVER_PRIORITIES) != 0)
		fatalx("event_base_priority_init failed");
	return base;
}

static int	server_reindex(struct server *, char **);

/*
 * The data directory, kcald's own (trust.c), private and locked against a
 * second kcald before the store in it is opened; a store elsewhere (the db
 * setting) must be in a directory of kcald's own too.
 */
static int
data_dir_open(struct server *srv, const struct config *cfg, char **cause)
{
	char	*dir, *slash;
	int	 rc = 0;

	if (mkdir_p(cfg->data_dir, 0700) != 0) {
		xasprintf(cause, "cannot create %s: %s", cfg->data_dir,
		    strerror(errno));
		return -1;
	}
	if (trust_dir(cfg->data_dir, "data dir", cause) != 0)
		return -1;
	trust_tighten_dir(cfg->data_dir);
	if ((srv->lock_fd = trust_lock(cfg->data_dir, cause)) == -1)
		return -1;
	dir = xstrdup(cfg->db_path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (access(dir, F_OK) == 0)
			rc = trust_dir(dir, "store dir", cause);
	}
	free(dir);
	if (rc != 0)
		return -1;
	trust_tighten_store(cfg->db_path);
	/* what the store reads from a record: the record code's (occur.c) */
	store_set_record_ops(&occur_record_ops);
	if ((srv->store = store_open(cfg->db_path, cause)) == NULL)
		return -1;
	return server_reindex(srv, cause);
}

/*
 * Events an upgrade reads differently (store-schema.c: table reindex) are
 * written again from their records before anything reads them.
 */
static int
server_reindex(struct server *srv, char **cause)
{
	size_t	n;

	if (occur_reindex(srv->store, srv->cfg->home_tz, &n, cause) != 0)
		return -1;
	if (n > 0)
		log_info("upgrade: %zu events read again from their records "
		    "(nominal DURATION days, UNTIL, THISANDFUTURE, REPEAT, an "
		    "unreadable CLASS, absolute reminders)", n);
	return 0;
}

/*
 * The WAL's checkpoints off the loop (store-ckpt.c): where they cannot be,
 * the commit that fills the WAL runs one, as SQLite does by default.
 */
static void
server_ckpt_start(struct server *srv)
{
	char	*why = NULL;

	if (store_readonly(srv->store) ||
	    strcmp(store_path(srv->store), ":memory:") == 0)
		return;
	if (store_ckpt_start(srv->store, &why) != 0) {
		log_info("checkpoints run on the loop: %s", why);
		free(why);
	}
}

/* The reminders' way to the watchers (struct remind_host). */
static void
watch_push(void *arg, json_t *msg, char *text, size_t len, char *brief,
    size_t blen)
{
	server_broadcast(arg, msg, text, len, brief, blen);
}

/* What the watchers have yet to be sent, in bytes. */
static size_t
watch_backlog(void *arg)
{
	struct server	*srv = arg;
	struct client	*c;
	size_t		 n = 0;

	TAILQ_FOREACH(c, &srv->clients, entry) {
		if (!c->watching || c->closing)
			continue;
		n += evbuffer_get_length(bufferevent_get_output(c->bev));
	}
	return n;
}

/*
 * What a reminder walk recorded reaches the disk off the loop, as a
 * group's writes do (server-sync.c): its commit was lazy.
 */
static int
watch_durable(void *arg, void (*fn)(void *, int), void *fn_arg)
{
	struct server	*srv = arg;

	if (!sync_lazy(srv))
		return 0;
	sync_committed(srv);
	return sync_after(srv, fn, fn_arg);
}

/* The same, the loop waiting (the walk's fallbacks, kcald's stop). */
static int
watch_sync_now(void *arg)
{
	struct server	*srv = arg;

	if (!sync_lazy(srv))
		return -1;
	sync_committed(srv);
	sync_wait(srv);
	return 0;
}

static struct worker *
remind_worker(void *arg)
{
	return server_worker(arg);
}

static int
remind_start(struct server *srv, char **cause)
{
	struct remind_host	host;

	host.base = srv->base;
	host.store = srv->store;
	host.push = watch_push;
	host.backlog = watch_backlog;
	host.durable = watch_durable;
	host.sync_now = watch_sync_now;
	host.worker = remind_worker;
	host.arg = srv;
	srv->remind = remind_create(&host, srv->cfg, cause);
	return srv->remind != NULL ? 0 : -1;
}

int
server_init(struct server *srv, struct config *cfg, char **cause)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };

	memset(srv, 0, sizeof *srv);
	srv->cfg = cfg;
	srv->started = time(NULL);
	srv->uid = getuid();
	srv->socket_fd = -1;
	srv->lock_fd = -1;
	TAILQ_INIT(&srv->clients);
	TAILQ_INIT(&srv->dead);
	signal(SIGPIPE, SIG_IGN);
	heap_tune();
	if ((srv->base = base_new()) == NULL)
		fatalx("event_base_new failed");
	if (data_dir_open(srv, cfg, cause) != 0)
		return -1;
	group_init(srv);
	sync_init(srv);
	server_ckpt_start(srv);
	if (store_readonly(srv->store))
		log_warnx("the store is read-only (%s): starting in read-only "
		    "mode, writes will be refused",
		    store_readonly_reason(srv->store));
	if ((srv->socket_fd = server_bind(cfg, cause)) == -1)
		return -1;
	srv->listener = evconnlistener_new(srv->base, accept_cb, srv,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0, srv->socket_fd);
	if (srv->listener == NULL)
		fatalx("evconnlistener_new failed");
	evconnlistener_set_error_cb(srv->listener, accept_error_cb);
	srv->ev_accept_retry = evtimer_new(srv->base, accept_retry_cb, srv);
	srv->ev_reap = event_new(srv->base, -1, 0, reap_cb, srv);
	srv->ev_trim = evtimer_new(srv->base, trim_cb, srv);
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
		srv->ev_signals[i] = evsignal_new(srv->base, sigs[i], signal_cb,
		    srv);
		evsignal_add(srv->ev_signals[i], NULL);
	}
	if (remind_start(srv, cause) != 0)
		return -1;
	if ((srv->accounts = accounts_open(cfg->users_file, cause)) == NULL)
		return -1;
	srv->feeds = feeds_new();
	if (cfg->http != NULL && (srv->http = http_start(srv, cause)) == NULL)
		return -1;
	return 0;
}

int
server_loop(struct server *srv)
{
	return event_base_dispatch(srv->base);
}

#define SHUTDOWN_DRAIN_MS	2000	/* replies still going out at exit */

void
server_free(struct server *srv)
{
	struct client	*c;

	group_commit(srv);	/* the writes it holds are acknowledged */
	import_shutdown(srv);	/* a commit under way ends, and is answered */
	/*
	 * Before the server's own events go: ending the group arms ev_trim,
	 * and an event freed and then armed is inside libevent, where no
	 * sanitizer sees it, until event_base_free loops on it for ever.
	 */
	group_free(srv);
	remind_stop(srv->remind);	/* a burst recorded reaches its watchers */
	sync_free(srv);		/* the last group on the disk, its replies out */
	/* Replies already queued reach their clients, for a while. */
	server_output_drain(srv, SHUTDOWN_DRAIN_MS);
	while ((c = TAILQ_FIRST(&srv->clients)) != NULL)
		server_client_close(c);
	server_client_reap(srv);
	if (srv->listener != NULL) {
		evconnlistener_free(srv->listener);
		unlink(srv->cfg->socket_path);
	}
	for (size_t i = 0; i < sizeof srv->ev_signals / sizeof *srv->ev_signals;
	    i++)
		if (srv->ev_signals[i] != NULL) {
			event_free(srv->ev_signals[i]);
			srv->ev_signals[i] = NULL;
		}
	/* NULL once freed: what runs below may still ask for a trim or reap. */
	if (srv->ev_accept_retry != NULL)
		event_free(srv->ev_accept_retry);
	srv->ev_accept_retry = NULL;
	if (srv->ev_reap != NULL)
		event_free(srv->ev_reap);
	srv->ev_reap = NULL;
	if (srv->ev_trim != NULL)
		event_free(srv->ev_trim);
	srv->ev_trim = NULL;
	remind_free(srv->remind);
	srv->remind = NULL;	/* a login answered below may still write */
	worker_free(srv->worker);	/* answers whom it kept waiting */
	srv->worker = NULL;
	srv->no_worker = 1;
	accounts_free(srv->accounts);	/* answers logins still waiting */
	http_free(srv->http);
	feeds_free(srv->feeds);
	store_close(srv->store);
	if (srv->lock_fd >= 0)
		close(srv->lock_fd);
	if (srv->base != NULL)
		event_base_free(srv->base);
}

/*
 * Every write ends here: subscribers of the store's state learn of it.
 * Called after the write is committed, so that a reader's snapshot taken
 * after it sees the write (feed-body.c counts on it: a body is built as
 * of the generation it was asked at).
 */
void
server_changed(struct server *srv)
{
	if (group_defer_changed(srv))	/* told once the group is durable */
		return;
	srv->generation++;
	remind_changed(srv->remind);
}

/*
 * The worker thread for long reads (worker.c), started on first use: NULL
 * when there can be none (an in-memory store), and the work is then done
 * on the loop.
 */
struct worker *
server_worker(struct server *srv)
{
	char	*why = NULL;

	if (srv->worker != NULL || srv->no_worker)
		return srv->worker;
	if ((srv->worker = worker_new(srv->base, srv->store, &why)) == NULL) {
		log_info("long reads run on the loop: %s", why);
		free(why);
		srv->no_worker = 1;
	} else
		sync_worker_started(srv);
	return srv->worker;
}

int64_t
server_now(struct server *srv)
{
	(void)srv;
	return (int64_t)time(NULL);
}

/*
 * May a peer cleared up to clearance see a pushed message about an event
 * (a reminder)?  The store answers under that clearance, as it would for
 * the peer's own request (store-access.c): the event must be readable and
 * its occurrence not one cut out with an override above the clearance.
 * A message that names no event is about none.
 */
int
server_may_see(struct server *srv, json_t *msg, int clearance)
{
	const char	*uid = json_string_value(json_object_get(msg, "uid"));
	json_int_t	 start = json_integer_value(json_object_get(msg,
			    "start_utc"));
	int		 old, ok;

	if (clearance == ACCESS_CLASS_CONFIDENTIAL ||
	    json_object_get(msg, "uid") == NULL)
		return 1;
	old = store_set_clearance(srv->store, clearance);
	ok = occur_visible(srv->store, uid, start,
	    srv->cfg->home_tz);
	store_set_clearance(srv->store, old);
	return ok;
}

/*
 * msg as a peer cleared up to clearance gets it: NULL if it may not see
 * it; else msg, or a copy without the references (parent, anchor and its
 * offset) to events it may not see, as its own requests get them.  When
 * msg comes encoded (text, len bytes), the copy is made from the text:
 * msg then need carry only the keys read here (server_broadcast).
 */
static json_t *
push_for(struct server *srv, json_t *msg, const char *text, size_t len,
    int clearance)
{
	const char	*parent, *anchor;
	json_t		*copy;
	int		 old, hide_p, hide_a;

	if (!server_may_see(srv, msg, clearance))
		return NULL;
	if (clearance == ACCESS_CLASS_CONFIDENTIAL)
		return json_incref(msg);
	parent = json_string_value(json_object_get(msg, "parent"));
	anchor = json_string_value(json_object_get(msg, "anchor"));
	old = store_set_clearance(srv->store, clearance);
	hide_p = parent != NULL && !store_visible(srv->store, parent);
	hide_a = anchor != NULL && !store_visible(srv->store, anchor);
	store_set_clearance(srv->store, old);
	if (!hide_p && !hide_a)
		return json_incref(msg);
	copy = text != NULL ? json_loadb(text, len, 0, NULL) :
	    json_deep_copy(msg);
	if (copy == NULL) {
		log_warnx("reminder: cannot copy its message for a watcher "
		    "of a lower clearance");
		return NULL;
	}
	if (hide_p)
		json_object_set_new(copy, "parent", json_null());
	if (hide_a) {
		json_object_set_new(copy, "anchor", json_null());
		json_object_set_new(copy, "anchor_offset", json_null());
	}
	return copy;
}

/*
 * What server_broadcast sends the watchers of one clearance: the message
 * as they may see it (NULL: not at all), and its full and brief forms,
 * each encoded once, when a watcher first wants it.
 */
struct push_cl {
	int			 done;
	json_t			*m;
	struct shared_msg	*full, *brief;
};

/*
 * One form of pc->m (*sm: its full or its brief one).  When m is the
 * message and the form came encoded (orig, len bytes), that is it: *text
 * itself (taken) for the first clearance, a copy for others (orig stays
 * valid: the first's shared message holds it).  Else it is encoded from m
 * (its brief form made first).
 */
static struct shared_msg *
push_form(struct push_cl *pc, struct shared_msg **sm, json_t *msg,
    char **text, const char *orig, size_t len, int brief)
{
	json_t	*b;

	if (*sm != NULL)
		return *sm;
	if (pc->m == msg && orig != NULL) {
		*sm = server_shared_new(pc->m, *text != NULL ? *text :
		    xstrndup(orig, len), len);
		*text = NULL;
	} else if (brief) {
		b = remind_brief(pc->m);
		*sm = server_shared_new(b, NULL, 0);
		json_decref(b);
	} else
		*sm = server_shared_new(pc->m, NULL, 0);
	return *sm;
}

/*
 * Push msg to every watcher, as its clearance may see it, encoded once
 * per clearance and form (full, or brief: remind_brief).  text (len
 * bytes) and brief (blen bytes) are the message and its brief form
 * encoded already (lines, taken), or both NULL; with them, msg need only
 * carry the keys that say who may see it (uid, start_utc, parent, anchor:
 * push_for).
 */
void
server_broadcast(struct server *srv, json_t *msg, char *text, size_t len,
    char *brief, size_t blen)
{
	struct push_cl	 pcs[ACCESS_CLASS_CONFIDENTIAL + 1], *pc;
	struct client	*c, *next;
	struct shared_msg *sm;
	const char	*orig = text, *origb = brief;

	memset(pcs, 0, sizeof pcs);
	for (c = TAILQ_FIRST(&srv->clients); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (!c->watching)
			continue;
		pc = &pcs[server_client_clearance(c)];
		if (!pc->done) {	/* worked out once */
			pc->m = push_for(srv, msg, orig, len,
			    server_client_clearance(c));
			pc->done = 1;
		}
		if (pc->m == NULL)
			continue;
		sm = c->brief ? push_form(pc, &pc->brief, msg, &brief, origb,
		    blen, 1) : push_form(pc, &pc->full, msg, &text, orig, len,
		    0);
		if (sm != NULL)
			server_client_send_shared(c, sm);
	}
	for (size_t i = 0; i < sizeof pcs / sizeof *pcs; i++) {
		server_shared_unref(pcs[i].full);
		server_shared_unref(pcs[i].brief);
		json_decref(pcs[i].m);
	}
	free(text);
	free(brief);
	json_decref(msg);
}
