// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* `testbed compare` as a library call: loads the runs' summary rows, sorts
 * and names them, and renders them through one table of columns (header,
 * summary.csv name, precision, which value is best) into the Markdown table,
 * compare.csv and compare.svg. It computes no metric (every value is read
 * from summary.csv) and holds no command line: argument parsing, messages
 * and exit codes are in user/analysis_commands.c. See compare.h. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "atomic_file.h"
#include "compare.h"
#include "csv_write.h"
#include "plot.h"
#include "presentation.h"
#include "run_folder.h"
#include "util.h"

/* Which value of a column is the best one. */
enum best {
	BEST_NONE,      /* descriptive: workers */
	BEST_HIGHEST,   /* throughput, Jain index */
	BEST_LOWEST,    /* everything that measures cost, unfairness or loss */
};

/* A column of the table and of compare.csv. Text columns have a NULL
 * number_offset; "run" is neither and is filled from the labels. */
struct compare_column {
	const char *header;     /* in the Markdown table */
	const char *csv_name;   /* in compare.csv: summary.csv's name */
	size_t text_offset;     /* const char * in struct summary_row, or SIZE_MAX */
	size_t number_offset;   /* double in struct summary_row, or SIZE_MAX */
	int decimals;           /* shown; also what "equal" means for the best */
	int csv_decimals;
	enum best best;
};

