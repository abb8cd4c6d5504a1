/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Small helpers every layer uses: array sizes and growth, one-line text.
 * Holds no policy: messages are in common.h, errors in error.h. */
#ifndef TESTBED_UTIL_H
#define TESTBED_UTIL_H

#include <stddef.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Makes room for NEEDED items of ITEM_SIZE bytes in *ITEMS (capacity
 * *CAPACITY, doubled as needed, at least 16). 0, or -1 with *ITEMS and
 * *CAPACITY untouched when memory runs out or the size would overflow. */
int grow_array(void *items, size_t *capacity, size_t needed, size_t item_size);

/* Control bytes (newline, tab, escape, DEL) in TEXT become '?' in place, so
 * a hostile name or field keeps a message on one line. Returns TEXT. */
char *make_printable(char *text);

/* TEXT shortened to fit OUT and made printable, for quoting a hostile field
 * in a one-line message. Returns OUT. */
const char *printable_excerpt(const char *text, char *out, size_t out_size);

#endif
