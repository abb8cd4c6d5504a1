// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Text tables and documents (headings, paragraphs, tables, SVG figures) kept
 * as blocks and rendered to Markdown and to self-contained HTML, each with
 * its own escaping; and the "n/a" number and stdio string helpers the report
 * and compare build their text with. It knows nothing of run folders,
 * metrics or gnuplot: report.c and compare.c decide what a document says,
 * this file only how it is written. See document.h. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "document.h"
#include "util.h"

struct cell {
	char *text;
	bool marked;            /* bold: "the best" */
};

struct text_table {
	size_t ncolumns;
	size_t ncells, capacity;
	struct cell *cells;     /* the header row first */
	bool failed;            /* an allocation failed: writing reports it */
};

enum block_kind { BLOCK_HEADING, BLOCK_PARAGRAPH, BLOCK_TABLE, BLOCK_FIGURE };

struct block {
	enum block_kind kind;
	char *text;             /* heading, paragraph, figure alt text */
	char *file;             /* figure */
	char *svg;
	size_t svg_length;
	struct text_table *table;
};

struct document {
	char *title;
	struct block *blocks;
	size_t nblocks, capacity;
	bool failed;
};

struct number_text number_text(double value, int decimals)
{
	struct number_text n;

	if (isnan(value))
		snprintf(n.text, sizeof(n.text), "n/a");
	else
		snprintf(n.text, sizeof(n.text), "%.*f", decimals, value);
	return n;
}

FILE *text_buffer_open(struct text_buffer *b)
{
	b->text = NULL;
	b->stream = open_memstream(&b->text, &b->length);
	return b->stream;
}

char *text_buffer_close(struct text_buffer *b)
{
	if (fclose(b->stream)) {
		free(b->text);
		return NULL;
	}
	return b->text;
}

static char *vformat(const char *fmt, va_list ap)
{
	char *text;

	return vasprintf(&text, fmt, ap) < 0 ? NULL : text;
}

static void add_cell(struct text_table *t, char *text)
{
	if (!text || grow_array(&t->cells, &t->capacity, t->ncells + 1, sizeof(*t->cells))) {
		free(text);
		t->failed = true;
		return;
	}
	t->cells[t->ncells++] = (struct cell){ .text = text };
}

struct text_table *text_table_new(const char *const *headers, size_t ncolumns)
{
	struct text_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->ncolumns = ncolumns ? ncolumns : 1;
	for (size_t i = 0; i < ncolumns; i++)
		add_cell(t, strdup(headers[i]));
	return t;
}

void text_table_add(struct text_table *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_cell(t, vformat(fmt, ap));
	va_end(ap);
}

static size_t cell_index(const struct text_table *t, size_t row, size_t column)
{
	return (row + 1) * t->ncolumns + column;
}

void text_table_mark(struct text_table *t, size_t row, size_t column)
{
	if (column < t->ncolumns && cell_index(t, row, column) < t->ncells)
		t->cells[cell_index(t, row, column)].marked = true;
}

size_t text_table_rows(const struct text_table *t)
{
	return (t->ncells + t->ncolumns - 1) / t->ncolumns - 1;
}

const char *text_table_cell(const struct text_table *t, size_t row, size_t column)
{
	size_t i = cell_index(t, row, column);

	return column < t->ncolumns && i < t->ncells ? t->cells[i].text : "";
}

bool text_table_marked(const struct text_table *t, size_t row, size_t column)
{
	size_t i = cell_index(t, row, column);

	return column < t->ncolumns && i < t->ncells && t->cells[i].marked;
}

void text_table_free(struct text_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->ncells; i++)
		free(t->cells[i].text);
	free(t->cells);
	free(t);
}

/* Markdown: a backslash before every character that could start markup;
 * line breaks would end a table row or paragraph, so they become blanks. */
static void write_markdown_text(FILE *out, const char *text)
{
	for (const char *p = text; *p; p++) {
		if (*p == '\n' || *p == '\r')
			putc(' ', out);
		else if (strchr("\\`*_[]<>|#", *p))
			fprintf(out, "\\%c", *p);
		else
			putc(*p, out);
	}
}

static void write_html_text(FILE *out, const char *text)
{
	for (const char *p = text; *p; p++) {
		switch (*p) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default: putc(*p, out);
		}
	}
}

/* Cells that look numeric are right-aligned, as numbers read best. */
static bool numeric_column(const struct text_table *t, size_t column)
{
	size_t rows = text_table_rows(t), numbers = 0;

	for (size_t r = 0; r < rows; r++) {
		const char *cell = text_table_cell(t, r, column);

		if (*cell && strspn(cell, "0123456789.-+% ") == strlen(cell))
			numbers++;
		else if (*cell && strcmp(cell, "n/a"))
			return false;
	}
	return numbers > 0;
}

