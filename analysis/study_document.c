// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* study.md, study.html and study.svg of `testbed study`: the claim (quoted,
 * its source and setup, the rule fixed before the runs), the measured numbers
 * (median and range over the repeats, the setup here, the run folders) and
 * the verdict the study's rule gave. Renders what it is handed: the numbers
 * come from study.c, the runs from the command (user/study.c); nothing here
 * runs, judges or prints. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "document.h"
#include "plot.h"
#include "study.h"
#include "util.h"

/* "3.79 [3.61-3.88]", or "n/a" when not run. */
static void add_spread_cell(struct text_table *t, const struct spread *s, int decimals)
{
	if (!s->n)
		text_table_add(t, "n/a");
	else if (s->n == 1)
		text_table_add(t, "%s", number_text(s->median, decimals).text);
	else
		text_table_add(t, "%s [%s-%s]", number_text(s->median, decimals).text,
			       number_text(s->min, decimals).text, number_text(s->max, decimals).text);
}

static bool measured(const struct study_result *r)
{
	for (size_t m = 0; m < METRIC_COUNT; m++)
		if (r->metric[m].n)
			return true;
	return false;
}

/* "SCENARIO ARGS..." as run (with {half-duration} filled in), without what
 * every run of a study gets (--duration, --out). */
static const char *run_arguments(const struct study_run *r, double duration_s, char *out, size_t size)
{
	size_t used = (size_t)snprintf(out, size, "%s", r->scenario);

	for (size_t i = 0; i < r->nargs && used < size; i++) {
		char half[32];

		used += (size_t)snprintf(out + used, size - used, " %s",
					 study_run_argument(r, i, duration_s, half, sizeof(half)));
	}
	return out;
}

/* One row per measured configuration, the study's metrics as columns. */
static struct text_table *measured_table(const struct study_definition *def, double duration_s,
					 const struct study_result *results, size_t n)
{
	const char *headers[4 + METRIC_COUNT] = { "configuration", "testbed run", "workers", "clients" };
	size_t columns = 4;
	struct text_table *t;

	for (size_t m = 0; m < METRIC_COUNT; m++)
		if (def->metrics & METRIC_BIT(m))
			headers[columns++] = study_metric_info[m].name;
	t = text_table_new(headers, columns);
	for (size_t i = 0; t && i < n; i++) {
		const struct study_run *r = results[i].run;
		char arguments[512];

		if (!measured(&results[i]))
			continue;
		text_table_add(t, "%s", r->label);
		text_table_add(t, "%s", run_arguments(r, duration_s, arguments, sizeof(arguments)));
		text_table_add(t, "%s", r->workers ? number_text(r->workers, 0).text : "default");
		text_table_add(t, "%s", r->connections ? number_text(r->connections, 0).text : "default");
		for (size_t m = 0; m < METRIC_COUNT; m++)
			if (def->metrics & METRIC_BIT(m))
				add_spread_cell(t, &results[i].metric[m], study_metric_info[m].decimals);
	}
	return t;
}

static struct text_table *folders_table(const struct study_result *results, size_t n,
					char *const *run_dirs, unsigned repeat)
{
	static const char *const headers[] = { "configuration", "run folders" };
	struct text_table *t = text_table_new(headers, 2);

	for (size_t i = 0; t && i < n; i++) {
		char list[2048] = "";
		size_t used = 0;

		for (unsigned k = 0; k < repeat && used < sizeof(list); k++) {
			const char *dir = run_dirs[i * repeat + k];

			if (dir)
				used += snprintf(list + used, sizeof(list) - used, "%s%s", used ? " " : "", dir);
		}
		text_table_add(t, "%s", results[i].run->label);
		text_table_add(t, "%s", used ? list : "(skipped or failed)");
	}
	return t;
}

