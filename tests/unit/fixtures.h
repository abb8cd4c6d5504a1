/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Scratch folders and the committed run folders in tests/fixtures/, for the
 * analysis tests (report, compare, run folders). Tests run from the
 * repository root (make unit); report writes into its run folder, so a test
 * works on a copy of a fixture, never on the fixture itself. */
#ifndef TESTBED_UNIT_FIXTURES_H
#define TESTBED_UNIT_FIXTURES_H

#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FIXTURES_DIR "tests/fixtures"
/* The CSV files of a run folder, all copied. */
static const char *const fixture_files[] = {
	"meta.csv", "summary.csv", "workers.csv", "threads.csv", "timeline.csv", "latency.csv",
};

/* A fresh folder /tmp/NAME.XXXXXX into DIR (PATH_MAX); 0 or -1. */
static inline int make_scratch_dir(const char *name, char *dir)
{
	snprintf(dir, PATH_MAX, "/tmp/%s.XXXXXX", name);
	return mkdtemp(dir) ? 0 : -1;
}

static inline int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static inline void remove_tree(const char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* DIR/NAME as a static string: valid until the next call. */
static inline const char *path_of(const char *dir, const char *name)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

static inline bool file_exists(const char *dir, const char *name)
{
	return access(path_of(dir, name), F_OK) == 0;
}

/* Writes LENGTH bytes of DATA as DIR/NAME; 0 or -1. */
static inline int write_bytes(const char *dir, const char *name, const void *data, size_t length)
{
	FILE *file = fopen(path_of(dir, name), "w");
	int ok;

	if (!file)
		return -1;
	ok = fwrite(data, 1, length, file) == length;
	return fclose(file) == 0 && ok ? 0 : -1;
}

static inline int write_text(const char *dir, const char *name, const char *text)
{
	return write_bytes(dir, name, text, strlen(text));
}

/* The whole of DIR/NAME, malloc'd and NUL-terminated; NULL when unreadable. */
static inline char *read_text(const char *dir, const char *name)
{
	FILE *file = fopen(path_of(dir, name), "r");
	char *text = NULL;
	size_t length = 0, got;
	char chunk[65536];

	if (!file)
		return NULL;
	while ((got = fread(chunk, 1, sizeof(chunk), file)) > 0) {
		char *grown = realloc(text, length + got + 1);

		if (!grown) {
			free(text);
			fclose(file);
			return NULL;
		}
		text = grown;
		memcpy(text + length, chunk, got);
		length += got;
	}
	fclose(file);
	if (!text)
		text = calloc(1, 1);
	else
		text[length] = '\0';
	return text;
}

/* Copies fixture run folder NAME into a new folder under SCRATCH, whose path
 * lands in DIR (PATH_MAX). 0 or -1. */
static inline int copy_fixture(const char *name, const char *scratch, char *dir)
{
	char source[PATH_MAX];

	snprintf(dir, PATH_MAX, "%s/%s", scratch, name);
	snprintf(source, sizeof(source), "%s/%s", FIXTURES_DIR, name);
	if (mkdir(dir, 0755) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(fixture_files) / sizeof(fixture_files[0]); i++) {
		char *text = read_text(source, fixture_files[i]);
		int result = text ? write_text(dir, fixture_files[i], text) : -1;

		free(text);
		if (result)
			return -1;
	}
	return 0;
}

/* Occurrences of NEEDLE in HAYSTACK. */
static inline size_t count_of(const char *haystack, const char *needle)
{
	size_t n = 0;

	for (const char *p = haystack; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

#endif
