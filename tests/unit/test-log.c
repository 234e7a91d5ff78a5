/*
 * test-log.c — the daemon's log (daemon/log.c) escapes control characters
 * in what it writes, so text a client sent (a summary, an import's name)
 * cannot forge a log line or drive the reader's terminal; every message is
 * exactly one line, ended by the formatter's own newline.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "test.h"

static char	path[] = "/tmp/kcal-test-log.XXXXXX";

/* The log file's contents since the last call (it is truncated after). */
static char *
slurp(void)
{
	static char	 buf[4096];
	FILE		*fp = fopen(path, "r");
	size_t		 n = 0;

	if (fp != NULL) {
		n = fread(buf, 1, sizeof buf - 1, fp);
		fclose(fp);
	}
	buf[n] = '\0';
	truncate(path, 0);
	return buf;
}

/* The message part of the only line logged: after "]: ", without "\n". */
static const char *
message(char *log, int *lines)
{
	char	*m;

	*lines = 0;
	for (char *p = log; *p != '\0'; p++)
		*lines += *p == '\n';
	if ((m = strstr(log, "]: ")) == NULL)
		return "";
	m += 3;
	m[strcspn(m, "\n")] = '\0';
	return m;
}

int
main(void)
{
	int	 fd, lines;

	if ((fd = mkstemp(path)) == -1)
		return 1;
	close(fd);
	CHECK_INT(log_init(path, "debug"), 0);

	log_info("import %s: 1 added", "x\n2026-01-01T00:00:00Z kcald[warn]: "
	    "store: integrity check FAILED");
	CHECK_STR(message(slurp(), &lines), "import x\\n2026-01-01T00:00:00Z "
	    "kcald[warn]: store: integrity check FAILED: 1 added");
	CHECK_INT(lines, 1);

	log_warnx("reminder: \"%s\"", "a\rb\tc\x1b[31md\x07" "e\x7f" "f");
	CHECK_STR(message(slurp(), &lines),
	    "reminder: \"a\\rb\\tc\\x1b[31md\\x07e\\x7ff\"");
	CHECK_INT(lines, 1);

	/* C1 controls (U+009B is a CSI to some terminals); other UTF-8 kept. */
	log_info("%s", "caf\xc3\xa9 \xc2\x9b" "2J \xc2\xa0ok");
	CHECK_STR(message(slurp(), &lines),
	    "caf\xc3\xa9 \\xc2\\x9b2J \xc2\xa0ok");
	CHECK_INT(lines, 1);

	/* Plain text is untouched, backslashes included. */
	log_debug("C:\\path\\n is %d%%", 100);
	CHECK_STR(message(slurp(), &lines), "C:\\path\\n is 100%");

	log_close();
	unlink(path);
	TEST_DONE();
}
