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

static int make_folders(void)
{
	char path[PATH_MAX];

	if (!mkdtemp(top))
		return -1;
	/* a source tree: TOP/tree/build, TOP/tree/scenarios/external */
	snprintf(path, sizeof(path), "%s/tree", top);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/tree/scenarios", top);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/tree/scenarios/external", top);
	mkdir(path, 0755);
	/* an install: TOP/prefix/bin, TOP/prefix/share/testbed/scenarios/external */
	snprintf(path, sizeof(path), "%s/prefix", top);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/prefix/share", top);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/prefix/share/testbed", top);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/prefix/share/testbed/scenarios", top);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/prefix/share/testbed/scenarios/external", top);
	return mkdir(path, 0755);
}

static int remove_folders(void)
{
	char command[PATH_MAX + 16];

	snprintf(command, sizeof(command), "rm -rf '%s'", top);
	return system(command) ? -1 : 0;
}

static void test_source_tree(void)
{
	char exe[PATH_MAX], expected[PATH_MAX], out[PATH_MAX];
	struct error_message err = { "" };

	snprintf(exe, sizeof(exe), "%s/tree/build/testbed", top);
	snprintf(expected, sizeof(expected), "%s/tree/scenarios/external", top);
	CU_ASSERT_EQUAL(data_path_from(exe, "scenarios/external", out, sizeof(out), &err), 0);
	CU_ASSERT_STRING_EQUAL(out, expected);
}

static void test_installed(void)
{
	char exe[PATH_MAX], expected[PATH_MAX], out[PATH_MAX];
	struct error_message err = { "" };

	snprintf(exe, sizeof(exe), "%s/prefix/bin/testbed", top);
	snprintf(expected, sizeof(expected), "%s/prefix/share/testbed/scenarios/external", top);
	CU_ASSERT_EQUAL(data_path_from(exe, "scenarios/external", out, sizeof(out), &err), 0);
	CU_ASSERT_STRING_EQUAL(out, expected);
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
}

int main(void)
{
	return run_suite("data_files", make_folders, remove_folders, add_tests);
}
