// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The report's wake-order figure (issue 20): the share of a run's accepted
 * connections by where the winner stood among the idle listener waiters when
 * its connection came (the only idle one; rank 0 = the longest idle, 1, ...;
 * or busy: queued), read from summary.csv's wake_* columns, with the policy
 * analysis/wake_order.c infers from them. The other figures and what they
 * share (keeping a figure's .gp/.dat/.svg/.pdf) are report_figures.c's. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "report_figures.h"
#include "wake_order.h"
#include "wake_order_figure.h"

/* The wake counts summary.csv holds: 1, 0 when it has none (an older run),
 * or -1 with ERR set (a field that is no count). */
static int read_counts(const struct run_folder *run, struct wake_counts *c, struct error_message *err)
{
	static const struct {
		const char *column;
		size_t offset;
	} fields[] = {
		{ "wake_sole", offsetof(struct wake_counts, sole) },
		{ "wake_queued", offsetof(struct wake_counts, queued) },
		{ "wake_unranked", offsetof(struct wake_counts, unranked) },
		{ "wake_fifo", offsetof(struct wake_counts, fifo) },
		{ "wake_lifo", offsetof(struct wake_counts, lifo) },
		{ "wake_fixed", offsetof(struct wake_counts, fixed) },
		{ "wake_rotation", offsetof(struct wake_counts, rotation) },
	};
	const struct summary_row *s = &run->summary_row;
	char name[32];

	*c = (struct wake_counts){
		.accepted = isnan(s->accepted) ? 0 : (uint64_t)s->accepted,
		.handed_off = isnan(s->fds_received) ? 0 : (uint64_t)s->fds_received,
	};
	if (csv_table_column(run->summary, "wake_order") < 0 || !run->summary->nrows)
		return 0;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (csv_table_u64(run->summary, 0, csv_table_column(run->summary, fields[i].column),
				  (uint64_t *)((char *)c + fields[i].offset), err))
			return -1;
	for (size_t k = 0; k < WAKE_RANKS; k++) {
		snprintf(name, sizeof(name), "wake_rank_%zu", k);
		if (csv_table_u64(run->summary, 0, csv_table_column(run->summary, name), &c->rank[k], err))
			return -1;
	}
	return 1;
}

/* One bar per place the winner can have had, as a share of the ranked. */
static void write_bars(FILE *data, const struct wake_counts *c)
{
	double ranked = (double)(c->sole + wake_counts_choices(c) + c->queued);

	fprintf(data, "\"only idle\"\t%.6f\n", (double)c->sole / ranked);
	for (size_t k = 0; k < WAKE_RANKS; k++)
		fprintf(data, "\"rank %zu%s\"\t%.6f\n", k, k + 1 == WAKE_RANKS ? "+" : "", (double)c->rank[k] / ranked);
	fprintf(data, "\"busy (queued)\"\t%.6f\n", (double)c->queued / ranked);
}

int report_figure_wake_order(struct report *r)
{
	struct wake_counts c;
	struct wake_verdict v;
	char script[2048], explanation[1536], sentence[512];
	int found = read_counts(r->run, &c, r->err);
	FILE *data;

	if (found < 0)
		return -1;
	if (!found) {
		document_heading(r->doc, "Wake order");
		document_paragraph(r->doc, "summary.csv has no wake-order columns (a run before issue 20): nothing to plot.");
		return 0;
	}
	v = wake_order_infer(&c);
	wake_order_explain(&v, sentence, sizeof(sentence));
	if (!c.sole && !wake_counts_choices(&c) && !c.queued) {
		document_heading(r->doc, "Wake order");
		document_paragraph(r->doc, "No accepted connection was ranked: nothing to plot (%s).", sentence);
		return 0;
	}
	data = report_figure_data(r, "wake-order");
	if (!data)
		return -1;
	write_bars(data, &c);
	if (plot_data_close(r->plots, data, r->err))
		return -1;
	snprintf(script, sizeof(script),
		 "set xlabel 'the winner at its wakeup (rank 0 = idle the longest)'\n"
		 "set ylabel 'share of ranked connections'\n"
		 "set style fill solid 0.85 border -1\n"
		 "set boxwidth 0.6\n"
		 "set grid ytics\n"
		 "set key off\n"
		 "set xrange [-0.6:%d.4]\n"
		 "set yrange [0:1.12]\n"
		 "set ytics 0.25\n"
		 "set xtics rotate by -35\n"
		 "plot 'report-wake-order.dat' using 0:2:xtic(1) with boxes lt 1 dt 1, \\\n"
		 "     '' using 0:2:(sprintf('%%.3f', $2)) with labels %s\n",
		 WAKE_RANKS + 1, report_bar_labels(WAKE_RANKS + 2));
	snprintf(explanation, sizeof(explanation),
		 "Each accepted connection, by where its winner stood at the handshake's wakeup: the only "
		 "idle listener waiter, or among several by how many had been idle longer (rank 0 = the "
		 "longest idle), or busy (no wakeup from idle: the connection queued). Inferred wake order: "
		 "%s. Among the connections with a choice: first-registered %llu, longest idle %llu, most "
		 "recently idle %llu; its turn (rotation) %llu; unranked %llu (README, \"Wake order\").",
		 sentence, (unsigned long long)c.fixed, (unsigned long long)c.fifo, (unsigned long long)c.lifo,
		 (unsigned long long)c.rotation, (unsigned long long)c.unranked);
	return report_add_figure(r, "wake-order", "Wake order: who got the connection",
				 report_bars_width(WAKE_RANKS + 2), REPORT_FIGURE_HEIGHT, script, explanation);
}
