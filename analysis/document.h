/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* A report as a list of blocks (headings, paragraphs, tables, figures) that
 * renders to Markdown and to self-contained HTML, so report.md and
 * report.html say the same thing, and the one table helper compare prints
 * with. All text is plain: it is escaped for each format here, so a scenario
 * or kernel name from a CSV file cannot inject markup. */
#ifndef TESTBED_DOCUMENT_H
#define TESTBED_DOCUMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

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
