/*
 * fuzz-ics.c — the .ics import path without a daemon: ical_import_parse
 * (line checks, libical parsing, validation and repair, grouping into
 * records, exactly what the import command runs), then for every record
 * the store's view of it (ical_extract) and an edit of it (ical_apply), as
 * a later "kcal edit" would do, and its occurrences over four years as a
 * list would expand them (within one request's budget, recur-rules.c).
 * Anything may be refused; nothing may crash, leak or read out of bounds,
 * and no expansion may run past its budget.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "ical.h"
#include "ical-import.h"
#include "recur.h"

#define NOW	1767225600	/* 2026-01-01T00:00:00Z */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
occ_cb(void *arg, const struct recur_occ *oc)
{
	(void)oc;
	(*(size_t *)arg)++;
	return 0;
}

/* Expand a record as a list would: bounded by the budget, not by luck. */
static void
expand_record(const struct ical_record *r)
{
	size_t	 n = 0;
	char	*why = NULL;

	if (r->ev.rrule == NULL)
		return;
	recur_budget_begin();
	recur_expand(r->text, "Asia/Seoul", NOW - 366 * 86400LL,
	    NOW + 3 * 366 * 86400LL, 2000, occ_cb, &n, &why);
	free(why);
}

static void
each_record(const struct ical_record *r)
{
	struct event		 ev;
	struct event_change	 ch;
	char			*why = NULL, *text = NULL;

	if (ical_extract(r->text, "Asia/Seoul", &ev, &why) == 0)
		event_clear(&ev);
	free(why);
	why = NULL;
	expand_record(r);
	event_change_init(&ch);
	ch.summary = "Renamed by the fuzzer";
	ch.location = "Great Hall of the People, Beijing";
	if (ical_apply(r->text, &ch, NULL, NOW, "Asia/Seoul", &text, &ev,
	    &why) == 0)
		event_clear(&ev);
	event_change_clear(&ch);
	free(text);
	free(why);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ical_import_opts	 o;
	struct ical_import	 imp;
	char			*why = NULL;

	memset(&o, 0, sizeof o);
	o.name = "fuzz.ics";
	o.home = "Asia/Seoul";
	o.float_tz = "Europe/Brussels";
	o.max_events = 200;
	o.now = NOW;
	if (ical_import_parse((const char *)data, size, &o, &imp, &why) == 0) {
		for (size_t i = 0; i < imp.nrecs; i++)
			each_record(&imp.recs[i]);
		ical_import_clear(&imp);
	}
	free(why);
	return 0;
}
