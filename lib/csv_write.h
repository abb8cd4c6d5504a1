/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* RFC 4180 CSV writer on an atomic file (atomic_file.h): written under a
 * temporary name and renamed into place by csv_commit(), so a reader never
 * sees half a file and an earlier complete file is never clobbered.
 *
 * Rows end in "\n", not RFC 4180's "\r\n" (the RFC allows it, and shell tools
 * then see no stray '\r'). A field is quoted when it holds ',', '"', CR or LF
 * or starts or ends with a blank; embedded quotes are doubled.
 * Write errors are sticky: the first one is kept, later writes are dropped,
 * and csv_commit() reports it. */
#ifndef TESTBED_CSV_H
#define TESTBED_CSV_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

struct csv_file;

/* Opens DIR/NAME.tmp for writing; NULL with ERR set on failure. */
struct csv_file *csv_open(const char *dir, const char *name, struct error_message *err);
void csv_str(struct csv_file *f, const char *value);      /* escaped; NULL -> empty */
void csv_u64(struct csv_file *f, uint64_t value);
void csv_i64(struct csv_file *f, int64_t value);
/* "%.*f" with a '.' whatever the locale; NAN and +-inf -> empty field. */
void csv_double(struct csv_file *f, double value, int decimals);
void csv_end_row(struct csv_file *f);
/* Puts the file in place as atomic_file_commit() does; frees F. 0, or -1
 * with ERR set ("cannot write DIR/NAME: <why>") and any earlier DIR/NAME
 * untouched. */
int csv_commit(struct csv_file *f, struct error_message *err);
/* Drops the temporary file; frees f. NULL is fine. */
void csv_abort(struct csv_file *f);

/* Writes VALUE escaped for a CSV field into OUT (NUL-terminated).
 * Returns the length the escaped field needs (excluding NUL), like snprintf. */
size_t csv_escape(const char *value, char *out, size_t out_size);

#endif
