/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* One run of a scenario: what was measured, for output.c to write and print. */
#ifndef TESTBED_RUN_H
#define TESTBED_RUN_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include "loadgen.h"
#include "options.h"
#include "summary.h"
#include <linux/types.h> /* __u32/__u64 for tracer.h */
#include "tracer.h"

struct worker_record {
	unsigned index;
	pid_t pid;
	bool reported;                     /* its own count arrived over the control pipe */
	uint64_t self_reported_accepted;
	bool exited;
	int wait_status;
	/* from BPF, summed over the process's threads */
	unsigned threads;
	uint64_t accepted, accept_eagain;
	uint64_t wakeups[CLASS_COUNT], wasted_wakeups[CLASS_COUNT];
	uint64_t oncpu_ns, runq_wait_ns, runq_waits, voluntary_switches, involuntary_switches;
	/* totals at the previous timeline sample */
	uint64_t sampled_accepted, sampled_wakeups, sampled_wasted;
};

struct timeline_row {
	uint64_t start_ms, end_ms;         /* since the load started */
	unsigned worker_index;
	pid_t pid;
	uint64_t accepted, listener_wakeups, listener_wasted;
};

struct run_record {
	const struct run_options *opts;
	char dir[PATH_MAX];
	char kernel_release[128];
	char start_time[32], end_time[32];
	char command_line[1024];
	pid_t master_pid;
	unsigned port;
	struct worker_record *workers;     /* one per worker process, restarts included */
	size_t nworkers, workers_capacity;
	struct thread_stats *threads;
	size_t nthreads;
	struct loadgen_result *load;
	double duration_s;                 /* the load window */
	struct timeline_row *timeline;
	size_t ntimeline, timeline_capacity;
	bool interrupted;
	uint64_t event_drops;
	const char *tracepoints;
	struct run_summary summary;
};

/* `testbed run`: returns the process exit code. */
int cmd_run(int argc, char **argv);

/* output.c */
const char *thread_role(const struct run_record *r, uint32_t tgid);
uint64_t worker_listener_wakeups(const struct worker_record *w);
uint64_t worker_listener_wasted(const struct worker_record *w);
void summarize_record(struct run_record *r);
int write_run_files(const struct run_record *r, char *err, size_t err_size);
void print_run_summary(FILE *out, const struct run_record *r);

#endif
