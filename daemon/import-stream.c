/*
 * import-stream.c — an import of any size, sent in pieces and written a
 * slice at a time, so that the loop keeps serving while it runs.
 *
 * kcal import sends "import_begin" (name, tz, dry_run, the file's size if
 * known), the file's text in "import_chunk"s (each within max_line: the
 * begin reply says how big), and "import_end".  The file is then read by
 * ical_import_start (lines, zones, UIDs) and its records written a few at
 * a time, a slice of the loop's turn each (SLICE_MS), on a connection of
 * the import's own, in one transaction: other clients, feeds and reminders
 * are served between slices, and read the store as it was before the
 * import (WAL), never half of it.  The client gets "progress" messages
 * (events done of the file's total) and the reply of "import" at the end.
 *
 * All or nothing stays: any error, and a client that disconnects before
 * the end, rolls the transaction back.  While an import holds the store,
 * a socket client's write waits for it (server-client.c parks it and
 * answers it after the commit or rollback; the client is not read
 * meanwhile); a write that cannot wait (an HTTP one) is refused "busy";
 * a write of kcald's own (a reminder recorded as fired) fails at once
 * rather than holding the loop (store_busy_wait), and is redone later as
 * remind-walk.c redoes any failed write.  One import writes at a time: a
 * second one's import_end is such a waiting write.
 *
 * Each piece is scanned into lines as it arrives (ical-lint.c, lint_feed),
 * and a broken line is refused at once; each component of the file, once
 * its END is in, is set aside in a file beside the store (lint-spool.c,
 * unlinked from the start) and read back one at a time when the records
 * are made: kcald's memory does not grow with the file, only the spool
 * and the transaction's WAL do.  max_import_size bounds only the
 * one-request "import".
 */
#include <sys/time.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "access.h"
#include "cmd.h"
#include "ical-import.h"
#include "ical-lint.h"
#include "import-pipe.h"
#include "import-run.h"
#include "kcal-protocol.h"
#include "lint-spool.h"
#include "log.h"
#include "occur.h"
#include "server.h"
#include "store.h"
#include "xmalloc.h"

#define SLICE_MS	4	/* the loop's time an import may take a turn */
#define PROGRESS_MS	200	/* between two progress messages */
#define CHUNK_MAX	(128 * 1024)	/* a piece's bytes, at most */

struct import_job {
	struct server		*srv;
	struct client		*client;
	json_t			*id;		/* import_end's */
	struct import_run	 ir;
	struct ical_import_opts	 o;
	char			*name, *tz, *home;
	struct ical_import	 imp;
	struct imp		*im;
	struct import_pipe	*pipe;		/* im's records, made ahead */
	size_t			 written;	/* VEVENTs */
	struct store		*st;		/* its own connection */
	enum access_class	 clearance;
	struct lint		 l;		/* the lines received */
	struct lint_feed	*feed;		/* until import_end */
	size_t			 received;	/* bytes */
	int64_t			 size;		/* announced, or -1 */
	struct event		*ev_step;
	int64_t			 last;		/* ms: last progress message */
	/* The commit, on a thread of its own (commit_start). */
	pthread_t		 thread;
	int			 read;		/* every record written */
	int			 committing;
	int			 done[2];	/* the thread's "done" pipe */
	struct event		*ev_done;
	char			*commit_why;
	int64_t			 t_commit;	/* ms: the commit ended */
	int64_t			 counts[3];	/* status's, as committed */
	int			 counted;
	int			 copied;	/* its checkpoint copied all */
	int			 shutting;	/* kcald stops: its client is
						   not read again */
};

static int64_t
now_ms(void)
{
	struct timeval	tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

int
import_busy(const struct server *srv)
{
	return srv->importing != NULL;
}

static void
unpark_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	server_client_unpark(arg);
}

/* Free a job; if it held the store, give the store back to the others. */
static void
job_free(struct import_job *job)
{
	struct server	*srv = job->srv;
	struct timeval	 zero = { 0, 0 };

	if (job->client != NULL)
		job->client->import = NULL;
	if (srv->importing == job) {
		srv->importing = NULL;
		store_busy_wait(srv->store, STORE_BUSY_MS);
		event_base_once(srv->base, -1, EV_TIMEOUT, unpark_cb, srv,
		    &zero);
	}
	if (job->ev_step != NULL)
		event_free(job->ev_step);
	if (job->ev_done != NULL)
		event_free(job->ev_done);
	if (job->done[0] > 0) {
		close(job->done[0]);
		close(job->done[1]);
	}
	free(job->commit_why);
	import_pipe_free(job->pipe);	/* its thread stopped: im is ours */
	ical_import_end(job->im);
	ical_import_clear(&job->imp);
	if (job->st != NULL) {
		store_rollback(job->st);	/* nothing open after a commit */
		store_close(job->st);
	}
	import_run_clear(&job->ir);
	json_decref(job->id);
	free(job->name);
	free(job->tz);
	free(job->home);
	if (job->feed != NULL)
		lint_feed_end(job->feed);
	lint_free(&job->l);
	free(job);
}

