// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* What `run` and `trace` share: the run record (processes, counters,
 * timeline, delay histograms), the run folder, and the measurement loop. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include "collector.h"
#include "common.h"
#include "report.h"
#include "run.h"
#include "util.h"

#define PROGRESS_TICK_MS 250

struct process_record *process_add(struct run_record *r, enum process_role role, unsigned index,
					  pid_t pid)
{
	if (grow_array(&r->procs, &r->procs_capacity, r->nprocs + 1, sizeof(*r->procs)))
		return NULL;
	r->procs[r->nprocs] = (struct process_record){ .role = role, .worker_index = index, .pid = pid };
	return &r->procs[r->nprocs++];
}

struct process_record *process_by_pid(struct run_record *r, pid_t pid)
{
	size_t i;

	for (i = 0; i < r->nprocs; i++)
		if (r->procs[i].pid == pid)
			return &r->procs[i];
	return NULL;
}


/* SUM += T, counter by counter: thread_counters is all __u64. */
static void add_counters(struct thread_counters *sum, const struct thread_counters *t)
{
	__u64 *out = (__u64 *)sum;
	const __u64 *in = (const __u64 *)t;
	size_t k;

	for (k = 0; k < sizeof(*sum) / sizeof(__u64); k++)
		out[k] += in[k];
}

/* Folds the per-thread counters into their processes. */
static void aggregate_threads(struct run_record *r, const struct thread_stats *threads, size_t n)
{
	size_t i;

	for (i = 0; i < r->nprocs; i++) {
		memset(&r->procs[i].totals, 0, sizeof(r->procs[i].totals));
		r->procs[i].threads = 0;
	}
	for (i = 0; i < n; i++) {
		struct process_record *p = process_by_pid(r, (pid_t)threads[i].tgid);

		/* tracing someone else's server: every process of the tree counts,
		 * the root is the master and the others its workers */
		if (!p && r->discover_processes)
			p = process_add(r, ROLE_WORKER, r->nprocs ? (unsigned)r->nprocs - 1 : 0, (pid_t)threads[i].tgid);
		if (!p)
			continue;
		p->threads++;
		add_counters(&p->totals, &threads[i].counters);
	}
}

static int timeline_add(struct run_record *r, const struct timeline_row *row)
{
	if (grow_array(&r->timeline, &r->timeline_capacity, r->ntimeline + 1, sizeof(*r->timeline)))
		return -1;
	r->timeline[r->ntimeline++] = *row;
	return 0;
}

/* Reads every thread's counters and folds them into the processes. */
int read_counters(struct run_record *r, struct collector *c)
{
	struct thread_stats *threads;
	size_t n;

	if (collector_read_threads(c, &threads, &n))
		return -1;
	aggregate_threads(r, threads, n);
	free(r->threads);
	r->threads = threads;
	r->nthreads = n;
	return 0;
}

/* Reads the counters and appends one timeline row per worker for (start, end]. */
static int sample(struct run_record *r, struct collector *c, uint64_t start_ms, uint64_t end_ms)
{
	size_t i;

	if (read_counters(r, c))
		return -1;
	for (i = 0; i < r->nprocs; i++) {
		struct process_record *p = &r->procs[i];
		uint64_t connections = process_connections(p), wakeups = process_listener_wakeups(p),
			 wasted = process_listener_wasted(p);
		struct timeline_row row = {
			.start_ms = start_ms, .end_ms = end_ms, .worker_index = p->worker_index, .pid = p->pid,
			.connections = connections - p->sampled_connections,
			.listener_wakeups = wakeups - p->sampled_wakeups,
			.listener_wasted = wasted - p->sampled_wasted,
		};

		p->sampled_connections = connections;
		p->sampled_wakeups = wakeups;
		p->sampled_wasted = wasted;
		if (p->role == ROLE_WORKER && timeline_add(r, &row))
			return -1;
	}
	return 0;
}


/* Records VALUE in *H, allocating the histogram on first use. */
static void record_lazily(struct histogram **h, uint64_t value)
{
	if (!*h) {
		*h = malloc(sizeof(**h));
		if (!*h)
			return;
		hist_init(*h);
	}
	hist_record(*h, value);
}

/* The per-thread histogram slot for TID (added on first use), or NULL. */
static struct histogram **thread_histogram_slot(struct run_record *r, uint32_t tid)
{
	size_t i;

	for (i = 0; i < r->nqueue_waits; i++)
		if (r->queue_waits[i].tid == tid)
			return &r->queue_waits[i].h;
	if (grow_array(&r->queue_waits, &r->queue_waits_capacity, r->nqueue_waits + 1, sizeof(*r->queue_waits)))
		return NULL;
	r->queue_waits[r->nqueue_waits] = (struct thread_histogram){ .tid = tid };
	return &r->queue_waits[r->nqueue_waits++].h;
}

