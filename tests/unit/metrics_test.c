// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for analysis/metrics.c. */
#include <math.h>

#include "unit.h"

#include "metrics.h"

/* Hand-computed figures below are given to 1e-12. */
#define EPSILON 1e-12

static void test_jain_equal_counts(void)
{
	static const double equal[] = { 250, 250, 250, 250 };
	static const double single[] = { 7 };

	CU_ASSERT_DOUBLE_EQUAL(jain_index(equal, ARRAY_SIZE(equal)), 1.0, EPSILON);
	CU_ASSERT_DOUBLE_EQUAL(jain_index(single, ARRAY_SIZE(single)), 1.0, EPSILON);
}

static void test_jain_one_takes_all(void)
{
	static const double one_takes_all[] = { 0, 1000, 0, 0, 0, 0, 0, 0 };

	CU_ASSERT_DOUBLE_EQUAL(jain_index(one_takes_all, ARRAY_SIZE(one_takes_all)),
			       1.0 / 8, EPSILON);
}

static void test_jain_hand_example(void)
{
	/* (1+2+3+4)^2 / (4 * (1+4+9+16)) = 100 / 120 */
	static const double x[] = { 1, 2, 3, 4 };

	CU_ASSERT_DOUBLE_EQUAL(jain_index(x, ARRAY_SIZE(x)), 100.0 / 120.0, EPSILON);
	CU_ASSERT_DOUBLE_EQUAL(jain_index(x, ARRAY_SIZE(x)), 0.833333333333, 1e-9);
}

