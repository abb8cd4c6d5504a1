// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for user/options.c: `testbed run` and `trace` option parsing,
 * and the option table behind getopt, --help and who takes which option. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "options.h"
#include "unit.h"

#define NCPUS 2

/* Parses a NULL-terminated argument list (argv[0] = "run"). */
static enum parse_result parse(struct run_options *o, struct error_message *err, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;

	argv[argc++] = "run";
	va_start(ap, err);
	while (argc < 31 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	return parse_run_options(argc, argv, NCPUS, o, err);
}

static void test_defaults(void)
{
	struct run_options o;
	struct error_message err = { "" };

	CU_ASSERT_EQUAL(parse(&o, &err, "shared-epoll", NULL), PARSE_OK);
	CU_ASSERT_STRING_EQUAL(o.scenario->name, "shared-epoll");
	CU_ASSERT_EQUAL(o.workers, NCPUS);
	CU_ASSERT_EQUAL(o.connections, DEFAULT_CONNECTIONS);
	CU_ASSERT_DOUBLE_EQUAL(o.duration_s, DEFAULT_DURATION_S, 1e-9);
	CU_ASSERT_EQUAL(o.requests, 0);
	CU_ASSERT_EQUAL(o.port, 0); /* a free port: runs side by side never collide */
	CU_ASSERT_FALSE(o.events);
	CU_ASSERT_EQUAL(o.events_max, DEFAULT_EVENTS_MAX);
	CU_ASSERT_FALSE(o.keepalive);
	CU_ASSERT_PTR_NULL(o.out_dir);
	CU_ASSERT_EQUAL(o.threads, 0);
}

static void test_pool_options(void)
{
	struct run_options o;
	struct error_message err = { "" };

	/* --threads alone: Node-like defaults, cpu:100 */
	CU_ASSERT_EQUAL(parse(&o, &err, "shared-epoll", "--threads", "4", NULL), PARSE_OK);
	CU_ASSERT_EQUAL(o.threads, 4);
	CU_ASSERT_EQUAL(o.work_kind, WORK_CPU);
	CU_ASSERT_EQUAL(o.work_amount, DEFAULT_WORK_CPU_US);
	CU_ASSERT_EQUAL(o.pool_wake, POOL_WAKE_SIGNAL);
	CU_ASSERT_EQUAL(o.pool_notify, POOL_NOTIFY_EVENTFD);

	CU_ASSERT_EQUAL(parse(&o, &err, "fd-dispatch", "--threads", "64", "--work", "sleep:500",
			      "--pool-wake", "broadcast", "--pool-notify", "pipe", NULL), PARSE_OK);
	CU_ASSERT_EQUAL(o.threads, 64);
	CU_ASSERT_EQUAL(o.work_kind, WORK_SLEEP);
	CU_ASSERT_EQUAL(o.work_amount, 500);
	CU_ASSERT_EQUAL(o.pool_wake, POOL_WAKE_BROADCAST);
	CU_ASSERT_EQUAL(o.pool_notify, POOL_NOTIFY_PIPE);

	/* a mix: @F, the share of requests; sleep needs no pool (the worker sleeps) */
	CU_ASSERT_EQUAL(parse(&o, &err, "reuseport", "--work", "sleep:20000@0.1", NULL), PARSE_OK);
	CU_ASSERT_EQUAL(o.work_kind, WORK_SLEEP);
	CU_ASSERT_EQUAL(o.work_amount, 20000);
	CU_ASSERT_DOUBLE_EQUAL(o.work_fraction, 0.1, 1e-12);
	CU_ASSERT_EQUAL(parse(&o, &err, "reuseport", "--threads", "2", "--work", "cpu:50@1", NULL), PARSE_OK);
	CU_ASSERT_DOUBLE_EQUAL(o.work_fraction, 1.0, 1e-12);
	CU_ASSERT_EQUAL(parse(&o, &err, "reuseport", "--work", "cpu:50@0.5", NULL), PARSE_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "only sleep:US@FRACTION"));
	CU_ASSERT_EQUAL(parse(&o, &err, "reuseport", "--work", "sleep:100@0", NULL), PARSE_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "above 0 and at most 1"));
	CU_ASSERT_EQUAL(parse(&o, &err, "reuseport", "--work", "sleep:100@1.5", NULL), PARSE_ERROR);
	CU_ASSERT_EQUAL(parse(&o, &err, "reuseport", "--work", "sleep:100@x", NULL), PARSE_ERROR);
	CU_ASSERT_EQUAL(parse(&o, &err, "reuseport", "--work", "sleep:x@0.5", NULL), PARSE_ERROR);
	CU_ASSERT_EQUAL(parse(&o, &err, "reuseport", "--work", "sleep:100", NULL), PARSE_ERROR); /* no @: the pool's */
	CU_ASSERT_EQUAL(parse(&o, &err, "reuseport", "--threads", "2", NULL), PARSE_OK);
	CU_ASSERT_DOUBLE_EQUAL(o.work_fraction, 0, 1e-12);                /* every request */
	CU_ASSERT_EQUAL(parse(&o, &err, "reuseport", "--threads=1", "--work=file:65536", NULL), PARSE_OK);
	CU_ASSERT_EQUAL(o.work_kind, WORK_FILE);
	CU_ASSERT_EQUAL(o.work_amount, 65536);
	CU_ASSERT_EQUAL(parse(&o, &err, "shared-accept", "--threads", "2", "--work", "cpu:0", NULL),
			PARSE_OK);
	CU_ASSERT_EQUAL(o.work_amount, 0); /* the pool's hand-off cost alone */
	CU_ASSERT_EQUAL(parse(&o, &err, "shared-epoll", "--threads", "0", NULL), PARSE_OK);
	CU_ASSERT_EQUAL(o.threads, 0);
}

