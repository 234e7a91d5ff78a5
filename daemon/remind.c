/*
 * remind.c — reminders at run time: one timer for the earliest pending
 * reminder, the walk that fires what is due, and delivery to every
 * `kcal watch` client, the hook (notify.c) and the log.
 *
 * Scheduling.  The store keeps each event's next reminder instant in
 * events.next_alarm under an index (store-remind.c); the daemon holds no
 * per-reminder memory.  The single timer is armed for min(next_alarm).
 * When it fires, the walk takes the events whose next_alarm has passed
 * (through the index, a batch at a time so the loop stays responsive),
 * fires their due reminders, plans each one's next, and re-arms.  Every
 * write marks the events it touched "plan again" in SQL (a trigger), and
 * server_changed() schedules the walk, so no write path can forget to
 * re-plan.  The one exception to "no per-reminder memory": PREP_LEAD
 * seconds before the earliest instant, the events due then (at most
 * PREP_MAX) are parsed ahead, so that a burst of reminders due together
 * is recorded and delivered without parsing anything late (struct prep).
 *
 * Wall-clock deadlines.  A reminder is due at a wall-clock instant, but
 * libevent's timers run on the monotonic clock, which stops while the
 * machine sleeps and ignores changes to the wall clock.  On Linux the timer
 * is therefore a timerfd on CLOCK_REALTIME armed with TFD_TIMER_ABSTIME:
 * the kernel fires it at the wall-clock instant, also straight after a
 * resume from suspend, and TFD_TIMER_CANCEL_ON_SET makes a change of the
 * clock (settimeofday, NTP stepping it) wake us so that the walk runs
 * against the new time.  Elsewhere a libevent timer capped at
 * REMIND_FALLBACK_CAP seconds is used, and the walk compares the wall clock
 * on each wake-up, so a jump or a suspend is noticed within that cap.
 *
 * Exactly once to watchers, at least once to the hook.  A reminder's
 * state is committed before it is delivered, and every delivery takes a
 * sequence number so that `kcal watch`, when it reconnects to a restarted
 * daemon, is sent what it missed and nothing twice.  The same commit
 * queues the run of the hook it owes (hook_jobs, notify.c), which leaves
 * the queue only when the hook has finished: a run that kcald did not see
 * finish goes again after a restart (KCAL_RETRY=1).  Reminders that fell due while the daemon was down (or the
 * machine asleep) are delivered marked late within remind_grace, and
 * recorded as missed beyond it.
 */
#include <sys/types.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/timerfd.h>
#endif

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "config.h"
#include "ical.h"
#include "log.h"
#include "notify.h"
#include "recur.h"
#include "remind.h"
#include "remind-held.h"
#include "server.h"
#include "store.h"
#include "store-remind.h"
#include "tz.h"
#include "xmalloc.h"

#define WALK_BATCH		256	/* events per turn of the loop */
#define REMIND_FALLBACK_CAP	30	/* seconds, without timerfd */
#define RETRY_AFTER		60	/* seconds, after a store error */
#define RETRY_HELD		5	/* seconds, while the store cannot record */
#define WALK_HELD		2	/* walk_event: delivered, not recorded */
#define PREP_LEAD		2	/* seconds: parse what falls due next */
#define PREP_MAX		1024	/* events prepared for one instant */

/*
 * An event parsed ahead of its reminder, with the occurrence reminded of
 * as the protocol shows it: what is due at one instant is prepared
 * PREP_LEAD seconds before it (prep_some), so that the walk when it falls
 * due does little more than record and deliver.  A burst of 1,000
 * reminders due together otherwise spent most of its time parsing
 * iCalendar text and building JSON while they were already late.  The walk
 * takes an entry only if the event's text and the home time zone are
 * unchanged; anything else is planned from the store as usual.
 */
struct prep {
	char		*uid;
	char		*ical;		/* the text parsed; NULL once taken */
	char		*home;
	struct event	 ev;
	json_t		*ej;
	int64_t		 ej_start;
};

