// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* bcc-style log2 text histograms of our log-linear struct histogram: the
 * folding into power-of-two slots of microseconds and the printing with a
 * 40-star bar, the layout of bcc's print_log2_hist. It records nothing
 * (histogram.c does) and decides nothing about which histograms to print
 * (user/summary_print.c does). */
#include <string.h>

#include "histogram_print.h"

#define BAR_WIDTH 40

static size_t log2_slot(uint64_t value)
{
	size_t slot = 0;

	while (value > 1) {
		value >>= 1;
		slot++;
	}
	return slot;
}

size_t log2_slots_us(const struct histogram *h, uint64_t slots[LOG2_SLOTS])
{
	size_t used = 0;

	memset(slots, 0, LOG2_SLOTS * sizeof(*slots));
	for (size_t i = 0; i < HIST_BUCKETS; i++) {
		size_t slot;

		if (!h->counts[i])
			continue;
		slot = log2_slot(hist_bucket_lower(i) / 1000);
		slots[slot] += h->counts[i];
		used = slot + 1 > used ? slot + 1 : used;
	}
	return used;
}

void histogram_print_log2(FILE *out, const struct histogram *h, const char *unit)
{
	uint64_t slots[LOG2_SLOTS], most = 0;
	size_t used = log2_slots_us(h, slots);
	char bar[BAR_WIDTH + 1];

	fprintf(out, "%*s%-*s : count    distribution\n", 5, "", 19, unit);
	for (size_t k = 0; k < used; k++)
		most = slots[k] > most ? slots[k] : most;
	for (size_t k = 0; k < used; k++) {
		uint64_t low = k ? 1ull << k : 0, high = (2ull << k) - 1;
		size_t stars = most ? (size_t)(slots[k] * BAR_WIDTH / most) : 0;

		memset(bar, '*', stars);
		memset(bar + stars, ' ', BAR_WIDTH - stars);
		bar[BAR_WIDTH] = '\0';
		fprintf(out, "%10llu -> %-10llu : %-8llu |%s|\n", (unsigned long long)low,
			(unsigned long long)high, (unsigned long long)slots[k], bar);
	}
}
