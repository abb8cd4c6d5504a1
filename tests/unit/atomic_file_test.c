// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for analysis/atomic_file.c: whole files or none. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "fixtures.h"
#include "unit.h"

static char scratch[PATH_MAX];

static int create_scratch(void)
{
	return make_scratch_dir("atomic_file_test", scratch);
}

static int remove_scratch(void)
{
	remove_tree(scratch);
	return 0;
}

static void test_write_and_replace(void)
{
	struct error_message err = { "" };
	struct atomic_file *f;
	char *text;

	CU_ASSERT_EQUAL(atomic_file_write(scratch, "report.md", "old\n", 4, &err), 0);
	f = atomic_file_open(scratch, "report.md", &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fprintf(atomic_file_stream(f), "new %d\n", 2);
	/* until the commit, readers see the old file */
	text = read_text(scratch, "report.md");
	CU_ASSERT_STRING_EQUAL(text, "old\n");
	free(text);
	CU_ASSERT(file_exists(scratch, "report.md.tmp"));
	CU_ASSERT_EQUAL(atomic_file_commit(f, &err), 0);
	text = read_text(scratch, "report.md");
	CU_ASSERT_STRING_EQUAL(text, "new 2\n");
	free(text);
	CU_ASSERT(!file_exists(scratch, "report.md.tmp"));
}

static void test_abort_and_failure(void)
{
	struct error_message err = { "" };
	struct atomic_file *f = atomic_file_open(scratch, "dropped.svg", &err);
	char missing[PATH_MAX + 16], expected[2 * PATH_MAX];

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("half", atomic_file_stream(f));
	atomic_file_abort(f);
	CU_ASSERT(!file_exists(scratch, "dropped.svg"));
	CU_ASSERT(!file_exists(scratch, "dropped.svg.tmp"));
	atomic_file_abort(NULL);

	snprintf(missing, sizeof(missing), "%s/no-such-folder", scratch);
	CU_ASSERT_EQUAL(atomic_file_write(missing, "x.svg", "x", 1, &err), -1);
	snprintf(expected, sizeof(expected), "cannot create %s/x.svg.tmp: No such file or directory",
		 missing);
	CU_ASSERT_STRING_EQUAL(err.text, expected);
}

/* stdio forgets why a buffered write failed; the message must not say EIO
 * for a full disk */
static void test_lost_write_error(void)
{
	FILE *full = fopen("/dev/full", "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(full);
	fputs("more than the disk holds", full);
	CU_ASSERT_EQUAL(fflush(full), EOF);
	CU_ASSERT(ferror(full));
	CU_ASSERT_EQUAL(lost_write_error(full), ENOSPC);
	fclose(full);
}

static void add_tests(CU_pSuite suite)
{
	CU_ADD_TEST(suite, test_write_and_replace);
	CU_ADD_TEST(suite, test_abort_and_failure);
	CU_ADD_TEST(suite, test_lost_write_error);
}

int main(void)
{
	return run_suite("atomic_file", create_scratch, remove_scratch, add_tests);
}
