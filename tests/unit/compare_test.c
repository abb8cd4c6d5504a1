// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for analysis/compare.c on the committed fixture run folders:
 * the grouping, the best value marked per column, compare.csv read back,
 * a valid compare.svg, runs from another kernel, and one-line errors. */
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "csv_read.h"
#include "fixtures.h"
#include "plot.h"
#include "run_folder.h"
#include "unit.h"

/* Columns of the table, as compare.c lays them out. */
enum { RUN, GROUP, SCENARIO, POLICY, KERNEL, WORKERS, THROUGHPUT, JAIN, COV, MAX_SHARE, HERD, WASTED,
       P50, P99, LOST, DROPS, NCOLUMNS };

static char scratch[PATH_MAX];

static const char *const fixture_dirs[] = {
	FIXTURES_DIR "/shared-epoll", FIXTURES_DIR "/reuseport", FIXTURES_DIR "/fd-dispatch-idle",
	FIXTURES_DIR "/reuseport-pool",
};

static int create_scratch(void)
{
	return make_scratch_dir("compare_test", scratch);
}

static int remove_scratch(void)
{
	remove_tree(scratch);
	return 0;
}

/* compare_runs() into a string. */
static char *compare_to_text(const char *const *dirs, size_t n, const char *out_dir,
			     struct error_message *err, int *result)
{
	struct text_buffer text;

	CU_ASSERT_PTR_NOT_NULL_FATAL(text_buffer_open(&text));
	*result = compare_runs(dirs, n, out_dir, text.stream, err);
	return text_buffer_close(&text);
}

