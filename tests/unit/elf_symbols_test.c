// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for user/elf_symbols.c: function offsets read from this test's
 * own executable, missing names, files that are not ELF. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"

#include "elf_symbols.h"

/* Kept out of line and in the symbol table: the test looks itself up. */
__attribute__((noinline, used)) void elf_symbols_test_probe_target(void)
{
	__asm__ volatile("");
}

static void test_finds_functions(void)
{
	static const char *const names[] = { "elf_symbols_test_probe_target", "no_such_function_anywhere",
					     "elf_function_offsets" };
	uint64_t offsets[3] = { 1, 1, 1 };
	struct error_message err = { "" };

	CU_ASSERT_EQUAL_FATAL(elf_function_offsets("/proc/self/exe", names, 3, offsets, &err), 0);
	CU_ASSERT(offsets[0] > 0);
	CU_ASSERT_EQUAL(offsets[1], 0);
	CU_ASSERT(offsets[2] > 0);
	CU_ASSERT_NOT_EQUAL(offsets[0], offsets[2]);
}

static void test_not_elf(void)
{
	static const char *const names[] = { "main" };
	uint64_t offset;
	struct error_message err = { "" };

	CU_ASSERT_EQUAL(elf_function_offsets("/proc/self/status", names, 1, &offset, &err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "not an ELF file"));
	CU_ASSERT_EQUAL(elf_function_offsets("/nonexistent/binary", names, 1, &offset, &err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "cannot open"));
}

static void add_tests(CU_pSuite suite)
{
	CU_ADD_TEST(suite, test_finds_functions);
	CU_ADD_TEST(suite, test_not_elf);
}

int main(void)
{
	return run_suite("elf_symbols", NULL, NULL, add_tests);
}
