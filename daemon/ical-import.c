/*
 * ical-import.c — an .ics file in, as the records the store keeps: the
 * passes of an import, and the reading of the file piece by piece.
 *
 * The file goes through ical-lint.c first (lines, grammar, nesting; every
 * later error can then name its line), which sets each piece's lines
 * aside as it ends (lint-spool.c).  Then the pieces — each VTIMEZONE, each
 * VEVENT on its own — are read back one at a time and parsed by libical
 * from the unfolded text, so neither libical nor this file holds the whole
 * file: what is kept per event is its UID and its piece, and a record is
 * freed once handed over.  The passes:
 *  1. scan: every piece but the events parsed and checked
 *     (ical-import-check.c); each event's UID and the zones it uses noted
 *     from its lines; to-dos and the like counted and ignored; a file with
 *     more events than max_events refused before any is read; the zones
 *     resolved (ical-import-zones.c).
 *  2. events without a UID named from their content (ical-import-repair.c).
 *  3. the events grouped by UID; each UID's VEVENTs read, checked, their
 *     times rewritten, a missing DTSTAMP filled in, made one record
 *     (ical-import-record.c), handed to the caller and freed.
 * Any problem refuses the whole file, with the error a reading of the
 * whole file finds first (imp_diagnose); the caller undoes the records
 * handed over before it (cmd-import.c, one transaction).  No store here.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libical/ical.h>

#include "ical-import-int.h"
#include "ical-serialize.h"
#include "lint-spool.h"
#include "xmalloc.h"

/* The file's error, "NAME:LINE: what is wrong" (the first kept); -1. */
int
imp_fail(struct imp *im, int line, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	if (im->err != NULL)
		return -1;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (line > 0)
		xasprintf(&im->err, "%s:%d: %s", im->o->name, line,
		    msg ? msg : "error");
	else
		xasprintf(&im->err, "%s: %s", im->o->name, msg ? msg : "error");
	free(msg);
	return -1;
}

/* A warning for the reply: a repair made, something ignored. */
void
imp_warn(struct imp *im, const char *fmt, ...)
{
	va_list			 ap;
	char			*msg;
	struct ical_import	*out = im->out;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (msg == NULL)
		return;
	out->warnings = xreallocarray(out->warnings, out->nwarnings + 1,
	    sizeof *out->warnings);
	out->warnings[out->nwarnings++] = msg;
}

/* c and its descendants into im->comp, in pre-order. */
static void
collect(struct imp *im, icalcomponent *c)
{
	icalcomponent	*k;

	im->comp = xreallocarray(im->comp, im->ncomp + 1, sizeof *im->comp);
	im->comp[im->ncomp++] = c;
	for (k = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); k;
	    k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
		collect(im, k);
}

static int
is_vcal(const struct imp *im, int j)
{
	return j >= 0 && strcmp(im->l.comps[j].name, "VCALENDAR") == 0;
}

/* A piece: a component of a VCALENDAR (or of none), read on its own. */
static int
is_root(const struct imp *im, int j)
{
	return !is_vcal(im, j) && (im->l.comps[j].parent < 0 ||
	    is_vcal(im, im->l.comps[j].parent));
}

/* Is component j read on its own (a piece, or a VCALENDAR's properties)? */
int
imp_is_piece(const struct imp *im, int j)
{
	return is_vcal(im, j) || is_root(im, j);
}

/* How many components j is, with its descendants (pre-order). */
static size_t
subtree(const struct imp *im, int j)
{
	size_t	k;

	for (k = (size_t)j + 1; k < im->l.ncomps &&
	    im->l.comps[k].parent >= j; k++)
		;
	return k - (size_t)j;
}

