/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* `testbed compare RUN_DIR...` as a library call: the runs' summary.csv rows
 * side by side, as one Markdown table written to a stream, grouped by
 * scenario then kernel, the best value of each column in bold; with an
 * output folder also compare.csv and compare.svg (Jain index and herd factor
 * per run) there. Reports failures in struct error_message, never prints a
 * message or exits; the command is user/analysis_commands.c. See
 * docs/REPORT.md. */
#ifndef TESTBED_COMPARE_H
#define TESTBED_COMPARE_H

#include <stddef.h>
#include <stdio.h>
#include "document.h"
#include "error.h"

struct run_folder;

/* The comparison table of RUNS, in the given order (the caller sorts):
 * run, scenario, policy, kernel, workers, throughput, Jain, CoV, max share,
 * herd factor, wasted ratio, p50, p99, lost, event drops. LABELS name the
 * runs. NULL when out of memory. */
struct text_table *compare_table(struct run_folder *const *runs, const char *const *labels,
				 size_t nruns);

/* Loads RUN_DIRS, prints the table to OUT and, with OUT_DIR, writes
 * compare.csv and compare.svg there. 0, or -1 with ERR set. */
int compare_runs(const char *const *run_dirs, size_t nruns, const char *out_dir, FILE *out,
		 struct error_message *err);

#endif
