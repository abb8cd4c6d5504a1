// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for analysis/study.c (the spread, the top-two share), for
 * analysis/study_rules.c (every rule at and around the thresholds the
 * studies/ files give it), for analysis/study_file.c (the files in studies/,
 * a parsed file, malformed ones refused with file:line), for
 * analysis/study_document.c (the three parts in study.md) and for `study`'s
 * command line (user/options.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#include "options.h"
#include "study.h"

static const struct study_setup two_cpus = { .cpus = 2, .kernel = "6.1", .duration_s = 2, .repeat = 3 };
static const struct study_setup many_cpus = { .cpus = 64, .kernel = "6.1", .duration_s = 2, .repeat = 3 };

static void test_spread(void)
{
	static const double odd[] = { 3, 1, 2 }, even[] = { 4, 1, 3, 2 }, gaps[] = { NAN, 5, NAN };
	struct spread s = spread_of(odd, ARRAY_SIZE(odd));

	CU_ASSERT_EQUAL(s.n, 3);
	CU_ASSERT_DOUBLE_EQUAL(s.median, 2, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(s.min, 1, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(s.max, 3, 1e-12);
	s = spread_of(even, ARRAY_SIZE(even));
	CU_ASSERT_DOUBLE_EQUAL(s.median, 2.5, 1e-12);
	s = spread_of(gaps, ARRAY_SIZE(gaps));     /* failed runs are NAN: left out */
	CU_ASSERT_EQUAL(s.n, 1);
	CU_ASSERT_DOUBLE_EQUAL(s.median, 5, 1e-12);
	s = spread_of(gaps, 1);
	CU_ASSERT_EQUAL(s.n, 0);
	CU_ASSERT(isnan(s.median));
}

static void test_top_share(void)
{
	static const double x[] = { 10, 40, 20, 30 }, zero[] = { 0, 0 };

	CU_ASSERT_DOUBLE_EQUAL(top_share(x, 4, 2), 0.7, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(top_share(x, 4, 1), 0.4, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(top_share(x, 4, 4), 1.0, 1e-12);
	CU_ASSERT(isnan(top_share(zero, 2, 1)));
}

/* studies/NAME.study, as `study` reads it. */
static struct study_definition *load(const char *name)
{
	struct study_definition *def = NULL;
	struct error_message err = { "" };
	char path[128];

	snprintf(path, sizeof(path), "studies/%s.study", name);
	if (study_parse(path, NULL, &def, &err))
		fprintf(stderr, "%s\n", err.text);
	return def;
}

/* R[0..def->nruns) aligned with DEF's runs, nothing measured. */
static void no_results(const struct study_definition *def, struct study_result *r)
{
	for (size_t i = 0; i < def->nruns; i++)
		r[i] = (struct study_result){ .run = &def->runs[i] };
}

/* Metric M of the run labelled LABEL measured once, at VALUE (NAN: not measured). */
static void set(const struct study_definition *def, struct study_result *r, const char *label,
		enum study_metric m, double value)
{
	for (size_t i = 0; i < def->nruns; i++)
		if (!strcmp(def->runs[i].label, label))
			r[i].metric[m] = spread_of(&value, 1);
}

/* --- thundering-herd -------------------------------------------------------- */

/* Herd medians for N=2 and N=8: epoll, accept and exclusive; NAN = not run. */
static enum study_verdict herd_verdict(double e2, double w2, double e8, double w8,
				       const struct study_setup *setup, struct study_outcome *out)
{
	struct study_definition *def = load("thundering-herd");
	struct study_result r[16];

	CU_ASSERT_FATAL(def && def->nruns <= ARRAY_SIZE(r));
	no_results(def, r);
	set(def, r, "shared-epoll-n2", METRIC_HERD_FACTOR, e2);
	set(def, r, "shared-accept-n2", METRIC_HERD_FACTOR, w2);
	set(def, r, "shared-epoll-excl-n2", METRIC_HERD_FACTOR, w2);
	set(def, r, "shared-epoll-n8", METRIC_HERD_FACTOR, e8);
	set(def, r, "shared-accept-n8", METRIC_HERD_FACTOR, w8);
	set(def, r, "shared-epoll-excl-n8", METRIC_HERD_FACTOR, w8);
	study_judge(def, r, def->nruns, setup, out);
	study_free(def);
	return out->verdict;
}

static void test_herd_rules(void)
{
	struct study_outcome out;

	/* at the thresholds: 0.5 N, 1.25 pass; just over 1.1 x wake-one (1.375) */
	CU_ASSERT_EQUAL(herd_verdict(1.376, 1.25, 4.0, 1.0, &two_cpus, &out), VERDICT_REPRODUCED);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.why, "N=8: shared-epoll-n8 4.00"));
	/* measured here: N=2 gives N - 1 and a bit (the serving worker is busy) */
	CU_ASSERT_EQUAL(herd_verdict(1.18, 0.97, 7.3, 1.0, &two_cpus, &out), VERDICT_REPRODUCED);
	CU_ASSERT_EQUAL(herd_verdict(1.374, 1.25, 4.0, 1.0, &two_cpus, &out), VERDICT_NOT_REPRODUCED);
	/* the herd capped below 0.5 N at N=8 > 2 CPUs: partly, and the CPUs named */
	CU_ASSERT_EQUAL(herd_verdict(1.9, 1.0, 3.9, 1.0, &two_cpus, &out), VERDICT_PARTLY);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.why, "2 CPUs"));
	CU_ASSERT_EQUAL(herd_verdict(1.9, 1.0, 3.9, 1.0, &many_cpus, &out), VERDICT_PARTLY);
	CU_ASSERT_PTR_NULL(strstr(out.why, "CPUs"));
	/* a wake-one model above 1.25: partly */
	CU_ASSERT_EQUAL(herd_verdict(2.0, 1.26, 8.0, 1.0, &two_cpus, &out), VERDICT_PARTLY);
	/* shared epoll at N=2 below 1.1 x wake-one (1.09 < 1.1): no herd there */
	CU_ASSERT_EQUAL(herd_verdict(1.09, 1.0, 6.0, 1.0, &two_cpus, &out), VERDICT_NOT_REPRODUCED);
	/* nothing with N >= 2 measured */
	CU_ASSERT_EQUAL(herd_verdict(NAN, NAN, NAN, NAN, &two_cpus, &out), VERDICT_NO_DATA);
	/* only N=2 measured (--max-workers 2): judged on it */
	CU_ASSERT_EQUAL(herd_verdict(1.7, 1.0, NAN, NAN, &two_cpus, &out), VERDICT_REPRODUCED);
}

/* --- node-cluster-balance --------------------------------------------------- */

static enum study_verdict node_verdict(double none, double rr, const struct study_setup *setup,
				       struct study_outcome *out)
{
	struct study_definition *def = load("node-cluster-balance");
	struct study_result r[8];

	CU_ASSERT_FATAL(def && def->nruns <= ARRAY_SIZE(r));
	no_results(def, r);
	set(def, r, "node-cluster-none", METRIC_TOP_TWO_SHARE, none);
	set(def, r, "node-cluster-rr", METRIC_TOP_TWO_SHARE, rr);
	study_judge(def, r, def->nruns, setup, out);
	study_free(def);
	return out->verdict;
}

static void test_node_rules(void)
{
	struct study_outcome out;

	/* even is 2/8 = 0.25: rr <= 1.3 x 0.25 = 0.325 is even */
	CU_ASSERT_EQUAL(node_verdict(0.71, 0.325, &many_cpus, &out), VERDICT_REPRODUCED);
	CU_ASSERT_EQUAL(node_verdict(0.70, 0.25, &many_cpus, &out), VERDICT_PARTLY);   /* "over 70 %" */
	CU_ASSERT_EQUAL(node_verdict(0.71, 0.40, &many_cpus, &out), VERDICT_PARTLY);   /* rr uneven */
	CU_ASSERT_EQUAL(node_verdict(0.375, 0.25, &many_cpus, &out), VERDICT_PARTLY);  /* 1.5 x even */
	CU_ASSERT_EQUAL(node_verdict(0.37, 0.25, &many_cpus, &out), VERDICT_NOT_REPRODUCED);
	CU_ASSERT_PTR_NULL(strstr(out.why, "CPUs"));
	CU_ASSERT_EQUAL(node_verdict(0.30, 0.25, &two_cpus, &out), VERDICT_NOT_REPRODUCED);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.why, "2 CPUs for 8 workers"));
	CU_ASSERT_EQUAL(node_verdict(NAN, 0.25, &two_cpus, &out), VERDICT_NO_DATA);
}

