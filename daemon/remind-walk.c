/*
 * remind-walk.c — the walk: what is due now, fired.  The events whose
 * next_alarm has passed (through the index) are planned (remind-plan.c)
 * for WALK_SLICE_MS of the loop's turn at most, so the loop stays
 * responsive whatever the burst; the timer (remind-timer.c) runs the walk
 * again while there is more.  Reminders fire first: the events planned and
 * due are walked before any event a write marked "plan again" (an import
 * of 100,000 events marks them all), a burst in (next_alarm, uid) order
 * from where the last turn stopped; what is due is recorded, then
 * delivered (remind-deliver.c) once on the disk, and only once the whole
 * burst is recorded are the next reminder instants of its events stored,
 * a slice a turn from the next one on (the sync of the log keeps the
 * order: a power cut that kept a plan kept the record before it).  Then
 * the walk plans the changed events, a slice a turn.  An event of the
 * burst still as it was prepared ahead (remind-prep.c) is not planned
 * here: what is due, its messages and its next instant are taken from
 * there, and it costs only its record.
 *
 * Recorded before delivered.  A reminder's state, and the runs of the
 * hooks it owes, are committed in the batch's transaction, and on the
 * disk before it is delivered or its hooks run (remind-flush.c: synced
 * off the loop), so a restart never delivers it twice.  Reminders that
 * fell due while the daemon was down (or the machine asleep) are
 * delivered marked late within remind_grace, and recorded as missed
 * beyond it.  When the store cannot record at all (a full disk, a
 * read-only store), what is due is delivered once from memory
 * (remind-held.h) and recorded later.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "config.h"
#include "log.h"
#include "remind-held.h"
#include "remind-int.h"
#include "store.h"
#include "store-remind.h"
#include "xmalloc.h"

#define WALK_FETCH		256	/* events read per turn, at most */
#define WALK_SLICE_MS		8	/* the loop's time a walk may take */
#define WALK_HELD		2	/* walk_event: delivered, not recorded */
#define FIRED_MAX		256	/* recorded, delivered at the latest */

/*
 * The window of reminders to fire for an event whose next_alarm is na:
 * from na (or, for a changed event, from the instant that was pending
 * before the change, if it has passed) up to now.
 */
static int64_t
walk_from(int64_t na, int64_t now)
{
	int64_t	b;

	if (!REMIND_DIRTY(na))
		return na;
	b = REMIND_BASELINE(na);
	return b > 0 && b <= now ? b : now;
}

/*
 * The last delivery number given, kept with the records in their
 * transaction (if any was given since seq, or from memory since the last
 * kept: deliver_held): the highest recorded is where numbering goes on
 * after a restart (store_remind_seq), and a deleted event takes its
 * records with it; numbers given again would be skipped by a watcher
 * that asks for those after the last it saw.
 */
static int
keep_seq(struct remind *rm, int64_t seq, char **cause)
{
	char	buf[32];

	if (rm->seq == seq && !rm->seq_unsaved)
		return 0;
	snprintf(buf, sizeof buf, "%lld", (long long)rm->seq);
	return store_remind_meta_set(rm->host.store, "fired_seq", buf, cause);
}

/*
 * Record a reminder delivered while the store could not (remind-held.h)
 * as it went off: that instant, that late, that number, fired whatever
 * the time since (past remind_grace too: it was not missed).  *held 0
 * when it was not held (nothing written); -1 on a store error.
 */
static int
mark_held(struct remind *rm, const char *uid, struct remind_mark *m,
    int snoozed, int64_t now, int *held, char **cause)
{
	const struct remind_held_fact	*f;

	*held = 0;
	/* a snooze of it coming back is a delivery of its own */
	if (snoozed || (f = remind_held_get(rm->held, uid, m->occ,
	    m->due)) == NULL)
		return 0;
	*held = 1;
	m->state = REMIND_FIRED;
	return store_remind_mark(rm->host.store, uid, m, f->fired_at, f->late,
	    f->seq, now, cause);
}

