/*
 * dav-job.c — CalDAV's reads off the loop: PROPFIND, REPORT (calendar-
 * query, calendar-multiget, sync-collection) and GET or HEAD of an
 * object can each walk the whole calendar, so each runs as a job on the
 * worker's thread (worker.h), in one read transaction of the worker's own
 * connection, while the request waits (httpd_defer).
 *
 * The job is given all it reads when it is submitted, on the loop: the
 * account (its name and clearance), the method, the headers the reads
 * look at, the body already parsed, and kcald.conf's values (copied: a
 * SIGHUP may replace the configuration meanwhile).  On the thread it
 * sets its store's clearance to the account's, finds the object, and
 * leaves its answer in the call; back on the loop the answer is sent.
 * Writes committed before the request (group_commit, in dav.c) are in
 * the job's snapshot.  Without a worker (an in-memory store) the same job
 * runs on the loop, on the loop's store.
 */
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "config.h"
#include "dav-int.h"
#include "dav-xml.h"
#include "httpd.h"
#include "recur.h"
#include "server.h"
#include "store.h"
#include "worker.h"
#include "write-put.h"
#include "xmalloc.h"

struct dav_job {
	struct dav_call		 d;	/* c.srv and c.q NULL */
	struct httpd_req	*q;
	struct account		 acct;
	char			*method;
	char			*home_tz;
	char			*depth;
	char			*inm, *im;
};

static int
is(const char *m, const char *name)
{
	return strcmp(m, name) == 0;
}

/* Is method m on d's resource one of the reads this file runs? */
int
dav_is_read(const struct dav_call *d, const char *m)
{
	return is(m, "PROPFIND") ||
	    (is(m, "REPORT") && d->res == DAV_RES_CALENDAR) ||
	    ((is(m, "GET") || is(m, "HEAD")) && d->res == DAV_RES_OBJECT);
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* The body of PROPFIND (when there is one) or REPORT, parsed here. */
static void
parse_body(struct dav_job *j, struct httpd_req *q)
{
	const char	*body;
	size_t		 len = 0;

	body = httpd_body(q, &len);
	if (is(j->method, "PROPFIND") && (body == NULL || len == 0))
		return;
	if (is(j->method, "PROPFIND") || is(j->method, "REPORT"))
		j->d.rq = dav_parse(j->method, body ? body : "",
		    body ? len : 0, &j->d.err);
}

static struct dav_job *
job_new(const struct dav_call *d, const char *m)
{
	struct server	*srv = d->c.srv;
	struct dav_job	*j = xcalloc(1, sizeof *j);

	j->d = *d;
	j->q = d->c.q;
	j->acct = *d->c.acct;
	j->acct.who.name = j->acct.name;
	j->d.c.acct = &j->acct;
	j->d.c.user = j->acct.name;
	j->d.c.srv = NULL;
	j->d.c.q = NULL;
	j->method = xstrdup(m);
	j->home_tz = dup_or_null(srv->cfg->home_tz);
	j->depth = dup_or_null(httpd_header(j->q, "Depth"));
	j->inm = dup_or_null(httpd_header(j->q, "If-None-Match"));
	j->im = dup_or_null(httpd_header(j->q, "If-Match"));
	j->d.home_tz = j->home_tz;
	j->d.depth = j->depth;
	j->d.inm = j->inm;
	j->d.im = j->im;
	j->d.put_max = write_put_max(srv);
	parse_body(j, j->q);
	return j;
}

static void
job_free(struct dav_job *j)
{
	if (j->d.resp != NULL)
		httpd_resp_free(j->d.resp);
	dav_req_free(j->d.rq);
	dav_err_clear(&j->d.err);
	free(j->d.uid);
	free((char *)j->d.c.name);
	free(j->method);
	free(j->home_tz);
	free(j->depth);
	free(j->inm);
	free(j->im);
	free(j);
}

/* On the worker's thread (or the loop, without one): touches only st. */
static void
job_run(void *arg, struct store *st)
{
	struct dav_job		*j = arg;
	enum access_class	 before;

	j->d.st = st;
	before = store_set_clearance(st, j->acct.who.clearance);
	recur_budget_begin();
	if (j->d.res == DAV_RES_OBJECT)
		dav_find_object(&j->d);
	if (is(j->method, "PROPFIND"))
		dav_propfind(&j->d);
	else if (is(j->method, "REPORT"))
		dav_report(&j->d);
	else
		dav_get(&j->d);
	store_set_clearance(st, before);
}

/* On the loop: the answer the job left, sent. */
static void
job_done(void *arg, int ran)
{
	struct dav_job	*j = arg;

	if (!ran)
		httpd_reply_text(j->q, 503, "kcald is stopping");
	else if (j->d.resp == NULL)
		httpd_reply_text(j->q, 500, "the request had no answer");
	else {
		httpd_reply(j->q, j->d.resp);
		j->d.resp = NULL;
	}
	job_free(j);
}

/*
 * Run read m of d (dav_is_read) off the loop; d's name is the job's from
 * now on.  Without a worker, or when it cannot take the job, it runs here.
 */
void
dav_read(struct dav_call *d, const char *m)
{
	struct server	*srv = d->c.srv;
	struct worker	*w = server_worker(srv);
	struct dav_job	*j = job_new(d, m);

	d->c.name = NULL;
	if (w != NULL && worker_submit(w, job_run, job_done, j) == 0) {
		httpd_defer(j->q);
		return;
	}
	sync_wait(srv);		/* no worker: read here, data on the disk only */
	job_run(j, srv->store);
	job_done(j, 1);
}
