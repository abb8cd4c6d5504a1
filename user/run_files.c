// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The run folder (docs/CSV.md): which files it has and the order they are
 * committed in (meta.csv last), and the files with a row per process
 * (workers.csv), thread (threads.csv), interval (timeline.csv), histogram
 * bucket (latency.csv) or ring-buffer record (events.csv), each written from
 * one column table {name, getter, format}: its header and every row come
 * from the same entries. Figures come from record.c and analysis/metrics.c;
 * nothing is computed here beyond picking a value out of the record.
 * summary.csv and meta.csv are summary_files.c's, the printed summary
 * summary_print.c's. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/statvfs.h>
#include "common.h"
#include "metrics.h"
#include "progress.h"
#include "run_files.h"
#include "test_hooks.h"
#include "util.h"

/* A delay histogram's three columns: <metric>_p50_us, _p99_us, _max_us. */
enum delay_statistic { DELAY_P50, DELAY_P99, DELAY_MAX };

static struct cell delay_cell(const struct histogram *h, size_t statistic)
{
	switch (statistic) {
	case DELAY_P50:
		return cell_number(histogram_percentile_us(h, 50));
	case DELAY_P99:
		return cell_number(histogram_percentile_us(h, 99));
	default:
		return cell_number(histogram_max_us(h));
	}
}

#define DELAY_COLUMNS(metric, getter)                                                    \
	{ metric "_p50_us", getter, DELAY_P50, 3 }, { metric "_p99_us", getter, DELAY_P99, 3 }, \
	{ metric "_max_us", getter, DELAY_MAX, 3 }

static uint64_t counter_at(const struct thread_counters *c, size_t offset)
{
	uint64_t value;

	memcpy(&value, (const char *)c + offset, sizeof(value));
	return value;
}

/* A thread_counters field as a column, and one per blocking class for an
 * array field: PREFIX_accept, PREFIX_poll, ... */
#define COUNTER(name, getter, field) { name, getter, offsetof(struct thread_counters, field), 0 }
#define CLASS_COUNTER(class, id, prefix, getter, field) COUNTER(prefix "_" #class, getter, field[id]),
#define CLASS_COUNTERS(prefix, getter, field) FOR_EACH_CLASS(CLASS_COUNTER, prefix, getter, field)

/* --- workers.csv: one row per server process ----------------------------- */

struct worker_line {
	const struct run_record *r;
	const struct process_record *p;
	uint64_t worker_total;             /* all workers' connections */
};

static struct cell worker_counter(const void *row, size_t offset)
{
	const struct worker_line *w = row;

	return cell_u64(counter_at(&w->p->totals, offset));
}

static struct cell worker_index(const void *row, size_t arg)
{
	const struct worker_line *w = row;

	return w->p->role == ROLE_WORKER ? cell_u64(w->p->worker_index) : cell_empty();
}

static struct cell worker_pid(const void *row, size_t arg)
{
	return cell_i64(((const struct worker_line *)row)->p->pid);
}

static struct cell worker_role(const void *row, size_t arg)
{
	return cell_text(role_name(((const struct worker_line *)row)->p->role));
}

static struct cell worker_self_reported(const void *row, size_t arg)
{
	const struct process_record *p = ((const struct worker_line *)row)->p;

	/* it never reported (killed): unknown, not zero */
	return p->reported ? cell_u64(p->self_reported) : cell_empty();
}

static struct cell worker_poll_wakeups(const void *row, size_t arg)
{
	return cell_u64(process_poll_wakeups(((const struct worker_line *)row)->p));
}

static struct cell worker_listener_wasted(const void *row, size_t arg)
{
	return cell_u64(process_listener_wasted(((const struct worker_line *)row)->p));
}

static struct cell worker_share(const void *row, size_t arg)
{
	const struct worker_line *w = row;

	if (w->p->role != ROLE_WORKER)
		return cell_number(NAN);
	return cell_number(connection_share(process_connections(w->p), w->worker_total));
}

static struct cell worker_threads(const void *row, size_t arg)
{
	return cell_u64(((const struct worker_line *)row)->p->threads);
}

static struct cell worker_dispatch_delay(const void *row, size_t statistic)
{
	const struct worker_line *w = row;

	return delay_cell(histogram_set_find(&w->r->dispatch_delays, (uint32_t)w->p->pid), statistic);
}

