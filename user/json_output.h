/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* --json: a run, a comparison or CSV files as one JSON document (json-c),
 * built from the same column tables the CSV files are written from
 * (csv_columns.h, run_files.h, compare.h), so a JSON key and its CSV column
 * are one name and one value. Numbers print as the CSV prints them; an
 * empty CSV field is null. */
#ifndef TESTBED_JSON_OUTPUT_H
#define TESTBED_JSON_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>
#include "csv_columns.h"
#include "error.h"

struct json_object;
struct run_record;
struct comparison;

/* json-c writes JSON null as a NULL pointer, so these return NULL for null
 * and set *FAILED (never clear it) when out of memory. */
/* One cell: CELL_U64/I64 integers, CELL_NUMBER a number written with
 * DECIMALS digits as in the CSV (NAN, inf: null), CELL_TEXT a string (NULL:
 * null), CELL_EMPTY null. CELL_ABSENT: the caller leaves the key out. */
struct json_object *json_cell(struct cell c, int decimals, bool *failed);
/* A CSV field's text when no column table types it: "" null, a number as
 * the writer prints them (an optional '-', digits, an optional fraction; no
 * leading zeros) a number printed with the same digits, else a string. */
struct json_object *json_field(const char *text, bool *failed);
/* ROW as an object, a key per column (CELL_ABSENT columns left out). */
struct json_object *json_columns_object(const struct csv_column *columns, size_t n, const void *row,
					bool *failed);

/* The run: {"run_dir", "meta": {meta.csv}, "summary": {summary.csv's row},
 * "workers": [workers.csv's rows]}. 0, or -1 with ERR. */
int json_print_run(FILE *out, const struct run_record *r, struct error_message *err);
/* The comparison: {"runs": [compare.csv's rows, each with its run_id, its
 * "settings" and the columns it is "best" in], "groups": [...],
 * "not_comparable": [{"groups": [G, H], "differences": "..."}]}. */
int json_print_comparison(FILE *out, const struct comparison *cmp, struct error_message *err);
/* CSV files as {"NAME": [rows], ...}, NAME each file's name less ".csv"
 * (kernels.csv, verdicts.csv: testbed kernels --json). */
int json_print_csv_files(FILE *out, const char *const *paths, size_t npaths, struct error_message *err);

#endif
