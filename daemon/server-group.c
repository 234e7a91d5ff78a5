/*
 * server-group.c — group commit: the writes of socket requests that arrive
 * while the loop is busy share one transaction and one durable commit (one
 * fsync: synchronous=FULL stays), and are acknowledged together after it.
 *
 * The first write opens the group (BEGIN IMMEDIATE) and schedules its
 * commit on an event of the lowest priority, which libevent runs only once
 * no other event is ready: the requests already waiting on other sockets
 * join the group first.  Each request runs in a savepoint of its own, so a
 * refused write rolls back only itself.  While a group is open its
 * replies are held, in the order made, until the commit: a write is
 * acknowledged only once it is durable.  If the commit fails (a full
 * disk), every held reply becomes that error.  A status (CMD_HELD) does
 * not wait for the group: it counts committed data (store_counts:
 * store-count.c keeps the counts as of the last commit), which holds every
 * write anyone was told of, so it is answered at once, in the group or not,
 * and a group that fails does not take its counts.  Only when its own client
 * waits for the group (a write of its own is in it) is it held, as the
 * request, and run once the group has ended, so that it follows and counts
 * that client's writes; committing the group for it would cut groups short
 * (a tenth of the requests under load are statuses), and each commit costs
 * the loop an fsync and every written page once more.  A long read runs on
 * another connection and needs no commit unless its peer waits for the
 * group (server-read.c, group_waits).  Any other request commits the open
 * group first: a read on the loop's connection would see the group's
 * writes, which a crash could still take back; and any other write (a
 * reminder recorded, an import, CalDAV, feed commands: store_group_check)
 * and every HTTP request keep
 * their own transactions and read committed data.  Once committed, the
 * store's subscribers (server_changed: reminders, feeds) learn of the group
 * once.
 *
 * A group's writes do not run in one turn of the loop: once they have run
 * for GROUP_SLICE_MS in a turn, a write that arrives is parked (its client
 * is not read meanwhile, as behind an import: server_client_unpark), and
 * the parked writes run, in the same group, on the next turn, after the
 * requests that arrived meanwhile (unpark_soon).  So a get, a list or a
 * status waiting on another socket waits for one slice of writes, not for
 * the group's.  Once the group's writes have run for GROUP_BUDGET_MS in all,
 * the writes that arrive are parked until its commit, and run in the next
 * group; the group is committed when that budget is used or when no write
 * waits, as often as when its writes ran in one turn: as many writes
 * share each fsync.  Nor is the next group opened while the reminders'
 * walk of the last one's writes is due (remind_walk_due, for a few turns
 * at most): it would read the open group's writes and commit it early.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>

#include "access.h"
#include "cmd.h"
#include "kcal-protocol.h"
#include "log.h"
#include "remind.h"
#include "server.h"
#include "store.h"
#include "store-itinerary.h"
#include "xmalloc.h"

#define GROUP_MAX_WRITES	1000	/* then commit at once */
#define GROUP_BUDGET_MS		20	/* of writes: then commit */
#define GROUP_SLICE_MS		3	/* of writes in one turn of the loop */
#define GROUP_MAX_WAIT_MS	(4 * GROUP_BUDGET_MS)	/* open, at most */
#define GROUP_WALK_WAITS	4	/* turns the next group waits for it */
#define GROUP_CKPT_POLL_MS	2	/* store_ckpt_holding: asked this often */

struct held {
	struct client		*c;
	json_t			*id;		/* the reply's, if it fails */
	struct evbuffer		*enc;		/* the reply, encoded */
	json_t			*req;		/* or a status to run, after */
	TAILQ_ENTRY(held)	 entry;
};

struct group {
	struct server		*srv;
	struct event		*ev_commit;	/* lowest priority: or a slice */
	struct event		*ev_late;	/* GROUP_MAX_WAIT_MS */
	struct event		*ev_changed;	/* server_changed, later */
	struct event		*ev_unpark;	/* the parked writes, later */
	TAILQ_HEAD(, held)	 held;
	unsigned		 writes;	/* in the open group */
	int			 lazy;		/* it commits, server-sync.c syncs */
	int			 changed;	/* server_changed owed */
	int			 flushing;
	int			 parked;	/* writes wait: a slice, a commit */
	int			 walk_waits;	/* ev_unpark waited for it */
	uint64_t		 slice;		/* its start: us (monotonic) */
	uint64_t		 spent;		/* the group's writes ran: us */
	uint64_t		 groups, grouped;
};

