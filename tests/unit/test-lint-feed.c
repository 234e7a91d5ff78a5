/*
 * test-lint-feed.c — ical-lint.c fed in pieces (lint_feed, what a streamed
 * import does) finds exactly what lint_scan finds on the whole text: the
 * same unfolded text, lines, components and their BEGIN/END lines, the
 * same repairs and the same first error with its line, wherever the
 * pieces are cut (inside a CR LF, a fold, a UTF-8 character, the BOM).
 */
#include <stdlib.h>
#include <string.h>

#include "ical-lint.h"
#include "test.h"

static const char *files[] = {
	"\xef\xbb\xbf" "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
	"BEGIN:VEVENT\r\nUID:a@t\r\nDTSTAMP:20260101T000000Z\r\n"
	"DTSTART:20260101T100000Z\r\nSUMMARY:Caf\xc3\xa9 \r\n au lait\r\n"
	"DESCRIPTION:one\n\ttwo\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	"X-STRAY:after\r\n",
	"BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:b\nEND:VEVENT\n"
	"BEGIN:VEVENT\nUID:c\nTHIS LINE HAS NO COLON\nEND:VEVENT\n"
	"END:VCALENDAR",
	"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:d\r\n",
	"",
};

/* l and m are the same scan? */
static int
same(const struct lint *l, const struct lint *m, int rl, int rm)
{
	if (rl != rm || l->err_line != m->err_line ||
	    (l->err == NULL) != (m->err == NULL) ||
	    (l->err && strcmp(l->err, m->err) != 0))
		return 0;
	if (rl != 0)
		return 1;
	if (l->textlen != m->textlen || memcmp(l->text, m->text,
	    l->textlen) != 0 || l->nlines != m->nlines ||
	    l->ncomps != m->ncomps || l->bom != m->bom || l->tabs != m->tabs ||
	    l->bare_lf != m->bare_lf || l->stray != m->stray)
		return 0;
	for (size_t i = 0; i < l->nlines; i++)
		if (l->lines[i].off != m->lines[i].off ||
		    l->lines[i].len != m->lines[i].len ||
		    l->lines[i].phys != m->lines[i].phys ||
		    l->lines[i].comp != m->lines[i].comp)
			return 0;
	for (size_t j = 0; j < l->ncomps; j++)
		if (strcmp(l->comps[j].name, m->comps[j].name) != 0 ||
		    l->comps[j].beg != m->comps[j].beg ||
		    l->comps[j].end != m->comps[j].end ||
		    l->comps[j].line != m->comps[j].line)
			return 0;
	return 1;
}

/* Fed in pieces of step bytes (the last may be shorter). */
static int
fed(const char *s, size_t len, size_t step, struct lint *m)
{
	struct lint_feed	*f = lint_feed_new(m);
	size_t			 k;
	int			 rc = 0;

	for (k = 0; k < len && rc == 0; k += step)
		rc = lint_feed(f, s + k, len - k < step ? len - k : step);
	if (rc == 0)
		return lint_feed_end(f);
	lint_feed_end(f);	/* frees f; the first error stays */
	return -1;
}

int
main(void)
{
	struct lint	l, m;
	int		rl, rm, ok;

	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		size_t	len = strlen(files[i]);

		rl = lint_scan(files[i], len, &l);
		ok = 1;
		for (size_t step = 1; step <= len + 1; step++) {
			rm = fed(files[i], len, step, &m);
			if (!same(&l, &m, rl, rm)) {
				fprintf(stderr, "file %zu, pieces of %zu\n", i,
				    step);
				ok = 0;
			}
			lint_free(&m);
		}
		CHECK(ok);
		lint_free(&l);
	}
	TEST_DONE();
}
