/*
 * floor.c — what the libraries under kcald cost on their own, measured on
 * the benchmark's own calendar in the same run, so `make bench` can print
 * each kcald figure beside its floor as a ratio.
 *
 *   floor FILE DIR REPS DURABLE_ROWS QUERY_REPS [FROM TO]...
 *
 * times, in one process: libical parsing the whole .ics and serialising it
 * back; SQLite inserting every row in one transaction, and DURABLE_ROWS
 * rows in one durable transaction each; the window queries [FROM, TO).
 *
 * The SQLite floors run on kcald's own schema: each database is created
 * by store_open(), so the real migrations make it (every table, index and
 * trigger a write meets in kcald), never a copy that could drift from them.
 * Then, straight on SQLite with WAL and synchronous=FULL, they insert the
 * same rows kcald would: one events row (indexed columns plus the VEVENT
 * text) and one participants row per ATTENDEE/ORGANIZER.  It prints one
 * JSON object on stdout.  Times are wall-clock (CLOCK_MONOTONIC).
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <libical/ical.h>
#include <sqlite3.h>

#include "store.h"

static const char *insert_event_sql =
	"INSERT INTO events (uid, summary, kind, status, class, tz, end_tz, "
	"start_utc, end_utc, all_day, location, description, url, parent_uid, "
	"rrule, sequence, created, last_modified, reminders, ical) VALUES "
	"(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
	"?16, ?17, ?18, ?19, ?20)";
static const char *insert_part_sql =
	"INSERT INTO participants (event_uid, pos, name, role, country, "
	"precedence) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char *query_sql =
	"SELECT uid, summary, kind, status, class, tz, end_tz, start_utc, "
	"end_utc, all_day, location, description, url, parent_uid, rrule, "
	"sequence, created, last_modified, reminders FROM events "
	"WHERE start_utc < ?2 AND end_utc > ?1 AND start_utc >= ?3 "
	"ORDER BY start_utc, uid";
static const char *parts_sql =
	"SELECT name, role, country, precedence FROM participants "
	"WHERE event_uid = ?1 ORDER BY pos";

/* Column bytes read by the queries, so the reads cannot be optimised out. */
static volatile size_t sink;

struct part {
	const char	*name, *role, *country;
	int		 precedence;
};

struct row {
	char		*uid, *summary, *kind, *status, *class, *tz, *end_tz;
	char		*location, *description, *url, *parent, *rrule;
	char		*reminders, *ical;
	int64_t		 start, end, created, last_modified;
	int		 all_day, sequence;
	struct part	*parts;
	size_t		 nparts;
};

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long
maxrss_kb(void)
{
	struct rusage	ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE	*f = fopen(path, "rb");
	struct stat sb;
	char	*buf;

	if (f == NULL || fstat(fileno(f), &sb) != 0)
		err(1, "%s", path);
	buf = malloc(sb.st_size + 1);
	if (buf == NULL || fread(buf, 1, sb.st_size, f) != (size_t)sb.st_size)
		err(1, "%s", path);
	buf[sb.st_size] = '\0';
	fclose(f);
	*len = sb.st_size;
	return buf;
}

static icalcomponent *
parse_file(const char *path, double *secs)
{
	size_t		 len;
	char		*text = slurp(path, &len);
	double		 t0 = now();
	icalcomponent	*root = icalparser_parse_string(text);

	*secs = now() - t0;
	free(text);
	if (root == NULL)
		errx(1, "%s: libical cannot parse it", path);
	return root;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile (0..1) of v[0..n), nearest rank; v is sorted in place. */
static double
quantile(double *v, size_t n, double q)
{
	size_t	i;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof *v, cmp_double);
	i = (size_t)(q * n + 0.999999);
	return v[i == 0 ? 0 : i > n ? n - 1 : i - 1];
}

static char *
dup_or_null(const char *s)
{
	return s && *s ? strdup(s) : NULL;
}

