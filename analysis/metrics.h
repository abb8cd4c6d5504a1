/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The metric formulas, each defined once (README "What is measured"): the
 * run writer (user/record.c, user/run_files.c, user/summary_print.c) and the
 * readers (report, compare) call these
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
/* Wakeups while blocked where a listener can wake a thread: accept- and
 * poll-class (CSV column poll_wakeups). An upper bound on the listener
 * wakeups, which the tracer attributes itself (thread_counters'
 * listener_wakeups): a server that polls its clients' sockets in the same
 * set is woken here by their I/O too. */
uint64_t poll_wakeups(uint64_t accept_class, uint64_t poll_class);
/* Listener rounds that found nothing (CSV column listener_wasted): wakeups
 * in accept or poll after which the thread slept again in the same call,
 * plus accepts that returned -EAGAIN with nothing accepted since the last
 * poll returned (accept_eagain_wasted). Not a subset of listener_wakeups: a
 * poll that returns without sleeping and then finds nothing counts here
 * without a wakeup, so the sum can exceed the wakeups. */
uint64_t listener_wasted(uint64_t accept_wasted_wakeups, uint64_t poll_wasted_wakeups,
			 uint64_t accept_eagain_wasted);
/* Listener wakeups (those a listening socket caused) per accepted
 * connection: 1 = no herd, N woken each = N. */
double herd_factor(uint64_t listener_wakeups, uint64_t accepted);
/* listener_wasted per poll_wakeups() (can exceed 1, see listener_wasted()). */
double wasted_wakeup_ratio(uint64_t listener_wasted, uint64_t poll_wakeups);
/* One worker's connections over all workers' (a value of 0..1). */
double connection_share(uint64_t connections, uint64_t all_workers);
/* Completed requests per second of the load window. */
double throughput_cps(uint64_t completed, double window_s);
/* What the clients lost: refused + reset + timed out (errors of any other
 * kind are not counted: they are not the server's doing). */
uint64_t connections_lost(uint64_t refused, uint64_t reset, uint64_t timed_out);
/* Workers started beyond the initial ones (a worker died and was replaced). */
uint64_t worker_restarts(uint64_t workers_seen, uint64_t workers_started);
/* Share of THREADS x WINDOW_S that jobs kept the pool threads busy. */
double pool_utilisation(uint64_t busy_ns, uint64_t threads, double window_s);

#endif
