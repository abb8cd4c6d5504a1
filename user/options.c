// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The command lines of `testbed run` and `testbed trace`. One table of
 * options (name, letter, value, the commands that take it, help, default)
 * makes getopt's struct option array, the --help text and the checks of
 * which option belongs to which command. The parser is pure -- no output,
 * no exit, nothing started (only a --load host name is looked up) -- so
 * every bad command line is unit-tested and fuzzed: it fills struct
 * run_options or gives a one-line reason. Running the command is run.c's
 * and trace.c's job; the scenarios and bundled servers are listed in
 * server.h and external.h. */
#include <getopt.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "common.h"
#include "external.h"
#include "options.h"
#include "presentation.h"
#include "suggest.h"
#include "util.h"

#define MAX_WORKERS 1024
#define MAX_CONNECTIONS 20000
#define MAX_DURATION_S 86400.0

/* A default as the help shows it: the macro's value as written. */
#define TEXT_(x) #x
#define TEXT(x) TEXT_(x)

/* Keys of the options without a letter (getopt returns the key). */
enum {
	OPT_KEEPALIVE = 256, OPT_BACKLOG, OPT_TIMEOUT, OPT_INTERVAL, OPT_LOADGEN_THREADS, OPT_FORCE,
	OPT_POLICY, OPT_EVENTS, OPT_KILL_WORKER_AFTER, OPT_MIGRATE, OPT_THREADS, OPT_WORK, OPT_POOL_WAKE,
	OPT_POOL_NOTIFY, OPT_RATE, OPT_ARRIVALS, OPT_REPORT, OPT_CGROUP, OPT_LOAD,
	OPT_RING_BUFFER, OPT_NO_TRACE, OPT_EVENTS_MAX,
	OPT_JSON, OPT_REPEAT, OPT_MAX_WORKERS,
	OPT_NETNS, OPT_NETNS_GRO, OPT_RPS, OPT_SERVER_CPUS, OPT_LOAD_CPUS, OPT_WORKER_CPUS,
	OPT_HIST,
	OPT_COUNT, /* past the last: sizes given[] */
};

#define HEADING(text, for_commands) { .help = (text), .commands = (for_commands) }

