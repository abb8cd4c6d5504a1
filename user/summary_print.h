/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The summary a run prints on the terminal. */
#ifndef TESTBED_SUMMARY_PRINT_H
#define TESTBED_SUMMARY_PRINT_H

#include <stdio.h>
#include "record.h"

/* Per process rows, the run's figures, the pool's, and where the folder is.
 * Needs summarize_record(). */
void print_run_summary(FILE *out, const struct run_record *r);

#endif
