/*
 * test-protocol.c — the wire protocol's pure functions: framing a byte
 * stream into lines (the rule, and kcald's use of it over its input
 * buffer, daemon/frame.c), validating a request line, and building
 * replies.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "frame.h"
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

/* The rule itself, from where the first newline is. */
static void
test_frame_eol(void)
{
	CHECK_INT(proto_frame_eol(-1, 0, 10), PROTO_NEED_MORE);
	CHECK_INT(proto_frame_eol(-1, 10, 10), PROTO_NEED_MORE);
	CHECK_INT(proto_frame_eol(-1, 11, 10), PROTO_TOO_LONG);
	CHECK_INT(proto_frame_eol(0, 1, 10), 0);
	CHECK_INT(proto_frame_eol(10, 11, 10), 10);
	CHECK_INT(proto_frame_eol(11, 12, 10), PROTO_TOO_LONG);
	CHECK_INT(proto_frame_eol(0, 1, 0), 0);
}

/* kcal's replies have no limit: a buffer without a newline waits. */
static void
test_frame_client(void)
{
	static char	big[1 << 16];

	CHECK_INT(proto_frame(NULL, 0, PROTO_NO_LIMIT), PROTO_NEED_MORE);
	CHECK_INT(proto_frame("{\"ok\":", 6, PROTO_NO_LIMIT),
	    PROTO_NEED_MORE);
	memset(big, 'x', sizeof big);
	CHECK_INT(proto_frame(big, sizeof big, PROTO_NO_LIMIT),
	    PROTO_NEED_MORE);
	big[sizeof big - 1] = '\n';
	CHECK_INT(proto_frame(big, sizeof big, PROTO_NO_LIMIT),
	    (long long)sizeof big - 1);
	CHECK_INT(proto_frame("{}\n{}\n", 6, PROTO_NO_LIMIT), 2);
}

/* The next line kcald's framing hands out of in, or NULL; *n its length. */
static char *
next_line(struct evbuffer *in, size_t *scanned, size_t max, ssize_t *n)
{
	*n = frame_next(in, scanned, max);
	return *n >= 0 ? frame_take(in, (size_t)*n) : NULL;
}

/* A request that arrives in several reads, and several in one read. */
static void
test_frame_daemon(void)
{
	struct evbuffer	*in = evbuffer_new();
	size_t		 scanned = 0;
	ssize_t		 n;
	char		*line;

	evbuffer_add(in, "{\"cmd\":", 7);
	CHECK(next_line(in, &scanned, 100, &n) == NULL);
	CHECK_INT(n, PROTO_NEED_MORE);
	CHECK_INT(scanned, 7);		/* not searched again */
	evbuffer_add(in, "\"a\"", 3);
	CHECK(next_line(in, &scanned, 100, &n) == NULL);
	CHECK_INT(scanned, 10);
	evbuffer_add(in, "}\n{\"cmd\"", 8);
	line = next_line(in, &scanned, 100, &n);
	CHECK_STR(line, "{\"cmd\":\"a\"}");
	CHECK_INT(n, 11);
	free(line);
	CHECK_INT(evbuffer_get_length(in), 6);	/* the next one's start */
	CHECK(next_line(in, &scanned, 100, &n) == NULL);
	evbuffer_drain(in, evbuffer_get_length(in));

	/* Several lines, an empty one, a CR kept before LF (the parser drops
	 * it), and a NUL handed on inside its line (the parser refuses it). */
	scanned = 0;
	evbuffer_add(in, "a\nbb\n\nc\r\nx\0y\n", 13);
	line = next_line(in, &scanned, 100, &n);
	CHECK_STR(line, "a");
	free(line);
	line = next_line(in, &scanned, 100, &n);
	CHECK_STR(line, "bb");
	free(line);
	line = next_line(in, &scanned, 100, &n);
	CHECK_STR(line, "");
	CHECK_INT(n, 0);
	free(line);
	line = next_line(in, &scanned, 100, &n);
	CHECK_STR(line, "c\r");
	free(line);
	line = next_line(in, &scanned, 100, &n);
	CHECK_INT(n, 3);
	CHECK(line != NULL && memcmp(line, "x\0y", 4) == 0);
	free(line);
	CHECK(next_line(in, &scanned, 100, &n) == NULL);
	CHECK_INT(n, PROTO_NEED_MORE);
	CHECK_INT(evbuffer_get_length(in), 0);
	evbuffer_free(in);
}

/* Over the limit: whether the newline came or not, in one read or two. */
static void
test_frame_daemon_long(void)
{
	struct evbuffer	*in = evbuffer_new();
	size_t		 scanned = 0;
	ssize_t		 n;
	char		*line;

	evbuffer_add(in, "0123456789", 10);	/* exactly max: may end */
	CHECK(next_line(in, &scanned, 10, &n) == NULL);
	CHECK_INT(n, PROTO_NEED_MORE);
	evbuffer_add(in, "\n", 1);
	line = next_line(in, &scanned, 10, &n);
	CHECK_STR(line, "0123456789");
	free(line);

	evbuffer_add(in, "012345", 6);
	CHECK(next_line(in, &scanned, 10, &n) == NULL);
	CHECK_INT(n, PROTO_NEED_MORE);
	evbuffer_add(in, "6789A", 5);		/* max + 1, no newline */
	CHECK(next_line(in, &scanned, 10, &n) == NULL);
	CHECK_INT(n, PROTO_TOO_LONG);
	evbuffer_drain(in, evbuffer_get_length(in));

	scanned = 0;
	evbuffer_add(in, "0123456789A\n", 12);	/* the newline comes late */
	CHECK(next_line(in, &scanned, 10, &n) == NULL);
	CHECK_INT(n, PROTO_TOO_LONG);
	evbuffer_drain(in, evbuffer_get_length(in));

	/* A stale mark past the buffer's end is forgotten, not trusted. */
	scanned = 50;
	evbuffer_add(in, "ok\n", 3);
	line = next_line(in, &scanned, 10, &n);
	CHECK_STR(line, "ok");
	free(line);
	evbuffer_free(in);
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
	test_frame_eol();
	test_frame_client();
	test_frame_daemon();
	test_frame_daemon_long();
	test_parse();
	test_replies();
	test_socket_path();
	TEST_DONE();
}