/* Every option of run and trace, in the order --help lists them. */
const struct option_spec option_table[] = {
	HEADING("what to watch (one of these, or -- COMMAND ARGS...):", FOR_TRACE),
	{ "pid", 'p', "PID", FOR_TRACE, "the process PID and its descendants (children forked\n"
	  "later are followed)", NULL },
	{ "cgroup", OPT_CGROUP, "PATH", FOR_TRACE, "every process of a cgroup v2 folder", NULL },

	HEADING("server:", FOR_RUN),
	{ "workers", 'w', "N", FOR_RUN | FOR_EXTERNAL, "worker processes", "the number of CPUs" },
	{ "policy", OPT_POLICY, "NAME", FOR_RUN, "who gets the next connection, where the scenario lets us\n"
	  "choose", "the scenario's, above" },
	{ "kill-worker-after", OPT_KILL_WORKER_AFTER, "S", FOR_RUN, "SIGKILL one worker S seconds into the load;\n"
	  "the master restarts it", "never" },
	{ "migrate", OPT_MIGRATE, NULL, FOR_RUN, "net.ipv4.tcp_migrate_req=1 for the run (reuseport: a dying\n"
	  "listener's queued connections move to the others)", NULL },
	{ "port", 'P', "N", FOR_RUN | FOR_EXTERNAL, "port on 127.0.0.1 (the summary and meta.csv say which)",
	  "0: any free port" },
	{ "backlog", OPT_BACKLOG, "N", FOR_RUN, "listen() backlog", TEXT(DEFAULT_BACKLOG) },

	HEADING("thread pool in every worker (libuv-style; each request waits for one job):", FOR_RUN),
	{ "threads", OPT_THREADS, "T", FOR_RUN, "pool threads per worker, up to " TEXT(POOL_MAX_THREADS)
	  "; 0 = no pool (Node has 4)", "0" },
	{ "work", OPT_WORK, "KIND:N[@F]", FOR_RUN, "a job: cpu:US busy loop, sleep:US, file:BYTES read; @F:\n"
	  "only that share of requests (evenly: @0.1 = every 10th of a\n"
	  "worker's); sleep:US@F needs no --threads (the worker sleeps)",
	  "cpu:" TEXT(DEFAULT_WORK_CPU_US) },
	{ "pool-wake", OPT_POOL_WAKE, "HOW", FOR_RUN, "signal: wake one idle thread per job; broadcast: wake all",
	  "signal" },
	{ "pool-notify", OPT_POOL_NOTIFY, "HOW", FOR_RUN, "how a done job wakes the worker: eventfd or pipe",
	  "eventfd" },

	HEADING("load (closed loop unless --rate; every run bounded in time and count):", FOR_RUN),
	HEADING("load (closed loop unless --rate):", FOR_TRACE),
	{ "load", OPT_LOAD, "HOST:PORT", FOR_TRACE, "drive it over HTTP/1.1 with the built-in load generator\n"
	  "(loopback only); without it, just watch until --duration\nor Ctrl-C (or the traced server's end)",
	  NULL },
	{ "connections", 'c', "N", FOR_ALL, "concurrent client connections",
	  TEXT(DEFAULT_CONNECTIONS) "; with --rate " TEXT(DEFAULT_OPEN_LOOP_CONNECTIONS) },
	{ "rate", OPT_RATE, "R", FOR_ALL, "open loop: R requests per second, latency from each one's\n"
	  "intended start (no coordinated omission)", "closed loop" },
	{ "arrivals", OPT_ARRIVALS, "HOW", FOR_ALL, "with --rate: poisson (independent clients) or uniform",
	  "poisson" },
	{ "duration", 'd', "S", FOR_ALL | FOR_STUDY, "seconds of load, fractions allowed; trace without --load:\n"
	  "seconds to watch, and without --duration until Ctrl-C", TEXT(DEFAULT_DURATION_S) },
	{ "requests", 'n', "N", FOR_ALL, "stop after N requests (with no --duration: at most "
	  TEXT(REQUESTS_TIME_CAP_S) " s)", "no count, only --duration" },
	{ "keepalive", OPT_KEEPALIVE, NULL, FOR_ALL, "reuse connections (default: one connection per request)",
	  NULL },
	{ "timeout", OPT_TIMEOUT, "MS", FOR_ALL, "a request unanswered after MS is timed out",
	  TEXT(DEFAULT_TIMEOUT_MS) },
	{ "loadgen-threads", OPT_LOADGEN_THREADS, "N", FOR_ALL, "client threads", "min(connections, CPUs)" },

	HEADING("network path and CPU placement:", FOR_RUN),
	HEADING("network path and CPU placement (a command we start):", FOR_TRACE),
	{ "netns", OPT_NETNS, NULL, FOR_RUN | FOR_TRACE, "the server in a network namespace of its own, reached over a\n"
	  "veth pair (10.251.0.0/16) instead of loopback", NULL },
	{ "netns-gro", OPT_NETNS_GRO, "on|off", FOR_RUN | FOR_TRACE, "with --netns: GRO on both ends of the veth pair",
	  "the kernel's" },
	{ "rps", OPT_RPS, "CPUS", FOR_RUN | FOR_TRACE, "with --netns: receive packet steering of the server's end\n"
	  "to CPUS (a list like 0-3,5)", "none" },
	{ "server-cpus", OPT_SERVER_CPUS, "CPUS", FOR_RUN | FOR_TRACE, "pin the master, workers and pool threads to CPUS", "any" },
	{ "load-cpus", OPT_LOAD_CPUS, "CPUS", FOR_RUN | FOR_TRACE, "pin the load generator's threads to CPUS (disjoint\n"
	  "from --server-cpus)", "any" },
	{ "worker-cpus", OPT_WORKER_CPUS, "one-each", FOR_RUN, "worker i on the (i mod n)-th of the server's n CPUs",
	  "none" },

	HEADING("output:", FOR_ALL),
	{ "out", 'o', "DIR", FOR_ALL | FOR_STUDY, "run folder; NAME: the scenario, or trace", "results/NAME-KERNEL-TIME" },
	{ "force", OPT_FORCE, NULL, FOR_ALL, "write into an existing non-empty --out folder", NULL },
	{ "events", OPT_EVENTS, NULL, FOR_ALL, "also stream every wakeup and accept into events.csv", NULL },
	{ "events-max", OPT_EVENTS_MAX, "ROWS", FOR_ALL, "with --events: stop events.csv after ROWS rows (and sooner\n"
	  "when the disk is short of room); the measurement goes on.\n0 = no cap", TEXT(DEFAULT_EVENTS_MAX) },
	{ "ring-buffer", OPT_RING_BUFFER, "KB", FOR_ALL, "the tracer's ring buffer, a power of two",
	  TEXT(DEFAULT_RING_BUFFER_KB) },
	{ "no-trace", OPT_NO_TRACE, NULL, FOR_ALL, "load the tracer but attach nothing: the untraced baseline\n"
	  "for measuring the tracer's cost (BPF counters stay 0)", NULL },
	{ "report", OPT_REPORT, NULL, FOR_ALL, "also write report.md and report.html (plots) into the folder",
	  NULL },
	{ "hist", OPT_HIST, NULL, FOR_ALL, "after the summary, log2 histograms of client latency and\n"
	  "accept-queue delay (as bcc's tools print them)", NULL },
	{ "interval", OPT_INTERVAL, "MS", FOR_ALL, "timeline.csv interval", "--duration / 20, rounded (10 to "
	  TEXT(DEFAULT_INTERVAL_MS) ")" },
	{ "json", OPT_JSON, NULL, FOR_ALL, "print the run (meta, summary, workers) as one JSON document\n"
	  "on stdout; the summary goes to stderr", NULL },
	{ "verbose", 'v', NULL, FOR_ALL | FOR_STUDY, "our setup steps on stderr; -vv: also libbpf's debug\n"
	  "output", NULL },
	{ "help", 'h', NULL, FOR_ALL | FOR_STUDY, "this help", NULL },
	/* study's own (its --help is user/study.c's: run's texts of the shared ones do not fit it) */
	{ "repeat", OPT_REPEAT, "N", FOR_STUDY, "runs of each configuration", NULL },
	{ "max-workers", OPT_MAX_WORKERS, "N", FOR_STUDY, "skip configurations with more workers", NULL },
};
const size_t option_table_size = ARRAY_SIZE(option_table);

