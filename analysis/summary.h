/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The per-run figures (summary.csv and the printed summary). One function, so
 * what is printed and what is written cannot disagree. */
#ifndef TESTBED_SUMMARY_H
#define TESTBED_SUMMARY_H

#include <stddef.h>
#include <stdint.h>
#include "histogram.h"

struct run_counts {
	const uint64_t *worker_connections; /* per worker: accepted, or fds received */
	size_t nworkers;
	uint64_t accepted;                  /* over the acceptors (BPF) */
	uint64_t listener_wakeups;          /* acceptors' wakeups caused by the listener */
	uint64_t poll_wakeups;              /* acceptors' accept- and poll-class wakeups */
	uint64_t listener_wasted;           /* their listener_wasted() (metrics.h) */
	uint64_t completed;                 /* load generator: full responses */
	double duration_s;                  /* load window */
	const struct histogram *latency_ns; /* client latency */
};

struct run_summary {
	uint64_t accepted, listener_wakeups, poll_wakeups, listener_wasted;
	double jain_index;           /* over per-worker connections */
	double cov;
	double max_share;
	double herd_factor;          /* listener wakeups / accepted */
	double wasted_wakeup_ratio;  /* listener_wasted / poll wakeups */
	double throughput_cps;       /* completed / duration */
	double latency_p50_us, latency_p99_us, latency_p999_us, latency_max_us;
};

void summarize_run(const struct run_counts *c, struct run_summary *s);

/* Percentile PCT (0..100] of H in us (a bucket's upper bound, like
 * hist_percentile()), and H's largest value in us; NAN when H is NULL or
 * empty, so an unmeasured delay reads as undefined, not 0. */
double histogram_percentile_us(const struct histogram *h, double pct);
double histogram_max_us(const struct histogram *h);

#endif