/* Every bad pool option: a one-line error naming the option. */
static void test_bad_pool_options(void)
{
	static const char *const bad[][2] = {
		{ "--threads", "65" }, { "--threads", "-1" }, { "--threads", "4x" }, { "--threads", "" },
		{ "--work", "cpu" }, { "--work", "cpu:" }, { "--work", "cpu:10x" }, { "--work", "cpu:-1" },
		{ "--work", "cpu:+5" }, { "--work", "cpu: 5" }, { "--work", "cpu:1e3" }, { "--work", "cpu:1000001" },
		{ "--work", "CPU:10" }, { "--work", "gpu:5" }, { "--work", ":5" }, { "--work", "" },
		{ "--work", "cpu:5:5" }, { "--work", "sleep:99999999999999999999" }, { "--work", "file:0" },
		{ "--work", "file:67108865" }, { "--work", "file:1k" }, { "--work", "verylongkind:5" },
		{ "--pool-wake", "all" }, { "--pool-wake", "" }, { "--pool-wake", "Signal" },
		{ "--pool-notify", "fifo" }, { "--pool-notify", "" },
	};
	struct run_options o;
	struct error_message err = { "" };

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		enum parse_result r = parse(&o, &err, "shared-epoll", "--threads", "2", bad[i][0],
					    bad[i][1], NULL);

		CU_ASSERT_EQUAL(r, PARSE_ERROR);
		CU_ASSERT_PTR_NOT_NULL(strstr(err.text, bad[i][0]));
		CU_ASSERT_PTR_NULL(strchr(err.text, '\n'));
		if (r != PARSE_ERROR || !strstr(err.text, bad[i][0]))
			fprintf(stderr, "accepted or unnamed: %s '%s' -> %s\n", bad[i][0], bad[i][1], err.text);
	}
}

