// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* libFuzzer target: the command-line parsers (user/options.h). Input: one
 * byte picks run, trace or a bare --load target, one byte the CPU count,
 * then the arguments, NUL-separated. Beyond "no crash": whatever parses
 * must be a run the testbed may start -- in bounds, consistent, and with a
 * load target on loopback only (the load's safety rests on this).
 * Build and run: make fuzz (tests/fuzz/README.md). */
#include <math.h>
#include <netdb.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "loadgen.h"
#include "options.h"

#define MAX_ARGS 64

/* No DNS while fuzzing (linked with -Wl,--wrap=getaddrinfo): numeric hosts
 * only, plus three names that stand for a lookup's possible answers. */
int __real_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
		       struct addrinfo **res);
int __wrap_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
		       struct addrinfo **res)
{
	static const char *const names[][2] = {
		{ "localhost", "127.0.0.1" }, { "good.test", "127.0.0.2" },
		{ "evil.test", "10.1.2.3" }, { "evil6.test", "2001:db8::5" },
	};
	struct addrinfo numeric = hints ? *hints : (struct addrinfo){ 0 };

	numeric.ai_flags |= AI_NUMERICHOST;
	for (size_t i = 0; node && i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(node, names[i][0]))
			node = names[i][1];
	return __real_getaddrinfo(node, service, &numeric, res);
}

static void check_target(const struct sockaddr_storage *addr, socklen_t len)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)addr;

	if (!len || len > sizeof(*addr) || loadgen_target_allowed((const struct sockaddr *)addr) ||
	    !sin->sin_port)
		abort();
}

/* A parsed run is one the testbed may start. */
static void check_options(const struct run_options *o, int trace)
{
	if (!o->workers || o->workers > 1024 || !o->connections || o->connections > 20000)
		abort();
	if (!(o->duration_s >= 0.1 && o->duration_s <= 86400) || o->port > 65535 || !o->backlog ||
	    !o->timeout_ms || o->interval_ms < 10)
		abort();
	if (o->kill_worker_after_s && o->kill_worker_after_s >= o->duration_s)
		abort();
	if (isnan(o->rate_cps) || o->rate_cps < 0 || (o->out_dir && !o->out_dir[0]))
		abort();
	if (o->load_target_len)
		check_target(&o->load_target, o->load_target_len);
	if (trace) {
		int subjects = (o->trace_pid > 0) + (o->trace_cgroup != NULL) + (o->command != NULL);

		if (subjects != 1 || (o->command && !o->command[0]) || o->scenario || o->external)
			abort();
	} else if (!o->scenario == !o->external) {
		abort(); /* exactly one of ours or a bundled server */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 2], *text;
	struct error_message err;
	struct run_options opts;
	int argc = 1, mode;
	unsigned ncpus;
	size_t i;

	if (size < 2)
		return 0;
	mode = data[0] % 3;
	ncpus = data[1];
	text = malloc(size - 1);
	if (!text)
		return 0;
	memcpy(text, data + 2, size - 2);
	text[size - 2] = '\0';
	if (mode == 2) {
		struct sockaddr_storage addr;
		socklen_t len = 0;

		err.text[0] = '\0';
		if (parse_load_target(text, &addr, &len, &err) == 0)
			check_target(&addr, len);
		else if (!err.text[0] || strchr(err.text, '\n'))
			abort();
		free(text);
		return 0;
	}
	argv[0] = mode ? "trace" : "run";
	argv[argc++] = text;
	for (i = 0; i + 2 < size && argc <= MAX_ARGS; i++)
		if (text[i] == '\0')
			argv[argc++] = &text[i + 1];
	argv[argc] = NULL;
	err.text[0] = '\0';
	switch (mode ? parse_trace_options(argc, argv, ncpus, &opts, &err)
		     : parse_run_options(argc, argv, ncpus, &opts, &err)) {
	case PARSE_OK:
		check_options(&opts, mode);
		break;
	case PARSE_ERROR:
		if (!err.text[0] || strchr(err.text, '\n'))
			abort(); /* a one-line reason */
		break;
	case PARSE_HELP:
		break;
	}
	free(text);
	return 0;
}