/* The Markdown line of the table's data row ROW (0-based). */
static const char *table_row(const char *text, size_t row)
{
	const char *line = text;

	for (size_t i = 0; i < row + 2 && line; i++) {
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	return line ? line : "";
}

static void test_table_marks_the_best(void)
{
	struct run_folder *runs[4];
	const char *labels[4] = { "se", "rp", "fd", "pool" };
	size_t group[4];
	struct comparison cmp = { runs, labels, group, 4, 0 };
	struct error_message err = { "" };
	struct text_table *t;

	for (size_t i = 0; i < 4; i++)
		CU_ASSERT_EQUAL_FATAL(run_folder_load(fixture_dirs[i], RUN_FOLDER_SUMMARY, &runs[i], &err), 0);
	/* the pool run has other settings (2 workers, 2 connections, a pool): a group of its own */
	cmp.ngroups = compare_groups(runs, 4, group);
	CU_ASSERT_EQUAL(cmp.ngroups, 2);
	CU_ASSERT(group[0] == 1 && group[1] == 1 && group[2] == 1 && group[3] == 2);
	t = compare_table(&cmp);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(text_table_rows(t), 4);
	CU_ASSERT_STRING_EQUAL(text_table_cell(t, 0, RUN), "se");
	CU_ASSERT_STRING_EQUAL(text_table_cell(t, 0, JAIN), "0.7004");
	CU_ASSERT_STRING_EQUAL(text_table_cell(t, 0, HERD), "3.884");
	CU_ASSERT_STRING_EQUAL(text_table_cell(t, 2, POLICY), "idle");
	CU_ASSERT_STRING_EQUAL(text_table_cell(t, 3, WORKERS), "2");
	CU_ASSERT_STRING_EQUAL(text_table_cell(t, 3, HERD), "0.567");

	/* Jain: highest, within the group: fd-dispatch's 1.0000; the pool run's
	 * 0.999993 (also 1.0000) is of another group and not ranked */
	CU_ASSERT(!text_table_marked(t, 0, JAIN));
	CU_ASSERT(!text_table_marked(t, 1, JAIN));
	CU_ASSERT(text_table_marked(t, 2, JAIN));
	/* throughput: highest (shared-epoll 19912.1 over fd-dispatch 19902.0) */
	CU_ASSERT(text_table_marked(t, 0, THROUGHPUT));
	CU_ASSERT(!text_table_marked(t, 2, THROUGHPUT));
	/* herd factor, CoV, p50, p99: lowest; the pool run's herd 0.567 is lower
	 * but not comparable, so reuseport's 0.976 is the best */
	CU_ASSERT(text_table_marked(t, 1, HERD));
	CU_ASSERT(!text_table_marked(t, 0, HERD));
	CU_ASSERT(text_table_marked(t, 2, COV));
	CU_ASSERT(text_table_marked(t, 0, P50));
	CU_ASSERT(text_table_marked(t, 0, P99));
	/* wasted ratio: 0.000 in two runs of the group, both best */
	CU_ASSERT(!text_table_marked(t, 0, WASTED));
	CU_ASSERT(text_table_marked(t, 1, WASTED) && text_table_marked(t, 2, WASTED));
	/* alone in its group: nothing of the pool run is ranked */
	for (size_t c = 0; c < NCOLUMNS; c++)
		CU_ASSERT(!text_table_marked(t, 3, c));
	CU_ASSERT_STRING_EQUAL(text_table_cell(t, 3, GROUP), "2");
	/* nothing to choose: every run lost 0, dropped 0; workers is no contest */
	for (size_t r = 0; r < 4; r++) {
		CU_ASSERT(!text_table_marked(t, r, LOST));
		CU_ASSERT(!text_table_marked(t, r, DROPS));
		CU_ASSERT(!text_table_marked(t, r, WORKERS));
		CU_ASSERT(!text_table_marked(t, r, RUN));
	}
	text_table_free(t);

	/* one run: nothing is marked */
	cmp.nruns = 1;
	t = compare_table(&cmp);
	for (size_t c = 0; c < NCOLUMNS; c++)
		CU_ASSERT(!text_table_marked(t, 0, c));
	text_table_free(t);
	for (size_t i = 0; i < 4; i++)
		run_folder_free(runs[i]);
}

static void test_markdown_grouped_and_files(void)
{
	struct error_message err = { "" };
	char out_dir[PATH_MAX], *text, *svg;
	struct csv_table *csv = NULL;
	int result;

	snprintf(out_dir, sizeof(out_dir), "%s/out", scratch);
	text = compare_to_text(fixture_dirs, 4, out_dir, &err, &result);
	CU_ASSERT_EQUAL_FATAL(result, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT(!strncmp(text, "| run ", 6));
	/* comparable groups first, then scenario and kernel; the given order within */
	CU_ASSERT(!strncmp(table_row(text, 0), "| fd-dispatch-idle |     1 | fd-dispatch ", 41));
	CU_ASSERT(!strncmp(table_row(text, 1), "| reuseport        |     1 | reuseport ", 39));
	CU_ASSERT(!strncmp(table_row(text, 2), "| shared-epoll     |     1 | shared-epoll ", 42));
	CU_ASSERT(!strncmp(table_row(text, 3), "| reuseport-pool   |     2 | reuseport ", 39));
	CU_ASSERT_PTR_NOT_NULL(strstr(table_row(text, 0), "| **1.0000** |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(table_row(text, 1), "|   **0.976** |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(table_row(text, 2), "|         **19912.1** |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(table_row(text, 2), "|     0.7004 |"));
	CU_ASSERT_PTR_NULL(strstr(table_row(text, 3), "**"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nnot comparable: group 1 vs group 2: workers 4 vs 2, connections 1 vs 2, "
					  "requests 4000 vs 1500, threads 0 vs 2 (no best across them)\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nBold: the best in its column"));
	free(text);

	/* compare.csv: the same rows, full precision, read back */
	CU_ASSERT_EQUAL_FATAL(csv_table_read(path_of(out_dir, "compare.csv"), &csv, &err), 0);
	CU_ASSERT_EQUAL(csv->nrows, 4);
	CU_ASSERT_EQUAL(csv->ncolumns, NCOLUMNS + 1);   /* and run_dir */
	CU_ASSERT_STRING_EQUAL(csv_table_field(csv, 0, csv_table_column(csv, "run")), "fd-dispatch-idle");
	CU_ASSERT_STRING_EQUAL(csv_table_field(csv, 3, csv_table_column(csv, "group")), "2");
	CU_ASSERT_STRING_EQUAL(csv_table_field(csv, 0, csv_table_column(csv, "run_dir")),
			       FIXTURES_DIR "/fd-dispatch-idle");
	CU_ASSERT_STRING_EQUAL(csv_table_field(csv, 2, csv_table_column(csv, "jain_index")), "0.700397");
	CU_ASSERT_STRING_EQUAL(csv_table_field(csv, 2, csv_table_column(csv, "herd_factor")), "3.883750");
	CU_ASSERT_STRING_EQUAL(csv_table_field(csv, 2, csv_table_column(csv, "kernel")), "6.18.44-fc-v657");
	CU_ASSERT_STRING_EQUAL(csv_table_field(csv, 2, csv_table_column(csv, "latency_p99_us")), "62.463");
	csv_table_free(csv);

	svg = read_text(out_dir, "compare.svg");
	CU_ASSERT_PTR_NOT_NULL_FATAL(svg);
	CU_ASSERT(svg_looks_complete(svg, strlen(svg)));
	/* short labels, not folder names: scenario/policy/workers/connections */
	CU_ASSERT_PTR_NOT_NULL(strstr(svg, ">reuseport/2w/2c</text>"));
	CU_ASSERT_PTR_NULL(strstr(svg, ">reuseport-pool</text>"));
	CU_ASSERT(file_exists(out_dir, "compare.gp"));
	CU_ASSERT(file_exists(out_dir, "compare.dat"));
	CU_ASSERT(file_exists(out_dir, "compare.pdf"));
	CU_ASSERT_PTR_NOT_NULL(strstr(svg, ">3.884</text>"));
	free(svg);
	CU_ASSERT(!file_exists(out_dir, "compare.csv.tmp"));
	CU_ASSERT(!file_exists(out_dir, "compare.svg.tmp"));
}

/* Runs from two kernels: grouped by kernel within the scenario; two folders
 * named alike are told apart by their paths. */
static void test_across_kernels(void)
{
	struct error_message err = { "" };
	char a[PATH_MAX], b[PATH_MAX], parent[PATH_MAX], *summary, *older, *at, *text;
	const char *dirs[3];
	int result;

	snprintf(parent, sizeof(parent), "%s/a", scratch);
	CU_ASSERT_EQUAL_FATAL(mkdir(parent, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(copy_fixture("reuseport", parent, a), 0);
	snprintf(parent, sizeof(parent), "%s/b", scratch);
	CU_ASSERT_EQUAL_FATAL(mkdir(parent, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(copy_fixture("reuseport", parent, b), 0);
	summary = read_text(b, "summary.csv");
	CU_ASSERT_PTR_NOT_NULL_FATAL(summary);
	at = strstr(summary, "6.18.44-fc-v657");
	CU_ASSERT_PTR_NOT_NULL_FATAL(at);
	CU_ASSERT_EQUAL_FATAL(asprintf(&older, "%.*s5.10.0-32-amd64%s", (int)(at - summary), summary,
				       at + strlen("6.18.44-fc-v657")) > 0, 1);
	CU_ASSERT_EQUAL(write_text(b, "summary.csv", older), 0);
	free(older);
	free(summary);

	dirs[0] = FIXTURES_DIR "/shared-epoll";
	dirs[1] = a;
	dirs[2] = b;
	text = compare_to_text(dirs, 3, NULL, &err, &result);
	CU_ASSERT_EQUAL_FATAL(result, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(table_row(text, 0), "| reuseport    | none   | 5.10.0-32-amd64 |"));
	/* (the paths' '_' are escaped in Markdown) */
	CU_ASSERT_PTR_NOT_NULL(strstr(table_row(text, 0), "/b/reuseport |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(table_row(text, 1), "| 6.18.44-fc-v657 |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(table_row(text, 1), "/a/reuseport |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(table_row(text, 2), "| shared-epoll |"));
	free(text);
}

static void test_bad_runs(void)
{
	struct error_message err = { "" };
	char dir[PATH_MAX], parent[PATH_MAX], expected[2 * PATH_MAX], *text;
	const char *dirs[2];
	int result;

	snprintf(parent, sizeof(parent), "%s/bad", scratch);
	CU_ASSERT_EQUAL_FATAL(mkdir(parent, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(copy_fixture("reuseport", parent, dir), 0);
	dirs[0] = FIXTURES_DIR "/shared-epoll";
	dirs[1] = dir;

	CU_ASSERT_EQUAL(write_text(dir, "meta.csv", "key,value\nschema_version,99\n"), 0);
	text = compare_to_text(dirs, 2, NULL, &err, &result);
	CU_ASSERT_EQUAL(result, -1);
	CU_ASSERT_STRING_EQUAL(text, "");      /* no half table */
	free(text);
	snprintf(expected, sizeof(expected), "%s/meta.csv:2: schema_version '99' is unknown "
		 "(this testbed reads 1 to 3)", dir);
	CU_ASSERT_STRING_EQUAL(err.text, expected);

	CU_ASSERT_EQUAL(write_text(dir, "meta.csv", "key,value\nschema_version,1\n"), 0);
	CU_ASSERT_EQUAL(write_text(dir, "summary.csv", "scenario,policy,kernel,workers,jain_index\n"
				   "reuseport,none,6.1,4,0.9.9\n"), 0);
	free(compare_to_text(dirs, 2, NULL, &err, &result));
	CU_ASSERT_EQUAL(result, -1);
	snprintf(expected, sizeof(expected), "%s/summary.csv: no column 'connections_completed'", dir);
	CU_ASSERT_STRING_EQUAL(err.text, expected);

	CU_ASSERT_EQUAL(write_text(dir, "summary.csv", "\"unterminated\n"), 0);
	free(compare_to_text(dirs, 2, NULL, &err, &result));
	CU_ASSERT_EQUAL(result, -1);
	snprintf(expected, sizeof(expected), "%s/summary.csv:1: unterminated quoted field", dir);
	CU_ASSERT_STRING_EQUAL(err.text, expected);

	dirs[1] = "/nonexistent/run";
	free(compare_to_text(dirs, 2, NULL, &err, &result));
	CU_ASSERT_EQUAL(result, -1);
	CU_ASSERT_STRING_EQUAL(err.text, "/nonexistent/run/meta.csv: cannot open: No such file or directory");
}

/* The settings that make runs comparable, on hand-made folders. */
static void test_settings_differences(void)
{
	struct run_folder a = { 0 }, b = { 0 }, c = { 0 };
	struct run_folder *runs[3] = { &a, &b, &c };
	size_t group[3];
	char text[256];

	for (size_t i = 0; i < SETTING_COUNT; i++)
		a.settings[i] = b.settings[i] = c.settings[i] = "";
	a.settings[SETTING_WORKERS] = "2", b.settings[SETTING_WORKERS] = "4";
	a.settings[SETTING_CONNECTIONS] = "8", b.settings[SETTING_CONNECTIONS] = "1";
	/* the same number written two ways, and a setting one side cannot tell */
	a.settings[SETTING_RATE_CPS] = "0", b.settings[SETTING_RATE_CPS] = "0.000";
	a.settings[SETTING_WORK] = "cpu:100";
	CU_ASSERT_EQUAL(compare_settings_differences(&a, &b, text, sizeof(text)), 2);
	CU_ASSERT_STRING_EQUAL(text, "workers 2 vs 4, connections 8 vs 1");
	/* a short buffer cuts the text, not the count */
	CU_ASSERT_EQUAL(compare_settings_differences(&a, &b, text, 10), 2);
	CU_ASSERT_STRING_EQUAL(text, "workers 2");
	CU_ASSERT_EQUAL(compare_settings_differences(&a, &b, NULL, 0), 2);

	/* c agrees with a but for how it was timed: never ranked together */
	memcpy(c.settings, a.settings, sizeof(c.settings));
	a.settings[SETTING_TIMINGS] = "real", c.settings[SETTING_TIMINGS] = "emulated";
	CU_ASSERT_EQUAL(compare_settings_differences(&a, &c, text, sizeof(text)), 1);
	CU_ASSERT_STRING_EQUAL(text, "timings real vs emulated");
	CU_ASSERT_EQUAL(compare_groups(runs, 3, group), 3);
	CU_ASSERT(group[0] == 1 && group[1] == 2 && group[2] == 3);
	c.settings[SETTING_TIMINGS] = "real";
	CU_ASSERT_EQUAL(compare_settings_differences(&a, &c, text, sizeof(text)), 0);
	CU_ASSERT_STRING_EQUAL(text, "");
	CU_ASSERT_EQUAL(compare_groups(runs, 3, group), 2);
	CU_ASSERT(group[0] == 1 && group[1] == 2 && group[2] == 1);
}

/* A run of testbed kernels: kernel.csv beside the folder says how the
 * guest was timed; settings from an old folder's meta.csv. */
static void test_settings_read(void)
{
	struct error_message err = { "" };
	char parent[PATH_MAX], guest[PATH_MAX], *text;
	const char *dirs[2] = { FIXTURES_DIR "/reuseport" };
	struct run_folder *run;
	int result;

	snprintf(parent, sizeof(parent), "%s/emulated-6.1", scratch);
	CU_ASSERT_EQUAL_FATAL(mkdir(parent, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(copy_fixture("reuseport", parent, guest), 0);
	CU_ASSERT_EQUAL(write_text(parent, "kernel.csv", "key,value\nexecution,tcg\ntimings,emulated\n"), 0);
	CU_ASSERT_EQUAL_FATAL(run_folder_load(guest, RUN_FOLDER_SUMMARY, &run, &err), 0);
	CU_ASSERT_STRING_EQUAL(run->settings[SETTING_TIMINGS], "emulated");
	CU_ASSERT_STRING_EQUAL(run->settings[SETTING_WORKERS], "4");
	CU_ASSERT_STRING_EQUAL(run->settings[SETTING_REQUESTED_DURATION_S], "60.000"); /* meta's duration_s */
	CU_ASSERT_STRING_EQUAL(run->settings[SETTING_KEEPALIVE], "no");
	CU_ASSERT_STRING_EQUAL(run->settings[SETTING_WORK], "");
	run_folder_free(run);

	dirs[1] = guest;
	text = compare_to_text(dirs, 2, NULL, &err, &result);
	CU_ASSERT_EQUAL_FATAL(result, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "not comparable: group 1 vs group 2: timings real vs emulated"));
	CU_ASSERT_PTR_NULL(strstr(text, "**"));
	free(text);
}

static void add_tests(CU_pSuite suite)
{
	CU_ADD_TEST(suite, test_settings_differences);
	CU_ADD_TEST(suite, test_settings_read);
	CU_ADD_TEST(suite, test_table_marks_the_best);
	CU_ADD_TEST(suite, test_markdown_grouped_and_files);
	CU_ADD_TEST(suite, test_across_kernels);
	CU_ADD_TEST(suite, test_bad_runs);
}

int main(void)
{
	return run_suite("compare", create_scratch, remove_scratch, add_tests);
}
