/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* `testbed run` and `testbed trace` options: one table (option_table) makes
 * getopt's options and the --help text; parsed by a pure function so bad
 * input is unit-tested and fuzzed. */
#ifndef TESTBED_OPTIONS_H
#define TESTBED_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/types.h>
#include "cpus.h"
#include "error.h"
#include "loadgen.h"
#include "server.h"

struct external_setup;

struct run_options {
	const struct scenario_info *scenario;     /* one of ours, or NULL */
	const struct external_setup *external;    /* run: a bundled real server, or NULL */
	/* trace: whom to watch (one of the three) and where to send load */
	pid_t trace_pid;                          /* --pid: it and its descendants */
	const char *trace_cgroup;                 /* --cgroup: a cgroup v2 folder */
	char **command;                           /* after --: start it, trace it, stop it */
	struct sockaddr_storage load_target;      /* --load HOST:PORT */
	socklen_t load_target_len;                /* 0 = no load */
	unsigned workers;          /* --workers, default: number of CPUs */
	unsigned connections;      /* --connections (open loop: the most in flight) */
	bool connections_given;
	double rate_cps;           /* --rate: open loop, requests per second; 0 = closed loop */
	enum loadgen_arrivals arrivals; /* --arrivals */
	double duration_s;         /* --duration */
	bool duration_given;
	uint64_t requests;         /* --requests, 0 = bounded by time only */
	bool keepalive;            /* --keepalive */
	unsigned port;             /* --port, 0 = any free port */
	unsigned backlog;          /* --backlog */
	unsigned timeout_ms;       /* --timeout (per request) */
	unsigned interval_ms;      /* --interval (timeline) */
	unsigned loadgen_threads;  /* --loadgen-threads, 0 = auto */
	enum dispatch_policy policy; /* --policy, else the scenario's default */
	bool events;               /* --events: every wakeup/accept into events.csv */
	uint64_t events_max;       /* --events-max: events.csv rows at most, 0 = no cap */
	unsigned ring_buffer_kb;   /* --ring-buffer KB: the tracer's ring buffer, 0 = default */
	bool no_trace;             /* --no-trace: attach no tracer (the baseline for its cost) */
	bool report;               /* --report: also write report.md/.html with plots */
	double kill_worker_after_s; /* --kill-worker-after, 0 = never */
	bool migrate;              /* --migrate: net.ipv4.tcp_migrate_req=1 for the run */
	unsigned threads;          /* --threads: pool threads per worker, 0 = no pool */
	enum work_kind work_kind;  /* --work KIND:AMOUNT, default cpu:DEFAULT_WORK_CPU_US */
	uint64_t work_amount;      /* microseconds (cpu, sleep) or bytes (file) */
	double work_fraction;      /* --work ...@FRACTION: the share of requests that get it; 0 = all */
	enum pool_wake pool_wake;  /* --pool-wake, default signal */
	enum pool_notify pool_notify; /* --pool-notify, default eventfd */
	const char *out_dir;       /* --out, NULL = results/<scenario>-<kernel>-<time> */
	bool force;                /* --force: write into an existing --out folder */
	unsigned verbose;          /* -v 1 (our steps), -vv 2 (also libbpf's) */
	bool json;                 /* --json: one JSON document on stdout, the summary on stderr */
	bool netns;                /* --netns: the server in its own network namespace, over veth */
	int netns_gro;             /* --netns-gro: 1 on, 0 off, -1 the kernel's default */
	cpu_set_t rps_cpus;        /* --rps: the server end's rps_cpus, when rps_given */
	bool rps_given;
	struct cpu_placement cpus; /* --server-cpus, --load-cpus, --worker-cpus */
	bool hist;                 /* --hist: log2 histograms after the summary */
};

