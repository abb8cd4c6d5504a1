// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* A run folder read back into typed rows (run_folder.h): meta.csv's schema
 * version checked (1 to 3), then summary, workers, threads, timeline and
 * latency parsed through one table of column_specs per file, each column
 * under its own version's name. It computes no metric and renders nothing:
 * report.c, report_figures.c and compare.c decide what the rows mean. */
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "run_folder.h"
#include "util.h"

/* More than any row struct here has fields. */
#define ROW_COLUMNS_MAX 64
/* Metric names become file names (report-latency-NAME.svg): keep them short. */
#define METRIC_NAME_MAX 64

enum column_kind {
	COLUMN_COUNT,           /* uint64_t, a whole number >= 0 */
	COLUMN_INDEX,           /* int64_t, a whole number >= 0, or -1 when empty */
	COLUMN_NUMBER,          /* double, NAN when empty or absent */
	COLUMN_TEXT,            /* const char *, into the table */
};

/* Where one CSV column goes in a row struct. Required columns must be in the
 * file; an absent optional one reads as 0, -1, NAN or "". A column renamed
 * since schema 1 names its old name too: a folder is read with the names
 * of its own schema_version. A column new in schema N (since) reads as
 * absent from older folders, even where an older column had its name. */
struct column_spec {
	const char *name;
	const char *v1_name;    /* its name in schema 1; NULL: the same */
	enum column_kind kind;
	size_t offset;
	bool required;
	const char *v2_name;    /* its name in schemas 1 and 2; NULL: the same */
	unsigned since;         /* the first schema with it; 0: every one */
};

/* The oldest schema_version still read (CSV_SCHEMA_VERSION is the newest). */
#define OLDEST_SCHEMA_VERSION 1

#define REQUIRED true
#define OPTIONAL false
#define COLUMN(column, row, field, column_kind, is_required)                                 \
	{ .name = column, .kind = column_kind, .offset = offsetof(struct row, field), .required = is_required }
#define SUMMARY(name, kind, required) COLUMN(#name, summary_row, name, kind, required)
#define WORKER(name, kind, required) COLUMN(#name, worker_row, name, kind, required)
#define THREAD(name, kind, required) COLUMN(#name, thread_row, name, kind, required)
#define TIMELINE(name, kind) COLUMN(#name, timeline_row, name, kind, REQUIRED)
#define LATENCY(name, kind) COLUMN(#name, latency_row, name, kind, REQUIRED)
/* Schema 2 renamed the listener sum (listener wakeups that found nothing,
 * plus empty accepts) from wasted_wakeups to listener_wasted; the row
 * structs keep their field wasted_wakeups. */
#define LISTENER_WASTED(row, column_kind, is_required)                                                 \
	{ .name = "listener_wasted", .v1_name = "wasted_wakeups", .kind = column_kind,                   \
	  .offset = offsetof(struct row, wasted_wakeups), .required = is_required }
/* Schema 3 made listener_wakeups the wakeups a listener caused (attributed
 * by the tracer) and named the accept- and poll-class total, which schemas
 * 1 and 2 called listener_wakeups, poll_wakeups. */
#define LISTENER_WAKEUPS(row, column_kind)                                                     \
	{ .name = "listener_wakeups", .kind = column_kind, .offset = offsetof(struct row, listener_wakeups), \
	  .required = OPTIONAL, .since = 3 }
#define POLL_WAKEUPS(row, column_kind, is_required)                                            \
	{ .name = "poll_wakeups", .v2_name = "listener_wakeups", .kind = column_kind,               \
	  .offset = offsetof(struct row, poll_wakeups), .required = is_required }

