/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The run record: what one run or trace measured (its processes and their
 * counters, threads, timeline, delay histograms, the load's result), and the
 * figures derived from it that the CSV writer (run_files.c) and the printed
 * summary (summary_print.c) share. Filled by measure.c; kept in record.c. */
#ifndef TESTBED_RECORD_H
#define TESTBED_RECORD_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <linux/types.h> /* __u32/__u64 for tracer.h */
#include "collector.h"
#include "csv_write.h"
#include "histogram.h"
#include "kernel_counters.h"
#include "loadgen.h"
#include "options.h"
#include "summary.h"
#include "tracer.h"

/* The blocking classes of bpf/tracer.h in column order, with the names the
 * CSV columns and events.csv use: X(name, enum value, ARGS...) for each.
 * Per-class column groups (wakeups_<class>, ...) are generated from it. */
#define FOR_EACH_CLASS(X, ...)                                                              \
	X(accept, CLASS_ACCEPT, __VA_ARGS__) X(poll, CLASS_POLL, __VA_ARGS__)               \
	X(pipe_read, CLASS_PIPE_READ, __VA_ARGS__) X(unix_recv, CLASS_UNIX_RECV, __VA_ARGS__) \
	X(futex, CLASS_FUTEX, __VA_ARGS__) X(other, CLASS_OTHER, __VA_ARGS__)

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
	/* from BPF, summed over the process's threads, live and retired */
	struct thread_counters totals;
	unsigned threads;
	struct thread_counters retired_totals; /* ... of its threads that exited (folded once) */
	unsigned retired_threads;
	uint64_t start_ns;                 /* its leader's start_time: tells a reused pid's
	                                      processes apart; 0 until BPF saw a thread of it */
	bool gone;                         /* BPF retired its last thread */
	unsigned folded_processes;         /* pid 0: the row of the finished processes folded
	                                      together (sample_timeline()), how many */
	/* totals at the previous timeline sample */
	uint64_t sampled_connections, sampled_wakeups, sampled_poll_wakeups, sampled_wasted;
};

/* Delay histograms by pid (or tid): every sample is kept under the id it
 * came with, whether or not the process table knows it yet, so that the
 * per-process rows of latency.csv add up to the run-wide ones. A pid's
 * histogram starts sparse (its non-empty buckets only) and becomes a full
 * struct histogram (58 KiB) only past HIST_SPARSE_MAX buckets: a trace of a
 * server that recycles its workers meets thousands of short-lived pids. */
#define HIST_SPARSE_MAX 256
struct sparse_bucket {
	uint32_t index;
	uint64_t count;
};
struct keyed_histogram {
	uint32_t id;
	struct histogram *h;               /* full; NULL while sparse */
	struct sparse_bucket *buckets;     /* while sparse: its non-empty buckets */
	size_t nbuckets, buckets_capacity;
	uint64_t total, min, max, sum;     /* while sparse, as struct histogram's */
};
struct histogram_set {
	struct keyed_histogram *items;
	size_t n, capacity;
	size_t last;                       /* the item found last (events come in runs) */
	struct histogram *expanded;        /* the full form of a sparse one, for readers */
};
/* Records VALUE under ID (its histogram made on first use). 0 or -1. */
int histogram_set_record(struct histogram_set *s, uint32_t id, uint64_t value);
/* ID's histogram, or NULL if it has none; the I-th's. A sparse one is
 * returned in its full form in a buffer that the next call reuses. */
const struct histogram *histogram_set_find(const struct histogram_set *s, uint32_t id);
const struct histogram *histogram_set_at(const struct histogram_set *s, size_t i);

/* One worker in one timeline interval (a timeline.csv row). */
struct timeline_sample {
	uint64_t start_ms, end_ms;         /* since the load started */
	unsigned worker_index;
	pid_t pid;
	uint64_t connections, listener_wakeups, poll_wakeups, listener_wasted;
};

