// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The figures of `testbed report`, one function each: connections per
 * worker, listener wakeups against connections (the herd), a latency CDF
 * per latency.csv metric, thread-pool utilisation (the timeline and heat
 * maps are report_timeline.c's), and what they share: add_figure() and the
 * bar style. Each writes its gnuplot data (report-NAME.dat) and script, has
 * plot.c render them, keeps report-NAME.gp/.dat/.svg (and .pdf, .png) in the
 * run folder and adds the figure with a one-line explanation to the
 * document. Figures carry no title of their own: the heading above them
 * (or a paper's caption) names them. No metric formula is computed here (they are
 * in metrics.c) and nothing else of the report: the run description, the
 * headline and process tables and writing report.md/report.html are in
 * report.c. See report_figures.h. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "common.h"
#include "document.h"
#include "metrics.h"
#include "plot.h"
#include "presentation.h"
#include "report_figures.h"
#include "run_folder.h"
#include "util.h"

/* Per-process CDF lines up to this many processes; beyond, only the merged line. */
#define CDF_MAX_PROCESSES 16
/* One figure each; a file with more metrics is hostile or from the future. */
#define LATENCY_MAX_METRICS 8

static bool is_role(const char *role, const char *name)
{
	return !strcmp(role, name);
}

const char *report_process_label(const struct run_folder *run, const struct worker_row *w,
				 char *out, size_t size)
{
	size_t same_slot = 0;
	char role[PLOT_LABEL_SIZE];

	if (w->worker_index < 0) {
		snprintf(out, size, "%s", plot_label(w->role, role, sizeof(role)));
		return out;
	}
	for (size_t i = 0; i < run->nworker_rows; i++)
		same_slot += run->worker_rows[i].worker_index == w->worker_index;
	if (same_slot > 1)
		snprintf(out, size, "worker %lld (pid %llu)", (long long)w->worker_index,
			 (unsigned long long)w->pid);
	else
		snprintf(out, size, "worker %lld", (long long)w->worker_index);
	return out;
}

/* A process by pid; or a thread by tid (pool_queue_wait names pool threads). */
const char *report_pid_label(const struct run_folder *run, uint64_t pid, char *out, size_t size)
{
	char owner[PLOT_LABEL_SIZE];

	for (size_t i = 0; i < run->nworker_rows; i++)
		if (run->worker_rows[i].pid == pid)
			return report_process_label(run, &run->worker_rows[i], out, size);
	for (size_t i = 0; i < run->nthread_rows; i++)
		if (run->thread_rows[i].tid == pid && run->thread_rows[i].pid != pid) {
			snprintf(out, size, "%s / tid %llu",
				 report_pid_label(run, run->thread_rows[i].pid, owner, sizeof(owner)),
				 (unsigned long long)pid);
			return out;
		}
	snprintf(out, size, "pid %llu", (unsigned long long)pid);
	return out;
}

/* A clustered bar chart's tick labels go under the middle of each cluster,
 * not under one of its bars: "set xtics ('worker 0' 0, ...)". LABEL is ours
 * (plot_label'ed where it came from a file), so it holds no quote. */
static void add_xtic(FILE *xtics, size_t index, const char *label)
{
	fprintf(xtics, "%s'%s' %zu", index ? ", " : "set xtics (", label, index);
}

/* Room above the highest bar for its label: more for an upright one. */
static double bar_headroom(size_t n)
{
	return n > 8 ? 0.3 : 0.14;
}

/* The frame of a chart with a pair of bars for each of N processes (bars
 * at x-0.2 and x+0.2, 0.35 wide): filled bars, a horizontal grid, the key
 * above, x centred on the N pairs, y from 0 with room for the value labels;
 * XTICS names the pairs (see add_xtic), turned when many. */
static void bar_pairs_frame(FILE *script, size_t n, const char *xtics)
{
	fprintf(script,
		"set style fill solid 0.85 border -1\n"
		"set grid ytics\n"
		"set key top horizontal outside center samplen 2 width -1\n"
		"set xrange [-0.6:%zu.6]\n"
		"set yrange [0:*]\n"
		"set offsets 0, 0, graph %.2f, 0\n"
		"%s%s", n - 1, bar_headroom(2 * n), xtics, n > 6 ? "set xtics rotate by -35\n" : "");
}

const char *report_bar_labels(size_t n)
{
	/* a number over every bar, the smallest too; turned when bars are many */
	return n > 8 ? "rotate by 90 left offset 0,0.3 notitle" : "offset 0,0.6 notitle";
}

int report_bars_width(size_t n)
{
	return n <= 12 ? REPORT_FIGURE_WIDTH : REPORT_FIGURE_WIDTH + 40 * (int)(n - 12);
}

int report_add_figure(struct report *r, const char *name, const char *heading, int width, int height,
		      const char *script, const char *explanation)
{
	char plot_name[128], file[160];
	char *svg;
	size_t length;
	int result;

	snprintf(plot_name, sizeof(plot_name), "report-%s", name);
	if (plot_render(r->plots, plot_name, width, height, script, &svg, &length, r->err))
		return -1;
	snprintf(file, sizeof(file), "%s.svg", plot_name);
	result = plot_keep(r->plots, plot_name, r->formats | PLOT_SVG, r->run->dir, r->err);
	if (!result) {
		document_heading(r->doc, "%s", heading);
		document_figure(r->doc, file, svg, length, heading);
		document_paragraph(r->doc, "%s", explanation);
		r->figures++;
	}
	free(svg);
	return result;
}

FILE *report_figure_data(struct report *r, const char *name)
{
	char file[160];

	snprintf(file, sizeof(file), "report-%s.dat", name);
	return plot_data_create(r->plots, file, r->err);
}

int report_finish_figure(struct report *r, const char *name, const char *heading, int width, int height,
			 struct text_buffer *script, struct text_buffer *explanation)
{
	char *script_text = text_buffer_close(script);
	char *explanation_text = text_buffer_close(explanation);
	int result = -1;

	if (script_text && explanation_text)
		result = report_add_figure(r, name, heading, width, height, script_text, explanation_text);
	else
		error_message_set(r->err, "out of memory");
	free(script_text);
	free(explanation_text);
	return result;
}

int report_open_figure(struct report *r, struct text_buffer *script, struct text_buffer *explanation)
{
	if (!text_buffer_open(script))
		goto no_memory;
	if (!text_buffer_open(explanation)) {
		free(text_buffer_close(script));
		goto no_memory;
	}
	return 0;
no_memory:
	error_message_set(r->err, "out of memory");
	return -1;
}

/* Figure 1: each worker's connections, the fair share as a line. */
int report_figure_connections(struct report *r)
{
	const struct run_folder *run = r->run;
	const struct summary_row *s = &run->summary_row;
	struct text_buffer script, explanation;
	char label[PLOT_LABEL_SIZE];
	double total = 0, most = 0;
	size_t n = 0;
	FILE *data = report_figure_data(r, "connections");

	if (!data)
		return -1;
	for (size_t i = 0; i < run->nworker_rows; i++) {
		const struct worker_row *w = &run->worker_rows[i];
		uint64_t connections = connections_taken(w->accepted, w->fds_received);

		if (!is_role(w->role, "worker"))
			continue;
		fprintf(data, "\"%s\"\t%llu\n", report_process_label(run, w, label, sizeof(label)),
			(unsigned long long)connections);
		total += (double)connections;
		most = (double)connections > most ? (double)connections : most;
		n++;
	}
	if (plot_data_close(r->plots, data, r->err))
		return -1;
	if (!n) {
		document_heading(r->doc, "Connections per worker");
		document_paragraph(r->doc, "workers.csv lists no worker process: nothing to plot.");
		return 0;
	}
	if (report_open_figure(r, &script, &explanation))
		return -1;
	fprintf(script.stream,
		"set ylabel 'connections taken'\n"
		"set ytics %g\n"
		"set style fill solid 0.85 border -1\n"
		"set boxwidth 0.6\n"
		"set grid ytics\n"
		"set key top horizontal outside center samplen 2 width -1\n"
		"set xrange [-0.6:%zu.4]\n"
		"set yrange [0:*]\n"
		"set offsets 0, 0, graph %.2f, 0\n"
		"%s"
		"fair = %.6f\n"
		"plot 'report-connections.dat' using 0:2:xtic(1) with boxes lt 1 dt 1 title 'connections', \\\n"
		"     '' using 0:2:(sprintf('%%.0f', $2)) with labels %s, \\\n"
		"     fair with lines lt 7 dt 2 lw 2 title sprintf('fair share: %%.0f', fair)\n",
		axis_tic_step(most, 5), n - 1, bar_headroom(n), n > 6 ? "set xtics rotate by -35\n" : "",
		total / (double)n,
		report_bar_labels(n));
	fprintf(explanation.stream,
		"Connections each worker took (accepted, or received from the master); the dashed "
		"line is the fair share, %.0f connections over %zu worker processes = %.1f each. "
		"Jain index %s (1 = equal shares, 1/%zu = %.3f = one worker takes all), largest "
		"share %s.", total, n, total / (double)n, number_text(s->jain_index, 4).text, n,
		1.0 / (double)n, number_text(s->max_share, 4).text);
	return report_finish_figure(r, "connections", "Connections per worker", report_bars_width(n),
				    REPORT_FIGURE_HEIGHT, &script, &explanation);
}

/* Figure 3: per acceptor, connections next to poll-class wakeups split into
 * useful and wasted -- the thundering herd at a glance. */
int report_figure_wakeups(struct report *r)
{
	const struct run_folder *run = r->run;
	const struct summary_row *s = &run->summary_row;
	struct text_buffer script, explanation, xtics;
	char label[PLOT_LABEL_SIZE], *xtics_text;
	size_t n = 0;
	double most = 0;
	FILE *data = report_figure_data(r, "wakeups");

	if (!data)
		return -1;
	if (!text_buffer_open(&xtics)) {
		fclose(data);
		error_message_set(r->err, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < run->nworker_rows; i++) {
		const struct worker_row *w = &run->worker_rows[i];
		uint64_t wakeups = poll_wakeups(w->wakeups_accept, w->wakeups_poll);
		/* wasted counts the -EAGAIN accepts too: useful cannot go below 0 */
		uint64_t wasted = w->wasted_wakeups < wakeups ? w->wasted_wakeups : wakeups;

		if (!is_role(w->role, "worker") && !w->accepted && !wakeups)
			continue;
		fprintf(data, "%llu\t%llu\t%llu\n",
			(unsigned long long)connections_taken(w->accepted, w->fds_received),
			(unsigned long long)(wakeups - wasted), (unsigned long long)wasted);
		add_xtic(xtics.stream, n++, report_process_label(run, w, label, sizeof(label)));
		most = (double)wakeups > most ? (double)wakeups : most;
		most = (double)connections_taken(w->accepted, w->fds_received) > most ?
		       (double)connections_taken(w->accepted, w->fds_received) : most;
	}
	fputs(n ? ")\n" : "", xtics.stream);
	xtics_text = text_buffer_close(&xtics);
	if (plot_data_close(r->plots, data, r->err) || !xtics_text) {
		if (!xtics_text)
			error_message_set(r->err, "out of memory");
		free(xtics_text);
		return -1;
	}
	if (!n) {
		free(xtics_text);
		document_heading(r->doc, "Wakeups and connections");
		document_paragraph(r->doc, "workers.csv lists no acceptor: nothing to plot.");
		return 0;
	}
	if (report_open_figure(r, &script, &explanation)) {
		free(xtics_text);
		return -1;
	}
	fprintf(script.stream,
		"set ylabel 'count'\n"
		"set ytics %g\n", axis_tic_step(most, 5));
	bar_pairs_frame(script.stream, n, xtics_text);
	fprintf(script.stream,
		"plot 'report-wakeups.dat' using ($0-0.2):1:(0.35) with boxes lt 1 dt 1 title 'connections', \\\n"
		"     '' using ($0+0.2):($2+$3):(0.35) with boxes lt 4 dt 1 fs pattern 4 border -1 title 'wasted wakeups', \\\n"
		"     '' using ($0+0.2):2:(0.35) with boxes lt 2 dt 1 title 'useful wakeups', \\\n"
		"     '' using ($0-0.2):1:(sprintf('%%.0f', $1)) with labels %s, \\\n"
		"     '' using ($0+0.2):($2+$3):(sprintf('%%.0f', $2+$3)) with labels %s\n",
		report_bar_labels(2 * n), report_bar_labels(2 * n));
	free(xtics_text);
	fprintf(explanation.stream,
		"Per process: the connections it took (left) next to its accept- and poll-class "
		"sched_wakeups (for a server that also polls its clients' sockets, client I/O "
		"included) split into useful and wasted (woken, then asleep again or accept() "
		"-EAGAIN). Herd factor %s (wakeups a listening socket caused, per accepted "
		"connection; 1 = no herd), wasted-wakeup ratio %s.",
		number_text(s->herd_factor, 3).text, number_text(s->wasted_wakeup_ratio, 3).text);
	return report_finish_figure(r, "wakeups", "Wakeups and connections (the herd)", report_bars_width(2 * n),
				    REPORT_FIGURE_HEIGHT, &script, &explanation);
}

struct metric_words {
	const char *metric;
	const char *title;      /* figure title and heading */
	const char *meaning;    /* what one value is */
	const char *unit;       /* what is counted: requests, connections */
};

static const struct metric_words known_metrics[] = {
	{ "client_latency", "Client latency",
	  "connect start (or request send on a kept-alive connection) to the last response byte",
	  "requests" },
	{ "dispatch_delay", "Dispatch delay",
	  "the master's accept() returning to the receiving worker's first read of the connection",
	  "connections" },
	{ "accept_queue_delay", "Accept-queue delay",
	  "TCP handshake complete to the accept() that returned the connection", "connections" },
	{ "pool_queue_wait", "Pool queue wait",
	  "a job queued for the thread pool to a pool thread starting it", "jobs" },
	{ "runq_wait", "Run-queue wait",
	  "a thread woken or preempted to its getting a CPU (runqlat's measure, in power-of-two "
	  "buckets, so a percentile may read up to 2x high)", "run-queue waits" },
};

static struct metric_words words_for(const char *metric)
{
	for (size_t i = 0; i < ARRAY_SIZE(known_metrics); i++)
		if (!strcmp(known_metrics[i].metric, metric))
			return known_metrics[i];
	return (struct metric_words){ metric, metric, "values of this latency.csv metric", "values" };
}

/* One CDF line: (upper bound in µs, fraction at or below), with a starting
 * point at the first bucket's lower bound. */
static void write_cdf_block(FILE *data, const struct bucket_list *b)
{
	uint64_t seen = 0;

	if (b->buckets[0].lower_ns > 0)   /* log x: no point at 0 */
		fprintf(data, "%.3f\t0\n", (double)b->buckets[0].lower_ns / 1000.0);
	for (size_t i = 0; i < b->n; i++) {
		seen += b->buckets[i].count;
		if (i + 1 < b->n && b->buckets[i + 1].upper_ns == b->buckets[i].upper_ns)
			continue;
		fprintf(data, "%.3f\t%.6f\n", (double)b->buckets[i].upper_ns / 1000.0,
			(double)seen / (double)b->total);
	}
	fputs("\n\n", data);
}

static int by_number(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Figure 4 (one per metric): CDF of a latency.csv metric, merged and per process. */
static int figure_latency(struct report *r, const char *metric)
{
	const struct run_folder *run = r->run;
	struct metric_words words = words_for(metric);
	struct text_buffer script, explanation;
	struct bucket_list all, one;
	char name[96], data_name[112], heading[128], label[PLOT_LABEL_SIZE];
	int64_t *pids;
	size_t npids = 0, series = 0;
	FILE *data;

	if (latency_buckets(run, metric, -1, &all)) {
		error_message_set(r->err, "out of memory");
		return -1;
	}
	snprintf(heading, sizeof(heading), "%s CDF", words.title);
	if (!all.total) {
		free(all.buckets);
		return 0;     /* only empty buckets: nothing measured */
	}
	pids = calloc(run->nlatency_rows, sizeof(*pids));
	snprintf(name, sizeof(name), "latency-%s", metric);
	snprintf(data_name, sizeof(data_name), "report-%s.dat", name);
	data = pids ? plot_data_create(r->plots, data_name, r->err) : NULL;
	if (!data) {
		if (!pids)
			error_message_set(r->err, "out of memory");
		free(pids);
		free(all.buckets);
		return -1;
	}
	for (size_t i = 0; i < run->nlatency_rows; i++) {
		const struct latency_row *row = &run->latency_rows[i];
		size_t k = 0;

		if (strcmp(row->metric, metric) || row->pid < 0 || !row->count)
			continue;
		while (k < npids && pids[k] != row->pid)
			k++;
		if (k == npids)
			pids[npids++] = row->pid;
	}
	qsort(pids, npids, sizeof(*pids), by_number);
	write_cdf_block(data, &all);
	if (npids > 1 && npids <= CDF_MAX_PROCESSES) {
		for (size_t k = 0; k < npids; k++) {
			if (latency_buckets(run, metric, pids[k], &one))
				break;
			write_cdf_block(data, &one);
			free(one.buckets);
		}
	}
	if (plot_data_close(r->plots, data, r->err) || report_open_figure(r, &script, &explanation)) {
		free(pids);
		free(all.buckets);
		return -1;
	}
	fprintf(script.stream,
		"set xlabel '%s (µs, log scale)'\n"
		"set ylabel 'fraction ≤ x'\n"
		"set logscale x\n"
		"set yrange [0:1]\n"
		"set ytics 0.2\n"
		"set grid xtics mxtics ytics\n"
		"set key bottom right\n"
		"plot '%s' index 0 using 1:2 with steps lw 3 lc rgb 'black' dt 1 title '%s'",
		words.title, data_name, npids == 1 ? report_pid_label(run, (uint64_t)pids[0], label, sizeof(label)) : "all");
	if (npids > 1 && npids <= CDF_MAX_PROCESSES)
		for (size_t k = 0; k < npids; k++, series++)
			fprintf(script.stream, ", \\\n     '' index %zu using 1:2 with steps lt %zu lw 1.5 title '%s'",
				k + 1, k % 8 + 1, report_pid_label(run, (uint64_t)pids[k], label, sizeof(label)));
	fputs("\n", script.stream);
	fprintf(explanation.stream,
		"Fraction of the %llu %s measured that took at most x, from %s: p50 %s µs, "
		"p99 %s µs, p99.9 %s µs, the slowest at most %s µs (bucket upper bounds)%s.",
		(unsigned long long)all.total, words.unit, words.meaning,
		number_text(bucket_percentile_us(&all, 50), 1).text,
		number_text(bucket_percentile_us(&all, 99), 1).text,
		number_text(bucket_percentile_us(&all, 99.9), 1).text,
		number_text(bucket_percentile_us(&all, 100), 1).text,
		series ? "; thick line: all processes, thin: each process" : "");
	free(pids);
	free(all.buckets);
	return report_finish_figure(r, name, heading, REPORT_FIGURE_WIDTH, REPORT_FIGURE_HEIGHT, &script, &explanation);
}

/* Figure 4: one CDF per metric in latency.csv, known ones first. */
int report_figures_latency(struct report *r)
{
	const struct run_folder *run = r->run;
	const char *metrics[LATENCY_MAX_METRICS];
	size_t nmetrics = 0, skipped = 0;

	for (size_t i = 0; i < ARRAY_SIZE(known_metrics); i++)
		metrics[nmetrics++] = known_metrics[i].metric;
	for (size_t i = 0; i < run->nlatency_rows; i++) {
		const char *metric = run->latency_rows[i].metric;
		size_t k = 0;

		while (k < nmetrics && strcmp(metrics[k], metric))
			k++;
		if (k < nmetrics)
			continue;
		if (nmetrics == LATENCY_MAX_METRICS) {
			skipped++;
			continue;
		}
		metrics[nmetrics++] = metric;
	}
	for (size_t k = 0; k < nmetrics; k++)
		if (figure_latency(r, metrics[k]))
			return -1;
	if (skipped)
		document_paragraph(r->doc, "latency.csv holds more metrics than the %d plotted here.",
				   LATENCY_MAX_METRICS);
	return 0;
}

static int by_pid_then_tid(const void *a, const void *b)
{
	const struct thread_row *x = *(const struct thread_row *const *)a;
	const struct thread_row *y = *(const struct thread_row *const *)b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->tid > y->tid) - (x->tid < y->tid);
}

/* Figure 5: how busy each thread-pool thread was over the load window. */
int report_figure_pool(struct report *r)
{
	const struct run_folder *run = r->run;
	const struct summary_row *s = &run->summary_row;
	struct text_buffer script, explanation;
	const char *load_duration = run_folder_meta(run, "load_duration_s");
	double window_s = s->duration_s, busiest = 0, busy_sum = 0;
	struct text_buffer xtics;
	char label[PLOT_LABEL_SIZE], owner[PLOT_LABEL_SIZE], *xtics_text;
	const struct thread_row **pool;
	size_t n = 0, measured = 0;
	FILE *data;

	for (size_t i = 0; i < run->nthread_rows; i++)
		n += is_role(run->thread_rows[i].role, "pool");
	if (!n) {
		document_heading(r->doc, "Thread-pool utilisation");
		document_paragraph(r->doc, "No thread pool ran: threads.csv has no thread with role pool.");
		return 0;
	}
	if (!(window_s > 0) && load_duration)
		parse_double(load_duration, 0, 1e9, &window_s);
	if (!(window_s > 0)) {
		document_heading(r->doc, "Thread-pool utilisation");
		document_paragraph(r->doc, "The load window's length is unknown: no utilisation.");
		return 0;
	}
	pool = calloc(n, sizeof(*pool));
	if (!pool || !text_buffer_open(&xtics)) {
		error_message_set(r->err, "out of memory");
		free(pool);
		return -1;
	}
	data = report_figure_data(r, "pool");
	if (!data) {
		free(text_buffer_close(&xtics));
		free(pool);
		return -1;
	}
	/* by process, then thread: threads.csv lists them in hash order */
	for (size_t i = 0, k = 0; i < run->nthread_rows; i++)
		if (is_role(run->thread_rows[i].role, "pool"))
			pool[k++] = &run->thread_rows[i];
	qsort(pool, n, sizeof(*pool), by_pid_then_tid);
	for (size_t i = 0; i < n; i++) {
		const struct thread_row *t = pool[i];
		double busy = t->busy_share * 100.0;

		/* busy_share is the writer's own job_busy_ns / window; recompute
		 * only where a run wrote the time but not the share */
		if (isnan(busy) && !isnan(t->job_busy_ns))
			busy = 100.0 * pool_utilisation(t->job_busy_ns, 1, window_s);
		snprintf(label, sizeof(label), "%s / tid %llu",
			 report_pid_label(run, t->pid, owner, sizeof(owner)), (unsigned long long)t->tid);
		add_xtic(xtics.stream, i, label);
		plot_data_value(data, busy, 3);
		fprintf(data, "\t%.3f\n", 100.0 * (double)t->oncpu_ns / (window_s * 1e9));
		if (!isnan(busy)) {
			measured++;
			busy_sum += busy;
			busiest = busy > busiest ? busy : busiest;
		}
	}
	free(pool);
	fputs(")\n", xtics.stream);
	xtics_text = text_buffer_close(&xtics);
	if (plot_data_close(r->plots, data, r->err) || !xtics_text ||
	    report_open_figure(r, &script, &explanation)) {
		if (!xtics_text)
			error_message_set(r->err, "out of memory");
		free(xtics_text);
		return -1;
	}
	fprintf(script.stream,
		"set datafile missing 'NaN'\n"
		"set ylabel '%% of load window'\n"
		"set ytics %g\n", axis_tic_step(100, 5));
	bar_pairs_frame(script.stream, n, xtics_text);
	fprintf(script.stream,
		"plot 'report-pool.dat' using ($0-0.2):1:(0.35) with boxes lt 1 dt 1 title 'busy in jobs', \\\n"
		"     '' using ($0+0.2):2:(0.35) with boxes lt 2 dt 1 fs pattern 5 border -1 title 'on CPU', \\\n"
		"     '' using ($0-0.2):1:(sprintf('%%.1f', $1)) with labels %s, \\\n"
		"     '' using ($0+0.2):2:(sprintf('%%.1f', $2)) with labels %s\n",
		report_bar_labels(2 * n), report_bar_labels(2 * n));
	free(xtics_text);
	fprintf(explanation.stream,
		"Per pool thread: wall-clock time inside jobs (busy) and time on CPU, as a share of "
		"the %.3f s load window; mean busy %s %%, busiest %s %%. %s jobs; queue wait p50 %s µs, "
		"p99 %s µs: long waits with idle threads point at the queue's wakeups, not the "
		"threads.", window_s, number_text(measured ? busy_sum / (double)measured : NAN, 1).text,
		number_text(measured ? busiest : NAN, 1).text, number_text(s->pool_jobs, 0).text,
		number_text(s->pool_queue_wait_p50_us, 1).text, number_text(s->pool_queue_wait_p99_us, 1).text);
	return report_finish_figure(r, "pool", "Thread-pool utilisation per thread", report_bars_width(2 * n),
				    REPORT_FIGURE_HEIGHT, &script, &explanation);
}
