/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* How the numbers are put before a reader, as pure functions (unit-tested
 * without gnuplot or a run): the timeline's default interval and its rates,
 * the one-line verdict under the terminal summary, and the short run labels
 * of compare.svg. The metric formulas themselves are metrics.c's. */
#ifndef TESTBED_PRESENTATION_H
#define TESTBED_PRESENTATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A timeline wants at least this many points over the run. */
#define TIMELINE_MIN_POINTS 20
/* The verdict's thresholds: Jain index below this is unfair, listener
 * wakeups per connection above this a herd. */
#define VERDICT_UNFAIR_JAIN 0.9
#define VERDICT_HERD_FACTOR 1.5

/* The largest round interval (10, 20, 25, 50 ms ... 1000 ms) that gives at
 * least TIMELINE_MIN_POINTS intervals over DURATION_S; 1000 ms when the
 * duration is unknown (<= 0 or NAN), 10 ms at least. */
unsigned timeline_default_interval_ms(double duration_s);

/* A timeline interval [START_MS, END_MS) of a run sampled every
 * INTERVAL_MS: plotted when it covers at least half an interval (the last
 * one is cut short by the load's end; shorter, its rate is noise). */
bool timeline_interval_plotted(uint64_t start_ms, uint64_t end_ms, uint64_t interval_ms);
/* A cut-short interval: shorter than INTERVAL_MS. */
bool timeline_interval_partial(uint64_t start_ms, uint64_t end_ms, uint64_t interval_ms);
/* COUNT per second over [START_MS, END_MS); NAN for an empty interval. */
double timeline_rate(uint64_t count, uint64_t start_ms, uint64_t end_ms);

/* A round tic step (1, 2, 2.5 or 5 times a power of ten) that puts at most
 * TICS tics above 0 on an axis up to MAX; 1 for MAX <= 0 or NAN. Bars with
 * a label over each need fewer tics than gnuplot's own choice gives a
 * one-column PDF. */
double axis_tic_step(double max, unsigned tics);

/* What the verdict reads. */
struct verdict_input {
	double jain_index;        /* NAN: no connections */
	double busiest_share;     /* 0..1 */
	long long busiest_worker; /* its worker index */
	double herd_factor;       /* listener wakeups per accepted connection, NAN: none */
	double wasted_ratio;      /* 0..1, NAN: no wakeups */
	size_t workers;
};

/* One line without newline into OUT: "unfair: worker 1 took 99.9 %",
 * "herd: 3.9 listener wakeups per connection, 75 % wasted", both joined by
 * "; ", or "fair: Jain 0.99"; a herd factor below 1 is explained
 * (batching: one wakeup, several accepts). Returns OUT. */
const char *verdict_text(const struct verdict_input *in, char *out, size_t size);

/* A run's short label for a figure: "SCENARIO/POLICY/Nw/Mc" (workers,
 * client connections), a part left out when unknown (empty, NULL or NAN),
 * the policy also when "none".
 * Returns OUT. */
const char *run_short_label(const char *scenario, const char *policy, double workers,
			    const char *connections, char *out, size_t size);

#endif
