/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Built-in HTTP/1.1 load generator: multi-threaded, epoll-based, closed
 * loop (each connection sends its next request when the last answer came)
 * or open loop (rate_cps > 0: Poisson or uniform arrivals at a fixed rate).
 * Targets loopback only (or the testbed's own --netns namespace); every run is bounded by time and/or request count. */
#ifndef TESTBED_LOADGEN_H
#define TESTBED_LOADGEN_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "error.h"
#include "histogram.h"

/* Sanity caps on a configuration; loadgen_start() refuses more. */
#define LOADGEN_MAX_CONNECTIONS 65536u /* about the ephemeral port range */
#define LOADGEN_MAX_THREADS 1024u
#define LOADGEN_MAX_BACKLOG 65536u    /* open loop: arrivals waiting per thread */
#define LOADGEN_MAX_RATE 10000000.0   /* requests per second */

struct loadgen_config {
	struct sockaddr_storage target;
	socklen_t target_len;
	unsigned connections;    /* concurrent clients, >= 1 */
	unsigned threads;        /* 0 = min(connections, number of CPUs) */
	double duration_s;       /* stop starting requests after this; > 0 */
	uint64_t requests;       /* stop after this many requests started; 0 = no count bound */
	bool keepalive;          /* reuse connections (Connection: keep-alive) */
	unsigned timeout_ms;     /* a request not answered by then is timed out */
	double rate_cps;         /* > 0: open loop, this many requests per second in all
	                            (connections = most in flight); 0: closed loop */
	enum loadgen_arrivals {
		ARRIVALS_POISSON,    /* exponential gaps: independent clients */
		ARRIVALS_UNIFORM,    /* equal gaps */
	} arrivals;
	/* besides loopback, the one address allowed: the server's end of the
	 * veth pair to a namespace the testbed made itself (--netns); 0.0.0.0 = none */
	struct in_addr netns_target;
};

struct loadgen_result {
	uint64_t completed;      /* full 2xx/any-status response received */
	uint64_t refused;        /* connect() got ECONNREFUSED */
	uint64_t reset;          /* ECONNRESET/EPIPE, or EOF before a full response */
	uint64_t timed_out;      /* no full response within timeout_ms */
	uint64_t other_errors;   /* anything else (counted, errno not kept) */
	uint64_t not_started;    /* open loop: arrivals dropped because too many already waited
	                            for a free connection (LOADGEN_MAX_BACKLOG per thread) */
	uint64_t connections_opened; /* connect() succeeded */
	uint64_t start_ns, end_ns; /* CLOCK_MONOTONIC: first request started, last finished */
	struct histogram latency_ns; /* per completed request: start (connect, or send on a
	                                kept-alive connection; open loop: the intended start,
	                                so waiting for a free connection counts) to last
	                                response byte */
};

/* 0 if the address is in 127.0.0.0/8 or is ::1 (or ::ffff:127.x.y.z), else -1. */
int loadgen_target_allowed(const struct sockaddr *addr);

struct loadgen;
/* Starts the client threads and returns at once. NULL with a one-line reason
 * in ERR (e.g. a target outside loopback). */
struct loadgen *loadgen_start(const struct loadgen_config *cfg, struct error_message *err);
bool loadgen_done(struct loadgen *lg);           /* every client thread finished */
uint64_t loadgen_completed(struct loadgen *lg);  /* running total, any thread */
void loadgen_stop(struct loadgen *lg);           /* abort in-flight requests soon (Ctrl-C) */
/* Joins the threads, fills RES, frees LG. */
void loadgen_finish(struct loadgen *lg, struct loadgen_result *res);

#endif
