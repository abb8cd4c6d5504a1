// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for analysis/csvread.c: RFC 4180 parsing, one-line errors that
 * name the file and line, numbers, limits, and hostile input. */
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv_read.h"
#include "fixtures.h"
#include "unit.h"

#define MAX_EXPECTED_FIELDS 12

static char scratch[PATH_MAX];

static int create_scratch(void)
{
	return make_scratch_dir("csvread_test", scratch);
}

static int remove_scratch(void)
{
	remove_tree(scratch);
	return 0;
}

static bool one_line(const char *text)
{
	return *text && !strchr(text, '\n') && !strchr(text, '\r');
}

struct good_case {
	const char *input;
	size_t length;          /* 0: strlen(input) */
	size_t ncolumns, nrows;
	const char *fields[MAX_EXPECTED_FIELDS]; /* header first, row by row */
	size_t last_row_line;   /* the line the last data row starts on */
};

static void test_parses_good_input(void)
{
	static const struct good_case cases[] = {
		{ "a,b\n1,2\n", 0, 2, 1, { "a", "b", "1", "2" }, 2 },
		{ "a,b\n1,2", 0, 2, 1, { "a", "b", "1", "2" }, 2 },            /* no final newline */
		{ "a,b\r\n1,2\r\n", 0, 2, 1, { "a", "b", "1", "2" }, 2 },      /* CRLF */
		{ "a,b\n\"x,y\",2\n", 0, 2, 1, { "a", "b", "x,y", "2" }, 2 },
		{ "a\n\"say \"\"hi\"\"\"\n", 0, 1, 1, { "a", "say \"hi\"" }, 2 },
		{ "a,b\n\"two\nlines\",3\n4,5\n", 0, 2, 2, { "a", "b", "two\nlines", "3", "4", "5" }, 4 },
		{ "a,b,c\n,,\n", 0, 3, 1, { "a", "b", "c", "", "", "" }, 2 },
		{ "a,b\n1,", 0, 2, 1, { "a", "b", "1", "" }, 2 },              /* empty last field */
		{ "a,b\n", 0, 2, 0, { "a", "b" }, 0 },                         /* header only */
		{ "\xEF\xBB\xBF" "a,b\n1,2\n", 0, 2, 1, { "a", "b", "1", "2" }, 2 }, /* BOM */
		{ "a,b\n\"\",x\n", 0, 2, 1, { "a", "b", "", "x" }, 2 },
		{ "a\nx\ry\n", 0, 1, 1, { "a", "x\ry" }, 2 },                  /* a lone CR is data */
		{ "a\n\"q\"\r\n\"\"\"\"\n", 0, 1, 2, { "a", "q", "\"" }, 3 },
		{ "a,b\n\"x\r\ny\",\"\"\n", 0, 2, 1, { "a", "b", "x\r\ny", "" }, 2 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct good_case *c = &cases[i];
		struct error_message err = { "" };
		struct csv_table *t = NULL;
		size_t length = c->length ? c->length : strlen(c->input);

		CU_ASSERT_EQUAL_FATAL(csv_table_parse("t.csv", c->input, length, &t, &err), 0);
		CU_ASSERT_STRING_EQUAL(err.text, "");
		CU_ASSERT_EQUAL(t->ncolumns, c->ncolumns);
		CU_ASSERT_EQUAL(t->nrows, c->nrows);
		for (size_t f = 0; f < (c->nrows + 1) * c->ncolumns; f++)
			CU_ASSERT_STRING_EQUAL(t->fields[f], c->fields[f]);
		if (c->nrows)
			CU_ASSERT_EQUAL(csv_table_line(t, c->nrows - 1), c->last_row_line);
		csv_table_free(t);
	}
}

struct bad_case {
	const char *input;
	size_t length;          /* 0: strlen(input) */
	const char *message;
};

static void test_refuses_bad_input(void)
{
	static const struct bad_case cases[] = {
		{ "", 0, "t.csv: empty file" },
		{ "\xEF\xBB\xBF", 0, "t.csv: empty file" },
		{ "a,b\n1,2,3\n", 0, "t.csv:2: 3 fields, the header has 2" },
		{ "a,b\n1\n", 0, "t.csv:2: 1 field, the header has 2" },
		{ "a,b\n\"x\ny\",1\n2\n", 0, "t.csv:4: 1 field, the header has 2" },
		{ "a\n\"open\n", 0, "t.csv:2: unterminated quoted field" },
		{ "a\n1\n2\n\"x", 0, "t.csv:4: unterminated quoted field" },
		{ "a\nx\0y\n", 6, "t.csv:2: binary data (a NUL byte)" },
		{ "\0", 1, "t.csv:1: binary data (a NUL byte)" },
		{ "a\nab\"c\n", 0, "t.csv:2: quote inside an unquoted field" },
		{ "a\n\"ab\"c\n", 0, "t.csv:2: text after a closing quote" },
		{ "a,a\n", 0, "t.csv:1: column 'a' appears twice" },
		{ "a,\n", 0, "t.csv:1: column 2 has no name" },
		{ "\n", 0, "t.csv:1: column 1 has no name" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct bad_case *c = &cases[i];
		struct error_message err = { "" };
		struct csv_table *t = NULL;
		size_t length = c->length ? c->length : strlen(c->input);

		CU_ASSERT_EQUAL(csv_table_parse("t.csv", c->input, length, &t, &err), -1);
		CU_ASSERT_PTR_NULL(t);
		CU_ASSERT_STRING_EQUAL(err.text, c->message);
		if (strcmp(err.text, c->message))
			fprintf(stderr, "case %zu: got '%s'\n", i, err.text);
	}
}

static void test_limits(void)
{
	size_t wide = CSV_READ_MAX_ROW_FIELDS + 1, big = CSV_READ_MAX_FIELD_BYTES + 10;
	char *input = malloc(big + 16);
	struct error_message err = { "" };
	struct csv_table *t = NULL;

	CU_ASSERT_FATAL(input != NULL);
	/* a header of 4097 one-letter columns */
	for (size_t i = 0; i < wide; i++) {
		input[2 * i] = 'x';
		input[2 * i + 1] = ',';
	}
	input[2 * wide - 1] = '\n';
	CU_ASSERT_EQUAL(csv_table_parse("t.csv", input, 2 * wide, &t, &err), -1);
	CU_ASSERT_STRING_EQUAL(err.text, "t.csv:1: more than 4096 fields in a row");

	/* one field just over 1 MiB, quoted or not */
	memcpy(input, "a\n", 2);
	memset(input + 2, 'y', big);
	CU_ASSERT_EQUAL(csv_table_parse("t.csv", input, big + 2, &t, &err), -1);
	CU_ASSERT_STRING_EQUAL(err.text, "t.csv:2: field longer than 1 MiB");
	input[2] = '"';
	input[big + 1] = '"';
	CU_ASSERT_EQUAL(csv_table_parse("t.csv", input, big + 2, &t, &err), -1);
	CU_ASSERT_STRING_EQUAL(err.text, "t.csv:2: field longer than 1 MiB");
	free(input);
}

/* Random bytes from the characters that steer the parser: every input
 * either parses into a consistent table or fails with a one-line message. */
static void test_random_input_never_crashes(void)
{
	static const char alphabet[] = { ',', '"', '\n', '\r', 'a', '\0', '1', '.' };
	char input[64];
	unsigned seed = 12345;

	for (int round = 0; round < 20000; round++) {
		size_t length = (size_t)(rand_r(&seed) % (int)sizeof(input));
		struct error_message err = { "" };
		struct csv_table *t = NULL;

		for (size_t i = 0; i < length; i++)
			input[i] = alphabet[rand_r(&seed) % (int)sizeof(alphabet)];
		if (csv_table_parse("r.csv", input, length, &t, &err) == 0) {
			CU_ASSERT(t->ncolumns > 0);
			CU_ASSERT(t->nrows == 0 || csv_table_line(t, t->nrows - 1) >= 2);
			for (size_t f = 0; f < (t->nrows + 1) * t->ncolumns; f++)
				CU_ASSERT(strlen(t->fields[f]) <= length);
			csv_table_free(t);
		} else {
			CU_ASSERT(one_line(err.text));
			CU_ASSERT(!strncmp(err.text, "r.csv", 5));
		}
	}
}

static struct csv_table *parse_or_die(const char *input)
{
	struct csv_table *t = NULL;
	struct error_message err = { "" };

	CU_ASSERT_EQUAL_FATAL(csv_table_parse("summary.csv", input, strlen(input), &t, &err), 0);
	return t;
}

static void test_numbers(void)
{
	struct csv_table *t = parse_or_die("jain_index,accepted\n"
					   "0.776727,14192\n"
					   ",\n"
					   "abc,1.5\n"
					   "-1,18446744073709551616\n"
					   "1e5, 7\n"
					   "\"a\tvery long field that will not fit in the message at all\",x\n");
	struct error_message err = { "" };
	int jain = csv_table_require(t, "jain_index", &err);
	int accepted = csv_table_require(t, "accepted", &err);
	double value;
	uint64_t count;

	CU_ASSERT_EQUAL(jain, 0);
	CU_ASSERT_EQUAL(accepted, 1);
	CU_ASSERT_EQUAL(csv_table_double(t, 0, jain, &value, &err), 0);
	CU_ASSERT_DOUBLE_EQUAL(value, 0.776727, 1e-12);
	CU_ASSERT_EQUAL(csv_table_u64(t, 0, accepted, &count, &err), 0);
	CU_ASSERT_EQUAL(count, 14192);

	/* empty: undefined for a number, an error for a count */
	CU_ASSERT_EQUAL(csv_table_double(t, 1, jain, &value, &err), 0);
	CU_ASSERT(isnan(value));
	CU_ASSERT_EQUAL(csv_table_u64(t, 1, accepted, &count, &err), -1);
	CU_ASSERT_STRING_EQUAL(err.text, "summary.csv:3: accepted: '' is not a count");

	CU_ASSERT_EQUAL(csv_table_double(t, 2, jain, &value, &err), -1);
	CU_ASSERT_STRING_EQUAL(err.text, "summary.csv:4: jain_index: 'abc' is not a number");
	CU_ASSERT_EQUAL(csv_table_u64(t, 2, accepted, &count, &err), -1);
	CU_ASSERT_STRING_EQUAL(err.text, "summary.csv:4: accepted: '1.5' is not a count");
	CU_ASSERT_EQUAL(csv_table_double(t, 3, jain, &value, &err), -1);
	CU_ASSERT_STRING_EQUAL(err.text, "summary.csv:5: jain_index: '-1' is not a number");
	CU_ASSERT_EQUAL(csv_table_u64(t, 3, accepted, &count, &err), -1);  /* overflow */
	CU_ASSERT_EQUAL(csv_table_double(t, 4, jain, &value, &err), -1);
	CU_ASSERT_EQUAL(csv_table_u64(t, 4, accepted, &count, &err), -1);   /* leading blank */
	/* a hostile field is shortened and made printable */
	CU_ASSERT_EQUAL(csv_table_double(t, 5, jain, &value, &err), -1);
	CU_ASSERT_STRING_EQUAL(err.text, "summary.csv:7: jain_index: "
			       "'a?very long field that will not fit in the m...' is not a number");

	/* a column this run does not have: undefined, not an error */
	CU_ASSERT_EQUAL(csv_table_column(t, "herd_factor"), -1);
	CU_ASSERT_EQUAL(csv_table_double(t, 0, -1, &value, &err), 0);
	CU_ASSERT(isnan(value));
	CU_ASSERT_EQUAL(csv_table_u64(t, 0, -1, &count, &err), 0);
	CU_ASSERT_EQUAL(count, 0);
	CU_ASSERT_STRING_EQUAL(csv_table_field(t, 0, -1), "");
	CU_ASSERT_STRING_EQUAL(csv_table_field(t, 99, 0), "");
	CU_ASSERT_EQUAL(csv_table_require(t, "herd_factor", &err), -1);
	CU_ASSERT_STRING_EQUAL(err.text, "summary.csv: no column 'herd_factor'");
	csv_table_free(t);
}

static void test_read_files(void)
{
	struct error_message err = { "" };
	struct csv_table *t = NULL;
	char expected[PATH_MAX + 64];
	int fd;

	CU_ASSERT_EQUAL(write_text(scratch, "workers.csv", "a,b\r\n\"1\",2\r\n"), 0);
	CU_ASSERT_EQUAL(csv_table_read(path_of(scratch, "workers.csv"), &t, &err), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_STRING_EQUAL(t->name, path_of(scratch, "workers.csv"));
	CU_ASSERT_STRING_EQUAL(csv_table_field(t, 0, 0), "1");
	csv_table_free(t);

	CU_ASSERT_EQUAL(csv_table_read(path_of(scratch, "missing.csv"), &t, &err), -1);
	snprintf(expected, sizeof(expected), "%s/missing.csv: cannot open: No such file or directory",
		 scratch);
	CU_ASSERT_STRING_EQUAL(err.text, expected);

	CU_ASSERT_EQUAL(csv_table_read(scratch, &t, &err), -1);
	snprintf(expected, sizeof(expected), "%s: not a regular file", scratch);
	CU_ASSERT_STRING_EQUAL(err.text, expected);

	/* a FIFO is refused without waiting for a writer */
	CU_ASSERT_EQUAL(mkfifo(path_of(scratch, "fifo.csv"), 0600), 0);
	CU_ASSERT_EQUAL(csv_table_read(path_of(scratch, "fifo.csv"), &t, &err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "fifo.csv: not a regular file"));

	CU_ASSERT_EQUAL(write_text(scratch, "empty.csv", ""), 0);
	CU_ASSERT_EQUAL(csv_table_read(path_of(scratch, "empty.csv"), &t, &err), -1);
	snprintf(expected, sizeof(expected), "%s/empty.csv: empty file", scratch);
	CU_ASSERT_STRING_EQUAL(err.text, expected);

	/* too big: refused from its size, before reading (the file is sparse) */
	fd = open(path_of(scratch, "huge.csv"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(ftruncate(fd, (off_t)CSV_READ_MAX_BYTES + 1), 0);
	close(fd);
	CU_ASSERT_EQUAL(csv_table_read(path_of(scratch, "huge.csv"), &t, &err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "huge.csv: 268435457 bytes, more than the limit"));
	unlink(path_of(scratch, "huge.csv"));
}

static void test_messages_stay_one_line(void)
{
	struct error_message err;

	error_message_set(&err, "%s: x", "dir\nwith\rbreaks\t");
	CU_ASSERT_STRING_EQUAL(err.text, "dir?with?breaks?: x");
}

static void add_tests(CU_pSuite suite)
{
	CU_ADD_TEST(suite, test_parses_good_input);
	CU_ADD_TEST(suite, test_refuses_bad_input);
	CU_ADD_TEST(suite, test_limits);
	CU_ADD_TEST(suite, test_random_input_never_crashes);
	CU_ADD_TEST(suite, test_numbers);
	CU_ADD_TEST(suite, test_read_files);
	CU_ADD_TEST(suite, test_messages_stay_one_line);
}

int main(void)
{
	return run_suite("csvread", create_scratch, remove_scratch, add_tests);
}
