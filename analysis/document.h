/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* A report as a list of blocks (headings, paragraphs, tables, figures) that
 * renders to Markdown and to self-contained HTML, so report.md and
 * report.html say the same thing, and the one table helper compare prints
 * with; also the small text helpers both build their text with (a number as
 * shown, a string built with stdio). All text is plain: it is escaped for
 * each format here, so a scenario or kernel name from a CSV file cannot
 * inject markup. */
#ifndef TESTBED_DOCUMENT_H
#define TESTBED_DOCUMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A number as tables and sentences show it: DECIMALS places, "n/a" for NAN
 * (undefined). Used within one expression: number_text(x, 3).text. */
struct number_text {
	char text[48];
};

struct number_text number_text(double value, int decimals);

/* Text built with stdio: a gnuplot script, a sentence, a rendered cell. */
struct text_buffer {
	char *text;
	size_t length;
	FILE *stream;           /* write here between open and close */
};

/* B->stream, or NULL when out of memory. */
FILE *text_buffer_open(struct text_buffer *b);
/* Closes the stream: the text (malloc'd, NUL-terminated), or NULL when out
 * of memory. */
char *text_buffer_close(struct text_buffer *b);

/* A table of text cells; some cells may be marked (bold: "the best"). */
struct text_table;

struct text_table *text_table_new(const char *const *headers, size_t ncolumns);
/* Appends the next cell, row by row: printf-style. */
void text_table_add(struct text_table *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void text_table_mark(struct text_table *t, size_t row, size_t column);
size_t text_table_rows(const struct text_table *t);
/* "" for a cell not (yet) added. */
const char *text_table_cell(const struct text_table *t, size_t row, size_t column);
bool text_table_marked(const struct text_table *t, size_t row, size_t column);
/* 0, or -1 if an allocation failed while the table was built or written. */
int text_table_write_markdown(const struct text_table *t, FILE *out);
int text_table_write_html(const struct text_table *t, FILE *out);
void text_table_free(struct text_table *t);

struct document;

struct document *document_new(const char *title);
void document_heading(struct document *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void document_paragraph(struct document *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Takes T over. */
void document_table(struct document *d, struct text_table *t);
/* An SVG figure: Markdown links FILE (written next to report.md by the
 * caller), HTML embeds SVG itself as a data: URI -- inline <svg> elements
 * would share one id namespace, and gnuplot names every clip path the same. */
void document_figure(struct document *d, const char *file, const char *svg, size_t svg_length,
		     const char *alt_text);
/* 0, or -1 on an earlier allocation failure or a write error. */
int document_write_markdown(const struct document *d, FILE *out);
int document_write_html(const struct document *d, FILE *out);
void document_free(struct document *d);

#endif
