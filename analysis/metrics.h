/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Per-run fairness figures over per-worker counts. Each returns NAN when the
 * figure is undefined (no workers, or nothing counted). */
#ifndef TESTBED_METRICS_H
#define TESTBED_METRICS_H

#include <stddef.h>

/* Jain's fairness index (sum x)^2 / (n * sum x^2): 1 = perfect, 1/n = one takes all. */
double jain_index(const double *x, size_t n);
/* Coefficient of variation: population standard deviation / mean. */
double coefficient_of_variation(const double *x, size_t n);
/* Largest x over sum x. */
double max_share(const double *x, size_t n);
/* num / den, NAN when den == 0. */
double ratio_or_nan(double num, double den);

#endif