static void	group_end(struct server *, int);

/*
 * The parked writes run on the next turn: a timer of 0 s rather than
 * event_active, which would run them in this turn, before the loop looks
 * at its sockets again.  libevent makes the timers ready after the sockets
 * of the turn, so the requests that arrived meanwhile, of the same
 * priority, are answered first; and writes are not left behind reads, as
 * they would be at a lower priority, which runs only when nothing else is
 * ready: a slice then waited for the next lull under a steady flow of
 * reads.
 */
static void
unpark_soon(struct group *g)
{
	struct timeval	tv = { 0, 0 };

	evtimer_add(g->ev_unpark, &tv);
}

/* The same, a little later: the log's checkpoint is awaited (no spin). */
static void
unpark_after_ckpt(struct group *g)
{
	struct timeval	tv = { 0, GROUP_CKPT_POLL_MS * 1000 };

	evtimer_add(g->ev_unpark, &tv);
}

static uint64_t
now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/*
 * Nothing else is ready: the group is committed, unless writes wait for
 * its next slice (unpark_cb runs it, then makes this ready again).
 */
static void
commit_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server	*srv = arg;
	struct group	*g = srv->group;

	(void)fd;
	(void)what;
	if (g->parked && store_group_open(srv->store) &&
	    g->spent < GROUP_BUDGET_MS * 1000)
		return;
	group_end(srv, 1);
}

static void
late_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	group_end(arg, 1);
}

static void
changed_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	server_changed(arg);
}

/*
 * The parked writes run: the next slice of the open group (then the
 * group's commit event is ready again, for when nothing else is), or, if
 * the group's writes used its budget, its commit first (group_end makes
 * this ready again); or, no group open, they open the next one.
 */
static void
unpark_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server	*srv = arg;
	struct group	*g = srv->group;
	int		 open = store_group_open(srv->store);

	(void)fd;
	(void)what;
	if (open && g->spent >= GROUP_BUDGET_MS * 1000) {
		group_end(srv, 1);
		return;
	}
	if (!open && store_ckpt_holding(srv->store)) {
		unpark_after_ckpt(g);	/* the log's checkpoint first */
		return;
	}
	if (!open && remind_walk_due(srv->remind) &&
	    ++g->walk_waits < GROUP_WALK_WAITS) {
		unpark_soon(g);		/* the reminders' walk first */
		return;
	}
	g->parked = 0;
	g->slice = now_us();
	if (open)
		event_active(g->ev_commit, 0, 0);
	server_client_unpark(srv);
}

/* The store's hook: another write begins while the group is open. */
static void
flush_hook(void *arg)
{
	group_end(arg, 0);
}

void
group_init(struct server *srv)
{
	struct group	*g = xcalloc(1, sizeof *g);

	g->srv = srv;
	TAILQ_INIT(&g->held);
	store_count_track(srv->store);
	g->ev_commit = event_new(srv->base, -1, 0, commit_cb, srv);
	event_priority_set(g->ev_commit, SERVER_PRI_LAST);
	g->ev_late = evtimer_new(srv->base, late_cb, srv);
	g->ev_changed = event_new(srv->base, -1, 0, changed_cb, srv);
	g->ev_unpark = evtimer_new(srv->base, unpark_cb, srv);
	srv->group = g;
	store_group_hook(srv->store, flush_hook, srv);
}

void
group_free(struct server *srv)
{
	struct group	*g = srv->group;

	if (g == NULL)
		return;
	group_end(srv, 0);
	store_group_hook(srv->store, NULL, NULL);
	event_free(g->ev_commit);
	event_free(g->ev_late);
	event_free(g->ev_changed);
	event_free(g->ev_unpark);
	free(g);
	srv->group = NULL;
}

/*
 * A reply to c: held while a group is open, else sent.  NULL: none now
 * (a command that answers later).  A held reply is encoded now, in the
 * slice of the write that made it (its time counts in the group's
 * budget), so that the group's end, which holds the loop for all of its
 * writes at once, only hands each client its bytes.
 */
