/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Shared between reuseport.bpf.c and the reuseport-bpf master/workers in
 * scenarios/master.c and worker.c. __u32/__u64 only. */
#ifndef TESTBED_REUSEPORT_H
#define TESTBED_REUSEPORT_H

/* Slots in the socket array and the per-worker counters; the least-loaded
 * scan is a bounded loop over at most this many workers. */
#define REUSEPORT_MAX_WORKERS 64

/* How the program picks a listener (rodata `steering`). */
enum reuseport_steering {
	STEER_ROUND_ROBIN = 1,   /* ticket % workers */
	STEER_LEAST_OPEN = 2,    /* fewest open connections, ties broken from the ticket on */
};

#endif
