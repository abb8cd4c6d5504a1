// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Writes CSV headers and rows from column tables (csv_columns.h). Knows
 * nothing of runs: which columns a run file has is run_files.c's. */
#include <string.h>
#include "csv_columns.h"

static void write_cell(struct csv_file *f, struct cell c, int decimals)
{
	switch (c.kind) {
	case CELL_U64:
		csv_u64(f, c.u64);
		break;
	case CELL_I64:
		csv_i64(f, c.i64);
		break;
	case CELL_NUMBER:
		csv_double(f, c.number, decimals);
		break;
	case CELL_TEXT:
		csv_str(f, c.text);
		break;
	case CELL_EMPTY:
	case CELL_ABSENT: /* in a row of columns a field cannot be left out */
		csv_str(f, "");
		break;
	}
}

void csv_columns_header(struct csv_file *f, const struct csv_column *columns, size_t n)
{
	for (size_t i = 0; i < n; i++)
		csv_str(f, columns[i].name);
	csv_end_row(f);
}

void csv_columns_row(struct csv_file *f, const struct csv_column *columns, size_t n, const void *row)
{
	for (size_t i = 0; i < n; i++)
		write_cell(f, columns[i].get(row, columns[i].arg), columns[i].decimals);
	csv_end_row(f);
}

void csv_columns_row_each(const void *row, void *csv_rows)
{
	const struct csv_rows *rows = csv_rows;

	csv_columns_row(rows->f, rows->columns, rows->n, row);
}

void csv_columns_key_value(struct csv_file *f, const struct csv_column *columns, size_t n, const void *row)
{
	csv_str(f, "key");
	csv_str(f, "value");
	csv_end_row(f);
	for (size_t i = 0; i < n; i++) {
		struct cell c = columns[i].get(row, columns[i].arg);

		if (c.kind == CELL_ABSENT)
			continue;
		csv_str(f, columns[i].name);
		write_cell(f, c, columns[i].decimals);
		csv_end_row(f);
	}
}

struct cell field_u64(const void *row, size_t offset)
{
	uint64_t value;

	memcpy(&value, (const char *)row + offset, sizeof(value));
	return cell_u64(value);
}

struct cell field_number(const void *row, size_t offset)
{
	double value;

	memcpy(&value, (const char *)row + offset, sizeof(value));
	return cell_number(value);
}

struct cell field_text(const void *row, size_t offset)
{
	const char *value;

	memcpy(&value, (const char *)row + offset, sizeof(value));
	return cell_text(value);
}
