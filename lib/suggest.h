/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* "Did you mean": the closest of a set of names to a mistyped one, by edit
 * distance. The caller offers the names one by one (they live in different
 * tables: scenarios, bundled servers, options, commands) and words the message. */
#ifndef TESTBED_SUGGEST_H
#define TESTBED_SUGGEST_H

#include <stddef.h>

struct suggestion {
	const char *typed;
	const char *best;      /* the closest name offered so far, NULL: none close enough */
	size_t distance;
};

/* Levenshtein distance (insert, delete, substitute: 1 each; a swap of two
 * neighbours also 1); names longer than 63 bytes count as far from anything. */
size_t edit_distance(const char *a, const char *b);

void suggestion_init(struct suggestion *s, const char *typed);
/* NAME becomes the suggestion if it is close to the typed text (at most 1
 * edit for up to 4 characters, 2 up to 8, else 3) and closer than the
 * suggestion so far (on a tie the first offered stays). */
void suggestion_offer(struct suggestion *s, const char *name);

#endif