static const char *
xparam(icalproperty *p, const char *name)
{
	icalparameter	*q;

	for (q = icalproperty_get_first_parameter(p, ICAL_X_PARAMETER); q;
	    q = icalproperty_get_next_parameter(p, ICAL_X_PARAMETER))
		if (strcasecmp(icalparameter_get_xname(q), name) == 0)
			return icalparameter_get_xvalue(q);
	return NULL;
}

static int64_t
instant(struct icaltimetype tt)
{
	const icaltimezone	*z = tt.zone;

	if (z == NULL)
		z = icaltimezone_get_utc_timezone();
	return (int64_t)icaltime_as_timet_with_zone(tt, z);
}

static const char *
tzid_of(icalcomponent *c, icalproperty_kind kind)
{
	icalproperty	*p = icalcomponent_get_first_property(c, kind);
	icalparameter	*q;

	if (p == NULL)
		return NULL;
	q = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
	return q ? icalparameter_get_tzid(q) : "UTC";
}

static void
row_parts(icalcomponent *c, struct row *r)
{
	icalproperty	*p;
	icalparameter	*cn;
	const char	*v;

	r->parts = calloc(icalcomponent_count_properties(c, ICAL_ANY_PROPERTY),
	    sizeof *r->parts);
	for (p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY); p;
	    p = icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY)) {
		if (icalproperty_isa(p) != ICAL_ATTENDEE_PROPERTY &&
		    icalproperty_isa(p) != ICAL_ORGANIZER_PROPERTY)
			continue;
		cn = icalproperty_get_first_parameter(p, ICAL_CN_PARAMETER);
		r->parts[r->nparts].name = cn ? icalparameter_get_cn(cn) :
		    icalproperty_get_value_as_string(p);
		r->parts[r->nparts].role = xparam(p, "X-KCAL-ROLE");
		r->parts[r->nparts].country = xparam(p, "X-KCAL-COUNTRY");
		v = xparam(p, "X-KCAL-PRECEDENCE");
		r->parts[r->nparts++].precedence = v ? atoi(v) : 0;
	}
}

/* The columns kcald would store for one VEVENT (prepared untimed). */
static void
row_from(icalcomponent *c, struct row *r)
{
	icalproperty	*p;
	char		*s;

	memset(r, 0, sizeof *r);
	r->uid = dup_or_null(icalcomponent_get_uid(c));
	r->summary = dup_or_null(icalcomponent_get_summary(c));
	r->location = dup_or_null(icalcomponent_get_location(c));
	r->description = dup_or_null(icalcomponent_get_description(c));
	p = icalcomponent_get_first_property(c, ICAL_CATEGORIES_PROPERTY);
	r->kind = strdup(p ? icalproperty_get_categories(p) : "other");
	p = icalcomponent_get_first_property(c, ICAL_STATUS_PROPERTY);
	r->status = strdup(p ? icalproperty_get_value_as_string(p) : "CONFIRMED");
	p = icalcomponent_get_first_property(c, ICAL_CLASS_PROPERTY);
	r->class = strdup(p ? icalproperty_get_value_as_string(p) : "PUBLIC");
	r->tz = strdup(tzid_of(c, ICAL_DTSTART_PROPERTY));
	r->end_tz = dup_or_null(tzid_of(c, ICAL_DTEND_PROPERTY));
	r->start = instant(icalcomponent_get_dtstart(c));
	r->end = instant(icalcomponent_get_dtend(c));
	r->all_day = icalcomponent_get_dtstart(c).is_date;
	p = icalcomponent_get_first_property(c, ICAL_URL_PROPERTY);
	r->url = dup_or_null(p ? icalproperty_get_url(p) : NULL);
	p = icalcomponent_get_first_property(c, ICAL_RELATEDTO_PROPERTY);
	r->parent = dup_or_null(p ? icalproperty_get_relatedto(p) : NULL);
	p = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY);
	r->rrule = dup_or_null(p ? icalproperty_get_value_as_string(p) : NULL);
	r->sequence = icalcomponent_get_sequence(c);
	r->created = r->last_modified = r->start;
	if (icalcomponent_get_first_component(c, ICAL_VALARM_COMPONENT))
		r->reminders = strdup("1800");
	s = icalcomponent_as_ical_string_r(c);
	r->ical = strdup(s);
	icalmemory_free_buffer(s);
	row_parts(c, r);
}

