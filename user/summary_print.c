// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The summary `run` and `trace` print: a row per process (connections, own
 * count, share, listener wakeups, listener_wasted, -EAGAIN accepts), the
 * run's figures (fairness, herd, throughput, latency, IPC, delays), the
 * pool's, the run folder, a one-line verdict (worded by
 * analysis/presentation.c) and with --hist bcc-style log2 histograms. The same figures as summary.csv and
 * workers.csv, from the same functions (record.c, analysis/metrics.c); the
 * CSV files themselves are run_files.c's. */
#include <math.h>
#include <stdio.h>
#include "histogram_print.h"
#include "metrics.h"
#include "presentation.h"
#include "summary_print.h"
#include "wake_order_record.h"

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

	fprintf(out, "%-8s %8s %11s %10s %7s %10s %10s %10s %10s\n", "process", "pid", "connections", "self-count",
		"share", "wakeups", "poll-wake", "wasted", "eagain");
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
		fprintf(out, "%-8s %8d %11llu %10s %6s%% %10llu %10llu %10llu %10llu\n", who, p->pid,
			(unsigned long long)process_connections(p), self,
			fmt(a, sizeof(a), worker ? 100.0 * connection_share(process_connections(p), worker_total) : NAN, 1),
			(unsigned long long)process_listener_wakeups(p), (unsigned long long)process_poll_wakeups(p),
			(unsigned long long)process_listener_wasted(p),
			(unsigned long long)p->totals.accept_eagain);
	}
	fprintf(out, "%-8s %8s %11llu %10llu\n\n", "workers", "", (unsigned long long)worker_total,
		(unsigned long long)self_total);
}

static void print_delay(FILE *out, const char *label, const struct histogram *h, const char *what)
{
	char a[32], b[32], c[32];

	if (h->total)
		fprintf(out, "%-20s p50 %s   p99 %s   max %s   (%s)\n", label,
			fmt(a, sizeof(a), histogram_percentile_us(h, 50), 1),
			fmt(b, sizeof(b), histogram_percentile_us(h, 99), 1), fmt(c, sizeof(c), histogram_max_us(h), 1),
			what);
}

/* Node's libuv pool: its jobs by kind, and those outside the window. */
static void print_libuv_kinds(FILE *out, const struct run_record *r, const struct pool_totals *totals)
{
	static const char *const kinds[LIBUV_KIND_COUNT] = {
		[LIBUV_FS] = "fs", [LIBUV_WORK] = "work", [LIBUV_DNS] = "dns", [LIBUV_RANDOM] = "random",
	};

	fprintf(out, "libuv jobs           by kind:");
	for (size_t k = 0; k < LIBUV_KIND_COUNT; k++)
		fprintf(out, " %s %llu ", kinds[k], (unsigned long long)totals->libuv_jobs[k]);
	fprintf(out, "  (outside the window %llu, submits lost %llu)\n",
		(unsigned long long)(totals->libuv_jobs_whole_run - totals->jobs),
		(unsigned long long)r->libuv_submits_lost);
}

/* Per pool thread: jobs, busy share, queue wait, futex wakeups (the pool's herd). */
static void print_pool_threads(FILE *out, const struct run_record *r)
{
	struct pool_totals totals = record_pool_totals(r);
	char a[32], b[32], c[32];
	size_t i;

	if (!totals.threads)
		return;
	if (r->opts->threads)
		fprintf(out, "\npool (%u threads per worker, %s:%llu, %s wake-up, %s completion)\n", r->opts->threads,
			work_kind_name(r->opts->work_kind), (unsigned long long)r->opts->work_amount,
			pool_wake_name(r->opts->pool_wake), pool_notify_name(r->opts->pool_notify));
	else
		fprintf(out, "\npool (Node's libuv, %u threads)\n", totals.threads);
	fprintf(out, "%8s %8s %-11s %8s %6s %12s %12s %10s %10s\n", "worker", "tid", "thread", "jobs", "busy",
		"wait p50 us", "wait p99 us", "futex wk", "wasted");
	for (i = 0; i < r->nthreads; i++) {
		const struct thread_stats *t = &r->threads[i];
		const struct process_record *p = NULL;
		const struct histogram *waits = thread_queue_waits(r, t->tid);
		char comm[TASK_COMM_LEN + 1];
		size_t k;

		if (!is_pool_thread(r, t))
			continue;
		for (k = 0; k < r->nprocs; k++)
			if ((uint32_t)r->procs[k].pid == t->tgid)
				p = &r->procs[k];
		fprintf(out, "%8u %8u %-11s %8llu %5s%% %12s %12s %10llu %10llu\n", p ? p->worker_index : 0, t->tid,
			thread_comm(t, comm), (unsigned long long)t->counters.jobs_run,
			fmt(a, sizeof(a), 100.0 * pool_utilisation(t->counters.job_busy_ns, 1, r->duration_s), 1),
			fmt(b, sizeof(b), histogram_percentile_us(waits, 50), 1),
			fmt(c, sizeof(c), histogram_percentile_us(waits, 99), 1),
			(unsigned long long)t->counters.wakeups[CLASS_FUTEX],
			(unsigned long long)t->counters.wasted_wakeups[CLASS_FUTEX]);
	}
	fprintf(out, "pool jobs            %llu   utilisation %s   queue wait us p50 %s p99 %s   futex wakeups %llu, "
		"wasted %llu\n", (unsigned long long)totals.jobs,
		fmt(a, sizeof(a), pool_utilisation(totals.busy_ns, totals.threads, r->duration_s), 3),
		fmt(b, sizeof(b), histogram_percentile_us(&r->queue_wait_ns, 50), 1),
		fmt(c, sizeof(c), histogram_percentile_us(&r->queue_wait_ns, 99), 1),
		(unsigned long long)totals.futex_wakeups, (unsigned long long)totals.wasted_futex_wakeups);
	if (!r->opts->threads)
		print_libuv_kinds(out, r, &totals);
	fputc('\n', out);
}

