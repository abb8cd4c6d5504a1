// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* --json (json_output.h): the one place JSON is built, with json-c. A run's
 * meta, summary and workers come from the run files' own column tables and
 * row walks (run_files.h), a comparison's rows from compare_cell() (the
 * cells compare.csv is written from), so no list of columns is kept here.
 * What the numbers mean is docs/CSV.md's; nothing is computed here. */
#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "csv_read.h"
#include "json_output.h"
#include "run_files.h"
#include "run_folder.h"
#include "util.h"

/* json-c's JSON null is a NULL pointer, so running out of memory is said
 * apart: every constructor here sets *FAILED when it could not build what
 * was asked, and the document is dropped at the end. */

/* An object or array, or *FAILED. */
static struct json_object *new_container(struct json_object *made, bool *failed)
{
	if (!made)
		*failed = true;
	return made;
}

/* A non-null value, or *FAILED. */
static struct json_object *value(struct json_object *made, bool *failed)
{
	if (!made)
		*failed = true;
	return made;
}

/* OBJECT[KEY] = VALUE (NULL: null), which it then owns; no OBJECT: dropped. */
static void add(struct json_object *object, const char *key, struct json_object *item, bool *failed)
{
	if (!object || json_object_object_add(object, key, item)) {
		json_object_put(item);
		*failed = true;
	}
}

static void append(struct json_object *array, struct json_object *item, bool *failed)
{
	if (!array || json_object_array_add(array, item)) {
		json_object_put(item);
		*failed = true;
	}
}

/* A number that prints as TEXT: the CSV's own digits, not a re-rounding. */
static struct json_object *number_as_written(double number, const char *text, bool *failed)
{
	return value(json_object_new_double_s(number, text), failed);
}

struct json_object *json_cell(struct cell c, int decimals, bool *failed)
{
	char text[64];

	switch (c.kind) {
	case CELL_U64:
		return value(json_object_new_uint64(c.u64), failed);
	case CELL_I64:
		return value(json_object_new_int64(c.i64), failed);
	case CELL_NUMBER:
		if (!isfinite(c.number))
			return NULL;
		snprintf(text, sizeof(text), "%.*f", decimals, c.number);
		return number_as_written(c.number, text, failed);
	case CELL_TEXT:
		return c.text ? value(json_object_new_string(c.text), failed) : NULL;
	case CELL_EMPTY:
	case CELL_ABSENT:
		break;
	}
	return NULL;
}

/* "-12", "0.25", "3": JSON's own number syntax less exponents. */
static bool is_plain_number(const char *text)
{
	const char *p = text + (*text == '-');
	size_t digits = strspn(p, "0123456789");

	if (!digits || (p[0] == '0' && digits > 1))
		return false;
	p += digits;
	if (*p == '.') {
		digits = strspn(p + 1, "0123456789");
		if (!digits)
			return false;
		p += 1 + digits;
	}
	return !*p;
}

struct json_object *json_field(const char *text, bool *failed)
{
	if (!text || !*text)
		return NULL;
	if (!is_plain_number(text))
		return value(json_object_new_string(text), failed);
	if (!strchr(text, '.') && strlen(text) < 19)
		return value(json_object_new_int64(strtoll(text, NULL, 10)), failed);
	return number_as_written(strtod(text, NULL), text, failed);
}

struct json_object *json_columns_object(const struct csv_column *columns, size_t n, const void *row,
					bool *failed)
{
	struct json_object *object = new_container(json_object_new_object(), failed);

	for (size_t i = 0; object && i < n; i++) {
		struct cell c = columns[i].get(row, columns[i].arg);

		if (c.kind != CELL_ABSENT)
			add(object, columns[i].name, json_cell(c, columns[i].decimals, failed), failed);
	}
	return object;
}

/* The whole document, then a newline; frees DOC. */
static int print_document(FILE *out, struct json_object *doc, bool failed, struct error_message *err)
{
	const char *text = NULL;
	int result = 0;

	if (!failed)
		text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!text) {
		error_message_set(err, "cannot build the JSON document: out of memory");
		result = -1;
	} else if (fprintf(out, "%s\n", text) < 0 || fflush(out)) {
		error_message_set(err, "cannot write the JSON document: %s", strerror(errno));
		result = -1;
	}
	json_object_put(doc);
	return result;
}

/* --- a run --------------------------------------------------------------- */

/* The rows of one run file, as an array, or the one row as an object. */
struct rows_json {
	const struct run_file *file;
	struct json_object *rows;       /* an array, or NULL: one row wanted */
	struct json_object *row;        /* the one row */
	bool *failed;
};

static void add_row(const void *row, void *ctx)
{
	struct rows_json *j = ctx;
	struct json_object *object = json_columns_object(j->file->columns, j->file->ncolumns, row, j->failed);

	if (j->rows) {
		append(j->rows, object, j->failed);
	} else {
		json_object_put(j->row);
		j->row = object;
	}
}

static struct json_object *run_file_json(const struct run_file *file, const struct run_record *r, bool one_row,
					 bool *failed)
{
	struct rows_json j = { .file = file, .failed = failed };

	if (!one_row)
		j.rows = new_container(json_object_new_array(), failed);
	if (one_row || j.rows)
		file->for_each_row(r, add_row, &j);
	return one_row ? j.row : j.rows;
}