/*
 * Is c's import being read and written (import_end sent, its reply not
 * yet)?  The client is not answered meanwhile (server-client.c reads on,
 * to see it leave): what it asks after import_end is answered after it,
 * in order, and it is not closed for being idle while kcald works.
 */
int
import_ending(const struct client *c)
{
	return c->import != NULL && c->import->feed == NULL;
}

/*
 * A request of c's, cmd (NULL: not known), was refused while c sends an
 * import: if it may have been one of the import's (a line that is not a
 * request, an unknown command, any import_ one), the import is dropped,
 * so that an import_end sent behind it does not commit the file without
 * the piece (all or nothing).  Its next import_chunk and import_end are
 * refused, saying so.
 */
void
import_refused(struct client *c, const char *cmd)
{
	if (c->import == NULL || c->import->feed == NULL ||
	    (cmd != NULL && cmd_find(cmd) != NULL &&
	    strncmp(cmd, "import_", 7) != 0))
		return;
	log_warnx("import %s: a request of its client was refused; nothing "
	    "imported", c->import->o.name);
	job_free(c->import);
	c->import_dropped = 1;
}

/* The client went away: an import not yet committed stores nothing. */
void
import_client_gone(struct client *c)
{
	if (c->import == NULL)
		return;
	if (c->import->committing) {
		/* Too late to leave: the commit ends without its client. */
		c->import->client = NULL;
		c->import = NULL;
		return;
	}
	if (c->srv->importing == c->import)
		log_warnx("import %s: the client left after %zu of its events; "
		    "nothing imported", c->import->o.name, c->import->written);
	c->import->client = NULL;
	job_free(c->import);
	c->import = NULL;
}

/*
 * Where the file's lines wait for import_end: a file beside the store,
 * unlinked (lint-spool.c), so that kcald holds one piece at a time.
 */
static struct lint_spool *
spool_new(struct server *srv)
{
	const char		*path = store_path(srv->store);
	const char		*slash = strrchr(path, '/');
	char			*dir;
	struct lint_spool	*sp;

	if (strcmp(path, ":memory:") == 0)
		return lint_spool_new(NULL);	/* a test's store: in memory */
	if (slash == NULL)
		dir = xstrdup(".");
	else
		dir = xstrndup(path, slash == path ? 1 : (size_t)(slash - path));
	sp = lint_spool_new(dir);
	free(dir);
	return sp;
}

/*
 * A piece's size the client may send: a JSON line within max_line, and
 * small, for the loop decodes each line whole before it answers anyone
 * else: a piece of 1 MiB held a status as long as a slice of the import
 * several times over (README, "The targets, and what remains").
 */
static size_t
chunk_size(const struct server *srv)
{
	size_t	n = srv->cfg->max_line / 8;

	return n > CHUNK_MAX ? CHUNK_MAX : n < 64 ? 64 : n;
}

static json_t *
cmd_import_begin_exec(struct cmd_ctx *ctx)
{
	struct client		*c = ctx->client;
	struct import_job	*job;
	json_t			*size = json_object_get(ctx->req, "size");

	if (c == NULL || ctx->who.level != ACCESS_WRITE ||
	    store_readonly(ctx->srv->store)) {
		cmd_error(ctx, KCAL_E_FORBIDDEN, "import_begin needs a socket "
		    "peer that may write to a writable store");
		return NULL;
	}
	if (size != NULL && !json_is_integer(size)) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"size\" must be an "
		    "integer");
		return NULL;
	}
	if (c->import != NULL) {
		cmd_error(ctx, KCAL_E_BAD_REQUEST, "an import is already under "
		    "way on this connection");
		return NULL;
	}
	c->import_dropped = 0;
	job = xcalloc(1, sizeof *job);
	job->srv = ctx->srv;
	job->size = size ? json_integer_value(size) : -1;
	job->clearance = ctx->who.clearance;
	if (import_args(ctx, &job->ir, &job->o) != 0) {
		job_free(job);
		return NULL;
	}
	/* The request's strings and the config may be gone by the end. */
	job->o.name = job->name = xstrdup(job->o.name);
	job->o.float_tz = job->tz = xstrdup(job->o.float_tz);
	job->o.home = job->home = xstrdup(job->o.home);
	job->feed = lint_feed_new(&job->l);
	lint_feed_spool(job->feed, spool_new(ctx->srv));
	job->client = c;
	c->import = job;
	return json_pack("{s:I, s:b}", "chunk", (json_int_t)chunk_size(ctx->srv),
	    "bytes", 1);
}

