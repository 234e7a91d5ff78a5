/*
 * anchor.c — anchored logistics (anchor.h).  An anchored event's start is
 * always its anchor's start plus its offset: the anchor is where the time
 * comes from, so a start given for an anchored event is refused rather
 * than silently overwritten the next time the anchor moves.
 *
 * A cycle (A follows B follows A) would move forever; it is refused when
 * an anchor is set, by walking the chain up from the new anchor, and so is
 * an imported event that would make one (cmd-import.c).  Stored data
 * that holds a cycle anyway (from before imports were checked) is cut off
 * by the depth bound when moving.
 */
#include <stdlib.h>
#include <string.h>

#include "anchor.h"
#include "cmd.h"
#include "ical.h"
#include "kcal-protocol.h"
#include "server.h"
#include "store.h"
#include "store-itinerary.h"
#include "xmalloc.h"

/* The "anchor" and "anchor_offset" arguments of add and update. */
int
anchor_args(struct cmd_ctx *ctx, struct event_change *ch)
{
	json_t	*off = json_object_get(ctx->req, "anchor_offset");

	if (cmd_arg_str(ctx, "anchor", 0, &ch->anchor) != 0)
		return -1;
	if (ch->anchor != NULL && *ch->anchor != '\0') {
		if (cmd_arg_uid(ctx, "anchor", &ch->owned_anchor) != 0)
			return -1;
		ch->anchor = ch->owned_anchor;
	}
	if (off == NULL || json_is_null(off))
		return 0;
	if (!json_is_integer(off) || json_integer_value(off) <
	    -KCAL_ANCHOR_MAX_OFFSET || json_integer_value(off) >
	    KCAL_ANCHOR_MAX_OFFSET) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"anchor_offset\" must be "
		    "seconds from the anchor's start, within a year either way");
		return -1;
	}
	ch->anchor_offset = json_integer_value(off);
	ch->set_anchor_offset = 1;
	return 0;
}

/*
 * The stored event uid (what it is to the write: "anchor", "event"),
 * extracted; 0 or -1 with the error set.  A record that is there but
 * cannot be read is damaged, not missing: a store error that says so.
 */
static int
load(struct cmd_ctx *ctx, const char *what, const char *uid, struct event *ev)
{
	char	*text = NULL, *why = NULL;
	int	 rc;

	rc = store_get(ctx->srv->store, uid, &text, &why);
	if (rc == STORE_NOT_FOUND)
		cmd_error(ctx, KCAL_E_NOT_FOUND, "%s %s: no such event", what,
		    uid);
	else if (rc != 0)
		cmd_error(ctx, KCAL_E_STORE, "%s %s: %s", what, uid, why);
	else if (ical_extract(text, ctx->srv->cfg->home_tz, ev, &why) != 0) {
		cmd_error(ctx, KCAL_E_STORE, "%s %s: the stored record is "
		    "damaged (%s); import a good copy over it or delete it",
		    what, uid, why);
		rc = -1;
	}
	free(text);
	free(why);
	return rc == 0 ? 0 : -1;
}

/* Is uid's event there (for this request's clearance)? */
static int
present(struct cmd_ctx *ctx, const char *uid)
{
	char	*text = NULL;
	int	 rc;

	rc = store_get(ctx->srv->store, uid, &text, NULL);
	free(text);
	return rc == 0;
}

/*
 * How deep uid will be once anchored to anchor: the anchors above it, 1
 * and up; *hidden set when st's clearance hides one of them.  Refuse a
 * cycle (anchor follows uid already, directly or through a chain),
 * naming the chain unless it runs through a hidden event: -1 with *why.
 * The walk stops past the limit.  -2 with *why: the store failed.
 */
static int
depth_above(struct store *st, const char *uid, const char *anchor,
    int *depth, int *hidden, char **why)
{
	char	*cur = xstrdup(anchor), *next = NULL, *chain, *t;
	int	 rc = 0;

	*depth = 0;
	*hidden = 0;
	xasprintf(&chain, "%s -> %s", uid, anchor);
	while (cur != NULL && *depth <= ANCHOR_MAX_DEPTH) {
		if (strcmp(cur, uid) == 0) {
			xasprintf(why, "anchoring %s to %s would make a cycle"
			    "%s%s%s; an event cannot follow itself", uid,
			    anchor, *hidden ? "" : " (", *hidden ? "" : chain,
			    *hidden ? "" : ")");
			rc = -1;
			break;
		}
		if (!store_visible(st, cur))
			*hidden = 1;
		(*depth)++;
		if (store_anchor_of(st, cur, &next, why) < 0) {
			rc = -2;
			break;
		}
		if (next != NULL && *depth <= ANCHOR_MAX_DEPTH) {
			xasprintf(&t, "%s -> %s", chain, next);
			free(chain);
			chain = t;
		}
		free(cur);
		cur = next;
		next = NULL;
	}
	free(cur);
	free(chain);
	return rc;
}