/* Pool options mean nothing without a pool; a job as long as the timeout fails every request. */
static void test_pool_combinations(void)
{
	static const char *const without_threads[][2] = {
		{ "--work", "cpu:200" }, { "--pool-wake", "broadcast" }, { "--pool-notify", "pipe" },
	};
	struct run_options o;
	struct error_message err = { "" };

	for (size_t i = 0; i < ARRAY_SIZE(without_threads); i++) {
		CU_ASSERT_EQUAL(parse(&o, &err, "shared-epoll", without_threads[i][0],
				      without_threads[i][1], NULL), PARSE_ERROR);
		CU_ASSERT_PTR_NOT_NULL(strstr(err.text, without_threads[i][0]));
		CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "needs --threads"));
	}
	CU_ASSERT_EQUAL(parse(&o, &err, "shared-epoll", "--threads", "0", "--work", "cpu:5", NULL),
			PARSE_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "needs --threads"));
	CU_ASSERT_EQUAL(parse(&o, &err, "shared-epoll", "--threads", "1", "--work", "sleep:500000",
			      "--timeout", "500", NULL), PARSE_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "--timeout"));
	CU_ASSERT_EQUAL(parse(&o, &err, "shared-epoll", "--threads", "1", "--work", "sleep:499999",
			      "--timeout", "500", NULL), PARSE_OK);
}

static void test_all_options(void)
{
	struct run_options o;
	struct error_message err = { "" };

	CU_ASSERT_EQUAL(parse(&o, &err, "--workers", "4", "-c", "16", "--duration=2.5", "shared-accept",
			      "--requests", "1000", "--keepalive", "-P", "0", "--backlog", "64", "--timeout", "500",
			      "--interval", "100", "--loadgen-threads", "3", "-o", "/tmp/x", "--force", "-v", NULL),
			PARSE_OK);
	CU_ASSERT_STRING_EQUAL(o.scenario->name, "shared-accept");
	CU_ASSERT_EQUAL(o.workers, 4);
	CU_ASSERT_EQUAL(o.connections, 16);
	CU_ASSERT_DOUBLE_EQUAL(o.duration_s, 2.5, 1e-9);
	CU_ASSERT_EQUAL(o.requests, 1000);
	CU_ASSERT_TRUE(o.keepalive);
	CU_ASSERT_EQUAL(o.port, 0);
	CU_ASSERT_EQUAL(o.backlog, 64);
	CU_ASSERT_EQUAL(o.timeout_ms, 500);
	CU_ASSERT_EQUAL(o.interval_ms, 100);
	CU_ASSERT_EQUAL(o.loadgen_threads, 3);
	CU_ASSERT_STRING_EQUAL(o.out_dir, "/tmp/x");
	CU_ASSERT_TRUE(o.force);
	CU_ASSERT_EQUAL(o.verbose, 1);
}

static void test_requests_alone_is_time_capped(void)
{
	struct run_options o;
	struct error_message err = { "" };

	CU_ASSERT_EQUAL(parse(&o, &err, "shared-epoll", "-n", "50", NULL), PARSE_OK);
	CU_ASSERT_DOUBLE_EQUAL(o.duration_s, REQUESTS_TIME_CAP_S, 1e-9);
	CU_ASSERT_EQUAL(parse(&o, &err, "shared-epoll", "-n", "50", "-d", "3", NULL), PARSE_OK);
	CU_ASSERT_DOUBLE_EQUAL(o.duration_s, 3.0, 1e-9);
}

