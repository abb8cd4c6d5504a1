// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for user/json_output.c: cells and rows of a column table as
 * JSON (numbers printed as the CSV prints them, empty as null, absent keys
 * left out), CSV fields typed by their text, CSV files and a comparison of
 * the fixture runs as documents that parse back. */
#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "document.h"
#include "fixtures.h"
#include "json_output.h"
#include "run_folder.h"
#include "unit.h"

static char scratch[PATH_MAX];

static int create_scratch(void)
{
	return make_scratch_dir("json_output_test", scratch);
}

static int remove_scratch(void)
{
	remove_tree(scratch);
	return 0;
}

struct sample_row {
	uint64_t count;
	double ratio, undefined;
	const char *name, *missing;
};

static struct cell sample_delta(const void *row, size_t arg)
{
	return cell_i64(-3);
}

static struct cell sample_absent(const void *row, size_t arg)
{
	return (struct cell){ .kind = CELL_ABSENT };
}

static struct cell sample_empty(const void *row, size_t arg)
{
	return cell_empty();
}

static const struct csv_column sample_columns[] = {
	{ "count", field_u64, offsetof(struct sample_row, count), 0 },
	{ "ratio", field_number, offsetof(struct sample_row, ratio), 3 },
	{ "undefined", field_number, offsetof(struct sample_row, undefined), 6 },
	{ "name", field_text, offsetof(struct sample_row, name), 0 },
	{ "missing", field_text, offsetof(struct sample_row, missing), 0 },
	CSV_COLUMN("delta", sample_delta),
	CSV_COLUMN("absent", sample_absent),
	CSV_COLUMN("empty", sample_empty),
};

/* OBJECT as compact text, then freed. */
static char *plain(struct json_object *object)
{
	char *text = strdup(json_object_to_json_string_ext(object, JSON_C_TO_STRING_PLAIN));

	json_object_put(object);
	return text;
}

static void test_row_object(void)
{
	struct sample_row row = { 18446744073709551615ull, 0.25, NAN, "a \"quoted\", name", NULL };
	bool failed = false;
	char *text = plain(json_columns_object(sample_columns, ARRAY_SIZE(sample_columns), &row, &failed));

	CU_ASSERT(!failed);
	CU_ASSERT_STRING_EQUAL(text, "{\"count\":18446744073709551615,\"ratio\":0.250,\"undefined\":null,"
			       "\"name\":\"a \\\"quoted\\\", name\",\"missing\":null,\"delta\":-3,\"empty\":null}");
	free(text);
}