static void test_cov_hand_examples(void)
{
	/* mean 5, deviations -3 -1 -1 -1 0 0 2 4: variance 32/8 = 4, sd 2 */
	static const double x[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
	static const double equal[] = { 3, 3, 3 };
	/* mean 1, deviations 3 -1 -1 -1: variance 12/4 = 3, sd sqrt(3) */
	static const double one_takes_all[] = { 4, 0, 0, 0 };

	CU_ASSERT_DOUBLE_EQUAL(coefficient_of_variation(x, ARRAY_SIZE(x)), 2.0 / 5.0, EPSILON);
	CU_ASSERT_DOUBLE_EQUAL(coefficient_of_variation(equal, ARRAY_SIZE(equal)), 0.0, EPSILON);
	CU_ASSERT_DOUBLE_EQUAL(coefficient_of_variation(one_takes_all, ARRAY_SIZE(one_takes_all)),
			       sqrt(3.0), EPSILON);
}

static void test_cov_large_similar_counts(void)
{
	/* Population sd of {1e9, 1e9 + 2} is 1: a one-pass E[x^2] - mean^2
	 * loses this to cancellation. */
	static const double x[] = { 1e9, 1e9 + 2 };

	CU_ASSERT_DOUBLE_EQUAL(coefficient_of_variation(x, ARRAY_SIZE(x)), 1.0 / (1e9 + 1), 1e-18);
}

static void test_max_share_hand_examples(void)
{
	static const double x[] = { 1, 2, 3, 4 };
	static const double one_takes_all[] = { 0, 0, 9 };
	static const double equal[] = { 5, 5, 5, 5, 5 };

	CU_ASSERT_DOUBLE_EQUAL(max_share(x, ARRAY_SIZE(x)), 0.4, EPSILON);
	CU_ASSERT_DOUBLE_EQUAL(max_share(one_takes_all, ARRAY_SIZE(one_takes_all)), 1.0, EPSILON);
	CU_ASSERT_DOUBLE_EQUAL(max_share(equal, ARRAY_SIZE(equal)), 0.2, EPSILON);
}

static void test_ratio(void)
{
	CU_ASSERT_DOUBLE_EQUAL(ratio_or_nan(12, 4), 3.0, EPSILON);
	CU_ASSERT_DOUBLE_EQUAL(ratio_or_nan(0, 4), 0.0, EPSILON);
	CU_ASSERT(isnan(ratio_or_nan(5, 0)));
	CU_ASSERT(isnan(ratio_or_nan(0, 0)));
}

static void test_undefined_is_nan(void)
{
	static const double zeros[] = { 0, 0, 0 };
	static const double one[] = { 1 };

	/* No workers. */
	CU_ASSERT(isnan(jain_index(one, 0)));
	CU_ASSERT(isnan(coefficient_of_variation(one, 0)));
	CU_ASSERT(isnan(max_share(one, 0)));
	CU_ASSERT(isnan(jain_index(NULL, 0)));
	/* Workers, but nothing counted. */
	CU_ASSERT(isnan(jain_index(zeros, ARRAY_SIZE(zeros))));
	CU_ASSERT(isnan(coefficient_of_variation(zeros, ARRAY_SIZE(zeros))));
	CU_ASSERT(isnan(max_share(zeros, ARRAY_SIZE(zeros))));
}

/* The per-run definitions (README "What is measured"), by hand. */
static void test_listener_definitions(void)
{
	/* fd-dispatch worker: nothing accepted, 7 fds handed over */
	CU_ASSERT_EQUAL(connections_taken(0, 7), 7);
	CU_ASSERT_EQUAL(connections_taken(5, 0), 5);
	/* poll_wakeups: accept- and poll-class; futex, pipe and other are not */
	CU_ASSERT_EQUAL(poll_wakeups(3, 4), 7);
	/* listener_wasted: same-call re-sleeps in accept and poll, plus accept
	 * -EAGAIN that found nothing since the last poll returned */
	CU_ASSERT_EQUAL(listener_wasted(1, 2, 3), 6);
	/* an empty accept without a wakeup: more wasted than woken */
	CU_ASSERT_EQUAL(listener_wasted(0, 0, 5), 5);
}

/* The run's herd figures (summary.csv, docs/CSV.md). */
static void test_herd_figures(void)
{
	/* 4 idle workers on one level-triggered epoll: each connection wakes
	 * all 4, 3 of them find nothing */
	CU_ASSERT_DOUBLE_EQUAL(herd_factor(400, 100), 4.0, EPSILON);
	CU_ASSERT_DOUBLE_EQUAL(wasted_wakeup_ratio(300, 400), 0.75, EPSILON);
	/* exclusive waiters: one wakeup per connection, none wasted */
	CU_ASSERT_DOUBLE_EQUAL(herd_factor(100, 100), 1.0, EPSILON);
	CU_ASSERT_DOUBLE_EQUAL(wasted_wakeup_ratio(0, 100), 0.0, EPSILON);
	/* empty accepts without a wakeup can push the ratio above 1 */
	CU_ASSERT_DOUBLE_EQUAL(wasted_wakeup_ratio(6, 4), 1.5, EPSILON);
	CU_ASSERT(isnan(herd_factor(5, 0)));          /* nothing accepted */
	CU_ASSERT(isnan(wasted_wakeup_ratio(5, 0)));  /* nobody woken */
}

static void test_share_and_throughput(void)
{
	CU_ASSERT_DOUBLE_EQUAL(connection_share(25, 100), 0.25, EPSILON);
	CU_ASSERT_DOUBLE_EQUAL(connection_share(0, 100), 0.0, EPSILON);
	CU_ASSERT(isnan(connection_share(0, 0)));     /* no worker took any */
	CU_ASSERT_DOUBLE_EQUAL(throughput_cps(3000, 1.5), 2000.0, EPSILON);
	CU_ASSERT_DOUBLE_EQUAL(throughput_cps(0, 1.0), 0.0, EPSILON);
	CU_ASSERT(isnan(throughput_cps(10, 0.0)));    /* no window */
}

static void test_losses_and_restarts(void)
{
	/* refused + reset + timed out; other errors are not the server's */
	CU_ASSERT_EQUAL(connections_lost(1, 2, 3), 6);
	CU_ASSERT_EQUAL(connections_lost(0, 0, 0), 0);
	/* 4 workers started, 5 seen: one replaced */
	CU_ASSERT_EQUAL(worker_restarts(5, 4), 1);
	CU_ASSERT_EQUAL(worker_restarts(4, 4), 0);
	/* trace: fewer processes found than --workers asked for */
	CU_ASSERT_EQUAL(worker_restarts(2, 4), 0);
}

static void test_pool_utilisation(void)
{
	/* 2 threads busy 1 s each over a 2 s window: half */
	CU_ASSERT_DOUBLE_EQUAL(pool_utilisation(2000000000ull, 2, 2.0), 0.5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(pool_utilisation(0, 4, 1.0), 0.0, 1e-12);
	CU_ASSERT(isnan(pool_utilisation(5, 0, 1.0)));   /* no pool */
	CU_ASSERT(isnan(pool_utilisation(5, 2, 0.0)));   /* no window */
	CU_ASSERT(isnan(pool_utilisation(5, 2, NAN)));
}

static void add_tests(CU_pSuite suite)
{
	CU_ADD_TEST(suite, test_jain_equal_counts);
	CU_ADD_TEST(suite, test_jain_one_takes_all);
	CU_ADD_TEST(suite, test_jain_hand_example);
	CU_ADD_TEST(suite, test_cov_hand_examples);
	CU_ADD_TEST(suite, test_cov_large_similar_counts);
	CU_ADD_TEST(suite, test_max_share_hand_examples);
	CU_ADD_TEST(suite, test_ratio);
	CU_ADD_TEST(suite, test_undefined_is_nan);
	CU_ADD_TEST(suite, test_listener_definitions);
	CU_ADD_TEST(suite, test_herd_figures);
	CU_ADD_TEST(suite, test_share_and_throughput);
	CU_ADD_TEST(suite, test_losses_and_restarts);
	CU_ADD_TEST(suite, test_pool_utilisation);
}

int main(void)
{
	return run_suite("metrics", NULL, NULL, add_tests);
}
