/*
 * test-config.c — kcald.conf settings: sizes with K, M and G (every size
 * setting, max_line included, which once took only a plain number), the
 * refusals (an unknown unit, overflow, out of range), and the connection
 * and output limits' defaults; notify_cmd given more than once is a list
 * (in order, an empty one clears it, at most NOTIFY_MAX_CMDS).
 */
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "notify.h"
#include "remind.h"
#include "test.h"

/* Set key = v on a fresh config; 0 or -1 (the cause is checked, then freed). */
static int
set(struct config *cfg, const char *key, const char *v)
{
	char	*cause = NULL;
	int	 rc = config_set(cfg, key, v, &cause);

	CHECK((rc == 0) == (cause == NULL));
	if (cause != NULL && strstr(cause, key) == NULL) {
		fprintf(stderr, "FAIL: \"%s\" does not name %s\n", cause, key);
		t_failed++;
	}
	free(cause);
	return rc;
}

static void
test_sizes(void)
{
	struct config	*cfg = config_new();

	CHECK_INT(set(cfg, "max_line", "400M"), 0);
	CHECK_INT(cfg->max_line, 400ULL << 20);
	CHECK_INT(set(cfg, "max_line", "64k"), 0);
	CHECK_INT(cfg->max_line, 64 << 10);
	CHECK_INT(set(cfg, "max_line", "1G"), 0);
	CHECK_INT(cfg->max_line, 1ULL << 30);
	CHECK_INT(set(cfg, "max_line", "2048"), 0);
	CHECK_INT(cfg->max_line, 2048);
	CHECK_INT(set(cfg, "max_line", "10"), 0);	/* raised to the floor */
	CHECK_INT(cfg->max_line, 1024);
	CHECK_INT(set(cfg, "max_output", "400M"), 0);
	CHECK_INT(cfg->max_output, 400ULL << 20);
	CHECK_INT(set(cfg, "max_output", "4G"), 0);
	CHECK_INT(cfg->max_output, 4ULL << 30);
	CHECK_INT(set(cfg, "max_import_size", "400M"), 0);
	CHECK_INT(cfg->max_import_size, 400ULL << 20);
	CHECK_INT(set(cfg, "http_max_header_size", "16K"), 0);
	CHECK_INT(cfg->http_max_header_size, 16 << 10);
	CHECK_INT(set(cfg, "max_output_total", "512M"), 0);
	CHECK_INT(cfg->max_output_total, 512ULL << 20);

	/* Refusals leave the value as it was. */
	CHECK_INT(set(cfg, "max_line", "4X"), -1);
	CHECK_INT(set(cfg, "max_line", "4MB"), -1);
	CHECK_INT(set(cfg, "max_line", "4 M"), -1);
	CHECK_INT(set(cfg, "max_line", "M"), -1);
	CHECK_INT(set(cfg, "max_line", ""), -1);
	CHECK_INT(set(cfg, "max_line", "-1"), -1);
	CHECK_INT(set(cfg, "max_line", "2G"), -1);	/* past its maximum */
	CHECK_INT(set(cfg, "max_output", "17179869184G"), -1);	/* overflows */
	CHECK_INT(set(cfg, "max_output", "18446744073709551616"), -1);
	CHECK_INT(set(cfg, "max_output", "5G"), -1);
	CHECK_INT(set(cfg, "max_output", "1K"), -1);	/* under its minimum */
	CHECK_INT(set(cfg, "max_output_total", "100K"), -1);
	CHECK_INT(cfg->max_line, 1024);
	CHECK_INT(cfg->max_output, 4ULL << 30);
	CHECK_INT(cfg->max_output_total, 512ULL << 20);
	config_free(cfg);
}

