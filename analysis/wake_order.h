/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Wake order (issue 20): the listener wake-up policy a run's connections
 * followed, inferred from the tracer's wake_* counters (bpf/wake_order.bpf.h),
 * with the share of connections it explains. Pure: no I/O. */
#ifndef TESTBED_WAKE_ORDER_H
#define TESTBED_WAKE_ORDER_H

#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "tracer.h"

/* The thresholds (README, "Wake order"; tests/unit/wake_order_test.c). */
#define WAKE_ORDER_MIN_CONTESTED 20  /* contested wins below this: too few to order */
#define WAKE_ORDER_MIN_SHARE 0.80    /* an order explains a run from this share on */
#define WAKE_ORDER_TIE 0.05          /* orders within this share: the stricter is named */
#define WAKE_ORDER_HANDOFF_SHARE 0.5 /* connections handed over: the dispatcher chose */

/* A run's counts, summed over its processes. */
struct wake_counts {
	uint64_t accepted;           /* accepts (by any process) */
	uint64_t handed_off;         /* connections received with SCM_RIGHTS (fds_received) */
	uint64_t sole, queued, unranked, fifo, lifo, fixed, rotation;
	uint64_t rank[WAKE_RANKS];   /* contested wins by the winner's rank, 0 = longest idle */
};

enum wake_order {
	WAKE_ORDER_UNKNOWN,          /* nothing accepted, or nothing ranked */
	WAKE_ORDER_BY_CONSTRUCTION,  /* fd-dispatch: a dispatcher hands each connection over */
	WAKE_ORDER_FIXED,            /* the first-registered idle worker (EPOLLEXCLUSIVE) */
	WAKE_ORDER_FIFO,             /* the longest-idle worker (blocking accept) */
	WAKE_ORDER_LIFO,             /* the most recently idle worker */
	WAKE_ORDER_ROTATION,         /* the worker that accepted least recently (round robin) */
	WAKE_ORDER_NONE,             /* no order: the winner is independent of idleness (hash) */
	WAKE_ORDER_QUEUEING,         /* mostly no idle worker: connections waited for a busy one */
	WAKE_ORDER_NO_CHOICE,        /* mostly one idle worker at a time: nothing to choose */
};

struct wake_verdict {
	enum wake_order order;
	double share;                /* of the connections it is measured over (below); NAN if none */
	uint64_t over;               /* those connections */
};

/* Sums the thread or process counters C into *OUT (accepted, fds_received
 * and the wake_* fields). */
void wake_counts_add(struct wake_counts *out, const struct thread_counters *c);
/* Connections won from among several idle workers: the sum of C->rank. */
uint64_t wake_counts_choices(const struct wake_counts *c);
/* The policy C's counts follow best. */
struct wake_verdict wake_order_infer(const struct wake_counts *c);
/* "fixed", "fifo", "lifo", "rotation", "none", "queueing", "no-choice",
 * "by-construction", "unknown": summary.csv's wake_order. */
const char *wake_order_name(enum wake_order order);
/* One sentence for V ("fixed order: 97 % of the 812 connections with a
 * choice went to the first-registered idle worker (EPOLLEXCLUSIVE's
 * wait-queue order)") into OUT. Returns OUT. */
const char *wake_order_explain(const struct wake_verdict *v, char *out, size_t size);

#endif
