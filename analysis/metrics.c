// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Fairness figures over per-worker counts; see metrics.h. */
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
