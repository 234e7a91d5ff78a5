/*
 * remind-deliver.c — what a reminder says and where it goes.  The
 * reminder object (remind_describe: the event as the protocol shows it,
 * moved to the occurrence reminded of, then what is particular to the
 * reminder) is what `kcal watch` is pushed, what `kcal reminders` lists
 * and what each hook finds in its environment (notify_env).
 *
 * A reminder is encoded once (remind_encode; for a burst, ahead:
 * remind-prep.c): the watchers are sent that text and the hooks queued it.
 *
 * Exactly once to watchers, at least once to the hooks.  A reminder's
 * state is committed before it is delivered (remind-walk.c), and every
 * delivery takes a sequence number so that `kcal watch`, when it
 * reconnects to a restarted daemon, is replayed what it missed
 * (remind_replay) and nothing twice.  The same commit queues the run of
 * each hook it owes (queue_hook: hook_jobs, run by notify.c), which leaves
 * the queue only when the hook has finished.  When the store cannot
 * record, the runs are handed to notify.c in memory (remind_hook_held).
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "config.h"
#include "log.h"
#include "notify.h"
#include "remind-held.h"
#include "remind-int.h"
#include "store-remind.h"
#include "tz.h"
#include "xmalloc.h"

#define REPLAY_SLICE_MS	8	/* of one page of a watcher's replay */

/* notify.c's view of the settings: notify_cmd number n, its timeout. */
const char *
remind_hook_cmd(void *arg, int n, int64_t *timeout)
{
	struct remind	*rm = arg;

	*timeout = remind_config_notify_timeout(rm->cfg);
	return remind_config_notify_cmd(rm->cfg, n);
}

/*
 * Queue a run of each hook (notify_cmd) for a reminder being recorded as
 * fired, delivery number seq, encoded as o (in the same transaction:
 * notify.c runs the queue): the hooks are owed what the store says was
 * delivered.
 */
int
remind_queue_hook(struct remind *rm, const char *uid,
    const struct remind_due *d, const struct remind_out *o, int64_t seq,
    int64_t now, char **cause)
{
	struct hook_job	j;
	int		rc = 0, ncmds;

	if ((ncmds = remind_config_notify_ncmds(rm->cfg)) == 0)
		return 0;
	memset(&j, 0, sizeof j);
	j.uid = xstrdup(uid);
	j.occ = d->occ;
	j.due = d->due;
	j.seq = seq;
	j.msg = xmalloc(o->len);	/* the line, without its newline */
	memcpy(j.msg, o->text, o->len - 1);
	j.msg[o->len - 1] = '\0';
	j.queued = now;
	for (j.cmd = 0; rc == 0 && j.cmd < ncmds; j.cmd++)
		rc = store_hook_add(rm->host.store, &j, cause);
	free(j.uid);
	free(j.msg);
	return rc;
}

/*
 * msg encoded as it is pushed (a compact line, as server_encode makes it),
 * in *o with msg's reference: 0, or -1 (o->text NULL).
 */
int
remind_encode(json_t *msg, struct remind_out *o)
{
	char	*s = json_dumps(msg, JSON_COMPACT);
	size_t	 n;

	o->msg = msg;
	o->text = o->brief = NULL;
	o->len = o->blen = 0;
	if (s == NULL)
		return -1;
	n = strlen(s);
	o->text = xreallocarray(s, n + 2, 1);
	o->text[n] = '\n';
	o->text[n + 1] = '\0';
	o->len = n + 1;
	return 0;
}

/*
 * What a reminder's brief form keeps (a watcher that asked for it: the
 * one-line notices of `kcal watch`): a thousand full objects are some
 * 2 MB for each watcher to send and parse, of which a notice shows a few
 * fields; the description and the participants are most of it.
 */
static const char *const brief_keys[] = { "event", "seq", "uid",
    "summary", "kind", "status", "class", "all_day", "tz", "home_tz",
    "start", "start_abbr", "start_home", "home_abbr", "start_utc", "end",
    "end_utc", "location", "city", "due", "due_abbr", "due_utc", "at",
    "at_abbr", "at_utc", "before", "late", "late_by", "snoozed" };

/* msg's brief form: a new object holding the keys above that msg has. */
json_t *
remind_brief(json_t *msg)
{
	json_t	*o = json_object(), *v;

	for (size_t i = 0; i < sizeof brief_keys / sizeof *brief_keys; i++)
		if ((v = json_object_get(msg, brief_keys[i])) != NULL)
			json_object_set(o, brief_keys[i], v);
	return o;
}

