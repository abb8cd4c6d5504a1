// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The run folder's per-run files: summary.csv (one row: the run's figures)
 * and meta.csv (key,value: the run's parameters and machine), each from one
 * table naming every column once. The figures come from record.c and
 * analysis/metrics.c; the folder and the per-process files are
 * run_files.c's. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include "common.h"
#include "cpus.h"
#include "metrics.h"
#include "run_files.h"
#include "test_hooks.h"
#include "wake_order_record.h"

/* --- summary.csv: one row per run ---------------------------------------- */

/* The row, a field per column: the table below names each field once. */
struct summary_line {
	const char *scenario, *policy, *kernel;
	uint64_t workers, connections_completed;
	double duration_s, throughput_cps, jain_index, cov, max_share, herd_factor, wasted_wakeup_ratio;
	double latency_p50_us, latency_p99_us, latency_p999_us, latency_max_us;
	uint64_t event_drops, accepted, fds_received, listener_wakeups, poll_wakeups, listener_wasted;
	uint64_t pipe_reads, pipe_read_bytes, unix_recvs;
	double dispatch_delay_p50_us, dispatch_delay_p99_us, dispatch_delay_max_us;
	double accept_queue_delay_p50_us, accept_queue_delay_p99_us, accept_queue_delay_max_us;
	uint64_t pool_threads, pool_jobs;
	double pool_utilisation;
	double pool_queue_wait_p50_us, pool_queue_wait_p99_us, pool_queue_wait_max_us;
	uint64_t pool_futex_wakeups, pool_wasted_futex_wakeups;
	uint64_t connections_refused, connections_reset, connections_timed_out, connection_errors;
	uint64_t connections_not_started, connections_lost, worker_restarts;
	double restart_ms;
	const char *migrate, *interrupted;
	uint64_t fds_received_other, dispatch_unmatched, accept_queue_unmatched, pool_queue_unmatched;
	double kernel_counters[KC_COUNT];  /* NAN: this kernel lacks the counter */
	/* the settings that change the numbers: compare ranks only runs that agree */
	uint64_t connections;
	const char *keepalive;
	double rate_cps;
	const char *arrivals;
	uint64_t requests, threads;
	const char *work, *pool_wake, *pool_notify;
	double requested_duration_s;
	uint64_t backlog, timeout_ms, loadgen_threads;
	double kill_worker_after_s;
	const char *tracer;
	uint64_t nproc;
	const char *run_id;
	char work_text[64];                /* storage for work */
	const char *wake_order;            /* wake order (user/wake_order_record.c) */
	double wake_order_share;
	uint64_t wake_sole, wake_fifo, wake_lifo, wake_fixed, wake_rotation, wake_queued, wake_unranked;
	uint64_t wake_rank[WAKE_RANKS];
};

/* "cpu:200", "sleep:20000@0.1": the requests' work; NULL without a pool or a mix. */
static const char *work_text(const struct run_options *o, char *out, size_t size)
{
	if (!o->threads && !o->work_fraction)
		return NULL;
	snprintf(out, size, "%s:%llu", work_kind_name(o->work_kind), (unsigned long long)o->work_amount);
	if (o->work_fraction)   /* --work ...@F: the share of requests that get it */
		snprintf(out + strlen(out), size - strlen(out), "@%g", o->work_fraction);
	return out;
}

static const char *arrivals_name(const struct run_options *o)
{
	if (!o->rate_cps)
		return "closed-loop";
	return o->arrivals == ARRIVALS_UNIFORM ? "uniform" : "poisson";
}

/* meta.csv's and summary.csv's tracer column (docs/CSV.md) */
static const char *tracer_mode(const struct run_options *o)
{
	if (o->no_trace)
		return "off";
	return bench_hooks_only() ? "hooks-only" : "on";
}

static void run_settings_of(const struct run_record *r, struct summary_line *line)
{
	const struct run_options *o = r->opts;

	line->connections = o->connections;
	line->keepalive = o->keepalive ? "yes" : "no";
	line->rate_cps = o->rate_cps;
	line->arrivals = arrivals_name(o);
	line->requests = o->requests;
	line->threads = o->threads;
	line->work = work_text(o, line->work_text, sizeof(line->work_text));
	line->pool_wake = o->threads ? pool_wake_name(o->pool_wake) : NULL;
	line->pool_notify = o->threads ? pool_notify_name(o->pool_notify) : NULL;
	line->requested_duration_s = o->duration_s;
	line->backlog = o->backlog;
	line->timeout_ms = o->timeout_ms;
	line->loadgen_threads = o->loadgen_threads;
	line->kill_worker_after_s = o->kill_worker_after_s;
	line->tracer = tracer_mode(o);
	line->nproc = (uint64_t)sysconf(_SC_NPROCESSORS_ONLN);
	line->run_id = r->run_id;
}


/* The wake-order columns: the inferred policy and the counts behind it. */
static void wake_line_of(const struct run_record *r, struct summary_line *line)
{
	struct wake_counts c = record_wake_counts(r);
	struct wake_verdict v = wake_order_infer(&c);

	line->wake_order = wake_order_name(v.order);
	line->wake_order_share = v.share;
	line->wake_sole = c.sole;
	line->wake_fifo = c.fifo;
	line->wake_lifo = c.lifo;
	line->wake_fixed = c.fixed;
	line->wake_rotation = c.rotation;
	line->wake_queued = c.queued;
	line->wake_unranked = c.unranked;
	for (size_t k = 0; k < WAKE_RANKS; k++)
		line->wake_rank[k] = c.rank[k];
}

static void summary_line_of(const struct run_record *r, struct summary_line *out)
{
	const struct run_summary *s = &r->summary;
	const struct loadgen_result *l = r->load;
	struct pool_totals pool = record_pool_totals(r);
	struct thread_counters all;
	struct summary_line line;

	record_totals(r, &all);
	line = (struct summary_line){
		.scenario = r->scenario_name,
		.policy = policy_name(r->opts->policy),
		.kernel = r->kernel_release,
		.workers = r->opts->workers,
		.connections_completed = l->completed,
		.duration_s = r->duration_s,
		.throughput_cps = s->throughput_cps,
		.jain_index = s->jain_index,
		.cov = s->cov,
		.max_share = s->max_share,
		.herd_factor = s->herd_factor,
		.wasted_wakeup_ratio = s->wasted_wakeup_ratio,
		.latency_p50_us = s->latency_p50_us,
		.latency_p99_us = s->latency_p99_us,
		.latency_p999_us = s->latency_p999_us,
		.latency_max_us = s->latency_max_us,
		.event_drops = r->event_drops,
		.accepted = s->accepted,
		.fds_received = all.fds_received,
		.listener_wakeups = s->listener_wakeups,
		.poll_wakeups = s->poll_wakeups,
		.listener_wasted = s->listener_wasted,
		.pipe_reads = all.reads[CLASS_PIPE_READ],
		.pipe_read_bytes = all.read_bytes[CLASS_PIPE_READ],
		.unix_recvs = all.reads[CLASS_UNIX_RECV],
		.dispatch_delay_p50_us = histogram_percentile_us(&r->dispatch_delay_ns, 50),
		.dispatch_delay_p99_us = histogram_percentile_us(&r->dispatch_delay_ns, 99),
		.dispatch_delay_max_us = histogram_max_us(&r->dispatch_delay_ns),
		.accept_queue_delay_p50_us = histogram_percentile_us(&r->accept_queue_delay_ns, 50),
		.accept_queue_delay_p99_us = histogram_percentile_us(&r->accept_queue_delay_ns, 99),
		.accept_queue_delay_max_us = histogram_max_us(&r->accept_queue_delay_ns),
		.pool_threads = r->opts->threads ? r->opts->threads : pool.threads, /* trace: libuv's */
		.pool_jobs = pool.jobs,
		.pool_utilisation = pool_utilisation(pool.busy_ns, pool.threads, r->duration_s),
		.pool_queue_wait_p50_us = histogram_percentile_us(&r->queue_wait_ns, 50),
		.pool_queue_wait_p99_us = histogram_percentile_us(&r->queue_wait_ns, 99),
		.pool_queue_wait_max_us = histogram_max_us(&r->queue_wait_ns),
		.pool_futex_wakeups = pool.futex_wakeups,
		.pool_wasted_futex_wakeups = pool.wasted_futex_wakeups,
		.connections_refused = l->refused,
		.connections_reset = l->reset,
		.connections_timed_out = l->timed_out,
		.connection_errors = l->other_errors,
		.connections_not_started = l->not_started,
		.connections_lost = record_connections_lost(r),
		.worker_restarts = record_worker_restarts(r),
		.restart_ms = r->restart_ms,
		.migrate = r->opts->migrate ? "yes" : "no",
		.interrupted = r->interrupted ? "yes" : "no",
		.fds_received_other = all.fds_received_other,
		.dispatch_unmatched = record_dispatch_unmatched(r),
		.accept_queue_unmatched = record_accept_queue_unmatched(r),
		.pool_queue_unmatched = record_pool_queue_unmatched(r),
	};
	for (size_t k = 0; k < KC_COUNT; k++)
		line.kernel_counters[k] = r->kernel.present[k] ? (double)r->kernel.value[k] : NAN;
	*out = line;
	run_settings_of(r, out);
	wake_line_of(r, out);
}

#define SUMMARY_TEXT(name) { #name, field_text, offsetof(struct summary_line, name), 0 }
#define SUMMARY_U64(name) { #name, field_u64, offsetof(struct summary_line, name), 0 }
#define SUMMARY_NUMBER(name, decimals) { #name, field_number, offsetof(struct summary_line, name), decimals }

static const struct csv_column summary_columns[] = {
	SUMMARY_TEXT(scenario),
	SUMMARY_TEXT(policy),
	SUMMARY_TEXT(kernel),
	SUMMARY_U64(workers),
	SUMMARY_U64(connections_completed),
	SUMMARY_NUMBER(duration_s, 3),
	SUMMARY_NUMBER(throughput_cps, 1),
	SUMMARY_NUMBER(jain_index, 6),
	SUMMARY_NUMBER(cov, 6),
	SUMMARY_NUMBER(max_share, 6),
	SUMMARY_NUMBER(herd_factor, 6),
	SUMMARY_NUMBER(wasted_wakeup_ratio, 6),
	SUMMARY_NUMBER(latency_p50_us, 3),
	SUMMARY_NUMBER(latency_p99_us, 3),
	SUMMARY_NUMBER(latency_p999_us, 3),
	SUMMARY_NUMBER(latency_max_us, 3),
	SUMMARY_U64(event_drops),
	SUMMARY_U64(accepted),
	SUMMARY_U64(fds_received),
	SUMMARY_U64(listener_wakeups),
	SUMMARY_U64(poll_wakeups),
	SUMMARY_U64(listener_wasted),
	SUMMARY_U64(pipe_reads),
	SUMMARY_U64(pipe_read_bytes),
	SUMMARY_U64(unix_recvs),
	SUMMARY_NUMBER(dispatch_delay_p50_us, 3),
	SUMMARY_NUMBER(dispatch_delay_p99_us, 3),
	SUMMARY_NUMBER(dispatch_delay_max_us, 3),
	SUMMARY_NUMBER(accept_queue_delay_p50_us, 3),
	SUMMARY_NUMBER(accept_queue_delay_p99_us, 3),
	SUMMARY_NUMBER(accept_queue_delay_max_us, 3),
	SUMMARY_U64(pool_threads),
	SUMMARY_U64(pool_jobs),
	SUMMARY_NUMBER(pool_utilisation, 6),
	SUMMARY_NUMBER(pool_queue_wait_p50_us, 3),
	SUMMARY_NUMBER(pool_queue_wait_p99_us, 3),
	SUMMARY_NUMBER(pool_queue_wait_max_us, 3),
	SUMMARY_U64(pool_futex_wakeups),
	SUMMARY_U64(pool_wasted_futex_wakeups),
	SUMMARY_U64(connections_refused),
	SUMMARY_U64(connections_reset),
	SUMMARY_U64(connections_timed_out),
	SUMMARY_U64(connection_errors),
	SUMMARY_U64(connections_not_started),
	SUMMARY_U64(connections_lost),
	SUMMARY_U64(worker_restarts),
	SUMMARY_NUMBER(restart_ms, 3),
	SUMMARY_TEXT(migrate),
	SUMMARY_TEXT(interrupted),
	SUMMARY_U64(fds_received_other),
	SUMMARY_U64(dispatch_unmatched),
	SUMMARY_U64(accept_queue_unmatched),
	SUMMARY_U64(pool_queue_unmatched),
	/* the kernel's own counters (kernel_counters.h), in enum order */
	{ "kernel_listen_overflows", field_number, offsetof(struct summary_line, kernel_counters) + KC_LISTEN_OVERFLOWS * sizeof(double), 0 },
	{ "kernel_listen_drops", field_number, offsetof(struct summary_line, kernel_counters) + KC_LISTEN_DROPS * sizeof(double), 0 },
	{ "kernel_req_qfull_drops", field_number, offsetof(struct summary_line, kernel_counters) + KC_REQ_QFULL_DROPS * sizeof(double), 0 },
	{ "kernel_backlog_drops", field_number, offsetof(struct summary_line, kernel_counters) + KC_BACKLOG_DROPS * sizeof(double), 0 },
	{ "kernel_migrate_req_success", field_number, offsetof(struct summary_line, kernel_counters) + KC_MIGRATE_REQ_SUCCESS * sizeof(double), 0 },
	{ "kernel_migrate_req_failure", field_number, offsetof(struct summary_line, kernel_counters) + KC_MIGRATE_REQ_FAILURE * sizeof(double), 0 },
	{ "kernel_passive_opens", field_number, offsetof(struct summary_line, kernel_counters) + KC_PASSIVE_OPENS * sizeof(double), 0 },
	/* the run's settings (docs/CSV.md): what compare checks before ranking */
	SUMMARY_U64(connections),
	SUMMARY_TEXT(keepalive),
	SUMMARY_NUMBER(rate_cps, 3),
	SUMMARY_TEXT(arrivals),
	SUMMARY_U64(requests),
	SUMMARY_U64(threads),
	SUMMARY_TEXT(work),
	SUMMARY_TEXT(pool_wake),
	SUMMARY_TEXT(pool_notify),
	SUMMARY_NUMBER(requested_duration_s, 3),
	SUMMARY_U64(backlog),
	SUMMARY_U64(timeout_ms),
	SUMMARY_U64(loadgen_threads),
	SUMMARY_NUMBER(kill_worker_after_s, 3),
	SUMMARY_TEXT(tracer),
	SUMMARY_U64(nproc),
	SUMMARY_TEXT(run_id),
	SUMMARY_TEXT(wake_order),
	SUMMARY_NUMBER(wake_order_share, 6),
	SUMMARY_U64(wake_sole),
	SUMMARY_U64(wake_fifo),
	SUMMARY_U64(wake_lifo),
	SUMMARY_U64(wake_fixed),
	SUMMARY_U64(wake_rotation),
	SUMMARY_U64(wake_queued),
	SUMMARY_U64(wake_unranked),
	/* the winner's rank among several idle workers, 0 = the longest idle (WAKE_RANKS) */
	{ "wake_rank_0", field_u64, offsetof(struct summary_line, wake_rank) + 0 * sizeof(uint64_t), 0 },
	{ "wake_rank_1", field_u64, offsetof(struct summary_line, wake_rank) + 1 * sizeof(uint64_t), 0 },
	{ "wake_rank_2", field_u64, offsetof(struct summary_line, wake_rank) + 2 * sizeof(uint64_t), 0 },
	{ "wake_rank_3", field_u64, offsetof(struct summary_line, wake_rank) + 3 * sizeof(uint64_t), 0 },
	{ "wake_rank_4", field_u64, offsetof(struct summary_line, wake_rank) + 4 * sizeof(uint64_t), 0 },
	{ "wake_rank_5", field_u64, offsetof(struct summary_line, wake_rank) + 5 * sizeof(uint64_t), 0 },
	{ "wake_rank_6", field_u64, offsetof(struct summary_line, wake_rank) + 6 * sizeof(uint64_t), 0 },
	{ "wake_rank_7", field_u64, offsetof(struct summary_line, wake_rank) + 7 * sizeof(uint64_t), 0 },
};
_Static_assert(WAKE_RANKS == 8, "summary.csv: one wake_rank_N column per rank bucket");

/* The one row. */
static void for_each_summary(const struct run_record *r, void (*each)(const void *row, void *ctx), void *ctx)
{
	struct summary_line line;

	summary_line_of(r, &line);
	each(&line, ctx);
}

static void write_summary(struct csv_file *f, const struct run_record *r)
{
	csv_columns_header(f, summary_columns, ARRAY_SIZE(summary_columns));
	for_each_summary(r, csv_columns_row_each, &(struct csv_rows){ f, summary_columns, ARRAY_SIZE(summary_columns) });
}

/* --- meta.csv: key,value -------------------------------------------------- */

/* The values, a field per key; a NULL text is a key this run does not have. */
struct meta_line {
	uint64_t schema_version;
	const char *testbed_version, *command_line, *scenario, *traced, *server_version, *policy;
	uint64_t workers, connections;
	double duration_s;
	uint64_t requests;
	const char *keepalive;
	double rate_cps;
	const char *arrivals;
	uint64_t port, backlog, timeout_ms, interval_ms, loadgen_threads;
	double kill_worker_after_s;
	const char *migrate, *events;
	uint64_t threads;
	const char *work, *pool_wake, *pool_notify;
	const char *kernel_release, *cpu_model;
	uint64_t nproc;
	const char *start_time, *end_time;
	double load_duration_s;
	uint64_t master_pid, worker_restarts;
	const char *tracepoints;
	uint64_t event_drops, events_produced, recursion_misses, listener_stack_failures;
	const char *tracer;
	uint64_t events_written;
	const char *interrupted;
	uint64_t dispatch_unmatched, accept_queue_unmatched, pool_queue_unmatched;
	const char *libuv_probes;
	uint64_t libuv_submits_lost;
	uint64_t threads_retired, threads_untracked, threads_map_peak, threads_retire_failed;
	uint64_t events_capped;
	const char *run_id;
	const char *netns, *netns_client_addr, *netns_server_addr, *netns_gro, *rps_cpus;
	const char *server_cpus, *load_cpus, *worker_cpus;
	/* storage for the texts above */
	char cpu_model_text[256], work_text[64];
	char netns_client_text[INET_ADDRSTRLEN], netns_server_text[INET_ADDRSTRLEN];
	char rps_cpus_text[CPU_LIST_TEXT_SIZE], server_cpus_text[CPU_LIST_TEXT_SIZE], load_cpus_text[CPU_LIST_TEXT_SIZE];
};

static void read_cpu_model(char *out, size_t size)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];

	snprintf(out, size, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) == 0 && colon) {
			snprintf(out, size, "%s", colon + 2);
			out[strcspn(out, "\n")] = '\0';
			break;
		}
	}
	fclose(f);
}