/* The lines of each component's BEGIN and END (the scan noted them). */
static void
spans(struct imp *im)
{
	struct lint	*l = &im->l;

	free(im->cbeg);
	free(im->cend);
	im->cbeg = xcalloc(l->ncomps + 1, sizeof *im->cbeg);
	im->cend = xcalloc(l->ncomps + 1, sizeof *im->cend);
	for (size_t j = 0; j < l->ncomps; j++) {
		im->cbeg[j] = l->comps[j].beg;
		im->cend[j] = l->comps[j].end;
	}
}

/* Piece p's lines (the file's pieces in order) into im->l; -1 on error. */
int
imp_load(struct imp *im, size_t p)
{
	if (im->loaded == p + 1)
		return 0;
	im->loaded = 0;
	if (lint_spool_get(im->file.spool, p, &im->l) != 0)
		return imp_fail(im, 0, "cannot read back the file's lines");
	spans(im);
	im->loaded = p + 1;
	return 0;
}

/* libical on the lines [lo, hi] of the unfolded text, in place. */
static icalcomponent *
parse_lines(struct imp *im, size_t lo, size_t hi)
{
	struct lint	*l = &im->l;
	char		*end, save;
	icalcomponent	*c;

	end = l->text + l->lines[hi].off + l->lines[hi].len + 1;
	save = *end;
	*end = '\0';
	c = ical_parse(l->text + l->lines[lo].off);
	*end = save;
	return c;
}

/* A VCALENDAR's own properties, without its components. */
static icalcomponent *
parse_calendar(struct imp *im, int j)
{
	struct lint	*l = &im->l;
	icalcomponent	*c;
	char		*buf;
	size_t		 n = 0;

	for (size_t k = im->cbeg[j]; k <= im->cend[j]; k++)
		if (l->lines[k].comp == j)
			n += l->lines[k].len + 1;
	buf = xmalloc(n + 1);
	n = 0;
	for (size_t k = im->cbeg[j]; k <= im->cend[j]; k++)
		if (l->lines[k].comp == j) {
			memcpy(buf + n, l->text + l->lines[k].off,
			    l->lines[k].len);
			n += l->lines[k].len;
			buf[n++] = '\n';
		}
	buf[n] = '\0';
	c = ical_parse(buf);
	free(buf);
	return c;
}

/* Parse piece j (a VCALENDAR: its properties) into im->comp. */
icalcomponent *
imp_read_piece(struct imp *im, int j)
{
	icalcomponent	*root;
	size_t		 want;

	if (is_vcal(im, j)) {
		root = parse_calendar(im, j);
		want = 1;
	} else {
		root = parse_lines(im, im->cbeg[j], im->cend[j]);
		want = subtree(im, j);
	}
	im->ncomp = 0;
	im->base = j;
	im->plo = im->cbeg[j];
	im->phi = im->cend[j];
	if (root == NULL) {
		imp_fail(im, 0, "libical cannot parse the file");
		return NULL;
	}
	collect(im, root);
	im->lines_ok = im->ncomp == want;
	return root;
}

/*
 * Read VEVENT piece j and check it, without the X-LIC-ERRORs the checks
 * let pass; NULL on error.
 */
icalcomponent *
imp_read_event(struct imp *im, const struct evref *e)
{
	icalcomponent	*root;

	if (imp_load(im, e->piece) != 0 ||
	    (root = imp_read_piece(im, e->comp)) == NULL)
		return NULL;
	if (imp_check_piece(im) == 0 &&
	    icalcomponent_isa(root) == ICAL_VEVENT_COMPONENT) {
		imp_drop_errors(root);
		return root;
	}
	imp_fail(im, 0, "libical cannot parse the file");
	icalcomponent_free(root);
	return NULL;
}

