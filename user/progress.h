/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The one-line progress display of a run on a terminal (stderr). */
#ifndef TESTBED_PROGRESS_H
#define TESTBED_PROGRESS_H

#include <stdint.h>
#include "record.h"

/* Redraws the status line: time, rate, each worker's share of the
 * connections so far as a bar, event drops. Nothing unless stderr is a
 * terminal. */
void show_progress(const struct run_record *r, double elapsed_s, uint64_t completed, uint64_t drops);
/* Clears the status line. */
void end_progress(void);

#endif
