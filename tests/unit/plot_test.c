// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for analysis/plot.c: gnuplot as a child process (it must be
 * installed: make deps), its failures as one-line messages, labels made
 * inert, numbers in data files, and the temporary folder cleaned up. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "plot.h"
#include "unit.h"

static bool one_line(const char *text)
{
	return *text && !strchr(text, '\n');
}

static void test_labels_are_inert(void)
{
	char out[64];

	CU_ASSERT_STRING_EQUAL(plot_label("a'b\"c<d>&e\\f\ng", out, sizeof(out)), "a_b_c_d__e_f_g");
	CU_ASSERT_STRING_EQUAL(plot_label("worker 1 (pid 12), x=1.5:y/z+w-v", out, sizeof(out)),
			       "worker 1 (pid 12), x=1.5:y/z+w-v");
	CU_ASSERT_STRING_EQUAL(plot_label("abcdef", out, 4), "abc");
	CU_ASSERT_STRING_EQUAL(plot_label("", out, sizeof(out)), "");
}

static void test_svg_check(void)
{
	static const struct { const char *svg; bool complete; } cases[] = {
		{ "<?xml version=\"1.0\"?>\n<svg></svg>\n", true },
		{ "  \n<svg width='1'><g/></svg>", true },
		{ "<svg width='1'><g/>", false },          /* truncated */
		{ "<html><svg></svg></html>", false },
		{ "", false },
		{ "</svg>", false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		CU_ASSERT_EQUAL(svg_looks_complete(cases[i].svg, strlen(cases[i].svg)), cases[i].complete);
	CU_ASSERT(!svg_looks_complete(NULL, 0));
}

static void test_render_and_clean_up(void)
{
	struct error_message err = { "" };
	struct plot_dir *p = plot_dir_new(&err);
	char *svg = NULL, folder[4096];
	size_t length = 0;
	FILE *data;
	struct stat st;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	data = plot_data_create(p, "points.dat", &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(data);
	fprintf(data, "\"first\"\t1\n\"second\"\t3\n");
	CU_ASSERT_EQUAL(plot_data_close(p, data, &err), 0);
	CU_ASSERT_EQUAL(plot_render(p, "bars", 400, 300,
				    "set title 'Bars'\nplot 'points.dat' using 0:2:xtic(1) with boxes title 'n'",
				    &svg, &length, &err), 0);
	CU_ASSERT_STRING_EQUAL(err.text, "");
	CU_ASSERT_FATAL(svg != NULL);
	CU_ASSERT(svg_looks_complete(svg, length));
	CU_ASSERT_EQUAL(strlen(svg), length);
	CU_ASSERT_PTR_NOT_NULL(strstr(svg, "width=\"400\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(svg, ">Bars</text>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(svg, ">second</text>"));
	free(svg);

	/* a file name that could leave the folder is refused */
	CU_ASSERT_PTR_NULL(plot_data_create(p, "../escape.dat", &err));
	CU_ASSERT(one_line(err.text));

	/* gnuplot's complaint comes back as one line */
	CU_ASSERT_EQUAL(plot_render(p, "broken", 400, 300, "plot no_such_function(x)", &svg, &length,
				    &err), -1);
	CU_ASSERT(one_line(err.text));
	CU_ASSERT(!strncmp(err.text, "gnuplot failed on broken.gp (exit 1): ", 38));
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "no_such_function"));

	/* the folder and everything in it go with plot_dir_free */
	snprintf(folder, sizeof(folder), "%s", plot_dir_path(p));
	CU_ASSERT_EQUAL(stat(folder, &st), 0);
	plot_dir_free(p);
	CU_ASSERT_EQUAL(stat(folder, &st), -1);
}

/* Numbers into a data file: NAN as the "NaN" that `set datafile missing` names. */
static void test_data_values(void)
{
	struct error_message err = { "" };
	struct plot_dir *p = plot_dir_new(&err);
	char path[4096], text[64] = "";
	FILE *data;
	size_t length;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	data = plot_data_create(p, "values.dat", &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(data);
	plot_data_value(data, 0.70041, 3);
	fputs("\t", data);
	plot_data_value(data, NAN, 6);
	fputs("\t", data);
	plot_data_value(data, 3, 0);
	CU_ASSERT_EQUAL(plot_data_close(p, data, &err), 0);
	snprintf(path, sizeof(path), "%s/values.dat", plot_dir_path(p));
	data = fopen(path, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(data);
	length = fread(text, 1, sizeof(text) - 1, data);
	fclose(data);
	text[length] = '\0';
	CU_ASSERT_STRING_EQUAL(text, "0.700\tNaN\t3");
	plot_dir_free(p);
}

static void test_missing_gnuplot(void)
{
	char *path = strdup(getenv("PATH"));
	struct error_message err = { "" };

	CU_ASSERT_EQUAL(plot_find_gnuplot(&err), 0);
	setenv("PATH", "/nonexistent:", 1);
	CU_ASSERT_EQUAL(plot_find_gnuplot(&err), -1);
	CU_ASSERT_STRING_EQUAL(err.text, "gnuplot not found: install the Debian package gnuplot-nox "
			       "(sudo make deps)");
	CU_ASSERT_PTR_NULL(plot_dir_new(&err));
	setenv("PATH", path, 1);
	free(path);
}

static void add_tests(CU_pSuite suite)
{
	CU_ADD_TEST(suite, test_labels_are_inert);
	CU_ADD_TEST(suite, test_svg_check);
	CU_ADD_TEST(suite, test_render_and_clean_up);
	CU_ADD_TEST(suite, test_data_values);
	CU_ADD_TEST(suite, test_missing_gnuplot);
}

int main(void)
{
	return run_suite("plot", NULL, NULL, add_tests);
}