static struct row *
load_rows(const char *path, icalcomponent **rootp, size_t *n)
{
	double		 secs;
	icalcomponent	*root = parse_file(path, &secs), *c;
	struct row	*rows;
	size_t		 i = 0;

	*n = icalcomponent_count_components(root, ICAL_VEVENT_COMPONENT);
	rows = calloc(*n ? *n : 1, sizeof *rows);
	for (c = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT);
	    c != NULL && i < *n; c = icalcomponent_get_next_component(root,
	    ICAL_VEVENT_COMPONENT))
		row_from(c, &rows[i++]);
	*rootp = root;
	return rows;
}

static void
check(sqlite3 *db, int rc, const char *what)
{
	if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
		errx(1, "%s: %s", what, sqlite3_errmsg(db));
}

static void
exec(sqlite3 *db, const char *sql)
{
	char	*e = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &e) != SQLITE_OK)
		errx(1, "%s: %s", sql, e);
}

/*
 * A store created as kcald creates it (store_open: its migrations), then
 * opened straight on SQLite with the same WAL and synchronous=FULL.
 */
static sqlite3 *
open_db(const char *path, int create)
{
	struct store	*st;
	sqlite3		*db;
	char		 wal[4096], *cause = NULL;

	if (create) {
		unlink(path);
		snprintf(wal, sizeof wal, "%s-wal", path);
		unlink(wal);
		snprintf(wal, sizeof wal, "%s-shm", path);
		unlink(wal);
		if ((st = store_open(path, &cause)) == NULL)
			errx(1, "%s", cause);
		store_close(st);
	}
	if (sqlite3_open(path, &db) != SQLITE_OK)
		errx(1, "%s: cannot open", path);
	exec(db, "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; "
	    "PRAGMA synchronous = FULL");
	return db;
}

static void
bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
}

static void
insert_row(sqlite3 *db, sqlite3_stmt *ev, sqlite3_stmt *pt,
    const struct row *r)
{
	bind_text(ev, 1, r->uid);	bind_text(ev, 2, r->summary);
	bind_text(ev, 3, r->kind);	bind_text(ev, 4, r->status);
	bind_text(ev, 5, r->class);	bind_text(ev, 6, r->tz);
	bind_text(ev, 7, r->end_tz);
	sqlite3_bind_int64(ev, 8, r->start);
	sqlite3_bind_int64(ev, 9, r->end);
	sqlite3_bind_int(ev, 10, r->all_day);
	bind_text(ev, 11, r->location);	bind_text(ev, 12, r->description);
	bind_text(ev, 13, r->url);	bind_text(ev, 14, r->parent);
	bind_text(ev, 15, r->rrule);
	sqlite3_bind_int(ev, 16, r->sequence);
	sqlite3_bind_int64(ev, 17, r->created);
	sqlite3_bind_int64(ev, 18, r->last_modified);
	bind_text(ev, 19, r->reminders);	bind_text(ev, 20, r->ical);
	check(db, sqlite3_step(ev), "insert event");
	sqlite3_reset(ev);
	for (size_t i = 0; i < r->nparts; i++) {
		bind_text(pt, 1, r->uid);
		sqlite3_bind_int64(pt, 2, (sqlite3_int64)i);
		bind_text(pt, 3, r->parts[i].name);
		bind_text(pt, 4, r->parts[i].role);
		bind_text(pt, 5, r->parts[i].country);
		sqlite3_bind_int(pt, 6, r->parts[i].precedence);
		check(db, sqlite3_step(pt), "insert participant");
		sqlite3_reset(pt);
	}
}

