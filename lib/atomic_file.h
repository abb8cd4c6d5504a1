/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Every file the testbed writes (CSV, reports, figures) is written under
 * DIR/NAME.tmp, then fsynced and renamed into place, so a reader never sees
 * half a file and a failed write leaves the previous one untouched. */
#ifndef TESTBED_ATOMIC_FILE_H
#define TESTBED_ATOMIC_FILE_H

#include <stddef.h>
#include <stdio.h>
#include "error.h"

struct atomic_file;

/* Opens DIR/NAME.tmp; NULL with ERR set ("cannot create DIR/NAME.tmp: ..."). */
struct atomic_file *atomic_file_open(const char *dir, const char *name, struct error_message *err);
/* Where to write the content (fprintf, fwrite, ...). */
FILE *atomic_file_stream(struct atomic_file *f);
/* DIR/NAME, for messages. */
const char *atomic_file_path(const struct atomic_file *f);
/* Flushes, fsyncs, renames into place, fsyncs DIR; frees F. 0, or -1 with
 * ERR set ("cannot write DIR/NAME: No space left on device") and the
 * temporary file removed -- except when only the final fsync of DIR fails:
 * the new file is then in place but the rename may not survive a crash.
 * NULL F is an error. */
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
