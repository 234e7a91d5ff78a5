/*
 * kcal-protocol.h — the wire protocol between kcald and its clients, defined
 * once.  Newline-delimited JSON over a Unix socket: the daemon greets, each
 * request is {"id": ..., "cmd": "...", ...arguments} and each reply echoes the
 * id with "ok": true and a "result", or "ok": false and an "error" object
 * whose "code" is one of the KCAL_E_* strings below.  Pushed notifications
 * (after "watch") carry "event" and no "id".  Documented in kcal-protocol(7).
 *
 * The framing and request validation here are pure functions over bytes so
 * that they can be unit-tested and fuzzed without a daemon.
 */
#ifndef KCAL_PROTOCOL_H
#define KCAL_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <jansson.h>

#ifndef KCAL_VERSION
#define KCAL_VERSION		"0.0.0"
#endif
#define KCAL_PROTOCOL_VERSION	1
#define KCAL_PROTOCOL_NAME	"kcald"

/* Default hard limits (the daemon may be configured lower or higher). */
#define KCAL_MAX_LINE		(1024 * 1024)	/* one request line */
#define KCAL_MAX_CLIENTS	256
#define KCAL_IDLE_TIMEOUT	3600			/* seconds */
#define KCAL_PRECEDENCE_MAX	10000	/* a participant's; 0 is unset */
#define KCAL_REMIND_MAX		64	/* an event's reminders: "remind",
					   "remind_at", an iCalendar
					   VEVENT's VALARMs */
#define KCAL_ANCHOR_MAX_OFFSET	(366LL * 86400)	/* seconds from an anchor,
					   either way (a year) */

/* Stable error codes a script can branch on. */
#define KCAL_E_BAD_JSON		"bad_json"
#define KCAL_E_BAD_REQUEST	"bad_request"
#define KCAL_E_UNKNOWN_COMMAND	"unknown_command"
#define KCAL_E_BAD_ARGUMENT	"bad_argument"
#define KCAL_E_NOT_FOUND	"not_found"
#define KCAL_E_AMBIGUOUS	"ambiguous"
#define KCAL_E_EXISTS		"exists"
#define KCAL_E_CONFLICT		"conflict"	/* strict: the write would clash */
#define KCAL_E_TOO_LONG		"too_long"
#define KCAL_E_LIMIT		"limit"
#define KCAL_E_FORBIDDEN	"forbidden"	/* the peer may not do this */
#define KCAL_E_BAD_ICAL		"bad_ical"	/* an import refused; names the line */
#define KCAL_E_STORE		"store_error"
#define KCAL_E_BUSY		"busy"		/* a write while an import runs */
#define KCAL_E_INTERNAL		"internal"

/*
 * Framing: a line ends at '\n' (a CR before it stays in the line; the
 * request parser drops it).  Both sides frame with proto_frame_eol(), the
 * daemon over its libevent buffer (daemon/frame.c), kcal over its own
 * (client/conn.c, with no limit).
 */
#define PROTO_NEED_MORE		(-1)	/* no complete line yet */
#define PROTO_TOO_LONG		(-2)	/* no newline within the limit */
#define PROTO_NO_LIMIT		SIZE_MAX

ssize_t	 proto_frame_eol(ssize_t, size_t, size_t);
ssize_t	 proto_frame(const char *, size_t, size_t);
int	 proto_parse_request(const char *, size_t, json_t **,
	     const char **, char **);
json_t	*proto_request_id(const json_t *);
json_t	*proto_ok(json_t *, json_t *);
json_t	*proto_err(json_t *, const char *, const char *, ...)
	     __attribute__((format(printf, 3, 4)));
json_t	*proto_greeting(void);
char	*proto_encode(const json_t *, size_t *);
char	*proto_default_socket(void);

size_t		 proto_utf8_len(const unsigned char *, size_t);

#endif
