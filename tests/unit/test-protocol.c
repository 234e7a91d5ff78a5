/*
 * test-protocol.c — the wire protocol's pure functions: framing a byte
 * stream into lines, validating a request line, and building replies.
 */
#include <stdlib.h>
#include <string.h>

#include "kcal-protocol.h"
#include "test.h"

static void
test_frame(void)
{
	const char	*two = "{\"cmd\":\"a\"}\n{\"cmd\":\"b\"}\n";
	char		 big[64];

	/* A complete line: its length without the newline. */
	CHECK_INT(proto_frame("abc\n", 4, 100), 3);
	CHECK_INT(proto_frame("\n", 1, 100), 0);
	/* The first of two lines. */
	CHECK_INT(proto_frame(two, strlen(two), 100), 11);
	/* Partial: no newline yet. */
	CHECK_INT(proto_frame("{\"cmd\":", 7, 100), PROTO_NEED_MORE);
	CHECK_INT(proto_frame("", 0, 100), PROTO_NEED_MORE);
	/* CR LF: the CR stays in the line (the parser drops it). */
	CHECK_INT(proto_frame("ab\r\n", 4, 100), 3);
	/* Too long: more than max bytes and no newline. */
	memset(big, 'x', sizeof big);
	CHECK_INT(proto_frame(big, sizeof big, 10), PROTO_TOO_LONG);
	/* Exactly max bytes without a newline may still be completed. */
	CHECK_INT(proto_frame(big, 10, 10), PROTO_NEED_MORE);
	/* A line of exactly max bytes is accepted, max + 1 is not. */
	big[10] = '\n';
	CHECK_INT(proto_frame(big, sizeof big, 10), 10);
	big[10] = 'x';
	big[11] = '\n';
	CHECK_INT(proto_frame(big, sizeof big, 10), PROTO_TOO_LONG);
	/* A newline beyond the limit does not count. */
	big[11] = 'x';
	big[40] = '\n';
	CHECK_INT(proto_frame(big, sizeof big, 10), PROTO_TOO_LONG);
}

/* Parse s; return 0 or -1 and check the code on failure. */
static int
parse(const char *s, const char *want_code, json_t **req)
{
	const char	*code = NULL;
	char		*cause = NULL;
	json_t		*r = NULL;
	int		 rc;

	rc = proto_parse_request(s, strlen(s), &r, &code, &cause);
	if (want_code == NULL) {
		CHECK_INT(rc, 0);
		CHECK(cause == NULL);
	} else {
		CHECK_INT(rc, -1);
		CHECK_STR(code, want_code);
		CHECK(cause != NULL && *cause != '\0');
	}
	free(cause);
	if (req != NULL)
		*req = r;
	else
		json_decref(r);
	return rc;
}

static void
test_parse(void)
{
	json_t	*req;

	/* An empty line is refused with a reason, not ignored without one. */
	parse("", KCAL_E_BAD_REQUEST, NULL);
	parse("\r", KCAL_E_BAD_REQUEST, NULL);

	/* Bad JSON. */
	parse(" ", KCAL_E_BAD_JSON, NULL);
	parse("{", KCAL_E_BAD_JSON, NULL);
	parse("{\"cmd\": \"list\",}", KCAL_E_BAD_JSON, NULL);
	parse("not json at all", KCAL_E_BAD_JSON, NULL);
	parse("{\"cmd\":\"a\",\"cmd\":\"b\"}", KCAL_E_BAD_JSON, NULL);
	parse("{\"cmd\":\"list\"} trailing", KCAL_E_BAD_JSON, NULL);
	/* Not an object. */
	parse("[1, 2]", KCAL_E_BAD_REQUEST, &req);
	CHECK(req == NULL);
	parse("\"list\"", KCAL_E_BAD_REQUEST, NULL);
	parse("42", KCAL_E_BAD_REQUEST, NULL);
	parse("null", KCAL_E_BAD_REQUEST, NULL);
	/* A bad id: the request is still handed back (so it can be echoed). */
	parse("{\"id\": [1], \"cmd\": \"list\"}", KCAL_E_BAD_REQUEST, &req);
	CHECK(json_is_object(req));
	CHECK(proto_request_id(req) == NULL);
	json_decref(req);
	parse("{\"id\": 1.5, \"cmd\": \"list\"}", KCAL_E_BAD_REQUEST, NULL);
	parse("{\"id\": null, \"cmd\": \"list\"}", KCAL_E_BAD_REQUEST, NULL);
	parse("{\"id\": true, \"cmd\": \"list\"}", KCAL_E_BAD_REQUEST, NULL);
	/* Missing or unusable cmd: the id is kept for the error reply. */
	parse("{\"id\": 7}", KCAL_E_BAD_REQUEST, &req);
	CHECK_INT(json_integer_value(proto_request_id(req)), 7);
	json_decref(req);
	parse("{\"id\": 7, \"cmd\": \"\"}", KCAL_E_BAD_REQUEST, NULL);
	parse("{\"id\": 7, \"cmd\": 3}", KCAL_E_BAD_REQUEST, NULL);
	parse("{\"id\": 7, \"cmd\": null}", KCAL_E_BAD_REQUEST, NULL);
	parse("{}", KCAL_E_BAD_REQUEST, NULL);
	/* Valid: integer id, string id, no id, CR LF. */
	parse("{\"id\": 7, \"cmd\": \"list\"}", NULL, &req);
	CHECK_INT(json_integer_value(proto_request_id(req)), 7);
	CHECK_STR(json_string_value(json_object_get(req, "cmd")), "list");
	json_decref(req);
	parse("{\"id\": \"x-1\", \"cmd\": \"get\", \"uid\": \"abc\"}", NULL,
	    &req);
	CHECK_STR(json_string_value(proto_request_id(req)), "x-1");
	json_decref(req);
	parse("{\"cmd\": \"status\"}", NULL, &req);
	CHECK(proto_request_id(req) == NULL);
	json_decref(req);
	parse("{\"cmd\": \"status\"}\r", NULL, NULL);
	/* A length shorter than the string: only that part is read. */
	{
		const char	*s = "{\"cmd\": \"status\"}GARBAGE";
		const char	*code;
		char		*cause = NULL;

		CHECK_INT(proto_parse_request(s, 17, &req, &code, &cause), 0);
		json_decref(req);
		free(cause);
	}
}

