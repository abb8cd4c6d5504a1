// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for analysis/document.c: tables and documents rendered as
 * Markdown and HTML, with text from CSV files escaped in both. */
#include <stdlib.h>
#include <string.h>

#include "document.h"
#include "unit.h"

/* Everything a render wrote, malloc'd. */
struct rendered {
	char *text;
	size_t length;
	FILE *stream;
};

static FILE *render_start(struct rendered *r)
{
	r->text = NULL;
	r->stream = open_memstream(&r->text, &r->length);
	return r->stream;
}

static char *render_end(struct rendered *r)
{
	fclose(r->stream);
	return r->text;
}

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

static void test_table_markdown(void)
{
	struct text_table *t = sample_table();
	struct rendered r;
	char *text;

	CU_ASSERT_EQUAL(text_table_write_markdown(t, render_start(&r)), 0);
	text = render_end(&r);
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
	struct rendered r;
	char *text;

	CU_ASSERT_EQUAL(text_table_write_html(t, render_start(&r)), 0);
	text = render_end(&r);
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
	struct rendered r;
	char *text;

	document_heading(d, "Figure %d", 1);
	document_figure(d, "report-x.svg", svg, strlen(svg), "alt \"text\"");
	document_paragraph(d, "kernel %s, 2*3", "6.1_x");
	document_table(d, sample_table());

	CU_ASSERT_EQUAL(document_write_markdown(d, render_start(&r)), 0);
	text = render_end(&r);
	CU_ASSERT(!strncmp(text, "# report: \\<x\\> & y\n\n## Figure 1\n\n![alt \"text\"](report-x.svg)\n"
			   "\nkernel 6.1\\_x, 2\\*3\n\n| run", 85));
	free(text);

	CU_ASSERT_EQUAL(document_write_html(d, render_start(&r)), 0);
	text = render_end(&r);
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
		struct rendered r;
		char *text, expected[64];

		document_figure(d, "f.svg", cases[i].svg, strlen(cases[i].svg), "f");
		CU_ASSERT_EQUAL(document_write_html(d, render_start(&r)), 0);
		text = render_end(&r);
		snprintf(expected, sizeof(expected), "base64,%s\"", cases[i].base64);
		CU_ASSERT_PTR_NOT_NULL(strstr(text, expected));
		free(text);
		document_free(d);
	}
}

static void add_tests(CU_pSuite suite)
{
	CU_ADD_TEST(suite, test_table_cells_and_marks);
	CU_ADD_TEST(suite, test_table_markdown);
	CU_ADD_TEST(suite, test_table_html);
	CU_ADD_TEST(suite, test_document_both_formats);
	CU_ADD_TEST(suite, test_base64_padding);
}

int main(void)
{
	return run_suite("document", NULL, NULL, add_tests);
}