/* What report and compare use must be there; docs/CSV.md lists the same. */
static const struct column_spec summary_columns[] = {
	SUMMARY(scenario, COLUMN_TEXT, REQUIRED),
	SUMMARY(policy, COLUMN_TEXT, REQUIRED),
	SUMMARY(kernel, COLUMN_TEXT, REQUIRED),
	SUMMARY(interrupted, COLUMN_TEXT, OPTIONAL),
	SUMMARY(workers, COLUMN_NUMBER, REQUIRED),
	SUMMARY(connections_completed, COLUMN_NUMBER, REQUIRED),
	SUMMARY(duration_s, COLUMN_NUMBER, REQUIRED),
	SUMMARY(throughput_cps, COLUMN_NUMBER, REQUIRED),
	SUMMARY(jain_index, COLUMN_NUMBER, REQUIRED),
	SUMMARY(cov, COLUMN_NUMBER, REQUIRED),
	SUMMARY(max_share, COLUMN_NUMBER, REQUIRED),
	SUMMARY(herd_factor, COLUMN_NUMBER, REQUIRED),
	SUMMARY(wasted_wakeup_ratio, COLUMN_NUMBER, REQUIRED),
	SUMMARY(latency_p50_us, COLUMN_NUMBER, REQUIRED),
	SUMMARY(latency_p99_us, COLUMN_NUMBER, REQUIRED),
	SUMMARY(latency_p999_us, COLUMN_NUMBER, OPTIONAL),
	SUMMARY(latency_max_us, COLUMN_NUMBER, OPTIONAL),
	SUMMARY(event_drops, COLUMN_NUMBER, REQUIRED),
	SUMMARY(accepted, COLUMN_NUMBER, OPTIONAL),
	SUMMARY(fds_received, COLUMN_NUMBER, OPTIONAL),
	LISTENER_WAKEUPS(summary_row, COLUMN_NUMBER),
	POLL_WAKEUPS(summary_row, COLUMN_NUMBER, OPTIONAL),
	LISTENER_WASTED(summary_row, COLUMN_NUMBER, OPTIONAL),
	SUMMARY(dispatch_delay_p50_us, COLUMN_NUMBER, OPTIONAL),
	SUMMARY(dispatch_delay_p99_us, COLUMN_NUMBER, OPTIONAL),
	SUMMARY(dispatch_delay_max_us, COLUMN_NUMBER, OPTIONAL),
	SUMMARY(accept_queue_delay_p50_us, COLUMN_NUMBER, OPTIONAL),
	SUMMARY(accept_queue_delay_p99_us, COLUMN_NUMBER, OPTIONAL),
	SUMMARY(accept_queue_delay_max_us, COLUMN_NUMBER, OPTIONAL),
	SUMMARY(connections_refused, COLUMN_NUMBER, OPTIONAL),
	SUMMARY(connections_reset, COLUMN_NUMBER, OPTIONAL),
	SUMMARY(connections_timed_out, COLUMN_NUMBER, OPTIONAL),
	SUMMARY(connection_errors, COLUMN_NUMBER, OPTIONAL),
	SUMMARY(connections_lost, COLUMN_NUMBER, REQUIRED),
	SUMMARY(worker_restarts, COLUMN_NUMBER, OPTIONAL),
	SUMMARY(pool_threads, COLUMN_NUMBER, OPTIONAL),
	SUMMARY(pool_jobs, COLUMN_NUMBER, OPTIONAL),
	SUMMARY(pool_utilisation, COLUMN_NUMBER, OPTIONAL),
	SUMMARY(pool_queue_wait_p50_us, COLUMN_NUMBER, OPTIONAL),
	SUMMARY(pool_queue_wait_p99_us, COLUMN_NUMBER, OPTIONAL),
	SUMMARY(pool_queue_wait_max_us, COLUMN_NUMBER, OPTIONAL),
	SUMMARY(pool_futex_wakeups, COLUMN_NUMBER, OPTIONAL),
	SUMMARY(pool_wasted_futex_wakeups, COLUMN_NUMBER, OPTIONAL),
};

static const struct column_spec worker_columns[] = {
	WORKER(worker_index, COLUMN_INDEX, REQUIRED),
	WORKER(pid, COLUMN_COUNT, REQUIRED),
	WORKER(role, COLUMN_TEXT, REQUIRED),
	WORKER(accepted, COLUMN_COUNT, REQUIRED),
	WORKER(fds_received, COLUMN_COUNT, REQUIRED),
	WORKER(accept_eagain, COLUMN_COUNT, REQUIRED),
	WORKER(wakeups_accept, COLUMN_COUNT, REQUIRED),
	WORKER(wakeups_poll, COLUMN_COUNT, REQUIRED),
	LISTENER_WAKEUPS(worker_row, COLUMN_NUMBER),
	LISTENER_WASTED(worker_row, COLUMN_COUNT, REQUIRED),
	WORKER(oncpu_ns, COLUMN_COUNT, REQUIRED),
	WORKER(runq_wait_ns, COLUMN_COUNT, REQUIRED),
	WORKER(share, COLUMN_NUMBER, REQUIRED),
};

