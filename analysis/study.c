// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The numbers of `testbed study`: the figures a study reads from a run
 * folder, their spread over repeats, a configuration's result by label, and
 * the verdict by the study's check (docs/STUDY.md). Pure: no printing, no
 * running, no files -- the studies are read from studies/ by study_file.c,
 * the rules are study_rules.c's, the command (user/study.c) runs the runs,
 * study_document.c writes study.md/.html. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "run_folder.h"
#include "study.h"
#include "util.h"

const struct study_metric_info study_metric_info[METRIC_COUNT] = {
	[METRIC_HERD_FACTOR] = { "herd factor", "herd_factor", 3 },
	[METRIC_WASTED_RATIO] = { "wasted ratio", "wasted_ratio", 3 },
	[METRIC_CPU_US_PER_CONN] = { "server CPU us/conn", "cpu_us_per_conn", 1 },
	[METRIC_JAIN] = { "Jain index", "jain_index", 4 },
	[METRIC_MAX_SHARE] = { "max share", "max_share", 3 },
	[METRIC_TOP_TWO_SHARE] = { "top-two share", "top_two_share", 3 },
	[METRIC_THROUGHPUT] = { "throughput (conn/s)", "throughput", 0 },
	[METRIC_CONNECTIONS_LOST] = { "connections lost", "connections_lost", 0 },
	[METRIC_CONNECTIONS_RESET] = { "connections reset", "connections_reset", 0 },
	[METRIC_POOL_WAKEUPS_PER_JOB] = { "pool futex wakeups/job", "pool_wakeups_per_job", 2 },
	[METRIC_POOL_WASTED_PER_JOB] = { "pool wasted wakeups/job", "pool_wasted_per_job", 2 },
	[METRIC_LATENCY_P99_US] = { "latency p99 (us)", "latency_p99_us", 0 },
	[METRIC_LATENCY_MAX_US] = { "latency max (us)", "latency_max_us", 0 },
};

const char *study_verdict_name(enum study_verdict v)
{
	switch (v) {
	case VERDICT_REPRODUCED: return "reproduced";
	case VERDICT_PARTLY: return "partly";
	case VERDICT_NOT_REPRODUCED: return "not reproduced";
	case VERDICT_NO_DATA: break;
	}
	return "no data";
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct spread spread_of(const double *x, size_t n)
{
	struct spread s = { NAN, NAN, NAN, 0 };
	double *sorted = malloc((n ? n : 1) * sizeof(*sorted));

	if (!sorted)
		return s;
	for (size_t i = 0; i < n; i++)
		if (!isnan(x[i]))
			sorted[s.n++] = x[i];
	if (s.n) {
		qsort(sorted, s.n, sizeof(*sorted), compare_doubles);
		s.min = sorted[0];
		s.max = sorted[s.n - 1];
		s.median = s.n % 2 ? sorted[s.n / 2] : (sorted[s.n / 2 - 1] + sorted[s.n / 2]) / 2;
	}
	free(sorted);
	return s;
}

double top_share(const double *x, size_t n, size_t k)
{
	double *sorted = malloc((n ? n : 1) * sizeof(*sorted)), top = 0, sum = 0;

	if (!sorted)
		return NAN;
	memcpy(sorted, x, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), compare_doubles);
	for (size_t i = 0; i < n; i++) {
		sum += sorted[i];
		if (i + k >= n)
			top += sorted[i];
	}
	free(sorted);
	return ratio_or_nan(top, sum);
}

void study_run_metrics(const struct run_folder *run, double values[METRIC_COUNT])
{
	const struct summary_row *s = &run->summary_row;
	double *taken = calloc(run->nworker_rows ? run->nworker_rows : 1, sizeof(*taken));
	double oncpu_ns = 0, connections = 0;
	size_t nworkers = 0;

	for (size_t i = 0; i < run->nworker_rows; i++) {
		const struct worker_row *w = &run->worker_rows[i];

		/* every server process's CPU: the master accepts for fd-dispatch and Node rr */
		oncpu_ns += (double)w->oncpu_ns;
		if (strcmp(w->role, "worker"))
			continue;
		connections += (double)connections_taken(w->accepted, w->fds_received);
		if (taken)
			taken[nworkers++] = (double)connections_taken(w->accepted, w->fds_received);
	}
	values[METRIC_HERD_FACTOR] = s->herd_factor;
	values[METRIC_WASTED_RATIO] = s->wasted_wakeup_ratio;
	values[METRIC_CPU_US_PER_CONN] = ratio_or_nan(oncpu_ns / 1e3, connections);
	values[METRIC_JAIN] = s->jain_index;
	values[METRIC_MAX_SHARE] = s->max_share;
	values[METRIC_TOP_TWO_SHARE] = taken && nworkers >= 2 ? top_share(taken, nworkers, 2) : NAN;
	values[METRIC_THROUGHPUT] = s->throughput_cps;
	values[METRIC_CONNECTIONS_LOST] = s->connections_lost;
	values[METRIC_CONNECTIONS_RESET] = s->connections_reset;
	values[METRIC_POOL_WAKEUPS_PER_JOB] = ratio_or_nan(s->pool_futex_wakeups, s->pool_jobs);
	values[METRIC_POOL_WASTED_PER_JOB] = ratio_or_nan(s->pool_wasted_futex_wakeups, s->pool_jobs);
	values[METRIC_LATENCY_P99_US] = s->latency_p99_us;
	values[METRIC_LATENCY_MAX_US] = s->latency_max_us;
	free(taken);
}

const struct study_result *study_result_of(const struct study_result *r, size_t n, const char *label,
					   enum study_metric m)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].metric[m].n && !strcmp(r[i].run->label, label))
			return &r[i];
	return NULL;
}

const char *study_run_argument(const struct study_run *r, size_t i, double duration_s, char *buf, size_t size)
{
	if (strcmp(r->args[i], "{half-duration}"))
		return r->args[i];
	snprintf(buf, size, "%g", duration_s / 2);
	return buf;
}

void study_judge(const struct study_definition *def, const struct study_result *results, size_t n,
		 const struct study_setup *setup, struct study_outcome *out)
{
	*out = (struct study_outcome){ VERDICT_NO_DATA, "" };
	def->check.rule->judge(&def->check, results, n, setup, out);
}