struct run_record {
	const struct run_options *opts;
	const char *scenario_name;         /* ours, a bundled external setup, or "trace" */
	char dir[PATH_MAX];
	char kernel_release[128];
	char start_time[32], end_time[32];
	char run_id[40];                   /* a UUID naming this run wherever its rows go */
	char command_line[1024];
	char traced_command[512];          /* trace: what was watched (command, pid, cgroup) */
	char server_version[128];          /* bundled servers: e.g. "nginx version: nginx/1.22.1" */
	unsigned port;
	struct sockaddr_storage target;    /* the load's target; target_len 0 = no load */
	socklen_t target_len;
	char netns[32];                    /* --netns: the server's namespace ("" = ours) */
	struct in_addr netns_client_addr, netns_server_addr; /* --netns: the veth pair's two ends */
	bool netns_gro;                    /* --netns: GRO of the server's end after set-up */
	pid_t netns_pid;                   /* --netns: a process in it (its TCP counters); 0 = none */
	struct cpu_record cpus;            /* the server's and the load's CPUs at start (cpus.h) */
	bool discover_processes;           /* trace: every traced tgid becomes a process */
	bool subject_gone;                 /* the server ended before the measurement did */
	struct process_record *procs;      /* [0] the master (the traced root), then workers */
	size_t nprocs, procs_capacity;
	struct thread_stats *threads;      /* [0, nretired) exited, folded once (the first: the
	                                      folded processes' threads, tid 0, if any); then the live */
	size_t nthreads, nretired, threads_capacity;
	uint64_t threads_retired;          /* exited threads drained, the folded ones included */
	struct thread_accounting thread_accounting; /* the tracer's threads map (collector.h) */
	struct loadgen_result *load;
	uint64_t load_start_ns;
	double duration_s;                 /* the load window */
	size_t finished_rows_max;          /* trace: finished processes kept with rows of their own
	                                      (0: all); the older are folded together */
	uint64_t processes_folded;
	struct timeline_sample *timeline;
	size_t ntimeline, timeline_capacity;
	struct histogram dispatch_delay_ns; /* every hand-off */
	struct histogram accept_queue_delay_ns; /* every accepted connection */
	struct histogram queue_wait_ns;    /* every pool job: queued -> started */
	struct histogram_set dispatch_delays; /* by receiving pid */
	struct histogram_set accept_queue_delays; /* by accepting pid */
	struct histogram_set queue_waits;  /* by pool thread tid */
	uint64_t dispatch_unread;          /* hand-offs received in the window and never read
	                                      (collector_unread_handoffs()) */
	struct csv_file *events_csv;       /* --events: written while the run lasts */
	uint64_t events_written;
	uint64_t events_row_limit;         /* --events-max, or less when the disk is short of room */
	uint64_t events_capped;            /* rows not written once the limit was reached */
	int64_t killed_worker_index;       /* --kill-worker-after: -1 until killed */
	pid_t killed_pid;
	uint64_t killed_at_ns;
	double restart_ms;                 /* kill -> the replacement's WORKER_READY; NAN if none */
	bool interrupted;
	uint64_t event_drops;
	uint64_t events_produced;          /* ring-buffer records the tracer tried to write */
	uint64_t recursion_misses;         /* tracer runs the kernel skipped (collector_recursion_misses) */
	uint64_t listener_stack_failures;  /* wakeups the listener rule could not judge (collector.h) */
	struct kernel_counters kernel;     /* the kernel's TCP counters over the load window */
	char *tracepoints;                 /* malloc'ed copy of the collector's list */
	char libuv_probes[PATH_MAX + 16];  /* trace: "attached BINARY", "none BINARY"; "" = not tried */
	uint64_t libuv_submits_lost;       /* libuv jobs run whose submit the LRU map had evicted */
	struct run_summary summary;
};

/* The process table. */
struct process_record *process_add(struct run_record *r, enum process_role role, unsigned index, pid_t pid);
struct process_record *process_by_pid(struct run_record *r, pid_t pid);

