/*
 * ical-lint.c — the line layer of an .ics file, before libical parses it.
 *
 * libical's parser reports no line numbers, and it quietly accepts some
 * damage (an empty parameter, a stray blank line) or drops what it cannot
 * read; an import must refuse a broken file and say where.  So this pass
 * unfolds lines (RFC 5545 3.1), checks each content line against the
 * grammar NAME *(";" PARAM "=" VALUE) ":" VALUE, checks that BEGIN and END
 * nest and name known components, that property names are known, and records for every logical line its
 * physical line and its component, so that a problem libical or the import
 * finds later in a component or property can be traced to its line.  It
 * does not interpret values: libical does.
 *
 * Repairs of common real-world damage, each counted for a warning: a
 * UTF-8 byte-order mark, lines folded with a TAB, bare LF line ends, and
 * lines outside any component (such as an X- property after
 * END:VCALENDAR), which are dropped.  Blank lines are allowed only before
 * the first and after the last component.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libical/ical.h>

#include "ical-lint.h"
#include "kcal-protocol.h"
#include "lint-spool.h"
#include "xmalloc.h"

#define MAX_DEPTH	16

static const char *known_comps[] = {
	"VCALENDAR", "VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY", "VTIMEZONE",
	"STANDARD", "DAYLIGHT", "VALARM", "VAVAILABILITY", "AVAILABLE",
	"VPOLL", "VVOTER", "VLOCATION", "VRESOURCE", "PARTICIPANT", NULL
};

static int
lint_fail(struct lint *l, int line, const char *fmt, ...)
{
	va_list	ap;

	if (l->err != NULL)
		return -1;
	l->err_line = line;
	va_start(ap, fmt);
	if (vasprintf(&l->err, fmt, ap) < 0)
		l->err = NULL;
	va_end(ap);
	if (l->err == NULL)
		l->err = xstrdup("out of memory");
	return -1;
}

void
lint_free(struct lint *l)
{
	free(l->text);
	free(l->lines);
	free(l->comps);
	free(l->err);
	lint_spool_free(l->spool);
	memset(l, 0, sizeof *l);
}

static int
name_char(int c)
{
	return isalnum((unsigned char)c) || c == '-';
}

static int
comp_known(const char *name)
{
	if (strncmp(name, "X-", 2) == 0)
		return 1;
	for (const char **k = known_comps; *k != NULL; k++)
		if (strcmp(*k, name) == 0)
			return 1;
	return 0;
}

/* May a component named child be inside one named parent ("" at the top)? */
static int
comp_nests(const char *parent, const char *child)
{
	if (strncmp(child, "X-", 2) == 0 || strncmp(parent, "X-", 2) == 0)
		return 1;
	if (strcmp(child, "VCALENDAR") == 0)
		return *parent == '\0';
	if (strcmp(child, "VALARM") == 0)
		return strcmp(parent, "VEVENT") == 0 ||
		    strcmp(parent, "VTODO") == 0;
	if (strcmp(child, "STANDARD") == 0 || strcmp(child, "DAYLIGHT") == 0)
		return strcmp(parent, "VTIMEZONE") == 0;
	if (strcmp(child, "AVAILABLE") == 0)
		return strcmp(parent, "VAVAILABILITY") == 0;
	if (strcmp(child, "VLOCATION") == 0 || strcmp(child, "PARTICIPANT") == 0)
		return *parent != '\0' && strcmp(parent, "VCALENDAR") != 0;
	/* A bare VEVENT (no VCALENDAR) is a common export: allowed. */
	return *parent == '\0' || strcmp(parent, "VCALENDAR") == 0 ||
	    strcmp(parent, "VPOLL") == 0;
}

/*
 * The property names libical knows, upper case and sorted, made once:
 * icalproperty_string_to_kind compares a name with each of its 120 or so
 * with strcasecmp, a third of the loop's time in the lint of an import's
 * pieces.  lint_known_property answers as it does for an upper-case name.
 * The kinds are numbered past ICAL_NO_PROPERTY too (RFC 7986's COLOR,
 * REFRESH-INTERVAL...): every number up to KIND_MAX is tried; a name not
 * in the table is still asked of libical (only an unknown one, which
 * refuses the file, costs its slow lookup).
 */