/* Ring-buffer records: delays into histograms, everything into events.csv
 * with --events. */
int on_event(void *ctx, const struct event *e)
{
	struct run_record *r = ctx;
	struct process_record *p = process_by_pid(r, (pid_t)e->tgid);

	if (e->type == EVENT_DISPATCH_DELAY) {
		hist_record(&r->dispatch_delay_ns, e->value);
		if (p)
			record_lazily(&p->dispatch_delay_ns, e->value);
	} else if (e->type == EVENT_ACCEPT_QUEUE_DELAY && p) {
		hist_record(&r->accept_queue_delay_ns, e->value);
		record_lazily(&p->accept_queue_delay_ns, e->value);
	} else if (e->type == EVENT_POOL_QUEUE_WAIT) {
		struct histogram **h = thread_histogram_slot(r, e->tid);

		hist_record(&r->queue_wait_ns, e->value);
		if (h)
			record_lazily(h, e->value);
	}
	if (r->events_csv) {
		write_event_row(r->events_csv, e, r->load_start_ns);
		r->events_written++;
	}
	return 0;
}

/* One status line on a terminal: time, rate, each worker's share of the
 * connections so far as a bar (full = the busiest worker), event drops. */
static void show_progress(const struct run_record *r, double elapsed_s, uint64_t completed, uint64_t drops)
{
	static const char *const bars[] = { " ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	uint64_t busiest = 0;
	size_t i;

	if (!isatty(STDERR_FILENO))
		return;
	for (i = 0; i < r->nprocs; i++)
		if (r->procs[i].role == ROLE_WORKER && !r->procs[i].exited &&
		    process_connections(&r->procs[i]) > busiest)
			busiest = process_connections(&r->procs[i]);
	fprintf(stderr, "\r\033[K%s %5.1f/%.1f s %9llu conn %8.0f/s  workers ", r->scenario_name,
		elapsed_s, r->opts->duration_s, (unsigned long long)completed, elapsed_s > 0 ? completed / elapsed_s : 0.0);
	for (i = 0; i < r->nprocs && i < 64; i++) {
		const struct process_record *p = &r->procs[i];

		if (p->role == ROLE_WORKER && !p->exited)
			fputs(bars[busiest ? (process_connections(p) * 8 + busiest / 2) / busiest : 0], stderr);
	}
	fprintf(stderr, "  drops %llu", (unsigned long long)drops);
	fflush(stderr);
}

static void end_progress(void)
{
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\r\033[K");
}

int is_empty_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int empty = 1;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			empty = 0;
			break;
		}
	closedir(d);
	return empty;
}

static int mkdir_parents(const char *path)
{
	char buf[PATH_MAX];
	char *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, 0755);
}

/* Creates the run folder: --out as given (refusing a non-empty one unless
 * --force), else a new results/<scenario>-<kernel>-<time>[-N]. */