struct collector;
/* Reads every live thread's counters and drains the exited threads' final
 * records (kept, in order of their process's start, before the live ones in
 * r->threads), and folds both into their processes alike (trace: a process
 * not yet known becomes a worker). 0 or -1. */
int read_counters(struct run_record *r, struct collector *c);
/* Reads the counters and appends one timeline sample per worker for
 * (START_MS, END_MS]: what each took since the previous sample (an exited
 * worker's rows of zeros left out); then, tracing someone else's server,
 * folds finished processes beyond r->finished_rows_max (the oldest first)
 * and their threads into one worker row (pid 0) and one thread row (tid 0),
 * so that a server recycling its workers for hours keeps the record bounded
 * while every total stays exact. 0 or -1. */
int sample_timeline(struct run_record *r, struct collector *c, uint64_t start_ms, uint64_t end_ms);
void free_record(struct run_record *r);
/* What the record holds in memory, by table (bench/soak.sh watches these
 * stay bounded on a long trace of a server that recycles its processes). */
struct record_rows {
	size_t processes, threads, timeline, histograms; /* histograms: the per-pid/tid ones */
};
struct record_rows record_rows(const struct run_record *r);

/* Names. */
const char *role_name(enum process_role role);
const char *class_name(unsigned blocked_class);   /* "none" beyond the classes */
/* "master", "worker", "pool" (a worker's pool thread, or any thread that
 * ran libuv jobs) or "other". */
const char *thread_role(const struct run_record *r, const struct thread_stats *t);
bool is_pool_thread(const struct run_record *r, const struct thread_stats *t);
/* The N of a pool thread's comm "tb-pool-N", or -1. */
int pool_index(const struct thread_stats *t);
/* T's comm, NUL-terminated, into OUT. Returns OUT. */
const char *thread_comm(const struct thread_stats *t, char out[TASK_COMM_LEN + 1]);
const struct histogram *thread_queue_waits(const struct run_record *r, uint32_t tid);

/* Per-process figures (formulas: analysis/metrics.c). */
/* The per-worker connection figure: accepted, plus fds received (fd-dispatch). */
uint64_t process_connections(const struct process_record *p);
/* Wakeups the listener caused (the herd's count), and all accept- and
 * poll-class wakeups (client I/O and timers too, for servers that poll
 * their clients' sockets in the same set). */
uint64_t process_listener_wakeups(const struct process_record *p);
uint64_t process_poll_wakeups(const struct process_record *p);
uint64_t process_listener_wasted(const struct process_record *p);
/* Whether P accepts from the listener in this run's model (the master for
 * fd-dispatch, the workers otherwise): herd figures are over these. */
bool is_acceptor(const struct run_record *r, const struct process_record *p);
/* A worker's pool utilisation; NAN for the master or without a pool. */
double process_pool_utilisation(const struct run_record *r, const struct process_record *p);

/* Per-run figures. */
uint64_t worker_connections_total(const struct run_record *r);
uint64_t record_worker_restarts(const struct run_record *r);
uint64_t record_connections_lost(const struct run_record *r);
/* Samples owed and not taken, per delay metric, over the server processes
 * (thread_counters' *_unmatched; dispatch: with the unread hand-offs). */
uint64_t record_dispatch_unmatched(const struct run_record *r);
uint64_t record_accept_queue_unmatched(const struct run_record *r);
uint64_t record_pool_queue_unmatched(const struct run_record *r);
/* Every counter summed over all server processes. */
void record_totals(const struct run_record *r, struct thread_counters *out);
struct pool_totals {
	unsigned threads;
	uint64_t jobs, busy_ns, futex_wakeups, wasted_futex_wakeups;
	uint64_t libuv_jobs[LIBUV_KIND_COUNT], libuv_jobs_whole_run; /* Node's libuv pool */
};
struct pool_totals record_pool_totals(const struct run_record *r);
/* Fills r->summary (needs r->load). */
void summarize_record(struct run_record *r);

#endif
