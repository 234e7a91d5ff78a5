/*
 * remind-prep.c — a burst's reminders worked out ahead.  A burst of
 * reminders due together (1,000 at 09:00) otherwise spends its time
 * parsing iCalendar text, working out what is due and building and
 * encoding JSON while it is already late.  PREP_LEAD seconds before the
 * earliest pending instant (the timer, remind-timer.c), the events due
 * then -- at most PREP_MAX -- are planned as the walk would plan them at
 * that instant: what is due, each reminder's object as it is pushed on
 * time and its encoding (around its delivery number, known only when it
 * is recorded), and the event's next reminder after it; a slice of the
 * loop's turn at a time.  When the instant falls due, the walk
 * (remind-walk.c) only records each prepared event's reminders and
 * delivers the text.
 *
 * Only a cache: the walk takes an entry only for an event still due at
 * the prepared instant whose text and home time zone are unchanged, whose
 * next reminder is still ahead (nothing else fell due meanwhile) and whose
 * reminders are on time; any other event, and any event planned by the
 * walk in the usual way meanwhile (a write, a snooze or an
 * acknowledgement marks it "plan again": its entry is dropped, for its
 * reminder state changed), is planned from the store as usual.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "config.h"
#include "log.h"
#include "remind-int.h"
#include "store-remind.h"
#include "xmalloc.h"

#define PREP_BATCH	64	/* events read at a time */
#define PREP_MAX	1024	/* events prepared for one instant */
#define PREP_SLICE_MS	8	/* the loop's time a turn of it may take */

/* How every reminder's encoding starts: its delivery number comes next. */
static const char prep_head[] = "{\"event\":\"reminder\",\"seq\":";

static int
prep_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct prep *)elem)->uid);
}

static struct prep *
prep_find(struct remind *rm, const char *uid)
{
	if (rm->nprep == 0)
		return NULL;
	return bsearch(uid, rm->prep, rm->nprep, sizeof *rm->prep, prep_cmp);
}

/* Forget what e prepared (it stays in the array, taken). */
static void
prep_clear(struct prep *e)
{
	for (size_t i = 0; i < e->nmsgs; i++) {
		json_decref(e->msgs[i].msg);
		free(e->msgs[i].full.text);
		free(e->msgs[i].brief.text);
	}
	free(e->msgs);
	e->msgs = NULL;
	e->nmsgs = 0;
	free(e->ical);
	e->ical = NULL;
}

/* The walk plans uid the usual way: what was prepared for it is stale. */
void
remind_prep_drop(struct remind *rm, const char *uid)
{
	struct prep	*e = prep_find(rm, uid);

	if (e != NULL)
		prep_clear(e);
}

/* May e fire now, its text read from the store unchanged? */
static int
prep_valid(struct remind *rm, struct prep *e, int64_t now)
{
	int64_t	 grace = remind_config_grace(rm->cfg), na;
	char	*ical = NULL, *why = NULL;
	int	 ok;

	if (e->next <= now || strcmp(e->home, rm->cfg->home_tz) != 0)
		return 0;
	for (size_t i = 0; i < e->nmsgs; i++)
		if (remind_classify(e->msgs[i].due.at, now, rm->started,
		    grace) != REMIND_ON_TIME)
			return 0;
	if (store_remind_event(rm->host.store, e->uid, &ical, &na,
	    &why) != 0) {
		free(why);	/* the walk will say why */
		return 0;
	}
	ok = na == rm->prep_at && strcmp(ical, e->ical) == 0;
	free(ical);
	return ok;
}

/*
 * The walk fires uid, whose next_alarm is na, at now: its prepared entry,
 * taken, if it may be used (NULL: plan it as usual).  Its messages stay
 * here until the next instant is prepared, so that freeing them is not
 * part of their delivery.
 */
struct prep *
remind_prep_get(struct remind *rm, const char *uid, int64_t na, int64_t now)
{
	struct prep	*e;

	if (na != rm->prep_at || (e = prep_find(rm, uid)) == NULL ||
	    e->ical == NULL)
		return NULL;
	if (!prep_valid(rm, e, now)) {
		prep_clear(e);
		return NULL;
	}
	free(e->ical);
	e->ical = NULL;
	return e;
}

/* t with the delivery number num (n bytes) in place of its 0, in *out. */
static size_t
prep_splice(const struct prep_text *t, const char *num, int n, char **out)
{
	size_t	len = t->len - 1 + (size_t)n;

	*out = xmalloc(len + 1);
	memcpy(*out, t->text, t->at);
	memcpy(*out + t->at, num, (size_t)n);
	memcpy(*out + t->at + n, t->text + t->at + 1, t->len - t->at);
	return len;
}

/* A prepared reminder, delivery number seq, ready to deliver (in *o). */
void
remind_prep_out(struct prep_msg *m, int64_t seq, struct remind_out *o)
{
	char	num[24];
	int	n;

	json_object_set_new(m->msg, "seq", json_integer(seq));
	n = snprintf(num, sizeof num, "%lld", (long long)seq);
	o->msg = json_incref(m->msg);
	o->len = prep_splice(&m->full, num, n, &o->text);
	o->blen = prep_splice(&m->brief, num, n, &o->brief);
}