static void test_fields(void)
{
	bool failed = false;
	struct { const char *field, *json; } cases[] = {
		{ "12", "12" }, { "-2", "-2" }, { "0.500", "0.500" }, { "19912.1", "19912.1" },
		{ "0", "0" }, { "007", "\"007\"" }, { "6.1.0-13-amd64", "\"6.1.0-13-amd64\"" },
		{ "1e5", "\"1e5\"" }, { "5.", "\"5.\"" }, { "-", "\"-\"" }, { "cpu:100", "\"cpu:100\"" },
		{ "", "null" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct json_object *value = json_field(cases[i].field, &failed);
		const char *text = value ? json_object_to_json_string_ext(value, JSON_C_TO_STRING_PLAIN) : "null";

		CU_ASSERT_STRING_EQUAL(text, cases[i].json);
		json_object_put(value);
	}
	CU_ASSERT(!failed);
}

/* A document printed to a string, parsed back. */
static struct json_object *parse(const char *text)
{
	struct json_object *doc = json_tokener_parse(text);

	CU_ASSERT_PTR_NOT_NULL(doc);
	return doc;
}

static void test_csv_files(void)
{
	struct error_message err = { "" };
	struct text_buffer out;
	struct json_object *doc, *rows, *row, *value;
	const char *paths[1];
	char *text;

	CU_ASSERT_EQUAL_FATAL(write_text(scratch, "verdicts.csv", "run,metric,median,verdict\n"
					 "reuseport.1,jain_index,0.998,same\nshared-epoll.1,herd_factor,,n/a\n"), 0);
	paths[0] = path_of(scratch, "verdicts.csv");
	CU_ASSERT_PTR_NOT_NULL_FATAL(text_buffer_open(&out));
	CU_ASSERT_EQUAL(json_print_csv_files(out.stream, paths, 1, &err), 0);
	text = text_buffer_close(&out);
	doc = parse(text);
	CU_ASSERT(json_object_object_get_ex(doc, "verdicts", &rows));
	CU_ASSERT_EQUAL(json_object_array_length(rows), 2);
	row = json_object_array_get_idx(rows, 0);
	CU_ASSERT(json_object_object_get_ex(row, "median", &value) && json_object_get_double(value) == 0.998);
	CU_ASSERT(json_object_object_get_ex(row, "verdict", &value) &&
		  !strcmp(json_object_get_string(value), "same"));
	row = json_object_array_get_idx(rows, 1);
	CU_ASSERT(json_object_object_get_ex(row, "median", &value) && value == NULL);
	json_object_put(doc);
	free(text);

	paths[0] = path_of(scratch, "none.csv");
	CU_ASSERT_EQUAL(json_print_csv_files(stdout, paths, 1, &err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "none.csv: cannot open"));
}

/* The fixture runs: two comparable, one not; the best only within a group. */
static void test_comparison(void)
{
	const char *dirs[] = { FIXTURES_DIR "/shared-epoll", FIXTURES_DIR "/reuseport",
			       FIXTURES_DIR "/reuseport-pool" };
	struct error_message err = { "" };
	struct comparison *cmp;
	struct text_buffer out;
	struct json_object *doc, *runs, *run, *value, *pairs;
	char *text;

	CU_ASSERT_EQUAL_FATAL(compare_load(dirs, 3, &cmp, &err), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text_buffer_open(&out));
	CU_ASSERT_EQUAL(json_print_comparison(out.stream, cmp, &err), 0);
	text = text_buffer_close(&out);
	compare_free(cmp);
	doc = parse(text);
	CU_ASSERT_FATAL(json_object_object_get_ex(doc, "runs", &runs));
	CU_ASSERT_EQUAL(json_object_array_length(runs), 3);
	/* sorted: group 1 (reuseport, shared-epoll), then the pool run */
	run = json_object_array_get_idx(runs, 1);
	CU_ASSERT(json_object_object_get_ex(run, "run", &value) && !strcmp(json_object_get_string(value), "shared-epoll"));
	CU_ASSERT(json_object_object_get_ex(run, "herd_factor", &value) && json_object_get_double(value) == 3.88375);
	CU_ASSERT(json_object_object_get_ex(run, "best", &value));
	CU_ASSERT_PTR_NOT_NULL(strstr(json_object_to_json_string(value), "throughput_cps"));
	run = json_object_array_get_idx(runs, 2);
	CU_ASSERT(json_object_object_get_ex(run, "group", &value) && json_object_get_int(value) == 2);
	CU_ASSERT(json_object_object_get_ex(run, "best", &value) && json_object_array_length(value) == 0);
	CU_ASSERT(json_object_object_get_ex(run, "settings", &value));
	CU_ASSERT_STRING_EQUAL(json_object_to_json_string_ext(json_object_object_get(value, "work"),
							      JSON_C_TO_STRING_PLAIN), "\"cpu:100\"");
	CU_ASSERT(json_object_object_get_ex(doc, "not_comparable", &pairs) && json_object_array_length(pairs) == 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(json_object_to_json_string(pairs), "workers 4 vs 2"));
	json_object_put(doc);
	free(text);
}

static void add_tests(CU_pSuite suite)
{
	CU_ADD_TEST(suite, test_row_object);
	CU_ADD_TEST(suite, test_fields);
	CU_ADD_TEST(suite, test_csv_files);
	CU_ADD_TEST(suite, test_comparison);
}

int main(void)
{
	return run_suite("json_output", create_scratch, remove_scratch, add_tests);
}
