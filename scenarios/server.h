/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The scenario servers: one master process forks N workers, keeps a control
 * pipe to each, restarts a worker that dies, and stops them all on SIGTERM.
 * The testbed talks to the master over a status pipe (struct status_msg). */
#ifndef TESTBED_SERVER_H
#define TESTBED_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/types.h>
#include "error.h"
#include "pool.h"

enum scenario_model {
	MODEL_SHARED_ACCEPT,     /* blocking accept() on one inherited listener */
	MODEL_SHARED_EPOLL,      /* level-triggered epoll on the shared listener */
	MODEL_SHARED_EPOLL_EXCL, /* the same with EPOLLEXCLUSIVE */
	MODEL_REUSEPORT,         /* each worker its own SO_REUSEPORT listener, kernel hash picks */
	MODEL_REUSEPORT_BPF,     /* the same group steered by an SK_REUSEPORT program */
	MODEL_FD_DISPATCH,       /* the master accepts and passes fds over SCM_RIGHTS */
};

/* Who gets the next connection, where the model lets us choose. */
enum dispatch_policy {
	POLICY_NONE,             /* the model has no choice to make (kernel decides) */
	POLICY_RR,               /* strict rotation over the workers */
	POLICY_LEAST,            /* reuseport-bpf: the worker with the fewest open connections */
	POLICY_IDLE,             /* fd-dispatch: Node's FIFO of idle workers, one hand-off in flight each */
};

struct scenario_info {
	const char *name;        /* CLI name, e.g. "shared-epoll" */
	enum scenario_model model;
	const char *waits_in;    /* one line: what the workers wait in */
	const char *twin;        /* one line: the real-world server it models */
	unsigned policies;       /* bit mask of (1 << enum dispatch_policy) it accepts; 0 = none */
	enum dispatch_policy default_policy;
	unsigned max_workers;    /* most workers the model can run; 0 = no limit of its own */
};

const char *policy_name(enum dispatch_policy policy);          /* "rr", ... ("none") */
int policy_parse(const char *name, enum dispatch_policy *out); /* 0 or -1 */
/* Whether S runs with POLICY: one of its policies, or POLICY_NONE (its default). */
bool scenario_accepts_policy(const struct scenario_info *s, enum dispatch_policy policy);

extern const struct scenario_info scenario_table[];
extern const unsigned scenario_count;
const struct scenario_info *scenario_find(const char *name); /* NULL if unknown */
const struct scenario_info *scenario_of_model(enum scenario_model model); /* NULL if unknown */
/* 1 if this kernel supports the scenario, else 0 with a reason in WHY. */
int scenario_supported(const struct scenario_info *s, struct error_message *why);

struct server_config {
	enum scenario_model model;
	unsigned workers;        /* >= 1 */
	unsigned port;           /* 0 = any free port (reported in STATUS_READY) */
	unsigned backlog;        /* listen() backlog */
	unsigned io_timeout_ms;  /* SO_RCVTIMEO/SO_SNDTIMEO on client sockets */
	enum dispatch_policy policy; /* one the model accepts; POLICY_NONE = its default */
	/* each worker's thread pool (pool.h); threads 0 = none, and each request
	 * is answered by the worker itself */
	unsigned threads;        /* pool threads per worker, 0 .. POOL_MAX_THREADS */
	enum work_kind work_kind; /* what one request's job does */
	uint64_t work_amount;    /* microseconds (cpu, sleep) or bytes (file) */
	double work_fraction;    /* the share of requests that get the work (work_due), 0 = every
				  * one; without a pool, sleep work runs in the worker itself */
	enum pool_wake pool_wake;
	enum pool_notify pool_notify;
	struct in_addr listen_addr; /* the listeners' address; 0.0.0.0 = 127.0.0.1 (--netns: the veth's) */
	bool worker_cpus_one_each; /* worker i pinned to the (i mod n)-th of the master's n CPUs */
};

enum status_type {
	STATUS_READY = 1,        /* value = port; every worker started and sent WORKER_READY */
	STATUS_ERROR,            /* text = one-line reason; master exits 1 */
	STATUS_WORKER_STARTED,   /* worker_index, pid (also sent for restarts) */
	STATUS_WORKER_EXITED,    /* worker_index, pid, value = wait status */
	STATUS_WORKER_REPORT,    /* worker_index, pid, value = connections it accepted itself, or
	                            for fd-dispatch the connection fds it received; self-counted */
	STATUS_DONE,             /* every worker reported or was given up on; master exits 0 */
	STATUS_WORKER_READY,     /* worker_index, pid: it waits on its listener/socket now
	                            (also after a restart: the restart is complete) */
	STATUS_MASTER_REPORT,    /* pid = master, value = connections the master accepted
	                            itself (fd-dispatch; sent before DONE) */
	STATUS_WORKER_POOL_REPORT, /* worker_index, pid, value = jobs its pool threads ran
	                            (--threads > 0 only; self-counted, after the threads
	                            were joined; comes before that worker's WORKER_REPORT).
	                            Equals its USDT job_end count */
};

/* Fixed size, well under PIPE_BUF, so each write is atomic. */
struct status_msg {
	uint32_t type;           /* enum status_type */
	uint32_t worker_index;
	int32_t pid;
	uint32_t reserved;
	uint64_t value;
	char text[112];
};

/* Forks the master. The master waits until server_release() before it does
 * anything, so the caller can add its pid to the BPF filter first. The
 * master and workers die with the caller (PR_SET_PDEATHSIG). Returns the
 * master's pid, or -1 with errno set. *status_fd receives STATUS messages. */
pid_t server_spawn(const struct server_config *cfg, int *status_fd, int *gate_fd);
/* Lets the gated master go on; closes gate_fd. 0 or -errno. */
int server_release(int gate_fd);
/* Reads one status message, waiting at most timeout_ms (-1 = forever).
 * 1 = got one, 0 = timeout, -1 = EOF or error (errno set; EINTR passes up). */
int server_read_status(int status_fd, struct status_msg *msg, int timeout_ms);

#endif
