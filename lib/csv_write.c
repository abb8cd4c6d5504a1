// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* RFC 4180 CSV writer on an atomic file; see csv_write.h. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic_file.h"
#include "csv_write.h"

/* Most fields fit here, so escaping them needs no allocation. */
#define CSV_FIELD_STACK_SIZE 256

struct csv_file {
	struct atomic_file *file; /* the temporary file, renamed by csv_commit() */
	FILE *stream;
	locale_t c_numeric;      /* "%f" must print '.', whatever the caller's locale */
	int error;               /* first errno seen, 0 while all is well */
	bool row_has_field;      /* the next field needs a ',' before it */
};

/* errno after a failed stdio call; stdio may fail without setting it. */
static int errno_or_eio(void)
{
	return errno ? errno : EIO;
}

/* Keeps the first error: later ones are usually its consequences. */
static void remember_error(struct csv_file *f, int error)
{
	if (!f->error)
		f->error = error;
}

static void csv_free(struct csv_file *f)
{
	if (f->c_numeric)
		freelocale(f->c_numeric);
	free(f);
}

struct csv_file *csv_open(const char *dir, const char *name, struct error_message *err)
{
	struct csv_file *f = calloc(1, sizeof(*f));

	if (!f || !(f->c_numeric = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0))) {
		error_message_set(err, "cannot create %s/%s: out of memory", dir, name);
		if (f)
			csv_free(f);
		return NULL;
	}
	f->file = atomic_file_open(dir, name, err);
	if (!f->file) {
		csv_free(f);
		return NULL;
	}
	f->stream = atomic_file_stream(f->file);
	return f;
}

/* The one place a field reaches the stream: separator, then the text. */
static void __attribute__((format(printf, 2, 3)))
write_field(struct csv_file *f, const char *format, ...)
{
	va_list args;
	int written;

	if (f->error)
		return;         /* the file is lost anyway; keep the first error */
	errno = 0;
	if (f->row_has_field && putc(',', f->stream) == EOF) {
		remember_error(f, errno_or_eio());
		return;
	}
	f->row_has_field = true;

	va_start(args, format);
	written = vfprintf(f->stream, format, args);
	va_end(args);
	if (written < 0)
		remember_error(f, errno_or_eio());
}

static bool needs_quotes(const char *value)
{
	size_t length = strlen(value);

	if (length == 0)
		return false;
	/* Leading or trailing blanks are trimmed by many readers unless quoted. */
	if (value[0] == ' ' || value[0] == '\t' ||
	    value[length - 1] == ' ' || value[length - 1] == '\t')
		return true;
	return strpbrk(value, ",\"\r\n") != NULL;
}

/* Counts every character, stores only those that fit (like snprintf). */
static void emit(char *out, size_t out_size, size_t *needed, char c)
{
	if (*needed + 1 < out_size)
		out[*needed] = c;
	(*needed)++;
}

size_t csv_escape(const char *value, char *out, size_t out_size)
{
	size_t needed = 0;

	if (!value)
		value = "";

	bool quoted = needs_quotes(value);

	if (quoted)
		emit(out, out_size, &needed, '"');
	for (const char *p = value; *p; p++) {
		if (*p == '"')  /* RFC 4180: an embedded quote is doubled */
			emit(out, out_size, &needed, '"');
		emit(out, out_size, &needed, *p);
	}
	if (quoted)
		emit(out, out_size, &needed, '"');

	if (out_size > 0)
		out[needed < out_size ? needed : out_size - 1] = '\0';
	return needed;
}

void csv_str(struct csv_file *f, const char *value)
{
	char on_stack[CSV_FIELD_STACK_SIZE];
	size_t needed = csv_escape(value, on_stack, sizeof(on_stack));

	if (needed < sizeof(on_stack)) {
		write_field(f, "%s", on_stack);
		return;
	}

	char *on_heap = malloc(needed + 1);

	if (!on_heap) {
		remember_error(f, ENOMEM);
		return;
	}
	csv_escape(value, on_heap, needed + 1);
	write_field(f, "%s", on_heap);
	free(on_heap);
}

void csv_u64(struct csv_file *f, uint64_t value)
{
	write_field(f, "%" PRIu64, value);
}

void csv_i64(struct csv_file *f, int64_t value)
{
	write_field(f, "%" PRId64, value);
}

void csv_double(struct csv_file *f, double value, int decimals)
{
	/* An empty field is what spreadsheets and pandas read as missing;
	 * "nan" or "inf" would turn a numeric column into text. */
	if (!isfinite(value)) {
		write_field(f, "%s", "");
		return;
	}
	if (decimals < 0)
		decimals = 0;

	locale_t caller_locale = uselocale(f->c_numeric);

	write_field(f, "%.*f", decimals, value);
	uselocale(caller_locale);
}

void csv_end_row(struct csv_file *f)
{
	if (f->error)
		return;
	errno = 0;
	if (putc('\n', f->stream) == EOF)
		remember_error(f, errno_or_eio());
	f->row_has_field = false;
}

int csv_commit(struct csv_file *f, struct error_message *err)
{
	int ret;

	if (!f) {
		error_message_set(err, "nothing to write");
		return -1;
	}
	if (f->error) {
		/* a field was lost (out of memory, a failed write): drop the file */
		error_message_set(err, "cannot write %s: %s", atomic_file_path(f->file), strerror(f->error));
		atomic_file_abort(f->file);
		ret = -1;
	} else {
		ret = atomic_file_commit(f->file, err);
	}
	csv_free(f);
	return ret;
}

void csv_abort(struct csv_file *f)
{
	if (!f)
		return;
	atomic_file_abort(f->file);
	csv_free(f);
}
