/*
 * remind-ahead.c — a large event's record parsed off the loop for the walk.
 * Planning an event's reminders starts by parsing its record (recur_open);
 * a series with 20,000 overrides is 4.5 MB of iCalendar that libical takes
 * some 400 ms to parse, and an import of one such series held every client
 * that long when the walk planned it.  So a record of AHEAD_BYTES or more
 * that the walk or the preparation of a burst (remind-prep.c) would plan
 * is parsed by a worker thread (worker.h) instead: the event is left as it
 * is for now (still marked "plan again", or not yet prepared), and once
 * the parse is back the walk runs again and takes it.  The parsed series
 * is taken only for the very text it was made from, under the same home
 * time zone; any other text is parsed again.  A reminder due now is never
 * held back for this: the walk of a burst parses on the loop what it was
 * not given ready.  Requests that plan one event (ack, snooze, the
 * reminders list) take a ready series too, else parse on the loop.
 *
 * Jobs hold no pointer the loop frees under them: when the reminders are
 * freed first (the daemon stops), each job in flight is only detached.
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "recur.h"
#include "remind-int.h"
#include "worker.h"
#include "xmalloc.h"

#define AHEAD_BYTES	(128 * 1024)	/* some 10 ms of the loop's parse */
#define AHEAD_MAX	4		/* series kept or in flight */

struct ahead_job;

struct ahead {
	char			*uid;
	char			*text;	/* what it was parsed from */
	char			*home;	/* under this home time zone */
	struct recur		*series;	/* NULL: failed, or in flight */
	struct ahead_job	*job;	/* in flight */
	struct ahead		*next;
};

struct ahead_job {
	struct remind		*rm;	/* NULL: detached (remind_ahead_free) */
	struct ahead		*entry;
	char			*text;
	char			*home;
	struct recur		*series;
	char			*why;
};

static void	release(struct remind *, struct recur *);

static void
ahead_drop(struct remind *rm, struct ahead *a)
{
	struct ahead	**pp;

	for (pp = &rm->ahead; *pp != NULL; pp = &(*pp)->next)
		if (*pp == a) {
			*pp = a->next;
			break;
		}
	if (a->job != NULL) {	/* it ends alone */
		a->job->rm = NULL;
		a->job->entry = NULL;
	}
	release(rm, a->series);
	free(a->uid);
	free(a->text);
	free(a->home);
	free(a);
	rm->nahead--;
}

/* On a worker's thread: nothing of the loop's. */
static void
ahead_run(void *arg, struct store *st)
{
	struct ahead_job	*j = arg;

	(void)st;
	j->series = recur_open(j->text, j->home, &j->why);
}

static void
ahead_done(void *arg, int ran)
{
	struct ahead_job	*j = arg;

	if (j->rm != NULL && j->entry != NULL) {
		j->entry->job = NULL;
		j->entry->series = ran ? j->series : NULL;
		if (ran)
			j->series = NULL;
		log_debug("reminders of %s: record parsed off the loop%s",
		    j->entry->uid, j->entry->series ? "" : " (unreadable)");
		remind_soon(j->rm);
	}
	recur_close(j->series);
	free(j->why);
	free(j->text);
	free(j->home);
	free(j);
}

/* Room for one more: the oldest entry not in flight goes. */
static int
ahead_room(struct remind *rm)
{
	struct ahead	*a, *old = NULL;

	if (rm->nahead < AHEAD_MAX)
		return 1;
	for (a = rm->ahead; a != NULL; a = a->next)
		if (a->job == NULL)
			old = a;	/* the list is newest first */
	if (old == NULL)
		return 0;
	ahead_drop(rm, old);
	return 1;
}

