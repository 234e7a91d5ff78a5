/*
 * dav-props.h — the properties of a resource in a 207 (dav-props.c), for
 * PROPFIND and for the REPORTs (dav-report.c), which answer the same
 * properties of each object they find.
 */
#ifndef KCAL_DAV_PROPS_H
#define KCAL_DAV_PROPS_H

#include "dav-int.h"

struct dav_ms;
struct dav_req;

void	dav_props_response(struct dav_call *, struct dav_ms *,
	    const struct dav_req *, enum dav_res, const char *, const char *,
	    const char *, size_t, const char *);
int	dav_props_members(struct dav_call *, struct dav_ms *,
	    const struct dav_req *, char **);

#endif
