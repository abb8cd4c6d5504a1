// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* RFC 4180 CSV reader; see csvread.h. */
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "csv_read.h"
#include "util.h"

/* Long enough to recognise a field in a message, short enough for one line. */
#define EXCERPT_SIZE 48

struct parser {
	const char *name;
	char *data;             /* decoded in place: the write position never passes the read one */
	size_t length;
	size_t pos;             /* next byte to read */
	size_t out;             /* next byte to write */
	size_t line;            /* of the byte at pos */
	char **fields;
	size_t nfields, fields_capacity;
	size_t *lines;          /* per row */
	size_t nrows, lines_capacity;
	size_t ncolumns;        /* from the header; 0 until it is read */
	struct error_message *err;
};

int read_whole_file(const char *path, size_t max_bytes, char **data, size_t *length,
		    struct error_message *err)
{
	struct stat st;
	char *buffer = NULL;
	size_t done = 0;
	int fd;

	/* O_NONBLOCK: opening a FIFO must not hang waiting for a writer; it is
	 * refused below as not a regular file. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		error_message_set(err, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		error_message_set(err, "%s: cannot stat: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		error_message_set(err, "%s: not a regular file", path);
		goto fail;
	}
	if ((uint64_t)st.st_size > max_bytes) {
		error_message_set(err, "%s: %llu bytes, more than the limit of %zu", path,
				  (unsigned long long)st.st_size, max_bytes);
		goto fail;
	}
	buffer = malloc((size_t)st.st_size + 1);
	if (!buffer) {
		error_message_set(err, "%s: out of memory for %llu bytes", path,
				  (unsigned long long)st.st_size);
		goto fail;
	}
	/* Up to the size seen by fstat: a file growing meanwhile is cut there. */
	while (done < (size_t)st.st_size) {
		ssize_t got = read(fd, buffer + done, (size_t)st.st_size - done);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			error_message_set(err, "%s: cannot read: %s", path, strerror(errno));
			goto fail;
		}
		if (got == 0)
			break;
		done += (size_t)got;
	}
	close(fd);
	buffer[done] = '\0';
	*data = buffer;
	*length = done;
	return 0;

fail:
	free(buffer);
	close(fd);
	return -1;
}

static int fail_at(struct parser *p, size_t line, const char *what)
{
	error_message_set(p->err, "%s:%zu: %s", p->name, line, what);
	return -1;
}

static int append_field(struct parser *p, char *field)
{
	if (p->nfields >= CSV_READ_MAX_FIELDS) {
		error_message_set(p->err, "%s:%zu: more than %u fields in the file", p->name,
				  p->line, CSV_READ_MAX_FIELDS);
		return -1;
	}
	if (grow_array(&p->fields, &p->fields_capacity, p->nfields + 1, sizeof(*p->fields)))
		return fail_at(p, p->line, "out of memory");
	p->fields[p->nfields++] = field;
	return 0;
}

static int append_row_line(struct parser *p, size_t line)
{
	if (grow_array(&p->lines, &p->lines_capacity, p->nrows + 1, sizeof(*p->lines)))
		return fail_at(p, line, "out of memory");
	p->lines[p->nrows++] = line;
	return 0;
}

static bool at_crlf(const struct parser *p)
{
	return p->data[p->pos] == '\r' && p->pos + 1 < p->length && p->data[p->pos + 1] == '\n';
}

/* One field from pos; *END_OF_ROW tells whether a line end (or the end of the
 * file) rather than a comma closed it. */