struct remind {
	struct server	*srv;
	struct event	*ev_timer;
	struct event	*ev_work;
	int		 tfd;		/* timerfd, or -1 */
	int64_t		 started;
	int64_t		 seq;		/* the last delivery's number */
	struct notify	*notify;
	struct remind_held *held;	/* delivered, not yet recorded */
	int		 degraded;	/* the store cannot record reminders */
	int		 batching;	/* inside walk_batch's transaction */
	size_t		 draining;	/* watchers' output after a batch */
	int		 walking;	/* inside walk: take prepared events */
	int64_t		 prep_at;	/* the instant prepared for */
	int		 prep_done;
	char		*prep_last;	/* the last uid looked at */
	struct prep	*prep;		/* sorted by uid */
	size_t		 nprep, prep_cap;
};

static void	remind_arm(struct remind *);
static size_t	watch_queued(struct remind *);

/*
 * Run the walk on the next turn of the loop, after pending I/O.  A zero
 * timeout, not event_active: an event activated from a callback runs again
 * in the same pass, so a long walk (after an import) would hold every
 * reply, the import's own included, until all of it was planned.
 */
static void
remind_soon(struct remind *rm)
{
	struct timeval	tv = { 0, 0 };

	event_add(rm->ev_work, &tv);
}

/*
 * The wall clock, read precisely: time() may use a coarse clock that lags
 * the timerfd's expiry by a tick, which would see nothing due yet and
 * re-arm for the same instant.
 */
static int64_t
wall_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

static struct store *
store_of(struct remind *rm)
{
	return rm->srv->store;
}

void
remind_plan_clear(struct remind_plan *p)
{
	event_clear(&p->ev);
	free(p->ical);
	free(p->marks);
	json_decref(p->ej);
	memset(p, 0, sizeof *p);
}

static int
prep_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct prep *)elem)->uid);
}

/* The walk takes uid's prepared event, if its text is unchanged. */
static int
prep_take(struct remind *rm, const char *uid, struct remind_plan *p)
{
	struct prep	*e;

	if (!rm->walking || rm->nprep == 0)
		return 0;
	e = bsearch(uid, rm->prep, rm->nprep, sizeof *rm->prep, prep_cmp);
	if (e == NULL || e->ical == NULL || strcmp(e->ical, p->ical) != 0 ||
	    strcmp(e->home, rm->srv->cfg->home_tz) != 0)
		return 0;
	p->ev = e->ev;
	memset(&e->ev, 0, sizeof e->ev);
	p->ej = e->ej;
	p->ej_start = e->ej_start;
	e->ej = NULL;
	free(e->ical);
	e->ical = NULL;
	return 1;
}

static void
prep_reset(struct remind *rm, int64_t at)
{
	for (size_t i = 0; i < rm->nprep; i++) {
		free(rm->prep[i].uid);
		free(rm->prep[i].ical);
		free(rm->prep[i].home);
		event_clear(&rm->prep[i].ev);
		json_decref(rm->prep[i].ej);
	}
	free(rm->prep);
	rm->prep = NULL;
	rm->nprep = rm->prep_cap = 0;
	free(rm->prep_last);
	rm->prep_last = NULL;
	rm->prep_done = 0;
	rm->prep_at = at;
}

/*
 * Load the event uid for planning: its fields, its text, the triggers in
 * force, and its next_alarm.  0, 1 (no such event) or -1.
 */
int
remind_plan_load(struct remind *rm, const char *uid, struct remind_plan *p,
    char **cause)
{
	const struct config	*cfg = rm->srv->cfg;
	int			 rc;

	memset(p, 0, sizeof *p);
	recur_budget_begin();	/* one event's plan, one budget (recur.c) */
	rc = store_remind_event(store_of(rm), uid, &p->ical, &p->next_alarm,
	    cause);
	if (rc != 0)
		return rc == STORE_NOT_FOUND ? 1 : -1;
	if (!prep_take(rm, uid, p) &&
	    ical_extract(p->ical, cfg->home_tz, &p->ev, cause) != 0) {
		free(p->ical);
		p->ical = NULL;
		return -1;
	}
	p->in.ev = &p->ev;
	p->in.ical = p->ical;
	p->in.home = cfg->home_tz;
	p->in.max_occ = cfg->max_occurrences;
	remind_offsets(&p->ev, remind_config_kind(cfg, p->ev.kind),
	    remind_config_default(cfg), &p->in.offs, &p->in.noffs);
	return 0;
}