/*
 * Walk the followers below uid level by level, cancelled ones too (they
 * may be restored): *height the levels (0: none), *hidden set when one
 * is not visible at st's clearance (hidden may be NULL).  It stops past
 * the limit, which also ends a cycle in stored data.  -2 with *why: the
 * store failed.
 */
static int
walk_below(struct store *st, const char *uid, int *height, int *hidden,
    char **why)
{
	char	**level, **next, **f;
	size_t	  n, nn, nf, i, j;
	int	  rc = 0;

	level = xcalloc(1, sizeof *level);
	level[0] = xstrdup(uid);
	n = 1;
	for (*height = 0; n > 0 && *height <= ANCHOR_MAX_DEPTH; (*height)++) {
		next = NULL;
		nn = 0;
		for (i = 0; i < n && rc == 0; i++) {
			if (store_anchored(st, level[i], 1, &f, &nf, why) != 0) {
				rc = -2;
				break;
			}
			next = xreallocarray(next, nn + nf + 1, sizeof *next);
			for (j = 0; j < nf; j++) {
				if (hidden != NULL && !store_visible(st, f[j]))
					*hidden = 1;
				next[nn++] = f[j];
			}
			free(f);
		}
		for (i = 0; i < n; i++)
			free(level[i]);
		free(level);
		level = next;
		n = nn;
		if (rc != 0 || n == 0)
			break;
	}
	for (i = 0; i < n; i++)
		free(level[i]);
	free(level);
	return rc;
}

/*
 * Does an event that st's clearance hides follow uid, at any depth?  A
 * change of uid would move it: a writer who may not see it may not
 * (write-put.c), nor learn of it from a refusal that names it.  1 yes,
 * 0 no, -2 with *why: the store failed.
 */
int
anchor_hidden_followers(struct store *st, const char *uid, char **why)
{
	int	height, hidden = 0;

	if (walk_below(st, uid, &height, &hidden, why) != 0)
		return -2;
	return hidden;
}

/*
 * May uid follow anchor in st?  Not when it would make a cycle or a chain
 * deeper than ANCHOR_MAX_DEPTH, counting uid's own followers: what is
 * accepted can always be moved from its root (write.c).  0; -1 refused,
 * -2 the store failed, each with *why.
 */
int
anchor_check_chain(struct store *st, const char *uid, const char *anchor,
    char **why)
{
	int	above, below, hidden, rc;

	if ((rc = depth_above(st, uid, anchor, &above, &hidden, why)) != 0 ||
	    (rc = walk_below(st, uid, &below, &hidden, why)) != 0)
		return rc;
	if (above + below > ANCHOR_MAX_DEPTH && hidden) {
		/* Not how deep: that would count events it may not see. */
		xasprintf(why, "anchoring %s to %s would make a chain of "
		    "anchors too deep; at most %d may follow one another",
		    uid, anchor, ANCHOR_MAX_DEPTH);
		return -1;
	}
	if (above + below > ANCHOR_MAX_DEPTH) {
		xasprintf(why, "anchoring %s to %s would make a chain of "
		    "anchors %s%d deep%s; at most %d may follow one another",
		    uid, anchor, above > ANCHOR_MAX_DEPTH ||
		    below > ANCHOR_MAX_DEPTH ? "more than " : "",
		    above > ANCHOR_MAX_DEPTH || below > ANCHOR_MAX_DEPTH ?
		    ANCHOR_MAX_DEPTH : above + below, below > 0 ? " (with "
		    "its own followers)" : "", ANCHOR_MAX_DEPTH);
		return -1;
	}
	return 0;
}

