/*
 * feed-audience.c — what a feed's audience sees: the window of days around
 * today, the classes it may read, no reference to an event it may not see
 * (feed_hidden), and the redaction; all of it as the options of the
 * export (ical-export.c) that writes the feed's calendar (feed_render) and
 * each record its briefing page reads (feed_view_record), so the page
 * shows what the feed shows and no more.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "feed.h"
#include "hash.h"
#include "log.h"
#include "server.h"
#include "store.h"
#include "xmalloc.h"

static void
feed_window(const struct config *cfg, const struct feed_def *d, int64_t day,
    struct feed_sel *sel)
{
	int64_t	past = d->past >= 0 ? d->past : feed_config_past(cfg);
	int64_t	future = d->future >= 0 ? d->future : feed_config_future(cfg);

	memset(sel, 0, sizeof *sel);
	sel->q.from = day - past;
	sel->q.to = day + 86400 + future;
	sel->q.kind = d->kind;
	sel->q.status = d->status;
	sel->q.participant = d->participant;
	sel->q.parent = d->parent;
	sel->q.search = d->search;
	sel->q.include_cancelled = 1;
	sel->classes = d->classes;
	sel->tombstones_since = day - feed_config_tombstones(cfg);
}

/*
 * What a build has learnt of the events that others point at (RELATED-TO,
 * X-KCAL-ANCHOR): may the feed show them?  One look-up per UID a build.
 */
struct refs_seen {
	struct server	*srv;
	int		 classes;
	char		**uid;
	unsigned char	*hidden;
	size_t		 size, n;
};

static size_t
refs_slot(const struct refs_seen *rs, const char *uid)
{
	size_t	i = (size_t)hash64(0, uid, strlen(uid)) & (rs->size - 1);

	while (rs->uid[i] != NULL && strcmp(rs->uid[i], uid) != 0)
		i = (i + 1) & (rs->size - 1);
	return i;
}

static void
refs_grow(struct refs_seen *rs)
{
	struct refs_seen	old = *rs;
	size_t			i;

	rs->size = old.size ? old.size * 2 : 64;
	rs->uid = xcalloc(rs->size, sizeof *rs->uid);
	rs->hidden = xcalloc(rs->size, sizeof *rs->hidden);
	for (size_t k = 0; k < old.size; k++) {
		if (old.uid[k] == NULL)
			continue;
		i = refs_slot(rs, old.uid[k]);
		rs->uid[i] = old.uid[k];
		rs->hidden[i] = old.hidden[k];
	}
	free(old.uid);
	free(old.hidden);
}

/*
 * Is uid an event the feed may not show (its class is not one the feed
 * carries)?  A UID of no event in the store is hidden too, as is one a
 * store error leaves unknown (the feed then leaves the reference out):
 * a feed points at no event it does not carry, and a deleted confidential
 * visit's UID, still named by its public programme, must not appear.
 */
static int
feed_hidden(void *arg, const char *uid)
{
	struct refs_seen	*rs = arg;
	char			*class = NULL, *why = NULL;
	size_t			 i;

	if (rs->n * 2 >= rs->size)
		refs_grow(rs);
	if (rs->uid[i = refs_slot(rs, uid)] != NULL)
		return rs->hidden[i];
	if (store_event_class(rs->srv->store, uid, &class, &why) != 0) {
		log_warnx("feed: %s", why);
		free(why);
		rs->hidden[i] = 1;
	} else
		rs->hidden[i] = class == NULL ||
		    (feed_class_bit(class) & rs->classes) == 0;
	rs->uid[i] = xstrdup(uid);
	rs->n++;
	free(class);
	return rs->hidden[i];
}

static void
refs_clear(struct refs_seen *rs)
{
	for (size_t i = 0; i < rs->size; i++)
		free(rs->uid[i]);
	free(rs->uid);
	free(rs->hidden);
}

/* How a feed redacts its events (and its briefing page). */
enum ical_redact
feed_redaction(const struct feed_def *d)
{
	if (d->redact == NULL)
		return REDACT_NONE;
	return strcmp(d->redact, "busy") == 0 ? REDACT_BUSY : REDACT_TITLE;
}

/* The export options of feed d on day: what its audience sees. */
static void
feed_opts(struct server *srv, const struct feed_def *d, int64_t day,
    struct feed_sel *sel, struct ical_out_opts *o, struct refs_seen *rs)
{
	const struct config	*cfg = srv->cfg;

	feed_window(cfg, d, day, sel);
	memset(o, 0, sizeof *o);
	o->calname = strcmp(d->name, "all") == 0 && d->token == NULL ?
	    feed_config_name(cfg) : d->name;
	o->feed = 1;
	o->alarms = d->alarms;
	o->redact = feed_redaction(d);
	o->refresh = feed_config_refresh(cfg);
	o->from = sel->q.from;
	o->to = sel->q.to;
	o->home = cfg->home_tz;
	o->classes = (unsigned)d->classes;
	memset(rs, 0, sizeof *rs);
	rs->srv = srv;
	rs->classes = d->classes;
	o->hidden = feed_hidden;
	o->hidden_arg = rs;
}

/*
 * The calendar feed d shows on day, as its audience sees it; c holds what
 * its last build wrote (ical-export.c writes again only what changed).
 * *cut: a series' walk ran out of its budget (ical_out_cut).
 */
char *
feed_render(struct server *srv, const struct feed_def *d,
    struct ical_cache *c, int64_t day, size_t *len, int *cut, char **cause)
{
	struct ical_out_opts	 o;
	struct ical_out		*out;
	struct feed_sel		 sel;
	struct refs_seen	 rs;
	char			*body;

	feed_opts(srv, d, day, &sel, &o, &rs);
	o.cache = c;
	out = ical_out_new(&o);
	if (feed_select(srv, &sel, out, cause) != 0) {
		ical_out_free(out);
		refs_clear(&rs);
		return NULL;
	}
	*cut = ical_out_cut(out);
	body = ical_out_finish(out, len);
	refs_clear(&rs);
	return body;
}

/*
 * A feed's audience, for what else it reads (briefing.c): each stored
 * record written as the feed writes it, by the feed's own options.
 */
struct feed_view {
	struct ical_out		*out;
	struct refs_seen	 rs;
};

struct feed_view *
feed_view_new(struct server *srv, const struct feed_def *d)
{
	struct feed_view	*v = xcalloc(1, sizeof *v);
	struct ical_out_opts	 o;
	struct feed_sel		 sel;
	int64_t			 now = server_now(srv);

	feed_opts(srv, d, now - ((now % 86400) + 86400) % 86400, &sel, &o,
	    &v->rs);
	v->out = ical_out_new(&o);
	return v;
}

/*
 * One stored record as the feed's audience sees it, a VCALENDAR; NULL
 * with *cause NULL when the feed shows none of it (its class).
 */
char *
feed_view_record(struct feed_view *v, const char *text, char **cause)
{
	return ical_out_record(v->out, text, cause);
}

void
feed_view_free(struct feed_view *v)
{
	if (v == NULL)
		return;
	ical_out_free(v->out);
	refs_clear(&v->rs);
	free(v);
}
