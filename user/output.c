// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* A run's CSV files (docs/CSV.md) and its printed summary. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common.h"
#include "csv_write.h"
#include "metrics.h"
#include "run.h"
#include "test_hooks.h"
#include "util.h"


static const char *const class_names[CLASS_COUNT] = {
	[CLASS_ACCEPT] = "accept", [CLASS_POLL] = "poll", [CLASS_PIPE_READ] = "pipe_read",
	[CLASS_UNIX_RECV] = "unix_recv", [CLASS_FUTEX] = "futex", [CLASS_OTHER] = "other",
};

static const char *const event_names[] = {
	[EVENT_DISPATCH_DELAY] = "dispatch_delay", [EVENT_WAKEUP] = "wakeup",
	[EVENT_WASTED_WAKEUP] = "wasted_wakeup", [EVENT_ACCEPT] = "accept",
	[EVENT_ACCEPT_EAGAIN] = "accept_eagain", [EVENT_FDS_RECEIVED] = "fds_received",
	[EVENT_ACCEPT_QUEUE_DELAY] = "accept_queue_delay", [EVENT_POOL_QUEUE_WAIT] = "pool_queue_wait",
};

const char *class_name(unsigned blocked_class)
{
	return blocked_class < CLASS_COUNT ? class_names[blocked_class] : "none";
}

const char *role_name(enum process_role role)
{
	return role == ROLE_MASTER ? "master" : "worker";
}

uint64_t process_connections(const struct process_record *p)
{
	return connections_taken(p->totals.accepted, p->totals.fds_received);
}

uint64_t process_listener_wakeups(const struct process_record *p)
{
	return listener_wakeups(p->totals.wakeups[CLASS_ACCEPT], p->totals.wakeups[CLASS_POLL]);
}

uint64_t process_listener_wasted(const struct process_record *p)
{
	return listener_wasted_wakeups(p->totals.wasted_wakeups[CLASS_ACCEPT], p->totals.wasted_wakeups[CLASS_POLL],
				       p->totals.accept_eagain_wasted);
}

bool is_acceptor(const struct run_record *r, const struct process_record *p)
{
	/* someone else's server: whoever tried to accept */
	if (!r->opts->scenario)
		return p->totals.accepted || p->totals.accept_eagain;
	return (p->role == ROLE_MASTER) == (r->opts->scenario->model == MODEL_FD_DISPATCH);
}

int pool_index(const struct thread_stats *t)
{
	char comm[TASK_COMM_LEN + 1];
	char *end;
	long index;

	memcpy(comm, t->comm, TASK_COMM_LEN);
	comm[TASK_COMM_LEN] = '\0';
	if (strncmp(comm, "tb-pool-", 8) != 0)
		return -1;
	index = strtol(comm + 8, &end, 10);
	return *end || end == comm + 8 ? -1 : (int)index;
}

const char *thread_role(const struct run_record *r, const struct thread_stats *t)
{
	size_t i;

	for (i = 0; i < r->nprocs; i++) {
		if ((uint32_t)r->procs[i].pid != t->tgid)
			continue;
		if (r->procs[i].role == ROLE_WORKER && t->tid != t->tgid && pool_index(t) >= 0)
			return "pool";
		return role_name(r->procs[i].role);
	}
	return "other";
}

const struct histogram *thread_queue_waits(const struct run_record *r, uint32_t tid)
{
	size_t i;

	for (i = 0; i < r->nqueue_waits; i++)
		if (r->queue_waits[i].tid == tid)
			return r->queue_waits[i].h;
	return NULL;
}

static bool is_pool_thread(const struct run_record *r, const struct thread_stats *t)
{
	return strcmp(thread_role(r, t), "pool") == 0;
}

/* A worker's pool, NAN for the master or without a pool. */
static double process_pool_utilisation(const struct run_record *r, const struct process_record *p)
{
	if (p->role != ROLE_WORKER)
		return NAN;
	return pool_utilisation(p->totals.job_busy_ns, r->opts->threads, r->duration_s);
}

static uint64_t worker_connections_total(const struct run_record *r)
{
	uint64_t total = 0;
	size_t i;

	for (i = 0; i < r->nprocs; i++)
		if (r->procs[i].role == ROLE_WORKER)
			total += process_connections(&r->procs[i]);
	return total;
}

