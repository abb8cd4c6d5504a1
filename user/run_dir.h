/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The run folder: made before the measurement, filled and handed over after. */
#ifndef TESTBED_RUN_DIR_H
#define TESTBED_RUN_DIR_H

#include "error.h"
#include "record.h"

/* 1 if PATH is a folder with nothing in it, else 0. */
int is_empty_dir(const char *path);
/* Creates r->dir: --out as given (refusing a non-empty one unless --force),
 * else a new results/<scenario>-<kernel>-<time>[-N]. 0, or -1 with ERR. */
int make_run_dir(struct run_record *r, struct error_message *err);
/* Writes the run files into r->dir, prints the summary (and with --report
 * writes the report) and, under sudo, hands the folder to the user who
 * typed the command. Without a measurement (r->load NULL) removes the
 * folder it would have filled instead; when a file cannot be written (a
 * full disk), removes what this run wrote (and the folder, if that empties
 * it). 0, or -1 after saying what failed. */
int publish_run(struct run_record *r);
/* Under sudo, hands DIR and the files in it (and results/ when DIR is in
 * it) to the user who typed the command; does nothing otherwise. */
void give_to_sudo_user(const char *dir);

#endif
