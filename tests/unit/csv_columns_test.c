// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for user/csv_columns.c: headers and rows from one column
 * table, key,value files, the field getters. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "fixtures.h"

#include "csv_columns.h"

struct row {
	uint64_t count;
	double ratio;
	const char *name;
	int64_t signed_value;
	bool known;
};

static struct cell signed_value(const void *row, size_t arg)
{
	return cell_i64(((const struct row *)row)->signed_value);
}

/* ARG added: one getter, several columns. */
static struct cell count_plus(const void *row, size_t arg)
{
	return cell_u64(((const struct row *)row)->count + arg);
}

static struct cell known_count(const void *row, size_t arg)
{
	const struct row *r = row;

	return r->known ? cell_u64(r->count) : cell_empty();
}

static struct cell name_if_known(const void *row, size_t arg)
{
	const struct row *r = row;

	return r->known ? cell_text(r->name) : (struct cell){ .kind = CELL_ABSENT };
}

static const struct csv_column columns[] = {
	{ "count", field_u64, offsetof(struct row, count), 0 },
	{ "ratio", field_number, offsetof(struct row, ratio), 3 },
	{ "name", field_text, offsetof(struct row, name), 0 },
	CSV_COLUMN("signed", signed_value),
	{ "count_plus_2", count_plus, 2, 0 },
	CSV_COLUMN("known", known_count),
	CSV_COLUMN("name_if_known", name_if_known),
};

static char scratch[PATH_MAX];

static char *write_and_read(void (*write)(struct csv_file *f))
{
	struct error_message err = { "" };
	struct csv_file *f = csv_open(scratch, "t.csv", &err);

	if (!f)
		return NULL;
	write(f);
	if (csv_commit(f, &err))
		return NULL;
	return read_text(scratch, "t.csv");
}

static void write_rows(struct csv_file *f)
{
	struct row known = { 7, 0.5, "a, \"b\"", -3, true }, unknown = { 1, NAN, NULL, 4, false };

	csv_columns_header(f, columns, ARRAY_SIZE(columns));
	csv_columns_row(f, columns, ARRAY_SIZE(columns), &known);
	csv_columns_row(f, columns, ARRAY_SIZE(columns), &unknown);
}

static void test_header_and_rows(void)
{
	char *text = write_and_read(write_rows);

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	/* undefined (NAN), unknown (empty) and absent (in a row: empty) are all
	 * empty fields; a row has every column */
	CU_ASSERT_STRING_EQUAL(text, "count,ratio,name,signed,count_plus_2,known,name_if_known\n"
				     "7,0.500,\"a, \"\"b\"\"\",-3,9,7,\"a, \"\"b\"\"\"\n"
				     "1,,,4,3,,\n");
	free(text);
}

static void write_key_value(struct csv_file *f)
{
	struct row unknown = { 1, 2.25, "x", 4, false };

	csv_columns_key_value(f, columns, ARRAY_SIZE(columns), &unknown);
}

static void test_key_value(void)
{
	char *text = write_and_read(write_key_value);

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	/* an absent cell leaves its key out; an empty one keeps it */
	CU_ASSERT_STRING_EQUAL(text, "key,value\ncount,1\nratio,2.250\nname,x\nsigned,4\ncount_plus_2,3\nknown,\n");
	free(text);
}

static int init(void)
{
	return make_scratch_dir("csv_columns_test", scratch);
}

static int cleanup(void)
{
	remove_tree(scratch);
	return 0;
}

static void add_tests(CU_pSuite suite)
{
	CU_ADD_TEST(suite, test_header_and_rows);
	CU_ADD_TEST(suite, test_key_value);
}

int main(void)
{
	return run_suite("csv_columns", init, cleanup, add_tests);
}