/* --- nginx-accept-mutex ------------------------------------------------------ */

static enum study_verdict nginx_verdict(double on_share, double off_herd, double reuseport_herd,
					struct study_outcome *out)
{
	struct study_definition *def = load("nginx-accept-mutex");
	struct study_result r[8];

	CU_ASSERT_FATAL(def && def->nruns <= ARRAY_SIZE(r));
	no_results(def, r);
	set(def, r, "nginx-mutex-on", METRIC_MAX_SHARE, on_share);
	set(def, r, "nginx-mutex-on", METRIC_HERD_FACTOR, 1.0);
	set(def, r, "nginx-mutex-off", METRIC_MAX_SHARE, 0.25);
	set(def, r, "nginx-mutex-off", METRIC_HERD_FACTOR, off_herd);
	set(def, r, "nginx-reuseport", METRIC_MAX_SHARE, 0.25);
	set(def, r, "nginx-reuseport", METRIC_HERD_FACTOR, reuseport_herd);
	study_judge(def, r, def->nruns, &two_cpus, out);
	study_free(def);
	return out->verdict;
}

static void test_nginx_rules(void)
{
	struct study_outcome out;

	/* "by turn": max share <= 1.5 x 1/4 = 0.375; no waste: herd <= 1.25 */
	CU_ASSERT_EQUAL(nginx_verdict(0.375, 1.25, 1.0, &out), VERDICT_REPRODUCED);
	CU_ASSERT_EQUAL(nginx_verdict(0.80, 1.0, 1.0, &out), VERDICT_PARTLY);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.why, "one worker keeps accepting"));
	CU_ASSERT_EQUAL(nginx_verdict(0.30, 1.0, 1.3, &out), VERDICT_PARTLY);
	CU_ASSERT_EQUAL(nginx_verdict(0.80, 2.0, 1.0, &out), VERDICT_NOT_REPRODUCED);
	CU_ASSERT_EQUAL(nginx_verdict(NAN, 1.0, 1.0, &out), VERDICT_NO_DATA);
	CU_ASSERT_EQUAL(nginx_verdict(0.30, NAN, 1.0, &out), VERDICT_NO_DATA);
}

