/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The metric formulas, each defined once (README "What is measured"): the
 * run writer (user/output.c) and the readers (report, compare) call these
 * rather than computing a figure themselves. Pure functions on numbers, so
 * they are unit-tested without a run. Each returns NAN when the figure is
 * undefined (no workers, nothing counted, no window). */
#ifndef TESTBED_METRICS_H
#define TESTBED_METRICS_H

#include <stddef.h>
#include <stdint.h>

/* Jain's fairness index (sum x)^2 / (n * sum x^2): 1 = perfect, 1/n = one takes all. */
double jain_index(const double *x, size_t n);
/* Coefficient of variation: population standard deviation / mean. */
double coefficient_of_variation(const double *x, size_t n);
/* Largest x over sum x. */
double max_share(const double *x, size_t n);
/* num / den, NAN when den == 0. */
double ratio_or_nan(double num, double den);

/* A worker's connections: accepted from the listener, plus fds handed to it
 * with SCM_RIGHTS (fd-dispatch workers accept nothing themselves). */
uint64_t connections_taken(uint64_t accepted, uint64_t fds_received);
/* Wakeups while blocked on the listener: accept- and poll-class. */
uint64_t listener_wakeups(uint64_t accept_wakeups, uint64_t poll_wakeups);
/* Of those, the ones that found nothing: woken and asleep again in the same
 * accept or poll call, plus every accept -EAGAIN with nothing accepted
 * since the last poll returned (accept_eagain_wasted). */
uint64_t listener_wasted_wakeups(uint64_t accept_wasted, uint64_t poll_wasted, uint64_t accept_eagain_wasted);
/* Share of THREADS x WINDOW_S that jobs kept the pool threads busy. */
double pool_utilisation(uint64_t busy_ns, uint64_t threads, double window_s);

#endif
