/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Log-linear histogram of u64 values (ns): exact below 256, then 128 linear
 * sub-buckets per power of two, so every bucket is at most 1/128 (< 0.8%)
 * wide relative to its lower bound. Covers the whole u64 range. */
#ifndef TESTBED_HISTOGRAM_H
#define TESTBED_HISTOGRAM_H

#include <stddef.h>
#include <stdint.h>

#define HIST_EXACT_LIMIT 256                   /* values below are exact */
#define HIST_SUB_BUCKETS 128                   /* per power of two above */
#define HIST_BUCKETS (HIST_EXACT_LIMIT + (64 - 8) * HIST_SUB_BUCKETS)

struct histogram {
	uint64_t counts[HIST_BUCKETS];
	uint64_t total;   /* number of recorded values */
	uint64_t min;     /* exact; UINT64_MAX when empty */
	uint64_t max;     /* exact; 0 when empty */
	uint64_t sum;     /* saturating sum, for the mean */
};

void hist_init(struct histogram *h);
void hist_record(struct histogram *h, uint64_t value);
void hist_merge(struct histogram *dst, const struct histogram *src);
size_t hist_bucket_index(uint64_t value);
uint64_t hist_bucket_lower(size_t index);      /* smallest value in bucket */
uint64_t hist_bucket_upper(size_t index);      /* largest value in bucket */
/* Value at percentile pct (0..100]: the upper bound of the bucket holding the
 * ceil(pct/100 * total)-th smallest value, clamped to [min, max].
 * Returns 0 for an empty histogram. */
uint64_t hist_percentile(const struct histogram *h, double pct);

#endif
