/*
 * lint-spool.c — the scanned lines of an .ics file, kept a piece at a
 * time in a file of their own (or in memory) until the import reads them.
 *
 * A streamed import of 100,000 events would otherwise hold every unfolded
 * line of the file until its end: the scan (ical-lint.c) hands each piece
 * (a component of a VCALENDAR, or a VCALENDAR's own properties) here as
 * soon as its END is read, and drops it; the import (ical-import.c) reads
 * the pieces back one at a time, in the order of their BEGIN.  A piece is
 * stored as its components, its lines and its text, renumbered from 0, so
 * that reading it back gives a struct lint of that piece alone, physical
 * line numbers unchanged.  The file is unlinked from the start (O_TMPFILE,
 * else mkstemp and unlink): nothing is left behind, whatever happens.
 */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ical-lint.h"
#include "lint-spool.h"
#include "xmalloc.h"

struct piece {
	uint64_t	off;
	int		seq;		/* its first component's, pre-order */
};

struct head {
	uint64_t	textlen, nlines, ncomps;
};

#define SPOOL_BUF	(256 * 1024)	/* written to the file at a time */

struct lint_spool {
	int		 fd;		/* -1: in memory */
	char		*mem;		/* the pieces, or (a file) the last */
	uint64_t	 len, cap;	/* bytes put */
	uint64_t	 flushed;	/* bytes in the file */
	struct piece	*pieces;
	size_t		 npieces, piececap;
};

/* A file that is gone once closed, in dir (NULL: the system's). */
static int
open_unlinked(const char *dir)
{
	char	*path;
	int	 fd = -1;

#ifdef O_TMPFILE
	if (dir != NULL &&
	    (fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600)) >= 0)
		return fd;
#endif
	xasprintf(&path, "%s/.kcal-import.XXXXXX", dir ? dir : "/tmp");
	if ((fd = mkostemp(path, O_CLOEXEC)) >= 0)
		unlink(path);
	free(path);
	return fd;
}

/*
 * A spool in a file under dir; in memory if dir is NULL or no file can be
 * made there.
 */
struct lint_spool *
lint_spool_new(const char *dir)
{
	struct lint_spool	*sp = xcalloc(1, sizeof *sp);

	sp->fd = dir != NULL ? open_unlinked(dir) : -1;
	return sp;
}

