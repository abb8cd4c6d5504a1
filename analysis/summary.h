/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The per-run figures (summary.csv and the printed summary), from per-worker
 * counts and the load generator's histogram. One function, so what is printed
 * and what is written cannot disagree. */
#ifndef TESTBED_SUMMARY_H
#define TESTBED_SUMMARY_H

#include <stddef.h>
#include <stdint.h>
#include "histogram.h"

struct worker_counts {
	uint64_t accepted;           /* BPF-counted accept/accept4 >= 0 */
	uint64_t listener_wakeups;   /* accept- and poll-class wakeups */
	uint64_t listener_wasted;    /* accept/poll wasted wakeups + accept -EAGAIN */
};

struct run_summary {
	uint64_t accepted;           /* over all workers */
	uint64_t listener_wakeups;
	uint64_t listener_wasted;
	double jain_index;           /* over per-worker accepted */
	double cov;
	double max_share;
	double herd_factor;          /* listener wakeups / accepted */
	double wasted_wakeup_ratio;  /* listener wasted / listener wakeups */
	double throughput_cps;       /* completed connections / duration */
	double latency_p50_us, latency_p99_us, latency_p999_us, latency_max_us;
};

void summarize_run(const struct worker_counts *workers, size_t nworkers, const struct histogram *latency_ns,
		   uint64_t completed, double duration_s, struct run_summary *s);

#endif
