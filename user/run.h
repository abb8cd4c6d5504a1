/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The `run` and `trace` commands, and what they share: the run record
 * (record.h) and one measured run's steps (measure.h). */
#ifndef TESTBED_RUN_H
#define TESTBED_RUN_H

#include "measure.h"
#include "record.h"

/* `testbed run` and `testbed trace`: return the process exit code. */
int cmd_run(int argc, char **argv);
int cmd_trace(int argc, char **argv);
/* `testbed run` of a bundled real server (nginx, node): trace.c. */
int run_external(struct run_options *opts, int argc, char **argv);

#endif