/*
 * Before an ack or a snooze of uid: record its reminders delivered from
 * memory that the store has no state for yet, as they went off, so that
 * "the one that last went off" is one of them (it was the next to come,
 * which the ack then dismissed unseen).  Each write commits by itself
 * (ack and snooze are not part of a group), so its key is forgotten then:
 * a snooze of it is not taken for it later.  An event deleted meanwhile
 * has nothing to record.
 */
int
remind_record_held(struct remind *rm, const char *uid, char **cause)
{
	const struct remind_held_fact	*f;
	struct remind_mark		*marks = NULL, m;
	const char			*k;
	size_t				 n = 0, i, j;
	int				 rc = 0;

	if (remind_held_count(rm->held) == 0 ||
	    store_remind_exists(rm->host.store, uid) != 1)
		return 0;
	if (store_remind_marks(rm->host.store, uid, INT64_MIN, &marks, &n,
	    cause) != 0)
		return -1;
	i = 0;
	while (rc == 0 && (f = remind_held_nth(rm->held, i, &k, &m.occ,
	    &m.due)) != NULL) {
		if (strcmp(k, uid) != 0) {
			i++;
			continue;
		}
		for (j = 0; j < n; j++)
			if (marks[j].occ == m.occ && marks[j].due == m.due)
				break;
		if (j == n) {	/* not recorded (acknowledged, perhaps) */
			m.state = REMIND_FIRED;
			m.until = 0;
			rc = store_remind_mark(rm->host.store, uid, &m,
			    f->fired_at, f->late, f->seq, (int64_t)time(NULL),
			    cause);
		}
		/* forgotten, another key takes its place at i */
		if (rc == 0 && !store_in_transaction(rm->host.store))
			remind_held_forget_key(rm->held, uid, m.occ, m.due);
		else
			i++;
	}
	free(marks);
	return rc;
}

/* Record what is due in one transaction; the messages to deliver after. */
static int
fire_due(struct remind *rm, struct remind_plan *p, int64_t now,
    const struct remind_due *due, size_t ndue, struct remind_outq *out,
    char **cause)
{
	int64_t			 grace = remind_config_grace(rm->cfg);
	struct remind_mark	 m;
	struct remind_out	 o;
	int64_t			 late;
	int			 cls, held;

	for (size_t i = 0; i < ndue; i++) {
		m.occ = due[i].occ;
		m.due = due[i].due;
		m.until = 0;
		if (mark_held(rm, p->ev->uid, &m, due[i].snoozed, now, &held,
		    cause) != 0)
			return -1;
		if (held)	/* delivered while the store was unwritable */
			continue;
		cls = remind_classify(due[i].at, now, rm->started, grace);
		m.state = cls == REMIND_TOO_OLD ? REMIND_MISSED : REMIND_FIRED;
		if (cls == REMIND_TOO_OLD) {
			log_info("reminder missed: \"%s\" was due %lld, %llds "
			    "ago (remind_grace %llds); uid %s",
			    p->ev->summary ? p->ev->summary : "",
			    (long long)due[i].at, (long long)(now - due[i].at),
			    (long long)grace, p->ev->uid);
			if (store_remind_mark(rm->host.store, p->ev->uid, &m, 0,
			    now - due[i].at, 0, now, cause) != 0)
				return -1;
			continue;
		}
		late = cls == REMIND_LATE ? now - due[i].at : 0;
		if (store_remind_mark(rm->host.store, p->ev->uid, &m, now, late,
		    rm->seq + 1, now, cause) != 0)
			return -1;
		rm->seq++;
		if (remind_encode(remind_describe(rm, p, &due[i], late,
		    rm->seq), &o) != 0) {
			json_decref(o.msg);
			*cause = xstrdup("cannot encode a reminder");
			return -1;
		}
		remind_outq_add(out, &o);
		if (remind_queue_hook(rm, p->ev->uid, &due[i], &o, rm->seq, now,
		    cause) != 0)
			return -1;
	}
	return 0;
}

/*
 * Record what was prepared for an event due at na (remind-prep.c): its
 * reminders, all on time, and the messages to deliver after; its next
 * reminder as prepared.  In walk_batch's transaction, which fails whole.
 */
static int
fire_prepared(struct remind *rm, struct prep *e, int64_t na, int64_t now,
    struct remind_outq *out, struct walk_plan *wp, char **cause)
{
	struct remind_mark	 m;
	struct remind_out	 o;
	struct prep_msg		*pm;
	int			 held;

