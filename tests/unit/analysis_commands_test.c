// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for user/analysis_commands.c: `testbed report` and `testbed
 * compare` as the command line sees them -- the exit code and what is
 * printed (usage, the one-line message, the result line) for good, bad and
 * malformed arguments. What the reports and tables hold is tested in
 * report_test.c and compare_test.c. Needs gnuplot (make deps), not root. */
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis_commands.h"
#include "common.h"
#include "fixtures.h"
#include "unit.h"

/* Stand-ins in a case's arguments, replaced when it runs. */
#define RUN_COPY "<a copy of the reuseport fixture>"
#define MISSING "<a folder that does not exist>"

static char scratch[PATH_MAX];

static int create_scratch(void)
{
	return make_scratch_dir("analysis_commands_test", scratch);
}

static int remove_scratch(void)
{
	remove_tree(scratch);
	return 0;
}

/* Runs COMMAND with stdout and stderr into SCRATCH/output; returns its exit
 * code, *OUTPUT (malloc'd) what it printed. */
static int run_command(int (*command)(int argc, char **argv), int argc, char **argv, char **output)
{
	int saved_out = dup(STDOUT_FILENO), saved_err = dup(STDERR_FILENO);
	int fd = open(path_of(scratch, "output"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	int exit_code;

	CU_ASSERT_FATAL(saved_out >= 0 && saved_err >= 0 && fd >= 0);
	fflush(stdout);
	fflush(stderr);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
	exit_code = command(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, STDOUT_FILENO);
	dup2(saved_err, STDERR_FILENO);
	close(saved_out);
	close(saved_err);
	*output = read_text(scratch, "output");
	CU_ASSERT_PTR_NOT_NULL_FATAL(*output);
	return exit_code;
}

static void test_exit_codes_and_messages(void)
{
	static const struct {
		int (*command)(int argc, char **argv);
		const char *args[4];    /* after the command's name; NULL-terminated */
		int exit_code;
		const char *says;       /* the start of what it prints */
	} cases[] = {
		{ cmd_report, { NULL }, EXIT_USAGE,
		  "testbed: report takes one run folder (see ./testbed report --help)\n" },
		{ cmd_report, { "a", "b" }, EXIT_USAGE, "testbed: report takes one run folder" },
		{ cmd_report, { "--verbose" }, EXIT_USAGE, "testbed: report takes one run folder" },
		{ cmd_report, { "--help" }, EXIT_OK, "usage: ./testbed report [--format svg,pdf,png] RUN_DIR\n" },
		{ cmd_report, { "--format", "svg,jpg", RUN_COPY }, EXIT_USAGE,
		  "testbed: --format takes svg, pdf and png, comma-separated, not 'jpg'\n" },
		{ cmd_report, { "--format=png", RUN_COPY }, EXIT_OK, "report: written into " },
		{ cmd_report, { MISSING }, EXIT_FAIL, "testbed: " },
		{ cmd_report, { RUN_COPY }, EXIT_OK, "report: written into " },
		{ cmd_compare, { NULL }, EXIT_USAGE,
		  "testbed: compare needs at least one run folder (see ./testbed compare --help)\n" },
		{ cmd_compare, { "--out", "x" }, EXIT_USAGE, "testbed: compare needs at least one run folder" },
		{ cmd_compare, { FIXTURES_DIR "/reuseport", "--out" }, EXIT_USAGE,
		  "testbed: --out needs a folder\n" },
		{ cmd_compare, { "--best", FIXTURES_DIR "/reuseport" }, EXIT_USAGE,
		  "testbed: compare: unknown option '--best' (see ./testbed compare --help)\n" },
		{ cmd_compare, { "-h" }, EXIT_OK, "usage: ./testbed compare [--out DIR] [--json] RUN_DIR...\n" },
		/* the table on stderr (unbuffered: first), then the document on stdout */
		{ cmd_compare, { "--json", FIXTURES_DIR "/reuseport" }, EXIT_OK, "| run " },
		{ cmd_csv_json, { NULL }, EXIT_USAGE, "testbed: csv-json takes CSV files (see ./testbed csv-json --help)\n" },
		{ cmd_csv_json, { MISSING }, EXIT_FAIL, "testbed: " },
		{ cmd_csv_json, { FIXTURES_DIR "/reuseport/summary.csv" }, EXIT_OK, "{\n  \"summary\":[\n" },
		{ cmd_compare, { FIXTURES_DIR "/reuseport", MISSING }, EXIT_FAIL, "testbed: " },
		{ cmd_compare, { "--", FIXTURES_DIR "/reuseport" }, EXIT_OK, "| run " },
	};
	char run_copy[PATH_MAX], missing[PATH_MAX + 16];

	CU_ASSERT_EQUAL_FATAL(copy_fixture("reuseport", scratch, run_copy), 0);
	snprintf(missing, sizeof(missing), "%s/missing", scratch);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *argv[ARRAY_SIZE(cases[i].args) + 1], *output;
		bool names_missing = false;
		int argc = 0;

		argv[argc++] = cases[i].command == cmd_report ? "report" : "compare";
		for (const char *const *arg = cases[i].args; *arg; arg++) {
			names_missing |= !strcmp(*arg, MISSING);
			argv[argc++] = !strcmp(*arg, RUN_COPY) ? run_copy :
				       !strcmp(*arg, MISSING) ? missing : (char *)*arg;
		}
		argv[argc] = NULL;
		CU_ASSERT_EQUAL(run_command(cases[i].command, argc, argv, &output), cases[i].exit_code);
		if (strncmp(output, cases[i].says, strlen(cases[i].says)))
			fprintf(stderr, "\ncase %zu printed: %s\n", i, output);
		CU_ASSERT_EQUAL(strncmp(output, cases[i].says, strlen(cases[i].says)), 0);
		/* a failure is one line, naming what is wrong */
		if (cases[i].exit_code != EXIT_OK)
			CU_ASSERT_EQUAL(count_of(output, "\n"), 1);
		if (names_missing)
			CU_ASSERT_PTR_NOT_NULL(strstr(output, missing));
		free(output);
	}
	CU_ASSERT(file_exists(run_copy, "report.html"));
}

static void add_tests(CU_pSuite suite)
{
	CU_ADD_TEST(suite, test_exit_codes_and_messages);
}

int main(void)
{
	return run_suite("analysis_commands", create_scratch, remove_scratch, add_tests);
}