/* "--pid (-p)": how a message names an option, whichever way it was typed
 * (the text after it may be its value, not its name). */
static struct option_title {
	char text[64];
} option_title(const struct option_spec *spec)
{
	struct option_title t;

	if (spec->key < 256)
		snprintf(t.text, sizeof(t.text), "--%s (-%c)", spec->name, spec->key);
	else
		snprintf(t.text, sizeof(t.text), "--%s", spec->name);
	return t;
}

static const struct option_spec *option_spec_of(int key)
{
	for (size_t i = 0; i < ARRAY_SIZE(option_table); i++)
		if (option_table[i].name && option_table[i].key == key)
			return &option_table[i];
	return NULL;
}

/* getopt's tables from option_table: LONGS (one more entry than the table)
 * and SHORTS (3 + 2 per entry bytes). A leading '-' returns non-options as
 * 1, so the scenario may stand anywhere; ':' reports a missing value. */
static void getopt_tables(struct option *longs, char *shorts)
{
	size_t n = 0, used = 0;

	shorts[used++] = '-';
	shorts[used++] = ':';
	for (size_t i = 0; i < ARRAY_SIZE(option_table); i++) {
		const struct option_spec *o = &option_table[i];

		if (!o->name)
			continue;
		longs[n++] = (struct option){ o->name, o->value ? required_argument : no_argument, NULL, o->key };
		if (o->key < 256) {
			shorts[used++] = (char)o->key;
			if (o->value)
				shorts[used++] = ':';
		}
	}
	longs[n] = (struct option){ 0 };
	shorts[used] = '\0';
}

/* "--workers and --port": the options that COMMANDS take and NOT_COMMANDS do not. */
static void option_names(unsigned commands, unsigned not_commands, char *out, size_t size)
{
	size_t used = 0, count = 0, total = 0, i;

	for (i = 0; i < ARRAY_SIZE(option_table); i++)
		total += option_table[i].name && (option_table[i].commands & commands) &&
			 !(option_table[i].commands & not_commands);
	out[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(option_table) && used < size; i++) {
		const struct option_spec *o = &option_table[i];

		if (!o->name || !(o->commands & commands) || (o->commands & not_commands))
			continue;
		count++;
		used += snprintf(out + used, size - used, "%s--%s",
				 count == 1 ? "" : count == total ? " and " : ", ", o->name);
	}
}

/* --help: every option COMMAND takes, under its headings, with its default. */
static void print_options(FILE *out, unsigned command)
{
	enum { HELP_COLUMN = 25 };

	for (size_t i = 0; i < ARRAY_SIZE(option_table); i++) {
		const struct option_spec *o = &option_table[i];
		const char *line, *end;
		int width;

		if (!(o->commands & command))
			continue;
		if (!o->name) {
			fprintf(out, "%s\n", o->help);
			continue;
		}
		width = o->key < 256 ? fprintf(out, "  -%c, --%s", o->key, o->name) : fprintf(out, "      --%s", o->name);
		if (o->value)
			width += fprintf(out, " %s", o->value);
		fprintf(out, "%*s", width < HELP_COLUMN - 1 ? HELP_COLUMN - width : 2, "");
		for (line = o->help; (end = strchr(line, '\n')); line = end + 1)
			fprintf(out, "%.*s\n%*s", (int)(end - line), line, HELP_COLUMN, "");
		fprintf(out, "%s", line);
		/* on the last line, or on one of its own past 80 columns */
		if (o->fallback && HELP_COLUMN + strlen(line) + strlen(o->fallback) + 12 > 80)
			fprintf(out, "\n%*s(default: %s)", HELP_COLUMN, "", o->fallback);
		else if (o->fallback)
			fprintf(out, " (default: %s)", o->fallback);
		fputc('\n', out);
	}
}

static size_t policy_list(const struct scenario_info *s, char *out, size_t size);

void print_trace_help(FILE *out)
{
	fprintf(out,
		"usage: sudo ./testbed trace --pid PID [options]\n"
		"       sudo ./testbed trace --cgroup PATH [options]\n"
		"       sudo ./testbed trace [options] -- COMMAND ARGS...\n"
		"\n"
		"Watches someone else's server with the same tracer as `run`: the process tree of\n"
		"PID (children forked later are followed), every process of a cgroup v2 folder, or\n"
		"COMMAND, which it starts, traces from its first instruction and stops at the end.\n"
		"The root process is the master, the others its workers; per-worker fairness,\n"
		"herd and IPC figures and the same run folder as `run`.\n"
		"\n");
	print_options(out, FOR_TRACE);
	fprintf(out, "\nexample: sudo ./testbed trace --load 127.0.0.1:8080 --duration 5 -- node server.js\n\n");
	print_exit_codes(out);
}

