/*
 * notify-int.h — private to the reminder hooks: notify.c (the queue of
 * hook runs, kept in the store, and the slots of each hook) and
 * notify-spawn.c (one run: the process, its output, its timeout).
 */
#ifndef KCAL_NOTIFY_INT_H
#define KCAL_NOTIFY_INT_H

#include <sys/queue.h>
#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "notify.h"

struct job {
	struct notify		*nt;
	int64_t			 id;		/* in hook_jobs; 0: memory only */
	int			 cmd;		/* which notify_cmd: its lane */
	char			*uid;
	char			**argv, **env;
	int64_t			 timeout;
	pid_t			 pid;
	int			 fd;		/* read end of the output pipe */
	struct event		*ev_read, *ev_timeout;
	char			 line[1024];
	size_t			 len, logged, dropped;
	int			 exited, killed;
	TAILQ_ENTRY(job)	 entry;
};
TAILQ_HEAD(jobs, job);

/* One hook's share of the runner: its slots, its place in the queue. */
struct lane {
	int64_t			 last;		/* the last id taken */
	size_t			 nrunning;
};

struct notify {
	struct event_base	*base;
	struct store		*store;
	notify_cmd_cb		 cmd_of;
	void			*cmd_arg;
	struct event		*ev_sigchld;
	struct event		*ev_pump;
	struct jobs		 running, queued;	/* queued: memory only */
	size_t			 nrunning, nqueued;
	struct lane		 lanes[NOTIFY_MAX_CMDS];
	int			 ncmds;		/* hooks set at the last pump */
	int			 sweep;		/* look for rows of no hook */
	int64_t			 swept;		/* ... past this id */
	int64_t			 upto;		/* runs of deliveries to here */
	int64_t			*done;		/* finished, not yet recorded */
	size_t			 ndone, done_cap;
	int			 stalled;	/* the store cannot record */
	int64_t			 stalled_at;	/* since this last try */
};

/* notify-spawn.c: one run of a hook */
struct job	*notify_job_new(struct notify *, int64_t, int, const char *,
		     int64_t, json_t *, int);
void		 notify_job_free(struct job *);
void		 notify_job_start(struct notify *, struct job *);
void		 notify_reap(evutil_socket_t, short, void *);
size_t		 notify_stop_running(struct notify *);

/* notify.c: the run of queue entry id is over */
void		 notify_job_over(struct notify *, int64_t);

#endif
