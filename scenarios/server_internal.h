/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Between the master (master.c) and its workers (worker.c): the control
 * messages a worker sends up its pipe, the master's state a worker is
 * forked with, and the two process entry points. Not for callers: they use
 * server.h. */
#ifndef TESTBED_SERVER_INTERNAL_H
#define TESTBED_SERVER_INTERNAL_H

#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "server.h"

struct reuseport_bpf;
struct dispatcher;

/* Worker -> master, over the worker's own control pipe. Each message is one
 * write() of this fixed struct and each master read() takes exactly one. */
enum control_type {
	CONTROL_REPORT = 1,      /* value = the worker's own count: connections it accepted,
	                            or (fd-dispatch) connection fds it received */
	CONTROL_READY,           /* it waits on its listener or socket now */
	CONTROL_FAILED,          /* text = why its setup failed; the run cannot go on */
	CONTROL_POOL_REPORT,     /* value = jobs its pool threads ran (sent before CONTROL_REPORT) */
};

struct control_msg {
	uint32_t type;           /* enum control_type */
	uint32_t worker_index;
	uint64_t value;
	char text[sizeof(((struct status_msg *)0)->text)];
};

/* The master's record of one worker. */
struct worker {
	pid_t pid;               /* 0 = not running (reaped, or given up on) */
	int control_fd;          /* non-blocking read end of its control pipe, or -1 */
	int dispatch_fd;         /* fd-dispatch: the master's end of its socketpair, or -1 */
	bool ready;              /* sent CONTROL_READY since it was started */
	bool reported;
};

/* The master's state; a worker gets a copy of it with the fork. */
struct master {
	struct server_config cfg; /* policy resolved: never POLICY_NONE where the model has policies */
	pid_t pid;
	int status_fd;
	/* shared-*: the listener the workers inherit; fd-dispatch: the master's own;
	 * reuseport*: bound, not listening, to hold the port across restarts */
	int listener;
	unsigned port;
	int signal_fd;
	sigset_t signals;        /* SIGCHLD, SIGTERM, SIGINT: read through signal_fd */
	struct worker *workers;
	struct pollfd *poll_fds; /* see master_run() in master.c for the layout */
	struct reuseport_bpf *steering;  /* reuseport-bpf: program, socket array, counters */
	struct dispatcher *dispatcher;   /* fd-dispatch */
	uint64_t accepted;       /* fd-dispatch: connections the master accepted */
	char work_file[64];      /* --work file: the file the pools read, created once; "" = none */
	bool ready_sent;         /* STATUS_READY went out */
	bool stopping;
	int64_t resend_at_ms, give_up_at_ms;
};

/* The worker's process from its fork to its _exit(): serves until SIGTERM,
 * then reports its own count (worker.c). */
void __attribute__((noreturn)) worker_main(const struct master *m, unsigned index, int control_fd,
					   int dispatch_fd);
/* The master's process from its fork to its _exit(): waits at GATE_FD for
 * server_release(), then runs the workers and reports on STATUS_FD (master.c). */
void __attribute__((noreturn)) master_main(const struct server_config *cfg, pid_t caller,
					   int status_fd, int gate_fd);

#endif
