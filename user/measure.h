/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* One measured run, as `run` and `trace` both drive it: begin_run() sets up,
 * measure() runs the measurement window, finish_run() writes and cleans up. */
#ifndef TESTBED_MEASURE_H
#define TESTBED_MEASURE_H

#include <stdbool.h>
#include <stddef.h>
#include "record.h"

struct collector;
/* What measure() needs from the server it watches. */
struct subject_ops {
	/* Waits up to WAIT_MS for news from the server (restarts, exits);
	 * false once the server is gone. */
	bool (*wait)(struct run_record *r, struct collector *c, void *ctx, int wait_ms);
	void (*kill_worker)(struct run_record *r); /* --kill-worker-after; NULL: not supported */
	void *ctx;
};

/* What every measured run sets up first: signals, the fd limit, the record's
 * kernel and command line, the run folder, events.csv, the loaded tracer
 * (*C). 0; an exit code to return at once (nothing was created); or -1: the
 * folder exists, the caller cleans up through finish_run(). */
int begin_run(struct run_record *r, int argc, char **argv, struct collector **c);
/* Opens the measurement window, drives the load (if any) until it ends, or
 * watches until --duration, Ctrl-C or the server's end; samples the
 * timeline on the way, then closes the window. 0 or -1. */
int measure(struct run_record *r, struct collector *c, const struct subject_ops *subject);
/* What every run does last: closes the collector (NULL is fine), writes the
 * run folder and prints the summary (with --report the report too) — or,
 * with nothing measured, removes the folder — and frees R. Returns the exit
 * code: RET, or 1 when writing failed, or 130 after a signal. */
int finish_run(struct run_record *r, struct collector *c, int ret);

/* The collector's ring-buffer handler: delays into R's histograms, and with
 * --events every record into events.csv. CTX is the run record. */
int on_event(void *ctx, const struct event *e);
/* Raises the open-files limit to its hard maximum (every client connection
 * and its server side are fds). */
void raise_fd_limit(void);
/* "testbed ARGV..." into OUT, for meta.csv's command_line. */
void join_command_line(char *out, size_t size, int argc, char **argv);

#endif
