/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* `testbed study`: published claims about multi-process servers, each with
 * the runs that test it and the rule that judges it (docs/STUDY.md). The
 * definitions (study_table), the numbers one run contributes, their spread
 * over repeats and the verdict rules are pure and unit-tested here; the
 * document (study.md, study.html) is study_document.c's; running the runs
 * is the command's (user/study.c). */
#ifndef TESTBED_STUDY_H
#define TESTBED_STUDY_H

#include <stdbool.h>
#include <stddef.h>
#include "error.h"

struct run_folder;

/* One configuration of a study: `testbed run SCENARIO --workers W
 * --connections C [--policy P]`, run --repeat times. */
struct study_run {
	const char *label;      /* in tables, figures and folder names: [a-z0-9-] */
	const char *scenario;   /* one of ours or a bundled server */
	unsigned workers;
	unsigned connections;
	const char *policy;     /* NULL: the scenario's default */
};

/* The figures a study reads from each run (median and range over repeats). */
enum study_metric {
	METRIC_HERD_FACTOR,     /* summary.csv herd_factor */
	METRIC_WASTED_RATIO,    /* summary.csv wasted_wakeup_ratio */
	METRIC_CPU_US_PER_CONN, /* the server processes' on-CPU time / connections taken */
	METRIC_JAIN,            /* summary.csv jain_index */
	METRIC_MAX_SHARE,       /* summary.csv max_share */
	METRIC_TOP_TWO_SHARE,   /* the two busiest workers' share of the connections */
	METRIC_THROUGHPUT,      /* summary.csv throughput_cps */
	METRIC_COUNT,
};
#define METRIC_BIT(m) (1u << (m))

struct study_metric_info {
	const char *name;       /* table header */
	int decimals;
};
extern const struct study_metric_info study_metric_info[METRIC_COUNT];

/* A value over the repeats of one configuration; n == 0: not run (NAN). */
struct spread {
	double median, min, max;
	size_t n;
};

/* Median, min and max of the non-NAN values among X[0..N). */
struct spread spread_of(const double *x, size_t n);

/* One configuration's numbers over its repeats, in the study's run order. */
struct study_result {
	const struct study_run *run;
	struct spread metric[METRIC_COUNT];
};

/* Where the study ran, as the verdict and the document need it. */
struct study_setup {
	unsigned cpus;          /* online CPUs here */
	const char *kernel;
	double duration_s;      /* per run */
	unsigned repeat;
	bool shortened;         /* --duration or --repeat below the study's defaults */
	unsigned max_workers;   /* runs above this were skipped; 0: none skipped */
};

enum study_verdict { VERDICT_REPRODUCED, VERDICT_PARTLY, VERDICT_NOT_REPRODUCED, VERDICT_NO_DATA };

const char *study_verdict_name(enum study_verdict v);

struct study_outcome {
	enum study_verdict verdict;
	char why[1024];         /* the rule that decided, with the numbers */
};

struct study_definition {
	const char *name;
	const char *summary;        /* one line for `study list` */
	const char *claim;          /* quoted */
	const char *source;         /* where, with a link */
	const char *original_setup; /* the setup the claim came from */
	const char *expected;       /* what the rule below calls reproduced */
	const struct study_run *runs;
	size_t nruns;
	unsigned metrics;           /* the columns shown: 1 << enum study_metric */
	enum study_metric figure_metric; /* plotted per configuration */
	double default_duration_s;
	unsigned default_repeat;
	/* Fills OUT from RESULTS[0..N) (aligned with runs; skipped ones have
	 * n == 0) and SETUP. */
	void (*judge)(const struct study_result *results, size_t n, const struct study_setup *setup,
		      struct study_outcome *out);
};

extern const struct study_definition study_table[];
extern const size_t study_count;

const struct study_definition *study_find(const char *name);

/* The metrics of one loaded run folder (RUN_FOLDER_ALL) into VALUES. */
void study_run_metrics(const struct run_folder *run, double values[METRIC_COUNT]);

/* The K largest of X[0..N) over their sum (NAN when the sum is 0). */
double top_share(const double *x, size_t n, size_t k);

/* The verdict rules' thresholds (docs/STUDY.md). */
#define HERD_OF_N_MIN 0.5        /* shared epoll herd >= this x N: "herd ~ N" */
#define HERD_OVER_WAKE_ONE 1.1   /* shared epoll herd >= this x the wake-one models': a herd at all */
#define WAKE_ONE_MAX 1.25        /* accept / EPOLLEXCLUSIVE herd <= this: "wakes one" */
#define TOP_TWO_CLAIM 0.70       /* Node docs: "over 70 %" in two of eight */
#define TOP_TWO_SKEW_MIN 1.5     /* top-two share >= this x the even 2/N: skewed, not 70 % */
#define TOP_TWO_EVEN_MAX 1.3     /* rr top-two share <= this x 2/N: spread evenly */
#define MUTEX_TURN_MAX 1.5       /* accept_mutex on: max share <= this x 1/N is "by turn" */

/* The verdict rules themselves, exported for the unit tests. */
void judge_thundering_herd(const struct study_result *results, size_t n,
			   const struct study_setup *setup, struct study_outcome *out);
void judge_node_cluster_balance(const struct study_result *results, size_t n,
				const struct study_setup *setup, struct study_outcome *out);
void judge_nginx_accept_mutex(const struct study_result *results, size_t n,
			      const struct study_setup *setup, struct study_outcome *out);

/* study.md and study.html (and study.svg) into DIR: the claim, the
 * measured numbers with RUN_DIRS (per result, REPEAT each), the verdict.
 * 0, or -1 with ERR set. study_document.c. */
int study_write_document(const char *dir, const struct study_definition *def,
			 const struct study_setup *setup, const struct study_result *results,
			 char *const *run_dirs, const struct study_outcome *outcome,
			 struct error_message *err);

#endif
