// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* `testbed report` as a library call: report_write() loads a run folder,
 * assembles its document top to bottom (the run described, the headline
 * numbers, the figures, the process table) and writes report.md and
 * report.html into the folder. The figures themselves are drawn in
 * report_figures.c, the metric formulas are in metrics.c, and the command
 * line (arguments, messages, exit codes) is in user/analysis_commands.c:
 * nothing here prints or exits. See report.h. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "atomic_file.h"
#include "document.h"
#include "metrics.h"
#include "plot.h"
#include "report.h"
#include "report_figures.h"
#include "wake_order_figure.h"
#include "run_folder.h"
#include "util.h"

static void add_headline(struct report *r)
{
	const struct summary_row *s = &r->run->summary_row;
	static const char *const head[] = { "figure", "value", "meaning" };
	struct text_table *t = text_table_new(head, 3);

	if (!t) {
		document_table(r->doc, NULL);
		return;
	}
	text_table_add(t, "Jain index");
	text_table_add(t, "%s", number_text(s->jain_index, 4).text);
	text_table_add(t, "fairness of connections over workers: 1 = equal, 1/%s = one takes all",
		       number_text(s->workers, 0).text);
	text_table_add(t, "CoV");
	text_table_add(t, "%s", number_text(s->cov, 4).text);
	text_table_add(t, "coefficient of variation of per-worker connections (0 = equal)");
	text_table_add(t, "max share");
	text_table_add(t, "%s", number_text(s->max_share, 4).text);
	text_table_add(t, "the busiest worker's share of the connections");
	text_table_add(t, "herd factor");
	text_table_add(t, "%s", number_text(s->herd_factor, 3).text);
	text_table_add(t, "listener wakeups per accepted connection (1 = no herd)");
	text_table_add(t, "wasted-wakeup ratio");
	text_table_add(t, "%s", number_text(s->wasted_wakeup_ratio, 3).text);
	text_table_add(t, "listener wakeups that found nothing to accept");
	text_table_add(t, "throughput (conn/s)");
	text_table_add(t, "%s", number_text(s->throughput_cps, 1).text);
	text_table_add(t, "%s connections completed in %s s",
		       number_text(s->connections_completed, 0).text, number_text(s->duration_s, 3).text);
	text_table_add(t, "client latency p50 / p99 (µs)");
	text_table_add(t, "%s / %s", number_text(s->latency_p50_us, 1).text,
		       number_text(s->latency_p99_us, 1).text);
	text_table_add(t, "p99.9 %s µs, max %s µs", number_text(s->latency_p999_us, 1).text,
		       number_text(s->latency_max_us, 1).text);
	if (!isnan(s->dispatch_delay_p99_us)) {
		text_table_add(t, "dispatch delay p50 / p99 (µs)");
		text_table_add(t, "%s / %s", number_text(s->dispatch_delay_p50_us, 1).text,
			       number_text(s->dispatch_delay_p99_us, 1).text);
		text_table_add(t, "master's accept to the worker's first read; max %s µs",
			       number_text(s->dispatch_delay_max_us, 1).text);
	}
	if (!isnan(s->accept_queue_delay_p99_us)) {
		text_table_add(t, "accept-queue delay p50 / p99 (µs)");
		text_table_add(t, "%s / %s", number_text(s->accept_queue_delay_p50_us, 1).text,
			       number_text(s->accept_queue_delay_p99_us, 1).text);
		text_table_add(t, "handshake complete to accept(); max %s µs",
			       number_text(s->accept_queue_delay_max_us, 1).text);
	}
	if (s->pool_threads > 0) {
		text_table_add(t, "pool utilisation");
		text_table_add(t, "%s", number_text(s->pool_utilisation, 3).text);
		text_table_add(t, "share of the pool threads' time spent in jobs (--threads %s); %s jobs",
			       number_text(s->pool_threads, 0).text, number_text(s->pool_jobs, 0).text);
		text_table_add(t, "pool queue wait p50 / p99 (µs)");
		text_table_add(t, "%s / %s", number_text(s->pool_queue_wait_p50_us, 1).text,
			       number_text(s->pool_queue_wait_p99_us, 1).text);
		text_table_add(t, "job queued to started; max %s µs; futex wakeups %s, wasted %s",
			       number_text(s->pool_queue_wait_max_us, 1).text,
			       number_text(s->pool_futex_wakeups, 0).text,
			       number_text(s->pool_wasted_futex_wakeups, 0).text);
	}
	text_table_add(t, "lost connections");
	text_table_add(t, "%s", number_text(s->connections_lost, 0).text);
	text_table_add(t, "refused %s, reset %s, timed out %s (other errors %s)",
		       number_text(s->connections_refused, 0).text, number_text(s->connections_reset, 0).text,
		       number_text(s->connections_timed_out, 0).text, number_text(s->connection_errors, 0).text);
	text_table_add(t, "event drops");
	text_table_add(t, "%s", number_text(s->event_drops, 0).text);
	text_table_add(t, "ring-buffer records lost (0 = every delay counted)");
	if (s->worker_restarts > 0) {
		text_table_add(t, "worker restarts");
		text_table_add(t, "%s", number_text(s->worker_restarts, 0).text);
		text_table_add(t, "workers started to replace one that died");
	}
	document_heading(r->doc, "Headline numbers");
	document_table(r->doc, t);
}