#define KIND_MAX	4096
static const char	**known_props;
static size_t		  nknown_props;
static pthread_once_t	  known_once = PTHREAD_ONCE_INIT;

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
known_init(void)
{
	const char	*s;
	char		*u;

	known_props = xreallocarray(NULL, KIND_MAX, sizeof *known_props);
	for (int k = 0; k < KIND_MAX; k++) {
		if ((s = icalproperty_kind_to_string((icalproperty_kind)k)) ==
		    NULL || *s == '\0' ||
		    icalproperty_string_to_kind(s) == ICAL_NO_PROPERTY)
			continue;
		known_props[nknown_props++] = u = xstrdup(s);
		for (; *u != '\0'; u++)
			*u = (char)toupper((unsigned char)*u);
	}
	qsort(known_props, nknown_props, sizeof *known_props, cmp_name);
}

int
lint_known_property(const char *upper)
{
	pthread_once(&known_once, known_init);
	if (strncmp(upper, "X-", 2) == 0)
		return 1;
	/* a name the table lacks (an alias?) is libical's to say */
	return bsearch(&upper, known_props, nknown_props,
	    sizeof *known_props, cmp_name) != NULL ||
	    icalproperty_string_to_kind(upper) != ICAL_NO_PROPERTY;
}

/*
 * libical drops a property it does not know; refuse it instead.  Names are
 * case-insensitive (RFC 5545 3.1) but libical's parser takes "x-foo" for a
 * damaged name, so names are written in upper case here, in place (and
 * parameter names by check_grammar).
 */
static int
check_name(struct lint *l, const struct lint_line *ln)
{
	char		*s = l->text + ln->off;
	char		 name[64];

	for (size_t i = 0; i < ln->namelen; i++)
		s[i] = (char)toupper((unsigned char)s[i]);
	if (ln->namelen >= 2 && strncmp(s, "X-", 2) == 0)
		return 0;
	if (ln->namelen < sizeof name) {
		memcpy(name, s, ln->namelen);
		name[ln->namelen] = '\0';
		if (lint_known_property(name))
			return 0;
	}
	return lint_fail(l, ln->phys, "unknown property %.*s (misspelt? "
	    "properties of your own start with X-)", (int)ln->namelen, s);
}

/* A parameter value: a quoted string or text up to ; , or :. */
static const char *
param_value(const char *p, const char *end)
{
	if (p < end && *p == '"') {
		for (p++; p < end && *p != '"'; p++)
			;
		return p < end ? p + 1 : NULL;
	}
	while (p < end && *p != ';' && *p != ',' && *p != ':' && *p != '"')
		p++;
	return p;
}

/* Check one logical line's grammar; fill namelen and voff. */
static int
check_grammar(struct lint *l, struct lint_line *ln)
{
	const char	*s = l->text + ln->off, *end = s + ln->len, *p = s, *q;
	int		 qn;

	while (p < end && name_char(*p))
		p++;
	if (p == s)
		return lint_fail(l, ln->phys, "a content line must start with "
		    "a property name (NAME:VALUE), not \"%.*s\"",
		    (int)(ln->len < 20 ? ln->len : 20), s);	/* not NUL-ended */
	ln->namelen = (size_t)(p - s);
	while (p < end && *p == ';') {
		/* Upper case, in place: libical drops "x-param=". */
		for (q = ++p; p < end && name_char(*p); p++)
			*(char *)p = (char)toupper((unsigned char)*p);
		qn = (int)(p - q);
		if (p == q)
			return lint_fail(l, ln->phys, "an empty parameter in "
			    "%.*s (\";;\" or \";=\")", (int)ln->namelen, s);
		if (p >= end || *p != '=')
			return lint_fail(l, ln->phys, "parameter %.*s of %.*s "
			    "has no value (PARAM=VALUE)", (int)(p - q), q,
			    (int)ln->namelen, s);
		do {
			if ((p = param_value(p + 1, end)) == NULL)
				return lint_fail(l, ln->phys, "an unterminated "
				    "quoted parameter value in %.*s",
				    (int)ln->namelen, s);
			if (p < end && *p == '"')
				return lint_fail(l, ln->phys, "a double quote "
				    "inside the value of parameter %.*s of %.*s "
				    "(a space before the quote, from a bad fold?)",
				    qn, q, (int)ln->namelen, s);
		} while (p < end && *p == ',');
	}
	if (p >= end || *p != ':')
		return lint_fail(l, ln->phys, "no colon after the name and "
		    "parameters of %.*s (a content line is NAME[;PARAM=VALUE]:"
		    "VALUE)", (int)ln->namelen, s);
	ln->voff = (size_t)(p + 1 - s);
	return 0;
}