/* The job of this client's that is still being sent, or NULL (error set). */
static struct import_job *
sending(struct cmd_ctx *ctx)
{
	struct client	*c = ctx->client;

	if (c != NULL && c->import != NULL && c->import->feed != NULL)
		return c->import;
	if (c != NULL && c->import_dropped)
		cmd_error(ctx, KCAL_E_BAD_REQUEST, "the import was dropped: a "
		    "request sent with it was refused; nothing imported");
	else
		cmd_error(ctx, KCAL_E_BAD_REQUEST, "no import under way on "
		    "this connection (send import_begin first)");
	return NULL;
}

/* The file's lines are refused: its error, and the import dropped. */
static void
refused(struct cmd_ctx *ctx, struct import_job *job)
{
	char	*why = ical_import_lint_error(&job->o, &job->l);

	cmd_error(ctx, KCAL_E_BAD_ICAL, "%s; nothing imported", why);
	free(why);
	if (job->client != NULL)	/* its next pieces are told so */
		job->client->import_dropped = 1;
	job_free(job);
}

static json_t *
cmd_import_chunk_exec(struct cmd_ctx *ctx)
{
	struct import_job	*job;
	const char		*text;
	json_t			*raw;
	size_t			 n;

	if ((job = sending(ctx)) == NULL)
		return NULL;
	if ((raw = json_object_get(ctx->req, "bytes")) != NULL &&
	    json_is_string(raw)) {
		/* the piece as sent, after the line (server-client.c) */
		if (json_object_get(ctx->req, "ical") != NULL) {
			cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "a piece is "
			    "\"ical\" or \"bytes\", not both");
			return NULL;
		}
		text = json_string_value(raw);
		n = json_string_length(raw);
	} else if (cmd_arg_str(ctx, "ical", 1, &text) != 0)
		return NULL;
	else
		n = strlen(text);
	job->received += n;
	if (lint_feed(job->feed, text, n) != 0) {
		refused(ctx, job);
		return NULL;
	}
	return json_object();
}

static void
progress(struct import_job *job)
{
	size_t	total = import_pipe_total(job->pipe), done = job->written;
	int64_t	t = now_ms();

	if (t - job->last < PROGRESS_MS || job->client == NULL)
		return;
	job->last = t;
	server_client_send(job->client, json_pack("{s:{s:O?, s:I, s:I}}",
	    "progress", "id", job->id, "done", (json_int_t)done, "total",
	    (json_int_t)total));
}

/* Reply (the commit or rollback done), and free the job. */
static void
finish(struct import_job *job, int rc, char *why)
{
	struct import_run	*ir = &job->ir;
	struct client		*c;
	const char		*code;
	char			*msg;
	json_t			*reply;
	int			 shutting;

	if (rc != 0) {
		store_rollback(job->st);
		code = import_error(ir, rc, job->o.name, why, &msg);
		reply = proto_err(job->id, code, "%s", msg);
		free(msg);
	} else {
		reply = proto_ok(job->id, import_result(ir, job->o.name,
		    &job->imp));
		ir->events = NULL;
		import_log(ir, job->o.name);
	}
	free(why);
	if ((c = job->client) != NULL)
		server_client_send(c, reply);
	else
		json_decref(reply);
	if (rc == 0 && !ir->dry_run)
		server_changed(job->srv);
	shutting = job->shutting;
	job_free(job);
	if (c != NULL && !shutting)
		server_client_resume(c);	/* what it sent after import_end */
}

/*
 * The busy rows of the events added (store_busy_defer, take_store), in
 * the transaction, before its commit: -1 with *why.
 */
static int
fill_busy(struct import_job *job, char **why)
{
	int64_t	t = now_ms();

	if (store_busy_fill(job->st, why) != 0) {
		if (*why == NULL)
			*why = xstrdup("cannot write");
		return -1;
	}
	log_debug("import %s: %lld ms to index who is busy", job->o.name,
	    (long long)(now_ms() - t));
	return 0;
}

