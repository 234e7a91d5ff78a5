/*
 * ical-lint.h — the line layer of an .ics file (ical-lint.c): unfolding,
 * the content-line grammar and the nesting of BEGIN/END, with the line
 * number of everything, because libical's parser reports no positions and
 * an import error must name the line.  The file is scanned whole
 * (lint_scan) or fed in pieces cut anywhere, as they arrive (lint_feed);
 * fed, it may hand each finished piece (a component of a VCALENDAR, or a
 * VCALENDAR's own properties) to a spool (lint-spool.c) instead of keeping
 * it, so that only the piece being read is held.
 */
#ifndef KCAL_ICAL_LINT_H
#define KCAL_ICAL_LINT_H

#include <stddef.h>

/* One logical (unfolded) content line. */
struct lint_line {
	size_t	off, len;	/* in text */
	size_t	namelen;	/* the property name is text[off, off+namelen) */
	size_t	voff;		/* the value starts at text[off+voff] */
	int	phys;		/* physical line (from 1) where it starts */
	int	comp;		/* innermost component (index), -1: none */
};

/* One component, in the order of its BEGIN (a pre-order walk). */
struct lint_comp {
	char	name[32];	/* upper case */
	int	line;		/* physical line of BEGIN */
	int	parent;		/* index, -1 at the top */
	size_t	beg, end;	/* the logical lines of its BEGIN and END */
	int	seq;		/* its place in the file's pre-order */
};

struct lint {
	char			*text;	/* logical lines joined by LF */
	size_t			 textlen;
	struct lint_line	*lines;
	size_t			 nlines, linecap;
	struct lint_comp	*comps;
	size_t			 ncomps, compcap;
	int			 bom, tabs, bare_lf, stray;	/* repairs made */
	int			 err_line;
	char			*err;
	struct lint_spool	*spool;	/* NULL: every line kept here */
	int			 nseq;	/* components begun */
};

int	 lint_scan(const char *, size_t, struct lint *);
struct lint_feed;
struct lint_feed *lint_feed_new(struct lint *);
struct lint_spool;
void	 lint_feed_spool(struct lint_feed *, struct lint_spool *);
int	 lint_scan_spool(const char *, size_t, struct lint *,
	     struct lint_spool *);
int	 lint_feed(struct lint_feed *, const char *, size_t);
int	 lint_feed_end(struct lint_feed *);
void	 lint_free(struct lint *);
int	 lint_known_property(const char *);
int	 lint_prop_line(const struct lint *, int, const char *, int);
int	 lint_value(const struct lint *, int, const char *, int, const char **,
	     size_t *);

#endif
