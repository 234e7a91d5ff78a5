/*
 * remind-walk.c — the walk: what is due now, fired.  The events whose
 * next_alarm has passed (through the index, WALK_BATCH at a time so the
 * loop stays responsive; the timer, remind-timer.c, runs the walk again
 * while there is more) are planned (remind-plan.c): what is due for the
 * whole batch is recorded first, then delivered (remind-deliver.c), and
 * only then is each one's next reminder instant stored.  The same walk
 * plans the events a write marked "plan again".
 *
 * Recorded before delivered.  A reminder's state, and the runs of the
 * hooks it owes, are committed in the batch's transaction, and made
 * durable before it is delivered (fired_durable), so a restart
 * never delivers it twice.  Reminders that fell due while the daemon was
 * down (or the machine asleep) are delivered marked late within
 * remind_grace, and recorded as missed beyond it.  When the store cannot
 * record at all (a full disk, a read-only store), what is due is
 * delivered once from memory (remind-held.h) and recorded later.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "remind-held.h"
#include "remind-int.h"
#include "store.h"
#include "store-remind.h"
#include "xmalloc.h"

#define WALK_BATCH		256	/* events per turn of the loop */
#define WALK_HELD		2	/* walk_event: delivered, not recorded */

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

/* Record what is due in one transaction; the messages to deliver after. */
static int
fire_due(struct remind *rm, struct remind_plan *p, int64_t now,
    const struct remind_due *due, size_t ndue, json_t *out, char **cause)
{
	int64_t			 grace = remind_config_grace(rm->cfg);
	struct remind_mark	 m;
	int64_t			 late;
	int			 cls, held;
	json_t			*msg;

	for (size_t i = 0; i < ndue; i++) {
		cls = remind_classify(due[i].at, now, rm->started, grace);
		m.occ = due[i].occ;
		m.due = due[i].due;
		m.until = 0;
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
		held = remind_held_has(rm->held, p->ev->uid, m.occ, m.due);
		if (store_remind_mark(rm->host.store, p->ev->uid, &m, now, late,
		    held ? 0 : rm->seq + 1, now, cause) != 0)
			return -1;
		if (held)	/* delivered while the store was unwritable */
			continue;
		rm->seq++;
		msg = remind_describe(rm, p, &due[i], late, rm->seq);
		json_array_append_new(out, msg);
		if (remind_queue_hook(rm, p->ev->uid, &due[i], msg, now,
		    cause) != 0)
			return -1;
	}
	return 0;
}

/*
 * The store cannot record what is due (a full disk, a read-only store):
 * deliver it all the same, once, and remember that in memory until the
 * store can record it (remind-held.h).
 */
static void
deliver_held(struct remind *rm, struct remind_plan *p, int64_t now,
    const struct remind_due *due, size_t ndue, json_t *out)
{
	int64_t	grace = remind_config_grace(rm->cfg), late;
	int	cls;

	for (size_t i = 0; i < ndue; i++) {
		cls = remind_classify(due[i].at, now, rm->started, grace);
		if (cls == REMIND_TOO_OLD || remind_held_has(rm->held,
		    p->ev->uid, due[i].occ, due[i].due))
			continue;
		late = cls == REMIND_LATE ? now - due[i].at : 0;
		remind_held_add(rm->held, p->ev->uid, due[i].occ, due[i].due);
		json_array_append_new(out, remind_describe(rm, p, &due[i], late,
		    ++rm->seq));
	}
}

/* An event's next reminder, to store once what fired was delivered. */
struct walk_plan {
	int64_t	was;	/* its next_alarm when it was read */
	int64_t	next;
	int	set;	/* 0: nothing to store */
};

/*
 * Fire what is due for one event, and work out its next reminder (*wp,
 * stored by plan_write after the delivery): 0, -1, or WALK_HELD when the
 * store could not record it (delivered from memory).
 */
static int
walk_event(struct remind *rm, const char *uid, int64_t now, json_t *out,
    struct walk_plan *wp, char **cause)
{
	struct remind_plan	 p;
	struct remind_due	*due = NULL;
	size_t			 ndue = 0;
	int64_t			 from, next, seq = rm->seq;
	int			 rc;

	wp->set = 0;
	if ((rc = remind_plan_load(rm, uid, &p, cause)) != 0)
		return rc > 0 ? 0 : -1;
	from = walk_from(p.next_alarm, now);
	rc = -1;
	if (remind_plan_marks(rm, &p, from, cause) != 0 ||
	    remind_collect(&p.in, from, now, &due, &ndue, cause) != 0 ||
	    remind_next(&p.in, now, &next, cause) != 0)
		goto out;
	if (store_begin(rm->host.store, cause) != 0 ||
	    fire_due(rm, &p, now, due, ndue, out, cause) != 0 ||
	    store_commit(rm->host.store, cause) != 0) {
		store_rollback(rm->host.store);
		rm->seq = seq;
		json_array_clear(out);
		if (rm->batching)	/* the batch is walked again alone */
			goto out;
		deliver_held(rm, &p, now, due, ndue, out);
		rc = WALK_HELD;
		goto out;
	}
	remind_held_forget(rm->held, uid);
	wp->was = p.next_alarm;
	wp->next = next;
	wp->set = 1;
	rc = 0;
out:
	free(due);
	remind_plan_clear(&p);
	return rc;
}

/*
 * Store the next reminders of events whose due ones were recorded and
 * delivered, in one transaction that does not wait for the disk: planning
 * is derived state (an event whose plan is lost is walked again, and what
 * it fired is recorded, so nothing fires twice).  -1 on a store error.
 */
