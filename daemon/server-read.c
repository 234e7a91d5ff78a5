/*
 * server-read.c — a socket peer's reads that may take long (list, get,
 * export, itinerary, people, conflicts: cmd.h's CMD_OFFLOOP) run on a
 * worker thread (worker.c), so that the loop goes on answering everyone
 * else while a 20,000-event list is built.
 *
 * What such a read takes from the loop is copied into its job when it is
 * submitted: the request, who asks (role, clearance, name), the time, and
 * the configuration of the moment (a reload retires the old one through
 * worker_retire, so it outlives the job).  On the thread it runs through
 * cmd_dispatch_read, with the thread's own read-only connection under the
 * peer's clearance, and touches nothing of the server's.  Its reply is
 * encoded there too (and the JSON freed there): the loop only hands the
 * bytes to the peer, in the job's done function.
 *
 * Order and freshness: the read's snapshot, taken on the thread, holds
 * every write acknowledged before it, this peer's own included: writes are
 * acknowledged only once committed, and if this peer still waits for the
 * open group (group_waits: its own write is in it, unacknowledged) the
 * group is committed first (group_commit).  Otherwise the group is left to
 * fill: its writes are not acknowledged yet, and a read of other peers
 * need not wait for them (nor cost the group an early fsync each: under
 * load most requests are reads, and groups would shrink to one write, each
 * paying its own commit).  And the peer is not
 * read while its read runs (like a write parked for an import), so its
 * replies go out in the order of its requests.  A peer that goes away
 * meanwhile is forgotten by its job, whose reply is then dropped.
 *
 * A get (CMD_SHORT) goes to the worker's short lane: it does not wait
 * behind the lists and exports queued before it.
 *
 * Without a worker (an in-memory store) the read runs on the loop as
 * before (server_read_submit returns 0).
 */
#include <stdio.h>
#include <stdlib.h>

#include <event2/buffer.h>

#include "access.h"
#include "cmd.h"
#include "server.h"
#include "worker.h"
#include "xmalloc.h"

struct read_job {
	struct client		*c;		/* NULL once it went away */
	json_t			*req;
	struct evbuffer		*reply;		/* encoded on the thread */
	const struct config	*cfg;
	int64_t			 now;
	struct access_who	 who;
	char			 name[32];	/* who.name's */
};

/* On the worker's thread. */
static void
read_run(void *arg, struct store *st)
{
	struct read_job	*job = arg;
	json_t		*reply;

	reply = cmd_dispatch_read(st, job->cfg, job->now, &job->who,
	    job->req);
	job->reply = server_encode(reply);
	json_decref(reply);
}

/* On the loop: the reply to its peer, who is then read again. */
static void
read_done(void *arg, int ran)
{
	struct read_job	*job = arg;
	struct client	*c = job->c;
	uint64_t	 stamp;

	if (c != NULL) {
		c->reading = NULL;
		/* The request's id is its reply's; it waits for the commits
		   its snapshot may show, no later ones (server-sync.c). */
		if (ran && worker_done_stamp(c->srv->worker, &stamp))
			server_client_send_stamped(c, job->req, job->reply,
			    stamp);
		else if (ran)
			server_client_send_encoded(c, job->req, job->reply);
		if (ran)
			job->reply = NULL;
		server_client_resume(c);
	}
	if (job->reply != NULL)
		evbuffer_free(job->reply);
	json_decref(job->req);
	free(job);
}

/*
 * Run req (not consumed) of c on a worker thread: 1 when submitted, its
 * reply then sent later; 0 when it must run on the loop (not a long read,
 * or no worker).
 */
int
server_read_submit(struct client *c, json_t *req)
{
	struct server	*srv = c->srv;
	struct worker	*w;
	struct read_job	*job;
	int		 flags = cmd_offloop(req);

	if (flags == 0 || (w = server_worker(srv)) == NULL)
		return 0;
	if (group_waits(c))
		group_commit(srv);	/* the read sees c's writes */
	job = xcalloc(1, sizeof *job);
	job->c = c;
	job->req = json_incref(req);
	job->cfg = srv->cfg;
	job->now = server_now(srv);
	server_client_who(c, &job->who);
	snprintf(job->name, sizeof job->name, "%s", job->who.name);
	job->who.name = job->name;
	if ((flags & CMD_SHORT ? worker_submit_short : worker_submit)(w,
	    read_run, read_done, job) != 0) {
		json_decref(job->req);
		free(job);
		return 0;
	}
	c->reading = job;
	bufferevent_disable(c->bev, EV_READ);
	return 1;
}

/* c is closing: its read, if one runs, has no one to answer. */
void
server_read_forget(struct client *c)
{
	if (c->reading != NULL)
		c->reading->c = NULL;
	c->reading = NULL;
}