static void
test_limits(void)
{
	struct config	*cfg = config_new();

	CHECK_INT(cfg->max_output_total, 256ULL << 20);
	CHECK(cfg->http_max_connections > 0 &&
	    cfg->http_max_connections < cfg->max_clients * 4);
	CHECK(cfg->http_header_timeout > 0 && cfg->http_header_timeout <= 30);
	CHECK_INT(set(cfg, "http_max_connections", "32"), 0);
	CHECK_INT(cfg->http_max_connections, 32);
	CHECK_INT(set(cfg, "http_header_timeout", "3"), 0);
	CHECK_INT(cfg->http_header_timeout, 3);
	CHECK_INT(set(cfg, "http_header_timeout", "3s"), -1);
	CHECK_INT(cfg->http_body_timeout, 30);
	CHECK_INT(set(cfg, "http_body_timeout", "5"), 0);
	CHECK_INT(cfg->http_body_timeout, 5);
	CHECK_INT(set(cfg, "http_body_timeout", "-1"), -1);
	CHECK_INT(set(cfg, "http_body_timeout", "3601"), -1);
	CHECK_INT(set(cfg, "http_max_connections", "-2"), -1);
	CHECK_INT(cfg->http_max_connections, 32);
	config_free(cfg);
}

static void
test_notify_cmds(void)
{
	struct config	*cfg = config_new();
	char		 cmd[32];

	CHECK_INT(remind_config_notify_ncmds(cfg), 0);
	CHECK(remind_config_notify_cmd(cfg, 0) == NULL);
	CHECK_INT(set(cfg, "notify_cmd", "/bin/hook-a --x"), 0);
	CHECK_INT(set(cfg, "notify_cmd", "hook-b"), 0);
	CHECK_INT(set(cfg, "notify_timeout", "5s"), 0);
	CHECK_INT(set(cfg, "notify_cmd", "hook-c"), 0);
	CHECK_INT(remind_config_notify_ncmds(cfg), 3);
	CHECK_STR(remind_config_notify_cmd(cfg, 0), "/bin/hook-a --x");
	CHECK_STR(remind_config_notify_cmd(cfg, 1), "hook-b");
	CHECK_STR(remind_config_notify_cmd(cfg, 2), "hook-c");
	CHECK(remind_config_notify_cmd(cfg, 3) == NULL);
	CHECK(remind_config_notify_cmd(cfg, -1) == NULL);
	CHECK_INT(remind_config_notify_timeout(cfg), 5);

	/* An empty one clears the list so far (--notify-cmd replaces). */
	CHECK_INT(set(cfg, "notify_cmd", " \t"), 0);
	CHECK_INT(remind_config_notify_ncmds(cfg), 0);
	CHECK(remind_config_notify_cmd(cfg, 0) == NULL);
	CHECK_INT(set(cfg, "notify_cmd", "hook-d"), 0);
	CHECK_INT(remind_config_notify_ncmds(cfg), 1);
	CHECK_STR(remind_config_notify_cmd(cfg, 0), "hook-d");

	/* At most NOTIFY_MAX_CMDS; one more is refused, the list kept. */
	for (int i = 1; i < NOTIFY_MAX_CMDS; i++) {
		snprintf(cmd, sizeof cmd, "hook-%d", i);
		CHECK_INT(set(cfg, "notify_cmd", cmd), 0);
	}
	CHECK_INT(remind_config_notify_ncmds(cfg), NOTIFY_MAX_CMDS);
	CHECK_INT(set(cfg, "notify_cmd", "one-too-many"), -1);
	CHECK_INT(remind_config_notify_ncmds(cfg), NOTIFY_MAX_CMDS);
	CHECK_STR(remind_config_notify_cmd(cfg, NOTIFY_MAX_CMDS - 1), "hook-15");
	config_free(cfg);
}

/* http_trusted_proxy: an IP address, nothing else. */
static void
test_trusted_proxy(void)
{
	struct config	*cfg = config_new();

	CHECK(cfg->http_trusted_proxy == NULL);
	CHECK_INT(set(cfg, "http_trusted_proxy", "127.0.0.1"), 0);
	CHECK_STR(cfg->http_trusted_proxy, "127.0.0.1");
	CHECK_INT(set(cfg, "http_trusted_proxy", "::1"), 0);
	CHECK_STR(cfg->http_trusted_proxy, "::1");
	CHECK_INT(set(cfg, "http_trusted_proxy", "localhost"), -1);
	CHECK_INT(set(cfg, "http_trusted_proxy", "127.0.0.1:8765"), -1);
	CHECK_INT(set(cfg, "http_trusted_proxy", ""), -1);
	CHECK_STR(cfg->http_trusted_proxy, "::1");
	config_free(cfg);
}

int
main(void)
{
	test_sizes();
	test_trusted_proxy();
	test_limits();
	test_notify_cmds();
	TEST_DONE();
}
