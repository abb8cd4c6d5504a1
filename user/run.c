// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* `testbed run SCENARIO`: load the tracer, start the scenario's master under
 * it, drive it with the load generator, sample the counters, stop everything
 * and write the run folder. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include "collector.h"
#include "common.h"
#include "run.h"
#include "server.h"

#define READY_TIMEOUT_MS 10000
#define STOP_TIMEOUT_MS 5000
#define PROGRESS_TICK_MS 250
#define MIGRATE_SYSCTL "/proc/sys/net/ipv4/tcp_migrate_req"

static struct process_record *process_add(struct run_record *r, enum process_role role, unsigned index,
					  pid_t pid)
{
	if (r->nprocs == r->procs_capacity) {
		size_t capacity = r->procs_capacity ? 2 * r->procs_capacity : 16;
		struct process_record *grown = realloc(r->procs, capacity * sizeof(*grown));

		if (!grown)
			return NULL;
		r->procs = grown;
		r->procs_capacity = capacity;
	}
	r->procs[r->nprocs] = (struct process_record){ .role = role, .worker_index = index, .pid = pid };
	return &r->procs[r->nprocs++];
}

static struct process_record *process_by_pid(struct run_record *r, pid_t pid)
{
	size_t i;

	for (i = 0; i < r->nprocs; i++)
		if (r->procs[i].pid == pid)
			return &r->procs[i];
	return NULL;
}

static pid_t master_pid(const struct run_record *r)
{
	return r->nprocs ? r->procs[0].pid : -1;
}

/* Applies one message from the master. -1 when the master reported an error. */
static int apply_status(struct run_record *r, const struct status_msg *m, struct collector *c)
{
	struct process_record *p = process_by_pid(r, m->pid);

	switch (m->type) {
	case STATUS_WORKER_STARTED:
		/* the fork tracepoint already follows it; adding it here closes any race */
		collector_trace_tgid(c, m->pid);
		if (!p && !process_add(r, ROLE_WORKER, m->worker_index, m->pid))
			return -1;
		debug_msg("worker %u started as pid %d", m->worker_index, m->pid);
		break;
	case STATUS_WORKER_READY:
		if (p)
			p->ready = true;
		if (r->killed_pid && (int64_t)m->worker_index == r->killed_worker_index && m->pid != r->killed_pid &&
		    isnan(r->restart_ms))
			r->restart_ms = (monotonic_ns() - r->killed_at_ns) / 1e6;
		break;
	case STATUS_WORKER_EXITED:
		if (p) {
			p->exited = true;
			p->wait_status = (int)m->value;
		}
		debug_msg("worker %u (pid %d) exited, status 0x%llx", m->worker_index, m->pid,
			  (unsigned long long)m->value);
		break;
	case STATUS_WORKER_REPORT:
	case STATUS_MASTER_REPORT:
		if (p) {
			p->reported = true;
			p->self_reported = m->value;
		}
		break;
	case STATUS_WORKER_POOL_REPORT:
		if (p) {
			p->pool_reported = true;
			p->pool_jobs_reported = m->value;
		}
		break;
	case STATUS_READY:
		r->port = (unsigned)m->value;
		break;
	case STATUS_ERROR:
		error_msg("%.*s", (int)sizeof(m->text), m->text);
		return -1;
	}
	return 0;
}

static void add_thread(struct thread_stats *sum, const struct thread_stats *t)
{
	int k;

	for (k = 0; k < CLASS_COUNT; k++) {
		sum->wakeups[k] += t->wakeups[k];
		sum->wasted_wakeups[k] += t->wasted_wakeups[k];
		sum->reads[k] += t->reads[k];
		sum->read_bytes[k] += t->read_bytes[k];
		sum->blocked_ns[k] += t->blocked_ns[k];
	}
	sum->fds_received += t->fds_received;
	sum->accepted += t->accepted;
	sum->accept_eagain += t->accept_eagain;
	sum->accept_eagain_wasted += t->accept_eagain_wasted;
	sum->oncpu_ns += t->oncpu_ns;
	sum->runq_wait_ns += t->runq_wait_ns;
	sum->runq_waits += t->runq_waits;
	sum->jobs_run += t->jobs_run;
	sum->job_busy_ns += t->job_busy_ns;
	sum->voluntary_switches += t->voluntary_switches;
	sum->involuntary_switches += t->involuntary_switches;
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

		if (!p)
			continue;
		p->threads++;
		add_thread(&p->totals, &threads[i]);
	}
}