	for (size_t i = 0; i < e->nmsgs; i++) {
		pm = &e->msgs[i];
		m.occ = pm->due.occ;
		m.due = pm->due.due;
		m.until = 0;
		if (mark_held(rm, e->uid, &m, pm->due.snoozed, now, &held,
		    cause) != 0)
			return -1;
		if (held)	/* delivered while the store was unwritable */
			continue;
		m.state = REMIND_FIRED;
		if (store_remind_mark(rm->host.store, e->uid, &m, now, 0,
		    rm->seq + 1, now, cause) != 0)
			return -1;
		remind_prep_out(pm, ++rm->seq, &o);
		remind_outq_add(out, &o);
		if (remind_queue_hook(rm, e->uid, &pm->due, &o, rm->seq, now,
		    cause) != 0)
			return -1;
	}
	if (!rm->batching)	/* walk_batch: once committed */
		remind_held_forget(rm->held, e->uid);
	wp->was = na;
	wp->next = e->next;
	wp->set = 1;
	return 0;
}

/*
 * The store cannot record what is due (a full disk, a read-only store):
 * deliver it all the same, once, and remember that in memory until the
 * store can record it (remind-held.h).
 */
static void
deliver_held(struct remind *rm, struct remind_plan *p, int64_t now,
    const struct remind_due *due, size_t ndue, struct remind_outq *out)
{
	int64_t			grace = remind_config_grace(rm->cfg);
	struct remind_held_fact	f;
	struct remind_out	o;
	int			cls;

	for (size_t i = 0; i < ndue; i++) {
		cls = remind_classify(due[i].at, now, rm->started, grace);
		if (cls == REMIND_TOO_OLD || (!due[i].snoozed &&
		    remind_held_has(rm->held, p->ev->uid, due[i].occ,
		    due[i].due)))
			continue;
		/* full: not one forgotten to be delivered again; the rest
		   goes off, late, once the store can record it */
		if (remind_held_count(rm->held) >= REMIND_HELD_MAX)
			continue;
		f.fired_at = now;
		f.late = cls == REMIND_LATE ? now - due[i].at : 0;
		f.seq = ++rm->seq;
		f.snoozed = due[i].snoozed;
		rm->seq_unsaved = 1;	/* kept with the next records */
		remind_held_add(rm->held, p->ev->uid, due[i].occ, due[i].due,
		    &f);
		remind_encode(remind_describe(rm, p, &due[i], f.late, f.seq),
		    &o);	/* text NULL: encoded when delivered */
		remind_outq_add(out, &o);
	}
}

/*
 * Fire what is due for one event, and work out its next reminder (*wp,
 * stored by plan_write after the delivery): 0, -1, or WALK_HELD when the
 * store could not record it (delivered from memory).  A changed event
 * whose record is being parsed off the loop (remind-ahead.c) is left for
 * later -- what it has due waits for the parse, not every client for the
 * loop -- : 0, nothing planned, counted in rm->deferred.
 */
static int
walk_event(struct remind *rm, const char *uid, int64_t now, int changed,
    struct remind_outq *out, struct walk_plan *wp, char **cause)
{
	struct remind_plan	 p;
	struct remind_due	*due = NULL;
	size_t			 ndue = 0;
	int64_t			 from, next, seq = rm->seq;
	int			 rc;

