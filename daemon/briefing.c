/*
 * briefing.c — a visit's briefing page for a feed's audience.
 *
 * `kcal feed add NAME --briefing VISIT` makes a feed of the visit's
 * programme whose token opens two things: /feeds/TOKEN.ics, the
 * subscription, and /briefing/TOKEN.html, this page: the printable HTML
 * of `kcal itinerary VISIT --format html` (the same code,
 * include/itinerary-html.c), with links to subscribe to the feed.  The
 * itinerary is built for the feed's audience (cmd-itinerary.c): every
 * event read as the feed itself writes it (feed_view_record), so the page
 * shows no more than the feed.  It is built once per change of the store,
 * as the feed's body is, off the loop: a job on the worker's thread
 * (worker.h), given the feed's definition and configuration, renders it
 * from the worker's store; back on the loop feed-body.c keeps it.
 * http-route.c serves it with a Content-Security-Policy that lets nothing
 * run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "briefing.h"
#include "feed.h"
#include "itinerary-html.h"
#include "log.h"
#include "recur.h"
#include "server.h"
#include "worker.h"
#include "xmalloc.h"

/* A page being built: what it reads, copied on the loop; what it makes. */
struct page_job {
	struct server		*srv;		/* the loop's: page_done only */
	char			*token;
	struct feed_def		 def;
	struct feed_page_as	 as;		/* as.cfg: what it reads */
	char			*body, *cause;
	size_t			 len;
	feed_wait_fn		 fn;
	void			*arg;
};

/*
 * The page of the briefing feed d, *len bytes; NULL with *cause NULL when
 * the audience sees no such visit (it is gone, or of a class the feed does
 * not carry), NULL with *cause set on error.
 */
char *
briefing_render(struct server *srv, const struct feed_def *d, size_t *len,
    char **cause)
{
	struct feed_view	*view;
	struct itin_html_links	 links;
	json_t			*res;
	FILE			*fp;
	char			*body = NULL, *ics, *webcal, note[64];
	int			 rc;

	*cause = NULL;
	view = feed_view_new(srv, d);
	rc = itinerary_build(srv, d->briefing, view, 0, &res, cause);
	feed_view_free(view);
	if (rc != 0) {
		if (rc > 0)
			log_debug("briefing %s: visit %s not shown", d->name,
			    d->briefing);
		return NULL;
	}
	ics = feed_url(srv->cfg, d->token, 0);
	webcal = feed_url(srv->cfg, d->token, 1);
	memset(&links, 0, sizeof links);
	links.ics = ics;
	links.webcal = webcal;
	if (d->redact != NULL) {
		snprintf(note, sizeof note, "details are withheld (redacted: %s)",
		    d->redact);
		links.note = note;
	}
	if ((fp = open_memstream(&body, len)) == NULL)
		fatal("open_memstream");
	itin_html(fp, res, &links);
	if (fclose(fp) != 0)
		fatal("briefing: writing the page");
	json_decref(res);
	free(ics);
	free(webcal);
	return body;
}

/* On the worker's thread (or the loop, without one): touches only st. */
static void
page_run(void *arg, struct store *st)
{
	struct page_job	*j = arg;
	struct server	 view;

	memset(&view, 0, sizeof view);
	view.cfg = (struct config *)j->as.cfg;
	view.store = st;
	recur_budget_begin();
	j->body = briefing_render(&view, &j->def, &j->len, &j->cause);
}

/* On the loop: the page kept (feed-body.c); feed_get's answers. */
static int
page_finish(struct page_job *j, int ran, const struct feed_body **out,
    char **cause)
{
	int	rc;

	*cause = NULL;
	if (!ran) {
		*cause = xstrdup("kcald is stopping");
		rc = -1;
	} else if (j->body == NULL && j->cause != NULL) {
		*cause = j->cause;
		j->cause = NULL;
		rc = -1;
	} else {
		rc = feed_briefing_put(j->srv, j->token, j->body, j->len,
		    &j->as, out, cause);
		j->body = NULL;
	}
	feed_def_clear(&j->def);
	free(j->token);
	free(j->body);
	free(j->cause);
	return rc;
}

static void
page_done(void *arg, int ran)
{
	struct page_job		*j = arg;
	const struct feed_body	*fb = NULL;
	feed_wait_fn		 fn = j->fn;
	void			*fnarg = j->arg;
	char			*why;
	int			 rc;

	rc = page_finish(j, ran, &fb, &why);
	free(j);
	fn(fnarg, fb, rc, why);
	free(why);
}

/*
 * The page of the briefing feed a token names, as feed_get answers: 0
 * with *out set, 1 when there is none the audience may see (a 404), -1 on
 * error (*cause), 2 when it is being built off the loop: fn(arg, body,
 * rc, cause) is called on the loop when it is.
 */
int
briefing_get(struct server *srv, const char *token, feed_wait_fn fn,
    void *arg, const struct feed_body **out, char **cause)
{
	struct page_job	*j = xcalloc(1, sizeof *j);
	struct worker	*w;
	int		 rc;

	rc = feed_briefing_cached(srv, token, out, &j->def, &j->as, cause);
	if (rc != 2) {
		free(j);
		return rc;
	}
	j->srv = srv;
	j->token = xstrdup(token);
	j->fn = fn;
	j->arg = arg;
	if ((w = server_worker(srv)) != NULL &&
	    worker_submit(w, page_run, page_done, j) == 0)
		return 2;
	sync_wait(srv);		/* no worker: built here, of data on the disk */
	page_run(j, srv->store);
	rc = page_finish(j, 1, out, cause);
	free(j);
	return rc;
}
