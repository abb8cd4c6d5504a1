// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for analysis/presentation.c: the timeline's default interval
 * (>= 20 points), which intervals are plotted and at what rate (the cut-short
 * last one), the verdict's wording at its thresholds, and compare.svg's
 * short run labels. Pure functions: no gnuplot, no root. */
#include <math.h>
#include <string.h>

#include "presentation.h"
#include "unit.h"

static void test_default_interval(void)
{
	static const struct { double duration_s; unsigned interval_ms; } cases[] = {
		{ 5.0, 250 }, { 1.0, 50 }, { 10.0, 500 }, { 20.0, 1000 }, { 3600.0, 1000 },
		{ 0.5, 25 }, { 0.2, 10 }, { 0.1, 10 }, { 2.0, 100 }, { 4.0, 200 },
		{ 0.0, 1000 }, { -1.0, 1000 }, { NAN, 1000 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		unsigned interval = timeline_default_interval_ms(cases[i].duration_s);

		CU_ASSERT_EQUAL(interval, cases[i].interval_ms);
		/* the rule itself: >= 20 points whenever an interval allows it */
		if (cases[i].duration_s >= 0.2)
			CU_ASSERT(cases[i].duration_s * 1000.0 / interval >= TIMELINE_MIN_POINTS);
	}
}

static void test_partial_interval(void)
{
	/* a full interval; the cut-short last ones: kept from half an interval */
	CU_ASSERT(timeline_interval_plotted(0, 250, 250));
	CU_ASSERT(!timeline_interval_partial(0, 250, 250));
	CU_ASSERT(timeline_interval_plotted(1000, 1125, 250));
	CU_ASSERT(timeline_interval_partial(1000, 1125, 250));
	CU_ASSERT(!timeline_interval_plotted(1000, 1124, 250));
	CU_ASSERT(!timeline_interval_plotted(1000, 1000, 250));
	/* a late sample (busy machine) makes a long interval: plotted, not partial */
	CU_ASSERT(timeline_interval_plotted(1000, 1400, 250));
	CU_ASSERT(!timeline_interval_partial(1000, 1400, 250));
	/* the rate is over the interval's own length: no false drop at the end */
	CU_ASSERT_DOUBLE_EQUAL(timeline_rate(100, 0, 250), 400.0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(timeline_rate(50, 1000, 1125), 400.0, 1e-9);
	CU_ASSERT(isnan(timeline_rate(5, 10, 10)));
}

static void test_tic_step(void)
{
	CU_ASSERT_DOUBLE_EQUAL(axis_tic_step(4000, 5), 1000, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(axis_tic_step(3963, 5), 1000, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(axis_tic_step(21000, 5), 5000, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(axis_tic_step(1653, 5), 500, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(axis_tic_step(1.0, 5), 0.2, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(axis_tic_step(12, 5), 2.5, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(axis_tic_step(10, 5), 2, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(axis_tic_step(0, 5), 1, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(axis_tic_step(NAN, 5), 1, 1e-9);
	for (double max = 0.3; max < 1e7; max *= 1.37)
		CU_ASSERT(max / axis_tic_step(max, 5) <= 5);
}

static void test_verdict_wording(void)
{
	static const struct { struct verdict_input in; const char *says; } cases[] = {
		{ { 0.7004, 0.999, 1, 3.88375, 0.7643, 4 },
		  "unfair: worker 1 took 99.9 % (Jain 0.70); herd: 3.9 listener wakeups per connection, 76 % wasted" },
		{ { 0.95, 0.30, 2, 3.9, 0.75, 4 }, "herd: 3.9 listener wakeups per connection, 75 % wasted" },
		{ { 0.5, 0.999, 0, 1.0, 0.0, 2 }, "unfair: worker 0 took 99.9 % (Jain 0.50), no herd (1.00 wakeups per connection)" },
		{ { 0.99, 0.26, 3, 1.2, 0.1, 4 }, "fair: Jain 0.99, no herd (1.20 wakeups per connection)" },
		{ { 0.9, 0.3, 1, 1.5, 0.1, 4 }, "fair: Jain 0.90, no herd (1.50 wakeups per connection)" },
		{ { 0.8999, 0.3, 1, 1.51, 0.1, 4 }, "unfair: worker 1 took 30.0 % (Jain 0.90); herd: 1.5 listener wakeups per connection, 10 % wasted" },
		{ { 0.999, 0.5, 0, 0.235, 0.25, 2 }, "fair: Jain 1.00, herd factor 0.23 < 1 (batching: one wakeup, several accepts)" },
		{ { 1.0, 1.0, 0, 1.0, 0.0, 1 }, "one worker: Jain 1.00, no herd (1.00 wakeups per connection)" },
		{ { 1.0, 1.0, 0, NAN, NAN, 4 }, "fair: Jain 1.00" },
		{ { NAN, 0, -1, NAN, NAN, 4 }, "no verdict: no connections were taken" },
	};
	char text[256], tiny[8];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		verdict_text(&cases[i].in, text, sizeof(text));
		if (strcmp(text, cases[i].says))
			fprintf(stderr, "\ncase %zu: %s\n", i, text);
		CU_ASSERT_STRING_EQUAL(text, cases[i].says);
	}
	/* a short buffer cuts, never overruns */
	verdict_text(&cases[0].in, tiny, sizeof(tiny));
	CU_ASSERT_STRING_EQUAL(tiny, "unfair:");
}

static void test_short_labels(void)
{
	char out[48], tiny[10];

	CU_ASSERT_STRING_EQUAL(run_short_label("shared-epoll", "none", 4, "8", out, sizeof(out)),
			       "shared-epoll/4w/8c");
	CU_ASSERT_STRING_EQUAL(run_short_label("fd-dispatch", "idle", 4, "1", out, sizeof(out)),
			       "fd-dispatch/idle/4w/1c");
	CU_ASSERT_STRING_EQUAL(run_short_label("reuseport", "", NAN, NULL, out, sizeof(out)), "reuseport");
	CU_ASSERT_STRING_EQUAL(run_short_label("", "rr", 2, "", out, sizeof(out)), "rr/2w");
	CU_ASSERT_STRING_EQUAL(run_short_label("fd-dispatch", "idle", 4, "1", tiny, sizeof(tiny)), "fd-dispat");
}

static void add_tests(CU_pSuite suite)
{
	CU_ADD_TEST(suite, test_default_interval);
	CU_ADD_TEST(suite, test_partial_interval);
	CU_ADD_TEST(suite, test_tic_step);
	CU_ADD_TEST(suite, test_verdict_wording);
	CU_ADD_TEST(suite, test_short_labels);
}

int main(void)
{
	return run_suite("presentation", NULL, NULL, add_tests);
}