/*
 * The commit's thread: its fsync of a whole file's worth of WAL takes
 * seconds, and the loop does not wait for it.  Before it, while the import
 * alone can write, it counts what status reports (store_counts_walk: a
 * walk of the participants' index that would hold the loop), and the
 * loop's connection takes the counts over once committed; then it makes
 * the busy rows of the events added (fill_busy: seconds too).  In that
 * order: the walk reads through the page cache the import's slices
 * filled, and the fill shrinks that cache for its sort, so that neither
 * allocates a cache anew on this thread.  Only this
 * thread uses job->st meanwhile (kcald opens SQLite connections for one
 * thread at a time, SQLITE_OPEN_NOMUTEX).
 */
static void *
commit_main(void *arg)
{
	struct import_job	*job = arg;
	char			 b = 1;

	/* The loop does not touch job->im until it joins this thread. */
	ical_import_drop_spool(job->im);
	store_autocheckpoint(job->st, 0);
	job->counted = store_counts_walk(job->st, job->counts) == 0;
	if (fill_busy(job, &job->commit_why) == 0 &&
	    store_commit(job->st, &job->commit_why) != 0 &&
	    job->commit_why == NULL)
		job->commit_why = xstrdup("cannot commit");
	job->t_commit = now_ms();
	if (job->commit_why == NULL)
		job->copied = store_checkpoint(job->st);
	while (write(job->done[1], &b, 1) < 0)
		;
	return NULL;
}

static void
commit_done(evutil_socket_t fd, short what, void *arg)
{
	struct import_job	*job = arg;
	int64_t			 t = job->last;

	(void)fd;
	(void)what;
	pthread_join(job->thread, NULL);
	job->committing = 0;
	store_counts_hold(job->srv->store, 0);
	log_debug("import %s: %lld ms to commit, %lld ms to checkpoint",
	    job->o.name, (long long)(job->t_commit - t),
	    (long long)(now_ms() - job->t_commit));
	if (job->commit_why != NULL) {
		job->ir.why = job->commit_why;
		job->commit_why = NULL;
		finish(job, -2, NULL);
		return;
	}
	if (job->counted)	/* status walks none of it on the loop */
		store_counts_adopt(job->srv->store, job->counts);
	/* the thread starts the log over, or copies what is left */
	store_ckpt_imported(job->srv->store, job->copied);
	finish(job, 0, NULL);
}

/*
 * kcald stops: an import whose commit is under way is waited for and
 * its job freed (its reply queued, sent as best it can be), while the
 * loop's store, base and clients are still there (server_free calls it
 * first); an import not yet committing ends with its client
 * (import_client_gone: rolled back).
 */
void
import_shutdown(struct server *srv)
{
	struct import_job	*job = srv->importing;

	if (job == NULL || !job->committing)
		return;
	log_info("import %s: waiting for its commit", job->o.name);
	job->shutting = 1;
	commit_done(-1, 0, job);
}

/* Commit off the loop; on failure to start a thread, on it. */
static void
commit_start(struct import_job *job)
{
	int	rc = 0;

	job->last = now_ms();
	if (pipe2(job->done, O_CLOEXEC) == 0 &&
	    (job->ev_done = event_new(job->srv->base, job->done[0], EV_READ,
	    commit_done, job)) != NULL && event_add(job->ev_done, NULL) == 0 &&
	    pthread_create(&job->thread, NULL, commit_main, job) == 0) {
		job->committing = 1;
		store_counts_hold(job->srv->store, 1);
		log_debug("import %s: committing", job->o.name);
		return;
	}
	log_warn("import %s: commit thread", job->o.name);
	if (fill_busy(job, &job->ir.why) != 0 ||
	    store_commit(job->st, &job->ir.why) != 0)
		rc = -2;
	store_counts_hold(job->srv->store, 0);	/* they are walked again */
	finish(job, rc, NULL);
}

/* Is the slice that ends at *(int64_t *)arg spent? */
static int
spent(void *arg)
{
	return now_ms() >= *(int64_t *)arg;
}

/*
 * The records made (import-pipe.c), written until the slice ends (at
 * *end): 1 more to come, 2 none made yet (the pipe calls back), 0 all
 * written, -1 the file refused (*why), -2 a record refused (ir.why).
 */
static int
write_records(struct import_job *job, int64_t end, char **why)
{
	struct ical_record	 r;
	struct occur_prep	*prep;
	size_t			 upto;
	int			 rc;

	for (;;) {
		switch (import_pipe_take(job->pipe, &r, &prep, &upto, why)) {
		case PIPE_WAIT:
			return 2;
		case PIPE_AGAIN:
			return 1;
		case PIPE_END:
			return 0;
		case PIPE_FAILED:
			return -1;
		case PIPE_RECORD:
			break;
		}
		job->ir.prep = prep;
		rc = import_file_record(&r, &job->ir);
		job->ir.prep = NULL;
		occur_prep_free(prep);
		free(r.text);
		event_clear(&r.ev);
		job->written = upto;
		if (rc != 0)
			return -2;
		if (now_ms() >= end)
			return 1;
	}
}

