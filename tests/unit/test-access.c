/*
 * test-access.c — the socket's access policy (daemon/access.c): the order
 * of the rules, group membership through supplementary groups, the lists'
 * syntax and the conflicts refused at start.
 */
#include <stdlib.h>

#include "access.h"
#include "config.h"
#include "test.h"

#define SELF	1000

static enum access_level
level(const struct access_config *ac, uid_t uid, gid_t g0, gid_t g1)
{
	gid_t	gids[2] = { g0, g1 };

	return access_check(ac, SELF, uid, gids, 2);
}

static void
test_defaults(void)
{
	struct access_config	ac = { 0 };

	CHECK_INT(level(&ac, 0, 0, 0), ACCESS_WRITE);		/* root */
	CHECK_INT(level(&ac, SELF, 5, 5), ACCESS_WRITE);	/* owner */
	CHECK_INT(level(&ac, 2000, 2000, 2000), ACCESS_NONE);	/* stranger */
	CHECK_INT(access_check(&ac, SELF, 2000, NULL, 0), ACCESS_NONE);
}

static void
test_lists(void)
{
	struct access_config	 ac = { 0 };
	char			*cause = NULL;

	CHECK(access_parse_users("readonly_users", "2001, 2002 2003", &ac.ro_users,
	    &cause) == 0);
	CHECK_INT(ac.ro_users.n, 3);
	CHECK(access_parse_users("readwrite_users", "2004", &ac.rw_users,
	    &cause) == 0);
	CHECK(access_parse_groups("readwrite_groups", "300", &ac.rw_groups,
	    &cause) == 0);
	CHECK(access_parse_groups("readonly_groups", "400,401", &ac.ro_groups,
	    &cause) == 0);
	CHECK(access_validate(&ac, &cause) == 0);

	CHECK_INT(level(&ac, 2001, 9, 9), ACCESS_READ);
	CHECK_INT(level(&ac, 2003, 9, 9), ACCESS_READ);
	CHECK_INT(level(&ac, 2004, 9, 9), ACCESS_WRITE);
	/* A group, primary or supplementary. */
	CHECK_INT(level(&ac, 2100, 300, 9), ACCESS_WRITE);
	CHECK_INT(level(&ac, 2100, 9, 300), ACCESS_WRITE);
	CHECK_INT(level(&ac, 2100, 9, 401), ACCESS_READ);
	/* Write wins among groups. */
	CHECK_INT(level(&ac, 2100, 400, 300), ACCESS_WRITE);
	/* A user entry beats the user's groups, both ways. */
	CHECK_INT(level(&ac, 2001, 300, 300), ACCESS_READ);
	CHECK_INT(level(&ac, 2004, 400, 400), ACCESS_WRITE);
	/* Root and the owner are never limited. */
	CHECK_INT(level(&ac, SELF, 400, 400), ACCESS_WRITE);
	CHECK_INT(level(&ac, 2200, 9, 9), ACCESS_NONE);

	/* The socket group alone grants reading. */
	ac.has_socket_group = 1;
	ac.socket_gid = 500;
	CHECK_INT(level(&ac, 2200, 9, 500), ACCESS_READ);
	CHECK_INT(level(&ac, 2200, 500, 9), ACCESS_READ);
	CHECK_INT(level(&ac, 2200, 9, 9), ACCESS_NONE);
	CHECK_INT(level(&ac, 2100, 500, 300), ACCESS_WRITE);

	/* An empty value clears a list. */
	CHECK(access_parse_users("readonly_users", "", &ac.ro_users,
	    &cause) == 0);
	CHECK_INT(ac.ro_users.n, 0);
	CHECK_INT(level(&ac, 2001, 9, 9), ACCESS_NONE);
	access_clear(&ac);
	CHECK_INT(ac.rw_users.n, 0);
	access_clear(&ac);
}