/* Every bad value: an error naming the option, never a silent default. */
static void test_bad_numbers(void)
{
	static const char *const bad[][2] = {
		{ "--workers", "0" }, { "--workers", "-1" }, { "--workers", "4x" }, { "--workers", "" },
		{ "--workers", "1025" }, { "--workers", "99999999999999999999999" }, { "--workers", " 4" },
		{ "--workers", "+4" }, { "--workers", "0x10" },
		{ "--connections", "0" }, { "--connections", "1e3" },
		{ "--duration", "10x" }, { "--duration", "0" }, { "--duration", "-1" }, { "--duration", "" },
		{ "--duration", "inf" }, { "--duration", "nan" }, { "--duration", "1e3" }, { "--duration", "0x10" },
		{ "--duration", "1.2.3" }, { "--duration", "." }, { "--duration", "86401" },
		{ "--requests", "0" }, { "--requests", "-5" }, { "--requests", "4294967296" },
		{ "--port", "65536" }, { "--port", "-1" }, { "--backlog", "0" }, { "--timeout", "0" },
		{ "--interval", "9" }, { "--loadgen-threads", "0" }, { "--out", "" },
		{ "--events-max", "-1" }, { "--events-max", "10x" }, { "--events-max", "" },
	};
	struct run_options o;
	struct error_message err = { "" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		enum parse_result r = parse(&o, &err, "shared-epoll", bad[i][0], bad[i][1], NULL);

		CU_ASSERT_EQUAL(r, PARSE_ERROR);
		CU_ASSERT_PTR_NOT_NULL(strstr(err.text, bad[i][0]));
		if (r != PARSE_ERROR || !strstr(err.text, bad[i][0]))
			fprintf(stderr, "accepted or unnamed: %s '%s' -> %s\n", bad[i][0], bad[i][1], err.text);
	}
}

static void test_scenario_errors(void)
{
	struct run_options o;
	struct error_message err = { "" };

	CU_ASSERT_EQUAL(parse(&o, &err, NULL), PARSE_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "shared-epoll")); /* lists the scenarios */
	CU_ASSERT_EQUAL(parse(&o, &err, "nope", NULL), PARSE_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "unknown scenario 'nope'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "shared-accept"));
	CU_ASSERT_EQUAL(parse(&o, &err, "shared-epoll", "shared-accept", NULL), PARSE_ERROR);
	CU_ASSERT_EQUAL(parse(&o, &err, "shared-epoll", "--bogus", NULL), PARSE_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "--bogus"));
	CU_ASSERT_EQUAL(parse(&o, &err, "shared-epoll", "--workers", NULL), PARSE_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "--workers"));
}

static void test_help(void)
{
	struct run_options o;
	struct error_message err = { "" };

	CU_ASSERT_EQUAL(parse(&o, &err, "--help", NULL), PARSE_HELP);
	CU_ASSERT_EQUAL(parse(&o, &err, "shared-epoll", "-h", NULL), PARSE_HELP);
}

/* --ring-buffer: KB, a power of two of at least a page; --no-trace. */
static void test_tracer_options(void)
{
	struct run_options o;
	struct error_message err = { "" };

	CU_ASSERT_EQUAL(parse(&o, &err, "shared-epoll", NULL), PARSE_OK);
	CU_ASSERT_EQUAL(o.ring_buffer_kb, 0);
	CU_ASSERT_FALSE(o.no_trace);
	CU_ASSERT_EQUAL(parse(&o, &err, "shared-epoll", "--ring-buffer", "64", "--no-trace", NULL),
			PARSE_OK);
	CU_ASSERT_EQUAL(o.ring_buffer_kb, 64);
	CU_ASSERT_TRUE(o.no_trace);
	CU_ASSERT_EQUAL(parse(&o, &err, "shared-epoll", "--ring-buffer", "1048576", NULL), PARSE_OK);
	for (const char *const *bad = (const char *const[]){ "0", "2", "48", "3000", "2097152", "64k", "", NULL };
	     *bad; bad++) {
		CU_ASSERT_EQUAL(parse(&o, &err, "shared-epoll", "--ring-buffer", *bad, NULL), PARSE_ERROR);
		CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "power of two"));
		CU_ASSERT_PTR_NULL(strchr(err.text, '\n'));
	}
}

/* The parser resets getopt: a second call sees its own arguments only. */
static void test_parse_twice(void)
{
	struct run_options o;
	struct error_message err = { "" };

	CU_ASSERT_EQUAL(parse(&o, &err, "shared-epoll", "-w", "3", NULL), PARSE_OK);
	CU_ASSERT_EQUAL(parse(&o, &err, "shared-accept", NULL), PARSE_OK);
	CU_ASSERT_EQUAL(o.workers, NCPUS);
	CU_ASSERT_STRING_EQUAL(o.scenario->name, "shared-accept");
}

