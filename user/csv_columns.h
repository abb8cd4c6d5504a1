/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* A CSV file written from a table of columns, {name, getter, format}: the
 * header and every row come from the same table, so a column's name and its
 * value cannot drift apart (analysis/run_folder.c reads them back the same
 * way). A getter turns one row object into one cell. */
#ifndef TESTBED_CSV_COLUMNS_H
#define TESTBED_CSV_COLUMNS_H

#include <stddef.h>
#include <stdint.h>
#include "csv_write.h"

enum cell_kind {
	CELL_EMPTY,             /* an empty field: undefined or unknown */
	CELL_ABSENT,            /* key/value files: leave the key out */
	CELL_U64,
	CELL_I64,
	CELL_NUMBER,            /* a double with the column's decimals; NAN -> empty */
	CELL_TEXT,
};

struct cell {
	enum cell_kind kind;
	union {
		uint64_t u64;
		int64_t i64;
		double number;
		const char *text;
	};
};

static inline struct cell cell_u64(uint64_t value)
{
	return (struct cell){ .kind = CELL_U64, .u64 = value };
}

static inline struct cell cell_i64(int64_t value)
{
	return (struct cell){ .kind = CELL_I64, .i64 = value };
}

static inline struct cell cell_number(double value)
{
	return (struct cell){ .kind = CELL_NUMBER, .number = value };
}

static inline struct cell cell_text(const char *value)
{
	return (struct cell){ .kind = CELL_TEXT, .text = value };
}

static inline struct cell cell_empty(void)
{
	return (struct cell){ .kind = CELL_EMPTY };
}

static inline struct cell cell_yes_no(int yes)
{
	return cell_text(yes ? "yes" : "no");
}

struct csv_column {
	const char *name;
	/* ROW: the file's row object; ARG: this column's own argument (a field
	 * offset, a blocking class, a statistic) so one getter serves many */
	struct cell (*get)(const void *row, size_t arg);
	size_t arg;
	int decimals;           /* CELL_NUMBER: digits after the point */
};

/* A column whose getter needs no argument; the same with a number's decimals. */
#define CSV_COLUMN(name, get) { name, get, 0, 0 }
#define CSV_NUMBER_COLUMN(name, get, decimals) { name, get, 0, decimals }

/* The header row: every column's name. */
void csv_columns_header(struct csv_file *f, const struct csv_column *columns, size_t n);
/* One row: every column's cell of ROW. */
void csv_columns_row(struct csv_file *f, const struct csv_column *columns, size_t n, const void *row);
/* A key,value file (meta.csv): the header "key,value", then one row per
 * column, its name and its cell of ROW; CELL_ABSENT leaves the row out. */
void csv_columns_key_value(struct csv_file *f, const struct csv_column *columns, size_t n, const void *row);

/* A table's rows into a CSV file one by one: csv_columns_row_each(ROW, &rows)
 * is csv_columns_row(rows.f, rows.columns, rows.n, ROW), as a callback. */
struct csv_rows {
	struct csv_file *f;
	const struct csv_column *columns;
	size_t n;
};
void csv_columns_row_each(const void *row, void *csv_rows);

/* Getters for a field of the row object at offset ARG. */
struct cell field_u64(const void *row, size_t offset);     /* uint64_t */
struct cell field_number(const void *row, size_t offset);  /* double */
struct cell field_text(const void *row, size_t offset);    /* const char * */

#endif