void
group_reply(struct client *c, json_t *reply)
{
	struct group	*g = c->srv->group;
	struct held	*h;
	uint64_t	 t0;

	if (reply == NULL)
		return;
	if (g == NULL || (!store_group_open(c->srv->store) &&
	    TAILQ_EMPTY(&g->held))) {
		server_client_send(c, reply);
		return;
	}
	t0 = now_us();
	h = xcalloc(1, sizeof *h);
	h->c = c;
	h->id = json_incref(proto_request_id(reply));
	if (!c->closing && (h->enc = server_encode(reply)) == NULL)
		log_warnx("client %llu: cannot encode a reply",
		    (unsigned long long)c->id);
	json_decref(reply);
	TAILQ_INSERT_TAIL(&g->held, h, entry);
	c->group_held++;
	if (store_group_open(c->srv->store))
		g->spent += now_us() - t0;
}

static void
held_free(struct held *h)
{
	if (h->enc != NULL)
		evbuffer_free(h->enc);
	json_decref(h->id);
	json_decref(h->req);
	free(h);
}

/* c is about to be freed: its held replies go nowhere. */
void
group_forget(struct server *srv, struct client *c)
{
	struct held	*h, *next;

	if (srv->group == NULL)
		return;
	for (h = TAILQ_FIRST(&srv->group->held); h != NULL; h = next) {
		next = TAILQ_NEXT(h, entry);
		if (h->c != c)
			continue;
		TAILQ_REMOVE(&srv->group->held, h, entry);
		held_free(h);
	}
	c->group_held = 0;
}

/*
 * Send the held replies; if the group failed (why), each becomes an error
 * saying so: a write was not stored, and a read may have shown a write
 * that was not.  A held status runs now, the group ended: it counts what
 * was committed, failed or not.
 */
static void
send_held(struct group *g, const char *why)
{
	struct held	*h;
	json_t		*reply, *stub;

	while ((h = TAILQ_FIRST(&g->held)) != NULL) {
		TAILQ_REMOVE(&g->held, h, entry);
		h->c->group_held--;
		if (h->req != NULL) {
			reply = cmd_dispatch(g->srv, h->c, h->req);
			if (reply != NULL)
				server_client_send(h->c, reply);
		} else if (why != NULL)
			server_client_send(h->c, proto_err(h->id,
			    KCAL_E_STORE, "%s", why));
		else if (h->enc != NULL) {
			/* Its id, for a refusal for max_output_total. */
			stub = json_object();
			if (h->id != NULL)
				json_object_set(stub, "id", h->id);
			server_client_send_encoded(h->c, stub, h->enc);
			json_decref(stub);
			h->enc = NULL;
		}
		held_free(h);
	}
}

/*
 * Commit the open group and answer its requests.  From the commit event
 * (direct) the store's subscribers are told at once; from inside someone
 * else's write (the store hook) on the next turn, so that reminders are
 * not re-planned in the middle of their own callback.
 */
static void
group_end(struct server *srv, int direct)
{
	struct group	*g = srv->group;
	char		*why = NULL;
	int		 failed = 0;

	if (g == NULL || g->flushing)
		return;
	g->flushing = 1;
	event_del(g->ev_commit);
	event_del(g->ev_late);
	if (store_group_open(srv->store)) {
		if (store_commit(srv->store, &why) != 0) {
			log_warnx("group commit of %u writes failed: %s",
			    g->writes, why);
			failed = 1;
		} else {
			g->groups++;
			g->grouped += g->writes;
			if (g->lazy)	/* on the disk before anyone hears */
				sync_committed(srv);
		}
	} else if (!TAILQ_EMPTY(&g->held) && g->writes > 0) {
		why = xstrdup("the transaction was rolled back");
		failed = 1;
	}
	if (store_group_stale(srv->store))
		store_rollback(srv->store);	/* SQLite ended it: the
						   store's marks, and FULL */
	send_held(g, failed ? why : NULL);
	server_trim_soon(srv);	/* what the writes freed, once idle */
	if (failed)
		g->changed = 0;
	g->writes = 0;
	g->spent = 0;
	g->flushing = 0;
	free(why);
	if (g->parked)		/* on the next turn: this may be a callback's */
		unpark_soon(g);
	if (g->changed && direct) {
		g->changed = 0;
		server_changed(srv);
	} else if (g->changed)
		event_active(g->ev_changed, 0, 0);
}

