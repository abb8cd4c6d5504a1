// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The studies of `testbed study` as data: one struct study_definition per
 * published claim (the quote, its source and setup, the runs that test it,
 * the rule that judges it), the figures a study reads from a run folder,
 * their spread over repeats, and the verdict rules with their thresholds
 * (docs/STUDY.md). Pure: no printing, no running, no files -- the command
 * (user/study.c) runs the runs, study_document.c writes study.md/.html. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "run_folder.h"
#include "study.h"
#include "util.h"

const struct study_metric_info study_metric_info[METRIC_COUNT] = {
	[METRIC_HERD_FACTOR] = { "herd factor", 3 },
	[METRIC_WASTED_RATIO] = { "wasted ratio", 3 },
	[METRIC_CPU_US_PER_CONN] = { "server CPU us/conn", 1 },
	[METRIC_JAIN] = { "Jain index", 4 },
	[METRIC_MAX_SHARE] = { "max share", 3 },
	[METRIC_TOP_TWO_SHARE] = { "top-two share", 3 },
	[METRIC_THROUGHPUT] = { "throughput (conn/s)", 0 },
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
	free(taken);
}

/* --- thundering-herd ------------------------------------------------------ */

#define HERD_RUN(scenario, n) { scenario "-n" #n, scenario, n, 1, NULL }

static const struct study_run herd_runs[] = {
	HERD_RUN("shared-epoll", 1), HERD_RUN("shared-accept", 1), HERD_RUN("shared-epoll-excl", 1),
	HERD_RUN("shared-epoll", 2), HERD_RUN("shared-accept", 2), HERD_RUN("shared-epoll-excl", 2),
	HERD_RUN("shared-epoll", 4), HERD_RUN("shared-accept", 4), HERD_RUN("shared-epoll-excl", 4),
	HERD_RUN("shared-epoll", 8), HERD_RUN("shared-accept", 8), HERD_RUN("shared-epoll-excl", 8),
};

/* The median herd factor of SCENARIO with W workers, NAN when not run. */
static double herd_of(const struct study_result *r, size_t n, const char *scenario, unsigned workers)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].metric[METRIC_HERD_FACTOR].n && r[i].run->workers == workers &&
		    !strcmp(r[i].run->scenario, scenario))
			return r[i].metric[METRIC_HERD_FACTOR].median;
	return NAN;
}

/* Appends to OUT->why. */
static void say(struct study_outcome *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct study_outcome *out, const char *fmt, ...)
{
	size_t used = strlen(out->why);
	va_list ap;

	if (used >= sizeof(out->why) - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(out->why + used, sizeof(out->why) - used, fmt, ap);
	va_end(ap);
}

void judge_thundering_herd(const struct study_result *results, size_t n,
			   const struct study_setup *setup, struct study_outcome *out)
{
	bool wake_one = true, herd_of_n = true, herd_present = true, any = false;
	unsigned short_n = 0;   /* the smallest N whose herd fell short of N */

	*out = (struct study_outcome){ VERDICT_NO_DATA, "" };
	for (size_t i = 0; i < n; i++) {
		const struct study_run *r = results[i].run;
		double epoll, accept, excl;

		if (r->workers < 2 || strcmp(r->scenario, "shared-epoll"))
			continue;
		epoll = herd_of(results, n, "shared-epoll", r->workers);
		accept = herd_of(results, n, "shared-accept", r->workers);
		excl = herd_of(results, n, "shared-epoll-excl", r->workers);
		if (isnan(epoll) || isnan(accept) || isnan(excl))
			continue;
		any = true;
		say(out, "N=%u: shared-epoll %.2f (%.2f N), accept %.2f, EPOLLEXCLUSIVE %.2f. ", r->workers,
		    epoll, epoll / r->workers, accept, excl);
		if (accept > WAKE_ONE_MAX || excl > WAKE_ONE_MAX)
			wake_one = false;
		/* "about N" and a herd at all: 0.5 N alone is 1 at N = 2, what wake-one gives */
		bool herd_here = epoll >= HERD_OVER_WAKE_ONE * fmax(accept, excl);

		if (epoll < HERD_OF_N_MIN * r->workers || !herd_here) {
			herd_of_n = false;
			if (!short_n)
				short_n = r->workers;
		}
		if (!herd_here)
			herd_present = false;
	}
	if (!any) {
		say(out, "No N >= 2 with all three models measured.");
		return;
	}
	if (wake_one && herd_of_n) {
		out->verdict = VERDICT_REPRODUCED;
		say(out, "Every shared-epoll herd >= %.2f N (and >= %.1f x the wake-one models') and every "
		    "wake-one model <= %.2f.", HERD_OF_N_MIN, HERD_OVER_WAKE_ONE, WAKE_ONE_MAX);
	} else if (wake_one && herd_present) {
		out->verdict = VERDICT_PARTLY;
		say(out, "Wake-one holds (<= %.2f) and shared epoll wakes more (>= %.1f x), but below %.2f N "
		    "from N=%u", WAKE_ONE_MAX, HERD_OVER_WAKE_ONE, HERD_OF_N_MIN, short_n);
		if (short_n > setup->cpus)
			say(out, " -- more workers than this machine's %u CPUs: a woken worker still waiting "
			    "for a CPU is not woken again, so the herd is capped near the CPUs.", setup->cpus);
		else
			say(out, ".");
	} else if (herd_of_n || herd_present) {
		out->verdict = VERDICT_PARTLY;
		say(out, "Shared epoll herds, but a wake-one model (accept or EPOLLEXCLUSIVE) woke more "
		    "than %.2f per connection.", WAKE_ONE_MAX);
	} else {
		out->verdict = VERDICT_NOT_REPRODUCED;
		say(out, "At some N >= 2 shared epoll woke less than %.1f x the wake-one models: no herd.",
		    HERD_OVER_WAKE_ONE);
	}
}

/* --- node-cluster-balance -------------------------------------------------- */

static const struct study_run node_runs[] = {
	{ "node-cluster-none", "node-cluster-none", 8, 8, NULL },
	{ "node-cluster-rr", "node-cluster-rr", 8, 8, NULL },
	{ "shared-epoll", "shared-epoll", 8, 8, NULL },
	{ "fd-dispatch-rr", "fd-dispatch", 8, 8, "rr" },
};

static const struct spread *top_two_of(const struct study_result *r, size_t n, const char *scenario)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].metric[METRIC_TOP_TWO_SHARE].n && !strcmp(r[i].run->scenario, scenario))
			return &r[i].metric[METRIC_TOP_TWO_SHARE];
	return NULL;
}