	wp->set = 0;
	remind_prep_drop(rm, uid);	/* what was prepared is stale */
	if (changed && remind_ahead_pending(rm, uid)) {
		rm->deferred++;		/* not even read again meanwhile */
		return 0;
	}
	rc = changed ? remind_plan_defer(rm, uid, &p, cause) :
	    remind_plan_load(rm, uid, &p, cause);
	if (rc == 2)
		rm->deferred++;
	if (rc != 0)
		return rc > 0 ? 0 : -1;
	from = walk_from(p.next_alarm, now);
	rc = -1;
	if (remind_plan_marks(rm, &p, from, cause) != 0 ||
	    remind_collect(&p.in, from, now, &due, &ndue, cause) != 0 ||
	    remind_next(&p.in, now, &next, cause) != 0)
		goto out;
	if (store_begin(rm->host.store, cause) != 0 ||
	    fire_due(rm, &p, now, due, ndue, out, cause) != 0 ||
	    (!rm->batching && keep_seq(rm, seq, cause) != 0) ||
	    store_commit(rm->host.store, cause) != 0) {
		store_rollback(rm->host.store);
		rm->seq = seq;
		remind_outq_clear(out);
		if (rm->batching)	/* the batch is walked again alone */
			goto out;
		deliver_held(rm, &p, now, due, ndue, out);
		rc = WALK_HELD;
		goto out;
	}
	if (!rm->batching) {	/* walk_batch: once committed */
		remind_held_forget(rm->held, uid);
		rm->seq_unsaved = 0;	/* keep_seq's, committed */
	}
	wp->was = p.next_alarm;
	wp->next = next;
	wp->set = 1;
	rc = 0;
out:
	free(due);
	remind_plan_release(rm, &p);
	return rc;
}

/*
 * Store the next reminders of events whose due ones were recorded and
 * delivered, in one transaction that does not wait for the disk: planning
 * is derived state (an event whose plan is lost is walked again, and what
 * it fired is recorded, so nothing fires twice).  As many of wp[0..n) as
 * the slice allows (until end; 0: all), at least one: *done of them.  -1
 * on a store error.
 */
static int
plan_write(struct remind *rm, const struct walk_plan *wp, size_t n,
    int64_t end, size_t *done, char **cause)
{
	size_t	i;

	store_lazy(rm->host.store, 1);
	if (store_begin(rm->host.store, cause) != 0)
		goto fail;
	for (i = 0; i < n && (end == 0 || i == 0 ||
	    (i % 16 != 0 || clock_mono_ms() < end)); i++)
		if (wp[i].set && store_remind_plan_next(rm->host.store,
		    wp[i].uid, wp[i].was, wp[i].next, cause) != 0)
			goto fail;
	if (store_commit(rm->host.store, cause) != 0)
		goto fail;
	store_lazy(rm->host.store, 0);
	*done = i;
	return 0;
fail:
	store_rollback(rm->host.store);
	store_lazy(rm->host.store, 0);
	return -1;
}

/*
 * An event that cannot be planned must not stall the walk.  -1 when even
 * that cannot be written (a full disk, a read-only store): the walk then
 * waits RETRY_AFTER instead of taking the same events again at once.
 */
static int
give_up(struct remind *rm, const char *uid, const char *why)
{
	char	*again = NULL;

	/* In an outage (said once already), tried again every few seconds. */
	if (rm->degraded)
		log_debug("reminders of %s: %s; not planned", uid, why);
	else
		log_warnx("reminders of %s: %s; not planned", uid, why);
	if (store_remind_set_next(rm->host.store, uid, REMIND_NEVER,
	    &again) != 0) {
		if (!rm->degraded)
			log_warnx("reminders of %s: %s", uid, again);
		free(again);
		return -1;
	}
	return 0;
}

/* Keep the plans of a burst's slice until the whole burst is recorded. */
static void
pend_add(struct remind *rm, const struct walk_plan *wp, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!wp[i].set)
			continue;
		if (rm->npend == rm->pend_cap) {
			rm->pend_cap = rm->pend_cap ? rm->pend_cap * 2 : 256;
			rm->pend = xreallocarray(rm->pend, rm->pend_cap,
			    sizeof *rm->pend);
		}
		rm->pend[rm->npend] = wp[i];
		rm->pend[rm->npend++].uid = xstrdup(wp[i].uid);
	}
}

/* The burst is over (or the daemon stops): forget where it was. */
void
remind_walk_free(struct remind *rm)
{
	for (size_t i = 0; i < rm->npend; i++)
		free(rm->pend[i].uid);
	free(rm->pend);
	rm->pend = NULL;
	rm->npend = rm->pend_cap = rm->planned = 0;
	rm->planning = 0;
	rm->burst_events = rm->burst_prepared = 0;
	free(rm->fire_uid);
	rm->fire_uid = NULL;
	rm->fire_at = 0;
}