static struct cell worker_accept_queue_delay(const void *row, size_t statistic)
{
	const struct worker_line *w = row;

	return delay_cell(histogram_set_find(&w->r->accept_queue_delays, (uint32_t)w->p->pid), statistic);
}

static struct cell worker_pool_jobs_reported(const void *row, size_t arg)
{
	const struct process_record *p = ((const struct worker_line *)row)->p;

	return p->pool_reported ? cell_u64(p->pool_jobs_reported) : cell_empty();
}

static struct cell worker_pool_utilisation(const void *row, size_t arg)
{
	const struct worker_line *w = row;

	return cell_number(process_pool_utilisation(w->r, w->p));
}

static struct cell worker_exited(const void *row, size_t arg)
{
	return cell_yes_no(((const struct worker_line *)row)->p->exited);
}

static struct cell worker_exit_status(const void *row, size_t arg)
{
	const struct process_record *p = ((const struct worker_line *)row)->p;

	return p->exited && p->wait_status >= 0 ? cell_i64(p->wait_status) : cell_empty();
}

static const struct csv_column worker_columns[] = {
	CSV_COLUMN("worker_index", worker_index),
	CSV_COLUMN("pid", worker_pid),
	CSV_COLUMN("role", worker_role),
	COUNTER("accepted", worker_counter, accepted),
	COUNTER("fds_received", worker_counter, fds_received),
	CSV_COLUMN("self_reported_accepted", worker_self_reported),
	COUNTER("accept_eagain", worker_counter, accept_eagain),
	COUNTER("accept_eagain_wasted", worker_counter, accept_eagain_wasted),
	CLASS_COUNTERS("wakeups", worker_counter, wakeups)
	COUNTER("listener_wakeups", worker_counter, listener_wakeups),
	CSV_COLUMN("poll_wakeups", worker_poll_wakeups),
	CSV_COLUMN("listener_wasted", worker_listener_wasted),
	CSV_NUMBER_COLUMN("share", worker_share, 6),
	CSV_COLUMN("threads", worker_threads),
	COUNTER("oncpu_ns", worker_counter, oncpu_ns),
	COUNTER("runq_wait_ns", worker_counter, runq_wait_ns),
	COUNTER("runq_waits", worker_counter, runq_waits),
	COUNTER("voluntary_switches", worker_counter, voluntary_switches),
	COUNTER("involuntary_switches", worker_counter, involuntary_switches),
	COUNTER("pipe_reads", worker_counter, reads[CLASS_PIPE_READ]),
	COUNTER("pipe_read_bytes", worker_counter, read_bytes[CLASS_PIPE_READ]),
	COUNTER("pipe_blocked_ns", worker_counter, blocked_ns[CLASS_PIPE_READ]),
	COUNTER("unix_recvs", worker_counter, reads[CLASS_UNIX_RECV]),
	COUNTER("unix_recv_bytes", worker_counter, read_bytes[CLASS_UNIX_RECV]),
	COUNTER("unix_blocked_ns", worker_counter, blocked_ns[CLASS_UNIX_RECV]),
	DELAY_COLUMNS("dispatch_delay", worker_dispatch_delay),
	DELAY_COLUMNS("accept_queue_delay", worker_accept_queue_delay),
	COUNTER("pool_jobs", worker_counter, jobs_run),
	CSV_COLUMN("pool_jobs_reported", worker_pool_jobs_reported),
	COUNTER("pool_busy_ns", worker_counter, job_busy_ns),
	CSV_NUMBER_COLUMN("pool_utilisation", worker_pool_utilisation, 6),
	CSV_COLUMN("exited", worker_exited),
	CSV_COLUMN("exit_status", worker_exit_status),
	COUNTER("fds_received_other", worker_counter, fds_received_other),
	COUNTER("dispatch_unmatched", worker_counter, dispatch_unmatched),
	COUNTER("accept_queue_unmatched", worker_counter, accept_queue_unmatched),
	COUNTER("pool_queue_unmatched", worker_counter, pool_queue_unmatched),
	COUNTER("listener_idle_ns", worker_counter, listener_idle_ns),
	COUNTER("listener_busy_ns", worker_counter, listener_busy_ns),
};

static void for_each_worker(const struct run_record *r, void (*each)(const void *row, void *ctx), void *ctx)
{
	struct worker_line line = { .r = r, .worker_total = worker_connections_total(r) };

	for (size_t i = 0; i < r->nprocs; i++) {
		line.p = &r->procs[i];
		each(&line, ctx);
	}
}

