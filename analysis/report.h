/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* `testbed report RUN_DIR` as a library call: report.md and report.html
 * (self-contained) plus report-*.svg/.pdf plots with their scripts and data, written into the run folder.
 * Prints nothing; the command is user/analysis_commands.c. See
 * docs/REPORT.md. */
#ifndef TESTBED_REPORT_H
#define TESTBED_REPORT_H

#include "error.h"

/* Writes the report for RUN_DIR, each figure as report-NAME.svg and in the
 * other FORMATS (plot_format bits: PDF, PNG), with its gnuplot script and
 * data (report-NAME.gp, .dat) to re-draw it. 0, or -1 with ERR set (bad
 * input names the file and line). *FIGURES (if not NULL) receives the
 * number of figures. */
int report_write_formats(const char *run_dir, unsigned formats, unsigned *figures,
			 struct error_message *err);
/* report_write_formats() with the default formats: SVG and PDF. */
int report_write(const char *run_dir, unsigned *figures, struct error_message *err);

#endif
