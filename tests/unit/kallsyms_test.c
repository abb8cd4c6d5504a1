// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for user/kallsyms.c: a function's range from a listing, its
 * aliases, a missing name, a hidden address, the last symbol. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "unit.h"

#include "kallsyms.h"

static char listing[64];

static void write_listing(const char *text)
{
	int fd;

	snprintf(listing, sizeof(listing), "/tmp/kallsyms_test.XXXXXX");
	fd = mkstemp(listing);
	FILE *f = fdopen(fd, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

static void test_range(void)
{
	uint64_t start = 0, end = 0;

	write_listing("ffffffff81000000 T _stext\n"
		      "ffffffff81a0b0c0 t tcp_child_process_alias\n"
		      "ffffffff81a0b0c0 T tcp_child_process\n"
		      "ffffffff81a0b0c0 t __pfx_alias\n"
		      "ffffffff81a0b2f0 T tcp_check_req\n"
		      "ffffffffc0000000 t mod_fn\t[some_module]\n");
	CU_ASSERT_EQUAL(kallsyms_function_range(listing, "tcp_child_process", &start, &end), 0);
	CU_ASSERT_EQUAL(start, 0xffffffff81a0b0c0ULL);
	CU_ASSERT_EQUAL(end, 0xffffffff81a0b2f0ULL);
	CU_ASSERT_EQUAL(kallsyms_function_range(listing, "no_such_function", &start, &end), -1);
	/* the last symbol has no end */
	CU_ASSERT_EQUAL(kallsyms_function_range(listing, "mod_fn", &start, &end), -1);
	remove(listing);
}

static void test_hidden_addresses(void)
{
	uint64_t start, end;

	write_listing("0000000000000000 T tcp_child_process\n0000000000000000 T tcp_check_req\n");
	CU_ASSERT_EQUAL(kallsyms_function_range(listing, "tcp_child_process", &start, &end), -1);
	remove(listing);
	CU_ASSERT_EQUAL(kallsyms_function_range("/nonexistent/kallsyms", "tcp_child_process", &start, &end), -1);
}

/* The tracer's own lookup, as root (make test and CI run as root; whether
 * another user sees addresses depends on kptr_restrict, so nothing is
 * asserted for one) */
static void test_this_kernel(void)
{
	uint64_t start = 0, end = 0;
	int ret = kallsyms_function_range("/proc/kallsyms", "tcp_child_process", &start, &end);

	if (geteuid() != 0)
		return;
	CU_ASSERT_EQUAL_FATAL(ret, 0);
	CU_ASSERT(end > start && end - start < 65536);
}

static void add_tests(CU_pSuite suite)
{
	CU_add_test(suite, "function range", test_range);
	CU_add_test(suite, "hidden addresses and unreadable files", test_hidden_addresses);
	CU_add_test(suite, "this kernel's tcp_child_process", test_this_kernel);
}

int main(void)
{
	return run_suite("kallsyms", NULL, NULL, add_tests);
}
