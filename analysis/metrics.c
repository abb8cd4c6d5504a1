// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The metric formulas, each defined once: fairness over per-worker
 * connections (Jain index, CoV, max share), connections taken, poll-class
 * wakeups and the wasted ones, herd factor, pool utilisation, throughput,
 * losses. Pure functions on numbers, unit-tested in
 * tests/unit/metrics_test.c; no I/O, no run folders, no column names. */
#include <math.h>

#include "metrics.h"

static double sum_of(const double *x, size_t n)
{
	double sum = 0.0;

	for (size_t i = 0; i < n; i++)
		sum += x[i];
	return sum;
}

double jain_index(const double *x, size_t n)
{
	double sum_squares = 0.0;

	for (size_t i = 0; i < n; i++)
		sum_squares += x[i] * x[i];
	/* Also covers n == 0: with nothing counted there is no fairness to
	 * speak of, and 0/0 would only give NAN by accident. */
	if (sum_squares == 0.0)
		return NAN;

	double sum = sum_of(x, n);

	return sum * sum / ((double)n * sum_squares);
}

double coefficient_of_variation(const double *x, size_t n)
{
	if (n == 0)
		return NAN;

	double mean = sum_of(x, n) / (double)n;

	if (mean == 0.0)
		return NAN;

	/* Two passes (mean first, then squared deviations) rather than
	 * E[x^2] - mean^2, which cancels badly for large, similar counts. */
	double squared_deviations = 0.0;

	for (size_t i = 0; i < n; i++)
		squared_deviations += (x[i] - mean) * (x[i] - mean);
	return sqrt(squared_deviations / (double)n) / mean;
}

double max_share(const double *x, size_t n)
{
	double sum = sum_of(x, n);

	if (n == 0 || sum == 0.0)
		return NAN;

	double largest = x[0];

	for (size_t i = 1; i < n; i++)
		if (x[i] > largest)
			largest = x[i];
	return largest / sum;
}

double ratio_or_nan(double num, double den)
{
	return den == 0.0 ? NAN : num / den;
}

uint64_t connections_taken(uint64_t accepted, uint64_t fds_received)
{
	return accepted + fds_received;
}

uint64_t poll_wakeups(uint64_t accept_class, uint64_t poll_class)
{
	return accept_class + poll_class;
}

uint64_t listener_wasted(uint64_t accept_wasted_wakeups, uint64_t poll_wasted_wakeups,
			 uint64_t accept_eagain_wasted)
{
	return accept_wasted_wakeups + poll_wasted_wakeups + accept_eagain_wasted;
}

double herd_factor(uint64_t listener_wakeups, uint64_t accepted)
{
	return ratio_or_nan((double)listener_wakeups, (double)accepted);
}

double wasted_wakeup_ratio(uint64_t listener_wasted, uint64_t poll_wakeups)
{
	return ratio_or_nan((double)listener_wasted, (double)poll_wakeups);
}

double connection_share(uint64_t connections, uint64_t all_workers)
{
	return ratio_or_nan((double)connections, (double)all_workers);
}

double throughput_cps(uint64_t completed, double window_s)
{
	return ratio_or_nan((double)completed, window_s);
}

uint64_t connections_lost(uint64_t refused, uint64_t reset, uint64_t timed_out)
{
	return refused + reset + timed_out;
}

uint64_t worker_restarts(uint64_t workers_seen, uint64_t workers_started)
{
	return workers_seen > workers_started ? workers_seen - workers_started : 0;
}

double pool_utilisation(uint64_t busy_ns, uint64_t threads, double window_s)
{
	if (!threads || !(window_s > 0))
		return NAN;
	return busy_ns / (threads * window_s * 1e9);
}