void judge_node_cluster_balance(const struct study_result *results, size_t n,
				const struct study_setup *setup, struct study_outcome *out)
{
	const struct spread *none = top_two_of(results, n, "node-cluster-none");
	const struct spread *rr = top_two_of(results, n, "node-cluster-rr");
	unsigned workers = 8;
	double even;
	bool rr_even;

	*out = (struct study_outcome){ VERDICT_NO_DATA, "" };
	for (size_t i = 0; i < n; i++)
		if (!strcmp(results[i].run->scenario, "node-cluster-none"))
			workers = results[i].run->workers;
	even = 2.0 / workers;
	if (!none || !rr) {
		say(out, "node-cluster-none and node-cluster-rr were not both measured (is node installed?).");
		return;
	}
	rr_even = rr->median <= TOP_TWO_EVEN_MAX * even;
	say(out, "Top-two share under SCHED_NONE: median %.3f (%.3f-%.3f over %zu runs); under SCHED_RR "
	    "%.3f; an even spread gives %.3f. ", none->median, none->min, none->max, none->n, rr->median, even);
	if (none->median > TOP_TWO_CLAIM && rr_even) {
		out->verdict = VERDICT_REPRODUCED;
		say(out, "Over %.0f %% in two processes under SCHED_NONE, and round-robin spreads them "
		    "(<= %.1f x even).", TOP_TWO_CLAIM * 100, TOP_TWO_EVEN_MAX);
		return;
	}
	if (none->median > TOP_TWO_CLAIM || none->median >= TOP_TWO_SKEW_MIN * even) {
		out->verdict = VERDICT_PARTLY;
		if (none->median > TOP_TWO_CLAIM)
			say(out, "The concentration is there, but round-robin did not spread evenly either "
			    "(> %.1f x even).", TOP_TWO_EVEN_MAX);
		else
			say(out, "SCHED_NONE is skewed (>= %.1f x even) but below the claimed %.0f %%.",
			    TOP_TWO_SKEW_MIN, TOP_TWO_CLAIM * 100);
	} else {
		out->verdict = VERDICT_NOT_REPRODUCED;
		say(out, "SCHED_NONE spread the connections about evenly (below %.1f x even).", TOP_TWO_SKEW_MIN);
	}
	if (setup->cpus < workers)
		say(out, " This machine has %u CPUs for %u workers and the docs do not say what theirs had: "
		    "which worker wins the accept race depends on which are running, so a result on fewer "
		    "CPUs than workers does not refute a skew seen on a bigger machine.", setup->cpus, workers);
}

