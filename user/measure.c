// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* One measured run, as `run` (run.c) and `trace` (trace.c) drive it: the
 * set-up they share (begin_run), the measurement loop (measure: the load,
 * timeline samples, --kill-worker-after, the progress line), the
 * ring-buffer handler that fills the delay histograms and events.csv, and
 * the end (finish_run). Starting and stopping the server is the callers'
 * job; the record's tables are record.c's, the folder run_dir.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include "collector.h"
#include "common.h"
#include "measure.h"
#include "progress.h"
#include "run_dir.h"
#include "run_files.h"
#include "test_hooks.h"
#include "util.h"

/* How often the loop wakes (progress line, --kill-worker-after, news from
 * the server) when no timeline sample is due sooner. */
#define PROGRESS_TICK_MS 250
/* Finished processes of a traced server kept with rows of their own; the
 * older are folded into one row (record.h), which bounds a long trace of a
 * server that recycles its workers. */
#define FINISHED_ROWS 1000

/* Every delay sample lands twice: run-wide and under its pid (its pool
 * thread's tid), known to the process table yet or not -- a process learnt
 * late gets its rows at write time. Out of memory is the only loss. */
int on_event(void *ctx, const struct event *e)
{
	struct run_record *r = ctx;

	if (e->type == EVENT_DISPATCH_DELAY) {
		hist_record(&r->dispatch_delay_ns, e->value);
		histogram_set_record(&r->dispatch_delays, e->tgid, e->value);
	} else if (e->type == EVENT_ACCEPT_QUEUE_DELAY) {
		hist_record(&r->accept_queue_delay_ns, e->value);
		histogram_set_record(&r->accept_queue_delays, e->tgid, e->value);
	} else if (e->type == EVENT_POOL_QUEUE_WAIT) {
		hist_record(&r->queue_wait_ns, e->value);
		histogram_set_record(&r->queue_waits, e->tid, e->value);
	}
	if (r->events_csv)
		write_event(r, e);
	return 0;
}

