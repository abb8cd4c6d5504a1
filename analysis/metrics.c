// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The metric formulas; see metrics.h. */
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

uint64_t listener_wakeups(uint64_t accept_wakeups, uint64_t poll_wakeups)
{
	return accept_wakeups + poll_wakeups;
}

uint64_t listener_wasted_wakeups(uint64_t accept_wasted, uint64_t poll_wasted, uint64_t accept_eagain_wasted)
{
	return accept_wasted + poll_wasted + accept_eagain_wasted;
}

double pool_utilisation(uint64_t busy_ns, uint64_t threads, double window_s)
{
	if (!threads || !(window_s > 0))
		return NAN;
	return busy_ns / (threads * window_s * 1e9);
}