void print_run_help(FILE *out)
{
	char names[128];
	unsigned i;

	fprintf(out,
		"usage: sudo ./testbed run SCENARIO [options]\n"
		"\n"
		"Starts a master and N worker processes in the chosen cluster model, traces them\n"
		"with eBPF while the built-in load generator drives them over loopback, prints a\n"
		"fairness/herd summary and writes CSV files into a run folder.\n"
		"\n"
		"scenarios:\n");
	for (i = 0; i < scenario_count; i++) {
		char policies[64];

		fprintf(out, "  %-18s %s\n", scenario_table[i].name, scenario_table[i].waits_in);
		if (policy_list(&scenario_table[i], policies, sizeof(policies)))
			fprintf(out, "  %-18s   --policy %s (default %s)\n", "", policies,
				policy_name(scenario_table[i].default_policy));
	}
	fprintf(out, "\nbundled real servers (the same tracing; nginx and node must be installed):\n");
	for (i = 0; i < external_count; i++)
		fprintf(out, "  %-18s %s\n", external_table[i].name, external_table[i].waits_in);
	option_names(FOR_EXTERNAL, FOR_TRACE, names, sizeof(names));
	fprintf(out, "  (of the server options they take %s; the load and output options all)\n\n", names);
	print_options(out, FOR_RUN);
	fprintf(out,
		"\n"
		"example: sudo ./testbed run shared-epoll --workers 4 --connections 1 --duration 3\n"
		"         (4 idle workers on one level-triggered epoll: herd factor near 4)\n\n");
	print_exit_codes(out);
}

/* "rr or least" for the scenario's policies; 0 if it takes none. */
static size_t policy_list(const struct scenario_info *s, char *out, size_t size)
{
	size_t used = 0;
	int p;

	out[0] = '\0';
	for (p = POLICY_RR; p <= POLICY_IDLE && used < size; p++)
		if (s->policies & (1u << p))
			used += snprintf(out + used, size - used, "%s%s", used ? " or " : "", policy_name(p));
	return used;
}

static void scenario_names(char *out, size_t size)
{
	size_t used = 0;
	unsigned i;

	out[0] = '\0';
	for (i = 0; i < scenario_count && used < size; i++)
		used += snprintf(out + used, size - used, "%s%s", i ? ", " : "", scenario_table[i].name);
	for (i = 0; i < external_count && used < size; i++)
		used += snprintf(out + used, size - used, ", %s", external_table[i].name);
}

/* Parses a whole number option into an unsigned; a one-line reason on error. */
static int number_option(const char *name, const char *text, uint64_t min, uint64_t max, uint64_t *out,
			 struct error_message *err)
{
	if (parse_u64(text, min, max, out) == 0)
		return 0;
	error_message_set(err, "--%s needs a whole number from %llu to %llu, not '%s'", name,
		 (unsigned long long)min, (unsigned long long)max, text);
	return -1;
}

/* "cpu:200", "sleep:1000", "file:65536": the kind, a colon, a whole number;
 * then optionally "@FRACTION", the share of requests that get it. */
static int parse_work(const char *text, struct run_options *o, struct error_message *err)
{
	const char *colon = strchr(text, ':'), *at = strchr(text, '@');
	char kind[8], amount[32];
	uint64_t min, max;
	const char *unit;

	if (!colon || (size_t)(colon - text) >= sizeof(kind)) {
		error_message_set(err, "--work needs KIND:N with KIND cpu, sleep or file (e.g. cpu:200), not '%s'",
			 text);
		return -1;
	}
	snprintf(kind, sizeof(kind), "%.*s", (int)(colon - text), text);
	if (work_kind_parse(kind, &o->work_kind)) {
		error_message_set(err, "--work kinds are cpu, sleep and file, not '%s' (in '%s')", kind, text);
		return -1;
	}
	if (o->work_kind == WORK_FILE) {
		min = 1, max = WORK_FILE_MAX_BYTES, unit = "bytes";
	} else {
		min = 0, max = WORK_MAX_US, unit = "microseconds";
	}
	snprintf(amount, sizeof(amount), "%.*s", (int)(at ? at - colon - 1 : (long)strlen(colon + 1)), colon + 1);
	if (parse_u64(amount, min, max, &o->work_amount)) {
		error_message_set(err, "--work %s:N needs %s from %llu to %llu, not '%s'", kind, unit,
			 (unsigned long long)min, (unsigned long long)max, amount);
		return -1;
	}
	if (at && (parse_double(at + 1, 0, 1, &o->work_fraction) || o->work_fraction <= 0)) {
		error_message_set(err, "--work %s@FRACTION needs a share of the requests above 0 and at most 1 "
			 "(e.g. sleep:20000@0.1), not '%s'", amount, at + 1);
		return -1;
	}
	if (at && !o->threads && o->work_kind != WORK_SLEEP) {
		error_message_set(err, "--work %s without --threads: only sleep:US@FRACTION runs in the worker "
			 "itself (cpu and file work need the pool)", text);
		return -1;
	}
	return 0;
}

/* The pool options as typed, checked once the whole command line is read. */
struct pool_args {
	const char *work, *wake, *notify; /* NULL = not given */
};