/*
 * No control character but TAB, and UTF-8 only: every path in (an import,
 * a CalDAV PUT) comes through here, and a byte that is not UTF-8 stored
 * once broke every later export of the whole store.
 */
static int
check_chars(struct lint *l, const struct lint_line *ln)
{
	const unsigned char	*s = (const unsigned char *)l->text + ln->off;
	size_t			 k;

	for (size_t i = 0; i < ln->len; i += k) {
		if ((s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f)
			return lint_fail(l, ln->phys, "a control character "
			    "(byte 0x%02x) in a content line", s[i]);
		if ((k = proto_utf8_len(s + i, ln->len - i)) == 0)
			return lint_fail(l, ln->phys, "bytes that are not "
			    "UTF-8 (byte 0x%02x, column %zu)", s[i], i + 1);
	}
	return 0;
}

struct scan {
	struct lint	*l;
	int		 stack[MAX_DEPTH];
	int		 depth;
	int		 seen_comp;	/* a component has started */
	int		 done;		/* a piece ended: comps[done - 1] */
};

static int
begin_comp(struct scan *sc, struct lint_line *ln, const char *v, size_t vlen)
{
	struct lint		*l = sc->l;
	struct lint_comp	*c;
	const char		*parent = sc->depth ? l->comps[sc->stack[sc->depth -
				    1]].name : "";
	char			 name[32];

	if (vlen == 0 || vlen >= sizeof name)
		return lint_fail(l, ln->phys, "BEGIN needs a component name");
	for (size_t i = 0; i < vlen; i++)
		name[i] = (char)toupper((unsigned char)v[i]);
	name[vlen] = '\0';
	if (!comp_known(name))
		return lint_fail(l, ln->phys, "unknown component %s", name);
	if (!comp_nests(parent, name))
		return lint_fail(l, ln->phys, "%s cannot be inside %s", name,
		    *parent ? parent : "nothing (the top of the file)");
	if (sc->depth == MAX_DEPTH)
		return lint_fail(l, ln->phys, "components nested too deeply");
	if (l->ncomps == l->compcap) {
		l->compcap = l->compcap ? l->compcap * 2 : 64;
		l->comps = xreallocarray(l->comps, l->compcap, sizeof *l->comps);
	}
	c = &l->comps[l->ncomps];
	memcpy(c->name, name, vlen + 1);
	c->line = ln->phys;
	c->beg = (size_t)(ln - l->lines);
	c->end = c->beg;
	c->seq = l->nseq++;
	c->parent = sc->depth ? sc->stack[sc->depth - 1] : -1;
	sc->stack[sc->depth++] = (int)l->ncomps++;
	sc->seen_comp = 1;
	return 0;
}

static int
end_comp(struct scan *sc, struct lint_line *ln, const char *v, size_t vlen)
{
	struct lint		*l = sc->l;
	struct lint_comp	*c;

	if (sc->depth == 0)
		return lint_fail(l, ln->phys, "END:%.*s without a BEGIN",
		    (int)vlen, v);
	c = &l->comps[sc->stack[sc->depth - 1]];
	if (strlen(c->name) != vlen || strncasecmp(c->name, v, vlen) != 0)
		return lint_fail(l, ln->phys, "END:%.*s, but the open component "
		    "is %s (BEGIN at line %d)", (int)vlen, v, c->name, c->line);
	c->end = (size_t)(ln - l->lines);
	sc->depth--;
	/* A piece: at the top, or a component of a top VCALENDAR. */
	if (sc->depth == 0 || (sc->depth == 1 &&
	    strcmp(l->comps[sc->stack[0]].name, "VCALENDAR") == 0))
		sc->done = sc->stack[sc->depth] + 1;
	return 0;
}

/* A piece just ended (its END line complete): to the spool, if any. */
static int
spool_piece(struct scan *sc, int phys)
{
	struct lint	*l = sc->l;
	size_t		 j = (size_t)sc->done - 1;

	sc->done = 0;
	if (l->spool == NULL)
		return 0;
	if (lint_spool_put(l->spool, l, j, l->comps[j].beg) != 0)
		return lint_fail(l, phys, "cannot set the file's lines aside "
		    "(%s)", strerror(errno));
	return 0;
}

/* Check a complete logical line and place it in its component. */
static int
take_line(struct scan *sc, struct lint_line *ln)
{
	struct lint	*l = sc->l;
	const char	*s = l->text + ln->off, *v;
	size_t		 vlen;

	if (check_chars(l, ln) != 0 || check_grammar(l, ln) != 0)
		return -1;
	v = s + ln->voff;
	vlen = ln->len - ln->voff;
	if (ln->namelen == 5 && strncasecmp(s, "BEGIN", 5) == 0) {
		if (begin_comp(sc, ln, v, vlen) != 0)
			return -1;
		ln->comp = sc->stack[sc->depth - 1];
		return 1;
	}
	ln->comp = sc->depth ? sc->stack[sc->depth - 1] : -1;
	if (ln->namelen == 3 && strncasecmp(s, "END", 3) == 0)
		return end_comp(sc, ln, v, vlen) == 0 ? 1 : -1;
	if (sc->depth == 0) {
		l->stray++;	/* outside every component: dropped */
		return 0;
	}
	return check_name(l, ln) == 0 ? 1 : -1;
}

/* Append physical line [p, p+n) as a new logical line or a continuation. */
static int
add_physical(struct scan *sc, const char *p, size_t n, int phys, int *open)
{
	struct lint		*l = sc->l;
	struct lint_line	*ln;

	if (n > 0 && (*p == ' ' || *p == '\t')) {
		if (!*open)
			return lint_fail(l, phys, "a folded continuation line "
			    "with no line before it to continue");
		if (*p == '\t')
			l->tabs++;
		memcpy(l->text + l->textlen, p + 1, n - 1);
		l->textlen += n - 1;
		l->lines[l->nlines - 1].len += n - 1;
		return 0;
	}
	if (*open) {
		*open = 0;
		ln = &l->lines[l->nlines - 1];
		switch (take_line(sc, ln)) {
		case -1:
			return -1;
		case 0:
			l->textlen = ln->off;	/* drop it */
			l->nlines--;
			break;
		default:
			l->text[l->textlen++] = '\n';
			if (sc->done && spool_piece(sc, ln->phys) != 0)
				return -1;
		}
	}
	if (n == 0) {
		if (sc->depth > 0 && phys > 0)
			return lint_fail(l, phys, "an empty line inside %s (BEGIN "
			    "at line %d)", l->comps[sc->stack[sc->depth - 1]].name,
			    l->comps[sc->stack[sc->depth - 1]].line);
		return 0;
	}
	if (l->nlines == l->linecap) {	/* doubled: not a realloc a line */
		l->linecap = l->linecap ? l->linecap * 2 : 256;
		l->lines = xreallocarray(l->lines, l->linecap, sizeof *l->lines);
	}
	ln = &l->lines[l->nlines++];
	memset(ln, 0, sizeof *ln);
	ln->off = l->textlen;
	ln->len = n;
	ln->phys = phys;
	memcpy(l->text + l->textlen, p, n);
	l->textlen += n;
	*open = 1;
	return 0;
}

/* A scan fed in pieces: the state between two pieces. */
struct lint_feed {
	struct scan	 sc;
	size_t		 cap;		/* of l->text */
	int		 phys, open, fed;
	char		*carry;		/* a line cut by the piece's end */
	size_t		 ncarry, carrycap;
};

struct lint_feed *
lint_feed_new(struct lint *l)
{
	struct lint_feed	*f = xcalloc(1, sizeof *f);

	memset(l, 0, sizeof *l);
	f->sc.l = l;
	return f;
}

/* Hand each finished piece to sp (the lint then owns it). */
void
lint_feed_spool(struct lint_feed *f, struct lint_spool *sp)
{
	f->sc.l->spool = sp;
}

/* Room in l->text for what n more bytes of the file can make. */
static void
room(struct lint_feed *f, size_t n)
{
	struct lint	*l = f->sc.l;

	if (f->cap - l->textlen >= n + 3)
		return;
	f->cap = f->cap * 2 > l->textlen + n + 3 ? f->cap * 2 :
	    l->textlen + n + 3;
	l->text = xreallocarray(l->text, 1, f->cap);
}

static int
physical(struct lint_feed *f, const char *p, size_t n, int nl)
{
	f->phys++;
	if (n > 0 && p[n - 1] == '\r')
		n--;
	else if (nl)
		f->sc.l->bare_lf++;
	return add_physical(&f->sc, p, n, f->phys, &f->open);
}

static void
keep(struct lint_feed *f, const char *p, size_t n)
{
	if (n == 0)		/* carry may still be NULL: no memcpy */
		return;
	if (f->carrycap - f->ncarry < n) {
		f->carrycap = f->ncarry + n;
		f->carry = xreallocarray(f->carry, 1, f->carrycap);
	}
	memcpy(f->carry + f->ncarry, p, n);
	f->ncarry += n;
}

#define BOM	"\xef\xbb\xbf"

/*
 * The file's first bytes: a byte-order mark is dropped (counted), even
 * one cut by the end of a piece (kept until its 3 bytes are in).
 */
static int
first(struct lint_feed *f, const char *data, size_t len)
{
	char	*buf;
	size_t	 n;
	int	 rc;

	if (f->ncarry == 0 && len >= 3) {
		f->fed = 1;
		if (memcmp(data, BOM, 3) != 0)
			return lint_feed(f, data, len);
		f->sc.l->bom = 1;
		return lint_feed(f, data + 3, len - 3);
	}
	keep(f, data, len);
	if (f->ncarry == 0 || (f->ncarry < 3 &&
	    memcmp(f->carry, BOM, f->ncarry) == 0))
		return 0;
	buf = f->carry;
	n = f->ncarry;
	f->carry = NULL;
	f->ncarry = f->carrycap = 0;
	f->fed = 1;
	if (n >= 3 && memcmp(buf, BOM, 3) == 0) {
		f->sc.l->bom = 1;
		rc = lint_feed(f, buf + 3, n - 3);
	} else
		rc = lint_feed(f, buf, n);
	free(buf);
	return rc;
}

/*
 * The next piece of the file, cut anywhere: its whole lines scanned into
 * l, the rest kept for the next.  -1 once the file has an error (l->err).
 */
int
lint_feed(struct lint_feed *f, const char *data, size_t len)
{
	struct lint	*l = f->sc.l;
	const char	*p = data, *end = data + len, *nl;
	size_t		 n;

	if (l->err != NULL)
		return -1;
	if (!f->fed)
		return first(f, data, len);
	room(f, len + f->ncarry);
	if (f->ncarry > 0) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			keep(f, p, (size_t)(end - p));
			return 0;
		}
		keep(f, p, (size_t)(nl - p));
		n = f->ncarry;
		f->ncarry = 0;
		if (physical(f, f->carry, n, 1) != 0)
			return -1;
		p = nl + 1;
	}
	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			keep(f, p, (size_t)(end - p));
			break;
		}
		if (physical(f, p, (size_t)(nl - p), 1) != 0)
			return -1;
		p = nl + 1;
	}
	return 0;
}

