// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* RFC 4180 CSV writer with write-to-temporary-then-rename; see csv.h. */
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

#include "csv.h"

/* Rows are short and many (events.csv can reach millions): a large stdio
 * buffer turns them into few large write() calls. */
#define CSV_STREAM_BUFFER_SIZE (256 * 1024)
/* Most fields fit here, so escaping them needs no allocation. */
#define CSV_FIELD_STACK_SIZE 256

struct csv_file {
	FILE *stream;
	char *stream_buffer;     /* owned by us, must outlive stream */
	char *dir;               /* fsynced after the rename */
	char *tmp_path;
	char *final_path;
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
	free(f->stream_buffer);
	free(f->dir);
	free(f->tmp_path);
	free(f->final_path);
	free(f);
}

struct csv_file *csv_open(const char *dir, const char *name)
{
	struct csv_file *f;
	int fd = -1;
	int error;

	if (!dir || !name || !*name) {
		errno = EINVAL;
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	if (asprintf(&f->final_path, "%s/%s", dir, name) < 0) {
		f->final_path = NULL;
		error = ENOMEM;
		goto fail;
	}
	if (asprintf(&f->tmp_path, "%s.tmp", f->final_path) < 0) {
		f->tmp_path = NULL;
		error = ENOMEM;
		goto fail;
	}
	f->dir = strdup(dir);
	f->stream_buffer = malloc(CSV_STREAM_BUFFER_SIZE);
	f->c_numeric = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	if (!f->dir || !f->stream_buffer || !f->c_numeric) {
		error = ENOMEM;
		goto fail;
	}

	/* O_TRUNC: a .tmp left by a crashed run is garbage. O_NOFOLLOW: we
	 * usually run as root, so do not write through a planted symlink. */
	fd = open(f->tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		error = errno;
		goto fail;
	}
	f->stream = fdopen(fd, "w");
	if (!f->stream) {
		error = errno;
		close(fd);
		unlink(f->tmp_path);
		goto fail;
	}
	if (setvbuf(f->stream, f->stream_buffer, _IOFBF, CSV_STREAM_BUFFER_SIZE)) {
		error = errno_or_eio();
		fclose(f->stream);
		unlink(f->tmp_path);
		goto fail;
	}
	return f;

fail:
	csv_free(f);
	errno = error;
	return NULL;
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

/* The rename is only durable once the folder's entry is on disk too. */
static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int error = 0;

	if (fd < 0)
		return errno;
	/* EINVAL: the filesystem cannot sync a folder; nothing more to do. */
	if (fsync(fd) < 0 && errno != EINVAL)
		error = errno;
	close(fd);
	return error;
}

int csv_commit(struct csv_file *f)
{
	int error;

	if (!f)
		return -EINVAL;

	/* Each step is checked: with delayed allocation or a full disk the
	 * first error (ENOSPC) may only surface at fflush, fsync or fclose. */
	errno = 0;
	if (fflush(f->stream) == EOF)
		remember_error(f, errno_or_eio());
	if (!f->error && fsync(fileno(f->stream)) < 0)
		remember_error(f, errno);
	errno = 0;
	if (fclose(f->stream) == EOF)
		remember_error(f, errno_or_eio());
	f->stream = NULL;
	if (!f->error && rename(f->tmp_path, f->final_path) < 0)
		remember_error(f, errno);

	if (f->error) {
		unlink(f->tmp_path);
		error = f->error;
	} else {
		error = sync_dir(f->dir);
	}
	csv_free(f);
	return -error;
}

void csv_abort(struct csv_file *f)
{
	if (!f)
		return;
	fclose(f->stream);
	unlink(f->tmp_path);
	csv_free(f);
}