/* Messages quote what was typed; a newline or an escape in it must not
 * break the one-line rule (or forge lines on a terminal). */
static void test_messages_are_one_line(void)
{
	/* (the --load targets fail on their port: no name is looked up) */
	char *trace_argv[] = { "trace", "--cgroup", "x", "--load", "evil\n\033[2Jhost:0", "--", "true", NULL };
	struct sockaddr_storage addr;
	struct run_options o;
	socklen_t len;
	struct error_message err = { "" };

	CU_ASSERT_EQUAL(parse(&o, &err, "shared-epoll", "--workers", "1\n2", NULL), PARSE_ERROR);
	CU_ASSERT_PTR_NULL(strpbrk(err.text, "\n\r\033"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "'1?2'"));
	CU_ASSERT_EQUAL(parse(&o, &err, "no\nsuch", NULL), PARSE_ERROR);
	CU_ASSERT_PTR_NULL(strpbrk(err.text, "\n\r\033"));
	CU_ASSERT_EQUAL(parse_trace_options(7, trace_argv, NCPUS, &o, &err), PARSE_ERROR);
	CU_ASSERT_PTR_NULL(strpbrk(err.text, "\n\r\033"));
	CU_ASSERT_EQUAL(parse_load_target("\r127.0.0.1\n:80x", &addr, &len, &err), -1);
	CU_ASSERT_PTR_NULL(strpbrk(err.text, "\n\r\033"));
}

/* HELP's output, malloc'ed. */
static char *help_text(void (*help)(FILE *out))
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	if (!out)
		return NULL;
	help(out);
	fclose(out);
	return text;
}

/* Each --help names every option of its command with its default; every
 * option of run that takes a value has one. */
static void test_help_lists_every_option(void)
{
	char *run = help_text(print_run_help), *trace = help_text(print_trace_help);

	CU_ASSERT_PTR_NOT_NULL_FATAL(run);
	CU_ASSERT_PTR_NOT_NULL_FATAL(trace);
	for (size_t i = 0; i < option_table_size; i++) {
		const struct option_spec *o = &option_table[i];
		char name[64], fallback[128];

		if (!o->name)
			continue;
		snprintf(name, sizeof(name), "--%s", o->name);
		snprintf(fallback, sizeof(fallback), "(default: %s)", o->fallback ? o->fallback : "");
		if (o->commands & FOR_RUN) {
			CU_ASSERT_PTR_NOT_NULL(strstr(run, name));
			CU_ASSERT(!o->value || o->fallback);
		}
		if (o->commands & FOR_TRACE)
			CU_ASSERT_PTR_NOT_NULL(strstr(trace, name));
		if (o->fallback) {
			CU_ASSERT_PTR_NOT_NULL(strstr((o->commands & FOR_RUN) ? run : trace, fallback));
		}
		if (!(o->commands & FOR_TRACE))
			CU_ASSERT_PTR_NULL(strstr(trace, name));
	}
	free(run);
	free(trace);
}

/* Names and keys appear once; every option is some command's. */
static void test_option_table_unique(void)
{
	for (size_t i = 0; i < option_table_size; i++) {
		const struct option_spec *o = &option_table[i];

		if (!o->name)
			continue;
		CU_ASSERT(o->commands != 0);
		for (size_t j = i + 1; j < option_table_size; j++) {
			if (!option_table[j].name)
				continue;
			CU_ASSERT(strcmp(o->name, option_table[j].name) != 0);
			CU_ASSERT(o->key != option_table[j].key);
		}
	}
}

/* Who takes which option follows the table: run refuses trace's, trace
 * refuses the server's, a bundled server refuses ours. */