static const struct column_spec thread_columns[] = {
	THREAD(tid, COLUMN_COUNT, REQUIRED),
	THREAD(pid, COLUMN_COUNT, REQUIRED),
	THREAD(role, COLUMN_TEXT, REQUIRED),
	THREAD(comm, COLUMN_TEXT, REQUIRED),
	THREAD(oncpu_ns, COLUMN_COUNT, REQUIRED),
	THREAD(jobs_run, COLUMN_COUNT, OPTIONAL),
	THREAD(job_busy_ns, COLUMN_NUMBER, OPTIONAL),
	THREAD(busy_share, COLUMN_NUMBER, OPTIONAL),
	THREAD(queue_wait_p50_us, COLUMN_NUMBER, OPTIONAL),
	THREAD(queue_wait_p99_us, COLUMN_NUMBER, OPTIONAL),
};

static const struct column_spec timeline_columns[] = {
	TIMELINE(start_ms, COLUMN_COUNT),
	TIMELINE(end_ms, COLUMN_COUNT),
	TIMELINE(worker_index, COLUMN_INDEX),
	TIMELINE(pid, COLUMN_COUNT),
	TIMELINE(connections, COLUMN_COUNT),
	LISTENER_WAKEUPS(timeline_row, COLUMN_NUMBER),
	POLL_WAKEUPS(timeline_row, COLUMN_COUNT, REQUIRED),
	LISTENER_WASTED(timeline_row, COLUMN_COUNT, REQUIRED),
};

static const struct column_spec latency_columns[] = {
	LATENCY(metric, COLUMN_TEXT),
	LATENCY(pid, COLUMN_INDEX),
	LATENCY(lower_ns, COLUMN_COUNT),
	LATENCY(upper_ns, COLUMN_COUNT),
	LATENCY(count, COLUMN_COUNT),
};

static int read_index(const struct csv_table *t, size_t row, int column, int64_t *out,
		      struct error_message *err)
{
	uint64_t value;

	if (column < 0 || !*csv_table_field(t, row, column)) {
		*out = -1;
		return 0;
	}
	if (csv_table_u64(t, row, column, &value, err))
		return -1;
	if (value > INT64_MAX) {
		error_message_set(err, "%s:%zu: %s: %llu is out of range", t->name,
				  csv_table_line(t, row), t->fields[column], (unsigned long long)value);
		return -1;
	}
	*out = (int64_t)value;
	return 0;
}

/* SPEC's column name in a folder of schema VERSION; NULL: not in it. */
static const char *column_name(const struct column_spec *spec, unsigned version)
{
	if (version < spec->since)
		return NULL;
	if (version == 1 && spec->v1_name)
		return spec->v1_name;
	return version <= 2 && spec->v2_name ? spec->v2_name : spec->name;
}

/* Every data row of T, from a folder of schema VERSION, into an array of
 * ROW_SIZE-byte structs laid out by SPECS. */
static int read_rows(const struct csv_table *t, unsigned version, const struct column_spec *specs,
		     size_t nspecs, void **rows_out, size_t row_size, struct error_message *err)
{
	int columns[ROW_COLUMNS_MAX];
	char *rows;

	if (nspecs > ARRAY_SIZE(columns)) {
		error_message_set(err, "%s: internal error: too many columns", t->name);
		return -1;
	}
	for (size_t i = 0; i < nspecs; i++) {
		const char *name = column_name(&specs[i], version);

		if (!name)
			columns[i] = -1;
		else
			columns[i] = specs[i].required ? csv_table_require(t, name, err) : csv_table_column(t, name);
		if (name && specs[i].required && columns[i] < 0)
			return -1;
	}
	rows = calloc(t->nrows ? t->nrows : 1, row_size);
	if (!rows) {
		error_message_set(err, "%s: out of memory", t->name);
		return -1;
	}
	for (size_t r = 0; r < t->nrows; r++) {
		char *row = rows + r * row_size;

		for (size_t i = 0; i < nspecs; i++) {
			void *field = row + specs[i].offset;
			int failed = 0;

			switch (specs[i].kind) {
			case COLUMN_COUNT:
				failed = csv_table_u64(t, r, columns[i], field, err);
				break;
			case COLUMN_INDEX:
				failed = read_index(t, r, columns[i], field, err);
				break;
			case COLUMN_NUMBER:
				failed = csv_table_double(t, r, columns[i], field, err);
				break;
			case COLUMN_TEXT:
				*(const char **)field = csv_table_field(t, r, columns[i]);
				break;
			}
			if (failed) {
				free(rows);
				return -1;
			}
		}
	}
	*rows_out = rows;
	return 0;
}

