// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* libFuzzer target: the RFC 4180 reader that report and compare trust with
 * files from other machines (analysis/csvread.h). Any input must give a
 * table or a one-line message, never a crash, a leak or an out-of-bounds
 * access; a table's every field is read back through the typed accessors.
 * Build and run: make fuzz (tests/fuzz/README.md). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "csv_read.h"

/* Fields read back per input: enough for every code path, few enough that
 * a wide table does not slow the fuzzer down (the parse itself is whole). */
#define CHECK_ROWS 4
#define CHECK_COLUMNS 8

/* A message is one line that names the file. */
static void check_message(const struct error_message *err)
{
	if (!err->text[0] || strchr(err->text, '\n') || strncmp(err->text, "fuzz.csv", 8))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct error_message err = { 0 };
	struct csv_table *t = NULL;

	if (csv_table_parse("fuzz.csv", (const char *)data, size, &t, &err)) {
		check_message(&err);
		return 0;
	}
	if (!t || !t->ncolumns)
		abort();
	for (size_t row = 0; row < t->nrows && row < CHECK_ROWS; row++) {
		if (csv_table_line(t, row) < 2)
			abort(); /* data rows start after the header's line */
		for (size_t column = 0; column < t->ncolumns && column < CHECK_COLUMNS; column++) {
			const char *field = csv_table_field(t, row, (int)column);
			double number;
			uint64_t count;

			if (!field || strlen(field) > CSV_READ_MAX_FIELD_BYTES)
				abort();
			err.text[0] = '\0';
			if (csv_table_double(t, row, (int)column, &number, &err))
				check_message(&err);
			else if (number < 0 || isinf(number))
				abort(); /* numbers are >= 0 and finite, or NAN for empty */
			err.text[0] = '\0';
			if (csv_table_u64(t, row, (int)column, &count, &err))
				check_message(&err);
		}
	}
	/* every header name finds its own column (names are unique) */
	for (size_t column = 0; column < t->ncolumns && column < CHECK_COLUMNS; column++)
		if (csv_table_column(t, t->fields[column]) != (int)column)
			abort();
	/* a name not in the header (the fuzzer soon tries any fixed one) finds nothing */
	{
		static const char *const probes[] = { "no such column", "herd_factor" };

		for (size_t i = 0; i < 2; i++) {
			int expect = -1;

			for (size_t column = 0; column < t->ncolumns && expect < 0; column++)
				if (!strcmp(t->fields[column], probes[i]))
					expect = (int)column;
			if (csv_table_column(t, probes[i]) != expect)
				abort();
		}
	}
	if (csv_table_field(t, 0, -1)[0] || csv_table_field(t, t->nrows, 0)[0])
		abort(); /* out of range gives "" */
	csv_table_free(t);
	return 0;
}
