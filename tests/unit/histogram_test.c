// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for analysis/histogram.c. */
#include <stdlib.h>

#include "unit.h"

#include "histogram.h"

/* The struct is ~58 KiB: heap-allocated so the tests do not lean on stack size. */
static struct histogram *new_histogram(void)
{
	struct histogram *h = malloc(sizeof(*h));

	CU_ASSERT_FATAL(h != NULL);
	hist_init(h);
	return h;
}

/* |actual - expected| <= 1% of expected */
static int within_one_percent(uint64_t actual, uint64_t expected)
{
	uint64_t diff = actual > expected ? actual - expected : expected - actual;

	return diff * 100 <= expected;
}

static void test_exact_below_256(void)
{
	for (uint64_t value = 0; value < HIST_EXACT_LIMIT; value++) {
		size_t index = hist_bucket_index(value);

		CU_ASSERT_EQUAL(index, value);
		CU_ASSERT_EQUAL(hist_bucket_lower(index), value);
		CU_ASSERT_EQUAL(hist_bucket_upper(index), value);
	}
}

static void test_index_at_boundaries(void)
{
	/* First log bucket: 256 = 128 << 1, width 2. */
	CU_ASSERT_EQUAL(hist_bucket_index(256), 256);
	CU_ASSERT_EQUAL(hist_bucket_index(257), 256);
	CU_ASSERT_EQUAL(hist_bucket_index(258), 257);
	CU_ASSERT_EQUAL(hist_bucket_lower(256), 256);
	CU_ASSERT_EQUAL(hist_bucket_upper(256), 257);
	/* 511 = 255 << 1 | 1 is the last bucket of exponent 8. */
	CU_ASSERT_EQUAL(hist_bucket_index(511), 256 + 127);
	CU_ASSERT_EQUAL(hist_bucket_index(512), 256 + 128);
	/* 2^32: exponent 32, sub 128. */
	CU_ASSERT_EQUAL(hist_bucket_index(UINT64_C(1) << 32), 256 + (32 - 8) * 128);
	CU_ASSERT_EQUAL(hist_bucket_lower(256 + (32 - 8) * 128), UINT64_C(1) << 32);
	CU_ASSERT_EQUAL(hist_bucket_upper(256 + (32 - 8) * 128),
			(UINT64_C(1) << 32) + (UINT64_C(1) << 25) - 1);
	/* The very top lands in the very last bucket, which ends at UINT64_MAX. */
	CU_ASSERT_EQUAL(hist_bucket_index(UINT64_MAX), HIST_BUCKETS - 1);
	CU_ASSERT_EQUAL(hist_bucket_lower(HIST_BUCKETS - 1), UINT64_C(255) << 56);
	CU_ASSERT_EQUAL(hist_bucket_upper(HIST_BUCKETS - 1), UINT64_MAX);
}

/* Every value must fall inside the range its bucket claims. */
static void check_value_in_its_bucket(uint64_t value)
{
	size_t index = hist_bucket_index(value);

	CU_ASSERT(index < HIST_BUCKETS);
	CU_ASSERT(hist_bucket_lower(index) <= value);
	CU_ASSERT(value <= hist_bucket_upper(index));
}

static void test_index_lower_upper_consistent(void)
{
	static const uint64_t special[] = {
		0, 1, 255, 256, 257, 511, 512, 1000, 65535, 65536,
		UINT64_C(1) << 32, (UINT64_C(1) << 32) - 1, (UINT64_C(1) << 32) + 1,
		UINT64_C(1) << 63, (UINT64_C(1) << 63) - 1, UINT64_MAX - 1, UINT64_MAX,
	};

	for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++)
		check_value_in_its_bucket(special[i]);
	/* Each power of two and its neighbours, where off-by-one errors live. */
	for (unsigned int bit = 0; bit < 64; bit++) {
		uint64_t power = UINT64_C(1) << bit;

		check_value_in_its_bucket(power - 1);
		check_value_in_its_bucket(power);
		check_value_in_its_bucket(power + 1);
	}
	/* A deterministic spread of arbitrary values (xorshift64). */
	uint64_t state = UINT64_C(0x9e3779b97f4a7c15);

	for (int i = 0; i < 100000; i++) {
		state ^= state << 13;
		state ^= state >> 7;
		state ^= state << 17;
		check_value_in_its_bucket(state >> (i % 64));
	}
}

static void test_buckets_tile_u64(void)
{
	/* Adjacent buckets meet with no gap and no overlap, each bound maps
	 * back to its own bucket, and no log bucket is wider than 1/128 of
	 * its lower bound. */
	CU_ASSERT_EQUAL(hist_bucket_lower(0), 0);
	for (size_t index = 0; index < HIST_BUCKETS; index++) {
		uint64_t lower = hist_bucket_lower(index);
		uint64_t upper = hist_bucket_upper(index);

		CU_ASSERT(lower <= upper);
		CU_ASSERT_EQUAL(hist_bucket_index(lower), index);
		CU_ASSERT_EQUAL(hist_bucket_index(upper), index);
		if (index + 1 < HIST_BUCKETS)
			CU_ASSERT_EQUAL(upper + 1, hist_bucket_lower(index + 1));
		if (index >= HIST_EXACT_LIMIT)
			CU_ASSERT((upper - lower + 1) * HIST_SUB_BUCKETS <= lower);
	}
	CU_ASSERT_EQUAL(hist_bucket_upper(HIST_BUCKETS - 1), UINT64_MAX);
}

static void test_empty(void)
{
	struct histogram *h = new_histogram();

	CU_ASSERT_EQUAL(h->total, 0);
	CU_ASSERT_EQUAL(h->min, UINT64_MAX);
	CU_ASSERT_EQUAL(h->max, 0);
	CU_ASSERT_EQUAL(hist_percentile(h, 50), 0);
	CU_ASSERT_EQUAL(hist_percentile(h, 100), 0);
	CU_ASSERT_EQUAL(hist_percentile(h, 0), 0);
	free(h);
}

