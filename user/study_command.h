/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* `testbed study` (user/study.c); the studies themselves are analysis/study.h. */
#ifndef TESTBED_STUDY_COMMAND_H
#define TESTBED_STUDY_COMMAND_H

/* `testbed study list | NAME [options]`: returns the process exit code. */
int cmd_study(int argc, char **argv);

#endif
