// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Study files (studies/NAME.study, docs/STUDY.md "Study files"): `key value`
 * lines read into a struct study_definition -- the claim and its source,
 * the runs (label, scenario, `testbed run` arguments), the defaults, the
 * columns and the check (a rule of study_rules.c with its parameters, every
 * one checked here). Bad input is refused with "PATH:LINE: reason". Also
 * where the studies folder is and loading all of it. Reads files; runs
 * nothing, judges nothing. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "csv_read.h"
#include "data_files.h"
#include "study.h"
#include "util.h"

#define STUDY_FILE_MAX_BYTES (256 * 1024)
#define LABEL_CHARS "abcdefghijklmnopqrstuvwxyz0123456789-"

struct parser {
	const char *path;
	size_t line;
	struct study_definition *def;
	size_t run_capacity;
	size_t check_line;       /* 0: no check line yet */
	bool seen_duration, seen_repeat, seen_metrics, seen_figure, seen_name;
	struct error_message *err;
};

static int fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct parser *p, const char *fmt, ...)
{
	char reason[384], path[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	error_message_set(p->err, "%s:%zu: %s", printable_excerpt(p->path, path, sizeof(path)), p->line, reason);
	return -1;
}

/* A one-line excerpt of hostile TEXT for a message (two per message at most). */
static const char *quote(const char *text)
{
	static char out[2][64];
	static int which;

	which ^= 1;
	return printable_excerpt(text, out[which], sizeof(out[which]));
}

/* Text keys may repeat: the lines are joined with a space. */
static int append_text(char **field, const char *value)
{
	size_t old = *field ? strlen(*field) : 0;
	char *joined = realloc(*field, old + strlen(value) + 2);

	if (!joined)
		return -1;
	if (old)
		joined[old++] = ' ';
	strcpy(joined + old, value);
	*field = joined;
	return 0;
}

static int metric_by_key(const char *key)
{
	for (size_t m = 0; m < METRIC_COUNT; m++)
		if (!strcmp(study_metric_info[m].key, key))
			return (int)m;
	return -1;
}

static const char *metric_keys(void)
{
	static char list[512];
	size_t used = 0;

	for (size_t m = 0; m < METRIC_COUNT && used < sizeof(list); m++)
		used += snprintf(list + used, sizeof(list) - used, "%s%s", m ? ", " : "", study_metric_info[m].key);
	return list;
}

/* Splits VALUE at blanks into a new NULL-terminated array; NULL when out of memory. */
static char **split_words(const char *value, size_t *count)
{
	size_t n = 0, capacity = 0;
	char **words = NULL;

	for (;;) {
		size_t len;

		value += strspn(value, " \t");
		len = strcspn(value, " \t");
		if (grow_array(&words, &capacity, n + 1, sizeof(*words)))
			goto fail;
		if (!len)
			break;
		words[n] = strndup(value, len);
		if (!words[n])
			goto fail;
		n++;
		value += len;
	}
	words[n] = NULL;
	*count = n;
	return words;
fail:
	for (size_t i = 0; i < n; i++)
		free(words[i]);
	free(words);
	return NULL;
}

static void free_words(char **words)
{
	for (size_t i = 0; words && words[i]; i++)
		free(words[i]);
	free(words);
}

static bool label_known(const struct study_definition *def, const char *label)
{
	for (size_t i = 0; i < def->nruns; i++)
		if (!strcmp(def->runs[i].label, label))
			return true;
	return false;
}

/* `run LABEL SCENARIO [ARGS...]` */
static int parse_run(struct parser *p, const char *value)
{
	struct study_definition *def = p->def;
	struct study_run *r;
	size_t nwords;
	char **words = split_words(value, &nwords);

	if (!words)
		return fail(p, "out of memory");
	if (nwords < 2) {
		free_words(words);
		return fail(p, "run needs a label and a scenario: run LABEL SCENARIO [testbed run arguments]");
	}
	if (strspn(words[0], LABEL_CHARS) != strlen(words[0]) || strlen(words[0]) > 64) {
		fail(p, "run label '%s' must be 1 to 64 of a-z, 0-9 and '-' (it names folders)", quote(words[0]));
		goto bad;
	}
	if (label_known(def, words[0])) {
		fail(p, "run label '%s' is used twice", words[0]);
		goto bad;
	}
	if (grow_array(&def->runs, &p->run_capacity, def->nruns + 1, sizeof(*def->runs))) {
		fail(p, "out of memory");
		goto bad;
	}
	r = &def->runs[def->nruns];
	*r = (struct study_run){ .label = words[0], .scenario = words[1], .args = words + 2, .nargs = nwords - 2 };
	for (size_t i = 2; i < nwords; i++) {
		static const char *const owned[] = { "--duration", "-d", "--out", "-o", "--repeat" };
		unsigned *target = !strcmp(words[i], "--workers") || !strcmp(words[i], "-w") ? &r->workers :
				   !strcmp(words[i], "--connections") || !strcmp(words[i], "-c") ? &r->connections :
				   NULL;
		uint64_t number;

		for (size_t k = 0; k < ARRAY_SIZE(owned); k++)
			if (!strcmp(words[i], owned[k])) {
				fail(p, "run %s: %s is the study's to set, not a run's", words[0], words[i]);
				goto bad;
			}
		if (!strcmp(words[i], "--policy") && i + 1 < nwords)
			r->policy = words[i + 1];
		if (!target)
			continue;
		if (i + 1 >= nwords || parse_u64(words[i + 1], 1, 100000, &number)) {
			fail(p, "run %s: %s needs a whole number from 1, not '%s'", words[0], words[i],
			     i + 1 < nwords ? quote(words[i + 1]) : "");
			goto bad;
		}
		*target = (unsigned)number;
	}
	/* the label and scenario stay in WORDS' first slots: freed with the run */
	def->nruns++;
	return 0;
bad:
	free_words(words);
	return -1;
}

/* Checks one `check` parameter value (labels against the runs read so far). */
static int check_param(struct parser *p, const struct rule_param *param, const char *value, double *number)
{
	const char *list = value;
	char item[128];

	*number = NAN;
	switch (param->kind) {
	case PARAM_NUMBER:
		if (parse_double(value, 0, 1e9, number))
			return fail(p, "check %s: %s=%s is not a number", p->def->check.rule->name, param->key, quote(value));
		return 0;
	case PARAM_METRIC:
		if (metric_by_key(value) < 0)
			return fail(p, "check: %s=%s is not a metric (%s)", param->key, quote(value), metric_keys());
		return 0;
	case PARAM_LABEL:
	case PARAM_LABELS:
	case PARAM_PATTERN:
	case PARAM_SIZES:
		break;
	}
	if (!*value || value[strlen(value) - 1] == ',')
		return fail(p, "check: %s= has an empty item", param->key);
	while (*list) {
		size_t len = strcspn(list, ",");
		uint64_t size;

		if (!len || len >= sizeof(item))
			return fail(p, "check: %s= has an empty or too long item", param->key);
		snprintf(item, sizeof(item), "%.*s", (int)len, list);
		list += len + (list[len] == ',');
		if (param->kind == PARAM_SIZES) {
			if (parse_u64(item, 1, 100000, &size))
				return fail(p, "check: %s=%s: '%s' is not a whole number from 1", param->key,
					    quote(value), quote(item));
		} else if (param->kind == PARAM_PATTERN) {
			if (!strstr(item, "{N}"))
				return fail(p, "check: %s=%s: '%s' has no {N} (the size)", param->key, quote(value),
					    quote(item));
		} else if (!label_known(p->def, item)) {
			return fail(p, "check: %s=%s: no run is labelled '%s' (runs come before the check)",
				    param->key, quote(value), quote(item));
		}
		if (param->kind == PARAM_LABEL && *list)
			return fail(p, "check: %s= takes one label, not a list", param->key);
	}
	return 0;
}

/* Every pattern x size names a run (both are known only once the line is read). */
static int check_patterns(struct parser *p)
{
	const struct study_check *c = &p->def->check;

	for (int i = 0; i < RULE_MAX_PARAMS && c->rule->params[i].key; i++) {
		const char *patterns = c->text[i];

		if (c->rule->params[i].kind != PARAM_PATTERN)
			continue;
		while (*patterns) {
			size_t len = strcspn(patterns, ",");
			const char *sizes = check_text(c, "sizes");

			while (*sizes) {
				char label[256], pattern[128];
				const char *at;
				size_t slen = strcspn(sizes, ",");

				snprintf(pattern, sizeof(pattern), "%.*s", (int)len, patterns);
				at = strstr(pattern, "{N}");
				snprintf(label, sizeof(label), "%.*s%.*s%s", (int)(at - pattern), pattern, (int)slen, sizes,
					 at + 3);
				if (!label_known(p->def, label))
					return fail(p, "check: %s=%s names '%s', which is not a run's label",
						    c->rule->params[i].key, quote(c->text[i]), quote(label));
				sizes += slen + (sizes[slen] == ',');
			}
			patterns += len + (patterns[len] == ',');
		}
	}
	return 0;
}

/* `check RULE key=value ...` */
static int parse_check(struct parser *p, const char *value)
{
	struct study_check *c = &p->def->check;
	size_t nwords;
	char **words = split_words(value, &nwords);
	int result = -1;

	if (!words)
		return fail(p, "out of memory");
	if (p->check_line) {
		fail(p, "a second check line (the first is line %zu)", p->check_line);
		goto out;
	}
	p->check_line = p->line;
	c->rule = nwords ? study_rule_find(words[0]) : NULL;
	if (!c->rule) {
		fail(p, "check needs a rule: %s is not one (docs/STUDY.md, \"Rules\")", nwords ? quote(words[0]) : "''");
		goto out;
	}
	for (size_t w = 1; w < nwords; w++) {
		char *eq = strchr(words[w], '=');
		int i;

		if (!eq) {
			fail(p, "check %s: '%s' is not key=value", c->rule->name, quote(words[w]));
			goto out;
		}
		*eq = '\0';
		for (i = 0; i < RULE_MAX_PARAMS && c->rule->params[i].key; i++)
			if (!strcmp(c->rule->params[i].key, words[w]))
				break;
		if (i == RULE_MAX_PARAMS || !c->rule->params[i].key) {
			fail(p, "check %s has no parameter '%s'", c->rule->name, quote(words[w]));
			goto out;
		}
		if (c->text[i]) {
			fail(p, "check %s: %s given twice", c->rule->name, words[w]);
			goto out;
		}
		if (check_param(p, &c->rule->params[i], eq + 1, &c->number[i]))
			goto out;
		c->text[i] = strdup(eq + 1);
		if (!c->text[i]) {
			fail(p, "out of memory");
			goto out;
		}
	}
	for (int i = 0; i < RULE_MAX_PARAMS && c->rule->params[i].key; i++) {
		const struct rule_param *param = &c->rule->params[i];

		if (c->text[i])
			continue;
		if (!param->fallback) {
			fail(p, "check %s needs %s=", c->rule->name, param->key);
			goto out;
		}
		c->text[i] = strdup(param->fallback);
		if (!c->text[i] || check_param(p, param, param->fallback, &c->number[i]))
			goto out;
	}
	result = check_patterns(p);
out:
	free_words(words);
	return result;
}

static int parse_metrics(struct parser *p, const char *value)
{
	size_t nwords;
	char **words = split_words(value, &nwords);
	int result = 0;

	if (!words)
		return fail(p, "out of memory");
	for (size_t i = 0; i < nwords && !result; i++) {
		int m = metric_by_key(words[i]);

		if (m < 0)
			result = fail(p, "'%s' is not a metric (%s)", quote(words[i]), metric_keys());
		else
			p->def->metrics |= METRIC_BIT(m);
	}
	free_words(words);
	return result;
}

static int parse_line(struct parser *p, char *line)
{
	static const struct { const char *key; size_t offset; } texts[] = {
		{ "summary", offsetof(struct study_definition, summary) },
		{ "claim", offsetof(struct study_definition, claim) },
		{ "source", offsetof(struct study_definition, source) },
		{ "setup", offsetof(struct study_definition, original_setup) },
		{ "expected", offsetof(struct study_definition, expected) },
	};
	struct study_definition *def = p->def;
	size_t key_len = strcspn(line, " \t");
	char *value = line + key_len;
	uint64_t number;

	value += strspn(value, " \t");
	line[key_len] = '\0';
	if (!*value)
		return fail(p, "'%s' has no value", quote(line));
	for (size_t i = 0; i < ARRAY_SIZE(texts); i++)
		if (!strcmp(line, texts[i].key))
			return append_text((char **)((char *)def + texts[i].offset), value) ? fail(p, "out of memory") : 0;
	if (!strcmp(line, "name")) {
		if (p->seen_name)
			return fail(p, "name given twice");
		p->seen_name = true;
		if (strcmp(value, def->name))
			return fail(p, "name %s is not the file's name (%s.study)", quote(value), def->name);
		return 0;
	}
	if (!strcmp(line, "duration")) {
		if (p->seen_duration)
			return fail(p, "duration given twice");
		p->seen_duration = true;
		if (parse_double(value, 0.1, 3600, &def->default_duration_s))
			return fail(p, "duration is seconds from 0.1 to 3600, not '%s'", quote(value));
		return 0;
	}
	if (!strcmp(line, "repeat")) {
		if (p->seen_repeat)
			return fail(p, "repeat given twice");
		p->seen_repeat = true;
		if (parse_u64(value, 1, 100, &number))
			return fail(p, "repeat is a whole number from 1 to 100, not '%s'", quote(value));
		def->default_repeat = (unsigned)number;
		return 0;
	}
	if (!strcmp(line, "metrics")) {
		p->seen_metrics = true;
		return parse_metrics(p, value);
	}
	if (!strcmp(line, "figure")) {
		int m = metric_by_key(value);

		if (p->seen_figure)
			return fail(p, "figure given twice");
		p->seen_figure = true;
		if (m < 0)
			return fail(p, "figure %s is not a metric (%s)", quote(value), metric_keys());
		def->figure_metric = (enum study_metric)m;
		def->metrics |= METRIC_BIT(m);
		return 0;
	}
	if (!strcmp(line, "run")) {
		if (p->check_line)
			return fail(p, "run after the check line (the check names runs: put it last)");
		return parse_run(p, value);
	}
	if (!strcmp(line, "check"))
		return parse_check(p, value);
	return fail(p, "unknown key '%s' (name, summary, claim, source, setup, expected, duration, repeat, "
		    "metrics, figure, run, check)", quote(line));
}

/* The name a study file stands for: its base name without ".study". */
static char *name_of(const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t len = strlen(base);

	if (len > 6 && !strcmp(base + len - 6, ".study"))
		len -= 6;
	return strndup(base, len);
}

int study_parse(const char *path, const char *text, struct study_definition **out, struct error_message *err)
{
	struct parser p = { .path = path, .err = err };
	char *data = NULL, *line, *next;
	size_t length;
	int result = -1;

	*out = NULL;
	if (!text) {
		if (read_whole_file(path, STUDY_FILE_MAX_BYTES, &data, &length, err))
			return -1;
		if (strlen(data) != length) {
			error_message_set(err, "%s: a NUL byte: not a study file", path);
			goto out;
		}
	} else {
		data = strdup(text);
	}
	p.def = calloc(1, sizeof(*p.def));
	if (!data || !p.def || !(p.def->name = name_of(path))) {
		error_message_set(err, "%s: out of memory", path);
		goto out;
	}
	for (line = data; line; line = next) {
		size_t end;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else if (!*line)
			break;          /* after the last newline: no line */
		p.line++;
		end = strlen(line);
		while (end && strchr(" \t\r", line[end - 1]))
			line[--end] = '\0';
		line += strspn(line, " \t");
		if (!*line || *line == '#')
			continue;
		for (const char *c = line; *c; c++)
			if ((unsigned char)*c < ' ' && *c != '\t') {
				fail(&p, "a control character (byte 0x%02x)", (unsigned char)*c);
				goto out;
			}
		if (parse_line(&p, line))
			goto out;
	}
	{
		static const char *const required[] = { "summary", "claim", "source", "setup", "expected" };
		char *const fields[] = { p.def->summary, p.def->claim, p.def->source, p.def->original_setup,
					 p.def->expected };

		for (size_t i = 0; i < ARRAY_SIZE(required); i++)
			if (!fields[i]) {
				fail(&p, "end of file without a '%s' line", required[i]);
				goto out;
			}
	}
	if (!p.seen_duration || !p.seen_repeat || !p.seen_figure || !p.def->nruns || !p.check_line) {
		fail(&p, "end of file without a%s line", !p.seen_duration ? " 'duration'" : !p.seen_repeat ? " 'repeat'" :
		     !p.seen_figure ? " 'figure'" : !p.def->nruns ? " 'run'" : " 'check'");
		goto out;
	}
	*out = p.def;
	p.def = NULL;
	result = 0;
out:
	study_free(p.def);
	free(data);
	return result;
}

void study_free(struct study_definition *def)
{
	if (!def)
		return;
	for (size_t i = 0; i < def->nruns; i++)
		free_words(def->runs[i].args - 2);  /* the label and scenario are the words before */
	for (int i = 0; i < RULE_MAX_PARAMS; i++)
		free(def->check.text[i]);
	free(def->runs);
	free(def->name);
	free(def->summary);
	free(def->claim);
	free(def->source);
	free(def->original_setup);
	free(def->expected);
	free(def);
}

static int compare_studies(const void *a, const void *b)
{
	return strcmp((*(struct study_definition *const *)a)->name, (*(struct study_definition *const *)b)->name);
}

int study_load_all(const char *dir, struct study_definition ***list, size_t *n, struct error_message *err)
{
	struct study_definition **studies = NULL;
	size_t count = 0, capacity = 0;
	struct dirent *entry;
	DIR *d = opendir(dir);

	*list = NULL;
	*n = 0;
	if (!d) {
		error_message_set(err, "cannot open the studies folder %s: %s", dir, strerror(errno));
		return -1;
	}
	while ((entry = readdir(d))) {
		size_t len = strlen(entry->d_name);
		char path[PATH_MAX];

		if (len <= 6 || strcmp(entry->d_name + len - 6, ".study") || entry->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, entry->d_name);
		if (grow_array(&studies, &capacity, count + 1, sizeof(*studies))) {
			error_message_set(err, "out of memory");
			goto fail;
		}
		if (study_parse(path, NULL, &studies[count], err))
			goto fail;
		count++;
	}
	closedir(d);
	if (count)
		qsort(studies, count, sizeof(*studies), compare_studies);
	*list = studies;
	*n = count;
	return 0;
fail:
	closedir(d);
	study_free_all(studies, count);
	return -1;
}

void study_free_all(struct study_definition **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		study_free(list[i]);
	free(list);
}

int study_dir(char *out, size_t size, struct error_message *err)
{
	return data_path("studies", out, size, err);
}
