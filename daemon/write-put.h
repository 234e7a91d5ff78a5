/*
 * write-put.h — one event written whole from iCalendar text, or deleted,
 * as one user (a CalDAV PUT or DELETE: dav-put.c), through the write path
 * of kcal add, edit and import (write-put.c).  What the resource is
 * called, and its ETag, are the caller's: it opens the transaction, finds
 * the UID its name holds and checks If-Match, then calls these inside it
 * (a nested store_begin is a savepoint) and commits.
 */
#ifndef KCAL_WRITE_PUT_H
#define KCAL_WRITE_PUT_H

#include <stddef.h>
#include <jansson.h>

#include "access.h"

struct server;

enum put_result {
	PUT_CREATED,		/* 201 */
	PUT_UPDATED,		/* 204 */
	PUT_UNCHANGED,		/* 204, nothing written */
	PUT_DELETED,		/* 204 */
	PUT_FORBIDDEN,		/* 403 DAV:need-privileges */
	PUT_NOT_FOUND,		/* 404: none the user may see */
	PUT_BAD_DATA,		/* 403 CALDAV:valid-calendar-data */
	PUT_BAD_OBJECT,		/* 403 CALDAV:valid-calendar-object-resource */
	PUT_COMPONENT,		/* 403 CALDAV:supported-calendar-component */
	PUT_UID_CONFLICT,	/* 409 CALDAV:no-uid-conflict (other) */
	PUT_TOO_BIG,		/* 413 CALDAV:max-resource-size */
	PUT_REFUSED,		/* 409: the write path said no (anchors) */
	PUT_STORE		/* 500 */
};

struct put_req {
	const char	*body;
	size_t		 len;
	const char	*name;		/* for messages */
	const char	*uid;		/* what the name holds; NULL: nothing */
};

struct put_out {
	enum put_result	 res;
	char		*why;		/* what is wrong, for the error body */
	char		*uid;		/* the event's */
	char		*other;		/* PUT_UID_CONFLICT: the UID elsewhere */
	char		*text;		/* the record stored (or kept) */
	json_t		*conflicts;	/* the clashes made (cmd-conflicts.c) */
	json_t		*moved;		/* UIDs moved with it (anchors) */
};

size_t	write_put_max(const struct server *);
void	write_put(struct server *, const struct access_who *,
	    const struct put_req *, struct put_out *);
void	write_put_delete(struct server *, const struct access_who *,
	    const char *, struct put_out *);
char	*write_put_conflicts(const json_t *, const char *);
void	write_put_clear(struct put_out *);

#endif
