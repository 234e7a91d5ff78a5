/*
 * test-lint-feed.c — ical-lint.c fed in pieces (lint_feed, what a streamed
 * import does) finds exactly what lint_scan finds on the whole text: the
 * same unfolded text, lines, components and their BEGIN/END lines, the
 * same repairs and the same first error with its line, wherever the
 * pieces are cut (inside a CR LF, a fold, a UTF-8 character, the BOM).
 * And the lint's table of property names answers as libical's lookup does
 * for every name libical knows and for random names near them (a printed
 * seed).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libical/ical.h>

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

/* Does the lint know upper-case name as libical does? */
static int
agrees(const char *name)
{
	return lint_known_property(name) ==
	    (icalproperty_string_to_kind(name) != ICAL_NO_PROPERTY);
}

/* Every name libical has, and random edits of them (seed printed). */
static void
test_names(unsigned seed)
{
	static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ-X";
	const char	*s;
	char		 name[64];
	int		 ok = 1, known = 0;

	for (int k = 0; k < 4096; k++) {	/* past ICAL_NO_PROPERTY too */
		if ((s = icalproperty_kind_to_string((icalproperty_kind)k)) ==
		    NULL || *s == '\0' || strlen(s) >= sizeof name)
			continue;
		known += lint_known_property(s);
		ok &= agrees(s);
	}
	CHECK(known > 50);	/* DTSTART, RRULE, ... */
	srand(seed);
	for (int i = 0; i < 20000; i++) {
		int	 k = rand() % 200;
		size_t	 n;

		if ((s = icalproperty_kind_to_string((icalproperty_kind)k)) ==
		    NULL || (n = strlen(s)) + 2 >= sizeof name)
			continue;
		memcpy(name, s, n + 1);
		if (n > 0 && rand() % 2)	/* cut short */
			name[n = (size_t)rand() % n] = '\0';
		if (rand() % 2) {		/* one letter more */
			name[n] = alpha[rand() % (sizeof alpha - 1)];
			name[++n] = '\0';
		}
		if (n > 0 && rand() % 2)	/* one letter changed */
			name[rand() % n] = alpha[rand() % (sizeof alpha - 1)];
		if (!agrees(name)) {
			fprintf(stderr, "names: seed %u: \"%s\"\n", seed, name);
			ok = 0;
		}
	}
	CHECK(ok);
	CHECK(lint_known_property("DTSTART") && lint_known_property("X-FOO") &&
	    !lint_known_property("DTSTARTX") && !lint_known_property(""));
	/* RFC 7986's, numbered past ICAL_NO_PROPERTY in libical 3.0 */
	CHECK(lint_known_property("COLOR") &&
	    lint_known_property("REFRESH-INTERVAL") &&
	    lint_known_property("CONFERENCE"));
}

int
main(int argc, char **argv)
{
	struct lint	l, m;
	int		rl, rm, ok;
	unsigned	seed = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) :
			    (unsigned)time(NULL);

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
	printf("names: seed %u\n", seed);
	test_names(seed);
	TEST_DONE();
}
