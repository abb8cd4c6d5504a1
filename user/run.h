/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* One run of a scenario: what was measured, for output.c to write and print. */
#ifndef TESTBED_RUN_H
#define TESTBED_RUN_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <linux/types.h> /* __u32/__u64 for tracer.h */
#include "csv_write.h"
#include "histogram.h"
#include "loadgen.h"
#include "options.h"
#include "summary.h"
#include "tracer.h"

enum process_role { ROLE_MASTER, ROLE_WORKER };

/* A server process: the master, or one worker (a restarted worker is a new
 * process with the same worker_index). */
struct process_record {
	enum process_role role;
	unsigned worker_index;             /* workers only */
	pid_t pid;
	bool ready;                        /* waits on its listener/socket */
	bool reported;                     /* its own count arrived */
	uint64_t self_reported;            /* accepted, or fds received (fd-dispatch workers) */
	bool pool_reported;                /* --threads: its pool's own count of jobs arrived */
	uint64_t pool_jobs_reported;
	bool exited;
	int wait_status;
	/* from BPF, summed over the process's threads */
	struct thread_counters totals;
	unsigned threads;
	struct histogram *dispatch_delay_ns; /* connections handed to it; NULL if none */
	struct histogram *accept_queue_delay_ns; /* connections it accepted; NULL if none */
	/* totals at the previous timeline sample */
	uint64_t sampled_connections, sampled_wakeups, sampled_wasted;
};

/* A histogram per thread, for pool threads' queue waits. */
struct thread_histogram {
	uint32_t tid;
	struct histogram *h;
};

struct timeline_row {
	uint64_t start_ms, end_ms;         /* since the load started */
	unsigned worker_index;
	pid_t pid;
	uint64_t connections, listener_wakeups, listener_wasted;
};

struct run_record {
	const struct run_options *opts;
	const char *scenario_name;         /* ours, a bundled external setup, or "trace" */
	char dir[PATH_MAX];
	char kernel_release[128];
	char start_time[32], end_time[32];
	char command_line[1024];
	char traced_command[512];          /* trace: what was watched (command, pid, cgroup) */
	char server_version[128];          /* bundled servers: e.g. "nginx version: nginx/1.22.1" */
	unsigned port;
	struct sockaddr_storage target;    /* the load's target; target_len 0 = no load */
	socklen_t target_len;
	bool discover_processes;           /* trace: every traced tgid becomes a process */
	bool subject_gone;                 /* the server ended before the measurement did */
	struct process_record *procs;      /* [0] the master (the traced root), then workers */
	size_t nprocs, procs_capacity;
	struct thread_stats *threads;
	size_t nthreads;
	struct loadgen_result *load;
	uint64_t load_start_ns;
	double duration_s;                 /* the load window */
	struct timeline_row *timeline;
	size_t ntimeline, timeline_capacity;
	struct histogram dispatch_delay_ns; /* every hand-off */
	struct histogram accept_queue_delay_ns; /* every accepted connection */
	struct histogram queue_wait_ns;    /* every pool job: queued -> started */
	struct thread_histogram *queue_waits; /* per pool thread */
	size_t nqueue_waits, queue_waits_capacity;
	struct csv_file *events_csv;       /* --events: written while the run lasts */
	uint64_t events_written;
	int64_t killed_worker_index;       /* --kill-worker-after: -1 until killed */
	pid_t killed_pid;
	uint64_t killed_at_ns;
	double restart_ms;                 /* kill -> the replacement's WORKER_READY; NAN if none */
	bool interrupted;
	uint64_t event_drops;
	uint64_t events_produced;          /* ring-buffer records the tracer tried to write */
	char *tracepoints;                 /* malloc'ed copy of the collector's list */
	struct run_summary summary;
};

/* `testbed run` and `testbed trace`: return the process exit code. */
int cmd_run(int argc, char **argv);
int cmd_trace(int argc, char **argv);
/* `testbed run` of a bundled real server (nginx, node): trace.c. */
int run_external(struct run_options *opts, int argc, char **argv);

/* record.c */
struct collector;
/* What measure() needs from the server it watches. */
struct subject_ops {
	/* Waits up to WAIT_MS for news from the server (restarts, exits);
	 * false once the server is gone. */
	bool (*wait)(struct run_record *r, struct collector *c, void *ctx, int wait_ms);
	void (*kill_worker)(struct run_record *r); /* --kill-worker-after; NULL: not supported */
	void *ctx;
};
struct process_record *process_add(struct run_record *r, enum process_role role, unsigned index, pid_t pid);
struct process_record *process_by_pid(struct run_record *r, pid_t pid);
int read_counters(struct run_record *r, struct collector *c);
int on_event(void *ctx, const struct event *e); /* the collector's ring-buffer handler */
int measure(struct run_record *r, struct collector *c, const struct subject_ops *subject);
int is_empty_dir(const char *path);
int make_run_dir(struct run_record *r, struct error_message *err);
void raise_fd_limit(void);
void join_command_line(char *out, size_t size, int argc, char **argv);
/* What every measured run sets up first: signals, the fd limit, the record's
 * kernel and command line, the run folder, events.csv, the loaded tracer
 * (*C). 0; an exit code to return at once (nothing was created); or -1: the
 * folder exists, the caller cleans up through finish_run(). */
int begin_run(struct run_record *r, int argc, char **argv, struct collector **c);
/* What every run does last: closes the collector (NULL is fine), writes the
 * run folder and prints the summary (with --report the report too) — or,
 * with nothing measured, removes the folder — and frees R. Returns the exit
 * code: RET, or 1 when writing failed, or 130 after a signal. */
int finish_run(struct run_record *r, struct collector *c, int ret);
void free_record(struct run_record *r);

/* output.c */
const char *role_name(enum process_role role);
const char *class_name(unsigned blocked_class);
/* "master", "worker", "pool" (a worker's pool thread) or "other". */
const char *thread_role(const struct run_record *r, const struct thread_stats *t);
/* The N of a pool thread's comm "tb-pool-N", or -1. */
int pool_index(const struct thread_stats *t);
const struct histogram *thread_queue_waits(const struct run_record *r, uint32_t tid);
/* The per-worker connection figure: accepted, plus fds received (fd-dispatch). */
uint64_t process_connections(const struct process_record *p);
uint64_t process_listener_wakeups(const struct process_record *p);
uint64_t process_listener_wasted(const struct process_record *p);
/* Whether P accepts from the listener in this run's model (the master for
 * fd-dispatch, the workers otherwise): herd figures are over these. */
bool is_acceptor(const struct run_record *r, const struct process_record *p);
void summarize_record(struct run_record *r);
int write_run_files(struct run_record *r, struct error_message *err);
void print_run_summary(FILE *out, const struct run_record *r);
struct csv_file *open_events_csv(const char *dir, struct error_message *err);
void write_event_row(struct csv_file *f, const struct event *e, uint64_t load_start_ns);

#endif
