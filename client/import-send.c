/*
 * import-send.c — kcal import's sending of one file to kcald in pieces
 * ("import_begin", "import_chunk"s, "import_end"; kcal-protocol(7)), so
 * that kcal holds one piece at a time whatever the file's size.  A piece
 * ends where a line that is not a fold's continuation begins, so each is
 * checked (UTF-8 without NUL, naming the file's line) and its folds mended
 * on its own; a line longer than a few pieces is cut where that still
 * holds (cut_long).  While kcald writes the file, its progress messages are
 * shown on a terminal (events, rate, time left; one line on stderr,
 * redrawn), and nothing is shown when stderr is not a terminal.  A file
 * refused here is not ended: kcal closes the connection, and kcald drops
 * what it had received.
 */
#include <sys/stat.h>
#include <sys/time.h>
#include <stdarg.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "conn.h"
#include "import.h"
#include "xmalloc.h"

#define SHOW_EVERY	0.2	/* seconds between two redraws */
#define PIECE_LINES	4	/* a piece: whole lines, or at most this many
				   of kcald's chunks (a half of max_line) */

struct sender {
	const char	*name;
	FILE		*fp;
	char		*buf;
	size_t		 len, cap, chunk;
	int		 raw;		/* kcald takes pieces as bytes */
	size_t		 lines;		/* the file's lines before buf */
	long long	 size, sent;	/* bytes; size -1: unknown */
	int		 tty, shown, eof;
	double		 t0, last, t_events;
};

