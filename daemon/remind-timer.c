/*
 * remind-timer.c — the one timer of the reminders: armed for the earliest
 * pending reminder (min(alarms.next_alarm), under an index), it runs the
 * walk (remind-walk.c) when that falls due, and the walk runs again on
 * the next turn of the loop while there is more to fire.  There is no
 * timer per reminder and no polling.
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
 * PREP_LEAD seconds before the instant, the timer fires first so that
 * what falls due then is worked out ahead (remind-prep.c), a slice a
 * turn.
 */
#include <sys/types.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/timerfd.h>
#endif

#include <event2/event.h>

#include "log.h"
#include "remind-held.h"
#include "remind-int.h"
#include "store.h"
#include "store-remind.h"

#define REMIND_FALLBACK_CAP	30	/* seconds, without timerfd */
#define PREP_LEAD		2	/* seconds: parse what falls due next */
#define CKPT_POLL_MS		2	/* store_ckpt_holding: asked so often */

static void	remind_arm(struct remind *);

/*
 * Run the walk on the next turn of the loop, after pending I/O.  A zero
 * timeout, not event_active: an event activated from a callback runs again
 * in the same pass, so a long walk (after an import) would hold every
 * reply, the import's own included, until all of it was planned.
 */
void
remind_soon(struct remind *rm)
{
	struct timeval	tv = { 0, 0 };

	event_add(rm->ev_work, &tv);
}

/*
 * Does the walk run on the next turn (remind_soon)?  Group commit
 * (server-group.c) opens its next group only after it, so that the walk
 * of what a group wrote does not commit the next group early.
 */
int
remind_walk_due(const struct remind *rm)
{
	struct timeval	tv, now;

	if (rm == NULL || rm->ev_work == NULL ||
	    !event_pending(rm->ev_work, EV_TIMEOUT, &tv))
		return 0;
	evutil_gettimeofday(&now, NULL);
	return !evutil_timercmp(&tv, &now, >);
}

/*
 * The wall clock, read precisely: time() may use a coarse clock that lags
 * the timerfd's expiry by a tick, which would see nothing due yet and
 * re-arm for the same instant.
 */
int64_t
remind_wall_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

/*
 * The store cannot record what goes off (an import holds it): a pass over
 * what is due that stopped mid-burst (pass_more, the slice spent) goes on
 * at the next turn, from its place; one that ended waits, to walk again in
 * RETRY_HELD (to record what went off from memory) or as the next
 * reminder not yet due at the walk's instant falls due, if sooner, so
 * that it goes off on time (from memory too) rather than up to RETRY_HELD
 * late.  A new pass walks the held events again (their keys keep them
 * from going off twice) before the new ones.  The timer is relative: a
 * few milliseconds past the due second, so that the walk does not come
 * before it.  (An event delivered from memory keeps its old instant in
 * the store: a later reminder of its own waits for RETRY_HELD.)
 */