/*
 * Walk uids[i] (next_alarm nas[i] when it fell due; nas NULL for a
 * changed event): from what was prepared for it when that is still good
 * (remind-prep.c), else planned from the store.
 */
static int
walk_one(struct remind *rm, char **uids, int64_t *nas, size_t i,
    int64_t now, struct remind_outq *out, struct walk_plan *wp,
    size_t *prepared, char **cause)
{
	struct prep	*e;

	wp->uid = uids[i];
	if (nas != NULL &&
	    (e = remind_prep_get(rm, uids[i], nas[i], now)) != NULL) {
		(*prepared)++;
		return fire_prepared(rm, e, nas[i], now, out, wp, cause);
	}
	return walk_event(rm, uids[i], now, nas == NULL, out, wp, cause);
}

/*
 * A batch: what is due for the events uids[0..n) recorded in one
 * transaction, not one each (an import of 10,000 events cost 10,000
 * fsyncs here, and a burst of 1,000 reminders due together 1,000), as
 * many as the slice (until end, at least one) allows, *done of them;
 * handed over to be delivered once durable (remind_flush), and then their
 * next reminders stored (plan_write); or, in a burst (nas non-NULL), both
 * kept for its end.  The record
 * commit does not wait for the disk when nothing fired (planning alone,
 * what every write causes, is derived state: the event's "plan again"
 * mark, committed durably with the write, has it planned again at
 * start-up).  -1 when one event failed: what the batch recorded is rolled
 * back, for the caller to walk it one event at a time; -1 too when the
 * plans could not be stored (what fired was delivered: the events, still
 * due, are walked again one at a time).
 */
static int
walk_batch(struct remind *rm, char **uids, int64_t *nas, size_t n,
    int64_t now, int64_t end, size_t *done)
{
	struct walk_plan *wp = xcalloc(n ? n : 1, sizeof *wp);
	struct remind_outq msgs = { NULL, 0, 0 };
	int64_t	 seq = rm->seq;
	char	*why = NULL;
	size_t	 i, k, prepared = 0;
	int	 rc = 0;

	*done = 0;
	store_lazy(rm->host.store, 1);
	if (store_begin(rm->host.store, &why) != 0)
		goto fail;
	rm->batching = 1;
	for (i = 0; i < n && (i == 0 || clock_mono_ms() < end); i++)
		if (walk_one(rm, uids, nas, i, now, &msgs, &wp[i], &prepared,
		    &why) != 0)
			goto fail;
	rm->batching = 0;
	if (keep_seq(rm, seq, &why) != 0 ||
	    store_commit(rm->host.store, &why) != 0)
		goto fail;
	store_lazy(rm->host.store, 0);
	*done = i;
	rm->seq_unsaved = 0;	/* keep_seq's, committed */
	for (k = 0; k < i; k++)	/* recorded now: no longer held */
		remind_held_forget(rm->held, uids[k]);
	if (nas != NULL) {
		rm->burst_events += i;
		rm->burst_prepared += prepared;
	}
	for (k = 0; k < msgs.n; k++)
		remind_outq_add(&rm->fired, &msgs.v[k]);
	msgs.n = 0;
	remind_hooks_gate(rm);
	if (nas != NULL) {
		pend_add(rm, wp, *done);
		if (rm->fired.n < FIRED_MAX)
			goto out;
	}
	remind_flush(rm);
	if (nas == NULL && plan_write(rm, wp, *done, 0, &k, &why) != 0) {
		log_warnx("reminders: cannot plan the next ones (%s)", why);
		rc = -1;
	}
	goto out;
fail:
	rm->batching = 0;
	store_rollback(rm->host.store);
	store_lazy(rm->host.store, 0);
	rm->seq = seq;
	rc = -1;
out:
	free(why);
	free(wp);
	remind_outq_clear(&msgs);
	return rc;
}

/*
 * Walk uids[0..n) for the slice (until end): a batch, or when that
 * failed, one event at a time.  *done: how many were walked (at least
 * one).  0, -1 when an event could not even be given up on, -2 when the
 * store could not record what was delivered.
 */