/* Sum of one thread_stats field over all server processes. */
#define SUM_TOTALS(r, expr)                                              \
	({                                                               \
		uint64_t sum_ = 0;                                       \
		for (size_t i_ = 0; i_ < (r)->nprocs; i_++) {            \
			const struct thread_counters *t = &(r)->procs[i_].totals; \
			sum_ += (expr);                                  \
		}                                                        \
		sum_;                                                    \
	})

void summarize_record(struct run_record *r)
{
	uint64_t *per_worker = calloc(r->nprocs ? r->nprocs : 1, sizeof(*per_worker));
	struct run_counts counts = {
		.worker_connections = per_worker,
		.completed = r->load->completed,
		.duration_s = r->duration_s,
		.latency_ns = &r->load->latency_ns,
	};
	size_t i;

	for (i = 0; i < r->nprocs; i++) {
		const struct process_record *p = &r->procs[i];

		if (p->role == ROLE_WORKER && per_worker)
			per_worker[counts.nworkers++] = process_connections(p);
		if (is_acceptor(r, p)) {
			counts.accepted += p->totals.accepted;
			counts.listener_wakeups += process_listener_wakeups(p);
			counts.listener_wasted += process_listener_wasted(p);
		}
	}
	summarize_run(&counts, &r->summary);
	free(per_worker);
}

static unsigned worker_restarts(const struct run_record *r)
{
	size_t workers = r->nprocs ? r->nprocs - 1 : 0;

	return workers > r->opts->workers ? (unsigned)(workers - r->opts->workers) : 0;
}

static uint64_t connections_lost(const struct run_record *r)
{
	return r->load->refused + r->load->reset + r->load->timed_out;
}

static double percentile_us(const struct histogram *h, double pct)
{
	return h && h->total ? hist_percentile(h, pct) / 1e3 : NAN;
}

static double max_us(const struct histogram *h)
{
	return h && h->total ? h->max / 1e3 : NAN;
}

/* p50, p99 and max of H in µs as three fields (empty when H is empty). */
static void csv_delay_columns(struct csv_file *f, const struct histogram *h)
{
	csv_double(f, percentile_us(h, 50), 3);
	csv_double(f, percentile_us(h, 99), 3);
	csv_double(f, max_us(h), 3);
}

static void cpu_model(char *out, size_t size)
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

static void header(struct csv_file *f, const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		csv_str(f, names[i]);
	csv_end_row(f);
}

static void meta_row(struct csv_file *f, const char *key, const char *value)
{
	csv_str(f, key);
	csv_str(f, value);
	csv_end_row(f);
}

static void meta_u64(struct csv_file *f, const char *key, uint64_t value)
{
	csv_str(f, key);
	csv_u64(f, value);
	csv_end_row(f);
}

static void meta_double(struct csv_file *f, const char *key, double value)
{
	csv_str(f, key);
	csv_double(f, value, 3);
	csv_end_row(f);
}

