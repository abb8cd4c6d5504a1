/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* `testbed compare RUN_DIR...` as a library call: the runs' summary.csv rows
 * side by side, as one Markdown table written to a stream, grouped by
 * comparable settings, scenario and kernel, the best value of each column
 * among comparable runs in bold; with an
 * output folder also compare.csv and compare.svg (Jain index and herd factor
 * per run) there. Reports failures in struct error_message, never prints a
 * message or exits; the command is user/analysis_commands.c. See
 * docs/REPORT.md. */
#ifndef TESTBED_COMPARE_H
#define TESTBED_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "document.h"
#include "error.h"

struct run_folder;

/* Runs loaded for comparison, sorted: comparable groups first, then
 * scenario, then kernel. Runs are comparable -- one group -- when their
 * settings (run_folder.h: workers, connections, keepalive, rate, pool,
 * timings...) agree; the best of a column is marked only within a group,
 * so emulated and real timings, or 2 workers and 4, are never ranked
 * together. */
struct comparison {
	struct run_folder **runs;
	const char **labels;    /* the folders' names, or their paths where names repeat */
	size_t *group;          /* per run: its group, from 1 */
	size_t nruns, ngroups;
};

/* 0, or -1 with ERR set. Free with compare_free(). */
int compare_load(const char *const *run_dirs, size_t nruns, struct comparison **out,
		 struct error_message *err);
void compare_free(struct comparison *cmp);

/* How A's settings differ from B's: "workers 2 vs 4, connections 8 vs 1"
 * into OUT (may be NULL with SIZE 0); the number of settings that differ,
 * 0 when the runs are comparable. A setting unknown on one side (a folder
 * too old to say) does not differ. */
size_t compare_settings_differences(const struct run_folder *a, const struct run_folder *b, char *out,
				    size_t size);
/* GROUP[i] := the comparable group of RUNS[i], from 1, in order of first
 * appearance: the group of the first earlier run it agrees with. Returns
 * the number of groups. */
size_t compare_groups(struct run_folder *const *runs, size_t nruns, size_t *group);

/* compare_settings_differences() of groups FIRST and SECOND (from 1): of
 * the first run of each, which every run of its group agrees with. */
size_t compare_group_differences(const struct comparison *cmp, size_t first, size_t second, char *out,
				 size_t size);

/* One cell of compare.csv (every rendering of a comparison reads its cells
 * here): run, run_dir, group, scenario, policy, kernel, workers, then the
 * figures under their summary.csv names. TEXT, or else NUMBER (NAN:
 * undefined) with its DECIMALS; BEST: the best of its column in its group. */
struct compare_cell {
	const char *name;
	const char *text;
	double number;
	int decimals;
	bool best;
};
size_t compare_column_count(void);
struct compare_cell compare_cell(const struct comparison *cmp, size_t run, size_t column);

/* The Markdown table: run, group, scenario, policy, kernel, workers,
 * throughput, Jain, CoV, max share, herd factor, wasted ratio, p50, p99,
 * lost, event drops; best cells marked. NULL when out of memory. */
struct text_table *compare_table(const struct comparison *cmp);
/* The table, the legend and a "not comparable: group 1 vs group 2:
 * workers 2 vs 4" line per pair of groups. 0, or -1 on an output error. */
int compare_print(const struct comparison *cmp, FILE *out);
/* OUT_DIR/compare.csv and OUT_DIR/compare.svg. 0, or -1 with ERR set. */
int compare_write_files(const struct comparison *cmp, const char *out_dir, struct error_message *err);

/* Loads RUN_DIRS, prints the table to OUT and, with OUT_DIR, writes
 * compare.csv and compare.svg there. 0, or -1 with ERR set. */
int compare_runs(const char *const *run_dirs, size_t nruns, const char *out_dir, FILE *out,
		 struct error_message *err);

#endif