/* The UID on VEVENT j's lines, as libical would read it; NULL if none. */
static char *
line_uid(struct imp *im, int j)
{
	struct lint	*l = &im->l;
	const char	*v;
	char		*s, *uid;
	icalvalue	*val;
	size_t		 n;

	for (size_t k = im->cbeg[j]; k <= im->cend[j]; k++) {
		struct lint_line *ln = &l->lines[k];

		if (ln->comp != j || ln->namelen != 3 ||
		    strncasecmp(l->text + ln->off, "UID", 3) != 0)
			continue;
		v = l->text + ln->off + ln->voff;
		if ((n = ln->len - ln->voff) == 0)
			return NULL;
		if (memchr(v, '\\', n) == NULL)
			return xstrndup(v, n);
		s = xstrndup(v, n);
		val = icalvalue_new_from_string(ICAL_TEXT_VALUE, s);
		free(s);
		if (val == NULL)
			return NULL;
		uid = *icalvalue_get_text(val) ? xstrdup(icalvalue_get_text(val)) :
		    NULL;
		icalvalue_free(val);
		/* An escaped line break (\n) would make a UID of two lines. */
		for (const char *c = uid; c != NULL && *c != '\0'; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f) {
				imp_fail(im, ln->phys, "a UID with a control "
				    "character (an escaped line break?)");
				free(uid);
				return NULL;
			}
		return uid;
	}
	return NULL;
}

static char *
rid_key(icalcomponent *c)
{
	icalproperty	*p = icalcomponent_get_first_property(c,
			    ICAL_RECURRENCEID_PROPERTY);
	const char	*tzid;
	char		*key;

	if (p == NULL)
		return NULL;
	tzid = imp_tzid_of(p);
	xasprintf(&key, "%s %s", icalproperty_get_value_as_string(p),
	    tzid ? tzid : "");
	return key;
}

/*
 * Do a and b override the same occurrence?  rid_key() above is an
 * override's key, its RECURRENCE-ID and TZID (NULL: a master).
 */
int
imp_same_rid(icalcomponent *a, icalcomponent *b)
{
	char	*x = rid_key(a), *y = rid_key(b);
	int	 same = x != NULL && y != NULL && strcmp(x, y) == 0;

	free(x);
	free(y);
	return same;
}

static int
other_kind(const char *name)
{
	return strcmp(name, "VTODO") == 0 || strcmp(name, "VJOURNAL") == 0 ||
	    strcmp(name, "VFREEBUSY") == 0 ||
	    strcmp(name, "VAVAILABILITY") == 0 || strcmp(name, "VPOLL") == 0 ||
	    strncmp(name, "X-", 2) == 0;	/* a calendar's own: not kept */
}

/* A limit: n events, more than max_events (max_import_events)? */
static int
too_many_events(struct imp *im, size_t n)
{
	if (im->o->max_events == 0 || n <= im->o->max_events)
		return 0;
	return imp_fail(im, 0, "%zu events, more than one import may hold "
	    "(%zu; kcald.conf max_import_events)", n, im->o->max_events);
}

/* Component j of the piece loaded, in the first pass. */
static int
scan_comp(struct imp *im, int j)
{
	struct lint	*l = &im->l;
	icalcomponent	*root;
	struct evref	*e;

	if (strcmp(l->comps[j].name, "VEVENT") == 0) {
		im->evs = xreallocarray(im->evs, im->nevs + 1,
		    sizeof *im->evs);
		e = &im->evs[im->nevs++];
		memset(e, 0, sizeof *e);
		e->uid = line_uid(im, j);
		if (im->err != NULL)
			return -1;
		e->piece = im->loaded - 1;
		e->comp = j;
		e->line = l->comps[j].line;
		imp_note_zones(im, j);
		return 0;
	}
	if (other_kind(l->comps[j].name))
		im->out->ignored++;
	if (!imp_is_piece(im, j))
		return 0;
	if ((root = imp_read_piece(im, j)) == NULL)
		return -1;
	if (imp_check_piece(im) != 0) {
		icalcomponent_free(root);
		return -1;
	}
	if (imp_keep_zones(im)) {
		im->trees = xreallocarray(im->trees, im->ntrees + 1,
		    sizeof *im->trees);
		im->trees[im->ntrees++] = root;
	} else
		icalcomponent_free(root);
	return 0;
}