static int parse_field(struct parser *p, char **field, bool *end_of_row)
{
	char *d = p->data;
	size_t start = p->out, field_line = p->line;

	if (p->pos < p->length && d[p->pos] == '"') {
		p->pos++;
		for (;;) {
			if (p->pos >= p->length)
				return fail_at(p, field_line, "unterminated quoted field");
			if (d[p->pos] == '"') {
				if (p->pos + 1 < p->length && d[p->pos + 1] == '"') {
					d[p->out++] = '"';      /* RFC 4180: "" is one quote */
					p->pos += 2;
					continue;
				}
				p->pos++;
				break;
			}
			if (d[p->pos] == '\n')
				p->line++;
			d[p->out++] = d[p->pos++];
			if (p->out - start > CSV_READ_MAX_FIELD_BYTES)
				return fail_at(p, field_line, "field longer than 1 MiB");
		}
		if (p->pos < p->length && d[p->pos] != ',' && d[p->pos] != '\n' && !at_crlf(p))
			return fail_at(p, p->line, "text after a closing quote");
	} else {
		while (p->pos < p->length && d[p->pos] != ',' && d[p->pos] != '\n' && !at_crlf(p)) {
			if (d[p->pos] == '"')
				return fail_at(p, p->line, "quote inside an unquoted field");
			d[p->out++] = d[p->pos++];
			if (p->out - start > CSV_READ_MAX_FIELD_BYTES)
				return fail_at(p, field_line, "field longer than 1 MiB");
		}
	}

	/* Consume the terminator before the NUL below lands on it. */
	*end_of_row = true;
	if (p->pos >= p->length) {
		/* the file's end; the buffer has one spare byte for this NUL */
	} else if (d[p->pos] == ',') {
		*end_of_row = false;
		p->pos++;
	} else {
		p->pos += d[p->pos] == '\r' ? 2 : 1;
		p->line++;
	}
	d[p->out++] = '\0';
	*field = d + start;
	return 0;
}

static int check_header(struct parser *p)
{
	for (size_t i = 0; i < p->ncolumns; i++) {
		char excerpt[EXCERPT_SIZE];

		if (!p->fields[i][0]) {
			error_message_set(p->err, "%s:1: column %zu has no name", p->name, i + 1);
			return -1;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(p->fields[i], p->fields[j])) {
				error_message_set(p->err, "%s:1: column '%s' appears twice", p->name,
						  printable_excerpt(p->fields[i], excerpt, sizeof(excerpt)));
				return -1;
			}
	}
	return 0;
}

static int parse_rows(struct parser *p)
{
	const char *nul = memchr(p->data, '\0', p->length);

	/* Text files hold no NUL; refusing them here keeps C strings honest. */
	if (nul) {
		size_t line = 1;

		for (const char *c = p->data; c < nul; c++)
			line += *c == '\n';
		return fail_at(p, line, "binary data (a NUL byte)");
	}
	/* A UTF-8 byte order mark, as spreadsheets write one, is no part of the
	 * first column's name. */
	if (p->length >= 3 && !memcmp(p->data, "\xEF\xBB\xBF", 3))
		p->pos = 3;

	while (p->pos < p->length) {
		size_t row_line = p->line, row_fields = 0;
		bool end_of_row;

		do {
			char *field;

			if (parse_field(p, &field, &end_of_row) || append_field(p, field))
				return -1;
			if (++row_fields > CSV_READ_MAX_ROW_FIELDS) {
				error_message_set(p->err, "%s:%zu: more than %u fields in a row", p->name,
						  row_line, CSV_READ_MAX_ROW_FIELDS);
				return -1;
			}
		} while (!end_of_row);

		if (append_row_line(p, row_line))
			return -1;
		if (!p->ncolumns) {
			p->ncolumns = row_fields;
			if (check_header(p))
				return -1;
		} else if (row_fields != p->ncolumns) {
			error_message_set(p->err, "%s:%zu: %zu field%s, the header has %zu", p->name,
					  row_line, row_fields, row_fields == 1 ? "" : "s", p->ncolumns);
			return -1;
		}
	}
	if (!p->ncolumns) {
		error_message_set(p->err, "%s: empty file", p->name);
		return -1;
	}
	return 0;
}

