// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The verdict rules a study file names in its `check` line: each generic
 * (labels, sizes, metrics and thresholds are its parameters, declared here
 * with their fallbacks), each filling a struct study_outcome -- the verdict
 * and why, with the numbers -- from the medians over the repeats
 * (docs/STUDY.md, "Rules"). Pure and unit-tested; the parameters are checked
 * when the study file is read (study_file.c), so a rule finds them all. */
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "study.h"
#include "util.h"

static int param_index(const struct study_check *check, const char *key)
{
	for (int i = 0; i < RULE_MAX_PARAMS && check->rule->params[i].key; i++)
		if (!strcmp(check->rule->params[i].key, key))
			return i;
	return -1;
}

double check_number(const struct study_check *check, const char *key)
{
	int i = param_index(check, key);

	return i < 0 ? NAN : check->number[i];
}

const char *check_text(const struct study_check *check, const char *key)
{
	int i = param_index(check, key);

	return i < 0 || !check->text[i] ? "" : check->text[i];
}

/* Appends to OUT->why. */
static void say(struct study_outcome *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct study_outcome *out, const char *fmt, ...)
{
	size_t used = strlen(out->why);
	va_list ap;

	if (used >= sizeof(out->why) - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(out->why + used, sizeof(out->why) - used, fmt, ap);
	va_end(ap);
}

/* The next comma-separated item of *LIST into ITEM; false at the end. */
static bool next_item(const char **list, char *item, size_t size)
{
	size_t len = strcspn(*list, ",");

	if (!**list)
		return false;
	snprintf(item, size, "%.*s", (int)(len < size ? len : size - 1), *list);
	*list += len + ((*list)[len] == ',');
	return true;
}

/* PATTERN with "{N}" replaced by N, into OUT. */
static const char *expand(const char *pattern, unsigned n, char *out, size_t size)
{
	const char *at = strstr(pattern, "{N}");

	if (!at)
		snprintf(out, size, "%s", pattern);
	else
		snprintf(out, size, "%.*s%u%s", (int)(at - pattern), pattern, n, at + 3);
	return out;
}

static double median_of(const struct study_result *r, size_t n, const char *label, enum study_metric m)
{
	const struct study_result *found = study_result_of(r, n, label, m);

	return found ? found->metric[m].median : NAN;
}

static enum study_metric metric_param(const struct study_check *check, const char *key)
{
	const char *name = check_text(check, key);

	for (size_t m = 0; m < METRIC_COUNT; m++)
		if (!strcmp(study_metric_info[m].key, name))
			return (enum study_metric)m;
	return METRIC_HERD_FACTOR;   /* not reached: the parser checked the name */
}

/* --- herd_grows_with_size ------------------------------------------------- */

/* HERD's metric grows with the size N (workers, threads): >= of_n x N and
 * >= over_wake_one x the WAKE_ONE configurations', which stay <= wake_one_max. */
static void judge_herd_grows_with_size(const struct study_check *check, const struct study_result *results,
				       size_t n, const struct study_setup *setup, struct study_outcome *out)
{
	enum study_metric metric = metric_param(check, "metric");
	double of_n = check_number(check, "of_n"), over = check_number(check, "over_wake_one");
	double wake_one_max = check_number(check, "wake_one_max");
	bool wake_one = true, herd_of_n = true, herd_present = true, any = false;
	const char *sizes = check_text(check, "sizes");
	unsigned short_n = 0;   /* the smallest N whose herd fell short of N */
	char size_text[16];

	while (next_item(&sizes, size_text, sizeof(size_text))) {
		unsigned size = (unsigned)strtoul(size_text, NULL, 10);
		const char *patterns = check_text(check, "wake_one");
		char label[128], pattern[128], line[512] = "";
		double herd, most = 0;
		bool all = true;

		if (size < 2)
			continue;
		herd = median_of(results, n, expand(check_text(check, "herd"), size, label, sizeof(label)), metric);
		snprintf(line, sizeof(line), "N=%u: %s %.2f (%.2f N)", size, label, herd, herd / size);
		while (next_item(&patterns, pattern, sizeof(pattern))) {
			double one = median_of(results, n, expand(pattern, size, label, sizeof(label)), metric);
			size_t used = strlen(line);

			all = all && !isnan(one);
			most = fmax(most, one);
			snprintf(line + used, sizeof(line) - used, ", %s %.2f", label, one);
		}
		if (isnan(herd) || !all)
			continue;
		any = true;
		say(out, "%s. ", line);
		if (most > wake_one_max)
			wake_one = false;
		/* "about N" and a herd at all: 0.5 N alone is 1 at N = 2, what wake-one gives */
		bool herd_here = herd >= over * most;

		if (herd < of_n * size || !herd_here) {
			herd_of_n = false;
			if (!short_n)
				short_n = size;
		}
		if (!herd_here)
			herd_present = false;
	}
	if (!any) {
		say(out, "No N >= 2 with every configuration measured.");
		return;
	}
	if (wake_one && herd_of_n) {
		out->verdict = VERDICT_REPRODUCED;
		say(out, "Every %s >= %.2f N (and >= %.1f x the wake-one configurations') and every wake-one "
		    "configuration <= %.2f.", study_metric_info[metric].name, of_n, over, wake_one_max);
	} else if (wake_one && herd_present) {
		out->verdict = VERDICT_PARTLY;
		say(out, "Wake-one holds (<= %.2f) and the herd is there (>= %.1f x), but below %.2f N "
		    "from N=%u", wake_one_max, over, of_n, short_n);
		if (short_n > setup->cpus)
			say(out, " -- more than this machine's %u CPUs: a woken waiter still waiting for a CPU "
			    "is not woken again, so the herd is capped near the CPUs.", setup->cpus);
		else
			say(out, ".");
	} else if (herd_of_n || herd_present) {
		out->verdict = VERDICT_PARTLY;
		say(out, "The herd is there, but a wake-one configuration had a %s above %.2f.",
		    study_metric_info[metric].name, wake_one_max);
	} else {
		out->verdict = VERDICT_NOT_REPRODUCED;
		say(out, "At some N >= 2 the herd configuration had less than %.1f x the wake-one ones: no herd.",
		    over);
	}
}

/* --- top_share_at_least --------------------------------------------------- */

/* LABEL's busiest TOP workers take > share; EVEN_LABEL's <= even_max x the
 * even TOP/N; partly at >= skew x even. */
static void judge_top_share_at_least(const struct study_check *check, const struct study_result *results,
				     size_t n, const struct study_setup *setup, struct study_outcome *out)
{
	unsigned top = (unsigned)check_number(check, "top");
	enum study_metric m = top == 1 ? METRIC_MAX_SHARE : METRIC_TOP_TWO_SHARE;
	const char *skewed_label = check_text(check, "label"), *even_label = check_text(check, "even_label");
	const struct study_result *skewed = study_result_of(results, n, skewed_label, m);
	const struct study_result *spread = study_result_of(results, n, even_label, m);
	double share = check_number(check, "share"), skew = check_number(check, "skew");
	double even_max = check_number(check, "even_max"), even;
	const struct spread *s;
	unsigned workers;

	if (top != 1 && top != 2) {
		say(out, "top=%g: the shares measured are of the busiest 1 or 2 workers.", check_number(check, "top"));
		return;
	}
	if (!skewed || !spread) {
		say(out, "%s and %s were not both measured (is the server installed?).", skewed_label, even_label);
		return;
	}
	workers = skewed->run->workers ? skewed->run->workers : setup->cpus;
	even = (double)top / workers;
	s = &skewed->metric[m];
	bool spread_even = spread->metric[m].median <= even_max * even;

	say(out, "%s of %s: median %.3f (%.3f-%.3f over %zu runs); of %s %.3f; an even spread gives %.3f. ",
	    study_metric_info[m].name, skewed_label, s->median, s->min, s->max, s->n, even_label,
	    spread->metric[m].median, even);
	if (s->median > share && spread_even) {
		out->verdict = VERDICT_REPRODUCED;
		say(out, "Over %.0f %% in the busiest %u, and %s spreads them (<= %.1f x even).", share * 100, top,
		    even_label, even_max);
		return;
	}
	if (s->median > share || s->median >= skew * even) {
		out->verdict = VERDICT_PARTLY;
		if (s->median > share)
			say(out, "The concentration is there, but %s did not spread evenly either (> %.1f x even).",
			    even_label, even_max);
		else
			say(out, "%s is skewed (>= %.1f x even) but below the claimed %.0f %%.", skewed_label, skew,
			    share * 100);
	} else {
		out->verdict = VERDICT_NOT_REPRODUCED;
		say(out, "%s spread the connections about evenly (below %.1f x even).", skewed_label, skew);
	}
	if (setup->cpus < workers)
		say(out, " This machine has %u CPUs for %u workers: which worker wins the accept race depends on "
		    "which are running, so a result on fewer CPUs than workers does not refute a skew seen on a "
		    "bigger machine.", setup->cpus, workers);
}

/* --- takes_turns_and_wakes_one -------------------------------------------- */

/* TURN's busiest worker takes <= turn_max x 1/N ("by turn"); every WAKE_ONE
 * configuration has a herd factor <= wake_one_max ("no waste"). */
static void judge_takes_turns_and_wakes_one(const struct study_check *check,
					    const struct study_result *results, size_t n,
					    const struct study_setup *setup, struct study_outcome *out)
{
	const char *turn_label = check_text(check, "turn"), *labels = check_text(check, "wake_one");
	const struct study_result *turn = study_result_of(results, n, turn_label, METRIC_MAX_SHARE);
	double turn_max = check_number(check, "turn_max"), wake_one_max = check_number(check, "wake_one_max");
	char label[128], herds[512] = "";
	bool by_turn, no_waste = true;
	unsigned workers;
	double even;

	if (!turn) {
		say(out, "%s was not measured (is the server installed?).", turn_label);
		return;
	}
	while (next_item(&labels, label, sizeof(label))) {
		double herd = median_of(results, n, label, METRIC_HERD_FACTOR);
		size_t used = strlen(herds);

		if (isnan(herd)) {
			say(out, "%s was not measured (is the server installed?).", label);
			return;
		}
		no_waste = no_waste && herd <= wake_one_max;
		snprintf(herds + used, sizeof(herds) - used, "%s%s %.2f", used ? ", " : "", label, herd);
	}
	workers = turn->run->workers ? turn->run->workers : setup->cpus;
	even = 1.0 / workers;
	by_turn = turn->metric[METRIC_MAX_SHARE].median <= turn_max * even;
	say(out, "%s: the busiest worker took %.3f of the connections (%.3f-%.3f; even is %.3f, \"by turn\" "
	    "here means <= %.1f x even). Herd factor %s (no waste: <= %.2f). ", turn_label,
	    turn->metric[METRIC_MAX_SHARE].median, turn->metric[METRIC_MAX_SHARE].min,
	    turn->metric[METRIC_MAX_SHARE].max, even, turn_max, herds, wake_one_max);
	if (by_turn && no_waste) {
		out->verdict = VERDICT_REPRODUCED;
		say(out, "%s takes turns, and the others wake one.", turn_label);
	} else if (no_waste) {
		out->verdict = VERDICT_PARTLY;
		say(out, "The others waste nothing, but under %s the workers do not take turns at this "
		    "concurrency: one worker keeps accepting.", turn_label);
	} else if (by_turn) {
		out->verdict = VERDICT_PARTLY;
		say(out, "%s takes turns, but in another configuration a worker was woken for nothing.", turn_label);
	} else {
		out->verdict = VERDICT_NOT_REPRODUCED;
		say(out, "Neither: one worker keeps the connections under %s and the others waste wakeups.",
		    turn_label);
	}
	if (setup->cpus < workers)
		say(out, " (%u CPUs for %u workers here.)", setup->cpus, workers);
}

/* --- lost_and_kept -------------------------------------------------------- */

/* Every LOSSY configuration's metric > lossy_min, every KEPT one's <= kept_max
 * (e.g. connections lost to a killed worker). Configurations not measured
 * (a kernel without the feature) are named and left out. */
static void judge_lost_and_kept(const struct study_check *check, const struct study_result *results, size_t n,
				const struct study_setup *setup, struct study_outcome *out)
{
	enum study_metric m = metric_param(check, "metric");
	double lossy_min = check_number(check, "lossy_min"), kept_max = check_number(check, "kept_max");
	const char *lists[2] = { check_text(check, "lossy"), check_text(check, "kept") };
	size_t measured[2] = { 0, 0 };
	bool holds[2] = { true, true };
	char label[128], missing[512] = "";

	(void)setup;
	for (int k = 0; k < 2; k++) {
		const char *list = lists[k];

		while (next_item(&list, label, sizeof(label))) {
			double v = median_of(results, n, label, m);
			size_t used = strlen(missing);

			if (isnan(v)) {
				snprintf(missing + used, sizeof(missing) - used, "%s%s", used ? ", " : "", label);
				continue;
			}
			measured[k]++;
			say(out, "%s: %s %.1f. ", label, study_metric_info[m].name, v);
			if (k == 0 ? v <= lossy_min : v > kept_max)
				holds[k] = false;
		}
	}
	if (missing[0])
		say(out, "Not measured (failed or unsupported here): %s. ", missing);
	if (!measured[0] || !measured[1]) {
		say(out, "Nothing to compare: a losing and a keeping configuration are both needed.");
		return;
	}
	if (holds[0] && holds[1]) {
		out->verdict = VERDICT_REPRODUCED;
		say(out, "Each of %s lost more than %g and each of %s at most %g.", lists[0], lossy_min, lists[1],
		    kept_max);
	} else if (holds[0] || holds[1]) {
		out->verdict = VERDICT_PARTLY;
		if (holds[0])
			say(out, "%s lost more than %g, but not every one of %s kept to %g.", lists[0], lossy_min,
			    lists[1], kept_max);
		else
			say(out, "%s kept to %g, but not every one of %s lost more than %g.", lists[1], kept_max,
			    lists[0], lossy_min);
	} else {
		out->verdict = VERDICT_NOT_REPRODUCED;
		say(out, "Neither: %s did not lose more than %g and %s did not keep to %g.", lists[0], lossy_min,
		    lists[1], kept_max);
	}
}

/* --- the rules ------------------------------------------------------------- */

const struct study_rule study_rules[] = {
	{ "herd_grows_with_size", "the herd configuration's metric grows with N, the wake-one ones stay near 1",
	  { { "herd", PARAM_PATTERN, NULL }, { "wake_one", PARAM_PATTERN, NULL }, { "sizes", PARAM_SIZES, NULL },
	    { "metric", PARAM_METRIC, "herd_factor" }, { "of_n", PARAM_NUMBER, "0.5" },
	    { "over_wake_one", PARAM_NUMBER, "1.1" }, { "wake_one_max", PARAM_NUMBER, "1.25" } },
	  judge_herd_grows_with_size },
	{ "top_share_at_least", "the busiest TOP workers of one configuration take more than SHARE, "
	  "another spreads evenly",
	  { { "label", PARAM_LABEL, NULL }, { "even_label", PARAM_LABEL, NULL }, { "top", PARAM_NUMBER, "2" },
	    { "share", PARAM_NUMBER, "0.70" }, { "skew", PARAM_NUMBER, "1.5" }, { "even_max", PARAM_NUMBER, "1.3" } },
	  judge_top_share_at_least },
	{ "takes_turns_and_wakes_one", "one configuration's workers take turns, the others wake one per connection",
	  { { "turn", PARAM_LABEL, NULL }, { "turn_max", PARAM_NUMBER, "1.5" }, { "wake_one", PARAM_LABELS, NULL },
	    { "wake_one_max", PARAM_NUMBER, "1.25" } },
	  judge_takes_turns_and_wakes_one },
	{ "lost_and_kept", "some configurations lose more than LOSSY_MIN, the others at most KEPT_MAX",
	  { { "lossy", PARAM_LABELS, NULL }, { "kept", PARAM_LABELS, NULL },
	    { "metric", PARAM_METRIC, "connections_lost" }, { "lossy_min", PARAM_NUMBER, "1" },
	    { "kept_max", PARAM_NUMBER, "1" } },
	  judge_lost_and_kept },
};
const size_t study_rule_count = ARRAY_SIZE(study_rules);

const struct study_rule *study_rule_find(const char *name)
{
	for (size_t i = 0; i < study_rule_count; i++)
		if (!strcmp(study_rules[i].name, name))
			return &study_rules[i];
	return NULL;
}
