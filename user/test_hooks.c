// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The test and benchmark hooks of test_hooks.h; nothing else in the tree
 * reads a TESTBED_* variable. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common.h"
#include "test_hooks.h"

void test_pause(const char *stage)
{
	const char *want = getenv("TESTBED_TEST_PAUSE");
	uint64_t deadline;

	if (!want || strcmp(want, stage))
		return;
	fprintf(stderr, "testbed: test pause at %s\n", stage);
	deadline = monotonic_ns() + 30 * 1000000000ull;
	while (!exiting && monotonic_ns() < deadline)
		usleep(10 * 1000);
}

const char *test_btf_path(const char *default_path)
{
	const char *path = getenv("TESTBED_BTF_PATH");

	return path && *path ? path : default_path;
}

const char *bench_bpf_stats_path(void)
{
	const char *path = getenv("TESTBED_BPF_STATS");

	return path && *path ? path : NULL;
}

bool bench_hooks_only(void)
{
	const char *value = getenv("TESTBED_BENCH_HOOKS_ONLY");

	return value && !strcmp(value, "1");
}

const char *bench_soak_stats_path(void)
{
	const char *path = getenv("TESTBED_SOAK_STATS");

	return path && *path ? path : NULL;
}

size_t test_finished_rows(size_t default_rows)
{
	const char *text = getenv("TESTBED_FINISHED_ROWS");
	char *end;
	unsigned long long rows;

	if (!text || !*text)
		return default_rows;
	rows = strtoull(text, &end, 10);
	return *end ? default_rows : (size_t)rows;
}