/* --- worker-restart ---------------------------------------------------------- */

static enum study_verdict restart_verdict(double reuseport, double migrate, double shared,
					  struct study_outcome *out)
{
	struct study_definition *def = load("worker-restart");
	struct study_result r[8];

	CU_ASSERT_FATAL(def && def->nruns <= ARRAY_SIZE(r));
	no_results(def, r);
	set(def, r, "reuseport-kill", METRIC_CONNECTIONS_LOST, reuseport);
	set(def, r, "reuseport-kill-migrate", METRIC_CONNECTIONS_LOST, migrate);
	set(def, r, "shared-epoll-kill", METRIC_CONNECTIONS_LOST, shared);
	set(def, r, "fd-dispatch-kill", METRIC_CONNECTIONS_LOST, 40);   /* shown, not judged */
	study_judge(def, r, def->nruns, &two_cpus, out);
	study_free(def);
	return out->verdict;
}

static void test_restart_rules(void)
{
	struct study_outcome out;

	/* lost: > 1 without migration; kept: <= 1 with it and on a shared listener */
	CU_ASSERT_EQUAL(restart_verdict(2, 1, 1, &out), VERDICT_REPRODUCED);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.why, "reuseport-kill: connections lost 2.0"));
	CU_ASSERT_EQUAL(restart_verdict(1, 0, 0, &out), VERDICT_PARTLY);       /* nothing lost anywhere */
	CU_ASSERT_EQUAL(restart_verdict(30, 2, 0, &out), VERDICT_PARTLY);      /* migration lost 2 */
	CU_ASSERT_EQUAL(restart_verdict(1, 5, 5, &out), VERDICT_NOT_REPRODUCED);
	/* a kernel without tcp_migrate_req: judged on the shared listener, the gap named */
	CU_ASSERT_EQUAL(restart_verdict(30, NAN, 1, &out), VERDICT_REPRODUCED);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.why, "Not measured (failed or unsupported here): reuseport-kill-migrate"));
	CU_ASSERT_EQUAL(restart_verdict(30, NAN, NAN, &out), VERDICT_NO_DATA);
	CU_ASSERT_EQUAL(restart_verdict(NAN, 0, 0, &out), VERDICT_NO_DATA);
}

