/*
 * store-conflict.c — what the conflict check after a write (cmd-conflicts.c)
 * asks the store beside its window query.  The check keeps, of the rows in
 * the written event's window, those that share a participant with it; it
 * matches the names on the rows' participants, which it reads anyway, and
 * not in the window query: a subquery per row over the participants was
 * most of that query, and at 100,000 events the query was most of an add.
 * A series that shares nobody is still kept when it has RECURRENCE-ID
 * overrides (they have people of their own): store_series_overridden says
 * so from the stored text, as the window query's filter did.
 */
#include "store.h"
#include "store-int.h"

static const char sql_overridden[] = "SELECT 1 FROM events WHERE uid = ?1 "
    "AND rrule IS NOT NULL AND instr(ical, 'RECURRENCE-ID')";

/*
 * Is uid a series whose stored text has RECURRENCE-ID overrides?  1 yes,
 * 0 no, -1 if the store could not say.
 */
int
store_series_overridden(struct store *st, const char *uid)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_stmt(st, sql_overridden, NULL)) == NULL)
		return -1;
	store_bind_text(s, 1, uid);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : -1;
}