/* The end of the file: 0, or -1 with l->err.  f is freed. */
int
lint_feed_end(struct lint_feed *f)
{
	struct scan	*sc = &f->sc;
	struct lint	*l = sc->l;
	int		 rc = -1;

	if (l->err != NULL)
		goto out;
	room(f, f->ncarry);
	if (f->ncarry > 0 && physical(f, f->carry, f->ncarry, 0) != 0)
		goto out;
	if (add_physical(sc, "", 0, 0, &f->open) != 0)	/* the end */
		goto out;
	if (sc->depth > 0) {
		lint_fail(l, f->phys, "BEGIN:%s at line %d is never closed "
		    "(END:%s missing: is the file cut short?)",
		    l->comps[sc->stack[sc->depth - 1]].name,
		    l->comps[sc->stack[sc->depth - 1]].line,
		    l->comps[sc->stack[sc->depth - 1]].name);
		goto out;
	}
	if (!sc->seen_comp) {
		lint_fail(l, 1, "no iCalendar data (no BEGIN:VCALENDAR)");
		goto out;
	}
	l->text[l->textlen] = '\0';
	rc = 0;
out:
	free(f->carry);
	free(f);
	return rc;
}

/*
 * Scan data into l.  On error return -1 with l->err and l->err_line set;
 * the caller still calls lint_free().
 */