static void
arm_held(struct remind *rm, int more)
{
	struct timeval	 tv = { RETRY_HELD, 0 };
	struct timespec	 ts;
	int64_t		 at, ms;
	char		*why = NULL;

	if (more) {
		rm->draining = rm->host.backlog(rm->host.arg);
		remind_soon(rm);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	if (store_remind_min_after(rm->host.store, rm->walked_at, &at,
	    &why) == 0 && at != REMIND_NEVER &&
	    (ms = (at - ts.tv_sec) * 1000 - ts.tv_nsec / 1000000 + 20) <
	    RETRY_HELD * 1000) {
		if (ms < 1)
			ms = 1;
		tv.tv_sec = ms / 1000;
		tv.tv_usec = ms % 1000 * 1000;
	}
	free(why);
	event_add(rm->ev_work, &tv);
}

/*
 * Walk, then either continue next turn or arm the timer.  Not while the
 * writes wait for the log's checkpoint thread (store-ckpt.c: a hold, or
 * its start-over of the log), as a group of writes does, asking every
 * CKPT_POLL_MS: during the start-over the walk's writes would wait for it
 * in SQLite's busy handler, holding the loop (a status waited 190 ms so
 * after a big import); and a walk's write during a hold, after the
 * thread's copy, kept the log from starting over, so that under writes
 * that never pause and reminders due every second it grew until the loop
 * copied it itself (test-log-offloop.sh), a sync of the log and one of
 * the store on the loop.  A hold lasts one run of the thread (at most
 * CKPT_HOLD_MS), and a reminder waits for a sync of its own anyway.
 */
void
remind_run(struct remind *rm)
{
	struct timeval	 retry = { RETRY_AFTER, 0 };
	struct timeval	 poll = { 0, CKPT_POLL_MS * 1000 };
	int		 rc;

	if (store_ckpt_holding(rm->host.store)) {
		event_add(rm->ev_work, &poll);
		return;
	}
	rc = remind_walk(rm);

	rm->draining = 0;
	if (rc > 0) {
		rm->draining = rm->host.backlog(rm->host.arg);
		remind_soon(rm);
	} else if (rc == 0 && rm->degraded &&
	    remind_held_count(rm->held) > 0)
		arm_held(rm, 0);	/* a pass over what is held ended */
	else if (rc == 0)
		remind_arm(rm);
	else if (rc == -2)
		arm_held(rm, rm->pass_more);
	else
		event_add(rm->ev_work, &retry);
}

/*
 * Between two batches of a burst, let the watchers be sent what the last
 * one delivered.  A bufferevent writes a bounded amount a turn of the loop
 * (server-client.c's CLIENT_MAX_WRITE; libevent's default 16 KB, about 8
 * reminders, when this was written), so a burst of 1,000 walked a batch a
 * turn reached `kcal watch` only after the whole walk.  The walk waits
 * while what is queued for them shrinks (a watcher that stops reading does
 * not stall it: it is dropped at twice max_output anyway).  What waits for
 * the disk (remind-flush.c) is not queued yet and does not count: the walk
 * goes on recording meanwhile.
 */
static int
drain_first(struct remind *rm)
{
	size_t	n;

	if (rm->draining == 0)
		return 0;
	n = rm->host.backlog(rm->host.arg);
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

/*
 * Arm the one timer for the earliest next_alarm: the timerfd, or (without
 * one) ev_work as a libevent timer capped at REMIND_FALLBACK_CAP seconds.
 * PREP_LEAD seconds before it, the timer fires first to prepare what falls
 * due then, a slice a turn of the loop.
 */
static void
remind_arm(struct remind *rm)
{
	struct timeval	 tv = { REMIND_FALLBACK_CAP, 0 };
	int64_t		 at, wake, now = remind_wall_now();
	char		*why = NULL;

	/*
	 * The events still marked "plan again" wait for their records'
	 * parse off the loop (remind-ahead.c), which wakes the walk: the
	 * timer is for the next planned reminder.
	 */
	if ((rm->ahead_wait ? store_remind_min_after(rm->host.store,
	    rm->walked_at, &at, &why) : store_remind_min(rm->host.store, &at,
	    &why)) != 0) {
		log_warnx("reminders: %s", why);
		free(why);
		at = now + RETRY_AFTER;
	}
	if (at <= now) {
		remind_soon(rm);
		return;
	}
	if (at != rm->prep_at)
		remind_prep_reset(rm, at);
	wake = at;
	if (at != REMIND_NEVER && !rm->prep_done) {
		if (at - now > PREP_LEAD)
			wake = at - PREP_LEAD;
		else {
			remind_prep_some(rm, at);
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

/* The work event (walks and the fallback timer), and the timerfd. */
void
remind_timer_init(struct remind *rm)
{
	struct event_base	*base = rm->host.base;

	rm->ev_work = event_new(base, -1, 0, work_cb, rm);
#ifdef __linux__
	rm->tfd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
	if (rm->tfd != -1) {
		rm->ev_timer = event_new(base, rm->tfd, EV_READ | EV_PERSIST,
		    timerfd_cb, rm);
		event_add(rm->ev_timer, NULL);
	} else
		log_warn("timerfd_create; checking the clock every %ds",
		    REMIND_FALLBACK_CAP);
#endif
}

void
remind_timer_free(struct remind *rm)
{
	if (rm->ev_timer != NULL)
		event_free(rm->ev_timer);
	if (rm->tfd != -1)
		close(rm->tfd);
	if (rm->ev_work != NULL)
		event_free(rm->ev_work);
}
