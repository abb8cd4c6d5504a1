// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include <math.h>
#include <stdlib.h>
#include "metrics.h"
#include "summary.h"

void summarize_run(const struct worker_counts *workers, size_t nworkers, const struct histogram *latency_ns,
		   uint64_t completed, double duration_s, struct run_summary *s)
{
	double *accepted = calloc(nworkers ? nworkers : 1, sizeof(*accepted));
	size_t i;

	*s = (struct run_summary){ 0 };
	for (i = 0; i < nworkers; i++) {
		s->accepted += workers[i].accepted;
		s->listener_wakeups += workers[i].listener_wakeups;
		s->listener_wasted += workers[i].listener_wasted;
		if (accepted)
			accepted[i] = (double)workers[i].accepted;
	}
	s->jain_index = accepted ? jain_index(accepted, nworkers) : NAN;
	s->cov = accepted ? coefficient_of_variation(accepted, nworkers) : NAN;
	s->max_share = accepted ? max_share(accepted, nworkers) : NAN;
	s->herd_factor = ratio_or_nan((double)s->listener_wakeups, (double)s->accepted);
	s->wasted_wakeup_ratio = ratio_or_nan((double)s->listener_wasted, (double)s->listener_wakeups);
	s->throughput_cps = ratio_or_nan((double)completed, duration_s);
	if (latency_ns->total) {
		s->latency_p50_us = hist_percentile(latency_ns, 50.0) / 1e3;
		s->latency_p99_us = hist_percentile(latency_ns, 99.0) / 1e3;
		s->latency_p999_us = hist_percentile(latency_ns, 99.9) / 1e3;
		s->latency_max_us = latency_ns->max / 1e3;
	} else {
		s->latency_p50_us = s->latency_p99_us = s->latency_p999_us = s->latency_max_us = NAN;
	}
	free(accepted);
}