int
lint_scan(const char *data, size_t len, struct lint *l)
{
	return lint_scan_spool(data, len, l, NULL);
}

/* The same, each piece handed to sp as it ends (l owns sp, even on error). */
int
lint_scan_spool(const char *data, size_t len, struct lint *l,
    struct lint_spool *sp)
{
	struct lint_feed	*f = lint_feed_new(l);

	l->spool = sp;
	if (lint_feed(f, data, len) != 0) {
		free(f->carry);
		free(f);
		return -1;
	}
	return lint_feed_end(f);
}

/* The first line at or after physical line phys (lines are in order). */
static size_t
line_at(const struct lint *l, int phys)
{
	size_t	lo = 0, hi = l->nlines, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (l->lines[mid].phys < phys)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The lines [*lo, *hi) that can belong to component comp: from its BEGIN
 * to the BEGIN of the next component not inside it (pre-order puts a
 * component's descendants right after it).  Looking a property up in
 * these only keeps an import of 100,000 events from being quadratic.
 */
static void
comp_lines(const struct lint *l, int comp, size_t *lo, size_t *hi)
{
	size_t	j;

	*lo = 0;
	*hi = l->nlines;
	if (comp < 0 || (size_t)comp >= l->ncomps)
		return;
	*lo = line_at(l, l->comps[comp].line);
	for (j = (size_t)comp + 1; j < l->ncomps; j++)
		if (l->comps[j].parent < comp) {
			*hi = line_at(l, l->comps[j].line);
			break;
		}
}

/*
 * The physical line of the nth (from 0) property name in component comp;
 * the last one if there are fewer (libical splits EXDATE:a,b into two), or
 * the component's BEGIN line if there is none.
 */
int
lint_prop_line(const struct lint *l, int comp, const char *name, int nth)
{
	size_t	n = strlen(name), lo, hi;
	int	last = 0;

	comp_lines(l, comp, &lo, &hi);
	for (size_t i = lo; i < hi; i++) {
		const struct lint_line *ln = &l->lines[i];

		if (ln->comp == comp && ln->namelen == n &&
		    strncasecmp(l->text + ln->off, name, n) == 0) {
			last = ln->phys;
			if (nth-- == 0)
				return last;
		}
	}
	if (last != 0)
		return last;
	return comp >= 0 && (size_t)comp < l->ncomps ? l->comps[comp].line : 0;
}

/* The raw value text of that property: its line, or 0 if absent. */
int
lint_value(const struct lint *l, int comp, const char *name, int nth,
    const char **v, size_t *vlen)
{
	size_t	n = strlen(name), lo, hi;

	comp_lines(l, comp, &lo, &hi);
	for (size_t i = lo; i < hi; i++) {
		const struct lint_line *ln = &l->lines[i];

		if (ln->comp == comp && ln->namelen == n &&
		    strncasecmp(l->text + ln->off, name, n) == 0 &&
		    nth-- == 0) {
			*v = l->text + ln->off + ln->voff;
			*vlen = ln->len - ln->voff;
			return ln->phys;
		}
	}
	return 0;
}
