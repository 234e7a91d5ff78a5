/*
 * import-pipe.h — a streamed import's records made on a thread of their
 * own (import-pipe.c) while the loop writes them.
 */
#ifndef KCAL_IMPORT_PIPE_H
#define KCAL_IMPORT_PIPE_H

#include <stddef.h>

#include <event2/event.h>

#include "ical-import.h"

struct import_pipe;

/* What import_pipe_take found. */
enum pipe_take {
	PIPE_RECORD,	/* *r is the next record, *prep a series' expansion
			   or NULL (the caller's to free: occur.h) */
	PIPE_WAIT,	/* none yet: ready is called when there is */
	PIPE_AGAIN,	/* none yet, no thread: take again on the next turn */
	PIPE_END,	/* every record was taken */
	PIPE_FAILED	/* the file is refused: *why */
};

struct import_pipe *import_pipe_new(struct event_base *,
	     event_callback_fn, void *);
ical_record_cb	import_pipe_cb(void);
void		import_pipe_run(struct import_pipe *, struct imp *);
struct occur_prep;
enum pipe_take	import_pipe_take(struct import_pipe *, struct ical_record *,
		    struct occur_prep **, size_t *, char **);
size_t		import_pipe_total(struct import_pipe *);
void		import_pipe_free(struct import_pipe *);

#endif
