// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The command lines of `testbed report RUN_DIR`, `testbed compare
 * [--out DIR] [--json] RUN_DIR...` and `testbed csv-json FILE.csv...`: their arguments, usage text, the one-line
 * message on failure and the exit code. The work itself is the analysis
 * library's (report_write() in analysis/report.c, compare_runs() in
 * analysis/compare.c), which fills a struct error_message and prints
 * nothing; no report or comparison logic lives here. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_commands.h"
#include "common.h"
#include "compare.h"
#include "json_output.h"
#include "plot.h"
#include "report.h"

static bool is_help(const char *arg)
{
	return !strcmp(arg, "--help") || !strcmp(arg, "-h");
}

static void report_usage(FILE *out)
{
	fprintf(out,
		"usage: ./testbed report [--format svg,pdf,png] RUN_DIR\n"
		"\n"
		"Writes RUN_DIR/report.md and RUN_DIR/report.html (self-contained, viewable offline)\n"
		"with figures as RUN_DIR/report-*.svg: connections per worker, connections/s over\n"
		"time, worker x time heat maps, wakeups vs connections (the herd), latency CDFs,\n"
		"thread-pool utilisation. Each figure's gnuplot script and data stay next to it\n"
		"(report-NAME.gp, .dat): `gnuplot report-NAME.gp` there draws it again, and\n"
		"`gnuplot -e \"format='pdf'\" report-NAME.gp` as PDF. Needs gnuplot (Debian package\n"
		"gnuplot-nox).\n"
		"  --format LIST   the figures' formats, comma-separated: svg, pdf (one column of a\n"
		"                  two-column paper), png; default svg,pdf (svg is always written:\n"
		"                  report.md links it)\n"
		"Exit: 0 ok, 1 bad input, 2 usage.\n");
}

int cmd_report(int argc, char **argv)
{
	struct error_message err = { "" };
	unsigned figures = 0, formats = PLOT_DEFAULT_FORMATS;
	const char *run_dir = NULL;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *format = NULL;

		if (is_help(arg)) {
			report_usage(stdout);
			return EXIT_OK;
		}
		if (!strcmp(arg, "--format") && i + 1 < argc)
			format = argv[++i];
		else if (!strncmp(arg, "--format=", 9))
			format = arg + 9;
		if (format) {
			if (plot_parse_formats(format, &formats, &err)) {
				error_msg("%s", err.text);
				return EXIT_USAGE;
			}
		} else if (arg[0] == '-' || run_dir) {
			error_msg("report takes one run folder and --format (see ./testbed report --help)");
			return EXIT_USAGE;
		} else {
			run_dir = arg;
		}
	}
	if (!run_dir) {
		error_msg("report takes one run folder (see ./testbed report --help)");
		return EXIT_USAGE;
	}
	if (report_write_formats(run_dir, formats | PLOT_SVG, &figures, &err)) {
		error_msg("%s", err.text);
		return EXIT_FAIL;
	}
	printf("report: written into %s: report.html, report.md and %u figures (%s%s%s, with their "
	       ".gp and .dat)\n", run_dir, figures, "svg", formats & PLOT_PDF ? ", pdf" : "",
	       formats & PLOT_PNG ? ", png" : "");
	return EXIT_OK;
}

static void compare_usage(FILE *out)
{
	fprintf(out,
		"usage: ./testbed compare [--out DIR] [--json] RUN_DIR...\n"
		"\n"
		"Prints the runs' summary.csv rows as one Markdown table. Runs are ranked only\n"
		"against comparable runs -- the same settings (workers, connections, keepalive,\n"
		"rate, pool, duration, tracer, CPUs) and timings of the same kind (real, or a\n"
		"testbed kernels guest's virtualised or emulated ones): each such group is\n"
		"numbered, the best value of each column in bold within its group, and what\n"
		"sets two groups apart is printed (\"not comparable: group 1 vs group 2: workers\n"
		"2 vs 4\"). Within a group, sorted by scenario then kernel. Runs may come from\n"
		"different kernels and machines.\n"
		"  --out DIR   also write DIR/compare.csv and DIR/compare.svg (Jain index and herd\n"
		"              factor per run; needs gnuplot, Debian package gnuplot-nox)\n"
		"  --json      print the rows, groups and verdicts as one JSON document on stdout;\n"
		"              the table then goes to stderr\n"
		"Exit: 0 ok, 1 bad input, 2 usage.\n");
}

int cmd_compare(int argc, char **argv)
{
	const char **dirs = calloc((size_t)argc, sizeof(*dirs));
	const char *out_dir = NULL;
	struct error_message err = { "" };
	struct comparison *cmp = NULL;
	size_t ndirs = 0;
	bool options_done = false, json = false;
	int exit_code = EXIT_USAGE;

	if (!dirs) {
		error_msg("out of memory");
		return EXIT_FAIL;
	}
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (options_done || arg[0] != '-') {
			dirs[ndirs++] = arg;
		} else if (!strcmp(arg, "--")) {
			options_done = true;
		} else if (is_help(arg)) {
			compare_usage(stdout);
			exit_code = EXIT_OK;
			goto out;
		} else if (!strcmp(arg, "--json")) {
			json = true;
		} else if (!strcmp(arg, "--out") && i + 1 < argc) {
			out_dir = argv[++i];
		} else if (!strncmp(arg, "--out=", 6) && arg[6]) {
			out_dir = arg + 6;
		} else if (!strcmp(arg, "--out")) {
			error_msg("--out needs a folder");
			goto out;
		} else {
			error_msg("compare: unknown option '%s' (see ./testbed compare --help)", arg);
			goto out;
		}
	}
	if (!ndirs) {
		error_msg("compare needs at least one run folder (see ./testbed compare --help)");
		goto out;
	}
	exit_code = EXIT_FAIL;
	/* gnuplot first: without it --out cannot finish */
	if ((out_dir && plot_find_gnuplot(&err)) || compare_load(dirs, ndirs, &cmp, &err)) {
		error_msg("%s", err.text);
		goto out;
	}
	if (compare_print(cmp, json ? stderr : stdout)) {
		error_msg("cannot print the table: out of memory or I/O error");
		goto out;
	}
	if ((out_dir && compare_write_files(cmp, out_dir, &err)) ||
	    (json && json_print_comparison(stdout, cmp, &err))) {
		error_msg("%s", err.text);
		goto out;
	}
	exit_code = EXIT_OK;
out:
	compare_free(cmp);
	free(dirs);
	return exit_code;
}

static void csv_json_usage(FILE *out)
{
	fprintf(out,
		"usage: ./testbed csv-json FILE.csv...\n"
		"\n"
		"Prints CSV files as one JSON document, {\"NAME\": [rows]} with NAME each file's name\n"
		"less .csv and a row an object keyed by the header; an empty field is null, a\n"
		"number a number (for testbed kernels' kernels.csv and verdicts.csv, for instance).\n"
		"Exit: 0 ok, 1 bad input, 2 usage.\n");
}

int cmd_csv_json(int argc, char **argv)
{
	struct error_message err = { "" };

	if (argc == 2 && is_help(argv[1])) {
		csv_json_usage(stdout);
		return EXIT_OK;
	}
	if (argc < 2 || argv[1][0] == '-') {
		error_msg("csv-json takes CSV files (see ./testbed csv-json --help)");
		return EXIT_USAGE;
	}
	if (json_print_csv_files(stdout, (const char *const *)argv + 1, (size_t)argc - 1, &err)) {
		error_msg("%s", err.text);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
