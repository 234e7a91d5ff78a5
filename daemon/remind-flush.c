/*
 * remind-flush.c — what a reminder walk recorded reaches the watchers and
 * the hooks, in order, once its record is on the disk (remind-walk.c
 * hands each batch over: remind_flush).
 *
 * The walk's transactions commit without waiting for the disk.  The sync
 * of the log runs on the daemon's sync thread (remind_host's durable:
 * server-sync.c), and each flush is delivered from its callback, so the
 * loop serves everyone meanwhile; a commit that waited for the disk in
 * the loop's callback held every client a whole sync.  Where nothing
 * syncs off the loop, when the walk falls back to one event at a time,
 * and when kcald stops, a small commit that waits for the disk makes it
 * all durable first (fired_durable).  The hook runs queued with a record
 * not yet on the disk wait for it (remind_hooks_gate, notify_upto).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "notify.h"
#include "remind-int.h"
#include "store.h"
#include "store-remind.h"
#include "xmalloc.h"

/*
 * Make what was fired durable on the loop, when nothing syncs it off the
 * loop (remind_host's durable and sync_now) or kcald stops: the batch's
 * commit did not wait for the disk (remind-walk.c's walk_batch); a small
 * commit that does (synchronous=FULL syncs the whole WAL) takes it to
 * disk too.  Should
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
 * What one flush recorded, waiting for the disk (remind_flush).  Flushes
 * are delivered in the order recorded: one is delivered once it and
 * every one before it are on the disk.
 */
struct flushing {
	struct remind		*rm;
	struct remind_outq	 out;		/* emptied once delivered */
	int			 synced;	/* on the disk */
	struct flushing		*next;
};

static void
deliver_all(struct remind *rm, struct remind_outq *q)
{
	for (size_t i = 0; i < q->n; i++)
		remind_deliver(rm, &q->v[i]);
	remind_outq_clear(q);
}

/*
 * The hook runs of what was recorded and not yet delivered wait until it
 * is (notify_upto): queued in the transaction that recorded it, a run
 * started before its record was on the disk could run again after a
 * power cut took the record back.
 */
void
remind_hooks_gate(struct remind *rm)
{
	notify_upto(rm->notify, rm->fired.n > 0 || rm->flushing != NULL ?
	    rm->shown : INT64_MAX);
}

/* The flushes at the head that are on the disk: delivered, forgotten. */
static void
flushing_drain(struct remind *rm)
{
	struct flushing	*f;

	while ((f = rm->flushing) != NULL && f->synced) {
		deliver_all(rm, &f->out);
		if ((rm->flushing = f->next) == NULL)
			rm->flushing_last = NULL;
		free(f);
	}
	remind_hooks_gate(rm);
}

/* The host: f's commits are on the disk (ok), or kcald stops first. */
static void
flushed(void *arg, int ok)
{
	struct flushing	*f = arg;
	struct remind	*rm = f->rm;

	if (!ok && f->out.n > 0)
		fired_durable(rm);
	f->synced = 1;
	flushing_drain(rm);
	remind_log_delivered(rm);
}

/*
 * Deliver what the burst recorded so far, once it is on the disk: for the
 * whole burst or FIRED_MAX of it, one sync, not one a slice.  Not the
 * whole of a big burst: the watchers read the first FIRED_MAX while the
 * rest is recorded, and a burst of 1,000 reaches them sooner, first to
 * last, for three more syncs.  The sync runs off the loop (the host's
 * durable: server-sync.c's thread, as for a group of writes), so clients
 * are served and the walk goes on meanwhile; its commit waiting for the
 * disk on the loop held every client for the sync.  Until delivered a
 * watcher is not replayed it (remind_replay), nor does a hook run it
 * (notify_upto): it is pushed live.
 */
void
remind_flush(struct remind *rm)
{
	struct flushing	*f;

	if (rm->fired.n == 0)
		return;
	f = xcalloc(1, sizeof *f);
	f->rm = rm;
	f->out = rm->fired;
	memset(&rm->fired, 0, sizeof rm->fired);
	if (rm->flushing_last != NULL)
		rm->flushing_last->next = f;
	else
		rm->flushing = f;
	rm->flushing_last = f;
	if (rm->host.durable != NULL &&
	    rm->host.durable(rm->host.arg, flushed, f) == 1) {
		remind_hooks_gate(rm);
		return;
	}
	fired_durable(rm);	/* nothing syncs it off the loop */
	f->synced = 1;
	flushing_drain(rm);
}

/*
 * Everything recorded delivered now, made durable on the loop first: the
 * walk falls back to one event at a time, whose deliveries must not pass
 * those still waiting, or kcald stops.  The host's calls for the flushes
 * delivered here find them empty.
 */
void
remind_flush_now(struct remind *rm)
{
	struct flushing	*f;
	size_t		 n = rm->fired.n;

	for (f = rm->flushing; f != NULL; f = f->next)
		n += f->out.n;
	if (n == 0)
		return;
	/*
	 * The sync thread syncs the log, which takes no lock (the fallback's
	 * usual cause is an import holding the write lock, which a commit
	 * here would fail on); else a commit that waits for the disk.
	 */
	if (rm->host.sync_now == NULL || rm->host.sync_now(rm->host.arg) != 0)
		fired_durable(rm);
	for (f = rm->flushing; f != NULL; f = f->next)
		deliver_all(rm, &f->out);
	deliver_all(rm, &rm->fired);
	notify_upto(rm->notify, INT64_MAX);
}

/* remind_free: by then the host calls no more (the daemon's sync ended). */
void
remind_flush_close(struct remind *rm)
{
	struct flushing	*f;

	while ((f = rm->flushing) != NULL) {
		rm->flushing = f->next;
		remind_outq_clear(&f->out);
		free(f);
	}
	rm->flushing_last = NULL;
}
