/*
 * confirm.c — `kcal confirm UID...`: a tentative event becomes confirmed.
 * Each UID is read first, so a cancelled event is refused with the way
 * to restore it, and one already confirmed is left as it is; a refusal
 * does not stop the UIDs after it (the exit status says there was one).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "itinerary-html.h"
#include "kcal.h"

/* One UID: 0, or -1 with the refusal said (the next UIDs go on). */
static int
confirm_one(const char *uid)
{
	json_t	*res, *ev, *r;
	int	 rc = 0;

	if ((res = call_or_null(json_pack("{s:s, s:s}", "cmd", "get", "uid",
	    uid))) == NULL)
		return -1;
	ev = json_object_get(res, "event");
	if (strcmp(itin_str(ev, "status"), "cancelled") == 0) {
		fprintf(stderr, "kcal: %s is cancelled; restore it with kcal "
		    "edit %s --status confirmed\n", uid, uid);
		rc = -1;
	} else if (strcmp(itin_str(ev, "status"), "confirmed") == 0)
		printf("already confirmed %s\n", itin_str(ev, "uid"));
	else if ((r = call_or_null(json_pack("{s:s, s:s, s:s}", "cmd",
	    "update", "uid", itin_str(ev, "uid"), "status",
	    "confirmed"))) == NULL)
		rc = -1;
	else {
		printf("confirmed %s\n", itin_str(r, "uid"));
		json_decref(r);
	}
	json_decref(res);
	return rc;
}

int
cmd_confirm(const struct subcmd *sc, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int	 ch, rc = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (ch != 'h')
			option_error(sc, ch, argv);
		printf("usage: kcal %s\n%s.\n\nA tentative event becomes "
		    "confirmed (STATUS:CONFIRMED; SEQUENCE is incremented).\n"
		    "A cancelled event is refused: kcal edit can restore it "
		    "(its status option).\n", sc->usage, sc->help);
		return 0;
	}
	if (optind == argc)
		usage_error(sc, "give one or more UIDs");
	for (; optind < argc; optind++)
		if (confirm_one(argv[optind]) != 0)
			rc = EXIT_REFUSED;
	return rc;
}
