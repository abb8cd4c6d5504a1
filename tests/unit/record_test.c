// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for user/record.c: the per-pid delay histograms (sparse until
 * they hold many buckets) read back exactly as full histograms would be. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "record.h"

static struct histogram *new_histogram(void)
{
	struct histogram *h = malloc(sizeof(*h));

	CU_ASSERT_FATAL(h != NULL);
	hist_init(h);
	return h;
}

static void assert_same(const struct histogram *got, const struct histogram *want)
{
	CU_ASSERT_FATAL(got != NULL);
	CU_ASSERT(memcmp(got, want, sizeof(*want)) == 0);
}

/* Interleaved pids, one with few values (stays sparse), one with values in
 * more buckets than the sparse form holds (becomes full), a reused id in
 * between: each reads back as the histogram of its own values. */
static void test_sparse_and_full_read_back_exactly(void)
{
	struct histogram_set set = { 0 };
	struct histogram *few = new_histogram(), *many = new_histogram();
	uint64_t v;

	for (v = 1; v < 5000; v++) {
		uint64_t small = 1000 + v % 7, large = v * 977;

		CU_ASSERT(histogram_set_record(&set, 11, small) == 0);
		hist_record(few, small);
		CU_ASSERT(histogram_set_record(&set, 22, large) == 0);
		hist_record(many, large);
	}
	CU_ASSERT(histogram_set_record(&set, 11, UINT64_MAX) == 0); /* sum saturates alike */
	hist_record(few, UINT64_MAX);
	CU_ASSERT_EQUAL(set.n, 2);
	CU_ASSERT(set.items[0].h == NULL);      /* 11: sparse */
	CU_ASSERT(set.items[1].h != NULL);      /* 22: full */
	assert_same(histogram_set_find(&set, 11), few);
	assert_same(histogram_set_find(&set, 22), many);
	assert_same(histogram_set_at(&set, 0), few);
	CU_ASSERT(histogram_set_find(&set, 33) == NULL);
	free(few);
	free(many);
	/* free_record() frees the sets of a record */
	struct run_record r = { .accept_queue_delays = set };
	free_record(&r);
}

static void add_tests(CU_pSuite suite)
{
	CU_ADD_TEST(suite, test_sparse_and_full_read_back_exactly);
}

int main(void)
{
	return run_suite("record", NULL, NULL, add_tests);
}
