/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Wake order of a run record (issue 20): its counts, inferred policy and
 * the summary's lines. The inference itself: analysis/wake_order.c. */
#ifndef TESTBED_WAKE_ORDER_RECORD_H
#define TESTBED_WAKE_ORDER_RECORD_H

#include <stdio.h>
#include "record.h"
#include "wake_order.h"

/* The wake_* counts summed over R's server processes. */
struct wake_counts record_wake_counts(const struct run_record *r);
/* The policy R's connections followed (summary.csv's wake_order). */
struct wake_verdict record_wake_order(const struct run_record *r);
/* The summary's lines: the inferred order with its share, and each listener
 * waiter's idle share of its idle + busy time. */
void print_wake_order(FILE *out, const struct run_record *r);

#endif
