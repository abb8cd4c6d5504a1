// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The "did you mean" of a mistyped scenario, command or option: edit
 * distance (Damerau-Levenshtein, optimal string alignment) and the choice of
 * the closest name. Knows no names and prints nothing: main.c and options.c
 * offer their tables' names and say the one line. */
#include <string.h>
#include "suggest.h"

#define NAME_MAX_LEN 63

static size_t smallest(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	/* three rows of the table: two back (for swaps), one back, this one */
	size_t rows[3][NAME_MAX_LEN + 2];
	size_t *before = rows[0], *last = rows[1], *row = rows[2];

	if (la > NAME_MAX_LEN || lb > NAME_MAX_LEN)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		last[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t *spare = before;

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];

			row[j] = smallest(last[j] + 1, row[j - 1] + 1, last[j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && before[j - 2] + 1 < row[j])
				row[j] = before[j - 2] + 1;
		}
		before = last;
		last = row;
		row = spare;
	}
	return last[lb];
}

void suggestion_init(struct suggestion *s, const char *typed)
{
	*s = (struct suggestion){ .typed = typed, .best = NULL, .distance = (size_t)-1 };
}

void suggestion_offer(struct suggestion *s, const char *name)
{
	size_t len = strlen(s->typed);
	size_t limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
	size_t d = edit_distance(s->typed, name);

	if (d <= limit && d < s->distance) {
		s->best = name;
		s->distance = d;
	}
}