/* One slice: records until SLICE_MS is spent, then the loop's turn. */
static void
step_cb(evutil_socket_t fd, short what, void *arg)
{
	struct import_job	*job = arg;
	struct timeval		 zero = { 0, 0 };
	int64_t			 end = now_ms() + SLICE_MS;
	enum access_class	 saved;
	char			*why = NULL;
	int			 rc;

	(void)fd;
	(void)what;
	saved = store_set_clearance(job->st, job->clearance);
	rc = 0;
	if (!job->read)
		rc = write_records(job, end, &why);
	if (rc == 0) {
		/* every record written: then the followers, in slices too */
		job->read = 1;
		rc = import_follow_anchors(&job->ir, spent, &end);
		if (rc < 0)
			rc = -2;
	}
	store_set_clearance(job->st, saved);
	if (rc == 1 || rc == 2) {
		progress(job);
		if (rc == 1)
			evtimer_add(job->ev_step, &zero);
		return;
	}
	if (rc == 0 && !job->ir.dry_run)
		commit_start(job);
	else
		finish(job, rc, why);	/* a dry run: rolled back */
}

/* The pipe has records again (or the last): the next slice. */
static void
records_cb(evutil_socket_t fd, short what, void *arg)
{
	struct import_job	*job = arg;
	struct timeval		 zero = { 0, 0 };

	(void)fd;
	(void)what;
	if (!job->read && !evtimer_pending(job->ev_step, NULL))
		evtimer_add(job->ev_step, &zero);
}

/*
 * Take the store: a connection of the import's own, its transaction open,
 * the loop's connection told not to wait for it.  -1 with *why.
 */
static int
take_store(struct import_job *job, char **why)
{
	struct server	*srv = job->srv;

	if ((job->st = store_open_writer(srv->store, why)) == NULL)
		return -1;
	if (store_begin(job->st, why) != 0 ||
	    store_busy_defer(job->st, why) != 0)
		return -1;
	job->ir.st = job->st;
	srv->importing = job;
	store_busy_wait(srv->store, 0);
	return 0;
}

static json_t *
cmd_import_end_exec(struct cmd_ctx *ctx)
{
	struct import_job	*job;
	struct timeval		 zero = { 0, 0 };
	char			*why = NULL;
	int64_t			 t;
	int			 rc;

	if ((job = sending(ctx)) == NULL) {
		if (ctx->client != NULL)
			ctx->client->import_dropped = 0;	/* said */
		return NULL;
	}
	job->id = json_incref(proto_request_id(ctx->req));
	rc = lint_feed_end(job->feed);
	job->feed = NULL;
	if (rc != 0) {
		refused(ctx, job);
		return NULL;
	}
	if (take_store(job, &why) != 0) {
		cmd_error(ctx, KCAL_E_STORE, "%s: %s; nothing imported",
		    job->o.name, why);
		free(why);
		job_free(job);
		return NULL;
	}
	t = now_ms();
	job->pipe = import_pipe_new(job->srv->base, records_cb, job);
	job->im = ical_import_start_lint(&job->l, &job->o, &job->imp,
	    import_pipe_cb(), job->pipe, &why);
	log_debug("import %s: %zu bytes received; writing (%lld ms to start)",
	    job->o.name, job->received, (long long)(now_ms() - t));
	if (job->im == NULL) {
		cmd_error(ctx, strstr(why, "max_import_events") ? KCAL_E_LIMIT :
		    KCAL_E_BAD_ICAL, "%s; nothing imported", why);
		free(why);
		job_free(job);
		return NULL;
	}
	job->ev_step = evtimer_new(job->srv->base, step_cb, job);
	import_pipe_run(job->pipe, job->im);
	evtimer_add(job->ev_step, &zero);
	job->last = now_ms();
	ctx->later = 1;
	return NULL;
}

const struct cmd_entry cmd_import_begin_entry = {
	"import_begin", "name tz dry_run size", 0, cmd_import_begin_exec
};
const struct cmd_entry cmd_import_chunk_entry = {
	"import_chunk", "ical bytes", 0, cmd_import_chunk_exec
};
const struct cmd_entry cmd_import_end_entry = {
	"import_end", "", CMD_WRITE, cmd_import_end_exec
};
