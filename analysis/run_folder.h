/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* A run folder read back (docs/CSV.md): meta.csv checked for a schema version
 * this testbed knows (1 to 3), the other files parsed into typed rows. Columns
 * are found by name, so added columns are harmless; the columns report and
 * compare need are required, later additions (accept_queue_delay_*, pool_*)
 * are optional and read as NAN or 0 when a run predates them. A column
 * renamed by a schema change lands in the same field whatever the folder's
 * version (schema 2's listener_wasted, schema 1's wasted_wakeups: the field
 * wasted_wakeups). */
#ifndef TESTBED_RUN_FOLDER_H
#define TESTBED_RUN_FOLDER_H

#include <stddef.h>
#include <stdint.h>
#include "csv_read.h"

/* The summary.csv row. Numbers are NAN where the field is empty (undefined)
 * or the column absent. */
struct summary_row {
	const char *scenario, *policy, *kernel, *interrupted;
	double workers, connections_completed, duration_s, throughput_cps;
	double jain_index, cov, max_share, herd_factor, wasted_wakeup_ratio;
	double latency_p50_us, latency_p99_us, latency_p999_us, latency_max_us;
	double event_drops, accepted, fds_received;
	double listener_wakeups; /* the ones a listener caused; NAN before schema 3 */
	double poll_wakeups;     /* accept- and poll-class (schemas 1-2: listener_wakeups) */
	double wasted_wakeups;  /* listener_wasted (schema 1: wasted_wakeups) */
	double dispatch_delay_p50_us, dispatch_delay_p99_us, dispatch_delay_max_us;
	double accept_queue_delay_p50_us, accept_queue_delay_p99_us, accept_queue_delay_max_us;
	double connections_refused, connections_reset, connections_timed_out, connection_errors;
	double connections_lost, worker_restarts;
	double pool_threads, pool_jobs, pool_utilisation;
	double pool_queue_wait_p50_us, pool_queue_wait_p99_us, pool_queue_wait_max_us;
	double pool_futex_wakeups, pool_wasted_futex_wakeups;
};

/* A workers.csv row: one server process. */
struct worker_row {
	int64_t worker_index;   /* -1 for the master */
	uint64_t pid;
	const char *role;       /* "master", "worker" */
	uint64_t accepted, fds_received, accept_eagain;
	uint64_t wakeups_accept, wakeups_poll;
	double listener_wakeups; /* the ones a listener caused; NAN before schema 3 */
	/* listener_wasted (schema 1: wasted_wakeups): accept- and poll-class
	 * wakeups that found nothing plus empty accepts; can exceed the wakeups */
	uint64_t wasted_wakeups;
	uint64_t oncpu_ns, runq_wait_ns;
	double share;
};

/* A threads.csv row. */
struct thread_row {
	uint64_t tid, pid;
	const char *role;       /* "master", "worker", "other"; later "pool" */
	const char *comm;
	uint64_t oncpu_ns;
	/* pool threads (--threads); NAN or 0 for other threads and older runs */
	uint64_t jobs_run;
	double job_busy_ns;     /* wall-clock time in jobs */
	double busy_share;      /* job_busy_ns / the load window */
	double queue_wait_p50_us, queue_wait_p99_us;
};

/* A timeline.csv row: one worker in one interval. */
struct timeline_row {
	uint64_t start_ms, end_ms;
	int64_t worker_index;
	uint64_t pid, connections;
	double listener_wakeups; /* the ones a listener caused; NAN before schema 3 */
	uint64_t poll_wakeups;   /* accept- and poll-class (schemas 1-2: listener_wakeups) */
	uint64_t wasted_wakeups; /* listener_wasted (schema 1: wasted_wakeups) */
};

/* A latency.csv row: one histogram bucket. */
struct latency_row {
	const char *metric;     /* client_latency, dispatch_delay, accept_queue_delay, ... */
	int64_t pid;            /* -1 when empty (client_latency) */
	uint64_t lower_ns, upper_ns, count;
};

/* The settings that change a run's numbers: runs are ranked against each
 * other only when these agree (compare.c). Read from summary.csv, or from a
 * folder that predates those columns, meta.csv's key of the same meaning;
 * timings from kernel.csv beside the folder (testbed kernels: real,
 * virtualised or emulated), else real. */
enum run_setting {
	SETTING_WORKERS, SETTING_CONNECTIONS, SETTING_KEEPALIVE, SETTING_RATE_CPS, SETTING_ARRIVALS,
	SETTING_REQUESTS, SETTING_REQUESTED_DURATION_S, SETTING_THREADS, SETTING_WORK, SETTING_POOL_WAKE,
	SETTING_POOL_NOTIFY, SETTING_BACKLOG, SETTING_TIMEOUT_MS, SETTING_LOADGEN_THREADS,
	SETTING_KILL_WORKER_AFTER_S, SETTING_MIGRATE, SETTING_TRACER, SETTING_NPROC, SETTING_TIMINGS,
	SETTING_COUNT,
};
/* Each setting's name: its summary.csv column (timings: kernel.csv's key). */
extern const char *const run_setting_names[SETTING_COUNT];

struct run_folder {
	char *dir;
	unsigned schema_version;   /* meta.csv's: 1 or 2 */
	struct csv_table *meta, *summary, *workers, *threads, *timeline, *latency;
	struct summary_row summary_row;
	const char *settings[SETTING_COUNT]; /* as written; "" where unknown */
	const char *run_id;                  /* summary.csv's; "" before it had one */
	struct csv_table *kernel;            /* kernel.csv beside the folder, or NULL */
	struct worker_row *worker_rows;
	size_t nworker_rows;
	struct thread_row *thread_rows;
	size_t nthread_rows;
	struct timeline_row *timeline_rows;
	size_t ntimeline_rows;
	struct latency_row *latency_rows;
	size_t nlatency_rows;
};

enum run_folder_part {
	RUN_FOLDER_SUMMARY,     /* meta.csv and summary.csv: enough for compare */
	RUN_FOLDER_ALL,         /* and workers, threads, timeline, latency: report */
};

/* 0, or -1 with ERR naming the file and line. Free with run_folder_free(). */
int run_folder_load(const char *dir, enum run_folder_part part, struct run_folder **out,
		    struct error_message *err);
void run_folder_free(struct run_folder *r);
/* meta.csv's value for KEY, or NULL. */
const char *run_folder_meta(const struct run_folder *r, const char *key);

/* One metric's buckets from latency.csv, merged over the chosen processes
 * and sorted by upper bound. */
struct bucket {
	uint64_t lower_ns, upper_ns, count;
};
struct bucket_list {
	struct bucket *buckets;
	size_t n;
	uint64_t total;         /* values in all buckets */
};

/* PID -1: the whole run (its run-wide rows, or in older folders every
 * process's merged). 0, or -1 when out of memory. Free with free(out->buckets). */
int latency_buckets(const struct run_folder *r, const char *metric, int64_t pid,
		    struct bucket_list *out);
/* Percentile PCT (0..100] in us like hist_percentile(): the upper bound of
 * the bucket holding the ceil(PCT/100 * total)-th smallest value; NAN when
 * empty. */
double bucket_percentile_us(const struct bucket_list *b, double pct);

#endif
