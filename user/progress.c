// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The progress line a run draws on a terminal while the load runs: one
 * status line on stderr, redrawn in place. Only display: it reads the record
 * and changes nothing; off the terminal (tests, pipes) it prints nothing. */
#include <stdio.h>
#include <unistd.h>
#include "progress.h"

/* The most worker bars on one line. */
#define PROGRESS_MAX_BARS 64

/* Each worker's share of the connections so far as a bar (full = the
 * busiest worker). */
void show_progress(const struct run_record *r, double elapsed_s, uint64_t completed, uint64_t drops)
{
	static const char *const bars[] = { " ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	uint64_t busiest = 0;
	size_t i;

	if (!isatty(STDERR_FILENO))
		return;
	for (i = 0; i < r->nprocs; i++)
		if (r->procs[i].role == ROLE_WORKER && !r->procs[i].exited &&
		    process_connections(&r->procs[i]) > busiest)
			busiest = process_connections(&r->procs[i]);
	fprintf(stderr, "\r\033[K%s %5.1f/%.1f s %9llu conn %8.0f/s  workers ", r->scenario_name,
		elapsed_s, r->opts->duration_s, (unsigned long long)completed, elapsed_s > 0 ? completed / elapsed_s : 0.0);
	for (i = 0; i < r->nprocs && i < PROGRESS_MAX_BARS; i++) {
		const struct process_record *p = &r->procs[i];

		if (p->role == ROLE_WORKER && !p->exited)
			fputs(bars[busiest ? (process_connections(p) * 8 + busiest / 2) / busiest : 0], stderr);
	}
	fprintf(stderr, "  drops %llu", (unsigned long long)drops);
	fflush(stderr);
}

void end_progress(void)
{
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\r\033[K");
}