void
remind_outq_add(struct remind_outq *q, struct remind_out *o)
{
	if (q->n == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 64;
		q->v = xreallocarray(q->v, q->cap, sizeof *q->v);
	}
	q->v[q->n++] = *o;
}

/* Forget the queue's messages (delivered, or never to be). */
void
remind_outq_clear(struct remind_outq *q)
{
	for (size_t i = 0; i < q->n; i++) {
		json_decref(q->v[i].msg);
		free(q->v[i].text);
		free(q->v[i].brief);
	}
	free(q->v);
	memset(q, 0, sizeof *q);
}

/* The store could not record a reminder: its hook runs from memory. */
void
remind_hook_held(struct remind *rm, json_t *msg)
{
	const struct config	*cfg = rm->cfg;
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
 * Deliver one reminder (taking o's message and text) to every watcher;
 * the hook's run was queued with its state (remind_queue_hook) or handed
 * over (remind_hook_held).  The log has it after the watchers were sent
 * it (remind_log_delivered): a burst's thousand log lines would be
 * written first otherwise.
 */
void
remind_deliver(struct remind *rm, struct remind_out *o)
{
	struct remind_out	l = { json_incref(o->msg), NULL, 0, NULL, 0 };
	int64_t			seq;

	seq = json_integer_value(json_object_get(o->msg, "seq"));
	if (seq > rm->shown)
		rm->shown = seq;
	remind_outq_add(&rm->logq, &l);
	notify_kick(rm->notify);	/* its hook run is queued */
	rm->host.push(rm->host.arg, o->msg, o->text, o->len, o->brief,
	    o->blen);
	o->msg = NULL;
	o->text = NULL;
	o->brief = NULL;
}

/* The reminders delivered since the last call, to the log. */
void
remind_log_delivered(struct remind *rm)
{
	json_t		*msg;
	const char	*late;

	for (size_t i = 0; i < rm->logq.n; i++) {
		msg = rm->logq.v[i].msg;
		late = json_is_true(json_object_get(msg, "late")) ?
		    " (late)" : "";
		log_info("reminder%s: \"%s\" starts %s %s, due %s; uid %s",
		    late, field(msg, "summary"), field(msg, "start"),
		    field(msg, "tz"), field(msg, "due"), field(msg, "uid"));
	}
	remind_outq_clear(&rm->logq);
}

static void
set_iso(json_t *o, const char *key, const char *tz, int64_t t)
{
	char	buf[64];

	tz_iso(tz, t, buf, sizeof buf);
	json_object_set_new(o, key, json_string(buf));
}

/* The start of the occurrence a reminder is about. */
static int64_t
remind_describe_start(const struct remind_plan *p, const struct remind_due *d)
{
	if (d->before == REMIND_ABSOLUTE)
		return remind_occurrence(&p->in, d->due);
	return d->occ;
}

struct shown {
	const char	*home;
	json_t		*ej;
};

static void
show_cb(void *arg, const struct event *ev)
{
	struct shown	*sh = arg;

	sh->ej = event_to_json(ev, sh->home);
	json_object_del(sh->ej, "remind");
	json_object_del(sh->ej, "remind_at");
}

/*
 * The occurrence starting at start, as the protocol shows the event: an
 * override's own fields (summary, place, start in its zone, class...),
 * else the master's moved there.
 */
static json_t *
remind_describe_event(struct remind *rm, const struct remind_plan *p,
    int64_t start)
{
	struct shown	sh = { rm->cfg->home_tz, NULL };

	remind_occurrence_fields(&p->in, start, show_cb, &sh);
	return sh.ej;
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
	const char	*home = rm->cfg->home_tz;
	int64_t		 start = remind_describe_start(p, d);
	json_t		*o, *ej;
	char		 ab[16];

	o = json_pack("{s:s, s:I}", "event", "reminder", "seq",
	    (json_int_t)seq);
	ej = remind_describe_event(rm, p, start);
	json_object_update(o, ej);
	json_decref(ej);
	set_iso(o, "due", home, d->due);
	tz_abbr(home, d->due, ab, sizeof ab);
	json_object_set_new(o, "due_abbr", json_string(ab));
	json_object_set_new(o, "due_utc", json_integer(d->due));
	/* When it goes off: the end of its snooze, or when it was due. */
	set_iso(o, "at", home, d->at);
	tz_abbr(home, d->at, ab, sizeof ab);
	json_object_set_new(o, "at_abbr", json_string(ab));
	json_object_set_new(o, "at_utc", json_integer(d->at));
	json_object_set_new(o, "before", d->before == REMIND_ABSOLUTE ?
	    json_null() : json_integer(d->before));
	json_object_set_new(o, "snoozed", json_boolean(d->snoozed));
	json_object_set_new(o, "late", json_boolean(late_by > 0));
	json_object_set_new(o, "late_by", json_integer(late_by));
	return o;
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
	d.at = r->fired_at - r->late;	/* as it was pushed: not late */
	d.before = remind_before(&p.in, d.occ, d.due);
	d.snoozed = r->deliveries > 1;
	o = remind_describe(rm, &p, &d, r->late, r->seq);
	json_object_set_new(o, "replay", json_true());
	remind_plan_clear(&p);
	return o;
}

static int
cmp_seq(const void *a, const void *b)
{
	const struct remind_row	*x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * The deliveries made from memory while the store could not record them
 * (remind-held.h), after since and, when the store's page is full, before
 * its last: merged into rows[0..*n) in order of number (one the store has
 * recorded meanwhile is there once).  The caller frees rows.
 */
static struct remind_row *
add_held(struct remind *rm, int64_t since, size_t limit,
    struct remind_row *rows, size_t *n)
{
	const struct remind_held_fact	*f;
	struct remind_row		*r;
	const char			*uid;
	int64_t				 occ, due, last = INT64_MAX;
	size_t				 i, k;

	if (*n == limit && *n > 0)
		last = rows[*n - 1].seq;
	for (i = 0; (f = remind_held_nth(rm->held, i, &uid, &occ, &due)) !=
	    NULL; i++) {
		if (f->seq <= since || f->seq >= last)
			continue;
		rows = xreallocarray(rows, *n + 1, sizeof *rows);
		r = &rows[(*n)++];
		memset(r, 0, sizeof *r);
		r->uid = xstrdup(uid);
		r->mark.occ = occ;
		r->mark.due = due;
		r->mark.state = REMIND_FIRED;
		r->fired_at = f->fired_at;
		r->late = f->late;
		r->seq = f->seq;
		r->deliveries = f->snoozed ? 2 : 1;	/* as it was pushed */
	}
	if (*n > 1)
		qsort(rows, *n, sizeof *rows, cmp_seq);
	for (i = k = 0; i < *n; i++) {
		if (k > 0 && rows[k - 1].seq == rows[i].seq) {
			free(rows[i].uid);
			continue;
		}
		rows[k++] = rows[i];
	}
	*n = k;
	return rows;
}

/*
 * The deliveries after sequence number since, oldest first (at most
 * limit, and those delivered from memory meanwhile): what a watcher that
 * lost its connection missed.  Not what a
 * burst has recorded and not yet delivered: that is pushed to it live.
 * *next is 0 when nothing delivered is left after the page, else the
 * number of the last delivery the page read (a row whose event is gone
 * included): the since of the next page.  A page also ends once it has
 * taken REPLAY_SLICE_MS (each delivery is described again from its
 * event's record, on the loop): a watcher back after a long outage asks
 * for page after page, and the loop answers others in between.
 */
json_t *
remind_replay(struct remind *rm, int64_t since, size_t limit, int64_t *next,
    char **cause)
{
	struct remind_row	*rows;
	size_t			 n, i;
	json_t			*a, *o;
	int64_t			 end;
	int			 full;

	*next = 0;
	if (store_remind_since(rm->host.store, since, limit, &rows, &n,
	    cause) != 0)
		return NULL;
	full = n > 0 && n == limit;	/* the store has more after this page */
	if (remind_held_count(rm->held) > 0)
		rows = add_held(rm, since, limit, rows, &n);
	while (n > limit) {		/* the rest in the next page */
		free(rows[--n].uid);
		full = 1;
	}
	a = json_array();
	end = clock_mono_ms() + REPLAY_SLICE_MS;
	for (i = 0; i < n && rows[i].seq <= rm->shown &&
	    (i % 16 != 0 || i == 0 || clock_mono_ms() < end); i++)
		if ((o = replay_one(rm, &rows[i])) != NULL)
			json_array_append_new(a, o);
	if (i > 0 && i < n && rows[i].seq <= rm->shown)	/* the time is up */
		*next = rows[i - 1].seq;
	else if (full && i == n && rows[n - 1].seq < rm->shown)
		*next = rows[n - 1].seq;
	store_remind_rows_free(rows, n);
	return a;
}
