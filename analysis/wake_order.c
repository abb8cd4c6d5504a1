// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Wake order (issue 20): which listener wake-up policy a run followed, from
 * the tracer's per-connection ranks of the winner in the idle set
 * (bpf/wake_order.bpf.h), and the share of connections that policy
 * explains. The thresholds are in wake_order.h. Pure functions: the counts
 * come from the caller (user/wake_order.c from a run record, the report
 * from summary.csv); nothing here reads files or prints. */
#include <math.h>
#include <stdio.h>
#include "metrics.h"
#include "wake_order.h"

void wake_counts_add(struct wake_counts *out, const struct thread_counters *c)
{
	out->accepted += c->accepted;
	out->handed_off += c->fds_received;
	out->sole += c->wake_sole;
	out->queued += c->wake_queued;
	out->unranked += c->wake_unranked;
	out->fifo += c->wake_fifo;
	out->lifo += c->wake_lifo;
	out->fixed += c->wake_fixed;
	out->rotation += c->wake_rotation;
	for (size_t k = 0; k < WAKE_RANKS; k++)
		out->rank[k] += c->wake_rank[k];
}

uint64_t wake_counts_choices(const struct wake_counts *c)
{
	uint64_t n = 0;

	for (size_t k = 0; k < WAKE_RANKS; k++)
		n += c->rank[k];
	return n;
}

static struct wake_verdict verdict(enum wake_order order, uint64_t part, uint64_t over)
{
	return (struct wake_verdict){ .order = order, .share = ratio_or_nan((double)part, (double)over), .over = over };
}

/* Among the orders a choice between idle workers can follow, in the order
 * named at a tie (the stricter rule first: a fixed order also looks LIFO
 * when one worker takes everything and is always the last to go idle). */
static struct wake_verdict best_order(const struct wake_counts *c, uint64_t choices)
{
	const struct wake_verdict candidates[] = {
		verdict(WAKE_ORDER_FIXED, c->fixed, choices),
		verdict(WAKE_ORDER_FIFO, c->fifo, choices),
		verdict(WAKE_ORDER_ROTATION, c->rotation, c->sole + choices),
		verdict(WAKE_ORDER_LIFO, c->lifo, choices),
	};
	double best = 0;
	size_t i;

	for (i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
		if (candidates[i].share > best)
			best = candidates[i].share;
	for (i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
		if (candidates[i].share >= best - WAKE_ORDER_TIE)
			break;
	return candidates[i];
}

struct wake_verdict wake_order_infer(const struct wake_counts *c)
{
	uint64_t choices = wake_counts_choices(c), ranked = c->sole + choices + c->queued;
	struct wake_verdict best;

	if (c->handed_off && (double)c->handed_off >= WAKE_ORDER_HANDOFF_SHARE * (double)c->accepted)
		return verdict(WAKE_ORDER_BY_CONSTRUCTION, c->handed_off < c->accepted ? c->handed_off : c->accepted,
			       c->accepted);
	if (!ranked)
		return verdict(WAKE_ORDER_UNKNOWN, 0, 0);
	if (choices >= WAKE_ORDER_MIN_CONTESTED) {
		best = best_order(c, choices);
		if (best.share >= WAKE_ORDER_MIN_SHARE)
			return best;
		best.order = WAKE_ORDER_NONE; /* the most any order explains */
		return best;
	}
	if (c->sole >= WAKE_ORDER_MIN_CONTESTED && (double)c->rotation >= WAKE_ORDER_MIN_SHARE * (double)c->sole)
		return verdict(WAKE_ORDER_ROTATION, c->rotation, c->sole);
	if (c->queued >= c->sole)
		return verdict(WAKE_ORDER_QUEUEING, c->queued, ranked);
	return verdict(WAKE_ORDER_NO_CHOICE, c->sole, ranked);
}

#define CHOICE "connections with a choice of idle worker"

static const struct {
	const char *name, *over, *what;
} words[] = {
	[WAKE_ORDER_UNKNOWN] = { "unknown", "", "" },
	[WAKE_ORDER_BY_CONSTRUCTION] = { "by-construction", "accepted connections",
		"were handed over to a worker (fd-dispatch): the dispatcher chose, by construction" },
	[WAKE_ORDER_FIXED] = { "fixed", CHOICE, "went to the first-registered idle worker (a fixed order: "
		"EPOLLEXCLUSIVE's wait-queue order)" },
	[WAKE_ORDER_FIFO] = { "fifo", CHOICE, "went to the longest-idle worker (FIFO: blocking accept's wait queue)" },
	[WAKE_ORDER_LIFO] = { "lifo", CHOICE, "went to the most recently idle worker (LIFO)" },
	[WAKE_ORDER_ROTATION] = { "rotation", "connections that woke an idle worker", "woke the one whose "
		"turn it was: woken by a connection least recently (round robin)" },
	[WAKE_ORDER_NONE] = { "none", CHOICE, "follow any one order (fixed, FIFO, LIFO, rotation): the winner is "
		"independent of idleness (a hash)" },
	[WAKE_ORDER_QUEUEING] = { "queueing", "ranked connections", "were taken by a worker busy when they came "
		"(no idle worker was woken for them: they queued)" },
	[WAKE_ORDER_NO_CHOICE] = { "no-choice", "ranked connections", "found exactly one idle worker: nothing to "
		"choose, no order to infer" },
};

const char *wake_order_name(enum wake_order order)
{
	return order < sizeof(words) / sizeof(words[0]) ? words[order].name : "unknown";
}

const char *wake_order_explain(const struct wake_verdict *v, char *out, size_t size)
{
	if (v->order >= sizeof(words) / sizeof(words[0]) || v->order == WAKE_ORDER_UNKNOWN || isnan(v->share))
		snprintf(out, size, "unknown: no connection was ranked (none accepted by a traced listener waiter)");
	else
		snprintf(out, size, "%s: %s%.0f %% of the %llu %s %s", v->order == WAKE_ORDER_NONE ? "no order" :
			 words[v->order].name, v->order == WAKE_ORDER_NONE ? "at most " : "", 100.0 * v->share,
			 (unsigned long long)v->over, words[v->order].over, words[v->order].what);
	return out;
}
