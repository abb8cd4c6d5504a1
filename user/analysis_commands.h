/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The commands that read run folders: `testbed report`, `testbed
 * compare` and `testbed csv-json`. Each returns its exit code: 0 ok, 1 bad input or failure, 2
 * usage. ARGV[0] is the command's name. */
#ifndef TESTBED_ANALYSIS_COMMANDS_H
#define TESTBED_ANALYSIS_COMMANDS_H

int cmd_report(int argc, char **argv);
int cmd_compare(int argc, char **argv);
/* `testbed csv-json FILE.csv...`: CSV files as one JSON document (kernels --json). */
int cmd_csv_json(int argc, char **argv);

#endif