/*
 * Commit the open group, for a request that must see its writes or none
 * of them: its reply goes out once they are on the disk (server-sync.c).
 */
void
group_commit(struct server *srv)
{
	if (srv->group != NULL && store_group_open(srv->store))
		group_end(srv, 0);
}

/*
 * Does c wait for the open group: a reply of its own is held (its write
 * in the group, or anything it asked after one)?  If not, every write it
 * was told of is committed already, and so is every write anyone else was
 * told of: a read on another connection (the worker's) sees all of them
 * without the group being committed first, and its reply, sent at once,
 * overtakes none of c's.  (group_held counts c's held replies.)
 */
int
group_waits(struct client *c)
{
	if (c->srv->group == NULL || !store_group_open(c->srv->store))
		return 0;
	return c->group_held > 0;
}

/*
 * A status (CMD_HELD): answered at once, with the counts of the last
 * commit, unless a reply of its client's is held; then it runs after the
 * group, in its place among that client's replies.  At once means before
 * the last group's fsync ends, too (server_client_send_now): the counts may
 * then include a group that a power cut could yet take back, but status
 * never waits for the disk.
 */
static void
group_status(struct client *c, json_t *req)
{
	struct group	*g = c->srv->group;
	struct held	*h;
	json_t		*reply;

	if (c->group_held > 0) {
		h = xcalloc(1, sizeof *h);
		h->c = c;
		h->req = json_incref(req);
		TAILQ_INSERT_TAIL(&g->held, h, entry);
		c->group_held++;
		return;
	}
	if ((reply = cmd_dispatch(c->srv, c, req)) != NULL)
		server_client_send_now(c, reply);
}

/* Does a write's server_changed wait for the group's commit? */
int
group_defer_changed(struct server *srv)
{
	struct group	*g = srv->group;

	if (g == NULL || g->flushing || !store_group_open(srv->store))
		return 0;
	g->changed = 1;
	return 1;
}

/* Open a group if none is; 0 when one is open. */
static int
group_open(struct server *srv)
{
	struct group	*g = srv->group;
	struct timeval	 tv = { 0, GROUP_MAX_WAIT_MS * 1000 };
	char		*why = NULL;

	if (store_group_open(srv->store))
		return 0;
	if (store_group_begin(srv->store, sync_lazy(srv), &why) != 0) {
		free(why);
		return -1;
	}
	g->lazy = store_group_lazy(srv->store);
	g->writes = 0;
	g->spent = 0;
	g->walk_waits = 0;
	g->slice = now_us();
	event_active(g->ev_commit, 0, 0);
	evtimer_add(g->ev_late, &tv);
	return 0;
}

/* Run one write in the group, in its own savepoint. */
static json_t *
group_write(struct client *c, json_t *req)
{
	struct server	*srv = c->srv;
	struct group	*g = srv->group;
	json_t		*reply, *id;
	char		*why = NULL;
	uint64_t	 t0 = now_us();
	int		 ok;

	store_group_enter(srv->store, 1);
	if (store_begin(srv->store, NULL) != 0) {
		store_group_enter(srv->store, 0);
		group_end(srv, 1);
		return cmd_dispatch(srv, c, req);
	}
	reply = cmd_dispatch(srv, c, req);
	ok = json_is_true(json_object_get(reply, "ok"));
	if (!ok)
		store_rollback(srv->store);
	else if (store_commit(srv->store, &why) != 0) {	/* RELEASE */
		ok = 0;
		id = json_incref(json_object_get(reply, "id"));
		json_decref(reply);
		reply = proto_err(id, KCAL_E_STORE, "%s", why);
		json_decref(id);
		free(why);
	}
	store_group_enter(srv->store, 0);
	if (!store_group_open(srv->store)) {
		/* SQLite ended the transaction: the whole group is lost. */
		group_reply(c, reply);
		g->writes++;
		group_end(srv, 1);
		return NULL;
	}
	g->writes += ok;
	g->spent += now_us() - t0;
	return reply;
}

/*
 * Park c's write req until the open group's next slice, if this turn's
 * has been used, or until its commit, if its budget has: 1 if so.
 */