/* --- pool-herd ----------------------------------------------------------------- */

/* Wasted futex wakeups per job with broadcast at T = 2, 4, 8, and signal's (all T). */
static enum study_verdict pool_verdict(double b2, double b4, double b8, double signal,
				       struct study_outcome *out)
{
	struct study_definition *def = load("pool-herd");
	struct study_result r[8];

	CU_ASSERT_FATAL(def && def->nruns <= ARRAY_SIZE(r));
	no_results(def, r);
	set(def, r, "broadcast-t2", METRIC_POOL_WASTED_PER_JOB, b2);
	set(def, r, "broadcast-t4", METRIC_POOL_WASTED_PER_JOB, b4);
	set(def, r, "broadcast-t8", METRIC_POOL_WASTED_PER_JOB, b8);
	set(def, r, "signal-t2", METRIC_POOL_WASTED_PER_JOB, signal);
	set(def, r, "signal-t4", METRIC_POOL_WASTED_PER_JOB, signal);
	set(def, r, "signal-t8", METRIC_POOL_WASTED_PER_JOB, signal);
	study_judge(def, r, def->nruns, &two_cpus, out);
	study_free(def);
	return out->verdict;
}

static void test_pool_rules(void)
{
	struct study_outcome out;

	/* broadcast >= 0.4 T (0.8, 1.6, 3.2), signal <= 0.25 */
	CU_ASSERT_EQUAL(pool_verdict(1.0, 3.0, 7.0, 0.0, &out), VERDICT_REPRODUCED);
	CU_ASSERT_EQUAL(pool_verdict(0.8, 1.6, 3.2, 0.25, &out), VERDICT_REPRODUCED);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.why, "pool wasted wakeups/job"));
	CU_ASSERT_EQUAL(pool_verdict(0.8, 1.6, 3.1, 0.25, &out), VERDICT_PARTLY);   /* capped at T=8 */
	CU_ASSERT_EQUAL(pool_verdict(1.0, 3.0, 7.0, 0.3, &out), VERDICT_PARTLY);    /* signal wastes */
	CU_ASSERT_EQUAL(pool_verdict(0.1, 0.1, 0.1, 0.1, &out), VERDICT_NOT_REPRODUCED);
	CU_ASSERT_EQUAL(pool_verdict(NAN, NAN, NAN, 0, &out), VERDICT_NO_DATA);
}

/* --- epoll-exclusive-lifo -------------------------------------------------------- */

static enum study_verdict lifo_verdict(double excl_share, double accept_share, struct study_outcome *out)
{
	struct study_definition *def = load("epoll-exclusive-lifo");
	struct study_result r[8];

	CU_ASSERT_FATAL(def && def->nruns <= ARRAY_SIZE(r));
	no_results(def, r);
	set(def, r, "epoll-excl-low", METRIC_MAX_SHARE, excl_share);
	set(def, r, "accept-low", METRIC_MAX_SHARE, accept_share);
	set(def, r, "reuseport-low", METRIC_MAX_SHARE, 0.99);   /* shown, not judged */
	study_judge(def, r, def->nruns, &two_cpus, out);
	study_free(def);
	return out->verdict;
}

