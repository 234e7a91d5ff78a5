/*
 * cli.h — what every subcommand module of kcal uses (cli.c): the
 * subcommand's description, the exit statuses, one request to kcald,
 * reading WHEN, DUR and offset arguments, dying with a usage error.
 * The subcommands themselves are in kcal.h; the table in kcal.c.
 */
#ifndef KCAL_CLI_H
#define KCAL_CLI_H

#include <jansson.h>

/* Exit statuses (kcal(1)). */
#define EXIT_REFUSED	1	/* the daemon refused; its message on stderr */
#define EXIT_USAGE	2
#define EXIT_NOSERVER	3	/* cannot reach the daemon */

struct subcmd {
	const char	*name;
	int		(*run)(const struct subcmd *, int, char **);
	const char	*usage;
	const char	*help;
};

extern const char *socket_path;

void	 usage_error(const struct subcmd *, const char *, ...)
	     __attribute__((format(printf, 2, 3), noreturn));
void	 option_error(const struct subcmd *, int, char **)
	     __attribute__((noreturn));
void	 die(int, const char *, ...)
	     __attribute__((format(printf, 2, 3), noreturn));

/* Talking to kcald. */
extern int	 stdout_closed_at_start;
json_t	*call(json_t *);
json_t	*call_or_null(json_t *);
json_t	*call_patient(json_t *);
struct conn;
void	 patient(struct conn *);
void	 set_timeout(unsigned);
void	 finish(void);

/* Arguments into requests. */
char	*parse_when_arg(const struct subcmd *, const char *, const char *);
long long parse_dur_arg(const struct subcmd *, const char *, const char *);
long long parse_lead_arg(const struct subcmd *, const char *, const char *);
long long parse_offset_arg(const struct subcmd *, const char *, const char *);
int	 format_is_json(const struct subcmd *, const char *);
void	 req_set_str(json_t *, const char *, const char *);
void	 req_set_zone(const struct subcmd *, json_t *, const char *,
	     const char *);
void	 req_set_when(const struct subcmd *, json_t *, const char *,
	     const char *);

/*
 * The event filters of kcal export and kcal feed add (kcal list has its
 * own, with --all and in another order): FILTER_OPTS in the getopt table,
 * filter_opt() in its default case, filter_help in the --help text.
 */
enum {
	O_FILTER_KIND = 1024, O_FILTER_STATUS, O_FILTER_PARTICIPANT,
	O_FILTER_PARENT, O_FILTER_SEARCH
};

#define FILTER_OPTS \
	{ "kind", required_argument, NULL, O_FILTER_KIND }, \
	{ "status", required_argument, NULL, O_FILTER_STATUS }, \
	{ "participant", required_argument, NULL, O_FILTER_PARTICIPANT }, \
	{ "parent", required_argument, NULL, O_FILTER_PARENT }, \
	{ "search", required_argument, NULL, O_FILTER_SEARCH }

extern const char filter_help[];
int	 filter_opt(json_t *, int, const char *);

#endif