/* --- nginx-accept-mutex --------------------------------------------------- */

static const struct study_run nginx_runs[] = {
	{ "nginx-mutex-on", "nginx-mutex-on", 4, 1, NULL },
	{ "nginx-mutex-off", "nginx-mutex-off", 4, 1, NULL },
	{ "nginx-reuseport", "nginx-reuseport", 4, 1, NULL },
};

static const struct study_result *result_of(const struct study_result *r, size_t n, const char *scenario)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(r[i].run->scenario, scenario) && r[i].metric[METRIC_MAX_SHARE].n &&
		    r[i].metric[METRIC_HERD_FACTOR].n)
			return &r[i];
	return NULL;
}

void judge_nginx_accept_mutex(const struct study_result *results, size_t n,
			      const struct study_setup *setup, struct study_outcome *out)
{
	const struct study_result *on = result_of(results, n, "nginx-mutex-on");
	const struct study_result *off = result_of(results, n, "nginx-mutex-off");
	const struct study_result *reuseport = result_of(results, n, "nginx-reuseport");
	double even, on_share, off_herd, reuseport_herd;
	bool by_turn, no_waste;

	*out = (struct study_outcome){ VERDICT_NO_DATA, "" };
	if (!on || !off || !reuseport) {
		say(out, "The three nginx setups were not all measured (is nginx-light installed?).");
		return;
	}
	even = 1.0 / on->run->workers;
	on_share = on->metric[METRIC_MAX_SHARE].median;
	off_herd = off->metric[METRIC_HERD_FACTOR].median;
	reuseport_herd = reuseport->metric[METRIC_HERD_FACTOR].median;
	by_turn = on_share <= MUTEX_TURN_MAX * even;
	no_waste = off_herd <= WAKE_ONE_MAX && reuseport_herd <= WAKE_ONE_MAX;
	say(out, "accept_mutex on: the busiest worker took %.3f of the connections (%.3f-%.3f; even is "
	    "%.3f, \"by turn\" here means <= %.1f x even). accept_mutex off herd factor %.2f, reuseport "
	    "%.2f (no waste: <= %.2f). ", on_share, on->metric[METRIC_MAX_SHARE].min,
	    on->metric[METRIC_MAX_SHARE].max, even, MUTEX_TURN_MAX, off_herd, reuseport_herd, WAKE_ONE_MAX);
	if (by_turn && no_waste) {
		out->verdict = VERDICT_REPRODUCED;
		say(out, "The mutex takes turns, and without it EPOLLEXCLUSIVE and reuseport wake one.");
	} else if (no_waste) {
		out->verdict = VERDICT_PARTLY;
		say(out, "Without the mutex nothing is wasted, as the docs say, but with it the workers do "
		    "not take turns at low concurrency: the mutex holder keeps accepting.");
	} else if (by_turn) {
		out->verdict = VERDICT_PARTLY;
		say(out, "The mutex takes turns, but without it a worker was woken for nothing.");
	} else {
		out->verdict = VERDICT_NOT_REPRODUCED;
		say(out, "Neither: the mutex holder keeps the connections and the models without it waste "
		    "wakeups.");
	}
	if (setup->cpus < on->run->workers)
		say(out, " (%u CPUs for %u workers here.)", setup->cpus, on->run->workers);
}

/* --- the table ------------------------------------------------------------- */

