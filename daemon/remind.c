/*
 * remind.c — the reminder subsystem as an object: its creation and end,
 * the settings it works under, loading one event for planning, and the
 * entry points by which a write (or a snooze, an acknowledgement, a
 * reload) has events planned again.
 *
 * How a reminder goes off, and which file does it:
 *   - every write marks the events it touched "plan again" in SQL (a
 *     trigger, store-remind.c) and server_changed() calls remind_changed,
 *     so no write path can forget to re-plan; an add or update from a
 *     client (write.c) plans its event at once, in its own transaction
 *     (remind_plan_written), when nothing of it is due now;
 *   - the walk (remind-walk.c) plans those events, fires what is due --
 *     recorded first, delivered after -- and only then stores each
 *     event's next reminder instant in alarms.next_alarm;
 *   - one wall-clock timer (remind-timer.c) is armed for the earliest
 *     next_alarm and runs the walk when it falls due; just before, what
 *     falls due then is worked out and encoded ahead (remind-prep.c);
 *   - delivery (remind-deliver.c) builds the reminder object and hands it
 *     to the watchers, the hooks' queue (notify.c) and the log;
 *   - what is due when is worked out by pure functions (remind-plan.c).
 *
 * The daemon around it is reached only through struct remind_host
 * (remind.h): the loop, the store, and its watchers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "config.h"
#include "log.h"
#include "notify.h"
#include "recur.h"
#include "remind-held.h"
#include "remind-int.h"
#include "store.h"
#include "store-remind.h"
#include "xmalloc.h"

void
remind_plan_clear(struct remind_plan *p)
{
	recur_close(p->series);
	free(p->ical);
	free(p->marks);
	memset(p, 0, sizeof *p);
}

/*
 * Load the event uid for planning: its text, parsed once into its series
 * (recur.h) for everything that follows, the triggers in force, and its
 * next_alarm.  0, 1 (no such event) or -1; with defer, 2 when its record
 * is large and being parsed off the loop (remind-ahead.c): ask again once
 * the walk is woken.
 */
static int
plan_load(struct remind *rm, const char *uid, struct remind_plan *p,
    int defer, char **cause)
{
	const struct config	*cfg = rm->cfg;
	int			 rc;

	memset(p, 0, sizeof *p);
	recur_budget_begin();	/* one event's plan, one budget (recur.c) */
	rc = store_remind_event(rm->host.store, uid, &p->ical, &p->next_alarm,
	    cause);
	if (rc != 0)
		return rc == STORE_NOT_FOUND ? 1 : -1;
	p->large = remind_ahead_large(p->ical);
	rc = remind_ahead_take(rm, uid, p->ical, cfg->home_tz, defer,
	    &p->series);
	if (rc > 0) {
		free(p->ical);
		p->ical = NULL;
		return 2;
	}
	if (rc < 0 && (p->series = recur_open(p->ical, cfg->home_tz,
	    cause)) == NULL) {
		free(p->ical);
		p->ical = NULL;
		return -1;
	}
	p->ev = recur_master(p->series);
	p->in.ev = p->ev;
	p->in.series = p->series;
	p->in.max_occ = cfg->max_occurrences;
	remind_offsets(p->ev, remind_config_kind(cfg, p->ev->kind),
	    remind_config_default(cfg), &p->in.offs, &p->in.noffs);
	return 0;
}

int
remind_plan_load(struct remind *rm, const char *uid, struct remind_plan *p,
    char **cause)
{
	return plan_load(rm, uid, p, 0, cause);
}

/* For the walk and the preparation of a burst: they may come back. */
int
remind_plan_defer(struct remind *rm, const char *uid, struct remind_plan *p,
    char **cause)
{
	return plan_load(rm, uid, p, 1, cause);
}

/*
 * Then the reminder state due at or after lo (and every snooze), and a
 * day before it: a reminder an older kcald delivered at another instant
 * than this one reckons (ical_trigger_was: up to a DST change's hour
 * earlier) is found there (remind-plan.c, consider).
 */
int
remind_plan_marks(struct remind *rm, struct remind_plan *p, int64_t lo,
    char **cause)
{
	free(p->marks);
	p->marks = NULL;
	p->nmarks = 0;
	if (lo > INT64_MIN + 86400)
		lo -= 86400;
	if (store_remind_marks(rm->host.store, p->ev->uid, lo, &p->marks,
	    &p->nmarks, cause) != 0)
		return -1;
	p->in.marks = p->marks;
	p->in.nmarks = p->nmarks;
	return 0;
}

/* A write happened: plan the events it touched (marked in SQL), soon. */
void
remind_changed(struct remind *rm)
{
	if (rm != NULL)
		remind_soon(rm);
}

/*
 * Plan the event uid inside the transaction that wrote it (write.c), so
 * that its next reminder is committed with it, by the same durable commit
 * (a group's: one fsync for both), and the walk has nothing left to write
 * for it.  Only the plain case, which is every add's: nothing of it is due
 * now.  A reminder due now, a reminder that was pending before the change
 * and has passed (it is delivered, late), a store that cannot record
 * reminders (remind-held.h), or any error leave the "plan again" mark the
 * write's trigger set (store-remind.c), and the walk plans the event as
 * before, recording and delivering what is due; so does a large record
 * (remind-ahead.c), which is parsed off the loop.  The plan is what the walk
 * would store (walk_event, plan_write), made under full clearance as the
 * walk's; rolled back with the write, it goes with it.
 */
