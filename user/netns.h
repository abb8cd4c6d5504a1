/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* --netns: the server in a network namespace of its own, reached from ours
 * over a veth pair with a private /30 (netns.c). Everything it makes is
 * named after the owning testbed's pid, removed on every way out (a guard
 * process for SIGKILL) and swept at the next start if its owner is dead. */
#ifndef TESTBED_NETNS_H
#define TESTBED_NETNS_H

#include <sched.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <sys/types.h>
#include "cpus.h"
#include "error.h"
#include "process.h"

#define NETNS_PREFIX "testbed-"      /* + owner pid: the namespace (ip netns) */
#define NETNS_HOST_IF_PREFIX "tbh"   /* + owner pid: our end of the veth pair */
#define NETNS_PEER_IF_PREFIX "tbn"   /* + owner pid: its end, inside the namespace */
/* the /30s come out of this /16: nothing outside the machine is addressed */
#define NETNS_SUBNET_BASE 0x0afb0000u /* 10.251.0.0 */

struct netns_options {
	int gro;                 /* --netns-gro: 1 on, 0 off, -1 the kernel's default */
	const cpu_set_t *rps;    /* --rps: rps_cpus of the server's end; NULL = the default */
};

struct netns {
	char name[32];           /* "testbed-PID" under /run/netns */
	char host_if[16], peer_if[16];
	struct in_addr client_addr, server_addr; /* ours (.1) and the server's (.2) */
	bool gro;                /* the server end's GRO as the kernel reports it after set-up */
	bool created;
	struct guard guard;      /* removes it all if we die (process.h) */
};

/* Removes namespaces and links of testbeds that are gone (an earlier
 * crash). Quiet; says on stderr (debug) what it removed. */
void netns_sweep(void);
/* Makes the namespace, the veth pair, the addresses and the guard. 0, or -1
 * with ERR (and nothing left behind). */
int netns_create(struct netns *ns, const struct netns_options *o, struct error_message *err);
/* The calling thread into NS (*SAVED: how to come back) and back. 0 or -1. */
int netns_enter(const struct netns *ns, int *saved, struct error_message *err);
void netns_leave(int saved);
struct run_record;
/* netns_create() for R's options, and R's record of it (name, addresses,
 * GRO). 0, or -1 with ERR. */
int netns_begin_run(struct run_record *r, struct netns *ns, struct error_message *err);
/* Removes the link and the namespace and stands the guard down; NS may be
 * one that was never created. */
void netns_destroy(struct netns *ns);

#endif