/* Columns display width: UTF-8 continuation bytes take no room. */
static size_t display_width(const char *text)
{
	size_t width = 0;

	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		width += (*p & 0xc0) != 0x80;
	return width;
}

/* A cell as it appears in Markdown: escaped, bold when marked. NULL when out
 * of memory. */
static char *markdown_cell(const char *text, bool bold)
{
	struct text_buffer rendered;
	FILE *out = text_buffer_open(&rendered);

	if (!out)
		return NULL;
	fputs(bold ? "**" : "", out);
	write_markdown_text(out, text);
	fputs(bold ? "**" : "", out);
	return text_buffer_close(&rendered);
}

/* Padded to line up in a terminal too: compare prints this on stdout. */
int text_table_write_markdown(const struct text_table *t, FILE *out)
{
	size_t rows = text_table_rows(t), ncells = (rows + 1) * t->ncolumns;
	char **rendered = calloc(ncells, sizeof(*rendered));
	size_t *widths = calloc(t->ncolumns, sizeof(*widths));
	bool *numeric = calloc(t->ncolumns, sizeof(*numeric));
	int result = -1;

	if (t->failed || !rendered || !widths || !numeric)
		goto out;
	for (size_t i = 0; i < ncells; i++) {
		size_t row = i / t->ncolumns, column = i % t->ncolumns;
		const char *cell = row ? text_table_cell(t, row - 1, column) : t->cells[column].text;

		rendered[i] = markdown_cell(cell, row && text_table_marked(t, row - 1, column));
		if (!rendered[i])
			goto out;
		if (display_width(rendered[i]) > widths[column])
			widths[column] = display_width(rendered[i]);
	}
	for (size_t c = 0; c < t->ncolumns; c++) {
		numeric[c] = numeric_column(t, c);
		if (widths[c] < 3)
			widths[c] = 3;  /* room for the "---" of the separator row */
	}
	for (size_t row = 0; row <= rows; row++) {
		for (size_t c = 0; c < t->ncolumns; c++) {
			const char *cell = rendered[row * t->ncolumns + c];
			int pad = (int)(widths[c] - display_width(cell));

			if (numeric[c] && row)
				fprintf(out, "| %*s%s ", pad, "", cell);
			else
				fprintf(out, "| %s%*s ", cell, pad, "");
		}
		fputs("|\n", out);
		if (row == 0) {
			for (size_t c = 0; c < t->ncolumns; c++) {
				fputs("| ", out);
				for (size_t k = 1; k < widths[c]; k++)
					putc('-', out);
				fputs(numeric[c] ? ": " : "- ", out);
			}
			fputs("|\n", out);
		}
	}
	result = ferror(out) ? -1 : 0;
out:
	for (size_t i = 0; rendered && i < ncells; i++)
		free(rendered[i]);
	free(rendered);
	free(widths);
	free(numeric);
	return result;
}

int text_table_write_html(const struct text_table *t, FILE *out)
{
	size_t rows = text_table_rows(t);

	if (t->failed)
		return -1;
	fputs("<table>\n<thead><tr>", out);
	for (size_t c = 0; c < t->ncolumns; c++) {
		fputs("<th>", out);
		write_html_text(out, t->cells[c].text);
		fputs("</th>", out);
	}
	fputs("</tr></thead>\n<tbody>\n", out);
	for (size_t r = 0; r < rows; r++) {
		fputs("<tr>", out);
		for (size_t c = 0; c < t->ncolumns; c++) {
			bool bold = text_table_marked(t, r, c);

			fputs(numeric_column(t, c) ? "<td class=\"number\">" : "<td>", out);
			fputs(bold ? "<strong>" : "", out);
			write_html_text(out, text_table_cell(t, r, c));
			fputs(bold ? "</strong></td>" : "</td>", out);
		}
		fputs("</tr>\n", out);
	}
	fputs("</tbody>\n</table>\n", out);
	return ferror(out) ? -1 : 0;
}

struct document *document_new(const char *title)
{
	struct document *d = calloc(1, sizeof(*d));

	if (d && !(d->title = strdup(title))) {
		free(d);
		return NULL;
	}
	return d;
}

static struct block *add_block(struct document *d, enum block_kind kind)
{
	if (grow_array(&d->blocks, &d->capacity, d->nblocks + 1, sizeof(*d->blocks))) {
		d->failed = true;
		return NULL;
	}
	memset(&d->blocks[d->nblocks], 0, sizeof(d->blocks[0]));
	d->blocks[d->nblocks].kind = kind;
	return &d->blocks[d->nblocks++];
}