/* Only when the kernel dropped handshakes: then the clients' losses and the
 * latency tail have a cause our counters cannot see. */
static void print_kernel_drops(FILE *out, const struct kernel_counters *k)
{
	if (!k->value[KC_LISTEN_OVERFLOWS] && !k->value[KC_LISTEN_DROPS] && !k->value[KC_REQ_QFULL_DROPS])
		return;
	fprintf(out, "kernel drops         %llu listen overflows (accept queue full), %llu listen drops, "
		"%llu request-queue drops (machine-wide)\n", (unsigned long long)k->value[KC_LISTEN_OVERFLOWS],
		(unsigned long long)k->value[KC_LISTEN_DROPS], (unsigned long long)k->value[KC_REQ_QFULL_DROPS]);
}

/* The line a reader takes away: unfair, herd, or fair (presentation.c's words). */
static void print_verdict(FILE *out, const struct run_record *r)
{
	const struct run_summary *s = &r->summary;
	uint64_t total = worker_connections_total(r), most = 0;
	struct verdict_input in = {
		.jain_index = s->jain_index, .herd_factor = s->herd_factor,
		.wasted_ratio = s->wasted_wakeup_ratio, .busiest_worker = -1,
	};
	char text[256];

	for (size_t i = 0; i < r->nprocs; i++) {
		const struct process_record *p = &r->procs[i];

		if (p->role != ROLE_WORKER)
			continue;
		in.workers++;
		if (in.busiest_worker < 0 || process_connections(p) > most) {
			most = process_connections(p);
			in.busiest_worker = p->worker_index;
		}
	}
	in.busiest_share = connection_share(most, total);
	fprintf(out, "verdict              %s\n", verdict_text(&in, text, sizeof(text)));
}

/* --hist: the whole run's client latency and accept-queue delay, log2 slots. */
static void print_histograms(FILE *out, const struct run_record *r)
{
	fprintf(out, "\nclient latency: %llu requests\n", (unsigned long long)r->load->latency_ns.total);
	histogram_print_log2(out, &r->load->latency_ns, "usecs");
	if (r->accept_queue_delay_ns.total) {
		fprintf(out, "\naccept-queue delay: %llu connections\n",
			(unsigned long long)r->accept_queue_delay_ns.total);
		histogram_print_log2(out, &r->accept_queue_delay_ns, "usecs");
	}
	fputc('\n', out);
}

void print_run_summary(FILE *out, const struct run_record *r)
{
	const struct run_summary *s = &r->summary;
	const struct loadgen_result *l = r->load;
	size_t workers = r->nprocs ? r->nprocs - 1 : 0;
	struct thread_counters all;
	char a[32], b[32], c[32], d[32];

	record_totals(r, &all);
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
	fprintf(out, "poll wakeups         %s   per accepted connection (accept- and poll-class: client I/O too)\n",
		fmt(a, sizeof(a), ratio_or_nan((double)s->poll_wakeups, (double)s->accepted), 3));
	fprintf(out, "wasted-wakeup ratio  %s   (listener_wasted / poll wakeups: rounds that found nothing to accept)\n",
		fmt(a, sizeof(a), s->wasted_wakeup_ratio, 3));
	fprintf(out, "throughput           %s conn/s   (%llu completed, %llu refused, %llu reset, %llu timed out, "
		"%llu other errors)\n", fmt(a, sizeof(a), s->throughput_cps, 1), (unsigned long long)l->completed,
		(unsigned long long)l->refused, (unsigned long long)l->reset, (unsigned long long)l->timed_out,
		(unsigned long long)l->other_errors);
	fprintf(out, "latency us           p50 %s   p99 %s   p99.9 %s   max %s\n", fmt(a, sizeof(a), s->latency_p50_us, 1),
		fmt(b, sizeof(b), s->latency_p99_us, 1), fmt(c, sizeof(c), s->latency_p999_us, 1),
		fmt(d, sizeof(d), s->latency_max_us, 1));
	fprintf(out, "pipe reads           %llu (%llu bytes)   unix-socket receives %llu, fds received %llu\n",
		(unsigned long long)all.reads[CLASS_PIPE_READ], (unsigned long long)all.read_bytes[CLASS_PIPE_READ],
		(unsigned long long)all.reads[CLASS_UNIX_RECV], (unsigned long long)all.fds_received);
	print_delay(out, "accept-queue us", &r->accept_queue_delay_ns, "handshake done -> accept() returned it");
	print_delay(out, "dispatch delay us", &r->dispatch_delay_ns, "master's accept -> worker's first read");
	if (r->killed_pid)
		fprintf(out, "killed worker        %lld (pid %d); back after %s ms; connections lost %llu%s\n",
			(long long)r->killed_worker_index, r->killed_pid, fmt(a, sizeof(a), r->restart_ms, 1),
			(unsigned long long)record_connections_lost(r), r->opts->migrate ? " (tcp_migrate_req=1)" : "");
	print_pool_threads(out, r);
	print_wake_order(out, r);
	print_kernel_drops(out, &r->kernel);
	fprintf(out, "event drops          %llu\n", (unsigned long long)r->event_drops);
	if (r->port)
		fprintf(out, "port                 %u\n", r->port);
	fprintf(out, "run folder           %s\n", r->dir);
	if (r->opts->hist)
		print_histograms(out, r);
	print_verdict(out, r);
}