static void write_meta(struct csv_file *f, const struct run_record *r)
{
	const struct run_options *o = r->opts;
	char cpu[256];

	cpu_model(cpu, sizeof(cpu));
	meta_row(f, "key", "value");
	meta_u64(f, "schema_version", CSV_SCHEMA_VERSION);
	meta_row(f, "testbed_version", TESTBED_VERSION);
	meta_row(f, "command_line", r->command_line);
	meta_row(f, "scenario", r->scenario_name);
	if (r->traced_command[0])
		meta_row(f, "traced", r->traced_command);
	if (r->server_version[0])
		meta_row(f, "server_version", r->server_version);
	meta_row(f, "policy", policy_name(o->policy));
	meta_u64(f, "workers", o->workers);
	meta_u64(f, "connections", o->connections);
	meta_double(f, "duration_s", o->duration_s);
	meta_u64(f, "requests", o->requests);
	meta_row(f, "keepalive", o->keepalive ? "yes" : "no");
	meta_double(f, "rate_cps", o->rate_cps);
	meta_row(f, "arrivals", o->rate_cps ? (o->arrivals == ARRIVALS_UNIFORM ? "uniform" : "poisson") : "closed-loop");
	meta_u64(f, "port", r->port);
	meta_u64(f, "backlog", o->backlog);
	meta_u64(f, "timeout_ms", o->timeout_ms);
	meta_u64(f, "interval_ms", o->interval_ms);
	meta_u64(f, "loadgen_threads", o->loadgen_threads);
	meta_double(f, "kill_worker_after_s", o->kill_worker_after_s);
	meta_row(f, "migrate", o->migrate ? "yes" : "no");
	meta_row(f, "events", o->events ? "yes" : "no");
	meta_u64(f, "threads", o->threads);
	if (o->threads) {
		char work[64];

		snprintf(work, sizeof(work), "%s:%llu", work_kind_name(o->work_kind), (unsigned long long)o->work_amount);
		meta_row(f, "work", work);
		meta_row(f, "pool_wake", pool_wake_name(o->pool_wake));
		meta_row(f, "pool_notify", pool_notify_name(o->pool_notify));
	}
	meta_row(f, "kernel_release", r->kernel_release);
	meta_row(f, "cpu_model", cpu);
	meta_u64(f, "nproc", (uint64_t)sysconf(_SC_NPROCESSORS_ONLN));
	meta_row(f, "start_time", r->start_time);
	meta_row(f, "end_time", r->end_time);
	meta_double(f, "load_duration_s", r->duration_s);
	meta_u64(f, "master_pid", (uint64_t)(r->nprocs ? r->procs[0].pid : 0));
	meta_u64(f, "worker_restarts", worker_restarts(r));
	meta_row(f, "tracepoints", r->tracepoints ? r->tracepoints : "");
	meta_u64(f, "event_drops", r->event_drops);
	meta_u64(f, "events_produced", r->events_produced);
	meta_row(f, "tracer", o->no_trace ? "off" : "on");
	meta_u64(f, "events_written", r->events_written);
	meta_row(f, "interrupted", r->interrupted ? "yes" : "no");
}

static void write_processes(struct csv_file *f, const struct run_record *r)
{
	static const char *const head[] = {
		"worker_index", "pid", "role", "accepted", "fds_received", "self_reported_accepted",
		"accept_eagain", "accept_eagain_wasted", "wakeups_accept", "wakeups_poll", "wakeups_pipe_read", "wakeups_unix_recv",
		"wakeups_futex", "wakeups_other", "wasted_wakeups", "share", "threads", "oncpu_ns",
		"runq_wait_ns", "runq_waits", "voluntary_switches", "involuntary_switches", "pipe_reads",
		"pipe_read_bytes", "pipe_blocked_ns", "unix_recvs", "unix_recv_bytes", "unix_blocked_ns",
		"dispatch_delay_p50_us", "dispatch_delay_p99_us", "dispatch_delay_max_us",
		"accept_queue_delay_p50_us", "accept_queue_delay_p99_us", "accept_queue_delay_max_us",
		"pool_jobs", "pool_jobs_reported", "pool_busy_ns", "pool_utilisation", "exited", "exit_status",
	};
	uint64_t worker_total = worker_connections_total(r);
	size_t i;
	int k;

	header(f, head, ARRAY_SIZE(head));
	for (i = 0; i < r->nprocs; i++) {
		const struct process_record *p = &r->procs[i];
		const struct thread_counters *t = &p->totals;
		bool worker = p->role == ROLE_WORKER;

		if (worker)
			csv_u64(f, p->worker_index);
		else
			csv_str(f, "");
		csv_i64(f, p->pid);
		csv_str(f, role_name(p->role));
		csv_u64(f, t->accepted);
		csv_u64(f, t->fds_received);
		if (p->reported)
			csv_u64(f, p->self_reported);
		else
			csv_str(f, ""); /* it never reported (killed): unknown, not zero */
		csv_u64(f, t->accept_eagain);
		csv_u64(f, t->accept_eagain_wasted);
		for (k = 0; k < CLASS_COUNT; k++)
			csv_u64(f, t->wakeups[k]);
		csv_u64(f, process_listener_wasted(p));
		csv_double(f, worker && worker_total ? (double)process_connections(p) / worker_total : NAN, 6);
		csv_u64(f, p->threads);
		csv_u64(f, t->oncpu_ns);
		csv_u64(f, t->runq_wait_ns);
		csv_u64(f, t->runq_waits);
		csv_u64(f, t->voluntary_switches);
		csv_u64(f, t->involuntary_switches);
		csv_u64(f, t->reads[CLASS_PIPE_READ]);
		csv_u64(f, t->read_bytes[CLASS_PIPE_READ]);
		csv_u64(f, t->blocked_ns[CLASS_PIPE_READ]);
		csv_u64(f, t->reads[CLASS_UNIX_RECV]);
		csv_u64(f, t->read_bytes[CLASS_UNIX_RECV]);
		csv_u64(f, t->blocked_ns[CLASS_UNIX_RECV]);
		csv_delay_columns(f, p->dispatch_delay_ns);
		csv_delay_columns(f, p->accept_queue_delay_ns);
		csv_u64(f, t->jobs_run);
		if (p->pool_reported)
			csv_u64(f, p->pool_jobs_reported);
		else
			csv_str(f, "");
		csv_u64(f, t->job_busy_ns);
		csv_double(f, process_pool_utilisation(r, p), 6);
		csv_str(f, p->exited ? "yes" : "no");
		if (p->exited)
			csv_i64(f, p->wait_status);
		else
			csv_str(f, "");
		csv_end_row(f);
	}
}