int json_print_run(FILE *out, const struct run_record *r, struct error_message *err)
{
	bool failed = false;
	struct json_object *doc = new_container(json_object_new_object(), &failed);

	add(doc, "run_dir", value(json_object_new_string(r->dir), &failed), &failed);
	add(doc, "meta", run_file_json(&meta_csv, r, true, &failed), &failed);
	add(doc, "summary", run_file_json(&summary_csv, r, true, &failed), &failed);
	add(doc, "workers", run_file_json(&workers_csv, r, false, &failed), &failed);
	return print_document(out, doc, failed, err);
}

/* --- a comparison -------------------------------------------------------- */

static struct json_object *comparison_row(const struct comparison *cmp, size_t run, bool *failed)
{
	const struct run_folder *folder = cmp->runs[run];
	struct json_object *row = new_container(json_object_new_object(), failed);
	struct json_object *settings = new_container(json_object_new_object(), failed);
	struct json_object *best = new_container(json_object_new_array(), failed);

	for (size_t c = 0; c < compare_column_count(); c++) {
		struct compare_cell cell = compare_cell(cmp, run, c);

		add(row, cell.name, cell.text ? value(json_object_new_string(cell.text), failed) :
			 json_cell(cell_number(cell.number), cell.decimals, failed), failed);
		if (cell.best)
			append(best, value(json_object_new_string(cell.name), failed), failed);
	}
	for (size_t s = 0; s < SETTING_COUNT; s++)
		add(settings, run_setting_names[s], json_field(folder->settings[s], failed), failed);
	add(row, "run_id", json_field(folder->run_id, failed), failed);
	add(row, "settings", settings, failed);
	add(row, "best", best, failed);
	return row;
}

static struct json_object *comparison_groups(const struct comparison *cmp, bool *failed)
{
	struct json_object *groups = new_container(json_object_new_array(), failed);

	for (size_t g = 1; g <= cmp->ngroups; g++) {
		struct json_object *group = new_container(json_object_new_object(), failed);
		struct json_object *runs = new_container(json_object_new_array(), failed);

		for (size_t i = 0; i < cmp->nruns; i++)
			if (cmp->group[i] == g)
				append(runs, value(json_object_new_string(cmp->labels[i]), failed), failed);
		add(group, "group", value(json_object_new_uint64(g), failed), failed);
		add(group, "runs", runs, failed);
		append(groups, group, failed);
	}
	return groups;
}

/* A pair of groups per entry: {"groups": [H, G], "differences": "workers 4 vs 2"}. */
static struct json_object *comparison_differences(const struct comparison *cmp, bool *failed)
{
	struct json_object *pairs = new_container(json_object_new_array(), failed);
	char differences[1024];

	for (size_t g = 2; g <= cmp->ngroups; g++) {
		for (size_t h = 1; h < g; h++) {
			struct json_object *pair = new_container(json_object_new_object(), failed);
			struct json_object *which = new_container(json_object_new_array(), failed);

			compare_group_differences(cmp, h, g, differences, sizeof(differences));
			append(which, value(json_object_new_uint64(h), failed), failed);
			append(which, value(json_object_new_uint64(g), failed), failed);
			add(pair, "groups", which, failed);
			add(pair, "differences", value(json_object_new_string(differences), failed), failed);
			append(pairs, pair, failed);
		}
	}
	return pairs;
}

int json_print_comparison(FILE *out, const struct comparison *cmp, struct error_message *err)
{
	bool failed = false;
	struct json_object *doc = new_container(json_object_new_object(), &failed);
	struct json_object *runs = new_container(json_object_new_array(), &failed);

	for (size_t i = 0; i < cmp->nruns; i++)
		append(runs, comparison_row(cmp, i, &failed), &failed);
	add(doc, "runs", runs, &failed);
	add(doc, "groups", comparison_groups(cmp, &failed), &failed);
	add(doc, "not_comparable", comparison_differences(cmp, &failed), &failed);
	return print_document(out, doc, failed, err);
}

/* --- CSV files ----------------------------------------------------------- */

static struct json_object *csv_table_json(const struct csv_table *t, bool *failed)
{
	struct json_object *rows = new_container(json_object_new_array(), failed);

	for (size_t r = 0; r < t->nrows; r++) {
		struct json_object *row = new_container(json_object_new_object(), failed);

		/* the header is fields[0 .. ncolumns) */
		for (size_t c = 0; c < t->ncolumns; c++)
			add(row, t->fields[c], json_field(csv_table_field(t, r, (int)c), failed), failed);
		append(rows, row, failed);
	}
	return rows;
}

int json_print_csv_files(FILE *out, const char *const *paths, size_t npaths, struct error_message *err)
{
	bool failed = false;
	struct json_object *doc = new_container(json_object_new_object(), &failed);

	for (size_t i = 0; i < npaths; i++) {
		const char *slash = strrchr(paths[i], '/'), *name = slash ? slash + 1 : paths[i];
		size_t length = strlen(name);
		struct csv_table *t = NULL;
		char key[256];

		if (length > 4 && !strcmp(name + length - 4, ".csv"))
			length -= 4;
		snprintf(key, sizeof(key), "%.*s", (int)length, name);
		if (csv_table_read(paths[i], &t, err)) {
			json_object_put(doc);
			return -1;
		}
		add(doc, key, csv_table_json(t, &failed), &failed);
		csv_table_free(t);
	}
	return print_document(out, doc, failed, err);
}