const struct study_definition study_table[] = {
	{
		.name = "thundering-herd",
		.summary = "shared level-triggered epoll wakes every idle worker per connection; accept "
			   "and EPOLLEXCLUSIVE wake one (N = 1, 2, 4, 8)",
		.claim = "(In our words; the sources below state it in theirs.) "
			 "Level-triggered epoll on a shared listening socket wakes every worker waiting on "
			 "it for each new connection (a herd of about N), while blocking accept() and "
			 "EPOLLEXCLUSIVE wake one waiter (about 1).",
		.source = "Jason Baron, \"epoll: add EPOLLEXCLUSIVE flag\" (Linux 4.5, 2016); "
			  "Marek Majkowski, \"Why does one NGINX worker take all the load?\", Cloudflare "
			  "blog, 2017 (https://blog.cloudflare.com/the-sad-state-of-linux-socket-balancing/)",
		.original_setup = "A kernel property: any machine, idle workers, one connection at a time. "
				  "With one client in a closed loop the worker that served the last connection "
				  "is often not yet back in epoll_wait, so N - 1 to N are woken.",
		.expected = "For every N >= 2: shared-epoll herd factor >= 0.5 N and >= 1.1 x the larger of the "
			    "other two; shared-accept and "
			    "shared-epoll-excl <= 1.25. One client connection (the workers wait idle).",
		.runs = herd_runs,
		.nruns = ARRAY_SIZE(herd_runs),
		.metrics = METRIC_BIT(METRIC_HERD_FACTOR) | METRIC_BIT(METRIC_WASTED_RATIO) |
			   METRIC_BIT(METRIC_CPU_US_PER_CONN) | METRIC_BIT(METRIC_THROUGHPUT),
		.figure_metric = METRIC_HERD_FACTOR,
		.default_duration_s = 2,
		.default_repeat = 3,
		.judge = judge_thundering_herd,
	},
	{
		.name = "node-cluster-balance",
		.summary = "Node cluster docs: under SCHED_NONE over 70 % of connections land in two of "
			   "eight workers; round-robin spreads them",
		.claim = "\"In practice however, distribution tends to be very unbalanced due to operating "
			 "system scheduler vagaries. Loads have been observed where over 70% of all "
			 "connections ended up in just two processes, out of a total of eight.\"",
		.source = "Node.js documentation, Cluster, \"How it works\" "
			  "(https://nodejs.org/api/cluster.html#how-it-works)",
		.original_setup = "Eight cluster workers; the machine, load and Node version are not stated.",
		.expected = "node-cluster-none: the two busiest workers take > 70 % of the connections "
			    "(median over repeats); node-cluster-rr: <= 1.3 x the even 2/8. Beside them our "
			    "shared-epoll and fd-dispatch (rr) models, 8 workers, 8 client connections.",
		.runs = node_runs,
		.nruns = ARRAY_SIZE(node_runs),
		.metrics = METRIC_BIT(METRIC_TOP_TWO_SHARE) | METRIC_BIT(METRIC_MAX_SHARE) |
			   METRIC_BIT(METRIC_JAIN) | METRIC_BIT(METRIC_HERD_FACTOR) |
			   METRIC_BIT(METRIC_CPU_US_PER_CONN) | METRIC_BIT(METRIC_THROUGHPUT),
		.figure_metric = METRIC_TOP_TWO_SHARE,
		.default_duration_s = 3,
		.default_repeat = 3,
		.judge = judge_node_cluster_balance,
	},
	{
		.name = "nginx-accept-mutex",
		.summary = "nginx docs: with accept_mutex on workers accept by turn; off (EPOLLEXCLUSIVE) "
			   "and reuseport need no mutex (one client at a time)",
		.claim = "\"If accept_mutex is enabled, worker processes will accept new connections by turn. "
			 "Otherwise, all worker processes will be notified about new connections, and if "
			 "volume of new connections is low, some of the worker processes may just waste "
			 "system resources.\" ... \"There is no need to enable accept_mutex on systems that "
			 "support the EPOLLEXCLUSIVE flag (1.11.3) or when using reuseport.\"",
		.source = "nginx documentation, core module, accept_mutex "
			  "(https://nginx.org/en/docs/ngx_core_module.html#accept_mutex)",
		.original_setup = "nginx >= 1.11.3 on Linux >= 4.5; the docs give no load.",
		.expected = "At low concurrency (one client connection, 4 workers): accept_mutex on gives "
			    "the busiest worker <= 1.5 x the even share 1/4 (\"by turn\"); accept_mutex off "
			    "(EPOLLEXCLUSIVE) and reuseport have a herd factor <= 1.25 (no waste).",
		.runs = nginx_runs,
		.nruns = ARRAY_SIZE(nginx_runs),
		.metrics = METRIC_BIT(METRIC_MAX_SHARE) | METRIC_BIT(METRIC_JAIN) |
			   METRIC_BIT(METRIC_HERD_FACTOR) | METRIC_BIT(METRIC_WASTED_RATIO) |
			   METRIC_BIT(METRIC_CPU_US_PER_CONN) | METRIC_BIT(METRIC_THROUGHPUT),
		.figure_metric = METRIC_MAX_SHARE,
		.default_duration_s = 2,
		.default_repeat = 3,
		.judge = judge_nginx_accept_mutex,
	},
};
const size_t study_count = ARRAY_SIZE(study_table);

const struct study_definition *study_find(const char *name)
{
	for (size_t i = 0; i < study_count; i++)
		if (!strcmp(study_table[i].name, name))
			return &study_table[i];
	return NULL;
}