/* Per-class column names: PREFIX_<class> for every class. */
static void class_header(struct csv_file *f, const char *prefix)
{
	char name[64];
	int k;

	for (k = 0; k < CLASS_COUNT; k++) {
		snprintf(name, sizeof(name), "%s_%s", prefix, class_names[k]);
		csv_str(f, name);
	}
}

static void class_values(struct csv_file *f, const __u64 *values)
{
	int k;

	for (k = 0; k < CLASS_COUNT; k++)
		csv_u64(f, values[k]);
}

static void write_threads(struct csv_file *f, const struct run_record *r)
{
	static const char *const head[] = { "tid", "pid", "role", "comm", "accepted", "accept_eagain",
					    "accept_eagain_wasted", "fds_received" };
	static const char *const tail[] = { "oncpu_ns", "runq_wait_ns", "runq_waits", "voluntary_switches",
					    "involuntary_switches", "pool_index", "jobs_run", "job_busy_ns",
					    "busy_share", "queue_wait_p50_us", "queue_wait_p99_us",
					    "queue_wait_max_us" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(head); i++)
		csv_str(f, head[i]);
	class_header(f, "wakeups");
	class_header(f, "wasted_wakeups");
	class_header(f, "reads");
	class_header(f, "read_bytes");
	class_header(f, "blocked_ns");
	header(f, tail, ARRAY_SIZE(tail));
	for (i = 0; i < r->nthreads; i++) {
		const struct thread_stats *t = &r->threads[i];
		char comm[TASK_COMM_LEN + 1];

		memcpy(comm, t->comm, TASK_COMM_LEN);
		comm[TASK_COMM_LEN] = '\0';
		csv_u64(f, t->tid);
		csv_u64(f, t->tgid);
		csv_str(f, thread_role(r, t));
		csv_str(f, comm);
		csv_u64(f, t->counters.accepted);
		csv_u64(f, t->counters.accept_eagain);
		csv_u64(f, t->counters.accept_eagain_wasted);
		csv_u64(f, t->counters.fds_received);
		class_values(f, t->counters.wakeups);
		class_values(f, t->counters.wasted_wakeups);
		class_values(f, t->counters.reads);
		class_values(f, t->counters.read_bytes);
		class_values(f, t->counters.blocked_ns);
		csv_u64(f, t->counters.oncpu_ns);
		csv_u64(f, t->counters.runq_wait_ns);
		csv_u64(f, t->counters.runq_waits);
		csv_u64(f, t->counters.voluntary_switches);
		csv_u64(f, t->counters.involuntary_switches);
		if (is_pool_thread(r, t))
			csv_i64(f, pool_index(t));
		else
			csv_str(f, "");
		csv_u64(f, t->counters.jobs_run);
		csv_u64(f, t->counters.job_busy_ns);
		csv_double(f, is_pool_thread(r, t) ? pool_utilisation(t->counters.job_busy_ns, 1, r->duration_s) : NAN, 6);
		csv_delay_columns(f, thread_queue_waits(r, t->tid));
		csv_end_row(f);
	}
}