/* Forget what was prepared; prepare for the instant at from now on. */
void
remind_prep_reset(struct remind *rm, int64_t at)
{
	for (size_t i = 0; i < rm->nprep; i++) {
		prep_clear(&rm->prep[i]);
		free(rm->prep[i].uid);
		free(rm->prep[i].home);
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
 * What a prepared reminder keeps of its object beside its encodings (in
 * full and brief): what says who may see it (server_broadcast) and what
 * its delivery logs (remind_deliver).  The rest is in the text: a
 * reminder's object is some hundred values, and freeing a burst's objects
 * took as long as sending the burst.
 */
static json_t *
prep_keys(json_t *full)
{
	static const char *const keys[] = { "seq", "uid", "start_utc",
	    "parent", "anchor", "summary", "start", "tz", "due", "late" };
	json_t	*o = json_object(), *v;

	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		if ((v = json_object_get(full, keys[i])) != NULL)
			json_object_set(o, keys[i], v);
	return o;
}

/*
 * o encoded as a prepared text, its delivery number (a 0) to be spliced
 * in at t->at (0, or -1: it does not start as prep_head says).  Takes o.
 */
static int
prep_encode(json_t *o, struct prep_text *t)
{
	struct remind_out	e;
	size_t			n = sizeof prep_head - 1;

	t->text = NULL;
	if (remind_encode(o, &e) != 0 || e.len <= n ||
	    strncmp(e.text, prep_head, n) != 0 || e.text[n] != '0') {
		free(e.text);
		json_decref(o);
		return -1;
	}
	json_decref(o);
	t->text = e.text;
	t->len = e.len;
	t->at = n;
	return 0;
}

/*
 * The reminder d of p as it is pushed on time, encoded in full and in
 * brief (remind_brief), for the watchers that asked for that: made here,
 * ahead, not at the instant for every reminder of a burst (0, or -1).
 */
static int
prep_msg(struct remind *rm, struct remind_plan *p,
    const struct remind_due *d, struct prep_msg *m)
{
	json_t	*full = remind_describe(rm, p, d, 0, 0);

	m->due = *d;
	m->msg = prep_keys(full);
	m->brief.text = NULL;
	if (prep_encode(remind_brief(full), &m->brief) != 0)
		json_decref(full);
	else if (prep_encode(full, &m->full) == 0)
		return 0;
	free(m->brief.text);
	m->brief.text = NULL;
	m->full.text = NULL;
	return -1;
}

/* Work out and encode the reminders due at `at` of p (0, or -1). */
static int
prep_plan(struct remind *rm, struct remind_plan *p, int64_t at,
    struct prep *e)
{
	struct remind_due	*due = NULL;
	size_t			 ndue = 0;
	char			*why = NULL;
	int			 rc = -1;

	if (remind_plan_marks(rm, p, at, &why) != 0 ||
	    remind_collect(&p->in, at, at, &due, &ndue, &why) != 0 ||
	    ndue == 0 || remind_next(&p->in, at, &e->next, &why) != 0)
		goto out;
	e->msgs = xcalloc(ndue, sizeof *e->msgs);
	for (e->nmsgs = 0; e->nmsgs < ndue; e->nmsgs++)
		if (prep_msg(rm, p, &due[e->nmsgs], &e->msgs[e->nmsgs]) != 0) {
			e->nmsgs++;
			goto out;
		}
	rc = 0;
out:
	free(why);	/* the walk will say why */
	free(due);
	return rc;
}

/* Prepare one event due at at. */
static void
prep_one(struct remind *rm, const char *uid, int64_t at)
{
	struct remind_plan	 p;
	struct prep		*e;
	char			*why = NULL;

	/* A large record is parsed off the loop, for the walk to take. */
	if (remind_plan_defer(rm, uid, &p, &why) != 0) {
		free(why);	/* the walk will say why */
		return;
	}
	if (rm->nprep == rm->prep_cap) {
		rm->prep_cap = rm->prep_cap ? rm->prep_cap * 2 : 256;
		rm->prep = xreallocarray(rm->prep, rm->prep_cap,
		    sizeof *rm->prep);
	}
	e = &rm->prep[rm->nprep];
	memset(e, 0, sizeof *e);
	if (prep_plan(rm, &p, at, e) == 0) {
		e->uid = xstrdup(uid);
		e->home = xstrdup(rm->cfg->home_tz);
		e->ical = p.ical;
		p.ical = NULL;
		rm->nprep++;
	} else
		prep_clear(e);
	remind_plan_release(rm, &p);
}

/*
 * Prepare the events due at at, in uid order (the array stays sorted for
 * bsearch), for a slice of the loop's turn; prep_done once all are, or
 * PREP_MAX.
 */
void
remind_prep_some(struct remind *rm, int64_t at)
{
	int64_t	  end = clock_mono_ms() + PREP_SLICE_MS;
	char	**uids, *why = NULL;
	size_t	  n, i;

	do {
		if (store_remind_at(rm->host.store, at, rm->prep_last ?
		    rm->prep_last : "", PREP_BATCH, &uids, &n, &why) != 0) {
			free(why);
			rm->prep_done = 1;
			return;
		}
		for (i = 0; i < n && rm->nprep < PREP_MAX &&
		    (i == 0 || clock_mono_ms() < end); i++)
			prep_one(rm, uids[i], at);
		if (rm->nprep >= PREP_MAX || (i == n && n < PREP_BATCH)) {
			rm->prep_done = 1;
			log_debug("reminders: %zu events prepared for %lld",
			    rm->nprep, (long long)at);
		}
		else if (i > 0) {
			free(rm->prep_last);
			rm->prep_last = xstrdup(uids[i - 1]);
		}
		store_remind_uids_free(uids, n);
	} while (!rm->prep_done && clock_mono_ms() < end);
}
