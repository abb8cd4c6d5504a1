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

/* One configuration of a study: `testbed run SCENARIO ARGS... --duration S
 * --out DIR`, run --repeat times. A study file's `run LABEL SCENARIO ARGS`
 * line; workers, connections and policy are read from ARGS for the tables
 * and --max-workers. */
struct study_run {
	char *label;            /* in tables, figures and folder names: [a-z0-9-] */
	char *scenario;         /* one of ours or a bundled server */
	char **args;            /* the run arguments after SCENARIO, NULL-terminated;
				 * "{half-duration}" stands for --duration / 2 */
	size_t nargs;
	unsigned workers;       /* --workers, 0 when not given (the scenario's default) */
	unsigned connections;   /* --connections, 0 when not given */
	const char *policy;     /* --policy (points into ARGS), NULL when not given */
};

/* R's I-th run argument as run with --duration DURATION_S: "{half-duration}"
 * becomes half of it (written into BUF), any other is itself. */
const char *study_run_argument(const struct study_run *r, size_t i, double duration_s, char *buf, size_t size);

/* The figures a study reads from each run (median and range over repeats). */
enum study_metric {
	METRIC_HERD_FACTOR,     /* summary.csv herd_factor */
	METRIC_WASTED_RATIO,    /* summary.csv wasted_wakeup_ratio */
	METRIC_CPU_US_PER_CONN, /* the server processes' on-CPU time / connections taken */
	METRIC_JAIN,            /* summary.csv jain_index */
	METRIC_MAX_SHARE,       /* summary.csv max_share */
	METRIC_TOP_TWO_SHARE,   /* the two busiest workers' share of the connections */
	METRIC_THROUGHPUT,      /* summary.csv throughput_cps */
	METRIC_CONNECTIONS_LOST,/* summary.csv connections_lost (refused + reset + timed out) */
	METRIC_CONNECTIONS_RESET, /* summary.csv connections_reset */
	METRIC_POOL_WAKEUPS_PER_JOB, /* pool_futex_wakeups / pool_jobs */
	METRIC_POOL_WASTED_PER_JOB,  /* pool_wasted_futex_wakeups / pool_jobs */
	METRIC_LATENCY_P99_US,  /* summary.csv latency_p99_us */
	METRIC_LATENCY_MAX_US,  /* summary.csv latency_max_us */
	METRIC_COUNT,
};
#define METRIC_BIT(m) (1u << (m))

struct study_metric_info {
	const char *name;       /* table header */
	const char *key;        /* in study files: `metrics`, `figure`, a rule's metric= */
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

struct study_check;

/* A verdict rule: generic, named in study files (`check NAME key=value...`),
 * its parameters checked when the file is read (analysis/study_rules.c). */
enum rule_param_kind {
	PARAM_NUMBER,           /* a decimal number */
	PARAM_LABEL,            /* a run's label */
	PARAM_LABELS,           /* labels separated by commas */
	PARAM_PATTERN,          /* labels with {N}, separated by commas (see SIZES) */
	PARAM_SIZES,            /* whole numbers >= 1 separated by commas */
	PARAM_METRIC,           /* a study_metric_info key */
};

struct rule_param {
	const char *key;
	enum rule_param_kind kind;
	const char *fallback;   /* NULL: required */
};

#define RULE_MAX_PARAMS 8

struct study_rule {
	const char *name;
	const char *meaning;    /* one line for docs and errors */
	struct rule_param params[RULE_MAX_PARAMS];
	void (*judge)(const struct study_check *check, const struct study_result *results, size_t n,
		      const struct study_setup *setup, struct study_outcome *out);
};

extern const struct study_rule study_rules[];
extern const size_t study_rule_count;

const struct study_rule *study_rule_find(const char *name);

/* A study's `check` line: the rule and its parameters, every one set
 * (given or the fallback), in the rule's order. */
struct study_check {
	const struct study_rule *rule;
	char *text[RULE_MAX_PARAMS];
	double number[RULE_MAX_PARAMS]; /* PARAM_NUMBER; NAN otherwise */
};

/* The parameter KEY of CHECK (a key the rule declares). */
double check_number(const struct study_check *check, const char *key);
const char *check_text(const struct study_check *check, const char *key);

/* The result labelled LABEL among R[0..N) with metric M measured, or NULL. */
const struct study_result *study_result_of(const struct study_result *r, size_t n, const char *label,
					   enum study_metric m);

/* A study as read from studies/NAME.study (docs/STUDY.md, "Study files"). */
struct study_definition {
	char *name;             /* the file's name without .study */
	char *summary;          /* one line for `study list` */
	char *claim;            /* quoted */
	char *source;           /* where, with a link */
	char *original_setup;   /* the setup the claim came from */
	char *expected;         /* what the check calls reproduced, in words */
	struct study_run *runs;
	size_t nruns;
	unsigned metrics;       /* the columns shown: 1 << enum study_metric */
	enum study_metric figure_metric; /* plotted per configuration */
	double default_duration_s;
	unsigned default_repeat;
	struct study_check check;
};

/* Parses the study file PATH (TEXT when not NULL, else the file's content)
 * into *OUT. 0, or -1 with ERR "PATH:LINE: reason" (study_file.c). */
int study_parse(const char *path, const char *text, struct study_definition **out, struct error_message *err);
void study_free(struct study_definition *def);

/* Every DIR/ *.study, sorted by name, into *LIST / *N. 0, or -1 with ERR
 * (the first file that does not parse). */
int study_load_all(const char *dir, struct study_definition ***list, size_t *n, struct error_message *err);
void study_free_all(struct study_definition **list, size_t n);

/* The folder of the studies: studies/ in the source tree that holds this
 * build (build/testbed), like the bundled servers' files. */
int study_dir(char *out, size_t size, struct error_message *err);

/* Fills OUT from RESULTS[0..N) (aligned with DEF's runs; skipped ones have
 * n == 0) by DEF's check. */
void study_judge(const struct study_definition *def, const struct study_result *results, size_t n,
		 const struct study_setup *setup, struct study_outcome *out);

/* The metrics of one loaded run folder (RUN_FOLDER_ALL) into VALUES. */
void study_run_metrics(const struct run_folder *run, double values[METRIC_COUNT]);

/* The K largest of X[0..N) over their sum (NAN when the sum is 0). */
double top_share(const double *x, size_t n, size_t k);

/* study.md and study.html (and study.svg) into DIR: the claim, the
 * measured numbers with RUN_DIRS (per result, REPEAT each), the verdict.
 * 0, or -1 with ERR set. study_document.c. */
int study_write_document(const char *dir, const struct study_definition *def,
			 const struct study_setup *setup, const struct study_result *results,
			 char *const *run_dirs, const struct study_outcome *outcome,
			 struct error_message *err);

#endif