static void
test_errors(void)
{
	struct access_config	 ac = { 0 };
	char			*cause = NULL;
	gid_t			 g;

	CHECK(access_parse_users("readonly_users", "no-such-user-kcal", &ac.ro_users,
	    &cause) == -1);
	CHECK_STR(cause, "readonly_users: no such user \"no-such-user-kcal\"");
	free(cause);
	cause = NULL;
	CHECK(access_parse_groups("readwrite_groups", "1 nogroup-kcal-x",
	    &ac.rw_groups, &cause) == -1);
	CHECK_STR(cause, "readwrite_groups: no such group \"nogroup-kcal-x\"");
	free(cause);
	cause = NULL;
	CHECK(access_parse_group("nogroup-kcal-x", &g, &cause) == -1);
	free(cause);
	cause = NULL;
	CHECK(access_parse_group("root", &g, &cause) == 0);
	CHECK_INT(g, 0);
	CHECK(access_parse_users("readonly_users", "root", &ac.ro_users,
	    &cause) == 0);
	CHECK_INT(ac.ro_users.ids[0], 0);
	CHECK(access_parse_users("readonly_users", "-1", &ac.ro_users,
	    &cause) == -1);
	free(cause);
	cause = NULL;

	CHECK(access_parse_users("readonly_users", "7", &ac.ro_users, &cause) == 0);
	CHECK(access_parse_users("readwrite_users", "8 7", &ac.rw_users,
	    &cause) == 0);
	CHECK(access_validate(&ac, &cause) == -1);
	CHECK_STR(cause, "uid 7 is in both readonly_users and readwrite_users");
	free(cause);
	cause = NULL;
	access_clear(&ac);
	CHECK(access_parse_groups("readonly_groups", "7", &ac.ro_groups,
	    &cause) == 0);
	CHECK(access_parse_groups("readwrite_groups", "7", &ac.rw_groups,
	    &cause) == 0);
	CHECK(access_validate(&ac, &cause) == -1);
	free(cause);
	access_clear(&ac);
}

/* The settings through config.c, as kcald.conf gives them. */
static void
test_config(void)
{
	struct config	*cfg = config_new();
	char		*cause = NULL;

	CHECK(config_set(cfg, "readonly_users", "12345", &cause) == 0);
	CHECK(config_set(cfg, "readwrite_groups", "4242", &cause) == 0);
	CHECK(config_set(cfg, "socket_group", "4243", &cause) == 0);
	CHECK(config_set(cfg, "max_output", "1M", &cause) == 0);
	CHECK_INT(cfg->max_output, 1024 * 1024);
	CHECK(config_set(cfg, "max_output", "10", &cause) == -1);
	free(cause);
	cause = NULL;
	CHECK(config_set(cfg, "max_import_events", "0", &cause) == -1);
	free(cause);
	cause = NULL;
	/* Sizes: a number with an optional K, M or G, nothing else. */
	CHECK(config_set(cfg, "http_max_body_size", "2k", &cause) == 0);
	CHECK_INT(cfg->http_max_body_size, 2048);
	CHECK(config_set(cfg, "http_max_body_size", "0", &cause) == 0);
	CHECK_INT(cfg->http_max_body_size, 0);
	CHECK(config_set(cfg, "max_output", "4G", &cause) == 0);
	CHECK(config_set(cfg, "max_output", "5G", &cause) == -1);
	free(cause);
	cause = NULL;
	CHECK(config_set(cfg, "http_max_body_size", "K", &cause) == -1);
	free(cause);
	cause = NULL;
	CHECK(config_set(cfg, "http_max_body_size", "5X", &cause) == -1);
	CHECK_STR(cause, "http_max_body_size must be a size from 0 to 67108864 "
	    "bytes (a number, optionally with K, M or G), not \"5X\"");
	free(cause);
	cause = NULL;
	CHECK(config_set(cfg, "max_import_size", "-1", &cause) == -1);
	free(cause);
	cause = NULL;
	CHECK(config_set(cfg, "max_import_size", "", &cause) == -1);
	free(cause);
	cause = NULL;
	CHECK(config_set(cfg, "socket", "/nonexistent/kcald.sock", &cause) == 0);
	CHECK(config_set(cfg, "data_dir", "/nonexistent", &cause) == 0);
	CHECK(config_set(cfg, "home_tz", "UTC", &cause) == 0);
	CHECK(config_finish(cfg, &cause) == 0);
	CHECK_INT(cfg->access.has_socket_group, 1);
	CHECK_INT(cfg->access.socket_gid, 4243);
	CHECK_INT(cfg->access.ro_users.ids[0], 12345);
	CHECK(config_set(cfg, "readwrite_users", "12345", &cause) == 0);
	CHECK(config_finish(cfg, &cause) == -1);
	CHECK_STR(cause, "uid 12345 is in both readonly_users and "
	    "readwrite_users");
	free(cause);
	config_free(cfg);
}