/* anchor_check_chain for a write of the loop's store, the error set. */
static int
check_chain(struct cmd_ctx *ctx, const char *uid, const char *anchor)
{
	char	*why = NULL;
	int	 rc;

	rc = anchor_check_chain(ctx->srv->store, uid, anchor, &why);
	if (rc != 0)
		cmd_error(ctx, rc == -1 ? KCAL_E_BAD_ARGUMENT : KCAL_E_STORE,
		    "%s", why ? why : "cannot read the store");
	free(why);
	return rc == 0 ? 0 : -1;
}

/*
 * Before a write of event uid (NULL: a new event, new_uid): work out the
 * anchor the event will have, refuse what cannot be, and when the anchor
 * or the offset is set, set the start from them.  A move made by
 * following its anchor (write.c, ctx->depth > 0) is taken as it is.
 */
int
anchor_prepare(struct cmd_ctx *ctx, const char *uid, const char *new_uid,
    struct event_change *ch)
{
	struct event	 cur, a;
	const char	*anchor;
	int64_t		 off;
	int		 exact, rc = -1;

	if (ctx->depth > 0)
		return 0;
	event_init(&cur);
	event_init(&a);
	if (uid != NULL && load(ctx, "event", uid, &cur) != 0)
		return -1;
	anchor = ch->anchor ? (*ch->anchor ? ch->anchor : NULL) : cur.anchor;
	if (anchor == NULL) {
		if (ch->set_anchor_offset)
			cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "\"anchor_offset\" "
			    "needs an anchor");
		else
			rc = 0;
		goto out;
	}
	if (ch->start.kind != WHEN_NONE) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "the event is anchored to "
		    "%s, which sets its start: change the offset, or remove the "
		    "anchor first", anchor);
		goto out;
	}
	/*
	 * An all-day event follows none.  One stored before imports and PUTs
	 * refused it may still be edited, its anchor left alone.
	 */
	if (ch->all_day == 1 || (uid != NULL && cur.all_day &&
	    ch->all_day != 0 && (ch->anchor != NULL || ch->set_anchor_offset ||
	    ch->tz != NULL))) {
		cmd_error(ctx, KCAL_E_BAD_ARGUMENT, "an all-day event cannot be "
		    "anchored");
		goto out;
	}
	/*
	 * It stays where its anchor put it, unless its zone changes: whole
	 * days of its offset are days there (ical_anchor_at).  And if its
	 * anchor is not there (an import may leave one dangling), as before.
	 */
	if (ch->anchor == NULL && !ch->set_anchor_offset &&
	    (ch->tz == NULL || !present(ctx, anchor))) {
		rc = 0;
		goto out;
	}
	if (check_chain(ctx, uid ? uid : new_uid, anchor) != 0 ||
	    load(ctx, "anchor", anchor, &a) != 0)
		goto out;
	off = ch->set_anchor_offset ? ch->anchor_offset :
	    cur.anchor != NULL ? cur.anchor_offset : 0;
	exact = ch->set_anchor_offset ? ch->anchor_exact :
	    cur.anchor != NULL && cur.anchor_exact;
	/* A new event happens where its anchor does, unless told. */
	if (uid == NULL && ch->tz == NULL && a.tz != NULL) {
		free(ch->owned_tz);
		ch->tz = ch->owned_tz = xstrdup(a.tz);
	}
	ch->start.kind = WHEN_UTC;
	ch->start.utc = ical_anchor_at(ch->tz ? ch->tz : cur.tz ? cur.tz :
	    a.tz, a.start, off, exact);
	ch->anchor_offset = off;
	ch->anchor_exact = exact;
	ch->set_anchor_offset = 1;
	rc = 0;
out:
	event_clear(&cur);
	event_clear(&a);
	return rc;
}

/*
 * Must the follower uid of ev (just written) move, and where to: 1 with
 * *want set, 0 when it is where it belongs (or no longer follows ev, or
 * is all-day), -1 with the error set.
 */
int
anchor_follower(struct cmd_ctx *ctx, const struct event *ev, const char *uid,
    int64_t *want)
{
	struct event	d;
	int		rc;

	event_init(&d);
	if (load(ctx, "follower", uid, &d) != 0)
		return -1;
	*want = ical_anchor_at(d.tz, ev->start, d.anchor_offset,
	    d.anchor_exact);
	rc = d.anchor != NULL && strcmp(d.anchor, ev->uid) == 0 &&
	    d.start != *want && !d.all_day;
	event_clear(&d);
	return rc;
}
