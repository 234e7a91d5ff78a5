/*
 * import-run.h — one import's bookkeeping, shared by the two ways a file
 * arrives: whole in one "import" request (cmd-import.c, which also decides
 * what each record does to the store) and in pieces, worked through a
 * slice at a time off the request (import-stream.c).
 */
#ifndef KCAL_IMPORT_RUN_H
#define KCAL_IMPORT_RUN_H

#include <stddef.h>
#include <jansson.h>

struct cmd_ctx;
struct ical_import;
struct ical_import_opts;
struct ical_record;
struct occur_prep;
struct server;
struct store;

struct import_run {
	struct server	*srv;
	struct store	*st;		/* the connection written */
	int		 dry_run;
	size_t		 count[4];	/* added, updated, unchanged, skipped */
	json_t		*events;
	json_t		*warnings;	/* besides the file's own */
	json_t		*moved;		/* stored followers moved (cmd-import.c) */
	json_t		*anchored;	/* the file's anchored UIDs: kept */
	json_t		*to_check;	/* [uid, anchor] of those, whose chains
					   are checked when all are written */
	size_t		 check_next;	/* ... the next to check */
	json_t		*to_move;	/* imported UIDs with stored followers */
	size_t		 move_next;	/* ... the next to move them for */
	size_t		 nmoved;	/* how many moved (moved: 1000 first) */
	struct occur_prep *prep;	/* the record's expansion, made ahead
					   (import-stream.c), or NULL */
	char		*why;
	int		 limit;		/* why is a limit, not the store */
	int		 bad;		/* why is the file's, not the store's */
};

int		 import_args(struct cmd_ctx *, struct import_run *,
		     struct ical_import_opts *);
int		 import_file_record(struct ical_record *, void *);
json_t		*import_result(struct import_run *, const char *,
		     struct ical_import *);
const char	*import_error(struct import_run *, int, const char *,
		     const char *, char **);
void		 import_log(struct import_run *, const char *);
void		 import_run_clear(struct import_run *);
int		 import_follow_anchors(struct import_run *, int (*)(void *),
		     void *);

/* import-stream.c */
struct client;
int		 import_busy(const struct server *);
int		 import_ending(const struct client *);
void		 import_refused(struct client *, const char *);
void		 import_client_gone(struct client *);
void		 import_shutdown(struct server *);

#endif