static void test_lifo_rules(void)
{
	struct study_outcome out;

	/* top=1: the max share; even 1/4; accept by turn <= 1.3 x 0.25 = 0.325 */
	CU_ASSERT_EQUAL(lifo_verdict(0.76, 0.325, &out), VERDICT_REPRODUCED);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.why, "max share of epoll-excl-low: median 0.760"));
	CU_ASSERT_EQUAL(lifo_verdict(0.75, 0.25, &out), VERDICT_PARTLY);       /* "> 0.75" */
	CU_ASSERT_EQUAL(lifo_verdict(0.90, 0.40, &out), VERDICT_PARTLY);       /* accept uneven */
	CU_ASSERT_EQUAL(lifo_verdict(0.375, 0.25, &out), VERDICT_PARTLY);      /* 1.5 x even */
	CU_ASSERT_EQUAL(lifo_verdict(0.37, 0.25, &out), VERDICT_NOT_REPRODUCED);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.why, "2 CPUs for 4 workers"));
	CU_ASSERT_EQUAL(lifo_verdict(NAN, 0.25, &out), VERDICT_NO_DATA);
}

/* Every file in studies/ reads, is complete, its labels fit folder names. */
static void test_study_files(void)
{
	struct study_definition **studies;
	struct error_message err = { "" };
	size_t n;

	CU_ASSERT_EQUAL_FATAL(study_load_all("studies", &studies, &n, &err), 0);
	CU_ASSERT(n >= 6);
	for (size_t i = 0; i < n; i++) {
		const struct study_definition *d = studies[i];

		CU_ASSERT(i == 0 || strcmp(studies[i - 1]->name, d->name) < 0);
		CU_ASSERT(d->claim && d->source && d->original_setup && d->expected && d->summary);
		CU_ASSERT(d->check.rule && d->nruns > 0 && d->default_repeat > 0 && d->default_duration_s > 0);
		CU_ASSERT(d->metrics & METRIC_BIT(d->figure_metric));
		for (size_t r = 0; r < d->nruns; r++)
			CU_ASSERT_EQUAL(strspn(d->runs[r].label, "abcdefghijklmnopqrstuvwxyz0123456789-"),
					strlen(d->runs[r].label));
	}
	study_free_all(studies, n);
	CU_ASSERT_EQUAL(study_load_all("no-such-folder", &studies, &n, &err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "no-such-folder"));
}