/* Then the reminder state due at or after lo (and every snooze). */
int
remind_plan_marks(struct remind *rm, struct remind_plan *p, int64_t lo,
    char **cause)
{
	free(p->marks);
	p->marks = NULL;
	p->nmarks = 0;
	if (store_remind_marks(store_of(rm), p->ev.uid, lo, &p->marks,
	    &p->nmarks, cause) != 0)
		return -1;
	p->in.marks = p->marks;
	p->in.nmarks = p->nmarks;
	return 0;
}

/* notify.c's view of the settings: notify_cmd number n, its timeout. */
static const char *
hook_cmd(void *arg, int n, int64_t *timeout)
{
	struct remind	*rm = arg;

	*timeout = remind_config_notify_timeout(rm->srv->cfg);
	return remind_config_notify_cmd(rm->srv->cfg, n);
}

/*
 * Queue a run of each hook (notify_cmd) for a reminder being recorded as
 * fired, in the same transaction (notify.c runs the queue): the hooks are
 * owed what the store says was delivered.
 */
static int
queue_hook(struct remind *rm, const char *uid, const struct remind_due *d,
    json_t *msg, int64_t now, char **cause)
{
	struct hook_job	j;
	int		rc = 0, ncmds;

	if ((ncmds = remind_config_notify_ncmds(rm->srv->cfg)) == 0)
		return 0;
	memset(&j, 0, sizeof j);
	j.uid = xstrdup(uid);
	j.occ = d->occ;
	j.due = d->due;
	j.seq = json_integer_value(json_object_get(msg, "seq"));
	j.msg = json_dumps(msg, JSON_COMPACT);
	j.queued = now;
	if (j.msg == NULL) {
		*cause = xstrdup("cannot queue the hook");
		rc = -1;
	}
	for (j.cmd = 0; rc == 0 && j.cmd < ncmds; j.cmd++)
		rc = store_hook_add(store_of(rm), &j, cause);
	free(j.uid);
	free(j.msg);
	return rc;
}

/* The store could not record a reminder: its hook runs from memory. */
static void
run_hook_held(struct remind *rm, json_t *msg)
{
	const struct config	*cfg = rm->srv->cfg;
	const char		*cmd;
	char			*why = NULL;

	for (int n = 0; n < remind_config_notify_ncmds(cfg); n++) {
		cmd = remind_config_notify_cmd(cfg, n);
		if (notify_run(rm->notify, n, cmd,
		    remind_config_notify_timeout(cfg), msg, &why) != 0) {
			log_warnx("notify: %s", why);
			free(why);
			why = NULL;
		}
	}
}

static const char *
field(json_t *msg, const char *key)
{
	const char	*v = json_string_value(json_object_get(msg, key));

	return v != NULL ? v : "";
}

/*
 * Deliver one reminder: the log and every watcher; the hook's run was
 * queued with its state (queue_hook) or handed over (run_hook_held).
 */
static void
deliver(struct remind *rm, json_t *msg)
{
	const char	*late = json_is_true(json_object_get(msg, "late")) ?
			    " (late)" : "";

	log_info("reminder%s: \"%s\" starts %s %s, due %s; uid %s", late,
	    field(msg, "summary"), field(msg, "start"), field(msg, "tz"),
	    field(msg, "due"), field(msg, "uid"));
	notify_kick(rm->notify);	/* its hook run is queued */
	server_broadcast(rm->srv, msg);
}

static void
set_iso(json_t *o, const char *key, const char *tz, int64_t t)
{
	char	buf[64];

	tz_iso(tz, t, buf, sizeof buf);
	json_object_set_new(o, key, json_string(buf));
}

static int64_t
describe_start(const struct remind_plan *p, const struct remind_due *d)
{
	if (d->before == REMIND_ABSOLUTE)
		return remind_occurrence(&p->in, d->due);
	return d->occ;
}

