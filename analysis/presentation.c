// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Pure presentation rules: the timeline's default interval, which of its
 * intervals are plotted and at what rate, the terminal summary's one-line
 * verdict and its thresholds, and compare.svg's short run labels. Nothing
 * here reads files, prints or draws; the metric formulas are metrics.c's.
 * See presentation.h. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "presentation.h"
#include "util.h"

unsigned timeline_default_interval_ms(double duration_s)
{
	static const unsigned round_ms[] = { 1000, 500, 250, 200, 100, 50, 25, 20, 10 };

	if (!(duration_s > 0))
		return round_ms[0];
	for (size_t i = 0; i < ARRAY_SIZE(round_ms); i++)
		if (duration_s * 1000.0 / round_ms[i] >= TIMELINE_MIN_POINTS)
			return round_ms[i];
	return round_ms[ARRAY_SIZE(round_ms) - 1];
}

bool timeline_interval_plotted(uint64_t start_ms, uint64_t end_ms, uint64_t interval_ms)
{
	return end_ms > start_ms && 2 * (end_ms - start_ms) >= interval_ms;
}

bool timeline_interval_partial(uint64_t start_ms, uint64_t end_ms, uint64_t interval_ms)
{
	return end_ms < start_ms + interval_ms;
}

double timeline_rate(uint64_t count, uint64_t start_ms, uint64_t end_ms)
{
	if (end_ms <= start_ms)
		return NAN;
	return (double)count * 1000.0 / (double)(end_ms - start_ms);
}

double axis_tic_step(double max, unsigned tics)
{
	static const double mantissas[] = { 1, 2, 2.5, 5 };
	double power;

	if (!(max > 0) || !tics)
		return 1;
	power = pow(10, floor(log10(max / tics)));
	for (;;) {
		for (size_t i = 0; i < ARRAY_SIZE(mantissas); i++)
			if (max / (mantissas[i] * power) <= tics)
				return mantissas[i] * power;
		power *= 10;
	}
}

const char *verdict_text(const struct verdict_input *in, char *out, size_t size)
{
	size_t used = 0;

#define APPEND(...) (used += (size_t)snprintf(out + used, used < size ? size - used : 0, __VA_ARGS__))
	if (!size)
		return out;
	out[0] = '\0';
	if (isnan(in->jain_index)) {
		snprintf(out, size, "no verdict: no connections were taken");
		return out;
	}
	if (in->workers > 1 && in->jain_index < VERDICT_UNFAIR_JAIN)
		APPEND("unfair: worker %lld took %.1f %% (Jain %.2f)", in->busiest_worker,
		       100.0 * in->busiest_share, in->jain_index);
	if (in->herd_factor > VERDICT_HERD_FACTOR)
		APPEND("%sherd: %.1f listener wakeups per connection, %.0f %% wasted", used ? "; " : "",
		       in->herd_factor, isnan(in->wasted_ratio) ? 0.0 : 100.0 * in->wasted_ratio);
	if (!used)
		APPEND("%s: Jain %.2f", in->workers > 1 ? "fair" : "one worker", in->jain_index);
	if (in->herd_factor < 1)
		APPEND(", herd factor %.2f < 1 (batching: one wakeup, several accepts)", in->herd_factor);
	else if (!isnan(in->herd_factor) && in->herd_factor <= VERDICT_HERD_FACTOR)
		APPEND(", no herd (%.2f wakeups per connection)", in->herd_factor);
#undef APPEND
	return out;
}

const char *run_short_label(const char *scenario, const char *policy, double workers,
			    const char *connections, char *out, size_t size)
{
	size_t used = 0;

	if (!size)
		return out;
	out[0] = '\0';
	if (scenario && *scenario)
		used += (size_t)snprintf(out + used, size - used, "%s", scenario);
	if (policy && *policy && strcmp(policy, "none") && used < size)
		used += (size_t)snprintf(out + used, size - used, "%s%s", used ? "/" : "", policy);
	if (!isnan(workers) && used < size)
		used += (size_t)snprintf(out + used, size - used, "%s%.0fw", used ? "/" : "", workers);
	if (connections && *connections && used < size)
		snprintf(out + used, size - used, "%s%sc", used ? "/" : "", connections);
	return out;
}