static void write_timeline(struct csv_file *f, const struct run_record *r)
{
	static const char *const head[] = {
		"start_ms", "end_ms", "worker_index", "pid", "connections", "listener_wakeups", "wasted_wakeups",
	};
	size_t i;

	header(f, head, ARRAY_SIZE(head));
	for (i = 0; i < r->ntimeline; i++) {
		const struct timeline_row *t = &r->timeline[i];

		csv_u64(f, t->start_ms);
		csv_u64(f, t->end_ms);
		csv_u64(f, t->worker_index);
		csv_i64(f, t->pid);
		csv_u64(f, t->connections);
		csv_u64(f, t->listener_wakeups);
		csv_u64(f, t->listener_wasted);
		csv_end_row(f);
	}
}

static void write_histogram(struct csv_file *f, const char *metric, pid_t pid, const struct histogram *h)
{
	size_t i;

	for (i = 0; h && i < HIST_BUCKETS; i++) {
		if (!h->counts[i])
			continue;
		csv_str(f, metric);
		if (pid)
			csv_i64(f, pid);
		else
			csv_str(f, "");
		csv_u64(f, hist_bucket_lower(i));
		csv_u64(f, hist_bucket_upper(i));
		csv_u64(f, h->counts[i]);
		csv_end_row(f);
	}
}

static void write_latency(struct csv_file *f, const struct run_record *r)
{
	static const char *const head[] = { "metric", "pid", "lower_ns", "upper_ns", "count" };
	size_t i;

	header(f, head, ARRAY_SIZE(head));
	write_histogram(f, "client_latency", 0, &r->load->latency_ns);
	for (i = 0; i < r->nprocs; i++)
		write_histogram(f, "dispatch_delay", r->procs[i].pid, r->procs[i].dispatch_delay_ns);
	for (i = 0; i < r->nprocs; i++)
		write_histogram(f, "accept_queue_delay", r->procs[i].pid, r->procs[i].accept_queue_delay_ns);
	for (i = 0; i < r->nqueue_waits; i++) /* per pool thread: the pid column holds its tid */
		write_histogram(f, "pool_queue_wait", r->queue_waits[i].tid, r->queue_waits[i].h);
}

struct pool_totals {
	unsigned threads;
	uint64_t jobs, busy_ns, futex_wakeups, wasted_futex_wakeups;
};

static struct pool_totals pool_totals(const struct run_record *r)
{
	struct pool_totals p = { 0 };
	size_t i;

	for (i = 0; i < r->nthreads; i++) {
		const struct thread_stats *t = &r->threads[i];

		if (!is_pool_thread(r, t))
			continue;
		p.threads++;
		p.jobs += t->counters.jobs_run;
		p.busy_ns += t->counters.job_busy_ns;
		p.futex_wakeups += t->counters.wakeups[CLASS_FUTEX];
		p.wasted_futex_wakeups += t->counters.wasted_wakeups[CLASS_FUTEX];
	}
	return p;
}

static void write_pool_summary(struct csv_file *f, const struct run_record *r)
{
	struct pool_totals p = pool_totals(r);

	csv_u64(f, r->opts->threads);
	csv_u64(f, p.jobs);
	csv_double(f, pool_utilisation(p.busy_ns, p.threads, r->duration_s), 6);
	csv_delay_columns(f, &r->queue_wait_ns);
	csv_u64(f, p.futex_wakeups);
	csv_u64(f, p.wasted_futex_wakeups);
}

