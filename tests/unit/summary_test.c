// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for analysis/summary.c: the per-run figures. */
#include <math.h>
#include "summary.h"
#include "unit.h"

static struct histogram latency;

static void test_shared_epoll_like_run(void)
{
	/* 4 workers, every connection woke all 4, 3 of them for nothing */
	const uint64_t per_worker[] = { 100, 100, 100, 100 };
	struct run_counts c = {
		.worker_connections = per_worker, .nworkers = ARRAY_SIZE(per_worker),
		.accepted = 400, .listener_wakeups = 1600, .poll_wakeups = 1600, .listener_wasted = 1200,
		.completed = 400, .duration_s = 2.0, .latency_ns = &latency,
	};
	struct run_summary s;
	uint64_t v;

	hist_init(&latency);
	for (v = 1; v <= 1000; v++)
		hist_record(&latency, v * 1000); /* 1..1000 us */
	summarize_run(&c, &s);
	CU_ASSERT_EQUAL(s.accepted, 400);
	CU_ASSERT_EQUAL(s.listener_wakeups, 1600);
	CU_ASSERT_EQUAL(s.poll_wakeups, 1600);
	CU_ASSERT_EQUAL(s.listener_wasted, 1200);
	CU_ASSERT_DOUBLE_EQUAL(s.jain_index, 1.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(s.cov, 0.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(s.max_share, 0.25, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(s.herd_factor, 4.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(s.wasted_wakeup_ratio, 0.75, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(s.throughput_cps, 200.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(s.latency_p50_us, 500.0, 500.0 / 128);
	CU_ASSERT_DOUBLE_EQUAL(s.latency_p99_us, 990.0, 990.0 / 128);
	CU_ASSERT_DOUBLE_EQUAL(s.latency_max_us, 1000.0, 1e-9);
}

static void test_one_worker_takes_all(void)
{
	const uint64_t per_worker[] = { 50, 0 };
	struct run_counts c = {
		/* a server that polls its clients too: client I/O woke it 10 times a
		 * connection, the listener once; the herd is over the listener's */
		.worker_connections = per_worker, .nworkers = 2, .accepted = 50, .listener_wakeups = 50,
		.poll_wakeups = 500, .completed = 50, .duration_s = 1.0, .latency_ns = &latency,
	};
	struct run_summary s;

	hist_init(&latency);
	summarize_run(&c, &s);
	CU_ASSERT_DOUBLE_EQUAL(s.jain_index, 0.5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(s.max_share, 1.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(s.herd_factor, 1.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(s.wasted_wakeup_ratio, 0.0, 1e-12);
	CU_ASSERT(isnan(s.latency_p50_us)); /* nothing measured: undefined, not 0 */
}

static void test_nothing_accepted(void)
{
	const uint64_t per_worker[] = { 0, 0 };
	struct run_counts c = {
		.worker_connections = per_worker, .nworkers = 2, .listener_wakeups = 3,
		.duration_s = 1.0, .latency_ns = &latency,
	};
	struct run_summary s;

	hist_init(&latency);
	summarize_run(&c, &s);
	CU_ASSERT(isnan(s.jain_index));
	CU_ASSERT(isnan(s.herd_factor));
	CU_ASSERT_DOUBLE_EQUAL(s.throughput_cps, 0.0, 1e-12);
	c.nworkers = 0;
	summarize_run(&c, &s);
	CU_ASSERT(isnan(s.jain_index));
}

static void add_tests(CU_pSuite suite)
{
	CU_ADD_TEST(suite, test_shared_epoll_like_run);
	CU_ADD_TEST(suite, test_one_worker_takes_all);
	CU_ADD_TEST(suite, test_nothing_accepted);
}

int main(void)
{
	return run_suite("summary", NULL, NULL, add_tests);
}