/* Reads DIR/NAME into *TABLE. */
static int read_table(const struct run_folder *r, const char *name, struct csv_table **table,
		      struct error_message *err)
{
	char *path;
	int result;

	if (asprintf(&path, "%s/%s", r->dir, name) < 0) {
		error_message_set(err, "%s/%s: out of memory", r->dir, name);
		return -1;
	}
	result = csv_table_read(path, table, err);
	free(path);
	return result;
}

static int load_meta(struct run_folder *r, struct error_message *err)
{
	const struct csv_table *t;
	char excerpt[32];

	if (read_table(r, "meta.csv", &r->meta, err))
		return -1;
	t = r->meta;
	if (t->ncolumns != 2 || strcmp(t->fields[0], "key") || strcmp(t->fields[1], "value")) {
		error_message_set(err, "%s:1: the header is not key,value", t->name);
		return -1;
	}
	for (size_t row = 0; row < t->nrows; row++) {
		const char *version = csv_table_field(t, row, 1);
		uint64_t number;

		if (strcmp(csv_table_field(t, row, 0), "schema_version"))
			continue;
		/* Reading a schema we do not know would misname numbers silently. */
		if (parse_u64(version, OLDEST_SCHEMA_VERSION, CSV_SCHEMA_VERSION, &number)) {
			error_message_set(err, "%s:%zu: schema_version '%s' is unknown (this testbed "
					  "reads %d to %d)", t->name, csv_table_line(t, row),
					  printable_excerpt(version, excerpt, sizeof(excerpt)),
					  OLDEST_SCHEMA_VERSION, CSV_SCHEMA_VERSION);
			return -1;
		}
		r->schema_version = (unsigned)number;
		return 0;
	}
	error_message_set(err, "%s: no schema_version (not a testbed run folder?)", t->name);
	return -1;
}

const char *const run_setting_names[SETTING_COUNT] = {
	[SETTING_WORKERS] = "workers",
	[SETTING_CONNECTIONS] = "connections",
	[SETTING_KEEPALIVE] = "keepalive",
	[SETTING_RATE_CPS] = "rate_cps",
	[SETTING_ARRIVALS] = "arrivals",
	[SETTING_REQUESTS] = "requests",
	[SETTING_REQUESTED_DURATION_S] = "requested_duration_s",
	[SETTING_THREADS] = "threads",
	[SETTING_WORK] = "work",
	[SETTING_POOL_WAKE] = "pool_wake",
	[SETTING_POOL_NOTIFY] = "pool_notify",
	[SETTING_BACKLOG] = "backlog",
	[SETTING_TIMEOUT_MS] = "timeout_ms",
	[SETTING_LOADGEN_THREADS] = "loadgen_threads",
	[SETTING_KILL_WORKER_AFTER_S] = "kill_worker_after_s",
	[SETTING_MIGRATE] = "migrate",
	[SETTING_TRACER] = "tracer",
	[SETTING_NPROC] = "nproc",
	[SETTING_TIMINGS] = "timings",
};

/* testbed kernels writes kernel.csv (key,value) beside a kernel's run
 * folders: its timings say how the guest ran. No file: a real run. */
static const char *read_timings(struct run_folder *r)
{
	struct error_message ignored;
	char *path;

	if (asprintf(&path, "%s/../kernel.csv", r->dir) < 0)
		return "real";
	if (csv_table_read(path, &r->kernel, &ignored))
		r->kernel = NULL;
	free(path);
	if (r->kernel && r->kernel->ncolumns == 2) {
		for (size_t row = 0; row < r->kernel->nrows; row++)
			if (!strcmp(csv_table_field(r->kernel, row, 0), "timings") &&
			    *csv_table_field(r->kernel, row, 1))
				return csv_table_field(r->kernel, row, 1);
	}
	return "real";
}