static void write_summary(struct csv_file *f, const struct run_record *r)
{
	static const char *const head[] = {
		"scenario", "policy", "kernel", "workers", "connections_completed", "duration_s", "throughput_cps",
		"jain_index", "cov", "max_share", "herd_factor", "wasted_wakeup_ratio", "latency_p50_us",
		"latency_p99_us", "latency_p999_us", "latency_max_us", "event_drops", "accepted", "fds_received",
		"listener_wakeups", "wasted_wakeups", "pipe_reads", "pipe_read_bytes", "unix_recvs",
		"dispatch_delay_p50_us", "dispatch_delay_p99_us", "dispatch_delay_max_us",
		"accept_queue_delay_p50_us", "accept_queue_delay_p99_us", "accept_queue_delay_max_us",
		"pool_threads", "pool_jobs", "pool_utilisation", "pool_queue_wait_p50_us", "pool_queue_wait_p99_us",
		"pool_queue_wait_max_us", "pool_futex_wakeups", "pool_wasted_futex_wakeups", "connections_refused",
		"connections_reset", "connections_timed_out", "connection_errors", "connections_not_started",
		"connections_lost",
		"worker_restarts", "restart_ms", "migrate", "interrupted",
	};
	const struct run_summary *s = &r->summary;
	const struct loadgen_result *l = r->load;
	const struct histogram *dispatch = &r->dispatch_delay_ns;

	header(f, head, ARRAY_SIZE(head));
	csv_str(f, r->scenario_name);
	csv_str(f, policy_name(r->opts->policy));
	csv_str(f, r->kernel_release);
	csv_u64(f, r->opts->workers);
	csv_u64(f, l->completed);
	csv_double(f, r->duration_s, 3);
	csv_double(f, s->throughput_cps, 1);
	csv_double(f, s->jain_index, 6);
	csv_double(f, s->cov, 6);
	csv_double(f, s->max_share, 6);
	csv_double(f, s->herd_factor, 6);
	csv_double(f, s->wasted_wakeup_ratio, 6);
	csv_double(f, s->latency_p50_us, 3);
	csv_double(f, s->latency_p99_us, 3);
	csv_double(f, s->latency_p999_us, 3);
	csv_double(f, s->latency_max_us, 3);
	csv_u64(f, r->event_drops);
	csv_u64(f, s->accepted);
	csv_u64(f, SUM_TOTALS(r, t->fds_received));
	csv_u64(f, s->listener_wakeups);
	csv_u64(f, s->listener_wasted);
	csv_u64(f, SUM_TOTALS(r, t->reads[CLASS_PIPE_READ]));
	csv_u64(f, SUM_TOTALS(r, t->read_bytes[CLASS_PIPE_READ]));
	csv_u64(f, SUM_TOTALS(r, t->reads[CLASS_UNIX_RECV]));
	csv_delay_columns(f, dispatch);
	csv_delay_columns(f, &r->accept_queue_delay_ns);
	write_pool_summary(f, r);
	csv_u64(f, l->refused);
	csv_u64(f, l->reset);
	csv_u64(f, l->timed_out);
	csv_u64(f, l->other_errors);
	csv_u64(f, l->not_started);
	csv_u64(f, connections_lost(r));
	csv_u64(f, worker_restarts(r));
	csv_double(f, r->restart_ms, 3);
	csv_str(f, r->opts->migrate ? "yes" : "no");
	csv_str(f, r->interrupted ? "yes" : "no");
	csv_end_row(f);
}

struct csv_file *open_events_csv(const char *dir, struct error_message *err)
{
	static const char *const head[] = { "time_ns", "type", "pid", "tid", "blocked_class", "value" };
	struct csv_file *f = csv_open(dir, "events.csv", err);

	if (f)
		header(f, head, ARRAY_SIZE(head));
	return f;
}

void write_event_row(struct csv_file *f, const struct event *e, uint64_t load_start_ns)
{
	csv_i64(f, (int64_t)(e->ts_ns - load_start_ns));
	csv_str(f, e->type < ARRAY_SIZE(event_names) && event_names[e->type] ? event_names[e->type] : "unknown");
	csv_u64(f, e->tgid);
	csv_u64(f, e->tid);
	csv_str(f, class_name(e->blocked_class));
	csv_u64(f, e->value);
	csv_end_row(f);
}

static const struct {
	const char *name;
	void (*write)(struct csv_file *f, const struct run_record *r);
} run_files[] = {
	{ "workers.csv", write_processes },
	{ "threads.csv", write_threads },
	{ "timeline.csv", write_timeline },
	{ "latency.csv", write_latency },
	{ "summary.csv", write_summary },
	{ "meta.csv", write_meta }, /* last: a folder with meta.csv is complete */
};

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
		struct csv_file *f = csv_open(r->dir, run_files[i].name, err);

		if (!f)
			return -1;
		run_files[i].write(f, r);
		if (csv_commit(f, err))
			return -1;
		if (i == 1)
			test_pause("writing");
	}
	return 0;
}

/* "12.3" or "-" when undefined. */
static const char *fmt(char *buf, size_t size, double value, int decimals)
{
	if (isnan(value))
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.*f", decimals, value);
	return buf;
}

