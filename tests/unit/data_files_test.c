// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for lib/data_files.c: bundled files found from a source tree's
 * build/testbed and from an installed PREFIX/bin/testbed. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "unit.h"

#include "data_files.h"

static char top[] = "/tmp/testbed-data-files-XXXXXX";

/* A source tree (TOP/tree/build, TOP/tree/scenarios/external) and an
 * install (TOP/prefix/bin, TOP/prefix/share/testbed/scenarios/external). */
static int make_folders(void)
{
	static const char *const folders[] = {
		"tree", "tree/scenarios", "tree/scenarios/external",
		"prefix", "prefix/share", "prefix/share/testbed", "prefix/share/testbed/scenarios",
		"prefix/share/testbed/scenarios/external",
	};
	char path[PATH_MAX];

	if (!mkdtemp(top))
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(folders); i++) {
		snprintf(path, sizeof(path), "%s/%s", top, folders[i]);
		if (mkdir(path, 0755))
			return -1;
	}
	return 0;
}

static int remove_folders(void)
{
	char command[PATH_MAX + 16];

	snprintf(command, sizeof(command), "rm -rf '%s'", top);
	return system(command) ? -1 : 0;
}

/* The executable TOP/EXE finds scenarios/external as TOP/EXPECTED. */
static void check_found(const char *exe, const char *expected)
{
	char exe_path[PATH_MAX], expected_path[PATH_MAX], out[PATH_MAX];
	struct error_message err = { "" };

	snprintf(exe_path, sizeof(exe_path), "%s/%s", top, exe);
	snprintf(expected_path, sizeof(expected_path), "%s/%s", top, expected);
	CU_ASSERT_EQUAL(data_path_from(exe_path, "scenarios/external", out, sizeof(out), &err), 0);
	CU_ASSERT_STRING_EQUAL(out, expected_path);
}

static void test_source_tree(void)
{
	check_found("tree/build/testbed", "tree/scenarios/external");
}

static void test_installed(void)
{
	check_found("prefix/bin/testbed", "prefix/share/testbed/scenarios/external");
}

/* Our own executable: a path that exists. */
static void test_executable_path(void)
{
	char exe[PATH_MAX];
	struct error_message err = { "" };

	CU_ASSERT_EQUAL(executable_path(exe, sizeof(exe), &err), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(exe, "data_files_test"));
}

static void test_missing(void)
{
	char exe[PATH_MAX], out[PATH_MAX];
	struct error_message err = { "" };

	snprintf(exe, sizeof(exe), "%s/prefix/bin/testbed", top);
	CU_ASSERT_EQUAL(data_path_from(exe, "kernels/kernels.sh", out, sizeof(out), &err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "cannot find kernels/kernels.sh (looked in "));
	CU_ASSERT_EQUAL(data_path_from("testbed", "kernels", out, sizeof(out), &err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "is in no folder"));
}

static void add_tests(CU_pSuite suite)
{
	CU_ADD_TEST(suite, test_source_tree);
	CU_ADD_TEST(suite, test_installed);
	CU_ADD_TEST(suite, test_missing);
	CU_ADD_TEST(suite, test_executable_path);
}

int main(void)
{
	return run_suite("data_files", make_folders, remove_folders, add_tests);
}
