/* kcal.h — what the client's subcommand modules share. */
#ifndef KCAL_CLIENT_H
#define KCAL_CLIENT_H

#include <jansson.h>

/* Exit statuses (kcal(1)). */
#define EXIT_REFUSED	1	/* the daemon refused; its message on stderr */
#define EXIT_USAGE	2
#define EXIT_NOSERVER	3	/* cannot reach the daemon */

struct subcmd {
	const char	*name;
	int		(*run)(int, char **);
	const char	*usage;
	const char	*help;
};

extern const char *socket_path;

/* Subcommands (events.c). */
int	 cmd_add(int, char **);
int	 cmd_edit(int, char **);
int	 cmd_list(int, char **);
int	 cmd_show(int, char **);
int	 cmd_cancel(int, char **);
int	 cmd_rm(int, char **);
int	 cmd_status(int, char **);

/* Reminders (reminders.c). */
int	 cmd_watch(int, char **);
int	 cmd_reminders(int, char **);
int	 cmd_snooze(int, char **);
int	 cmd_ack(int, char **);

/* Itineraries (itinerary.c). */
int	 cmd_itinerary(int, char **);
int	 cmd_people(int, char **);
int	 cmd_confirm(int, char **);
int	 cmd_conflicts(int, char **);
void	 write_report(json_t *);
long long parse_offset_arg(const struct subcmd *, const char *, const char *);

/* transfer.c */
int	 cmd_import(int, char **);
int	 cmd_export(int, char **);
int	 cmd_feed(int, char **);

void	 usage_error(const struct subcmd *, const char *, ...)
	     __attribute__((format(printf, 2, 3), noreturn));
void	 die(int, const char *, ...)
	     __attribute__((format(printf, 2, 3), noreturn));
json_t	*call(json_t *);
json_t	*call_patient(json_t *);
struct conn;
void	 patient(struct conn *);
void	 finish(void);
int	 want_help(int, char **, const struct subcmd *);
char	*parse_when_arg(const struct subcmd *, const char *, const char *);
const struct subcmd *subcmd_find(const char *);
void	 req_set_str(json_t *, const char *, const char *);
void	 req_set_zone(const struct subcmd *, json_t *, const char *,
	     const char *);
void	 req_set_when(const struct subcmd *, json_t *, const char *,
	     const char *);
long long parse_dur_arg(const struct subcmd *, const char *, const char *);

#endif