static void meta_line_of(const struct run_record *r, struct meta_line *m)
{
	const struct run_options *o = r->opts;

	*m = (struct meta_line){
		.schema_version = CSV_SCHEMA_VERSION,
		.testbed_version = TESTBED_VERSION,
		.command_line = r->command_line,
		.scenario = r->scenario_name,
		.traced = r->traced_command[0] ? r->traced_command : NULL,
		.server_version = r->server_version[0] ? r->server_version : NULL,
		.policy = policy_name(o->policy),
		.workers = o->workers,
		.connections = o->connections,
		.duration_s = o->duration_s,
		.requests = o->requests,
		.keepalive = o->keepalive ? "yes" : "no",
		.rate_cps = o->rate_cps,
		.arrivals = arrivals_name(o),
		.port = r->port,
		.backlog = o->backlog,
		.timeout_ms = o->timeout_ms,
		.interval_ms = o->interval_ms,
		.loadgen_threads = o->loadgen_threads,
		.kill_worker_after_s = o->kill_worker_after_s,
		.migrate = o->migrate ? "yes" : "no",
		.events = o->events ? "yes" : "no",
		.threads = o->threads,
		.pool_wake = o->threads ? pool_wake_name(o->pool_wake) : NULL,
		.pool_notify = o->threads ? pool_notify_name(o->pool_notify) : NULL,
		.kernel_release = r->kernel_release,
		.nproc = (uint64_t)sysconf(_SC_NPROCESSORS_ONLN),
		.start_time = r->start_time,
		.end_time = r->end_time,
		.load_duration_s = r->duration_s,
		.master_pid = (uint64_t)(r->nprocs ? r->procs[0].pid : 0),
		.worker_restarts = record_worker_restarts(r),
		.tracepoints = r->tracepoints ? r->tracepoints : "",
		.event_drops = r->event_drops,
		.events_produced = r->events_produced,
		.recursion_misses = r->recursion_misses,
		.listener_stack_failures = r->listener_stack_failures,
		.tracer = tracer_mode(o),
		.events_written = r->events_written,
		.interrupted = r->interrupted ? "yes" : "no",
		.dispatch_unmatched = record_dispatch_unmatched(r),
		.accept_queue_unmatched = record_accept_queue_unmatched(r),
		.pool_queue_unmatched = record_pool_queue_unmatched(r),
		.libuv_probes = r->libuv_probes[0] ? r->libuv_probes : NULL,
		.libuv_submits_lost = r->libuv_submits_lost,
		.threads_retired = r->threads_retired,
		.threads_untracked = r->thread_accounting.untracked,
		.threads_map_peak = r->thread_accounting.map_peak,
		.threads_retire_failed = r->thread_accounting.retire_failed,
		.events_capped = r->events_capped,
		.run_id = r->run_id,
		.netns = r->netns[0] ? r->netns : "no",
		.netns_gro = r->netns[0] ? (r->netns_gro ? "on" : "off") : NULL,
		.server_cpus = "unknown",
		.load_cpus = "unknown",
		.worker_cpus = o->cpus.worker_one_each ? "one-each" : "any",
	};
	if (r->netns[0]) {
		m->netns_client_addr = inet_ntop(AF_INET, &r->netns_client_addr, m->netns_client_text,
						 sizeof(m->netns_client_text));
		m->netns_server_addr = inet_ntop(AF_INET, &r->netns_server_addr, m->netns_server_text,
						 sizeof(m->netns_server_text));
	}
	if (o->rps_given) {
		cpu_list_format(&o->rps_cpus, m->rps_cpus_text, sizeof(m->rps_cpus_text));
		m->rps_cpus = m->rps_cpus_text;
	}
	/* the CPUs the processes had at start, pinned or inherited */
	if (r->cpus.server_known) {
		cpu_list_format(&r->cpus.server, m->server_cpus_text, sizeof(m->server_cpus_text));
		m->server_cpus = m->server_cpus_text;
	}
	if (r->cpus.load_known) {
		cpu_list_format(&r->cpus.load, m->load_cpus_text, sizeof(m->load_cpus_text));
		m->load_cpus = m->load_cpus_text;
	}
	read_cpu_model(m->cpu_model_text, sizeof(m->cpu_model_text));
	m->cpu_model = m->cpu_model_text;
	m->work = work_text(o, m->work_text, sizeof(m->work_text));
}