static void write_workers(struct csv_file *f, const struct run_record *r)
{
	csv_columns_header(f, worker_columns, ARRAY_SIZE(worker_columns));
	for_each_worker(r, csv_columns_row_each, &(struct csv_rows){ f, worker_columns, ARRAY_SIZE(worker_columns) });
}

/* --- threads.csv: one row per traced thread ------------------------------ */

struct thread_line {
	const struct run_record *r;
	const struct thread_stats *t;
	bool pool;                         /* a worker's pool thread */
	char comm[TASK_COMM_LEN + 1];
};

static struct cell thread_counter(const void *row, size_t offset)
{
	return cell_u64(counter_at(&((const struct thread_line *)row)->t->counters, offset));
}

static struct cell thread_tid(const void *row, size_t arg)
{
	return cell_u64(((const struct thread_line *)row)->t->tid);
}

static struct cell thread_pid(const void *row, size_t arg)
{
	return cell_u64(((const struct thread_line *)row)->t->tgid);
}

static struct cell thread_role_cell(const void *row, size_t arg)
{
	const struct thread_line *t = row;

	return cell_text(thread_role(t->r, t->t));
}

static struct cell thread_comm_cell(const void *row, size_t arg)
{
	return cell_text(((const struct thread_line *)row)->comm);
}

static struct cell thread_pool_index(const void *row, size_t arg)
{
	const struct thread_line *t = row;

	return t->pool && pool_index(t->t) >= 0 ? cell_i64(pool_index(t->t)) : cell_empty();
}

static struct cell thread_busy_share(const void *row, size_t arg)
{
	const struct thread_line *t = row;

	if (!t->pool)
		return cell_number(NAN);
	return cell_number(pool_utilisation(t->t->counters.job_busy_ns, 1, t->r->duration_s));
}

static struct cell thread_queue_wait(const void *row, size_t statistic)
{
	const struct thread_line *t = row;

	return delay_cell(thread_queue_waits(t->r, t->t->tid), statistic);
}

static const struct csv_column thread_columns[] = {
	CSV_COLUMN("tid", thread_tid),
	CSV_COLUMN("pid", thread_pid),
	CSV_COLUMN("role", thread_role_cell),
	CSV_COLUMN("comm", thread_comm_cell),
	COUNTER("accepted", thread_counter, accepted),
	COUNTER("accept_eagain", thread_counter, accept_eagain),
	COUNTER("accept_eagain_wasted", thread_counter, accept_eagain_wasted),
	COUNTER("fds_received", thread_counter, fds_received),
	CLASS_COUNTERS("wakeups", thread_counter, wakeups)
	COUNTER("listener_wakeups", thread_counter, listener_wakeups),
	CLASS_COUNTERS("wasted_wakeups", thread_counter, wasted_wakeups)
	CLASS_COUNTERS("reads", thread_counter, reads)
	CLASS_COUNTERS("read_bytes", thread_counter, read_bytes)
	CLASS_COUNTERS("blocked_ns", thread_counter, blocked_ns)
	COUNTER("oncpu_ns", thread_counter, oncpu_ns),
	COUNTER("runq_wait_ns", thread_counter, runq_wait_ns),
	COUNTER("runq_waits", thread_counter, runq_waits),
	COUNTER("voluntary_switches", thread_counter, voluntary_switches),
	COUNTER("involuntary_switches", thread_counter, involuntary_switches),
	CSV_COLUMN("pool_index", thread_pool_index),
	COUNTER("jobs_run", thread_counter, jobs_run),
	COUNTER("job_busy_ns", thread_counter, job_busy_ns),
	CSV_NUMBER_COLUMN("busy_share", thread_busy_share, 6),
	DELAY_COLUMNS("queue_wait", thread_queue_wait),
	COUNTER("fds_received_other", thread_counter, fds_received_other),
	COUNTER("dispatch_unmatched", thread_counter, dispatch_unmatched),
	COUNTER("accept_queue_unmatched", thread_counter, accept_queue_unmatched),
	COUNTER("pool_queue_unmatched", thread_counter, pool_queue_unmatched),
	COUNTER("jobs_fs", thread_counter, libuv_jobs[LIBUV_FS]),
	COUNTER("jobs_work", thread_counter, libuv_jobs[LIBUV_WORK]),
	COUNTER("jobs_dns", thread_counter, libuv_jobs[LIBUV_DNS]),
	COUNTER("jobs_random", thread_counter, libuv_jobs[LIBUV_RANDOM]),
	COUNTER("jobs_whole_run", thread_counter, libuv_jobs_whole_run),
};