static int
plan_write(struct remind *rm, char **uids, const struct walk_plan *wp,
    size_t n, char **cause)
{
	size_t	i;

	store_lazy(rm->host.store, 1);
	if (store_begin(rm->host.store, cause) != 0)
		goto fail;
	for (i = 0; i < n; i++)
		if (wp[i].set && store_remind_plan_next(rm->host.store,
		    uids[i], wp[i].was, wp[i].next, cause) != 0)
			goto fail;
	if (store_commit(rm->host.store, cause) != 0)
		goto fail;
	store_lazy(rm->host.store, 0);
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

	log_warnx("reminders of %s: %s; not planned", uid, why);
	if (store_remind_set_next(rm->host.store, uid, REMIND_NEVER,
	    &again) != 0) {
		log_warnx("reminders of %s: %s", uid, again);
		free(again);
		return -1;
	}
	return 0;
}

/*
 * Make what a batch fired durable before it is delivered: the batch's
 * commit did not wait for the disk (see walk_batch); a small commit that
 * does (synchronous=FULL syncs the whole WAL) takes it to disk too.  Should
 * that commit fail, the state is committed all the same (it survives a
 * killed daemon) and is delivered: only a power cut before the next durable
 * commit could then deliver it twice, where withholding it would lose it.
 */
static void
fired_durable(struct remind *rm)
{
	char	 seq[32], *why = NULL;

	snprintf(seq, sizeof seq, "%lld", (long long)rm->seq);
	if (store_begin(rm->host.store, &why) != 0 ||
	    store_remind_meta_set(rm->host.store, "fired_seq", seq,
	    &why) != 0 ||
	    store_commit(rm->host.store, &why) != 0) {
		store_rollback(rm->host.store);
		log_warnx("reminders: delivered before their state is on "
		    "disk (%s)", why ? why : "store error");
		free(why);
	}
}

/*
 * A batch: what is due for up to WALK_BATCH events recorded in one
 * transaction, not one each (an import of 10,000 events cost 10,000
 * fsyncs here, and a burst of 1,000 reminders due together 1,000), made
 * durable (fired_durable), delivered, and only then their next reminders
 * stored (plan_write).  The record commit does not wait for the disk when
 * nothing fired (planning alone, what every write causes, is derived
 * state: the event's "plan again" mark, committed durably with the write,
 * has it planned again at start-up).  -1 when one event failed: what the
 * batch recorded is rolled back, for the caller to walk it one event at
 * a time; -1 too when the plans could not be stored (what fired was
 * delivered: the events, still due, are walked again one at a time).
 */
static int
walk_batch(struct remind *rm, char **uids, size_t n, int64_t now)
{
	struct walk_plan *wp = xcalloc(n ? n : 1, sizeof *wp);
	int64_t	 seq = rm->seq;
	json_t	*msgs = json_array(), *m;
	char	*why = NULL;
	size_t	 i;
	int	 rc = 0;

	store_lazy(rm->host.store, 1);
	if (store_begin(rm->host.store, &why) != 0)
		goto fail;
	rm->batching = 1;
	for (i = 0; i < n; i++)
		if (walk_event(rm, uids[i], now, msgs, &wp[i], &why) != 0)
			goto fail;
	rm->batching = 0;
	if (store_commit(rm->host.store, &why) != 0)
		goto fail;
	store_lazy(rm->host.store, 0);
	if (json_array_size(msgs) > 0)
		fired_durable(rm);
	json_array_foreach(msgs, i, m)
		remind_deliver(rm, json_incref(m));
	if (plan_write(rm, uids, wp, n, &why) != 0) {
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
	json_decref(msgs);
	return rc;
}

/*
 * The walk: fire what is due now, a batch of events at a time.  Returns 1
 * when there may be more, 0 when done, -1 on a store error, -2 when the
 * store could not record what was delivered (walk again in RETRY_HELD).
 */
int
remind_walk(struct remind *rm)
{
	int64_t	 now = remind_wall_now();
	char	**uids, *why = NULL;
	size_t	 n, i, j;
	json_t	*msgs = json_array(), *m;
	struct walk_plan wp;
	int	 stuck = 0, held = 0, rc;

	if (store_remind_due(rm->host.store, now, WALK_BATCH, &uids, &n,
	    &why) != 0) {
		log_warnx("reminders: %s", why);
		free(why);
		json_decref(msgs);
		return -1;
	}
	rm->walking = 1;
	for (i = walk_batch(rm, uids, n, now) == 0 ? n : 0; i < n; i++) {
		rc = walk_event(rm, uids[i], now, msgs, &wp, &why);
		if (rc == WALK_HELD) {
			if (!rm->degraded && !held)
				log_warnx("reminders: the store cannot record "
				    "them (%s); delivering from memory, every "
				    "%d s", why, RETRY_HELD);
			held = 1;
		}
		json_array_foreach(msgs, j, m) {
			if (rc == WALK_HELD)
				remind_hook_held(rm, m);
			remind_deliver(rm, json_incref(m));
		}
		json_array_clear(msgs);
		if (rc == 0 && plan_write(rm, &uids[i], &wp, 1, &why) != 0)
			rc = -1;
		if (rc != 0 && rc != WALK_HELD && give_up(rm, uids[i],
		    why ? why : "unknown error"))
			stuck = 1;
		free(why);
		why = NULL;
	}
	rm->walking = 0;
	store_remind_uids_free(uids, n);
	json_decref(msgs);
	if (rm->degraded && !held && !stuck)
		log_info("reminders: the store records them again");
	rm->degraded = held;
	if (stuck)
		return -1;
	if (held)
		return -2;
	return n == WALK_BATCH;
}