int make_run_dir(struct run_record *r, struct error_message *err)
{
	char stamp[32];
	int attempt;

	if (r->opts->out_dir) {
		struct stat st;

		snprintf(r->dir, sizeof(r->dir), "%s", r->opts->out_dir);
		if (mkdir_parents(r->dir) == 0)
			return 0;
		if (errno == EEXIST && (stat(r->dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
			error_message_set(err, "%s exists and is not a folder", r->dir);
			return -1;
		}
		if (errno == EEXIST && (r->opts->force || is_empty_dir(r->dir)))
			return 0;
		if (errno == EEXIST)
			error_message_set(err, "%s already exists and is not empty; use --force to write into it",
				 r->dir);
		else
			error_message_set(err, "cannot create %s: %s", r->dir, strerror(errno));
		return -1;
	}
	utc_timestamp(stamp, sizeof(stamp), "%Y%m%d-%H%M%S");
	for (attempt = 1; attempt < 100; attempt++) {
		int len = snprintf(r->dir, sizeof(r->dir), "results/%s-%s-%s", r->scenario_name,
				   r->kernel_release, stamp);

		if (attempt > 1)
			snprintf(r->dir + len, sizeof(r->dir) - len, "-%d", attempt);
		if (mkdir_parents(r->dir) == 0)
			return 0;
		if (errno != EEXIST)
			break;
	}
	error_message_set(err, "cannot create %s: %s", r->dir, strerror(errno));
	return -1;
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


/* Opens the measurement window, drives the load (if any) until it ends, or
 * watches until --duration, Ctrl-C or the server's end; samples the
 * timeline on the way, then closes the window. */
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
	};
	uint64_t start_ns, next_sample_ns, last_sample_ms = 0, interval_ns = r->opts->interval_ms * 1000000ull;
	uint64_t kill_at_ns = 0, end_ns = UINT64_MAX;
	struct loadgen *lg = NULL;
	struct error_message err = { "" };

	r->load = calloc(1, sizeof(*r->load));
	if (!r->load) {
		error_msg("out of memory");
		return -1;
	}
	hist_init(&r->load->latency_ns);
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

			sample(r, c, last_sample_ms, now_ms);
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
	collector_poll_events(c);
	r->events_produced = collector_events_produced(c);
	end_progress();
	/* the load window: its start to the last answer (the loop above notices
	 * the load's end a tick late, which would understate the rate) */
	if (r->target_len && r->load->end_ns > start_ns)
		r->duration_s = (r->load->end_ns - start_ns) / 1e9;
	else
		r->duration_s = (monotonic_ns() - start_ns) / 1e9;
	return sample(r, c, last_sample_ms, (monotonic_ns() - start_ns) / 1000000);
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
	uname(&uts);
	snprintf(r->kernel_release, sizeof(r->kernel_release), "%s", uts.release);
	join_command_line(r->command_line, sizeof(r->command_line), argc, argv);
	if (make_run_dir(r, &err)) {
		error_msg("%s", err.text);
		return r->opts->out_dir ? EXIT_USAGE : EXIT_FAIL;
	}
	utc_timestamp(r->start_time, sizeof(r->start_time), "%Y-%m-%dT%H:%M:%SZ");
	if (r->opts->events && !(r->events_csv = open_events_csv(r->dir, &err))) {
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

/* Writes the run folder and prints the summary (and with --report the
 * report); without a measurement, removes the folder it would have filled.
 * 0, or -1 after saying what failed. */
/* Under sudo, hands the run folder and its files (and a results/ folder
 * made for it) to the user who typed the command, who can then read, move
 * and delete them without root. */
static void give_to_sudo_user(const char *dir)
{
	const char *uid_text = getenv("SUDO_UID"), *gid_text = getenv("SUDO_GID");
	uint64_t uid, gid;
	char path[PATH_MAX * 2];
	struct dirent *e;
	DIR *d;

	if (geteuid() != 0 || parse_u64(uid_text, 1, UINT32_MAX - 1, &uid) ||
	    parse_u64(gid_text, 0, UINT32_MAX - 1, &gid))
		return;
	d = opendir(dir);
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lchown(path, (uid_t)uid, (gid_t)gid))
			debug_msg("cannot hand %s to uid %llu: %s", path, (unsigned long long)uid, strerror(errno));
	}
	if (d)
		closedir(d);
	if (lchown(dir, (uid_t)uid, (gid_t)gid) == 0 && strncmp(dir, "results/", 8) == 0)
		lchown("results", (uid_t)uid, (gid_t)gid); /* ours when it only holds runs */
}

static int publish_run(struct run_record *r)
{
	struct error_message report_err = { 0 };
	unsigned figures = 0;
	struct error_message err = { "" };

	if (!r->load) {
		/* nothing measured: leave no empty or misleading folder behind */
		csv_abort(r->events_csv);
		r->events_csv = NULL;
		if (r->dir[0] && is_empty_dir(r->dir))
			rmdir(r->dir);
		return -1;
	}
	summarize_record(r);
	if (write_run_files(r, &err)) {
		error_msg("%s", err.text);
		return -1;
	}
	print_run_summary(stdout, r);
	if (!r->opts->report) {
		printf("report               ./testbed report %s\n", r->dir);
		give_to_sudo_user(r->dir);
		return 0;
	}
	if (report_write(r->dir, &figures, &report_err)) {
		error_msg("report: %s", report_err.text);
		give_to_sudo_user(r->dir);
		return -1;
	}
	printf("report               %s/report.html (%u figures)\n", r->dir, figures);
	give_to_sudo_user(r->dir);
	return 0;
}

int finish_run(struct run_record *r, struct collector *c, int ret)
{
	utc_timestamp(r->end_time, sizeof(r->end_time), "%Y-%m-%dT%H:%M:%SZ");
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

void free_record(struct run_record *r)
{
	size_t i;

	for (i = 0; i < r->nprocs; i++) {
		free(r->procs[i].dispatch_delay_ns);
		free(r->procs[i].accept_queue_delay_ns);
	}
	for (i = 0; i < r->nqueue_waits; i++)
		free(r->queue_waits[i].h);
	free(r->queue_waits);
	free(r->procs);
	free(r->threads);
	free(r->timeline);
	free(r->load);
	free(r->tracepoints);
	csv_abort(r->events_csv);
}
