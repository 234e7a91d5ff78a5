/*
 * kbench.c — the load client of `make bench`: small, blocking where it can
 * be, and in C so that the client is never what is measured.
 *
 *   kbench add SOCK FILE.jsonl COUNT   COUNT single requests from FILE, one
 *                                       at a time: latency of each
 *   kbench adds SOCK FILE.jsonl COUNT CLIENTS
 *                                       COUNT requests from FILE spread over
 *                                       CLIENTS processes, one connection
 *                                       and one request at a time each, all
 *                                       started at once: adds/s together
 *   kbench load SOCK FILE.jsonl        every request in FILE, pipelined
 *                                       (fills a store through "add")
 *   kbench list SOCK FROM TO REPS [LIMIT]
 *                                       the same "list" REPS times (the
 *                                       first page of LIMIT events)
 *   kbench get HOST PORT PATH          one HTTP GET, timed
 *   kbench http HOST PORT PATH CONC SECS [ETAG]
 *                                       CONC keep-alive pollers for SECS
 *                                       seconds (If-None-Match: ETAG);
 *                                       SECS 0: one request each, at once;
 *                                       KBENCH_GZIP set: Accept-Encoding:
 *                                       gzip, as calendar apps send
 *   kbench dav HOST PORT FILE           the HTTP requests in FILE (each a
 *                                       line with its length in bytes,
 *                                       then the request as sent), one at
 *                                       a time on one connection (a new
 *                                       one when the server closes it):
 *                                       latency of each, body bytes
 *   kbench stamp                        copy stdin to stdout, each line
 *                                       prefixed with the wall-clock time
 *                                       (ns) it arrived
 *
 * Each measuring subcommand prints one JSON object on stdout.  The socket
 * protocol is kcald's newline-delimited JSON (kcal-protocol(7)); replies
 * are checked with jansson outside the timed part.  Requests go out through
 * kcal's own conn_write_all (it links client/conn.o).
 */
#include <sys/socket.h>
#include <sys/wait.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "conn.h"

struct conn {
	int	 fd;
	char	*buf;
	size_t	 len, cap, off;
};

struct samples {
	double	*v;
	size_t	 n, cap;
};

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
sample_add(struct samples *s, double x)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		if ((s->v = realloc(s->v, s->cap * sizeof *s->v)) == NULL)
			err(1, "realloc");
	}
	s->v[s->n++] = x;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank quantile; sorts in place. */
static double
quantile(struct samples *s, double q)
{
	size_t	i;

	if (s->n == 0)
		return 0;
	qsort(s->v, s->n, sizeof *s->v, cmp_double);
	i = (size_t)(q * s->n + 0.999999);
	return s->v[i == 0 ? 0 : i > s->n ? s->n - 1 : i - 1];
}

static void
write_all(int fd, const char *p, size_t n)
{
	if (conn_write_all(fd, p, n) != 0)
		err(1, "write");
}

/* The next line from c (without its newline), or NULL at EOF. */
static char *
read_line(struct conn *c, size_t *lenp)
{
	char	*nl;
	ssize_t	 r;

	for (;;) {
		nl = c->len > c->off ? memchr(c->buf + c->off, '\n',
		    c->len - c->off) : NULL;
		if (nl != NULL) {
			char *line = c->buf + c->off;
			*nl = '\0';
			*lenp = nl - line;
			c->off = nl + 1 - c->buf;
			return line;
		}
		if (c->off > 0) {
			memmove(c->buf, c->buf + c->off, c->len - c->off);
			c->len -= c->off;
			c->off = 0;
		}
		if (c->cap - c->len < 65536) {
			c->cap = c->cap ? c->cap * 2 : 1 << 20;
			if ((c->buf = realloc(c->buf, c->cap)) == NULL)
				err(1, "realloc");
		}
		r = read(c->fd, c->buf + c->len, c->cap - c->len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return NULL;
		c->len += r;
	}
}

static void
sock_open(struct conn *c, const char *path)
{
	struct sockaddr_un	sun;
	size_t			n;

	memset(c, 0, sizeof *c);
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path)
		errx(1, "socket path too long");
	strcpy(sun.sun_path, path);
	if ((c->fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    connect(c->fd, (struct sockaddr *)&sun, sizeof sun) == -1)
		err(1, "%s", path);
	if (read_line(c, &n) == NULL)
		errx(1, "%s: no greeting", path);
}

/* 1 when the reply line says "ok": true; else print it (once). */
static int
reply_ok(const char *line, size_t len)
{
	static int	 shown;
	json_t		*j = json_loadb(line, len, 0, NULL);
	int		 ok = j != NULL && json_is_true(json_object_get(j, "ok"));

	json_decref(j);
	if (!ok && shown++ < 3)
		fprintf(stderr, "kbench: %.300s\n", line);
	return ok;
}

static char **
read_requests(const char *path, size_t *n)
{
	FILE	*f = fopen(path, "r");
	char	**v = NULL, *line = NULL;
	size_t	 cap = 0, lcap = 0;
	ssize_t	 len;

	if (f == NULL)
		err(1, "%s", path);
	*n = 0;
	while ((len = getline(&line, &lcap, f)) > 0) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 1024;
			if ((v = realloc(v, cap * sizeof *v)) == NULL)
				err(1, "realloc");
		}
		if (line[len - 1] != '\n')
			errx(1, "%s: last line has no newline", path);
		v[(*n)++] = strdup(line);
	}
	free(line);
	fclose(f);
	return v;
}

