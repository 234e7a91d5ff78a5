/*
 * config.h — kcald's settings: built-in defaults, then the config file
 * (key = value, kcald.conf(5)), then the command line, so the command line
 * wins.  SIGHUP re-reads the file (settings that need a restart, such as the
 * socket path, are kept).
 */
#ifndef KCAL_CONFIG_H
#define KCAL_CONFIG_H

#include <stddef.h>

struct config {
	char	*config_file;
	char	*socket_path;
	char	*data_dir;
	char	*db_path;	/* data_dir/kcal.db unless set */
	char	*home_tz;
	char	*http;		/* ADDR:PORT or NULL */
	char	*log_file;	/* NULL: stderr */
	char	*log_level;
	size_t	 max_line;
	unsigned max_clients;
	unsigned idle_timeout;	/* seconds, 0 = none */
	size_t	 max_occurrences;
	int	 daemonize;
};

struct config	*config_new(void);
void		 config_free(struct config *);
int		 config_set(struct config *, const char *, const char *, char **);
int		 config_load(struct config *, const char *, int, char **);
int		 config_finish(struct config *, char **);
char		*config_default_data_dir(void);

#endif
