/*
 * remind-prep.c — events parsed ahead of their reminder.  A burst of
 * reminders due together (1,000 at 09:00) otherwise spends most of its
 * time parsing iCalendar text and building JSON while they are already
 * late.  PREP_LEAD seconds before the earliest pending instant (the timer,
 * remind-timer.c), the events due then -- at most PREP_MAX -- are parsed
 * and the occurrence reminded of is built as the protocol shows it, a
 * batch a turn of the loop; the walk when it falls due (remind-walk.c)
 * does little more than record and deliver.
 *
 * This is the one per-reminder memory of the daemon, and only a cache:
 * the walk takes an entry only if the event's text and the home time zone
 * are unchanged; anything else is planned from the store as usual.
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "recur.h"
#include "remind-int.h"
#include "store-remind.h"
#include "xmalloc.h"

#define PREP_BATCH	256	/* events looked at per turn of the loop */
#define PREP_MAX	1024	/* events prepared for one instant */

struct prep {
	char		*uid;
	char		*ical;		/* the text parsed; NULL once taken */
	char		*home;
	struct recur	*series;	/* it, parsed */
	json_t		*ej;
	int64_t		 ej_start;
};

static int
prep_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct prep *)elem)->uid);
}

/* The walk takes uid's prepared event, if its text is unchanged. */
int
remind_prep_take(struct remind *rm, const char *uid, struct remind_plan *p)
{
	struct prep	*e;

	if (!rm->walking || rm->nprep == 0)
		return 0;
	e = bsearch(uid, rm->prep, rm->nprep, sizeof *rm->prep, prep_cmp);
	if (e == NULL || e->ical == NULL || strcmp(e->ical, p->ical) != 0 ||
	    strcmp(e->home, rm->cfg->home_tz) != 0)
		return 0;
	p->series = e->series;
	e->series = NULL;
	p->ej = e->ej;
	p->ej_start = e->ej_start;
	e->ej = NULL;
	free(e->ical);
	e->ical = NULL;
	return 1;
}

/* Forget what was prepared; prepare for the instant at from now on. */
void
remind_prep_reset(struct remind *rm, int64_t at)
{
	for (size_t i = 0; i < rm->nprep; i++) {
		free(rm->prep[i].uid);
		free(rm->prep[i].ical);
		free(rm->prep[i].home);
		recur_close(rm->prep[i].series);
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

/* Prepare one event due at at. */
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
		e->home = xstrdup(rm->cfg->home_tz);
		e->ej_start = remind_describe_start(&p, &due[0]);
		e->ej = remind_describe_event(rm, &p, e->ej_start);
		e->ical = p.ical;
		e->series = p.series;
		p.ical = NULL;
		p.series = NULL;
	}
	free(why);
	free(due);
	remind_plan_clear(&p);
}

/*
 * Prepare a batch of the events due at at, in uid order (the array stays
 * sorted for bsearch); prep_done once all are, or PREP_MAX.
 */
void
remind_prep_some(struct remind *rm, int64_t at)
{
	char	**uids, *why = NULL;
	size_t	  n;

	if (store_remind_at(rm->host.store, at, rm->prep_last ?
	    rm->prep_last : "", PREP_BATCH, &uids, &n, &why) != 0) {
		free(why);
		rm->prep_done = 1;
		return;
	}
	for (size_t i = 0; i < n && rm->nprep < PREP_MAX; i++)
		prep_one(rm, uids[i], at);
	if (n < PREP_BATCH || rm->nprep >= PREP_MAX)
		rm->prep_done = 1;
	else {
		free(rm->prep_last);
		rm->prep_last = xstrdup(uids[n - 1]);
	}
	store_remind_uids_free(uids, n);
}
