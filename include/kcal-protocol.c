/*
 * kcal-protocol.c — framing, request validation and reply construction for
 * the kcal wire protocol.  Pure functions: no I/O, no daemon state, so the
 * same code is unit-tested, fuzzed, and shared by kcald and kcal.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kcal-protocol.h"
#include "xmalloc.h"

/*
 * The framing rule, given where the first '\n' of a buffer of len bytes is
 * (eol: its offset, or -1 when there is none yet): the length of the
 * first line (without the '\n'), PROTO_NEED_MORE, or PROTO_TOO_LONG when
 * more than max bytes came without a newline -- such a stream cannot be
 * framed again.  A line of exactly max bytes is accepted.
 */
ssize_t
proto_frame_eol(ssize_t eol, size_t len, size_t max)
{
	if (eol >= 0 && (size_t)eol <= max)
		return eol;
	if (eol >= 0 || len > max)
		return PROTO_TOO_LONG;
	return PROTO_NEED_MORE;
}

/*
 * proto_frame_eol() over a buffer in one piece: searched no further than
 * the limit allows a line to reach.
 */
ssize_t
proto_frame(const char *buf, size_t len, size_t max)
{
	const char	*nl = NULL;
	size_t		 scan = len <= max ? len : max + 1;

	if (scan > 0)
		nl = memchr(buf, '\n', scan);
	return proto_frame_eol(nl != NULL ? nl - buf : -1, len, max);
}

/* The request's id if it is a valid one (integer or string), else NULL. */
json_t *
proto_request_id(const json_t *req)
{
	json_t	*id = json_object_get(req, "id");

	if (json_is_integer(id) || json_is_string(id))
		return id;
	return NULL;
}

/*
 * Parse and validate one request line.  Return 0 and set *req (caller frees)
 * on success.  On failure return -1, set *code to a KCAL_E_* string and
 * *cause to an allocated message; *req is still set when the line was a JSON
 * object, so that the error reply can echo its id.
 */
int
proto_parse_request(const char *line, size_t len, json_t **req,
    const char **code, char **cause)
{
	json_error_t	 jerr;
	json_t		*r, *jcmd, *id;

	*req = NULL;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len == 0) {
		*code = KCAL_E_BAD_REQUEST;
		*cause = xstrdup("empty request line (a request is one JSON "
		    "object on one line)");
		return -1;
	}
	/* DECODE_ANY: a bare scalar is valid JSON, refused as a non-object. */
	r = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
	    &jerr);
	if (r == NULL) {
		*code = KCAL_E_BAD_JSON;
		xasprintf(cause, "invalid JSON at column %d: %s", jerr.column,
		    jerr.text);
		return -1;
	}
	if (!json_is_object(r)) {
		json_decref(r);
		*code = KCAL_E_BAD_REQUEST;
		*cause = xstrdup("a request must be a JSON object");
		return -1;
	}
	*req = r;
	id = json_object_get(r, "id");
	if (id != NULL && proto_request_id(r) == NULL) {
		*code = KCAL_E_BAD_REQUEST;
		*cause = xstrdup("\"id\" must be an integer or a string");
		return -1;
	}
	jcmd = json_object_get(r, "cmd");
	if (!json_is_string(jcmd) || json_string_length(jcmd) == 0) {
		*code = KCAL_E_BAD_REQUEST;
		*cause = xstrdup("missing \"cmd\" (a string naming the command)");
		return -1;
	}
	return 0;
}

json_t *
proto_ok(json_t *id, json_t *result)
{
	json_t	*reply = json_object();

	if (id != NULL)
		json_object_set(reply, "id", id);
	json_object_set_new(reply, "ok", json_true());
	json_object_set_new(reply, "result", result ? result : json_object());
	return reply;
}

/*
 * Length of the valid UTF-8 sequence at p (at most n bytes), or 0 (RFC
 * 3629: no overlong forms, no surrogates, nothing past U+10FFFF).
 */
size_t
proto_utf8_len(const unsigned char *p, size_t n)
{
	size_t		len, i;
	unsigned	cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

/*
 * A message as a JSON string, each byte that is not part of valid UTF-8
 * (a name cut in the middle of a character, bytes from a file) shown as
 * '?': jansson refuses such a string, and an error without its message
 * would reach the client as {"ok": false} alone.
 */
static json_t *
message_string(const char *msg)
{
	const unsigned char	*p = (const unsigned char *)msg;
	size_t			 n = strlen(msg), i = 0, k, o = 0;
	char			*out;
	json_t			*s;

	if ((s = json_string(msg)) != NULL)
		return s;
	out = xmalloc(n + 1);
	while (i < n) {
		if ((k = proto_utf8_len(p + i, n - i)) == 0 || p[i] == 0) {
			out[o++] = '?';
			i++;
			continue;
		}
		memcpy(out + o, p + i, k);
		o += k;
		i += k;
	}
	out[o] = '\0';
	s = json_string(out);
	free(out);
	return s != NULL ? s : json_string("(unprintable message)");
}

json_t *
proto_err(json_t *id, const char *code, const char *fmt, ...)
{
	json_t	*reply = json_object();
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (id != NULL)
		json_object_set(reply, "id", id);
	json_object_set_new(reply, "ok", json_false());
	json_object_set_new(reply, "error", json_pack("{s:s, s:o}",
	    "code", code, "message", message_string(msg ? msg :
	    "out of memory")));
	free(msg);
	return reply;
}

json_t *
proto_greeting(void)
{
	return json_pack("{s:s, s:s, s:i}", "hello", KCAL_PROTOCOL_NAME,
	    "version", KCAL_VERSION, "protocol", KCAL_PROTOCOL_VERSION);
}

/* Encode a message as one compact line ending in '\n'. */
char *
proto_encode(const json_t *msg, size_t *len)
{
	char	*s, *line;
	size_t	 n;

	s = json_dumps(msg, JSON_COMPACT);
	if (s == NULL)
		return NULL;
	n = strlen(s);
	line = xmalloc(n + 2);
	memcpy(line, s, n);
	line[n] = '\n';
	line[n + 1] = '\0';
	free(s);
	if (len != NULL)
		*len = n + 1;
	return line;
}

/*
 * Where kcal and kcald meet by default: $KCAL_SOCKET, else
 * $XDG_RUNTIME_DIR/kcal/kcald.sock, else /tmp/kcal-UID/kcald.sock.
 */
char *
proto_default_socket(void)
{
	const char	*env = getenv("KCAL_SOCKET"), *run;
	char		*s;

	if (env != NULL && *env != '\0')
		return xstrdup(env);
	if ((run = getenv("XDG_RUNTIME_DIR")) != NULL && *run == '/')
		xasprintf(&s, "%s/kcal/kcald.sock", run);
	else
		xasprintf(&s, "/tmp/kcal-%u/kcald.sock", (unsigned)getuid());
	return s;
}