static void write_threads(struct csv_file *f, const struct run_record *r)
{
	struct thread_line line = { .r = r };

	csv_columns_header(f, thread_columns, ARRAY_SIZE(thread_columns));
	for (size_t i = 0; i < r->nthreads; i++) {
		line.t = &r->threads[i];
		line.pool = is_pool_thread(r, line.t);
		thread_comm(line.t, line.comm);
		csv_columns_row(f, thread_columns, ARRAY_SIZE(thread_columns), &line);
	}
}

/* --- timeline.csv: per interval per worker ------------------------------- */

static struct cell timeline_worker_index(const void *row, size_t arg)
{
	return cell_u64(((const struct timeline_sample *)row)->worker_index);
}

static struct cell timeline_pid(const void *row, size_t arg)
{
	return cell_i64(((const struct timeline_sample *)row)->pid);
}

#define TIMELINE_U64(name) { #name, field_u64, offsetof(struct timeline_sample, name), 0 }

static const struct csv_column timeline_columns[] = {
	TIMELINE_U64(start_ms),
	TIMELINE_U64(end_ms),
	CSV_COLUMN("worker_index", timeline_worker_index),
	CSV_COLUMN("pid", timeline_pid),
	TIMELINE_U64(connections),
	TIMELINE_U64(listener_wakeups),
	TIMELINE_U64(poll_wakeups),
	TIMELINE_U64(listener_wasted),
};

static void write_timeline(struct csv_file *f, const struct run_record *r)
{
	csv_columns_header(f, timeline_columns, ARRAY_SIZE(timeline_columns));
	for (size_t i = 0; i < r->ntimeline; i++)
		csv_columns_row(f, timeline_columns, ARRAY_SIZE(timeline_columns), &r->timeline[i]);
}

/* --- latency.csv: histogram buckets -------------------------------------- */

struct latency_line {
	const char *metric;
	int64_t pid;                       /* 0: none (a run-wide row) */
	uint64_t lower_ns, upper_ns, count;
};

static struct cell latency_pid(const void *row, size_t arg)
{
	const struct latency_line *b = row;

	return b->pid ? cell_i64(b->pid) : cell_empty();
}

#define LATENCY_U64(name) { #name, field_u64, offsetof(struct latency_line, name), 0 }

static const struct csv_column latency_columns[] = {
	{ "metric", field_text, offsetof(struct latency_line, metric), 0 },
	CSV_COLUMN("pid", latency_pid),
	LATENCY_U64(lower_ns),
	LATENCY_U64(upper_ns),
	LATENCY_U64(count),
};

/* H's non-empty buckets, one row each. */
static void write_histogram(struct csv_file *f, const char *metric, pid_t pid, const struct histogram *h)
{
	for (size_t i = 0; h && i < HIST_BUCKETS; i++) {
		struct latency_line line = { metric, pid, hist_bucket_lower(i), hist_bucket_upper(i), h->counts[i] };

		if (line.count)
			csv_columns_row(f, latency_columns, ARRAY_SIZE(latency_columns), &line);
	}
}

/* METRIC's run-wide rows (empty pid), then a set of rows per pid (per pool
 * thread: the pid column holds its tid), every pid that sent a sample. */
static void write_metric(struct csv_file *f, const char *metric, const struct histogram *all,
			 const struct histogram_set *by_id)
{
	write_histogram(f, metric, 0, all);
	for (size_t i = 0; i < by_id->n; i++)
		write_histogram(f, metric, (pid_t)by_id->items[i].id, histogram_set_at(by_id, i));
}

/* SLOTS (the tracer's runq_wait_log2) as runq_wait rows of PID (0: run-wide). */
static void write_runq_slots(struct csv_file *f, pid_t pid, const __u64 *slots)
{
	for (size_t k = 0; k < RUNQ_WAIT_SLOTS; k++) {
		struct latency_line line = {
			"runq_wait", pid, k ? 1ull << k : 0,
			k + 1 < RUNQ_WAIT_SLOTS ? (2ull << k) - 1 : UINT64_MAX, slots[k],
		};

		if (line.count)
			csv_columns_row(f, latency_columns, ARRAY_SIZE(latency_columns), &line);
	}
}

