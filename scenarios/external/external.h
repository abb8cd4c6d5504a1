/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Bundled real-world servers, runnable by name (`testbed run nginx-reuseport`):
 * Node.js (child_process.fork with a shared handle, cluster rr/none) and
 * nginx (accept_mutex on/off, reuseport). Each reports its own per-process
 * request counts, which the tracer's counts are checked against. */
#ifndef TESTBED_EXTERNAL_H
#define TESTBED_EXTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <netinet/in.h>
#include "error.h"

struct external_setup {
	const char *name;
	const char *program;     /* what must be installed: "node" or "nginx" */
	const char *waits_in;    /* one line, as for our scenarios */
	const char *twin;
	const char *script;      /* node: the script in scenarios/external/ */
	const char *cluster_policy; /* node cluster: NODE_CLUSTER_SCHED_POLICY */
	const char *accept_mutex;   /* nginx: "on" or "off" */
	const char *listen_options; /* nginx: e.g. "reuseport" */
	bool counts_from_log;       /* nginx: a worker with no line in the log served none */
};

extern const struct external_setup external_table[];
extern const unsigned external_count;
const struct external_setup *external_find(const char *name);
/* 1 if its program is installed, else 0 with the reason in WHY. */
int external_available(const struct external_setup *s, struct error_message *why);

/* One run of a bundled server: where it listens, its command line,
 * environment and the scratch folder where its configuration and own
 * counts live. */
struct external_run {
	struct sockaddr_in target; /* 127.0.0.1:port it listens on: the load's target */
	char dir[64];            /* mkdtemp scratch folder */
	char *argv[12];
	char *env[4];            /* NAME=value additions, NULL-terminated */
	char storage[2048];      /* backs argv and env */
	char version[128];       /* e.g. "node v20.20.2", for meta.csv */
	unsigned workers;        /* as asked of external_prepare() */
};

/* Prepares RUN for S on 127.0.0.1:PORT (0 = a free port) with WORKERS
 * workers; 0, or -1 with a one-line reason in ERR. */
int external_prepare(const struct external_setup *s, unsigned port, unsigned workers, struct external_run *run,
		     struct error_message *err);
/* Whether the server ROOT (started from RUN) is ready for load, once it
 * listens (checked by the caller): node writes a file once every worker
 * serves; nginx's master listens before it forks, so nginx is ready once
 * every worker is forked (else the load would start with fewer workers and
 * the master's channel hand-offs would fall into the window). */
bool external_ready(const struct external_setup *s, const struct external_run *run, pid_t root);
/* Hands each process's own count of requests served to FOUND(ctx, pid,
 * count), which adds them up: node's workers write one file each, nginx's
 * access log has a line (a count of 1) per request. */
void external_read_counts(const struct external_setup *s, const struct external_run *run,
			  void (*found)(void *ctx, pid_t pid, uint64_t count), void *ctx);
void external_cleanup(struct external_run *run); /* removes the scratch folder */

#endif
