// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The report's figures over time, from timeline.csv: connections per second
 * per worker (a line each), and worker x time heat maps of connections and
 * wasted listener wakeups per interval. The last interval is cut short by
 * the load's end: a line shows its rate over its own length, marked, or
 * leaves it out when it covers less than half an interval (the rules are
 * presentation.c's); the heat maps, which show counts, leave it out. What
 * the figure functions share is report_figures.c's. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "presentation.h"
#include "report_figures.h"

/* Heat-map rows: this many px each, plus the frame. */
#define HEATMAP_ROW_PX 30
#define HEATMAP_FRAME_PX 200
#define HEATMAP_MAX_PX 1200

/* The processes of timeline.csv in the order they first appear; and the
 * interval, from meta.csv or else the first row's length. */
struct timeline_view {
	uint64_t *pids;
	size_t npids;
	uint64_t interval_ms, last_end_ms;
};

static int timeline_view(const struct run_folder *run, struct timeline_view *v, struct error_message *err)
{
	const char *interval = run_folder_meta(run, "interval_ms");
	double interval_ms = 0;

	memset(v, 0, sizeof(*v));
	v->pids = calloc(run->ntimeline_rows ? run->ntimeline_rows : 1, sizeof(*v->pids));
	if (!v->pids) {
		error_message_set(err, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < run->ntimeline_rows; i++) {
		const struct timeline_row *t = &run->timeline_rows[i];
		size_t k = 0;

		if (t->end_ms > v->last_end_ms)
			v->last_end_ms = t->end_ms;
		while (k < v->npids && v->pids[k] != t->pid)
			k++;
		if (k == v->npids)
			v->pids[v->npids++] = t->pid;
	}
	if (interval && parse_double(interval, 1, 1e9, &interval_ms) == 0)
		v->interval_ms = (uint64_t)interval_ms;
	else if (run->ntimeline_rows)
		v->interval_ms = run->timeline_rows[0].end_ms - run->timeline_rows[0].start_ms;
	if (!v->interval_ms)
		v->interval_ms = 1;
	return 0;
}

static size_t row_of(const struct timeline_view *v, uint64_t pid)
{
	size_t k = 0;

	while (k < v->npids && v->pids[k] != pid)
		k++;
	return k;
}

int report_figure_timeline(struct report *r)
{
	const struct run_folder *run = r->run;
	struct text_buffer script, explanation;
	struct timeline_view v;
	char label[PLOT_LABEL_SIZE];
	size_t partial = 0, left_out = 0;
	FILE *data;

	if (!run->ntimeline_rows) {
		document_heading(r->doc, "Connections over time");
		document_paragraph(r->doc, "timeline.csv holds no interval: nothing to plot.");
		return 0;
	}
	if (timeline_view(run, &v, r->err))
		return -1;
	data = report_figure_data(r, "timeline");
	if (!data) {
		free(v.pids);
		return -1;
	}
	/* One data block per process: midpoint (s), rate, the rate again when
	 * the interval is cut short (the marker), NaN otherwise. */
	for (size_t k = 0; k < v.npids; k++) {
		for (size_t i = 0; i < run->ntimeline_rows; i++) {
			const struct timeline_row *t = &run->timeline_rows[i];
			double rate = timeline_rate(t->connections, t->start_ms, t->end_ms);
			/* only the last is cut short; a sample late or early mid-run
			 * (a busy machine) makes an interval of another length, whose
			 * rate is over its own length like any other */
			bool last = t->end_ms == v.last_end_ms;
			bool cut = last && timeline_interval_partial(t->start_ms, t->end_ms, v.interval_ms);

			if (t->pid != v.pids[k])
				continue;
			if (last && !timeline_interval_plotted(t->start_ms, t->end_ms, v.interval_ms)) {
				left_out += k == 0;
				continue;
			}
			partial += cut && k == 0;
			fprintf(data, "%.3f\t", (double)(t->start_ms + t->end_ms) / 2000.0);
			plot_data_value(data, rate, 3);
			fputc('\t', data);
			plot_data_value(data, cut ? rate : NAN, 3);
			fputc('\n', data);
		}
		fputs("\n\n", data);
	}
	if (plot_data_close(r->plots, data, r->err) || report_open_figure(r, &script, &explanation)) {
		free(v.pids);
		return -1;
	}
	fprintf(script.stream,
		"set datafile missing 'NaN'\n"
		"set xlabel 'time since the load started (s)'\n"
		"set xtics %g\n"
		"set ylabel 'connections/s'\n"
		"set grid\n"
		"set xrange [0:%.3f]\n"
		"set yrange [0:*]\n"
		"%s"
		"plot ", axis_tic_step((double)v.last_end_ms / 1000.0, 6), (double)v.last_end_ms / 1000.0,
		v.npids > LEGEND_MAX_SERIES ? "unset key\n" : "set key top horizontal outside center samplen 2 width -1\n");
	for (size_t k = 0; k < v.npids; k++)
		fprintf(script.stream, "%s'report-timeline.dat' index %zu using 1:2 with linespoints lt %zu lw 1.5 "
			"title '%s'", k ? ", \\\n     " : "", k, k % 8 + 1,
			report_pid_label(run, v.pids[k], label, sizeof(label)));
	if (partial)
		fprintf(script.stream, ", \\\n     for [k=0:%zu] 'report-timeline.dat' index k using 1:3 with points "
			"pt 6 ps 2 lc rgb 'black' title (k == 0 ? 'cut-short interval' : '')", v.npids - 1);
	fputs("\n", script.stream);
	fprintf(explanation.stream,
		"Connections per second each worker took, per %llu ms interval of timeline.csv "
		"(plotted at the interval's midpoint): lines close together mean steady sharing, a "
		"line near zero a worker left out.", (unsigned long long)v.interval_ms);
	if (partial)
		fprintf(explanation.stream, " The circled last interval was cut short by the load's "
			"end: its rate is over its own length.");
	if (left_out)
		fprintf(explanation.stream, " The last interval, shorter than half an interval, is "
			"left out (its rate would be noise).");
	free(v.pids);
	return report_finish_figure(r, "timeline", "Connections over time", REPORT_FIGURE_WIDTH,
				    REPORT_FIGURE_HEIGHT,
				    &script, &explanation);
}

/* One heat map of report-NAME.dat: per interval (but a cut-short last one)
 * and process, its midpoint (s), row, width (s) and WASTED ? wasted
 * listener wakeups : connections, per nominal interval. Nothing drawn (0)
 * when every cell is 0 and SKIP_ZEROS. */
static int heatmap(struct report *r, const struct timeline_view *v, const char *name, const char *heading,
		   bool wasted, bool skip_zeros, const char *what, const char *short_what, const char *meaning)
{
	const struct run_folder *run = r->run;
	struct text_buffer script, explanation;
	char label[PLOT_LABEL_SIZE];
	int height = HEATMAP_FRAME_PX + HEATMAP_ROW_PX * (int)v->npids;
	uint64_t sum = 0;
	double most = 0, scaled;
	size_t cells = 0;
	FILE *data = report_figure_data(r, name);

	if (!data)
		return -1;
	for (size_t i = 0; i < run->ntimeline_rows; i++) {
		const struct timeline_row *t = &run->timeline_rows[i];
		uint64_t value = wasted ? t->wasted_wakeups : t->connections;

		if (t->end_ms == v->last_end_ms &&
		    timeline_interval_partial(t->start_ms, t->end_ms, v->interval_ms))
			continue;
		/* per a nominal interval: one that a busy machine sampled late counts no more */
		scaled = timeline_rate(value, t->start_ms, t->end_ms) * (double)v->interval_ms / 1000.0;
		fprintf(data, "%.3f\t%zu\t%.3f\t", (double)(t->start_ms + t->end_ms) / 2000.0,
			row_of(v, t->pid), (double)(t->end_ms - t->start_ms) / 1000.0);
		plot_data_value(data, scaled, 1);
		fputc('\n', data);
		sum += value;
		most = scaled > most ? scaled : most;
		cells++;
	}
	if (plot_data_close(r->plots, data, r->err))
		return -1;
	if (!cells || (skip_zeros && !sum))
		return 0;
	if (report_open_figure(r, &script, &explanation))
		return -1;
	fprintf(script.stream,
		"set xlabel 'time since the load started (s)'\n"
		"set xtics %g\n"
		"set cblabel '%s/%llu ms'\n"
		"set cbtics %g\n"
		"set palette defined (0 '#440154', 1 '#3b528b', 2 '#21918c', 3 '#5ec962', 4 '#fde725')\n"
		"set cbrange [0:*]\n"
		"set xrange [0:%.3f]\n"
		"set yrange [%zu.5:-0.5]\n"
		"unset key\n"
		"set tics out\n"
		"set ytics nomirror\n"
		"set xtics nomirror\n"
		"set rmargin 10\n"
		"set ytics (", axis_tic_step((double)v->last_end_ms / 1000.0, 4), short_what, (unsigned long long)v->interval_ms, axis_tic_step(most, 4),
		(double)v->last_end_ms / 1000.0,
		v->npids - 1);
	for (size_t k = 0; k < v->npids; k++)
		fprintf(script.stream, "%s'%s' %zu", k ? ", " : "",
			report_pid_label(run, v->pids[k], label, sizeof(label)), k);
	fprintf(script.stream, ")\n"
		"plot 'report-%s.dat' using 1:2:($3/2):(0.5):4 with boxxyerror fs solid 1.0 noborder "
		"lc palette\n", name);
	fprintf(explanation.stream, "%s per worker (row) and %llu ms interval (column; one of another "
		"length, sampled late or early on a busy machine, scaled to %llu ms): %s The "
		"colour scale runs from dark (none) to light (many), readable in grey; the cut-short last "
		"interval is left out.", what, (unsigned long long)v->interval_ms,
		(unsigned long long)v->interval_ms, meaning);
	return report_finish_figure(r, name, heading, REPORT_FIGURE_WIDTH,
				    height < HEATMAP_MAX_PX ? height : HEATMAP_MAX_PX,
				    &script, &explanation);
}

int report_figures_heatmap(struct report *r)
{
	struct timeline_view v;
	int result;

	if (!r->run->ntimeline_rows)
		return 0;   /* the timeline said why */
	if (timeline_view(r->run, &v, r->err))
		return -1;
	result = heatmap(r, &v, "heatmap-connections", "Connections per worker over time (heat map)", false,
			 false, "connections", "conn.", "a dark row is a worker left out, a dark column a stall of all.");
	if (!result)
		result = heatmap(r, &v, "heatmap-wasted", "Wasted listener wakeups over time (heat map)", true,
				 true, "wasted wakeups", "wasted", "listener rounds that found nothing to accept "
				 "(listener_wasted): the herd, per worker and moment.");
	free(v.pids);
	return result;
}