static int timeline_add(struct run_record *r, const struct timeline_row *row)
{
	if (r->ntimeline == r->timeline_capacity) {
		size_t capacity = r->timeline_capacity ? 2 * r->timeline_capacity : 256;
		struct timeline_row *grown = realloc(r->timeline, capacity * sizeof(*grown));

		if (!grown)
			return -1;
		r->timeline = grown;
		r->timeline_capacity = capacity;
	}
	r->timeline[r->ntimeline++] = *row;
	return 0;
}

/* Reads every thread's counters and folds them into the processes. */
static int read_counters(struct run_record *r, struct collector *c)
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
	if (r->nqueue_waits == r->queue_waits_capacity) {
		size_t capacity = r->queue_waits_capacity ? 2 * r->queue_waits_capacity : 64;
		struct thread_histogram *grown = realloc(r->queue_waits, capacity * sizeof(*grown));

		if (!grown)
			return NULL;
		r->queue_waits = grown;
		r->queue_waits_capacity = capacity;
	}
	r->queue_waits[r->nqueue_waits] = (struct thread_histogram){ .tid = tid };
	return &r->queue_waits[r->nqueue_waits++].h;
}

/* Ring-buffer records: delays into histograms, everything into events.csv
 * with --events. */
static int on_event(void *ctx, const struct event *e)
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
	fprintf(stderr, "\r\033[K%s %5.1f/%.1f s %9llu conn %8.0f/s  workers ", r->opts->scenario->name,
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

static int is_empty_dir(const char *path)
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
static int make_run_dir(struct run_record *r, char *err, size_t err_size)
{
	char stamp[32];
	int attempt;

	if (r->opts->out_dir) {
		struct stat st;

		snprintf(r->dir, sizeof(r->dir), "%s", r->opts->out_dir);
		if (mkdir_parents(r->dir) == 0)
			return 0;
		if (errno == EEXIST && (stat(r->dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
			snprintf(err, err_size, "%s exists and is not a folder", r->dir);
			return -1;
		}
		if (errno == EEXIST && (r->opts->force || is_empty_dir(r->dir)))
			return 0;
		if (errno == EEXIST)
			snprintf(err, err_size, "%s already exists and is not empty; use --force to write into it",
				 r->dir);
		else
			snprintf(err, err_size, "cannot create %s: %s", r->dir, strerror(errno));
		return -1;
	}
	utc_timestamp(stamp, sizeof(stamp), "%Y%m%d-%H%M%S");
	for (attempt = 1; attempt < 100; attempt++) {
		int len = snprintf(r->dir, sizeof(r->dir), "results/%s-%s-%s", r->opts->scenario->name,
				   r->kernel_release, stamp);

		if (attempt > 1)
			snprintf(r->dir + len, sizeof(r->dir) - len, "-%d", attempt);
		if (mkdir_parents(r->dir) == 0)
			return 0;
		if (errno != EEXIST)
			break;
	}
	snprintf(err, err_size, "cannot create %s: %s", r->dir, strerror(errno));
	return -1;
}

static void raise_fd_limit(void)
{
	struct rlimit rl;

	/* every client connection and its server side are fds */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void join_command_line(char *out, size_t size, int argc, char **argv)
{
	size_t used = snprintf(out, size, "testbed");
	int i;

	for (i = 0; i < argc && used < size; i++)
		used += snprintf(out + used, size - used, " %s", argv[i]);
}

/* Reads a one-number sysctl; -1 if it does not exist. */
static int read_sysctl(const char *path)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC), value = -1;

	if (fd < 0)
		return -1;
	if (read(fd, buf, sizeof(buf) - 1) > 0)
		value = atoi(buf);
	close(fd);
	return value;
}

static int write_sysctl(const char *path, int value)
{
	char buf[16];
	int fd = open(path, O_WRONLY | O_CLOEXEC), len = snprintf(buf, sizeof(buf), "%d\n", value), ret = 0;

	if (fd < 0)
		return -1;
	if (write(fd, buf, len) != len)
		ret = -1;
	close(fd);
	return ret;
}

/* The pool's USDT probes live in this very binary: the workers are forks. */
static int attach_pool_probes(struct collector *c, char *err, size_t err_size)
{
	char binary[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", binary, sizeof(binary) - 1);

	if (n < 0) {
		snprintf(err, err_size, "cannot find the testbed binary for its USDT probes: %s", strerror(errno));
		return -1;
	}
	binary[n] = '\0';
	return collector_attach_pool_probes(c, binary, err, err_size);
}

/* Waits for STATUS_READY (or an error, or Ctrl-C). 0 when ready. */
static int wait_ready(struct run_record *r, struct collector *c, int status_fd)
{
	uint64_t deadline = monotonic_ns() + READY_TIMEOUT_MS * 1000000ull;
	struct status_msg m;

	while (!exiting) {
		int64_t left_ms = (int64_t)(deadline - monotonic_ns()) / 1000000;
		int got;

		if (left_ms <= 0) {
			error_msg("the %s server did not become ready within %d s", r->opts->scenario->name,
				  READY_TIMEOUT_MS / 1000);
			return -1;
		}
		got = server_read_status(status_fd, &m, (int)left_ms);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			error_msg("the %s server's master exited during setup", r->opts->scenario->name);
			return -1;
		}
		if (got == 1) {
			if (apply_status(r, &m, c))
				return -1;
			if (m.type == STATUS_READY)
				return 0;
		}
	}
	return -1;
}

/* SIGTERM to the master, then collect its workers' reports until DONE. */
static void stop_server(struct run_record *r, struct collector *c, int status_fd)
{
	uint64_t deadline = monotonic_ns() + STOP_TIMEOUT_MS * 1000000ull;
	pid_t master = master_pid(r);
	struct status_msg m;
	int status;

	kill(master, SIGTERM);
	while (monotonic_ns() < deadline) {
		int got = server_read_status(status_fd, &m, 100);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		if (got == 1) {
			apply_status(r, &m, c);
			if (m.type == STATUS_DONE)
				break;
		}
	}
	if (waitpid(master, &status, WNOHANG) == 0) {
		usleep(200 * 1000);
		if (waitpid(master, &status, WNOHANG) == 0) {
			error_msg("the master (pid %d) did not stop in time; killed it", master);
			kill(master, SIGKILL);
			waitpid(master, &status, 0);
		}
	}
}

/* --kill-worker-after: SIGKILL the first live worker. */
static void kill_one_worker(struct run_record *r)
{
	size_t i;

	for (i = 1; i < r->nprocs; i++) {
		struct process_record *p = &r->procs[i];

		if (p->role == ROLE_WORKER && !p->exited && kill(p->pid, SIGKILL) == 0) {
			r->killed_worker_index = p->worker_index;
			r->killed_pid = p->pid;
			r->killed_at_ns = monotonic_ns();
			debug_msg("killed worker %u (pid %d)", p->worker_index, p->pid);
			return;
		}
	}
}

/* Drives the load; samples the timeline; follows worker restarts. */
static int drive_load(struct run_record *r, struct collector *c, int status_fd)
{
	struct loadgen_config cfg = {
		.connections = r->opts->connections,
		.threads = r->opts->loadgen_threads,
		.duration_s = r->opts->duration_s,
		.requests = r->opts->requests,
		.keepalive = r->opts->keepalive,
		.timeout_ms = r->opts->timeout_ms,
		.rate_cps = r->opts->rate_cps,
		.arrivals = r->opts->arrivals,
	};
	struct sockaddr_in *target = (struct sockaddr_in *)&cfg.target;
	uint64_t start_ns, next_sample_ns, last_sample_ms = 0, interval_ns = r->opts->interval_ms * 1000000ull;
	uint64_t kill_at_ns = 0;
	struct loadgen *lg;
	char err[256];
	bool status_open = true;

	target->sin_family = AF_INET;
	target->sin_port = htons(r->port);
	target->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cfg.target_len = sizeof(*target);

	r->load = calloc(1, sizeof(*r->load));
	if (!r->load) {
		error_msg("out of memory");
		return -1;
	}
	collector_set_counting(c, true);
	start_ns = r->load_start_ns = monotonic_ns();
	lg = loadgen_start(&cfg, err, sizeof(err));
	if (!lg) {
		free(r->load);
		r->load = NULL;
		collector_set_counting(c, false);
		error_msg("%s", err);
		return -1;
	}
	if (r->opts->kill_worker_after_s)
		kill_at_ns = start_ns + (uint64_t)(r->opts->kill_worker_after_s * 1e9);
	next_sample_ns = start_ns + interval_ns;
	while (!loadgen_done(lg)) {
		uint64_t now = monotonic_ns();
		struct pollfd pfd = { .fd = status_fd, .events = POLLIN };
		int wait_ms = PROGRESS_TICK_MS;

		if (exiting && !r->interrupted) {
			r->interrupted = true;
			loadgen_stop(lg);
		}
		if (kill_at_ns && now >= kill_at_ns) {
			kill_one_worker(r);
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
			show_progress(r, (now - start_ns) / 1e9, loadgen_completed(lg), collector_event_drops(c));
		}
		if (next_sample_ns > now && (next_sample_ns - now) / 1000000 < (uint64_t)wait_ms)
			wait_ms = (int)((next_sample_ns - now) / 1000000) + 1;
		if (kill_at_ns && kill_at_ns > now && (kill_at_ns - now) / 1000000 < (uint64_t)wait_ms)
			wait_ms = (int)((kill_at_ns - now) / 1000000) + 1;
		/* restarts and early errors arrive on the status pipe meanwhile */
		if (status_open && poll(&pfd, 1, wait_ms) > 0) {
			struct status_msg m;
			int got = server_read_status(status_fd, &m, 0);

			if (got == 1)
				apply_status(r, &m, c);
			else if (got < 0 && errno != EINTR)
				status_open = false;
		} else if (!status_open) {
			usleep(wait_ms * 1000);
		}
	}
	loadgen_finish(lg, r->load);
	collector_set_counting(c, false);
	collector_poll_events(c);
	end_progress();
	r->duration_s = (monotonic_ns() - start_ns) / 1e9;
	return sample(r, c, last_sample_ms, (monotonic_ns() - start_ns) / 1000000);
}

static void free_record(struct run_record *r)
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
	csv_abort(r->events_csv);
}

int cmd_run(int argc, char **argv)
{
	struct run_options opts;
	struct run_record r = { .opts = &opts, .killed_worker_index = -1, .restart_ms = NAN };
	struct server_config server;
	struct collector *c = NULL;
	struct utsname uts;
	char err[512];
	int status_fd = -1, gate_fd = -1, ret = EXIT_FAIL, migrate_was = -1;
	pid_t master;

	switch (parse_run_options(argc, argv, (unsigned)sysconf(_SC_NPROCESSORS_ONLN), &opts, err, sizeof(err))) {
	case PARSE_HELP:
		print_run_help(stdout);
		return EXIT_OK;
	case PARSE_ERROR:
		error_msg("%s", err);
		return EXIT_USAGE;
	case PARSE_OK:
		break;
	}
	verbose = opts.verbose;
	if (!scenario_supported(opts.scenario, err, sizeof(err))) {
		error_msg("%s is not supported on this kernel: %s", opts.scenario->name, err);
		return EXIT_FAIL;
	}
	if (check_tracing_environment(err, sizeof(err))) {
		error_msg("%s", err);
		return EXIT_FAIL;
	}
	if (opts.migrate && read_sysctl(MIGRATE_SYSCTL) < 0) {
		error_msg("--migrate needs net.ipv4.tcp_migrate_req (Linux >= 5.14), which this kernel lacks");
		return EXIT_FAIL;
	}
	install_exit_signals();
	raise_fd_limit();
	hist_init(&r.dispatch_delay_ns);
	hist_init(&r.accept_queue_delay_ns);
	hist_init(&r.queue_wait_ns);
	uname(&uts);
	snprintf(r.kernel_release, sizeof(r.kernel_release), "%s", uts.release);
	join_command_line(r.command_line, sizeof(r.command_line), argc, argv);
	if (make_run_dir(&r, err, sizeof(err))) {
		error_msg("%s", err);
		return opts.out_dir ? EXIT_USAGE : EXIT_FAIL;
	}
	utc_timestamp(r.start_time, sizeof(r.start_time), "%Y-%m-%dT%H:%M:%SZ");
	if (opts.events && !(r.events_csv = open_events_csv(r.dir))) {
		error_msg("cannot write %s/events.csv: %s", r.dir, strerror(errno));
		goto cleanup;
	}

	c = collector_open(opts.events, on_event, &r, err, sizeof(err));
	if (!c) {
		error_msg("%s", err);
		goto cleanup;
	}
	r.tracepoints = collector_tracepoints(c);
	if (opts.threads && attach_pool_probes(c, err, sizeof(err))) {
		error_msg("%s", err);
		goto cleanup;
	}
	if (opts.migrate) {
		migrate_was = read_sysctl(MIGRATE_SYSCTL);
		if (write_sysctl(MIGRATE_SYSCTL, 1)) {
			error_msg("cannot set net.ipv4.tcp_migrate_req: %s", strerror(errno));
			migrate_was = -1;
			goto cleanup;
		}
	}

	server = (struct server_config){
		.model = opts.scenario->model,
		.workers = opts.workers,
		.port = opts.port,
		.backlog = opts.backlog,
		.io_timeout_ms = opts.timeout_ms,
		.policy = opts.policy,
		.threads = opts.threads,
		.work_kind = opts.work_kind,
		.work_amount = opts.work_amount,
		.pool_wake = opts.pool_wake,
		.pool_notify = opts.pool_notify,
	};
	master = server_spawn(&server, &status_fd, &gate_fd);
	if (master < 0) {
		error_msg("cannot start the master: %s", strerror(errno));
		goto cleanup;
	}
	if (!process_add(&r, ROLE_MASTER, 0, master) || collector_trace_tgid(c, master) || server_release(gate_fd)) {
		error_msg("cannot start tracing the master: %s", strerror(errno));
		gate_fd = -1;
		goto cleanup;
	}
	gate_fd = -1;
	if (wait_ready(&r, c, status_fd))
		goto cleanup;
	debug_msg("%s ready on 127.0.0.1:%u with %zu workers", opts.scenario->name, r.port, r.nprocs - 1);

	if (drive_load(&r, c, status_fd))
		goto cleanup;
	ret = r.interrupted ? EXIT_INTERRUPTED : EXIT_OK;
cleanup:
	if (master_pid(&r) > 0) {
		stop_server(&r, c, status_fd);
		/* the whole-run IPC counters also count the stop's messages */
		if (r.load)
			read_counters(&r, c);
	}
	if (migrate_was >= 0 && write_sysctl(MIGRATE_SYSCTL, migrate_was))
		error_msg("could not restore net.ipv4.tcp_migrate_req to %d", migrate_was);
	if (exiting)
		r.interrupted = true;
	utc_timestamp(r.end_time, sizeof(r.end_time), "%Y-%m-%dT%H:%M:%SZ");
	if (c)
		r.event_drops = collector_event_drops(c);
	collector_close(c);
	if (status_fd >= 0)
		close(status_fd);
	if (gate_fd >= 0)
		close(gate_fd);
	if (r.load) {
		summarize_record(&r);
		if (write_run_files(&r, err, sizeof(err))) {
			error_msg("%s", err);
			ret = EXIT_FAIL;
		} else {
			print_run_summary(stdout, &r);
			if (r.interrupted)
				ret = EXIT_INTERRUPTED;
		}
	} else {
		/* nothing measured: leave no empty or misleading folder behind */
		csv_abort(r.events_csv);
		r.events_csv = NULL;
		if (r.dir[0] && is_empty_dir(r.dir))
			rmdir(r.dir);
		if (r.interrupted)
			ret = EXIT_INTERRUPTED;
	}
	free_record(&r);
	return ret;
}
