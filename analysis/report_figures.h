/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The figures of `testbed report` (report_figures.c), as report.c puts them
 * into the document, and the one process label both the figures and the
 * process table use. Internal to the report: other code calls report_write()
 * (report.h). */
#ifndef TESTBED_REPORT_FIGURES_H
#define TESTBED_REPORT_FIGURES_H

#include <stddef.h>
#include "document.h"
#include "error.h"
#include "plot.h"
#include "run_folder.h"

/* A report being written: the run it reads, the document it fills. */
struct report {
	const struct run_folder *run;
	struct plot_dir *plots;         /* gnuplot's scratch folder */
	struct document *doc;
	unsigned figures;               /* written so far */
	struct error_message *err;
};

/* "worker 2", "worker 2 (pid 123)" when the slot was restarted, "master":
 * inert in a gnuplot script (plot_label), fits PLOT_LABEL_SIZE. Returns OUT. */
const char *report_process_label(const struct run_folder *run, const struct worker_row *w,
				 char *out, size_t size);

/* Each adds its heading, figure and one-line explanation to R->doc and
 * writes RUN_DIR/report-NAME.svg; with nothing to plot, a heading and a
 * sentence saying why. 0, or -1 with R->err set. */
int report_figure_connections(struct report *r);    /* connections per worker */
int report_figure_timeline(struct report *r);       /* connections per interval */
int report_figure_wakeups(struct report *r);        /* listener wakeups: the herd */
int report_figures_latency(struct report *r);       /* a CDF per latency.csv metric */
int report_figure_pool(struct report *r);           /* thread-pool utilisation */

#endif
