/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The figures of `testbed report` (report_figures.c, report_timeline.c), as
 * report.c puts them into the document, what the figure functions share
 * (keeping a figure, its data file, the bar labels) and the one process
 * label both the figures and the process table use. Internal to the report: other code calls report_write()
 * (report.h). */
#ifndef TESTBED_REPORT_FIGURES_H
#define TESTBED_REPORT_FIGURES_H

#include <stddef.h>
#include <stdint.h>
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
	unsigned formats;               /* plot_format mask; SVG is always kept */
	struct error_message *err;
};

/* "worker 2", "worker 2 (pid 123)" when the slot was restarted, "master":
 * inert in a gnuplot script (plot_label), fits PLOT_LABEL_SIZE. Returns OUT. */
const char *report_process_label(const struct run_folder *run, const struct worker_row *w,
				 char *out, size_t size);

/* Figures are REPORT_FIGURE_WIDTH wide (px of the SVG; plot.h turns them
 * into a one-column PDF), REPORT_FIGURE_HEIGHT high unless they need more. */
#define REPORT_FIGURE_WIDTH 640
#define REPORT_FIGURE_HEIGHT 360
/* Beyond this many lines a legend covers the plot; the lines stay, the key goes. */
#define LEGEND_MAX_SERIES 12

/* Creates report-NAME.dat in the plot folder: the data a figure's script
 * reads (and the run folder keeps). NULL with R->err set. */
FILE *report_figure_data(struct report *r, const char *name);
/* Starts a figure's two texts: 0, or -1 with R->err set (nothing to close). */
int report_open_figure(struct report *r, struct text_buffer *script, struct text_buffer *explanation);
/* Renders report-NAME from SCRIPT, keeps report-NAME.gp/.dat/.svg (and the
 * other R->formats) in the run folder and adds it under HEADING with its
 * one-line EXPLANATION. */
int report_add_figure(struct report *r, const char *name, const char *heading, int width, int height,
		      const char *script, const char *explanation);
/* report_add_figure once both texts (opened by report_open_figure) are built;
 * closes them. */
int report_finish_figure(struct report *r, const char *name, const char *heading, int width, int height,
			 struct text_buffer *script, struct text_buffer *explanation);
/* A bar chart's width for N bars: REPORT_FIGURE_WIDTH (one paper column)
 * up to 12 bars, then 40 px more per bar (a two-column figure at 24), so
 * the number over each bar stays readable. */
int report_bars_width(size_t n);
/* The `with labels` options that print a value over each of N bars, the
 * smallest too: "offset 0,0.6 notitle", turned upright when many. */
const char *report_bar_labels(size_t n);
/* "worker 2", or the pid / tid a latency row or timeline row names. */
const char *report_pid_label(const struct run_folder *run, uint64_t pid, char *out, size_t size);

/* Each adds its heading, figure and one-line explanation to R->doc and
 * writes RUN_DIR/report-NAME.svg; with nothing to plot, a heading and a
 * sentence saying why. 0, or -1 with R->err set. */
int report_figure_connections(struct report *r);    /* connections per worker */
int report_figure_timeline(struct report *r);       /* connections/s per worker over time */
int report_figures_heatmap(struct report *r);       /* worker x time: connections, wasted */
int report_figure_wakeups(struct report *r);        /* listener wakeups: the herd */
int report_figures_latency(struct report *r);       /* a CDF per latency.csv metric */
int report_figure_pool(struct report *r);           /* thread-pool utilisation */

#endif
