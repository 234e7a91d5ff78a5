/*
 * cursor.h — the "cursor" of a paged list: the sort key (start, UID,
 * RECURRENCE-ID) of the last item a page showed, in an opaque string the
 * client hands back for the next page.  Keying on the item, not on its
 * position, keeps a page after a write from repeating or skipping items
 * that did not change.
 */
#ifndef KCAL_CURSOR_H
#define KCAL_CURSOR_H

#include <stdint.h>

struct cursor {
	int64_t		 start;		/* UTC */
	char		*uid;
	char		*rid;		/* "" for an event that does not recur */
};

char	*cursor_encode(int64_t, const char *, const char *);
int	 cursor_decode(const char *, struct cursor *);	/* 0 or -1 */
void	 cursor_clear(struct cursor *);
int	 cursor_cmp(const struct cursor *, int64_t, const char *,
	    const char *);	/* <0, 0, >0: the cursor against a key */

#endif
