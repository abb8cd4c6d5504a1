// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Array growth and one-line text (util.h). No I/O, no messages. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"

int grow_array(void *items, size_t *capacity, size_t needed, size_t item_size)
{
	void **array = items;
	size_t grown = *capacity ? *capacity : 16;
	void *moved;

	if (needed <= *capacity)
		return 0;
	while (grown < needed) {
		if (grown > SIZE_MAX / 2)
			return -1;
		grown *= 2;
	}
	if (grown > SIZE_MAX / item_size)
		return -1;
	moved = realloc(*array, grown * item_size);
	if (!moved)
		return -1;
	*array = moved;
	*capacity = grown;
	return 0;
}

static char printable(char c)
{
	return ((unsigned char)c < 0x20 || c == 0x7f) ? '?' : c;
}

char *make_printable(char *text)
{
	for (char *p = text; *p; p++)
		*p = printable(*p);
	return text;
}

const char *printable_excerpt(const char *text, char *out, size_t out_size)
{
	size_t length = strlen(text), i;

	if (!out_size)
		return out;
	for (i = 0; i < length && i + 1 < out_size; i++)
		out[i] = printable(text[i]);
	out[i] = '\0';
	if (i < length && out_size > 4)
		memcpy(out + out_size - 4, "...", 4);
	return out;
}