static void add_workers_table(struct report *r)
{
	const struct run_folder *run = r->run;
	static const char *const head[] = {
		"process", "pid", "connections", "share", "listener wakeups", "wasted",
		"accept EAGAIN", "on-CPU ms", "run-queue wait ms",
	};
	struct text_table *t = text_table_new(head, ARRAY_SIZE(head));
	char label[PLOT_LABEL_SIZE];

	document_heading(r->doc, "Processes (workers.csv)");
	for (size_t i = 0; t && i < run->nworker_rows; i++) {
		const struct worker_row *w = &run->worker_rows[i];
		uint64_t connections = connections_taken(w->accepted, w->fds_received);
		uint64_t wakeups = poll_wakeups(w->wakeups_accept, w->wakeups_poll);

		text_table_add(t, "%s", report_process_label(run, w, label, sizeof(label)));
		text_table_add(t, "%llu", (unsigned long long)w->pid);
		text_table_add(t, "%llu", (unsigned long long)connections);
		text_table_add(t, "%s", number_text(w->share, 4).text);
		text_table_add(t, "%llu", (unsigned long long)wakeups);
		text_table_add(t, "%llu", (unsigned long long)w->wasted_wakeups);
		text_table_add(t, "%llu", (unsigned long long)w->accept_eagain);
		text_table_add(t, "%.1f", (double)w->oncpu_ns / 1e6);
		text_table_add(t, "%.1f", (double)w->runq_wait_ns / 1e6);
	}
	document_table(r->doc, t);
}

static const char *meta_or(const struct run_folder *run, const char *key, const char *fallback)
{
	const char *value = run_folder_meta(run, key);

	return value && *value ? value : fallback;
}

/* What ran, where and when; the schema is the folder's own (meta.csv), not
 * this testbed's. Warnings for an interrupted run or dropped records. */
static void add_run_description(struct report *r)
{
	const struct run_folder *run = r->run;
	const struct summary_row *s = &run->summary_row;

	document_paragraph(r->doc,
			   "Run folder %s: %s. Started %s; load window %s s; client connections %s; kernel %s "
			   "on %s (%s CPUs); testbed %s, CSV schema %s.",
			   run->dir, meta_or(run, "command_line", "command line unknown"),
			   meta_or(run, "start_time", "(unknown)"), number_text(s->duration_s, 3).text,
			   meta_or(run, "connections", "?"), s->kernel, meta_or(run, "cpu_model", "?"),
			   meta_or(run, "nproc", "?"), meta_or(run, "testbed_version", "?"),
			   meta_or(run, "schema_version", "?"));
	if (!strcmp(s->interrupted, "yes"))
		document_paragraph(r->doc, "Warning: this run was interrupted (Ctrl-C or SIGTERM); "
				   "its numbers cover a shorter window than asked for.");
	if (s->event_drops > 0)
		document_paragraph(r->doc, "Warning: %s ring-buffer records were dropped; delay "
				   "histograms miss those connections.", number_text(s->event_drops, 0).text);
}

static int write_document(struct report *r, const char *name,
			  int (*render)(const struct document *, FILE *))
{
	struct atomic_file *f = atomic_file_open(r->run->dir, name, r->err);

	if (!f)
		return -1;
	if (render(r->doc, atomic_file_stream(f))) {
		error_message_set(r->err, "%s/%s: cannot write: out of memory or I/O error",
				  r->run->dir, name);
		atomic_file_abort(f);
		return -1;
	}
	return atomic_file_commit(f, r->err);
}

/* An empty document titled after the run; NULL when out of memory. */
static struct document *new_document(const struct run_folder *run)
{
	const struct summary_row *s = &run->summary_row;
	char title[256];

	snprintf(title, sizeof(title), "testbed report: %s (policy %s), %s workers, Linux %s",
		 s->scenario, s->policy, number_text(s->workers, 0).text, s->kernel);
	return document_new(title);
}

int report_write_formats(const char *run_dir, unsigned formats, unsigned *figures,
			 struct error_message *err)
{
	struct report r = { .err = err, .formats = formats };
	struct run_folder *run = NULL;
	int result = -1;

	/* gnuplot first: without it nothing below can finish. */
	if (plot_find_gnuplot(err) || run_folder_load(run_dir, RUN_FOLDER_ALL, &run, err))
		return -1;
	r.run = run;
	r.doc = new_document(run);
	if (!r.doc) {
		error_message_set(err, "out of memory");
		goto out;
	}
	r.plots = plot_dir_new(err);
	if (!r.plots)
		goto out;
	add_run_description(&r);
	add_headline(&r);
	if (report_figure_connections(&r) || report_figure_timeline(&r) || report_figures_heatmap(&r) ||
	    report_figure_wakeups(&r) || report_figures_latency(&r) || report_figure_pool(&r) ||
	    report_figure_wake_order(&r))
		goto out;
	add_workers_table(&r);
	if (write_document(&r, "report.md", document_write_markdown) ||
	    write_document(&r, "report.html", document_write_html))
		goto out;
	if (figures)
		*figures = r.figures;
	result = 0;
out:
	plot_dir_free(r.plots);
	document_free(r.doc);
	run_folder_free(run);
	return result;
}

int report_write(const char *run_dir, unsigned *figures, struct error_message *err)
{
	return report_write_formats(run_dir, PLOT_DEFAULT_FORMATS, figures, err);
}