void raise_fd_limit(void)
{
	struct rlimit rl;

	/* every client connection and its server side are fds */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

void join_command_line(char *out, size_t size, int argc, char **argv)
{
	size_t used = snprintf(out, size, "testbed");
	int i;

	for (i = 0; i < argc && used < size; i++)
		used += snprintf(out + used, size - used, " %s", argv[i]);
}

/* A random UUID (the kernel's), so that rows stacked from many runs and
 * machines (compare, kernels) still say which run each came from. */
static void make_run_id(char *out, size_t size)
{
	FILE *f = fopen("/proc/sys/kernel/random/uuid", "r");

	if (!f || !fgets(out, (int)size, f))
		snprintf(out, size, "%d-%llu", (int)getpid(), (unsigned long long)monotonic_ns());
	out[strcspn(out, "\n")] = '\0';
	if (f)
		fclose(f);
}

/* TESTBED_SOAK_STATS: one line of the record's rows in memory per sample. */
static void note_record_rows(const struct run_record *r, uint64_t elapsed_ms)
{
	const char *path = bench_soak_stats_path();
	struct record_rows rows = record_rows(r);
	FILE *f;

	if (!path || !(f = fopen(path, "a")))
		return;
	fprintf(f, "%llu,%zu,%zu,%zu,%zu\n", (unsigned long long)elapsed_ms, rows.processes, rows.threads,
		rows.timeline, rows.histograms);
	fclose(f);
}

int measure(struct run_record *r, struct collector *c, const struct subject_ops *subject)
{
	struct loadgen_config cfg = {
		.target = r->target,
		.target_len = r->target_len,
		.connections = r->opts->connections,
		.threads = r->opts->loadgen_threads,
		.duration_s = r->opts->duration_s,
		.requests = r->opts->requests,
		.keepalive = r->opts->keepalive,
		.timeout_ms = r->opts->timeout_ms,
		.rate_cps = r->opts->rate_cps,
		.arrivals = r->opts->arrivals,
		.netns_target = r->netns_server_addr,
	};
	uint64_t start_ns, next_sample_ns, last_sample_ms = 0, interval_ns = r->opts->interval_ms * 1000000ull;
	uint64_t kill_at_ns = 0, end_ns = UINT64_MAX;
	struct loadgen *lg = NULL;
	struct error_message err = { "" };
	struct kernel_counters kernel_start, kernel_end;

	r->load = calloc(1, sizeof(*r->load));
	if (!r->load) {
		error_msg("out of memory");
		return -1;
	}
	hist_init(&r->load->latency_ns);
	if (kernel_counters_read(r->netns_pid, &kernel_start, &err))
		error_msg("no kernel TCP counters for this run (summary.csv leaves them empty): %s", err.text);
	collector_set_counting(c, true);
	start_ns = r->load_start_ns = monotonic_ns();
	if (r->target_len) {
		lg = loadgen_start(&cfg, &err);
		if (!lg) {
			free(r->load);
			r->load = NULL;
			collector_set_counting(c, false);
			error_msg("%s", err.text);
			return -1;
		}
	} else if (r->opts->duration_given) {
		end_ns = start_ns + (uint64_t)(r->opts->duration_s * 1e9);
	}
	if (r->opts->kill_worker_after_s && subject->kill_worker)
		kill_at_ns = start_ns + (uint64_t)(r->opts->kill_worker_after_s * 1e9);
	next_sample_ns = start_ns + interval_ns;
	for (;;) {
		uint64_t now = monotonic_ns();
		int wait_ms = PROGRESS_TICK_MS;

		if (lg ? loadgen_done(lg) : now >= end_ns || exiting)
			break;
		if (exiting && !r->interrupted) {
			r->interrupted = true;
			loadgen_stop(lg);
		}
		if (kill_at_ns && now >= kill_at_ns) {
			subject->kill_worker(r);
			kill_at_ns = 0;
		}
		collector_poll_events(c);
		if (now >= next_sample_ns) {
			uint64_t now_ms = (now - start_ns) / 1000000;

			sample_timeline(r, c, last_sample_ms, now_ms);
			note_record_rows(r, now_ms);
			last_sample_ms = now_ms;
			next_sample_ns += interval_ns;
		}
		if (isatty(STDERR_FILENO)) {
			read_counters(r, c); /* fresh shares for the bars */
			show_progress(r, (now - start_ns) / 1e9, lg ? loadgen_completed(lg) : 0, collector_event_drops(c));
		}
		if (next_sample_ns > now && (next_sample_ns - now) / 1000000 < (uint64_t)wait_ms)
			wait_ms = (int)((next_sample_ns - now) / 1000000) + 1;
		if (kill_at_ns && kill_at_ns > now && (kill_at_ns - now) / 1000000 < (uint64_t)wait_ms)
			wait_ms = (int)((kill_at_ns - now) / 1000000) + 1;
		/* restarts and exits arrive meanwhile */
		if (!subject->wait(r, c, subject->ctx, wait_ms)) {
			r->subject_gone = true;
			loadgen_stop(lg);
			break;
		}
	}
	if (exiting)
		r->interrupted = true;
	loadgen_finish(lg, r->load);
	collector_set_counting(c, false);
	if (kernel_counters_read(r->netns_pid, &kernel_end, &err) == 0)
		kernel_counters_delta(&kernel_start, &kernel_end, &r->kernel);
	else
		error_msg("no kernel TCP counters for this run (summary.csv leaves them empty): %s", err.text);
	collector_poll_events(c);
	r->events_produced = collector_events_produced(c);
	end_progress();
	/* the load window: its start to the last answer (the loop above notices
	 * the load's end a tick late, which would understate the rate) */
	if (r->target_len && r->load->end_ns > start_ns)
		r->duration_s = (r->load->end_ns - start_ns) / 1e9;
	else
		r->duration_s = (monotonic_ns() - start_ns) / 1e9;
	return sample_timeline(r, c, last_sample_ms, (monotonic_ns() - start_ns) / 1000000);
}

int begin_run(struct run_record *r, int argc, char **argv, struct collector **c)
{
	struct utsname uts;
	struct error_message err = { "" };

	install_exit_signals();
	raise_fd_limit();
	hist_init(&r->dispatch_delay_ns);
	hist_init(&r->accept_queue_delay_ns);
	hist_init(&r->queue_wait_ns);
	r->finished_rows_max = test_finished_rows(FINISHED_ROWS);
	uname(&uts);
	snprintf(r->kernel_release, sizeof(r->kernel_release), "%s", uts.release);
	join_command_line(r->command_line, sizeof(r->command_line), argc, argv);
	if (make_run_dir(r, &err)) {
		error_msg("%s", err.text);
		return r->opts->out_dir ? EXIT_USAGE : EXIT_FAIL;
	}
	utc_timestamp(r->start_time, sizeof(r->start_time), "%Y-%m-%dT%H:%M:%SZ");
	make_run_id(r->run_id, sizeof(r->run_id));
	if (r->opts->events && open_events_csv(r, &err)) {
		error_msg("%s", err.text);
		return -1;
	}
	*c = collector_open(&(struct collector_options){ .stream_events = r->opts->events, .load_only = r->opts->no_trace,
						.ring_buffer_kb = r->opts->ring_buffer_kb },
			    on_event, r, &err);
	if (!*c) {
		error_msg("%s", err.text);
		return -1;
	}
	/* a copy: meta.csv is written after the collector is closed */
	r->tracepoints = strdup(collector_tracepoints(*c));
	return 0;
}

int finish_run(struct run_record *r, struct collector *c, int ret)
{
	utc_timestamp(r->end_time, sizeof(r->end_time), "%Y-%m-%dT%H:%M:%SZ");
	if (c && r->load) {
		/* samples owed to the window and sent since measure() ended: a
		 * hand-off read late, a program that saw the window still open;
		 * hand-offs never read are counted, not waited for */
		r->dispatch_unread = collector_unread_handoffs(c);
		collector_poll_events(c);
		r->events_produced = collector_events_produced(c);
		r->recursion_misses = collector_recursion_misses(c);
		r->listener_stack_failures = collector_listener_stack_failures(c);
		read_counters(r, c);
		if (r->recursion_misses)
			error_msg("the kernel skipped %llu runs of the tracer's programs (one was already running on "
				  "that CPU): counts may be short by as many events (recursion_misses in meta.csv)",
				  (unsigned long long)r->recursion_misses);
		if (r->listener_stack_failures)
			error_msg("%llu wakeups of threads waiting in accept, poll or select could not be judged (the "
				  "kernel gave no stack): listener_wakeups and herd_factor may be short by as many "
				  "(listener_stack_failures in meta.csv)",
				  (unsigned long long)r->listener_stack_failures);
		if (r->processes_folded)
			error_msg("%llu finished processes beyond the last %zu are folded into one row: pid 0 in "
				  "workers.csv, tid 0 in threads.csv (totals unchanged)",
				  (unsigned long long)r->processes_folded, r->finished_rows_max);
		if (r->thread_accounting.untracked)
			error_msg("%llu threads of the traced processes found the tracer's threads map full and "
				  "were not counted (threads_untracked in meta.csv)",
				  (unsigned long long)r->thread_accounting.untracked);
	}
	if (c)
		r->event_drops = collector_event_drops(c);
	collector_close(c);
	/* 130 for a signal at any point; the folder (interrupted=yes/no, set by
	 * measure()) says whether the measurement itself was cut short */
	if (publish_run(r) && r->load)
		ret = EXIT_FAIL;
	else if (exiting || r->interrupted)
		ret = EXIT_INTERRUPTED;
	free_record(r);
	return ret;
}