/*
 * The first pass, over the pieces' lines in turn: the events (UID, zones
 * used), what is not an event; every piece but the events checked by
 * libical; the zones resolved.  Too many events is refused here.
 */
static int
scan(struct imp *im, size_t max)
{
	for (; im->scanned < im->npieces && max > 0 && !imp_cancelled(im);
	    im->scanned++, max--) {
		if (imp_load(im, im->scanned) != 0)
			return -1;
		for (int j = 0; j < (int)im->l.ncomps; j++)
			if (scan_comp(im, j) != 0)
				return -1;
	}
	return im->scanned < im->npieces ? 1 : 0;
}

/* Events in UID order; one UID's in the order of the file. */
static int
by_uid_line(const void *a, const void *b)
{
	const struct evref	*x = a, *y = b;
	int			 c = strcmp(x->uid, y->uid);

	if (c == 0 && x->piece != y->piece)
		c = x->piece < y->piece ? -1 : 1;
	return c != 0 ? c : x->comp - y->comp;
}

/* After the scan: the limit, what was ignored, the zones, the UIDs. */
static int
scan_end(struct imp *im)
{
	size_t	other = im->out->ignored;

	if (too_many_events(im, im->nevs) != 0)
		return -1;
	if (other > 0)
		imp_warn(im, "%zu to-do, journal or other non-event "
		    "component%s ignored (kcal keeps events)", other,
		    other == 1 ? "" : "s");
	if (imp_resolve_zones(im) != 0 || imp_name_uidless(im) != 0)
		return -1;
	if (im->nevs > 0)
		qsort(im->evs, im->nevs, sizeof *im->evs, by_uid_line);
	return 0;
}

void
imp_free_members(struct member *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (m[i].c != NULL)
			icalcomponent_free(m[i].c);
		free(m[i].rid);
	}
	free(m);
}

/* Read the events evs[lo, hi) (one UID), checked and rewritten. */
static struct member *
read_members(struct imp *im, size_t lo, size_t hi)
{
	struct member	*m = xcalloc(hi - lo, sizeof *m);
	struct evref	*e;

	for (size_t i = 0; i < hi - lo; i++) {
		e = &im->evs[lo + i];
		if ((m[i].c = imp_read_event(im, e)) == NULL) {
			imp_free_members(m, i);
			return NULL;
		}
		im->count_floating = 1;
		imp_rewrite_times(im, m[i].c);
		im->count_floating = 0;
		if (e->made)
			set_made_uid(m[i].c, e->uid);
		ical_ensure_dtstamp(m[i].c, im->o->now);	/* when imported */
		m[i].uid = e->uid;
		m[i].rid = rid_key(m[i].c);
		m[i].line = e->line;
		if (m[i].rid == NULL) {
			imp_fix_exdates(im, m[i].c, e->uid, e->line);
			imp_check_until(im, m[i].c, e->uid, e->line);
		}
		imp_fix_status(im, m[i].c, e->uid, e->line);
		imp_fix_alarms(im, m[i].c, e->uid, e->line);
		imp_fix_kcal_x(im, m[i].c, e->uid, e->line);
	}
	return m;
}

/*
 * One record from evs[lo, hi), which share a UID, handed to the caller's
 * callback and freed: -2 if the callback failed.
 */
static int
one_record(struct imp *im, size_t lo, size_t hi)
{
	struct ical_record	 r;
	struct member		*m;
	int			 rc;

	if ((m = read_members(im, lo, hi)) == NULL)
		return -1;
	if ((rc = imp_record(im, m, hi - lo, &r)) == 0 &&
	    im->cb(&r, im->arg) != 0)
		rc = -2;
	free(r.text);
	event_clear(&r.ev);
	return rc;
}