/* What a parsed file holds: runs' arguments, workers, the check's fallbacks. */
static void test_parse(void)
{
	static const char text[] =
		"# a comment\n"
		"name tiny\n"
		"summary one line\n"
		"claim first half\n"
		"  claim second half  \n"
		"source somewhere\nsetup any\nexpected more than 1 lost\n"
		"duration 1.5\nrepeat 2\nmetrics throughput\nfigure connections_lost\n"
		"\n"
		"run a reuseport --workers 3 --connections 7 --policy rr --kill-worker-after {half-duration}\n"
		"run b shared-epoll\n"
		"check lost_and_kept lossy=a kept=b lossy_min=2\n";
	struct study_definition *def;
	struct error_message err = { "" };

	CU_ASSERT_EQUAL_FATAL(study_parse("dir/tiny.study", text, &def, &err), 0);
	CU_ASSERT_STRING_EQUAL(def->name, "tiny");
	CU_ASSERT_STRING_EQUAL(def->claim, "first half second half");
	CU_ASSERT_DOUBLE_EQUAL(def->default_duration_s, 1.5, 1e-12);
	CU_ASSERT_EQUAL(def->default_repeat, 2);
	CU_ASSERT_EQUAL(def->metrics, METRIC_BIT(METRIC_THROUGHPUT) | METRIC_BIT(METRIC_CONNECTIONS_LOST));
	CU_ASSERT_EQUAL(def->figure_metric, METRIC_CONNECTIONS_LOST);
	CU_ASSERT_EQUAL_FATAL(def->nruns, 2);
	CU_ASSERT_STRING_EQUAL(def->runs[0].scenario, "reuseport");
	CU_ASSERT_EQUAL(def->runs[0].nargs, 8);
	CU_ASSERT_STRING_EQUAL(def->runs[0].args[7], "{half-duration}");
	CU_ASSERT_PTR_NULL(def->runs[0].args[8]);
	CU_ASSERT_EQUAL(def->runs[0].workers, 3);
	CU_ASSERT_EQUAL(def->runs[0].connections, 7);
	CU_ASSERT_STRING_EQUAL(def->runs[0].policy, "rr");
	CU_ASSERT_EQUAL(def->runs[1].workers, 0);
	CU_ASSERT_PTR_NULL(def->runs[1].policy);
	CU_ASSERT_STRING_EQUAL(def->check.rule->name, "lost_and_kept");
	CU_ASSERT_DOUBLE_EQUAL(check_number(&def->check, "lossy_min"), 2, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(check_number(&def->check, "kept_max"), 1, 1e-12);   /* the fallback */
	CU_ASSERT_STRING_EQUAL(check_text(&def->check, "metric"), "connections_lost");
	study_free(def);
}

/* A rule's parameter the parser cannot judge alone: top is 1 or 2. */
static void test_top_out_of_range(void)
{
	static const char text[] = "summary s\nclaim c\nsource s\nsetup s\nexpected e\nduration 1\nrepeat 1\n"
				   "figure max_share\nrun a shared-epoll --workers 4\nrun b reuseport --workers 4\n"
				   "check top_share_at_least label=a even_label=b top=3\n";
	struct study_definition *def;
	struct error_message err = { "" };
	struct study_result r[2];
	struct study_outcome out;

	CU_ASSERT_EQUAL_FATAL(study_parse("t.study", text, &def, &err), 0);
	no_results(def, r);
	set(def, r, "a", METRIC_TOP_TWO_SHARE, 0.9);
	set(def, r, "b", METRIC_TOP_TWO_SHARE, 0.5);
	study_judge(def, r, def->nruns, &two_cpus, &out);
	CU_ASSERT_EQUAL(out.verdict, VERDICT_NO_DATA);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.why, "top=3"));
	study_free(def);
}