static int
group_park(struct client *c, json_t *req)
{
	struct group	*g = c->srv->group;

	if (!store_group_open(c->srv->store)) {
		if (store_ckpt_holding(c->srv->store)) {
			unpark_after_ckpt(g);
			goto park;
		}
		if (!remind_walk_due(c->srv->remind) ||
		    g->walk_waits >= GROUP_WALK_WAITS)
			return 0;
	} else if (g->spent == 0 ||
	    (now_us() - g->slice < GROUP_SLICE_MS * 1000 &&
	    g->spent < GROUP_BUDGET_MS * 1000))
		return 0;
	unpark_soon(g);
park:
	c->parked = json_incref(req);
	c->parked_at = ++c->srv->parks;
	bufferevent_disable(c->bev, EV_READ);
	g->parked = 1;
	return 1;
}

/*
 * Does req, an update, cancel or delete, write an event that others are
 * anchored to?  It then runs alone, not in a group.  It writes each
 * follower in a savepoint of its own, and inside the request's savepoint
 * of a group SQLite's in-memory journal of the request grew with every
 * follower, while the end of every statement walked it from its start
 * (its chunks are 1 kB): moving 5,000 followers took 7.6 s, and 1.5 s
 * alone.  Only where to run it is decided here (its UID read with the
 * group's writes): the request itself checks everything.
 */
static int
moves_followers(struct client *c, const struct cmd_entry *ce, json_t *req)
{
	struct server	*srv = c->srv;
	const char	*p = json_string_value(json_object_get(req, "uid"));
	char		*uid = NULL;
	int		 rc;

	/*
	 * Only for a peer that may write, who sees every event: for another
	 * (refused anyway) how it ran would tell whether a UID it may not
	 * see names an event that others follow.
	 */
	if (p == NULL || strcmp(ce->name, "add") == 0 ||
	    server_client_access(c) != ACCESS_WRITE ||
	    store_resolve(srv->store, p, &uid, NULL) != 0)
		return 0;
	rc = store_followed(srv->store, uid);
	free(uid);
	return rc == 1;
}

/*
 * Run a socket request, and answer it (group_reply).  Writes that can
 * share a group (CMD_GROUP) join the open one (or wait for the next one,
 * group_park); any other request commits it first and runs alone, as
 * before groups, and so does a write that moves the events anchored to
 * the one it writes (moves_followers).
 */
static void
run_request(struct client *c, json_t *req)
{
	struct server		*srv = c->srv;
	const struct cmd_entry	*ce;
	json_t			*reply;

	ce = cmd_find(json_string_value(json_object_get(req, "cmd")));
	if (srv->group == NULL)
		reply = cmd_dispatch(srv, c, req);
	else if (ce != NULL && (ce->flags & CMD_HELD)) {
		group_status(c, req);
		return;
	} else if (ce == NULL || !(ce->flags & CMD_GROUP) ||
	    store_readonly(srv->store) || moves_followers(c, ce, req)) {
		group_commit(srv);	/* it sees, and waits for, no open group */
		reply = cmd_dispatch(srv, c, req);
	} else if (group_park(c, req))
		return;
	else if (group_open(srv) != 0)
		reply = cmd_dispatch(srv, c, req);
	else if ((reply = group_write(c, req)) == NULL)
		return;
	group_reply(c, reply);
	if (srv->group != NULL && srv->group->writes >= GROUP_MAX_WRITES)
		group_end(srv, 1);
}

/*
 * Run a socket request (run_request); one that held the loop for
 * LOOP_HELD_MS or more is logged, with its command and client, so that
 * what keeps the others waiting can be found.
 */
void
group_request(struct client *c, json_t *req)
{
	const char	*cmd = json_string_value(json_object_get(req, "cmd"));
	char		 name[32];
	int64_t		 t0 = now_us(), held;

	snprintf(name, sizeof name, "%s", cmd != NULL ? cmd : "?");
	run_request(c, req);
	if ((held = now_us() - t0) >= LOOP_HELD_MS * 1000)
		log_info("request \"%s\" from %s held the loop %lld ms", name,
		    c->who_name, (long long)(held / 1000));
}

/* For status: commits that synced, groups, and the writes in them. */
json_t *
group_stats(struct server *srv)
{
	struct group	*g = srv->group;

	return json_pack("{s:I, s:I, s:I}",
	    "durable", (json_int_t)store_durable_commits(srv->store),
	    "groups", (json_int_t)(g ? g->groups : 0),
	    "grouped_writes", (json_int_t)(g ? g->grouped : 0));
}
