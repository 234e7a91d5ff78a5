/*
 * fuzz-when.c — the WHEN and DUR parsers (include/when.c): any bytes are
 * refused or accepted without a crash, and what is accepted survives a
 * round trip through the wire form (a parsed WHEN printed and read back is
 * the same WHEN; a DUR printed and read back is the same number).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "when.h"
#include "xmalloc.h"

#define NOW	1767225600	/* 2026-01-01T00:00:00Z: a fixed clock */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
round_trip(const struct when *w)
{
	struct when	 back;
	char		*s = when_format_wire(w);

	if (w->kind == WHEN_NONE) {
		if (s != NULL)
			abort();
		return;
	}
	if (s == NULL || when_parse_abs(s, &back) != 0 || back.kind != w->kind)
		abort();
	if (w->kind == WHEN_UTC && back.utc != w->utc)
		abort();
	if (w->kind != WHEN_UTC && (back.year != w->year ||
	    back.mon != w->mon || back.day != w->day || back.hour != w->hour ||
	    back.min != w->min || back.sec != w->sec))
		abort();
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*s = xstrndup((const char *)data, size);
	struct when	 w;
	int64_t		 d, back;
	char		 buf[64];

	if (when_parse_abs(s, &w) == 0)
		round_trip(&w);
	if (when_parse(s, NOW, &w) == 0)
		round_trip(&w);
	if (dur_parse(s, &d) == 0) {
		if (d <= 0)
			abort();
		dur_format(d, buf, sizeof buf);
		if (dur_parse(buf, &back) != 0 || back != d)
			abort();
	}
	free(s);
	return 0;
}