static void print_process_rows(FILE *out, const struct run_record *r)
{
	uint64_t worker_total = worker_connections_total(r), self_total = 0;
	size_t i;
	char a[32], who[32], self[32];

	fprintf(out, "%-8s %8s %11s %10s %7s %10s %10s %10s\n", "process", "pid", "connections", "self-count",
		"share", "wakeups", "wasted", "eagain");
	for (i = 0; i < r->nprocs; i++) {
		const struct process_record *p = &r->procs[i];
		bool worker = p->role == ROLE_WORKER;

		if (!worker && !is_acceptor(r, p))
			continue; /* a master that only supervises has no row of figures */
		if (worker)
			snprintf(who, sizeof(who), "worker %u", p->worker_index);
		else
			snprintf(who, sizeof(who), "master");
		if (p->reported)
			snprintf(self, sizeof(self), "%llu", (unsigned long long)p->self_reported);
		else
			snprintf(self, sizeof(self), "-");
		if (worker)
			self_total += p->self_reported;
		fprintf(out, "%-8s %8d %11llu %10s %6s%% %10llu %10llu %10llu\n", who, p->pid,
			(unsigned long long)process_connections(p), self,
			fmt(a, sizeof(a), worker && worker_total ? 100.0 * process_connections(p) / worker_total : NAN, 1),
			(unsigned long long)process_listener_wakeups(p), (unsigned long long)process_listener_wasted(p),
			(unsigned long long)p->totals.accept_eagain);
	}
	fprintf(out, "%-8s %8s %11llu %10llu\n\n", "workers", "", (unsigned long long)worker_total,
		(unsigned long long)self_total);
}

static void print_delay(FILE *out, const char *label, const struct histogram *h, const char *what)
{
	char a[32], b[32], c[32];

	if (h->total)
		fprintf(out, "%-20s p50 %s   p99 %s   max %s   (%s)\n", label, fmt(a, sizeof(a), percentile_us(h, 50), 1),
			fmt(b, sizeof(b), percentile_us(h, 99), 1), fmt(c, sizeof(c), max_us(h), 1), what);
}

/* Per pool thread: jobs, busy share, queue wait, futex wakeups (the pool's herd). */
static void print_pool_threads(FILE *out, const struct run_record *r)
{
	struct pool_totals totals = pool_totals(r);
	char a[32], b[32], c[32];
	size_t i;

	if (!totals.threads)
		return;
	fprintf(out, "\npool (%u threads per worker, %s:%llu, %s wake-up, %s completion)\n", r->opts->threads,
		work_kind_name(r->opts->work_kind), (unsigned long long)r->opts->work_amount,
		pool_wake_name(r->opts->pool_wake), pool_notify_name(r->opts->pool_notify));
	fprintf(out, "%8s %8s %-11s %8s %6s %12s %12s %10s %10s\n", "worker", "tid", "thread", "jobs", "busy",
		"wait p50 us", "wait p99 us", "futex wk", "wasted");
	for (i = 0; i < r->nthreads; i++) {
		const struct thread_stats *t = &r->threads[i];
		const struct process_record *p = NULL;
		char comm[TASK_COMM_LEN + 1];
		size_t k;

		if (!is_pool_thread(r, t))
			continue;
		for (k = 0; k < r->nprocs; k++)
			if ((uint32_t)r->procs[k].pid == t->tgid)
				p = &r->procs[k];
		memcpy(comm, t->comm, TASK_COMM_LEN);
		comm[TASK_COMM_LEN] = '\0';
		fprintf(out, "%8u %8u %-11s %8llu %5s%% %12s %12s %10llu %10llu\n", p ? p->worker_index : 0, t->tid, comm,
			(unsigned long long)t->counters.jobs_run,
			fmt(a, sizeof(a), r->duration_s > 0 ? 100.0 * t->counters.job_busy_ns / (r->duration_s * 1e9) : NAN, 1),
			fmt(b, sizeof(b), percentile_us(thread_queue_waits(r, t->tid), 50), 1),
			fmt(c, sizeof(c), percentile_us(thread_queue_waits(r, t->tid), 99), 1),
			(unsigned long long)t->counters.wakeups[CLASS_FUTEX], (unsigned long long)t->counters.wasted_wakeups[CLASS_FUTEX]);
	}
	fprintf(out, "pool jobs            %llu   utilisation %s   queue wait us p50 %s p99 %s   futex wakeups %llu, "
		"wasted %llu\n\n", (unsigned long long)totals.jobs,
		fmt(a, sizeof(a), r->duration_s > 0 ? totals.busy_ns / (totals.threads * r->duration_s * 1e9) : NAN, 3),
		fmt(b, sizeof(b), percentile_us(&r->queue_wait_ns, 50), 1),
		fmt(c, sizeof(c), percentile_us(&r->queue_wait_ns, 99), 1), (unsigned long long)totals.futex_wakeups,
		(unsigned long long)totals.wasted_futex_wakeups);
}

