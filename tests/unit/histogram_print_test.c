// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for lib/histogram_print.c: log2 slots of microseconds that sum
 * to the histogram's count, and bcc's print_log2_hist layout. */
#include <stdlib.h>
#include <string.h>

#include "histogram_print.h"
#include "unit.h"

static void test_slots_sum_to_total(void)
{
	static struct histogram h;
	uint64_t slots[LOG2_SLOTS], sum = 0;
	size_t used;

	hist_init(&h);
	hist_record(&h, 0);              /* 0 us */
	hist_record(&h, 1999);           /* 1.999 us: slot 0 (0-1) */
	hist_record(&h, 2000);           /* 2 us: slot 1 */
	hist_record(&h, 3000);           /* 3 us: slot 1 */
	hist_record(&h, 40000);          /* 40 us: slot 5 (32-63) */
	for (int i = 0; i < 1000; i++)
		hist_record(&h, (uint64_t)rand() % 100000000);
	used = log2_slots_us(&h, slots);
	for (size_t k = 0; k < LOG2_SLOTS; k++)
		sum += slots[k];
	CU_ASSERT_EQUAL(sum, h.total);
	CU_ASSERT(used <= 27);           /* 100 ms < 2^27 us */
	CU_ASSERT(slots[1] >= 2);
	hist_init(&h);
	hist_record(&h, 2000);
	hist_record(&h, 3000);
	hist_record(&h, 40000);
	CU_ASSERT_EQUAL(log2_slots_us(&h, slots), 6);
	CU_ASSERT_EQUAL(slots[1], 2);
	CU_ASSERT_EQUAL(slots[5], 1);
}

static void test_bcc_layout(void)
{
	static struct histogram h;
	char *text = NULL;
	size_t length = 0;
	FILE *out = open_memstream(&text, &length);

	hist_init(&h);
	hist_record(&h, 5000);    /* 5 us: slot 2 */
	hist_record(&h, 6000);
	hist_record(&h, 9000);    /* 9 us: slot 3 */
	histogram_print_log2(out, &h, "usecs");
	fclose(out);
	CU_ASSERT_STRING_EQUAL(text,
		"     usecs               : count    distribution\n"
		"         0 -> 1          : 0        |                                        |\n"
		"         2 -> 3          : 0        |                                        |\n"
		"         4 -> 7          : 2        |****************************************|\n"
		"         8 -> 15         : 1        |********************                    |\n");
	free(text);
}

static void add_tests(CU_pSuite suite)
{
	CU_ADD_TEST(suite, test_slots_sum_to_total);
	CU_ADD_TEST(suite, test_bcc_layout);
}

int main(void)
{
	return run_suite("histogram_print", NULL, NULL, add_tests);
}