/* The occurrence starting at start, as the protocol shows the event. */
static json_t *
describe_event(struct remind *rm, const struct remind_plan *p, int64_t start)
{
	struct event	 occ = p->ev;
	json_t		*ej;

	occ.end = start + (p->ev.end - p->ev.start);
	occ.start = start;
	ej = event_to_json(&occ, rm->srv->cfg->home_tz);
	json_object_del(ej, "remind");
	json_object_del(ej, "remind_at");
	return ej;
}

/*
 * The pushed object for a reminder of ev: the event as the protocol shows
 * it (its start and end moved to the occurrence reminded of), then what
 * is particular to the reminder.
 */
json_t *
remind_describe(struct remind *rm, const struct remind_plan *p,
    const struct remind_due *d, int64_t late_by, int64_t seq)
{
	const char	*home = rm->srv->cfg->home_tz;
	int64_t		 start = describe_start(p, d);
	json_t		*o, *ej;
	char		 ab[16];

	o = json_pack("{s:s, s:I}", "event", "reminder", "seq",
	    (json_int_t)seq);
	if (p->ej != NULL && p->ej_start == start)
		ej = json_incref(p->ej);	/* shared, never changed */
	else
		ej = describe_event(rm, p, start);
	json_object_update(o, ej);
	json_decref(ej);
	set_iso(o, "due", home, d->due);
	tz_abbr(home, d->due, ab, sizeof ab);
	json_object_set_new(o, "due_abbr", json_string(ab));
	json_object_set_new(o, "due_utc", json_integer(d->due));
	json_object_set_new(o, "before", d->before == REMIND_ABSOLUTE ?
	    json_null() : json_integer(d->before));
	json_object_set_new(o, "snoozed", json_boolean(d->snoozed));
	json_object_set_new(o, "late", json_boolean(late_by > 0));
	json_object_set_new(o, "late_by", json_integer(late_by));
	return o;
}

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
	int64_t			 grace = remind_config_grace(rm->srv->cfg);
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
			    p->ev.summary ? p->ev.summary : "",
			    (long long)due[i].at, (long long)(now - due[i].at),
			    (long long)grace, p->ev.uid);
			if (store_remind_mark(store_of(rm), p->ev.uid, &m, 0,
			    now - due[i].at, 0, now, cause) != 0)
				return -1;
			continue;
		}
		late = cls == REMIND_LATE ? now - due[i].at : 0;
		held = remind_held_has(rm->held, p->ev.uid, m.occ, m.due);
		if (store_remind_mark(store_of(rm), p->ev.uid, &m, now, late,
		    held ? 0 : rm->seq + 1, now, cause) != 0)
			return -1;
		if (held)	/* delivered while the store was unwritable */
			continue;
		rm->seq++;
		msg = remind_describe(rm, p, &due[i], late, rm->seq);
		json_array_append_new(out, msg);
		if (queue_hook(rm, p->ev.uid, &due[i], msg, now, cause) != 0)
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
	int64_t	grace = remind_config_grace(rm->srv->cfg), late;
	int	cls;

	for (size_t i = 0; i < ndue; i++) {
		cls = remind_classify(due[i].at, now, rm->started, grace);
		if (cls == REMIND_TOO_OLD || remind_held_has(rm->held,
		    p->ev.uid, due[i].occ, due[i].due))
			continue;
		late = cls == REMIND_LATE ? now - due[i].at : 0;
		remind_held_add(rm->held, p->ev.uid, due[i].occ, due[i].due);
		json_array_append_new(out, remind_describe(rm, p, &due[i], late,
		    ++rm->seq));
	}
}

/*
 * Fire what is due for one event and plan its next reminder: 0, -1, or
 * WALK_HELD when the store could not record it (delivered from memory).
 */
