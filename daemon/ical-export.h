/*
 * ical-export.h — stored events out as one VCALENDAR (ical-export.c): for
 * `kcal export` and for the HTTP feeds, which are exports with an audience
 * (feed-audience.c).  The same records in the same order give the same bytes.
 */
#ifndef KCAL_ICAL_EXPORT_H
#define KCAL_ICAL_EXPORT_H

#include <stddef.h>
#include <stdint.h>

enum ical_redact { REDACT_NONE, REDACT_TITLE, REDACT_BUSY };

struct ical_cache;

struct ical_out_opts {
	const char		*calname;	/* X-WR-CALNAME and NAME, or NULL */
	int			 feed;		/* a subscription: see ical-export.c */
	int			 alarms;	/* keep VALARMs (feeds drop them) */
	enum ical_redact	 redact;
	int64_t			 refresh;	/* REFRESH-INTERVAL, seconds; 0: none */
	int64_t			 from, to;	/* the feed's window */
	const char		*home;		/* home zone, for expansion */
	size_t			 max_rdates;	/* flattening several RRULEs */
	int64_t			 walk_steps;	/* a series' walk's budget; 0:
						   recur.h's (tests set less) */
	struct ical_cache	*cache;		/* a feed's records, or NULL */
	unsigned		 classes;	/* 1 << access_class; 0: all */
	/* Is the event with this UID one the audience may not see? */
	int			(*hidden)(void *, const char *);
	void			*hidden_arg;
};

struct ical_out;

struct ical_out	*ical_out_new(const struct ical_out_opts *);
int		 ical_out_add(struct ical_out *, const char *, char **);
int		 ical_out_known(struct ical_out *, const char *);
size_t		 ical_out_count(const struct ical_out *);
int		 ical_out_cut(const struct ical_out *);
char		*ical_out_finish(struct ical_out *, size_t *);
void		 ical_out_free(struct ical_out *);
char		*ical_out_record(struct ical_out *, const char *, char **);

/*
 * What a feed's last build wrote for each record, so that the next one
 * writes again only the records that changed (ical-export-cache.c).
 */
struct ical_cache	*ical_cache_new(void);
void			 ical_cache_free(struct ical_cache *);

#endif
