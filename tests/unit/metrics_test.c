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

	CU_ASSERT_DOUBLE_EQUAL(jain_index(equal, COUNT_OF(equal)), 1.0, EPSILON);
	CU_ASSERT_DOUBLE_EQUAL(jain_index(single, COUNT_OF(single)), 1.0, EPSILON);
}

static void test_jain_one_takes_all(void)
{
	static const double one_takes_all[] = { 0, 1000, 0, 0, 0, 0, 0, 0 };

	CU_ASSERT_DOUBLE_EQUAL(jain_index(one_takes_all, COUNT_OF(one_takes_all)),
			       1.0 / 8, EPSILON);
}

static void test_jain_hand_example(void)
{
	/* (1+2+3+4)^2 / (4 * (1+4+9+16)) = 100 / 120 */
	static const double x[] = { 1, 2, 3, 4 };

	CU_ASSERT_DOUBLE_EQUAL(jain_index(x, COUNT_OF(x)), 100.0 / 120.0, EPSILON);
	CU_ASSERT_DOUBLE_EQUAL(jain_index(x, COUNT_OF(x)), 0.833333333333, 1e-9);
}

static void test_cov_hand_examples(void)
{
	/* mean 5, deviations -3 -1 -1 -1 0 0 2 4: variance 32/8 = 4, sd 2 */
	static const double x[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
	static const double equal[] = { 3, 3, 3 };
	/* mean 1, deviations 3 -1 -1 -1: variance 12/4 = 3, sd sqrt(3) */
	static const double one_takes_all[] = { 4, 0, 0, 0 };

	CU_ASSERT_DOUBLE_EQUAL(coefficient_of_variation(x, COUNT_OF(x)), 2.0 / 5.0, EPSILON);
	CU_ASSERT_DOUBLE_EQUAL(coefficient_of_variation(equal, COUNT_OF(equal)), 0.0, EPSILON);
	CU_ASSERT_DOUBLE_EQUAL(coefficient_of_variation(one_takes_all, COUNT_OF(one_takes_all)),
			       sqrt(3.0), EPSILON);
}

static void test_cov_large_similar_counts(void)
{
	/* Population sd of {1e9, 1e9 + 2} is 1: a one-pass E[x^2] - mean^2
	 * loses this to cancellation. */
	static const double x[] = { 1e9, 1e9 + 2 };

	CU_ASSERT_DOUBLE_EQUAL(coefficient_of_variation(x, COUNT_OF(x)), 1.0 / (1e9 + 1), 1e-18);
}

static void test_max_share_hand_examples(void)
{
	static const double x[] = { 1, 2, 3, 4 };
	static const double one_takes_all[] = { 0, 0, 9 };
	static const double equal[] = { 5, 5, 5, 5, 5 };

	CU_ASSERT_DOUBLE_EQUAL(max_share(x, COUNT_OF(x)), 0.4, EPSILON);
	CU_ASSERT_DOUBLE_EQUAL(max_share(one_takes_all, COUNT_OF(one_takes_all)), 1.0, EPSILON);
	CU_ASSERT_DOUBLE_EQUAL(max_share(equal, COUNT_OF(equal)), 0.2, EPSILON);
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
	CU_ASSERT(isnan(jain_index(zeros, COUNT_OF(zeros))));
	CU_ASSERT(isnan(coefficient_of_variation(zeros, COUNT_OF(zeros))));
	CU_ASSERT(isnan(max_share(zeros, COUNT_OF(zeros))));
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
}

int main(void)
{
	return run_suite("metrics", NULL, NULL, add_tests);
}
