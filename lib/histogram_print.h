/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* A struct histogram (histogram.h, ns) printed as bcc's tools print theirs
 * (runqlat's print_log2_hist): power-of-two slots of microseconds, a count
 * and a bar of stars each. */
#ifndef TESTBED_HISTOGRAM_PRINT_H
#define TESTBED_HISTOGRAM_PRINT_H

#include <stdint.h>
#include <stdio.h>
#include "histogram.h"

/* bcc's slots: 0 holds 0-1 us, slot k >= 1 holds 2^k .. 2^(k+1)-1 us. */
#define LOG2_SLOTS 64

/* H's counts folded into log2 slots of microseconds: a log-linear bucket
 * goes whole to the slot of its lower bound (< 0.8 % wide, so a value that
 * close above a power of two may land one slot low); the slots' counts sum
 * to H->total. Returns the number of slots up to the last non-empty one. */
size_t log2_slots_us(const struct histogram *h, uint64_t slots[LOG2_SLOTS]);

/* Prints H under a header naming UNIT ("usecs"), from slot 0 to the last
 * non-empty one, like bcc; nothing but the header for an empty H. */
void histogram_print_log2(FILE *out, const struct histogram *h, const char *unit);

#endif
