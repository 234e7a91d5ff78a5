/*
 * feed.h — calendars built from the store for an audience: `kcal export`
 * (everything the filters select) and the HTTP feeds, whose bodies are
 * built once per change of the store and then served from memory.  One
 * header for the feed files, each section naming the file that owns it.
 */
#ifndef KCAL_FEED_H
#define KCAL_FEED_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "ical-export.h"
#include "store.h"
#include "store-feed.h"

struct server;
struct config;

#define FEED_PUBLIC		0x1
#define FEED_PRIVATE		0x2
#define FEED_CONFIDENTIAL	0x4

#define FEED_TOKEN_LEN		32	/* base32 of 160 random bits */

/* feed-select.c: which events a calendar holds. */
struct feed_sel {
	struct store_query	 q;		/* filters and window */
	int			 classes;	/* FEED_* bits */
	int64_t			 tombstones_since; /* cancelled: changed since */
	int			 cancelled_occurs; /* a series whose occurrence
						    in the window is cancelled
						    is in it (export, as list) */
};

int	 feed_select(struct server *, const struct feed_sel *,
	     struct ical_out *, char **);
int	 feed_select_in(struct store *, const char *,
	     const struct feed_sel *, struct ical_out *, char **);
int	 feed_class_bit(const char *);

/* feed-audience.c: what a feed's audience sees. */
enum ical_redact feed_redaction(const struct feed_def *);
char		*feed_render(struct server *, const struct feed_def *,
		     struct ical_cache *, int64_t, size_t *, int *, char **);

/* A feed's audience, for its briefing page (briefing.c). */
struct feed_view;
struct feed_view *feed_view_new(struct server *, const struct feed_def *);
char		*feed_view_record(struct feed_view *, const char *, char **);
void		 feed_view_free(struct feed_view *);

/* feed-body.c: a feed's body, built once per change, served from memory. */
struct feed_bytes;

struct feed_body {
	const char	*name;
	const char	*body, *gz;	/* gz: the body gzipped */
	size_t		 len, gzlen;
	struct feed_bytes *bytes, *gzbytes;	/* held while a reply sends them */
	char		 etag[40], etag_gz[44];	/* strong, quoted */
	int64_t		 modified;	/* Last-Modified */
	int		 public;	/* "all": Cache-Control public */
};

struct feeds;

struct feeds	*feeds_new(void);
void		 feeds_free(struct feeds *);
/* A request waiting for a body being built (feed_get returned 2). */
typedef void	(*feed_wait_fn)(void *, const struct feed_body *, int,
		     const char *);
int		 feed_get(struct server *, const char *, feed_wait_fn, void *,
		     const struct feed_body **, char **);
/* A briefing feed's page (briefing.c builds it), as of: */
struct feed_page_as {
	uint64_t		 generation;
	int64_t			 now, day;
	const struct config	*cfg;
};
int		 feed_briefing_cached(struct server *, const char *,
		     const struct feed_body **, struct feed_def *,
		     struct feed_page_as *, char **);
int		 feed_briefing_put(struct server *, const char *, char *,
		     size_t, const struct feed_page_as *,
		     const struct feed_body **, char **);
void		 feed_bytes_hold(struct feed_bytes *);
void		 feed_bytes_release(struct feed_bytes *);

/* feed-def.c: a feed's token, name, URLs and JSON. */
void		 feed_def_all(struct feed_def *);
char		*feed_new_token(void);
int		 feed_name_valid(const char *);
char		*feed_url(const struct config *, const char *, int);
char		*feed_briefing_url(const struct config *, const char *);
json_t		*feed_to_json(const struct config *, const struct feed_def *);

/* feed-config.c */
struct feed_config;
int		 feed_config_set(struct config *, const char *, const char *,
		     char **);
void		 feed_config_free(struct feed_config *);
const char	*feed_config_url(const struct config *);
const char	*feed_config_name(const struct config *);
int64_t		 feed_config_refresh(const struct config *);
int64_t		 feed_config_max_age(const struct config *);
int64_t		 feed_config_tombstones(const struct config *);
int64_t		 feed_config_past(const struct config *);
int64_t		 feed_config_future(const struct config *);

#endif