/* runq_wait: the run-wide sum, then each process's run-queue waits (all its
 * threads), in power-of-two buckets; the counts are workers.csv's runq_waits. */
static void write_runq_waits(struct csv_file *f, const struct run_record *r)
{
	__u64 all[RUNQ_WAIT_SLOTS] = { 0 };

	for (size_t i = 0; i < r->nprocs; i++)
		for (size_t k = 0; k < RUNQ_WAIT_SLOTS; k++)
			all[k] += r->procs[i].totals.runq_wait_log2[k];
	write_runq_slots(f, 0, all);
	for (size_t i = 0; i < r->nprocs; i++)
		write_runq_slots(f, r->procs[i].pid, r->procs[i].totals.runq_wait_log2);
}

static void write_latency(struct csv_file *f, const struct run_record *r)
{
	csv_columns_header(f, latency_columns, ARRAY_SIZE(latency_columns));
	write_histogram(f, "client_latency", 0, &r->load->latency_ns);
	write_metric(f, "dispatch_delay", &r->dispatch_delay_ns, &r->dispatch_delays);
	write_metric(f, "accept_queue_delay", &r->accept_queue_delay_ns, &r->accept_queue_delays);
	write_metric(f, "pool_queue_wait", &r->queue_wait_ns, &r->queue_waits);
	write_runq_waits(f, r);
}

/* --- events.csv: every ring-buffer record, with --events ----------------- */

static const char *const event_names[] = {
	[EVENT_DISPATCH_DELAY] = "dispatch_delay", [EVENT_WAKEUP] = "wakeup",
	[EVENT_WASTED_WAKEUP] = "wasted_wakeup", [EVENT_ACCEPT] = "accept",
	[EVENT_ACCEPT_EAGAIN] = "accept_eagain", [EVENT_FDS_RECEIVED] = "fds_received",
	[EVENT_ACCEPT_QUEUE_DELAY] = "accept_queue_delay", [EVENT_POOL_QUEUE_WAIT] = "pool_queue_wait",
};

struct event_line {
	const struct event *e;
	uint64_t load_start_ns;
};

static struct cell event_time(const void *row, size_t arg)
{
	const struct event_line *l = row;

	return cell_i64((int64_t)(l->e->ts_ns - l->load_start_ns));
}

static struct cell event_type(const void *row, size_t arg)
{
	uint32_t type = ((const struct event_line *)row)->e->type;

	return cell_text(type < ARRAY_SIZE(event_names) && event_names[type] ? event_names[type] : "unknown");
}

static struct cell event_pid(const void *row, size_t arg)
{
	return cell_u64(((const struct event_line *)row)->e->tgid);
}

static struct cell event_tid(const void *row, size_t arg)
{
	return cell_u64(((const struct event_line *)row)->e->tid);
}

static struct cell event_class(const void *row, size_t arg)
{
	return cell_text(class_name(((const struct event_line *)row)->e->blocked_class));
}

static struct cell event_value(const void *row, size_t arg)
{
	return cell_u64(((const struct event_line *)row)->e->value);
}

static const struct csv_column event_columns[] = {
	CSV_COLUMN("time_ns", event_time),
	CSV_COLUMN("type", event_type),
	CSV_COLUMN("pid", event_pid),
	CSV_COLUMN("tid", event_tid),
	CSV_COLUMN("blocked_class", event_class),
	CSV_COLUMN("value", event_value),
};

/* The longest row: every field at its widest (a signed 64-bit time, the
 * longest type name, two 32-bit ids, a class name, a 64-bit value). */
#define EVENT_ROW_MAX_BYTES 100
/* Room kept free for the files written at the end (threads.csv and
 * latency.csv grow with the threads and the histograms' buckets). */
#define EVENTS_DISK_RESERVE (16ull << 20)

/* The rows the disk under DIR has room for, leaving the reserve; UINT64_MAX
 * when statvfs cannot tell. */
static uint64_t events_disk_room(const char *dir)
{
	struct statvfs fs;
	uint64_t free_bytes;

	if (statvfs(dir, &fs)) {
		debug_msg("statvfs %s: %s; events.csv only capped by --events-max", dir, strerror(errno));
		return UINT64_MAX;
	}
	free_bytes = (uint64_t)fs.f_bavail * fs.f_frsize;
	return free_bytes > EVENTS_DISK_RESERVE ? (free_bytes - EVENTS_DISK_RESERVE) / EVENT_ROW_MAX_BYTES : 0;
}

