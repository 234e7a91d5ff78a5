/*
 * conn.c — the client side of the protocol: connect, read the greeting,
 * send a request with a fresh id, read lines until the reply with that id
 * (pushed notifications in between are skipped here; `kcal watch` reads
 * them with conn_read).
 *
 * Every wait has a bound (kcal --timeout): a kcald that stops answering,
 * or that cannot accept because it is out of descriptors, makes kcal exit
 * with a message instead of hanging.  The bound is the socket's own
 * SO_RCVTIMEO and SO_SNDTIMEO, which Linux also applies to a connect()
 * that waits on a full listen queue: no poll loop here.
 */
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "kcal-protocol.h"
#include "peer.h"
#include "xmalloc.h"

struct conn {
	int		 fd;
	char		*path;
	unsigned	 timeout;	/* seconds each wait may take; 0: none */
	char		*buf;
	size_t		 len, cap;
	size_t		 off;		/* where the unread lines start */
	size_t		 scanned;	/* buf[off..scanned) has no newline */
	json_int_t	 next_id;
	int		 sent;		/* waiting for the reply to a request */
};

static unsigned	conn_timeout = CONN_TIMEOUT;

/* The bound for the connections opened from now on (0: none). */
void
conn_default_timeout(unsigned secs)
{
	conn_timeout = secs;
}

static int
set_timeouts(int fd, unsigned secs)
{
	struct timeval	tv = { (time_t)secs, 0 };

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0)
		return -1;
	return 0;
}

/* Change one connection's bound: kcal watch waits for pushes forever. */
void
conn_set_timeout(struct conn *c, unsigned secs)
{
	if (set_timeouts(c->fd, secs) == 0)
		c->timeout = secs;
}

static int
timed_out(int err)
{
	return err == EAGAIN || err == EWOULDBLOCK;
}

/*
 * Once a request is sent, kcald may yet carry it out (a write waiting
 * behind a long one): say so, so that it is looked at before it is sent
 * again.
 */
static char *
timeout_cause(const char *path, unsigned secs, int sent)
{
	char	*cause;

	xasprintf(&cause, "kcald did not answer within %u s (socket %s)%s",
	    secs, path, sent ? "; the request was sent, and kcald may still "
	    "carry it out" : "");
	return cause;
}

struct conn *
conn_open(const char *path, char **cause)
{
	struct sockaddr_un	 sun;
	struct conn		*c;
	json_t			*hello, *err;
	int			 fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		xasprintf(cause, "socket path too long: %s", path);
		return NULL;
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    set_timeouts(fd, conn_timeout) != 0 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		if (fd != -1 && timed_out(errno))
			*cause = timeout_cause(path, conn_timeout, 0);
		else
			xasprintf(cause, "kcald is not running at %s (%s)",
			    path, strerror(errno));
		if (fd != -1)
			close(fd);
		return NULL;
	}
	if (peer_check(fd, path, cause) != 0) {	/* before a byte is sent */
		close(fd);
		return NULL;
	}
	c = xcalloc(1, sizeof *c);
	c->fd = fd;
	c->path = xstrdup(path);
	c->timeout = conn_timeout;
	c->next_id = 1;
	if ((hello = conn_read(c, cause)) == NULL ||
	    json_object_get(hello, "hello") == NULL) {
		err = json_object_get(hello, "error");
		if (*cause == NULL && json_is_string(json_object_get(err,
		    "message")) && json_is_string(json_object_get(err, "code")))
			xasprintf(cause, "kcald at %s refused the connection: "
			    "%s (%s)", path, json_string_value(json_object_get(
			    err, "message")), json_string_value(
			    json_object_get(err, "code")));
		json_decref(hello);
		if (*cause == NULL)
			xasprintf(cause, "%s does not speak the kcal protocol",
			    path);
		conn_close(c);
		return NULL;
	}
	json_decref(hello);
	return c;
}

void
conn_close(struct conn *c)
{
	if (c == NULL)
		return;
	close(c->fd);
	free(c->path);
	free(c->buf);
	free(c);
}

/*
 * The length of the next line in c's buffer, or -1 when it has no whole
 * line: the bytes already searched are not searched again (a reply of
 * 100 MB arrives in many reads).
 */
static ssize_t
next_line(struct conn *c)
{
	char	*nl = NULL;

	if (c->scanned < c->len)
		nl = memchr(c->buf + c->scanned, '\n', c->len - c->scanned);
	if (nl == NULL) {
		c->scanned = c->len;
		return -1;
	}
	return nl - (c->buf + c->off);
}

/*
 * Make room for a read: the lines read so far leave the buffer (at once,
 * not one memmove a line: a burst of reminders comes in reads of many
 * lines), and it grows when less than 64 KB is free.
 */