/* Malformed files: refused with PATH:LINE and the reason, nothing returned. */
static void test_parse_errors(void)
{
	static const char head[] = "summary s\nclaim c\nsource s\nsetup s\nexpected e\nduration 1\nrepeat 1\n"
				   "figure throughput\nrun a shared-epoll --workers 2\nrun b reuseport\nrun b-2 reuseport\n";
	static const struct { const char *tail; const char *message; } cases[] = {
		{ "bogus 1\n", "x.study:12: unknown key 'bogus'" },
		{ "summary\n", "x.study:12: 'summary' has no value" },
		{ "duration 0\n", "x.study:12: duration given twice" },
		{ "repeat x\n", "x.study:12: repeat given twice" },
		{ "figure nope\n", "x.study:12: figure given twice" },
		{ "metrics herd_factor nope\n", "x.study:12: 'nope' is not a metric" },
		{ "run A shared-epoll\n", "x.study:12: run label 'A' must be" },
		{ "run a shared-epoll\n", "x.study:12: run label 'a' is used twice" },
		{ "run c\n", "x.study:12: run needs a label and a scenario" },
		{ "run c shared-epoll --workers 0\n", "x.study:12: run c: --workers needs a whole number" },
		{ "run c shared-epoll --workers\n", "x.study:12: run c: --workers needs a whole number" },
		{ "run c shared-epoll --duration 3\n", "x.study:12: run c: --duration is the study's to set" },
		{ "check\n", "x.study:12: 'check' has no value" },
		{ "check no_such_rule\n", "x.study:12: check needs a rule: no_such_rule" },
		{ "check lost_and_kept lossy=a\n", "x.study:12: check lost_and_kept needs kept=" },
		{ "check lost_and_kept lossy=a kept=c\n", "x.study:12: check: kept=c: no run is labelled 'c'" },
		{ "check lost_and_kept lossy=a kept=b, \n", "x.study:12: check: kept= has an empty item" },
		{ "check lost_and_kept lossy=a kept=b lossy_min=x\n", "lossy_min=x is not a number" },
		{ "check lost_and_kept lossy=a kept=b metric=nope\n", "metric=nope is not a metric" },
		{ "check lost_and_kept lossy=a kept=b lossy=a\n", "x.study:12: check lost_and_kept: lossy given twice" },
		{ "check lost_and_kept lossy=a kept=b bogus=1\n", "x.study:12: check lost_and_kept has no parameter 'bogus'" },
		{ "check lost_and_kept lossy=a kept=b junk\n", "x.study:12: check lost_and_kept: 'junk' is not key=value" },
		{ "check top_share_at_least label=a,b even_label=b\n", "label= takes one label" },
		{ "check herd_grows_with_size herd=a wake_one=b-{N} sizes=2\n", "'a' has no {N}" },
		{ "check herd_grows_with_size herd=b-{N} wake_one=b-{N} sizes=2,0\n", "'0' is not a whole number" },
		{ "check herd_grows_with_size herd=b-{N} wake_one=a-{N} sizes=2\n", "names 'a-2', which is not" },
		{ "check lost_and_kept lossy=a kept=b\ncheck lost_and_kept lossy=a kept=b\n",
		  "x.study:13: a second check line (the first is line 12)" },
		{ "check lost_and_kept lossy=a kept=b\nrun c reuseport\n", "x.study:13: run after the check line" },
		{ "name other\n", "x.study:12: name other is not the file's name (x.study)" },
		{ "claim bell\a here\n", "x.study:12: a control character (byte 0x07)" },
		{ "\n", "x.study:12: end of file without a 'check' line" },
	};
	struct study_definition *def = (void *)1;
	struct error_message err;
	char text[1024];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(text, sizeof(text), "%s%s", head, cases[i].tail);
		err.text[0] = '\0';
		CU_ASSERT_EQUAL(study_parse("x.study", text, &def, &err), -1);
		CU_ASSERT_PTR_NULL(def);
		if (!strstr(err.text, cases[i].message))
			fprintf(stderr, "case %zu: '%s' lacks '%s'\n", i, err.text, cases[i].message);
		CU_ASSERT_PTR_NOT_NULL(strstr(err.text, cases[i].message));
		CU_ASSERT_PTR_NULL(strchr(err.text, '\n'));
	}
	CU_ASSERT_EQUAL(study_parse("x.study", "claim c\n", &def, &err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "x.study:1: end of file without a 'summary' line"));
	CU_ASSERT_EQUAL(study_parse("/nonexistent/y.study", NULL, &def, &err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "/nonexistent/y.study"));
}

/* study.md has the three parts, the numbers and the verdict the rule gave. */
static void test_document(void)
{
	struct study_definition *def = load("thundering-herd");
	struct study_result r[32];
	char dir[] = "/tmp/study-test.XXXXXX", path[64], text[32768], *run_dirs[32 * 3] = { 0 };
	static const char *const files[] = { "study.md", "study.html", "study.svg" };
	struct study_setup setup = two_cpus;
	struct study_outcome out;
	struct error_message err = { "" };
	size_t length;
	FILE *f;

	CU_ASSERT_FATAL(def && def->nruns <= ARRAY_SIZE(r));
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	for (size_t i = 0; i < def->nruns; i++) {
		/* shared-epoll wakes 0.9 N, the others 1; three repeats 0.1 apart */
		double base = strcmp(def->runs[i].scenario, "shared-epoll") ? 1 : 0.9 * def->runs[i].workers;
		double herd[3] = { base - 0.1, base, base + 0.1 };

		r[i] = (struct study_result){ .run = &def->runs[i] };
		for (size_t m = 0; m < METRIC_COUNT; m++)
			r[i].metric[m] = spread_of(herd, 3);
	}
	run_dirs[0] = "runs/shared-epoll-n1-1";
	study_judge(def, r, def->nruns, &setup, &out);
	CU_ASSERT_EQUAL(out.verdict, VERDICT_REPRODUCED);
	CU_ASSERT_EQUAL_FATAL(study_write_document(dir, def, &setup, r, run_dirs, &out, &err), 0);
	snprintf(path, sizeof(path), "%s/study.md", dir);
	f = fopen(path, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	length = fread(text, 1, sizeof(text) - 1, f);
	text[length] = '\0';
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "## Claim"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "## Measured"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "## Verdict\n\nreproduced."));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "7.200 \\[7.100-7.300\\]"));   /* shared-epoll N=8 */
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "shared-epoll --workers 8 --connections 1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "2 CPUs"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "runs/shared-epoll-n1-1"));
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		CU_ASSERT_EQUAL(access(path, R_OK), 0);
		unlink(path);
	}
	CU_ASSERT_EQUAL(rmdir(dir), 0);
	study_free(def);
}