static void
imp_free(struct imp *im)
{
	for (size_t i = 0; i < im->nzones; i++) {
		free(im->zones[i].tzid);
		free(im->zones[i].iana);
		free(im->zones[i].walls);
	}
	for (size_t i = 0; i < im->nevs; i++)
		free(im->evs[i].uid);
	for (size_t i = 0; i < im->ntrees; i++)
		icalcomponent_free(im->trees[i]);
	free(im->zones);
	free(im->evs);
	free(im->comp);
	free(im->kept);
	free(im->trees);
	free(im->cbeg);
	free(im->cend);
	lint_free(&im->l);
	lint_free(&im->file);
}

/* The error of a failed import: the one a reading of the whole file finds. */
static char *
take_error(struct imp *im, int diagnose)
{
	char	*err;

	if (diagnose)
		imp_diagnose(im);
	err = im->err ? im->err : xstrdup("cannot import");
	im->err = NULL;
	return err;
}

/*
 * The passes before the first record (ical-import.c's 1 and 2) on a file
 * whose lines l are scanned and set aside (lint_scan_spool, or lint_feed
 * after lint_feed_spool; l is taken, and zeroed): grammar, zones, UIDs.  NULL with *cause on a problem in the
 * file, out then empty.
 */
struct imp *
ical_import_start_lint(struct lint *l, const struct ical_import_opts *o,
    struct ical_import *out, ical_record_cb cb, void *arg, char **cause)
{
	struct imp	*im = xcalloc(1, sizeof *im);

	memset(out, 0, sizeof *out);
	im->o = o;
	im->out = out;
	im->cb = cb;
	im->arg = arg;
	im->file = *l;
	memset(l, 0, sizeof *l);
	if (im->file.spool == NULL || lint_spool_seal(im->file.spool) != 0) {
		xasprintf(cause, "%s: cannot set the file's lines aside",
		    o->name);
		ical_import_end(im);
		return NULL;
	}
	im->npieces = lint_spool_count(im->file.spool);
	return im;	/* the file's own errors come from the first step */
}

/* The same on the file's text (copied: data may be freed after). */
struct imp *
ical_import_start(const char *data, size_t len,
    const struct ical_import_opts *o, struct ical_import *out,
    ical_record_cb cb, void *arg, char **cause)
{
	struct lint	l;

	if (lint_scan_spool(data, len, &l, lint_spool_new(NULL)) != 0) {
		*cause = ical_import_lint_error(o, &l);
		lint_free(&l);
		memset(out, 0, sizeof *out);
		return NULL;
	}
	return ical_import_start_lint(&l, o, out, cb, arg, cause);
}

/* The error of a file whose lines were refused: "NAME:LINE: what". */
char *
ical_import_lint_error(const struct ical_import_opts *o, const struct lint *l)
{
	char	*err;

	if (l->err_line > 0)
		xasprintf(&err, "%s:%d: %s", o->name, l->err_line, l->err);
	else
		xasprintf(&err, "%s: %s", o->name, l->err);
	return err;
}

/*
 * Hand over the records of at most max UIDs: 1 if more are left, 0 once
 * the last was handed over (the repair warnings then in out), -1 with
 * *cause on a problem in the file, -2 if the callback failed.  After -1
 * or -2, out is emptied; only ical_import_end may follow.
 */
int
ical_import_step(struct imp *im, size_t max, char **cause)
{
	size_t	hi;
	int	rc = 0;

	if (!im->ready) {
		/* Reading a component's lines is cheaper than a record. */
		if ((rc = scan(im, max > SIZE_MAX / 16 ? SIZE_MAX : max * 16))
		    == 0)
			rc = scan_end(im);
		if (rc == 1)
			return 1;
		im->ready = rc == 0;
	}
	for (; rc == 0 && im->next < im->nevs && max > 0; im->next = hi,
	    max--) {
		for (hi = im->next + 1; hi < im->nevs &&
		    strcmp(im->evs[hi].uid, im->evs[im->next].uid) == 0; hi++)
			;
		im->handing = hi;
		rc = one_record(im, im->next, hi);
	}
	if (rc != 0) {
		if (rc == -1)
			*cause = take_error(im, 1);
		ical_import_clear(im->out);
		im->next = im->nevs;
		return rc;
	}
	if (im->next < im->nevs)
		return 1;
	imp_repair_warnings(im);
	im->out->made_uids = im->nuids;
	return 0;
}

