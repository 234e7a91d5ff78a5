/*
 * ical-import.h — an .ics file in, as records ready for the store.
 * Parsing, checking and repair happen in ical-import.c and its
 * ical-import-*.c, with no store involved; cmd-import.c decides what each
 * record does to the store, with the help of the record functions below
 * (ical-import-record.c).
 */
#ifndef KCAL_ICAL_IMPORT_H
#define KCAL_ICAL_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

struct ical_import_opts {
	const char	*name;		/* the file, for messages */
	const char	*home;		/* the home zone (dates) */
	const char	*float_tz;	/* where floating times are read */
	size_t		 max_events;	/* 0: no limit */
	int64_t		 now;		/* for a missing DTSTAMP */
	int		 put;		/* a CalDAV PUT: write-put.c limits
					   X-KCAL-ANCHOR-OFFSET */
};

/* One event to store: a VEVENT, or a master with its overrides. */
struct ical_record {
	char		*text;
	struct event	 ev;
	int		 line;		/* its first BEGIN:VEVENT */
	int		 has_master;	/* 0: only RECURRENCE-ID overrides */
};

struct ical_import {
	struct ical_record	*recs;		/* ical_import_parse only */
	size_t			 nrecs;
	char			**warnings;
	size_t			 nwarnings;
	size_t			 ignored;	/* VTODOs, VJOURNALs, ... */
	size_t			 made_uids;	/* events given a UID */
};

/* Called with each record in turn; 0, or -1 to stop the import. */
typedef int (*ical_record_cb)(struct ical_record *, void *);

int	 ical_import_each(const char *, size_t, const struct ical_import_opts *,
	     struct ical_import *, ical_record_cb, void *, char **);
struct imp;
struct lint;
struct imp *ical_import_start_lint(struct lint *,
	     const struct ical_import_opts *, struct ical_import *,
	     ical_record_cb, void *, char **);
char	*ical_import_lint_error(const struct ical_import_opts *,
	     const struct lint *);
struct imp *ical_import_start(const char *, size_t,
	     const struct ical_import_opts *, struct ical_import *,
	     ical_record_cb, void *, char **);
int	 ical_import_step(struct imp *, size_t, char **);
size_t	 ical_import_done(const struct imp *, size_t *);
size_t	 ical_import_handing(const struct imp *);
void	 ical_import_cancel(struct imp *, const int *);
void	 ical_import_drop_spool(struct imp *);
void	 ical_import_end(struct imp *);
int	 ical_import_parse(const char *, size_t, const struct ical_import_opts *,
	     struct ical_import *, char **);
void	 ical_import_clear(struct ical_import *);
int	 ical_same_record(const char *, const char *);
char	*ical_merge_overrides(const char *, const char *);
int	 ical_orphans(const char *, const char *, struct ical_record **,
	     char ***, size_t *, char **);

#endif