static int
do_add(const char *sock, const char *file, size_t count)
{
	struct conn	 c;
	struct samples	 s = { 0 };
	size_t		 n, len, bad = 0;
	char		**req = read_requests(file, &n), *line;
	double		 t0, t1, total = 0;

	if (count > n)
		count = n;
	sock_open(&c, sock);
	for (size_t i = 0; i < count; i++) {
		t0 = now();
		write_all(c.fd, req[i], strlen(req[i]));
		if ((line = read_line(&c, &len)) == NULL)
			errx(1, "kcald closed the connection");
		t1 = now();
		sample_add(&s, t1 - t0);
		total += t1 - t0;
		bad += !reply_ok(line, len);
	}
	printf("{\"n\": %zu, \"errors\": %zu, \"per_s\": %.1f, \"p50_us\": "
	    "%.1f, \"p99_us\": %.1f, \"max_us\": %.1f}\n", count, bad,
	    count / total, quantile(&s, 0.5) * 1e6, quantile(&s, 0.99) * 1e6,
	    quantile(&s, 1.0) * 1e6);
	return bad != 0;
}

/*
 * One of do_adds' clients: wait for the start (EOF on go), send requests
 * k, k + clients, ... one at a time; write to out its errors, its end time
 * and each latency, as doubles.
 */
static void
adds_child(const char *sock, char **req, size_t count, size_t k,
    size_t clients, int go, int out)
{
	struct conn	 c;
	size_t		 len, m = 0, i;
	double		*v = calloc(count / clients + 3, sizeof *v), t0;
	char		*line, b, *p, *e;
	ssize_t		 w;

	if (v == NULL)
		err(1, "calloc");
	sock_open(&c, sock);
	while (read(go, &b, 1) > 0)
		;
	for (i = k; i < count; i += clients) {
		t0 = now();
		write_all(c.fd, req[i], strlen(req[i]));
		if ((line = read_line(&c, &len)) == NULL)
			errx(1, "kcald closed the connection");
		v[2 + m++] = now() - t0;
		v[0] += !reply_ok(line, len);
	}
	v[1] = now();
	p = (char *)v;		/* a pipe: write(2), not send(2) */
	for (e = p + (m + 2) * sizeof *v; p < e; p += w)
		if ((w = write(out, p, e - p)) <= 0)
			err(1, "write");
	_exit(0);
}

