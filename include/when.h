/*
 * when.h — the date/time and duration syntax shared by kcal and kcald.
 *
 * A user's WHEN ("2026-01-05 19:00", "tomorrow", "+2h") is parsed by the
 * client into a struct when; the client sends it on the wire in one of three
 * absolute forms, which the daemon parses with the same code:
 *   "2026-01-05"             a date (all-day)
 *   "2026-01-05T19:00[:00]"  a wall-clock time, read in the event's zone
 *   "2026-01-05T11:00:00Z"   a UTC instant
 * Turning a wall-clock time into an instant needs a time zone database and is
 * the daemon's job (tz.c), so DST gaps and overlaps are decided in one place.
 */
#ifndef KCAL_WHEN_H
#define KCAL_WHEN_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum when_kind { WHEN_NONE, WHEN_DATE, WHEN_LOCAL, WHEN_UTC };

struct when {
	enum when_kind	kind;
	int		year, mon, day;		/* DATE and LOCAL */
	int		hour, min, sec;		/* LOCAL */
	int64_t		utc;			/* UTC: seconds since the epoch */
	char		zone[64];		/* "... Asia/Shanghai": "" if none */
};

#define WHEN_FORMS "YYYY-MM-DD, \"YYYY-MM-DD HH:MM\", YYYY-MM-DDTHH:MM[:SS][Z], " \
	"now, today, tomorrow, +90s, +30m, +2h, +3d, \"tomorrow 10:00\", " \
	"\"fri 14:30\", \"next monday 9:00\", \"jan 5 19:00\", " \
	"\"2026-01-05 19:00 Asia/Shanghai\""
#define DUR_FORMS "90s, 30m, 2h, 1h30m, 1d, 1w (units s, m, h, d, w, each once)"

int	 when_parse_abs(const char *, struct when *);
int	 when_parse(const char *, int64_t, struct when *);
int	 when_parse_why(const char *, int64_t, struct when *, const char **);
int	 dur_parse(const char *, int64_t *);
int	 dur_parse_signed(const char *, int64_t *);
int	 dur_parse_lead(const char *, int64_t *);
int	 dur_parse_span(const char *, int64_t *);
char	*when_format_wire(const struct when *);
void	 dur_format(int64_t, char *, size_t);
int	 when_valid_date(int, int, int);
int64_t	 days_from_civil(int, int, int);
void	 civil_from_days(int64_t, int *, int *, int *);

#endif