int open_events_csv(struct run_record *r, struct error_message *err)
{
	uint64_t room = events_disk_room(r->dir);

	r->events_row_limit = r->opts->events_max ? r->opts->events_max : UINT64_MAX;
	if (room < r->events_row_limit)
		r->events_row_limit = room;
	r->events_csv = csv_open(r->dir, "events.csv", err);
	if (!r->events_csv)
		return -1;
	csv_columns_header(r->events_csv, event_columns, ARRAY_SIZE(event_columns));
	return 0;
}

void write_event(struct run_record *r, const struct event *e)
{
	struct event_line line = { e, r->load_start_ns };

	if (r->events_written < r->events_row_limit) {
		csv_columns_row(r->events_csv, event_columns, ARRAY_SIZE(event_columns), &line);
		r->events_written++;
		return;
	}
	if (r->events_capped++)
		return;
	/* said once (on a line of its own, not after the progress line); the
	 * count of rows not written goes to meta.csv */
	end_progress();
	if (r->opts->events_max && r->events_row_limit == r->opts->events_max)
		error_msg("events.csv stops at --events-max %llu rows; the measurement goes on (meta.csv "
			  "events_capped counts the rest)", (unsigned long long)r->events_row_limit);
	else
		error_msg("events.csv stops at %llu rows: the disk under %s has room for no more (%llu MiB kept "
			  "free for the other files); the measurement goes on (meta.csv events_capped counts the rest)",
			  (unsigned long long)r->events_row_limit, r->dir, EVENTS_DISK_RESERVE >> 20);
}

/* --- the folder ----------------------------------------------------------- */

const struct run_file workers_csv = { "workers.csv", RUN_FILE_TABLE(worker_columns), write_workers, for_each_worker };
const struct run_file threads_csv = { "threads.csv", RUN_FILE_TABLE(thread_columns), write_threads, NULL };
const struct run_file timeline_csv = { "timeline.csv", RUN_FILE_TABLE(timeline_columns), write_timeline, NULL };
const struct run_file latency_csv = { "latency.csv", RUN_FILE_TABLE(latency_columns), write_latency, NULL };
const struct run_file events_csv = { "events.csv", RUN_FILE_TABLE(event_columns), NULL, NULL };

/* In the order they are written: meta.csv last, so a folder with a
 * meta.csv is complete; events.csv is written while the run lasts. */
static const struct run_file *const run_files[] = {
	&workers_csv, &threads_csv, &timeline_csv, &latency_csv, &summary_csv, &meta_csv, &events_csv,
};

const struct run_file *run_file_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(run_files); i++)
		if (!strcmp(run_files[i]->name, name))
			return run_files[i];
	return NULL;
}

void remove_run_files(const char *dir)
{
	char path[PATH_MAX + 32];

	for (size_t i = 0; i < ARRAY_SIZE(run_files); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, run_files[i]->name);
		if (unlink(path) && errno != ENOENT)
			debug_msg("cannot remove %s: %s", path, strerror(errno));
	}
}

int write_run_files(struct run_record *r, struct error_message *err)
{
	char old_meta[PATH_MAX + 16];
	size_t i;
	int ret;

	/* --force over an earlier run: until the new meta.csv is in place the
	 * folder must not look complete (a write may still fail half way) */
	snprintf(old_meta, sizeof(old_meta), "%s/meta.csv", r->dir);
	if (unlink(old_meta) && errno != ENOENT) {
		error_message_set(err, "cannot replace %s: %s", old_meta, strerror(errno));
		return -1;
	}

	if (r->events_csv) {
		ret = csv_commit(r->events_csv, err);
		r->events_csv = NULL;
		if (ret)
			return -1;
	}
	for (i = 0; i < ARRAY_SIZE(run_files); i++) {
		struct csv_file *f;

		if (!run_files[i]->write)
			continue;
		f = csv_open(r->dir, run_files[i]->name, err);
		if (!f)
			return -1;
		run_files[i]->write(f, r);
		if (csv_commit(f, err))
			return -1;
		if (i == 1)
			test_pause("writing");
	}
	return 0;
}
