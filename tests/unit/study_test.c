// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for analysis/study.c (the spread, the top-two share, the verdict
 * rules at and around their thresholds, the study table), for
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

/* --- thundering-herd -------------------------------------------------------- */

static const struct study_run herd_runs[] = {
	{ "e2", "shared-epoll", 2, 1, NULL }, { "a2", "shared-accept", 2, 1, NULL },
	{ "x2", "shared-epoll-excl", 2, 1, NULL },
	{ "e8", "shared-epoll", 8, 1, NULL }, { "a8", "shared-accept", 8, 1, NULL },
	{ "x8", "shared-epoll-excl", 8, 1, NULL },
};

/* Herd medians for N=2 and N=8: epoll, accept, exclusive; NAN = not run. */
static void herd_results(struct study_result *r, double e2, double w2, double e8, double w8)
{
	const double herd[] = { e2, w2, w2, e8, w8, w8 };

	for (size_t i = 0; i < ARRAY_SIZE(herd_runs); i++) {
		r[i] = (struct study_result){ .run = &herd_runs[i] };
		r[i].metric[METRIC_HERD_FACTOR] = spread_of(&herd[i], 1);
	}
}

static enum study_verdict herd_verdict(double e2, double w2, double e8, double w8,
				       const struct study_setup *setup, struct study_outcome *out)
{
	struct study_result r[ARRAY_SIZE(herd_runs)];

	herd_results(r, e2, w2, e8, w8);
	judge_thundering_herd(r, ARRAY_SIZE(r), setup, out);
	return out->verdict;
}

static void test_herd_rules(void)
{
	struct study_outcome out;

	/* at the thresholds: 0.5 N, 1.25 pass; just over 1.1 x wake-one (1.375) */
	CU_ASSERT_EQUAL(herd_verdict(1.376, 1.25, 4.0, 1.0, &two_cpus, &out), VERDICT_REPRODUCED);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.why, "N=8: shared-epoll 4.00"));
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

static const struct study_run node_runs[] = {
	{ "none", "node-cluster-none", 8, 8, NULL }, { "rr", "node-cluster-rr", 8, 8, NULL },
};

static enum study_verdict node_verdict(double none, double rr, const struct study_setup *setup,
				       struct study_outcome *out)
{
	struct study_result r[2] = { { .run = &node_runs[0] }, { .run = &node_runs[1] } };

	r[0].metric[METRIC_TOP_TWO_SHARE] = spread_of(&none, 1);
	r[1].metric[METRIC_TOP_TWO_SHARE] = spread_of(&rr, 1);
	judge_node_cluster_balance(r, 2, setup, out);
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

static const struct study_run nginx_runs[] = {
	{ "on", "nginx-mutex-on", 4, 1, NULL }, { "off", "nginx-mutex-off", 4, 1, NULL },
	{ "rp", "nginx-reuseport", 4, 1, NULL },
};

static enum study_verdict nginx_verdict(double on_share, double off_herd, double reuseport_herd,
					struct study_outcome *out)
{
	const double share[] = { on_share, 0.25, 0.25 }, herd[] = { 1.0, off_herd, reuseport_herd };
	struct study_result r[3];

	for (size_t i = 0; i < 3; i++) {
		r[i] = (struct study_result){ .run = &nginx_runs[i] };
		r[i].metric[METRIC_MAX_SHARE] = spread_of(&share[i], 1);
		r[i].metric[METRIC_HERD_FACTOR] = spread_of(&herd[i], 1);
	}
	judge_nginx_accept_mutex(r, 3, &two_cpus, out);
	return out->verdict;
}

static void test_nginx_rules(void)
{
	struct study_outcome out;

	/* "by turn": max share <= 1.5 x 1/4 = 0.375; no waste: herd <= 1.25 */
	CU_ASSERT_EQUAL(nginx_verdict(0.375, 1.25, 1.0, &out), VERDICT_REPRODUCED);
	CU_ASSERT_EQUAL(nginx_verdict(0.80, 1.0, 1.0, &out), VERDICT_PARTLY);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.why, "mutex holder keeps accepting"));
	CU_ASSERT_EQUAL(nginx_verdict(0.30, 1.0, 1.3, &out), VERDICT_PARTLY);
	CU_ASSERT_EQUAL(nginx_verdict(0.80, 2.0, 1.0, &out), VERDICT_NOT_REPRODUCED);
	CU_ASSERT_EQUAL(nginx_verdict(NAN, 1.0, 1.0, &out), VERDICT_NO_DATA);
}

/* Every study is complete, its labels fit folder names and are unique. */
static void test_study_table(void)
{
	CU_ASSERT(study_count >= 2);
	for (size_t i = 0; i < study_count; i++) {
		const struct study_definition *d = &study_table[i];

		CU_ASSERT_PTR_EQUAL(study_find(d->name), d);
		CU_ASSERT(d->claim && d->source && d->original_setup && d->expected && d->summary);
		CU_ASSERT(d->judge && d->nruns > 0 && d->default_repeat > 0 && d->default_duration_s > 0);
		CU_ASSERT(d->metrics & METRIC_BIT(d->figure_metric));
		for (size_t r = 0; r < d->nruns; r++) {
			CU_ASSERT_EQUAL(strspn(d->runs[r].label, "abcdefghijklmnopqrstuvwxyz0123456789-"),
					strlen(d->runs[r].label));
			for (size_t q = 0; q < r; q++)
				CU_ASSERT(strcmp(d->runs[r].label, d->runs[q].label));
		}
	}
	CU_ASSERT_PTR_NULL(study_find("no-such-study"));
}

/* study.md has the three parts, the numbers and the verdict the rule gave. */
static void test_document(void)
{
	const struct study_definition *def = study_find("thundering-herd");
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
	def->judge(r, def->nruns, &setup, &out);
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
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "2 CPUs"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "runs/shared-epoll-n1-1"));
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		CU_ASSERT_EQUAL(access(path, R_OK), 0);
		unlink(path);
	}
	CU_ASSERT_EQUAL(rmdir(dir), 0);
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
	CU_ADD_TEST(suite, test_study_table);
	CU_ADD_TEST(suite, test_document);
	CU_ADD_TEST(suite, test_options);
}

int main(void)
{
	return run_suite("study", NULL, NULL, add_tests);
}