static void
make_room(struct conn *c)
{
	if (c->off > 0) {
		memmove(c->buf, c->buf + c->off, c->len - c->off);
		c->len -= c->off;
		c->scanned -= c->off;
		c->off = 0;
	}
	if (c->cap - c->len < 65536) {
		c->cap = c->cap ? c->cap * 2 : 131072;
		c->buf = xreallocarray(c->buf, 1, c->cap);
	}
}

/* Read one line and decode it; NULL with *cause on EOF or error. */
json_t *
conn_read(struct conn *c, char **cause)
{
	ssize_t		 n, linelen;
	json_t		*msg;
	json_error_t	 err;

	*cause = NULL;
	/* No limit: a reply is as long as what was asked for (an export). */
	while ((linelen = next_line(c)) < 0) {
		make_room(c);
		n = read(c->fd, c->buf + c->len, c->cap - c->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && timed_out(errno)) {
			*cause = timeout_cause(c->path, c->timeout, c->sent);
			return NULL;
		}
		if (n <= 0) {
			*cause = xstrdup(n == 0 ? "kcald closed the connection" :
			    strerror(errno));
			return NULL;
		}
		c->len += (size_t)n;
	}
	msg = json_loadb(c->buf + c->off, (size_t)linelen, 0, &err);
	c->off += (size_t)linelen + 1;
	c->scanned = c->off;
	if (msg == NULL)
		xasprintf(cause, "bad reply from kcald: %s", err.text);
	return msg;
}

/* Write all n bytes (again after a signal): 0, or -1 with errno. */
int
conn_write_all(int fd, const char *p, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		/* MSG_NOSIGNAL: a closed socket is EPIPE, not SIGPIPE. */
		if ((w = send(fd, p, n, MSG_NOSIGNAL)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * kcald stopped reading before the request was sent whole: it refuses a
 * line over its max_line with an error and then closes.  That error is
 * the answer (conn_write_all sends with MSG_NOSIGNAL, so the write failed
 * with EPIPE instead of SIGPIPE killing kcal without a word).
 */
static json_t *
refused_early(struct conn *c, char **cause)
{
	json_t	*msg;
	char	*why = NULL;

	if ((msg = conn_read(c, &why)) != NULL &&
	    json_object_get(msg, "ok") != NULL) {
		free(why);
		return msg;
	}
	json_decref(msg);
	free(why);
	xasprintf(cause, "kcald closed the connection before the request "
	    "was sent (a request larger than its max_line?)");
	return NULL;
}

/* Send req (stolen) and return the reply object with the same id. */
json_t *
conn_call(struct conn *c, json_t *req, char **cause)
{
	return conn_call_cb(c, req, NULL, NULL, cause);
}

/*
 * conn_call, with each "progress" message kcald sends before the reply
 * handed to cb (kcal import's).
 */
json_t *
conn_call_cb(struct conn *c, json_t *req, conn_progress_cb cb, void *arg,
    char **cause)
{
	return conn_call_bytes(c, req, NULL, 0, cb, arg, cause);
}

/*
 * conn_call_cb, the request followed by n bytes as they are (data, its
 * "bytes" set to n; kcal-protocol(7), framing): an import's piece.
 */
json_t *
conn_call_bytes(struct conn *c, json_t *req, const char *data, size_t n,
    conn_progress_cb cb, void *arg, char **cause)
{
	json_int_t	 id = c->next_id++;
	json_t		*msg;
	char		*line;
	size_t		 len;

	json_object_set_new(req, "id", json_integer(id));
	if (data != NULL)
		json_object_set_new(req, "bytes", json_integer((json_int_t)n));
	line = proto_encode(req, &len);
	json_decref(req);
	if (line == NULL || conn_write_all(c->fd, line, len) != 0 ||
	    (data != NULL && conn_write_all(c->fd, data, n) != 0)) {
		free(line);
		if (line != NULL && (errno == EPIPE || errno == ECONNRESET))
			return refused_early(c, cause);
		if (line != NULL && timed_out(errno))
			*cause = timeout_cause(c->path, c->timeout, 0);
		else
			xasprintf(cause, "cannot send to kcald: %s",
			    strerror(errno));
		return NULL;
	}
	free(line);
	c->sent = 1;
	while ((msg = conn_read(c, cause)) != NULL) {
		if (json_integer_value(json_object_get(msg, "id")) == id ||
		    (json_object_get(msg, "id") == NULL &&
		    json_object_get(msg, "ok") != NULL))
			break;	/* or an error the daemon could not tie to us */
		if (cb != NULL && json_object_get(msg, "progress") != NULL)
			cb(json_object_get(msg, "progress"), arg);
		json_decref(msg);
	}
	c->sent = 0;
	return msg;
}
