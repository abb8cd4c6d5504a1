// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for analysis/document.c: tables and documents rendered as
 * Markdown and HTML, with text from CSV files escaped in both; numbers as
 * shown. (The tests render through text_buffer, so it is tested too.) */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "document.h"
#include "unit.h"

static struct text_table *sample_table(void)
{
	static const char *const head[] = { "run", "Jain" };
	struct text_table *t = text_table_new(head, 2);

	text_table_add(t, "a|b_c");
	text_table_add(t, "%.4f", 0.5);
	text_table_add(t, "<script>");
	text_table_add(t, "n/a");
	text_table_add(t, "long*name");
	text_table_add(t, "%.4f", 1.0);
	text_table_mark(t, 2, 1);
	return t;
}

static void test_table_cells_and_marks(void)
{
	struct text_table *t = sample_table();

	CU_ASSERT_EQUAL(text_table_rows(t), 3);
	CU_ASSERT_STRING_EQUAL(text_table_cell(t, 0, 1), "0.5000");
	CU_ASSERT_STRING_EQUAL(text_table_cell(t, 2, 0), "long*name");
	CU_ASSERT_STRING_EQUAL(text_table_cell(t, 3, 0), "");       /* past the end */
	CU_ASSERT_STRING_EQUAL(text_table_cell(t, 0, 2), "");       /* no such column */
	CU_ASSERT(text_table_marked(t, 2, 1));
	CU_ASSERT(!text_table_marked(t, 0, 1));
	text_table_mark(t, 9, 9);                                    /* ignored */
	text_table_free(t);
}

/* Cells past any first allocation keep their text and marks. */
static void test_table_grows(void)
{
	static const char *const head[] = { "row", "square" };
	struct text_table *t = text_table_new(head, 2);

	for (int i = 0; i < 1000; i++) {
		text_table_add(t, "%d", i);
		text_table_add(t, "%d", i * i);
	}
	text_table_mark(t, 999, 1);
	CU_ASSERT_EQUAL(text_table_rows(t), 1000);
	CU_ASSERT_STRING_EQUAL(text_table_cell(t, 0, 0), "0");
	CU_ASSERT_STRING_EQUAL(text_table_cell(t, 500, 1), "250000");
	CU_ASSERT_STRING_EQUAL(text_table_cell(t, 999, 1), "998001");
	CU_ASSERT(text_table_marked(t, 999, 1));
	CU_ASSERT(!text_table_marked(t, 999, 0));
	CU_ASSERT(!text_table_marked(t, 998, 1));
	text_table_free(t);
}

static void test_table_markdown(void)
{
	struct text_table *t = sample_table();
	struct text_buffer r;
	char *text;

	CU_ASSERT_EQUAL(text_table_write_markdown(t, text_buffer_open(&r)), 0);
	text = text_buffer_close(&r);
	/* padded columns, numbers right-aligned, markup characters escaped */
	CU_ASSERT_STRING_EQUAL(text,
			       "| run        | Jain       |\n"
			       "| ---------- | ---------: |\n"
			       "| a\\|b\\_c    |     0.5000 |\n"
			       "| \\<script\\> |        n/a |\n"
			       "| long\\*name | **1.0000** |\n");
	free(text);
	text_table_free(t);
}

static void test_table_html(void)
{
	struct text_table *t = sample_table();
	struct text_buffer r;
	char *text;

	CU_ASSERT_EQUAL(text_table_write_html(t, text_buffer_open(&r)), 0);
	text = text_buffer_close(&r);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "<th>run</th><th>Jain</th>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "<td>&lt;script&gt;</td>"));
	CU_ASSERT_PTR_NULL(strstr(text, "<script>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "<td class=\"number\"><strong>1.0000</strong></td>"));
	free(text);
	text_table_free(t);
}

static void test_document_both_formats(void)
{
	struct document *d = document_new("report: <x> & y");
	static const char svg[] = "<svg>ab</svg>";
	struct text_buffer r;
	char *text;

	document_heading(d, "Figure %d", 1);
	document_figure(d, "report-x.svg", svg, strlen(svg), "alt \"text\"");
	document_paragraph(d, "kernel %s, 2*3", "6.1_x");
	document_table(d, sample_table());

	CU_ASSERT_EQUAL(document_write_markdown(d, text_buffer_open(&r)), 0);
	text = text_buffer_close(&r);
	CU_ASSERT(!strncmp(text, "# report: \\<x\\> & y\n\n## Figure 1\n\n![alt \"text\"](report-x.svg)\n"
			   "\nkernel 6.1\\_x, 2\\*3\n\n| run", 85));
	free(text);

	CU_ASSERT_EQUAL(document_write_html(d, text_buffer_open(&r)), 0);
	text = text_buffer_close(&r);
	CU_ASSERT(!strncmp(text, "<!DOCTYPE html>", 15));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "<title>report: &lt;x&gt; &amp; y</title>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "<h2>Figure 1</h2>"));
	/* base64 of "<svg>ab</svg>" */
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "alt=\"alt &quot;text&quot;\" "
				      "src=\"data:image/svg+xml;base64,PHN2Zz5hYjwvc3ZnPg==\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "<p>kernel 6.1_x, 2*3</p>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "</body>\n</html>\n"));
	/* self-contained: nothing fetched from elsewhere */
	CU_ASSERT_PTR_NULL(strstr(text, "http"));
	CU_ASSERT_PTR_NULL(strstr(text, "<link"));
	CU_ASSERT_PTR_NULL(strstr(text, "<script"));
	free(text);
	document_free(d);
}

static void test_base64_padding(void)
{
	static const struct { const char *svg, *base64; } cases[] = {
		{ "a", "YQ==" }, { "ab", "YWI=" }, { "abc", "YWJj" }, { "abcd", "YWJjZA==" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct document *d = document_new("t");
		struct text_buffer r;
		char *text, expected[64];

		document_figure(d, "f.svg", cases[i].svg, strlen(cases[i].svg), "f");
		CU_ASSERT_EQUAL(document_write_html(d, text_buffer_open(&r)), 0);
		text = text_buffer_close(&r);
		snprintf(expected, sizeof(expected), "base64,%s\"", cases[i].base64);
		CU_ASSERT_PTR_NOT_NULL(strstr(text, expected));
		free(text);
		document_free(d);
	}
}

static void test_number_text(void)
{
	CU_ASSERT_STRING_EQUAL(number_text(0.70041, 4).text, "0.7004");
	CU_ASSERT_STRING_EQUAL(number_text(19912.06, 1).text, "19912.1");
	CU_ASSERT_STRING_EQUAL(number_text(4, 0).text, "4");
	CU_ASSERT_STRING_EQUAL(number_text(NAN, 3).text, "n/a");
	CU_ASSERT_STRING_EQUAL(number_text(-NAN, 0).text, "n/a");
}

static void add_tests(CU_pSuite suite)
{
	CU_ADD_TEST(suite, test_table_cells_and_marks);
	CU_ADD_TEST(suite, test_table_grows);
	CU_ADD_TEST(suite, test_table_markdown);
	CU_ADD_TEST(suite, test_table_html);
	CU_ADD_TEST(suite, test_document_both_formats);
	CU_ADD_TEST(suite, test_base64_padding);
	CU_ADD_TEST(suite, test_number_text);
}

int main(void)
{
	return run_suite("document", NULL, NULL, add_tests);
}