static struct cell meta_text(const void *row, size_t offset)
{
	struct cell c = field_text(row, offset);

	return c.text ? c : (struct cell){ .kind = CELL_ABSENT };
}

/* Only where libuv probes were tried (trace). */
static struct cell meta_libuv_submits_lost(const void *row, size_t arg)
{
	const struct meta_line *m = row;

	return m->libuv_probes ? cell_u64(m->libuv_submits_lost) : (struct cell){ .kind = CELL_ABSENT };
}

#define META_TEXT(name) { #name, meta_text, offsetof(struct meta_line, name), 0 }
#define META_U64(name) { #name, field_u64, offsetof(struct meta_line, name), 0 }
#define META_NUMBER(name) { #name, field_number, offsetof(struct meta_line, name), 3 }

static const struct csv_column meta_keys[] = {
	META_U64(schema_version),
	META_TEXT(testbed_version),
	META_TEXT(command_line),
	META_TEXT(scenario),
	META_TEXT(traced),
	META_TEXT(server_version),
	META_TEXT(policy),
	META_U64(workers),
	META_U64(connections),
	META_NUMBER(duration_s),
	META_U64(requests),
	META_TEXT(keepalive),
	META_NUMBER(rate_cps),
	META_TEXT(arrivals),
	META_U64(port),
	META_U64(backlog),
	META_U64(timeout_ms),
	META_U64(interval_ms),
	META_U64(loadgen_threads),
	META_NUMBER(kill_worker_after_s),
	META_TEXT(migrate),
	META_TEXT(events),
	META_U64(threads),
	META_TEXT(work),
	META_TEXT(pool_wake),
	META_TEXT(pool_notify),
	META_TEXT(kernel_release),
	META_TEXT(cpu_model),
	META_U64(nproc),
	META_TEXT(start_time),
	META_TEXT(end_time),
	META_NUMBER(load_duration_s),
	META_U64(master_pid),
	META_U64(worker_restarts),
	META_TEXT(tracepoints),
	META_U64(event_drops),
	META_U64(events_produced),
	META_U64(recursion_misses),
	META_U64(listener_stack_failures),
	META_TEXT(tracer),
	META_U64(events_written),
	META_TEXT(interrupted),
	META_U64(dispatch_unmatched),
	META_U64(accept_queue_unmatched),
	META_U64(pool_queue_unmatched),
	META_TEXT(libuv_probes),
	CSV_COLUMN("libuv_submits_lost", meta_libuv_submits_lost),
	META_U64(threads_retired),
	META_U64(threads_untracked),
	META_U64(threads_map_peak),
	META_U64(threads_retire_failed),
	META_U64(events_capped),
	META_TEXT(run_id),
	META_TEXT(netns),
	META_TEXT(netns_client_addr),
	META_TEXT(netns_server_addr),
	META_TEXT(netns_gro),
	META_TEXT(rps_cpus),
	META_TEXT(server_cpus),
	META_TEXT(load_cpus),
	META_TEXT(worker_cpus),
};

/* The one row of values, a key per column. */
static void for_each_meta(const struct run_record *r, void (*each)(const void *row, void *ctx), void *ctx)
{
	struct meta_line line;

	meta_line_of(r, &line);
	each(&line, ctx);
}

static void write_meta_line(const void *line, void *f)
{
	csv_columns_key_value(f, meta_keys, ARRAY_SIZE(meta_keys), line);
}

static void write_meta(struct csv_file *f, const struct run_record *r)
{
	for_each_meta(r, write_meta_line, f);
}

const struct run_file summary_csv = { "summary.csv", RUN_FILE_TABLE(summary_columns), write_summary, for_each_summary };
const struct run_file meta_csv = { "meta.csv", RUN_FILE_TABLE(meta_keys), write_meta, for_each_meta };