/* Bars of the figure metric's median per configuration, min-max whiskers. */
static int add_figure(struct document *doc, const char *dir, const struct study_definition *def,
		      const struct study_result *results, size_t n, struct error_message *err)
{
	const struct study_metric_info *m = &study_metric_info[def->figure_metric];
	struct plot_dir *plots = plot_dir_new(err);
	char label[PLOT_LABEL_SIZE], *script = NULL, *svg = NULL, alt[128];
	struct text_buffer script_text;
	size_t svg_length, bars = 0;
	int result = -1;
	FILE *data;

	if (!plots)
		return -1;
	data = plot_data_create(plots, "study.dat", err);
	if (!data)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const struct spread *s = &results[i].metric[def->figure_metric];

		if (!s->n)
			continue;
		fprintf(data, "\"%s\"", plot_label(results[i].run->label, label, sizeof(label)));
		for (size_t k = 0; k < 3; k++) {
			fputc('\t', data);
			plot_data_value(data, k == 0 ? s->median : k == 1 ? s->min : s->max, 6);
		}
		fputc('\n', data);
		bars++;
	}
	if (plot_data_close(plots, data, err))
		goto out;
	if (!bars) {
		document_paragraph(doc, "No configuration was measured: no figure.");
		result = 0;
		goto out;
	}
	if (!text_buffer_open(&script_text)) {
		error_message_set(err, "out of memory");
		goto out;
	}
	fprintf(script_text.stream,
		"set datafile missing 'NaN'\n"
		"set title '%s per configuration: median, whiskers min-max over the repeats'\n"
		"set style fill solid 0.6 border -1\n"
		"set boxwidth 0.6\n"
		"set grid ytics\n"
		"unset key\n"
		"set xrange [-0.6:%zu.4]\n"
		"set yrange [0:*]\n"
		"set xtics rotate by -35\n"
		"set ylabel '%s'\n"
		"plot 'study.dat' using 0:2:xtic(1) with boxes lc rgb '#4c72b0', \\\n"
		"     '' using 0:2:3:4 with yerrorbars lc rgb 'black' pt 0\n",
		m->name, bars - 1, m->name);
	script = text_buffer_close(&script_text);
	if (!script) {
		error_message_set(err, "out of memory");
		goto out;
	}
	if (plot_render(plots, "study", bars > 12 ? 60 * (int)bars : 900, 520, script, &svg, &svg_length, err) ||
	    atomic_file_write(dir, "study.svg", svg, svg_length, err))
		goto out;
	snprintf(alt, sizeof(alt), "%s per configuration", m->name);
	document_figure(doc, "study.svg", svg, svg_length, alt);
	result = 0;
out:
	free(script);
	free(svg);
	plot_dir_free(plots);
	return result;
}

static int write_rendered(const char *dir, const char *name, const struct document *doc,
			  int (*render)(const struct document *, FILE *), struct error_message *err)
{
	struct atomic_file *f = atomic_file_open(dir, name, err);

	if (!f)
		return -1;
	if (render(doc, atomic_file_stream(f))) {
		error_message_set(err, "%s/%s: cannot write: out of memory or I/O error", dir, name);
		atomic_file_abort(f);
		return -1;
	}
	return atomic_file_commit(f, err);
}

int study_write_document(const char *dir, const struct study_definition *def,
			 const struct study_setup *setup, const struct study_result *results,
			 char *const *run_dirs, const struct study_outcome *outcome,
			 struct error_message *err)
{
	char title[128];
	struct document *doc;
	int result = -1;

	snprintf(title, sizeof(title), "testbed study: %s", def->name);
	doc = document_new(title);
	if (!doc) {
		error_message_set(err, "out of memory");
		return -1;
	}
	document_heading(doc, "Claim");
	document_paragraph(doc, "%s", def->claim);
	document_paragraph(doc, "Source: %s.", def->source);
	document_paragraph(doc, "Original setup: %s", def->original_setup);
	document_paragraph(doc, "Reproduced here means (fixed in the study's definition before the runs): %s",
			   def->expected);

	document_heading(doc, "Measured");
	document_paragraph(doc, "Here: Linux %s, %u CPUs; each configuration run %u times, %s s of load each%s%s.",
			   setup->kernel, setup->cpus, setup->repeat, number_text(setup->duration_s, 1).text,
			   setup->shortened ? " -- shortened from the study's defaults (--duration/--repeat): "
					      "a quick look, not the study" : "",
			   setup->max_workers ? "; configurations with more workers than --max-workers skipped" : "");
	document_paragraph(doc, "Median over the repeats, [min-max] when more than one.");
	document_table(doc, measured_table(def, setup->duration_s, results, def->nruns));
	if (add_figure(doc, dir, def, results, def->nruns, err))
		goto out;
	document_heading(doc, "Run folders");
	document_table(doc, folders_table(results, def->nruns, run_dirs, setup->repeat));

	document_heading(doc, "Verdict");
	document_paragraph(doc, "%s.", study_verdict_name(outcome->verdict));
	document_paragraph(doc, "Why: %s", outcome->why);
	if (setup->shortened && outcome->verdict != VERDICT_NO_DATA)
		document_paragraph(doc, "This was a shortened study: run it with the defaults before quoting "
				   "the verdict.");
	if (write_rendered(dir, "study.md", doc, document_write_markdown, err) ||
	    write_rendered(dir, "study.html", doc, document_write_html, err))
		goto out;
	result = 0;
out:
	document_free(doc);
	return result;
}