static void add_text_block(struct document *d, enum block_kind kind, const char *fmt, va_list ap)
{
	char *text = vformat(fmt, ap);
	struct block *b = text ? add_block(d, kind) : NULL;

	if (!b) {
		free(text);
		d->failed = true;
		return;
	}
	b->text = text;
}

void document_heading(struct document *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_text_block(d, BLOCK_HEADING, fmt, ap);
	va_end(ap);
}

void document_paragraph(struct document *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_text_block(d, BLOCK_PARAGRAPH, fmt, ap);
	va_end(ap);
}

void document_table(struct document *d, struct text_table *t)
{
	struct block *b = t ? add_block(d, BLOCK_TABLE) : NULL;

	if (!b) {
		text_table_free(t);
		d->failed = true;
		return;
	}
	b->table = t;
}

void document_figure(struct document *d, const char *file, const char *svg, size_t svg_length,
		     const char *alt_text)
{
	struct block *b = add_block(d, BLOCK_FIGURE);

	if (!b)
		return;
	b->file = strdup(file);
	b->text = strdup(alt_text);
	b->svg = malloc(svg_length ? svg_length : 1);
	b->svg_length = svg_length;
	if (!b->file || !b->text || !b->svg) {
		d->failed = true;
		return;
	}
	memcpy(b->svg, svg, svg_length);
}

int document_write_markdown(const struct document *d, FILE *out)
{
	if (d->failed)
		return -1;
	fputs("# ", out);
	write_markdown_text(out, d->title);
	fputs("\n", out);
	for (size_t i = 0; i < d->nblocks; i++) {
		const struct block *b = &d->blocks[i];

		fputs("\n", out);
		switch (b->kind) {
		case BLOCK_HEADING:
			fputs("## ", out);
			write_markdown_text(out, b->text);
			fputs("\n", out);
			break;
		case BLOCK_PARAGRAPH:
			write_markdown_text(out, b->text);
			fputs("\n", out);
			break;
		case BLOCK_TABLE:
			if (text_table_write_markdown(b->table, out))
				return -1;
			break;
		case BLOCK_FIGURE:
			fputs("![", out);
			write_markdown_text(out, b->text);
			/* the file name is ours: letters, digits, '-', '_', '.' */
			fprintf(out, "](%s)\n", b->file);
			break;
		}
	}
	return ferror(out) ? -1 : 0;
}

static void write_base64(FILE *out, const unsigned char *data, size_t length)
{
	static const char digits[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < length; i += 3) {
		uint32_t group = (uint32_t)data[i] << 16;

		if (i + 1 < length)
			group |= (uint32_t)data[i + 1] << 8;
		if (i + 2 < length)
			group |= data[i + 2];
		putc(digits[(group >> 18) & 63], out);
		putc(digits[(group >> 12) & 63], out);
		putc(i + 1 < length ? digits[(group >> 6) & 63] : '=', out);
		putc(i + 2 < length ? digits[group & 63] : '=', out);
	}
}

/* Inline CSS only: the page must render the same offline, from any folder. */
static const char html_style[] =
	"body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}"
	"table{border-collapse:collapse;margin:1em 0}"
	"th,td{border:1px solid #bbb;padding:.25em .6em;text-align:left}"
	"td.number{text-align:right;font-variant-numeric:tabular-nums}"
	"th{background:#eee}figure{margin:1em 0}img{max-width:100%;height:auto}";

int document_write_html(const struct document *d, FILE *out)
{
	if (d->failed)
		return -1;
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>", out);
	write_html_text(out, d->title);
	fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", html_style);
	write_html_text(out, d->title);
	fputs("</h1>\n", out);
	for (size_t i = 0; i < d->nblocks; i++) {
		const struct block *b = &d->blocks[i];

		switch (b->kind) {
		case BLOCK_HEADING:
			fputs("<h2>", out);
			write_html_text(out, b->text);
			fputs("</h2>\n", out);
			break;
		case BLOCK_PARAGRAPH:
			fputs("<p>", out);
			write_html_text(out, b->text);
			fputs("</p>\n", out);
			break;
		case BLOCK_TABLE:
			if (text_table_write_html(b->table, out))
				return -1;
			break;
		case BLOCK_FIGURE:
			fputs("<figure><img alt=\"", out);
			write_html_text(out, b->text);
			fputs("\" src=\"data:image/svg+xml;base64,", out);
			write_base64(out, (const unsigned char *)b->svg, b->svg_length);
			fputs("\"></figure>\n", out);
			break;
		}
	}
	fputs("</body>\n</html>\n", out);
	return ferror(out) ? -1 : 0;
}

void document_free(struct document *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nblocks; i++) {
		free(d->blocks[i].text);
		free(d->blocks[i].file);
		free(d->blocks[i].svg);
		text_table_free(d->blocks[i].table);
	}
	free(d->blocks);
	free(d->title);
	free(d);
}