/* VEVENTs handed over so far, of *total in the file. */
size_t
ical_import_done(const struct imp *im, size_t *total)
{
	*total = im->nevs;
	return im->next;
}

/*
 * Another thread may ask the reading to stop (import-pipe.c): *flag,
 * read atomically, is looked at between pieces of the long passes.
 */
void
ical_import_cancel(struct imp *im, const int *flag)
{
	im->cancel = flag;
}

int
imp_cancelled(const struct imp *im)
{
	return im->cancel != NULL && __atomic_load_n(im->cancel,
	    __ATOMIC_RELAXED) != 0;
}

/* From a record's callback: the VEVENTs handed over once it is. */
size_t
ical_import_handing(const struct imp *im)
{
	return im->handing;
}

void
ical_import_end(struct imp *im)
{
	if (im == NULL)
		return;
	free(im->err);
	imp_free(im);
	free(im);
}

/*
 * Every record was handed over: let go of the file's pieces now.  A big
 * file's spool is an unlinked file whose pages the kernel frees when it
 * is closed, for some milliseconds: a streamed import does it on its
 * commit thread (import-stream.c), not on the loop at the end.
 */
void
ical_import_drop_spool(struct imp *im)
{
	if (im == NULL)
		return;
	lint_spool_free(im->file.spool);
	im->file.spool = NULL;
}

/*
 * Parse, check and repair an .ics file, handing each record to cb in UID
 * order; the record's text and event are freed after cb returns unless cb
 * takes them (and zeroes them).  A caller that must not hold the loop that
 * long calls the three parts itself (start, step by step, end;
 * import-stream.c).
 *
 * On a problem in the file return -1 with *cause "NAME:LINE: what is
 * wrong", the same problem a reading of the whole file finds first; if cb
 * fails, return -2.  Records handed over before an error are the caller's
 * to undo (one transaction).  out gets the warnings and counts.
 */
int
ical_import_each(const char *data, size_t len,
    const struct ical_import_opts *o, struct ical_import *out,
    ical_record_cb cb, void *arg, char **cause)
{
	struct imp	*im;
	int		 rc;

	if ((im = ical_import_start(data, len, o, out, cb, arg, cause)) == NULL)
		return -1;
	while ((rc = ical_import_step(im, SIZE_MAX, cause)) == 1)
		;
	ical_import_end(im);
	return rc;
}

static int
keep_record(struct ical_record *r, void *arg)
{
	struct ical_import	*out = arg;

	out->recs = xreallocarray(out->recs, out->nrecs + 1,
	    sizeof *out->recs);
	out->recs[out->nrecs++] = *r;
	memset(r, 0, sizeof *r);
	return 0;
}

/*
 * Parse, check and repair an .ics file into records (out).  On error
 * return -1 with *cause "NAME:LINE: what is wrong" and out empty.
 */
int
ical_import_parse(const char *data, size_t len,
    const struct ical_import_opts *o, struct ical_import *out, char **cause)
{
	return ical_import_each(data, len, o, out, keep_record, out, cause);
}

void
ical_import_clear(struct ical_import *out)
{
	for (size_t i = 0; i < out->nrecs; i++) {
		free(out->recs[i].text);
		event_clear(&out->recs[i].ev);
	}
	for (size_t i = 0; i < out->nwarnings; i++)
		free(out->warnings[i]);
	free(out->recs);
	free(out->warnings);
	memset(out, 0, sizeof *out);
}

