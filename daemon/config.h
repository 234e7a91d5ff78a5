/*
 * config.h — kcald's settings: built-in defaults, then the config file
 * (key = value, kcald.conf(5)), then the command line, so the command line
 * wins.  SIGHUP re-reads the file (settings that need a restart, such as the
 * socket path, are kept).
 */
#ifndef KCAL_CONFIG_H
#define KCAL_CONFIG_H

#include <stddef.h>

#include "access.h"

struct remind_config;
struct feed_config;
struct transfer_config;

struct config {
	char	*config_file;
	char	*socket_path;
	char	*data_dir;
	char	*db_path;	/* data_dir/kcal.db unless set */
	char	*home_tz;
	char	*http;		/* ADDR:PORT or NULL */
	char	*log_file;	/* NULL: stderr */
	char	*log_level;
	char	*users_file;	/* the accounts (account.c); beside the config */
	char	*http_trusted_proxy; /* its X-Real-IP counts (dav.c), or NULL */
	size_t	 max_line;
	unsigned max_clients;
	unsigned idle_timeout;	/* seconds, 0 = none */
	size_t	 max_occurrences;
	size_t	 max_yearly_occurrences;	/* a rule's density (recur-rules.c) */
	int	 daemonize;
	struct remind_config *remind;	/* remind-config.c: reminders, hook */
	struct feed_config *feed;	/* feed-config.c: the HTTP feeds */
	struct transfer_config *transfer; /* travel.c: between cities */
	/* Hardening (kcald.conf(5), "ACCESS" and "LIMITS"). */
	char	*socket_group;	/* group name or number, NULL: 0600 socket */
	struct access_config access;
	size_t	 max_output;	/* bytes queued for a client that does not read */
	size_t	 max_output_total; /* bytes queued for all clients together */
	size_t	 max_import_size;	/* bytes of iCalendar in one import */
	size_t	 max_import_events;	/* events in one import */
	size_t	 max_participants;	/* in one event (cmd-people.c) */
	size_t	 http_max_header_size;	/* bytes of request line and headers */
	size_t	 http_max_body_size;	/* bytes of request body */
	unsigned http_max_headers;	/* header fields in one request */
	unsigned http_max_connections;	/* open HTTP connections */
	unsigned http_header_timeout;	/* seconds for a request's header */
	unsigned http_body_timeout;	/* ... and for its body */
};

struct config	*config_new(void);
void		 config_free(struct config *);
int		 config_set(struct config *, const char *, const char *, char **);
int		 config_load(struct config *, const char *, int, char **);
int		 config_finish(struct config *, char **);
char		*config_default_data_dir(void);

#endif
