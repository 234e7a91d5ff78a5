/*
 * kcal.h — the subcommands kcal.c's table runs, by the file that has each.
 * Every one takes its own table entry (for its usage line and help) and
 * the arguments from the subcommand's name on; it returns the exit status.
 */
#ifndef KCAL_CLIENT_H
#define KCAL_CLIENT_H

struct subcmd;

/* events.c */
int	 cmd_add(const struct subcmd *, int, char **);
int	 cmd_edit(const struct subcmd *, int, char **);
int	 cmd_list(const struct subcmd *, int, char **);
int	 cmd_show(const struct subcmd *, int, char **);
int	 cmd_cancel(const struct subcmd *, int, char **);
int	 cmd_rm(const struct subcmd *, int, char **);
int	 cmd_status(const struct subcmd *, int, char **);

/* reminders.c */
int	 cmd_watch(const struct subcmd *, int, char **);
int	 cmd_reminders(const struct subcmd *, int, char **);
int	 cmd_snooze(const struct subcmd *, int, char **);
int	 cmd_ack(const struct subcmd *, int, char **);

/* import-export.c */
int	 cmd_import(const struct subcmd *, int, char **);
int	 cmd_export(const struct subcmd *, int, char **);

/* feeds.c */
int	 cmd_feed(const struct subcmd *, int, char **);

/* itinerary.c, people.c, confirm.c, conflicts.c */
int	 cmd_itinerary(const struct subcmd *, int, char **);
int	 cmd_people(const struct subcmd *, int, char **);
int	 cmd_confirm(const struct subcmd *, int, char **);
int	 cmd_conflicts(const struct subcmd *, int, char **);

/* user.c */
int	 cmd_user(const struct subcmd *, int, char **);

#endif