#define DEFAULT_CONNECTIONS 8
#define DEFAULT_OPEN_LOOP_CONNECTIONS 256 /* --rate: room for arrivals to pile up */
#define DEFAULT_DURATION_S 5.0
#define REQUESTS_TIME_CAP_S 60.0   /* --requests alone is still bounded in time */
#define DEFAULT_PORT 0            /* any free port: runs side by side never collide */
#define DEFAULT_BACKLOG 511        /* nginx's and Node's default */
#define DEFAULT_TIMEOUT_MS 2000
#define DEFAULT_INTERVAL_MS 1000   /* the longest; a run of known length: duration/20, rounded */
#define DEFAULT_RING_BUFFER_KB 16384 /* the tracer's own size (bpf/tracer.bpf.c) */
#define MAX_RING_BUFFER_KB (1u << 20)
#define DEFAULT_EVENTS_MAX 10000000 /* rows: about 0.6 GB of events.csv */

/* Which commands take an option (option_spec.commands). */
enum option_commands {
	FOR_RUN = 1 << 0,      /* run, with one of our scenarios */
	FOR_EXTERNAL = 1 << 1, /* run, with a bundled real server (nginx, node) */
	FOR_TRACE = 1 << 2,    /* trace */
	FOR_ALL = FOR_RUN | FOR_EXTERNAL | FOR_TRACE,
	FOR_STUDY = 1 << 3,    /* study (not part of FOR_ALL) */
};

/* One option of run and trace, or (name NULL) a heading of their --help. */
struct option_spec {
	const char *name;      /* --NAME */
	int key;               /* -KEY when a letter (< 256); what getopt returns */
	const char *value;     /* what it takes, as help names it ("N", "HOST:PORT"); NULL: a switch */
	unsigned commands;     /* enum option_commands: who takes it (a heading: whose help shows it) */
	const char *help;      /* what it does; '\n' continues on the next line. A heading's text */
	const char *fallback;  /* its default, as help shows it; NULL for switches and trace's subject */
};

/* In --help order. */
extern const struct option_spec option_table[];
extern const size_t option_table_size;

enum parse_result { PARSE_OK, PARSE_HELP, PARSE_ERROR };

/* argv[0] is "run"; argv[1] the scenario (options may come before or after).
 * On PARSE_ERROR a one-line reason is in ERR. */
enum parse_result parse_run_options(int argc, char **argv, unsigned ncpus, struct run_options *opts,
				    struct error_message *err);
/* argv[0] is "trace": --pid P | --cgroup PATH | -- COMMAND ARGS... */
enum parse_result parse_trace_options(int argc, char **argv, unsigned ncpus, struct run_options *opts,
				      struct error_message *err);
/* HOST:PORT ("127.0.0.1:8080", "localhost:80", "[::1]:8080") into ADDR; the
 * host must be loopback. 0, or -1 with a one-line reason in ERR. */
int parse_load_target(const char *text, struct sockaddr_storage *addr, socklen_t *len, struct error_message *err);
void print_run_help(FILE *out);

/* `testbed study list | NAME [options]` (user/study.c). */
struct study_options {
	const char *name;          /* "list" or a study's name */
	double duration_s;         /* --duration per run; 0: the study's default */
	unsigned repeat;           /* --repeat; 0: the study's default */
	unsigned max_workers;      /* --max-workers: skip bigger configurations; 0: none */
	const char *out_dir;       /* --out, NULL = results/study-NAME-TIME */
	unsigned verbose;          /* -v count, as run's */
};
#define MAX_STUDY_REPEAT 100
/* argv[0] is "study". On PARSE_ERROR a one-line reason is in ERR. */
enum parse_result parse_study_options(int argc, char **argv, struct study_options *opts,
				      struct error_message *err);
void print_trace_help(FILE *out);

typedef enum parse_result (*options_parser)(int argc, char **argv, unsigned ncpus, struct run_options *opts,
					    struct error_message *err);
/* Parses ARGV with PARSER for this machine's CPUs: on --help prints HELP and
 * returns 0, on bad input says why in one line and returns 2 (the exit code
 * to return), else -1: go on with OPTS (and `verbose` set). */
int parse_command_line(options_parser parser, void (*help)(FILE *out), int argc, char **argv,
		       struct run_options *opts);

#endif