static int check_pool(struct run_options *o, const struct pool_args *a, struct error_message *err)
{
	/* the first pool option given: without a pool it would be ignored */
	const char *needs_threads = a->work && !strchr(a->work, '@') ? "--work" : a->wake ? "--pool-wake" :
				    a->notify ? "--pool-notify" : NULL;

	o->work_kind = WORK_CPU;
	o->work_amount = o->threads ? DEFAULT_WORK_CPU_US : 0;
	o->work_fraction = 0;
	o->pool_wake = POOL_WAKE_SIGNAL;
	o->pool_notify = POOL_NOTIFY_EVENTFD;
	if (needs_threads && !o->threads) {
		error_message_set(err, "%s needs --threads T: it describes the worker's thread pool", needs_threads);
		return -1;
	}
	if (a->work && parse_work(a->work, o, err))
		return -1;
	if (a->wake && pool_wake_parse(a->wake, &o->pool_wake)) {
		error_message_set(err, "--pool-wake is signal or broadcast, not '%s'", a->wake);
		return -1;
	}
	if (a->notify && pool_notify_parse(a->notify, &o->pool_notify)) {
		error_message_set(err, "--pool-notify is eventfd or pipe, not '%s'", a->notify);
		return -1;
	}
	if (o->work_kind != WORK_FILE && o->work_amount >= (uint64_t)o->timeout_ms * 1000) {
		error_message_set(err, "--work %s:%llu takes as long as --timeout %u ms or longer: every request "
			 "would time out", work_kind_name(o->work_kind), (unsigned long long)o->work_amount,
			 o->timeout_ms);
		return -1;
	}
	return 0;
}

/* --rate and --arrivals; 0 or -1 with a reason. */
static int check_open_loop(struct run_options *o, const char *arrivals, struct error_message *err)
{
	if (arrivals && !o->rate_cps) {
		error_message_set(err, "--arrivals needs --rate: closed-loop clients send when the last answer came");
		return -1;
	}
	if (arrivals && strcmp(arrivals, "poisson") == 0)
		o->arrivals = ARRIVALS_POISSON;
	else if (arrivals && strcmp(arrivals, "uniform") == 0)
		o->arrivals = ARRIVALS_UNIFORM;
	else if (arrivals) {
		error_message_set(err, "--arrivals is poisson or uniform, not '%s'", arrivals);
		return -1;
	}
	if (o->rate_cps && !o->connections_given)
		o->connections = DEFAULT_OPEN_LOOP_CONNECTIONS;
	return 0;
}

static int check_combination(struct run_options *o, const char *policy, struct error_message *err)
{
	const struct scenario_info *s = o->scenario;
	char policies[64];

	o->policy = s->default_policy;
	if (policy) {
		if (!policy_list(s, policies, sizeof(policies))) {
			error_message_set(err, "%s takes no --policy: the kernel decides who gets a connection", s->name);
			return -1;
		}
		if (policy_parse(policy, &o->policy) || o->policy == POLICY_NONE ||
		    !scenario_accepts_policy(s, o->policy)) {
			error_message_set(err, "--policy for %s is %s, not '%s'", s->name, policies, policy);
			return -1;
		}
	}
	if (s->max_workers && o->workers > s->max_workers) {
		error_message_set(err, "%s runs at most %u workers, not %u", s->name, s->max_workers, o->workers);
		return -1;
	}
	if (o->kill_worker_after_s && o->kill_worker_after_s >= o->duration_s) {
		error_message_set(err, "--kill-worker-after %.1f must be less than --duration %.1f",
			 o->kill_worker_after_s, o->duration_s);
		return -1;
	}
	if (o->migrate && s->model != MODEL_REUSEPORT && s->model != MODEL_REUSEPORT_BPF) {
		error_message_set(err, "--migrate only applies to reuseport scenarios, where each worker has its own "
			 "listener");
		return -1;
	}
	return 0;
}

static int load_target(const char *text, struct sockaddr_storage *addr, socklen_t *len, struct error_message *err)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV };
	struct addrinfo *found = NULL;
	char host[256];
	const char *colon = strrchr(text, ':');
	uint64_t port;
	size_t host_len;

	if (!colon || colon == text || parse_u64(colon + 1, 1, 65535, &port)) {
		error_message_set(err, "--load needs HOST:PORT (e.g. 127.0.0.1:8080), not '%s'", text);
		return -1;
	}
	host_len = (size_t)(colon - text);
	if (text[0] == '[' && host_len > 2 && text[host_len - 1] == ']') { /* [::1]:8080 */
		text++;
		host_len -= 2;
	}
	if (host_len >= sizeof(host)) {
		error_message_set(err, "--load: the host name is too long");
		return -1;
	}
	memcpy(host, text, host_len);
	host[host_len] = '\0';
	if (getaddrinfo(host, colon + 1, &hints, &found) || !found) {
		error_message_set(err, "--load: cannot resolve '%s'", host);
		return -1;
	}
	memcpy(addr, found->ai_addr, found->ai_addrlen);
	*len = found->ai_addrlen;
	freeaddrinfo(found);
	if (loadgen_target_allowed((struct sockaddr *)addr) < 0) {
		error_message_set(err, "--load %s: the load generator only targets loopback (127.0.0.0/8, ::1)", host);
		return -1;
	}
	return 0;
}

/* trace: exactly one subject; the command after "--". */
static enum parse_result check_trace(int argc, char **argv, struct run_options *o, const int *given,
				     const char *arrivals, struct error_message *err)
{
	bool dashes = optind > 0 && optind <= argc && strcmp(argv[optind - 1], "--") == 0;
	int subjects = (o->trace_pid > 0) + (o->trace_cgroup != NULL) + (dashes && optind < argc);

	if (dashes && optind < argc)
		o->command = &argv[optind];
	if (dashes && optind == argc) {
		error_message_set(err, "trace: no command after --");
		return PARSE_ERROR;
	}
	if (subjects != 1) {
		error_message_set(err, "trace needs exactly one of --pid PID, --cgroup PATH or -- COMMAND ARGS...");
		return PARSE_ERROR;
	}
	if (!o->load_target_len && (given['c'] || given['n'] || given[OPT_RATE] || given[OPT_KEEPALIVE] ||
				    given[OPT_TIMEOUT] || given[OPT_LOADGEN_THREADS])) {
		error_message_set(err, "load options need --load HOST:PORT");
		return PARSE_ERROR;
	}
	if (o->requests && !o->duration_given)
		o->duration_s = REQUESTS_TIME_CAP_S;
	return check_open_loop(o, arrivals, err) ? PARSE_ERROR : PARSE_OK;
}

