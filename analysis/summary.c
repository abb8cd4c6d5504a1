// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include <math.h>
#include <stdlib.h>
#include "metrics.h"
#include "summary.h"

void summarize_run(const struct run_counts *c, struct run_summary *s)
{
	double *connections = calloc(c->nworkers ? c->nworkers : 1, sizeof(*connections));
	const struct histogram *h = c->latency_ns;
	size_t i;

	*s = (struct run_summary){
		.accepted = c->accepted,
		.listener_wakeups = c->listener_wakeups,
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
	s->herd_factor = ratio_or_nan((double)c->listener_wakeups, (double)c->accepted);
	s->wasted_wakeup_ratio = ratio_or_nan((double)c->listener_wasted, (double)c->listener_wakeups);
	s->throughput_cps = ratio_or_nan((double)c->completed, c->duration_s);
	if (h && h->total) {
		s->latency_p50_us = hist_percentile(h, 50.0) / 1e3;
		s->latency_p99_us = hist_percentile(h, 99.0) / 1e3;
		s->latency_p999_us = hist_percentile(h, 99.9) / 1e3;
		s->latency_max_us = h->max / 1e3;
	} else {
		s->latency_p50_us = s->latency_p99_us = s->latency_p999_us = s->latency_max_us = NAN;
	}
}
