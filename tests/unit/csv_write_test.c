// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for user/csv.c. They write into a fresh folder under /tmp; the
 * ENOSPC test also mounts a tiny tmpfs and is only registered when that works
 * (root), the comma-locale test only when such a locale is installed. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

/* Where each call below says what went wrong. */
static struct error_message err;

#include "csv_write.h"

/* Larger than any file the tests expect to read back. */
#define READ_BACK_MAX 8192
/* Comfortably more than the writer's stdio buffer, so a write error hits
 * while fields are still being written, not only at the final flush. */
#define OVERSIZED_BYTES (1024 * 1024)

static char scratch_dir[] = "/tmp/csv_test.XXXXXX";
static char tiny_tmpfs_dir[] = "/tmp/csv_test_tmpfs.XXXXXX";
static bool tiny_tmpfs_mounted;

static char *path_in(const char *dir, const char *name)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

static bool exists(const char *dir, const char *name)
{
	return access(path_in(dir, name), F_OK) == 0;
}

/* Whole file as a NUL-terminated string; "" when it cannot be read. */
static const char *read_back(const char *dir, const char *name)
{
	static char content[READ_BACK_MAX];
	FILE *file = fopen(path_in(dir, name), "r");
	size_t length = 0;

	if (file) {
		length = fread(content, 1, sizeof(content) - 1, file);
		fclose(file);
	}
	content[length] = '\0';
	return content;
}

/* Writes a one-row file DIR/NAME holding TEXT and commits it. */
static void write_committed(const char *dir, const char *name, const char *text)
{
	struct csv_file *f = csv_open(dir, name, &err);

	CU_ASSERT_FATAL(f != NULL);
	csv_str(f, text);
	csv_end_row(f);
	CU_ASSERT_EQUAL(csv_commit(f, &err), 0);
}

static void test_escape_table(void)
{
	static const struct {
		const char *value;
		const char *escaped;
	} cases[] = {
		{ "plain", "plain" },
		{ "", "" },
		{ NULL, "" },
		{ "a,b", "\"a,b\"" },
		{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
		{ "\"", "\"\"\"\"" },
		{ "two\nlines", "\"two\nlines\"" },
		{ "carriage\rreturn", "\"carriage\rreturn\"" },
		{ " leading", "\" leading\"" },
		{ "trailing ", "\"trailing \"" },
		{ "\ttab", "\"\ttab\"" },
		{ "inner space", "inner space" },
		{ "semi;colon", "semi;colon" },
	};
	char out[64];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t length = csv_escape(cases[i].value, out, sizeof(out));

		CU_ASSERT_STRING_EQUAL(out, cases[i].escaped);
		CU_ASSERT_EQUAL(length, strlen(cases[i].escaped));
	}
}

static void test_escape_truncates_like_snprintf(void)
{
	char out[4] = "xyz";

	/* "a,b" needs 5 characters; only 3 fit before the NUL. */
	CU_ASSERT_EQUAL(csv_escape("a,b", out, sizeof(out)), 5);
	CU_ASSERT_STRING_EQUAL(out, "\"a,");
	CU_ASSERT_EQUAL(csv_escape("a,b", NULL, 0), 5);
	CU_ASSERT_EQUAL(csv_escape("abc", out, 1), 3);
	CU_ASSERT_STRING_EQUAL(out, "");
}