/* The scenario or bundled server named NAME into O; 0 or -1 with a reason. */
static int find_scenario(const char *name, struct run_options *o, struct error_message *err)
{
	char names[512];
	struct suggestion near;

	o->scenario = scenario_find(name);
	o->external = o->scenario ? NULL : external_find(name);
	if (o->scenario || o->external)
		return 0;
	suggestion_init(&near, name);
	for (unsigned i = 0; i < scenario_count; i++)
		suggestion_offer(&near, scenario_table[i].name);
	for (unsigned i = 0; i < external_count; i++)
		suggestion_offer(&near, external_table[i].name);
	if (near.best) {
		error_message_set(err, "unknown scenario '%s'; did you mean '%s'? (all: testbed list)", name, near.best);
		return -1;
	}
	scenario_names(names, sizeof(names));
	error_message_set(err, "unknown scenario '%s'; scenarios: %s", name, names);
	return -1;
}

/* getopt's ':' (a value missing) or '?' (unknown, with the closest of the
 * COMMANDS' options) in one line; PARSE_ERROR. */
static enum parse_result getopt_error(int opt, char **argv, const char *command_name, unsigned commands,
				      struct error_message *err)
{
	const char *typed = argv[optind - 1];
	/* "--wokers=4" is compared as "wokers"; a short option is not compared */
	const char *long_name = strncmp(typed, "--", 2) == 0 ? typed + 2 : "";
	char name[64];
	struct suggestion near;

	if (opt == ':') {
		error_message_set(err, "%s needs a value", typed);
		return PARSE_ERROR;
	}
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(long_name, "="), long_name);
	suggestion_init(&near, name);
	for (size_t i = 0; name[0] && i < ARRAY_SIZE(option_table); i++)
		if (option_table[i].name && (option_table[i].commands & commands))
			suggestion_offer(&near, option_table[i].name);
	if (near.best)
		error_message_set(err, "unknown option '%s'; did you mean --%s? (see: testbed %s --help)", typed,
				  near.best, command_name);
	else
		error_message_set(err, "unknown option '%s' (see: testbed %s --help)", typed, command_name);
	return PARSE_ERROR;
}

/* --duration and --out, as run, trace and study take them. */
static int duration_option(const char *text, double *out, struct error_message *err)
{
	if (parse_double(text, 0.1, MAX_DURATION_S, out) == 0)
		return 0;
	error_message_set(err, "--duration needs seconds from 0.1 to %.0f, not '%s'", MAX_DURATION_S, text);
	return -1;
}

static int out_option(const char *text, const char **out, struct error_message *err)
{
	if (text[0]) {
		*out = text;
		return 0;
	}
	error_message_set(err, "--out needs a folder name");
	return -1;
}

/* The options `run` and `trace` share; TRACE picks which. */
static enum parse_result parse_options(bool trace, int argc, char **argv, unsigned ncpus, struct run_options *o,
				       struct error_message *err)
{
	const char *scenario_name = NULL, *policy = NULL, *arrivals = NULL;
	const char *command_name = trace ? "trace" : "run";
	int given[OPT_COUNT] = { 0 };
	struct option longs[ARRAY_SIZE(option_table) + 1];
	char shorts[3 + 2 * ARRAY_SIZE(option_table)];
	struct pool_args pool = { 0 };
	const char *netns_gro = NULL, *worker_cpus = NULL;
	uint64_t value;
	int opt;

	*o = (struct run_options){
		.workers = ncpus ? ncpus : 1,
		.connections = DEFAULT_CONNECTIONS,
		.duration_s = DEFAULT_DURATION_S,
		.port = DEFAULT_PORT,
		.backlog = DEFAULT_BACKLOG,
		.timeout_ms = DEFAULT_TIMEOUT_MS,
		.interval_ms = DEFAULT_INTERVAL_MS,
		.events_max = DEFAULT_EVENTS_MAX,
	};
	err->text[0] = '\0';
	getopt_tables(longs, shorts);
	optind = 0; /* full reset: the parser may run more than once (tests) */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		const struct option_spec *spec = option_spec_of(opt);
		int failed = 0;