static double
now(void)
{
	struct timeval	tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

/* Redraw the one progress line (a terminal only, at most every 0.2 s). */
static void
show(struct sender *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void
show(struct sender *s, const char *fmt, ...)
{
	va_list	ap;
	double	t = now();

	if (!s->tty || t - s->last < SHOW_EVERY)
		return;
	s->last = t;
	fprintf(stderr, "\r\033[Kkcal: %s: ", s->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
	s->shown = 1;
}

static void
unshow(struct sender *s)
{
	if (s->shown)
		fputs("\r\033[K", stderr);
	s->shown = 0;
}

static void
on_progress(json_t *p, void *arg)
{
	struct sender	*s = arg;
	long long	 done = json_integer_value(json_object_get(p, "done"));
	long long	 total = json_integer_value(json_object_get(p, "total"));
	double		 secs, rate;

	if (s->t_events == 0)
		s->t_events = now();
	secs = now() - s->t_events;
	rate = secs > 0.5 ? done / secs : 0;
	if (rate > 0 && total > done)
		show(s, "%lld of %lld events, %.0f/s, %d:%02d left", done,
		    total, rate, (int)((total - done) / rate) / 60,
		    (int)((total - done) / rate) % 60);
	else
		show(s, "%lld of %lld events", done, total);
}

/*
 * Do the bytes before b[q] end a whole character, not a line's end (a
 * piece that ends there is UTF-8 on its own, and mend_folds has nothing
 * to move across it)?
 */
static int
ends_char(const unsigned char *b, size_t q)
{
	size_t	j = q - 1, n;

	if ((b[q] & 0xc0) == 0x80)
		return 0;
	if (b[j] < 0x80)
		return b[j] != '\r' && b[j] != '\n';
	while (j > 0 && q - j < 4 && (b[j] & 0xc0) == 0x80)
		j--;
	n = (b[j] >> 5) == 6 ? 2 : (b[j] >> 4) == 14 ? 3 : (b[j] >> 3) == 30 ?
	    4 : 0;
	return n != 0 && j + n == q;
}

/*
 * Where to cut a line longer than max bytes (a description of megabytes:
 * kcal export writes it, and a piece must stay within kcald's max_line):
 * at its last fold within max that cuts no character, else at the end of
 * a character, else at max (the check then names what is wrong there).
 */
static size_t
cut_long(const struct sender *s, size_t max)
{
	const unsigned char	*b = (const unsigned char *)s->buf;
	size_t			 q;

	for (q = max; q >= 2; q--)
		if (b[q - 1] == '\n' && (b[q] == ' ' || b[q] == '\t') &&
		    q + 1 < s->len && (b[q + 1] & 0xc0) != 0x80)
			return q;
	for (q = max; q >= 1; q--)
		if (ends_char(b, q))
			return q;
	return max;
}

/*
 * The bytes of buf that make whole pieces (0: none yet): up to the start
 * of its last line that is not a fold's continuation, or part of one line
 * longer than PIECE_LINES pieces.
 */
static size_t
cut(const struct sender *s)
{
	size_t	i, max = s->chunk * PIECE_LINES;

	if (s->eof && s->len <= max)
		return s->len;
	for (i = s->len; i >= 2; i--)
		if (s->buf[i - 2] == '\n' && s->buf[i - 1] != ' ' &&
		    s->buf[i - 1] != '\t' && i - 1 <= max)
			return i - 1;
	return s->len > max ? cut_long(s, max) : 0;
}

/* Read until buf holds a piece; its length, 0 at the end, -1 on error. */
static ssize_t
fill(struct sender *s)
{
	size_t	n, k;

	while ((n = cut(s)) == 0 && !s->eof) {
		if (s->cap - s->len < s->chunk) {
			s->cap = s->cap ? s->cap * 2 : s->chunk * 2;
			s->buf = xreallocarray(s->buf, 1, s->cap);
		}
		k = fread(s->buf + s->len, 1, s->chunk, s->fp);
		s->len += k;
		if (k == 0 && ferror(s->fp))
			return -1;
		if (k == 0)
			s->eof = 1;
	}
	return (ssize_t)n;
}

/*
 * Send a request (followed by the n bytes of data, unless NULL); 0 and
 * *reply, or -1 with a message printed.
 */
static int
send_req(struct conn *c, json_t *req, const char *data, size_t n,
    struct sender *s, json_t **reply)
{
	char	*cause = NULL;

	if ((*reply = conn_call_bytes(c, req, data, n, on_progress, s,
	    &cause)) != NULL)
		return 0;
	unshow(s);
	fprintf(stderr, "kcal: %s\n", cause);
	free(cause);
	return -1;
}

/* A piece of n bytes checked, mended and sent; 0, or -1 (printed). */
static int
send_piece(struct conn *c, struct sender *s, size_t n)
{
	const char	*what;
	size_t		 line;
	json_t		*reply;
	int		 ok, rc;

	mend_folds((unsigned char *)s->buf, n);
	if ((line = text_problem((unsigned char *)s->buf, n, &what)) != 0) {
		unshow(s);
		fprintf(stderr, "kcal: %s:%zu: %s; nothing imported\n",
		    s->name, s->lines + line, what);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		s->lines += s->buf[i] == '\n';
	/* As bytes, not a JSON string, where kcald takes them: no escaping
	 * here, no decoding there. */
	if (s->raw)
		rc = send_req(c, json_pack("{s:s}", "cmd", "import_chunk"),
		    s->buf, n, s, &reply);
	else
		rc = send_req(c, json_pack("{s:s, s:s%}", "cmd",
		    "import_chunk", "ical", s->buf, n), NULL, 0, s, &reply);
	if (rc != 0)
		return -1;
	ok = json_is_true(json_object_get(reply, "ok"));
	if (!ok)
		print_refusal(reply);
	json_decref(reply);
	memmove(s->buf, s->buf + n, s->len - n);
	s->len -= n;
	s->sent += (long long)n;
	if (s->size > 0)
		show(s, "sending, %.1f of %.1f MB", s->sent / 1048576.0,
		    s->size / 1048576.0);
	return ok ? 0 : -1;
}

/* import_begin: 0, 1 if kcald does not know it, -1 refused (printed). */
static int
begin(struct conn *c, struct sender *s, json_t *args)
{
	json_t		*req = json_deep_copy(args), *reply, *res;
	const char	*code;
	int		 rc = 0;

	json_object_set_new(req, "cmd", json_string("import_begin"));
	if (s->size >= 0)
		json_object_set_new(req, "size", json_integer(s->size));
	if (send_req(c, req, NULL, 0, s, &reply) != 0)
		return -1;
	code = json_string_value(json_object_get(json_object_get(reply,
	    "error"), "code"));
	res = json_object_get(reply, "result");
	if (code != NULL && strcmp(code, "unknown_command") == 0)
		rc = 1;
	else if (code != NULL) {
		print_refusal(reply);
		rc = -1;
	} else {
		if ((s->chunk = (size_t)json_integer_value(json_object_get(res,
		    "chunk"))) < 64)
			s->chunk = 64;
		s->raw = json_is_true(json_object_get(res, "bytes"));
	}
	json_decref(reply);
	return rc;
}

static int
run(struct conn *c, struct sender *s, json_t *args, json_t **reply)
{
	ssize_t	n;
	int	rc;

	if ((rc = begin(c, s, args)) != 0)
		return rc;
	while ((n = fill(s)) > 0)
		if (send_piece(c, s, (size_t)n) != 0)
			return -1;
	if (n < 0) {
		unshow(s);
		fprintf(stderr, "kcal: %s: %s\n", s->name, strerror(EIO));
		return -1;
	}
	rc = send_req(c, json_pack("{s:s}", "cmd", "import_end"), NULL, 0, s,
	    reply);
	unshow(s);
	return rc;
}

/*
 * Send the file at path ("-": standard input) as one import, args (name,
 * tz, dry_run) for import_begin.  0 with kcald's *reply; 1 if this kcald
 * takes only the one-request form (nothing read yet); -1 when refused
 * here or by kcald before the end (printed; *c then closed: kcald drops
 * what it received).
 */
int
import_send(struct conn **c, const char *path, const char *name,
    json_t *args, json_t **reply)
{
	struct sender	 s;
	struct stat	 sb;
	int		 rc;

	memset(&s, 0, sizeof s);
	s.name = name;
	s.size = -1;
	s.tty = isatty(STDERR_FILENO);
	s.t0 = now();
	s.fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (s.fp == NULL) {
		fprintf(stderr, "kcal: %s: %s\n", name, strerror(errno));
		return -1;
	}
	if (fstat(fileno(s.fp), &sb) == 0 && S_ISDIR(sb.st_mode)) {
		fprintf(stderr, "kcal: %s: a directory, not an iCalendar "
		    "file\n", name);
		fclose(s.fp);
		return -1;
	}
	if (fstat(fileno(s.fp), &sb) == 0 && S_ISREG(sb.st_mode))
		s.size = (long long)sb.st_size;
	rc = run(*c, &s, args, reply);
	if (s.fp != stdin)
		fclose(s.fp);
	free(s.buf);
	if (rc < 0) {
		conn_close(*c);
		*c = NULL;
	}
	return rc;
}
