/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* fd-dispatch's choice of worker, as a pure state machine: the master feeds
 * it accepted connections, worker readiness, acks and deaths, and asks it
 * which hand-off to make next. It never touches the descriptors it holds.
 *
 * Each worker has at most one hand-off in flight: it acks when it has
 * received the fd, and only then gets the next one.
 * - POLICY_RR: connection k goes to worker k % N, decided at accept time;
 *   it waits in that worker's queue until the worker can take it.
 * - POLICY_IDLE: Node's RoundRobinHandle: a FIFO of free workers; a
 *   connection goes to the first free one, else waits in one shared queue. */
#ifndef TESTBED_DISPATCH_H
#define TESTBED_DISPATCH_H

#include <stdbool.h>
#include "server.h"

struct dispatcher;

/* NULL on ENOMEM or a policy other than POLICY_RR/POLICY_IDLE (EINVAL). */
struct dispatcher *dispatcher_create(enum dispatch_policy policy, unsigned workers);
void dispatcher_destroy(struct dispatcher *d);

/* A new connection to hand off. 0, or -ENOMEM (the caller keeps FD). */
int dispatcher_add(struct dispatcher *d, int fd);
/* Worker W waits on its socket now (first start or restart): it may get fds. */
void dispatcher_worker_ready(struct dispatcher *d, unsigned w);
/* Worker W acked its hand-off: it may get the next one. */
void dispatcher_acked(struct dispatcher *d, unsigned w);
/* Worker W died or its socket broke: its in-flight hand-off is over (the
 * kernel closed that fd with the socket); it gets nothing until ready again.
 * Under POLICY_RR the connections queued for it wait for its restart. */
void dispatcher_worker_gone(struct dispatcher *d, unsigned w);
/* The next hand-off to make now: true with *W and *FD set, W now in flight. */
bool dispatcher_next(struct dispatcher *d, unsigned *w, int *fd);
/* The hand-off of FD to W failed because W is gone: FD goes back to the
 * front of its queue, W is gone as with dispatcher_worker_gone(). 0, or
 * -ENOMEM (never after dispatcher_next(); the caller keeps FD). */
int dispatcher_return(struct dispatcher *d, unsigned w, int fd);
/* Takes any queued connection (to close them at stop): false when none left. */
bool dispatcher_drain(struct dispatcher *d, int *fd);
/* Connections waiting in the master, not yet handed off. */
unsigned dispatcher_queued(const struct dispatcher *d);

#endif