static int
walk_event(struct remind *rm, const char *uid, int64_t now, json_t *out,
    char **cause)
{
	struct remind_plan	 p;
	struct remind_due	*due = NULL;
	size_t			 ndue = 0;
	int64_t			 from, next, seq = rm->seq;
	int			 rc;

	if ((rc = remind_plan_load(rm, uid, &p, cause)) != 0)
		return rc > 0 ? 0 : -1;
	from = walk_from(p.next_alarm, now);
	rc = -1;
	if (remind_plan_marks(rm, &p, from, cause) != 0 ||
	    remind_collect(&p.in, from, now, &due, &ndue, cause) != 0 ||
	    remind_next(&p.in, now, &next, cause) != 0)
		goto out;
	if (store_begin(store_of(rm), cause) != 0 ||
	    fire_due(rm, &p, now, due, ndue, out, cause) != 0 ||
	    store_remind_set_next(store_of(rm), uid, next, cause) != 0 ||
	    store_commit(store_of(rm), cause) != 0) {
		store_rollback(store_of(rm));
		rm->seq = seq;
		json_array_clear(out);
		if (rm->batching)	/* the batch is walked again alone */
			goto out;
		deliver_held(rm, &p, now, due, ndue, out);
		rc = WALK_HELD;
		goto out;
	}
	remind_held_forget(rm->held, uid);
	rc = 0;
out:
	free(due);
	remind_plan_clear(&p);
	return rc;
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
	if (store_remind_set_next(store_of(rm), uid, REMIND_NEVER,
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
	if (store_begin(store_of(rm), &why) != 0 ||
	    store_remind_meta_set(store_of(rm), "fired_seq", seq, &why) != 0 ||
	    store_commit(store_of(rm), &why) != 0) {
		store_rollback(store_of(rm));
		log_warnx("reminders: delivered before their state is on "
		    "disk (%s)", why ? why : "store error");
		free(why);
	}
}

/*
 * A batch in one transaction: one commit for up to WALK_BATCH events, not
 * one each (an import of 10,000 events cost 10,000 fsyncs here, and a
 * burst of 1,000 reminders due together 1,000).  Planning alone -- what
 * every write causes -- is derived state: were a power cut to lose it, the
 * event's "plan again" mark, committed durably with the write, would have
 * it planned again at start-up.  So the batch commits without waiting for
 * the disk (an add costs one fsync, not two), and what fired is made
 * durable before anything is delivered.  -1 when one event failed: all of
 * the batch is rolled back, for the caller to walk it one event at a time.
 */
static int
walk_batch(struct remind *rm, char **uids, size_t n, int64_t now)
{
	int64_t	 seq = rm->seq;
	json_t	*msgs = json_array(), *m;
	char	*why = NULL;
	size_t	 i;

	store_lazy(store_of(rm), 1);
	if (store_begin(store_of(rm), &why) != 0)
		goto fail;
	rm->batching = 1;
	for (i = 0; i < n; i++)
		if (walk_event(rm, uids[i], now, msgs, &why) != 0)
			goto fail;
	rm->batching = 0;
	if (store_commit(store_of(rm), &why) != 0)
		goto fail;
	store_lazy(store_of(rm), 0);
	if (json_array_size(msgs) > 0)
		fired_durable(rm);
	json_array_foreach(msgs, i, m)
		deliver(rm, json_incref(m));
	json_decref(msgs);
	return 0;
fail:
	rm->batching = 0;
	store_rollback(store_of(rm));
	store_lazy(store_of(rm), 0);
	rm->seq = seq;
	free(why);
	json_decref(msgs);
	return -1;
}

/*
 * The walk: fire what is due now, a batch of events at a time.  Returns 1
 * when there may be more, 0 when done, -1 on a store error, -2 when the
 * store could not record what was delivered (walk again in RETRY_HELD).
 */
static int
walk(struct remind *rm)
{
	int64_t	 now = wall_now();
	char	**uids, *why = NULL;
	size_t	 n, i, j;
	json_t	*msgs = json_array(), *m;
	int	 stuck = 0, held = 0, rc;

	if (store_remind_due(store_of(rm), now, WALK_BATCH, &uids, &n,
	    &why) != 0) {
		log_warnx("reminders: %s", why);
		free(why);
		json_decref(msgs);
		return -1;
	}
	rm->walking = 1;
	for (i = walk_batch(rm, uids, n, now) == 0 ? n : 0; i < n; i++) {
		rc = walk_event(rm, uids[i], now, msgs, &why);
		if (rc == WALK_HELD) {
			if (!rm->degraded && !held)
				log_warnx("reminders: the store cannot record "
				    "them (%s); delivering from memory, every "
				    "%d s", why, RETRY_HELD);
			held = 1;
		} else if (rc != 0 && give_up(rm, uids[i], why ? why :
		    "unknown error"))
			stuck = 1;
		free(why);
		why = NULL;
		json_array_foreach(msgs, j, m) {
			if (rc == WALK_HELD)
				run_hook_held(rm, m);
			deliver(rm, json_incref(m));
		}
		json_array_clear(msgs);
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

/* Walk, then either continue next turn or arm the timer. */
void
remind_run(struct remind *rm)
{
	struct timeval	 retry = { RETRY_AFTER, 0 }, held = { RETRY_HELD, 0 };
	int		 rc = walk(rm);

	rm->draining = 0;
	if (rc > 0) {
		rm->draining = watch_queued(rm);
		remind_soon(rm);
	} else if (rc == 0)
		remind_arm(rm);
	else
		event_add(rm->ev_work, rc == -2 ? &held : &retry);
}

/* What the watchers have yet to be sent, in bytes. */
static size_t
watch_queued(struct remind *rm)
{
	struct client	*c;
	struct evbuffer	*out;
	size_t		 n = 0;

	TAILQ_FOREACH(c, &rm->srv->clients, entry) {
		if (!c->watching || c->closing)
			continue;
		out = bufferevent_get_output(c->bev);
		n += evbuffer_get_length(out);
	}
	return n;
}

/*
 * Between two batches of a burst, let the watchers be sent what the last
 * one delivered.  A bufferevent writes a bounded amount a turn of the loop
 * (server-client.c's CLIENT_MAX_WRITE; libevent's default 16 KB, about 8
 * reminders, when this was written), so a burst of 1,000 walked a batch a
 * turn reached `kcal watch` only after the whole walk.  The walk waits
 * while what is queued for them shrinks (a watcher that stops reading does
 * not stall it: it is dropped at max_output anyway).
 */
static int
drain_first(struct remind *rm)
{
	size_t	n;

	if (rm->draining == 0)
		return 0;
	n = watch_queued(rm);
	if (n > 0 && n < rm->draining) {
		rm->draining = n;
		remind_soon(rm);
		return 1;
	}
	rm->draining = 0;
	return 0;
}

static void
work_cb(evutil_socket_t fd, short what, void *arg)
{
	struct remind	*rm = arg;

	(void)fd; (void)what;
	if (!drain_first(rm))
		remind_run(rm);
}

#ifdef __linux__
static void
timerfd_cb(evutil_socket_t fd, short what, void *arg)
{
	struct remind	*rm = arg;
	uint64_t	 n;

	(void)what;
	if (read(fd, &n, sizeof n) < 0 && errno == ECANCELED)
		log_info("reminders: the wall clock was set; planning again");
	remind_run(rm);
}

static int
timer_set(struct remind *rm, int64_t at)
{
	struct itimerspec	its;

	memset(&its, 0, sizeof its);
	if (at != REMIND_NEVER)
		its.it_value.tv_sec = (time_t)(at > 253402300799LL ?
		    253402300799LL : at);
	return timerfd_settime(rm->tfd, TFD_TIMER_ABSTIME |
	    TFD_TIMER_CANCEL_ON_SET, &its, NULL);
}
#endif

/* Prepare one event due at at (see struct prep). */
static void
prep_one(struct remind *rm, const char *uid, int64_t at)
{
	struct remind_plan	 p;
	struct remind_due	*due = NULL;
	size_t			 ndue = 0;
	struct prep		*e;
	char			*why = NULL;

	if (remind_plan_load(rm, uid, &p, &why) != 0) {
		free(why);	/* the walk will say why */
		return;
	}
	if (remind_plan_marks(rm, &p, at, &why) == 0 &&
	    remind_collect(&p.in, at, at, &due, &ndue, &why) == 0 &&
	    ndue > 0) {
		if (rm->nprep == rm->prep_cap) {
			rm->prep_cap = rm->prep_cap ? rm->prep_cap * 2 : 256;
			rm->prep = xreallocarray(rm->prep, rm->prep_cap,
			    sizeof *rm->prep);
		}
		e = &rm->prep[rm->nprep++];
		e->uid = xstrdup(uid);
		e->home = xstrdup(rm->srv->cfg->home_tz);
		e->ej_start = describe_start(&p, &due[0]);
		e->ej = describe_event(rm, &p, e->ej_start);
		e->ical = p.ical;
		e->ev = p.ev;
		p.ical = NULL;
		memset(&p.ev, 0, sizeof p.ev);
	}
	free(why);
	free(due);
	remind_plan_clear(&p);
}

/*
 * Prepare a batch of the events due at at, in uid order (the array stays
 * sorted for bsearch); prep_done once all are, or PREP_MAX.
 */
static void
prep_some(struct remind *rm, int64_t at)
{
	char	**uids, *why = NULL;
	size_t	  n;

	if (store_remind_at(store_of(rm), at, rm->prep_last ? rm->prep_last :
	    "", WALK_BATCH, &uids, &n, &why) != 0) {
		free(why);
		rm->prep_done = 1;
		return;
	}
	for (size_t i = 0; i < n && rm->nprep < PREP_MAX; i++)
		prep_one(rm, uids[i], at);
	if (n < WALK_BATCH || rm->nprep >= PREP_MAX)
		rm->prep_done = 1;
	else {
		free(rm->prep_last);
		rm->prep_last = xstrdup(uids[n - 1]);
	}
	store_remind_uids_free(uids, n);
}

/*
 * Arm the one timer for the earliest next_alarm: the timerfd, or (without
 * one) ev_work as a libevent timer capped at REMIND_FALLBACK_CAP seconds.
 * PREP_LEAD seconds before it, the timer fires first to prepare what falls
 * due then, a batch a turn of the loop.
 */
static void
remind_arm(struct remind *rm)
{
	struct timeval	 tv = { REMIND_FALLBACK_CAP, 0 };
	int64_t		 at, wake, now = wall_now();
	char		*why = NULL;

	if (store_remind_min(store_of(rm), &at, &why) != 0) {
		log_warnx("reminders: %s", why);
		free(why);
		at = now + RETRY_AFTER;
	}
	if (at <= now) {
		remind_soon(rm);
		return;
	}
	if (at != rm->prep_at)
		prep_reset(rm, at);
	wake = at;
	if (at != REMIND_NEVER && !rm->prep_done) {
		if (at - now > PREP_LEAD)
			wake = at - PREP_LEAD;
		else {
			prep_some(rm, at);
			if (!rm->prep_done) {
				remind_soon(rm);
				return;
			}
		}
	}
#ifdef __linux__
	if (rm->tfd != -1) {
		if (timer_set(rm, wake) == 0) {
			if (at != REMIND_NEVER)
				log_debug("reminders: next at %lld",
				    (long long)at);
			return;
		}
		log_warn("timerfd_settime");
	}
#endif
	if (wake - now < REMIND_FALLBACK_CAP)
		tv.tv_sec = (time_t)(wake - now);
	event_add(rm->ev_work, &tv);
}

/* A write happened: plan the events it touched (marked in SQL), soon. */
void
remind_changed(struct remind *rm)
{
	if (rm != NULL)
		remind_soon(rm);
}

/* Plan one event again now (after a snooze or an acknowledgement). */
int
remind_replan(struct remind *rm, const char *uid, char **cause)
{
	if (store_remind_touch(store_of(rm), uid, cause) != 0)
		return -1;
	remind_changed(rm);
	return 0;
}

/*
 * The default triggers changed (or this is the first start): every event
 * is planned again.  This is the one full pass, and it only happens when
 * remind_default or a remind_<kind> setting changes.
 */
void
remind_reconfigure(struct remind *rm)
{
	char	*fp = remind_config_fingerprint(rm->srv->cfg), *old = NULL;
	char	*why = NULL;

	notify_kick(rm->notify);	/* the list of hooks may have changed */
	if (store_remind_meta_get(store_of(rm), "defaults", &old, &why) != 0 ||
	    (old != NULL && strcmp(old, fp) == 0))
		goto out;
	if (old != NULL)
		log_info("reminders: default triggers are now %s; planning "
		    "every event again", fp);
	if (store_begin(store_of(rm), &why) != 0)
		goto out;
	if (store_remind_touch(store_of(rm), NULL, &why) != 0 ||
	    store_remind_meta_set(store_of(rm), "defaults", fp, &why) != 0 ||
	    store_commit(store_of(rm), &why) != 0)
		store_rollback(store_of(rm));
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
remind_create(struct server *srv, char **cause)
{
	struct remind	*rm = xcalloc(1, sizeof *rm);

	rm->srv = srv;
	rm->started = wall_now();
	rm->tfd = -1;
	rm->held = remind_held_create();
	if (store_remind_seq(srv->store, &rm->seq, cause) != 0) {
		remind_held_free(rm->held);
		free(rm);
		return NULL;
	}
	rm->ev_work = event_new(srv->base, -1, 0, work_cb, rm);
	rm->notify = notify_create(srv->base, srv->store, hook_cmd, rm);
#ifdef __linux__
	rm->tfd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
	if (rm->tfd != -1) {
		rm->ev_timer = event_new(srv->base, rm->tfd, EV_READ |
		    EV_PERSIST, timerfd_cb, rm);
		event_add(rm->ev_timer, NULL);
	} else
		log_warn("timerfd_create; checking the clock every %ds",
		    REMIND_FALLBACK_CAP);
#endif
	/*
	 * The first walk runs from the loop, in batches, so clients are served
	 * meanwhile: it fires what fell due while kcald was down (late, or
	 * missed beyond remind_grace) and plans what changed.  Planning every
	 * event again for new defaults keeps each pending instant as a
	 * baseline (store-remind.c), so nothing that fell due is lost.
	 */
	remind_reconfigure(rm);
	remind_soon(rm);
	return rm;
}

void
remind_free(struct remind *rm)
{
	if (rm == NULL)
		return;
	if (rm->ev_timer != NULL)
		event_free(rm->ev_timer);
	if (rm->tfd != -1)
		close(rm->tfd);
	event_free(rm->ev_work);
	prep_reset(rm, 0);
	notify_free(rm->notify);
	remind_held_free(rm->held);
	free(rm);
}

int64_t
remind_started(const struct remind *rm)
{
	return rm->started;
}

/* One delivery again, as it was pushed (for a watcher catching up). */
static json_t *
replay_one(struct remind *rm, const struct remind_row *r)
{
	struct remind_plan	 p;
	struct remind_due	 d;
	json_t			*o;
	char			*why = NULL;

	if (remind_plan_load(rm, r->uid, &p, &why) != 0) {
		free(why);
		return NULL;
	}
	d.occ = r->mark.occ;
	d.due = r->mark.due;
	d.at = r->fired_at;
	d.before = d.occ == 0 ? REMIND_ABSOLUTE : d.occ - d.due;
	d.snoozed = r->deliveries > 1;
	o = remind_describe(rm, &p, &d, r->late, r->seq);
	json_object_set_new(o, "replay", json_true());
	remind_plan_clear(&p);
	return o;
}

/*
 * The deliveries after sequence number since, oldest first (at most
 * limit): what a watcher that lost its connection missed.
 */
json_t *
remind_replay(struct remind *rm, int64_t since, size_t limit, char **cause)
{
	struct remind_row	*rows;
	size_t			 n;
	json_t			*a, *o;

	if (store_remind_since(store_of(rm), since, limit, &rows, &n,
	    cause) != 0)
		return NULL;
	a = json_array();
	for (size_t i = 0; i < n; i++)
		if ((o = replay_one(rm, &rows[i])) != NULL)
			json_array_append_new(a, o);
	store_remind_rows_free(rows, n);
	return a;
}

int64_t
remind_seq(const struct remind *rm)
{
	return rm->seq;
}