static void test_write_read_back(void)
{
	char long_field[1000];
	char expected[READ_BACK_MAX];
	struct csv_file *f;
	struct stat st;

	/* Longer than the writer's on-stack escape buffer. */
	memset(long_field, 'x', sizeof(long_field) - 1);
	long_field[sizeof(long_field) - 1] = '\0';
	long_field[500] = '"';

	f = csv_open(scratch_dir, "read_back.csv", &err);
	CU_ASSERT_FATAL(f != NULL);
	csv_str(f, "name");
	csv_str(f, "count_total");
	csv_str(f, "delta");
	csv_str(f, "ratio");
	csv_end_row(f);
	csv_str(f, "worker, 1");
	csv_u64(f, UINT64_MAX);
	csv_i64(f, INT64_MIN);
	csv_double(f, 3.14159, 2);
	csv_end_row(f);
	csv_str(f, "");
	csv_u64(f, 0);
	csv_i64(f, -1);
	csv_double(f, NAN, 3);
	csv_end_row(f);
	csv_double(f, INFINITY, 3);
	csv_double(f, -INFINITY, 3);
	csv_double(f, 2.5, 0);
	csv_double(f, 0.125, 3);
	csv_end_row(f);
	csv_str(f, long_field);
	csv_end_row(f);

	/* Nothing under the final name until the commit. */
	CU_ASSERT(exists(scratch_dir, "read_back.csv.tmp"));
	CU_ASSERT(!exists(scratch_dir, "read_back.csv"));
	CU_ASSERT_EQUAL(csv_commit(f, &err), 0);
	CU_ASSERT(!exists(scratch_dir, "read_back.csv.tmp"));

	snprintf(expected, sizeof(expected),
		 "name,count_total,delta,ratio\n"
		 "\"worker, 1\",18446744073709551615,-9223372036854775808,3.14\n"
		 ",0,-1,\n"
		 ",,2,0.125\n"
		 "\"%.500s\"\"%s\"\n",
		 long_field, long_field + 501);
	CU_ASSERT_STRING_EQUAL(read_back(scratch_dir, "read_back.csv"), expected);

	/* main() sets umask 022, so the requested 0644 arrives intact. */
	CU_ASSERT_EQUAL(stat(path_in(scratch_dir, "read_back.csv"), &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0644);
}

static void test_commit_replaces_atomically(void)
{
	struct csv_file *f;
	int old_fd;
	char old_content[16] = "";

	write_committed(scratch_dir, "replace.csv", "old");
	old_fd = open(path_in(scratch_dir, "replace.csv"), O_RDONLY);
	CU_ASSERT_FATAL(old_fd >= 0);

	f = csv_open(scratch_dir, "replace.csv", &err);
	CU_ASSERT_FATAL(f != NULL);
	csv_str(f, "new");
	csv_end_row(f);
	/* Until the commit, a reader sees the complete old file. */
	CU_ASSERT_STRING_EQUAL(read_back(scratch_dir, "replace.csv"), "old\n");
	CU_ASSERT_EQUAL(csv_commit(f, &err), 0);
	CU_ASSERT_STRING_EQUAL(read_back(scratch_dir, "replace.csv"), "new\n");

	/* A new inode was renamed over the old one: a reader that opened the
	 * old file still reads it whole, never a mix. */
	CU_ASSERT_EQUAL(pread(old_fd, old_content, sizeof(old_content) - 1, 0), 4);
	CU_ASSERT_STRING_EQUAL(old_content, "old\n");
	close(old_fd);
}

static void test_abort_keeps_old_file(void)
{
	struct csv_file *f;

	write_committed(scratch_dir, "abort.csv", "kept");
	f = csv_open(scratch_dir, "abort.csv", &err);
	CU_ASSERT_FATAL(f != NULL);
	csv_str(f, "dropped");
	csv_end_row(f);
	csv_abort(f);
	CU_ASSERT(!exists(scratch_dir, "abort.csv.tmp"));
	CU_ASSERT_STRING_EQUAL(read_back(scratch_dir, "abort.csv"), "kept\n");
	csv_abort(NULL);
}

static void test_open_missing_dir_fails(void)
{
	CU_ASSERT_PTR_NULL(csv_open(path_in(scratch_dir, "no/such/dir"), "x.csv", &err));
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "no/such/dir/x.csv.tmp: No such file or directory"));
	CU_ASSERT_PTR_NULL(csv_open(scratch_dir, "", &err));
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "no file name"));
	CU_ASSERT_EQUAL(csv_commit(NULL, &err), -1);
}

/* Commits BYTES of rows over an earlier DIR/NAME where they cannot fit: the
 * commit must fail with EXPECTED_ERRNO, leave no NAME.tmp behind and the
 * earlier file intact. */
static void check_failed_write_keeps_old(const char *dir, const char *name,
					 size_t bytes, int expected_errno)
{
	char tmp_name[NAME_MAX + 1];
	char row[1024];
	struct csv_file *f;

	snprintf(tmp_name, sizeof(tmp_name), "%s.tmp", name);
	memset(row, 'y', sizeof(row) - 1);
	row[sizeof(row) - 1] = '\0';

	f = csv_open(dir, name, &err);
	CU_ASSERT_FATAL(f != NULL);
	for (size_t written = 0; written < bytes; written += sizeof(row)) {
		csv_str(f, row);
		csv_end_row(f);
	}
	CU_ASSERT_EQUAL(csv_commit(f, &err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, strerror(expected_errno)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, name));
	CU_ASSERT(!exists(dir, tmp_name));
	CU_ASSERT_STRING_EQUAL(read_back(dir, name), "complete old file\n");
}

/* A file-size limit makes write() fail with EFBIG, without root. */
static void test_write_error_efbig(void)
{
	struct rlimit original, limited;
	void (*original_handler)(int);

	write_committed(scratch_dir, "efbig.csv", "complete old file");

	CU_ASSERT_FATAL(getrlimit(RLIMIT_FSIZE, &original) == 0);
	limited = original;
	limited.rlim_cur = 16 * 1024;
	/* Without this the kernel kills us with SIGXFSZ instead of failing
	 * the write; stdout is flushed so no output of ours hits the limit. */
	original_handler = signal(SIGXFSZ, SIG_IGN);
	fflush(stdout);
	CU_ASSERT_FATAL(setrlimit(RLIMIT_FSIZE, &limited) == 0);

	/* Fails while rows are written (sticky error) ... */
	check_failed_write_keeps_old(scratch_dir, "efbig.csv", OVERSIZED_BYTES, EFBIG);
	/* ... and when only the final flush hits the limit. */
	check_failed_write_keeps_old(scratch_dir, "efbig.csv", 32 * 1024, EFBIG);

	setrlimit(RLIMIT_FSIZE, &original);
	signal(SIGXFSZ, original_handler);
}

