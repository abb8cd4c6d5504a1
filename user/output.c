// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* A run's CSV files (docs/CSV.md) and its printed summary. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "common.h"
#include "csv.h"
#include "run.h"

static const char *const class_names[CLASS_COUNT] = {
	[CLASS_ACCEPT] = "accept", [CLASS_POLL] = "poll", [CLASS_PIPE_READ] = "pipe_read",
	[CLASS_UNIX_RECV] = "unix_recv", [CLASS_FUTEX] = "futex", [CLASS_OTHER] = "other",
};

uint64_t worker_listener_wakeups(const struct worker_record *w)
{
	return w->wakeups[CLASS_ACCEPT] + w->wakeups[CLASS_POLL];
}

uint64_t worker_listener_wasted(const struct worker_record *w)
{
	return w->wasted_wakeups[CLASS_ACCEPT] + w->wasted_wakeups[CLASS_POLL] + w->accept_eagain;
}

const char *thread_role(const struct run_record *r, uint32_t tgid)
{
	size_t i;

	if ((pid_t)tgid == r->master_pid)
		return "master";
	for (i = 0; i < r->nworkers; i++)
		if ((uint32_t)r->workers[i].pid == tgid)
			return "worker";
	return "other";
}

void summarize_record(struct run_record *r)
{
	struct worker_counts counts[r->nworkers ? r->nworkers : 1];
	size_t i;

	for (i = 0; i < r->nworkers; i++) {
		counts[i].accepted = r->workers[i].accepted;
		counts[i].listener_wakeups = worker_listener_wakeups(&r->workers[i]);
		counts[i].listener_wasted = worker_listener_wasted(&r->workers[i]);
	}
	summarize_run(counts, r->nworkers, &r->load->latency_ns, r->load->completed, r->duration_s, &r->summary);
}

static unsigned worker_restarts(const struct run_record *r)
{
	return r->nworkers > r->opts->workers ? (unsigned)(r->nworkers - r->opts->workers) : 0;
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
	meta_row(f, "scenario", o->scenario->name);
	meta_u64(f, "workers", o->workers);
	meta_u64(f, "connections", o->connections);
	meta_double(f, "duration_s", o->duration_s);
	meta_u64(f, "requests", o->requests);
	meta_row(f, "keepalive", o->keepalive ? "yes" : "no");
	meta_u64(f, "port", r->port);
	meta_u64(f, "backlog", o->backlog);
	meta_u64(f, "timeout_ms", o->timeout_ms);
	meta_u64(f, "interval_ms", o->interval_ms);
	meta_u64(f, "loadgen_threads", o->loadgen_threads);
	meta_row(f, "kernel_release", r->kernel_release);
	meta_row(f, "cpu_model", cpu);
	meta_u64(f, "nproc", (uint64_t)sysconf(_SC_NPROCESSORS_ONLN));
	meta_row(f, "start_time", r->start_time);
	meta_row(f, "end_time", r->end_time);
	meta_double(f, "load_duration_s", r->duration_s);
	meta_u64(f, "master_pid", (uint64_t)r->master_pid);
	meta_u64(f, "worker_restarts", worker_restarts(r));
	meta_row(f, "tracepoints", r->tracepoints ? r->tracepoints : "");
	meta_u64(f, "event_drops", r->event_drops);
	meta_row(f, "interrupted", r->interrupted ? "yes" : "no");
}