static void
prepare(sqlite3 *db, const char *sql, sqlite3_stmt **s)
{
	check(db, sqlite3_prepare_v2(db, sql, -1, s, NULL), sql);
}

static double
time_parse(const char *path)
{
	double		 secs;
	icalcomponent	*root = parse_file(path, &secs);

	icalcomponent_free(root);
	return secs;
}

static double
time_serialise(icalcomponent *root, size_t *bytes)
{
	double	 t0 = now();
	char	*s = icalcomponent_as_ical_string_r(root);
	double	 secs = now() - t0;

	*bytes = strlen(s);
	icalmemory_free_buffer(s);
	return secs;
}

static double
time_insert(struct row *rows, size_t n, const char *dbpath)
{
	sqlite3		*db = open_db(dbpath, 1);
	sqlite3_stmt	*ev, *pt;
	double		 t0, secs;

	prepare(db, insert_event_sql, &ev);
	prepare(db, insert_part_sql, &pt);
	t0 = now();
	exec(db, "BEGIN IMMEDIATE");
	for (size_t i = 0; i < n; i++)
		insert_row(db, ev, pt, &rows[i]);
	exec(db, "COMMIT");
	secs = now() - t0;
	sqlite3_finalize(ev);
	sqlite3_finalize(pt);
	sqlite3_close(db);
	return secs;
}

static void
print_durable(struct row *rows, size_t m, const char *dbpath)
{
	sqlite3		*db = open_db(dbpath, 1);
	sqlite3_stmt	*ev, *pt, *b, *c;
	double		*lat = calloc(m ? m : 1, sizeof *lat), t0, t1, total;
	double		 p50, p99;

	prepare(db, insert_event_sql, &ev);
	prepare(db, insert_part_sql, &pt);
	prepare(db, "BEGIN IMMEDIATE", &b);
	prepare(db, "COMMIT", &c);
	t0 = now();
	for (size_t i = 0; i < m; i++) {
		t1 = now();
		check(db, sqlite3_step(b), "begin");
		sqlite3_reset(b);
		insert_row(db, ev, pt, &rows[i]);
		check(db, sqlite3_step(c), "commit");
		sqlite3_reset(c);
		lat[i] = now() - t1;
	}
	total = now() - t0;
	p50 = quantile(lat, m, 0.5);
	p99 = quantile(lat, m, 0.99);
	printf("\"durable\": {\"rows\": %zu, \"rows_per_s\": %.1f, "
	    "\"p50_us\": %.1f, \"p99_us\": %.1f}", m, m / total, p50 * 1e6,
	    p99 * 1e6);
	sqlite3_finalize(ev); sqlite3_finalize(pt);
	sqlite3_finalize(b); sqlite3_finalize(c);
	sqlite3_close(db);
	free(lat);
}

/* One window query as kcald runs it: the rows, then each row's people. */
static size_t
query_once(sqlite3 *db, sqlite3_stmt *q, sqlite3_stmt *pq, sqlite3_stmt *md,
    int64_t from, int64_t to)
{
	size_t	rows = 0, bytes = 0;
	int64_t	maxdur = 0;

	if (sqlite3_step(md) == SQLITE_ROW)
		maxdur = sqlite3_column_int64(md, 0);
	sqlite3_reset(md);
	sqlite3_bind_int64(q, 1, from);
	sqlite3_bind_int64(q, 2, to);
	sqlite3_bind_int64(q, 3, from - maxdur);
	while (sqlite3_step(q) == SQLITE_ROW) {
		for (int i = 0; i < 19; i++)
			bytes += sqlite3_column_bytes(q, i);
		bind_text(pq, 1, (const char *)sqlite3_column_text(q, 0));
		while (sqlite3_step(pq) == SQLITE_ROW)
			bytes += sqlite3_column_bytes(pq, 0);
		sqlite3_reset(pq);
		rows++;
	}
	check(db, sqlite3_reset(q), "query");
	sink += bytes;
	return rows;
}