void print_run_summary(FILE *out, const struct run_record *r)
{
	const struct run_summary *s = &r->summary;
	const struct loadgen_result *l = r->load;
	const struct histogram *dispatch = &r->dispatch_delay_ns;
	size_t workers = r->nprocs ? r->nprocs - 1 : 0;
	char a[32], b[32], c[32], d[32];

	fprintf(out, "\n%s%s%s on Linux %s: %zu worker processes, %u client connections, %.1f s%s\n\n",
		r->scenario_name, r->opts->policy ? " --policy " : "",
		r->opts->policy ? policy_name(r->opts->policy) : "", r->kernel_release, workers,
		r->opts->connections, r->duration_s, r->interrupted ? " (INTERRUPTED)" : "");
	print_process_rows(out, r);
	fprintf(out, "Jain index           %s   (1 = perfectly fair, 1/workers = one worker takes all)\n",
		fmt(a, sizeof(a), s->jain_index, 4));
	fprintf(out, "CoV                  %s\n", fmt(a, sizeof(a), s->cov, 4));
	fprintf(out, "max share            %s\n", fmt(a, sizeof(a), s->max_share, 4));
	fprintf(out, "herd factor          %s   (listener wakeups per accepted connection; 1 = no herd)\n",
		fmt(a, sizeof(a), s->herd_factor, 3));
	fprintf(out, "wasted-wakeup ratio  %s   (listener wakeups that found nothing to accept)\n",
		fmt(a, sizeof(a), s->wasted_wakeup_ratio, 3));
	fprintf(out, "throughput           %s conn/s   (%llu completed, %llu refused, %llu reset, %llu timed out, "
		"%llu other errors)\n", fmt(a, sizeof(a), s->throughput_cps, 1), (unsigned long long)l->completed,
		(unsigned long long)l->refused, (unsigned long long)l->reset, (unsigned long long)l->timed_out,
		(unsigned long long)l->other_errors);
	fprintf(out, "latency us           p50 %s   p99 %s   p99.9 %s   max %s\n", fmt(a, sizeof(a), s->latency_p50_us, 1),
		fmt(b, sizeof(b), s->latency_p99_us, 1), fmt(c, sizeof(c), s->latency_p999_us, 1),
		fmt(d, sizeof(d), s->latency_max_us, 1));
	fprintf(out, "pipe reads           %llu (%llu bytes)   unix-socket receives %llu, fds received %llu\n",
		(unsigned long long)SUM_TOTALS(r, t->reads[CLASS_PIPE_READ]),
		(unsigned long long)SUM_TOTALS(r, t->read_bytes[CLASS_PIPE_READ]),
		(unsigned long long)SUM_TOTALS(r, t->reads[CLASS_UNIX_RECV]),
		(unsigned long long)SUM_TOTALS(r, t->fds_received));
	print_delay(out, "accept-queue us", &r->accept_queue_delay_ns, "handshake done -> accept() returned it");
	print_delay(out, "dispatch delay us", dispatch, "master's accept -> worker's first read");
	if (r->killed_pid)
		fprintf(out, "killed worker        %lld (pid %d); back after %s ms; connections lost %llu%s\n",
			(long long)r->killed_worker_index, r->killed_pid, fmt(a, sizeof(a), r->restart_ms, 1),
			(unsigned long long)connections_lost(r), r->opts->migrate ? " (tcp_migrate_req=1)" : "");
	print_pool_threads(out, r);
	fprintf(out, "event drops          %llu\n", (unsigned long long)r->event_drops);
	fprintf(out, "run folder           %s\n", r->dir);
}
