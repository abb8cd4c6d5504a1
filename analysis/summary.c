// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The per-run figures (summary.csv's and the printed summary's): fairness
 * over the workers, the herd, throughput and client latency, from counts the
 * caller gathered. The formulas themselves are in metrics.c; this file only
 * applies them to one run. Reading or writing files is not done here. */
#include <math.h>
#include <stdlib.h>
#include "metrics.h"
#include "summary.h"

double histogram_percentile_us(const struct histogram *h, double pct)
{
	return h && h->total ? hist_percentile(h, pct) / 1e3 : NAN;
}

double histogram_max_us(const struct histogram *h)
{
	return h && h->total ? h->max / 1e3 : NAN;
}

void summarize_run(const struct run_counts *c, struct run_summary *s)
{
	double *connections = calloc(c->nworkers ? c->nworkers : 1, sizeof(*connections));
	const struct histogram *h = c->latency_ns;
	size_t i;

	*s = (struct run_summary){
		.accepted = c->accepted,
		.listener_wakeups = c->listener_wakeups,
		.poll_wakeups = c->poll_wakeups,
		.listener_wasted = c->listener_wasted,
		.jain_index = NAN, .cov = NAN, .max_share = NAN,
	};
	if (connections) {
		for (i = 0; i < c->nworkers; i++)
			connections[i] = (double)c->worker_connections[i];
		s->jain_index = jain_index(connections, c->nworkers);
		s->cov = coefficient_of_variation(connections, c->nworkers);
		s->max_share = max_share(connections, c->nworkers);
		free(connections);
	}
	s->herd_factor = herd_factor(c->listener_wakeups, c->accepted);
	s->wasted_wakeup_ratio = wasted_wakeup_ratio(c->listener_wasted, c->poll_wakeups);
	s->throughput_cps = throughput_cps(c->completed, c->duration_s);
	s->latency_p50_us = histogram_percentile_us(h, 50.0);
	s->latency_p99_us = histogram_percentile_us(h, 99.0);
	s->latency_p999_us = histogram_percentile_us(h, 99.9);
	s->latency_max_us = histogram_max_us(h);
}