static int
walk_uids(struct remind *rm, char **uids, int64_t *nas, size_t n,
    int64_t now, int64_t end, size_t *done)
{
	struct remind_outq msgs = { NULL, 0, 0 };
	char	*why = NULL;
	struct walk_plan wp;
	size_t	 i, j, k;
	int	 stuck = 0, held = 0, rc;

	if (walk_batch(rm, uids, nas, n, now, end, done) == 0 && *done > 0)
		return 0;
	remind_flush_now(rm);	/* deliveries stay in order */
	rm->deferred = 0;	/* counted again, one at a time */
	for (i = 0; i < n && (i == 0 || clock_mono_ms() < end); i++) {
		wp.uid = uids[i];
		rc = walk_event(rm, uids[i], now, nas == NULL, &msgs, &wp,
		    &why);
		if (rc == WALK_HELD) {
			if (!rm->degraded && !held)
				log_warnx("reminders: the store cannot record "
				    "them (%s); delivering from memory, every "
				    "%d s", why, RETRY_HELD);
			held = 1;
		}
		for (j = 0; j < msgs.n; j++) {
			if (rc == WALK_HELD)
				remind_hook_held(rm, msgs.v[j].msg);
			remind_deliver(rm, &msgs.v[j]);
		}
		remind_outq_clear(&msgs);
		if (rc == 0 && plan_write(rm, &wp, 1, 0, &k, &why) != 0)
			rc = -1;
		if (rc != 0 && rc != WALK_HELD && give_up(rm, uids[i],
		    why ? why : "unknown error"))
			stuck = 1;
		free(why);
		why = NULL;
	}
	*done = i;
	/* held first: the stuck ones are tried again with them, in seconds */
	return held ? -2 : stuck ? -1 : 0;
}

/*
 * The burst is over: deliver it; its events' next reminders are stored
 * from the next turn on (burst_plan), once the watchers were sent it.
 * 1 when there are plans to store, else 0 (and it is forgotten).
 */
static int
burst_end(struct remind *rm)
{
	remind_flush(rm);
	if (rm->burst_events > 0)
		log_debug("reminders: %zu events due fired, %zu of them as "
		    "prepared", rm->burst_events, rm->burst_prepared);
	if (rm->npend > rm->planned) {
		rm->planning = 1;
		return 1;
	}
	remind_walk_free(rm);
	return 0;
}

/*
 * Store the next reminders of a burst that was delivered, for the slice
 * (until end); the burst is forgotten once all are.  1, or -2 when the
 * store could not take them (an import's commit may have begun since the
 * burst): the plans are forgotten, worked out again by a later walk (the
 * events are still due), and the walk comes back as while reminders are
 * held (arm_held), not after RETRY_AFTER, which would leave reminders
 * falling due meanwhile a minute late.
 */
static int
burst_plan(struct remind *rm, int64_t end)
{
	char	*why = NULL;
	size_t	 k;

	if (plan_write(rm, rm->pend + rm->planned, rm->npend - rm->planned,
	    end, &k, &why) != 0) {
		log_warnx("reminders: cannot plan the next ones (%s)", why);
		free(why);
		remind_walk_free(rm);
		return -2;
	}
	rm->planned += k;
	if (rm->planned == rm->npend)
		remind_walk_free(rm);
	return 1;
}

/* The events due now from the cursor on, WALK_FETCH at most. */
static int
fetch_due(struct remind *rm, int64_t now, char ***uids, int64_t **nas,
    size_t *n)
{
	char	*why = NULL;

	if (store_remind_fire(rm->host.store, now, rm->fire_at,
	    rm->fire_uid ? rm->fire_uid : "", WALK_FETCH, uids, nas, n,
	    &why) == 0)
		return 0;
	log_warnx("reminders: %s", why);
	free(why);
	return -1;
}

/* Is uid no longer in the store (remind_held_prune)? */
static int
event_gone(void *arg, const char *uid)
{
	struct remind	*rm = arg;

	return store_remind_exists(rm->host.store, uid) == 0;
}

/* At most once every RETRY_HELD seconds: a query per key, up to 4,096. */
static void
prune_held(struct remind *rm)
{
	int64_t	now = clock_mono_ms();

	if (rm->pruned_at != 0 && now - rm->pruned_at < RETRY_HELD * 1000)
		return;
	rm->pruned_at = now;
	remind_held_prune(rm->held, event_gone, rm);
}