static void test_options(void)
{
	struct study_options o;
	struct error_message err;
	char *good[] = { "study", "thundering-herd", "--duration", "1", "--repeat", "2", "--max-workers", "2",
			 "--out", "x", NULL };
	char *list[] = { "study", "list", NULL };
	char *no_name[] = { "study", "--repeat", "2", NULL };
	char *run_only[] = { "study", "thundering-herd", "--workers", "4", NULL };
	char *bad_repeat[] = { "study", "thundering-herd", "--repeat", "0", NULL };
	char *two[] = { "study", "a", "b", NULL };
	char *repeat_for_run[] = { "run", "shared-epoll", "--repeat", "2", NULL };
	struct run_options ro;

	CU_ASSERT_EQUAL(parse_study_options(10, good, &o, &err), PARSE_OK);
	CU_ASSERT_STRING_EQUAL(o.name, "thundering-herd");
	CU_ASSERT_DOUBLE_EQUAL(o.duration_s, 1.0, 1e-12);
	CU_ASSERT_EQUAL(o.repeat, 2);
	CU_ASSERT_EQUAL(o.max_workers, 2);
	CU_ASSERT_STRING_EQUAL(o.out_dir, "x");
	CU_ASSERT_EQUAL(parse_study_options(2, list, &o, &err), PARSE_OK);
	CU_ASSERT_EQUAL(o.repeat, 0);                    /* the study's default */
	CU_ASSERT_EQUAL(parse_study_options(3, no_name, &o, &err), PARSE_ERROR);
	CU_ASSERT_EQUAL(parse_study_options(4, run_only, &o, &err), PARSE_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "--workers"));
	CU_ASSERT_EQUAL(parse_study_options(4, bad_repeat, &o, &err), PARSE_ERROR);
	CU_ASSERT_EQUAL(parse_study_options(3, two, &o, &err), PARSE_ERROR);
	CU_ASSERT_EQUAL(parse_run_options(4, repeat_for_run, 2, &ro, &err), PARSE_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "testbed study"));
}

static void add_tests(CU_pSuite suite)
{
	CU_ADD_TEST(suite, test_spread);
	CU_ADD_TEST(suite, test_top_share);
	CU_ADD_TEST(suite, test_herd_rules);
	CU_ADD_TEST(suite, test_node_rules);
	CU_ADD_TEST(suite, test_nginx_rules);
	CU_ADD_TEST(suite, test_restart_rules);
	CU_ADD_TEST(suite, test_pool_rules);
	CU_ADD_TEST(suite, test_lifo_rules);
	CU_ADD_TEST(suite, test_study_files);
	CU_ADD_TEST(suite, test_parse);
	CU_ADD_TEST(suite, test_parse_errors);
	CU_ADD_TEST(suite, test_top_out_of_range);
	CU_ADD_TEST(suite, test_document);
	CU_ADD_TEST(suite, test_options);
}

int main(void)
{
	return run_suite("study", NULL, NULL, add_tests);
}