static void test_option_commands(void)
{
	struct run_options o;
	struct error_message err = { "" };

	for (size_t i = 0; i < option_table_size; i++) {
		const struct option_spec *spec = &option_table[i];
		char name[64];
		char *trace_argv[] = { "trace", name, "1", "--pid", "1", NULL };

		if (!spec->name || !strcmp(spec->name, "help"))
			continue;
		snprintf(name, sizeof(name), "--%s", spec->name);
		if (!spec->value)
			trace_argv[2] = "--force"; /* a switch takes no "1" */
		if (!(spec->commands & FOR_RUN)) {
			CU_ASSERT_EQUAL(parse(&o, &err, "shared-epoll", name, "4242", NULL), PARSE_ERROR);
			CU_ASSERT_PTR_NOT_NULL(strstr(err.text, spec->commands & FOR_TRACE ? "is for testbed trace"
											 : "is for testbed study"));
			/* the message names the option, not its value */
			CU_ASSERT_PTR_NOT_NULL(strstr(err.text, name));
			CU_ASSERT_PTR_NULL(strstr(err.text, "4242"));
		}
		if (!(spec->commands & FOR_TRACE)) {
			CU_ASSERT_EQUAL(parse_trace_options(5, trace_argv, NCPUS, &o, &err), PARSE_ERROR);
			CU_ASSERT_PTR_NOT_NULL(strstr(err.text, spec->commands & FOR_RUN ? "is for testbed run"
											 : "is for testbed study"));
			CU_ASSERT_PTR_NOT_NULL(strstr(err.text, name));
		}
		if ((spec->commands & FOR_RUN) && !(spec->commands & FOR_EXTERNAL)) {
			CU_ASSERT_EQUAL(spec->value ? parse(&o, &err, "nginx-mutex-on", name, "1", NULL)
						    : parse(&o, &err, "nginx-mutex-on", name, NULL), PARSE_ERROR);
			CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "only --workers and --port apply"));
		}
	}
}

/* --events-max caps events.csv: 0 = no cap; without --events it is refused. */
static void test_events_max(void)
{
	struct run_options o;
	struct error_message err = { "" };

	CU_ASSERT_EQUAL(parse(&o, &err, "shared-epoll", "--events", "--events-max", "100", NULL), PARSE_OK);
	CU_ASSERT_TRUE(o.events);
	CU_ASSERT_EQUAL(o.events_max, 100);
	CU_ASSERT_EQUAL(parse(&o, &err, "shared-epoll", "--events-max=0", "--events", NULL), PARSE_OK);
	CU_ASSERT_EQUAL(o.events_max, 0);
	CU_ASSERT_EQUAL(parse(&o, &err, "shared-epoll", "--events-max", "100", NULL), PARSE_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "--events-max needs --events"));
}

/* -p is a pid, as in bcc, bpftrace and perf; the port is -P. */
static void test_short_pid_and_port(void)
{
	char *trace_argv[] = { "trace", "-p", "4242", NULL };
	struct run_options o;
	struct error_message err = { "" };

	CU_ASSERT_EQUAL(parse_trace_options(3, trace_argv, NCPUS, &o, &err), PARSE_OK);
	CU_ASSERT_EQUAL(o.trace_pid, 4242);
	CU_ASSERT_EQUAL(parse(&o, &err, "shared-epoll", "-P", "9090", NULL), PARSE_OK);
	CU_ASSERT_EQUAL(o.port, 9090);
	CU_ASSERT_EQUAL(parse(&o, &err, "shared-epoll", "-p", "4242", NULL), PARSE_ERROR);
	CU_ASSERT_STRING_EQUAL(err.text, "--pid (-p) is for testbed trace");
}