/* summary.csv's setting columns, or in a folder from before them meta.csv's
 * keys (requested_duration_s was only meta.csv's duration_s). */
static void read_settings(struct run_folder *r)
{
	for (size_t i = 0; i < SETTING_COUNT; i++) {
		const char *name = run_setting_names[i];
		int column = csv_table_column(r->summary, name);
		const char *value;

		if (i == SETTING_TIMINGS) {
			r->settings[i] = read_timings(r);
			continue;
		}
		value = column >= 0 ? csv_table_field(r->summary, 0, column) : NULL;
		if (!value)
			value = run_folder_meta(r, i == SETTING_REQUESTED_DURATION_S ? "duration_s" : name);
		r->settings[i] = value ? value : "";
	}
	r->run_id = csv_table_field(r->summary, 0, csv_table_column(r->summary, "run_id"));
}

static int load_summary(struct run_folder *r, struct error_message *err)
{
	struct summary_row *row;

	if (read_table(r, "summary.csv", &r->summary, err))
		return -1;
	if (r->summary->nrows != 1) {
		if (r->summary->nrows == 0)
			error_message_set(err, "%s: no data row (a run has one)", r->summary->name);
		else
			error_message_set(err, "%s:%zu: a second data row (a run has one)",
					  r->summary->name, csv_table_line(r->summary, 1));
		return -1;
	}
	if (read_rows(r->summary, r->schema_version, summary_columns, ARRAY_SIZE(summary_columns), (void **)&row,
		      sizeof(*row), err))
		return -1;
	r->summary_row = *row;
	free(row);
	read_settings(r);
	return 0;
}

static bool is_metric_name(const char *name)
{
	size_t length = strlen(name);

	return length > 0 && length <= METRIC_NAME_MAX &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == length;
}

static int check_latency_rows(const struct run_folder *r, struct error_message *err)
{
	const struct csv_table *t = r->latency;
	char excerpt[METRIC_NAME_MAX + 4];

	for (size_t i = 0; i < r->nlatency_rows; i++) {
		const struct latency_row *b = &r->latency_rows[i];

		if (!is_metric_name(b->metric)) {
			error_message_set(err, "%s:%zu: metric '%s' is not a name (letters, digits, _)",
					  t->name, csv_table_line(t, i),
					  printable_excerpt(b->metric, excerpt, sizeof(excerpt)));
			return -1;
		}
		if (b->lower_ns > b->upper_ns) {
			error_message_set(err, "%s:%zu: lower_ns %llu is above upper_ns %llu", t->name,
					  csv_table_line(t, i), (unsigned long long)b->lower_ns,
					  (unsigned long long)b->upper_ns);
			return -1;
		}
	}
	return 0;
}

static int load_details(struct run_folder *r, struct error_message *err)
{
	if (read_table(r, "workers.csv", &r->workers, err) ||
	    read_rows(r->workers, r->schema_version, worker_columns, ARRAY_SIZE(worker_columns), (void **)&r->worker_rows,
		      sizeof(*r->worker_rows), err))
		return -1;
	r->nworker_rows = r->workers->nrows;
	if (read_table(r, "threads.csv", &r->threads, err) ||
	    read_rows(r->threads, r->schema_version, thread_columns, ARRAY_SIZE(thread_columns), (void **)&r->thread_rows,
		      sizeof(*r->thread_rows), err))
		return -1;
	r->nthread_rows = r->threads->nrows;
	if (read_table(r, "timeline.csv", &r->timeline, err) ||
	    read_rows(r->timeline, r->schema_version, timeline_columns, ARRAY_SIZE(timeline_columns),
		      (void **)&r->timeline_rows, sizeof(*r->timeline_rows), err))
		return -1;
	r->ntimeline_rows = r->timeline->nrows;
	if (read_table(r, "latency.csv", &r->latency, err) ||
	    read_rows(r->latency, r->schema_version, latency_columns, ARRAY_SIZE(latency_columns),
		      (void **)&r->latency_rows, sizeof(*r->latency_rows), err))
		return -1;
	r->nlatency_rows = r->latency->nrows;
	return check_latency_rows(r, err);
}