		if (opt > 1 && opt < OPT_COUNT)
			given[opt] = 1;
		if (spec && trace && !(spec->commands & FOR_TRACE)) {
			error_message_set(err, "%s is for testbed %s", option_title(spec).text,
					  spec->commands & FOR_RUN ? "run: trace watches a server it did not start"
								   : "study");
			return PARSE_ERROR;
		}
		if (spec && !trace && !(spec->commands & (FOR_RUN | FOR_EXTERNAL))) {
			error_message_set(err, "%s is for testbed %s", option_title(spec).text,
					  spec->commands & FOR_TRACE ? "trace" : "study");
			return PARSE_ERROR;
		}
		switch (opt) {
		case 1:
			if (trace) {
				error_message_set(err, "trace takes no '%s': give the command after --", optarg);
				return PARSE_ERROR;
			}
			if (scenario_name) {
				error_message_set(err, "run takes one scenario; '%s' is one too many", optarg);
				return PARSE_ERROR;
			}
			scenario_name = optarg;
			break;
		case 'p':
			failed = number_option("pid", optarg, 1, INT32_MAX, &value, err);
			o->trace_pid = (pid_t)value;
			break;
		case OPT_CGROUP:
			if (!optarg[0]) {
				error_message_set(err, "--cgroup needs a cgroup folder");
				return PARSE_ERROR;
			}
			o->trace_cgroup = optarg;
			break;
		case OPT_LOAD:
			if (load_target(optarg, &o->load_target, &o->load_target_len, err))
				return PARSE_ERROR;
			break;
		case 'w':
			failed = number_option("workers", optarg, 1, MAX_WORKERS, &value, err);
			o->workers = value;
			break;
		case 'c':
			failed = number_option("connections", optarg, 1, MAX_CONNECTIONS, &value, err);
			o->connections = value;
			o->connections_given = true;
			break;
		case 'd':
			failed = duration_option(optarg, &o->duration_s, err);
			o->duration_given = true;
			break;
		case 'n':
			failed = number_option("requests", optarg, 1, UINT32_MAX, &o->requests, err);
			break;
		case OPT_RATE:
			if (parse_double(optarg, 1, LOADGEN_MAX_RATE, &o->rate_cps)) {
				error_message_set(err, "--rate needs requests per second from 1 to %.0f, not '%s'",
					 LOADGEN_MAX_RATE, optarg);
				return PARSE_ERROR;
			}
			break;
		case OPT_ARRIVALS:
			arrivals = optarg;
			break;
		case OPT_KEEPALIVE:
			o->keepalive = true;
			break;
		case 'P':
			failed = number_option("port", optarg, 0, 65535, &value, err);
			o->port = value;
			break;
		case OPT_BACKLOG:
			failed = number_option("backlog", optarg, 1, 65535, &value, err);
			o->backlog = value;
			break;
		case OPT_TIMEOUT:
			failed = number_option("timeout", optarg, 1, 600000, &value, err);
			o->timeout_ms = value;
			break;
		case OPT_INTERVAL:
			failed = number_option("interval", optarg, 10, 60000, &value, err);
			o->interval_ms = value;
			break;
		case OPT_LOADGEN_THREADS:
			failed = number_option("loadgen-threads", optarg, 1, 256, &value, err);
			o->loadgen_threads = value;
			break;
		case 'o':
			failed = out_option(optarg, &o->out_dir, err);
			break;
		case OPT_FORCE:
			o->force = true;
			break;
		case OPT_POLICY:
			policy = optarg;
			break;
		case OPT_EVENTS:
			o->events = true;
			break;
		case OPT_EVENTS_MAX:
			failed = number_option("events-max", optarg, 0, UINT64_MAX, &o->events_max, err);
			break;
		case OPT_REPORT:
			o->report = true;
			break;
		case OPT_RING_BUFFER: {
			/* the kernel wants a power of two that is a multiple of the page size */
			uint64_t min_kb = (uint64_t)getpagesize() / 1024;

			if (parse_u64(optarg, min_kb, MAX_RING_BUFFER_KB, &value) || (value & (value - 1))) {
				error_message_set(err, "--ring-buffer needs KB as a power of two from %llu to %u, not '%s'",
					 (unsigned long long)min_kb, MAX_RING_BUFFER_KB, optarg);
				return PARSE_ERROR;
			}
			o->ring_buffer_kb = value;
			break;
		}
		case OPT_NO_TRACE:
			o->no_trace = true;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_KILL_WORKER_AFTER:
			if (parse_double(optarg, 0.1, MAX_DURATION_S, &o->kill_worker_after_s)) {
				error_message_set(err, "--kill-worker-after needs seconds from 0.1 to %.0f, not '%s'",
					 MAX_DURATION_S, optarg);
				return PARSE_ERROR;
			}
			break;
		case OPT_MIGRATE:
			o->migrate = true;
			break;
		case OPT_THREADS:
			failed = number_option("threads", optarg, 0, POOL_MAX_THREADS, &value, err);
			o->threads = value;
			break;
		case OPT_WORK:
			pool.work = optarg;
			break;
		case OPT_POOL_WAKE:
			pool.wake = optarg;
			break;
		case OPT_POOL_NOTIFY:
			pool.notify = optarg;
			break;
		case OPT_NETNS:
			o->netns = true;
			break;
		case OPT_NETNS_GRO:
			netns_gro = optarg;
			break;
		case OPT_RPS:
			failed = cpu_list_parse("--rps", optarg, &o->rps_cpus, err);
			o->rps_given = true;
			break;
		case OPT_SERVER_CPUS:
			failed = cpu_list_parse("--server-cpus", optarg, &o->cpus.server, err);
			o->cpus.server_given = true;
			break;
		case OPT_LOAD_CPUS:
			failed = cpu_list_parse("--load-cpus", optarg, &o->cpus.load, err);
			o->cpus.load_given = true;
			break;
		case OPT_WORKER_CPUS:
			worker_cpus = optarg;
			break;
		case 'v':
			o->verbose++;
			break;
		case OPT_HIST:
			o->hist = true;
			break;
		case 'h':
			return PARSE_HELP;
		default:
			return getopt_error(opt, argv, command_name, trace ? FOR_TRACE : FOR_RUN | FOR_EXTERNAL, err);
		}
		if (failed)
			return PARSE_ERROR;
	}
	/* a run of known length gets a timeline of >= 20 points */
	if (!given[OPT_INTERVAL] && (o->duration_given || (!trace && !o->requests)))
		o->interval_ms = timeline_default_interval_ms(o->duration_s);
	if (given[OPT_EVENTS_MAX] && !o->events) {
		error_message_set(err, "--events-max needs --events: it caps events.csv");
		return PARSE_ERROR;
	}
	if (trace)
		return check_trace(argc, argv, o, given, arrivals, err) != PARSE_OK ||
		       placement_options_check(true, o, netns_gro, worker_cpus, err) ? PARSE_ERROR : PARSE_OK;
	if (!scenario_name) {
		char names[512];

		scenario_names(names, sizeof(names));
		error_message_set(err, "run needs a scenario: %s", names);
		return PARSE_ERROR;
	}
	if (find_scenario(scenario_name, o, err))
		return PARSE_ERROR;
	if (o->external) {
		for (opt = 2; opt < OPT_COUNT; opt++) {
			const struct option_spec *spec = option_spec_of(opt);
			char names[128];

			if (!given[opt] || !spec || (spec->commands & FOR_EXTERNAL))
				continue;
			option_names(FOR_EXTERNAL, FOR_TRACE, names, sizeof(names));
			error_message_set(err, "%s runs %s as it is: only %s apply to it", o->external->name,
					  o->external->program, names);
			return PARSE_ERROR;
		}
		if (o->requests && !o->duration_given)
			o->duration_s = REQUESTS_TIME_CAP_S;
		return check_open_loop(o, arrivals, err) ? PARSE_ERROR : PARSE_OK;
	}
	if (o->requests && !o->duration_given)
		o->duration_s = REQUESTS_TIME_CAP_S;
	if (check_combination(o, policy, err) || check_pool(o, &pool, err) ||
	    check_open_loop(o, arrivals, err) || placement_options_check(false, o, netns_gro, worker_cpus, err))
		return PARSE_ERROR;
	return PARSE_OK;
}