#define TEXT(header, name) { header, #name, offsetof(struct summary_row, name), SIZE_MAX, 0, 0, BEST_NONE }
#define NUMBER(header, name, decimals, csv_decimals, best) \
	{ header, #name, SIZE_MAX, offsetof(struct summary_row, name), decimals, csv_decimals, best }

static const struct compare_column columns[] = {
	{ "run", "run", SIZE_MAX, SIZE_MAX, 0, 0, BEST_NONE },
	TEXT("scenario", scenario),
	TEXT("policy", policy),
	TEXT("kernel", kernel),
	NUMBER("workers", workers, 0, 0, BEST_NONE),
	NUMBER("throughput (conn/s)", throughput_cps, 1, 1, BEST_HIGHEST),
	NUMBER("Jain", jain_index, 4, 6, BEST_HIGHEST),
	NUMBER("CoV", cov, 4, 6, BEST_LOWEST),
	NUMBER("max share", max_share, 4, 6, BEST_LOWEST),
	/* lowest, not "closest to 1": below 1 means fewer wakeups than
	 * connections (a busy worker accepting several per wakeup), no herd */
	NUMBER("herd factor", herd_factor, 3, 6, BEST_LOWEST),
	NUMBER("wasted ratio", wasted_wakeup_ratio, 3, 6, BEST_LOWEST),
	NUMBER("p50 (us)", latency_p50_us, 1, 3, BEST_LOWEST),
	NUMBER("p99 (us)", latency_p99_us, 1, 3, BEST_LOWEST),
	NUMBER("lost", connections_lost, 0, 0, BEST_LOWEST),
	NUMBER("event drops", event_drops, 0, 0, BEST_LOWEST),
};

static double number_of(const struct run_folder *run, const struct compare_column *c)
{
	return *(const double *)((const char *)&run->summary_row + c->number_offset);
}

static const char *text_of(const struct run_folder *run, const struct compare_column *c)
{
	return *(const char *const *)((const char *)&run->summary_row + c->text_offset);
}

/* Values equal as shown are equally good: compare them at the shown precision. */
static double as_shown(double value, int decimals)
{
	return round(value * pow(10, decimals));
}

/* Marks the best cells of COLUMN when there is a choice: at least two
 * defined values that are not all equal. */
static void mark_best(struct text_table *t, struct run_folder *const *runs, size_t nruns,
		      size_t column)
{
	const struct compare_column *c = &columns[column];
	double best = NAN;
	size_t defined = 0;
	bool all_equal = true;

	if (c->best == BEST_NONE)
		return;
	for (size_t i = 0; i < nruns; i++) {
		double value = number_of(runs[i], c);

		if (isnan(value))
			continue;
		value = as_shown(value, c->decimals);
		if (defined++ && value != best)
			all_equal = false;
		if (defined == 1 || (c->best == BEST_HIGHEST ? value > best : value < best))
			best = value;
	}
	if (defined < 2 || all_equal)
		return;
	for (size_t i = 0; i < nruns; i++) {
		double value = number_of(runs[i], c);

		if (!isnan(value) && as_shown(value, c->decimals) == best)
			text_table_mark(t, i, column);
	}
}

struct text_table *compare_table(struct run_folder *const *runs, const char *const *labels,
				 size_t nruns)
{
	const char *headers[ARRAY_SIZE(columns)];
	struct text_table *t;

	for (size_t c = 0; c < ARRAY_SIZE(columns); c++)
		headers[c] = columns[c].header;
	t = text_table_new(headers, ARRAY_SIZE(columns));
	if (!t)
		return NULL;
	for (size_t i = 0; i < nruns; i++) {
		for (size_t c = 0; c < ARRAY_SIZE(columns); c++) {
			const struct compare_column *column = &columns[c];

			if (c == 0)
				text_table_add(t, "%s", labels[i]);
			else if (column->text_offset != SIZE_MAX)
				text_table_add(t, "%s", text_of(runs[i], column));
			else
				text_table_add(t, "%s",
					       number_text(number_of(runs[i], column), column->decimals).text);
		}
	}
	for (size_t c = 0; c < ARRAY_SIZE(columns); c++)
		mark_best(t, runs, nruns, c);
	return t;
}

/* Grouped by scenario, then kernel; within a group the order given. */
static void sort_runs(struct run_folder **runs, size_t nruns)
{
	for (size_t i = 1; i < nruns; i++) {
		struct run_folder *run = runs[i];
		size_t j = i;

		while (j > 0) {
			const struct summary_row *a = &runs[j - 1]->summary_row, *b = &run->summary_row;
			int order = strcmp(a->scenario, b->scenario);

			if (!order)
				order = strcmp(a->kernel, b->kernel);
			if (order <= 0)
				break;
			runs[j] = runs[j - 1];
			j--;
		}
		runs[j] = run;
	}
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* A run is named by its folder; when two folders share a name (a/run,
 * b/run), every run is named by its path instead. */
static void label_runs(struct run_folder *const *runs, size_t nruns, const char **labels)
{
	bool unique = true;

	for (size_t i = 0; i < nruns; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(base_name(runs[i]->dir), base_name(runs[j]->dir)))
				unique = false;
	for (size_t i = 0; i < nruns; i++)
		labels[i] = unique ? base_name(runs[i]->dir) : runs[i]->dir;
}

static int write_compare_csv(const char *out_dir, struct run_folder *const *runs,
			     const char *const *labels, size_t nruns, struct error_message *err)
{
	struct csv_file *f = csv_open(out_dir, "compare.csv", err);

	if (!f)
		return -1;
	for (size_t c = 0; c < ARRAY_SIZE(columns); c++) {
		csv_str(f, columns[c].csv_name);
		if (c == 0)
			csv_str(f, "run_dir");
	}
	csv_end_row(f);
	for (size_t i = 0; i < nruns; i++) {
		for (size_t c = 0; c < ARRAY_SIZE(columns); c++) {
			if (c == 0) {
				csv_str(f, labels[i]);
				csv_str(f, runs[i]->dir);
			} else if (columns[c].text_offset != SIZE_MAX) {
				csv_str(f, text_of(runs[i], &columns[c]));
			} else {
				csv_double(f, number_of(runs[i], &columns[c]), columns[c].csv_decimals);
			}
		}
		csv_end_row(f);
	}
	return csv_commit(f, err);
}

/* Run I's short label for compare.svg: scenario/policy/workers/connections
 * (presentation.c), " #N" (its place in the figure) added when an
 * earlier run has the same one. */
static void figure_label(struct run_folder *const *runs, size_t i, char *out, size_t size)
{
	char text[PLOT_LABEL_SIZE], other[PLOT_LABEL_SIZE];
	const struct summary_row *s = &runs[i]->summary_row;
	size_t length = strlen(plot_label(run_short_label(s->scenario, s->policy, s->workers,
							   run_folder_meta(runs[i], "connections"),
							   text, sizeof(text)), out, size));

	for (size_t k = 0; k < i; k++) {
		s = &runs[k]->summary_row;
		run_short_label(s->scenario, s->policy, s->workers, run_folder_meta(runs[k], "connections"),
				other, sizeof(other));
		if (!strcmp(text, other)) {
			snprintf(out + length, size - length, " #%zu", i + 1);
			return;
		}
	}
}

static int write_compare_svg(const char *out_dir, struct run_folder *const *runs,
			     const char *const *labels, size_t nruns, struct error_message *err)
{
	struct plot_dir *plots = plot_dir_new(err);
	char label[PLOT_LABEL_SIZE], *script = NULL, *svg = NULL;
	struct text_buffer script_text;
	size_t svg_length, longest = 0;
	FILE *data;
	int result = -1;

	if (!plots)
		return -1;
	data = plot_data_create(plots, "compare.dat", err);
	if (!data)
		goto out;
	for (size_t i = 0; i < nruns; i++) {
		figure_label(runs, i, label, sizeof(label));
		longest = strlen(label) > longest ? strlen(label) : longest;
		fprintf(data, "\"%s\"\t", label);
		plot_data_value(data, runs[i]->summary_row.jain_index, 6);
		fputs("\t", data);
		plot_data_value(data, runs[i]->summary_row.herd_factor, 6);
		fputs("\n", data);
	}
	if (plot_data_close(plots, data, err))
		goto out;
	if (!text_buffer_open(&script_text)) {
		error_message_set(err, "out of memory");
		goto out;
	}
	fprintf(script_text.stream,
		"set datafile missing 'NaN'\n"
		"set multiplot layout 2,1\n"
		"set style fill solid 0.85 border -1\n"
		"set boxwidth 0.6\n"
		"set grid ytics\n"
		"unset key\n"
		"set xrange [-0.6:%zu.4]\n"
		"set offsets 0, 0, graph 0.14, 0\n"
		"%s"
		"set ylabel 'Jain index (1 = fair)'\n"
		"set yrange [0:*]\n"
		"plot 'compare.dat' using 0:2:xtic(1) with boxes lt 1 dt 1, \\\n"
		"     '' using 0:2:(sprintf('%%.4f', $2)) with labels offset 0,0.7\n"
		"set ylabel 'herd factor (1 = no herd)'\n"
		"plot 'compare.dat' using 0:3:xtic(1) with boxes lt 4 dt 1 fs pattern 4 border -1, \\\n"
		"     '' using 0:3:(sprintf('%%.3f', $3)) with labels offset 0,0.7, \\\n"
		"     1 with lines dt 2 lw 2 lc rgb 'black'\n"
		"unset multiplot\n",
		nruns - 1, longest > 8 || nruns > 6 ? "set xtics rotate by -30\n" : "");
	script = text_buffer_close(&script_text);
	if (!script) {
		error_message_set(err, "out of memory");
		goto out;
	}
	if (plot_render(plots, "compare", nruns > 10 ? 60 * (int)nruns : 900, 760, script, &svg,
			&svg_length, err))
		goto out;
	result = plot_keep(plots, "compare", PLOT_DEFAULT_FORMATS, out_dir, err);
out:
	free(script);
	free(svg);
	plot_dir_free(plots);
	return result;
}

int compare_runs(const char *const *run_dirs, size_t nruns, const char *out_dir, FILE *out,
		 struct error_message *err)
{
	struct run_folder **runs = calloc(nruns ? nruns : 1, sizeof(*runs));
	const char **labels = calloc(nruns ? nruns : 1, sizeof(*labels));
	struct text_table *table = NULL;
	int result = -1;

	if (!runs || !labels) {
		error_message_set(err, "out of memory");
		goto out;
	}
	/* gnuplot first: without it --out cannot finish. */
	if (out_dir && plot_find_gnuplot(err))
		goto out;
	for (size_t i = 0; i < nruns; i++)
		if (run_folder_load(run_dirs[i], RUN_FOLDER_SUMMARY, &runs[i], err))
			goto out;
	sort_runs(runs, nruns);
	label_runs(runs, nruns, labels);
	table = compare_table(runs, labels, nruns);
	if (!table || text_table_write_markdown(table, out)) {
		error_message_set(err, "cannot print the table: out of memory or I/O error");
		goto out;
	}
	fprintf(out, "\nBold: the best in its column (highest throughput and Jain index; lowest "
		     "CoV, max share, herd factor, wasted ratio, latency, lost connections and "
		     "event drops), marked when the runs differ.\n");
	if (out_dir) {
		if (mkdir(out_dir, 0755) < 0 && errno != EEXIST) {
			error_message_set(err, "%s: cannot create: %s", out_dir, strerror(errno));
			goto out;
		}
		if (write_compare_csv(out_dir, runs, labels, nruns, err) ||
		    write_compare_svg(out_dir, runs, labels, nruns, err))
			goto out;
	}
	result = 0;
out:
	text_table_free(table);
	for (size_t i = 0; runs && i < nruns; i++)
		run_folder_free(runs[i]);
	free(runs);
	free(labels);
	return result;
}