void
remind_plan_written(struct remind *rm, const char *uid)
{
	struct remind_plan	 p;
	struct remind_due	*due = NULL;
	struct recur_budget	 saved;
	enum access_class	 cl;
	int64_t			 now, next, b;
	size_t			 ndue = 0;
	char			*why = NULL;

	if (rm == NULL || rm->degraded || remind_held_count(rm->held) > 0)
		return;
	now = remind_wall_now();
	recur_budget_push(&saved);	/* the request's budget is its own */
	cl = store_set_clearance(rm->host.store, ACCESS_CLASS_CONFIDENTIAL);
	/* A large record is left to the walk, which parses it off the loop. */
	if (remind_plan_defer(rm, uid, &p, &why) != 0)
		goto out;
	/*
	 * A baseline before this second is a reminder that was pending and
	 * has passed (the walk delivers it, late); one of this second is
	 * the write's own instant (store-remind.c): plan here.
	 */
	b = REMIND_BASELINE(p.next_alarm);
	if (!REMIND_DIRTY(p.next_alarm) || (b > 0 && b < now))
		goto out;
	if (remind_plan_marks(rm, &p, now, &why) != 0 ||
	    remind_collect(&p.in, now, now, &due, &ndue, &why) != 0 ||
	    ndue > 0 || remind_next(&p.in, now, &next, &why) != 0)
		goto out;
	if (store_remind_plan_next(rm->host.store, uid, p.next_alarm, next,
	    &why) == 0) {
		remind_prep_drop(rm, uid);	/* what was prepared is stale */
		log_debug("reminders of %s: planned with the write", uid);
	}
out:
	if (why != NULL)
		log_debug("reminders of %s: left to the walk (%s)", uid, why);
	free(why);
	free(due);
	remind_plan_release(rm, &p);
	store_set_clearance(rm->host.store, cl);
	recur_budget_pop(&saved);
}

/* Plan one event again now (after a snooze or an acknowledgement). */
int
remind_replan(struct remind *rm, const char *uid, char **cause)
{
	if (store_remind_touch(rm->host.store, uid, cause) != 0)
		return -1;
	remind_changed(rm);
	return 0;
}

/*
 * The settings are cfg from now on (the first start, or a reload).  When
 * the default triggers changed, every event is planned again: this is the
 * one full pass, and it only happens when remind_default or a
 * remind_<kind> setting changes.
 */
void
remind_reconfigure(struct remind *rm, const struct config *cfg)
{
	struct store	*st = rm->host.store;
	char		*fp, *old = NULL, *why = NULL;

	rm->cfg = cfg;
	fp = remind_config_fingerprint(cfg);
	notify_kick(rm->notify);	/* the list of hooks may have changed */
	if (store_remind_meta_get(st, "defaults", &old, &why) != 0 ||
	    (old != NULL && strcmp(old, fp) == 0))
		goto out;
	if (old != NULL)
		log_info("reminders: default triggers are now %s; planning "
		    "every event again", fp);
	if (store_begin(st, &why) != 0)
		goto out;
	if (store_remind_touch(st, NULL, &why) != 0 ||
	    store_remind_meta_set(st, "defaults", fp, &why) != 0 ||
	    store_commit(st, &why) != 0)
		store_rollback(st);
	remind_changed(rm);
out:
	if (why != NULL) {
		log_warnx("reminders: %s", why);
		free(why);
	}
	free(old);
	free(fp);
}

struct remind *
remind_create(const struct remind_host *host, const struct config *cfg,
    char **cause)
{
	struct remind	*rm = xcalloc(1, sizeof *rm);

	rm->host = *host;
	rm->cfg = cfg;
	rm->started = remind_wall_now();
	rm->tfd = -1;
	rm->held = remind_held_create();
	if (store_remind_seq(host->store, &rm->seq, cause) != 0) {
		remind_held_free(rm->held);
		free(rm);
		return NULL;
	}
	rm->shown = rm->seq;
	rm->notify = notify_create(host->base, host->store, remind_hook_cmd,
	    rm);
	remind_timer_init(rm);
	/*
	 * The first walk runs from the loop, in batches, so clients are served
	 * meanwhile: it fires what fell due while kcald was down (late, or
	 * missed beyond remind_grace) and plans what changed.  Planning every
	 * event again for new defaults keeps each pending instant as a
	 * baseline (store-remind.c), so nothing that fell due is lost.
	 */
	remind_reconfigure(rm, cfg);
	remind_soon(rm);
	return rm;
}

/*
 * The daemon stops (its watchers are still connected): deliver what a
 * burst recorded and did not deliver yet, rather than leave it to a
 * watcher's replay after the restart.
 */
void
remind_stop(struct remind *rm)
{
	if (rm == NULL)
		return;
	remind_flush_now(rm);
	remind_log_delivered(rm);
}

void
remind_free(struct remind *rm)
{
	if (rm == NULL)
		return;
	remind_timer_free(rm);
	remind_prep_reset(rm, 0);
	remind_walk_free(rm);
	remind_ahead_free(rm);
	remind_flush_close(rm);
	remind_outq_clear(&rm->fired);	/* recorded: replayed after a restart */
	remind_log_delivered(rm);
	notify_free(rm->notify);
	remind_held_free(rm->held);
	free(rm);
}

int64_t
remind_started(const struct remind *rm)
{
	return rm->started;
}

/* The last delivery's number (what is recorded may be further). */
int64_t
remind_seq(const struct remind *rm)
{
	return rm->shown;
}
