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

/* A column of compare.csv, and (with a header) of the Markdown table.
 * Text columns have a NULL number_offset; run, run_dir and group are
 * neither and come from the comparison itself. */
struct compare_column {
	const char *header;     /* in the Markdown table; NULL: compare.csv only */
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
#define OWN(header, name) { header, name, SIZE_MAX, SIZE_MAX, 0, 0, BEST_NONE }

enum { COLUMN_RUN, COLUMN_RUN_DIR, COLUMN_GROUP };

static const struct compare_column columns[] = {
	[COLUMN_RUN] = OWN("run", "run"),
	[COLUMN_RUN_DIR] = OWN(NULL, "run_dir"),
	[COLUMN_GROUP] = OWN("group", "group"),
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

/* --- which runs may be ranked together ----------------------------------- */

/* Equal as settings: the same number ("8" and "8.000"), or the same text;
 * unknown ("", a folder too old to say) agrees with anything. */
static bool setting_equal(const char *a, const char *b)
{
	char *end_a, *end_b;
	double x, y;

	if (!*a || !*b || !strcmp(a, b))
		return true;
	x = strtod(a, &end_a);
	y = strtod(b, &end_b);
	return !*end_a && !*end_b && x == y;
}

size_t compare_settings_differences(const struct run_folder *a, const struct run_folder *b, char *out,
				    size_t size)
{
	size_t count = 0, used = 0;

	if (size)
		out[0] = '\0';
	for (size_t i = 0; i < SETTING_COUNT; i++) {
		if (setting_equal(a->settings[i], b->settings[i]))
			continue;
		if (used < size)
			used += (size_t)snprintf(out + used, size - used, "%s%s %s vs %s", count ? ", " : "",
						 run_setting_names[i], a->settings[i], b->settings[i]);
		count++;
	}
	return count;
}

size_t compare_groups(struct run_folder *const *runs, size_t nruns, size_t *group)
{
	size_t ngroups = 0;

	for (size_t i = 0; i < nruns; i++) {
		group[i] = 0;
		/* the group of the first earlier run it agrees with */
		for (size_t j = 0; j < i && !group[i]; j++)
			if (!compare_settings_differences(runs[j], runs[i], NULL, 0))
				group[i] = group[j];
		if (!group[i])
			group[i] = ++ngroups;
	}
	return ngroups;
}

/* --- the comparison's cells ---------------------------------------------- */

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

/* Whether run I's value of COLUMN is the best of its group: there is a
 * choice (at least two defined values in the group, not all equal) and no
 * run of the group has a better one. Runs of other groups do not count. */
static bool is_best(struct run_folder *const *runs, const size_t *group, size_t nruns, size_t i,
		    size_t column)
{
	const struct compare_column *c = &columns[column];
	double best = NAN;
	size_t defined = 0;
	bool all_equal = true;

	if (c->best == BEST_NONE || isnan(number_of(runs[i], c)))
		return false;
	for (size_t j = 0; j < nruns; j++) {
		double value = number_of(runs[j], c);

		if (group[j] != group[i] || isnan(value))
			continue;
		value = as_shown(value, c->decimals);
		if (defined++ && value != best)
			all_equal = false;
		if (defined == 1 || (c->best == BEST_HIGHEST ? value > best : value < best))
			best = value;
	}
	return defined >= 2 && !all_equal && as_shown(number_of(runs[i], c), c->decimals) == best;
}

size_t compare_column_count(void)
{
	return ARRAY_SIZE(columns);
}

struct compare_cell compare_cell(const struct comparison *cmp, size_t run, size_t column)
{
	const struct compare_column *c = &columns[column];
	struct compare_cell cell = { .name = c->csv_name, .number = NAN, .decimals = c->csv_decimals };

	if (column == COLUMN_RUN)
		cell.text = cmp->labels[run];
	else if (column == COLUMN_RUN_DIR)
		cell.text = cmp->runs[run]->dir;
	else if (column == COLUMN_GROUP)
		cell.number = (double)cmp->group[run];
	else if (c->text_offset != SIZE_MAX)
		cell.text = text_of(cmp->runs[run], c);
	else
		cell.number = number_of(cmp->runs[run], c);
	cell.best = c->number_offset != SIZE_MAX && is_best(cmp->runs, cmp->group, cmp->nruns, run, column);
	return cell;
}

struct text_table *compare_table(const struct comparison *cmp)
{
	const char *headers[ARRAY_SIZE(columns)];
	size_t ncolumns = 0;
	struct text_table *t;

	for (size_t c = 0; c < ARRAY_SIZE(columns); c++)
		if (columns[c].header)
			headers[ncolumns++] = columns[c].header;
	t = text_table_new(headers, ncolumns);
	if (!t)
		return NULL;
	for (size_t i = 0; i < cmp->nruns; i++) {
		size_t shown = 0;

		for (size_t c = 0; c < ARRAY_SIZE(columns); c++) {
			struct compare_cell cell;

			if (!columns[c].header)
				continue;
			cell = compare_cell(cmp, i, c);
			if (cell.text)
				text_table_add(t, "%s", cell.text);
			else
				text_table_add(t, "%s", number_text(cell.number, columns[c].decimals).text);
			if (cell.best)
				text_table_mark(t, i, shown);
			shown++;
		}
	}
	return t;
}

/* Comparable groups first (in the order they appeared), then scenario,
 * then kernel; within that the order given. */
static bool sorts_before(const struct comparison *cmp, size_t a, size_t b)
{
	const struct summary_row *x = &cmp->runs[a]->summary_row, *y = &cmp->runs[b]->summary_row;
	int order;

	if (cmp->group[a] != cmp->group[b])
		return cmp->group[a] < cmp->group[b];
	order = strcmp(x->scenario, y->scenario);
	if (!order)
		order = strcmp(x->kernel, y->kernel);
	return order < 0;
}

/* Insertion sort, stable: run i goes before the earlier runs it sorts before. */
static void sort_runs(struct comparison *cmp)
{
	for (size_t i = 1; i < cmp->nruns; i++) {
		struct run_folder *run = cmp->runs[i];
		size_t group = cmp->group[i], j = i;

		while (j > 0 && sorts_before(cmp, i, j - 1))
			j--;
		memmove(&cmp->runs[j + 1], &cmp->runs[j], (i - j) * sizeof(*cmp->runs));
		memmove(&cmp->group[j + 1], &cmp->group[j], (i - j) * sizeof(*cmp->group));
		cmp->runs[j] = run;
		cmp->group[j] = group;
	}
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* A run is named by its folder; when two folders share a name (a/run,
 * b/run), every run is named by its path instead. */
static void label_runs(struct comparison *cmp)
{
	bool unique = true;

	for (size_t i = 0; i < cmp->nruns; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(base_name(cmp->runs[i]->dir), base_name(cmp->runs[j]->dir)))
				unique = false;
	for (size_t i = 0; i < cmp->nruns; i++)
		cmp->labels[i] = unique ? base_name(cmp->runs[i]->dir) : cmp->runs[i]->dir;
}

static int write_compare_csv(const char *out_dir, const struct comparison *cmp, struct error_message *err)
{
	struct csv_file *f = csv_open(out_dir, "compare.csv", err);

	if (!f)
		return -1;
	for (size_t c = 0; c < ARRAY_SIZE(columns); c++)
		csv_str(f, columns[c].csv_name);
	csv_end_row(f);
	for (size_t i = 0; i < cmp->nruns; i++) {
		for (size_t c = 0; c < ARRAY_SIZE(columns); c++) {
			struct compare_cell cell = compare_cell(cmp, i, c);

			if (cell.text)
				csv_str(f, cell.text);
			else
				csv_double(f, cell.number, cell.decimals);
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

static int write_compare_svg(const char *out_dir, const struct comparison *cmp, struct error_message *err)
{
	struct run_folder *const *runs = cmp->runs;
	size_t nruns = cmp->nruns;
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

void compare_free(struct comparison *cmp)
{
	if (!cmp)
		return;
	for (size_t i = 0; cmp->runs && i < cmp->nruns; i++)
		run_folder_free(cmp->runs[i]);
	free(cmp->runs);
	free(cmp->labels);
	free(cmp->group);
	free(cmp);
}

int compare_load(const char *const *run_dirs, size_t nruns, struct comparison **out,
		 struct error_message *err)
{
	struct comparison *cmp = calloc(1, sizeof(*cmp));
	size_t n = nruns ? nruns : 1;

	if (!cmp || !(cmp->runs = calloc(n, sizeof(*cmp->runs))) ||
	    !(cmp->labels = calloc(n, sizeof(*cmp->labels))) || !(cmp->group = calloc(n, sizeof(*cmp->group)))) {
		compare_free(cmp);
		error_message_set(err, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < nruns; i++) {
		if (run_folder_load(run_dirs[i], RUN_FOLDER_SUMMARY, &cmp->runs[i], err)) {
			compare_free(cmp);
			return -1;
		}
		cmp->nruns++;
	}
	cmp->ngroups = compare_groups(cmp->runs, cmp->nruns, cmp->group);
	sort_runs(cmp);
	label_runs(cmp);
	*out = cmp;
	return 0;
}

/* The first run of GROUP (groups are sorted together). */
static size_t first_of_group(const struct comparison *cmp, size_t group)
{
	size_t i = 0;

	while (i < cmp->nruns && cmp->group[i] != group)
		i++;
	return i;
}

size_t compare_group_differences(const struct comparison *cmp, size_t first, size_t second, char *out,
				 size_t size)
{
	return compare_settings_differences(cmp->runs[first_of_group(cmp, first)],
					    cmp->runs[first_of_group(cmp, second)], out, size);
}

int compare_print(const struct comparison *cmp, FILE *out)
{
	struct text_table *table = compare_table(cmp);
	char differences[1024];
	int result = -1;

	if (!table || text_table_write_markdown(table, out))
		goto out;
	fprintf(out, "\nBold: the best in its column among comparable runs (the same group: equal settings "
		     "and timings of the same kind), marked when they differ: highest throughput and Jain "
		     "index; lowest CoV, max share, herd factor (below 1: one wakeup, several accepts), wasted "
		     "ratio, latency, lost connections and event drops.\n");
	for (size_t g = 2; g <= cmp->ngroups; g++) {
		for (size_t h = 1; h < g; h++) {
			compare_group_differences(cmp, h, g, differences, sizeof(differences));
			fprintf(out, "not comparable: group %zu vs group %zu: %s (no best across them)\n", h, g,
				differences);
		}
	}
	result = ferror(out) ? -1 : 0;
out:
	text_table_free(table);
	return result;
}

int compare_write_files(const struct comparison *cmp, const char *out_dir, struct error_message *err)
{
	if (plot_find_gnuplot(err))
		return -1;
	if (mkdir(out_dir, 0755) < 0 && errno != EEXIST) {
		error_message_set(err, "%s: cannot create: %s", out_dir, strerror(errno));
		return -1;
	}
	return write_compare_csv(out_dir, cmp, err) || write_compare_svg(out_dir, cmp, err) ? -1 : 0;
}

int compare_runs(const char *const *run_dirs, size_t nruns, const char *out_dir, FILE *out,
		 struct error_message *err)
{
	struct comparison *cmp = NULL;
	int result = -1;

	/* gnuplot first: without it --out cannot finish. */
	if (out_dir && plot_find_gnuplot(err))
		return -1;
	if (compare_load(run_dirs, nruns, &cmp, err))
		return -1;
	if (compare_print(cmp, out))
		error_message_set(err, "cannot print the table: out of memory or I/O error");
	else if (!out_dir || !compare_write_files(cmp, out_dir, err))
		result = 0;
	compare_free(cmp);
	return result;
}