static int
do_adds(const char *sock, const char *file, size_t count, size_t clients)
{
	struct samples	 s = { 0 };
	size_t		 n, bad = 0;
	char		**req = read_requests(file, &n);
	double		 t0, end = 0, d[2];
	int		 go[2], *fd = calloc(clients, sizeof *fd), p[2], st;

	if (count > n)
		count = n;
	if (clients == 0 || fd == NULL || pipe(go) != 0)
		errx(1, "adds: bad arguments");
	for (size_t k = 0; k < clients; k++) {
		if (pipe(p) != 0)
			err(1, "pipe");
		if (fork() == 0) {
			close(go[1]);
			close(p[0]);
			adds_child(sock, req, count, k, clients, go[0], p[1]);
		}
		close(p[1]);
		fd[k] = p[0];
	}
	usleep(200000);		/* all connected */
	t0 = now();
	close(go[1]);
	for (size_t k = 0; k < clients; k++) {
		FILE *f = fdopen(fd[k], "r");
		if (f == NULL || fread(d, sizeof *d, 2, f) != 2)
			errx(1, "adds: a client failed");
		bad += d[0];
		end = d[1] > end ? d[1] : end;
		while (fread(d, sizeof *d, 1, f) == 1)
			sample_add(&s, d[0]);
		fclose(f);
	}
	while (wait(&st) > 0)
		;
	printf("{\"clients\": %zu, \"n\": %zu, \"errors\": %zu, \"per_s\": "
	    "%.1f, \"p50_us\": %.1f, \"p99_us\": %.1f}\n", clients, s.n, bad,
	    s.n / (end - t0), quantile(&s, 0.5) * 1e6, quantile(&s, 0.99) * 1e6);
	return bad != 0 || s.n != count;
}

/* Pipelined: keep up to 64 requests in flight. */
static int
do_load(const char *sock, const char *file)
{
	struct conn	 c;
	size_t		 n, len, sent = 0, got = 0, bad = 0;
	char		**req = read_requests(file, &n), *line;
	double		 t0 = now();

	sock_open(&c, sock);
	while (got < n) {
		while (sent < n && sent - got < 64) {
			write_all(c.fd, req[sent], strlen(req[sent]));
			sent++;
		}
		if ((line = read_line(&c, &len)) == NULL)
			errx(1, "kcald closed the connection");
		bad += !reply_ok(line, len);
		got++;
	}
	printf("{\"n\": %zu, \"errors\": %zu, \"secs\": %.3f, \"per_s\": "
	    "%.1f}\n", n, bad, now() - t0, n / (now() - t0));
	return bad != 0;
}

static int
do_list(const char *sock, const char *from, const char *to, int reps,
    int limit)
{
	struct conn	 c;
	struct samples	 s = { 0 };
	char		*req, *line;
	size_t		 len, bytes = 0;
	json_int_t	 count = -1;
	double		 t0;
	json_t		*j;
	char		 page[32] = "";

	if (limit > 0)
		snprintf(page, sizeof page, ",\"limit\":%d", limit);
	if (asprintf(&req, "{\"id\":1,\"cmd\":\"list\",\"from\":\"%s\","
	    "\"to\":\"%s\"%s}\n", from, to, page) < 0)
		err(1, "asprintf");
	sock_open(&c, sock);
	for (int i = 0; i < reps; i++) {
		t0 = now();
		write_all(c.fd, req, strlen(req));
		if ((line = read_line(&c, &len)) == NULL)
			errx(1, "kcald closed the connection");
		sample_add(&s, now() - t0);
		if (i == 0) {
			bytes = len;
			if (!reply_ok(line, len))
				return 1;
			j = json_loadb(line, len, 0, NULL);
			count = json_integer_value(json_object_get(
			    json_object_get(j, "result"), "count"));
			json_decref(j);
		}
	}
	printf("{\"reps\": %d, \"events\": %lld, \"bytes\": %zu, \"p50_us\": "
	    "%.1f, \"p99_us\": %.1f}\n", reps, (long long)count, bytes,
	    quantile(&s, 0.5) * 1e6, quantile(&s, 0.99) * 1e6);
	return 0;
}

/*
 * HTTP/1.1 with keep-alive, parsed as a stream: the body is counted, not
 * kept, so fifty pollers of a large feed cost no memory.
 */
enum hstate { H_HEAD, H_BODY, H_CHUNK_SIZE, H_CHUNK_DATA, H_TRAILER, H_DONE };

struct hconn {
	int		 fd;
	enum hstate	 st;
	char		 head[16384];
	size_t		 hlen;
	long long	 left;		/* body or chunk bytes still to come */
	int		 status, close, chunked;
	size_t		 body;
	double		 t0;
	char		 etag[256];
};

static struct sockaddr_in	 http_addr;
static char			*http_req;

