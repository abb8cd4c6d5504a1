/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* A text or SVG file written like the run's CSV files (user/csv.h): under
 * DIR/NAME.tmp, then fsynced and renamed into place, so a reader never sees
 * half a report and a failed write leaves the previous one untouched. */
#ifndef TESTBED_ATOMIC_FILE_H
#define TESTBED_ATOMIC_FILE_H

#include <stddef.h>
#include <stdio.h>
#include "error_message.h"

struct atomic_file;

/* Opens DIR/NAME.tmp; NULL with ERR set ("DIR/NAME: cannot create: ..."). */
struct atomic_file *atomic_file_open(const char *dir, const char *name, struct error_message *err);
/* Where to write the content (fprintf, fwrite, ...). */
FILE *atomic_file_stream(struct atomic_file *f);
/* Flushes, fsyncs, renames into place; frees F. 0, or -1 with ERR set and the
 * temporary file removed. */
int atomic_file_commit(struct atomic_file *f, struct error_message *err);
/* Drops the temporary file; frees F. NULL is fine. */
void atomic_file_abort(struct atomic_file *f);

/* Why an earlier write on STREAM failed (ferror), which stdio does not keep,
 * learnt by writing one more byte: only for a file about to be dropped.
 * Its errno (ENOSPC for a full disk), else EIO. */
int lost_write_error(FILE *stream);

/* The whole of DATA as DIR/NAME, through the above. */
int atomic_file_write(const char *dir, const char *name, const void *data, size_t length,
		      struct error_message *err);

#endif