int run_folder_load(const char *dir, enum run_folder_part part, struct run_folder **out,
		    struct error_message *err)
{
	struct run_folder *r = calloc(1, sizeof(*r));
	size_t length;

	if (!r || !(r->dir = strdup(dir))) {
		error_message_set(err, "%s: out of memory", dir);
		free(r);
		return -1;
	}
	/* "results/run/" names its files "results/run/meta.csv", not ".../run//meta.csv" */
	length = strlen(r->dir);
	while (length > 1 && r->dir[length - 1] == '/')
		r->dir[--length] = '\0';

	/* meta.csv first: a folder of an unknown schema is refused before its
	 * other files are misread. */
	if (load_meta(r, err) || load_summary(r, err) ||
	    (part == RUN_FOLDER_ALL && load_details(r, err))) {
		run_folder_free(r);
		return -1;
	}
	*out = r;
	return 0;
}

void run_folder_free(struct run_folder *r)
{
	if (!r)
		return;
	csv_table_free(r->meta);
	csv_table_free(r->summary);
	csv_table_free(r->workers);
	csv_table_free(r->threads);
	csv_table_free(r->timeline);
	csv_table_free(r->latency);
	csv_table_free(r->kernel);
	free(r->worker_rows);
	free(r->thread_rows);
	free(r->timeline_rows);
	free(r->latency_rows);
	free(r->dir);
	free(r);
}

const char *run_folder_meta(const struct run_folder *r, const char *key)
{
	for (size_t row = 0; r->meta && row < r->meta->nrows; row++)
		if (!strcmp(csv_table_field(r->meta, row, 0), key))
			return csv_table_field(r->meta, row, 1);
	return NULL;
}

static int by_upper_bound(const void *a, const void *b)
{
	const struct bucket *x = a, *y = b;

	if (x->upper_ns != y->upper_ns)
		return x->upper_ns < y->upper_ns ? -1 : 1;
	return x->lower_ns < y->lower_ns ? -1 : x->lower_ns > y->lower_ns;
}

/* Whether METRIC has run-wide rows (empty pid): every metric has since
 * issue 13; before, only client_latency, the others being per process. */
static bool has_run_wide_rows(const struct run_folder *r, const char *metric)
{
	for (size_t i = 0; i < r->nlatency_rows; i++)
		if (r->latency_rows[i].pid < 0 && !strcmp(r->latency_rows[i].metric, metric))
			return true;
	return false;
}

int latency_buckets(const struct run_folder *r, const char *metric, int64_t pid,
		    struct bucket_list *out)
{
	/* the whole run: its own rows where the folder has them, else the
	 * per-process rows merged (they would count every sample twice) */
	bool run_wide = pid < 0 && has_run_wide_rows(r, metric);

	memset(out, 0, sizeof(*out));
	out->buckets = calloc(r->nlatency_rows ? r->nlatency_rows : 1, sizeof(*out->buckets));
	if (!out->buckets)
		return -1;
	for (size_t i = 0; i < r->nlatency_rows; i++) {
		const struct latency_row *row = &r->latency_rows[i];

		if (strcmp(row->metric, metric) || (pid >= 0 && row->pid != pid) || (run_wide && row->pid >= 0) ||
		    !row->count)
			continue;
		out->buckets[out->n++] = (struct bucket){ row->lower_ns, row->upper_ns, row->count };
		/* saturate: a hostile count must not wrap the total */
		out->total = row->count > UINT64_MAX - out->total ? UINT64_MAX : out->total + row->count;
	}
	qsort(out->buckets, out->n, sizeof(*out->buckets), by_upper_bound);
	return 0;
}

double bucket_percentile_us(const struct bucket_list *b, double pct)
{
	double rank;
	uint64_t seen = 0;

	if (!b->total)
		return NAN;
	rank = ceil(pct / 100.0 * (double)b->total);
	if (rank < 1)
		rank = 1;
	for (size_t i = 0; i < b->n; i++) {
		seen = b->buckets[i].count > UINT64_MAX - seen ? UINT64_MAX : seen + b->buckets[i].count;
		if ((double)seen >= rank)
			return (double)b->buckets[i].upper_ns / 1000.0;
	}
	return (double)b->buckets[b->n - 1].upper_ns / 1000.0;
}