/* What is buffered, to the file. */
static int
flush(struct lint_spool *sp)
{
	const char	*s = sp->mem;
	size_t		 n = (size_t)(sp->len - sp->flushed);
	ssize_t		 w;

	while (sp->fd >= 0 && n > 0) {
		if ((w = pwrite(sp->fd, s, n, (off_t)sp->flushed)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
		sp->flushed += (uint64_t)w;
	}
	return 0;
}

/* n bytes more: in memory, or buffered and written a buffer at a time. */
static int
put(struct lint_spool *sp, const void *p, size_t n)
{
	uint64_t	used = sp->len - sp->flushed;

	if (sp->fd >= 0 && used > 0 && used + n > SPOOL_BUF) {
		if (flush(sp) != 0)
			return -1;
		used = 0;
	}
	if (sp->cap - used < n) {
		sp->cap = sp->cap * 2 > used + n ? sp->cap * 2 : used + n;
		sp->mem = xreallocarray(sp->mem, 1, sp->cap);
	}
	memcpy(sp->mem + used, p, n);
	sp->len += n;
	return 0;
}

static int
get(struct lint_spool *sp, uint64_t off, void *p, size_t n)
{
	char	*d = p;
	ssize_t	 r;

	if (sp->fd < 0) {
		if (off + n > sp->len)
			return -1;
		memcpy(p, sp->mem + off, n);
		return 0;
	}
	while (n > 0) {
		if ((r = pread(sp->fd, d, n, (off_t)off)) <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			return -1;
		}
		d += r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

/* Number the piece's components and lines from 0, its text from 0. */
static void
renumber(struct lint *l, size_t comp0, size_t line0, size_t text0)
{
	for (size_t k = comp0; k < l->ncomps; k++) {
		struct lint_comp *c = &l->comps[k];

		c->parent = c->parent >= (int)comp0 ? c->parent - (int)comp0 :
		    -1;
		c->beg -= line0;
		c->end -= line0;
	}
	for (size_t k = line0; k < l->nlines; k++) {
		l->lines[k].off -= text0;
		l->lines[k].comp -= (int)comp0;
	}
}

/*
 * Move l's components from comp0 and lines from line0 (all of one piece,
 * at the end of l) to the spool, and drop them from l.  -1 if it cannot
 * be written (l is then unchanged but renumbered: give up on it).
 */
int
lint_spool_put(struct lint_spool *sp, struct lint *l, size_t comp0,
    size_t line0)
{
	size_t		text0 = l->lines[line0].off;
	struct head	h;
	struct piece	*pc;

	h.textlen = l->textlen - text0;
	h.nlines = l->nlines - line0;
	h.ncomps = l->ncomps - comp0;
	if (sp->npieces == sp->piececap) {
		sp->piececap = sp->piececap ? sp->piececap * 2 : 64;
		sp->pieces = xreallocarray(sp->pieces, sp->piececap,
		    sizeof *sp->pieces);
	}
	pc = &sp->pieces[sp->npieces];
	pc->off = sp->len;
	pc->seq = l->comps[comp0].seq;
	renumber(l, comp0, line0, text0);
	if (put(sp, &h, sizeof h) != 0 ||
	    put(sp, l->comps + comp0, h.ncomps * sizeof *l->comps) != 0 ||
	    put(sp, l->lines + line0, h.nlines * sizeof *l->lines) != 0 ||
	    put(sp, l->text + text0, h.textlen) != 0)
		return -1;
	sp->npieces++;
	l->ncomps = comp0;
	l->nlines = line0;
	l->textlen = text0;
	return 0;
}

static int
by_seq(const void *a, const void *b)
{
	const struct piece	*x = a, *y = b;

	return (x->seq > y->seq) - (x->seq < y->seq);
}

/*
 * All pieces are in: order them as their BEGINs are in the file (a
 * VCALENDAR's own properties, spooled at its END, before its components),
 * the last written.  -1 if it cannot be written.
 */
int
lint_spool_seal(struct lint_spool *sp)
{
	if (flush(sp) != 0)
		return -1;
	if (sp->npieces > 0)
		qsort(sp->pieces, sp->npieces, sizeof *sp->pieces, by_seq);
	return 0;
}

size_t
lint_spool_count(const struct lint_spool *sp)
{
	return sp->npieces;
}

/* Piece i (in file order, once sealed) into l, which is freed first. */
int
lint_spool_get(struct lint_spool *sp, size_t i, struct lint *l)
{
	struct head	h;
	uint64_t	off;

	lint_free(l);
	if (i >= sp->npieces)
		return -1;
	off = sp->pieces[i].off;
	if (get(sp, off, &h, sizeof h) != 0)
		return -1;
	off += sizeof h;
	l->ncomps = l->compcap = h.ncomps;
	l->nlines = l->linecap = h.nlines;
	l->textlen = h.textlen;
	l->comps = xreallocarray(NULL, h.ncomps + 1, sizeof *l->comps);
	l->lines = xreallocarray(NULL, h.nlines + 1, sizeof *l->lines);
	l->text = xmalloc(h.textlen + 1);
	if (get(sp, off, l->comps, h.ncomps * sizeof *l->comps) != 0 ||
	    get(sp, off + h.ncomps * sizeof *l->comps, l->lines,
	    h.nlines * sizeof *l->lines) != 0 ||
	    get(sp, off + h.ncomps * sizeof *l->comps + h.nlines *
	    sizeof *l->lines, l->text, h.textlen) != 0)
		return -1;
	l->text[h.textlen] = '\0';
	return 0;
}

void
lint_spool_free(struct lint_spool *sp)
{
	if (sp == NULL)
		return;
	if (sp->fd >= 0)
		close(sp->fd);
	free(sp->mem);
	free(sp->pieces);
	free(sp);
}
