/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The run folder's CSV files (docs/CSV.md), each written from one column
 * table: run_files.c (the folder, and the files with a row per process,
 * thread, interval, bucket or event) and summary_files.c (summary.csv and
 * meta.csv, one value per run). */
#ifndef TESTBED_RUN_FILES_H
#define TESTBED_RUN_FILES_H

#include <stddef.h>
#include "csv_columns.h"
#include "error.h"
#include "record.h"
#include "util.h"

/* A file of the run folder: its name, its column table, how it is written. */
struct run_file {
	const char *name;
	const struct csv_column *columns; /* meta.csv: its keys, in order */
	size_t ncolumns;
	/* the header and every row; NULL: written while the run lasts */
	void (*write)(struct csv_file *f, const struct run_record *r);
	/* summary, meta and workers: EACH on every row object in turn, the same
	 * rows that write() writes, for other renderings (--json); else NULL */
	void (*for_each_row)(const struct run_record *r, void (*each)(const void *row, void *ctx), void *ctx);
};
#define RUN_FILE_TABLE(columns) columns, ARRAY_SIZE(columns)

extern const struct run_file workers_csv, threads_csv, timeline_csv, latency_csv, events_csv;
extern const struct run_file summary_csv, meta_csv; /* summary_files.c */

/* The file called NAME ("workers.csv"), or NULL. For tests: docs/CSV.md
 * must list the same columns. */
const struct run_file *run_file_find(const char *name);

/* Writes workers, threads, timeline, latency, summary and, last, meta.csv
 * into r->dir, and commits events.csv if open. Needs summarize_record().
 * 0, or -1 with ERR (the folder then has no meta.csv: not a complete run). */
int write_run_files(struct run_record *r, struct error_message *err);

/* Removes every run file (as named above) from DIR: what a run whose
 * writing failed leaves of itself. */
void remove_run_files(const char *dir);

/* --events: r->events_csv, written while the run lasts, committed by
 * write_run_files(), capped at r->events_row_limit rows: --events-max, or
 * fewer when the disk under r->dir has room for fewer. 0, or -1 with ERR. */
int open_events_csv(struct run_record *r, struct error_message *err);
/* One row, while under the cap; past it counts r->events_capped and says
 * once on stderr that the stream stopped. */
void write_event(struct run_record *r, const struct event *e);

#endif