/* Parses BUFFER (LENGTH bytes plus one spare) in place; takes it over. */
static int parse_owned(const char *name, char *buffer, size_t length, struct csv_table **out,
		       struct error_message *err)
{
	struct parser p = { .name = name, .data = buffer, .length = length, .line = 1, .err = err };
	struct csv_table *t = calloc(1, sizeof(*t));

	if (!t || !(t->name = strdup(name))) {
		error_message_set(err, "%s: out of memory", name);
		goto fail;
	}
	if (parse_rows(&p))
		goto fail;
	t->ncolumns = p.ncolumns;
	t->nrows = p.nrows - 1;
	t->fields = p.fields;
	t->lines = p.lines;
	t->buffer = buffer;
	*out = t;
	return 0;

fail:
	if (t)
		free(t->name);
	free(t);
	free(p.fields);
	free(p.lines);
	free(buffer);
	return -1;
}

int csv_table_parse(const char *name, const char *data, size_t length, struct csv_table **out,
		    struct error_message *err)
{
	char *buffer;

	if (length > CSV_READ_MAX_BYTES) {
		error_message_set(err, "%s: %zu bytes, more than the limit of %u", name, length,
				  CSV_READ_MAX_BYTES);
		return -1;
	}
	buffer = malloc(length + 1);
	if (!buffer) {
		error_message_set(err, "%s: out of memory", name);
		return -1;
	}
	memcpy(buffer, data, length);
	buffer[length] = '\0';
	return parse_owned(name, buffer, length, out, err);
}

int csv_table_read(const char *path, struct csv_table **out, struct error_message *err)
{
	char *buffer;
	size_t length;

	if (read_whole_file(path, CSV_READ_MAX_BYTES, &buffer, &length, err))
		return -1;
	return parse_owned(path, buffer, length, out, err);
}

void csv_table_free(struct csv_table *t)
{
	if (!t)
		return;
	free(t->name);
	free(t->fields);
	free(t->lines);
	free(t->buffer);
	free(t);
}

int csv_table_column(const struct csv_table *t, const char *name)
{
	for (size_t i = 0; i < t->ncolumns; i++)
		if (!strcmp(t->fields[i], name))
			return (int)i;
	return -1;
}

int csv_table_require(const struct csv_table *t, const char *name, struct error_message *err)
{
	int column = csv_table_column(t, name);

	if (column < 0)
		error_message_set(err, "%s: no column '%s'", t->name, name);
	return column;
}

const char *csv_table_field(const struct csv_table *t, size_t row, int column)
{
	if (column < 0 || (size_t)column >= t->ncolumns || row >= t->nrows)
		return "";
	return t->fields[(row + 1) * t->ncolumns + (size_t)column];
}

size_t csv_table_line(const struct csv_table *t, size_t row)
{
	return row < t->nrows ? t->lines[row + 1] : 0;
}

static int not_a_number(const struct csv_table *t, size_t row, int column, const char *what,
			struct error_message *err)
{
	char excerpt[EXCERPT_SIZE];

	error_message_set(err, "%s:%zu: %s: '%s' is not %s", t->name, csv_table_line(t, row),
			  t->fields[column], printable_excerpt(csv_table_field(t, row, column), excerpt,
								 sizeof(excerpt)), what);
	return -1;
}

int csv_table_double(const struct csv_table *t, size_t row, int column, double *out,
		     struct error_message *err)
{
	const char *text = csv_table_field(t, row, column);

	if (!*text) {
		*out = NAN;
		return 0;
	}
	if (parse_double(text, 0, DBL_MAX, out))
		return not_a_number(t, row, column, "a number", err);
	return 0;
}

int csv_table_u64(const struct csv_table *t, size_t row, int column, uint64_t *out,
		  struct error_message *err)
{
	if (column < 0) {
		*out = 0;
		return 0;
	}
	if (parse_u64(csv_table_field(t, row, column), 0, UINT64_MAX, out))
		return not_a_number(t, row, column, "a count", err);
	return 0;
}