/*
 * The reminders due now of planned events, from where the last turn
 * stopped: 1 when some were walked, 0 when none is left (the burst is
 * over), -1 or -2 as walk_uids.
 */
static int
walk_fire(struct remind *rm, int64_t now, int64_t end)
{
	char	**uids;
	int64_t	 *nas;
	size_t	  n, done = 0;
	int	  rc;

	if (rm->planning)
		return burst_plan(rm, end);
	if (fetch_due(rm, now, &uids, &nas, &n) != 0)
		return -1;
	/*
	 * The pass is over with reminders held: the keys of events deleted
	 * since go (remind-held.h), and, unless plans wait (burst_plan),
	 * the walk starts over at once from the first event due, to record
	 * what went off from memory now rather than at the next wake-up.
	 * Only then: a wake-up for a reminder newly due finds the cursor
	 * past the held ones and fires it at once.
	 */
	if (n == 0 && remind_held_count(rm->held) > 0)
		prune_held(rm);
	if (n == 0 && rm->fire_uid != NULL &&
	    remind_held_count(rm->held) > 0 && rm->npend == rm->planned) {
		store_remind_uids_free(uids, n);
		free(nas);
		remind_walk_free(rm);
		if (fetch_due(rm, now, &uids, &nas, &n) != 0)
			return -1;
	}
	if (n == 0)
		rc = burst_end(rm);
	else {
		rc = walk_uids(rm, uids, nas, n, now, end, &done);
		rm->pass_more = rc == -2 && (done < n || n == WALK_FETCH);
		free(rm->fire_uid);
		rm->fire_uid = xstrdup(uids[done - 1]);
		rm->fire_at = nas[done - 1];
		if (rc == 0 && done == n && n < WALK_FETCH)
			burst_end(rm);	/* none left: no fetch more */
		if (rc == 0)
			rc = 1;
	}
	store_remind_uids_free(uids, n);
	free(nas);
	return rc;
}

/*
 * The events a write marked "plan again": 1, 0 (none, or none reached
 * but those left until their records are parsed off the loop: the walk is
 * woken then), -1 or -2.
 */
static int
walk_changed(struct remind *rm, int64_t now, int64_t end)
{
	char	**uids, *why = NULL;
	size_t	  n, done = 0;
	int	  rc;

	if (store_remind_due(rm->host.store, -1, WALK_FETCH, &uids, &n,
	    &why) != 0) {
		log_warnx("reminders: %s", why);
		free(why);
		return -1;
	}
	rm->deferred = 0;
	rc = n == 0 ? 0 : walk_uids(rm, uids, NULL, n, now, end, &done);
	store_remind_uids_free(uids, n);
	/*
	 * Every event reached was left for its parse (the slice may have
	 * ended reading records that wait for room): the walk is woken by
	 * the next parse done, not run again at once.
	 */
	if (rc == 0 && done > 0 && rm->deferred == done) {
		rm->ahead_wait = 1;
		return 0;
	}
	return rc == 0 && n > 0 ? 1 : rc;
}

/*
 * The walk, a slice of the loop's turn: the reminders due now first, then
 * the changed events.  Returns 1 when there may be more, 0 when done, -1
 * on a store error, -2 when the store could not record what was delivered
 * (walk again in RETRY_HELD).
 */
int
remind_walk(struct remind *rm)
{
	int64_t	 now = remind_wall_now(), end = clock_mono_ms() + WALK_SLICE_MS;
	int	 rc;

	rm->walked_at = now;
	rm->pass_more = 0;
	rm->ahead_wait = 0;
	remind_log_delivered(rm);	/* what the last turn delivered */
	if ((rc = walk_fire(rm, now, end)) == 0)
		rc = walk_changed(rm, now, end);
	if (rc != 1)
		remind_log_delivered(rm);	/* no turn more to wait for */
	if (rc == -2)
		rm->degraded = 1;
	else if (rc == 1 && rm->degraded) {
		log_info("reminders: the store records them again");
		rm->degraded = 0;
	}
	return rc;
}