static void
test_replies(void)
{
	json_t	*id = json_integer(9), *r, *e;
	char	*line;
	size_t	 len;

	/*
	 * A message with bytes that are not UTF-8 (a quoted line cut inside a
	 * character) still carries its error, with '?' for those bytes; it
	 * came out as {"ok": false} alone.
	 */
	r = proto_err(NULL, KCAL_E_BAD_ICAL, "not \"%s\"", "\xe3\xb8\x81\xeb\xb4");
	e = json_object_get(r, "error");
	CHECK_STR(json_string_value(json_object_get(e, "code")), KCAL_E_BAD_ICAL);
	CHECK_STR(json_string_value(json_object_get(e, "message")),
	    "not \"\xe3\xb8\x81??\"");
	json_decref(r);
	r = proto_err(NULL, KCAL_E_BAD_ICAL, "%s", "\xed\xa0\x80 \xf8 \xc0\xaf ok");
	CHECK_STR(json_string_value(json_object_get(json_object_get(r, "error"),
	    "message")), "??? ? ?? ok");
	json_decref(r);

	r = proto_ok(id, json_pack("{s:i}", "n", 1));
	CHECK(json_is_true(json_object_get(r, "ok")));
	CHECK_INT(json_integer_value(json_object_get(r, "id")), 9);
	CHECK_INT(json_integer_value(json_object_get(json_object_get(r,
	    "result"), "n")), 1);
	line = proto_encode(r, &len);
	CHECK(line != NULL && len == strlen(line) && line[len - 1] == '\n');
	CHECK(line != NULL && strchr(line, '\n') == line + len - 1);
	free(line);
	json_decref(r);

	r = proto_ok(NULL, NULL);
	CHECK(json_object_get(r, "id") == NULL);
	CHECK(json_is_object(json_object_get(r, "result")));
	json_decref(r);

	r = proto_err(id, KCAL_E_NOT_FOUND, "no event %s", "abc\n\"x\"");
	CHECK(json_is_false(json_object_get(r, "ok")));
	e = json_object_get(r, "error");
	CHECK_STR(json_string_value(json_object_get(e, "code")), "not_found");
	CHECK_STR(json_string_value(json_object_get(e, "message")),
	    "no event abc\n\"x\"");
	/* Newlines in a message are escaped: the reply stays one line. */
	line = proto_encode(r, &len);
	CHECK(line != NULL && strchr(line, '\n') == line + len - 1);
	free(line);
	json_decref(r);
	json_decref(id);

	r = proto_greeting();
	CHECK_STR(json_string_value(json_object_get(r, "hello")), "kcald");
	CHECK_INT(json_integer_value(json_object_get(r, "protocol")),
	    KCAL_PROTOCOL_VERSION);
	CHECK(json_is_string(json_object_get(r, "version")));
	json_decref(r);
}

static void
test_socket_path(void)
{
	char	*s;

	setenv("KCAL_SOCKET", "/x/y.sock", 1);
	s = proto_default_socket();
	CHECK_STR(s, "/x/y.sock");
	free(s);
	unsetenv("KCAL_SOCKET");
	setenv("XDG_RUNTIME_DIR", "/run/user/1", 1);
	s = proto_default_socket();
	CHECK_STR(s, "/run/user/1/kcal/kcald.sock");
	free(s);
	setenv("XDG_RUNTIME_DIR", "relative", 1);
	s = proto_default_socket();
	CHECK(strncmp(s, "/tmp/kcal-", 10) == 0);
	free(s);
}

int
main(void)
{
	test_frame();
	test_parse();
	test_replies();
	test_socket_path();
	TEST_DONE();
}