static void
hconn_connect(struct hconn *h)
{
	int	one = 1;

	if ((h->fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    connect(h->fd, (struct sockaddr *)&http_addr,
	    sizeof http_addr) == -1)
		err(1, "connect");
	setsockopt(h->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static void
hconn_send_raw(struct hconn *h, const char *req, size_t len)
{
	h->st = H_HEAD;
	h->hlen = 0;
	h->body = 0;
	h->t0 = now();
	write_all(h->fd, req, len);
}

static void
hconn_send(struct hconn *h)
{
	hconn_send_raw(h, http_req, strlen(http_req));
}

static void
parse_head(struct hconn *h)
{
	char	*p, *e, *v;

	h->status = atoi(h->head + 9);
	h->close = strncmp(h->head, "HTTP/1.0", 8) == 0;	/* unless keep-alive */
	h->chunked = 0;
	h->left = -1;
	for (p = strstr(h->head, "\r\n") + 2; *p != '\r'; p = e + 2) {
		e = strstr(p, "\r\n");
		*e = '\0';
		if ((v = strchr(p, ':')) == NULL)
			continue;
		for (*v++ = '\0'; *v == ' '; v++)
			;
		if (strcasecmp(p, "Content-Length") == 0)
			h->left = atoll(v);
		else if (strcasecmp(p, "Transfer-Encoding") == 0)
			h->chunked = strcasecmp(v, "chunked") == 0;
		else if (strcasecmp(p, "Connection") == 0)
			h->close = strcasecmp(v, "keep-alive") != 0;
		else if (strcasecmp(p, "ETag") == 0)
			snprintf(h->etag, sizeof h->etag, "%s", v);
	}
	if (h->status == 304 || h->status == 204)
		h->st = H_DONE;
	else if (h->chunked)
		h->st = H_CHUNK_SIZE;
	else if (h->left >= 0)
		h->st = h->left ? H_BODY : H_DONE;
	else {
		h->close = 1;		/* body until EOF */
		h->left = -1;
		h->st = H_BODY;
	}
	h->hlen = 0;
}

/* Consume n bytes of the response; return how many were used. */
static size_t
hconn_feed(struct hconn *h, const char *p, size_t n)
{
	size_t	 used = 0, k;
	char	*end;

	while (used < n && h->st != H_DONE) {
		switch (h->st) {
		case H_HEAD:
		case H_CHUNK_SIZE:
		case H_TRAILER:
			if (h->hlen + 1 >= sizeof h->head)
				errx(1, "HTTP header too long");
			h->head[h->hlen++] = p[used++];
			h->head[h->hlen] = '\0';
			if (h->st == H_HEAD && h->hlen >= 4 &&
			    memcmp(h->head + h->hlen - 4, "\r\n\r\n", 4) == 0)
				parse_head(h);
			else if (h->st == H_CHUNK_SIZE && h->hlen >= 2 &&
			    memcmp(h->head + h->hlen - 2, "\r\n", 2) == 0) {
				h->left = strtoll(h->head, &end, 16);
				h->hlen = 0;
				if (h->left == 0)
					h->st = H_TRAILER;
				else {
					h->body += h->left;
					h->left += 2;
					h->st = H_CHUNK_DATA;
				}
			} else if (h->st == H_TRAILER && h->hlen >= 2 &&
			    memcmp(h->head + h->hlen - 2, "\r\n", 2) == 0) {
				if (h->hlen == 2)
					h->st = H_DONE;
				h->hlen = 0;
			}
			break;
		case H_BODY:
		case H_CHUNK_DATA:
			k = n - used;
			if (h->left >= 0 && (long long)k > h->left)
				k = h->left;
			used += k;
			if (h->st == H_BODY)
				h->body += k;
			if (h->left >= 0 && (h->left -= k) == 0)
				h->st = h->st == H_BODY ? H_DONE : H_CHUNK_SIZE;
			break;
		case H_DONE:
			break;
		}
	}
	return used;
}

static void
http_setup(const char *host, const char *port, const char *path,
    const char *etag)
{
	memset(&http_addr, 0, sizeof http_addr);
	http_addr.sin_family = AF_INET;
	http_addr.sin_port = htons(atoi(port));
	if (inet_pton(AF_INET, host, &http_addr.sin_addr) != 1)
		errx(1, "%s: not an IPv4 address", host);
	if (asprintf(&http_req, "%s %s HTTP/1.1\r\nHost: %s:%s\r\n"
	    "User-Agent: kbench\r\nAccept: text/calendar\r\n%s%s%s%s\r\n",
	    "GET", path, host, port, getenv("KBENCH_GZIP") != NULL ?
	    "Accept-Encoding: gzip\r\n" : "",
	    etag ? "If-None-Match: " : "", etag ? etag : "",
	    etag ? "\r\n" : "") < 0)
		err(1, "asprintf");
}

/* Read what is there for h; 1 when its response is complete. */
static int
hconn_read(struct hconn *h)
{
	char	buf[65536];
	size_t	used;
	ssize_t	r;

	r = read(h->fd, buf, sizeof buf);
	if (r < 0 && errno == EINTR)
		return 0;
	if (r <= 0) {
		if (h->st == H_BODY && h->left < 0)
			return 1;	/* body ended by EOF */
		errx(1, "the server closed a connection mid-response");
	}
	used = hconn_feed(h, buf, r);
	if (used < (size_t)r)
		errx(1, "the server sent more than one response");
	return h->st == H_DONE;
}

static int
do_get(const char *host, const char *port, const char *path)
{
	struct hconn	 h = { 0 };
	double		 t0;
	json_t		*j;
	char		*out;

	http_setup(host, port, path, NULL);
	hconn_connect(&h);
	t0 = now();
	hconn_send(&h);
	while (!hconn_read(&h))
		;
	j = json_pack("{s:i, s:I, s:f, s:s}", "status", h.status, "bytes",
	    (json_int_t)h.body, "secs", now() - t0, "etag", h.etag);
	out = json_dumps(j, JSON_COMPACT);
	printf("%s\n", out);
	free(out);
	json_decref(j);
	close(h.fd);
	return h.status != 200;
}

/*
 * CONC pollers for secs seconds, each sending its next request as soon as
 * its last answer is in; secs 0: one request each, all sent at once (how
 * many rebuilds does a crowd after a change cause?).
 */
static int
do_http(const char *host, const char *port, const char *path, int conc,
    double secs, const char *etag)
{
	struct hconn	*h = calloc(conc, sizeof *h);
	struct pollfd	*pf = calloc(conc, sizeof *pf);
	struct samples	 s = { 0 };
	size_t		 st[6] = { 0 }, done = 0, bytes = 0;
	double		 t0, end;

	http_setup(host, port, path, etag);
	for (int i = 0; i < conc; i++) {
		hconn_connect(&h[i]);
		pf[i].fd = h[i].fd;
		pf[i].events = POLLIN;
	}
	t0 = now();
	end = secs > 0 ? t0 + secs : t0 + 600;
	for (int i = 0; i < conc; i++)
		hconn_send(&h[i]);
	while (now() < end && (secs > 0 || done < (size_t)conc)) {
		if (poll(pf, conc, 100) < 0 && errno != EINTR)
			err(1, "poll");
		for (int i = 0; i < conc; i++) {
			if (!(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (!hconn_read(&h[i]))
				continue;
			sample_add(&s, now() - h[i].t0);
			st[h[i].status / 100 < 6 ? h[i].status / 100 : 0]++;
			bytes += h[i].body;
			done++;
			if (secs <= 0) {
				pf[i].fd = -1;	/* one each: this one is done */
				continue;
			}
			if (h[i].close) {
				close(h[i].fd);
				hconn_connect(&h[i]);
				pf[i].fd = h[i].fd;
			}
			hconn_send(&h[i]);
		}
	}
	secs = now() - t0;
	printf("{\"conc\": %d, \"secs\": %.3f, \"requests\": %zu, \"per_s\": "
	    "%.1f, \"2xx\": %zu, \"3xx\": %zu, \"4xx\": %zu, \"5xx\": %zu, "
	    "\"body_bytes\": %zu, \"p50_us\": %.1f, \"p99_us\": %.1f, "
	    "\"max_us\": %.1f}\n", conc, secs, done, done / secs, st[2], st[3],
	    st[4], st[5], bytes, quantile(&s, 0.5) * 1e6,
	    quantile(&s, 0.99) * 1e6, quantile(&s, 1.0) * 1e6);
	return 0;
}

/* FILE: "LEN\n" then LEN bytes of request, repeated. */
static char *
dav_next(FILE *f, size_t *len)
{
	char	*req;

	if (fscanf(f, "%zu", len) != 1 || fgetc(f) != '\n')
		return NULL;
	if ((req = malloc(*len)) == NULL)
		err(1, "malloc");
	if (fread(req, 1, *len, f) != *len)
		errx(1, "a request is shorter than its length");
	return req;
}

/*
 * Each request of FILE in turn, timed from its first byte sent to the
 * last byte of its answer; a server that closes after each answer (HTTP
 * 1.0) is reconnected to outside the timed part.
 */
static int
do_dav(const char *host, const char *port, const char *file)
{
	FILE		*f = fopen(file, "r");
	struct hconn	 h = { 0 };
	struct samples	 s = { 0 };
	size_t		 st[6] = { 0 }, bytes = 0, len;
	char		*req;
	double		 total = 0;

	if (f == NULL)
		err(1, "%s", file);
	http_setup(host, port, "/", NULL);
	hconn_connect(&h);
	while ((req = dav_next(f, &len)) != NULL) {
		hconn_send_raw(&h, req, len);
		while (!hconn_read(&h))
			;
		sample_add(&s, now() - h.t0);
		total += now() - h.t0;
		st[h.status / 100 < 6 ? h.status / 100 : 0]++;
		bytes += h.body;
		free(req);
		if (h.close) {
			close(h.fd);
			hconn_connect(&h);
		}
	}
	fclose(f);
	printf("{\"requests\": %zu, \"per_s\": %.1f, \"2xx\": %zu, "
	    "\"3xx\": %zu, \"4xx\": %zu, \"5xx\": %zu, \"body_bytes\": %zu, "
	    "\"p50_us\": %.1f, \"p99_us\": %.1f, \"max_us\": %.1f}\n", s.n,
	    total > 0 ? s.n / total : 0, st[2], st[3], st[4], st[5], bytes,
	    quantile(&s, 0.5) * 1e6, quantile(&s, 0.99) * 1e6,
	    quantile(&s, 1.0) * 1e6);
	return 0;
}

static int
do_stamp(void)
{
	char		*line = NULL;
	size_t		 cap = 0;
	struct timespec	 ts;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while (getline(&line, &cap, stdin) > 0) {
		clock_gettime(CLOCK_REALTIME, &ts);
		printf("%lld %s", (long long)ts.tv_sec * 1000000000LL +
		    ts.tv_nsec, line);
	}
	free(line);
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: kbench add SOCK FILE COUNT | adds SOCK FILE "
	    "COUNT CLIENTS | load SOCK FILE |\n       "
	    "list SOCK FROM TO REPS [LIMIT] | get HOST PORT PATH |\n"
	    "       http HOST PORT PATH CONC SECS [ETAG] | dav HOST PORT FILE |\n"
	    "       stamp\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	if (strcmp(argv[1], "add") == 0 && argc == 5)
		return do_add(argv[2], argv[3], strtoul(argv[4], NULL, 10));
	if (strcmp(argv[1], "adds") == 0 && argc == 6)
		return do_adds(argv[2], argv[3], strtoul(argv[4], NULL, 10),
		    strtoul(argv[5], NULL, 10));
	if (strcmp(argv[1], "load") == 0 && argc == 4)
		return do_load(argv[2], argv[3]);
	if (strcmp(argv[1], "list") == 0 && (argc == 6 || argc == 7))
		return do_list(argv[2], argv[3], argv[4], atoi(argv[5]),
		    argc == 7 ? atoi(argv[6]) : 0);
	if (strcmp(argv[1], "get") == 0 && argc == 5)
		return do_get(argv[2], argv[3], argv[4]);
	if (strcmp(argv[1], "http") == 0 && (argc == 7 || argc == 8))
		return do_http(argv[2], argv[3], argv[4], atoi(argv[5]),
		    atof(argv[6]), argc == 8 ? argv[7] : NULL);
	if (strcmp(argv[1], "dav") == 0 && argc == 5)
		return do_dav(argv[2], argv[3], argv[4]);
	if (strcmp(argv[1], "stamp") == 0)
		return do_stamp();
	usage();
	return 2;
}