static void test_percentiles_uniform(void)
{
	struct histogram *h = new_histogram();

	for (uint64_t value = 1; value <= 10000; value++)
		hist_record(h, value);

	CU_ASSERT_EQUAL(h->total, 10000);
	CU_ASSERT_EQUAL(h->min, 1);
	CU_ASSERT_EQUAL(h->max, 10000);
	CU_ASSERT_EQUAL(h->sum, UINT64_C(10000) * 10001 / 2);
	CU_ASSERT(within_one_percent(hist_percentile(h, 50), 5000));
	CU_ASSERT(within_one_percent(hist_percentile(h, 99), 9900));
	CU_ASSERT(within_one_percent(hist_percentile(h, 99.9), 9990));
	/* The answer is a bucket's upper bound, so never below the true value. */
	CU_ASSERT(hist_percentile(h, 50) >= 5000);
	CU_ASSERT(hist_percentile(h, 99) >= 9900);
	CU_ASSERT_EQUAL(hist_percentile(h, 100), 10000);
	CU_ASSERT_EQUAL(hist_percentile(h, 0), 1);
	CU_ASSERT_EQUAL(hist_percentile(h, -5), 1);
	/* The 1st of 10000 values, 1, sits in an exact bucket. */
	CU_ASSERT_EQUAL(hist_percentile(h, 0.01), 1);
	CU_ASSERT_EQUAL(hist_percentile(h, 150), 10000);
	free(h);
}

static void test_percentiles_exact_range(void)
{
	struct histogram *h = new_histogram();

	/* 10 values of 10, 10 of 20, ..., 10 of 100: all exact buckets. */
	for (uint64_t value = 10; value <= 100; value += 10)
		for (int copy = 0; copy < 10; copy++)
			hist_record(h, value);

	CU_ASSERT_EQUAL(hist_percentile(h, 10), 10);   /* rank 10 */
	CU_ASSERT_EQUAL(hist_percentile(h, 10.5), 20); /* rank 11 */
	CU_ASSERT_EQUAL(hist_percentile(h, 50), 50);
	CU_ASSERT_EQUAL(hist_percentile(h, 99), 100);
	free(h);
}

static void test_percentile_clamped_to_min_max(void)
{
	struct histogram *h = new_histogram();

	/* 1001 lies in bucket [1000, 1003]; the bucket's upper bound must be
	 * clamped to the recorded max. */
	CU_ASSERT_EQUAL(hist_bucket_upper(hist_bucket_index(1001)), 1003);
	hist_record(h, 1001);
	CU_ASSERT_EQUAL(hist_percentile(h, 50), 1001);
	CU_ASSERT_EQUAL(hist_percentile(h, 100), 1001);

	hist_record(h, UINT64_MAX);
	CU_ASSERT_EQUAL(hist_percentile(h, 100), UINT64_MAX);
	CU_ASSERT_EQUAL(h->sum, UINT64_MAX);   /* saturated, not wrapped */
	free(h);
}

static void test_merge(void)
{
	struct histogram *a = new_histogram();
	struct histogram *b = new_histogram();
	struct histogram *empty = new_histogram();

	hist_record(a, 5);
	hist_record(a, 300);
	hist_record(b, 5);
	hist_record(b, 2);
	hist_record(b, UINT64_C(1) << 40);

	hist_merge(a, b);
	CU_ASSERT_EQUAL(a->total, 5);
	CU_ASSERT_EQUAL(a->min, 2);
	CU_ASSERT_EQUAL(a->max, UINT64_C(1) << 40);
	CU_ASSERT_EQUAL(a->sum, 5 + 300 + 5 + 2 + (UINT64_C(1) << 40));
	CU_ASSERT_EQUAL(a->counts[hist_bucket_index(5)], 2);
	CU_ASSERT_EQUAL(a->counts[hist_bucket_index(2)], 1);
	CU_ASSERT_EQUAL(a->counts[hist_bucket_index(300)], 1);
	CU_ASSERT_EQUAL(a->counts[hist_bucket_index(UINT64_C(1) << 40)], 1);
	/* src is left alone. */
	CU_ASSERT_EQUAL(b->total, 3);

	/* Merging an empty histogram changes nothing, min/max included. */
	hist_merge(a, empty);
	CU_ASSERT_EQUAL(a->total, 5);
	CU_ASSERT_EQUAL(a->min, 2);
	CU_ASSERT_EQUAL(a->max, UINT64_C(1) << 40);

	/* Merging into an empty histogram takes src's min/max. */
	hist_merge(empty, b);
	CU_ASSERT_EQUAL(empty->min, 2);
	CU_ASSERT_EQUAL(empty->max, UINT64_C(1) << 40);
	CU_ASSERT_EQUAL(empty->total, 3);
	free(a);
	free(b);
	free(empty);
}

static void add_tests(CU_pSuite suite)
{
	CU_ADD_TEST(suite, test_exact_below_256);
	CU_ADD_TEST(suite, test_index_at_boundaries);
	CU_ADD_TEST(suite, test_index_lower_upper_consistent);
	CU_ADD_TEST(suite, test_buckets_tile_u64);
	CU_ADD_TEST(suite, test_empty);
	CU_ADD_TEST(suite, test_percentiles_uniform);
	CU_ADD_TEST(suite, test_percentiles_exact_range);
	CU_ADD_TEST(suite, test_percentile_clamped_to_min_max);
	CU_ADD_TEST(suite, test_merge);
}

int main(void)
{
	return run_suite("histogram", NULL, NULL, add_tests);
}