static void
print_query(const char *dbpath, int64_t from, int64_t to, int reps)
{
	sqlite3		*db = open_db(dbpath, 0);
	sqlite3_stmt	*q, *pq, *md;
	double		*lat = calloc(reps, sizeof *lat), t0, p50, p99;
	size_t		 rows = 0;

	prepare(db, query_sql, &q);
	prepare(db, parts_sql, &pq);
	prepare(db, "SELECT max(end_utc - start_utc) FROM events", &md);
	for (int i = 0; i < reps; i++) {
		t0 = now();
		rows = query_once(db, q, pq, md, from, to);
		lat[i] = now() - t0;
	}
	p50 = quantile(lat, reps, 0.5);
	p99 = quantile(lat, reps, 0.99);
	printf("{\"from\": %lld, \"to\": %lld, \"rows\": %zu, \"reps\": %d, "
	    "\"p50_us\": %.1f, \"p99_us\": %.1f}", (long long)from,
	    (long long)to, rows, reps, p50 * 1e6, p99 * 1e6);
	sqlite3_finalize(q); sqlite3_finalize(pq); sqlite3_finalize(md);
	sqlite3_close(db);
	free(lat);
}

static void
print_times(const char *name, const double *v, int n)
{
	printf("\"%s\": [", name);
	for (int i = 0; i < n; i++)
		printf("%s%.6f", i ? ", " : "", v[i]);
	printf("], ");
}

static void
usage(void)
{
	fprintf(stderr, "usage: floor FILE DIR REPS DURABLE_ROWS QUERY_REPS "
	    "[FROM TO]...\n");
	exit(2);
}

/*
 * Parse REPS times (each from a fresh read), serialise REPS times, insert
 * every row REPS times into a fresh DIR/floor.db, then DURABLE_ROWS durable
 * single-row transactions into DIR/floor-durable.db, then each window
 * [FROM, TO) (UTC seconds) QUERY_REPS times on DIR/floor.db.  REPS 0 (and
 * no window) measures the durable inserts alone.
 */
int
main(int argc, char **argv)
{
	icalcomponent	*root;
	struct row	*rows;
	size_t		 n, bytes = 0, m;
	int		 reps, qreps;
	double		*t;
	char		 db[4096], dur[4096];

	if (argc < 6 || (argc - 6) % 2 != 0)
		usage();
	reps = atoi(argv[3]);
	m = strtoul(argv[4], NULL, 10);
	qreps = atoi(argv[5]);
	if (reps < 0 || qreps < 1 || (reps == 0 && argc > 6))
		usage();
	snprintf(db, sizeof db, "%s/floor.db", argv[2]);
	snprintf(dur, sizeof dur, "%s/floor-durable.db", argv[2]);
	t = calloc(reps ? reps : 1, sizeof *t);
	printf("{");
	if (reps > 0) {
		for (int i = 0; i < reps; i++)
			t[i] = time_parse(argv[1]);
		print_times("parse_s", t, reps);
		printf("\"parse_maxrss_kb\": %ld, ", maxrss_kb());
	}
	rows = load_rows(argv[1], &root, &n);
	for (int i = 0; i < reps; i++)
		t[i] = time_serialise(root, &bytes);
	if (reps > 0)
		print_times("serialise_s", t, reps);
	for (int i = 0; i < reps; i++)
		t[i] = time_insert(rows, n, db);
	if (reps > 0)
		print_times("insert_s", t, reps);
	printf("\"events\": %zu, \"serialised_bytes\": %zu, ", n, bytes);
	if (m > 0 && n > 0)
		print_durable(rows, m < n ? m : n, dur);
	else
		printf("\"durable\": null");
	printf(", \"windows\": [");
	for (int i = 6; i < argc; i += 2) {
		printf("%s", i > 6 ? ", " : "");
		print_query(db, strtoll(argv[i], NULL, 10),
		    strtoll(argv[i + 1], NULL, 10), qreps);
	}
	printf("]}\n");
	icalcomponent_free(root);
	return 0;
}
