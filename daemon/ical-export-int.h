/*
 * ical-export-int.h — what the files of one export share: a record's
 * output and the feed's cache of them (ical-export-cache.c), and what a
 * VEVENT becomes in a feed (ical-feed-redact.c, ical-feed-recur.c).
 * Included by those and ical-export.c only.
 */
#ifndef KCAL_ICAL_EXPORT_INT_H
#define KCAL_ICAL_EXPORT_INT_H

#include <stddef.h>
#include <stdint.h>

#include <libical/ical.h>

#include "ical-export.h"

/*
 * One record's output: its VEVENTs as text, and the TZIDs they use.  A
 * feed keeps these between builds (struct ical_cache), keyed by the stored
 * text, so that after a change only the records that changed are parsed
 * and written again; an export makes them and drops them.
 */
struct ical_rec {
	char		 *src;		/* the stored text: the key */
	size_t		  srclen;
	uint64_t	  hash;
	char		 *text;		/* the VEVENTs, serialised */
	size_t		  len;
	char		**tzid;
	size_t		  ntzid;
	char		**ref;		/* UIDs its VEVENTs point at */
	unsigned char	 *refhid;	/* whether each was hidden then */
	size_t		  nref;
	unsigned	  mark;		/* the last build that used it */
	int		  cut;		/* a walk's budget ran out: not cached */
	int		  windowed;	/* recurs: made for the window */
	struct ical_rec	 *next;		/* hash chain */
};

struct ical_cache {
	struct ical_out_opts	  o;	/* what the records were made for */
	char			 *home;
	int			  filled;
	struct ical_rec		**tab;
	size_t			  size, n;
	unsigned		  mark;
};

/* ical-export-cache.c */
void		 ical_rec_free(struct ical_rec *);
void		 ical_cache_begin(struct ical_cache *,
		     const struct ical_out_opts *);
struct ical_rec	*ical_cache_lookup(struct ical_cache *,
		     const struct ical_out_opts *, const char *, size_t,
		     uint64_t);
void		 ical_cache_insert(struct ical_cache *, struct ical_rec *);
void		 ical_cache_sweep(struct ical_cache *);

/* ical-feed-redact.c */
int		 ical_out_hides(const struct ical_out_opts *, const char *);
void		 ical_feed_redact(icalcomponent *, enum ical_redact);
void		 ical_feed_drop_alarms(icalcomponent *);
void		 ical_feed_drop_hidden_refs(const struct ical_out_opts *,
		     struct ical_rec *, icalcomponent *);

/* ical-feed-recur.c */
void		 ical_feed_plain_rdates(icalcomponent *, icalcomponent *,
		     icalcomponent ***, size_t *);
int		 ical_feed_flatten(const struct ical_out_opts *,
		     icalcomponent *);
int		 ical_feed_future(const struct ical_out_opts *, const char *,
		     icalcomponent *);

#endif
