// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Log-linear histogram: see histogram.h for the bucket layout. */
#include <math.h>

#include "histogram.h"

/* log2 of HIST_SUB_BUCKETS: a value with top bit e keeps its top 8 bits
 * (e..e-7) as the sub-bucket, so it is shifted right by e - 7. */
#define HIST_SUB_BITS 7
/* The first power of two that is no longer exact: 2^8 = HIST_EXACT_LIMIT. */
#define HIST_FIRST_LOG_EXPONENT 8

_Static_assert(HIST_SUB_BUCKETS == 1 << HIST_SUB_BITS, "sub-bucket bits");
_Static_assert(HIST_EXACT_LIMIT == 1 << HIST_FIRST_LOG_EXPONENT, "exact limit");

static uint64_t saturating_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

void hist_init(struct histogram *h)
{
	*h = (struct histogram){ .min = UINT64_MAX };
}

size_t hist_bucket_index(uint64_t value)
{
	if (value < HIST_EXACT_LIMIT)
		return (size_t)value;

	unsigned int exponent = 63 - (unsigned int)__builtin_clzll(value);
	uint64_t sub = value >> (exponent - HIST_SUB_BITS);   /* 128..255 */

	return HIST_EXACT_LIMIT +
	       (size_t)(exponent - HIST_FIRST_LOG_EXPONENT) * HIST_SUB_BUCKETS +
	       (size_t)(sub - HIST_SUB_BUCKETS);
}

/* Bucket index -> the shift its values were reduced by (0 for exact ones). */
static unsigned int bucket_shift(size_t index)
{
	if (index < HIST_EXACT_LIMIT)
		return 0;
	return (unsigned int)((index - HIST_EXACT_LIMIT) / HIST_SUB_BUCKETS) +
	       HIST_FIRST_LOG_EXPONENT - HIST_SUB_BITS;
}

/* An index past the last bucket holds no value; UINT64_MAX keeps callers that
 * walk off the end from reporting a small, plausible-looking latency. */
uint64_t hist_bucket_lower(size_t index)
{
	if (index < HIST_EXACT_LIMIT)
		return index;
	if (index >= HIST_BUCKETS)
		return UINT64_MAX;

	uint64_t sub = HIST_SUB_BUCKETS + (index - HIST_EXACT_LIMIT) % HIST_SUB_BUCKETS;

	return sub << bucket_shift(index);
}

uint64_t hist_bucket_upper(size_t index)
{
	if (index >= HIST_BUCKETS)
		return UINT64_MAX;
	/* Written as lower + (width - 1) so the last bucket ends at exactly
	 * UINT64_MAX instead of overflowing. */
	return hist_bucket_lower(index) + ((UINT64_C(1) << bucket_shift(index)) - 1);
}

void hist_record(struct histogram *h, uint64_t value)
{
	h->counts[hist_bucket_index(value)]++;
	h->total++;
	if (value < h->min)
		h->min = value;
	if (value > h->max)
		h->max = value;
	h->sum = saturating_add(h->sum, value);
}

void hist_merge(struct histogram *dst, const struct histogram *src)
{
	for (size_t i = 0; i < HIST_BUCKETS; i++)
		dst->counts[i] += src->counts[i];
	dst->total += src->total;
	/* An empty src has min = UINT64_MAX and max = 0, so it changes neither. */
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	dst->sum = saturating_add(dst->sum, src->sum);
}

/* 1-based rank of the value at percentile pct, in [1, total]. */
static uint64_t percentile_rank(uint64_t total, double pct)
{
	/* pct * total / 100 rather than pct / 100 * total: integral pct and
	 * total then stay exact (0.99 * 10000 is not 9900 in binary). */
	double rank = ceil(pct * (double)total / 100.0);

	if (rank < 1.0)
		return 1;
	if (rank >= (double)total)       /* also keeps the cast below defined */
		return total;
	return (uint64_t)rank;
}

uint64_t hist_percentile(const struct histogram *h, double pct)
{
	if (h->total == 0)
		return 0;
	/* Written as !(pct > 0) so a NAN pct also gives min, not a wild rank. */
	if (!(pct > 0.0))
		return h->min;

	uint64_t rank = percentile_rank(h->total, pct);
	uint64_t seen = 0;

	for (size_t i = 0; i < HIST_BUCKETS; i++) {
		seen += h->counts[i];
		if (seen < rank)
			continue;

		uint64_t upper = hist_bucket_upper(i);

		/* The bucket bound may lie outside the recorded range; the exact
		 * min and max are better answers there. */
		if (upper > h->max)
			return h->max;
		if (upper < h->min)
			return h->min;
		return upper;
	}
	/* counts sum to less than total (a hand-edited struct): the largest
	 * value recorded is the only honest answer. */
	return h->max;
}
