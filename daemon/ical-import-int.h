/*
 * ical-import-int.h — private to the import modules: the state of one
 * import (struct imp), shared by the driver (ical-import.c) and the files
 * that do one job each for it: ical-import-check.c (what refuses a file),
 * ical-import-zones.c (TZIDs and floating times), ical-import-repair.c
 * (what is mended, with a warning) and ical-import-record.c (one UID's
 * VEVENTs made one record).  Only these files include it.
 */
#ifndef KCAL_ICAL_IMPORT_INT_H
#define KCAL_ICAL_IMPORT_INT_H

#include <stddef.h>
#include <stdint.h>

#include <libical/ical.h>

#include "ical-import.h"
#include "ical-lint.h"
#include "ical-tz.h"

/* A TZID the file's events use. */
struct zone {
	char		*tzid, *iana;
	enum tz_how	 how;
	int		 line;		/* first use */
	int64_t		 from, to;	/* local times used, read as UTC */
	int64_t		*walls;		/* ... each (the first ZONE_WALLS) */
	size_t		 nwalls;
};
#define ZONE_WALLS	4096

/* A VEVENT of the file, known from its lines before libical reads it. */
struct evref {
	char		*uid;		/* NULL: none (until one is made) */
	int		 made;		/* uid derived from the content */
	size_t		 piece;		/* the spooled piece holding it */
	int		 comp;		/* its component in that piece */
	int		 line;
};

/* A VEVENT of one record, parsed and rewritten. */
struct member {
	icalcomponent	*c;
	const char	*uid;
	char		*rid;		/* NULL: a master */
	int		 line;
};

/* One import, from the lines to the last record. */
struct imp {
	const struct ical_import_opts	 *o;
	struct ical_import		 *out;
	struct lint			  file;		/* counts, spool */
	struct lint			  l;		/* one piece's */
	size_t				  loaded;	/* that piece + 1 */
	size_t				  npieces;
	size_t				 *cbeg, *cend;	/* BEGIN, END line */
	/* The piece being read: lint components [base, base + ncomp). */
	icalcomponent			**comp;		/* pre-order */
	size_t				  ncomp;
	int				  base;
	size_t				  plo, phi;	/* its lines */
	int				  lines_ok;
	icalcomponent			**kept;		/* the VTIMEZONEs */
	size_t				  nkept;
	icalcomponent			**trees;	/* holding them */
	size_t				  ntrees;
	struct zone			 *zones;
	size_t				  nzones;
	struct evref			 *evs;
	size_t				  nevs;
	size_t				  nfloating, nuids;
	int				  count_floating;
	size_t				  scanned;	/* pieces scanned */
	int				  ready;	/* scanned, sorted */
	size_t				  next;		/* evs handed over */
	size_t				  handing;	/* with the one in cb */
	const int			 *cancel;	/* atomic: stop reading */
	ical_record_cb			  cb;
	void				 *arg;
	char				 *err;
};

/* ical-import.c: the driver */
int		 imp_fail(struct imp *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
void		 imp_warn(struct imp *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
int		 imp_is_piece(const struct imp *, int);
icalcomponent	*imp_read_piece(struct imp *, int);
int		 imp_load(struct imp *, size_t);
icalcomponent	*imp_read_event(struct imp *, const struct evref *);
int		 imp_same_rid(icalcomponent *, icalcomponent *);
void		 imp_free_members(struct member *, size_t);
int		 imp_cancelled(const struct imp *);

/* ical-import-check.c: what refuses a file */
int		 imp_check_piece(struct imp *);
void		 imp_drop_errors(icalcomponent *);
void		 imp_diagnose(struct imp *);

/* ical-import-zones.c: TZIDs to IANA zones, floating times pinned */
int		 imp_is_date(icalproperty *);
const char	*imp_tzid_of(icalproperty *);
void		 imp_note_zones(struct imp *, int);
int		 imp_keep_zones(struct imp *);
int		 imp_resolve_zones(struct imp *);
void		 imp_rewrite_times(struct imp *, icalcomponent *);

/* ical-import-repair.c: what is mended, with a warning */
int		 imp_name_uidless(struct imp *);
void		 set_made_uid(icalcomponent *, const char *);
void		 imp_check_until(struct imp *, icalcomponent *, const char *,
		     int);
void		 imp_fix_alarms(struct imp *, icalcomponent *, const char *,
		     int);
void		 imp_fix_kcal_x(struct imp *, icalcomponent *, const char *,
		     int);
void		 imp_fix_status(struct imp *, icalcomponent *, const char *,
		     int);
void		 imp_fix_exdates(struct imp *, icalcomponent *, const char *,
		    int);
void		 imp_repair_warnings(struct imp *);

/* ical-import-record.c: one UID's VEVENTs, one record */
int		 imp_record(struct imp *, struct member *, size_t,
		    struct ical_record *);

#endif