enum parse_result parse_run_options(int argc, char **argv, unsigned ncpus, struct run_options *o, struct error_message *err)
{
	return parse_options(false, argc, argv, ncpus, o, err);
}

enum parse_result parse_trace_options(int argc, char **argv, unsigned ncpus, struct run_options *o, struct error_message *err)
{
	return parse_options(true, argc, argv, ncpus, o, err);
}

int parse_load_target(const char *text, struct sockaddr_storage *addr, socklen_t *len, struct error_message *err)
{
	return load_target(text, addr, len, err);
}

int parse_command_line(options_parser parser, void (*help)(FILE *out), int argc, char **argv,
		       struct run_options *opts)
{
	struct error_message err = { "" };

	switch (parser(argc, argv, (unsigned)sysconf(_SC_NPROCESSORS_ONLN), opts, &err)) {
	case PARSE_HELP:
		help(stdout);
		return EXIT_OK;
	case PARSE_ERROR:
		error_msg("%s", err.text);
		return EXIT_USAGE;
	case PARSE_OK:
		break;
	}
	verbose = opts->verbose;
	return -1;
}

enum parse_result parse_study_options(int argc, char **argv, struct study_options *o, struct error_message *err)
{
	struct option longs[ARRAY_SIZE(option_table) + 1];
	char shorts[3 + 2 * ARRAY_SIZE(option_table)];
	uint64_t value;
	int opt;

	*o = (struct study_options){ 0 };
	err->text[0] = '\0';
	getopt_tables(longs, shorts);
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		const struct option_spec *spec = option_spec_of(opt);
		int failed = 0;

		if (spec && !(spec->commands & FOR_STUDY)) {
			error_message_set(err, "%s is for testbed run or trace, not study", option_title(spec).text);
			return PARSE_ERROR;
		}
		switch (opt) {
		case 1:
			if (o->name) {
				error_message_set(err, "study takes one study name; '%s' is one too many", optarg);
				return PARSE_ERROR;
			}
			o->name = optarg;
			break;
		case 'd':
			failed = duration_option(optarg, &o->duration_s, err);
			break;
		case OPT_REPEAT:
			failed = number_option("repeat", optarg, 1, MAX_STUDY_REPEAT, &value, err);
			o->repeat = value;
			break;
		case OPT_MAX_WORKERS:
			failed = number_option("max-workers", optarg, 1, MAX_WORKERS, &value, err);
			o->max_workers = value;
			break;
		case 'o':
			failed = out_option(optarg, &o->out_dir, err);
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			return PARSE_HELP;
		default:
			return getopt_error(opt, argv, "study", FOR_STUDY, err);
		}
		if (failed)
			return PARSE_ERROR;
	}
	if (!o->name) {
		error_message_set(err, "study needs a study name or 'list' (see: testbed study list)");
		return PARSE_ERROR;
	}
	return PARSE_OK;
}