/* 1: parsing off the loop, or to be once there is room; -1: not. */
static int
ahead_submit(struct remind *rm, const char *uid, const char *text,
    const char *home)
{
	struct worker		*w;
	struct ahead		*a;
	struct ahead_job	*j;

	if (!ahead_room(rm))
		return 1;	/* the walk comes back once one is done */
	a = xcalloc(1, sizeof *a);
	a->uid = xstrdup(uid);
	a->text = xstrdup(text);
	a->home = xstrdup(home);
	j = xcalloc(1, sizeof *j);
	j->rm = rm;
	j->entry = a;
	j->text = xstrdup(text);
	j->home = xstrdup(home);
	a->job = j;
	a->next = rm->ahead;
	rm->ahead = a;
	rm->nahead++;
	if ((w = rm->host.worker(rm->host.arg)) == NULL ||
	    worker_submit(w, ahead_run, ahead_done, j) != 0) {
		a->job = NULL;	/* left failed: parsed on the loop */
		free(j->text);
		free(j->home);
		free(j);
		return -1;
	}
	return 1;
}

/*
 * The series of uid's record text under the home time zone home, parsed:
 * 0 with *series when one made off the loop is ready (it is the caller's
 * now); 1 when it is being made, or was just asked for (defer: the caller
 * may come back for it); -1 when the caller parses it itself (a small
 * record, no worker, a parse that failed off the loop: the loop's says
 * why).
 */
int
remind_ahead_take(struct remind *rm, const char *uid, const char *text,
    const char *home, int defer, struct recur **series)
{
	struct ahead	*a;

	*series = NULL;
	if (!remind_ahead_large(text) || rm->host.worker == NULL)
		return -1;
	for (a = rm->ahead; a != NULL; a = a->next)
		if (strcmp(a->uid, uid) == 0)
			break;
	if (a != NULL && strcmp(a->text, text) == 0 &&
	    strcmp(a->home, home) == 0) {
		if (a->job != NULL)
			return defer ? 1 : -1;
		if (a->series == NULL)
			return -1;
		*series = a->series;
		a->series = NULL;
		ahead_drop(rm, a);
		return 0;
	}
	if (a != NULL && a->job == NULL)
		ahead_drop(rm, a);	/* made from an older text */
	else if (a != NULL)
		return defer ? 1 : -1;	/* that one first, then this */
	return defer ? ahead_submit(rm, uid, text, home) : -1;
}

static void
release_run(void *arg, struct store *st)
{
	(void)st;
	recur_close(arg);
}

static void
release_done(void *arg, int ran)
{
	if (!ran)
		recur_close(arg);
}

/* Free a large series off the loop (libical frees 4.5 MB in 40 ms). */
static void
release(struct remind *rm, struct recur *series)
{
	struct worker	*w;

	if (series == NULL)
		return;
	if (rm->host.worker == NULL || rm->freeing ||
	    (w = rm->host.worker(rm->host.arg)) == NULL ||
	    worker_submit(w, release_run, release_done, series) != 0)
		recur_close(series);
}

/* Is text a record parsed off the loop (remind_ahead_take)? */
int
remind_ahead_large(const char *text)
{
	/* strnlen: a 4.5 MB record is asked twice a plan, not read twice */
	return text != NULL && strnlen(text, AHEAD_BYTES) >= AHEAD_BYTES;
}

/* Is uid's record being parsed off the loop now? */
int
remind_ahead_pending(const struct remind *rm, const char *uid)
{
	for (const struct ahead *a = rm->ahead; a != NULL; a = a->next)
		if (a->job != NULL && strcmp(a->uid, uid) == 0)
			return 1;
	return 0;
}

/* Clear p, which the walk or the preparation of a burst loaded. */
void
remind_plan_release(struct remind *rm, struct remind_plan *p)
{
	if (p->large) {
		release(rm, p->series);
		p->series = NULL;
	}
	remind_plan_clear(p);
}

/* The reminders go (the daemon stops): jobs in flight end alone. */
void
remind_ahead_free(struct remind *rm)
{
	rm->freeing = 1;	/* the worker may be gone next */
	while (rm->ahead != NULL)
		ahead_drop(rm, rm->ahead);
}