static void write_workers(struct csv_file *f, const struct run_record *r)
{
	static const char *const head[] = {
		"worker_index", "pid", "role", "accepted", "self_reported_accepted", "accept_eagain",
		"wakeups_accept", "wakeups_poll", "wakeups_pipe_read", "wakeups_unix_recv", "wakeups_futex",
		"wakeups_other", "wasted_wakeups", "share", "threads", "oncpu_ns", "runq_wait_ns",
		"runq_waits", "voluntary_switches", "involuntary_switches", "exited", "exit_status",
	};
	size_t i;
	int k;

	for (i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		csv_str(f, head[i]);
	csv_end_row(f);
	for (i = 0; i < r->nworkers; i++) {
		const struct worker_record *w = &r->workers[i];

		csv_u64(f, w->index);
		csv_i64(f, w->pid);
		csv_str(f, "worker");
		csv_u64(f, w->accepted);
		if (w->reported)
			csv_u64(f, w->self_reported_accepted);
		else
			csv_str(f, ""); /* it never reported (killed): unknown, not zero */
		csv_u64(f, w->accept_eagain);
		for (k = 0; k < CLASS_COUNT; k++)
			csv_u64(f, w->wakeups[k]);
		csv_u64(f, worker_listener_wasted(w));
		csv_double(f, r->summary.accepted ? (double)w->accepted / r->summary.accepted : NAN, 6);
		csv_u64(f, w->threads);
		csv_u64(f, w->oncpu_ns);
		csv_u64(f, w->runq_wait_ns);
		csv_u64(f, w->runq_waits);
		csv_u64(f, w->voluntary_switches);
		csv_u64(f, w->involuntary_switches);
		csv_str(f, w->exited ? "yes" : "no");
		if (w->exited)
			csv_i64(f, w->wait_status);
		else
			csv_str(f, "");
		csv_end_row(f);
	}
}

static void write_threads(struct csv_file *f, const struct run_record *r)
{
	size_t i;
	int k;
	char name[64];

	csv_str(f, "tid");
	csv_str(f, "pid");
	csv_str(f, "role");
	csv_str(f, "comm");
	csv_str(f, "accepted");
	csv_str(f, "accept_eagain");
	for (k = 0; k < CLASS_COUNT; k++) {
		snprintf(name, sizeof(name), "wakeups_%s", class_names[k]);
		csv_str(f, name);
	}
	for (k = 0; k < CLASS_COUNT; k++) {
		snprintf(name, sizeof(name), "wasted_wakeups_%s", class_names[k]);
		csv_str(f, name);
	}
	csv_str(f, "oncpu_ns");
	csv_str(f, "runq_wait_ns");
	csv_str(f, "runq_waits");
	csv_str(f, "voluntary_switches");
	csv_str(f, "involuntary_switches");
	csv_end_row(f);
	for (i = 0; i < r->nthreads; i++) {
		const struct thread_stats *t = &r->threads[i];
		char comm[TASK_COMM_LEN + 1];

		memcpy(comm, t->comm, TASK_COMM_LEN);
		comm[TASK_COMM_LEN] = '\0';
		csv_u64(f, t->tid);
		csv_u64(f, t->tgid);
		csv_str(f, thread_role(r, t->tgid));
		csv_str(f, comm);
		csv_u64(f, t->accepted);
		csv_u64(f, t->accept_eagain);
		for (k = 0; k < CLASS_COUNT; k++)
			csv_u64(f, t->wakeups[k]);
		for (k = 0; k < CLASS_COUNT; k++)
			csv_u64(f, t->wasted_wakeups[k]);
		csv_u64(f, t->oncpu_ns);
		csv_u64(f, t->runq_wait_ns);
		csv_u64(f, t->runq_waits);
		csv_u64(f, t->voluntary_switches);
		csv_u64(f, t->involuntary_switches);
		csv_end_row(f);
	}
}

static void write_timeline(struct csv_file *f, const struct run_record *r)
{
	static const char *const head[] = {
		"start_ms", "end_ms", "worker_index", "pid", "accepted", "listener_wakeups", "wasted_wakeups",
	};
	size_t i;

	for (i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		csv_str(f, head[i]);
	csv_end_row(f);
	for (i = 0; i < r->ntimeline; i++) {
		const struct timeline_row *t = &r->timeline[i];

		csv_u64(f, t->start_ms);
		csv_u64(f, t->end_ms);
		csv_u64(f, t->worker_index);
		csv_i64(f, t->pid);
		csv_u64(f, t->accepted);
		csv_u64(f, t->listener_wakeups);
		csv_u64(f, t->listener_wasted);
		csv_end_row(f);
	}
}

static void write_histogram(struct csv_file *f, const char *metric, const struct histogram *h)
{
	size_t i;

	for (i = 0; i < HIST_BUCKETS; i++) {
		if (!h->counts[i])
			continue;
		csv_str(f, metric);
		csv_u64(f, hist_bucket_lower(i));
		csv_u64(f, hist_bucket_upper(i));
		csv_u64(f, h->counts[i]);
		csv_end_row(f);
	}
}

static void write_latency(struct csv_file *f, const struct run_record *r)
{
	csv_str(f, "metric");
	csv_str(f, "lower_ns");
	csv_str(f, "upper_ns");
	csv_str(f, "count");
	csv_end_row(f);
	write_histogram(f, "client_latency", &r->load->latency_ns);
}

static void write_summary(struct csv_file *f, const struct run_record *r)
{
	static const char *const head[] = {
		"scenario", "kernel", "workers", "connections_completed", "duration_s", "throughput_cps",
		"jain_index", "cov", "max_share", "herd_factor", "wasted_wakeup_ratio", "latency_p50_us",
		"latency_p99_us", "latency_p999_us", "latency_max_us", "event_drops", "accepted",
		"listener_wakeups", "wasted_wakeups", "connections_refused", "connections_reset",
		"connections_timed_out", "connection_errors", "worker_restarts", "interrupted",
	};
	const struct run_summary *s = &r->summary;
	const struct loadgen_result *l = r->load;
	size_t i;

	for (i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		csv_str(f, head[i]);
	csv_end_row(f);
	csv_str(f, r->opts->scenario->name);
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
	csv_u64(f, s->listener_wakeups);
	csv_u64(f, s->listener_wasted);
	csv_u64(f, l->refused);
	csv_u64(f, l->reset);
	csv_u64(f, l->timed_out);
	csv_u64(f, l->other_errors);
	csv_u64(f, worker_restarts(r));
	csv_str(f, r->interrupted ? "yes" : "no");
	csv_end_row(f);
}

static const struct {
	const char *name;
	void (*write)(struct csv_file *f, const struct run_record *r);
} run_files[] = {
	{ "workers.csv", write_workers },
	{ "threads.csv", write_threads },
	{ "timeline.csv", write_timeline },
	{ "latency.csv", write_latency },
	{ "summary.csv", write_summary },
	{ "meta.csv", write_meta }, /* last: a folder with meta.csv is complete */
};

int write_run_files(const struct run_record *r, char *err, size_t err_size)
{
	size_t i;

	for (i = 0; i < sizeof(run_files) / sizeof(run_files[0]); i++) {
		struct csv_file *f = csv_open(r->dir, run_files[i].name);
		int ret;

		if (!f) {
			snprintf(err, err_size, "cannot write %s/%s: %s", r->dir, run_files[i].name, strerror(errno));
			return -1;
		}
		run_files[i].write(f, r);
		ret = csv_commit(f);
		if (ret) {
			snprintf(err, err_size, "cannot write %s/%s: %s", r->dir, run_files[i].name, strerror(-ret));
			return -1;
		}
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

void print_run_summary(FILE *out, const struct run_record *r)
{
	const struct run_summary *s = &r->summary;
	const struct loadgen_result *l = r->load;
	uint64_t self_total = 0;
	char a[32], b[32], c[32], d[32];
	size_t i;

	fprintf(out, "\n%s on Linux %s: %zu worker processes, %u client connections, %.1f s%s\n\n",
		r->opts->scenario->name, r->kernel_release, r->nworkers, r->opts->connections, r->duration_s,
		r->interrupted ? " (INTERRUPTED)" : "");
	fprintf(out, "%6s %8s %10s %10s %7s %10s %10s %10s\n", "worker", "pid", "accepted", "self-count",
		"share", "wakeups", "wasted", "eagain");
	for (i = 0; i < r->nworkers; i++) {
		const struct worker_record *w = &r->workers[i];
		char self[32];

		if (w->reported)
			snprintf(self, sizeof(self), "%llu", (unsigned long long)w->self_reported_accepted);
		else
			snprintf(self, sizeof(self), "-");
		self_total += w->self_reported_accepted;
		fprintf(out, "%6u %8d %10llu %10s %6s%% %10llu %10llu %10llu\n", w->index, w->pid,
			(unsigned long long)w->accepted, self,
			fmt(a, sizeof(a), s->accepted ? 100.0 * w->accepted / s->accepted : NAN, 1),
			(unsigned long long)worker_listener_wakeups(w), (unsigned long long)worker_listener_wasted(w),
			(unsigned long long)w->accept_eagain);
	}
	fprintf(out, "%6s %8s %10llu %10llu %7s %10llu %10llu\n\n", "total", "", (unsigned long long)s->accepted,
		(unsigned long long)self_total, "", (unsigned long long)s->listener_wakeups,
		(unsigned long long)s->listener_wasted);
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
	fprintf(out, "event drops          %llu\n", (unsigned long long)r->event_drops);
	fprintf(out, "run folder           %s\n", r->dir);
}