/* -v: our own steps (1); -vv or -v -v: also libbpf's debug output (2). */
static void test_verbose_levels(void)
{
	struct run_options o;
	struct error_message err = { "" };

	CU_ASSERT_EQUAL(parse(&o, &err, "shared-epoll", NULL), PARSE_OK);
	CU_ASSERT_EQUAL(o.verbose, 0);
	CU_ASSERT_EQUAL(parse(&o, &err, "shared-epoll", "-v", NULL), PARSE_OK);
	CU_ASSERT_EQUAL(o.verbose, 1);
	CU_ASSERT_EQUAL(parse(&o, &err, "shared-epoll", "-vv", NULL), PARSE_OK);
	CU_ASSERT_EQUAL(o.verbose, 2);
	CU_ASSERT_EQUAL(parse(&o, &err, "-v", "shared-epoll", "--verbose", NULL), PARSE_OK);
	CU_ASSERT_EQUAL(o.verbose, 2);
}

/* A mistyped scenario or option: the closest name, in one line. */
static void test_did_you_mean(void)
{
	char *trace_argv[] = { "trace", "--pdi", "1", NULL };
	char *study_argv[] = { "study", "x", "--repaet", "2", NULL };
	struct study_options so;
	struct run_options o;
	struct error_message err = { "" };

	CU_ASSERT_EQUAL(parse(&o, &err, "shared-epol", NULL), PARSE_ERROR);
	CU_ASSERT_STRING_EQUAL(err.text, "unknown scenario 'shared-epol'; did you mean 'shared-epoll'? "
			       "(all: testbed list)");
	CU_ASSERT_EQUAL(parse(&o, &err, "ngnix-reuseport", NULL), PARSE_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "did you mean 'nginx-reuseport'?"));
	CU_ASSERT_EQUAL(parse(&o, &err, "shared-epoll", "--wokers", "2", NULL), PARSE_ERROR);
	CU_ASSERT_STRING_EQUAL(err.text, "unknown option '--wokers'; did you mean --workers? "
			       "(see: testbed run --help)");
	CU_ASSERT_EQUAL(parse(&o, &err, "shared-epoll", "--duraton=2", NULL), PARSE_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "did you mean --duration?"));
	/* only the command's own options are suggested */
	CU_ASSERT_EQUAL(parse_trace_options(3, trace_argv, NCPUS, &o, &err), PARSE_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "did you mean --pid? (see: testbed trace --help)"));
	CU_ASSERT_EQUAL(parse_study_options(4, study_argv, &so, &err), PARSE_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "did you mean --repeat?"));
	/* nothing close: no guess */
	CU_ASSERT_EQUAL(parse(&o, &err, "shared-epoll", "--frobnicate", NULL), PARSE_ERROR);
	CU_ASSERT_STRING_EQUAL(err.text, "unknown option '--frobnicate' (see: testbed run --help)");
	CU_ASSERT_EQUAL(parse(&o, &err, "zzzz", NULL), PARSE_ERROR);
	CU_ASSERT_PTR_NULL(strstr(err.text, "did you mean"));
}

static void add_tests(CU_pSuite suite)
{
	CU_ADD_TEST(suite, test_defaults);
	CU_ADD_TEST(suite, test_all_options);
	CU_ADD_TEST(suite, test_pool_options);
	CU_ADD_TEST(suite, test_bad_pool_options);
	CU_ADD_TEST(suite, test_pool_combinations);
	CU_ADD_TEST(suite, test_requests_alone_is_time_capped);
	CU_ADD_TEST(suite, test_bad_numbers);
	CU_ADD_TEST(suite, test_scenario_errors);
	CU_ADD_TEST(suite, test_help);
	CU_ADD_TEST(suite, test_parse_twice);
	CU_ADD_TEST(suite, test_tracer_options);
	CU_ADD_TEST(suite, test_messages_are_one_line);
	CU_ADD_TEST(suite, test_help_lists_every_option);
	CU_ADD_TEST(suite, test_option_table_unique);
	CU_ADD_TEST(suite, test_option_commands);
	CU_ADD_TEST(suite, test_short_pid_and_port);
	CU_ADD_TEST(suite, test_events_max);
	CU_ADD_TEST(suite, test_verbose_levels);
	CU_ADD_TEST(suite, test_did_you_mean);
}

int main(void)
{
	return run_suite("options", NULL, NULL, add_tests);
}