/* The folder disappears before the commit: the rename must fail loudly. */
static void test_vanished_dir_fails(void)
{
	char dir[sizeof(scratch_dir) + sizeof("/vanishing")];
	struct csv_file *f;

	snprintf(dir, sizeof(dir), "%s/vanishing", scratch_dir);
	CU_ASSERT_FATAL(mkdir(dir, 0755) == 0);
	f = csv_open(dir, "gone.csv", &err);
	CU_ASSERT_FATAL(f != NULL);
	csv_str(f, "lost");
	csv_end_row(f);
	CU_ASSERT_EQUAL(unlink(path_in(dir, "gone.csv.tmp")), 0);
	CU_ASSERT_EQUAL(rmdir(dir), 0);
	CU_ASSERT_EQUAL(csv_commit(f, &err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, strerror(ENOENT)));
}

/* A full filesystem (a 16 KiB tmpfs) must surface as ENOSPC. */
static void test_full_disk_enospc(void)
{
	write_committed(tiny_tmpfs_dir, "enospc.csv", "complete old file");
	check_failed_write_keeps_old(tiny_tmpfs_dir, "enospc.csv", OVERSIZED_BYTES, ENOSPC);
	check_failed_write_keeps_old(tiny_tmpfs_dir, "enospc.csv", 64 * 1024, ENOSPC);
}

/* An installed locale whose decimal point is not '.', or NULL. */
static const char *comma_locale;

static void find_comma_locale(void)
{
	static const char *const candidates[] = {
		"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8", "de_DE", "fr_FR",
	};

	for (size_t i = 0; i < ARRAY_SIZE(candidates) && !comma_locale; i++)
		if (setlocale(LC_NUMERIC, candidates[i]) &&
		    strcmp(localeconv()->decimal_point, ".") != 0)
			comma_locale = candidates[i];
	setlocale(LC_NUMERIC, "C");
}

static void test_double_ignores_caller_locale(void)
{
	struct csv_file *f;

	CU_ASSERT_FATAL(setlocale(LC_NUMERIC, comma_locale) != NULL);
	f = csv_open(scratch_dir, "locale.csv", &err);
	CU_ASSERT_FATAL(f != NULL);
	csv_double(f, 1.5, 1);
	csv_double(f, 2.25, 2);
	csv_end_row(f);
	CU_ASSERT_EQUAL(csv_commit(f, &err), 0);
	setlocale(LC_NUMERIC, "C");
	CU_ASSERT_STRING_EQUAL(read_back(scratch_dir, "locale.csv"), "1.5,2.25\n");
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	return remove(path);
}

static int create_scratch_dir(void)
{
	return mkdtemp(scratch_dir) ? 0 : -1;
}

static int remove_scratch_dir(void)
{
	return nftw(scratch_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Root only: a 16 KiB tmpfs to fill up. False (with the reason printed)
 * when it cannot be had; the test that needs it is then not registered. */
static bool mount_tiny_tmpfs(void)
{
	if (geteuid() != 0) {
		fprintf(stderr, "csv_test: not root, ENOSPC test not registered\n");
		return false;
	}
	if (!mkdtemp(tiny_tmpfs_dir)) {
		perror("csv_test: mkdtemp");
		return false;
	}
	if (mount("tmpfs", tiny_tmpfs_dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "size=16k,mode=0700") < 0) {
		fprintf(stderr, "csv_test: cannot mount tmpfs (%s), ENOSPC test not registered\n",
			strerror(errno));
		rmdir(tiny_tmpfs_dir);
		return false;
	}
	return true;
}

static void unmount_tiny_tmpfs(void)
{
	if (umount(tiny_tmpfs_dir) < 0)
		perror("csv_test: umount");
	rmdir(tiny_tmpfs_dir);
}

static void add_tests(CU_pSuite suite)
{
	CU_ADD_TEST(suite, test_escape_table);
	CU_ADD_TEST(suite, test_escape_truncates_like_snprintf);
	CU_ADD_TEST(suite, test_write_read_back);
	CU_ADD_TEST(suite, test_commit_replaces_atomically);
	CU_ADD_TEST(suite, test_abort_keeps_old_file);
	CU_ADD_TEST(suite, test_open_missing_dir_fails);
	CU_ADD_TEST(suite, test_write_error_efbig);
	CU_ADD_TEST(suite, test_vanished_dir_fails);
	if (tiny_tmpfs_mounted)
		CU_ADD_TEST(suite, test_full_disk_enospc);
	if (comma_locale)
		CU_ADD_TEST(suite, test_double_ignores_caller_locale);
	else
		fprintf(stderr, "csv_test: no comma-decimal locale installed, locale test not registered\n");
}

int main(void)
{
	int failures;

	umask(022);
	find_comma_locale();
	tiny_tmpfs_mounted = mount_tiny_tmpfs();

	failures = run_suite("csv", create_scratch_dir, remove_scratch_dir, add_tests);
	if (tiny_tmpfs_mounted)
		unmount_tiny_tmpfs();
	return failures;
}