/* Classes as ranks: an unknown CLASS is PRIVATE (RFC 5545 3.8.1.3). */
static void
test_classes(void)
{
	CHECK_INT(access_class_of(NULL), ACCESS_CLASS_PUBLIC);
	CHECK_INT(access_class_of(""), ACCESS_CLASS_PUBLIC);
	CHECK_INT(access_class_of("PUBLIC"), ACCESS_CLASS_PUBLIC);
	CHECK_INT(access_class_of("private"), ACCESS_CLASS_PRIVATE);
	CHECK_INT(access_class_of("Confidential"), ACCESS_CLASS_CONFIDENTIAL);
	CHECK_INT(access_class_of("X-TOP-SECRET"), ACCESS_CLASS_PRIVATE);
	CHECK_INT(access_class_of("x-eyes-only"), ACCESS_CLASS_PRIVATE);
	CHECK_INT(access_class_of("publicx"), ACCESS_CLASS_PRIVATE);
	CHECK_STR(access_class_name(access_class_of("X-EYES-ONLY")), "private");
	CHECK(access_may_read(ACCESS_CLASS_PUBLIC, ACCESS_CLASS_PUBLIC));
	CHECK(!access_may_read(ACCESS_CLASS_PUBLIC, ACCESS_CLASS_PRIVATE));
	CHECK(access_may_read(ACCESS_CLASS_CONFIDENTIAL,
	    ACCESS_CLASS_PRIVATE));
	CHECK(!access_may_read(ACCESS_CLASS_PRIVATE,
	    ACCESS_CLASS_CONFIDENTIAL));
}

/*
 * Each role's clearance (kcald.conf(5), POLICY): writers read everything,
 * readers up to readonly_clearance (public unless set), a peer in no list
 * nothing above public (it is refused anyway); and the whole table of who
 * may read which class, for every setting.
 */
static void
test_clearance(void)
{
	struct config		*cfg = config_new();
	struct access_config	 ac = { 0 };
	char			*cause = NULL;
	const char		*names[] = { "public", "private", "confidential" };

	CHECK_INT(access_clearance(&ac, ACCESS_WRITE),
	    ACCESS_CLASS_CONFIDENTIAL);
	CHECK_INT(access_clearance(&ac, ACCESS_READ), ACCESS_CLASS_PUBLIC);
	CHECK_INT(access_clearance(&ac, ACCESS_NONE), ACCESS_CLASS_PUBLIC);
	for (int set = 0; set < 3; set++) {
		CHECK(config_set(cfg, "readonly_clearance", names[set],
		    &cause) == 0);
		CHECK_INT(access_clearance(&cfg->access, ACCESS_READ), set);
		/* A writer's clearance is not lowered by the setting. */
		CHECK_INT(access_clearance(&cfg->access, ACCESS_WRITE),
		    ACCESS_CLASS_CONFIDENTIAL);
		for (int c = 0; c < 3; c++) {
			enum access_class k = access_class_of(names[c]);

			CHECK_INT(access_may_read(access_clearance(
			    &cfg->access, ACCESS_READ), k), c <= set);
			CHECK(access_may_read(access_clearance(&cfg->access,
			    ACCESS_WRITE), k));
		}
		/* An unknown class is read only from private up. */
		CHECK_INT(access_may_read(access_clearance(&cfg->access,
		    ACCESS_READ), access_class_of("X-TOP-SECRET")), set >= 1);
	}
	CHECK(config_set(cfg, "readonly_clearance", "Confidential",
	    &cause) == 0);
	CHECK_INT(cfg->access.ro_clearance, ACCESS_CLASS_CONFIDENTIAL);
	CHECK(config_set(cfg, "readonly_clearance", "secret", &cause) == -1);
	CHECK_STR(cause, "readonly_clearance is public, private or "
	    "confidential, not \"secret\"");
	free(cause);
	cause = NULL;
	CHECK(config_set(cfg, "readonly_clearance", "", &cause) == -1);
	free(cause);
	/* A failed setting leaves the last good one. */
	CHECK_INT(cfg->access.ro_clearance, ACCESS_CLASS_CONFIDENTIAL);
	config_free(cfg);
}

/* A write needs the writer's role and a clearance up to the class. */
static void
test_may_write(void)
{
	struct access_who	 rw = { ACCESS_WRITE, ACCESS_CLASS_PUBLIC, "a" };
	struct access_who	 ro = { ACCESS_READ, ACCESS_CLASS_CONFIDENTIAL,
				    "b" };

	CHECK(access_may_write(&rw, ACCESS_CLASS_PUBLIC));
	CHECK(!access_may_write(&rw, ACCESS_CLASS_PRIVATE));
	CHECK(!access_may_write(&rw, ACCESS_CLASS_CONFIDENTIAL));
	CHECK(!access_may_write(&ro, ACCESS_CLASS_PUBLIC));
	rw.clearance = ACCESS_CLASS_CONFIDENTIAL;
	CHECK(access_may_write(&rw, ACCESS_CLASS_CONFIDENTIAL));
	rw.level = ACCESS_NONE;
	CHECK(!access_may_write(&rw, ACCESS_CLASS_PUBLIC));
}

int
main(void)
{
	test_may_write();
	test_classes();
	test_clearance();
	test_defaults();
	test_lists();
	test_errors();
	test_config();
	TEST_DONE();
}
