/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* RFC 4180 CSV reader: a whole file into rows of NUL-terminated fields with
 * a header index. Quoted fields may hold commas, doubled quotes, CR and LF;
 * lines may end in "\n" or "\r\n". Every failure is a one-line message naming
 * the file and, where there is one, the line ("x.csv:7: ...").
 *
 * Sizes are bounded, so a hostile file is refused rather than exhausting
 * memory: see the CSV_READ_MAX_* limits. A quote inside an unquoted field,
 * text after a closing quote and NUL bytes are errors, not guesses. */
#ifndef TESTBED_CSVREAD_H
#define TESTBED_CSVREAD_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

#define CSV_READ_MAX_BYTES          (256u << 20) /* a file */
#define CSV_READ_MAX_FIELD_BYTES    (1u << 20)   /* one field, decoded */
#define CSV_READ_MAX_ROW_FIELDS     4096         /* fields in one row */
#define CSV_READ_MAX_FIELDS         (16u << 20)  /* fields in the file: bounds the index */

struct csv_table {
	char *name;         /* the file as named in messages (the path given) */
	size_t ncolumns;
	size_t nrows;       /* data rows, the header not counted */
	char **fields;      /* (nrows + 1) * ncolumns, the header row first */
	size_t *lines;      /* (nrows + 1): the line each row starts on, header = 1 */
	char *buffer;       /* the file's bytes, fields decoded in place */
};

/* Reads and parses PATH. 0, or -1 with ERR set ("PATH: empty file",
 * "PATH: cannot open: ..."). Free *OUT with csv_table_free(). */
int csv_table_read(const char *path, struct csv_table **out, struct error_message *err);
/* Parses LENGTH bytes of DATA (need not be NUL-terminated); NAME is used in
 * messages. Same results as csv_table_read(). */
int csv_table_parse(const char *name, const char *data, size_t length, struct csv_table **out,
		    struct error_message *err);
void csv_table_free(struct csv_table *t);

/* Index of the column named NAME, or -1. */
int csv_table_column(const struct csv_table *t, const char *name);
/* The same, but a missing column is an error: "PATH: no column 'NAME'". */
int csv_table_require(const struct csv_table *t, const char *name, struct error_message *err);
/* Field of data row ROW (0 = the first after the header); "" when COLUMN < 0. */
const char *csv_table_field(const struct csv_table *t, size_t row, int column);
/* The file line data row ROW starts on (for messages). */
size_t csv_table_line(const struct csv_table *t, size_t row);

/* The field as a number >= 0 (digits and an optional fraction, as the
 * writer prints them). An empty field or COLUMN < 0 (a column this run
 * does not have) gives NAN: undefined. Anything else is an error:
 * "PATH:LINE: COLUMN: 'abc' is not a number". */
int csv_table_double(const struct csv_table *t, size_t row, int column, double *out,
		     struct error_message *err);
/* The field as a whole count >= 0; empty or not a count is an error.
 * COLUMN < 0 gives 0 (a counter this run's version did not write). */
int csv_table_u64(const struct csv_table *t, size_t row, int column, uint64_t *out,
		  struct error_message *err);

/* Reads a whole regular file of at most MAX_BYTES into a malloc'd buffer
 * with a NUL after the last byte. 0, or -1 with ERR set. */
int read_whole_file(const char *path, size_t max_bytes, char **data, size_t *length,
		    struct error_message *err);

#endif
