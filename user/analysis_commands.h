/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The commands that read run folders: `testbed report` and `testbed
 * compare`. Each returns its exit code: 0 ok, 1 bad input or failure, 2
 * usage. ARGV[0] is the command's name. */
#ifndef TESTBED_ANALYSIS_COMMANDS_H
#define TESTBED_ANALYSIS_COMMANDS_H

int cmd_report(int argc, char **argv);
int cmd_compare(int argc, char **argv);

#endif
